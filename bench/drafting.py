"""Drafting benchmark: leave-one-out on the samples, composer speed, OpenAI parallelism.

    /work/venv/bin/python bench/drafting.py                 # all three parts
    /work/venv/bin/python bench/drafting.py --part loo      # leave-one-out only
    /work/venv/bin/python bench/drafting.py --part quality  # how drafts read on varied fact sheets
    /work/venv/bin/python bench/drafting.py --part speed    # composer full-draft time
    /work/venv/bin/python bench/drafting.py --part openai   # OpenAI backend vs a local server

Part 1 (leave-one-out): for each sample report a fact sheet is rebuilt from the
sample itself (unit/year from knowledge/reports/metadata.yaml; each count in it —
``乡科级正职领导干部*人`` — becomes a figure with an invented test value, 3, 4, 5 …;
its problems and plans sections become the sheet's problems and plans), then the
report is drafted by the composer with that sample excluded from retrieval
(``exclude_sources``). Reported: structure coverage (required elements present),
sample placeholders left (``*人`` …), missing-fact markers written, unsupported
numbers (figure findings; must be 0) and stale specifics (a sentence of 20+
characters copied from any sample that still carries a count, placeholder, place,
name or slogan of it; must be 0).

Part 2: composer full-draft time with a warm index (median of 5).

Part 3: the OpenAI backend against tests/openai_server.py on 127.0.0.1 streaming at
a fixed rate: full-draft wall time ÷ slowest single section drafted alone
(parallel efficiency, aim ≤ 1.3), time to the first streamed characters, and the
per-section overhead over the raw server time of the same answer.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "drafting"))

from drafting_factsheets import FULL
from openai_server import OpenAIServer, Reply

from drafter.checks import check_text
from drafter.checks.section import check_section
from drafter.drafting import DraftEngine, NullCallbacks, Outline, SectionDraft
from drafter.drafting.localise import specifics, split_sentences
from drafter.drafting.quality import (
    enumeration_problems,
    foreign_specifics,
    heading_echoes,
    odd_endings,
    repeated_sentences,
    user_texts,
)
from drafter.drafting.similarity import (
    NEAR_DUPLICATE,
    body_sentences,
    near_duplicate_pairs,
)
from drafter.facts.sheet import FactSheet, facts_from_data, load_facts
from drafter.kb.retrieval import open_retriever
from drafter.settings import BUNDLED_KB, Settings
from drafter.text.doctree import parse
from drafter.text.markers import MISSING_RE
from drafter.text.specs import assign_elements, load_spec

REPORTS = BUNDLED_KB / "reports"
_COUNT_RE = re.compile(r"([\u4e00-\u9fa5、（）]{2,18}?)([*＊]+|\d+)(人次|人|名|项)")
_PLACEHOLDER_RE = re.compile(r"[*＊]+(?:人次|人|名|项|个|期|批次)?|XX[\u4e00-\u9fa5]?|\*\*同志|\*\*局")


def facts_from_sample(path: Path, meta: dict[str, Any]) -> FactSheet:
    """A fact sheet rebuilt from one sample (placeholders → invented test values)."""
    text = path.read_text(encoding="utf-8")
    doc = parse(text)
    spec = load_spec("report")
    mapping = assign_elements(doc, spec)
    figures: list[dict[str, Any]] = []
    seen: set[str] = set()
    overview_text = "\n".join(p.text for p in doc.opening)
    for s in doc.sections:
        if mapping[id(s)] == "overview":
            overview_text += "\n" + "\n".join(p.text for p in s.all_paragraphs())
    for m in _COUNT_RE.finditer(overview_text):
        label = re.split(r"[，。；、（）]", m.group(1))[-1] or m.group(1)
        label = re.sub(r"^(?:共|其中|并|新|严格按程序|按程序)", "", label)
        if len(label) < 2 or label in seen:
            continue
        seen.add(label)
        unit = m.group(3)
        figures.append({"label": label, "value": 3 + len(figures), "unit": unit})

    def items(element: str) -> list[str]:
        out: list[str] = []
        for s in doc.sections:
            if mapping[id(s)] != element:
                continue
            for p in s.all_paragraphs():
                for sent in split_sentences(p.text):
                    sent = re.sub(r"^(?:[一二三四五六七八九十]+是|\d+[、.]|一方面|另一方面)", "", sent).strip()
                    if 6 <= len(sent) <= 60 and not _PLACEHOLDER_RE.search(sent) and not sent.startswith("下一步"):
                        out.append(sent.rstrip("。"))
        return out[:3]

    year = meta.get("year") or 2024
    return facts_from_data(
        {
            "unit": f"{meta.get('region') or '江源市'}某某测试局".replace("某某", "样例"),
            "org": "局党组",
            "year": year,
            "level": meta.get("unit_level"),
            "figures": figures,
            "problems": items("problems"),
            "plans": items("plans"),
        }
    )


def stale_sentences(draft_text: str, corpus: dict[str, str], facts: FactSheet) -> list[str]:
    allowed = (facts.unit, facts.org, facts.superior or "", facts.region or "")
    found = []
    for sentence in split_sentences(draft_text.replace("\n", "")):
        core = sentence.rstrip("。")
        if len(core) < 20:
            continue
        if any(core in text for text in corpus.values()) and specifics(core, allowed=allowed):
            found.append(core)
    return found


def part_loo(settings: Settings, retriever: Any) -> list[str]:
    meta = yaml.safe_load((REPORTS / "metadata.yaml").read_text(encoding="utf-8"))
    corpus = {p.name: p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*.txt"))}
    engine = DraftEngine(settings, section_check=check_section, retriever=retriever)
    rows = [
        (
            "| held out | figures | coverage | sample placeholders left | markers | unsupported numbers "
            "| stale specifics | from held-out sample | near-duplicate pairs | repeated sentences | foreign wording |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    totals = {"unsupported": 0, "stale": 0, "left": 0, "dup": 0}
    for name in corpus:
        facts = facts_from_sample(REPORTS / name, meta.get(name) or {})
        draft = engine.draft(facts, exclude_sources=[f"reports/{name}"])
        out = draft.text()
        result = check_text(out, facts=facts)
        required = [e for e in result.elements if e.required]
        present = sum(1 for e in required if e.status in ("present", "opening", "misordered"))
        placeholders = [f for f in result.findings if f.category == "placeholder"]
        markers = [f for f in placeholders if MISSING_RE.search(f.text or "")]
        left = len(placeholders) - len(markers)
        unsupported = [f for f in result.findings if f.category == "figure" and f.code == "figure-unsupported"]
        stale = stale_sentences(out, corpus, facts)
        held = sum(
            1 for src in (s for sec in draft.sections for s in sec.sources) if src.source == f"reports/{name}"
        )
        totals["unsupported"] += len(unsupported)
        totals["stale"] += len(stale)
        totals["left"] += left
        dups = near_duplicate_pairs(out, user_texts(facts))
        totals["dup"] += len(dups)
        foreign = foreign_specifics(out, facts)
        rows.append(
            f"| {name[:3]} | {len(facts.figures)} | {present}/{len(required)} | {left} | {len(markers)} "
            f"| {len(unsupported)} | {len(stale)} | {held} | {len(dups)} | {len(repeated_sentences(out))} "
            f"| {'、'.join(foreign) or 0} |"
        )
        for d in dups:
            print("NEAR-DUP", name[:3], f"{d.similarity:.2f}", d.first[:30], "|", d.second[:30], file=sys.stderr)
        for s in stale:
            print("STALE", name[:3], s, file=sys.stderr)
        for f in unsupported:
            print("UNSUPPORTED", name[:3], f.text, file=sys.stderr)
    rows.append(
        f"\nTotals: sample placeholders left {totals['left']}, unsupported numbers {totals['unsupported']}, "
        f"stale specifics {totals['stale']}, near-duplicate pairs {totals['dup']} "
        f"(mean {totals['dup'] / max(1, len(corpus)):.1f} per draft)."
    )
    return rows


def varied_sheets() -> dict[str, FactSheet]:
    """The tests' fact sheets plus a 县处级 sheet and the speech genre."""
    from drafting_factsheets import COUNTY, MINIMAL, OTHER, PERCENT, SPEECH

    sheets = {"full": FULL, "minimal": MINIMAL, "percent": PERCENT, "other": OTHER, "county": COUNTY, "speech": SPEECH}
    out = {name: facts_from_data(data) for name, data in sheets.items()}
    out["example"] = load_facts(ROOT / "examples" / "facts.yaml")
    return out


