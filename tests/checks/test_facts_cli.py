"""Fact-sheet validation messages and the ``drafter check`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafter.cli import main
from drafter.errors import FactSheetError
from drafter.facts.sheet import parse_facts
from drafter.settings import REPO_ROOT

BASE = "unit: 江源市水务局\norg: 局党组\nyear: 2025\n"


@pytest.mark.parametrize(
    ("yaml_text", "field", "words"),
    [
        (BASE + "figures:\n  - {label: 职级晋升, value: -3, unit: 人}\n", "数据第1项", "不能为负数"),
        (BASE + "figures:\n  - {label: 职级晋升, value: 十二, unit: 人}\n", "数据第1项·数值", "不是数字"),
        (BASE + "figures:\n  - {label: 35岁以下占比, value: 130, unit: '%'}\n", "数据第1项", "不能超过100"),
        ("unit: 江源市水务局\norg: 局党组\n", "年度", "必须填写"),
        ("org: 局党组\nyear: 2025\n", "单位名称", "必须填写"),
        (BASE.replace("2025", "二〇二五"), "年度", "不是年份"),
    ],
)
def test_fact_sheet_errors_in_chinese(yaml_text: str, field: str, words: str) -> None:
    with pytest.raises(FactSheetError) as err:
        parse_facts(yaml_text)
    problems = dict(err.value.problems)
    assert field in problems, problems
    assert words in problems[field]
    assert str(err.value).startswith("数据表有误")


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_exit_0_on_clean_report(tmp_path: Path, clean_report: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "clean.txt", clean_report)
    assert main(["check", path, "--facts", str(REPO_ROOT / "examples" / "facts.yaml")]) == 0
    assert "未发现问题" in capsys.readouterr().out


def test_cli_exit_1_lists_errors_first_with_each_place_and_its_section(sample_texts: dict[str, str], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "001.txt", sample_texts["001"])
    assert main(["check", path]) == 1
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "「就就」" in ln)
    assert "第10行" in line and "【二、统筹推进选人用人工作 > （三）严肃选人用人程序关】" in line
    assert "缺少“存在问题”部分" in out
    # errors come before every warning
    assert out.index("错误：") < out.index("警告：")


def test_cli_json_shape(sample_texts: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "003.txt", sample_texts["003"])
    old = write(tmp_path, "000.txt", sample_texts["000"])
    assert main(["check", path, "--json", "--against", old]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {"outline", "findings", "elements", "counts", "genre"} <= set(data)
    assert data["outline"][0] == {"level": 1, "number": "一", "title": "基本情况", "line": 4,
                                  "implicit": False, "element": "overview"}
    f = data["findings"][0]
    assert set(f) == {"category", "code", "severity", "message", "line", "start", "end", "text", "element", "section",
                      "fix", "source"}  # fix, source: the right text and where it comes from (issue 24)
    assert sample_texts["003"][f["start"] : f["end"]] == f["text"]
    assert data["counts"]["placeholder"]["error"] == 37


def test_cli_exit_2_unusable_input(tmp_path: Path, clean_report: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "missing.txt")]) == 2
    assert "文件不存在" in capsys.readouterr().err
    path = write(tmp_path, "clean.txt", clean_report)
    bad = write(tmp_path, "facts.yaml", BASE + "figures:\n  - {label: 职级晋升, value: -1, unit: 人}\n")
    assert main(["check", path, "--facts", bad]) == 2
    err = capsys.readouterr().err
    assert "数据表有误" in err and "不能为负数" in err
    assert main(["check", path, "--genre", "nosuch"]) == 2
    assert "没有文种" in capsys.readouterr().err


def test_cli_reads_gbk_and_docx(tmp_path: Path, clean_report: str, capsys: pytest.CaptureFixture[str]) -> None:
    from docx import Document as Docx

    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(clean_report.replace("3人", "*人").encode("gb18030"))
    assert main(["check", str(gbk), "--only", "placeholder"]) == 1
    assert "“*人”" in capsys.readouterr().out
    d = Docx()
    for line in clean_report.splitlines():
        d.add_paragraph(line)
    d.save(str(tmp_path / "r.docx"))
    assert main(["check", str(tmp_path / "r.docx")]) == 0
