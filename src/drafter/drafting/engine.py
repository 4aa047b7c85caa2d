"""The public drafting API: :class:`DraftEngine`.

>>> engine = DraftEngine(settings)                       # doctest: +SKIP
>>> outline = engine.outline(facts)                      # edit it, then
>>> draft = engine.draft(facts, outline, callbacks=ui)   # sections in parallel
>>> new = engine.regenerate(draft, "practices-2", facts, instruction="更精炼")
>>> draft = draft.replace_section(new)                   # the old version goes to history

The backend is the offline composer unless ``settings.backend == "openai"`` or a
:class:`~drafter.drafting.llm.ChatModel` is passed in.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig

from ..errors import BackendError, DrafterError
from ..facts.sheet import FactSheet
from ..kb.types import Retriever
from ..settings import Settings
from ..text.doctree import int_to_chinese
from ..text.specs import Spec, load_spec
from .chain import CallbackBridge, SectionJob, SectionPipeline
from .llm import ChatModel, draft_deadline, open_chat_model
from .outline import Outline, OutlineSection, build_outline
from .prompts import load_prompts
from .restore import node_from_section, outline_from_draft
from .signature import closing_for, signature_lines
from .similarity import DraftMemory
from .types import Draft, DraftCallbacks, NullCallbacks, SectionCheck, SectionDraft
from .writers import ComposerWriter, ModelWriter, SectionWriter

__all__ = ["CachedRetriever", "DraftEngine", "numbered_headings"]


class CachedRetriever:
    """Remembers searches, so the outline's and the draft's identical queries run once.

    The key includes the index size, so a retriever refreshed after an upload is
    searched afresh. Thread-safe (sections are drafted in parallel).
    """

    def __init__(self, retriever: Retriever, size: int = 512) -> None:
        self.inner = retriever
        self._size = size
        self._cache: dict[tuple[Any, ...], list[Any]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.inner)

    def prefetch(self, queries: Sequence[str]) -> None:
        """Embed all these queries in one call before they are searched one by one."""
        prefetch = getattr(self.inner, "prefetch", None)
        if prefetch is not None:
            prefetch([q for q in dict.fromkeys(queries) if q.strip()])

    def search_many(self, queries: Sequence[str], k: int = 5, **kwargs: Any) -> list[list[Any]]:
        self.prefetch(queries)
        return [self.search(q, k, **kwargs) for q in queries]

    def search(self, query: str, k: int = 5, **kwargs: Any) -> list[Any]:
        try:
            count = len(self.inner)
        except TypeError:
            count = -1
        key = (query, k, count) + tuple(
            (name, tuple(v) if isinstance(v, (list, tuple, set)) else v) for name, v in sorted(kwargs.items())
        )
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return list(hit)
        result = list(self.inner.search(query, k, **kwargs))
        with self._lock:
            if len(self._cache) >= self._size:
                self._cache.clear()
            self._cache[key] = result
        return list(result)


def _outline_queries(facts: FactSheet, spec: Spec) -> list[str]:
    """The queries :func:`build_outline` will search (a dry run that records them)."""
    asked: list[str] = []

    def record(query: str) -> list[tuple[str, str]]:
        asked.append(query)
        return []

    build_outline(facts, coverage=record, spec=spec)
    return asked


def _job_queries(jobs: Sequence[SectionJob]) -> list[str]:
    """The queries the section chain searches: each target's query (or title)."""
    out: list[str] = []
    for job in jobs:
        for target in job.node.children or [job.node]:
            out.append((target.query or target.title).strip())
    return out


def numbered_headings(outline: Outline) -> dict[str, str]:
    """``{section id: "二、严格程序规范操作"}``; the opening has no heading."""
    out: dict[str, str] = {}
    n = 0
    for s in outline.sections:
        if s.level == 0 or s.element == "opening":
            out[s.id] = ""
        else:
            n += 1
            out[s.id] = f"{int_to_chinese(n)}、{s.title}"
    return out