def part_quality(settings: Settings, retriever: Any) -> list[str]:
    """How the composer's drafts read: near-duplicates, repeats, foreign wording, lists, echoes."""
    engine = DraftEngine(settings, section_check=check_section, retriever=retriever)
    rows = [
        (
            "| fact sheet | sentences | near-duplicate pairs | repeated sentences (20+ chars) | foreign wording "
            "| list items out of range | heading echoes | odd endings |"
        ),
        "|---|---|---|---|---|---|---|---|",
    ]
    total = 0
    sheets = varied_sheets()
    for name, facts in sheets.items():
        out = engine.draft(facts).text()
        dups = near_duplicate_pairs(out, user_texts(facts))
        total += len(dups)
        for d in dups:
            print("NEAR-DUP", name, f"{d.similarity:.2f}", d.first[:30], "|", d.second[:30], file=sys.stderr)
        rows.append(
            f"| {name} | {len(body_sentences(out))} | {len(dups)} | {len(repeated_sentences(out))} "
            f"| {'、'.join(foreign_specifics(out, facts)) or 0} | {len(enumeration_problems(out))} "
            f"| {len(heading_echoes(out))} | {len(odd_endings(out))} |"
        )
    rows.append(
        f"\nNear-duplicate pairs (bigram Jaccard ≥ {NEAR_DUPLICATE:.2f} or containment ≥ 0.70): "
        f"{total} in {len(sheets)} drafts, mean {total / len(sheets):.1f} per draft."
    )
    return rows


