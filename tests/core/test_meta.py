"""Unit, year and genre read from a report's title and text."""

import pytest

from drafter.kb.meta import DocMeta, detect_meta, display_name


@pytest.mark.parametrize(
    ("text", "unit", "year", "genre"),
    [
        ("中共白沙县委关于2024年度干部选拔任用工作情况的报告\n正文", "中共白沙县委", 2024, "report"),
        ("XX大学党委2023年干部选拔任用工作报告\n正文", "XX大学党委", 2023, "report"),
        ("江源市人民医院党委2025年度选人用人工作自查报告", "江源市人民医院党委", 2025, "report"),
        ("区局2022年选人用人报告\n\n2022年，区**局党组", "区局", 2022, "report"),
        ("同志们：\n大家好！\n2023年是开局之年。", None, 2023, "speech"),
        ("市委2023年度干部选拔任用工作情况通报\n同志们：", "市委", 2023, "speech"),
        # the body right after a 委员会 or 市委 is part of the unit, not cut off
        ("中共江城市卫生健康委员会党组2024年度干部选拔任用工作报告\n正文", "中共江城市卫生健康委员会党组", 2024, "report"),
        ("中共江城市委常委会2024年度干部选拔任用工作报告\n正文", "中共江城市委常委会", 2024, "report"),
    ],
)
def test_detect_meta(text: str, unit: str | None, year: int | None, genre: str) -> None:
    meta = detect_meta(text)
    assert (meta.unit, meta.year, meta.genre) == (unit, year, genre)


def test_title_from_file_name_when_the_text_has_none() -> None:
    meta = detect_meta("2024年，我局党组认真贯彻……", filename="uploads/某局党组2024年度干部选拔任用工作报告.docx")
    assert meta.unit == "某局党组" and meta.year == 2024


def test_display_name_never_shows_a_file_name() -> None:
    assert display_name(DocMeta()) == "单位未知 · 年度未知 · 未命名报告"
    corrected = detect_meta("区局2022年选人用人报告").with_overrides(unit="区水务局党组", year=None)
    assert display_name(corrected) == "区水务局党组 · 2022年度 · 区局2022年选人用人报告"
