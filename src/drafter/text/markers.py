"""Sentinels shared by prompts, composer, checker and tests.

The drafter never invents a fact it was not given: where a required fact is
missing it writes :data:`MISSING_FACT` with a short description, e.g.
``〔待补：提拔正科级领导干部人数〕``. The checker reports every such marker as an
unfilled placeholder, so a draft with one cannot be exported without ``--force``.
"""

from __future__ import annotations

import re

__all__ = ["MISSING_OPEN", "MISSING_CLOSE", "MISSING_FACT", "missing", "MISSING_RE"]

MISSING_OPEN = "〔待补："
MISSING_CLOSE = "〕"
#: Template of the missing-fact marker; ``{what}`` names the fact.
MISSING_FACT = MISSING_OPEN + "{what}" + MISSING_CLOSE
#: Matches a missing-fact marker (and the bare 〔待补〕 form writers use too).
MISSING_RE = re.compile(r"〔待补(?:：[^〔〕\n]{0,60})?〕")


def missing(what: str) -> str:
    """The marker for a missing fact named ``what``."""
    what = what.replace(MISSING_CLOSE, "").replace("\n", " ").strip() or "内容"
    return MISSING_FACT.format(what=what)
