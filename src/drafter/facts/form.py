"""A fact sheet as a form holds it: raw values, validated field by field.

The web app keeps what the writer typed (even a negative count or a missing year)
and shows each problem at its field. :func:`check_form` turns the raw form into a
:class:`~drafter.facts.sheet.FactSheet` when it is valid and, either way, a map from
field key to Chinese messages:

* ``"unit"``, ``"org"``, ``"year"`` …  — a top-level field;
* ``"figures"`` — the table as a whole, ``("figures", i)`` — row ``i`` of the
  form's table (0-based, blank rows included);
* ``""`` — the sheet as a whole.

Figure rows whose value is empty are not entered yet: they stay in the form but
are not part of the sheet.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .feedback import form_fields as feedback_form_fields
from .feedback import sheet_fields as feedback_sheet_fields
from .sheet import FactSheet, validation_problems

__all__ = ["EMPTY_FORM", "FormCheck", "cell_value", "check_form", "form_from_sheet", "lines", "sheet_data"]

#: A new, empty form (year defaults are the app's business).
EMPTY_FORM: dict[str, Any] = {
    "unit": "",
    "org": "",
    "year": "",
    "level": "",
    "superior": "",
    "region": "",
    "figures": [],
    "highlights": [],
    "problems": [],
    "plans": [],
    "rectification": [],
    "unit_type": "",
    "practices": [],
    "signer": "",
    "date": "",
    "feedback": [],  # rows {text, source, answer} (facts/feedback.py)
    "appraisal": {},
}

_LISTS = ("highlights", "problems", "plans", "rectification")


@dataclass
class FormCheck:
    """The outcome of validating a form."""

    sheet: FactSheet | None
    problems: dict[Any, list[str]] = field(default_factory=dict)
    pairs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.sheet is not None

    def at(self, key: Any) -> list[str]:
        return self.problems.get(key, [])


def lines(text: str | None) -> list[str]:
    """A text area's content as list items: one per non-empty line, bullets stripped."""
    out = []
    for raw in (text or "").splitlines():
        s = raw.strip().lstrip("-•·*").strip()
        if s:
            out.append(s)
    return out


