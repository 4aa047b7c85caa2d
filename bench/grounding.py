"""Grounding benchmark (issue 9): is each draft this unit's own report?

    python bench/grounding.py                        # composer drafts of the six unit-type sheets
    python bench/grounding.py --home /tmp/bench-home # reuse a built index
    python bench/grounding.py --before /work/main/src  # the same sheets on another checkout (no practices)

One fact sheet per unit type (tests/drafting/drafting_factsheets.py, ``UNIT_SHEETS``:
a 厅党组, a 县委, a sparse 乡镇党委, a 市属国企集团, a 高校, a 公立医院) is drafted by the
offline composer against the bundled knowledge base. For each draft (the 落款 block
left out of the sentence counts):

* shared — share of its sentences that also appear (equal, or bigram Jaccard ≥ 0.6)
  in the drafts of three or more other unit types (aim ≤ 25 %);
* borrowed — sentences stating a concrete activity of a sample report that the
  sheet does not contain, or nearly copying a sample sentence (must be 0; the
  detector is :func:`drafter.drafting.grounding.borrowed_activities`);
* foreign — words of the unit type's ``forbidden`` list (must be 0);
* missing — entered items not stated (must be 0);
* errors — checker errors other than 〔待补：…〕 markers (must be 0); markers — how many;
* chars/fact — body characters per entered item;
* draft time — composer draft from the outline, warm index, median of 3.

``--before`` drafts the same sheets (practices, signer, date and unit_type removed,
which older code does not read) with the drafter found at that path, in a
subprocess, and applies the same measures, for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "drafting"))

from drafting_factsheets import UNIT_SHEETS

from drafter.checks import check_text
from drafter.checks.section import check_section
from drafter.drafting import DraftEngine
from drafter.drafting.composer import ComposeRequest, compose
from drafter.drafting.grounding import (
    body_chars,
    borrowed_activities,
    entered_count,
    foreign_wording,
    missing_items,
    shared_sentences,
)
from drafter.drafting.signature import split_signature
from drafter.drafting.similarity import DraftMemory, body_sentences
from drafter.facts.sheet import FactSheet, facts_from_data
from drafter.settings import Settings
from drafter.text.markers import MISSING_RE

_OLD_FIELDS = ("practices", "signer", "date", "unit_type")

_BEFORE_SCRIPT = r"""
import json, sys
from drafter.drafting import DraftEngine
from drafter.facts.sheet import facts_from_data
from drafter.settings import Settings
sheets = json.loads(sys.stdin.read())
engine = DraftEngine(Settings(home=sys.argv[1]), section_check=check_section)
print(json.dumps({k: engine.draft(facts_from_data(v)).text() for k, v in sheets.items()}, ensure_ascii=False))
"""


def measure(texts: dict[str, str], sheets: dict[str, FactSheet]) -> list[dict[str, Any]]:
    bodies = {k: split_signature(t, sheets[k])[0] for k, t in texts.items()}
    shares = shared_sentences(bodies)
    rows = []
    for name, text in texts.items():
        facts = sheets[name]
        body = bodies[name]
        result = check_text(text, facts=facts)
        errors = [f for f in result.findings if f.severity == "error" and not MISSING_RE.search(f.text or "")]
        n = entered_count(facts)
        rows.append({
            "type": name,
            "sentences": len(body_sentences(body)),
            "shared": shares[name][0],
            "borrowed": borrowed_activities(body, facts),
            "foreign": foreign_wording(body, facts),
            "missing": missing_items(text, facts),
            "errors": [(f.code, f.text) for f in errors],
            "markers": len(MISSING_RE.findall(text)),
            "facts": n,
            "chars": body_chars(body),
            "chars_per_fact": body_chars(body) / n if n else float("nan"),
        })
    return rows


def table(rows: list[dict[str, Any]], times: dict[str, float] | None = None) -> str:
    head = "| unit type | facts | sentences | shared with ≥3 other types | borrowed | foreign wording | missing items | checker errors (not 待补) | 待补 markers | body chars | chars/fact |"
    if times is not None:
        head += " draft time |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        line = (
            f"| {r['type']} | {r['facts']} | {r['sentences']} | {r['shared']:.0%} | {len(r['borrowed'])} | "
            f"{len(r['foreign'])} | {len(r['missing'])} | {len(r['errors'])} | {r['markers']} | {r['chars']} | "
            f"{r['chars_per_fact']:.0f} |"
        )
        if times is not None:
            line += f" {times[r['type']]:.2f} s |"
        lines.append(line)
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=None, help="DRAFTER_HOME with (or for) the index")
    ap.add_argument("--before", type=Path, default=None, help="src/ of another checkout to compare with")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="bench-grounding-"))
    settings = Settings(home=home)
    sheets = {k: facts_from_data(v) for k, v in UNIT_SHEETS.items()}

    engine = DraftEngine(settings, section_check=check_section)
    t0 = time.perf_counter()
    engine.draft(sheets["organ"])  # builds/opens the index, warms the retriever
    print(f"first draft (index open/build + warm-up): {time.perf_counter() - t0:.1f} s")
    texts: dict[str, str] = {}
    times: dict[str, float] = {}
    full_times: list[float] = []
    for name, facts in sheets.items():
        t = time.perf_counter()
        outline = engine.outline(facts)
        texts[name] = engine.draft(facts, outline).text()
        full_times.append(time.perf_counter() - t)
        runs = []
        for _ in range(args.repeat):
            fresh = DraftEngine(settings, section_check=check_section, retriever=engine.retriever.inner)  # no cached searches
            t = time.perf_counter()
            fresh.draft(facts, outline)
            runs.append(time.perf_counter() - t)
        times[name] = statistics.median(runs)
    compose_ms: list[float] = []
    for facts in sheets.values():
        outline = engine.outline(facts)
        t = time.perf_counter()
        memory = DraftMemory()
        for node in outline.sections:
            compose(ComposeRequest(node=node, facts=facts, genre=outline.genre, memory=memory))
        compose_ms.append((time.perf_counter() - t) * 1000)
    rows = measure(texts, sheets)
    print("\n## composer, this checkout\n")
    print(table(rows, times))
    print(f"\noutline + draft (warm index, cached engine): median {statistics.median(full_times):.2f} s over six sheets")
    print(f"draft from outline, fresh engine (uncached searches): median {statistics.median(times.values()):.2f} s")
    print(f"writing alone (composer, no retrieval): median {statistics.median(compose_ms):.1f} ms per draft")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if args.verbose:
        for name, text in texts.items():
            print(f"\n===== {name}\n{text}")
        for r in rows:
            if r["borrowed"] or r["foreign"] or r["missing"] or r["errors"]:
                print(r)

    if args.before is not None:
        old_sheets = {k: {f: v for f, v in d.items() if f not in _OLD_FIELDS} for k, d in UNIT_SHEETS.items()}
        env = dict(os.environ, PYTHONPATH=str(args.before))
        proc = subprocess.run(
            [sys.executable, "-c", _BEFORE_SCRIPT, str(Path(tempfile.mkdtemp(prefix="bench-before-")))],
            input=json.dumps(old_sheets, ensure_ascii=False), capture_output=True, text=True, env=env, check=True,
        )
        old_texts = json.loads(proc.stdout)
        old_rows = measure(old_texts, {k: facts_from_data(v) for k, v in old_sheets.items()})
        print(f"\n## composer at {args.before} (same sheets without practices)\n")
        print(table(old_rows))
        if args.verbose:
            for r in old_rows:
                print(r["type"], [b.reason for b in r["borrowed"]][:5], r["foreign"])
    bad = sum(len(r["borrowed"]) + len(r["foreign"]) + len(r["missing"]) + len(r["errors"]) for r in rows)
    worst = max(r["shared"] for r in rows)
    print(f"\nverdict: {'PASS' if bad == 0 and worst <= 0.25 else 'FAIL'} (violations {bad}, worst shared share {worst:.0%})")
    return 0 if bad == 0 and worst <= 0.25 else 1


if __name__ == "__main__":
    raise SystemExit(main())
