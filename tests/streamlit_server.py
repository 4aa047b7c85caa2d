"""`streamlit run app.py` on a free loopback port, and the Debian chromium flags, for browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

__all__ = ["ARGS", "CHROMIUM", "AppAddress", "open_expander", "require_chromium", "serve_app", "wait_idle"]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    """Skip without /usr/bin/chromium; under CI=true fail instead."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but /usr/bin/chromium is missing: apt-get install -y chromium")
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)")


class AppAddress(str):
    """The app's URL, with its process (a test may stop it to see the connection-lost message)."""

    proc: subprocess.Popen  # type: ignore[type-arg]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"streamlit exited early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"streamlit did not come up:\n{log.read_text(errors='replace')}")


@contextmanager
def serve_app(repo_root: Path, home: Path, log: Path, script: str = "app.py", **env_extra: str) -> Iterator[AppAddress]:
    """Run *script* (the app, or the team server ``server.py``) with DRAFTER_HOME=*home* (and
    *env_extra*); yields its URL (with ``.proc``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAFTER_")}
    env["DRAFTER_HOME"] = str(home)
    env.update(env_extra)
    port = _free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port)],
            cwd=repo_root, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = AppAddress(f"http://127.0.0.1:{port}")
    url.proc = proc
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_idle(page) -> None:  # type: ignore[no-untyped-def]
    """Until the app is not running a script (a click during a run may be lost)."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=120_000)


def open_expander(page, title: str, inside) -> None:  # type: ignore[no-untyped-def]
    """Open the expander titled *title* until *inside* (a locator in it) is visible: a click that
    lands just as a run starts is dropped by the app (a writer clicks again), so up to three tries."""
    from playwright.sync_api import expect

    for attempt in range(3):
        if page.locator("[data-testid=stExpander] details[open]", has_text=title).count() == 0:
            page.get_by_text(title, exact=False).first.click()
        try:
            expect(inside).to_be_visible(timeout=30_000)
            return
        except AssertionError:
            if attempt == 2:
                raise
            wait_idle(page)
