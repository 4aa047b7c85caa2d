"""Unit types and the practice catalogue, as data.

A unit type (``knowledge/units/<id>.yaml``) says who writes the report and in whose
words: the reporting body and its decision meeting, how the report refers to the
unit, the cadres and levels it reports on, the figure rows the form pre-fills, the
rules it cites, the words that do not belong in its reports and the practices that
apply. A new unit type is a new file; :func:`load_units` validates every file.

The practice catalogue (``knowledge/practices.yaml``) lists what a unit may have
done this year (做法清单), grouped into the report's parts (``direction``,
``procedure``, ``cultivation``, ``supervision``, ``rectification``) and their
paragraphs (``sub``), with how each is written up. :class:`Profile` is one sheet's
unit type with the placeholders filled in (``{self}``, ``{meeting}`` …).

>>> infer_unit_type("白沙县委", "县委常委会").unit_type
'local_committee'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import ConfigError
from ..settings import BUNDLED_KB

__all__ = [
    "CATALOGUE_PATH",
    "DEFAULT_UNIT_TYPE",
    "UNITS_DIR",
    "Authority",
    "Catalogue",
    "Definition",
    "Inference",
    "Part",
    "Practice",
    "Profile",
    "Sub",
    "UnitType",
    "catalogue",
    "infer_unit_type",
    "load_catalogue",
    "load_units",
    "merge_names",
    "signer_name",
    "policy_phrases",
    "profile_for",
    "split_levels",
    "unit_type",
    "unit_types",
]

UNITS_DIR = BUNDLED_KB / "units"
CATALOGUE_PATH = BUNDLED_KB / "practices.yaml"
DEFAULT_UNIT_TYPE = "organ"
_LEVEL_SPLIT = re.compile(r"[、，,/／;；\s]+")


class FigureRowSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1)
    unit: str = "人"


class SelfRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    match: str = Field(default="", description="Substring of unit/org; empty = fallback.")
    value: str = Field(min_length=1)


class Definition(BaseModel):
    """What the cited rule itself defines for a practice (凡提四必's four items, 公示期), with that rule."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, description="Written after the practice's sentence; {policy:ID} allowed.")
    rule: str = Field(min_length=1, description="The rule the definition comes from.")
    unit_types: list[str] = Field(
        default_factory=list, description="The unit types the rule governs (empty: every type that lists the practice)."
    )

    def applies(self, unit_type: str) -> bool:
        return not self.unit_types or unit_type in self.unit_types


#: the rule every report cites; the opening declares its short name 《条例》
SELECTION_REGULATION = "党政领导干部选拔任用工作条例"


class Authority(BaseModel):
    """What the reporting body decides itself and what it only recommends, and to whom.

    The draft never claims more: ``claims_forbidden`` are phrases it must not write
    (the benchmark and tests hold every draft to them).
    """

    model_config = ConfigDict(extra="forbid")
    match: str = Field(default="", description="Substring of unit/org; empty = fallback.")
    appoints: str = Field(min_length=1, description="Cadres it selects and appoints itself; {level} is filled in.")
    recommends: str = Field(default="", description="Cadres it only recommends (candidates).")
    recommends_to: str = Field(default="", description="Who decides on those it recommends.")
    managed_by_superior: str = Field(
        default="", description="Its own leaders, managed by the superior; {home} is the self-reference without 我."
    )
    claims_forbidden: list[str] = Field(default_factory=list)
    #: what the unit type's governing rule says of this authority, written after it when the sheet is developed
    rule: Definition | None = None


class UnitType(BaseModel):
    """One unit type, as its YAML file states it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    name: str = Field(description="Chinese name shown in the app, e.g. 国有企业.")
    description: str = ""
    infer: list[str] = Field(default_factory=list, description="Regexes over unit/org that imply this type.")
    priority: int = Field(default=0, description="Higher types are tried first when inferring.")
    reporting_body: str = Field(description="The usual reporting body (局党组 / 县委常委会 …).")
    decision_meeting: str = Field(description="The meeting that decides appointments, for the profile.")
    meeting: str = Field(description="How the text names the meeting; {org}, {committee} are filled in.")
    self_reference: list[SelfRef] = Field(min_length=1)
    cadres: str = Field(default="干部", description="How the text names the cadres reported on.")
    cadre_categories: list[str] = Field(default_factory=list)
    levels: list[str] = Field(min_length=1)
    default_level: str
    mission: str = Field(description="The opening's closing purpose; {unit}, {place} are filled in.")
    signer_prefix: str = ""
    rules: list[str] = Field(min_length=1, description="Rule titles to cite, the primary first.")
    required_counts: list[str] = Field(default_factory=list, description="Overview groups demanded when absent.")
    count_labels: dict[str, str] = Field(
        default_factory=lambda: {"select": "提拔领导干部", "rank": "职级晋升"},
        description="How the overview names a required count group when demanding it.",
    )
    forbidden: list[str] = Field(default_factory=list, description="Words that do not belong in its reports.")
    figure_rows: dict[str, list[FigureRowSpec]] = Field(default_factory=dict)
    practices: list[str] = Field(default_factory=list)
    title: str = Field(
        default="{unit}{year}年度干部选拔任用工作报告", description="The report's title; {unit} {year} {signer}."
    )
    authority: list[Authority] = Field(min_length=1, description="Appoints / recommends, first match wins.")

    @model_validator(mode="after")
    def _check(self) -> UnitType:
        for pattern in self.infer:
            try:
                re.compile(pattern)
            except re.error as err:
                raise ValueError(f"infer 规则“{pattern}”不是有效的正则表达式：{err}") from None
        if self.default_level not in self.levels:
            raise ValueError(f"default_level “{self.default_level}”不在 levels 中")
        unknown = set(self.figure_rows) - set(self.levels)
        if unknown:
            raise ValueError(f"figure_rows 中的层级不在 levels 中：{'、'.join(sorted(unknown))}")
        return self


class Sub(BaseModel):
    """One paragraph (（一）…) of a part."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    leads: list[str] = Field(min_length=1, description="Topic phrases, one is picked per version.")
    keywords: list[str] = Field(default_factory=list)


class Part(BaseModel):
    """One practices part of the report (二、…)."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    short: str
    subs: list[Sub] = Field(min_length=1)

    def sub(self, sub_id: str) -> Sub | None:
        return next((s for s in self.subs if s.id == sub_id), None)


class CountSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit: str = "人"
    label: str = ""


class Practice(BaseModel):
    """One entry of the 做法清单."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    part: str
    sub: str
    count: CountSpec | None = None
    write: str = Field(min_length=1)
    write_count: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    writes: dict[str, str] = Field(default_factory=dict)
    writes_count: dict[str, str] = Field(default_factory=dict)
    definition: Definition | None = None

    def label_for(self, unit_type: str) -> str:
        return self.labels.get(unit_type, self.label)


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    parts: list[Part]
    practices: list[Practice] = Field(min_length=40)

    @model_validator(mode="after")
    def _check(self) -> Catalogue:
        ids: set[str] = set()
        for p in self.practices:
            if p.id in ids:
                raise ValueError(f"做法编号“{p.id}”重复")
            ids.add(p.id)
            part = self.part(p.part)
            if part is None or part.sub(p.sub) is None:
                raise ValueError(f"做法“{p.id}”的 part/sub（{p.part}/{p.sub}）不存在")
            if "{v}" in p.write or (p.write_count and "{v}" not in p.write_count):
                raise ValueError(f"做法“{p.id}”：{{v}} 只能且必须出现在 write_count 中")
        return self

    def part(self, part_id: str) -> Part | None:
        return next((p for p in self.parts if p.id == part_id), None)

    def practice(self, practice_id: str) -> Practice | None:
        return next((p for p in self.practices if p.id == practice_id), None)

    def sub_of(self, practice: Practice) -> tuple[Part, Sub]:
        part = self.part(practice.part)
        if part is None:
            raise KeyError(practice.part)
        sub = part.sub(practice.sub)
        if sub is None:
            raise KeyError(practice.sub)
        return part, sub


#: The product's own data files are trusted: libyaml's safe loader where installed (5× faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 — a safe loader
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"无法读取 {path}：{err}") from None


