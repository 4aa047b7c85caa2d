"""The offline backend: a section written from the fact sheet alone, on the grounding rule.

No model is involved and the result is deterministic. A draft states only what the
writer entered or confirmed — figures, highlights, ticked practices (做法清单),
problems, plans, rectification items — plus general formulations that hold for
every unit of its type (the topic phrases of the practice catalogue, the canonical
phrases of ``knowledge/policies/``). Past reports are never pasted in: the chain
offers them beside each section as 参考写法 (see :mod:`drafter.drafting.chain`).

* opening — the year, the reporting body, the rules its unit type cites, its purpose;
* overview — every entered figure, grouped as a report groups them; a count the unit
  type requires (提拔 / 职级晋升 for an organ, 选拔任用 for a company …) that was not
  entered becomes the missing-fact marker;
* practices — per catalogue paragraph: a topic phrase opening a developed paragraph
  built from the ticked practices (with their counts and notes), the figures that
  belong there and the highlights; a part with nothing entered is a marker;
* rectification, problems, plans — the sheet's items; a marker where it has none.

Wording follows the unit type (:class:`~drafter.facts.units.Profile`): self-reference,
meeting, cadres, rules. Labels are written whole. No sentence is written twice in a
draft (the draft's :class:`~drafter.drafting.similarity.DraftMemory`).

A regeneration may pass an instruction (更精炼 drops the topic phrases; 加入… adds
the writer's sentence) and a ``variant`` number that picks another topic phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..facts.sheet import FactSheet, Figure
from ..facts.units import Profile, catalogue
from ..text.doctree import int_to_chinese
from ..text.markers import missing
from .feedback import appraisal_sentence, rectification_items
from .outline import OutlineSection
from .similarity import DraftMemory, normalise

__all__ = [
    "ComposeRequest",
    "Composed",
    "Style",
    "compose",
    "figure_phrase",
    "overview_sentences",
    "practice_sentence",
    "style_for",
]


@dataclass
class Style:
    """What a regeneration instruction asks for."""

    concise: bool = False
    detailed: bool = False
    add: list[str] = field(default_factory=list)


def style_for(instruction: str | None) -> Style:
    """Read a regeneration instruction: 更精炼 / 更详细 / 加入X."""
    style = Style()
    if not instruction:
        return style
    text = instruction.strip()
    if re.search(r"精炼|简洁|压缩|简短|缩短|精简", text):
        style.concise = True
    if re.search(r"详细|充实|展开|丰富|具体", text):
        style.detailed = True
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
    instruction: str | None = None
    variant: int = 0
    genre: str = "report"
    #: what the draft has said so far (shared by its sections); a fresh one if None
    memory: DraftMemory | None = None


@dataclass
class Composed:
    text: str


# ---- figures -------------------------------------------------------------
_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("select", ("提拔", "选拔", "任用", "进一步使用", "任职", "重用", "选任", "推荐")),
    ("rank", ("职级", "晋升", "调研员", "主任科员", "科员")),
    ("move", ("交流", "轮岗", "挂职", "转任", "调任", "遴选", "选派", "竞聘", "选聘")),
    ("train", ("培训", "学习", "轮训")),
)


def figure_phrase(fig: Figure) -> str:
    """``提拔正科级领导干部4人`` / ``40岁左右中层正职占比为37.5%`` — the label never loses a character."""
    label = fig.label.strip().rstrip("：:")
    if fig.unit == "%":
        if label.endswith(("为", "达", "达到")):
            return f"{label}{fig.phrase}"
        return f"{label}为{fig.phrase}"
    for tail in ("人次数", "人数", "名数", "次数", "项数", "个数"):
        if label.endswith(tail) and len(label) > len(tail):
            label = label[: -len(tail)]
            break
    if label[-1:].isdigit():  # “指标49” + “49人” would read “指标4949人”
        return f"{label}为{fig.phrase}"
    return f"{label}{fig.phrase}"


def _group_of(fig: Figure) -> str:
    for name, words in _GROUPS:
        if any(w in fig.label for w in words):
            return name
    return "other"


def overview_sentences(facts: FactSheet, profile: Profile | None = None) -> list[str]:
    """Clauses stating every entered figure, and markers for the counts the unit type requires."""
    profile = profile or facts.profile()
    counts = [f for f in facts.figures if f.unit != "%"]
    percents = [f for f in facts.figures if f.unit == "%"]
    grouped: dict[str, list[str]] = {}
    for fig in counts:
        grouped.setdefault(_group_of(fig), []).append(figure_phrase(fig))
    for group in profile.type.required_counts:
        if group not in grouped:
            label = profile.type.count_labels.get(group, group)
            grouped[group] = [f"{label}{missing(label + '人数')}"]
    order = ["select", "rank", "move", "train", "other"]
    clauses = ["，".join(grouped[g]) for g in order if g in grouped]
    sentences = ["全年" + "；".join(clauses) + "。"] if clauses else []
    if percents:
        sentences.append("；".join(figure_phrase(f) for f in percents) + "。")
    return sentences


# ---- helpers -------------------------------------------------------------
def _sentence(text: str) -> str:
    text = text.strip().rstrip("；;，,。.")
    return text + "。" if text else ""


def _clause(item: str) -> str:
    return item.strip().rstrip("；;，,。.")


def _enumerate(items: Sequence[str]) -> str:
    items = [i for i in (_sentence(x) for x in items) if i]
    if len(items) <= 1:
        return "".join(items)
    return "".join(f"{int_to_chinese(n)}是{item}" for n, item in enumerate(items, start=1))


def practice_sentence(facts: FactSheet, practice_id: str, profile: Profile | None = None) -> str:
    """One ticked practice written up for this unit (its count and note included), without end stop."""
    profile = profile or facts.profile()
    item = next((p for p in facts.practices if p.id == practice_id), None)
    practice = catalogue().practice(practice_id)
    if practice is None:
        return ""
    ut = profile.type.id
    if item is not None and item.value is not None and (practice.write_count or practice.writes_count.get(ut)):
        template = practice.writes_count.get(ut) or practice.write_count or practice.write
        text = profile.fill(template, item.phrase())
    else:
        text = profile.fill(practice.writes.get(ut) or practice.write)
    if item is not None and item.note:
        text = f"{_clause(text)}，{_clause(item.note)}"
    return _clause(text)


class _Writer:
    """Sentences of one section, none repeating what the draft already says."""

    def __init__(self, memory: DraftMemory) -> None:
        self.memory = memory

    def fresh(self, sentence: str) -> bool:
        """Whether ``sentence`` is new to the draft (exactly); registers it."""
        key = normalise(sentence)
        if not key:
            return False
        if self.memory.source_used(key):
            return False
        self.memory.add(sentence, source_key=key)
        return True


def _paragraph(
    req: ComposeRequest, node: OutlineSection, profile: Profile, writer: _Writer, add: Sequence[str] = ()
) -> str:
    """A topic phrase and a developed paragraph from this node's own facts (or a marker)."""
    facts = req.facts
    style = style_for(req.instruction)
    cat = catalogue()
    part_id, _, sub_id = node.key.partition("/")
    part = cat.part(part_id)
    sub = part.sub(sub_id) if part is not None and sub_id else None
    items = [s for s in (practice_sentence(facts, pid, profile) for pid in node.practices) if s]
    stated = "".join(items)
    figs = [facts.figure(k) for k in node.figures]
    phrases = [figure_phrase(f) for f in figs if f is not None and f.phrase not in stated]
    if phrases:
        items.append("全年" + "，".join(phrases))
    highlights = [_clause(h) for h in node.highlights] + [_clause(a) for a in add]
    if not items and not highlights:
        what = f"本年度{part.short}方面的具体做法" if part is not None else f"{node.title}的具体做法"
        return missing(what) + "。"
    lead = ""
    if sub is not None and not style.concise:
        lead = profile.fill(sub.leads[req.variant % len(sub.leads)])
    sentences: list[str] = []
    body = items + highlights
    first = f"{lead}，{body[0]}" if lead else body[0]
    sentences.append(_sentence(first))
    for s in body[1:]:
        sentence = _sentence(s)
        if sentence and writer.fresh(sentence):
            sentences.append(sentence)
    writer.fresh(sentences[0])
    return "".join(sentences)


