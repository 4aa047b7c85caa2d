"""The fact sheet: this year's figures and highlights, as the writer entered them.

One YAML file drives checking (every count in a draft must match an entered
figure) and drafting (every figure is stated, nothing else is invented)::

    unit: 广州市交通运输局        # required
    org: 局党组                    # required: the reporting body
    year: 2025                     # required
    unit_type: organ               # optional: inferred from unit/org when absent
    level: 乡科级                  # the type's levels, or several: 县处级、乡科级
    figures:
      - {label: 提拔正科级领导干部, value: 4, unit: 人}
    highlights:
      - {text: 开展“墩苗”计划，选派6名年轻干部到基层挂职, section: practices}
    problems: [...]
    plans: [...]
    rectification:                 # last year's feedback and what was done; source defaults to 一报告两评议
      - 针对干部交流力度不够的问题，制定交流轮岗计划
      - {text: 补齐3名干部档案材料, source: 选人用人专项检查}
    no_prior_feedback: false       # true: 上年度无反馈问题 (only then is an empty 整改 part not a gap)
    practices:                     # the 做法清单 items ticked (knowledge/practices.yaml)
      - {id: fanti_sibi, value: 8, note: 全部实行“双签字”}
    signer: 中共广州市交通运输局党组   # 落款 (optional: derived from unit/org)
    date: 2026-01-10               # 成文日期 (optional)

Invalid input raises :class:`~drafter.errors.FactSheetError` whose problems are in
Chinese and name the field (``figures[2].value``) and what to do.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import FactSheetError
from ..text.safe_yaml import check_yaml_file, load_yaml
from .feedback import Appraisal, FeedbackItem, appraisal_facts, put_answers, take_answers

__all__ = [
    "Figure",
    "Highlight",
    "RECTIFICATION_SOURCES",
    "Rectification",
    "PracticeItem",
    "FactSheet",
    "COUNT_UNITS",
    "load_facts",
    "parse_facts",
    "facts_from_data",
    "validation_problems",
    "FIELD_LABELS",
]

#: Units a count may carry in the text (the checker looks for numbers followed by these).
COUNT_UNITS = ("人次", "人", "名", "项", "个", "期", "家", "次", "批", "%")

#: Chinese names of the fact-sheet fields, for messages and forms.
FIELD_LABELS = {
    "unit": "单位名称",
    "org": "报告主体",
    "year": "年度",
    "level": "干部层级",
    "superior": "上级组织部门",
    "region": "所在地区",
    "genre": "文种",
    "figures": "数据",
    "label": "名称",
    "value": "数值",
    "highlights": "工作亮点",
    "problems": "存在问题",
    "plans": "下一步打算",
    "rectification": "上年度评议整改情况",
    "feedback": "上年度反馈问题",
    "rectification_answers": "整改对应的反馈",
    "appraisal": "民主评议结果",
    "text": "内容",
    "section": "所属部分",
    "unit_type": "单位类型",
    "practices": "做法清单",
    "id": "做法",
    "note": "说明",
    "signer": "落款",
    "source": "来源",
    "no_prior_feedback": "上年度无反馈问题",
    "date": "成文日期",
}


class Figure(BaseModel):
    """One entered count: ``{label: 提拔正科级领导干部, value: 4, unit: 人}``."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, description="How the text names the count.")
    value: float = Field(description="The count (whole number) or a percentage.")
    unit: str = Field(default="人", description="人 / 名 / 人次 / 项 / 个 / 期 / 家 / 次 / 批 / %")
    key: str | None = Field(default=None, description="Stable id; derived from the position if omitted.")
    section: str | None = Field(
        default=None, description="The part it belongs to (problems: written there as a shortfall); else placed by label."
    )

    @field_validator("section", mode="before")
    @classmethod
    def _section(cls, v: Any) -> Any:
        return (v.strip() or None) if isinstance(v, str) else v

    @field_validator("label", "unit", mode="before")
    @classmethod
    def _strip(cls, v: Any) -> Any:
        return v.strip() if isinstance(v, str) else v

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, v: Any) -> Any:
        if isinstance(v, bool):
            raise ValueError("应填写数字")
        if isinstance(v, str):
            s = v.strip().rstrip("%％人名次项个")
            try:
                number = float(s)
            except ValueError:
                raise ValueError(f"“{v}”不是数字，请填写阿拉伯数字") from None
            if not math.isfinite(number):
                raise ValueError(f"“{v}”不是数字，请填写阿拉伯数字")
            return number
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError("应填写数字")
        return v

    @model_validator(mode="after")
    def _range(self) -> Figure:
        if self.value < 0:
            raise ValueError(f"“{self.label}”的数值不能为负数（填写的是{_fmt(self.value)}）")
        if self.unit in ("%", "％"):
            self.unit = "%"
            if self.value > 100:
                raise ValueError(f"“{self.label}”是百分比，不能超过100（填写的是{_fmt(self.value)}）")
        elif self.value != int(self.value):
            raise ValueError(f"“{self.label}”是人数或次数，应为整数（填写的是{_fmt(self.value)}）")
        return self

    @property
    def text_value(self) -> str:
        """The value as written in a report: ``4`` or ``37.5``."""
        return _fmt(self.value)

    @property
    def phrase(self) -> str:
        """``4人`` / ``37.5%``."""
        return f"{self.text_value}{self.unit}"