class DraftEngine:
    """Outline, draft, regenerate and retry — one section at a time, in parallel."""

    def __init__(
        self,
        settings: Settings,
        *,
        retriever: Retriever | None = None,
        model: ChatModel | None = None,
        section_check: SectionCheck | None = None,
    ) -> None:
        self.settings = settings
        #: run on each section as it is written (``drafter.checks.section.check_section``)
        self.section_check = section_check
        self._retriever = CachedRetriever(retriever) if retriever is not None else None
        if model is None and settings.backend == "openai":
            model = open_chat_model(settings)
        self.model = model
        self.backend = "openai" if model is not None else "composer"
        self.prompts = load_prompts(settings.prompts_dir) if model is not None else None

    # ---- collaborators --------------------------------------------------------
    @property
    def retriever(self) -> CachedRetriever:
        """The knowledge-base retriever, opened (and built if missing) on first use."""
        if self._retriever is None:
            from ..kb.retrieval import open_retriever

            self._retriever = CachedRetriever(open_retriever(self.settings, build_if_missing=True))
        return self._retriever

    def writer(self, spec: Spec) -> SectionWriter:
        """The section writer of this engine's backend."""
        if self.model is not None and self.prompts is not None:
            return ModelWriter(self.model, self.prompts, spec)
        return ComposerWriter()

    def _pipeline(self, spec: Spec) -> SectionPipeline:
        return SectionPipeline(
            self.settings, spec=spec, retriever=self.retriever, writer=self.writer(spec), check=self.section_check
        )

    def concurrency(self) -> int:
        """Sections written at once: DRAFTER_OPENAI_CONCURRENCY on a model server (1 after it cut answers)."""
        limit = self.settings.max_concurrency
        if self.model is not None:
            limit = min(limit, int(getattr(self.model, "concurrency", limit) or 1))
        return max(1, limit)

    def _config(self, callbacks: DraftCallbacks | None, concurrency: int | None = None) -> RunnableConfig:
        return {
            "max_concurrency": concurrency or self.concurrency(),
            "callbacks": [CallbackBridge(callbacks or NullCallbacks())],
            "run_name": "drafter.draft",
        }

    # ---- public API ------------------------------------------------------------
    def outline(self, facts: FactSheet, *, exclude_sources: Iterable[str] | None = None) -> Outline:
        """The editable outline for ``facts``, shaped by what past reports cover."""
        spec = load_spec(facts.genre)
        exclude = list(exclude_sources) if exclude_sources else None
        k = self.settings.retrieval_k

        def coverage(query: str) -> list[tuple[str, str]]:
            return [(p.heading, p.text) for p in self.retriever.search(query, k=k, exclude_sources=exclude)]

        self._prefetch(_outline_queries(facts, spec))
        return build_outline(facts, coverage=coverage, spec=spec)

    # ---- prefetch hook: every query of a stage embedded in one engine call ----------
    def _prefetch(self, queries: Iterable[str]) -> None:
        try:
            self.retriever.prefetch(list(queries))
        except DrafterError:
            pass  # the searches themselves report the problem

    def _jobs(
        self, outline: Outline, facts: FactSheet, exclude: list[str] | None, only: set[str] | None = None
    ) -> list[SectionJob]:
        headings = numbered_headings(outline)
        return [
            SectionJob(node=node, heading=headings[node.id], facts=facts, outline=outline, exclude_sources=exclude)
            for node in outline.sections
            if only is None or node.id in only
        ]

    def draft(
        self,
        facts: FactSheet,
        outline: Outline | None = None,
        *,
        callbacks: DraftCallbacks | None = None,
        exclude_sources: Iterable[str] | None = None,
    ) -> Draft:
        """Write every section (in parallel, bounded by ``settings.max_concurrency``).

        A section that fails has ``status="failed"`` and a Chinese ``error``; the
        others are kept. Retry with :meth:`retry_failed`.
        """
        exclude = list(exclude_sources) if exclude_sources else None
        outline = outline or self.outline(facts, exclude_sources=exclude)
        spec = load_spec(outline.genre)
        jobs = self._jobs(outline, facts, exclude)
        self._prefetch(_job_queries(jobs))
        sections = self._run(spec, jobs, callbacks, DraftMemory())
        return Draft(
            title=outline.title,
            sections=list(sections),
            salutation=outline.salutation,
            outline=outline.to_dict(),
            exclude_sources=exclude,
            notices=list(outline.notices) + self.model_notices(),
            signature=signature_lines(facts),
            closing=closing_for(outline.genre),
        )

    def _run(
        self, spec: Spec, jobs: list[SectionJob], callbacks: DraftCallbacks | None, memory: DraftMemory
    ) -> list[SectionDraft]:
        """Run the jobs: in parallel if the writer allows, else in document order with one memory.

        The composer takes a few milliseconds per section, so running it in order
        costs nothing and lets each section skip what the earlier ones said (the
        result is deterministic).
        """
        pipeline = self._pipeline(spec)
        runnable = pipeline.runnable()
        config = self._config(callbacks)
        if pipeline.writer.parallel:
            with draft_deadline(self.settings.draft_deadline):  # finished sections are kept
                before = self._trouble()
                results = list(runnable.batch(jobs, config=config))
                if self._trouble() > before and int(config.get("max_concurrency") or 1) > 1:
                    results = self._one_at_a_time(runnable, jobs, results, callbacks)
                return results
        out: list[SectionDraft] = []
        for job in jobs:
            job.memory = memory
            out.append(runnable.invoke(job, config=config))
        return out

    def _trouble(self) -> int:
        return int(getattr(self.model, "parallel_trouble", 0) or 0)

    def _one_at_a_time(
        self, runnable: Any, jobs: list[SectionJob], results: list[SectionDraft], callbacks: DraftCallbacks | None
    ) -> list[SectionDraft]:
        """The server cut or refused answers while several were running: from now on one at a
        time, and the sections that failed are written again that way (within the draft deadline)."""
        if self.model is not None:
            try:
                self.model.concurrency = 1  # type: ignore[attr-defined]
            except AttributeError:
                pass
            note = getattr(self.model, "notice", None)
            if callable(note):
                note("模型服务器在同时处理多个部分时中断或拒绝了回答，已改为逐个撰写（可设置 DRAFTER_OPENAI_CONCURRENCY=1）")
        config = self._config(callbacks, 1)
        out = list(results)
        for i, (job, section) in enumerate(zip(jobs, results, strict=True)):
            if section.status == "failed":
                out[i] = runnable.invoke(job, config=config)
        return out

    def model_notices(self) -> list[str]:
        """What the model client noticed about the server (prompts shortened, parallel answers cut)."""
        return list(getattr(self.model, "notices", []) or [])

    @staticmethod
    def _memory_without(draft: Draft, section_ids: set[str]) -> DraftMemory:
        """What the draft says outside ``section_ids`` (headings excluded)."""
        return DraftMemory.from_texts(
            s.text for s in draft.sections if s.id not in section_ids and s.status == "ok"
        )

    def _node(self, draft: Draft, section: SectionDraft, facts: FactSheet) -> tuple[OutlineSection, Outline]:
        data = draft.outline
        if data:
            outline = Outline.from_dict(data)
            try:
                return outline.section(section.id), outline
            except KeyError:
                pass
        genre = facts.genre
        return node_from_section(section, facts), outline_from_draft(draft, genre)

    def regenerate(
        self,
        draft: Draft,
        section_id: str,
        facts: FactSheet,
        *,
        instruction: str | None = None,
        callbacks: DraftCallbacks | None = None,
    ) -> SectionDraft:
        """A NEW version of one section; ``draft`` is not changed.

        Raises :class:`~drafter.errors.BackendError` (or another DrafterError) on
        failure, so the caller keeps the previous version.
        """
        old = draft.section(section_id)
        node, outline = self._node(draft, old, facts)
        spec = load_spec(outline.genre)
        job = SectionJob(
            node=node,
            heading=old.heading,
            facts=facts,
            outline=outline,
            instruction=(instruction or "").strip() or None,
            previous=old if old.status == "ok" and old.text else None,
            variant=len(draft.history.get(section_id, [])) + 1,
            exclude_sources=draft.exclude_sources,
            memory=self._memory_without(draft, {section_id}),
        )
        pipeline = self._pipeline(spec)
        if pipeline.writer.parallel:
            job.memory = None
        runnable = pipeline.runnable(raise_errors=True)
        try:
            return runnable.invoke(job, config=self._config(callbacks))
        except DrafterError:
            raise
        except Exception as err:
            raise BackendError(f"重新生成“{old.heading or '开头'}”失败：{err}") from err

    def retry_failed(self, draft: Draft, facts: FactSheet, *, callbacks: DraftCallbacks | None = None) -> Draft:
        """Redraft the failed sections; finished ones stay exactly as they were."""
        failed = [s for s in draft.sections if s.status == "failed"]
        if not failed:
            return draft
        jobs: list[SectionJob] = []
        genre = facts.genre
        for s in failed:
            node, outline = self._node(draft, s, facts)
            genre = outline.genre
            jobs.append(
                SectionJob(
                    node=node,
                    heading=s.heading,
                    facts=facts,
                    outline=outline,
                    exclude_sources=draft.exclude_sources,
                )
            )
        memory = self._memory_without(draft, {s.id for s in failed})
        results = self._run(load_spec(genre), jobs, callbacks, memory)
        new = draft
        for section in results:
            new = new.replace_section(section)
        return new
