"""The usual rows of a fact sheet's figure table, per unit type and cadre level.

The rows come from the unit type's file (``knowledge/units/<id>.yaml``,
``figure_rows``); a combined level (``县处级、乡科级``) gets the rows of each.

The web app pre-fills its editable figure table with these rows (values empty) so
a writer fills in numbers rather than inventing labels; custom rows may be added.

>>> [r.label for r in figure_rows("乡科级")][:2]
['提拔正科级领导干部', '提拔副科级领导干部']
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LEVELS", "FigureRow", "blank_figures", "figure_rows"]


@dataclass(frozen=True)
class FigureRow:
    """One template row: how the report names the count, and its unit."""

    label: str
    unit: str = "人"
    group: str = ""


#: Cadre levels the app offers, most common first.
LEVELS: tuple[str, ...] = ("乡科级", "县处级")

_COMMON_TAIL: tuple[FigureRow, ...] = (
    FigureRow("交流轮岗干部", "人", "交流轮岗"),
    FigureRow("提拔35岁以下年轻干部", "名", "年轻干部"),
    FigureRow("干部教育培训", "人次", "培训"),
    FigureRow("党组会议研究干部任免议题", "项", "程序"),
    FigureRow("个人有关事项报告查核", "人", "监督"),
)

_ROWS: dict[str, tuple[FigureRow, ...]] = {
    "乡科级": (
        FigureRow("提拔正科级领导干部", "人", "提拔"),
        FigureRow("提拔副科级领导干部", "人", "提拔"),
        FigureRow("进一步使用科级干部", "人", "进一步使用"),
        FigureRow("晋升一级主任科员", "人", "职级晋升"),
        FigureRow("晋升二级主任科员", "人", "职级晋升"),
        FigureRow("晋升三级主任科员", "人", "职级晋升"),
        FigureRow("晋升四级主任科员", "人", "职级晋升"),
        *_COMMON_TAIL,
    ),
    "县处级": (
        FigureRow("提拔正处级领导干部", "人", "提拔"),
        FigureRow("提拔副处级领导干部", "人", "提拔"),
        FigureRow("进一步使用处级干部", "人", "进一步使用"),
        FigureRow("晋升一级调研员", "人", "职级晋升"),
        FigureRow("晋升二级调研员", "人", "职级晋升"),
        FigureRow("晋升三级调研员", "人", "职级晋升"),
        FigureRow("晋升四级调研员", "人", "职级晋升"),
        FigureRow("晋升一级主任科员", "人", "职级晋升"),
        *_COMMON_TAIL,
    ),
}


def figure_rows(level: str | None, unit_type: str | None = None) -> list[FigureRow]:
    """The usual rows for ``level`` of ``unit_type`` (its default level when unknown or custom)."""
    from .units import split_levels
    from .units import unit_type as get_type

    if unit_type is None and (level or "") in _ROWS:
        return list(_ROWS[level or ""])
    ut = get_type(unit_type)
    levels = [lv for lv in split_levels(level) if lv in ut.figure_rows] or [ut.default_level]
    rows: list[FigureRow] = []
    seen: set[str] = set()
    for lv in levels:
        for spec in ut.figure_rows.get(lv, []):
            if spec.label not in seen:
                seen.add(spec.label)
                rows.append(FigureRow(spec.label, spec.unit, lv))
    return rows


def blank_figures(level: str | None, unit_type: str | None = None) -> list[dict[str, object]]:
    """The template as fact-sheet figure dicts with empty values."""
    return [{"label": r.label, "value": None, "unit": r.unit} for r in figure_rows(level, unit_type)]
