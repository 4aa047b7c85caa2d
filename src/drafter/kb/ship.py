"""Rebuild the shipped passage vectors of the bundled knowledge base.

    python -m drafter.kb.ship

Run after changing ``knowledge/`` or the chunker; a stale file only makes the first index
build slower (what it lacks is embedded then). Kept apart from
:mod:`drafter.kb.shipped_vectors`, which the indexer reads, so neither imports the other back.
"""

from __future__ import annotations

from pathlib import Path

from . import shipped_vectors

__all__ = ["bundled_texts", "main"]


def bundled_texts() -> list[str]:
    """The text of every chunk of the bundled knowledge base, as the indexer embeds it."""
    import tempfile

    from ..settings import Settings
    from .indexer import chunks_of, discover

    with tempfile.TemporaryDirectory() as home:  # no uploads, no extra folders: the bundle only
        files, _ = discover(Settings(home=Path(home)))
        return sorted({c.embed_text() for sf in files for c in chunks_of(sf)})


def main() -> None:
    from . import embedding

    texts = bundled_texts()
    shipped_vectors.write(texts, embedding.passage(texts))
    print(f"{len(texts)} vectors → {shipped_vectors.PATH}")


if __name__ == "__main__":
    main()
