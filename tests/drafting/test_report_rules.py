"""Issue 18: a report the unit would sign — each rule on the offline composer.

Drafts come from :func:`drafter.drafting.document.compose_draft` (no model, no
knowledge base) over the sheets in ``quality_factsheets.py``: two full sheets of
different units and one thin sheet per unit type.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from quality_factsheets import FULL_SHEETS, THIN_SHEETS

from drafter.checks import check_text
from drafter.drafting.composer import plan_ties, practice_preview, practice_sentence
from drafter.drafting.document import compose_draft
from drafter.drafting.grounding import missing_items
from drafter.drafting.quality import (
    authority_claims,
    empty_parts_unmarked,
    figures_not_once,
    frame_problems,
    repeated_sentences,
    self_reference_mix,
    shared_share,
    template_leftovers,
    thin_subsections,
    unstated_standing,
)
from drafter.drafting.signature import split_signature
from drafter.errors import FactSheetError
from drafter.export import docx_bytes
from drafter.facts.phrasebank import PHRASEBANK_PATH, phrase_bank
from drafter.facts.phrasebank_build import render_bank
from drafter.facts.sheet import FactSheet, facts_from_data, parse_facts
from drafter.facts.units import catalogue, unit_types
from drafter.text.doctree import parse
from drafter.text.frame import DATE_MISSING
from drafter.text.markers import MISSING_RE

ALL = {f"{ut}.{k}": d for ut, pair in FULL_SHEETS.items() for k, d in pair.items()}
ALL.update({f"{ut}.thin": d for ut, d in THIN_SHEETS.items()})
_TEXTS: dict[str, str] = {}


def _text(name: str) -> tuple[FactSheet, str]:
    facts = facts_from_data(ALL[name])
    if name not in _TEXTS:
        _TEXTS[name] = compose_draft(facts).text()
    return facts, _TEXTS[name]


def _sheet(**extra: object) -> FactSheet:
    return facts_from_data({"unit": "江源市水务局", "org": "局党组", "year": 2025, **extra})


def _section(text: str, word: str) -> str:
    """The body of the 一、… part whose heading holds ``word``."""
    out, on = [], False
    for line in text.splitlines():
        if re.match(r"^[一二三四五六七八九十]+、", line):
            on = word in line
            continue
        if on:
            out.append(line)
    return "\n".join(out)


# ---- 1. ticking confirms a sentence ---------------------------------------------------
def test_practice_sentence_states_only_the_practice_its_count_and_note() -> None:
    facts = _sheet(practices=[{"id": "grassroots", "value": 4}, {"id": "heart_talk", "value": 45}])
    assert practice_sentence(facts, "grassroots") == "选派4名干部挂职锻炼"  # no 基层一线, no 急难险重岗位
    assert practice_sentence(facts, "heart_talk", definition=False) == "开展谈心谈话45人次"  # nobody said 班子成员
    # what the cited rule itself says (党内谈话制度) follows as its own sentence: no person, place or count added
    full = practice_sentence(facts, "heart_talk")
    assert full.startswith("开展谈心谈话45人次。按照《中国共产党党内监督条例》，") and "班子成员" not in full


def test_a_note_is_woven_in_once() -> None:
    same = _sheet(practices=[{"id": "grassroots", "value": 4, "note": "选派干部到乡镇挂职锻炼"}])
    sentence = practice_sentence(same, "grassroots")
    assert sentence.count("挂职锻炼") == 1 and "4名" in sentence and "乡镇" in sentence
    other = _sheet(practices=[{"id": "grassroots", "value": 4, "note": "到防汛抗旱一线"}])
    assert practice_sentence(other, "grassroots") == "选派4名干部挂职锻炼，到防汛抗旱一线"


def test_definitions_come_from_the_rule_and_are_data() -> None:
    facts = _sheet(practices=[{"id": "fanti_sibi", "value": 10}, {"id": "public_notice", "value": 10}])
    sibi = practice_sentence(facts, "fanti_sibi")
    for item in ("干部档案凡提必审", "个人有关事项报告凡提必核", "纪检监察机关意见凡提必听", "线索具体的信访举报凡提必查"):
        assert item in sibi
    assert "公示期不少于五个工作日" in practice_sentence(facts, "public_notice")
    defined = [p for p in catalogue().practices if p.definition is not None]
    assert len(defined) >= 10 and all("《" in p.definition.rule or "规定" in p.definition.rule for p in defined)
    # the definition's number is the rule's: the checker does not call 五个 unsupported
    text = compose_draft(facts).text()
    assert not [f for f in check_text(text, facts=facts).findings if f.category == "figure" and f.severity == "error"]


def test_the_form_preview_is_the_sentence_the_draft_writes() -> None:
    facts = _sheet(superior="江源市委组织部", practices=[{"id": "grassroots", "value": 4, "note": "到防汛抗旱一线"}])
    preview = practice_preview("grassroots", 4, "到防汛抗旱一线", unit="江源市水务局", org="局党组")
    assert preview == "选派4名干部挂职锻炼，到防汛抗旱一线。"
    assert preview in compose_draft(facts).text()
    bare = practice_preview("heart_talk", None, None, unit="江源理工大学", org="校党委")
    assert bare.startswith("开展谈心谈话。按照《中国共产党党内监督条例》，") and "班子成员" not in bare


# ---- 2. developed paragraphs ------------------------------------------------------------
def test_totals_computed_from_the_parts_and_checked() -> None:
    facts, text = _text("local_committee.a")
    assert "共提拔乡科级领导干部67人，其中正职21人、副职46人" in text
    assert not [f for f in check_text(text, facts=facts).findings if f.category == "figure" and f.severity == "error"]


def test_items_alike_in_form_are_merged_keeping_every_number() -> None:
    facts, text = _text("organ.a")
    assert "举办4期水利业务能力提升培训班，分别培训30、25、28、31人，共114人" in text
    assert missing_items(text, facts) == []  # no entered item dropped


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_figure_once_where_it_belongs_and_subsections_developed(name: str) -> None:
    facts, text = _text(name)
    assert figures_not_once(text, facts) == []
    assert missing_items(text, facts) == []
    assert thin_subsections(text) == []  # a topic sentence and the unit's facts
    assert repeated_sentences(text) == []


def test_overview_gives_totals_not_the_figures_placed_in_practices() -> None:
    _, text = _text("organ.a")
    overview = _section(text, "总体情况")
    assert "共提拔科级领导干部14人" in overview
    assert "干部教育培训326人次" not in overview and "干部教育培训326人次" in text


# ---- 3. the whole document --------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ALL))
def test_the_frame_and_no_structure_warning(name: str) -> None:
    facts, text = _text(name)
    assert frame_problems(text, facts) == []
    result = check_text(text, facts=facts)
    assert [f.code for f in result.findings if f.category == "structure"] == []


def test_missing_date_and_recipient_are_markers() -> None:
    facts, text = _text("organ.thin")
    lines = text.rstrip("\n").splitlines()
    assert lines[1] == "〔待补：主送机关（上级组织部门）〕："
    assert lines[-3:] == ["特此报告。", facts.signature_unit, DATE_MISSING]


def test_docx_shows_the_same_frame() -> None:
    facts, text = _text("soe.a")
    body, signature = split_signature(text, facts)
    document = docx.Document(io.BytesIO(docx_bytes(parse(body), signature=signature)))
    paras = [p.text for p in document.paragraphs if p.text.strip()]
    assert paras[1] == "江源市国资委党委："
    assert paras[-3:] == ["特此报告。", "中共江源市城市建设投资集团有限公司党委", "2026年1月10日"]
    thin, thin_text = _text("soe.thin")
    body, signature = split_signature(thin_text, thin)
    document = docx.Document(io.BytesIO(docx_bytes(parse(body), signature=signature)))
    assert [p.text for p in document.paragraphs if p.text.strip()][-1] == DATE_MISSING


def test_title_in_the_unit_types_form() -> None:
    _, committee = _text("local_committee.a")
    assert committee.splitlines()[0] == "中共白沙县委常委会2025年度干部选拔任用工作报告"
    _, company = _text("soe.a")
    assert company.splitlines()[0] == "江源市城市建设投资集团有限公司2025年度选人用人工作报告"


# ---- 4. authority by unit type --------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ALL))
def test_no_authority_the_unit_lacks(name: str) -> None:
    facts, text = _text(name)
    assert authority_claims(text, facts) == []


def test_authority_is_data_and_the_overview_says_it() -> None:
    assert all(u.authority for u in unit_types().values())
    _, township = _text("township.a")
    assert "向县委推荐科级干部人选" in _section(township, "总体情况")
    assert "选任乡科级" not in township and "任用乡科级" not in township
    _, county = _text("local_committee.a")
    assert "负责乡科级领导干部的选拔任用，向市委推荐县处级领导干部人选" in county
    _, company = _text("soe.a")
    assert "负责中层管理人员的选拔任用。集团领导班子成员由上级党组织管理。按照《国有企业领导人员管理规定》，" in company
    _, college = _text("university.a")  # a 学院 calls itself 学院, never 学校
    assert "负责处级干部的选拔任用。学院领导班子成员由上级党组织管理。" in college and "学校" not in college.replace("《高等学校", "")
    _, hospital = _text("institution.a")
    assert "负责中层干部的选拔任用" in hospital


# ---- 5. required parts never silently dropped -------------------------------------------
@pytest.mark.parametrize("name", sorted(ALL))
def test_required_parts_written_with_markers_when_empty(name: str) -> None:
    facts, text = _text(name)
    assert empty_parts_unmarked(text, facts) == []


def test_rectification_says_no_feedback_only_when_the_sheet_does() -> None:
    _, said = _text("township.a")  # no_prior_feedback: true
    assert _section(said, "整改").strip() == "上年度无反馈问题。"
    _, silent = _text("township.thin")
    assert MISSING_RE.search(_section(silent, "整改")) and "无反馈问题。" not in silent


# ---- 6. right wording ----------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ALL))
def test_no_leftovers_no_unstated_standing_one_self_reference(name: str) -> None:
    facts, text = _text(name)
    assert template_leftovers(text) == []
    assert unstated_standing(text, facts) == []
    assert self_reference_mix(text, facts) == []


def test_leftover_detector_finds_the_old_template() -> None:
    assert template_leftovers("严格按照规定程序选任处级干部（处级）。") != []
    assert template_leftovers("选任中层干部（中层干部）。") != []
    assert template_leftovers("调整补充村（社区）“两委”干部") == []


def test_rectification_lead_names_the_real_sources() -> None:
    _, both = _text("organ.a")
    lead = _section(both, "整改")
    assert "“一报告两评议”反馈意见" in lead and "选人用人专项检查" in lead
    _, inspected = _text("soe.a")  # its only item came from 巡视巡察
    lead = _section(inspected, "整改")
    assert "巡视巡察" in lead and "一报告两评议”反馈意见" not in lead
    # the rule under which each source asks for rectification: 巡视工作条例, the 监督检查办法 for a 专项检查
    assert lead.startswith("按照《中国共产党巡视工作条例》，集团党委对照巡视巡察反馈的选人用人问题逐项研究整改措施。")
    # findings from two sources: each item says which one it answers, the item itself as written
    part = _section(both, "整改")
    assert "一是对照上年度“一报告两评议”反馈意见，针对干部交流不够的问题，" in part
    assert "二是对照选人用人专项检查反馈问题，补齐干部档案材料" in part
    _, checked = _text("institution.a")
    assert _section(checked, "整改").startswith(
        "按照《干部选拔任用工作监督检查和责任追究办法》，医院党委对照选人用人专项检查反馈问题逐项研究整改措施。"
    )


def test_a_practice_count_the_part_computes_as_a_total_is_stated_once() -> None:
    """职级晋升 ticked with 9, and 三级4人 + 四级5人 entered: the total states the 9, the practice does not."""
    _, text = _text("organ.b")
    assert "全年共晋升主任科员9人，其中三级4人、四级5人。" in text
    assert "职级晋升9人" not in text and "按规定开展职级晋升。" in text


def test_a_purpose_clause_of_a_rule_never_frames_a_count() -> None:
    """年轻干部培养选拔's definition opens with its purpose (以确保选准用好为根本): ticked, it is said
    after the practice; a figure of the practice unticked (提拔35岁以下年轻干部4名) stands without it."""
    _, ticked = _text("township.b")
    assert "提拔使用年轻干部2名。按照《关于适应新时代要求大力发现培养选拔优秀年轻干部的意见》，以确保选准用好为根本，" in ticked
    _, unticked = _text("organ.a")
    assert "选准用好" not in unticked and "全年提拔35岁以下年轻干部4名" in unticked


def test_a_figure_of_an_unticked_practice_gets_the_rest_of_its_rule() -> None:
    """任期考核18人 (not ticked): the rule's first clause would restate the count, so the count
    stands alone and what the rule says beyond it follows as its own sentence."""
    data = dict(ALL["institution.b"])
    data["practices"] = [p for p in data["practices"] if p["id"] != "annual_appraisal"]
    text = compose_draft(facts_from_data(data)).text()
    assert "全年中层干部任期考核18人。按照《事业单位领导人员管理规定》，考核结果作为续聘、解聘、调整的重要依据。" in text
    assert "任期届满进行任期考核" not in text


def test_the_rest_of_a_rule_is_not_said_again_after_a_ticked_rule_said_the_like() -> None:
    """年度考核 ticked: its rule already says 「考核结果作为……重要依据」; the 任期考核 count's rule
    would say it a second time in the next sentence, so the count stands alone."""
    _, text = _text("institution.b")
    assert text.count("考核结果作为") == 1, text
    assert "全年中层干部任期考核18人。" in text


def test_rectification_items_are_objects_and_strings_stay_valid() -> None:
    facts = _sheet(rectification=["甲", {"text": "乙", "source": "选人用人专项检查"}])
    assert [(r.text, r.source) for r in facts.rectification] == [("甲", "一报告两评议"), ("乙", "选人用人专项检查")]
    again = parse_facts(facts.to_yaml())
    assert [(r.text, r.source) for r in again.rectification] == [("甲", "一报告两评议"), ("乙", "选人用人专项检查")]
    with pytest.raises(FactSheetError) as err:
        _sheet(rectification=[{"text": "丙", "source": "自查"}])
    assert "整改来源" in str(err.value.problems)


def test_a_ratio_tagged_to_problems_is_a_shortfall_there() -> None:
    _, text = _text("university.a")
    assert "40岁左右正处级干部占比仅为18.2%" in _section(text, "存在")
    assert "18.2%" not in _section(text, "总体情况")
    assert text.count("18.2%") == 1


# ---- 7. length follows the facts -------------------------------------------------------------
def test_length_follows_the_facts_never_padding() -> None:
    for ut in FULL_SHEETS:
        full, full_text = _text(f"{ut}.a")
        thin, thin_text = _text(f"{ut}.thin")
        assert len(full_text) > 2 * len(thin_text)
        assert len(thin_text) < 700 and len(MISSING_RE.findall(thin_text)) >= 5  # short, says what is missing
        assert len(MISSING_RE.findall(full_text)) == 0


def test_a_plan_names_the_problem_it_answers() -> None:
    problems = ["村干部队伍年龄偏大，部分村后备力量不足", "站所负责人专业能力与岗位要求还有差距"]
    plans = ["分类开展站所负责人业务培训", "做好村（社区）后备力量储备，每村培养2名以上后备干部", "健全干部日常监督机制"]
    assert plan_ties(plans, problems) == {0: 1, 1: 0}  # the third answers none: left as written
    facts = _sheet(problems=problems, plans=plans)
    plan_part = _section(compose_draft(facts).text(), "下一步")
    assert "一是针对站所负责人专业能力与岗位要求还有差距的问题，分类开展站所负责人业务培训。" in plan_part
    assert "二是针对村干部队伍年龄偏大的问题，做好村（社区）后备力量储备" in plan_part
    assert "三是健全干部日常监督机制。" in plan_part and "针对上述问题" in plan_part  # not every plan is tied
    one = _sheet(problems=problems[1:], plans=plans[:1])
    assert "下一步，局党组将针对站所负责人专业能力与岗位要求还有差距的问题，分类开展站所负责人业务培训。" in (
        compose_draft(one).text()
    )


#: Full sheets whose draft reaches the issue's 2,000 characters from their facts and the rules'
#: definitions alone. The others stop short: what their sheets hold, developed,
#: without padding — see docs/benchmarks.md, “Issue 18”. A strict xfail says so until they do.
REACH_2000 = {"organ.a", "local_committee.a", "local_committee.b", "university.a"}
FULL = sorted(f"{ut}.{k}" for ut, pair in FULL_SHEETS.items() for k in pair)


@pytest.mark.parametrize(
    "name",
    [n if n in REACH_2000 else pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="issue 18 item 7: short of 2,000 without padding"))
     for n in FULL],
)
def test_a_full_sheet_gives_2000_to_3500_characters_with_every_rule_clean(name: str) -> None:
    facts, text = _text(name)
    assert figures_not_once(text, facts) == [] and thin_subsections(text) == [] and repeated_sentences(text) == []
    assert frame_problems(text, facts) == [] and template_leftovers(text) == [] and unstated_standing(text, facts) == []
    assert empty_parts_unmarked(text, facts) == [] and authority_claims(text, facts) == []
    assert self_reference_mix(text, facts) == [] and missing_items(text, facts) == []
    result = check_text(text, facts=facts)
    assert [f.code for f in result.findings if f.category == "structure"] == []
    assert [f.code for f in result.findings if f.severity == "error" and not MISSING_RE.search(f.text or "")] == []
    assert 2000 <= len(text) <= 3500


@pytest.mark.parametrize("name", FULL)
def test_every_full_draft_is_longer_than_before_and_still_clean(name: str) -> None:
    """What the rules' definitions, the unit type's rule and the computed shares add (issue 18 item 7):
    every full draft now 1,450 characters or more (it was 1,050–1,800), with every rule above at 0."""
    facts, text = _text(name)
    assert len(text) >= 1450
    assert MISSING_RE.findall(text) == []
    assert figures_not_once(text, facts) == [] and repeated_sentences(text) == [] and missing_items(text, facts) == []


def test_a_definition_sentence_states_only_the_rules_text() -> None:
    """Every ticked practice with a definition: the unit's sentence (practice, count, note) and then the
    rule's own sentence — 「按照《…》，」 and the definition's text, nothing else (no activity, no count)."""
    checked = 0
    for practice in catalogue().practices:
        d = practice.definition
        if d is None:
            continue
        for ut in (d.unit_types or ["organ"]):
            ut_def = unit_types()[ut]
            if practice.id not in ut_def.practices:
                continue
            item: dict[str, object] = {"id": practice.id}
            if practice.count is not None:
                item["value"] = 3
            facts = facts_from_data({"unit": "江源市某单位", "org": ut_def.reporting_body, "year": 2025,
                                     "unit_type": ut, "practices": [item]})
            profile = facts.profile()
            bare = practice_sentence(facts, practice.id, definition=False)
            sentence = practice_sentence(facts, practice.id)
            rule_text = profile.fill(d.text).rstrip("。")
            if d.text.startswith(("即", "由")):  # it refers back: a clause of the practice's sentence
                assert sentence == f"{bare}，{rule_text}", practice.id
            else:
                assert sentence == f"{bare}。{profile.rule_citation(d.rule)}{rule_text}", practice.id
                assert not re.search(r"\d", rule_text), practice.id  # the rule's words carry no count of the unit's
            checked += 1
    assert checked >= 25


def test_the_model_is_offered_the_same_filled_definition() -> None:
    from drafter.drafting.writers import _definition

    facts = _sheet(practices=[{"id": "fanti_sibi", "value": 10}, {"id": "exchange", "value": 2}])
    profile = facts.profile()
    sibi = _definition(catalogue().practice("fanti_sibi"), profile)
    assert "干部档案凡提必审" in sibi and "{" not in sibi and "依据《党政领导干部选拔任用工作条例》" in sibi
    assert "交流的对象主要是" in _definition(catalogue().practice("exchange"), profile)
    company = facts_from_data({"unit": "江源港务集团有限公司", "org": "集团党委", "year": 2025, "unit_type": "soe"})
    assert _definition(catalogue().practice("exchange"), company.profile()) == ""  # 党政 rule, not a company's


def test_shares_of_a_computed_total_are_stated_and_traceable() -> None:
    from drafter.facts.derived import derived_numbers

    facts, text = _text("organ.a")
    assert "提拔35岁以下年轻干部4名，占提拔科级领导干部总数的28.6%" in text
    assert (28.6, "%") in [(v, u) for v, u, _ in derived_numbers(facts)]
    assert not [f for f in check_text(text, facts=facts).findings if f.category == "figure" and f.severity == "error"]
    facts, text = _text("soe.a")  # the share sits with the practice whose count it is
    assert "通过公开竞聘选拔管理人员8人，占选拔任用中层管理人员总数的42.1%" in text


@pytest.mark.parametrize("name", FULL)
def test_computed_numbers_rest_on_what_they_are_computed_from(name: str) -> None:
    """事实依据表: a total rests on its parts, a share on its figure, a merged sum on its items,
    a note's count on the note — no number of a full draft is 无依据."""
    from drafter.drafting.basis import BasisMatcher

    facts, text = _text(name)
    rows = BasisMatcher(facts).document(text)
    assert [(r.unsupported, r.sentence[:40]) for r in rows if r.unsupported] == []
    for share in ("占提拔科级领导干部总数的28.6%", "占选拔任用中层管理人员总数的42.1%"):
        row = next((r for r in rows if share in r.sentence), None)
        if row is not None:
            assert row.status == "有依据" and any(b.kind == "figure" for b in row.basis)


