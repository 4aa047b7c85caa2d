"""The repository: every read and write the app makes, in short transactions.

Writes append: a fact sheet save is a new revision, a section generation, edit or
restore is a new version. Optimistic checks compare the revision/version a writer
started from with the newest one and report a conflict (the other person's work
stays in the history; the newest shows) instead of silently dropping either.

Concurrency works the same on both databases: every write that reads-then-writes a
report's data first locks that report's row (``_lock_report``). On PostgreSQL that is
``SELECT … FOR UPDATE``, so appends to one report queue and the next revision or
version number is read by one writer at a time; on SQLite SQLAlchemy renders no
``FOR UPDATE`` and the ``BEGIN IMMEDIATE`` write lock (engine.py) already serialises
writers. Unique constraints back each numbering, and a writer that still collides
(an insert racing a create) retries. Locks are always taken report first, so two
writers never wait on each other in a cycle.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import yaml
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import InputError
from ..text.redact import redact
from ..text.textsafe import clean_control
from .engine import get_engine
from .models import DraftRow, FactSheetRow, ReportRow, SectionVersionRow, utcnow
from .records import (
    FactsSaved,
    LoadedReport,
    ReportInfo,
    SectionVersion,
    StoredDraft,
    StoredFacts,
    VersionSaved,
)

__all__ = ["Repository", "open_repository", "report_key"]

_RETRIES = 20


def report_key(unit: str, year: int | None) -> str | None:
    """The unique key of a named report (unit and year), or None while unnamed."""
    unit = (unit or "").strip()
    if not unit or not year:
        return None
    return f"{unit}|{int(year)}"


def _backoff(attempt: int) -> None:
    time.sleep(0.01 * (attempt + 1))


def _clean(text: str) -> str:
    """Text as stored: control characters and NUL (which PostgreSQL cannot hold) dropped,
    lone surrogates (which SQLite cannot encode) replaced; Shift+Enter kept as a line break."""
    return clean_control(text)


def _clean_opt(text: Any) -> str | None:
    return None if text is None else _clean(str(text))


def _dumps(value: Any) -> str:
    return clean_control(json.dumps(value, ensure_ascii=False, default=str))


def _as_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, Mapping):
        return dict(obj)
    if hasattr(obj, "to_dict"):
        return dict(obj.to_dict())
    if hasattr(obj, "model_dump"):
        return dict(obj.model_dump())
    if hasattr(obj, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(obj)
    raise TypeError(f"cannot store {type(obj).__name__}")


def _year_of(data: Mapping[str, Any]) -> int | None:
    raw = data.get("year")
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        s = raw.strip().rstrip("年度").strip()
        return int(s) if s.isdigit() and len(s) == 4 else None
    return None


class Repository:
    """Reports, fact sheets, drafts and section versions on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        # write transactions: on SQLite they begin IMMEDIATE (see engine.py); on
        # PostgreSQL they run READ COMMITTED and lock the report row (_lock_report)
        self._writer = sessionmaker(engine.execution_options(drafter_write=True), expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str) -> Repository:
        return cls(get_engine(url))

    # ---- reports ------------------------------------------------------
    def create_report(self, unit: str = "", year: int | None = None) -> ReportInfo:
        """A new report; if ``unit``/``year`` name an existing one, that one is returned."""
        key = report_key(unit, year)
        for attempt in range(_RETRIES):
            try:
                with self._writer.begin() as s:
                    if key is not None:
                        row = s.scalar(select(ReportRow).where(ReportRow.key == key))
                        if row is not None:
                            return self._info(s, row)
                    row = ReportRow(
                        key=key or f"unnamed:{uuid.uuid4().hex}",
                        unit=(unit or "").strip(),
                        year=year,
                        title=self._title(unit, year),
                    )
                    s.add(row)
                    s.flush()
                    return self._info(s, row)
            except IntegrityError:  # someone created the same unit and year meanwhile: use theirs
                _backoff(attempt)
        raise InputError("新建报告冲突过多，请稍后再试")

    def find_report(self, unit: str, year: int | None) -> ReportInfo | None:
        key = report_key(unit, year)
        if key is None:
            return None
        with self._session() as s:
            row = s.scalar(select(ReportRow).where(ReportRow.key == key))
            return self._info(s, row) if row else None

    def get_report(self, report_id: int) -> ReportInfo | None:
        with self._session() as s:
            row = s.get(ReportRow, report_id)
            return self._info(s, row) if row else None

    def list_reports(self) -> list[ReportInfo]:
        """Every saved report, the most recently touched first."""
        with self._session() as s:
            drafts = dict(
                s.execute(select(DraftRow.report_id, func.count(DraftRow.id)).group_by(DraftRow.report_id)).all()
            )
            newest = (
                select(FactSheetRow.report_id, func.max(FactSheetRow.revision).label("rev"))
                .group_by(FactSheetRow.report_id)
                .subquery()
            )
            valid = dict(
                s.execute(
                    select(FactSheetRow.report_id, FactSheetRow.valid).join(
                        newest,
                        (FactSheetRow.report_id == newest.c.report_id) & (FactSheetRow.revision == newest.c.rev),
                    )
                ).all()
            )
            rows = s.scalars(select(ReportRow).order_by(ReportRow.updated_at.desc(), ReportRow.id.desc()))
            return [
                ReportInfo(
                    id=r.id,
                    unit=r.unit,
                    year=r.year,
                    title=r.title,
                    created_at=r.created_at,
                    updated_at=r.updated_at,
                    valid=bool(valid.get(r.id, False)),
                    drafts=int(drafts.get(r.id, 0)),
                )
                for r in rows
            ]

    def delete_report(self, report_id: int) -> None:
        with self._writer.begin() as s:
            self._lock_report(s, report_id)  # writers of this report wait, then find it gone
            for draft in s.scalars(select(DraftRow).where(DraftRow.report_id == report_id)):
                s.query(SectionVersionRow).filter_by(draft_id=draft.id).delete()
                s.delete(draft)
            s.query(FactSheetRow).filter_by(report_id=report_id).delete()
            row = s.get(ReportRow, report_id)
            if row is not None:
                s.delete(row)

    def load_report(self, report_id: int) -> LoadedReport | None:
        """The report with its latest fact sheet, outline and latest draft."""
        with self._session() as s:
            row = s.get(ReportRow, report_id)
            if row is None:
                return None
            info = self._info(s, row)
            outline = json.loads(row.outline_json) if row.outline_json else None
            rev = row.outline_rev
        return LoadedReport(
            info=info,
            facts=self.latest_facts(report_id),
            outline=outline,
            outline_rev=rev,
            draft=self.latest_draft(report_id),
        )

    # ---- fact sheets --------------------------------------------------
    def save_facts(
        self,
        report_id: int,
        data: Mapping[str, Any],
        *,
        valid: bool,
        problems: Iterable[tuple[str, str]] = (),
        yaml_text: str | None = None,
        author: str = "",
        base_revision: int | None = None,
        replace_revision: int | None = None,
    ) -> FactsSaved:
        """Append the sheet as the writer left it (valid or not) unless unchanged.

        The report takes the sheet's unit and year as its name when both are given
        and no other report holds them.

        ``replace_revision`` coalesces one sitting: when it is the revision this
        writer saved last and still the latest (nobody saved since, so nothing of
        anyone else's is lost), that row is updated in place instead of a new
        revision being appended. Otherwise a new revision is appended as usual.
        """
        data = dict(data)
        data_json = _dumps(data)
        problems = [(str(p[0]), str(p[1])) for p in problems]
        text = yaml_text if yaml_text is not None else yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False
        )
        for _attempt in range(_RETRIES):
            try:
                with self._writer.begin() as s:
                    report = self._lock_report(s, report_id)
                    if report is None:
                        raise InputError(f"报告（编号{report_id}）不存在，可能已被删除；请新建报告")
                    latest = self._latest_facts_row(s, report_id)
                    if latest is not None and latest.data_json == data_json:
                        return FactsSaved(revision=latest.revision, changed=False)
                    conflict = None
                    if latest is not None and base_revision is not None and latest.revision != base_revision:
                        conflict = self._facts(latest)
                    if (latest is not None and replace_revision is not None
                            and latest.revision == replace_revision == base_revision):
                        latest.data_json, latest.yaml, latest.valid = data_json, text, valid
                        latest.problems_json, latest.author = _dumps(problems), author
                        latest.created_at = utcnow()
                        name_taken = self._rename(s, report, str(data.get("unit") or ""), _year_of(data))
                        report.updated_at = utcnow()
                        return FactsSaved(revision=latest.revision, changed=True, name_taken=name_taken,
                                          coalesced=True)
                    revision = (latest.revision if latest else 0) + 1
                    s.add(
                        FactSheetRow(
                            report_id=report_id,
                            revision=revision,
                            data_json=data_json,
                            yaml=text,
                            valid=valid,
                            problems_json=_dumps(problems),
                            author=author,
                        )
                    )
                    name_taken = self._rename(s, report, str(data.get("unit") or ""), _year_of(data))
                    report.updated_at = utcnow()
                return FactsSaved(revision=revision, changed=True, conflict=conflict, name_taken=name_taken)
            except IntegrityError:  # the same revision, or the new name, was taken at the same moment
                _backoff(_attempt)
        raise InputError("数据表保存冲突过多，请稍后再试")

    def latest_facts(self, report_id: int) -> StoredFacts | None:
        with self._session() as s:
            row = self._latest_facts_row(s, report_id)
            return self._facts(row) if row else None

    def facts_history(self, report_id: int) -> list[StoredFacts]:
        """Every saved state of the sheet, newest first."""
        with self._session() as s:
            rows = s.scalars(
                select(FactSheetRow)
                .where(FactSheetRow.report_id == report_id)
                .order_by(FactSheetRow.revision.desc())
            )
            return [self._facts(r) for r in rows]

    # ---- outline ------------------------------------------------------
    def save_outline(self, report_id: int, outline: Any, *, base_rev: int | None = None) -> tuple[int, bool]:
        """Store the edited outline; returns (revision, conflict)."""
        with self._writer.begin() as s:
            row = self._lock_report(s, report_id)  # read-check-increment by one writer at a time
            if row is None:
                raise InputError(f"报告（编号{report_id}）不存在，请新建报告")
            conflict = base_rev is not None and row.outline_rev != base_rev
            row.outline_json = _dumps(_as_dict(outline))
            row.outline_rev += 1
            row.updated_at = utcnow()
            return row.outline_rev, conflict

    # ---- drafts -------------------------------------------------------
    def start_draft(
        self,
        report_id: int,
        title: str,
        *,
        outline: Any = None,
        order: Iterable[str] = (),
        backend: str = "",
        author: str = "",
    ) -> int:
        """A new, empty draft; sections are added as they are written.

        ``order`` lists the section ids in reading order (sections written in
        parallel finish in any order); unknown ids go last, by position.
        """
        with self._writer.begin() as s:
            report = self._lock_report(s, report_id)
            if report is None:
                raise InputError(f"报告（编号{report_id}）不存在，请新建报告")
            row = DraftRow(
                report_id=report_id,
                title=title,
                outline_json=_dumps(_as_dict(outline)) if outline is not None else None,
                order_json=_dumps([str(x) for x in order]),
                backend=backend,
                author=author,
            )
            s.add(row)
            report.updated_at = utcnow()
            s.flush()
            return row.id

    def save_draft(
        self,
        report_id: int,
        draft: Any,
        *,
        outline: Any = None,
        backend: str = "",
        author: str = "",
    ) -> StoredDraft:
        """Store a whole draft (``Draft`` or its dict): a new draft, version 1 of each section."""
        data = _as_dict(draft)
        sections = list(data.get("sections", []))
        draft_id = self.start_draft(
            report_id,
            str(data.get("title", "")),
            outline=outline,
            order=[str(_as_dict(x)["id"]) for x in sections],
            backend=backend,
            author=author,
        )
        for position, section in enumerate(sections):
            self.add_section_version(
                draft_id, section, position=position, kind="generated", author=author
            )
        stored = self.get_draft(draft_id)
        if stored is None:  # pragma: no cover - just written
            raise InputError("草稿保存失败")
        return stored

    def add_section_version(
        self,
        draft_id: int,
        section: Any,
        *,
        kind: str = "generated",
        author: str = "",
        base_version: int | None = None,
        position: int | None = None,
        instruction: str | None = None,
    ) -> VersionSaved:
        """Append a version of one section (a generation, an edit or a restore).

        ``section`` is a ``SectionDraft`` or its dict (``id``, ``heading``, ``text`` …).
        ``base_version`` is the version the writer was looking at; if a newer one
        exists it is returned as ``conflict`` — both stay, the new one shows.
        """
        data = _as_dict(section)
        section_id = str(data["id"])
        sources = [_as_dict(x) for x in data.get("sources") or []]
        findings = [_as_dict(x) for x in data.get("findings") or []]
        basis = [_as_dict(x) for x in data.get("basis") or []]
        for _attempt in range(_RETRIES):
            try:
                with self._writer.begin() as s:
                    # lock the draft's report first (the order every writer uses), then
                    # look at the draft again: a delete that held the lock is now visible
                    owner = s.scalar(select(DraftRow.report_id).where(DraftRow.id == draft_id))
                    report = self._lock_report(s, owner) if owner is not None else None
                    draft = s.get(DraftRow, draft_id) if report is not None else None
                    if draft is None:
                        raise InputError(f"草稿（编号{draft_id}）不存在，可能已随报告删除；请重新生成")
                    latest = self._latest_version_row(s, draft_id, section_id)
                    conflict = None
                    if latest is not None and base_version is not None and latest.version != base_version:
                        conflict = self._version(latest)
                    if position is None:
                        pos = latest.position if latest is not None else self._next_position(s, draft_id)
                    else:
                        pos = position
                    row = SectionVersionRow(
                        draft_id=draft_id,
                        section_id=section_id,
                        version=(latest.version if latest else 0) + 1,
                        position=pos,
                        level=int(data.get("level") or 1),
                        element=str(data.get("element") or ""),
                        heading=_clean(str(data.get("heading") or "")),
                        text=_clean(str(data.get("text") or "")),
                        kind=kind,
                        backend=str(data.get("backend") or ""),
                        instruction=_clean_opt(instruction if instruction is not None else data.get("instruction")),
                        sources_json=_dumps(sources),
                        findings_json=_dumps(findings),
                        basis_json=_dumps(basis),
                        status=str(data.get("status") or "ok"),
                        error=_clean_opt(redact(data["error"]) if data.get("error") else None),
                        base_version=base_version,
                        author=author,
                    )
                    s.add(row)
                    if report is not None:
                        report.updated_at = utcnow()
                    s.flush()
                    return VersionSaved(version=self._version(row), conflict=conflict)
            except IntegrityError:  # a concurrent writer took this number; take the next
                _backoff(_attempt)
        raise InputError("本节保存冲突过多，请稍后再试")

    def set_order(self, draft_id: int, order: Iterable[str]) -> None:
        """Record the reading order of a draft's sections (bookkeeping, not content)."""
        with self._writer.begin() as s:
            row = s.get(DraftRow, draft_id)
            if row is None:
                raise InputError(f"草稿（编号{draft_id}）不存在，请重新生成")
            row.order_json = _dumps([str(x) for x in order])

    def section_history(self, draft_id: int, section_id: str) -> list[SectionVersion]:
        """Every version of one section, newest first."""
        with self._session() as s:
            rows = s.scalars(
                select(SectionVersionRow)
                .where(SectionVersionRow.draft_id == draft_id, SectionVersionRow.section_id == section_id)
                .order_by(SectionVersionRow.version.desc())
            )
            return [self._version(r) for r in rows]

    def restore(self, draft_id: int, section_id: str, version: int, *, author: str = "") -> VersionSaved:
        """Make an earlier version current again, as a new version (history stays whole)."""
        with self._session() as s:
            old = s.scalar(
                select(SectionVersionRow).where(
                    SectionVersionRow.draft_id == draft_id,
                    SectionVersionRow.section_id == section_id,
                    SectionVersionRow.version == version,
                )
            )
            if old is None:
                raise InputError(f"本节没有第{version}版，请刷新版本列表")
            data = self._version(old).to_section_dict()
        data["instruction"] = None
        return self.add_section_version(
            draft_id, data, kind="restored", author=author, instruction=f"恢复第{version}版"
        )

    def get_draft(self, draft_id: int) -> StoredDraft | None:
        """A draft with the latest version of each section."""
        with self._session() as s:
            row = s.get(DraftRow, draft_id)
            if row is None:
                return None
            newest = (
                select(SectionVersionRow.section_id, func.max(SectionVersionRow.version).label("v"))
                .where(SectionVersionRow.draft_id == draft_id)
                .group_by(SectionVersionRow.section_id)
                .subquery()
            )
            rows = s.scalars(
                select(SectionVersionRow)
                .join(
                    newest,
                    (SectionVersionRow.section_id == newest.c.section_id)
                    & (SectionVersionRow.version == newest.c.v),
                )
                .where(SectionVersionRow.draft_id == draft_id)
                .order_by(SectionVersionRow.position, SectionVersionRow.id)
            )
            order = {sid: i for i, sid in enumerate(json.loads(row.order_json or "[]"))}
            versions = sorted(
                (self._version(r) for r in rows),
                key=lambda v: (order.get(v.section_id, len(order)), v.position, v.id),
            )
            return StoredDraft(
                id=row.id,
                report_id=row.report_id,
                title=row.title,
                outline=json.loads(row.outline_json) if row.outline_json else None,
                backend=row.backend,
                author=row.author,
                created_at=row.created_at,
                sections=versions,
            )

    def latest_draft(self, report_id: int) -> StoredDraft | None:
        """The report's newest draft, each section at its newest version."""
        with self._session() as s:
            draft_id = s.scalar(
                select(DraftRow.id).where(DraftRow.report_id == report_id).order_by(DraftRow.id.desc()).limit(1)
            )
        return self.get_draft(draft_id) if draft_id is not None else None

    def list_drafts(self, report_id: int) -> list[tuple[int, str, str, Any]]:
        """(id, backend, author, created_at) of every draft of a report, newest first."""
        with self._session() as s:
            rows = s.execute(
                select(DraftRow.id, DraftRow.backend, DraftRow.author, DraftRow.created_at)
                .where(DraftRow.report_id == report_id)
                .order_by(DraftRow.id.desc())
            )
            return [(int(r[0]), str(r[1]), str(r[2]), r[3]) for r in rows]

    # ---- helpers ------------------------------------------------------
    @staticmethod
    def _lock_report(s: Session, report_id: int) -> ReportRow | None:
        """The report row, locked for this transaction (FOR UPDATE; a no-op on SQLite)."""
        return s.get(ReportRow, report_id, with_for_update=True, populate_existing=True)

    @staticmethod
    def _title(unit: str, year: int | None) -> str:
        unit = (unit or "").strip()
        if unit and year:
            return f"{unit}{year}年度干部选拔任用工作报告"
        return unit

    def _rename(self, s: Session, report: ReportRow, unit: str, year: int | None) -> ReportInfo | None:
        key = report_key(unit, year)
        if key is None or key == report.key:
            if key is None:
                report.unit = unit.strip() or report.unit
            return None
        other = s.scalar(select(ReportRow).where(ReportRow.key == key, ReportRow.id != report.id))
        if other is not None:
            return self._info(s, other)
        report.key, report.unit, report.year = key, unit.strip(), year
        report.title = self._title(unit, year)
        return None

    @staticmethod
    def _latest_facts_row(s: Session, report_id: int) -> FactSheetRow | None:
        return s.scalar(
            select(FactSheetRow)
            .where(FactSheetRow.report_id == report_id)
            .order_by(FactSheetRow.revision.desc())
            .limit(1)
        )

    @staticmethod
    def _latest_version_row(s: Session, draft_id: int, section_id: str) -> SectionVersionRow | None:
        return s.scalar(
            select(SectionVersionRow)
            .where(SectionVersionRow.draft_id == draft_id, SectionVersionRow.section_id == section_id)
            .order_by(SectionVersionRow.version.desc())
            .limit(1)
        )

    @staticmethod
    def _next_position(s: Session, draft_id: int) -> int:
        current = s.scalar(
            select(func.max(SectionVersionRow.position)).where(SectionVersionRow.draft_id == draft_id)
        )
        return 0 if current is None else current + 1

    def _info(self, s: Session, row: ReportRow) -> ReportInfo:
        latest = self._latest_facts_row(s, row.id)
        drafts = s.scalar(select(func.count(DraftRow.id)).where(DraftRow.report_id == row.id)) or 0
        return ReportInfo(
            id=row.id,
            unit=row.unit,
            year=row.year,
            title=row.title,
            created_at=row.created_at,
            updated_at=row.updated_at,
            valid=bool(latest.valid) if latest else False,
            drafts=int(drafts),
        )

    @staticmethod
    def _facts(row: FactSheetRow) -> StoredFacts:
        return StoredFacts(
            report_id=row.report_id,
            revision=row.revision,
            data=json.loads(row.data_json),
            yaml=row.yaml,
            valid=row.valid,
            problems=[tuple(p) for p in json.loads(row.problems_json or "[]")],  # type: ignore[misc]
            author=row.author,
            created_at=row.created_at,
        )

    @staticmethod
    def _version(row: SectionVersionRow) -> SectionVersion:
        return SectionVersion(
            id=row.id,
            draft_id=row.draft_id,
            section_id=row.section_id,
            version=row.version,
            position=row.position,
            level=row.level,
            element=row.element,
            heading=row.heading,
            text=row.text,
            kind=row.kind,
            backend=row.backend,
            instruction=row.instruction,
            sources=json.loads(row.sources_json or "[]"),
            findings=json.loads(row.findings_json or "[]"),
            basis=json.loads(row.basis_json or "[]"),
            status=row.status,
            error=row.error,
            base_version=row.base_version,
            author=row.author,
            created_at=row.created_at,
        )


def open_repository(settings: Any) -> Repository:
    """The repository on ``settings.db_url`` (engine shared per process)."""
    return Repository.from_url(settings.db_url)