@lru_cache(maxsize=8)
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """The practice catalogue (validated)."""
    try:
        return Catalogue.model_validate(_read(path))
    except ValidationError as err:
        raise ConfigError(f"做法清单 {path} 有误：{err}") from None


def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE_PATH)


@lru_cache(maxsize=8)
def load_units(directory: Path = UNITS_DIR) -> dict[str, UnitType]:
    """Every unit type in ``directory`` (one file each), validated; ids match file names."""
    out: dict[str, UnitType] = {}
    known = {p.id for p in load_catalogue(CATALOGUE_PATH).practices}
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            unit = UnitType.model_validate(_read(path))
        except ValidationError as err:
            raise ConfigError(f"单位类型文件 {path.name} 有误：{err}") from None
        if unit.id != path.stem:
            raise ConfigError(f"单位类型文件 {path.name} 的 id 应为“{path.stem}”")
        missing = [p for p in unit.practices if p not in known]
        if missing:
            raise ConfigError(f"单位类型文件 {path.name} 引用了做法清单中没有的做法：{'、'.join(missing)}")
        out[unit.id] = unit
    if DEFAULT_UNIT_TYPE not in out:
        raise ConfigError(f"{directory} 中缺少默认单位类型 {DEFAULT_UNIT_TYPE}.yaml")
    return out