def part_speed(settings: Settings, retriever: Any) -> list[str]:
    facts = facts_from_data(FULL)
    engine = DraftEngine(settings, section_check=check_section, retriever=retriever)
    engine.draft(facts)  # warm: jieba, embeddings, caches
    fresh: list[float] = []
    for _ in range(5):
        e = DraftEngine(settings, section_check=check_section, retriever=retriever)  # a new engine: no search cache
        t = time.perf_counter()
        e.draft(facts)
        fresh.append(time.perf_counter() - t)
    outline = engine.outline(facts)
    cached: list[float] = []
    for _ in range(5):
        t = time.perf_counter()
        engine.draft(facts, outline)
        cached.append(time.perf_counter() - t)
    return [
        (
            f"- composer full draft, warm index, new engine (outline + draft): "
            f"median {statistics.median(fresh):.2f} s (min {min(fresh):.2f}, max {max(fresh):.2f}, n=5)"
        ),
        (
            "- composer draft from an existing outline (the app's flow: outline shown, then drafted): "
            f"median {statistics.median(cached):.2f} s (n=5)"
        ),
    ]


class _Timer(NullCallbacks):
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.first_token: float | None = None
        self.start: dict[str, float] = {}
        self.done: dict[str, float] = {}
        self.lock = threading.Lock()

    def on_section_start(self, section_id: str, heading: str) -> None:
        with self.lock:
            self.start[section_id] = time.perf_counter()

    def on_token(self, section_id: str, text: str) -> None:
        with self.lock:
            if self.first_token is None and text.strip():
                self.first_token = time.perf_counter()

    def on_section_done(self, section: SectionDraft) -> None:
        with self.lock:
            self.done[section.id] = time.perf_counter()


def part_openai(settings: Settings, retriever: Any, *, chars: int = 240, chunk: int = 2, delay: float = 0.02) -> list[str]:
    answer = ("坚持好干部标准，严格执行干部选拔任用程序，落实“凡提四必”要求。" * 20)[:chars]

    def responder(body: dict[str, Any]) -> Reply:
        return Reply(answer, chunk_chars=chunk, token_delay=delay)

    facts = facts_from_data(FULL)
    with OpenAIServer(models=["bench-model"], responder=responder) as srv:
        # raw server time for one answer, streamed directly over HTTP
        raw: list[float] = []
        for _ in range(3):
            t = time.perf_counter()
            with httpx.stream(
                "POST", f"{srv.url}/chat/completions",
                json={"model": "bench-model", "stream": True, "messages": [{"role": "user", "content": "x"}]},
                timeout=60,
            ) as r:
                for _line in r.iter_lines():
                    pass
            raw.append(time.perf_counter() - t)
        raw_time = statistics.median(raw)

        base = Settings(
            home=settings.home, backend="openai", openai_base_url=srv.url, openai_model="bench-model",
            openai_timeout=60, max_concurrency=16,
        )
        engine = DraftEngine(base, section_check=check_section, retriever=retriever)
        outline = engine.outline(facts)
        engine.draft(facts, outline)  # warm the search cache and the client

        alone: dict[str, float] = {}
        for node in outline.sections:
            single = Outline(title=outline.title, genre=outline.genre, sections=[node], salutation=None)
            t = time.perf_counter()
            engine.draft(facts, single)
            alone[node.id] = time.perf_counter() - t
        slowest = max(alone.values())

        timer = _Timer()
        t = time.perf_counter()
        draft = engine.draft(facts, outline, callbacks=timer)
        wall = time.perf_counter() - t
        ttfc = (timer.first_token or t) - timer.t0
        per_section = [timer.done[s] - timer.start[s] for s in timer.done]
        overhead = statistics.median(per_section) - raw_time
        assert all(s.status == "ok" for s in draft.sections)
    return [
        (
            f"- server: {chars} characters per section, {chunk} characters per chunk every {delay * 1000:.0f} ms "
            f"→ raw server time per answer {raw_time:.2f} s (direct HTTP stream, median of 3)"
        ),
        f"- sections: {len(outline.sections)}, max_concurrency 16",
        (
            f"- full draft wall time {wall:.2f} s; slowest section drafted alone {slowest:.2f} s; "
            f"**ratio {wall / slowest:.2f}** (aim ≤ 1.3)"
        ),
        f"- time to first streamed characters: {ttfc:.2f} s",
        f"- overhead per section (start→done in the full draft, median) over raw server time: {overhead:.2f} s",
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=("loo", "quality", "speed", "openai", "all"), default="all")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home))
        t = time.perf_counter()
        retriever = open_retriever(settings)
        print(f"(index built in {time.perf_counter() - t:.1f} s)", file=sys.stderr)
        if args.part in ("loo", "all"):
            print("### Leave-one-out (composer)\n")
            print("\n".join(part_loo(settings, retriever)) + "\n")
        if args.part in ("quality", "all"):
            print("### How the composer's drafts read (varied fact sheets)\n")
            print("\n".join(part_quality(settings, retriever)) + "\n")
        if args.part in ("speed", "all"):
            print("### Composer speed\n")
            print("\n".join(part_speed(settings, retriever)) + "\n")
        if args.part in ("openai", "all"):
            print("### OpenAI backend against a local streaming server\n")
            print("\n".join(part_openai(settings, retriever)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
