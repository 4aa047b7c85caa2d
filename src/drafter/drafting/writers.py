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

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..facts.phrasebank import phrase_bank
from ..facts.sheet import FactSheet
from ..facts.units import Profile, catalogue, infer_unit_type, policy_phrases
from ..text.markers import missing
from ..text.redact import StreamRedactor, redact
from ..text.specs import Spec
from .composer import ComposeRequest, compose, practice_sentence
from .echo import strip_echoed_headings
from .feedback import appraisal_sentence, rectification_items
from .ledger import TOKEN_RE, NumberLedger
from .llm import ChatModel, ContextOverflow, Message, estimate_tokens
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
_CITE_RE = re.compile(r"\s*[\[［【(（]\s*((?:S\d+\s*[,，、]?\s*)+)[\]］】)）]")
_BARE_CITE_RE = re.compile(r"(?<![A-Za-z0-9])S\d{1,4}(?![A-Za-z0-9])")
_MD_RE = re.compile(r"^\s*(?:#{1,6}\s*|[-*•+]\s+|>\s*)")
#: markdown images and links, HTML tags and entities, bare addresses: none of it belongs in a report
_MD_IMAGE_RE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK_RE = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_HTML_RE = re.compile(r"<(?:!--.*?--|/?[A-Za-z][^<>]{0,200})>", re.DOTALL)
_ENTITY_RE = re.compile(r"&(?:nbsp|amp|lt|gt|quot|#\d{1,6});")
_URL_RE = re.compile(r"(?i)(?:https?|ftp|file|data|javascript):[^\s，。；、）)】]*|\bwww\.[^\s，。；、）)】]+")
#: list numbering a model puts at the start of a line: “1.” “1、” “1)” “（1）” “(1)” “①”
_LIST_RE = re.compile(r"^(?:\d{1,3}\s*[.．、)）]\s*|[（(]\s*\d{1,3}\s*[)）]\s*|[①-⑳]\s*)(?=\S)")
#: placeholders of a template report: “**人”, “XX”, “××”
_PLACEHOLDER_RE = re.compile(r"[*＊]{2}|[XＸ]{2}|××|〇〇|某某")


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

    text = _CITE_RE.sub(repl, text)
    # an id the model made up outside brackets (“见S121”) is dropped too
    text = _BARE_CITE_RE.sub("", text)
    return text, cited


def parse_answer(text: str, heading: str) -> str:
    """A model's answer as native body text: no Markdown, no echoed heading, no blank lines."""
    lines: list[str] = []
    title = re.sub(r"^[一二三四五六七八九十]+、", "", heading).strip()
    text = _MD_IMAGE_RE.sub("", text.replace("\r\n", "\n"))
    text = _MD_LINK_RE.sub(r"\1", text)
    text = _ENTITY_RE.sub("", _HTML_RE.sub("", text))
    text = _URL_RE.sub("", text)
    for raw in text.split("\n"):
        line = raw.strip().replace("***", "\0").replace("**", "").replace("\0", "***")  # *** is a masked key
        line = line.replace("__", "").replace("`", "")
        if line.startswith("```"):
            continue
        line = _MD_RE.sub("", line).strip()
        line = _LIST_RE.sub("", line).strip()  # a list item is body text, never a heading
        if not line or not re.search(r"[\w\u4e00-\u9fff]", line):
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
    lines = []
    for pid in _CANONICAL + _TYPE_CANONICAL.get(profile.type.id, ()):
        try:
            phrases = policy_phrases(pid)
        except KeyError:
            continue
        name = _CANONICAL_NAMES.get(pid)  # Chinese names only: an internal id never reaches the model
        lines.append(f"{name}：{'、'.join(phrases)}" if name else "、".join(phrases))
    return "\n".join(lines)


