"""规范提法 (issue 24): every library entry, superseded rules, the congress line by year."""

from __future__ import annotations

import pytest

from drafter.checks import check_text
from drafter.facts.formulations import Formulation, bundled_library, parse_library

LIB = bundled_library()
ENTRIES = LIB.formulations


def _policy(text: str, year: int | None = 2025, lists=()):  # type: ignore[no-untyped-def]
    from drafter.facts.sheet import FactSheet

    facts = FactSheet(unit="测试局", org="局党组", year=year) if year else None
    found = check_text(text, facts=facts, categories={"policy"}, policy_lists=lists).findings
    return [f for f in found if f.category == "policy"]


def _correct_quote(f: Formulation) -> str:
    if f.id == "good_cadre_standard":
        return f"坚持“{f.right_text}”的好干部标准。"
    if f.id == "fanti_sibi":
        return "严格落实“凡提四必”，" + "、".join(f.items) + "。"
    if f.id == "selection_principles":
        return "坚持" + "，".join(f.items) + "的原则。"
    if f.id == "organisation_line":
        return f"新时代党的组织路线是：{f.text}。"
    if f.id == "one_report_two_appraisals":
        return "认真开展“一报告两评议”工作。"
    if f.suffix:
        return f"树牢{f.right_text}，确保各项工作落实。"
    return f"{f.text}。"


def test_library_validates_and_has_the_required_entries() -> None:
    names = {f.name for f in ENTRIES}
    for need in ("四个意识", "四个自信", "两个维护", "两个确立", "新时代好干部标准", "凡提四必",
                 "新时代党的组织路线", "一报告两评议"):
        assert need in names
    assert any(f.id == "selection_principles" and "德才兼备、以德为先" in f.items for f in ENTRIES)
    for f in ENTRIES:
        assert f.right_text and f.source.title and f.wrong, f.id
        assert f.source.date, f.id


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda f: f.id)
def test_correct_quotation_passes(entry: Formulation) -> None:
    assert _policy(_correct_quote(entry)) == []


@pytest.mark.parametrize(
    ("entry", "variant"),
    [(f, v) for f in ENTRIES for v in f.wrong],
    ids=lambda x: getattr(x, "id", None) or getattr(x, "kind", ""),
)
def test_each_wrong_variant_is_found_with_the_right_text_and_source(entry: Formulation, variant) -> None:  # type: ignore[no-untyped-def]
    text = f"一年来，我局党组认真贯彻，{variant.text}，推动工作落实。"
    found = _policy(text)
    assert len(found) == 1, (variant.text, [f.message for f in found])
    f = found[0]
    assert f.fix and f.source.startswith(entry.source.title[:6]), f
    assert entry.source.title in f.message
    assert f.text and f.text in text


def test_partial_mentions_are_not_findings() -> None:
    text = ("三是坚决做到“两个维护”。深刻认识“两个确立”决定性意义，增强“四个意识”，坚定“四个自信”，"
            "做到“两个维护”。坚决维护以习近平同志为核心的党中央权威和集中统一领导。坚持好干部标准，落实“凡提四必”。"
            "深入践行新时代党的组织路线，努力建设忠诚干净担当的高素质专业化干部队伍。"
            "增强政治意识、责任意识、服务意识。坚定理想信念、坚定道路自信。")
    assert _policy(text) == []


def test_shorthand_list_and_year_window() -> None:
    assert _policy("坚定道路、理论、制度、文化自信。") == []
    got = _policy("坚定道路、理论、制度自信。")
    assert [f.code for f in got] == ["policy-sige-zixin"] and "文化自信" in got[0].message
    # before 2016 the three 自信 were the formulation of the day
    assert _policy("坚定道路自信、理论自信、制度自信。", year=2014) == []


def test_json_carries_fix_and_source() -> None:
    found = _policy("增强政治意识、大局意识、核心意识、服务意识。")
    d = found[0].to_dict()
    assert d["category"] == "policy" and d["fix"] == "政治意识、大局意识、核心意识、看齐意识"
    assert "中国共产党章程" in d["source"] and "服务意识" in d["message"]


# ---- rules in force -------------------------------------------------------------------
def test_superseded_rule_title_is_a_finding_with_the_current_title() -> None:
    text = "严格执行《推进领导干部能上能下若干规定（试行）》，对不适宜担任现职的干部及时调整。"
    found = _policy(text, year=2025)
    assert [f.code for f in found] == ["policy-rule-superseded"]
    assert found[0].fix == "《推进领导干部能上能下规定》" and "2022" in found[0].source
    assert found[0].text == "《推进领导干部能上能下若干规定（试行）》"
    # in 2020 the 试行 rule was the one in force
    assert _policy(text, year=2020) == []
    # the current title is fine
    assert _policy("严格执行《推进领导干部能上能下规定》。", year=2025) == []


