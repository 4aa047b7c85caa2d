"""Hostile fact sheets: billion laughs, deep nesting, huge numbers, wrong types, lone surrogates.

The CLI and the app's 数据填报 import load through one bounded loader; each case
runs in a subprocess with a memory cap and must end fast with a Chinese message
naming the field or line — never a traceback, never gigabytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_limits import TESTS  # type: ignore[import-not-found]

PROBE = TESTS / "hostile" / "app_probe.py"

LAUGHS = "\n".join(
    ["unit: 局", "org: 局党组", "year: 2025", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{b}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
) + "\n"
BASE = "unit: 江城县水利局\norg: 局党组\nyear: 2025\n"

CASES = {
    "billion-laughs": (LAUGHS, "展开引用后超过"),
    "deep-nesting": (BASE + "figures: " + "[" * 3000 + "]" * 3000 + "\n", "嵌套超过"),
    "5000-digit-year": ("unit: 局\norg: 局党组\nyear: " + "9" * 5000 + "\n", "数字过长"),
    "figures-abc": (BASE + "figures: abc\n", "数据"),
    "highlight-without-text": (BASE + "highlights:\n  - {section: practices}\n", "工作亮点第1项"),
    "problems-5": (BASE + "problems: 5\n", "存在问题"),
    "lone-surrogate": (BASE + 'problems: ["\\udcff 问题"]\n', "无法保存的字符"),
    "huge-file": (BASE + "plans:\n" + "  - 加强干部队伍建设\n" * 80_000, "过大"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_cli_refuses_with_a_message_at_the_field(limited, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    text, says = CASES[name]
    sheet = tmp_path / "facts.yaml"
    sheet.write_text(text, encoding="utf-8", errors="surrogatepass")
    run = limited(["draft", str(sheet)], env={"DRAFTER_HOME": str(tmp_path / "home")}, timeout=30, mem_mb=1500)
    assert run.returncode == 2, run.output
    assert says in run.stderr and "数据表有误" in run.stderr, run.stderr
    assert "Traceback" not in run.output
    assert run.seconds < 60 and run.peak_mb < 400, (run.seconds, run.peak_mb)  # start-up on a loaded machine


@pytest.mark.parametrize("name", ["billion-laughs", "deep-nesting", "5000-digit-year", "figures-abc",
                                  "highlight-without-text", "problems-5", "lone-surrogate"])
def test_app_import_gives_a_chinese_message_and_never_wedges(
    limited, hostile_home: Path, tmp_path: Path, name: str
) -> None:  # type: ignore[no-untyped-def]
    text, says = CASES[name]
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(text, encoding="utf-8", errors="surrogatepass")
    run = limited(["import", str(sheet)], script=PROBE, env={"DRAFTER_HOME": str(hostile_home)},
                  timeout=180, mem_mb=3500)
    assert run.returncode == 0, run.output[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["exception"] == [], seen["exception"]
    assert any(says in m and "sheet.yaml" in m for m in seen["messages"]), (seen["messages"], seen.get("page"),
                                                                          seen["captions"][:6])
    assert run.peak_mb < 1500, run.peak_mb
    if name in ("figures-abc", "problems-5", "highlight-without-text"):
        form = seen["form"]
        assert form["unit"] == "江城县水利局"  # what was valid is kept in the form
