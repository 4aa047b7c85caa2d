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
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from ..facts.derived import alike_groups, figure_shares, figure_totals, merge_alike
from ..facts.phrasebank import phrase_bank
from ..facts.sheet import RECTIFICATION_SOURCES, FactSheet, Figure
from ..facts.units import Profile, catalogue
from ..text.doctree import int_to_chinese
from ..text.markers import missing
from .feedback import appraisal_sentence, rectification_items
from .outline import OutlineSection
from .similarity import DraftMemory, is_near_duplicate, normalise

__all__ = [
    "ComposeRequest",
    "Composed",
    "Style",
    "compose",
    "figure_forms",
    "figure_phrase",
    "figure_stated",
    "overview_sentences",
    "plan_ties",
    "practice_preview",
    "practice_sentence",
    "say",
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

    @property
    def style_concise(self) -> bool:
        return style_for(self.instruction).concise

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


def _share_of(fig: Figure, facts: FactSheet) -> str:
    """``占提拔科级领导干部总数的28.6%`` when ``fig`` counts a part of a computed total, else ""."""
    share = next((s for s in figure_shares(facts.figures) if s.figure.key == fig.key), None)
    return share.clause() if share is not None else ""


def _stated(fig: Figure, facts: FactSheet) -> str:
    """The figure's phrase with its share of the total it belongs to (computed, traceable)."""
    share = _share_of(fig, facts)
    return f"{figure_phrase(fig)}，{share}" if share else figure_phrase(fig)


def figure_forms(fig: Figure, facts: FactSheet) -> list[str]:
    """How a draft may state ``fig``: its phrase, its part of a computed total, or a shortfall."""
    forms = [figure_phrase(fig)]
    for total in figure_totals([f for f in facts.figures if f.unit != "%"]):
        for name, part in total.parts:
            if part.key == fig.key:
                forms.append(f"{name}{fig.phrase}")
    for item in facts.practices:
        if _twin(facts, item.id, [fig]) is fig:
            forms.append(practice_sentence(facts, item.id))
    if fig.unit == "%":
        forms.append(say("connective.shortfall", label=fig.label.strip().rstrip("：:为"), v=fig.phrase))
    return forms


def figure_stated(fig: Figure, text: str, facts: FactSheet) -> bool:
    """Whether ``text`` states ``fig`` in one of its :func:`figure_forms`."""
    flat = text.replace("\n", "")
    return any(form and form in flat for form in figure_forms(fig, facts))


def _group_of(fig: Figure) -> str:
    for name, words in _GROUPS:
        if any(w in fig.label for w in words):
            return name
    return "other"


def overview_sentences(
    facts: FactSheet, profile: Profile | None = None, figures: Sequence[Figure] | None = None
) -> list[str]:
    """The year's figures (``figures``, default all) as a report groups them — parts given
    as a computed total with its parts — and markers for the counts the unit type requires."""
    profile = profile or facts.profile()
    figures = list(facts.figures if figures is None else figures)
    counts = [f for f in figures if f.unit != "%"]
    percents = [f for f in figures if f.unit == "%"]
    grouped: dict[str, list[str]] = {}
    totals = figure_totals(counts)
    in_total = {k for t in totals for k in t.keys}
    for fig in counts:
        total = next((t for t in totals if t.keys[0] == fig.key), None)
        if total is not None:
            grouped.setdefault(_group_of(fig), []).append(total.sentence())
        elif fig.key not in in_total:
            grouped.setdefault(_group_of(fig), []).append(_stated(fig, facts))
    given = {_group_of(f) for f in facts.figures if f.unit != "%"}
    given |= {"rank" for p in facts.practices if p.id == "rank_promotion" and p.value is not None}
    for group in profile.type.required_counts:
        if group not in grouped and group not in given:
            label = profile.type.count_labels.get(group, group)
            grouped[group] = [f"{label}{missing(label + '人数')}"]
    order = ["select", "rank", "move", "train", "other"]
    clauses = ["；".join(grouped[g]) for g in order if g in grouped]
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


# ---- stock wording: the phrase bank ---------------------------------------------------
def say(phrase_id: str, **slots: str) -> str:
    """The phrase bank's phrasing ``phrase_id`` with its ``{slots}`` filled in."""
    phrase = phrase_bank().get(phrase_id)
    if phrase is None:
        raise KeyError(f"短语库中没有“{phrase_id}”")
    return re.sub(r"\{([a-z_]+)\}", lambda m: slots.get(m.group(1), m.group(0)), phrase.text)


def _pick(options: Sequence[str], *keys: object) -> str:
    """One of ``options``, chosen by the unit's own facts (stable across runs, varies between units)."""
    h = 0
    for ch in "|".join(str(k) for k in keys):
        h = (h * 131 + ord(ch)) % 1_000_003
    return options[h % len(options)]


# ---- practices ------------------------------------------------------------------------
def _bigram_set(text: str) -> set[str]:
    t = normalise(text)
    return {t[i : i + 2] for i in range(len(t) - 1)}


def _repeats(note: str, sentence: str) -> bool:
    """Whether the note already says most of what the template says (so it replaces it)."""
    a, b = _bigram_set(note), _bigram_set(sentence)
    return bool(b) and len(a & b) / len(b) >= 0.5


def _weave(text: str, note: str | None, phrase: str) -> str:
    """The template sentence with the writer's note woven in once."""
    if not note:
        return text
    note = _clause(note)
    if _repeats(note, text):  # the note says the same thing: the note, with the count
        if phrase and phrase not in note:
            return f"{note}，共{phrase}"
        return note
    return f"{_clause(text)}，{note}"


def _practice_text(
    profile: Profile, practice_id: str, value: str, note: str | None, *, definition: bool = True, share: str = ""
) -> str:
    practice = catalogue().practice(practice_id)
    if practice is None:
        return ""
    ut = profile.type.id
    if value and (practice.write_count or practice.writes_count.get(ut)):
        template = practice.writes_count.get(ut) or practice.write_count or practice.write
        text = profile.fill(template, value)
        if share:  # the count's share of the total it belongs to, right after it
            text = f"{_clause(text)}，{share}"
    else:
        text = profile.fill(practice.writes.get(ut) or practice.write)
    extra = ""
    if definition and practice.definition is not None and practice.definition.applies(profile.type.id):
        extra = _clause(profile.fill(practice.definition.text))
        if note and normalise(extra) in normalise(note):
            extra = ""
    if extra and not extra.startswith(_CLAUSE_DEFINITIONS):
        # what the rule itself requires: its own sentence, citing the rule, after the unit's sentence
        assert practice.definition is not None
        own = _practice_text(profile, practice_id, value, note, definition=False, share=share)
        return f"{own}{_DEF_JOIN}{profile.rule_citation(practice.definition.rule)}{extra}"
    if note and _repeats(_clause(note), text):  # the note says the same: the note (with the count), then the rule
        return _clause("，".join(x for x in (_weave(text, note, value), extra) if x))
    # the practice, what its rule defines (right after it: 「即……」 refers to it), then the writer's note
    return _clause("，".join(x for x in (_clause(text), extra, _clause(note or "")) if x))


#: a definition opening with its purpose (「以……为根本」) is said after its practice, never framing a count
_PURPOSE_CLAUSE = "以"

#: definitions that refer back to the practice (「即……」「由……」) stay a clause of its sentence
_CLAUSE_DEFINITIONS = ("即", "由")
_DEF_JOIN = "。"


def practice_sentence(
    facts: FactSheet, practice_id: str, profile: Profile | None = None, *, definition: bool = True,
    with_count: bool = True,
) -> str:
    """One ticked practice as the draft writes it (count and note included), without end stop.

    It states nothing beyond the practice's own wording, its count and its note (woven
    in once); ``definition`` adds what the cited rule itself defines (凡提四必's items).
    """
    profile = profile or facts.profile()
    item = next((p for p in facts.practices if p.id == practice_id), None)
    value = item.phrase() if item is not None and with_count else ""
    note = item.note if item is not None else None
    share = ""
    if definition and value:
        twin = _twin(facts, practice_id, facts.figures)
        share = _share_of(twin, facts) if twin is not None else ""
    return _practice_text(profile, practice_id, value, note, definition=definition, share=share)


def practice_preview(
    practice_id: str, value: float | None = None, note: str | None = None, *,
    unit: str = "", org: str = "", unit_type: str | None = None, superior: str | None = None,
) -> str:
    """The sentence the draft will write for one ticked practice (what 数据填报 shows as it is ticked).

    Works from the form's fields before the sheet is valid: the unit type as chosen
    (or inferred from ``unit``/``org``); the count in the catalogue's unit.
    """
    from ..facts.units import infer_unit_type, profile_for
    from ..facts.units import unit_type as get_type

    practice = catalogue().practice(practice_id)
    if practice is None:
        return ""
    type_id = unit_type or infer_unit_type(unit, org).unit_type
    profile = profile_for(get_type(type_id), unit or "本单位", org or get_type(type_id).reporting_body, superior)
    phrase = ""
    if value is not None:
        number = str(int(value)) if float(value).is_integer() else f"{value:g}"
        phrase = number + (practice.count.unit if practice.count else "人")
    note = note.strip() if note else None
    return _sentence(_practice_text(profile, practice_id, phrase, note or None))


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


def _related(fig: Figure, text: str, *, either: bool = False) -> bool:
    """Whether a figure belongs with a highlight or practice sentence (its label's words are there).

    ``either``: also when most of ``text``'s words are in the label (a practice's short name).
    """
    label = _bigram_set(re.sub(r"(?:人次|人数|名数|次数|项数|个数)$", "", fig.label))
    other = _bigram_set(text)
    if not label or not other:
        return False
    shared = len(label & other)
    return shared / len(label) >= 0.5 or (either and shared / len(other) >= 0.6)


def _twin(facts: FactSheet, practice_id: str, figs: Sequence[Figure], placed: AbstractSet[str] = frozenset()) -> Figure | None:
    """The figure a ticked practice's count states (same value and unit, related words), if any."""
    item = next((p for p in facts.practices if p.id == practice_id), None)
    if item is None or item.value is None:
        return None
    practice = item.practice
    unit = practice.count.unit if practice.count else "人"
    ut = facts.resolved_unit_type
    words = f"{practice.label_for(ut)}{practice.count.label if practice.count else ''}"
    words += practice_sentence(facts, practice_id, definition=False)
    return next(
        (f for f in figs if f.key not in placed and f.value == item.value and _same_unit(f.unit, unit)
         and _related(f, words, either=True)),
        None,
    )


def _same_unit(a: str, b: str) -> bool:
    return a == b or {a, b} == {"人", "名"}


def _facts_of(
    req: ComposeRequest, node: OutlineSection, profile: Profile, add: Sequence[str] = (),
    framing: list[str] | None = None,
) -> list[str]:
    """This node's facts as sentences (no end stop), each entered item once, none dropped.

    A rule's statement about a figure's practice the writer did not tick goes to ``framing``
    (the paragraph's topic sentence opens with it), else it is its own sentence before the figure."""
    facts = req.facts
    figs = [f for f in (facts.figure(k) for k in node.figures) if f is not None]
    placed: set[str] = set()
    sentences: list[str] = []
    # ticked practices: a practice whose count is a figure of this node is written with the figure
    for pid in node.practices:
        item = next((p for p in facts.practices if p.id == pid), None)
        twin = None
        if item is not None and item.value is not None:
            twin = _twin(facts, item.id, figs, placed)
        elsewhere = _twin(facts, pid, [f for f in facts.figures if f.key not in node.figures]) if twin is None else None
        summed = twin is None and item is not None and item.value is not None and any(
            t.value == item.value and _same_unit(t.unit, item.practice.count.unit if item.practice.count else "人")
            for t in figure_totals(figs)
        )
        if elsewhere is not None or summed:
            # its count is a figure stated in another part, or the total this part computes from its
            # figures (职级晋升9人 = 三级4人 + 四级5人): not stated twice
            text = practice_sentence(facts, pid, profile, with_count=False)
        else:
            text = practice_sentence(facts, pid, profile)
        if twin is not None:  # the practice's count is this figure: stated once, in the practice's words
            placed.add(twin.key or "")
        if text:
            sentences.append(text)
    # highlights: items alike in form merged (every number kept); related figures beside them
    highlights = [_clause(h) for h in node.highlights] + [_clause(a) for a in add]
    groups = alike_groups(highlights)
    merged_into: dict[str, str] = {}
    for g in groups:
        for t in g.texts:
            merged_into[_clause(t)] = merge_alike(g.texts)
    done: set[str] = set()
    for h in highlights:
        text = merged_into.get(h, h)
        if text in done:
            continue
        done.add(text)
        if h in merged_into:
            text = "全年" + text if not text.startswith(("全年", "本年度")) else text
        for f in figs:
            if f.key not in placed and _related(f, text) and f.phrase not in text:
                text = f"{text}，{_stated(f, facts)}"
                placed.add(f.key or "")
        sentences.append(text)
    # the remaining figures of this node: totals where parts are given, else each figure
    rest = [f for f in figs if f.key not in placed]
    for total in figure_totals(rest):
        sentences.append("全年" + total.sentence())
        placed.update(total.keys)
    rest = [f for f in rest if f.key not in placed]
    for f in rest:  # each with what the rule says of the practice it counts, if the writer did not tick it
        implied, cited, beyond = _implied_definition(facts, node, f, profile) if facts.practices else ("", "", "")
        stated = "全年" + _stated(f, facts)
        subject = implied.partition("是")[0] if "是" in implied else ""
        label = normalise(f.label)
        restates = any(label[i : i + 4] in implied for i in range(len(label) - 3))
        # never 「……95人次，干部教育培训是……工程」: a general statement tacked on after a count
        if not implied or (restates and not subject):  # 「任期届满进行任期考核，全年……任期考核18人」: twice
            sentences.append(stated)
            # what the rule says beyond the count's own practice: its sentence after it, unless a
            # ticked practice's rule just said the like (「考核结果作为……重要依据」 twice in a row)
            if implied and beyond and not any(beyond[:6] in s for s in sentences):
                sentences.append(f"{cited}{beyond}")
        elif framing is not None and subject and (subject in node.title or subject in f.label):
            # what the paragraph's subject is (「干部教育培训是……工程」): the paragraph opens with it
            framing.append(implied)
            sentences.append(stated)
        else:  # the rule, cited, frames the count: 「按照《条例》，坚持民主集中制，全年……7项」
            framed = f"{cited}{implied}，{stated}"
            if req.memory is not None and req.memory.clashes(framed):  # the rule was cited just so before
                framed = f"{implied}，{stated}"
            sentences.append(framed)
    return sentences


def _implied_definition(
    facts: FactSheet, node: OutlineSection, fig: Figure, profile: Profile
) -> tuple[str, str, str]:
    """The definition of the catalogue practice an entered figure counts (职级晋升 → how the rule
    says 职级 are promoted) when that practice was not ticked: the rule's words, never an activity;
    how a sentence cites the rule (「按照《…》，」); and the definition's clauses after its first
    (「考核结果作为续聘、解聘、调整的重要依据」); ("", "", "") when there is none."""
    sub_id = node.key.partition("/")[2]
    ticked = {p.id for p in facts.practices}
    for practice in profile.practices():
        if practice.sub != sub_id or practice.id in ticked or practice.definition is None:
            continue
        if not practice.definition.applies(profile.type.id):
            continue
        if practice.definition.text.startswith(_CLAUSE_DEFINITIONS):
            continue
        words = practice.label_for(profile.type.id) + (practice.count.label if practice.count else "")
        if _related(fig, words, either=True):  # not ticked: the rule's first clause frames the count
            first, _, rest = profile.fill(practice.definition.text).partition("，")
            if first.startswith(_PURPOSE_CLAUSE):  # 「以确保选准用好为根本，全年提拔……」 frames nothing
                return "", "", ""
            return _clause(first), profile.rule_citation(practice.definition.rule), _clause(rest)
    return "", "", ""


def _topic(req: ComposeRequest, node: OutlineSection, profile: Profile, items: Sequence[str] = ()) -> str:
    """The paragraph's topic sentence: a lead of its catalogue paragraph, never one that nearly
    repeats a sentence of the facts after it (the next lead is taken then)."""
    part_id, _, sub_id = node.key.partition("/")
    part = catalogue().part(part_id)
    sub = part.sub(sub_id) if part is not None and sub_id else None
    if sub is None and part is not None and len(part.subs) == 1:
        sub = part.subs[0]
    if sub is None:
        return ""
    leads = sub.leads
    lead = leads[req.variant % len(leads)] if req.variant else _pick(leads, req.facts.unit, req.facts.year, sub.id)
    start = leads.index(lead)
    facts = [s for item in items for s in item.split("。") if s]
    for lead in leads[start:] + leads[:start]:
        text = profile.fill(lead)
        if not any(is_near_duplicate(text, s) for s in facts):
            return text
    # every lead says what the facts say: the facts stand alone (when they make a paragraph)
    return "" if len(facts) >= 2 else profile.fill(leads[start])


def _paragraph(
    req: ComposeRequest, node: OutlineSection, profile: Profile, writer: _Writer, add: Sequence[str] = ()
) -> str:
    """A topic sentence, then this node's own facts developed (or a marker naming what is missing)."""
    style = style_for(req.instruction)
    part = catalogue().part(node.key.partition("/")[0])
    framing: list[str] = []
    items = _facts_of(req, node, profile, add, framing)
    # a practice already said whole in an earlier sentence (「向县委推荐科级干部人选」 in the overview's
    # authority) is not written again as a bare sentence of its own
    said = [normalise(w) for w in writer.memory.written]
    kept = [i for i in items if not (len(normalise(i)) >= 6 and any(normalise(i) in w for w in said))]
    items = kept or items
    if not items:
        what = f"本年度{part.short}方面的具体做法" if part is not None else f"{node.title}的具体做法"
        return missing(what) + "。"
    lead = "" if style.concise else _topic(req, node, profile, items)
    if framing:  # what the rule says of the paragraph's subject, then the paragraph's own lead
        lead = "，".join(_clause(x) for x in (*framing, lead) if x)
    sentences: list[str] = []
    line = _line_sentence(req, node, profile)
    if line and not writer.memory.source_used(normalise(line)):  # 贯彻执行干部路线方针政策 / 程序: once, first
        writer.memory.add(line, source_key=normalise(line))
        lead = f"{_clause(lead)}，{_clause(line)}" if lead else line
    if lead:  # the topic sentence, then the unit's facts
        sentences.append(_sentence(lead))
    sentences.extend(_sentence(s) for s in items)
    for s in sentences:
        writer.fresh(s)
    return "".join(sentences)


def _line_sentence(req: ComposeRequest, node: OutlineSection, profile: Profile) -> str:
    """The report's required 贯彻执行干部路线方针政策 (办法第四条): the 好干部标准 the unit selects by,
    in the first paragraph of 党管干部 when the unit reports cadres selected (a figure or a practice)."""
    if req.style_concise or not (req.facts.figures and req.facts.practices):
        return ""
    if node.key.startswith("direction"):
        return _sentence(profile.fill(say("connective.line")))
    ticked = {p.id for p in req.facts.practices}
    decides = profile.type.id != "township"  # a township recommends; the 县委 runs the procedure
    if decides and node.key.startswith("procedure") and ticked & set(node.practices) & _SELECTION_STEPS:
        # the unit ticked a step of the 条例's procedure here: the procedure it belongs to
        return _sentence(say("connective.procedure"))
    return ""


#: practices that are steps of the 条例's selection procedure (动议 → 推荐 → 考察 → 讨论决定 → 任职)
_SELECTION_STEPS = frozenset({
    "analysis_motion", "talk_recommend", "meeting_recommend", "inspection", "fanti_sibi", "double_sign",
    "collective_decision", "public_notice", "appointment_talk", "probation",
})


# ---- elements --------------------------------------------------------------
def _congress(year: int) -> str:
    """「党的二十大和二十届四中全会精神」: the line a report of ``year`` studies (formulations data)."""
    from ..facts.formulations import bundled_library

    return bundled_library().current_line(year) or ""


def _opening(req: ComposeRequest, profile: Profile, writer: _Writer) -> str:
    f = req.facts
    guided = f"在{f.superior}的指导下，" if f.superior else ""
    verb = "通报" if req.genre == "speech" else "报告"
    if style_for(req.instruction).concise:
        first = say("frame.opening.concise", year=str(f.year), guided=guided, org=f.org, rules=profile.rules_cited())
    else:
        first = say(
            _pick(("frame.opening", "frame.opening.2"), f.unit, f.year),
            year=str(f.year), guided=guided, org=f.org, rules=profile.rules_cited(),
            mission=profile.fill(profile.type.mission), congress=_congress(f.year),
        )
        first = first.replace("全面贯彻，", "").replace("深入学习贯彻，", "")  # a year before any congress line
    close = say("frame.opening.close", self=profile.self_ref, year=str(f.year), verb=verb)
    writer.fresh(first)
    return first + "\n" + close


def _overview(req: ComposeRequest, profile: Profile, writer: _Writer) -> str:
    f = req.facts
    figures = [x for x in (f.figure(k) for k in req.node.figures) if x is not None]
    sentences = overview_sentences(f, profile, figures)
    # each sentence says one thing: the unit's authority; who manages its own 领导班子; what the rule says
    lead = f"{f.year}年，{profile.authority_sentence(f.level, managed=False)}"
    if not sentences and not f.figures:
        sentences.append(f"全年选拔任用{profile.cadres}{missing('本年度选拔任用人数')}。")
    said = [lead, profile.managed_sentence()]
    rule = profile.authority.rule
    if rule is not None and f.practices and not style_for(req.instruction).concise:
        # what the type's governing rule says of that authority (the sheet is developed: practices ticked)
        cited = f"按照{rule.rule}，" if rule.rule.startswith("《") and "；" not in rule.rule and "》《" not in rule.rule else ""
        text = _clause(profile.fill(rule.text))
        if text.startswith("其"):  # 「其任免由市委……」 refers back to the authority: a clause of its sentence
            said[0] = f"{lead}，{text}"
        else:
            said.append(cited + text)
    sentences[:0] = [_sentence(x) for x in said if x]
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


def _sources_named(sources: Sequence[str]) -> str:
    names = {
        "一报告两评议": "上年度“一报告两评议”反馈意见",
        "选人用人专项检查": "选人用人专项检查反馈问题",
        "巡视巡察": "巡视巡察反馈的选人用人问题",
    }
    ordered = [s for s in RECTIFICATION_SOURCES if s in sources]
    return "和".join(names[s] for s in ordered)


#: the rule under which each source of findings asks for their rectification
_RECTIFICATION_RULES = {
    "选人用人专项检查": "《干部选拔任用工作监督检查和责任追究办法》",
    "巡视巡察": "《中国共产党巡视工作条例》",
}


def _from_source(item: str, source: str) -> str:
    """「对照选人用人专项检查反馈问题，补齐干部档案材料」: the item as written, after the source it answers."""
    named = _sources_named([source])
    return f"对照{named}，{item}" if named else item


def _rectification(req: ComposeRequest, profile: Profile, writer: _Writer) -> str:
    f = req.facts
    fed = {next((k for k in RECTIFICATION_SOURCES if k in i.source), RECTIFICATION_SOURCES[0]) for i in f.feedback}
    sources = sorted(({x.source for x in f.rectification} | fed) or {RECTIFICATION_SOURCES[0]})
    answered = rectification_items(f, _clause)
    if len(sources) > 1:  # findings from more than one source: each item says which it answers
        source_of = {_clause(x.text): x.source for x in f.rectification}
        answered = [_from_source(i, source_of[i]) if i in source_of else i for i in answered]
    items = [practice_sentence(f, pid, profile) for pid in req.node.practices]
    items += answered + [_clause(h) for h in req.node.highlights]  # feedback answered
    items = [i for i in items if i]
    if not items:
        if f.no_prior_feedback:
            return say("connective.rectification.none") + "。"
        return f"{missing('上年度反馈问题整改情况，或注明上年度无反馈问题')}。"
    named = _sources_named(sources)
    if "一报告两评议" in sources and "report_two_review" not in {p.id for p in f.practices}:
        # why the report answers last year's findings: the rule, in the lead's own words
        lead = say("connective.rectification.rule", sources=named, org=f.org)
    elif "一报告两评议" not in sources:
        # a 专项检查 or a 巡视巡察 asked for the rectification: the rule under which it did
        rules = "和".join(dict.fromkeys(_RECTIFICATION_RULES[s] for s in sources if s in _RECTIFICATION_RULES))
        lead = say("connective.rectification.cited", rules=rules, sources=named, org=f.org)
    else:
        lead = say("connective.rectification", sources=named, org=f.org)
    if appraisal_sentence(f):
        lead = f"{appraisal_sentence(f)}。{lead}"
    # a lead sentence, then the items: one as its own sentence, several as 一是……二是……
    return f"{_sentence(lead)}{_enumerate(items)}"


def _shortfall(fig: Figure) -> str:
    label = figure_phrase(fig)
    if fig.unit == "%":
        return say("connective.shortfall", label=fig.label.strip().rstrip("：:为"), v=fig.phrase)
    return label


def _problems(req: ComposeRequest, profile: Profile, writer: _Writer) -> str:
    f = req.facts
    figs = [x for x in (f.figure(k) for k in req.node.figures) if x is not None]
    items = list(f.problems) + list(req.node.highlights)
    # a figure tagged to 存在问题 goes with the problem that names it, else as its own item
    for fig in figs:
        at = next((i for i, t in enumerate(items) if _related(fig, t)), None)
        if at is None:
            items.append(_shortfall(fig))
        else:
            items[at] = f"{_clause(items[at])}，{_shortfall(fig)}"
    head = say("connective.problems", self=profile.self_ref)
    if not items:
        return f"{head}：{missing('本年度干部选拔任用工作存在的主要问题')}。"
    if len(items) == 1:
        return f"{head}，主要是{_clause(items[0])}。"
    return f"{head}：{_enumerate(items)}"


#: bigrams too common in problems and plans to tie one to the other
_TIE_STOP = frozenset({"干部", "管理", "理人", "人员", "工作", "部分", "不够", "还不", "进一", "一步", "加强", "完善",
                       "推进", "加大", "力度", "问题"})


def _problem_named(problem: str) -> str:
    """How a plan names the problem it answers: the problem's first clause (its main claim)."""
    return _clause(re.split(r"[，；;,]", problem.strip(), maxsplit=1)[0])


def plan_ties(plans: Sequence[str], problems: Sequence[str]) -> dict[int, int]:
    """``{plan index: problem index}``: each plan tied to the writer's problem it answers, where the
    words say so (two or more shared bigrams beyond common ones: a word of three characters); one plan
    per problem, the closest pairs first."""
    def words(text: str) -> tuple[set[str], set[str]]:
        return _bigram_set(text) - _TIE_STOP, set(re.findall(r"\d+岁", text))

    answered = [words(problem) for problem in problems]
    scored = []
    for i, plan in enumerate(plans):
        if _clause(plan).startswith("针对"):  # the writer already named what it answers
            continue
        a, ages = words(plan)
        for j, (b, their_ages) in enumerate(answered):
            shared = len(a & b) + (3 if ages & their_ages else 0)  # the same age group counts as a word
            if a and b and shared >= 2:
                scored.append((shared / min(len(a), len(b)), shared, i, j))
    ties: dict[int, int] = {}
    for _, _, i, j in sorted(scored, key=lambda t: (-t[0], -t[1], t[2], t[3])):
        if i not in ties and j not in ties.values():
            ties[i] = j
    return ties


def _plans(req: ComposeRequest, profile: Profile, writer: _Writer) -> str:
    f = req.facts
    plans = [_clause(p) for p in f.plans]
    # a plan answering one of the writer's problems names it (「针对……的问题，……」): the plan tied to its problem
    ties = plan_ties(plans, f.problems)
    plans = [f"针对{_problem_named(f.problems[ties[i]])}的问题，{p}" if i in ties else p for i, p in enumerate(plans)]
    items = plans + list(req.node.highlights)
    every_tied = bool(ties) and len(ties) == len(items)
    head = say("connective.plans", org=f.org) if f.problems and not every_tied else say("connective.plans.plain", org=f.org)
    if not items:
        return f"{head}{missing('下一步工作打算')}。"
    if len(items) == 1:
        return f"{head}{_clause(items[0])}。"
    return f"{head}重点抓好以下工作：{_enumerate(items)}"


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
