"""Helpers of the hostile-input suite: every case runs in a subprocess under time and memory limits.

:func:`run_limited` starts ``python -m drafter …`` (or any Python snippet) with
``resource.setrlimit`` capping its address space and CPU time, a wall-clock
timeout, and reports the child's peak resident memory and elapsed time, so each
test asserts that hostile input is refused (or handled) *within bounds*, not just
eventually.
"""

from __future__ import annotations

import importlib.util
import io
import os
import resource
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
SRC = TESTS.parent / "src"


def _load_helper(name: str):  # type: ignore[no-untyped-def]
    path = TESTS / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return sys.modules[name]


openai_server = _load_helper("openai_server")
streamlit_server = _load_helper("streamlit_server")

#: Runs drafter's CLI, then reports peak memory on a line of its own on stderr.
_LAUNCHER = """
import os, resource, runpy, sys
script = os.environ.pop("HOSTILE_SCRIPT", "")
sys.argv = [script or "drafter"] + sys.argv[1:]
try:
    if script:
        runpy.run_path(script, run_name="__main__")
    else:
        runpy.run_module("drafter", run_name="__main__")
finally:
    # VmHWM belongs to this program's own address space (a fresh one since exec); ru_maxrss
    # would carry over the RSS of the forking test process
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        pass
    sys.stderr.write("\\n@@maxrss_kb=%d\\n" % peak)
"""


@dataclass
class Limited:
    """What a limited run did: exit code, output, peak resident memory (MB), seconds."""

    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_limited(
    args: list[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    mem_mb: int = 2500,
    cpu_s: int | None = None,
    stdin: bytes | None = None,
    code: str | None = None,
    script: Path | None = None,
) -> Limited:
    """``drafter args`` (or ``script args``, or ``python -c code args``) under an address-space and CPU limit."""

    def limits() -> None:
        cap = mem_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        cpu = int(cpu_s or timeout) + 5
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))

    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS.parent)]), **(env or {})}
    full_env.setdefault("DRAFTER_BACKEND", "composer")
    if script is not None:
        full_env["HOSTILE_SCRIPT"] = str(script)
    start = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code or _LAUNCHER, *args],
            input=stdin,
            capture_output=True,
            env=full_env,
            timeout=timeout,
            preexec_fn=limits,
        )
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"drafter {' '.join(args)[:200]} ran past {timeout} s (output: {(err.stderr or b'')[-500:]!r})")
    seconds = time.monotonic() - start
    stderr = proc.stderr.decode("utf-8", "replace")
    peak = 0.0
    if "@@maxrss_kb=" in stderr:
        stderr, _, tail = stderr.rpartition("@@maxrss_kb=")
        first, _, rest = tail.partition("\n")
        peak = int(first.strip() or 0) / 1024
        stderr = stderr.rstrip("\n") + ("\n" + rest if rest.strip() else "")
    return Limited(proc.returncode, proc.stdout.decode("utf-8", "replace"), stderr, peak, seconds)


SECRET = "sk-hostile-Key-0123456789abcdef"


def files_containing(root: Path, needle: bytes) -> list[Path]:
    """Every file under ``root`` whose bytes contain ``needle``."""
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def write_docx(path: Path, lines: list[str]) -> Path:
    """A real .docx (python-docx's own template) with one paragraph per line.

    The body XML is written directly: python-docx's ``add_paragraph`` grows slower
    with every paragraph, which would make a 100,000-paragraph input take minutes.
    """
    from xml.sax.saxutils import escape

    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    template = zipfile.ZipFile(buf)
    xml = template.read("word/document.xml").decode("utf-8")
    body = "".join(f"<w:p><w:r><w:t>{escape(line)}</w:t></w:r></w:p>" for line in lines)
    xml = xml.replace("<w:body>", "<w:body>" + body, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in template.infolist():
            out.writestr(info.filename, xml if info.filename == "word/document.xml" else template.read(info))
    return path
