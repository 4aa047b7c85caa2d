"""Queries are cut through jieba's dictionary on disk exactly as through the one in memory,
and a warm `drafter draft` neither loads that dictionary nor imports the openai SDK."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from drafter.kb.bm25 import Tokenizer
from drafter.kb.lexicon import DiskLexicon
from drafter.settings import REPO_ROOT, Settings


def _texts() -> list[str]:
    """Every paragraph and sentence of the sample reports and policies, plus odd strings."""
    out: list[str] = []
    for path in sorted((REPO_ROOT / "knowledge").rglob("*.txt")):
        paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").splitlines() if p.strip()]
        out += paragraphs + [s for p in paragraphs for s in p.split("。") if s]
    return out + ["凡提四必 带病提拔 一报告两评议", "XX市*人**同志", "ABC 2025年 第X次", "㐀㐁𠀀 混合 English words"]


def test_lexicon_cuts_every_text_as_the_dictionary_does(tmp_path: Path) -> None:
    full = Tokenizer()
    disk = Tokenizer()
    disk.attach_lexicon(tmp_path / "lexicon.sqlite")
    assert disk.has_lexicon and (tmp_path / "lexicon.sqlite").is_file()
    disk._full = None  # writing the file loaded the dictionary; cut through the file only  # noqa: SLF001
    texts = [t for t in _texts() if len(t) <= Tokenizer.SHORT]
    assert len(texts) > 400
    different = [t for t in texts if disk.tokenize(t) != full.tokenize(t)]
    assert different == []
    assert disk._full is None  # noqa: SLF001 — no text here needed the dictionary in memory
    # a text longer than SHORT is bulk work: the dictionary is loaded for it
    long = "".join(texts)[: Tokenizer.SHORT + 10]
    assert disk.tokenize(long) == full.tokenize(long) and disk._full is not None  # noqa: SLF001


def test_a_stale_or_foreign_lexicon_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.sqlite"
    Tokenizer().attach_lexicon(path)
    assert DiskLexicon.open(path, "another-signature") is None
    path.write_bytes(b"not a database")
    assert DiskLexicon.open(path, "x") is None
    tok = Tokenizer()
    tok.attach_lexicon(path)  # rewritten for this tokenizer
    assert tok.has_lexicon and tok.tokenize("防止带病提拔") == Tokenizer().tokenize("防止带病提拔")


_PROBE = r"""
import json, sys
from drafter.cli import main
from drafter.kb import bm25
code = main(sys.argv[1:])
tok = bm25.get_tokenizer()
print(json.dumps({"code": code, "dictionary_loaded": tok._full is not None, "lexicon": tok.has_lexicon,
                  "openai": "openai" in sys.modules}), file=sys.stderr)
"""


def test_warm_draft_cuts_queries_without_loading_the_dictionary(bundled_index, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    indexed, _ = bundled_index
    home = tmp_path / "home"
    shutil.copytree(indexed.index_dir, Settings(home=home).index_dir)
    env = dict(os.environ, DRAFTER_HOME=str(home))
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "src"), env.get("PYTHONPATH", "")])
    seen = []
    for i in range(2):  # the first run may write the lexicon; the second finds it
        out = subprocess.run(
            [sys.executable, "-c", _PROBE, "draft", "examples/facts.yaml", "-o", str(tmp_path / f"d{i}.md")],
            env=env, capture_output=True, text=True, timeout=300, cwd=REPO_ROOT,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        seen.append(json.loads(out.stderr.strip().splitlines()[-1]))
    assert seen[1] == {"code": 0, "dictionary_loaded": False, "lexicon": True, "openai": False}, seen
    assert (tmp_path / "d0.md").read_text(encoding="utf-8") == (tmp_path / "d1.md").read_text(encoding="utf-8")
