"""Running a drafting job in a worker thread while the page shows its progress.

The engine's callbacks may fire on worker threads, where Streamlit elements cannot
be touched; they only save (the repository is thread-safe) and post events to a
queue. The script thread drains the queue and updates progress bars and the
streamed text.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from drafter.drafting.types import NullCallbacks, SectionDraft

from .widgets.highlight import md_escape

__all__ = ["QueueCallbacks", "run_job"]


class QueueCallbacks(NullCallbacks):
    """Saves each finished or failed section at once, then tells the page."""

    def __init__(self, save: Callable[[SectionDraft], None], headings: dict[str, str]) -> None:
        self.events: queue.Queue[tuple[str, str, Any]] = queue.Queue()
        self.save = save
        self.headings = dict(headings)
        self.saved: set[str] = set()
        self.save_errors: list[str] = []
        self._lock = threading.Lock()

    def _save(self, section: SectionDraft) -> None:
        with self._lock:
            if section.id in self.saved:
                return
            self.saved.add(section.id)
        try:
            self.save(section)
        except Exception as err:  # noqa: BLE001 - reported on the page
            self.save_errors.append(f"{section.heading or section.id}：{err}")

    def on_section_start(self, section_id: str, heading: str) -> None:
        self.headings.setdefault(section_id, heading)
        self.events.put(("start", section_id, heading))

    def on_token(self, section_id: str, text: str) -> None:
        self.events.put(("token", section_id, text))

    def on_section_done(self, section: SectionDraft) -> None:
        self._save(section)
        self.events.put(("done", section.id, section))

    def on_section_error(self, section_id: str, error: Exception) -> None:
        self.events.put(("error", section_id, str(error)))


def run_job(
    job: Callable[[QueueCallbacks], Any],
    cb: QueueCallbacks,
    order: list[str],
    *,
    bar: Any | None = None,
    prefix: str = "正在起草",
    start: float = 0.0,
) -> Any:
    """Run ``job(cb)`` in a thread, showing per-section progress and streamed text.

    ``bar`` is an existing progress bar to continue (from ``start`` to 1.0), so a
    page shows one progress display through all its stages; its text reads
    ``{prefix}：k/n 节 · 当前一节的标题``.
    """
    total = max(1, len(order))
    own_bar = bar is None
    if bar is None:
        bar = st.progress(0.0, text=f"{prefix}：0/{total} 节")
    else:
        bar.progress(start, text=f"{prefix}：0/{total} 节")
    slots = {sid: st.empty() for sid in order}
    streamed: dict[str, str] = {sid: "" for sid in order}
    state: dict[str, str] = {sid: "等待" for sid in order}
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = job(cb)
        except BaseException as err:  # noqa: BLE001 - re-raised in the script thread
            outcome["error"] = err

    worker = threading.Thread(target=work, name="drafter-draft", daemon=True)
    worker.start()
    dirty: set[str] = set()
    last = 0.0
    while True:
        alive = worker.is_alive()
        try:
            while True:
                kind, sid, payload = cb.events.get_nowait()
                if sid not in slots:
                    slots[sid] = st.empty()
                    streamed[sid] = ""
                    order.append(sid)
                if kind == "start":
                    state[sid] = "起草中"
                elif kind == "token":
                    streamed[sid] += payload
                elif kind == "done":
                    state[sid] = "完成" if payload.status == "ok" else f"失败：{payload.error or ''}"
                    streamed[sid] = payload.block()
                elif kind == "error":
                    state[sid] = f"失败：{payload}"
                dirty.add(sid)
        except queue.Empty:
            pass
        now = time.monotonic()
        if dirty and (now - last > 0.15 or not alive):
            for sid in dirty:
                heading = cb.headings.get(sid) or "开头"
                text = streamed[sid][-600:]
                slots[sid].markdown(f"**{md_escape(heading)}** · {md_escape(state[sid])}\n\n{md_escape(text)}")
            done = sum(1 for v in state.values() if v == "完成" or v.startswith("失败"))
            current = next((cb.headings.get(k) or "开头" for k, v in state.items() if v == "起草中"), "")
            bar.progress(min(1.0, start + (1 - start) * done / total),
                         text=f"{prefix}：{done}/{total} 节" + (f" · 正在写“{current}”" if current else ""))
            dirty.clear()
            last = now
        if not alive and cb.events.empty():
            break
        time.sleep(0.03)
    worker.join()
    if own_bar:
        bar.empty()
    for slot in slots.values():
        slot.empty()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