def test_the_opening_and_overview_carry_the_years_line_and_the_types_rule() -> None:
    _, text = _text("soe.b")
    assert "党的二十大和二十届四中全会精神" in text.splitlines()[2]
    assert "按照《国有企业领导人员管理规定》，干部人事事项经党委会前置研究" in _section(text, "总体情况")
    _, thin = _text("soe.thin")  # a thin sheet stays short: no rule paragraph, only markers
    assert "按照《国有企业领导人员管理规定》" not in thin
    _, organ = _text("organ.a")
    assert "（以下简称《条例》）" in organ.splitlines()[2] and "按照《条例》，公示期" not in organ


# ---- reviewer's reading: how the rule's words join the unit's facts ----------------------------
@pytest.mark.parametrize("name", FULL)
def test_no_rule_statement_tacked_on_after_a_count(name: str) -> None:
    """A rule's words never follow a count after a comma (「……95人次，干部教育培训是……工程」):
    they frame the count (「根据……综合考虑，全年职级晋升4人」) or open the paragraph."""
    facts, text = _text(name)
    profile = facts.profile()
    for practice in catalogue().practices:
        d = practice.definition
        if d is None or d.text.startswith(("即", "由")):
            continue
        first = profile.fill(d.text).split("，")[0]
        hit = re.search(r"\d(?:人次|人|名|项|个|次|期|%)，" + re.escape(first), text)
        assert hit is None, (practice.id, text[max(0, hit.start() - 30): hit.end()])


