"""Time and peak memory of ``drafter compare`` from 10,000 to 1,000,000 characters.

    python bench/compare_scale.py                      # all cases and sizes, one run each
    python bench/compare_scale.py --busy               # the same with another process holding a core
    python bench/compare_scale.py --sizes 10000,30000  # only these sizes
    python bench/compare_scale.py --only unrelated     # cases whose name contains "unrelated"
    python bench/compare_scale.py --src /tmp/old/src --sizes 10000,30000   # another checkout (before/after)

Cases (each side has about N characters):

* ``near`` — a long report (numbered sections and subsections of genre-like text from
  ``tests/review/batchgen.py``) and a copy with scattered edits: about every 400
  characters a figure changed, a word inserted or a sentence deleted; every 40th
  paragraph removed or a new one inserted;
* ``unrelated`` — two such reports generated from different seeds (same vocabulary and
  headings, different text: nothing to anchor on, every pair of sections half alike);
* ``flat`` — two unrelated texts without a single heading or line break (one unit,
  one paragraph each side: the diff itself has no structure to anchor on);
* ``headings`` — two unrelated texts of nothing but short headings (``（三）标题42``,
  ``十七、部分8``), about 13,000 sections per 100,000 characters: the most units the
  section alignment can be given;
* ``docx`` — .docx files of N/10 short paragraphs (100,000 paragraphs at 1M characters),
  each ``00012项12人`` with every 7th figure changed on the new side; the issue's
  100,000-paragraph file (4.29M characters, 41 a paragraph) must be refused.

Each run is a fresh ``python -m drafter compare OLD NEW --json`` process that reports
its own peak resident memory (VmHWM); wall time is measured around it, start-up
included. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "review"))
sys.path.insert(0, str(ROOT / "bench"))

import batchgen  # noqa: E402
from hostile import run, write_docx  # noqa: E402

batchgen.FRESH = False  # bulk text: skip the sample-overlap filter

_NUM = "一二三四五六七八九十"


def _cn(n: int) -> str:
    from drafter.text.doctree import int_to_chinese

    return int_to_chinese(n)


def long_report(chars: int, seed: int) -> str:
    """A report of about ``chars`` characters: title, opening, sections of 3 subsections."""
    rng = random.Random(seed)
    lines = [f"江源市水务局{2020 + seed % 5}年度干部选拔任用工作报告", batchgen.paragraph(rng, 2)]
    size = sum(len(x) for x in lines)
    k = 0
    while size < chars:
        k += 1
        block = [f"{_cn(k)}、{rng.choice(batchgen._PRACTICE_TITLES)}"]
        for s in range(1, 4):
            block.append(f"（{_cn(s)}）{rng.choice(batchgen._PRACTICE_TITLES)}")
            block += [batchgen.paragraph(rng) for _ in range(2)]
        lines += block
        size += sum(len(x) + 1 for x in block)
    text = "\n".join(lines) + "\n"
    return text[: text.rfind("\n", 0, chars) + 1]  # whole lines, at most `chars` characters


def scattered_edits(text: str, seed: int = 7) -> str:
    """``text`` with an edit about every 400 characters and a paragraph in/out every 40."""
    rng = random.Random(seed)
    out: list[str] = []
    for n, line in enumerate(text.splitlines()):
        if len(line) > 40 and n % 40 == 17:
            continue  # paragraph removed
        if n % 40 == 29:
            out.append(batchgen.paragraph(rng, 2))  # paragraph added
        chars = list(line)
        for _ in range(len(line) // 400 + (1 if len(line) > 40 and rng.random() < 0.5 else 0)):
            i = rng.randrange(len(chars))
            kind = rng.random()
            if kind < 0.4:
                chars[i] = str(rng.randint(1, 9)) if chars[i].isdigit() else "新"
            elif kind < 0.8:
                chars.insert(i, rng.choice(["进一步", "切实", "认真"]))
            else:
                j = "".join(chars).find("。", i)
                if j > i:
                    del chars[i : j + 1]
        out.append("".join(chars))
    return "\n".join(out) + "\n"


def flat(chars: int, seed: int) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        parts.append(batchgen.sentence(rng))
        size += len(parts[-1])
    return "".join(parts)[: chars - 1]  # the reader adds a final line break


def headings(chars: int, seed: int) -> str:
    rng = random.Random(seed)
    lines: list[str] = []
    size = 0
    while True:
        if rng.random() < 0.7:
            line = f"（{_cn(rng.randint(1, 9))}）标题{rng.randint(1, 99)}"
        else:
            line = f"{_cn(rng.randint(1, 20))}、部分{rng.randint(1, 99)}"
        if size + len(line) + 1 > chars:
            return "\n".join(lines) + "\n"
        lines.append(line)
        size += len(line) + 1


def docx_lines(chars: int, variant: int) -> list[str]:
    rng = random.Random(variant)
    lines = ["某局2025年度干部选拔任用工作报告"]
    for i in range(max(1, (chars - 20) // 10)):  # 10 characters a paragraph with its line break
        n = rng.randint(1, 50) if variant and i % 7 == 0 else i % 50
        lines.append(f"{i:05d}项{n:02d}人")
    return lines


def make_case(tmp: Path, case: str, chars: int) -> tuple[Path, Path]:
    a, b = tmp / f"{case}_{chars}_a", tmp / f"{case}_{chars}_b"
    if case == "docx":
        return (write_docx(a.with_suffix(".docx"), docx_lines(chars, 0)),
                write_docx(b.with_suffix(".docx"), docx_lines(chars, 1)))
    if case == "near":
        old = long_report(chars, 1)
        new = scattered_edits(old)
    elif case == "unrelated":
        old, new = long_report(chars, 1), long_report(chars, 2)
    elif case == "headings":
        old, new = headings(chars, 1), headings(chars, 2)
    else:
        old, new = flat(chars, 1), flat(chars, 2)
    a, b = a.with_suffix(".txt"), b.with_suffix(".txt")
    a.write_text(old, encoding="utf-8")
    b.write_text(new, encoding="utf-8")
    return a, b


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--busy", action="store_true", help="run with another process holding a core")
    ap.add_argument("--sizes", default="10000,30000,100000,300000,1000000")
    ap.add_argument("--only", default="")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the drafter source tree to measure")
    opts = ap.parse_args()
    sizes = [int(s) for s in opts.sizes.split(",")]
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if opts.busy else None
    try:
        with tempfile.TemporaryDirectory(prefix="drafter-cmp-") as td:
            tmp = Path(td)
            print("| case | characters (old / new) | paragraphs (old) | exit | seconds | peak RSS MB | note |")
            print("|---|---|---|---|---|---|---|")
            todo = [(c, n) for c in ("near", "unrelated", "flat", "headings", "docx") for n in sizes]
            todo.append(("docx", 4_275_301))  # the 100,000-paragraph file: refused
            for case, chars in todo:
                if opts.only and opts.only not in case:
                    continue
                if case == "docx" and chars > 1_000_000:
                    old = new = write_docx(tmp / "p100k.docx", [
                        f"第{i}段：坚持党管干部原则，严格执行干部选拔任用工作条例，全年提拔干部12人。"
                        for i in range(100_000)])
                else:
                    old, new = make_case(tmp, case, chars)
                from drafter.kb.ingest import read_text

                to, tn = read_text(old).text, read_text(new).text
                sizes_txt, paras = f"{len(to):,} / {len(tn):,}", f"{to.count(chr(10)) + 1:,}"
                seconds, rss, code, last = run(["compare", str(old), str(new), "--json"], opts.timeout, opts.src)
                note = last if code else ""
                print(f"| {case} | {sizes_txt} | {paras} | {code} | {seconds:.1f} | {rss:.0f} | {note} |",
                      flush=True)
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()


if __name__ == "__main__":
    main()
