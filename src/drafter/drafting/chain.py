"""The per-section chain: retrieve → prompt → generate → parse → check.

Both backends share this langchain runnable; only the ``generate`` step differs
(the offline composer, or a :class:`~drafter.llm.ChatModel` streaming tokens).
``Runnable.batch`` with ``max_concurrency`` drafts sections in parallel. Progress
and streamed text travel as langchain custom events (``drafter.section_start``,
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

from ..checks import check_text
from ..errors import BackendIncomplete, DrafterError
from ..facts import FactSheet
from ..llm import ChatModel, Message
from ..markers import missing
from ..redact import redact
from ..settings import Settings
from ..specs import Spec
from .composer import ComposeRequest, compose
from .echo import strip_echoed_headings
from .ledger import NumberLedger
from .outline import Outline, OutlineSection
from .prompts import PromptSet
from .similarity import DraftMemory
from .types import DraftCallbacks, SectionDraft, Source

__all__ = [
    "SECTION_CHECKS",
    "CallbackBridge",
    "SectionJob",
    "SectionPipeline",
    "check_section",
    "map_citations",
    "parse_answer",
]

log = logging.getLogger(__name__)

#: Checker categories run on each section as it is written.
SECTION_CHECKS = frozenset({"placeholder", "figure", "numbering"})
_MAX_PROMPT_PASSAGES = 8
_CITE_RE = re.compile(r"\s*[\[［【]\s*((?:S\d+\s*[,，、]?\s*)+)[\]］】]")


@dataclass
class SectionJob:
    """One section to write (or rewrite)."""

    node: OutlineSection
    heading: str
    facts: FactSheet
    outline: Outline
    instruction: str | None = None
    previous: SectionDraft | None = None
    variant: int = 0
    exclude_sources: list[str] | None = None
    #: what the rest of the draft says (the composer repeats none of it); None = nothing known
    memory: DraftMemory | None = None


@dataclass
class _State:
    job: SectionJob
    sources: dict[str, list[Source]] = field(default_factory=dict)  # by outline node id
    offered: list[Source] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    raw: str = ""
    text: str = ""
    used: list[str] = field(default_factory=list)


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


def map_citations(text: str, offered: list[Source]) -> tuple[str, list[str]]:
    """Strip ``[S1]`` citations from ``text``; return the text and the known ids cited, in order."""
    known = {s.id for s in offered}
    cited: list[str] = []

    def repl(m: re.Match[str]) -> str:
        for sid in re.findall(r"S\d+", m.group(1)):
            if sid in known and sid not in cited:
                cited.append(sid)
        return ""

    return _CITE_RE.sub(repl, text), cited


_MD_RE = re.compile(r"^\s*(?:#{1,6}\s*|[-*•]\s+|>\s*)")


def parse_answer(text: str, heading: str) -> str:
    """A model's answer as native body text: no Markdown, no echoed heading, no blank lines."""
    lines: list[str] = []
    title = re.sub(r"^[一二三四五六七八九十]+、", "", heading).strip()
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip().replace("**", "").replace("__", "")
        if line.startswith("```"):
            continue
        line = _MD_RE.sub("", line).strip()
        if not line:
            continue
        if not lines and title and re.sub(r"^[一二三四五六七八九十]+、", "", line).strip("。 ") == title:
            continue  # the model repeated the section heading
        lines.append(line)
    return strip_echoed_headings("\n".join(lines), heading)


def check_section(block: str, facts: FactSheet, genre: str) -> list[Any]:
    """Findings on one section's block (heading line + body); offsets are into ``block``."""
    result = check_text(block, facts=facts, genre=genre, categories=set(SECTION_CHECKS))
    first = block.split("\n", 1)[0]
    return [
        f
        for f in result.findings
        if not (f.code == "numbering-start" and f.line == 1 and first.startswith(f.text or "\0"))
    ]


