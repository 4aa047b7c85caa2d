"""Persistence: reports, fact sheets, drafts and every section version (SQLAlchemy).

SQLite in ``DRAFTER_HOME`` by default (``DRAFTER_DATABASE_URL`` for PostgreSQL).
Writes append; nothing a writer saved is overwritten. No streamlit here, and no
settings or credentials are ever stored.

>>> repo = open_repository(settings)                       # doctest: +SKIP
>>> report = repo.create_report("某局", 2025)               # doctest: +SKIP
>>> repo.save_facts(report.id, {"unit": "某局"}, valid=False)  # doctest: +SKIP
"""

from .engine import dispose_engines, get_engine
from .records import (
    FactsSaved,
    LoadedReport,
    ReportInfo,
    SectionVersion,
    StoredDraft,
    StoredFacts,
    VersionSaved,
)
from .repository import Repository, open_repository, report_key
from .review_store import ReviewStore

__all__ = [
    "FactsSaved",
    "LoadedReport",
    "ReportInfo",
    "Repository",
    "ReviewStore",
    "SectionVersion",
    "StoredDraft",
    "StoredFacts",
    "VersionSaved",
    "dispose_engines",
    "get_engine",
    "open_repository",
    "report_key",
]