_CANONICAL_NAMES = {
    "good_cadre_standard": "新时代好干部标准",
    "selection_principles": "选拔任用原则",
    "fanti_sibi": "凡提四必",
    "selection_procedure": "选拔任用程序",
    "soe_leaders": "国有企业领导人员",
    "university_leaders": "高校领导人员",
    "institution_leaders": "事业单位领导人员",
    "local_committee_report": "地方党委报告",
    "township_authority": "乡镇干部管理权限",
    "rank_and_post": "职务职级",
    "two_regulations": "两项法规",
}


def phrase_block(profile: Profile, limit: int = 24) -> str:
    """Stock phrasings of the phrase bank for this unit type ({…} is filled from this unit's facts)."""
    out: list[str] = []
    for ph in phrase_bank().phrases:
        if ph.unit_types and profile.type.id not in ph.unit_types:
            continue
        if ph.kind not in ("lead", "connective", "practice"):
            continue
        text = re.sub(r"\{[^{}]*\}", "……", ph.text)
        if _forbidden_in(text, profile) or text in out:
            continue
        out.append(text)
        if len(out) >= limit:
            break
    return "\n".join(out)


def _forbidden_in(text: str, profile: Profile) -> list[str]:
    return [w for w in profile.type.forbidden if w and w in text]


def passage_type(s: Source) -> str:
    """The unit type a passage's report comes from, as its unit's name implies (机关 by default)."""
    return infer_unit_type(s.title or s.source).unit_type


def select_passages(references: list[Source], profile: Profile) -> tuple[list[Source], bool]:
    """Passages fit for this unit: same unit type first, then others; never one with the type's
    forbidden words or a template's placeholders. Returns them and whether any is of the same type."""
    same: list[Source] = []
    other: list[Source] = []
    for s in references:
        if _forbidden_in(s.text, profile) or _PLACEHOLDER_RE.search(s.text):
            continue
        (same if passage_type(s) == profile.type.id else other).append(s)
    return (same + other if same else []), bool(same)


def _definition(practice: Any, profile: Profile) -> str:
    """A practice's standard definition (``definition:`` in practices.yaml) for this unit type, its slots
    filled, with the rule it comes from — the same words the composer writes."""
    d = getattr(practice, "definition", None)
    if d is None or not d.applies(profile.type.id):
        return ""
    return f"{profile.fill(d.text)}（依据{d.rule}）"


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
        definition = _definition(practice, profile)
        allowed = f"；可用的规范表述：{definition}" if definition else ""
        out.append(
            f"- {practice.label_for(profile.type.id)}{count}{note}"
            f"（可写作：{practice_sentence(job.facts, pid, profile)}{allowed}）"
        )
    return "\n".join(out)


def figures_block(job: SectionJob, keys: list[str]) -> str:
    """This section's figures with their values; the answer still writes the tokens."""
    ledger = NumberLedger(job.facts)
    lines = []
    for key in keys:
        fig = ledger.figures.get(key)
        if fig is None:
            continue
        joint = "为" if fig.label.strip()[-1:].isdigit() else ""
        lines.append(
            f"{ledger.token(key)}：{fig.label}，本单位数值 {fig.phrase}（正文写作“{fig.label}{joint}{ledger.token(key)}”）"
        )
    if not lines:
        return ledger.describe(keys)
    return "\n".join(lines)


def stated_before(job: SectionJob) -> str:
    """What the overview and the sections before this one already state (not to be repeated)."""
    ledger = NumberLedger(job.facts)
    cat = catalogue()
    profile = job.facts.profile()
    lines: list[str] = []
    for node in job.outline.sections:
        if node.id == job.node.id:
            break
        said: list[str] = []
        for n in node.walk():
            said.extend(ledger.figures[k].label + ledger.figures[k].phrase for k in n.figures if k in ledger.figures)
            for pid in n.practices:
                practice = cat.practice(pid)
                if practice is not None:
                    said.append(practice.label_for(profile.type.id))
            said.extend(n.highlights)
        if said:
            name = node.title if node.level else "开头"
            lines.append(f"{name}：{'；'.join(dict.fromkeys(said))}")
    return "\n".join(lines) or "（无：本部分是第一部分）"


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
    return 80 + 70 * _facts_count(job) + _definitions_chars(job)


