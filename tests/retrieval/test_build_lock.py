"""The index build lock is a file lock in the data folder: two processes building (or
opening) the same DRAFTER_HOME wait for each other.

One real process holds :func:`build_lock`; a second one — ``drafter index`` or the
app's way of opening the index (:func:`open_retriever`) — must be seen blocked on the
lock file in ``/proc/locks`` and finish only after the first lets go.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drafter.settings import REPO_ROOT

pytestmark = pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks")

HOLD = """
import sys
from pathlib import Path
from drafter.kb.indexer import build_lock
from drafter.settings import Settings
with build_lock(Settings(home=Path(sys.argv[1]))):
    print("held", flush=True)
    sys.stdin.readline()
"""

OPEN = """
import sys
from pathlib import Path
from drafter.kb.retrieval import open_retriever
from drafter.settings import Settings
print("chunks", open_retriever(Settings(home=Path(sys.argv[1]))).store.count(), flush=True)
"""


@pytest.fixture
def home(bundled_index, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A data folder holding a complete index (a copy of the session's)."""
    indexed, _retriever = bundled_index
    h = tmp_path / "home"
    shutil.copytree(indexed.index_dir, h / "index")
    return h


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAFTER_")}
    env["DRAFTER_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT), env.get("PYTHONPATH", "")])
    return env


def _blocked_on(pid: int, lock_file: Path) -> bool:
    """Whether process ``pid`` waits for the flock on ``lock_file`` (a ``->`` line in /proc/locks)."""
    inode = os.stat(lock_file).st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields and "FLOCK" in fields:
            rest = fields[fields.index("->") + 1:]
            if len(rest) >= 5 and rest[3] == str(pid) and rest[4].rsplit(":", 1)[-1] == str(inode):
                return True
    return False


def _waits_for_the_holder(home: Path, cmd: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` while another process holds the lock: it must block on it, then finish after."""
    env = _env(home)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(home)], env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held", holder.stderr
        other = subprocess.Popen(cmd, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 300  # start-up (imports, the model) on a loaded machine
        while not _blocked_on(other.pid, home / ".index.lock"):
            if other.poll() is not None:
                out, err = other.communicate()
                pytest.fail(f"{' '.join(cmd[1:3])[:40]!r} ran while another process held the build lock:\n{out[-800:]}\n{err[-800:]}")
            assert time.monotonic() < deadline, "the second process neither blocked nor finished"
            time.sleep(0.1)
        assert other.poll() is None  # still waiting
        holder.stdin.write("\n")  # type: ignore[union-attr]
        holder.stdin.flush()  # type: ignore[union-attr]
        assert holder.wait(timeout=60) == 0
        out, err = other.communicate(timeout=300)
        return subprocess.CompletedProcess(cmd, other.returncode, out, err)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_drafter_index_waits_for_a_build_in_another_process(home: Path) -> None:
    run = _waits_for_the_holder(home, [sys.executable, "-m", "drafter", "index"])
    assert run.returncode == 0, run.stderr[-2000:]
    assert "未变 (unchanged)" in run.stdout


def test_opening_the_index_waits_for_a_build_in_another_process(home: Path) -> None:
    run = _waits_for_the_holder(home, [sys.executable, "-c", OPEN, str(home)])
    assert run.returncode == 0, run.stderr[-2000:]
    assert int(run.stdout.split()[-1]) > 0  # the finished index, searchable
