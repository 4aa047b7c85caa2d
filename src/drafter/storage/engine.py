"""The database engine: one per URL per process, tables created on first use.

SQLite (the default, ``drafter.db`` in ``DRAFTER_HOME``) runs in WAL mode with a
busy timeout, and write transactions begin IMMEDIATE, so several app sessions
queue for the one write lock instead of racing. (A deferred transaction that reads
and then writes cannot wait: SQLite answers “database is locked” at once when
another connection wrote since its read began; so every transaction that writes
is begun as a writer — ``writer_sessions`` —, the tables are created in one, and
:func:`retry_locked` repeats the few operations fifty sign-ins at once could still
collide on.)

``DRAFTER_DATABASE_URL`` may point at PostgreSQL for a team
(``postgresql+psycopg://user@host/db``; a bare ``postgresql://`` or ``postgres://``
URL is taken to mean the psycopg 3 driver, ``pip install -e '.[postgres]'``).
There, writers lock the report row they change (``SELECT … FOR UPDATE``, see
repository.py) and unique constraints back every numbering, and the tables are
created under an advisory lock so app processes starting together do not collide.
Columns added in later releases are added to an existing database when it is
opened (:mod:`.migrations`).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from ..errors import ConfigError
from . import account_models as _account_models  # noqa: F401  (registers the team-server tables)
from . import review_store as _review_store  # noqa: F401  (registers the review tables)
from .migrations import SCHEMA_LOCK, upgrade
from .models import Base

__all__ = ["dispose_engines", "get_engine", "is_locked", "retry_locked", "writer_engine"]

_T = TypeVar("_T")

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()
_SCHEMA_LOCK = SCHEMA_LOCK


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.isolation_level = None  # transactions are begun by _sqlite_begin below
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")  # first: switching to WAL may have to wait for others
    for attempt in range(20):
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            break
        except Exception as err:  # noqa: BLE001 - sqlite3.OperationalError, from the DB-API
            if "locked" not in str(err) or attempt == 19:
                raise
            time.sleep(0.05 + random.random() * 0.1)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def is_locked(err: BaseException) -> bool:
    """Whether ``err`` is SQLite's “database is locked” / “busy” (worth trying again)."""
    text = str(getattr(err, "orig", err)).lower()
    return isinstance(err, OperationalError) and ("database is locked" in text or "busy" in text)


def retry_locked(fn: Callable[[], _T], *, attempts: int = 8) -> _T:
    """``fn()``, tried again (with a short random pause) while SQLite says the database is locked."""
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as err:
            if not is_locked(err) or attempt == attempts - 1:
                raise
            time.sleep(min(1.0, 0.02 * 2**attempt) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def writer_engine(engine: Engine) -> Engine:
    """``engine`` whose transactions begin as writers (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(drafter_write=True)


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # writers take the write lock up front (BEGIN IMMEDIATE): read-then-append is atomic,
    # so concurrent sessions queue (busy timeout) instead of racing for a version number
    immediate = conn.get_execution_options().get("drafter_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _normalise(parsed: URL) -> URL:
    """``postgres://`` and ``postgresql://`` mean psycopg 3 (SQLAlchemy would pick psycopg2)."""
    if parsed.drivername in ("postgres", "postgresql"):
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def _create_tables(engine: Engine) -> None:
    # a writer from the start: four processes opening a fresh home must queue, not collide
    with writer_engine(engine).begin() as conn:
        if engine.dialect.name == "postgresql":
            # two app processes starting on an empty database would both CREATE TABLE
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        Base.metadata.create_all(conn)
        upgrade(conn)  # columns added since an existing database was created


def _create(url: str) -> Engine:
    try:
        parsed = _normalise(make_url(url))
    except ArgumentError:
        raise ConfigError(
            "数据库地址无法识别，请检查 DRAFTER_DATABASE_URL"
            "（如 postgresql+psycopg://用户@主机/数据库，或不设置以使用本机 SQLite）"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:":
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        try:
            engine = create_engine(parsed, pool_pre_ping=True)
        except (ImportError, ArgumentError) as err:  # the database driver is not installed
            hint = "pip install -e '.[postgres]'" if parsed.get_backend_name() == "postgresql" else "安装对应驱动"
            raise ConfigError(
                f"无法连接数据库（{parsed.drivername}）：缺少数据库驱动（{err}）；请运行 {hint}"
            ) from None
    try:
        retry_locked(lambda: _create_tables(engine))
    except OperationalError as err:
        engine.dispose()
        raise ConfigError(
            f"无法打开数据库 {parsed.render_as_string(hide_password=True)}：{err.orig}；"
            "请检查 DRAFTER_HOME 或 DRAFTER_DATABASE_URL，以及数据库服务是否已启动"
        ) from None
    return engine


def get_engine(url: str) -> Engine:
    """The engine for ``url``, created once per process (thread-safe)."""
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _ENGINES[url] = _create(url)
        return engine


def dispose_engines() -> None:
    """Close every engine (tests, process shutdown)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()
