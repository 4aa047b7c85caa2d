"""Finished sections of ``drafter draft`` saved as they complete, so nothing is lost.

:class:`ProgressFile` is a :class:`~drafter.drafting.types.DraftCallbacks`: each time
a section is finished it rewrites ``$DRAFTER_HOME/drafts/draft-<time>-<pid>.txt``
(atomically) with the title and every finished section in outline order, in the
native text form ``drafter check`` and ``drafter draft --from`` read. Ctrl-C, a kill
or an output file that cannot be written loses nothing already drafted; the CLI
says where the file is and removes it once the output is safely written.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from ..drafting.types import NullCallbacks, SectionDraft
from .output import write_output

__all__ = ["ProgressFile"]


class ProgressFile(NullCallbacks):
    """Saves finished sections under ``home/drafts`` as they complete (thread-safe)."""

    def __init__(self, home: Path, title: str, order: list[str], salutation: str | None = None) -> None:
        folder = Path(home) / "drafts"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.path = folder / f"draft-{stamp}-{os.getpid()}.txt"
        self.title = title
        self.salutation = salutation
        self.order = list(order)
        self.done: dict[str, SectionDraft] = {}
        self._lock = threading.Lock()

    def on_section_done(self, section: SectionDraft) -> None:
        with self._lock:
            self.done[section.id] = section
            lines = [self.title] + ([self.salutation] if self.salutation else [])
            for sid in self.order + [s for s in self.done if s not in self.order]:
                sec = self.done.get(sid)
                if sec is not None and sec.block():
                    lines.append(sec.block())
            write_output(self.path, "\n".join(lines) + "\n")

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.done)

    def discard(self) -> None:
        """Remove the file (the output holds everything now)."""
        try:
            self.path.unlink()
        except OSError:
            pass

    def __repr__(self) -> str:
        return f"ProgressFile({str(self.path)!r})"

    @staticmethod
    def describe(progress: Any) -> str:
        return f"已完成的 {progress.count} 个部分保存在 (finished sections saved to)：{progress.path}"
