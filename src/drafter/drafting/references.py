"""Reference passages (参考写法) named as a reader knows them: “单位 · 年度 · 标题”.

A retrieved passage comes from another unit's report. Beside a section it is named
by that unit and year (:func:`drafter.kb.meta.display_name`), taken from the
bundled ``metadata.yaml``, the passage's own metadata, or its title.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..kb.meta import DocMeta, detect_meta, display_name
from ..settings import BUNDLED_KB

__all__ = ["reference_title"]


@lru_cache(maxsize=1)
def _bundled() -> dict[str, dict[str, Any]]:
    try:
        data = yaml.safe_load((BUNDLED_KB / "reports" / "metadata.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def reference_title(passage: Any) -> str:
    """“局党组 · 2023年度 · 局党组2023年度干部选拔任用工作报告” for a retrieved passage."""
    source = str(getattr(passage, "source", "") or "")
    meta = _bundled().get(Path(source).name, {}) if source.startswith("reports/") else {}
    title = str(getattr(passage, "title", "") or meta.get("title") or "") or None
    unit = getattr(passage, "unit", None) or meta.get("unit") or (detect_meta(title).unit if title else None)
    year = getattr(passage, "year", None) or meta.get("year")
    return display_name(DocMeta(unit=unit, year=year, title=title), fallback=Path(source).name or "未命名报告")