class SectionPipeline:
    """Builds the per-section runnable for one backend."""

    def __init__(
        self,
        settings: Settings,
        *,
        spec: Spec,
        retriever: Any | None,
        model: ChatModel | None,
        prompts: PromptSet | None,
    ) -> None:
        self.settings = settings
        self.spec = spec
        self.retriever = retriever
        self.model = model
        self.prompts = prompts
        self.backend = model.name if model is not None else "composer"

    # ---- steps -------------------------------------------------------------
    def _search(self, query: str, job: SectionJob, kinds: list[str] | None) -> list[Any]:
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
        element = job.node.element
        if element == "opening" or (self.model is None and element in ("problems", "plans", "rectification", "other")):
            return state  # the composer writes these from the fact sheet alone
        focus = " ".join(_focus_words(job.instruction))
        by_id: dict[str, Source] = {}
        targets = job.node.children or [job.node]
        kinds = None if element == "practices" or job.node.children else [element]
        for target in targets:
            query = f"{target.query or target.title} {focus}".strip()
            found: list[Source] = []
            for p in self._search(query, job, kinds):
                src = by_id.get(p.id)
                if src is None:
                    src = Source(f"S{len(by_id) + 1}", p.source, p.heading, p.text)
                    by_id[p.id] = src
                found.append(src)
            state.sources[target.id] = found
        state.offered = list(by_id.values())
        return state

    def prompt(self, state: _State) -> _State:
        if self.model is None or self.prompts is None:
            return state
        job = state.job
        ledger = NumberLedger(job.facts)
        # passages for the prompt: the best of each target in turn, capped
        offered: list[Source] = []
        lists = list(state.sources.values())
        for i in range(max((len(x) for x in lists), default=0)):
            for lst in lists:
                if i < len(lst) and lst[i] not in offered and len(offered) < _MAX_PROMPT_PASSAGES:
                    offered.append(lst[i])
        # short ids in the order the model sees them: [S1] … [S8]
        state.offered = [Source(f"S{i}", s.source, s.heading, s.text) for i, s in enumerate(offered, start=1)]
        offered = state.offered
        passages = "\n".join(f"[{s.id}] {' '.join(s.text.split())}" for s in offered) or "（无）"
        element = self.spec.element(job.node.element)
        description = element.description if element else "开头段：说明年度、指导思想和总体要求，最后一句引出下文"
        subsections = ""
        if job.node.children:
            subsections = "本部分的小标题（依次写出，每个小标题单独一行，如“（一）……”）：\n" + "\n".join(
                f"（{_cn(i)}）{c.title}" for i, c in enumerate(job.node.children, start=1)
            )
        values = {
            "title": job.outline.title,
            "unit": job.facts.unit,
            "org": job.facts.org,
            "year": job.facts.year,
            "outline": "\n".join(
                f"{('' if n.level == 0 else '  ')}{n.title}" for n in job.outline.sections
            ),
            "heading": job.heading or "开头段（无标题）",
            "element_description": description,
            "subsections": subsections,
            "facts": _facts_block(job),
            "figures": ledger.describe(),
            "passages": passages,
            "guidance": _guidance(job),
        }
        system = self.prompts.system.render(
            genre_name=self.spec.name, marker_example=missing("……")
        )
        if job.previous is not None or job.instruction:
            values["instruction"] = job.instruction or "重写本部分，换一种写法"
            values["previous"] = ledger.tokenize(job.previous.text) if job.previous else "（无）"
            tpl = self.prompts.regenerate
            user = tpl.render(**{k: v for k, v in values.items() if k in tpl.variables})
        else:
            tpl = self.prompts.section
            user = tpl.render(**{k: v for k, v in values.items() if k in tpl.variables})
        state.messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        return state

    def generate(self, state: _State, config: RunnableConfig) -> _State:
        job = state.job
        if self.model is None:
            done = compose(
                ComposeRequest(
                    node=job.node,
                    facts=job.facts,
                    passages=state.sources,
                    instruction=job.instruction,
                    variant=job.variant,
                    genre=self.spec.id,
                    memory=job.memory,
                )
            )
            state.raw, state.used = done.text, done.used
            _emit("drafter.token", {"section_id": job.node.id, "text": done.text}, config)
            return state

        def on_text(piece: str) -> None:
            _emit("drafter.token", {"section_id": job.node.id, "text": piece}, config)

        state.raw = self.model.stream(state.messages, on_text)
        return state

    def parse(self, state: _State) -> _State:
        if self.model is None:
            state.text = state.raw
            return state
        job = state.job
        body = parse_answer(state.raw, job.heading)
        body, cited = map_citations(body, state.offered)
        sub = NumberLedger(job.facts).substitute(body)
        state.text = sub.text
        state.used = cited or [s.id for s in state.offered]
        return state

    def check(self, state: _State, config: RunnableConfig) -> SectionDraft:
        job = state.job
        by_id = {s.id: s for s in state.offered}
        sources = [by_id[i] for i in state.used if i in by_id]
        section = SectionDraft(
            id=job.node.id,
            element=job.node.element,
            heading=job.heading,
            level=job.node.level,
            text=state.text,
            sources=sources,
            backend=self.backend,
            instruction=job.instruction,
        )
        section.findings = check_section(section.block(), job.facts, self.spec.id)
        return section

    # ---- assembly -----------------------------------------------------------
    def inner(self) -> Runnable[SectionJob, SectionDraft]:
        return (
            RunnableLambda(self.retrieve, name="retrieve")
            | RunnableLambda(self.prompt, name="prompt")
            | RunnableLambda(self.generate, name="generate")
            | RunnableLambda(self.parse, name="parse")
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
                # an answer that stopped early is kept as a flagged (failed) version, never as a draft
                partial = parse_answer(err.partial, job.heading) if isinstance(err, BackendIncomplete) else ""
                if partial:  # the marker keeps it out of an export until the section is redone
                    partial += "\n" + missing("本节未写完，请重新生成")
                return SectionDraft(
                    id=job.node.id,
                    element=job.node.element,
                    heading=job.heading,
                    level=job.node.level,
                    text=partial,
                    backend=self.backend,
                    status="failed",
                    error=message,
                    instruction=job.instruction,
                )
            _emit("drafter.section_done", {"section": section}, config)
            return section

        return RunnableLambda(guarded, name="section")


def _cn(n: int) -> str:
    from ..doctree import int_to_chinese

    return int_to_chinese(n)


def _focus_words(instruction: str | None) -> list[str]:
    if not instruction:
        return []
    return [m.group(1) for m in re.finditer(r"(?:突出|强调|侧重|加入|增加|补充)([^，。；,;]{2,20})", instruction)]


def _facts_block(job: SectionJob) -> str:
    f = job.facts
    node = job.node
    lines = [f"干部层级：{f.level}"] if f.level else []
    if f.superior:
        lines.append(f"上级组织部门：{f.superior}")
    highlights = list(node.highlights) + [h for c in node.children for h in c.highlights]
    if node.children:
        for c in node.children:
            for h in c.highlights:
                lines.append(f"亮点（写入“{c.title}”）：{h}")
    else:
        lines.extend(f"亮点：{h}" for h in node.highlights)
    element = node.element
    if element == "problems":
        lines.extend(f"存在问题：{p}" for p in f.problems)
        if not f.problems:
            lines.append(f"存在问题：数据表未填写，请写缺项标记 {missing('本年度存在的主要问题')}")
    elif element == "plans":
        lines.extend(f"下一步打算：{p}" for p in f.plans)
    elif element == "rectification":
        lines.extend(f"整改情况：{p}" for p in f.rectification)
    elif element == "opening" and not highlights:
        lines.append("（开头段不需要具体数据）")
    return "\n".join(lines) or "（无）"


def _guidance(job: SectionJob) -> str:
    element = job.node.element
    base = "语言符合公文规范，每段首行不要空格。"
    if element == "opening":
        return "写一段开头，说明本年度选人用人工作的总体思路，末句写“现将……情况报告如下：”。" + base
    if element == "overview":
        return "用数据编号逐项写明全部数据，一个都不能漏；不要写数据表以外的数字。" + base
    if element == "problems":
        return "只写数据表列出的问题，用“一是……二是……”表述；不要编造问题。" + base
    if element == "plans":
        return "以“下一步，……”开头，结合数据表中的打算，用“一是……二是……”表述。" + base
    if job.node.children:
        return "每个小标题下写一段，结合本单位亮点和往年报告的写法，用“一是……二是……”展开。" + base
    return base
