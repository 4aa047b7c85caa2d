"""Every placeholder in the five samples, with its exact span — and no false alarms."""

from __future__ import annotations

import pytest

from drafter.checks import check_text, find_placeholders
from drafter.text.markers import missing

# Audited by eye against the sample files: (line, placeholder) in document order.
EXPECTED = {
    "000": [(3, "*人"), (3, "*人"), (3, "*人"), (3, "*人次"), (3, "*人"), (3, "*人"), (3, "*人"), (3, "*人"),
            (7, "*期")],
    "001": [(9, "**批次"), (9, "**人次"), (9, "**人次"), (14, "**名")],
    "002": [(3, "*人"), (3, "*人"), (3, "*人"), (6, "*项"), (6, "*人次"), (14, "*人次"), (15, "*名"), (15, "*家"),
            (16, "*名"), (16, "*名"), (16, "*名"), (16, "*%"), (16, "*%")],
    "003": [(3, "**局"), (3, "**"), (5, "**名")] + [(5, "*名")] * 11
    + [(6, "*个"), (6, "**单位"), (6, "*名"), (6, "*名"), (6, "**单位"), (6, "*名"), (6, "*名")]
    + [(7, "*名"), (7, "**同志"), (7, "*名"), (7, "**同志"), (7, "*名"), (7, "**同志"), (7, "**科"), (7, "*名"),
       (7, "**同志"), (7, "**科"), (7, "**同志"), (7, "**同志"), (7, "**单位")]
    + [(11, "**"), (17, "**"), (17, "**")],
    "004": [(3, "XX市委"), (5, "XX省委"), (5, "XX"), (6, "XX省委"), (6, "XX市"), (9, "XX市委")],
}


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_every_placeholder_in_samples_found_with_span(sample_texts: dict[str, str], sample: str) -> None:
    text = sample_texts[sample]
    result = check_text(text)
    found = result.by_category("placeholder")
    assert [(f.line, f.text) for f in found] == EXPECTED[sample]
    for f in found:
        assert f.severity == "error"
        assert text[f.start : f.end] == f.text
        assert f.text in f.message
    # numbers vs names: *人 is a missing number, **同志 a missing name
    kinds = {f.text: f.code for f in found}
    if "*人" in kinds:
        assert kinds["*人"] == "placeholder-number"
    if "**同志" in kinds:
        assert kinds["**同志"] == "placeholder-name"


PLANTED = [
    ("提拔正科级领导干部*人。", "*人", "placeholder-number"),
    ("培训干部**人次。", "**人次", "placeholder-number"),
    ("选派**名年轻干部。", "**名", "placeholder-number"),
    ("**同志任办公室主任。", "**同志", "placeholder-name"),
    ("区**局党组认真研究。", "**局", "placeholder-name"),
    ("按照XX市委组织部要求。", "XX市委", "placeholder-name"),
    ("落实XX省委部署。", "XX省委", "placeholder-name"),
    ("调研了XX市的做法。", "XX市", "placeholder-name"),
    ("由××牵头落实。", "××", "placeholder-name"),
    ("×××同志发言。", "×××同志", "placeholder-name"),
    ("于X月X日召开会议。", "X月X日", "placeholder-date"),
    ("20XX年度工作报告。", "20XX年", "placeholder-date"),
    ("某某同志表态。", "某某", "placeholder-name"),
    ("〇〇单位配合。", "〇〇", "placeholder-name"),
    ("年度考核〔待补〕。", "〔待补〕", "placeholder-marker"),
    ("年度考核【待填】。", "【待填】", "placeholder-note"),
    ("联系人：______。", "______", "placeholder-blank"),
    (f"职级晋升{missing('职级晋升人数')}。", missing("职级晋升人数"), "placeholder-marker"),
]


@pytest.mark.parametrize(("text", "span", "code"), PLANTED)
def test_each_placeholder_form_is_its_own_finding(text: str, span: str, code: str) -> None:
    doc = "一、总体情况\n今年以来工作有序推进。" + text + "\n"
    found = check_text(doc, categories={"placeholder"}).findings
    assert [(f.text, f.code) for f in found] == [(span, code)]
    f = found[0]
    assert doc[f.start : f.end] == span
    assert f.line == 2
    assert f.section == "一、总体情况"


def test_no_false_alarms_on_ordinary_text(clean_report: str) -> None:
    ordinary = (
        "80后、90后干部占100%，一是加强学习，二是严格程序。二〇二五年三月，按3×4分组。\n"
        "* 这是列表项\n坚持“两个维护”，增强“四个意识”，落实“1书4表”。X光机采购由某单位负责。\n"
    )
    assert find_placeholders(ordinary) == []
    assert find_placeholders(clean_report) == []


def test_fragment_and_crlf_offsets() -> None:
    text = "（一）强化培训。\r\n全年培训*人次。\r\n"
    result = check_text(text, categories={"placeholder", "figure", "numbering"})
    [f] = result.findings
    normalised = text.replace("\r\n", "\n")
    assert normalised[f.start : f.end] == "*人次" and f.line == 2


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("20年，我局党组坚持党管干部。", ["20年"]),
        ("20  年度干部选拔任用工作报告", ["20  年度"]),
        ("于2024年X月召开党组会议", ["X月"]),
        ("召开第X次党组会议研究干部", ["第X次"]),
        ("选派第×批干部挂职", ["第×批"]),
        ("他从事组织工作20年，近20年来始终如一。", []),
        ("上世纪20年代的老党员", []),
    ],
)
def test_blanked_years_months_and_ordinals_are_placeholders(text: str, found: list[str]) -> None:
    assert [p.text for p in find_placeholders(text)] == found
