"""Last year's feedback on the fact sheet (issue 24).

``feedback:`` lists last year's 一报告两评议 and 专项检查 feedback items, each with its
source; the writer's rectification entries say which item they answer::

    feedback:
      - {text: 干部交流力度不够, source: 2024年度“一报告两评议”反馈}
      - {text: 年轻干部储备不足, source: 2024年选人用人专项检查}
    rectification:
      - {text: 全年交流轮岗干部12人，其中跨部门交流5人, answers: 1}
    appraisal:                         # optional: last year's 民主评议, in %
      work:   {好: 85.2, 较好: 12.1, 一般: 2.7, 差: 0}
      cadres: {好: 90, 较好: 8, 一般: 2, 差: 0}

The sheet keeps the link as ``rectification_answers`` (rectification number → feedback
number, both from 1); :func:`take_answers` reads it out of the entries and
:func:`put_answers` writes it back into them (``answers: 1``) for the YAML.

Feedback comes in through 数据填报 or from last year's 审核表 (.xlsx): the reviewer's
复核意见 for a unit become that unit's items (:func:`drafter.review.feedback.feedback_from_xlsx`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "APPRAISAL_GRADES",
    "APPRAISAL_PARTS",
    "form_fields",
    "sheet_fields",
    "Appraisal",
    "AppraisalRates",
    "FeedbackItem",
    "answers_of",
    "appraisal_facts",
    "appraisal_problems",
    "merge_feedback",
    "put_answers",
    "take_answers",
]

#: The four grades of a 民主评议, best first, and their field names.
APPRAISAL_GRADES = ("好", "较好", "一般", "差")
_FIELDS = ("good", "fairly_good", "average", "poor")


class FeedbackItem(BaseModel):
    """One item of last year's feedback."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The problem as the feedback put it.")
    source: str = Field(default="", description="上年度“一报告两评议”反馈 / 选人用人专项检查 / 审核表复核意见 …")

    @field_validator("text", "source", mode="before")
    @classmethod
    def _strip(cls, v: Any) -> Any:
        return v.strip().strip("。；;") if isinstance(v, str) else v


class AppraisalRates(BaseModel):
    """One 民主评议's rates in percent (any grade may be left out)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    good: float | None = Field(default=None, alias="好", ge=0, le=100)
    fairly_good: float | None = Field(default=None, alias="较好", ge=0, le=100)
    average: float | None = Field(default=None, alias="一般", ge=0, le=100)
    poor: float | None = Field(default=None, alias="差", ge=0, le=100)

    @field_validator("good", "fairly_good", "average", "poor", mode="before")
    @classmethod
    def _percent(cls, v: Any) -> Any:
        if isinstance(v, str):
            s = v.strip().rstrip("%％").strip()
            if not s:
                return None
            try:
                return float(s)
            except ValueError:
                raise ValueError(f"“{v}”不是百分数") from None
        return v

    def rates(self) -> dict[str, float | None]:
        return dict(zip(APPRAISAL_GRADES, (self.good, self.fairly_good, self.average, self.poor), strict=True))

    def entered(self) -> bool:
        return any(v is not None for v in self.rates().values())


class Appraisal(BaseModel):
    """Last year's two 民主评议: of the year's work and of the newly appointed cadres."""

    model_config = ConfigDict(extra="forbid")

    work: AppraisalRates | None = Field(default=None, description="对年度干部选拔任用工作的评议")
    cadres: AppraisalRates | None = Field(default=None, description="对新选拔任用干部的评议")

    def parts(self) -> list[tuple[str, AppraisalRates]]:
        named = (("年度干部选拔任用工作", self.work), ("新选拔任用干部", self.cadres))
        return [(n, r) for n, r in named if r is not None and r.entered()]


def appraisal_problems(appraisal: Appraisal | None) -> list[str]:
    """「年度干部选拔任用工作的评议：好、较好、一般、差合计 98.0%，应为 100%」 per wrong sum."""
    out = []
    for name, rates in (appraisal.parts() if appraisal else []):
        values = rates.rates()
        missing = [g for g, v in values.items() if v is None]
        total = sum(v for v in values.values() if v is not None)
        if not math.isclose(total, 100.0, abs_tol=0.15):
            gap = f"（未填：{'、'.join(missing)}）" if missing else ""
            out.append(f"{name}的民主评议：好、较好、一般、差合计{total:g}%{gap}，应为100%")
    return out


def appraisal_facts(appraisal: Appraisal | None) -> list[str]:
    """The 民主评议 rates as fact texts (「年度干部选拔任用工作“好”85.2%」): numbers the sheet gives."""
    out = []
    for name, rates in (appraisal.parts() if appraisal else []):
        out += [f"{name}“{g}”{v:g}%" for g, v in rates.rates().items() if v is not None]
    return out


def take_answers(data: Any) -> Any:
    """Raw sheet data with ``answers:`` moved out of the rectification entries into
    ``rectification_answers`` (so that the entries stay plain text)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("rectification"), list):
        return data
    links: dict[int, int] = dict(data.get("rectification_answers") or {})
    entries = []
    for n, entry in enumerate(data["rectification"], start=1):
        if isinstance(entry, Mapping) and "answers" in entry:
            entry = dict(entry)
            target = entry.pop("answers")
            if target not in (None, ""):
                try:
                    links[n] = int(target)
                except (TypeError, ValueError):
                    raise ValueError(f"整改情况第{n}项的 answers 应是上年度反馈的序号（如 1）") from None
        entries.append(entry)
    return {**data, "rectification": entries, "rectification_answers": links}