class Highlight(BaseModel):
    """A highlight of the year, optionally tied to a spec element (``practices`` …)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    section: str | None = None

    @field_validator("text", mode="before")
    @classmethod
    def _strip(cls, v: Any) -> Any:
        return v.strip() if isinstance(v, str) else v


#: Where last year's feedback came from; the first is the default.
RECTIFICATION_SOURCES = ("一报告两评议", "选人用人专项检查", "巡视巡察")


class Rectification(BaseModel):
    """One item of last year's feedback and its rectification: ``{text, source}``.

    A plain string is an item from the “一报告两评议” (the default source). Kept small
    so it can grow (a link to the feedback it answers).
    """

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="What was rectified, in the writer's words.")
    source: str = Field(default=RECTIFICATION_SOURCES[0], description="一报告两评议 / 选人用人专项检查 / 巡视巡察")

    @field_validator("text", "source", mode="before")
    @classmethod
    def _strip(cls, v: Any) -> Any:
        return v.strip() if isinstance(v, str) else v

    @field_validator("source")
    @classmethod
    def _known_source(cls, v: str) -> str:
        if not v:
            return RECTIFICATION_SOURCES[0]
        for known in RECTIFICATION_SOURCES:
            if v == known or v.replace("“", "").replace("”", "") == known:
                return known
        if "巡视" in v or "巡察" in v:
            return "巡视巡察"
        if "专项检查" in v:
            return "选人用人专项检查"
        raise ValueError(f"整改来源“{v}”不认识，可选：{'、'.join(RECTIFICATION_SOURCES)}")

    def __str__(self) -> str:
        return self.text


class PracticeItem(BaseModel):
    """A ticked entry of the 做法清单: ``{id: fanti_sibi, value: 8, note: …}``."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="The catalogue id (knowledge/practices.yaml).")
    value: float | None = Field(default=None, description="The count, in the catalogue's unit.")
    note: str | None = Field(default=None, description="The writer's own words about it.")

    @field_validator("id", mode="before")
    @classmethod
    def _strip_id(cls, v: Any) -> Any:
        return v.strip() if isinstance(v, str) else v

    @field_validator("note", mode="before")
    @classmethod
    def _strip_note(cls, v: Any) -> Any:
        if isinstance(v, str):
            return v.strip() or None
        return v

    @field_validator("value", mode="before")
    @classmethod
    def _count(cls, v: Any) -> Any:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        return Figure._number(v)

    @model_validator(mode="after")
    def _known(self) -> PracticeItem:
        from .units import catalogue

        if catalogue().practice(self.id) is None:
            raise ValueError(f"做法清单中没有“{self.id}”")
        if self.value is not None and (self.value < 0 or self.value != int(self.value)):
            raise ValueError(f"做法“{self.id}”的数量应为非负整数（填写的是{_fmt(self.value)}）")
        return self

    @property
    def practice(self) -> Any:
        from .units import catalogue

        return catalogue().practice(self.id)

    def phrase(self) -> str:
        """``4人`` (with the catalogue's unit), or "" without a count."""
        if self.value is None:
            return ""
        count = self.practice.count
        return f"{_fmt(self.value)}{count.unit if count else '人'}"

    def fact_text(self, unit_type: str | None = None) -> str:
        """The item as the writer stated it: label, count and note (numbers in it count as facts)."""
        p = self.practice
        label = (p.count.label if p.count and p.count.label and self.value is not None else p.label_for(unit_type or ""))
        text = label + self.phrase()
        return text + (f"：{self.note}" if self.note else "")


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _as_highlight(v: Any) -> Any:
    if isinstance(v, str):
        return {"text": v}
    return v


