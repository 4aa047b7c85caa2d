from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.text.doctree import chinese_to_int, int_to_chinese, parse


def test_chinese_numerals() -> None:
    assert [chinese_to_int(t) for t in ["一", "十", "十二", "二十", "二十三", "一百零五"]] == [1, 10, 12, 20, 23, 105]
    assert all(chinese_to_int(int_to_chinese(n)) == n for n in range(1, 1000))


def test_four_levels_and_inline_heading() -> None:
    text = (
        "某局2025年度干部选拔任用工作报告\r\n今年以来，我局党组……\r\n一、总体情况\r\n提拔干部4人。\r\n"
        "二、主要做法\r\n（一）坚持党管干部。一是严守原则。二是突出政治标准。\r\n1.严格动议\r\n（1）分析研判\r\n研判内容。\r\n"
    )
    doc = parse(text)
    assert doc.title is not None and doc.title.text.endswith("工作报告")
    assert [(s.level, s.label) for s in doc.walk()] == [
        (1, "一、总体情况"), (1, "二、主要做法"), (2, "（一）坚持党管干部"), (3, "1.严格动议"), (4, "（1）分析研判"),
    ]
    sub = doc.find("2/1")
    assert sub is not None and sub.body == "一是严守原则。二是突出政治标准。"
    assert [e.number for e in sub.paragraphs[0].enumerations] == ["一", "二"]
    # offsets point into the newline-normalised text
    assert doc.text[sub.heading_start : sub.heading_start + 3] == "（一）"
    assert doc.find("（1）分析研判").heading_path == "二、主要做法 > （一）坚持党管干部 > 1.严格动议 > （1）分析研判"


def test_native_text_round_trip(sample_texts: dict[str, str]) -> None:
    for text in sample_texts.values():
        doc = parse(text)
        again = parse(doc.to_text())
        assert [s.label for s in again.walk()] == [s.label for s in doc.walk()]
        assert [p.text for p in again.paragraphs()] == [p.text for p in doc.paragraphs()]


def test_year_lines_are_not_headings() -> None:
    doc = parse("2023年，我局党组……\n1.5倍的增长不是标题\n")
    assert doc.sections == []


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_never_crashes_and_offsets_are_valid(text: str) -> None:
    doc = parse(text)
    for p in doc.paragraphs():
        assert doc.text[p.start : p.end] == p.text
    for s in doc.walk():
        assert 0 <= s.start <= s.heading_end <= len(doc.text)
