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


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[，。；、“”《》（）\s]", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _similar(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / min(len(x), len(y))


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
    avoid: list[str],
    owner: str | None = None,
) -> tuple[list[str], list[str]]:
    """Up to ``style.sentences`` localised sentences, best first; returns (sentences, source ids)."""
    candidates: list[tuple[float, int, str, str]] = []
    order = 0
    for rank, src in enumerate(s for s in sources if _is_report(s)):
        for sent in split_sentences(src.text):
            order += 1
            local = localise(sent, facts)
            if local is None:
                continue
            if owner is not None and _owner_of(local) not in (None, owner):
                continue  # another subsection of the catalogue fits this sentence better
            score = sum(1.0 for k in keywords if k in local) + sum(3.0 for f in style.focus if f in local)
            score += max(0.0, 1.0 - rank * 0.15)  # retrieval rank
            if score < 1.5:
                continue
            candidates.append((score, -order, local, src.id))
    candidates.sort(reverse=True)
    if variant and candidates:
        shift = (variant * style.sentences) % len(candidates)
        candidates = candidates[shift:] + candidates[:shift]
    chosen: list[str] = []
    used: list[str] = []
    for _score, _o, sent, sid in candidates:
        if len(chosen) >= style.sentences:
            break
        if any(_similar(sent, other) > 0.45 for other in chosen + avoid):
            continue
        chosen.append(sent)
        if sid not in used:
            used.append(sid)
    return chosen, used


# ---- elements --------------------------------------------------------------
def _opening(req: ComposeRequest) -> Composed:
    f = req.facts
    lead = f"{f.year}年，"
    if f.superior:
        lead += f"在{f.superior}的有力指导下，"
    text = (
        f"{lead}{f.org}坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻新时代党的组织路线，"
        "认真执行《党政领导干部选拔任用工作条例》，坚持党管干部原则和新时代好干部标准，"
        "树立正确选人用人导向，严格规范干部选拔任用工作，着力建设忠诚干净担当的高素质干部队伍，"
        f"为{f.unit}各项工作提供了坚强组织保证。"
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
    first = f"{f.year}年，{f.org}按照干部管理权限{level}，坚持职务与职级并行，严格按照规定条件和程序选拔任用干部。"
    paras = [first + "".join(overview_sentences(f))]
    extra = [_sentence(h) for h in req.node.highlights]
    if extra:
        paras.append("".join(extra))
    used: list[str] = []
    if req.node.children:  # a speech: the practices are the overview's subsections
        body, used = _subsections(req)
        paras.append(body)
    return Composed("\n".join(p for p in paras if p), used)


def _subsections(req: ComposeRequest) -> tuple[str, list[str]]:
    style = style_for(req.instruction)
    lines: list[str] = []
    used: list[str] = []
    avoid: list[str] = []
    added = list(style.add)
    for n, child in enumerate(req.node.children, start=1):
        theme, sub = _subtheme(child.title)
        lines.append(f"（{int_to_chinese(n)}）{child.title}")
        lead = (sub.lead if sub else theme.lead if theme else "").format(org=req.facts.org)
        highlights = [_sentence(h) for h in child.highlights]
        if added and (n == len(req.node.children) or (sub and any(k in added[0] for k in sub.keywords))):
            highlights.extend(_sentence(a) for a in added)
            added = []
        picked, ids = _pick_sentences(
            req.passages.get(child.id, []),
            req.facts,
            _keywords(child, sub) + (list(theme.keywords) if theme and not sub else []),
            style,
            req.variant,
            avoid + [lead],
            owner=sub.title if sub else None,
        )
        avoid.extend(picked)
        for i in ids:
            if i not in used:
                used.append(i)
        items = highlights + picked
        body = lead + _enumerate(items) if len(items) > 1 else lead + "".join(_sentence(x) for x in items)
        if not body:
            body = missing(f"{child.title}的具体做法")
        lines.append(body)
    return "\n".join(lines), used


def _practices(req: ComposeRequest) -> Composed:
    theme, _sub = _subtheme(req.node.title)
    style = style_for(req.instruction)
    parts: list[str] = []
    if theme is not None and not style.concise:
        parts.append(theme.lead.format(org=req.facts.org))
    if req.node.children:
        body, used = _subsections(req)
        parts.append(body)
        return Composed("\n".join(parts), used)
    picked, used = _pick_sentences(
        req.passages.get(req.node.id, []), req.facts, _keywords(req.node, None), style, req.variant, []
    )
    items = [_sentence(h) for h in req.node.highlights] + [_sentence(a) for a in style.add] + picked
    if items:
        parts.append(_enumerate(items))
    if not parts:
        parts.append(missing(f"{req.node.title}的具体做法"))
    return Composed("\n".join(parts), used)


def _listing(lead: str, items: Sequence[str], what: str, close: str = "") -> str:
    if not items:
        return lead + missing(what) + "。" + close
    return lead + _enumerate(items) + close


def _rectification(req: ComposeRequest) -> Composed:
    f = req.facts
    lead = f"针对上年度“一报告两评议”反馈的问题，{f.org}认真研究、逐项制定整改措施，明确责任、限期整改。"
    return Composed(_listing(lead, f.rectification, "上年度反馈问题的整改情况"), [])


def _problems(req: ComposeRequest) -> Composed:
    f = req.facts
    lead = f"在肯定成绩的同时，{f.org}也清醒地认识到，干部选拔任用工作还存在一些不足："
    close = "对这些问题，我们将认真研究，采取有力措施切实加以解决。"
    items = list(f.problems) + [h.text for h in f.highlights_for("problems")]
    return Composed(_listing(lead, items, "本年度干部选拔任用工作存在的主要问题", close), [])


def _plans(req: ComposeRequest) -> Composed:
    f = req.facts
    lead = (
        f"下一步，{f.org}将继续深入贯彻新时代党的组织路线，认真执行《党政领导干部选拔任用工作条例》，"
        "重点抓好以下工作："
    )
    close = f"不断提高干部选拔任用工作质量，为{f.unit}各项事业发展提供坚强组织保证。"
    items = list(f.plans) + [h.text for h in f.highlights_for("plans")]
    return Composed(_listing(lead, items, "下一步工作打算", close), [])


def _other(req: ComposeRequest) -> Composed:
    items = list(req.node.highlights)
    return Composed(_listing("", items, "其他需要报告的情况"), [])


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
    fn = _BY_ELEMENT.get(req.node.element, _practices)
    return fn(req)