def _definitions_chars(job: SectionJob) -> int:
    """Room for the rule definitions of this section's ticked practices (the composer writes them too)."""
    ticked = {p.id for p in job.facts.practices}
    profile = job.facts.profile()
    cat = catalogue()
    n = 0
    for node in job.node.walk():
        for pid in node.practices:
            practice = cat.practice(pid)
            d = practice.definition if practice is not None else None
            if pid in ticked and d is not None and d.applies(profile.type.id):
                n += len(profile.fill(d.text)) + 10  # and 「按照《…》，」
    return n


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
    job: SectionJob,
    references: list[Source],
    prompts: PromptSet,
    spec: Spec,
    *,
    passages: int = _MAX_PROMPT_PASSAGES,
    passage_chars: int | None = None,
) -> tuple[list[Message], list[Source]]:
    """The messages for one section and the passages offered in them (ids ``S1``…).

    ``passages`` and ``passage_chars`` shorten the 参考写法 (to fit a small context);
    the writer's facts are never shortened.
    """
    facts: FactSheet = job.facts
    profile = facts.profile()
    keys = section_figure_keys(job)
    ledger = NumberLedger(facts)
    fit, same_type = select_passages(references, profile)
    offered = [
        Source(f"S{i}", s.source, s.heading, s.text, s.title) for i, s in enumerate(fit[:passages], start=1)
    ]

    def excerpt(text: str) -> str:
        flat = " ".join(text.split())
        return flat if passage_chars is None or len(flat) <= passage_chars else flat[:passage_chars] + "……"

    passage_text = "\n".join(
        f"[{s.id}]（其他单位的报告：{s.title or s.source}）{excerpt(s.text)}" for s in offered
    )
    if not same_type:
        passage_text = (
            f"（知识库中没有{profile.type.name}的报告，不提供其他类型单位的段落；只可借鉴上面的通用提法和下列常用表述）\n"
            + phrase_block(profile)
        )
    elif not passage_text:
        passage_text = "（参考写法已省略，以适应模型的上下文长度）"
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
        "figures": figures_block(job, keys),
        "budget": length_budget(job),
        "passages": passage_text,
        "guidance": _guidance(job),
        "stated": stated_before(job),
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


#: shorter 参考写法, step by step, until the prompt fits the model's context (the facts are never cut)
_FIT_STEPS: tuple[tuple[int, int | None], ...] = (
    (_MAX_PROMPT_PASSAGES, None), (6, 300), (4, 200), (2, 120), (1, 80), (0, 0),
)
#: the least room an answer needs (tokens); a prompt leaving less does not fit
_MIN_ANSWER_TOKENS = 192


def _aliases(facts: FactSheet) -> dict[str, str]:
    """Figure key → the ``F1``… name the model sees (an internal key never reaches the prompt)."""
    return {key: f"F{i}" for i, key in enumerate(NumberLedger(facts).figures, start=1)}


