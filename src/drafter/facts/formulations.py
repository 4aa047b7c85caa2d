"""The 规范提法库 as data: fixed formulations, rules in force, congress/plenum lines.

``knowledge/policies/formulations.yaml`` (bundled) and a unit's own list (uploaded in
知识库, same format, see :mod:`drafter.kb.unit_lists`) are read here and validated with
pydantic; :mod:`drafter.checks.formulations` holds text against them.

A unit's list may also carry ``terms:`` — 敏感表述 / 不规范说法 with the wording to use::

    terms:
      - {text: 一把手说了算, fix: 集体讨论决定, note: 干部任免须集体讨论决定}

Every entry has a ``source`` so that every finding can name where the right text comes from.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import ConfigError
from ..settings import BUNDLED_KB

__all__ = [
    "FORMULATIONS_PATH",
    "Clause",
    "CongressEvent",
    "Formulation",
    "FormulationLibrary",
    "RuleInForce",
    "Source",
    "Term",
    "Variant",
    "Years",
    "bundled_library",
    "load_library",
    "parse_library",
]

FORMULATIONS_PATH = BUNDLED_KB / "policies" / "formulations.yaml"
Severity = Literal["error", "warning", "info"]


def _date_text(v: Any) -> Any:
    if isinstance(v, (_dt.date, int)):
        return str(v)
    return v


class Source(BaseModel):
    """The published document a formulation comes from."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    issuer: str = Field(default="", description="Who issued it (中共中央, 中共中央办公厅 …)")
    date: str = Field(default="", description="YYYY, YYYY-MM or YYYY-MM-DD")

    _date = field_validator("date", mode="before")(classmethod(lambda cls, v: _date_text(v)))

    def cite(self) -> str:
        parts = [self.title] + [x for x in (self.issuer, self.date) if x]
        return parts[0] + (f"（{'，'.join(parts[1:])}）" if len(parts) > 1 else "")


class Years(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: int | None = Field(default=None, alias="from")
    end: int | None = Field(default=None, alias="to")

    def holds(self, year: int | None) -> bool:
        if year is None:
            return True
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)


class Clause(BaseModel):
    """A sentence formulation's clause: what finds it and the published wordings."""

    model_config = ConfigDict(extra="forbid")

    pattern: str = Field(min_length=2)
    accept: list[str] = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _regex(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as err:
            raise ValueError(f"正则表达式有误：{err}") from None
        return v

    @model_validator(mode="after")
    def _accepted_found(self) -> Clause:
        rx = re.compile(self.pattern)
        for a in self.accept:
            if not rx.search(a):
                raise ValueError(f"正确写法“{a}”不符合 pattern，查不到它")
        return self


class Variant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=2)
    kind: Literal["missing", "extra", "reordered", "word", "old"] = "word"
    note: str = ""


class Formulation(BaseModel):
    """One fixed formulation."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    text: str = ""
    items: list[str] = Field(default_factory=list)
    items_from: str | None = None
    suffix: str | None = None
    anchor: str | None = Field(default=None, description="The name a list stands next to (default: name).")
    clauses: list[Clause] = Field(default_factory=list)
    near: str | None = None
    wrong: list[Variant] = Field(default_factory=list)
    source: Source
    years: Years = Field(default_factory=Years)
    severity: Severity = "warning"
    checker: Literal["library", "builtin"] = "library"
    note: str = ""

    @field_validator("text", mode="before")
    @classmethod
    def _squash(cls, v: Any) -> Any:
        return re.sub(r"\s+", "", v) if isinstance(v, str) else v

    @property
    def right_text(self) -> str:
        return self.text or "、".join(self.items)

    def holds(self, year: int | None) -> bool:
        return self.years.holds(year)


class Term(BaseModel):
    """A 敏感表述 / 不规范说法 of a unit's list and the wording to use instead."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=2)
    fix: str = ""
    note: str = ""
    severity: Severity = "warning"
    source: Source | None = None