def unit_types() -> dict[str, UnitType]:
    return load_units(UNITS_DIR)


def unit_type(type_id: str | None) -> UnitType:
    """The unit type ``type_id`` (the default type for None); ConfigError naming the choices."""
    units = unit_types()
    if type_id is None:
        return units[DEFAULT_UNIT_TYPE]
    if type_id not in units:
        raise ConfigError(f"没有单位类型“{type_id}”，可选：{'、'.join(units)}")
    return units[type_id]


@dataclass(frozen=True)
class Inference:
    unit_type: str
    reason: str  # Chinese, for the writer: 根据“白沙县委”中的“县委”推断


def infer_unit_type(unit: str, org: str = "") -> Inference:
    """The unit type a unit and reporting body imply (``organ`` when nothing matches)."""
    names = [unit or "", org or ""]
    for ut in sorted(unit_types().values(), key=lambda u: -u.priority):
        for pattern in ut.infer:
            for name in names:
                m = re.search(pattern, name)
                if m:
                    return Inference(ut.id, f"根据“{name}”中的“{m.group()}”推断为{ut.name}")
    default = unit_types()[DEFAULT_UNIT_TYPE]
    return Inference(default.id, f"单位名称未显示其他类型，按{default.name}处理")


def split_levels(level: str | None) -> list[str]:
    """``县处级、乡科级`` → ``["县处级", "乡科级"]`` (order kept, blanks dropped)."""
    return [x for x in _LEVEL_SPLIT.split(level or "") if x]


@lru_cache(maxsize=1)
def _policies() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in sorted((BUNDLED_KB / "policies").glob("*.yaml")):
        data = _read(path) or {}
        for item in data.get("items") or []:
            if item.get("id") and item.get("phrases"):
                out[str(item["id"])] = [str(p) for p in item["phrases"]]
    return out


def policy_phrases(policy_id: str) -> list[str]:
    """The canonical phrases of a policy digest item (KeyError if it has none)."""
    return list(_policies()[policy_id])


_POLICY_RE = re.compile(r"\{policy:([a-z_]+)\}")


def merge_names(unit: str, org: str) -> str:
    """``江源市水务局`` + ``局党组`` → ``江源市水务局党组`` (the overlap written once)."""
    if not org:
        return unit
    if org.startswith(unit) or unit.endswith(org):
        return org if org.startswith(unit) else unit
    for n in range(min(len(unit), len(org)), 0, -1):
        if unit.endswith(org[:n]):
            return unit + org[n:]
    return unit + org


