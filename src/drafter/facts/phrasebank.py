"""The drafting phrase bank: the stock phrasings the offline composer writes, as data.

``knowledge/phrasebank.yaml`` lists every fixed phrasing the composer may use (lead
sentences, practice sentences, connectives, the document frame), each with an ``id``
and a ``kind``. A phrase may carry ``{slot}`` placeholders (``{self}``, ``{org}``,
``{meeting}``, ``{cadres}``, ``{v}`` …) filled in from the unit's facts.

Readers:
- the composer writes from it (wording comes from here, facts from the sheet);
- 查重 and the review desk treat its fixed pieces as standard wording, like the
  canonical formulations (:func:`fixed_pieces`): two units using the same stock
  phrasing is 套话, not copying;
- the 事实依据表 names a sentence built on a phrase by the phrase's ``id``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from ..errors import ConfigError
from ..settings import BUNDLED_KB

__all__ = [
    "GENERATED_KINDS",
    "PHRASEBANK_PATH",
    "Phrase",
    "PhraseBank",
    "fixed_pieces",
    "load_phrase_bank",
    "phrase_bank",
    "phrase_text",
]

PHRASEBANK_PATH = BUNDLED_KB / "phrasebank.yaml"
_SLOT = re.compile(r"\{[^{}]*\}")
#: Kinds generated from the practice catalogue (:mod:`drafter.facts.phrasebank_build`); others are hand-written.
GENERATED_KINDS = ("lead", "practice", "definition")


class Phrase(BaseModel):
    """One stock phrasing."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="Stable id, e.g. lead.responsibility.1 or practice.fanti_sibi.count")
    kind: str = Field(description="lead / practice / connective / frame / marker …")
    text: str = Field(min_length=1, description="The phrasing; {slot}s are filled from the facts.")
    practice: str | None = Field(default=None, description="The 做法清单 id the phrase writes, if any.")
    unit_types: list[str] = Field(default_factory=list, description="Unit types it is for; empty = all.")


class PhraseBank(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phrases: list[Phrase] = Field(default_factory=list)

    def get(self, phrase_id: str) -> Phrase | None:
        return next((p for p in self.phrases if p.id == phrase_id), None)


def load_phrase_bank(path: Path = PHRASEBANK_PATH) -> PhraseBank:
    """Read and validate a phrase bank file (an absent file is an empty bank)."""
    if not Path(path).exists():
        return PhraseBank()
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # bundled data: libyaml when present
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
        bank = PhraseBank.model_validate(data or {})
    except Exception as err:  # noqa: BLE001 — one message for any malformed file
        raise ConfigError(f"短语库 {Path(path).name} 格式有误：{err}") from err
    ids = [p.id for p in bank.phrases]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ConfigError(f"短语库 {Path(path).name} 中编号重复：{'、'.join(dup)}")
    return bank


@lru_cache(maxsize=4)
def phrase_bank(path: str = str(PHRASEBANK_PATH)) -> PhraseBank:
    """The bundled phrase bank, read once per process."""
    return load_phrase_bank(Path(path))


def fixed_pieces(bank: PhraseBank | None = None, min_chars: int = 6) -> tuple[str, ...]:
    """The fixed text between slots of every phrase, at least *min_chars* long, longest first.

    These are standard wording for 查重 and the review desk.
    """
    bank = bank if bank is not None else phrase_bank()
    pieces = {
        piece.strip("，。；、：,. ")
        for p in bank.phrases
        for piece in _SLOT.split(p.text)
    }
    return tuple(sorted((x for x in pieces if len(x) >= min_chars), key=lambda s: (-len(s), s)))


def phrase_text(phrase_id: str, **slots: str) -> str:
    """The bundled bank's phrasing ``phrase_id`` with ``{slots}`` filled in (KeyError if absent)."""
    phrase = phrase_bank().get(phrase_id)
    if phrase is None:
        raise KeyError(f"短语库中没有“{phrase_id}”")
    return _SLOT.sub(lambda m: slots.get(m.group()[1:-1], m.group()), phrase.text)
