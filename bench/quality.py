"""Report-quality benchmark (issue 18): is each composer draft a report the unit would sign?

    python bench/quality.py              # the table for docs/benchmarks.md
    python bench/quality.py --json       # every measure, per draft
    python bench/quality.py --show organ.a   # print one draft
    python bench/quality.py --samples docs/samples   # one full sheet and its draft per unit type

Fact sheets: tests/drafting/quality_factsheets.py — per unit type two full sheets of
different units (``a`` richer, ``b`` at the issue's minimum: six figures or more, five
ticked practices, two highlights, problems and plans) and one thin sheet. Drafts are
the offline composer's (:func:`drafter.drafting.document.compose_draft`; no model, no
knowledge base). Measures (:mod:`drafter.drafting.quality`):

* frame — title in the type's form, 主送, 「现将…报告如下：」, 「特此报告。」, 落款, 成文日期 or marker;
* chars — the whole document; body chars — sentences only;
* figures not once — an entered figure stated other than exactly once;
* thin subsections — a practice paragraph of one sentence (markers excepted);
* leftovers — a parenthesis repeating the words before it; standing — 双一流 … not on the sheet;
* unmarked — a required part missing, or empty on the sheet and written without 〔待补：…〕;
* structure — the checker's structure warnings on the draft; missing — entered items not stated;
* authority — a claim the unit type's authority forbids; self-ref — another self-reference;
* repeated — a sentence written twice; shared a↔b — share of a's sentences also in b (same type).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "drafting"))

from quality_factsheets import FULL_SHEETS, THIN_SHEETS

from drafter.checks import check_text
from drafter.drafting.document import compose_draft
from drafter.drafting.grounding import missing_items
from drafter.drafting.quality import (
    authority_claims,
    empty_parts_unmarked,
    figures_not_once,
    frame_problems,
    repeated_sentences,
    self_reference_mix,
    shared_share,
    template_leftovers,
    thin_subsections,
    unstated_standing,
)
from drafter.drafting.similarity import body_sentences
from drafter.facts.sheet import FactSheet, facts_from_data
from drafter.text.markers import MISSING_RE


def sheets() -> dict[str, FactSheet]:
    out: dict[str, FactSheet] = {}
    for ut, pair in FULL_SHEETS.items():
        for key, data in pair.items():
            out[f"{ut}.{key}"] = facts_from_data(data)
        out[f"{ut}.thin"] = facts_from_data(THIN_SHEETS[ut])
    return out


def measure(text: str, facts: FactSheet) -> dict[str, Any]:
    result = check_text(text, facts=facts)
    return {
        "chars": len(text),
        "body_chars": sum(len(s) for s in body_sentences(text)),
        "sentences": len(body_sentences(text)),
        "frame": frame_problems(text, facts),
        "figures_not_once": figures_not_once(text, facts),
        "thin_subsections": thin_subsections(text),
        "leftovers": template_leftovers(text),
        "standing": unstated_standing(text, facts),
        "unmarked": empty_parts_unmarked(text, facts),
        "structure": [f.code for f in result.findings if f.category == "structure"],
        "errors": [f.code for f in result.findings if f.severity == "error" and not MISSING_RE.search(f.text or "")],
        "missing": missing_items(text, facts),
        "authority": authority_claims(text, facts),
        "self_ref": self_reference_mix(text, facts),
        "repeated": repeated_sentences(text),
        "markers": len(MISSING_RE.findall(text)),
    }


def run() -> tuple[dict[str, dict[str, Any]], dict[str, str], float]:
    facts = sheets()
    start = time.perf_counter()
    texts = {name: compose_draft(f).text() for name, f in facts.items()}
    elapsed = time.perf_counter() - start
    rows = {name: measure(texts[name], facts[name]) for name in texts}
    for ut in FULL_SHEETS:
        a, b = texts[f"{ut}.a"], texts[f"{ut}.b"]
        rows[f"{ut}.a"]["shared"] = shared_share(a, b)
        rows[f"{ut}.b"]["shared"] = shared_share(b, a)
    return rows, texts, elapsed


def table(rows: dict[str, dict[str, Any]]) -> str:
    head = ("| draft | chars | body chars | sentences | frame | figures not once | thin subsections | leftovers | "
            "standing | unmarked empty parts | structure warnings | checker errors (not 待补) | missing items | "
            "authority | self-ref mix | repeated | 待补 | shared a↔b |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for name, r in rows.items():
        shared = f"{r['shared']:.0%}" if "shared" in r else "—"
        lines.append(
            f"| {name} | {r['chars']} | {r['body_chars']} | {r['sentences']} | {len(r['frame'])} | "
            f"{len(r['figures_not_once'])} | {len(r['thin_subsections'])} | {len(r['leftovers'])} | "
            f"{len(r['standing'])} | {len(r['unmarked'])} | {len(r['structure'])} | {len(r['errors'])} | "
            f"{len(r['missing'])} | {len(r['authority'])} | {len(r['self_ref'])} | {len(r['repeated'])} | "
            f"{r['markers']} | {shared} |"
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", help="print the draft of one sheet, e.g. organ.a")
    ap.add_argument("--samples", type=Path, help="write <type>.yaml and <type>.txt (the full sheet a) there")
    args = ap.parse_args()
    rows, texts, elapsed = run()
    if args.samples:
        import yaml

        args.samples.mkdir(parents=True, exist_ok=True)
        for ut, pair in FULL_SHEETS.items():
            data = yaml.safe_dump(pair["a"], allow_unicode=True, sort_keys=False, width=200)
            (args.samples / f"{ut}.yaml").write_text(data, encoding="utf-8")
            (args.samples / f"{ut}.txt").write_text(texts[f"{ut}.a"], encoding="utf-8")
        print(f"wrote {len(FULL_SHEETS)} sheets and drafts to {args.samples}")
        return 0
    if args.show:
        print(texts[args.show])
        print(json.dumps(rows[args.show], ensure_ascii=False, indent=1))
        return 0
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    print(table(rows))
    print(f"\n{len(texts)} drafts composed in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