def test_an_unticked_practices_rule_frames_its_count() -> None:
    _, township = _text("township.b")
    assert "按照《公务员职务与职级并行规定》，根据工作需要、德才表现、职责轻重、工作实绩和资历等因素综合考虑，全年职级晋升3人。" in township
    training = _section(township, "教育培训")
    assert training.startswith("（一）抓好干部教育培训\n干部教育培训是建设高素质干部队伍的先导性、基础性、战略性工程，")
    assert training.split("\n")[1].endswith("全年干部教育培训95人次。")
    _, town = _text("township.a")  # a part without subsections: the figure's label names the subject
    assert _section(town, "教育培训").startswith("干部教育培训是建设高素质干部队伍的先导性、基础性、战略性工程，坚持")
    _, organ = _text("organ.b")
    assert "按照《条例》，坚持民主集中制，全年党组会议研究干部任免议题7项。" in organ
    _, company = _text("soe.b")
    assert "按照《中国共产党国有企业基层组织工作条例（试行）》，党委研究讨论作为董事会、经理层决策重大问题的前置程序，全年党委会前置研究干部人事事项13项。" in company


def test_a_practice_said_whole_before_is_not_a_bare_sentence_again() -> None:
    _, township = _text("township.a")
    assert "。向县委推荐科级干部人选。" not in township and "向县委推荐科级干部人选3人" in township