_LINE_BREAKS = re.compile(r"\s*[\r\n\x0b\x0c\x85\u2028\u2029]+\s*")
# C0/C1 controls (NUL, ESC …) and the bidirectional overrides and isolates (RLO …)
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff]")
#: Entries in one list of the sheet (problems, plans …): a report names a handful.
MAX_LIST_ITEMS = 100


def _join_break(match: re.Match[str]) -> str:
    text = match.string
    before, after = text[match.start() - 1: match.start()], text[match.end(): match.end() + 1]
    return " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""


def clean_field(value: str) -> str:
    """One line of text as the draft may carry it: control characters, bidi overrides and
    lone surrogates dropped, a line break joined (a newline could start a fake 「（一）」 heading)."""
    value = _INVISIBLE.sub("", value)
    value = _LINE_BREAKS.sub(_join_break, value)
    return "".join(c for c in value if not "\ud800" <= c <= "\udfff").replace("\t", " ")


def _clean_all(value: Any) -> Any:
    if isinstance(value, str):
        return clean_field(value)
    if isinstance(value, list):
        return [_clean_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_all(v) for k, v in value.items()}
    return value


class FactSheet(BaseModel):
    """Everything the writer entered for one report."""

    model_config = ConfigDict(extra="forbid")

    unit: str = Field(min_length=1, description="The reporting organ, e.g. 广州市交通运输局.")
    org: str = Field(min_length=1, description="The reporting body, e.g. 局党组.")
    year: int = Field(ge=1990, le=2100, description="The year reported on.")
    unit_type: str | None = Field(default=None, description="organ / local_committee / township / soe / university / institution")
    level: str | None = Field(default=None, description="乡科级 / 县处级 / 县处级、乡科级 … (kept as entered)")
    superior: str | None = None
    region: str | None = None
    genre: str = "report"
    figures: list[Figure] = Field(default_factory=list)
    highlights: list[Highlight] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    plans: list[str] = Field(default_factory=list)
    rectification: list[Rectification] = Field(default_factory=list)
    no_prior_feedback: bool = Field(
        default=False, description="上年度无反馈问题: the writer says there was nothing to rectify."
    )
    practices: list[PracticeItem] = Field(default_factory=list)
    signer: str | None = Field(default=None, description="落款; derived from unit and org when absent.")
    date: _dt.date | None = Field(default=None, description="成文日期, e.g. 2026-01-10.")
    # last year's feedback, the rectification entry → feedback item links, 民主评议 (facts/feedback.py)
    feedback: list[FeedbackItem] = Field(default_factory=list)
    rectification_answers: dict[int, int] = Field(default_factory=dict)
    appraisal: Appraisal | None = None

    @model_validator(mode="before")
    @classmethod
    def _answers(cls, data: Any) -> Any:
        return take_answers(data)

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: Any) -> Any:
        """Every text field cleaned (:func:`clean_field`); lists bounded (:data:`MAX_LIST_ITEMS`)."""
        if not isinstance(data, dict):
            return data
        for name in ("highlights", "problems", "plans", "rectification", "figures", "practices"):
            items = data.get(name)
            if isinstance(items, list) and len(items) > MAX_LIST_ITEMS and name != "figures":
                label = FIELD_LABELS.get(name, name)
                raise ValueError(f"{label}有 {len(items)} 条，超过上限 {MAX_LIST_ITEMS} 条，请只保留报告要写的内容")
        return _clean_all(data)

    @field_validator("unit_type", mode="before")
    @classmethod
    def _unit_type(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = v.strip() or None
        if v is None:
            return None
        from .units import unit_types

        types = unit_types()
        if v not in types:
            by_name = {u.name: u.id for u in types.values()}
            if v in by_name:
                return by_name[v]
            raise ValueError(
                f"不认识的单位类型“{v}”，可选：" + "、".join(f"{u.id}（{u.name}）" for u in types.values())
            )
        return v

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: Any) -> Any:
        if isinstance(v, str):
            s = v.strip()
            if not s:
                return None
            m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", s)
            if not m:
                raise ValueError(f"“{v}”不是日期，请按 2026-01-10 的格式填写")
            try:
                return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise ValueError(f"“{v}”不是有效日期") from None
        return v

    @field_validator("practices", mode="before")
    @classmethod
    def _practices(cls, v: Any) -> Any:
        if v is None:
            return []
        if isinstance(v, list):
            return [{"id": x} if isinstance(x, str) else x for x in v]
        return v

    @field_validator("unit", "org", mode="before")
    @classmethod
    def _strip_required(cls, v: Any) -> Any:
        return v.strip() if isinstance(v, str) else v

    @field_validator("level", "superior", "region", "signer", mode="before")
    @classmethod
    def _blank_none(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = v.strip()
            return v or None
        return v

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, v: Any) -> Any:
        if isinstance(v, str):
            s = v.strip().rstrip("年度").strip()
            if not s.isdigit():
                raise ValueError(f"“{v}”不是年份，请填写四位数字，如2025")
            return int(s)
        return v

    @field_validator("highlights", mode="before")
    @classmethod
    def _highlights(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [_as_highlight(x) for x in v]
        return v

    @field_validator("rectification", mode="before")
    @classmethod
    def _rectification(cls, v: Any) -> Any:
        if v is None:
            return []
        if isinstance(v, str):
            v = [v]
        if isinstance(v, list):
            out: list[Any] = []
            for x in v:
                if isinstance(x, str):
                    if x.strip():
                        out.append({"text": x.strip()})
                elif isinstance(x, Rectification):
                    out.append(x)
                elif isinstance(x, dict) and isinstance(x.get("text"), str) and not x["text"].strip():
                    continue
                else:
                    out.append(x)
            return out
        return v

    @field_validator("problems", "plans", mode="before")
    @classmethod
    def _texts(cls, v: Any) -> Any:
        if v is None:
            return []
        if isinstance(v, str):
            v = [v]
        if isinstance(v, list):
            out = []
            for x in v:
                if isinstance(x, dict) and "text" in x:
                    x = x["text"]
                if isinstance(x, str) and x.strip():
                    out.append(x.strip())
            return out
        return v

    @model_validator(mode="after")
    def _keys(self) -> FactSheet:
        seen: set[str] = set()
        for i, fig in enumerate(self.figures, start=1):
            if not fig.key:
                fig.key = f"F{i}"
            if fig.key in seen:
                raise ValueError(f"数据编号“{fig.key}”重复")
            seen.add(fig.key)
        return self

    # ---- derived views -------------------------------------------------
    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)

    @property
    def rectification_texts(self) -> list[str]:
        """The rectification items' texts."""
        return [r.text for r in self.rectification]

    def free_texts(self) -> list[str]:
        """Highlights, problems, plans and rectification: numbers in them count as facts."""
        return (
            [h.text for h in self.highlights] + self.problems + self.plans + self.rectification_texts
            + [p.fact_text(self.unit_type) for p in self.practices]
            + appraisal_facts(self.appraisal)
        )

    # ---- unit type ---------------------------------------------------------
    @property
    def inferred_unit_type(self) -> Any:
        """:class:`~drafter.facts.units.Inference` from unit/org (what ``unit_type`` defaults to)."""
        from .units import infer_unit_type

        return infer_unit_type(self.unit, self.org)

    @property
    def resolved_unit_type(self) -> str:
        """``unit_type`` as entered, else inferred from the unit and reporting body."""
        return self.unit_type or self.inferred_unit_type.unit_type

    def profile(self) -> Any:
        """The unit type applied to this sheet (:class:`~drafter.facts.units.Profile`)."""
        from .units import profile_for, unit_type

        return profile_for(unit_type(self.resolved_unit_type), self.unit, self.org, self.superior)

    @property
    def signature_unit(self) -> str:
        """The 落款: as entered, else the reporting body's full name."""
        return self.signer or self.profile().signer

    def highlights_for(self, element: str) -> list[Highlight]:
        return [h for h in self.highlights if (h.section or "practices") == element]

    @property
    def title(self) -> str:
        return f"{self.unit}{self.year}年度干部选拔任用工作报告"

    def to_yaml(self) -> str:
        data = self.model_dump(exclude_none=True)
        for fig in data.get("figures", []):
            if float(fig["value"]).is_integer():
                fig["value"] = int(fig["value"])
        data["highlights"] = [
            h["text"] if not h.get("section") else h for h in data.get("highlights", [])
        ]
        for item in data.get("practices", []):
            if item.get("value") is not None and float(item["value"]).is_integer():
                item["value"] = int(item["value"])
        if "date" in data:
            data["date"] = data["date"].isoformat()
        data["rectification"] = [
            r["text"] if r.get("source", RECTIFICATION_SOURCES[0]) == RECTIFICATION_SOURCES[0] else r
            for r in data.get("rectification", [])
        ]
        for fig in data.get("figures", []):
            if fig.get("section") is None:
                fig.pop("section", None)
        if not data.get("no_prior_feedback"):
            data.pop("no_prior_feedback", None)
        for key in ("practices",):
            if not data.get(key):
                data.pop(key, None)
        data = put_answers(data)
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _loc_name(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}第{item + 1}项"] if parts else [f"第{item + 1}项"]
        elif item in FIELD_LABELS:
            parts.append(FIELD_LABELS[str(item)])
        elif isinstance(item, str) and not item.startswith("function-"):
            parts.append(item)
    return "·".join(parts)


