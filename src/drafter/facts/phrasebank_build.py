"""The phrase bank's generated part: the catalogue's leads, practice templates and definitions.

    python -m drafter.facts.phrasebank_build    # rewrites knowledge/phrasebank.yaml

Hand-written entries (frame, connective) are kept as they are; the rest is generated
from ``knowledge/practices.yaml``, so the bank always holds every stock phrase the
composer can write (a test compares the file with :func:`render_bank`).
"""

from __future__ import annotations

import yaml

from .phrasebank import (
    GENERATED_KINDS,
    PHRASEBANK_PATH,
    Phrase,
    PhraseBank,
    load_phrase_bank,
    phrase_bank,
)
from .units import catalogue

__all__ = ["catalogue_phrases", "render_bank"]


def catalogue_phrases() -> list[Phrase]:
    """The catalogue's leads, practice templates and definitions as phrases (the generated part)."""
    cat = catalogue()
    out: list[Phrase] = []
    for part in cat.parts:
        for sub in part.subs:
            for n, lead in enumerate(sub.leads, start=1):
                out.append(Phrase(id=f"lead.{sub.id}.{n}", kind="lead", text=lead))
    for p in cat.practices:
        out.append(Phrase(id=f"practice.{p.id}", kind="practice", practice=p.id, text=p.write))
        if p.write_count:
            out.append(Phrase(id=f"practice.{p.id}.count", kind="practice", practice=p.id, text=p.write_count))
        for ut, text in p.writes.items():
            out.append(Phrase(id=f"practice.{p.id}.{ut}", kind="practice", practice=p.id, unit_types=[ut], text=text))
        for ut, text in p.writes_count.items():
            out.append(
                Phrase(id=f"practice.{p.id}.{ut}.count", kind="practice", practice=p.id, unit_types=[ut], text=text)
            )
        if p.definition is not None:
            out.append(Phrase(
                id=f"definition.{p.id}", kind="definition", practice=p.id, unit_types=list(p.definition.unit_types),
                text=p.definition.text,
            ))
    return out


_HEADER = """# 短语库 (phrase bank): the stock phrasings the offline composer writes, as data.
# Wording only, never facts: {slots} are filled from the unit's fact sheet.
# 查重 and the review desk treat the fixed pieces as standard wording (套话), not copying.
# Schema and readers: src/drafter/facts/phrasebank.py. Wording is the project's own.
# lead / practice / definition entries are generated from knowledge/practices.yaml:
#   python -m drafter.facts.phrasebank_build        (rewrites this file; frame/connective entries are kept)
"""


def render_bank(bank: PhraseBank | None = None) -> str:
    """The bank file's text: the hand-written entries of ``bank`` (default: the bundled one), then the catalogue's."""
    bank = bank if bank is not None else load_phrase_bank()
    kept = [p for p in bank.phrases if p.kind not in GENERATED_KINDS]
    phrases = kept + catalogue_phrases()
    data = {"phrases": [p.model_dump(exclude_defaults=True) | {"id": p.id, "kind": p.kind} for p in phrases]}
    ordered = {"phrases": [{k: d[k] for k in ("id", "kind", "practice", "unit_types", "text") if k in d}
                           for d in data["phrases"]]}
    return _HEADER + yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=200)


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    PHRASEBANK_PATH.write_text(render_bank(), encoding="utf-8")
    phrase_bank.cache_clear()
    print(f"wrote {PHRASEBANK_PATH} ({len(load_phrase_bank().phrases)} phrases)")