@pytest.mark.parametrize("name", FULL)
def test_rectification_is_a_lead_sentence_then_the_items(name: str) -> None:
    facts, text = _text(name)
    part = _section(text, "整改")
    if facts.no_prior_feedback:
        return
    lead, _, rest = part.partition("逐项研究整改措施")
    assert rest.startswith(("。", "，在本年度报告中说明整改情况。")), part[:120]
    items = rest.split("。", 1)[1]
    assert items and "，针对" not in lead + rest.split("。", 1)[0]
    n = len(facts.rectification) + len([p for p in facts.practices if p.id in ("report_two_review", "full_committee_appraisal")])
    if n > 1:
        assert items.startswith("一是") and "二是" in items


def test_rectification_reads_as_a_writer_writes_it() -> None:
    _, township = _text("township.b")
    assert _section(township, "整改") == (
        "按照《干部选拔任用工作监督检查和责任追究办法》要求，乡党委对照上年度“一报告两评议”反馈意见逐项研究整改措施，"
        "在本年度报告中说明整改情况。针对村干部调整补充程序不规范的问题，制定工作流程。"
    )


@pytest.mark.parametrize("name", FULL)
def test_the_overview_says_one_thing_a_sentence(name: str) -> None:
    """Authority; who manages the unit's own 领导班子; what the rule says — each its own sentence,
    「按干部管理权限」 once."""
    facts, text = _text(name)
    overview = _section(text, "总体情况")
    assert overview.count("干部管理权限") == 1, overview
    first = overview.split("。")[0]
    assert "由上级党组织管理" not in first and "按照《" not in first
    profile = facts.profile()
    if profile.managed_sentence():
        assert f"。{profile.managed_sentence()}。" in overview