# ---- elements --------------------------------------------------------------
def _opening(req: ComposeRequest, profile: Profile, writer: _Writer) -> str:
    f = req.facts
    lead = f"{f.year}年，"
    if f.superior:
        lead += f"在{f.superior}的指导下，"
    verb = "通报" if req.genre == "speech" else "报告"
    if style_for(req.instruction).concise:
        first = f"{lead}{f.org}深入贯彻新时代党的组织路线，严格执行{profile.rules_cited()}。"
    else:
        first = (
            f"{lead}{f.org}坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻新时代党的组织路线，"
            f"认真执行{profile.rules_cited()}，{profile.fill(profile.type.mission)}。"
        )
    close = f"现将{profile.self_ref}{f.year}年度干部选拔任用工作情况{verb}如下："
    writer.fresh(first)
    return first + "\n" + close


def _overview(req: ComposeRequest, profile: Profile, writer: _Writer) -> str:
    f = req.facts
    sentences = overview_sentences(f, profile)
    if f.level:
        who = f"{f.level}{profile.cadres}" if profile.cadres == "干部" else f"{profile.cadres}（{f.level}）"
        sentences.insert(0, f"{f.year}年，{f.org}严格按照管理权限和规定程序选任{who}。")
    elif sentences:
        sentences[0] = f"{f.year}年，{f.org}按照干部管理权限，" + sentences[0].removeprefix("全年")
    if not sentences:
        sentences = [f"{f.year}年，{f.org}按照干部管理权限选拔任用{profile.cadres}{missing('本年度选拔任用人数')}。"]
    paras = ["".join(sentences)]
    extra = [_sentence(h) for h in req.node.highlights]
    if extra:
        paras.append("".join(extra))
    for s in sentences + extra:
        writer.fresh(s)
    if req.node.children:  # a speech: the practices are the overview's subsections
        for n, child in enumerate(req.node.children, start=1):
            paras.append(f"（{int_to_chinese(n)}）{child.title}")
            paras.append(_paragraph(req, child, profile, writer))
    return "\n".join(p for p in paras if p)


