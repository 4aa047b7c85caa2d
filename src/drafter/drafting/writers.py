"""Section writers: the one step of the chain that differs between backends.

:class:`SectionWriter` is the seam: ``write(job, references, emit)`` returns the
section body and the 参考写法 shown beside it. Two implementations:

* :class:`ComposerWriter` — the offline composer (:mod:`drafter.drafting.composer`),
  deterministic, from the fact sheet alone; every retrieved passage is offered as
  参考写法, none is pasted in;
* :class:`ModelWriter` — a :class:`~drafter.drafting.llm.ChatModel` (an OpenAI-compatible
  server) prompted with the unit type's profile, the canonical formulations, only
  this section's figures (as ``{{F1}}`` tokens), the ticked practices, a length
  budget and the rule that the 参考 passages are other units' reports. Its answer is
  parsed (Markdown and echoed headings removed), citations ``[S2]`` are mapped back
  to passages and tokens are replaced by the entered figures.

Prompt wording lives in ``prompts/`` (see :mod:`drafter.drafting.prompts`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..facts.sheet import FactSheet
from ..facts.units import Profile, catalogue, policy_phrases
from ..text.markers import missing
from ..text.specs import Spec
from .composer import ComposeRequest, compose, practice_sentence
from .echo import strip_echoed_headings
from .feedback import appraisal_sentence, rectification_items
from .ledger import NumberLedger
from .llm import ChatModel, Message
from .prompts import PromptSet
from .types import Source

if TYPE_CHECKING:
    from .job import SectionJob

__all__ = [
    "ComposerWriter",
    "ModelWriter",
    "SectionWriter",
    "Written",
    "canonical_block",
    "length_budget",
    "section_figure_keys",
    "section_messages",
]

Emit = Callable[[str], None]
_MAX_PROMPT_PASSAGES = 8
_CITE_RE = re.compile(r"\s*[\[［【]\s*((?:S\d+\s*[,，、]?\s*)+)[\]］】]")
_MD_RE = re.compile(r"^\s*(?:#{1,6}\s*|[-*•]\s+|>\s*)")


@dataclass
class Written:
    """A section body and the passages shown beside it as 参考写法."""

    text: str
    sources: list[Source]


@runtime_checkable
class SectionWriter(Protocol):
    """Writes one section from its job and the retrieved reference passages."""

    #: recorded on each section (``composer`` / ``openai:qwen2.5``)
    name: str
    #: whether sections may be written in parallel (the composer writes in order, sharing one memory)
    parallel: bool

    def write(self, job: SectionJob, references: list[Source], emit: Emit) -> Written: ...


class ComposerWriter:
    """The offline composer: the section from the fact sheet; references only offered."""

    name = "composer"
    parallel = False

    def write(self, job: SectionJob, references: list[Source], emit: Emit) -> Written:
        done = compose(
            ComposeRequest(
                node=job.node,
                facts=job.facts,
                instruction=job.instruction,
                variant=job.variant,
                genre=job.outline.genre,
                memory=job.memory,
            )
        )
        emit(done.text)
        return Written(done.text, list(references))


# ---- the model path ----------------------------------------------------------
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


def section_figure_keys(job: SectionJob) -> list[str]:
    """The figures that belong to this section (the overview: all of them)."""
    keys: list[str] = []
    for node in job.node.walk():
        for k in node.figures:
            if k not in keys:
                keys.append(k)
    return keys


_CANONICAL = ("good_cadre_standard", "selection_principles", "fanti_sibi", "selection_procedure")
_TYPE_CANONICAL = {
    "soe": ("soe_leaders",),
    "university": ("university_leaders",),
    "institution": ("institution_leaders",),
    "local_committee": ("local_committee_report",),
    "township": ("township_authority",),
    "organ": ("rank_and_post", "two_regulations"),
}


def canonical_block(profile: Profile) -> str:
    """The general formulations a report of this unit type may quote exactly."""
    names = {
        "good_cadre_standard": "新时代好干部标准",
        "selection_principles": "选拔任用原则",
        "fanti_sibi": "凡提四必",
        "selection_procedure": "选拔任用程序",
    }
    lines = []
    for pid in _CANONICAL + _TYPE_CANONICAL.get(profile.type.id, ()):
        try:
            phrases = policy_phrases(pid)
        except KeyError:
            continue
        lines.append(f"{names.get(pid, pid)}：{'、'.join(phrases)}")
    return "\n".join(lines)


def _practices_block(job: SectionJob, profile: Profile) -> str:
    ids = [p for node in job.node.walk() for p in node.practices]
    if not ids:
        return "（本部分没有勾选的做法）"
    cat = catalogue()
    out = []
    for pid in ids:
        practice = cat.practice(pid)
        item = next((p for p in job.facts.practices if p.id == pid), None)
        if practice is None:
            continue
        count = f"，数量：{item.phrase()}" if item is not None and item.value is not None else ""
        note = f"，说明：{item.note}" if item is not None and item.note else ""
        out.append(
            f"- {practice.label_for(profile.type.id)}{count}{note}（可写作：{practice_sentence(job.facts, pid, profile)}）"
        )
    return "\n".join(out)


def _facts_count(job: SectionJob) -> int:
    n = 0
    for node in job.node.walk():
        n += len(node.practices) + len(node.highlights) + len(node.figures)
    el = job.node.element
    f = job.facts
    n += {"problems": len(f.problems), "plans": len(f.plans), "rectification": len(rectification_items(f))}.get(el, 0)
    return n


def length_budget(job: SectionJob) -> int:
    """Characters this section may take: it follows the facts, not a page target."""
    if job.node.element == "opening":
        return 160
    return 80 + 70 * _facts_count(job)


def _facts_block(job: SectionJob) -> str:
    f = job.facts
    node = job.node
    lines = [f"干部层级：{f.level}"] if f.level else []
    if f.superior:
        lines.append(f"上级组织部门：{f.superior}")
    for c in node.children:
        for h in c.highlights:
            lines.append(f"亮点（写入“{c.title}”）：{h}")
    lines.extend(f"亮点：{h}" for h in node.highlights)
    element = node.element
    if element == "problems":
        lines.extend(f"存在问题：{p}" for p in f.problems)
        if not f.problems:
            lines.append(f"存在问题：数据表未填写，请写缺项标记 {missing('本年度存在的主要问题')}")
    elif element == "plans":
        lines.extend(f"下一步打算：{p}" for p in f.plans)
    elif element == "rectification":
        lines.extend(f"整改情况：{p}" for p in rectification_items(f))  # each feedback item answered (issue 24)
        if appraisal_sentence(f):
            lines.append(f"民主评议：{appraisal_sentence(f)}")
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
        return "以“下一步，……”开头，只写数据表中的打算。" + base
    if job.node.children:
        return "每个小标题下写一段：先写一句概括（主题句），再用本单位的做法、数据和亮点展开；不写材料中没有的活动。" + base
    return "先写一句概括（主题句），再用本单位的做法、数据和亮点展开成一段；不写材料中没有的活动。" + base


def _cn(n: int) -> str:
    from ..text.doctree import int_to_chinese

    return int_to_chinese(n)


def section_messages(
    job: SectionJob, references: list[Source], prompts: PromptSet, spec: Spec
) -> tuple[list[Message], list[Source]]:
    """The messages for one section and the passages offered in them (ids ``S1``…)."""
    facts: FactSheet = job.facts
    profile = facts.profile()
    keys = section_figure_keys(job)
    ledger = NumberLedger(facts)
    offered = [
        Source(f"S{i}", s.source, s.heading, s.text, s.title)
        for i, s in enumerate(references[:_MAX_PROMPT_PASSAGES], start=1)
    ]
    passages = "\n".join(
        f"[{s.id}]（其他单位的报告：{s.title or s.source}）{' '.join(s.text.split())}" for s in offered
    ) or "（无）"
    element = spec.element(job.node.element)
    description = element.description if element else "开头段：说明年度、指导思想和总体要求，最后一句引出下文"
    subsections = ""
    if job.node.children:
        subsections = "本部分的小标题（依次写出，每个小标题单独一行，如“（一）……”）：\n" + "\n".join(
            f"（{_cn(i)}）{c.title}" for i, c in enumerate(job.node.children, start=1)
        )
    values = {
        "title": job.outline.title,
        "unit": facts.unit,
        "org": facts.org,
        "year": facts.year,
        "outline": "\n".join(f"{('' if n.level == 0 else '  ')}{n.title}" for n in job.outline.sections),
        "heading": job.heading or "开头段（无标题）",
        "element_description": description,
        "subsections": subsections,
        "profile": profile.describe(),
        "canonical": canonical_block(profile),
        "facts": _facts_block(job),
        "practices": _practices_block(job, profile),
        "figures": ledger.describe(keys),
        "budget": length_budget(job),
        "passages": passages,
        "guidance": _guidance(job),
    }
    system = prompts.system.render(genre_name=spec.name, marker_example=missing("……"))
    if job.previous is not None or job.instruction:
        values["instruction"] = job.instruction or "重写本部分，换一种写法"
        values["previous"] = ledger.tokenize(job.previous.text) if job.previous else "（无）"
        tpl = prompts.regenerate
    else:
        tpl = prompts.section
    user = tpl.render(**{k: v for k, v in values.items() if k in tpl.variables})
    return [{"role": "system", "content": system}, {"role": "user", "content": user}], offered


class ModelWriter:
    """A chat model writes the section under the grounding rule."""

    parallel = True

    def __init__(self, model: ChatModel, prompts: PromptSet, spec: Spec) -> None:
        self.model = model
        self.prompts = prompts
        self.spec = spec
        self.name = model.name

    def write(self, job: SectionJob, references: list[Source], emit: Emit) -> Written:
        messages, offered = section_messages(job, references, self.prompts, self.spec)
        raw = self.model.stream(messages, emit)
        body = parse_answer(raw, job.heading)
        body, cited = map_citations(body, offered)
        text = NumberLedger(job.facts).substitute(body).text
        by_id = {s.id: s for s in offered}
        return Written(text, [by_id[i] for i in cited] if cited else offered)
