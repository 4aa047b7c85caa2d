"""A real, throwaway PostgreSQL cluster on 127.0.0.1 for tests (no network beyond loopback).

``PostgresServer.start()`` finds ``initdb``/``pg_ctl`` under
``/usr/lib/postgresql/*/bin`` (Debian's ``postgresql`` package), creates a data
directory in a fresh temp dir, runs ``initdb -A trust`` and starts the server on a
free port, listening only on 127.0.0.1 and a Unix socket inside the temp dir.
PostgreSQL refuses to run as root, so when the tests run as root (CI) every server
command runs as the ``postgres`` system user through ``runuser``.

``find_binaries()`` returns None when the server is not installed; the fixture in
``tests/app/conftest.py`` then skips, or fails when ``CI=true``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

__all__ = ["PostgresServer", "find_binaries"]

#: durability is pointless for a throwaway cluster; these make it start and write fast
_SERVER_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"


def _version_key(path: str) -> tuple[int, ...]:
    parts = Path(path).parent.name.split(".")
    return tuple(int(p) for p in parts if p.isdigit())


def find_binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding initdb and pg_ctl, or None."""
    candidates = [
        d for d in glob.glob("/usr/lib/postgresql/*/bin")
        if os.access(os.path.join(d, "initdb"), os.X_OK) and os.access(os.path.join(d, "pg_ctl"), os.X_OK)
    ]
    if not candidates:
        return None
    return Path(max(candidates, key=_version_key))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """One throwaway cluster; ``url(db)`` gives a SQLAlchemy URL for a database on it."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="drafter-pg-"))
        self.datadir = self.root / "data"
        self.sockdir = self.root / "sock"
        self.port = 0
        self._as_postgres = os.geteuid() == 0
        self._started = False

    # ---- running commands ---------------------------------------------
    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=120, cwd=self.root)
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(cmd)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
            )
        return result

    # ---- life cycle ---------------------------------------------------
    def start(self) -> PostgresServer:
        """initdb, then start on a free loopback port (retried if the port was taken)."""
        self.sockdir.mkdir()
        if self._as_postgres:
            pw = pwd.getpwnam("postgres")
            for path in (self.root, self.sockdir):
                os.chown(path, pw.pw_uid, pw.pw_gid)
        self._run("initdb", "-D", str(self.datadir), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        last: Exception | None = None
        for _attempt in range(3):
            self.port = _free_port()
            options = f"-k {self.sockdir} -p {self.port} -h 127.0.0.1 {_SERVER_OPTIONS}"
            try:
                self._run("pg_ctl", "-D", str(self.datadir), "-o", options,
                          "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")
                self._started = True
                return self
            except RuntimeError as err:  # most likely the port was taken meanwhile
                last = err
        raise RuntimeError(f"PostgreSQL did not start:\n{last}\n{self.log()}")

    def stop(self) -> None:
        """Stop the server and delete its files."""
        try:
            if self._started:
                self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
                self._started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # ---- databases ----------------------------------------------------
    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """Create a database (a fresh uniquely named one by default); returns its URL."""
        import psycopg

        name = name or f"drafter_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
