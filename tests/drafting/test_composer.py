"""The offline composer on varied fact sheets: structure, figures, no stale specifics."""

from __future__ import annotations

import re
import time

import pytest
from drafting_factsheets import FULL, MINIMAL

from drafter.checks import check_text
from drafter.checks.section import check_section
from drafter.drafting import DraftEngine
from drafter.drafting.composer import figure_stated
from drafter.drafting.localise import localise, specifics, split_sentences
from drafter.facts.sheet import FactSheet, facts_from_data
from drafter.text.markers import MISSING_RE

_DRAFTS: dict[str, object] = {}


@pytest.fixture
def composed(bundled_index, any_facts: FactSheet):  # type: ignore[no-untyped-def]
    settings, retriever = bundled_index
    key = any_facts.unit
    if key not in _DRAFTS:
        _DRAFTS[key] = DraftEngine(settings, section_check=check_section, retriever=retriever).draft(any_facts)
    return _DRAFTS[key]


def test_complete_structure(composed, any_facts: FactSheet) -> None:  # type: ignore[no-untyped-def]
    text = composed.text()
    result = check_text(text, facts=any_facts)
    structure = [f for f in result.findings if f.category == "structure"]
    assert structure == []  # every required part is written (with a marker where the sheet is silent)
    assert all(s.status == "ok" for s in composed.sections)
    assert text.splitlines()[0] == any_facts.profile().title(any_facts.year, any_facts.signature_unit)


def test_every_figure_is_stated_and_nothing_else(composed, any_facts: FactSheet) -> None:  # type: ignore[no-untyped-def]
    text = composed.text()
    for fig in any_facts.figures:  # as entered, or as a part of a total the program computed
        assert figure_stated(fig, text, any_facts), fig.label
    result = check_text(text, facts=any_facts)
    assert [f for f in result.findings if f.category == "figure"] == []


def test_check_clean_except_missing_markers(composed, any_facts: FactSheet) -> None:  # type: ignore[no-untyped-def]
    result = check_text(composed.text(), facts=any_facts)
    bad = [
        f for f in result.findings
        if f.severity == "error" and not MISSING_RE.search(f.text or "")
    ]
    assert bad == [], [(f.code, f.text) for f in bad]


def test_no_stale_specifics_from_the_corpus(composed, sample_texts) -> None:  # type: ignore[no-untyped-def]
    corpus = "\n".join(sample_texts.values())
    for sentence in split_sentences(composed.text().replace("\n", "")):
        core = sentence.rstrip("。")
        if len(core) >= 20 and core in corpus:
            assert not re.search(r"[0-9*＊×XＸ]|湖北|浙江|某某", core), core
            assert specifics(core) == [], core


def test_missing_facts_become_markers_not_inventions(bundled_index) -> None:
    settings, retriever = bundled_index
    facts = facts_from_data(MINIMAL)
    draft = _DRAFTS.get(facts.unit) or DraftEngine(settings, section_check=check_section, retriever=retriever).draft(facts)
    overview = draft.section("overview").text
    assert "〔待补：提拔领导干部人数〕" in overview and "〔待补：职级晋升人数〕" in overview
    assert MISSING_RE.search(draft.section("problems").text)
    assert not re.search(r"\d+\s*(人|名|人次|项|%)", draft.text())
    markers = [f for f in draft.findings if f.category == "placeholder"]
    assert len(markers) >= 3


def test_highlights_are_written_into_practices(composed, any_facts: FactSheet) -> None:  # type: ignore[no-untyped-def]
    text = composed.text()
    for h in any_facts.highlights_for("practices"):
        assert h.text.rstrip("。") in text
    practices = [s for s in composed.sections if s.element == "practices"]
    assert any(s.sources for s in practices)  # provenance of the past-report prose
    assert all(src.source.startswith(("reports/", "uploads/")) for s in practices for src in s.sources)


def test_localise_rewrites_or_drops(full_facts: FactSheet) -> None:
    assert localise("配合市委组织部完成我局党组选人用人工作专项检查，杜绝违规用人问题发生。", full_facts) == (
        "配合广州市委组织部完成局党组选人用人工作专项检查，杜绝违规用人问题发生。"
    )
    assert localise("举办*期机关小讲堂，组织业务骨干强化政策解读和实操演练。", full_facts) is None
    assert localise("为湖北建设全国构建新发展格局先行区提供有力的人才保障，推动工作开展。", full_facts) is None
    assert localise("共提拔*名二级主任科员（**同志），优化了干部队伍结构。", full_facts) is None


def test_deterministic_and_fast(bundled_index) -> None:
    settings, retriever = bundled_index
    facts = facts_from_data(FULL)
    engine = DraftEngine(settings, section_check=check_section, retriever=retriever)
    outline = engine.outline(facts)
    first = engine.draft(facts, outline).text()
    start = time.perf_counter()
    second = engine.draft(facts, outline).text()
    assert first == second
    assert time.perf_counter() - start < 30  # generous: the benchmark measures the real figure


def test_speech_genre(bundled_index) -> None:
    settings, retriever = bundled_index
    facts = facts_from_data({
        "unit": "江源市委", "org": "市委", "year": 2025, "genre": "speech",
        "figures": [{"label": "提拔县处级干部", "value": 5}, {"label": "职级晋升", "value": 9}],
        "problems": ["个别考察材料不规范"], "plans": ["严格执行选拔任用程序"],
        "practices": [{"id": "fanti_sibi", "value": 5}, {"id": "young_cadres", "value": 3}],
    })
    draft = DraftEngine(settings, section_check=check_section, retriever=retriever).draft(facts)
    text = draft.text()
    assert text.splitlines()[1] == "同志们：" and "通报如下" in text and "现将我市" in text
    assert "特此报告" not in text and "待补：成文日期" not in text  # a speech has no report frame
    assert check_text(text, facts=facts, genre="speech").findings == []
