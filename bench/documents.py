"""Real documents in: wrapped and traditional text, heading variants, .doc and PDF reading.

    python bench/documents.py                # every part
    python bench/documents.py --part wrap    # one of: wrap, trad, headings, files, speed

wrap      the five samples in knowledge/reports/ hard-wrapped at 26 characters (as text
          copied out of a PDF or an e-mail): findings with reflow must equal the findings
          of the unwrapped text; also shown without reflow, and the share of wrap widths
          16–44 at which the reflowed text equals the original exactly.
trad      the samples converted to traditional characters (OpenCC s2t): finding codes and
          element statuses equal to the simplified text's.
headings  element recognition on tests/checks/data/heading_variants.yaml: the classifier
          (heading as a whole + content) against heading keywords alone with main's old
          rules (first keyword match in a fixed order).
files     time to read one sample saved as .doc with antiword and with LibreOffice headless
          (the measurement behind kb/office.py's choice), and as PDF with pdfminer.six.
speed     what reflow + folding adds to check_text on each sample.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from drafter.checks import check_text
from drafter.kb.reflow import reflow
from drafter.settings import REPO_ROOT
from drafter.text.doctree import parse
from drafter.text.specs import assign_elements, load_spec

SAMPLES = sorted((REPO_ROOT / "knowledge" / "reports").glob("*.txt"))
VARIANTS = REPO_ROOT / "tests" / "checks" / "data" / "heading_variants.yaml"


def hard_wrap(text: str, width: int) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        out.extend([line[i : i + width] for i in range(0, len(line), width)] or [""])
    return "\n".join(out)


def _key(f) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    return (f.category, f.code, f.severity, f.message, f.section, "".join(f.text.split()))


def wrap() -> None:
    print("## wrapped text (width 26)\n")
    print("| sample | findings unwrapped | wrapped, no reflow: differing | wrapped, reflowed: equal | unpaired-mark findings no reflow → reflowed |")
    print("|---|---|---|---|---|")
    exact = total = joined = spaces = 0
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        wrapped = hard_wrap(text, 26)
        base = [_key(f) for f in check_text(text).findings]
        got = [_key(f) for f in check_text(wrapped).findings]
        # without reflow: parse and check the wrapped lines as they are
        from drafter.checks import check_document

        raw = check_document(parse(wrapped)).findings
        raw_keys = [_key(f) for f in raw]
        differing = len(set(raw_keys) ^ set(base))
        unpaired_raw = sum(1 for f in raw if f.code == "proofread-unpaired")
        unpaired = sum(1 for k in got if k[1] == "proofread-unpaired")
        print(f"| {path.name[:3]} | {len(base)} | {differing} | {'yes' if got == base else 'NO'} | {unpaired_raw} → {unpaired} |")
        for width in range(16, 45):
            total += 1
            out = reflow(hard_wrap(text, width)).text
            if out == text:
                exact += 1
            elif out.count("\n") < text.count("\n"):
                joined += 1
            else:
                spaces += 1
    print(f"\nreflowed text identical to the original at widths 16–44: {exact}/{total} (sample, width) pairs "
          f"({exact / total:.0%}); misses: {joined} where two paragraphs were joined (a paragraph whose length "
          "is an exact multiple of the width, ending in 。, then one not starting with a heading number: a "
          f"wrapped copy cannot tell this from one paragraph), {spaces} where a space that fell at a wrap was "
          "dropped or kept differently.\n")


def trad() -> None:
    import opencc

    conv = opencc.OpenCC("s2t")
    print("## traditional characters\n")
    print("| sample | findings | same codes | same element statuses | spans in the original characters |")
    print("|---|---|---|---|---|")
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        t = conv.convert(text)
        a, b = check_text(text), check_text(t)
        codes = [f.code for f in a.findings] == [f.code for f in b.findings]
        statuses = [e.status for e in a.elements] == [e.status for e in b.elements]
        spans = all(f.text == t[f.start : f.end] for f in b.findings)
        print(f"| {path.name[:3]} | {len(b.findings)} | {codes} | {statuses} | {spans} |")
    print()


def _old_rules() -> dict[str, list[str]]:
    """main's report.yaml keyword lists before this change (first match wins in this order)."""
    return {
        "problems": ["存在问题", "存在的问题", "问题和不足", "不足之处", "主要问题", "存在不足", "存在的不足"],
        "rectification": ["整改", "评议反馈", "反馈问题"],
        "plans": ["下一步", "下步", "打算", "改进方向", "努力方向", "改进措施", "工作思路"],
        "other": ["其他需要报告", "其他情况"],
        "overview": ["总体情况", "基本情况", "任用情况", "晋升情况", "工作情况", "有关情况", "概况"],
        "practices": ["做法", "坚持", "严格", "加强", "强化", "落实", "树立", "推进", "规范", "突出", "注重", "探索", "完善"],
    }