_PYDANTIC_ZH = [
    (re.compile(r"Field required"), "必须填写"),
    (re.compile(r"Input should be a valid integer.*"), "应填写整数"),
    (re.compile(r"Input should be a valid number.*"), "应填写数字"),
    (re.compile(r"Input should be a valid string.*"), "应填写文字"),
    (re.compile(r"Input should be a valid list.*"), "应填写列表"),
    (re.compile(r"String should have at least 1 character.*"), "不能为空"),
    (re.compile(r"Input should be greater than or equal to 1990.*"), "年份应在1990年之后"),
    (re.compile(r"Input should be less than or equal to 2100.*"), "年份不合理"),
    (re.compile(r"Extra inputs are not permitted"), "不认识的字段，请检查拼写"),
    (re.compile(r"Input should be a valid dictionary.*"), "格式不对，应为“名称/数值/单位”"),
]


def validation_problems(err: ValidationError) -> list[tuple[str, str]]:
    """Pydantic errors as (field, Chinese message) pairs."""
    problems: list[tuple[str, str]] = []
    for e in err.errors():
        msg = str(e.get("msg", ""))
        msg = msg.removeprefix("Value error, ")
        for pattern, zh in _PYDANTIC_ZH:
            if pattern.match(msg):
                msg = zh
                break
        problems.append((_loc_name(tuple(e.get("loc", ()))), msg))
    return problems