def test_superseded_version_year_is_a_finding() -> None:
    found = _policy("认真学习《党政领导干部选拔任用工作条例》（2014年）。", year=2024)
    assert [f.code for f in found] == ["policy-rule-superseded"] and "2019" in found[0].message
    found = _policy("严格执行2014年修订的《党政领导干部选拔任用工作条例》。", year=2024)
    assert len(found) == 1
    assert _policy("严格执行《党政领导干部选拔任用工作条例》（2019年）。", year=2024) == []
    assert _policy("认真执行《党政领导干部选拔任用工作暂行条例》。", year=2024)[0].fix == "《党政领导干部选拔任用工作条例》"


# ---- the congress line of the year ----------------------------------------------------------
def test_stale_congress_line_by_year() -> None:
    text = "一年来，局党组深入学习贯彻党的十九大和十九届六中全会精神，扎实推进各项工作。"
    found = _policy(text, year=2025)
    assert [f.code for f in found] == ["policy-stale-congress"]
    assert found[0].fix == "党的二十大和二十届四中全会精神"
    assert "2022年10月" in found[0].message
    assert _policy(text, year=2021) == []  # then it was current
    # a plenum of the 19th Central Committee alone, as the current guide
    found = _policy("认真学习贯彻十九届六中全会精神。", year=2024)
    assert [(f.code, f.text) for f in found] == [("policy-stale-congress", "十九届六中全会精神")]
    assert found[0].fix == "党的二十大和二十届三中全会精神"
    assert _policy("认真学习贯彻十九届六中全会精神。", year=2021) == []
    assert _policy("深入学习贯彻党的二十大精神。", year=2022) == []


def test_plenum_lag_is_info_and_current_line_passes() -> None:
    text = "深入学习贯彻党的二十大和二十届三中全会精神。"
    found = _policy(text, year=2025)
    assert [(f.code, f.severity) for f in found] == [("policy-stale-plenum", "info")]
    assert _policy(text, year=2024) == []
    assert _policy("深入学习贯彻党的二十大和二十届二中、三中、四中全会精神。", year=2025) == []
    assert LIB.current_line(2024) == "党的二十大和二十届三中全会精神"
    assert LIB.current_line(2021) == "党的十九大和十九届六中全会精神"


def test_year_read_from_the_text_without_a_sheet() -> None:
    text = "关于2025年度干部选拔任用工作的报告\n一年来，深入学习贯彻党的十九大精神。"
    assert [f.code for f in _policy(text, year=None)] == ["policy-stale-congress"]


# ---- a unit's own list ---------------------------------------------------------------------
def test_unit_list_findings_name_the_list() -> None:
    unit = parse_library({
        "name": "某市委组织部规范提法清单",
        "formulations": [{
            "id": "sibi_local", "name": "选人用人“四拼四比”", "text": "拼担当比作为",
            "wrong": [{"text": "拼资历比作为"}],
            "source": {"title": "某市委组织部通知", "issuer": "某市委组织部", "date": "2024-03"},
        }],
        "terms": [{"text": "一把手说了算", "fix": "集体讨论决定"}],
    })
    found = _policy("坚持拼资历比作为，不搞一把手说了算。", lists=[unit])
    assert {f.code for f in found} == {"policy-sibi-local", "policy-term"}
    assert all("某市委组织部规范提法清单" in f.message and "某市委组织部规范提法清单" in f.source for f in found)
    assert _policy("坚持拼资历比作为，不搞一把手说了算。") == []


def test_bad_list_is_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="无法检查|pattern"):
        parse_library({"formulations": [{"id": "x", "name": "空", "source": {"title": "某文件"}}]})
    with pytest.raises(ValueError, match="查不到"):
        parse_library({"formulations": [{"id": "x", "name": "错", "source": {"title": "某文件"},
                                         "clauses": [{"pattern": "甲乙", "accept": ["丙丁"]}]}]})


def test_no_new_findings_on_the_bundled_samples(sample_texts: dict[str, str]) -> None:
    codes = []
    for key, text in sorted(sample_texts.items()):
        codes += [(key, f.code, f.text) for f in check_text(text, categories={"policy"}).findings]
    # the one finding is the older check's (000 writes 个人事项报告必查 for …必核), reviewed by hand
    assert codes == [("000", "policy-fanti-sibi", "个人事项报告必查")]
