"""Time the 事实依据表 matcher: ``python bench/basis.py [FACTS.yaml]``.

Builds a :class:`~drafter.drafting.basis.BasisMatcher` for a fact sheet (the drafting
tests' full sheet by default) and gives every sentence of the five bundled sample
reports its basis; prints set-up time, sentences and time per sentence.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "drafting"))

from drafter.drafting.basis import BasisMatcher  # noqa: E402
from drafter.facts.sheet import facts_from_data, load_facts  # noqa: E402
from drafter.settings import REPO_ROOT  # noqa: E402


def main() -> None:
    if len(sys.argv) > 1:
        facts = load_facts(sys.argv[1])
    else:
        from drafting_factsheets import FULL

        facts = facts_from_data(FULL)
    t0 = time.perf_counter()
    matcher = BasisMatcher(facts)
    t1 = time.perf_counter()
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO_ROOT / "knowledge" / "reports").glob("*.txt"))]
    rows = [r for t in texts for r in matcher.document(t)]
    t2 = time.perf_counter()
    chars = sum(len(t) for t in texts)
    print(f"set-up {t1 - t0:.2f} s; {len(rows)} sentences ({chars} characters) in {t2 - t1:.2f} s "
          f"= {1000 * (t2 - t1) / max(1, len(rows)):.1f} ms per sentence")


if __name__ == "__main__":
    main()
