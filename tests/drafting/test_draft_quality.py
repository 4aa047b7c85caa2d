"""How the composer's drafts read: no near-duplicates, no repeats, no other unit's wording.

Each draft is written once per fact sheet (full, minimal, percentages, another
province and year, 县处级, the speech genre) and checked as a reviewer would.
"""

from __future__ import annotations

import pytest
from drafting_factsheets import COUNTY, FULL, MINIMAL, OTHER, PERCENT, SPEECH

from drafter.checks import check_text
from drafter.checks.section import check_section
from drafter.drafting import DraftEngine
from drafter.drafting.composer import figure_forms, figure_stated
from drafter.drafting.localise import localise
from drafter.drafting.quality import (
    enumeration_problems,
    foreign_specifics,
    heading_echoes,
    odd_endings,
    repeated_sentences,
    user_texts,
)
from drafter.drafting.signature import split_signature
from drafter.drafting.similarity import (
    DraftMemory,
    body_sentences,
    is_near_duplicate,
    near_duplicate_pairs,
    similarity,
)
from drafter.facts.sheet import FactSheet, facts_from_data
from drafter.text.markers import MISSING_RE

SHEETS = {"full": FULL, "minimal": MINIMAL, "percent": PERCENT, "other": OTHER, "county": COUNTY, "speech": SPEECH}
_CACHE: dict[str, tuple[FactSheet, str]] = {}


@pytest.fixture(params=sorted(SHEETS))
def drafted(request: pytest.FixtureRequest, bundled_index) -> tuple[FactSheet, str]:  # type: ignore[no-untyped-def]
    name = request.param
    if name not in _CACHE:
        settings, retriever = bundled_index
        facts = facts_from_data(SHEETS[name])
        text = DraftEngine(settings, section_check=check_section, retriever=retriever).draft(facts).text()
        _CACHE[name] = (facts, split_signature(text, facts)[0])  # the 落款 is a name, not a sentence
    return _CACHE[name]


def test_no_two_sentences_nearly_the_same(drafted) -> None:  # type: ignore[no-untyped-def]
    facts, text = drafted
    pairs = near_duplicate_pairs(text, user_texts(facts))
    assert pairs == [], [(round(p.similarity, 2), p.first[:30], p.second[:30]) for p in pairs]


def test_no_long_sentence_written_twice(drafted) -> None:  # type: ignore[no-untyped-def]
    _facts, text = drafted
    assert repeated_sentences(text, min_chars=20) == []


def test_no_wording_of_another_unit(drafted) -> None:  # type: ignore[no-untyped-def]
    facts, text = drafted
    assert foreign_specifics(text, facts) == []
    own_self = {"局": "我局"}.get(facts.unit[-1:])
    if own_self is None:
        assert "我局" not in text and "局党组会" not in text


def test_lists_leads_and_endings_read_cleanly(drafted) -> None:  # type: ignore[no-untyped-def]
    _facts, text = drafted
    assert heading_echoes(text) == []
    assert odd_endings(text) == []
    assert enumeration_problems(text) == []


def test_checker_clean_except_missing_markers(drafted) -> None:  # type: ignore[no-untyped-def]
    facts, text = drafted
    result = check_text(text, facts=facts, genre=facts.genre)
    bad = [f for f in result.findings if f.severity == "error" and not MISSING_RE.search(f.text or "")]
    assert bad == [], [(f.code, f.text) for f in bad]


def test_every_figure_stated_once_where_it_belongs(drafted) -> None:  # type: ignore[no-untyped-def]
    facts, text = drafted
    flat = text.replace("\n", "")
    for fig in facts.figures:
        assert figure_stated(fig, flat, facts), fig.label
        assert sum(flat.count(form) for form in set(figure_forms(fig, facts)) if form) == 1, fig.label


def test_known_duplicate_pair_is_caught_and_distinct_sentences_are_not() -> None:
    a = "在分析研判的基础上，根据职位空缺、结构优化和工作需要等情况，提出干部选拔任用工作意见，充分酝酿后形成干部选任工作方案和意向性人选，提交党组会审议实施。"
    b = "加强分析研判，根据领导职数空缺、领导班子结构和工作需要，由组织人事提出启动干部选拔任用工作意见，并由党组会集体研究。"
    c = "开展领导干部在企业社团违规兼职、取酬清理规范工作，组织在职、离退休干部进行自查并签订书面承诺。"
    assert is_near_duplicate(a, b)
    assert not is_near_duplicate(a, c) and similarity(a, c) < 0.1
    memory = DraftMemory.from_texts([a])
    assert memory.clashes(b) and not memory.clashes(c)


def test_regeneration_repeats_nothing_from_other_sections(bundled_index) -> None:  # type: ignore[no-untyped-def]
    settings, retriever = bundled_index
    facts = facts_from_data(FULL)
    engine = DraftEngine(settings, section_check=check_section, retriever=retriever)
    draft = engine.draft(facts)
    new = engine.regenerate(draft, "practices-2", facts, instruction="更详细")
    others = [s.text for s in draft.sections if s.id != "practices-2"]
    own = user_texts(facts)
    for sentence in body_sentences("标题\n" + new.text):
        if len(sentence) >= 20 and not any(h in sentence for h in own):
            assert not DraftMemory.from_texts(others).clashes(sentence), sentence
    body = split_signature(draft.replace_section(new).text(), facts)[0]
    assert near_duplicate_pairs(body, own) == []  # figures are restated in their practice section by design


def test_localise_names_this_units_meeting_and_drops_other_systems() -> None:
    county = facts_from_data(COUNTY)
    assert localise("我局党组会集体研究作出干部任用决定，党组成员集体表决形成决议。", county) == (
        "党组会议集体研究作出干部任用决定，党组成员集体表决形成决议。"
    )
    full = facts_from_data(FULL)
    assert localise("问题未查清楚的，一律不提交党委会议研究，确保不出现带病提拔。", full) == (
        "问题未查清楚的，一律不提交局党组会议研究，确保不出现带病提拔。"
    )
    assert localise("在局系统内开展干部交流轮岗，推动干部在不同岗位锻炼成长。", full) is None
