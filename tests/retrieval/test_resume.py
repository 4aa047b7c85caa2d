"""An index build killed halfway resumes from what it committed and ends up equal to a clean build.

"Equal" means the same chunks, texts and metadata, and vectors that mean the same
(cosine >= 0.999). Vectors are never compared bit for bit: the clean build takes the
shipped vectors (``knowledge/vectors.npz``, computed on the machine that wrote them)
while the killed build embeds on this CPU, and another instruction set (AVX-512, AVX2,
NEON) gives differences of about 1e-4 in single components.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from drafter.kb.indexer import index_complete, index_knowledge
from drafter.kb.retrieval import open_retriever
from drafter.kb.store import open_store
from drafter.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.slow

_DONE = re.compile(r"嵌入段落 \(embedding\) (?:\|[^|]*\| )?(\d+)/(\d+)")  # bar (terminal) or plain line (pipe)


def _dump(settings: Settings) -> dict[str, tuple[str, dict[str, object], np.ndarray]]:
    client = chromadb.PersistentClient(
        path=str(settings.index_dir), settings=ChromaSettings(anonymized_telemetry=False)
    )
    got = client.get_collection(settings.collection).get(
        include=["documents", "metadatas", "embeddings"]
    )
    return {
        i: (d, dict(m), np.asarray(e))
        for i, d, m, e in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)
    }


def _kill_midway(home: Path, at_least: int) -> int:
    """Run `drafter index` in a subprocess; SIGKILL it once ``at_least`` chunks are committed."""
    env = dict(os.environ)
    env.update(
        DRAFTER_HOME=str(home),
        DRAFTER_EMBED_BATCH="4",
        DRAFTER_SHIPPED_VECTORS="false",  # embed for real: slow enough to be killed halfway
        PYTHONPATH=os.pathsep.join([str(REPO_ROOT / "src"), env.get("PYTHONPATH", "")]),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "drafter", "index"], env=env, stderr=subprocess.PIPE, cwd=REPO_ROOT
    )
    assert proc.stderr is not None
    seen = b""
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline:
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
            hits = _DONE.findall(seen.decode("utf-8", "replace"))
            if hits and int(hits[-1][0]) >= at_least:
                proc.send_signal(signal.SIGKILL)
                proc.wait(30)
                return int(hits[-1][0])
        pytest.fail(f"indexing ended before {at_least} chunks: {seen.decode('utf-8', 'replace')[-500:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    return 0


def test_killed_index_build_resumes_and_matches_a_clean_build(tmp_path: Path, bundled_index) -> None:  # type: ignore[no-untyped-def]
    clean_settings, _ = bundled_index
    home = tmp_path / "home"
    committed = _kill_midway(home, at_least=16)
    settings = Settings(home=home)

    store = open_store(settings)
    partial = store.count()
    total = open_store(clean_settings).count()
    assert committed <= partial < total  # what the CLI said was committed is there, not all of it
    assert not index_complete(store)
    # search works meanwhile, on what is there
    hits = open_retriever(settings).search("干部选拔任用", k=3)
    assert hits and all(h.text for h in hits)

    report = index_knowledge(settings)
    assert report.embedded == total - partial  # nothing committed was embedded twice
    assert index_complete(open_store(settings))

    resumed, clean = _dump(settings), _dump(clean_settings)
    assert resumed.keys() == clean.keys()
    for cid, (doc, meta, _) in clean.items():
        doc2, meta2, _ = resumed[cid]
        assert doc2 == doc and meta2 == meta
    ids = sorted(clean)
    a = np.vstack([clean[i][2] for i in ids])
    b = np.vstack([resumed[i][2] for i in ids])
    cosines = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    assert cosines.min() >= 0.999, (float(cosines.min()), ids[int(cosines.argmin())])
    # and the next run has nothing to do
    again = index_knowledge(settings)
    assert again.embedded == 0 and not again.touched
