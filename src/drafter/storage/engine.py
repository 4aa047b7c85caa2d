"""The database engine: one per URL per process, tables created on first use.

SQLite (the default, ``drafter.db`` in ``DRAFTER_HOME``) runs in WAL mode with a
busy timeout so several app sessions can write at once; ``DRAFTER_DATABASE_URL``
may point at PostgreSQL for a team.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from ..errors import ConfigError
from .models import Base

__all__ = ["dispose_engines", "get_engine"]

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.isolation_level = None  # transactions are begun by _sqlite_begin below
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # writers take the write lock up front (BEGIN IMMEDIATE): read-then-append is atomic,
    # so concurrent sessions queue (busy timeout) instead of racing for a version number
    immediate = conn.get_execution_options().get("drafter_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _create(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"数据库地址“{url}”无法识别，请检查 DRAFTER_DATABASE_URL（如 postgresql+psycopg://…）"
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
            engine = create_engine(url, pool_pre_ping=True)
        except ImportError as err:  # the database driver is not installed
            raise ConfigError(f"无法连接数据库（{parsed.get_backend_name()}）：{err}") from None
    try:
        Base.metadata.create_all(engine)
    except OperationalError as err:
        raise ConfigError(f"无法打开数据库：{err.orig}；请检查 DRAFTER_HOME 或 DRAFTER_DATABASE_URL") from None
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
