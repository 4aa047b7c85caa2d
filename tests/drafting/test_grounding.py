"""Issue 9: a draft that is this unit's own report, for each of the six unit types.

Each sheet (tests/drafting/drafting_factsheets.py, ``UNIT_SHEETS``) is drafted by the
offline composer against the real bundled index, then held to what a 组织部 reviewer
checks first: nothing a past report did is stated as this unit's work, no wording
of another unit type, every entered item present, no checker error except markers
for facts the sheet lacks, boilerplate shared across unit types ≤ 25 %.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from drafting_factsheets import UNIT_SHEETS

from drafter.checks import check_text
from drafter.checks.section import check_section
from drafter.drafting import DraftEngine
from drafter.drafting.composer import figure_stated
from drafter.drafting.grounding import (
    activity_phrases,
    borrowed_activities,
    chars_per_fact,
    foreign_wording,
    missing_items,
    shared_sentences,
)
from drafter.drafting.signature import split_signature
from drafter.errors import ConfigError, FactSheetError
from drafter.facts.form import check_form, form_from_sheet
from drafter.facts.sheet import FactSheet, facts_from_data, parse_facts
from drafter.facts.units import UNITS_DIR, infer_unit_type, load_units, unit_types
from drafter.text.markers import MISSING_RE

_DRAFTS: dict[str, tuple[FactSheet, object]] = {}


def _draft(bundled_index, name: str):  # type: ignore[no-untyped-def]
    if name not in _DRAFTS:
        settings, retriever = bundled_index
        facts = facts_from_data(UNIT_SHEETS[name])
        _DRAFTS[name] = (facts, DraftEngine(settings, section_check=check_section, retriever=retriever).draft(facts))
    return _DRAFTS[name]


@pytest.fixture(params=sorted(UNIT_SHEETS))
def drafted(request: pytest.FixtureRequest, bundled_index):  # type: ignore[no-untyped-def]
    return _draft(bundled_index, request.param)


def test_unit_type_is_inferred_from_the_name(drafted) -> None:  # type: ignore[no-untyped-def]
    facts, _draft_ = drafted
    name = next(k for k, v in UNIT_SHEETS.items() if v["unit"] == facts.unit)
    assert facts.unit_type is None and facts.resolved_unit_type == name


def test_nothing_borrowed_as_fact(drafted) -> None:  # type: ignore[no-untyped-def]
    facts, draft = drafted
    assert borrowed_activities(draft.text(), facts) == []


def test_no_wording_of_another_unit_type(drafted) -> None:  # type: ignore[no-untyped-def]
    facts, draft = drafted
    assert foreign_wording(draft.text(), facts) == []
    profile = facts.profile()
    assert profile.self_ref in draft.text()


def test_every_entered_item_is_stated_and_labels_are_whole(drafted) -> None:  # type: ignore[no-untyped-def]
    facts, draft = drafted
    text = draft.text()
    assert missing_items(text, facts) == []
    for fig in facts.figures:  # the label whole, or its part of a total the program computed
        assert figure_stated(fig, text, facts), fig.label


def test_checker_errors_only_for_facts_the_sheet_lacks(drafted) -> None:  # type: ignore[no-untyped-def]
    facts, draft = drafted
    result = check_text(draft.text(), facts=facts)
    bad = [f for f in result.findings if f.severity == "error" and not MISSING_RE.search(f.text or "")]
    assert bad == [], [(f.code, f.text) for f in bad]


def test_draft_ends_with_the_signature_block(drafted) -> None:  # type: ignore[no-untyped-def]
    facts, draft = drafted
    lines = draft.text().rstrip("\n").splitlines()
    assert lines[-3] == "特此报告。" and lines[-2] == facts.signature_unit
    if facts.date is not None:
        assert lines[-1] == f"{facts.date.year}年{facts.date.month}月{facts.date.day}日"
    else:
        assert lines[-1] == "〔待补：成文日期〕"
    body, signature = split_signature(draft.text(), facts)
    assert signature is not None and signature.unit == facts.signature_unit
    assert facts.signature_unit not in body.splitlines()[-1]


def test_boilerplate_shared_across_unit_types_is_small(bundled_index) -> None:  # type: ignore[no-untyped-def]
    bodies = {}
    for name in UNIT_SHEETS:
        facts, draft = _draft(bundled_index, name)
        bodies[name] = split_signature(draft.text(), facts)[0]
    shares = shared_sentences(bodies)
    for name, (share, sentences) in shares.items():
        assert share <= 0.25, (name, share, sentences)


def test_parts_that_do_not_apply_are_neither_written_nor_demanded(bundled_index) -> None:  # type: ignore[no-untyped-def]
    for name in ("soe", "university", "institution"):
        facts, draft = _draft(bundled_index, name)
        text = draft.text()
        assert "职级晋升" not in text and "公务员" not in text and "调研员" not in text
        assert "《党政领导干部选拔任用工作条例》和" not in text.splitlines()[1]  # the type's own rule first
    facts, draft = _draft(bundled_index, "soe")
    assert "《国有企业领导人员管理规定》" in draft.text() and "前置研究干部人事事项11项" in draft.text()
    facts, draft = _draft(bundled_index, "township")
    assert "试用期" not in draft.text() and "县委" in draft.text()
    facts, draft = _draft(bundled_index, "local_committee")
    assert "我县" in draft.text() and "我委" not in draft.text() and "全委会" in draft.text()


def test_sparse_sheet_gives_a_short_honest_draft(bundled_index) -> None:  # type: ignore[no-untyped-def]
    facts, draft = _draft(bundled_index, "township")  # two figures and one highlight
    text = draft.text()
    body = split_signature(text, facts)[0]
    assert len(body) < 900
    markers = MISSING_RE.findall(text)
    assert len(markers) >= 2  # problems and plans, for the writer to add
    assert chars_per_fact(body, facts) < 250


def test_highlight_filed_under_rectification_is_written_there(
    bundled_index,
) -> None:  # type: ignore[no-untyped-def]
    facts, draft = _draft(bundled_index, "institution")  # its highlight is filed under rectification
    assert "rectification" in [s.element for s in draft.sections]  # a required part: always written
    text = draft.text()
    highlight = facts.highlights[0].text
    assert highlight in text
    holder = next(s for s in draft.sections if highlight in s.text)
    assert holder.element == "rectification"
    assert not draft.notices


def test_references_are_offered_beside_sections_never_pasted(drafted) -> None:  # type: ignore[no-untyped-def]
    facts, draft = drafted
    practices = [s for s in draft.sections if s.element == "practices"]
    refs = [src for s in practices for src in s.sources]
    assert refs, "practice sections offer 参考写法"
    for src in refs:
        assert " · " in src.title  # named by unit and year
        assert src.source.startswith(("reports/", "uploads/"))
    for s in practices:
        for src in s.sources:
            for sentence in src.text.split("。"):
                if len(sentence) >= 16:
                    assert sentence not in s.text


def test_detector_catches_the_activities_the_issue_names() -> None:
    facts = facts_from_data(UNIT_SHEETS["soe"])
    assert len(activity_phrases()) >= 20
    for sentence in (
        "组织党员干部参观廉洁体验馆，接受警示教育。",
        "开展机关读书暨支部微党课视频展播活动，营造浓厚学习氛围。",
        "开展领导干部在企业社团违规兼职、取酬清理规范工作，组织在职干部签订书面承诺。",
        "举办领导干部个人有关事项报告工作培训会，提高填报质量。",
        "建立全体干部平时考核清单，推动考核常态化。",
    ):
        assert borrowed_activities("标题\n" + sentence, facts), sentence
    # the writer's own highlight is a fact, not a borrowing
    own = facts_from_data({**UNIT_SHEETS["soe"], "highlights": ["组织党员干部参观廉洁体验馆"]})
    assert borrowed_activities("标题\n组织党员干部参观廉洁体验馆。", own) == []


@pytest.mark.parametrize(
    ("unit", "org", "expected"),
    [
        ("白沙县委", "县委常委会", "local_committee"),
        ("中共江源市委", "市委常委会", "local_committee"),
        ("青石镇", "镇党委", "township"),
        ("江源市城市建设投资集团有限公司", "集团党委", "soe"),
        ("江源能源有限公司", "公司党委", "soe"),
        ("江源理工大学", "校党委", "university"),
        ("江源职业技术学院", "学院党委", "university"),
        ("江源市第一人民医院", "医院党委", "institution"),
        ("江源市疾病预防控制中心", "中心党委", "institution"),
        ("江源市水务局", "局党组", "organ"),
        ("湖南省交通运输厅", "厅党组", "organ"),
    ],
)
def test_inference_without_unit_type(unit: str, org: str, expected: str) -> None:
    inference = infer_unit_type(unit, org)
    assert inference.unit_type == expected
    assert inference.reason  # shown to the writer
    sheet = facts_from_data({"unit": unit, "org": org, "year": 2025})
    assert sheet.resolved_unit_type == expected


def test_unit_type_field_overrides_and_is_checked() -> None:
    sheet = facts_from_data({"unit": "江源市水务局", "org": "局党组", "year": 2025, "unit_type": "institution"})
    assert sheet.resolved_unit_type == "institution" and sheet.profile().self_ref == "我院"
    assert facts_from_data({"unit": "某某", "org": "党委", "year": 2025, "unit_type": "国有企业"}).unit_type == "soe"
    with pytest.raises(FactSheetError) as info:
        facts_from_data({"unit": "某某", "org": "党委", "year": 2025, "unit_type": "bank"})
    assert "单位类型" in str(info.value) and "soe" in str(info.value)
    with pytest.raises(FactSheetError) as info:
        facts_from_data({"unit": "某某", "org": "党委", "year": 2025, "practices": [{"id": "no_such"}]})
    assert "做法清单中没有“no_such”" in str(info.value)


def test_unknown_and_combined_levels_are_kept() -> None:
    sheet = parse_facts("unit: 白沙县委\norg: 县委常委会\nyear: 2025\nlevel: 县处级、乡科级\n")
    assert sheet.level == "县处级、乡科级"
    odd = parse_facts("unit: 某厅\norg: 厅党组\nyear: 2025\nlevel: 副厅级\n")
    form = form_from_sheet(odd)  # what the app's import does
    assert form["level"] == "副厅级"
    again = check_form(form).sheet
    assert again is not None and again.level == "副厅级"


def test_every_unit_type_file_is_valid_and_a_new_type_is_a_file(tmp_path: Path) -> None:
    types = unit_types()
    assert set(types) >= {"organ", "local_committee", "township", "soe", "university", "institution"}
    for ut in types.values():
        assert ut.practices and ut.rules and ut.figure_rows
    for src in Path(UNITS_DIR).glob("*.yaml"):
        (tmp_path / src.name).write_text(src.read_text("utf-8"), "utf-8")
    new = yaml.safe_load((tmp_path / "institution.yaml").read_text("utf-8"))
    new.update(id="research", name="科研院所", infer=["研究院$"], priority=60, self_reference=[{"value": "我所"}])
    (tmp_path / "research.yaml").write_text(yaml.safe_dump(new, allow_unicode=True), "utf-8")
    loaded = load_units(tmp_path)
    assert loaded["research"].name == "科研院所"
    new["practices"] = ["not_in_catalogue"]
    (tmp_path / "research.yaml").write_text(yaml.safe_dump(new, allow_unicode=True), "utf-8")
    with pytest.raises(ConfigError, match="not_in_catalogue"):
        load_units.__wrapped__(tmp_path)