def cell_value(value: Any) -> int | float | str | None:
    """A figure value as typed into a table cell, kept faithfully.

    Blank → ``None``; a number (``3``, ``"3"``, ``" 37.5 "``, ``"３"``) → ``int`` or
    ``float``; anything else (``"三人"``, ``"abc"``, ``"nan"``) stays the text typed, so
    validation names it instead of a made-up number taking its place.
    """
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, float) and math.isinf(value):
            return str(value)
        return int(value) if float(value).is_integer() else float(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    return int(number) if number.is_integer() and "." not in text else number


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _entered_figures(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    out, where = [], []
    for i, row in enumerate(rows):
        label = row.get("label")
        value = row.get("value")
        if _blank(value):
            continue
        fig: dict[str, Any] = {"label": "" if _blank(label) else str(label), "value": value}
        unit = row.get("unit")
        if not _blank(unit):
            fig["unit"] = str(unit)
        if not _blank(row.get("section")):
            fig["section"] = str(row["section"])
        out.append(fig)
        where.append(i)
    return out, where


def _entered_practices(items: list[Any]) -> list[dict[str, Any]]:
    """Ticked practices as fact-sheet dicts: ``{id, value?, note?}`` (blank value/note dropped)."""
    out = []
    for item in items:
        if isinstance(item, str):
            item = {"id": item}
        if not isinstance(item, dict) or _blank(item.get("id")):
            continue
        entry: dict[str, Any] = {"id": str(item["id"])}
        value = cell_value(item.get("value"))
        if value is not None:
            entry["value"] = value
        if not _blank(item.get("note")):
            entry["note"] = str(item["note"]).strip()
        out.append(entry)
    return out


def sheet_data(form: dict[str, Any]) -> dict[str, Any]:
    """The fact-sheet dict the form stands for (blank optional fields dropped)."""
    data: dict[str, Any] = {}
    for key in ("unit", "org", "year"):
        value = form.get(key)
        data[key] = "" if value is None else value
    for key in ("level", "superior", "region", "unit_type", "signer", "date"):
        value = form.get(key)
        if not _blank(value):
            data[key] = value
    data["figures"] = _entered_figures(list(form.get("figures") or []))[0]
    if form.get("no_prior_feedback") is True:
        data["no_prior_feedback"] = True
    practices = _entered_practices(form.get("practices") or [])
    if practices:
        data["practices"] = practices
    for key in _LISTS:
        data[key] = [x for x in (form.get(key) or []) if isinstance(x, str) and x.strip()]
    data.update(feedback_sheet_fields(form, data["rectification"]))
    # a rectification item's source (选人用人专项检查 …) rides along with its unchanged text
    sources = form.get("rectification_sources") or {}
    if isinstance(sources, dict) and sources:
        def with_source(x: Any) -> Any:
            text = (x.get("text") if isinstance(x, dict) else x) or ""
            if text.strip() not in sources:
                return x
            return {**x, "source": str(sources[text.strip()])} if isinstance(x, dict) else {
                "text": x, "source": str(sources[text.strip()])}

        data["rectification"] = [with_source(x) for x in data["rectification"]]
    return data


def check_form(form: dict[str, Any]) -> FormCheck:
    """Validate a raw form; never raises, always says where each problem is."""
    data = sheet_data(form)
    rows = _entered_figures(list(form.get("figures") or []))[1]
    if _blank(data.get("year")):
        data.pop("year")
    try:
        return FormCheck(sheet=FactSheet.model_validate(data))
    except ValidationError as err:
        pairs = validation_problems(err)
        problems: dict[Any, list[str]] = {}
        for e, (_name, msg) in zip(err.errors(), pairs, strict=True):
            loc = tuple(e.get("loc", ()))
            if not loc:
                key: Any = ""
            elif loc[0] == "figures" and len(loc) > 1 and isinstance(loc[1], int):
                key = ("figures", rows[loc[1]] if loc[1] < len(rows) else loc[1])
            else:
                key = loc[0]
            problems.setdefault(key, []).append(msg)
        return FormCheck(sheet=None, problems=problems, pairs=pairs)


def form_from_sheet(sheet: FactSheet | dict[str, Any]) -> dict[str, Any]:
    """A form pre-filled from a sheet (e.g. an imported YAML file)."""
    data = sheet.model_dump(exclude_none=True) if isinstance(sheet, FactSheet) else dict(sheet)
    form = dict(EMPTY_FORM)
    for key in ("unit", "org", "level", "superior", "region", "unit_type", "signer"):
        form[key] = str(data.get(key) or "")  # a level the app does not list is kept as typed
    form["year"] = str(data.get("year") or "")
    date: Any = data.get("date")
    form["date"] = date.isoformat() if isinstance(date, _dt.date) else str(date or "")
    form["practices"] = _entered_practices(list(data.get("practices") or []))
    if data.get("no_prior_feedback") is True:
        form["no_prior_feedback"] = True
    form["figures"] = [
        {
            "label": f.get("label", ""),
            "value": cell_value(f.get("value")),
            "unit": f.get("unit", "人"),
            **({"section": f["section"]} if f.get("section") else {}),
        }
        for f in (data.get("figures") or [])
    ]
    highlights = data.get("highlights") or []
    form["highlights"] = [h["text"] if isinstance(h, dict) else str(h) for h in highlights]
    for key in ("problems", "plans", "rectification"):
        form[key] = [str(x["text"]) if isinstance(x, dict) and "text" in x else str(x) for x in data.get(key) or []]
    form.update(feedback_form_fields(data))
    sources = {
        str(x["text"]).strip(): str(x["source"]) for x in data.get("rectification") or []
        if isinstance(x, dict) and x.get("text") and x.get("source")
    }
    if sources:
        form["rectification_sources"] = sources
    return form
