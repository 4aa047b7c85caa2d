"""The bounded parsing worker (issue 21): its overhead on ordinary files, and each input kind at its limit.

    python bench/parse_worker.py              # overhead + every hostile kind
    python bench/parse_worker.py --overhead   # only the overhead on the bundled reports

Overhead: the five bundled reports read through the worker (``read_text``) against
the same parse in this process (``read_here``), once and as a batch of 300; the
first call includes starting the worker. Limits: each probe input (generated,
tests/hostile/bombs.py) read by a fresh worker; wall time and the worker's peak
resident memory (VmHWM) are printed as a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

import bombs  # noqa: E402
from hostile_limits import write_docx  # noqa: E402

from drafter.errors import IngestError  # noqa: E402
from drafter.kb import worker  # noqa: E402
from drafter.kb.ingest import read_here, read_text  # noqa: E402


def overhead() -> None:
    reports = sorted((ROOT / "knowledge" / "reports").glob("*.txt"))
    worker.shutdown_workers()
    t = time.perf_counter()
    read_text(reports[0])
    first = time.perf_counter() - t
    rows = []
    for label, files in (("5 bundled reports", reports), ("batch of 300", reports * 60)):
        t = time.perf_counter()
        for f in files:
            read_here(f)
        here = time.perf_counter() - t
        t = time.perf_counter()
        for f in files:
            read_text(f)
        there = time.perf_counter() - t
        rows.append((label, here, there))
    print(f"first call (starts the worker): {first * 1000:.0f} ms")
    print("| files | in this process | through the worker | per file added |")
    print("|---|---|---|---|")
    for label, here, there in rows:
        n = 5 if label.startswith("5") else 300
        print(f"| {label} | {here * 1000:.0f} ms | {there * 1000:.0f} ms | {(there - here) / n * 1000:.2f} ms |")


def _cases(folder: Path) -> list[tuple[str, str, Path]]:
    doc_noise = folder / "noise.doc"
    from drafter.kb.office import OLE_MAGIC

    doc_noise.write_bytes(OLE_MAGIC + bytes(range(256)) * 240)
    at_chars = folder / "chars-1m.txt"
    at_chars.write_text("提拔干部十二人。\n" * 110_000, encoding="utf-8")  # 990,000 characters: just within
    over_bytes = folder / "big-20mb.txt"
    over_bytes.write_text("一二三四五六七八九十，\n" * 640_000, encoding="gb18030")
    return [
        ("PDF", "40 nested form XObjects, each drawing the next twice (8 KB)", bombs.pdf_nested_forms(folder / "a.pdf")),
        ("PDF", "/Length pointing at a self-referencing object", bombs.pdf_length_loop(folder / "b.pdf")),
        ("PDF", "a million glyphs on one page (3 KB)", bombs.pdf_many_glyphs(folder / "c.pdf")),
        ("PDF", "1 MB stream inflating to 1 GB of zeros", bombs.pdf_flate_bomb(folder / "d.pdf")),
        ("PDF", "at the glyph budget: 399 pages × 1,000 glyphs", bombs.pdf_many_pages(folder / "e.pdf", 399, 1000)),
        (".docx", "190 header parts of 1 MB each", bombs.docx_many_headers(folder / "f.docx")),
        (".docx", "190 MB document.xml in 19 MB", bombs.docx_huge_body(folder / "g.docx")),
        (".docx", "near the character limit: 30,000 paragraphs",
         write_docx(folder / "h.docx", [f"第{i}段：坚持党管干部原则，全年提拔干部{i % 97}人。" for i in range(30_000)])),
        (".doc", "random bytes behind an OLE header", doc_noise),
        ("text", "990,000 characters (3 MB UTF-8)", at_chars),
        ("text", "19 MB GB18030, 7 million characters", over_bytes),
    ]


def limits() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cases = _cases(Path(tmp))
        print("| kind | input | result | seconds | worker peak MB |")
        print("|---|---|---|---|---|")
        for kind, what, path in cases:
            worker.shutdown_workers()
            worker.last_peak_kb = 0
            t = time.perf_counter()
            try:
                got = read_text(path)
                result = f"read, {len(got.text):,} characters"
            except IngestError as err:
                result = "refused: " + err.reason.split("，")[0][:40]
            seconds = time.perf_counter() - t
            print(f"| {kind} | {what} | {result} | {seconds:.1f} | {worker.last_peak_kb / 1024:.0f} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--overhead", action="store_true")
    args = ap.parse_args()
    overhead()
    if not args.overhead:
        limits()


if __name__ == "__main__":
    main()
