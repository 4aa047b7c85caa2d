"""Saved review batches: runs, reports as reviewed, 已复核 marks with notes.

A *batch* is what a reviewer works on (e.g. “2025年度各单位报告”). Each review of it
is a *run* (appended, numbered 1, 2, …) holding one row per report with the row's
data, findings and text, so the reviewer can come back to it and a re-run after units
resubmit shows what changed since the last run (:meth:`ReviewStore.changes`).
已复核 marks are appended too (the newest per file counts) and remember the text they
were made on, so a mark on a report that was resubmitted since shows as out of date.

Same tables on SQLite and PostgreSQL (SQLAlchemy, on the engine of
:mod:`drafter.storage.engine`); they are created on first use.

>>> store = ReviewStore(get_engine(url))                       # doctest: +SKIP
>>> batch = store.create_batch("2025年度各单位报告")             # doctest: +SKIP
>>> run = store.save_run(batch.id, review_path("报告.zip"))     # doctest: +SKIP
>>> store.mark(batch.id, "001_某局.docx", True, note="已电话核实")  # doctest: +SKIP
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    UniqueConstraint,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from ..errors import InputError
from .migrations import SCHEMA_LOCK, upgrade
from .models import Base, PlainText, utcnow

__all__ = [
    "BatchInfo",
    "Change",
    "Mark",
    "ReviewStore",
    "StoredRun",
]

_NO_REUSE = {"sqlite_autoincrement": True}


class ReviewBatchRow(Base):
    __tablename__ = "review_batches"
    __table_args__ = (_NO_REUSE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(PlainText, default="")
    author: Mapped[str] = mapped_column(PlainText, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: the account (login name) that created the batch on a team server; None: created
    #: locally or before batches had owners (added by :mod:`.migrations`)
    owner: Mapped[str | None] = mapped_column(PlainText, nullable=True)


class ReviewRunRow(Base):
    __tablename__ = "review_runs"
    __table_args__ = (UniqueConstraint("batch_id", "run_no"), _NO_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("review_batches.id", ondelete="CASCADE"), index=True)
    run_no: Mapped[int] = mapped_column(Integer)
    pairs_json: Mapped[str] = mapped_column(PlainText, default="[]")
    skipped_json: Mapped[str] = mapped_column(PlainText, default="[]")
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    author: Mapped[str] = mapped_column(PlainText, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ReviewItemRow(Base):
    __tablename__ = "review_items"
    __table_args__ = (UniqueConstraint("run_id", "file"), _NO_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("review_runs.id", ondelete="CASCADE"), index=True)
    file: Mapped[str] = mapped_column(PlainText)
    unit: Mapped[str] = mapped_column(PlainText, default="")
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(PlainText, default="")
    text_hash: Mapped[str] = mapped_column(PlainText, default="")
    row_json: Mapped[str] = mapped_column(PlainText, default="{}")
    text: Mapped[str] = mapped_column(PlainText, default="")
    previous_text: Mapped[str] = mapped_column(PlainText, default="")


class ReviewMarkRow(Base):
    __tablename__ = "review_marks"
    __table_args__ = (_NO_REUSE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("review_batches.id", ondelete="CASCADE"), index=True)
    file: Mapped[str] = mapped_column(PlainText)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(PlainText, default="")
    text_hash: Mapped[str] = mapped_column(PlainText, default="")
    author: Mapped[str] = mapped_column(PlainText, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


_TABLES = [ReviewBatchRow.__table__, ReviewRunRow.__table__, ReviewItemRow.__table__,
           ReviewMarkRow.__table__]  # type: ignore[list-item]


@dataclass(frozen=True)
class BatchInfo:
    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    runs: int = 0
    reports: int = 0
    author: str = ""
    owner: str | None = None


@dataclass(frozen=True)
class Mark:
    file: str
    reviewed: bool
    note: str
    author: str
    created_at: datetime
    text_hash: str = ""


@dataclass(frozen=True)
class Change:
    """What happened to one file between the last two runs."""

    file: str
    kind: str  # new | removed | changed | same
    status_before: str | None = None
    status_after: str | None = None
    findings_before: int = 0
    findings_after: int = 0

    @property
    def summary(self) -> str:
        """Chinese, for the table's 变化 column."""
        if self.kind == "new":
            return "新增"
        if self.kind == "removed":
            return "本次未提交"
        if self.kind == "same":
            return "未变"
        parts = ["已重新提交"]
        if self.status_before != self.status_after:
            parts.append(f"{self.status_before}→{self.status_after}")
        delta = self.findings_after - self.findings_before
        if delta:
            parts.append(f"问题{'+' if delta > 0 else ''}{delta}")
        return "，".join(parts)


