"""The editable outline: shape, highlights, round trips through dicts and text."""

from __future__ import annotations

import pytest
from drafting_factsheets import FULL, MINIMAL

from drafter.checks.section import check_section
from drafter.drafting import DraftEngine, Outline, build_outline
from drafter.errors import InputError
from drafter.facts.sheet import FactSheet, facts_from_data


def test_outline_shape(full_facts: FactSheet) -> None:
    outline = build_outline(full_facts)
    assert outline.title == "广州市交通运输局2025年度干部选拔任用工作报告"
    elements = [s.element for s in outline.sections]
    assert elements[0] == "opening" and elements[1] == "overview"
    assert elements[-3:] == ["rectification", "problems", "plans"]
    practices = [s for s in outline.sections if s.element == "practices"]
    assert 2 <= len(practices) <= 5
    # a part has either no （一） or at least two of them
    assert all(len(p.children) != 1 for p in practices)
    nodes = [n for p in practices for n in p.walk()]
    placed = [h for n in nodes for h in n.highlights]
    assert sorted(placed) == sorted(h.text for h in full_facts.highlights)
    ticked = [x for n in nodes for x in n.practices]
    assert sorted(ticked) == sorted(p.id for p in full_facts.practices)
    assert all(s.query for s in outline.sections)


def test_minimal_outline_keeps_rectification_as_a_required_part() -> None:
    outline = build_outline(facts_from_data(MINIMAL))
    elements = [s.element for s in outline.sections]
    assert "rectification" in elements  # required: written with a marker when the sheet is silent
    assert "干部监督" in "".join(s.title for s in outline.sections)
    assert outline.title.startswith("某县统计局2024年度")


def test_outline_follows_the_sheet_not_past_reports(bundled_index, full_facts: FactSheet) -> None:
    settings, retriever = bundled_index
    outline = DraftEngine(settings, section_check=check_section, retriever=retriever).outline(full_facts)
    assert outline.to_dict() == build_outline(full_facts).to_dict()  # what past reports cover decides nothing
    titles = [n.title for s in outline.sections for n in s.walk()]
    assert "严格民主推荐和考察" in titles  # the ticked 凡提四必 practice belongs there


def test_round_trips(full_facts: FactSheet) -> None:
    outline = build_outline(full_facts)
    assert Outline.from_dict(outline.to_dict()).to_dict() == outline.to_dict()
    again = Outline.from_text(outline.to_text(), base=outline)
    assert again.to_dict() == outline.to_dict()


def test_user_edits_the_text_form(full_facts: FactSheet) -> None:
    outline = build_outline(full_facts)
    text = outline.to_text().replace("- 存在的主要问题 [problems]\n", "")
    text = text.replace("标题：广州市交通运输局", "标题：广州市交通局")
    text += "- 突出抓好年轻干部工作\n  - 建立年轻干部成长档案\n    + 每季度更新一次档案\n  - 加强跟踪培养\n"
    edited = Outline.from_text(text, base=outline)
    assert edited.title.startswith("广州市交通局")
    assert "problems" not in [s.element for s in edited.sections]
    last = edited.sections[-1]
    assert last.element == "practices" and last.id.startswith("practices-")
    assert last.children[0].highlights == ["每季度更新一次档案"]


def test_bad_outline_text_names_the_line() -> None:
    with pytest.raises(InputError, match="第2行"):
        Outline.from_text("标题：某局报告\n这一行没有短横\n")
    with pytest.raises(InputError, match="notanelement"):
        Outline.from_text("标题：某局报告\n- 乱写 [notanelement]\n")


def test_full_fixture_is_valid() -> None:
    assert facts_from_data(FULL).figures[0].key == "F1"