def put_answers(data: dict[str, Any]) -> dict[str, Any]:
    """The dump of a sheet with each linked rectification entry as ``{text, answers}``."""
    links = data.pop("rectification_answers", None) or {}
    if links and data.get("rectification"):
        data["rectification"] = [
            ({**t, "answers": links[n]} if isinstance(t, dict) else {"text": t, "answers": links[n]}) if n in links else t
            for n, t in enumerate(data["rectification"], start=1)
        ]
    for key in ("feedback",):
        if not data.get(key):
            data.pop(key, None)
    if data.get("appraisal") is not None:
        data["appraisal"] = {
            part: {g: rates[k] for g, k in zip(APPRAISAL_GRADES, _FIELDS, strict=True) if rates.get(k) is not None}
            for part, rates in data["appraisal"].items() if rates
        }
    else:
        data.pop("appraisal", None)
    return data


def answers_of(facts: Any, number: int) -> list[str]:
    """The rectification entries that answer feedback item ``number`` (from 1)."""
    links: Mapping[int, int] = getattr(facts, "rectification_answers", {}) or {}
    return [getattr(t, "text", t) for n, t in enumerate(facts.rectification, start=1) if links.get(n) == number]


def merge_feedback(existing: Iterable[FeedbackItem], new: Iterable[FeedbackItem]) -> list[FeedbackItem]:
    """``existing`` plus the items of ``new`` not already there (same text)."""
    items = list(existing)
    seen = {i.text for i in items}
    for item in new:
        if item.text not in seen:
            seen.add(item.text)
            items.append(item)
    return items


# ---- the form (数据填报) ----------------------------------------------------------------
#: The two 民主评议 of the form, in order: field name and label.
APPRAISAL_PARTS = (("work", "年度干部选拔任用工作"), ("cadres", "新选拔任用干部"))


def form_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Sheet data → the form's ``feedback`` rows (反馈问题, 来源, 本年度整改情况), the
    rectification lines that answer no item, and the ``appraisal`` cells (text)."""
    try:
        data = take_answers(dict(data))
    except ValueError:  # an unreadable answers: the entries stay as they are, the check says why
        data = dict(data)
    items = [i if isinstance(i, Mapping) else {"text": str(i)} for i in data.get("feedback") or []]
    links = {int(k): int(v) for k, v in (data.get("rectification_answers") or {}).items()}
    answers: dict[int, list[str]] = {n: [] for n in range(1, len(items) + 1)}
    plain: list[str] = []
    for n, entry in enumerate(data.get("rectification") or [], start=1):
        text = str(entry.get("text", "") if isinstance(entry, Mapping) else entry)
        if links.get(n) in answers:
            answers[links[n]].append(text)
        else:
            plain.append(text)
    rows = [{"text": str(i.get("text") or ""), "source": str(i.get("source") or ""),
             "answer": "\n".join(answers[n])} for n, i in enumerate(items, start=1)]
    appraisal: dict[str, dict[str, str]] = {}
    raw = data.get("appraisal") or {}
    for part, _label in APPRAISAL_PARTS:
        rates = raw.get(part) if isinstance(raw, Mapping) else None
        if isinstance(rates, Mapping):
            by_grade = {**{g: rates.get(k) for g, k in zip(APPRAISAL_GRADES, _FIELDS, strict=True)}, **rates}
            appraisal[part] = {g: _cell(by_grade.get(g)) for g in APPRAISAL_GRADES}
    return {"feedback": rows, "rectification": plain, "appraisal": appraisal}


def _cell(v: Any) -> str:
    if v is None:
        return ""
    try:
        return f"{float(v):g}"
    except (TypeError, ValueError):
        return str(v)  # kept as typed: the form check says what is wrong with it


def sheet_fields(form: Mapping[str, Any], rectification: list[str]) -> dict[str, Any]:
    """The form's feedback rows and appraisal cells → sheet data: ``feedback``, the
    ``rectification`` entries (each row's 整改情况 lines with ``answers``, then the
    plain lines) and ``appraisal`` (only parts with a value)."""
    rows = [r for r in form.get("feedback") or [] if isinstance(r, Mapping) and str(r.get("text") or "").strip()]
    out: dict[str, Any] = {}
    entries: list[Any] = []
    if rows:
        out["feedback"] = [{"text": str(r["text"]).strip(), "source": str(r.get("source") or "").strip()}
                           for r in rows]
        for n, r in enumerate(rows, start=1):
            for line in str(r.get("answer") or "").splitlines():
                if line.strip():
                    entries.append({"text": line.strip(), "answers": n})
    out["rectification"] = entries + list(rectification)  # the answers in item order, as the draft has them
    cells = form.get("appraisal") or {}
    appraisal = {}
    for part, _label in APPRAISAL_PARTS:
        got = {g: v for g, v in (cells.get(part) or {}).items() if str(v if v is not None else "").strip()}
        if got:
            appraisal[part] = got
    if appraisal:
        out["appraisal"] = appraisal
    return out