def _practices(req: ComposeRequest, profile: Profile, writer: _Writer) -> str:
    node = req.node
    add = style_for(req.instruction).add
    if not node.children:
        return _paragraph(req, node, profile, writer, add)
    lines: list[str] = []
    for n, child in enumerate(node.children, start=1):
        lines.append(f"（{int_to_chinese(n)}）{child.title}")
        lines.append(_paragraph(req, child, profile, writer, add if n == len(node.children) else ()))
    return "\n".join(lines)


def _rectification(req: ComposeRequest, profile: Profile, writer: _Writer) -> str:
    f = req.facts
    lead = f"对照上年度“一报告两评议”反馈意见，{f.org}逐项研究整改措施"
    items = [practice_sentence(f, pid, profile) for pid in req.node.practices]
    items += rectification_items(f, _clause) + [_clause(h) for h in req.node.highlights]  # feedback hook
    items = [i for i in items if i]
    if appraisal_sentence(f):
        lead = f"{appraisal_sentence(f)}。{lead}"
    if not items:
        return f"{lead}：{missing('上年度反馈问题的整改情况')}。"
    if len(items) == 1:
        return f"{lead}，{items[0]}。"
    return f"{lead}：{_enumerate(items)}"


def _problems(req: ComposeRequest, profile: Profile, writer: _Writer) -> str:
    f = req.facts
    items = list(f.problems) + list(req.node.highlights)
    head = f"对照新时代党的组织路线和选人用人工作要求，{profile.self_ref}干部选拔任用工作还存在一些不足"
    if not items:
        return f"{head}：{missing('本年度干部选拔任用工作存在的主要问题')}。"
    if len(items) == 1:
        return f"{head}，主要是{_clause(items[0])}。"
    return f"{head}：{_enumerate(items)}"


def _plans(req: ComposeRequest, profile: Profile, writer: _Writer) -> str:
    f = req.facts
    items = list(f.plans) + list(req.node.highlights)
    if not items:
        return f"下一步，{f.org}将针对上述问题，{missing('下一步工作打算')}。"
    if len(items) == 1:
        return f"下一步，{f.org}将针对上述问题，{_clause(items[0])}。"
    return f"下一步，{f.org}将针对上述问题，重点抓好以下工作：{_enumerate(items)}"


def _other(req: ComposeRequest, profile: Profile, writer: _Writer) -> str:
    items = [_clause(x) for x in req.node.highlights]
    if not items:
        return missing("其他需要报告的情况") + "。"
    return _enumerate(items) if len(items) > 1 else _sentence(items[0])


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
    """The body of one top-level section (subheading lines included)."""
    if req.memory is None:
        req.memory = DraftMemory()
    profile = req.facts.profile()
    fn = _BY_ELEMENT.get(req.node.element, _practices)
    return Composed(fn(req, profile, _Writer(req.memory)))