# ---- 8. variety from the facts; stock wording from the phrase bank ------------------------
@pytest.mark.parametrize("ut", sorted(FULL_SHEETS))
def test_two_units_of_a_type_share_at_most_35_percent(ut: str) -> None:
    _, a = _text(f"{ut}.a")
    _, b = _text(f"{ut}.b")
    assert shared_share(a, b) <= 0.35 and shared_share(b, a) <= 0.35


def test_the_phrase_bank_is_in_sync_with_the_catalogue_and_the_composer() -> None:
    assert PHRASEBANK_PATH.read_text(encoding="utf-8") == render_bank()  # python -m drafter.facts.phrasebank_build
    source = (Path(__file__).parents[2] / "src" / "drafter").rglob("*.py")
    used = {m for p in source for m in re.findall(r'"((?:frame|connective)\.[a-z_.0-9]+)"', p.read_text("utf-8"))}
    bank = phrase_bank()
    assert used and all(bank.get(i) is not None for i in used), sorted(i for i in used if bank.get(i) is None)
    _, text = _text("organ.a")
    leads = [bank.get(f"lead.{s.id}.{n}") for part in catalogue().parts for s in part.subs for n in (1, 2, 3)]
    assert any(p is not None and p.text.replace("{org}", "局党组").replace("{cadres}", "干部") in text for p in leads)


def test_the_engine_writes_the_same_document_as_the_samples(bundled_index) -> None:  # type: ignore[no-untyped-def]
    """``drafter draft`` (composer backend, with 参考写法 offered) gives the text compose_draft gives."""
    from drafter.checks.section import check_section
    from drafter.drafting import DraftEngine

    settings, retriever = bundled_index
    for name in ("organ.a", "township.thin"):
        facts, text = _text(name)
        draft = DraftEngine(settings, section_check=check_section, retriever=retriever).draft(facts)
        assert draft.text() == text


def test_the_form_keeps_sources_sections_and_no_feedback() -> None:
    """Through the app's form and back: nothing the writer wrote is lost (issue 18's new fields)."""
    from drafter.facts.form import form_from_sheet, sheet_data

    for name in ("organ.a", "township.a", "university.a"):
        facts = facts_from_data(ALL[name])
        again = facts_from_data(sheet_data(form_from_sheet(facts)))
        assert [(r.text, r.source) for r in again.rectification] == [(r.text, r.source) for r in facts.rectification]
        assert [f.section for f in again.figures] == [f.section for f in facts.figures]
        assert again.no_prior_feedback == facts.no_prior_feedback