@dataclass(frozen=True)
class Profile:
    """A unit type applied to one sheet: every placeholder resolved."""

    type: UnitType
    unit: str
    org: str
    self_ref: str
    meeting: str
    superior: str
    place: str
    signer: str
    authority: Authority

    @property
    def cadres(self) -> str:
        return self.type.cadres

    def title(self, year: int, signer: str | None = None) -> str:
        """The report's title in the unit type's form."""
        return self.type.title.format(unit=self.unit, year=year, signer=signer or self.signer)

    def authority_sentence(self, level: str | None = None, *, managed: bool = True) -> str:
        """``县委常委会按照干部管理权限，负责乡科级领导干部的选拔任用，向市委推荐县处级领导干部人选`` (no end stop);
        ``managed=False`` leaves out who manages the unit's own 领导班子 (:meth:`managed_sentence`)."""
        from .phrasebank import phrase_text

        a = self.authority
        appoints = a.appoints.replace("{level}", level or self.type.default_level)
        text = phrase_text("frame.authority", org=self.org, appoints=appoints)
        if a.recommends and a.recommends_to:
            text += phrase_text("frame.authority.recommends", to=a.recommends_to, recommends=a.recommends)
        if managed and self.managed_sentence():
            text += "；" + self.managed_sentence()
        return text

    def managed_sentence(self) -> str:
        """``校领导班子成员由上级党组织管理`` (no end stop), or "" when the unit manages its own."""
        from .phrasebank import phrase_text

        a = self.authority
        if not a.managed_by_superior:
            return ""
        home = self.self_ref.removeprefix("我")  # 我校 → 校, 学院, 集团, 我公司 → 公司
        return phrase_text("frame.authority.superior", managed=a.managed_by_superior.replace("{home}", home))

    def fill(self, template: str, value: str | None = None) -> str:
        """``template`` with {self}, {org}, {meeting}, {cadres}, {superior}, {unit}, {place}, {v}, {policy:ID}."""
        text = _POLICY_RE.sub(lambda m: "、".join(policy_phrases(m.group(1))), template)
        values = {
            "self": self.self_ref, "org": self.org, "meeting": self.meeting, "cadres": self.cadres,
            "superior": self.superior, "unit": self.unit, "place": self.place, "v": value or "",
        }
        return re.sub(r"\{([a-z]+)\}", lambda m: values.get(m.group(1), m.group(0)), text)

    def rules_cited(self) -> str:
        """``《国有企业领导人员管理规定》和《干部选拔任用工作监督检查和责任追究办法》``."""
        names = [f"《{r}》" + ("（以下简称《条例》）" if r == SELECTION_REGULATION else "") for r in self.type.rules[:2]]
        return "和".join(names)

    def rule_citation(self, rule: str) -> str:
        """How a definition's sentence cites its rule: ``按照《条例》，`` (declared in the opening),
        ``按照《…》，`` (the first title the rule names), or ``按照有关规定，``."""
        m = re.search(r"《([^《》]+)》", rule)
        if m is None:
            return "按照有关规定，"
        if m.group(1) == SELECTION_REGULATION and SELECTION_REGULATION in self.type.rules[:2]:
            return "按照《条例》，"
        return f"按照《{m.group(1)}》，"

    def practices(self) -> list[Practice]:
        cat = catalogue()
        return [p for p in (cat.practice(i) for i in self.type.practices) if p is not None]

    def describe(self) -> str:
        """The profile block of a model prompt."""
        t = self.type
        return "\n".join([
            f"单位类型：{t.name}（{t.description}）",
            f"报告主体：{self.org}；讨论决定干部任免的会议：{self.meeting}",
            f"自称：{self.self_ref}（不要用其他单位的自称）",
            f"报告的干部：{'、'.join(t.cadre_categories) or t.cadres}；层级：{'、'.join(t.levels)}",
            f"依据的主要规定：{'、'.join('《' + r + '》' for r in t.rules)}",
            f"本类单位报告中不应出现的词：{'、'.join(t.forbidden) or '（无）'}",
        ])


def signer_name(unit: str, org: str) -> str:
    """The 落款 body: ``江源大学`` + ``校党委`` → ``江源大学党委``; ``白沙县委`` + ``县委常委会`` → ``白沙县委``."""
    for body in ("党组", "党委", "党工委"):
        if org.endswith(body):
            base = re.sub(r"(?:党组|党委|党工委)$", "", unit)
            return base + body
    if unit.endswith("委") or unit.endswith("委员会"):
        return unit
    return merge_names(unit, org)


def _place(unit: str) -> str:
    s = re.sub(r"^(?:中共|中国共产党)", "", unit)
    s = re.sub(r"(?:委员会|党委|党工委|委)$", "", s)
    return s or unit


def _committee(org: str, unit: str) -> str:
    name = org.removesuffix("常委会") or unit
    return name


def profile_for(ut: UnitType, unit: str, org: str, superior: str | None = None) -> Profile:
    names = unit + " " + org
    self_ref = next(s.value for s in ut.self_reference if s.match in names)
    place = _place(unit)
    meeting = ut.meeting.replace("{committee}", _committee(org, unit)).replace("{org}", org)
    merged = signer_name(unit, org)
    if ut.signer_prefix and not merged.startswith(ut.signer_prefix):
        merged = ut.signer_prefix + merged
    authority = next(a for a in ut.authority if a.match in names)
    return Profile(
        type=ut, unit=unit, org=org, self_ref=self_ref, meeting=meeting,
        superior=superior or "上级组织部门", place=place, signer=merged, authority=authority,
    )