@dataclass
class StoredRun:
    batch_id: int
    run_no: int
    created_at: datetime
    reports: list[dict[str, Any]]
    pairs: list[dict[str, Any]]
    skipped: list[dict[str, str]]
    texts: dict[str, str] = field(default_factory=dict, repr=False)
    previous_texts: dict[str, str] = field(default_factory=dict, repr=False)

    def result(self) -> Any:
        """The run as a :class:`~drafter.review.batch.BatchResult` (texts included)."""
        from ..review.batch import BatchResult, ReviewedReport

        rows = []
        for d in self.reports:
            r = ReviewedReport.from_dict(d)
            r.text = self.texts.get(r.file, "")
            r.previous_text = self.previous_texts.get(r.file, "")
            rows.append(r)
        return BatchResult(rows, list(self.pairs), list(self.skipped))


class ReviewStore:
    """Batches, runs and marks on one engine (tables created on first use)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            Base.metadata.create_all(conn, tables=_TABLES)  # type: ignore[arg-type]
            upgrade(conn)  # an existing database gets the columns added since (owner)
        self._session = sessionmaker(engine, expire_on_commit=False)
        self._writer = sessionmaker(engine.execution_options(drafter_write=True), expire_on_commit=False)

    # ---- batches -------------------------------------------------------
    def create_batch(self, name: str, *, author: str = "", owner: str | None = None) -> BatchInfo:
        """A new batch; ``author`` is the name shown, ``owner`` the account that created it."""
        name = (name or "").strip()
        if not name:
            raise InputError("请给这批报告起个名字（如“2025年度各单位报告”）")
        with self._writer.begin() as s:
            row = ReviewBatchRow(name=name.replace("\x00", ""), author=author, owner=owner)
            s.add(row)
            s.flush()
            return BatchInfo(row.id, row.name, row.created_at, row.updated_at, author=row.author, owner=row.owner)

    def list_batches(self) -> list[BatchInfo]:
        """Every batch, most recently used first, with its number of runs and reports."""
        with self._session() as s:
            runs = dict(s.execute(
                select(ReviewRunRow.batch_id, func.max(ReviewRunRow.run_no)).group_by(ReviewRunRow.batch_id)
            ).all())
            out = []
            for row in s.scalars(select(ReviewBatchRow).order_by(ReviewBatchRow.updated_at.desc())):
                n = 0
                if runs.get(row.id):
                    n = s.scalar(
                        select(func.count(ReviewItemRow.id)).join(ReviewRunRow)
                        .where(ReviewRunRow.batch_id == row.id, ReviewRunRow.run_no == runs[row.id])
                    ) or 0
                out.append(BatchInfo(row.id, row.name, row.created_at, row.updated_at, runs.get(row.id) or 0, n,
                                     author=row.author, owner=row.owner))
            return out

    def owner_of(self, batch_id: int) -> tuple[bool, str | None]:
        """``(exists, owner account)`` of a batch, without loading its runs."""
        with self._session() as s:
            row = s.get(ReviewBatchRow, batch_id)
            return (row is not None, row.owner if row is not None else None)

    def get_batch(self, batch_id: int) -> BatchInfo | None:
        return next((b for b in self.list_batches() if b.id == batch_id), None)

    def delete_batch(self, batch_id: int) -> None:
        """Remove a batch with its runs and marks."""
        with self._writer.begin() as s:
            run_ids = select(ReviewRunRow.id).where(ReviewRunRow.batch_id == batch_id)
            s.execute(delete(ReviewItemRow).where(ReviewItemRow.run_id.in_(run_ids)))
            s.execute(delete(ReviewRunRow).where(ReviewRunRow.batch_id == batch_id))
            s.execute(delete(ReviewMarkRow).where(ReviewMarkRow.batch_id == batch_id))
            s.execute(delete(ReviewBatchRow).where(ReviewBatchRow.id == batch_id))

    # ---- runs ----------------------------------------------------------
    def save_run(self, batch_id: int, result: Any, *, author: str = "") -> int:
        """Append a run of the batch (every report with its text); returns its number."""
        for _attempt in range(10):
            try:
                with self._writer.begin() as s:
                    batch = s.get(ReviewBatchRow, batch_id, with_for_update=True)
                    if batch is None:
                        raise InputError(f"找不到审核批次 {batch_id}")
                    last = s.scalar(select(func.max(ReviewRunRow.run_no)).where(ReviewRunRow.batch_id == batch_id))
                    run = ReviewRunRow(
                        batch_id=batch_id, run_no=(last or 0) + 1, author=author,
                        pairs_json=json.dumps(result.pairs, ensure_ascii=False),
                        skipped_json=json.dumps(result.skipped, ensure_ascii=False),
                        seconds=int(getattr(result, "seconds", 0) or 0),
                    )
                    s.add(run)
                    s.flush()
                    for r in result.reports:
                        s.add(ReviewItemRow(
                            run_id=run.id, file=r.file, unit=r.unit or "", year=r.year, status=r.status,
                            text_hash=r.text_hash, text=r.text, previous_text=r.previous_text,
                            row_json=json.dumps(r.to_dict(), ensure_ascii=False, default=str),
                        ))
                    batch.updated_at = utcnow()
                    return run.run_no
            except IntegrityError:
                continue
        raise InputError("保存审核结果冲突过多，请稍后再试")

    def runs(self, batch_id: int) -> list[tuple[int, datetime]]:
        with self._session() as s:
            return [(r.run_no, r.created_at) for r in s.scalars(
                select(ReviewRunRow).where(ReviewRunRow.batch_id == batch_id).order_by(ReviewRunRow.run_no)
            )]

    def load_run(self, batch_id: int, run_no: int | None = None) -> StoredRun | None:
        """A run (the latest by default) with every report's row and text."""
        with self._session() as s:
            q = select(ReviewRunRow).where(ReviewRunRow.batch_id == batch_id)
            q = q.where(ReviewRunRow.run_no == run_no) if run_no else q.order_by(ReviewRunRow.run_no.desc())
            run = s.scalars(q.limit(1)).first()
            if run is None:
                return None
            items = list(s.scalars(select(ReviewItemRow).where(ReviewItemRow.run_id == run.id).order_by(ReviewItemRow.id)))
            return StoredRun(
                batch_id, run.run_no, run.created_at,
                [json.loads(i.row_json) for i in items],
                json.loads(run.pairs_json), json.loads(run.skipped_json),
                {i.file: i.text for i in items},
                {i.file: i.previous_text for i in items},
            )

    def changes(self, batch_id: int, run_no: int | None = None) -> dict[str, Change]:
        """Per file, what changed in run ``run_no`` (the latest) since the run before it."""
        with self._session() as s:
            q = select(ReviewRunRow).where(ReviewRunRow.batch_id == batch_id).order_by(ReviewRunRow.run_no.desc())
            runs = list(s.scalars(q))
            if run_no:
                runs = [r for r in runs if r.run_no <= run_no]
            if not runs:
                return {}

            def items(run: ReviewRunRow) -> dict[str, ReviewItemRow]:
                return {i.file: i for i in s.scalars(select(ReviewItemRow).where(ReviewItemRow.run_id == run.id))}

            after = items(runs[0])
            before = items(runs[1]) if len(runs) > 1 else None
            out: dict[str, Change] = {}
            if before is None:
                return out

            def n_findings(i: ReviewItemRow) -> int:
                return len(json.loads(i.row_json).get("findings") or [])

            for f, a in after.items():
                b = before.get(f)
                if b is None:
                    out[f] = Change(f, "new", None, a.status, 0, n_findings(a))
                elif b.text_hash != a.text_hash:
                    out[f] = Change(f, "changed", b.status, a.status, n_findings(b), n_findings(a))
                else:
                    out[f] = Change(f, "same", b.status, a.status, n_findings(b), n_findings(a))
            for f, b in before.items():
                if f not in after:
                    out[f] = Change(f, "removed", b.status, None, n_findings(b), 0)
            return out

    # ---- marks ---------------------------------------------------------
    def mark(self, batch_id: int, file: str, reviewed: bool, *, note: str = "", text_hash: str = "",
             author: str = "") -> Mark:
        """Mark a report 已复核 (or take the mark back) with a note; appended, the newest counts."""
        with self._writer.begin() as s:
            if s.get(ReviewBatchRow, batch_id) is None:
                raise InputError(f"找不到审核批次 {batch_id}")
            row = ReviewMarkRow(batch_id=batch_id, file=file, reviewed=bool(reviewed),
                                note=(note or "").replace("\x00", ""), text_hash=text_hash, author=author)
            s.add(row)
            s.flush()
            return Mark(row.file, row.reviewed, row.note, row.author, row.created_at, row.text_hash)

    def marks(self, batch_id: int) -> dict[str, Mark]:
        """The newest mark of each file."""
        with self._session() as s:
            out: dict[str, Mark] = {}
            for row in s.scalars(select(ReviewMarkRow).where(ReviewMarkRow.batch_id == batch_id)
                                 .order_by(ReviewMarkRow.id)):
                out[row.file] = Mark(row.file, row.reviewed, row.note, row.author, row.created_at, row.text_hash)
            return out
