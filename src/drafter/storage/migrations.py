"""Schema upgrades of existing databases: columns added since a table was first created.

``create_all`` creates missing tables but never changes an existing one, so a
column added later is listed here and added with ``ALTER TABLE … ADD COLUMN``
when a database that lacks it is opened. Every added column is nullable (no
default is written into old rows: an old row's ``NULL`` means "from before").

Safe on a live database: on PostgreSQL the check runs under the advisory lock
that guards table creation (:mod:`.engine`) and uses ``ADD COLUMN IF NOT EXISTS``;
on SQLite a second process that lost the race to add the same column finds it
there ("duplicate column") and carries on. Nothing is ever dropped or rewritten.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect
from sqlalchemy.exc import OperationalError, ProgrammingError

__all__ = ["ADDED_COLUMNS", "SCHEMA_LOCK", "upgrade"]

#: pg_advisory_xact_lock key held while creating or upgrading the tables ("drafter" in ASCII)
SCHEMA_LOCK = 0x6472616674657200

#: (table, column, SQL type) added after the table's first release
ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    # the account that created a review batch (team server); NULL = created before scoping
    ("review_batches", "owner", "TEXT"),
    # what each sentence of a section version rests on (the 事实依据表); NULL = saved before it
    ("section_versions", "basis_json", "TEXT"),
)


def upgrade(conn: Connection) -> list[str]:
    """Add every missing column of :data:`ADDED_COLUMNS`; returns ``table.column`` of those added."""
    added: list[str] = []
    inspector = inspect(conn)
    tables = set(inspector.get_table_names())
    for table, column, sql_type in ADDED_COLUMNS:
        if table not in tables:
            continue  # created later by create_all, with the column
        if column in {c["name"] for c in inspector.get_columns(table)}:
            continue
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f'ALTER TABLE {table} ADD COLUMN IF NOT EXISTS "{column}" {sql_type}')
        else:
            try:
                conn.exec_driver_sql(f'ALTER TABLE {table} ADD COLUMN "{column}" {sql_type}')
            except (OperationalError, ProgrammingError) as err:
                if "duplicate column" not in str(err).lower():
                    raise
        added.append(f"{table}.{column}")
    return added