class RuleInForce(BaseModel):
    """A rule the report cites, its current title and the titles/years it replaced."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str = Field(pattern=r"^《.+》$")
    issuer: str = ""
    date: str = ""
    since: int
    superseded_years: list[int] = Field(default_factory=list)
    old_titles: list[str] = Field(default_factory=list)
    note: str = ""

    _date = field_validator("date", mode="before")(classmethod(lambda cls, v: _date_text(v)))

    def cite(self) -> str:
        return Source(title=self.title, issuer=self.issuer, date=self.date).cite()


class CongressEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    congress: int
    plenum: int = Field(ge=0)
    date: _dt.date


class FormulationLibrary(BaseModel):
    """A formulation list: the bundled library or a unit's own (``name`` says which)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="规范提法库", description="Named in every finding from this list.")
    formulations: list[Formulation] = Field(default_factory=list)
    terms: list[Term] = Field(default_factory=list)
    rules: list[RuleInForce] = Field(default_factory=list)
    congress: list[CongressEvent] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> FormulationLibrary:
        ids = [f.id for f in self.formulations]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"提法编号重复：{'、'.join(dup)}")
        for f in self.formulations:
            if f.checker == "library" and not (f.items and f.suffix) and not f.clauses and not f.items_from \
                    and not f.wrong:
                raise ValueError(f"提法“{f.name}”既无 items+suffix、clauses，也无 wrong，无法检查")
            right = f.right_text
            for w in f.wrong:
                if right and w.text == right:
                    raise ValueError(f"提法“{f.name}”的错误写法“{w.text}”与正确写法相同")
        self.congress.sort(key=lambda e: e.date)
        return self

    def resolve(self, phrases: dict[str, list[str]]) -> FormulationLibrary:
        """Fill ``items`` of entries that take them from a digest item (``items_from``)."""
        for f in self.formulations:
            if f.items_from and not f.items:
                if f.items_from not in phrases:
                    raise ValueError(f"提法“{f.name}”引用的政策条目“{f.items_from}”不存在或没有 phrases")
                f.items = list(phrases[f.items_from])
        return self

    # ---- the congress line of a year -----------------------------------------
    def held_by(self, year: int) -> list[CongressEvent]:
        """The congresses and plenums held by the end of ``year``."""
        return [e for e in self.congress if e.date.year <= year]

    def current_line(self, year: int) -> str | None:
        """「党的二十大和二十届四中全会精神」: what a report of ``year`` studies as its guide."""
        held = self.held_by(year)
        congresses = [e for e in held if e.plenum == 0]
        if not congresses:
            return None
        c = congresses[-1]
        plenums = [e for e in held if e.congress == c.congress and e.plenum > 0]
        # 一中全会 is the congress's own organising session: reports name the later ones
        plenums = [p for p in plenums if p.plenum > 1]
        if not plenums:
            return f"{c.name}精神"
        return f"{c.name}和{plenums[-1].name}精神"


def _digest_phrases(directory: Path) -> dict[str, list[str]]:
    import yaml

    out: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == FORMULATIONS_PATH.name:
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        for item in data.get("items") or [] if isinstance(data, dict) else []:
            if isinstance(item, dict) and item.get("id") and item.get("phrases"):
                out[str(item["id"])] = [str(p).strip() for p in item["phrases"]]
    return out


def parse_library(data: Any, *, name: str | None = None, phrases: dict[str, list[str]] | None = None) -> FormulationLibrary:
    """Validate already-parsed data (raises pydantic's ``ValidationError``)."""
    if not isinstance(data, dict):
        raise ValueError("提法清单应是一个映射（formulations: / terms: / rules:）")
    lib = FormulationLibrary.model_validate({**data, **({"name": name} if name and not data.get("name") else {})})
    return lib.resolve(phrases if phrases is not None else _digest_phrases(BUNDLED_KB / "policies"))


def load_library(path: Path = FORMULATIONS_PATH) -> FormulationLibrary:
    """Read and validate a library file (bundled data)."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return parse_library(data, phrases=_digest_phrases(Path(path).parent))
    except Exception as err:  # noqa: BLE001 — one message for any malformed file
        raise ConfigError(f"规范提法库 {Path(path).name} 格式有误：{err}") from err


@lru_cache(maxsize=4)
def bundled_library(path: str = str(FORMULATIONS_PATH)) -> FormulationLibrary:
    """The bundled library, read once per process (an absent file is an empty library)."""
    if not Path(path).exists():
        return FormulationLibrary()
    return load_library(Path(path))
