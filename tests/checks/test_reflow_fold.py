"""Hard-wrapped and traditional-character text checks the same as the clean original."""

from __future__ import annotations

import re

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.checks import check_text
from drafter.kb.reflow import reflow
from drafter.settings import REPO_ROOT
from drafter.text.doctree import Document, parse
from drafter.text.fold import fold

SAMPLES = sorted((REPO_ROOT / "knowledge" / "reports").glob("*.txt"))
TEXTS = {p.name: p.read_text(encoding="utf-8").replace("\r\n", "\n") for p in SAMPLES}


def hard_wrap(text: str, width: int, indent: str = "", newline: str = "\n") -> str:
    """Each line cut every ``width`` characters, as text copied out of a PDF or an e-mail."""
    out: list[str] = []
    for line in text.split("\n"):
        chunks = [line[i : i + width] for i in range(0, len(line), width)] or [""]
        chunks[0] = indent + chunks[0] if chunks[0] else chunks[0]
        out.extend(chunks)
    return newline.join(out)


def tree(doc: Document) -> list[object]:
    def node(s):  # type: ignore[no-untyped-def]
        return (s.level, s.number, s.title, s.implicit, [p.text.strip() for p in s.paragraphs],
                [node(c) for c in s.children])

    return [doc.title and doc.title.text.strip(), [p.text.strip() for p in doc.opening],
            [node(s) for s in doc.sections]]


def findings(text: str) -> list[tuple[object, ...]]:
    result = check_text(text)
    return [(f.category, f.code, f.severity, f.message, f.section, f.element, "".join(f.text.split()))
            for f in result.findings]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(TEXTS)), indent=st.sampled_from(["", "\u3000\u3000", "  "]),
       newline=st.sampled_from(["\n", "\r\n"]))
def test_samples_wrapped_at_26_parse_and_check_like_the_unwrapped_text(name: str, indent: str, newline: str) -> None:
    original = hard_wrap(TEXTS[name], 10_000, indent)  # same indent, no wrapping
    wrapped = hard_wrap(TEXTS[name], 26, indent, newline)
    assert wrapped.count("\n") > original.count("\n") * 3
    assert tree(parse(reflow(wrapped.replace("\r\n", "\n")).text)) == tree(parse(original))
    assert findings(wrapped) == findings(original)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_unwrapped_text_is_left_as_it_is(name: str) -> None:
    assert reflow(TEXTS[name]).text == TEXTS[name] and reflow(TEXTS[name]).joined == 0


def test_pair_split_across_lines_is_not_unpaired_and_points_at_the_source() -> None:
    text = ("一、总体情况\n我局严格执行《党政领导干部选拔任用\n工作条例》，提拔干部*人（其\n中正科级*名）。\n"
            "二、主要做法\n（一）严格程序。内容。\n（二）加强监督。内容。\n三、存在问题\n问题。\n四、下一步打算\n打算。\n")
    result = check_text(text)
    assert not [f for f in result.findings if f.code == "proofread-unpaired"]
    stars = [f for f in result.findings if f.category == "placeholder"]
    assert [f.text for f in stars] == ["*人", "*名"]
    assert [text[f.start : f.end] for f in stars] == ["*人", "*名"]
    assert [f.line for f in stars] == [3, 4]


def test_real_paragraph_breaks_headings_and_item_lines_are_kept() -> None:
    paragraph = "今年以来，局党组坚持党管干部原则，严格执行干部选拔任用条例，全年共提拔干部五人、晋升职级八人，干部队伍结构进一步优化。"
    clean = ["一、总体情况", paragraph, "一是严格程序。", "二是加强监督。", "", "（一）坚持党管干部", "短段落。"] * 3
    wrapped = hard_wrap("\n".join(clean), 20)
    assert wrapped.count("\n") > len(clean) and reflow(wrapped).width == 20
    assert reflow(wrapped).text == "\n".join(clean)


def test_a_list_of_short_items_of_one_length_is_not_taken_for_a_wrap() -> None:
    text = ("三、下一步工作打算\n一是加强年轻干部培养，拓宽选人视野。\n二是强化干部监督管理，从严管理干部。\n"
            "三是完善干部考核评价，突出实绩导向。\n四是深化干部教育培训，提升能力素质。\n")
    assert reflow(text).text == text and reflow(text).width is None


def test_traditional_report_matches_headings_and_findings_show_its_own_characters() -> None:
    simplified = TEXTS["003_dc5d88cb51645eb4.txt"]
    traditional = opencc.OpenCC("s2t").convert(simplified)
    assert "總" not in simplified and traditional != simplified and len(traditional) == len(simplified)
    trad, simp = check_text(traditional), check_text(simplified)
    assert [f.code for f in trad.findings] == [f.code for f in simp.findings]
    assert [e.status for e in trad.elements] == [e.status for e in simp.elements]
    for f in trad.findings:
        assert f.text == traditional[f.start : f.end]
    # headings are named as the writer wrote them, and fold to the simplified report's names
    for t, sf in zip(trad.findings, simp.findings):
        assert fold(t.section) == sf.section and t.line == sf.line
        titles = [re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]", "", p) for p in t.section.split(" > ")]
        assert all(title in traditional for title in titles)
    assert any(t.section != sf.section for t, sf in zip(trad.findings, simp.findings))


def test_traditional_overview_heading_is_recognised() -> None:
    text = ("某局黨組2024年度幹部選拔任用工作報告\n一、總體情況\n全年提拔幹部5人，職級晉升3人。\n二、主要做法\n"
            "（一）堅持黨管幹部。內容。\n（二）嚴格程序。內容。\n三、存在問題\n問題。\n四、下一步打算\n打算。\n")
    result = check_text(text)
    assert {e.id: e.status for e in result.elements}["overview"] == "present"
    assert not [f for f in result.findings if f.category == "structure" and f.severity == "error"]
    assert result.doc.sections[0].title == "總體情況"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["\n", "\n\n", "  ", "\u3000", "一、", "（一）", "一是", "。", "，", "《", "》",
                                           "（", "）", "总体情况", "干部选拔任用工作"]),
                          st.text(max_size=30)), max_size=80).map("".join))
def test_reflow_only_removes_line_breaks_and_indents_and_maps_back(text: str) -> None:
    text = text.replace("\r", "")
    r = reflow(text)
    assert "".join(r.text.split()) == "".join(text.split())
    assert len(r.origin) == len(r.text) + 1
    for i, ch in enumerate(r.text):
        assert text[r.origin[i]] == ch
    assert list(r.origin) == sorted(r.origin)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_folding_never_changes_length(text: str) -> None:
    folded = fold(text)
    assert len(folded) == len(text)
    assert all(a == b for a, b in zip(folded, text) if a.isascii() or b.isascii())


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_simplified_samples_are_unchanged_by_folding(name: str) -> None:
    assert fold(TEXTS[name]) == TEXTS[name]
