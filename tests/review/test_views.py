"""Reviewer views: numbers next to their facts, stale copy highlighted, the 对照 layout."""

from __future__ import annotations

import re
import textwrap

import pytest
from streamlit.testing.v1 import AppTest

from drafter.checks import check_text
from drafter.facts.sheet import facts_from_data
from drafter.review.compare import highlight_html, numbers_view, stale_spans
from drafter.settings import REPO_ROOT

FACTS = facts_from_data(
    {
        "unit": "广州市交通运输局",
        "org": "局党组",
        "year": 2025,
        "figures": [
            {"label": "提拔正科级领导干部", "value": 4, "unit": "人"},
            {"label": "职级晋升", "value": 12, "unit": "人"},
        ],
    }
)
DRAFT = "一、总体情况\n全年提拔正科级领导干部4人，职级晋升13人，交流轮岗7人。\n二、主要做法\n培训干部12人。\n"


def test_numbers_view_names_the_source_of_each_number() -> None:
    refs = numbers_view(DRAFT, FACTS)
    assert [(r.number, r.line, r.status) for r in refs] == [
        ("4人", 2, "supported"),
        ("13人", 2, "contradicted"),
        ("7人", 2, "unsupported"),
        ("12人", 4, "supported"),
    ]
    assert refs[0].figure == "提拔正科级领导干部"
    assert refs[1].figure is None and refs[1].named == "职级晋升"  # says 13, the sheet says 12
    assert refs[2].figure is None and refs[2].named is None
    assert DRAFT[refs[2].start : refs[2].end] == "7人" and "交流轮岗" in refs[2].context
    # the view agrees with the checker's figure findings
    flagged = {f.text for f in check_text(DRAFT, facts=FACTS).findings if f.category == "figure"}
    assert {r.number for r in refs if not r.supported} <= flagged | {"13人"}
    # without a fact sheet nothing is supported
    assert all(not r.supported for r in numbers_view(DRAFT, None))


def test_stale_spans_from_checker_findings(sample_texts: dict[str, str]) -> None:
    older = sample_texts["003"]
    copied = next(line for line in older.splitlines() if len(line) > 60 and line.startswith("（1）"))
    sentence = copied[4:].split("。")[1] + "。"
    new = f"区局2025年选人用人报告\n一、基本情况\n2025年，局党组继续加强干部队伍建设。{sentence}\n"
    result = check_text(new, against=[("2022年报告", older)])
    spans = stale_spans(result)
    assert spans, "a sentence copied word for word must be found"
    assert any(sentence.rstrip("。") in new[s.start : s.end] for s in spans)
    assert all(s.line == 3 for s in spans if s.code.startswith("stale-copy"))
    page = highlight_html(new, spans)
    assert page.count("<mark") == len(spans)
    assert re.search(r"<mark[^>]*>[^<]*" + re.escape(sentence[:10]), page)
    assert stale_spans(result.findings) == spans  # a plain list of findings works too


def test_highlight_html_escapes_and_explains_numbers() -> None:
    text = "提拔<i>干部</i>7人。"
    page = highlight_html(text, numbers_view(text, FACTS))
    assert "<i>" not in page and "&lt;i&gt;" in page
    assert 'title="数据表中没有这个数"' in page and ">7人</mark>" in page


def test_compare_view_renders_two_columns_in_streamlit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO_ROOT))  # drafter_ui sits beside app.py
    script = textwrap.dedent(
        """
        import streamlit as st
        from drafter_ui.widgets.compare_view import render_compare

        old = "一、总体情况\\n提拔干部4人。\\n二、主要做法\\n严格程序。"
        new = "一、总体情况\\n提拔干部5人。\\n二、主要做法\\n严格程序。"
        render_compare(st, old, new, old_label="上一稿", new_label="本稿")
        """
    )
    at = AppTest.from_string(script, default_timeout=30).run()
    assert not at.exception
    html = "".join(m.value for m in at.markdown)
    assert "上一稿" in html and "本稿" in html
    assert re.search(r"<del[^>]*>4</del>", html) and re.search(r"<ins[^>]*>5</ins>", html)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["有改动"] == "1" and metrics["未改动"] == "1"
    at.checkbox[0].check().run()
    html = "".join(m.value for m in at.markdown)
    assert "严格程序" not in html  # unchanged sections collapse to their headings
    assert "二、主要做法" in html


def test_compare_view_refuses_a_text_over_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    script = textwrap.dedent(
        """
        import streamlit as st
        from drafter.text.limits import MAX_COMPARE_CHARS
        from drafter_ui.widgets.compare_view import render_compare

        render_compare(st, "提拔干部4人。", "坚" * (MAX_COMPARE_CHARS + 1), old_label="上年报告", new_label="本稿")
        """
    )
    at = AppTest.from_string(script, default_timeout=30).run()
    assert not at.exception
    (error,) = at.error
    from drafter.text.limits import MAX_COMPARE_CHARS

    assert f"本稿（{MAX_COMPARE_CHARS + 1:,} 字）超过对照的上限 {MAX_COMPARE_CHARS:,} 字" in error.value
    assert "上年报告" not in error.value
    assert not at.metric and not at.markdown  # nothing compared
