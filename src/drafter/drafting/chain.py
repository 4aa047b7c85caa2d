"""The per-section chain: retrieve → write → check.

Both backends share this langchain runnable; only the ``write`` step differs, and
it is a :class:`~drafter.drafting.writers.SectionWriter` (the offline composer or a
chat model), so the chain has no backend branches. ``retrieve`` finds passages of
past reports for the section (all searches go through :meth:`SectionPipeline.search`);
they are offered beside the section as 参考写法, named by unit and year, and never
pasted in as this unit's facts. ``check`` runs the section checks.

``Runnable.batch`` with ``max_concurrency`` drafts sections in parallel. Progress and
streamed text travel as langchain custom events (``drafter.section_start``,
``drafter.token``, ``drafter.section_done``, ``drafter.section_error``);
:class:`CallbackBridge` turns them into :class:`~drafter.drafting.types.DraftCallbacks`
calls, so a front end only implements those.

A section that fails comes back as a ``SectionDraft`` with ``status="failed"`` and
the Chinese error, so the others are kept (see :meth:`SectionPipeline.runnable`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.callbacks.manager import dispatch_custom_event
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda

from ..errors import BackendIncomplete, DrafterError
from ..settings import Settings
from ..text.markers import missing
from ..text.redact import redact
from ..text.specs import Spec
from .basis import BasisMatcher
from .job import SectionJob
from .references import reference_title
from .types import DraftCallbacks, SectionCheck, SectionDraft, Source
from .writers import SectionWriter, Written, map_citations, parse_answer

__all__ = [
    "CallbackBridge",
    "SectionJob",
    "SectionPipeline",
    "map_citations",
    "parse_answer",
]

log = logging.getLogger(__name__)



@dataclass
class _State:
    job: SectionJob
    references: list[Source] = field(default_factory=list)
    written: Written | None = None


class CallbackBridge(BaseCallbackHandler):
    """Langchain callback handler forwarding drafter's custom events to DraftCallbacks."""

    def __init__(self, callbacks: DraftCallbacks) -> None:
        self.callbacks = callbacks

    def on_custom_event(
        self,
        name: str,
        data: Any,
        *,
        run_id: UUID,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        cb = self.callbacks
        if name == "drafter.section_start":
            cb.on_section_start(data["section_id"], data["heading"])
        elif name == "drafter.token":
            cb.on_token(data["section_id"], data["text"])
        elif name == "drafter.section_done":
            cb.on_section_done(data["section"])
        elif name == "drafter.section_error":
            cb.on_section_error(data["section_id"], data["error"])


def _emit(name: str, data: dict[str, Any], config: RunnableConfig | None) -> None:
    try:
        dispatch_custom_event(name, data, config=config)
    except Exception:
        log.exception("回调处理出错：%s", name)


class SectionPipeline:
    """Builds the per-section runnable around one :class:`SectionWriter`."""

    def __init__(
        self,
        settings: Settings,
        *,
        spec: Spec,
        retriever: Any | None,
        writer: SectionWriter,
        check: SectionCheck | None = None,
    ) -> None:
        self.settings = settings
        #: the checks run on each section as it is written, given by the caller
        #: (``drafter.checks.section.check_section``): drafting does not import the checker
        self.section_check = check
        self.spec = spec
        self.retriever = retriever
        self.writer = writer
        self.backend = writer.name
        self._matchers: dict[int, BasisMatcher] = {}

    # ---- steps -------------------------------------------------------------
    def search(self, query: str, job: SectionJob, kinds: list[str] | None = None) -> list[Any]:
        """The one place the chain asks the knowledge base (a prefetch hook may answer it)."""
        if self.retriever is None or not query.strip():
            return []
        return list(
            self.retriever.search(
                query, k=self.settings.retrieval_k, kinds=kinds, exclude_sources=job.exclude_sources
            )
        )

    def retrieve(self, job: SectionJob, config: RunnableConfig) -> _State:
        _emit("drafter.section_start", {"section_id": job.node.id, "heading": job.heading}, config)
        state = _State(job)
        if job.node.element == "opening":
            return state
        focus = " ".join(_focus_words(job.instruction))
        by_id: dict[str, Source] = {}
        per_target: list[list[Source]] = []
        targets = job.node.children or [job.node]
        for target in targets:
            query = f"{target.query or target.title} {focus}".strip()
            found: list[Source] = []
            for p in self.search(query, job):
                if str(p.source).startswith("policies/"):
                    continue  # a rule digest is not a report: its phrases reach the prompt as canonical text
                src = by_id.get(p.id)
                if src is None:
                    src = Source(f"S{len(by_id) + 1}", p.source, p.heading, p.text, reference_title(p))
                    by_id[p.id] = src
                found.append(src)
            per_target.append(found)
        # the best of each target in turn, so every paragraph gets its 参考写法
        ordered: list[Source] = []
        for i in range(max((len(x) for x in per_target), default=0)):
            for lst in per_target:
                if i < len(lst) and lst[i] not in ordered:
                    ordered.append(lst[i])
        state.references = [
            Source(f"S{i}", s.source, s.heading, s.text, s.title) for i, s in enumerate(ordered, start=1)
        ]
        return state

    def write(self, state: _State, config: RunnableConfig) -> _State:
        job = state.job

        def emit(piece: str) -> None:
            _emit("drafter.token", {"section_id": job.node.id, "text": piece}, config)

        state.written = self.writer.write(job, state.references, emit)
        return state

    def check(self, state: _State, config: RunnableConfig) -> SectionDraft:
        job = state.job
        written = state.written or Written("", [])
        section = SectionDraft(
            id=job.node.id,
            element=job.node.element,
            heading=job.heading,
            level=job.node.level,
            text=written.text,
            sources=written.sources,
            backend=self.backend,
            instruction=job.instruction,
        )
        if self.section_check is not None:
            section.findings = self.section_check(section.block(), job.facts, self.spec.id)
        section.basis = self.section_basis(section, job)
        return section

    def section_basis(self, section: SectionDraft, job: SectionJob) -> list[dict[str, Any]]:
        """What each sentence of the section rests on (never fails the section)."""
        try:
            matcher = self._matchers.get(id(job.facts))
            if matcher is None or matcher.facts is not job.facts:
                matcher = BasisMatcher(job.facts)
                self._matchers = {id(job.facts): matcher}
            rows = matcher.text(section.text, section=section.heading or "开头",
                                sources=state_sources(section))
            return [r.to_dict() for r in rows]
        except Exception:  # noqa: BLE001 — a basis that cannot be computed is left empty
            log.exception("依据计算出错：%s", section.id)
            return []

    # ---- assembly -----------------------------------------------------------
    def inner(self) -> Runnable[SectionJob, SectionDraft]:
        return (
            RunnableLambda(self.retrieve, name="retrieve")
            | RunnableLambda(self.write, name="write")
            | RunnableLambda(self.check, name="check")
        )

    def runnable(self, *, raise_errors: bool = False) -> Runnable[SectionJob, SectionDraft]:
        """The chain, wrapped so a failure becomes a failed SectionDraft (or raises, for regeneration)."""
        inner = self.inner()

        def guarded(job: SectionJob, config: RunnableConfig) -> SectionDraft:
            try:
                section = inner.invoke(job, config)
            except Exception as err:
                _emit("drafter.section_error", {"section_id": job.node.id, "error": err}, config)
                if raise_errors:
                    raise
                message = redact(str(err) if isinstance(err, DrafterError) else f"本部分生成失败：{err}")
                section = failed_section(job, self.backend, message, err)
                if self.section_check is not None:  # a failed section is checked like any other text
                    try:
                        section.findings = self.section_check(section.block(), job.facts, self.spec.id)
                    except Exception:  # noqa: BLE001 - the failure itself is what the writer must see
                        log.exception("检查未完成的部分时出错")
                return section
            _emit("drafter.section_done", {"section": section}, config)
            return section

        return RunnableLambda(guarded, name="section")


def state_sources(section: SectionDraft) -> list[Source]:
    """The passages a section's sentences may rest on (the ones kept beside it)."""
    return list(section.sources)


def failed_section(job: SectionJob, backend: str, message: str, err: BaseException) -> SectionDraft:
    """A section that did not finish: the text so far (if any) ending in a marker, or only the marker.

    An answer cut at the server's length limit keeps its text and 〔待补：本节未写完〕; a
    section with no text at all gets 〔待补：本节未写成…〕, so the file never shows a bare heading.
    """
    partial = parse_answer(redact(err.partial), job.heading) if isinstance(err, BackendIncomplete) else ""
    if partial:  # the marker keeps it out of an export until the section is redone
        text = partial + "\n" + missing("本节未写完")
    else:
        text = missing("本节未写成，请重新生成")
    return SectionDraft(
        id=job.node.id,
        element=job.node.element,
        heading=job.heading,
        level=job.node.level,
        text=text,
        backend=backend,
        status="failed",
        error=message,
        instruction=job.instruction,
    )


def _focus_words(instruction: str | None) -> list[str]:
    if not instruction:
        return []
    return [m.group(1) for m in re.finditer(r"(?:突出|强调|侧重|加入|增加|补充)([^，。；,;]{2,20})", instruction)]
