"""The shape of raw fact-sheet data, checked before a form or a model touches it.

An imported file may hold ``figures: abc``, a highlight mapping without ``text`` or
``problems: 5``. Validation reports those (in Chinese, at the field), but code that
pre-fills the form from the raw data must not trip over them first.
:func:`normalise_shape` returns a copy in which every known field has the shape the
form expects (unknown fields pass through untouched), plus one ``(field, message)``
problem for each value it had to leave out.

>>> data, problems = normalise_shape({"unit": "某局", "figures": "abc", "problems": 5})
>>> data["figures"], data["problems"], [p[0] for p in problems]
([], [], ['数据', '存在问题'])
"""

from __future__ import annotations

from typing import Any

from .sheet import FIELD_LABELS

__all__ = ["normalise_shape"]

_SCALARS = ("unit", "org", "level", "superior", "region", "genre", "year")
_TEXT_LISTS = ("problems", "plans", "rectification")


def _label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _text_item(item: Any) -> str | None:
    if isinstance(item, dict):
        item = item.get("text")
    if _scalar(item):
        return str(item)
    return None


def normalise_shape(data: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """``(data in the form's shape, problems)``; nothing raises on any input."""
    if not isinstance(data, dict):
        return {}, [("", "数据表应为“字段: 值”的形式（YAML 映射）")]
    out: dict[str, Any] = {str(k): v for k, v in data.items()}
    problems: list[tuple[str, str]] = []
    for key in _SCALARS:
        value = out.get(key)
        if value is not None and not _scalar(value):
            problems.append((_label(key), "应填写一项文字或数字，不能是列表或映射"))
            out.pop(key)
    figures = out.get("figures")
    if figures is None:
        out["figures"] = []
    elif not isinstance(figures, list):
        problems.append((_label("figures"), "应为列表，每项写“名称、数值、单位”（label/value/unit）"))
        out["figures"] = []
    else:
        kept = []
        for i, fig in enumerate(figures, start=1):
            where = f"{_label('figures')}第{i}项"
            if not isinstance(fig, dict):
                problems.append((where, "应写成“label: 名称, value: 数值, unit: 单位”"))
                continue
            fig = dict(fig)
            for key in ("label", "unit", "key"):
                if fig.get(key) is not None and not _scalar(fig[key]):
                    problems.append((f"{where}·{_label(key)}", "应填写文字"))
                    fig.pop(key)
            if fig.get("value") is not None and not _scalar(fig["value"]):
                problems.append((f"{where}·{_label('value')}", "应填写数字"))
                fig["value"] = None
            kept.append(fig)
        out["figures"] = kept
    highlights = out.get("highlights")
    if highlights is None:
        out["highlights"] = []
    else:
        items = [highlights] if _scalar(highlights) else highlights
        if not isinstance(items, list):
            problems.append((_label("highlights"), "应为列表，每项一条亮点"))
            items = []
        kept_h: list[Any] = []
        for i, h in enumerate(items, start=1):
            if isinstance(h, dict) and _scalar(h.get("text")):
                kept_h.append({k: v for k, v in h.items() if _scalar(v)})
            elif _scalar(h):
                kept_h.append(str(h))
            else:
                why = "缺少“text”（亮点内容）" if isinstance(h, dict) else "应填写文字"
                problems.append((f"{_label('highlights')}第{i}项", why))
        out["highlights"] = kept_h
    for key in _TEXT_LISTS:
        value = out.get(key)
        if value is None:
            out[key] = []
            continue
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            problems.append((_label(key), "应为文字列表，每行一条"))
            out[key] = []
            continue
        texts: list[Any] = []
        for i, item in enumerate(items, start=1):
            text = _text_item(item)
            if text is None:
                problems.append((f"{_label(key)}第{i}项", "应填写文字"))
            elif isinstance(item, dict) and (
                (key == "rectification" and _scalar(item.get("source"))) or _scalar(item.get("answers"))
            ):  # the source and the feedback item it answers are the writer's too
                entry: dict[str, Any] = {"text": text}
                if key == "rectification" and _scalar(item.get("source")):
                    entry["source"] = str(item["source"])
                if _scalar(item.get("answers")):
                    entry["answers"] = item["answers"]
                texts.append(entry)
            else:
                texts.append(text)
        out[key] = texts
    return out, problems