def headings() -> None:
    cases = yaml.safe_load(VARIANTS.read_text(encoding="utf-8"))["variants"]
    spec = load_spec("report")
    old = _old_rules()
    right_new = right_old = 0
    misses: list[str] = []
    for c in cases:
        lines = [c["heading"]] + ([c["body"]] if c.get("body") else [])
        for child in c.get("children") or []:
            lines += [child, "内容。"]
        doc = parse("某局党组2024年度干部选拔任用工作报告\n" + "\n".join(lines) + "\n")
        top = doc.sections[0]
        new = assign_elements(doc, spec)[id(top)]
        before = next((e for e, words in old.items() if any(w in top.title for w in words)), "practices")
        right_new += new == c["element"]
        right_old += before == c["element"]
        if new != c["element"]:
            misses.append(f"{c['heading']} → {new} (expected {c['element']})")
    n = len(cases)
    print("## element recognition\n")
    print(f"- heading variants: {n} ({', '.join(sorted({c['element'] for c in cases}))})")
    print(f"- heading as a whole + content (this change): {right_new}/{n} = {right_new / n:.1%}")
    print(f"- first keyword match, main's rules: {right_old}/{n} = {right_old / n:.1%}")
    for m in misses:
        print(f"  - miss: {m}")
    print()


def _timed(fn, n: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), max(times)


def files() -> None:
    import docx

    from drafter.kb.office import antiword_text, libreoffice_text
    from drafter.kb.pdf import read_pdf

    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("antiword") is None:
        print("## files\n\nneeds antiword and LibreOffice (apt-get install antiword libreoffice-writer)\n")
        return
    sample = SAMPLES[3]
    original = re.sub(r"\s+", "", sample.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        d = docx.Document()
        for line in sample.read_text(encoding="utf-8").splitlines():
            d.add_paragraph(line)
        src = Path(tmp) / "sample.docx"
        d.save(str(src))
        for fmt in ("doc", "pdf"):
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/p", "--headless", "--convert-to", fmt,
                            "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=180)
        doc, pdf = Path(tmp) / "sample.doc", Path(tmp) / "sample.pdf"
        libreoffice_text(doc)  # warm the LibreOffice profile once
        rows = []
        for label, fn in (
            ("antiword", lambda: antiword_text(doc)),
            ("LibreOffice headless", lambda: libreoffice_text(doc)),
            ("pdfminer.six (PDF, 3 pages)", lambda: read_pdf("sample.pdf", pdf.read_bytes())),
        ):
            med, worst = _timed(fn, 5)
            out = fn()
            text = out.text if hasattr(out, "text") else out
            same = re.sub(r"\s+", "", text or "") == original
            rows.append((label, med, worst, same))
    print("## reading .doc and PDF (sample 003 saved by LibreOffice; median of 5)\n")
    print("| reader | median s | max s | text equals the sample |")
    print("|---|---|---|---|")
    for label, med, worst, same in rows:
        print(f"| {label} | {med:.3f} | {worst:.3f} | {same} |")
    print()


def speed() -> None:
    from drafter.checks.source import prepare

    print("## cost of reflow + folding (median of 20)\n")
    print("| sample | characters | reflow + fold ms | whole check_text ms |")
    print("|---|---|---|---|")
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        check_text(text)  # warm OpenCC and the specs
        prep, _ = _timed(lambda: prepare(text), 20)  # noqa: B023 - timed at once
        whole, _ = _timed(lambda: check_text(text), 20)  # noqa: B023
        print(f"| {path.name[:3]} | {len(text)} | {prep * 1000:.2f} | {whole * 1000:.1f} |")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parts = {"wrap": wrap, "trad": trad, "headings": headings, "files": files, "speed": speed}
    parser.add_argument("--part", choices=list(parts), action="append")
    args = parser.parse_args(argv)
    for part in args.part or list(parts):
        parts[part]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
