"""Warm `drafter draft` wall time, on the machine as it is and with one core kept busy.

    /work/venv/bin/python bench/draft_speed.py [--runs 3] [--home DIR]

Builds the bundled knowledge base into a temporary DRAFTER_HOME (or uses ``--home``,
already indexed), then times ``python -m drafter draft examples/facts.yaml -o …`` as a
user runs it (a new process each time: imports, model load, BM25 load, outline,
nine sections, checks), ``--runs`` times without and with another process spinning
on one core (``python -c 'while True: pass'``). Also counts the embedding engine
calls one draft makes (in process).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAFTER_")}
    env.update(DRAFTER_HOME=str(home), PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    return env


def _draft(home: Path) -> float:
    out = home / "out.md"
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "drafter", "draft", "examples/facts.yaml", "-o", str(out)],
        cwd=ROOT, env=_env(home), check=True, capture_output=True,
    )
    return time.perf_counter() - t


def engine_calls(home: Path) -> tuple[int, int]:
    os.environ.update(_env(home))
    from drafter.checks.section import check_section
    from drafter.drafting import DraftEngine
    from drafter.facts.sheet import load_facts
    from drafter.kb import embedding
    from drafter.settings import Settings

    engine = DraftEngine(Settings(), section_check=check_section)
    facts = load_facts(ROOT / "examples" / "facts.yaml")
    before = embedding.engine_calls()
    outline = engine.outline(facts)
    mid = embedding.engine_calls()
    engine.draft(facts, outline)
    return mid - before, embedding.engine_calls() - mid


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--home", type=Path)
    args = ap.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="drafter-draft-speed-")) / "home"
    if not (home / "index").exists():
        subprocess.run([sys.executable, "-m", "drafter", "index"], cwd=ROOT, env=_env(home), check=True,
                       capture_output=True)
    _draft(home)  # warm the page cache
    idle = [_draft(home) for _ in range(args.runs)]
    busy_proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(1)
        busy = [_draft(home) for _ in range(args.runs)]
    finally:
        busy_proc.kill()
        busy_proc.wait()
    i, b = statistics.median(idle), statistics.median(busy)
    print(f"warm `drafter draft examples/facts.yaml -o out.md`, median of {args.runs}: "
          f"as is {i:.2f} s (runs {', '.join(f'{x:.2f}' for x in idle)}), "
          f"one core busy {b:.2f} s (runs {', '.join(f'{x:.2f}' for x in busy)}); busy/idle {b / i:.2f}")
    o, d = engine_calls(home)
    print(f"embedding engine calls: outline {o}, sections {d}")


if __name__ == "__main__":
    main()
