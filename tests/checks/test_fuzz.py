"""Arbitrary Unicode never crashes the parser or the checker."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.checks import check_text
from drafter.facts.sheet import parse_facts
from drafter.text.doctree import parse

FACTS = parse_facts(
    "unit: 测试局\norg: 局党组\nyear: 2025\nfigures:\n  - {label: 职级晋升, value: 4, unit: 人}\n"
    "highlights: [选派2名干部挂职]\n"
)
PIECES = st.sampled_from([
    "一、", "二、", "四、", "（一）", "（三）", "1.", "2、", "（1）", "（2）", "一是", "三是", "\n", "\r\n", "。",
    "*人", "**同志", "XX市", "××", "20XX年", "〔待补：", "〕", "【待填】", "___", "的的", ",", "“", "”", "（", "）",
    "提拔", "4人", "两个维护", "百分之", "好干部标准", "“信念坚定、为民服务", "凡提四必", "必查", "下一步", "存在问题",
    "同志们：", "2023年", "〇〇", "某某", " ", "\u3000", "\x00", "\ud7ff", "𠀀",
])
TEXTS = st.one_of(st.text(max_size=300), st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=60).map("".join))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_parse_and_check_never_crash(text: str) -> None:
    doc = parse(text)
    assert doc.text == text.replace("\r\n", "\n").replace("\r", "\n")
    result = check_text(text, facts=FACTS, against=[text[::-1], ("旧", text)])
    n = len(doc.text)
    for f in result.findings:
        assert 0 <= f.start <= f.end <= n
        assert f.text == doc.text[f.start : f.end]
        assert f.line >= 1 and f.severity in ("error", "warning", "info") and f.message
    result.to_dict()