def facts_from_data(data: Any) -> FactSheet:
    """Validate already-loaded data (a dict) into a :class:`FactSheet`."""
    if not isinstance(data, dict):
        raise FactSheetError([("", "数据表应为“字段: 值”的形式（YAML 映射）")])
    try:
        return FactSheet.model_validate(data)
    except ValidationError as err:
        raise FactSheetError(validation_problems(err)) from None


def parse_facts(text: str) -> FactSheet:
    """Parse fact-sheet YAML text."""
    try:
        data = load_yaml(text)  # bounded: size, depth, aliases, digits (drafter.text.safe_yaml)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else ""
        raise FactSheetError([("", f"YAML 格式错误{where}：{getattr(err, 'problem', err)}")]) from None
    return facts_from_data(data)


def load_facts(path: str | Path) -> FactSheet:
    """Read and validate a fact-sheet file."""
    p = Path(path)
    check_yaml_file(p)
    try:
        raw = p.read_bytes()
    except OSError as err:
        raise FactSheetError([("", f"无法读取数据表文件 {p}：{err.strerror or err}")]) from None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return parse_facts(raw.decode(enc))
        except UnicodeDecodeError:
            continue
    raise FactSheetError([("", f"数据表文件 {p} 的编码无法识别，请另存为 UTF-8")])
