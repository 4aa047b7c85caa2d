"""Reports named “单位 · 年度 · 标题”; the same unit's report of the year before."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from drafter.cli import main
from drafter.errors import InputError
from drafter.kb.catalog import (
    meta_of,
    name_of,
    previous_report,
    same_unit,
    sidecar_path,
    write_meta,
)
from drafter.kb.meta import DocMeta
from drafter.settings import REPO_ROOT


@dataclass
class F:
    source: str
    meta: dict[str, Any] = field(default_factory=dict)


def test_names_never_show_a_stored_file_hash() -> None:
    assert name_of({}, "reports/002_beb470eb93e99a23.txt") == "单位未知 · 年度未知 · 未命名报告"
    assert name_of({"unit": "区局党组", "year": 2022, "title": "区局2022年选人用人报告"}, "reports/003_x.txt") == (
        "区局党组 · 2022年度 · 区局2022年选人用人报告")
    # a file named like a title is understood
    m = meta_of({}, "uploads/白沙县委2023年度干部选拔任用工作报告.pdf")
    assert (m.unit, m.year) == ("白沙县委", 2023)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("中共白沙县委", "白沙县委", True),
        ("江源市水务局党组", "江源市水务局", True),
        ("江源市水務局黨組", "江源市水务局党组", True),
        ("局党组", "江源市水务局党组", False),  # too little to tell
        ("江源市水务局党组", "江源市交通运输局党组", False),
        (None, "白沙县委", False),
    ],
)
def test_same_unit(a: str | None, b: str, same: bool) -> None:
    assert same_unit(a, b) is same


def test_previous_report_is_the_same_units_report_of_the_year_before() -> None:
    files = [
        F("uploads/a.txt", {"unit": "江源市交通运输局党组", "year": 2023, "genre": "report"}),
        F("uploads/b.txt", {"unit": "江源市水务局党组", "year": 2024, "genre": "report"}),  # another unit
        F("uploads/c.txt", {"unit": "江源市交通运输局党组", "year": 2024, "genre": "speech"}),  # not a report
        F("uploads/d.txt", {"unit": "中共江源市交通运输局党组", "year": 2024, "genre": "report"}),
    ]
    assert previous_report(files, "江源市交通运输局", 2025).source == "uploads/d.txt"
    assert previous_report(files, "江源市交通运输局", 2024).source == "uploads/a.txt"
    assert previous_report(files, "江源市水务局", 2024) is None  # no 2023 report of that unit
    assert previous_report(files, "江源市交通运输局", None) is None


def test_write_meta_checks_year_and_genre(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("正文", encoding="utf-8")
    with pytest.raises(InputError, match="年度"):
        write_meta(path, DocMeta(unit="某局", year=3000))
    with pytest.raises(InputError, match="文种"):
        write_meta(path, DocMeta(unit="某局", year=2024, genre="poem"))
    write_meta(path, DocMeta(unit="某局党组", year=2024, title="某局党组2024年度干部选拔任用工作报告"))
    assert "unit: 某局党组" in sidecar_path(path).read_text(encoding="utf-8")


def test_cli_meta_detects_then_corrects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "报告.txt"
    path.write_text("江源市水務局黨組2024年度幹部選拔任用工作報告\n\n一、總體情況\n", encoding="utf-8")
    assert main(["meta", str(path)]) == 0
    assert "江源市水務局黨組 · 2024年度 · 江源市水務局黨組2024年度幹部選拔任用工作報告" in capsys.readouterr().out
    assert main(["meta", str(path), "--year", "2023", "--unit", "江源市水务局党组"]) == 0
    out = capsys.readouterr().out
    assert "江源市水务局党组 · 2023年度 · " in out
    assert main(["meta", str(path), "--json"]) == 0
    assert '"year": 2023' in capsys.readouterr().out
    bundled = REPO_ROOT / "knowledge" / "reports" / "003_dc5d88cb51645eb4.txt"
    assert main(["meta", str(bundled), "--year", "2020"]) == 2
    assert "metadata.yaml" in capsys.readouterr().err