def _rename_tokens(text: str, names: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        key = m.group("key")
        return "{{" + names.get(key, key) + "}}"

    return TOKEN_RE.sub(repl, text)


class ModelWriter:
    """A chat model writes the section under the grounding rule.

    The prompt is fitted to the model's context (fewer and shorter 参考写法 first) and
    ``max_tokens`` follows the section's length budget; a server that reports an
    overflow gets one more try with the prompt shortened to its stated context.
    """

    parallel = True

    def __init__(self, model: ChatModel, prompts: PromptSet, spec: Spec) -> None:
        self.model = model
        self.prompts = prompts
        self.spec = spec
        self.name = model.name
        self._per_char: float | None = None

    # ---- sizes -----------------------------------------------------------------
    def _count(self, text: str) -> int:
        counter = getattr(self.model, "count_tokens", None)
        return int(counter(text)) if callable(counter) else estimate_tokens(text)

    def _tokens_per_char(self) -> float:
        """How many tokens a character of Chinese report text takes on this model."""
        if self._per_char is None:
            sample = "坚持党管干部原则，严格执行干部选拔任用工作条例，全年提拔重用干部二十人，进一步交流轮岗。"
            self._per_char = max(0.3, self._count(sample) / len(sample))
        return self._per_char

    def answer_tokens(self, job: SectionJob) -> int:
        """``max_tokens`` for this section: its length budget in tokens, with room to spare."""
        return max(384, math.ceil(length_budget(job) * self._tokens_per_char() * 1.6) + 64)

    def _context(self) -> int | None:
        getter = getattr(self.model, "context_length", None)
        return getter() if callable(getter) else None

    def _notice(self, text: str) -> None:
        add = getattr(self.model, "notice", None)
        if callable(add):
            add(text)

    def fit(
        self, job: SectionJob, references: list[Source], context: int | None
    ) -> tuple[list[Message], list[Source], int]:
        """Messages that fit ``context`` with room for the answer, the passages offered, and max_tokens."""
        want = self.answer_tokens(job)
        messages, offered = section_messages(job, references, self.prompts, self.spec)
        if context is None:
            return messages, offered, want
        for n, chars in _FIT_STEPS:
            messages, offered = section_messages(
                job, references, self.prompts, self.spec, passages=n, passage_chars=chars
            )
            used = self._count("\n".join(m["content"] for m in messages)) + 16 * len(messages)
            room = context - used - 8
            if room >= min(want, _MIN_ANSWER_TOKENS):
                if n < _MAX_PROMPT_PASSAGES and references:
                    self._notice(f"提示词超过模型上下文（{context}）：已减少参考写法")
                return messages, offered, min(want, room)
        raise ContextOverflow(
            f"提示词超过模型上下文（{context}）：去掉全部参考写法后仍需约 {used} 个词元，"
            f"留给本节的不足 {_MIN_ANSWER_TOKENS} 个。本节未撰写；请换用上下文更长的模型"
            "（或在服务器上调大上下文，如 llama.cpp 的 --n_ctx），并设置 DRAFTER_OPENAI_CONTEXT。",
            context,
        )

    def _ask(self, messages: list[Message], emit: Emit, max_tokens: int) -> str:
        stream = self.model.stream
        try:
            return stream(messages, emit, max_tokens=max_tokens)  # type: ignore[call-arg]
        except TypeError as err:  # a ChatModel without max_tokens (tests, older adapters)
            if "max_tokens" not in str(err):
                raise
            return stream(messages, emit)

    def write(self, job: SectionJob, references: list[Source], emit: Emit) -> Written:
        names = _aliases(job.facts)
        back = {v: k for k, v in names.items()}
        messages, offered, max_tokens = self.fit(job, references, self._context())
        messages = [{"role": m["role"], "content": _rename_tokens(m["content"], names)} for m in messages]

        masker = StreamRedactor()  # the registered key never reaches the screen, even split in two pieces

        def shown(piece: str) -> None:
            safe = masker.feed(piece)
            if safe:
                emit(safe)

        try:
            raw = self._ask(messages, shown, max_tokens)
        except ContextOverflow as err:
            if not err.limit:
                raise
            # the server named its context: shorten the 参考写法 to it and ask once more
            messages, offered, max_tokens = self.fit(job, references, err.limit)
            messages = [{"role": m["role"], "content": _rename_tokens(m["content"], names)} for m in messages]
            self._notice(f"提示词超过模型上下文（{err.limit}）：已减少参考写法")
            raw = self._ask(messages, shown, max_tokens)
        finally:
            rest = masker.flush()
            if rest:
                emit(rest)
        return self.finish(job, _rename_tokens(redact(raw), back), offered)

    def finish(self, job: SectionJob, raw: str, offered: list[Source]) -> Written:
        """The answer as a section: clean body text, citations mapped, tokens replaced."""
        body = parse_answer(raw, job.heading)
        body, cited = map_citations(body, offered)
        text = NumberLedger(job.facts).substitute(body).text
        by_id = {s.id: s for s in offered}
        return Written(redact(text), [by_id[i] for i in cited] if cited else offered)
