"""Issue 20: a long title breaks between words (GB/T 9704 梯形或菱形), never 「…工作报 / 告」."""

from __future__ import annotations

import io

import pytest

from drafter.export.common import text_width, title_lines

TITLES = [
    "清河县教育局2025年度干部选拔任用工作报告",  # 20 cells: wrapped by Word at 报/告 when kept whole
    "清河县教育局局党组2025年度干部选拔任用工作报告",
    "中共清河县教育局党组关于2025年度干部选拔任用工作情况的报告",
    "清河县卫生健康委员会党委关于2025年度干部选拔任用工作的报告",
    "中共江城市交通运输局党组关于2025年度选人用人工作专项报告",
    "中共湖北省荆州市荆州区人民政府办公室党组关于2025年度干部选拔任用工作情况的报告",
]
WORDS = ("报告", "工作", "情况", "干部", "选拔", "任用", "年度", "党组", "关于", "教育局", "2025")


@pytest.mark.parametrize("title", TITLES)
def test_title_lines_fit_and_keep_words_whole(title: str) -> None:
    lines = title_lines(title, 20)
    assert "".join(lines) == title
    assert len(lines) >= 2
    assert all(text_width(line) <= 19 for line in lines), lines  # room left: Word never wraps a line itself
    assert all(len(line) > 1 for line in lines)
    breaks, at = [], 0
    for line in lines[:-1]:
        at += len(line)
        breaks.append(at)
    for word in WORDS:  # no word cut across a break
        start = title.find(word)
        while start >= 0:
            assert not any(start < b < start + len(word) for b in breaks), (lines, word)
            start = title.find(word, start + 1)
    if len(lines) == 2:  # 梯形: lines of similar length
        assert abs(text_width(lines[0]) - text_width(lines[1])) <= 10


def test_a_short_title_stays_whole() -> None:
    assert title_lines("干部选拔任用工作报告", 20) == ["干部选拔任用工作报告"]


def test_the_docx_title_carries_the_breaks() -> None:
    import docx

    from drafter.export import docx_bytes
    from drafter.text.doctree import parse

    text = "清河县教育局2025年度干部选拔任用工作报告\n\n一、基本情况\n\n2025年，局党组……\n"
    document = docx.Document(io.BytesIO(docx_bytes(parse(text))))
    title = document.paragraphs[0]
    assert [r.text for r in title.runs] == ["清河县教育局2025年度\n", "干部选拔任用工作报告"]
