"""``drafter draft``: native text that ``drafter check`` reads back, JSON, regeneration, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from drafting_factsheets import FULL

from drafter.cli import main
from drafter.text.doctree import parse


@pytest.fixture
def cli_home(bundled_index, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    settings, _ = bundled_index
    monkeypatch.setenv("DRAFTER_HOME", str(settings.home))
    monkeypatch.delenv("DRAFTER_BACKEND", raising=False)
    facts = tmp_path / "facts.yaml"
    facts.write_text(yaml.safe_dump({**FULL, "date": "2026-01-10"}, allow_unicode=True), encoding="utf-8")
    return facts


def test_draft_then_check_reads_it_back(cli_home: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "draft.txt"
    assert main(["draft", str(cli_home), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "检查" in err
    text = out.read_text(encoding="utf-8")
    doc = parse(text)
    assert doc.title is not None and doc.title.text == "广州市交通运输局2025年度干部选拔任用工作报告"
    assert doc.to_text() == text  # the native form round-trips unchanged
    assert [s.label[:2] for s in doc.sections][:3] == ["一、", "二、", "三、"]
    assert doc.salutation is not None and doc.salutation.text == "广州市委组织部："  # 主送, not a structure problem
    assert text.rstrip("\n").splitlines()[-3:] == ["特此报告。", "中共广州市交通运输局党组", "2026年1月10日"]
    code = main(["check", str(out), "--facts", str(cli_home)])
    report = capsys.readouterr().out
    assert code == 0, report


def test_json_has_sections_provenance_and_findings(cli_home: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["draft", str(cli_home), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ids = [s["id"] for s in data["sections"]]
    assert ids[:2] == ["opening", "overview"] and "plans" in ids
    assert any(s["sources"] for s in data["sections"])
    assert all({"findings", "status", "backend", "heading"} <= set(s) for s in data["sections"])
    assert data["text"].startswith(data["title"])


def test_regenerate_one_section_leaves_the_rest_byte_identical(
    cli_home: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "draft.txt"
    assert main(["draft", str(cli_home), "-o", str(out)]) == 0
    original = out.read_text(encoding="utf-8")
    edited = original.replace("现将2025年度", "现将2025年度（人工改动）")  # a user edit elsewhere
    out.write_text(edited, encoding="utf-8")
    new = tmp_path / "new.txt"
    code = main(["draft", str(cli_home), "--from", str(out), "--section", "3",
                 "--instruction", "更精炼", "-o", str(new)])
    assert code == 0
    result = new.read_text(encoding="utf-8")
    start = edited.index("三、")
    end = edited.index("四、")
    assert result[:start] == edited[:start]
    tail = edited[end:]
    assert result.endswith(tail)
    assert result[start:len(result) - len(tail)] != edited[start:end]
    assert "已重写" in capsys.readouterr().err


def test_invalid_fact_sheet_exits_2_with_reason(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("unit: 某局\norg: 局党组\nyear: 二〇二五\n", encoding="utf-8")
    assert main(["draft", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "年度" in err and "四位数字" in err


def test_unknown_section_exits_2(cli_home: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "draft.txt"
    assert main(["draft", str(cli_home), "-o", str(out)]) == 0
    assert main(["draft", str(cli_home), "--from", str(out), "--section", "九十九"]) == 2
    assert "找不到" in capsys.readouterr().err
