"""The offline backend: a section assembled from the fact sheet and past reports.

No model is involved and the result is deterministic. For each element:

* opening — the year, reporting body and guiding line, in the genre's phrasing;
* overview — every entered figure stated (``提拔正科级领导干部4人``), grouped as
  a report groups them; a required count that was not entered becomes the
  missing-fact marker;
* practices — per ``（一）`` subsection: a lead sentence of the theme, the user's
  highlights, then the best-matching sentences of retrieved past reports, each
  localised (:func:`~drafter.drafting.localise.localise`) or dropped;
* rectification, problems, plans — the fact sheet's items as ``一是……二是……``;
  where the sheet gives none, the marker stands in their place.

Nothing is said twice: every sentence written goes into the draft's
:class:`~drafter.drafting.similarity.DraftMemory`, shared by all its sections; a
past-report sentence already used, or one nearly repeating anything written
(bigram Jaccard ≥ 0.20 or containment ≥ 0.70), is skipped, and a lead that
repeats a highlight or an earlier sentence is left out.

A regeneration may pass an instruction (更精炼 / 更详细 / 突出… / 加入…) and a
``variant`` number that picks the next-best passages, so a second version differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..doctree import int_to_chinese
from ..facts import FactSheet, Figure
from ..markers import missing
from .localise import localise, split_sentences
from .outline import OutlineSection
from .quality import ITEM_CHARS
from .similarity import DraftMemory, normalise
from .themes import THEMES, Subtheme, Theme
from .types import Source

__all__ = ["ComposeRequest", "Composed", "Style", "compose", "figure_phrase", "overview_sentences", "style_for"]


@dataclass
class Style:
    """How much past-report prose a subsection takes, and what to favour."""

    sentences: int = 2
    focus: list[str] = field(default_factory=list)
    add: list[str] = field(default_factory=list)
    concise: bool = False


def style_for(instruction: str | None) -> Style:
    """Read a regeneration instruction: 更精炼 / 更详细 / 突出X / 加入X."""
    style = Style()
    if not instruction:
        return style
    text = instruction.strip()
    if re.search(r"精炼|简洁|压缩|简短|缩短|精简", text):
        style.sentences, style.concise = 1, True
    if re.search(r"详细|充实|展开|丰富|具体", text):
        style.sentences = 4
    for m in re.finditer(r"(?:突出|强调|侧重|聚焦|重点写)([^，。；,;]+)", text):
        style.focus.extend(w for w in re.split(r"[和及与、\s]+", m.group(1)) if len(w) >= 2)
    for m in re.finditer(r"(?:加入|增加|补充|写入)[：:“\"]?([^。；;”\"]+)", text):
        item = m.group(1).strip()
        if len(item) >= 4:
            style.add.append(item)
    return style


@dataclass
class ComposeRequest:
    """What the composer needs for one top-level section."""

    node: OutlineSection
    facts: FactSheet
    passages: dict[str, list[Source]] = field(default_factory=dict)  # by node id
    instruction: str | None = None
    variant: int = 0
    genre: str = "report"
    #: what the draft has said so far (shared by its sections); a fresh one if None
    memory: DraftMemory | None = None


@dataclass
class Composed:
    text: str
    used: list[str]  # source ids


# ---- figures -------------------------------------------------------------
_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("select", ("提拔", "选拔", "任用", "进一步使用", "任职", "重用")),
    ("rank", ("职级", "晋升", "调研员", "主任科员", "科员")),
    ("move", ("交流", "轮岗", "挂职", "转任", "调任", "遴选", "选派")),
    ("train", ("培训", "学习", "轮训")),
)


def figure_phrase(fig: Figure) -> str:
    """``提拔正科级领导干部4人`` / ``40岁左右中层正职占比为37.5%``."""
    label = fig.label.strip().rstrip("：:")
    if fig.unit == "%":
        if label.endswith(("为", "达", "达到")):
            return f"{label}{fig.phrase}"
        return f"{label}为{fig.phrase}"
    for tail in ("人次数", "人数", "数量", "名数", "次数", "项数", "个数", "数"):
        if label.endswith(tail) and len(label) > len(tail):
            label = label[: -len(tail)]
            break
    label = label.removesuffix(fig.unit)
    if label[-1:].isdigit():  # “指标49” + “49人” would read “指标4949人”
        return f"{label}为{fig.phrase}"
    return f"{label}{fig.phrase}"


def _group_of(fig: Figure) -> str:
    for name, words in _GROUPS:
        if any(w in fig.label for w in words):
            return name
    return "other"


def overview_sentences(facts: FactSheet) -> list[str]:
    """Sentences stating every entered figure (markers for the required counts missing)."""
    counts = [f for f in facts.figures if f.unit != "%"]
    percents = [f for f in facts.figures if f.unit == "%"]
    grouped: dict[str, list[str]] = {}
    for fig in counts:
        grouped.setdefault(_group_of(fig), []).append(figure_phrase(fig))
    if "select" not in grouped:
        grouped["select"] = [f"提拔领导干部{missing('提拔领导干部人数')}"]
    if "rank" not in grouped:
        grouped["rank"] = [f"职级晋升{missing('职级晋升人数')}"]
    order = ["select", "rank", "move", "train", "other"]
    clauses = ["，".join(grouped[g]) for g in order if g in grouped]
    sentences = ["全年" + "；".join(clauses) + "。"]
    if percents:
        sentences.append("；".join(figure_phrase(f) for f in percents) + "。")
    return sentences


# ---- helpers -------------------------------------------------------------
def _sentence(text: str) -> str:
    text = text.strip().rstrip("；;，,。.")
    return text + "。" if text else ""


def _enumerate(items: Sequence[str]) -> str:
    items = [i for i in (_sentence(x) for x in items) if i]
    if len(items) <= 1:
        return "".join(items)
    return "".join(f"{int_to_chinese(n)}是{item}" for n, item in enumerate(items, start=1))


_ODD_END_RE = re.compile(r"[的和与及对在把将并或、，]。$")


def _drop_echo(sentence: str, heading: str) -> str:
    """``sentence`` without a first clause that only repeats the subsection heading.

    “突出政治标准，明确……” under “（二）突出政治标准” becomes “明确……”.
    """
    head, sep, rest = sentence.partition("，")
    if not sep or not heading:
        return sentence
    h, t = normalise(head), normalise(heading)
    if len(h) >= 4 and h in t and len(normalise(rest)) >= 16:
        return rest
    return sentence


def _is_report(src: Source) -> bool:
    """Past reports and uploads give prose; the policy digest gives notes, not sentences."""
    return not src.source.startswith("policies/")


def _owner_of(sentence: str) -> str | None:
    """The catalogue subsection whose keywords a sentence matches best (None on a tie or no match).

    Each sentence belongs to one subsection only, so sections composed in parallel
    never repeat each other's sentences.
    """
    scores = sorted(
        ((sum(1 for k in sub.keywords if k in sentence), sub.title) for t in THEMES for sub in t.subs),
        reverse=True,
    )
    if not scores or scores[0][0] == 0 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None
    return scores[0][1]


def _subtheme(title: str) -> tuple[Theme | None, Subtheme | None]:
    for theme in THEMES:
        if theme.title == title or theme.title.startswith(title + "，"):
            return theme, None
        for sub in theme.subs:
            if sub.title == title:
                return theme, sub
    return None, None


def _keywords(node: OutlineSection, sub: Subtheme | None) -> list[str]:
    words = list(sub.keywords) if sub else []
    words += [w for w in re.split(r"[，、\s]+", node.title) if len(w) >= 2]
    words += [w for w in node.query.split() if len(w) >= 2]
    return words


def _pick_sentences(
    sources: Iterable[Source],
    facts: FactSheet,
    keywords: Sequence[str],
    style: Style,
    variant: int,
    memory: DraftMemory,
    owner: str | None = None,
    heading: str = "",
) -> tuple[list[str], list[str]]:
    """Up to ``style.sentences`` localised sentences, best first; returns (sentences, source ids).

    A sentence is skipped when its past-report original was already used in this
    draft, when it nearly repeats anything the draft has said (``memory``), when it
    is too long for a ``一是……`` item, or when the rewrite ends on a particle.
    The sentences chosen are added to ``memory``.
    """
    candidates: list[tuple[float, int, str, str, str]] = []
    order = 0
    lo, hi = ITEM_CHARS
    for rank, src in enumerate(s for s in sources if _is_report(s)):
        for sent in split_sentences(src.text):
            order += 1
            key = normalise(sent)
            if memory.source_used(key):
                continue
            local = localise(sent, facts)
            if local is None:
                continue
            local = _drop_echo(local, heading)
            size = len(normalise(local))
            if size < max(lo, 16) or size > hi - 10 or _ODD_END_RE.search(local):
                continue
            if owner is not None and _owner_of(local) not in (None, owner):
                continue  # another subsection of the catalogue fits this sentence better
            score = sum(1.0 for k in keywords if k in local) + sum(3.0 for f in style.focus if f in local)
            score += max(0.0, 1.0 - rank * 0.15)  # retrieval rank
            if size > 80:
                score -= 0.5  # a long item unbalances the list
            if score < 1.5:
                continue
            candidates.append((score, -order, local, src.id, key))
    candidates.sort(reverse=True)
    if variant and candidates:
        shift = (variant * style.sentences) % len(candidates)
        candidates = candidates[shift:] + candidates[:shift]
    chosen: list[str] = []
    used: list[str] = []
    for _score, _o, sent, sid, key in candidates:
        if len(chosen) >= style.sentences:
            break
        if memory.source_used(key) or memory.clashes(sent):
            continue
        memory.add(sent, source_key=key)
        chosen.append(sent)
        if sid not in used:
            used.append(sid)
    return chosen, used


def _written(memory: DraftMemory, sentence: str, against: Sequence[str] = ()) -> str:
    """``sentence`` if it repeats nothing written (nor ``against``), registered; else ""."""
    sentence = _sentence(sentence)
    if not sentence or memory.clashes(sentence, against):
        return ""
    memory.add(sentence)
    return sentence


# ---- elements --------------------------------------------------------------
def _opening(req: ComposeRequest) -> Composed:
    f = req.facts
    lead = f"{f.year}年，"
    if f.superior:
        lead += f"在{f.superior}的有力指导下，"
    text = (
        f"{lead}{f.org}坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻新时代党的组织路线，"
        "认真执行《党政领导干部选拔任用工作条例》，严把干部选拔任用政治关、品行关、能力关、作风关、廉洁关，"
        f"着力建设忠诚干净担当的高素质干部队伍，为{f.unit}各项工作提供了坚强组织保证。"
    )
    verb = "通报" if req.genre == "speech" else "报告"
    close = f"现将{f.year}年度干部选拔任用工作情况{verb}如下："
    if style_for(req.instruction).concise:
        text = (
            f"{lead}{f.org}深入贯彻新时代党的组织路线，严格执行《党政领导干部选拔任用工作条例》，"
            "坚持好干部标准，树立正确选人用人导向。"
        )
    return Composed(text + "\n" + close, [])


def _overview(req: ComposeRequest) -> Composed:
    f = req.facts
    level = f"，统筹{f.level}干部队伍建设" if f.level else ""
    first = f"{f.year}年，{f.org}按照干部管理权限{level}，严格按照规定条件和程序选拔任用干部。"
    paras = [first + "".join(overview_sentences(f))]
    extra = [_sentence(h) for h in req.node.highlights]
    if extra:
        paras.append("".join(extra))
    used: list[str] = []
    if req.node.children:  # a speech: the practices are the overview's subsections
        memory = req.memory = req.memory or DraftMemory()
        for p in paras:
            memory.add_text(p)
        body, used = _subsections(req)
        paras.append(body)
    return Composed("\n".join(p for p in paras if p), used)


def _subsections(req: ComposeRequest) -> tuple[str, list[str]]:
    style = style_for(req.instruction)
    memory = req.memory or DraftMemory()
    lines: list[str] = []
    used: list[str] = []
    added = list(style.add)
    for n, child in enumerate(req.node.children, start=1):
        theme, sub = _subtheme(child.title)
        lines.append(f"（{int_to_chinese(n)}）{child.title}")
        highlights = [_sentence(h) for h in child.highlights]
        if added and (n == len(req.node.children) or (sub and any(k in added[0] for k in sub.keywords))):
            highlights.extend(_sentence(a) for a in added)
            added = []
        for h in highlights:  # the user's own facts: always written, registered first
            memory.add(h)
        raw_lead = (sub.lead if sub else theme.lead if theme else "").format(org=req.facts.org)
        lead = _written(memory, raw_lead, highlights) if raw_lead else ""
        picked, ids = _pick_sentences(
            req.passages.get(child.id, []),
            req.facts,
            _keywords(child, sub) + (list(theme.keywords) if theme and not sub else []),
            style,
            req.variant,
            memory,
            owner=sub.title if sub else None,
            heading=child.title,
        )
        for i in ids:
            if i not in used:
                used.append(i)
        items = highlights + picked
        if not items and sub is not None and sub.fallback:
            fallback = _written(memory, sub.fallback)
            items = [fallback] if fallback else []
        if len(items) > 1:
            body = lead + _enumerate(items)
        else:
            body = lead + "".join(_sentence(x) for x in items)
        if not body:
            body = missing(f"{child.title}的具体做法")
        lines.append(body)
    return "\n".join(lines), used


def _practices(req: ComposeRequest) -> Composed:
    theme, _sub = _subtheme(req.node.title)
    style = style_for(req.instruction)
    memory = req.memory or DraftMemory()
    req.memory = memory
    parts: list[str] = []
    if theme is not None and not style.concise:
        lead = _written(memory, theme.lead.format(org=req.facts.org))
        if lead:
            parts.append(lead)
    if req.node.children:
        body, used = _subsections(req)
        parts.append(body)
        return Composed("\n".join(parts), used)
    highlights = [_sentence(h) for h in req.node.highlights] + [_sentence(a) for a in style.add]
    for h in highlights:
        memory.add(h)
    picked, used = _pick_sentences(
        req.passages.get(req.node.id, []), req.facts, _keywords(req.node, None), style, req.variant, memory,
        heading=req.node.title,
    )
    items = highlights + picked
    if items:
        parts.append(_enumerate(items))
    if not parts:
        parts.append(missing(f"{req.node.title}的具体做法"))
    return Composed("\n".join(parts), used)


def _rectification(req: ComposeRequest) -> Composed:
    f = req.facts
    lead = f"对照上年度“一报告两评议”反馈意见，{f.org}逐项研究制定整改措施，明确责任、限期整改。"
    items = [_sentence(x) for x in f.rectification]
    if not items:
        return Composed(lead + missing("上年度反馈问题的整改情况") + "。", [])
    return Composed(lead + (_enumerate(items) if len(items) > 1 else items[0]), [])


def _clause(item: str) -> str:
    """An item as a clause inside a sentence (no closing punctuation)."""
    return item.strip().rstrip("；;，,。.")


def _problems(req: ComposeRequest) -> Composed:
    f = req.facts
    items = list(f.problems) + [h.text for h in f.highlights_for("problems")]
    head = f"在肯定成绩的同时，{f.org}也清醒地认识到，干部选拔任用工作还存在一些不足"
    close = "对这些问题，我们将认真研究，采取有力措施切实加以解决。"
    if not items:
        return Composed(f"{head}：{missing('本年度干部选拔任用工作存在的主要问题')}。{close}", [])
    if len(items) == 1:
        return Composed(f"{head}，主要是{_clause(items[0])}。{close}", [])
    return Composed(f"{head}：{_enumerate(items)}{close}", [])


def _plans(req: ComposeRequest) -> Composed:
    f = req.facts
    items = list(f.plans) + [h.text for h in f.highlights_for("plans")]
    close = f"以更高标准、更实举措做好干部选拔任用工作，为{f.unit}高质量发展提供有力的干部保障。"
    if not items:
        lead = f"下一步，{f.org}将坚持问题导向，重点抓好以下工作："
        return Composed(f"{lead}{missing('下一步工作打算')}。{close}", [])
    if len(items) == 1:
        return Composed(f"下一步，{f.org}将坚持问题导向，着眼解决上述问题，{_clause(items[0])}，{close}", [])
    lead = f"下一步，{f.org}将坚持问题导向，针对上述不足，重点抓好以下工作："
    return Composed(f"{lead}{_enumerate(items)}{close}", [])


def _other(req: ComposeRequest) -> Composed:
    items = [_sentence(x) for x in req.node.highlights]
    if not items:
        return Composed(missing("其他需要报告的情况") + "。", [])
    return Composed(_enumerate(items) if len(items) > 1 else items[0], [])


_BY_ELEMENT = {
    "opening": _opening,
    "overview": _overview,
    "practices": _practices,
    "rectification": _rectification,
    "problems": _problems,
    "plans": _plans,
    "other": _other,
}


def compose(req: ComposeRequest) -> Composed:
    """The body of one top-level section (subheading lines included).

    Every sentence written is added to ``req.memory`` (created if None), so the
    next section composed with the same memory repeats none of it.
    """
    if req.memory is None:
        req.memory = DraftMemory()
    fn = _BY_ELEMENT.get(req.node.element, _practices)
    done = fn(req)
    if req.node.element != "practices" and not req.node.children:
        req.memory.add_text(done.text)  # the others registered each sentence as they wrote it
    return done
