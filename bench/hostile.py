"""Worst case of each command at its documented size limit (and just past it).

    python bench/hostile.py                 # all cases, one run each
    python bench/hostile.py --busy          # the same with another process holding a core
    python bench/hostile.py --only compare  # cases whose name contains "compare"

Each case runs ``python -m drafter …`` in a fresh subprocess that reports its own
peak resident memory; wall time is measured around it. Inputs are generated in a
temporary folder: .docx reports of N paragraphs (each ~40 characters, a heading
every 200), fact sheets of N figures, a zip bomb, a billion-laughs YAML. Prints a
Markdown table for docs/benchmarks.md. DRAFTER_HOME must hold a built index (the
draft cases retrieve).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import yaml

from drafter.text.limits import MAX_COMPARE_CHARS, MAX_DOCUMENT_CHARS, MAX_FIGURES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hostile"))
from hostile_limits import write_docx  # noqa: E402  (one .docx writer for the tests and the benchmarks)

ROOT = Path(__file__).resolve().parents[1]
_LAUNCHER = (  # the child's own peak memory (VmHWM), not that of the process that forked it
    "import runpy, sys\n"
    "sys.argv = ['drafter'] + sys.argv[1:]\n"
    "try:\n    runpy.run_module('drafter', run_name='__main__')\n"
    "finally:\n"
    "    peak = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
    "    sys.stderr.write('\\n@@rss=%d\\n' % peak)\n"
)
_NUM = "一二三四五六七八九十"


def report_lines(paragraphs: int, variant: int = 0) -> list[str]:
    rng = random.Random(variant)
    lines = ["某局2025年度干部选拔任用工作报告"]
    for i in range(paragraphs):
        if i % 200 == 0:
            lines.append(f"{_NUM[(i // 200) % 10]}、第{i // 200 + 1}部分工作情况")
        n = rng.randint(1, 50) if variant and i % 7 == 0 else i % 50
        lines.append(f"第{i}段：坚持党管干部原则，严格执行干部选拔任用工作条例，全年提拔干部{n}人。")
    return lines


def paragraphs_for(chars: int) -> int:
    return max(1, int(chars / 41))


def write_bomb(path: Path, inflated_mb: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        with out.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b"<w:p/>" * (1024 * 1024 // 6)
            for _ in range(inflated_mb):
                fh.write(block)
    return path


def write_sheet(path: Path, figures: int) -> Path:
    figs = [{"label": f"指标{i}", "value": i + 1} for i in range(figures)]
    data = {"unit": "江城局", "org": "局党组", "year": 2025, "figures": figs}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run(args: list[str], timeout: float = 1800, src: Path = ROOT / "src") -> tuple[float, float, int, str]:
    """``drafter ARGS`` in a subprocess: (seconds, peak RSS MB, exit code, last stderr line)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(ROOT)])}
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-c", _LAUNCHER, *args], capture_output=True, env=env,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.monotonic() - start, 0.0, -1, f"killed after {timeout:.0f} s"
    seconds = time.monotonic() - start
    err = proc.stderr.decode("utf-8", "replace")
    rss = 0.0
    if "@@rss=" in err:
        err, _, tail = err.rpartition("@@rss=")
        rss = int(tail.strip() or 0) / 1024
    last = next((line for line in reversed(err.strip().splitlines()) if line.strip()), "")
    return seconds, rss, proc.returncode, last[:100]


def cases(tmp: Path) -> list[tuple[str, str, list[str]]]:
    at_doc = paragraphs_for(MAX_DOCUMENT_CHARS * 0.98)
    at_cmp = paragraphs_for(MAX_COMPARE_CHARS * 0.98)
    big = write_docx(tmp / "p100k.docx", report_lines(100_000))
    doc_limit = write_docx(tmp / "limit.docx", report_lines(at_doc))
    cmp_a = write_docx(tmp / "cmp_a.docx", report_lines(at_cmp))
    cmp_b = write_docx(tmp / "cmp_b.docx", report_lines(at_cmp, variant=1))
    typical_a = write_docx(tmp / "typ_a.docx", report_lines(300))
    typical_b = write_docx(tmp / "typ_b.docx", report_lines(300, variant=1))
    laughs = tmp / "laughs.yaml"
    laughs.write_text(
        "\n".join(['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
                  + [f"{b}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]),
        encoding="utf-8",
    )
    out = tmp / "out"
    out.mkdir()
    return [
        ("check, typical report (300 paragraphs, 12k chars)", "ok", ["check", str(typical_a)]),
        (f"check at the limit ({at_doc:,} paragraphs)", "ok", ["check", str(doc_limit)]),
        ("check, 100,000 paragraphs", "refused", ["check", str(big)]),
        (f"export --force at the limit ({at_doc:,} paragraphs)", "ok",
         ["export", str(doc_limit), "--force", "-o", str(out / "limit.docx")]),
        ("export --force, 100,000 paragraphs", "refused", ["export", str(big), "--force", "-o", str(out / "big.docx")]),
        ("compare, typical reports (300 paragraphs each)", "ok", ["compare", str(typical_a), str(typical_b)]),
        (f"compare at the limit ({at_cmp:,} paragraphs each)", "ok", ["compare", str(cmp_a), str(cmp_b)]),
        ("compare, 100,000 paragraphs", "refused", ["compare", str(big), str(big)]),
        ("draft, typical sheet (10 figures)", "ok", ["draft", str(write_sheet(tmp / "f10.yaml", 10)), "-o", str(out / "d10.txt")]),
        (f"draft at the limit ({MAX_FIGURES} figures)", "ok",
         ["draft", str(write_sheet(tmp / "fmax.yaml", MAX_FIGURES)), "-o", str(out / "dmax.txt")]),
        (f"draft, {MAX_FIGURES + 1} figures", "refused", ["draft", str(write_sheet(tmp / "fover.yaml", MAX_FIGURES + 1))]),
        ("check, .docx zip bomb (400 MB inflated)", "refused", ["check", str(write_bomb(tmp / "bomb.docx", 400))]),
        ("draft, billion-laughs YAML", "refused", ["draft", str(laughs)]),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--busy", action="store_true", help="run with another process holding a core")
    parser.add_argument("--only", default="", help="only cases whose name contains this")
    opts = parser.parse_args()
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if opts.busy else None
    try:
        with tempfile.TemporaryDirectory(prefix="drafter-hostile-") as d:
            tmp = Path(d)
            print("| case | expected | exit | seconds | peak RSS MB | last line of stderr |")
            print("|---|---|---|---|---|---|")
            for name, expected, args in cases(tmp):
                if opts.only and opts.only not in name:
                    continue
                seconds, rss, code, last = run(args)
                print(f"| {name} | {expected} | {code} | {seconds:.1f} | {rss:.0f} | {last.replace('|', '/')} |",
                      flush=True)
    finally:
        if busy is not None:
            busy.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
