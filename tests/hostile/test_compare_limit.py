"""``drafter compare`` at its documented limit: bounded time and memory on its worst inputs.

Each case runs the real CLI in a subprocess under an address-space and CPU limit
(:func:`hostile_limits.run_limited`). Inputs are just under
:data:`drafter.text.limits.MAX_COMPARE_CHARS` per side:

* two *unrelated* reports — sentences recombined from the bundled samples' clauses,
  a heading every few paragraphs, so every pair of sections is half alike and nothing
  is equal (the alignment's and the diff's worst case);
* a near-identical pair of .docx files of about 60,000 short paragraphs with every 7th
  figure changed (the issue's 100,000-paragraph case, scaled to the limit);
* one more character than the limit: refused with the bilingual message.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from hostile_limits import write_docx  # type: ignore[import-not-found]

from drafter.text.doctree import int_to_chinese
from drafter.text.limits import MAX_COMPARE_CHARS

SAMPLES = Path(__file__).resolve().parents[2] / "knowledge" / "reports"


def _clauses() -> list[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))
    return [c for c in re.split(r"[，。；\n]", text) if 4 <= len(c) <= 40 and not re.match(r"^[（(一二三四五六七八九十\d]", c)]


def _report(chars: int, seed: int) -> str:
    """A long report of fresh sentences in the genre's vocabulary: sections, subsections, paragraphs."""
    rng = random.Random(seed)
    clauses = _clauses()
    lines = [f"某局{2020 + seed}年度干部选拔任用工作报告"]
    size, k = len(lines[0]), 0
    while size < chars:
        k += 1
        lines.append(f"{int_to_chinese(k)}、{rng.choice(clauses)}")
        for s in range(1, 4):
            lines.append(f"（{int_to_chinese(s)}）{rng.choice(clauses)}")
            for _ in range(2):
                lines.append("。".join("，".join(rng.sample(clauses, 3)) for _ in range(4)) + "。")
        size = sum(len(x) + 1 for x in lines)
    text = "\n".join(lines)
    return text[: chars - 1] + "。"


def _figures_docx(path: Path, chars: int, *, changed_every: int = 0) -> tuple[Path, int]:
    """A real .docx of short paragraphs ``第i段：提拔干部n人。`` filling ``chars``; every nth n changed."""
    paras: list[str] = []
    size = 0
    while size < chars - 30:
        i = len(paras)
        n = (i * 7 + 3) % 50 if changed_every and i % changed_every == 0 else i % 50
        paras.append(f"第{i}段：提拔干部{n}人。")
        size += len(paras[-1]) + 1
    write_docx(path, paras)
    return path, len(paras)


@pytest.mark.parametrize("case", ["unrelated", "docx"])
def test_compare_at_the_limit_ends_within_bounds(limited, tmp_path: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    chars = int(MAX_COMPARE_CHARS * 0.98)
    if case == "unrelated":
        old, new = tmp_path / "old.txt", tmp_path / "new.txt"
        old.write_text(_report(chars, 1), encoding="utf-8")
        new.write_text(_report(chars, 2), encoding="utf-8")
    else:
        old, paragraphs = _figures_docx(tmp_path / "old.docx", chars)
        new, _ = _figures_docx(tmp_path / "new.docx", chars, changed_every=7)
    run = limited(["compare", str(old), str(new), "--json"], timeout=240, mem_mb=2000)
    assert run.returncode == 0, run.output[-2000:]
    data = json.loads(run.stdout)
    counts = {s: sum(1 for x in data["sections"] if x["status"] == s) for s in ("same", "changed", "added", "removed")}
    # the two sides of every diff give back the two texts: nothing lost in the fallback paths
    olds = "".join(op["old"] for s in data["sections"] for op in s["diff"])
    news = "".join(op["new"] for s in data["sections"] for op in s["diff"])
    if case == "unrelated":
        assert data["similarity"] < 0.5 and counts["added"] and counts["removed"]
        assert len(olds) >= chars * 0.95 and len(news) >= chars * 0.95
    else:
        (section,) = data["sections"]  # no headings: 60,000 paragraphs as one unit
        assert section["status"] == "changed" and 0.9 < data["similarity"] < 1.0
        changed = [op for op in section["diff"] if op["op"] != "equal"]
        moved = sum(1 for i in range(0, paragraphs, 7) if (i * 7 + 3) % 50 != i % 50)
        # every changed figure found, one by one, down to its digits (“21” → “0” may be two operations)
        assert moved <= len(changed) <= 2 * moved
        assert all(len(op["old"]) <= 2 and len(op["new"]) <= 2 for op in changed), changed[:5]
    # bounded on a loaded 2-core machine; quiet figures are in docs/benchmarks.md
    assert run.seconds < 180 and run.peak_mb < 900, (run.seconds, run.peak_mb)
    print(f"compare {case} at {chars:,} characters: {run.seconds:.1f} s, {run.peak_mb:.0f} MB")


def test_one_character_past_the_limit_is_refused(limited, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old = tmp_path / "old.txt"
    old.write_text("坚" * (MAX_COMPARE_CHARS + 1), encoding="utf-8")
    new = tmp_path / "new.txt"
    new.write_text("坚持党管干部原则。", encoding="utf-8")
    run = limited(["compare", str(old), str(new)], timeout=60, mem_mb=1500)
    assert run.returncode == 2, run.output[-2000:]
    assert re.search(r"old\.txt 有 [\d,]+ 字", run.stderr), run.stderr  # the file and its size named
    assert f"“drafter compare”的上限 {MAX_COMPARE_CHARS:,} 字" in run.stderr
    assert f"limit {MAX_COMPARE_CHARS:,}" in run.stderr
    assert run.seconds < 30
