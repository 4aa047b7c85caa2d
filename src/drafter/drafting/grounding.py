"""Is this draft this unit's own report? Measures shared by the tests and ``bench/grounding.py``.

Each function returns the offending pieces, so an empty list means "grounded":

* :func:`borrowed_activities` — sentences stating as this unit's work a concrete
  activity of a past report (参观廉洁体验馆, 微党课视频展播, 签订书面承诺 …) that the
  sheet does not contain, or sentences nearly copying a past report's sentence.
  The detector is built from the bundled sample reports: their activity phrases
  (an activity verb and its concrete object) and their sentences;
* :func:`foreign_wording` — words that belong to another unit type (the type's
  ``forbidden`` list: 公务员 / 职级晋升 in a company, 我局 in a 县委 …);
* :func:`missing_items` — entered items (figures, highlights, problems, plans,
  rectification, ticked practices) the draft does not state;
* :func:`shared_sentences` — per draft, the sentences that also appear in the drafts
  of three or more other unit types (boilerplate);
* :func:`chars_per_fact` — body characters per entered item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..facts.derived import alike_groups
from ..facts.sheet import FactSheet
from ..facts.units import policy_phrases
from ..settings import BUNDLED_KB
from .composer import figure_stated, practice_sentence
from .similarity import body_sentences, containment, normalise, similarity

__all__ = [
    "ACTIVITY_CONTAINED",
    "COPY_CONTAINED",
    "COPY_SIMILAR",
    "SAME_SENTENCE",
    "Borrowed",
    "activity_phrases",
    "borrowed_activities",
    "body_chars",
    "chars_per_fact",
    "entered_count",
    "fact_texts",
    "foreign_wording",
    "missing_items",
    "sample_sentences",
    "shared_sentences",
]

#: A draft sentence containing this share of an activity phrase's bigrams states that activity.
ACTIVITY_CONTAINED = 0.75
#: Near-copy of a past report's sentence: bigram Jaccard at or above …
COPY_SIMILAR = 0.35
#: … or this share of the shorter sentence's bigrams inside the longer one.
COPY_CONTAINED = 0.70
#: Two drafts "say the same sentence" at this bigram Jaccard (or when equal).
SAME_SENTENCE = 0.6

_ACT_VERBS = "开展|举办|组织|召开|参观|签订|印发|制定|出台|建立|举行|实施|推行|启动|编印|建设|打造|评选|组建"
_ACT_RE = re.compile(rf"(?:{_ACT_VERBS})[^，。；：、！？]{{3,28}}")
#: What makes an object concrete: an event, a document, a place, a product.
_CONCRETE = (
    "活动", "培训会", "培训班", "体验馆", "展播", "承诺", "清单", "专项", "讲堂", "座谈会", "会议", "工作会",
    "读书", "微党课", "比武", "竞赛", "测试", "考试", "评选", "方案", "办法", "制度", "细则", "台账", "档案",
    "基地", "计划", "教育", "学习", "谈话", "视频", "书面", "警示", "清理", "检查", "调研", "观摩",
)


#: The genre's fixed formulas (“现将……报告如下：”): every report says them; they state no activity.
_FORMULA_RE = re.compile(r"^现将.{0,30}(?:报告|通报)如下[：:]?$")


@lru_cache(maxsize=1)
def _samples() -> tuple[str, ...]:
    folder = BUNDLED_KB / "reports"
    return tuple(p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.txt")))


@lru_cache(maxsize=1)
def sample_sentences() -> tuple[str, ...]:
    """The sample reports' body sentences (12+ characters)."""
    out: list[str] = []
    for text in _samples():
        for s in body_sentences(text):
            if len(normalise(s)) >= 12:
                out.append(s)
    return tuple(out)


@lru_cache(maxsize=1)
def activity_phrases() -> tuple[str, ...]:
    """Concrete activities the sample reports state (an activity verb and a concrete object)."""
    found: dict[str, None] = {}
    for sentence in sample_sentences():
        for m in _ACT_RE.finditer(sentence):
            phrase = m.group().strip()
            if any(w in phrase for w in _CONCRETE) and len(normalise(phrase)) >= 6:
                found[phrase] = None
    return tuple(found)


def fact_texts(facts: FactSheet) -> list[str]:
    """What the sheet states in words: its free texts, figure labels and ticked practices written up."""
    profile = facts.profile()
    return (
        facts.free_texts()
        + [f.label for f in facts.figures]
        # a ticked practice's sentence and its rule's sentence (「按照《条例》，……」), each on its own
        + [part for p in facts.practices for part in practice_sentence(facts, p.id, profile).split("。") if part]
    )


def _from_sheet(piece: str, texts: Iterable[str]) -> bool:
    """Whether ``piece`` is (mostly) the writer's own wording."""
    n = normalise(piece)
    if not n:
        return True
    for t in texts:
        tn = normalise(t)
        if not tn:
            continue
        if n in tn or tn in n or containment(piece, t) >= ACTIVITY_CONTAINED:
            return True
    return False


@dataclass(frozen=True)
class Borrowed:
    """A draft sentence stating something of a past report."""

    sentence: str
    reason: str  # activity “…” / near-copy of “…”


@lru_cache(maxsize=1)
def _canonical_pieces() -> tuple[str, ...]:
    """The canonical formulations a report quotes (好干部标准, 条例第二条, 凡提四必, 程序), longest first."""
    pieces: set[str] = set()
    for pid in ("good_cadre_standard", "selection_principles", "fanti_sibi", "selection_procedure"):
        try:
            phrases = policy_phrases(pid)
        except KeyError:
            continue
        pieces.add("、".join(phrases))
        pieces.update(x for x in phrases if len(x) >= 4)
    return tuple(sorted(pieces, key=len, reverse=True))


def borrowed_activities(text: str, facts: FactSheet) -> list[Borrowed]:
    """Sentences of ``text`` stating a sample report's activity or nearly copying one of its sentences."""
    texts = fact_texts(facts)
    found: list[Borrowed] = []
    phrases = activity_phrases()
    samples = sample_sentences()
    for sentence in body_sentences(text):
        if len(normalise(sentence)) < 8 or _FORMULA_RE.match(sentence):
            continue
        # the writer's own texts inside the sentence are facts: judge what remains
        rest = sentence
        for t in sorted(texts, key=len, reverse=True):
            core = t.strip().rstrip("。；;，,")
            if core and core in rest:
                rest = rest.replace(core, "")
        for piece in _canonical_pieces():  # the rules' own formulations are nobody's activity
            rest = rest.replace(piece, "")
        if len(normalise(rest)) < 8:
            continue
        hit = None
        for phrase in phrases:
            if containment(phrase, rest) >= ACTIVITY_CONTAINED and len(normalise(phrase)) <= len(normalise(rest)) + 2:
                if not _from_sheet(phrase, texts):
                    hit = Borrowed(sentence, f"活动“{phrase}”")
                    break
        if hit is None:
            for s in samples:
                if similarity(rest, s) >= COPY_SIMILAR or (
                    min(len(normalise(rest)), len(normalise(s))) >= 12 and containment(rest, s) >= COPY_CONTAINED
                ):
                    hit = Borrowed(sentence, f"近似往年报告句子“{s[:30]}”")
                    break
        if hit is not None:
            found.append(hit)
    return found


def foreign_wording(text: str, facts: FactSheet) -> list[str]:
    """Words of ``text`` that do not belong in this unit type's reports (unless the writer wrote them)."""
    own = " ".join(fact_texts(facts) + [facts.unit, facts.org, facts.signer or "", facts.level or ""])
    ut = facts.profile().type
    body = "\n".join(body_sentences(text))
    return sorted({w for w in ut.forbidden if w in body and w not in own})


def missing_items(text: str, facts: FactSheet) -> list[str]:
    """Entered items the draft does not state (each named as the writer entered it)."""
    flat = text.replace("\n", "")
    missing: list[str] = []
    for fig in facts.figures:
        if not figure_stated(fig, flat, facts):
            missing.append(f"数据：{fig.label}")
    highlights = [h.text for h in facts.highlights]
    merged = {t.strip().rstrip("。；;，,"): g.merged() for g in alike_groups(highlights) for t in g.texts}
    for label, items in (
        ("亮点", highlights),
        ("问题", facts.problems),
        ("打算", facts.plans),
        ("整改", facts.rectification_texts),
    ):
        for item in items:
            clause = item.strip().rstrip("。；;，,")
            if clause not in flat and merged.get(clause, clause) not in flat:
                missing.append(f"{label}：{item}")
    profile = facts.profile()
    for p in facts.practices:
        written = practice_sentence(facts, p.id, profile)
        phrase = p.phrase()
        present = written in flat or practice_sentence(facts, p.id, profile, with_count=False) in flat or (
            (not phrase or phrase in flat)
            and (not p.note or p.note.strip().rstrip("。") in flat)
            and any(containment(written, s) >= 0.5 for s in body_sentences(text))
        )
        if not present:
            missing.append(f"做法：{p.practice.label}")
    return missing


def _key(sentence: str) -> str:
    return normalise(sentence)


def shared_sentences(drafts: Mapping[str, str], min_others: int = 3) -> dict[str, tuple[float, list[str]]]:
    """Per draft: (share of its sentences found in ``min_others``+ other drafts, those sentences)."""
    sentences = {name: [s for s in body_sentences(t) if len(_key(s)) >= 6] for name, t in drafts.items()}
    out: dict[str, tuple[float, list[str]]] = {}
    for name, own in sentences.items():
        shared: list[str] = []
        for s in own:
            others = 0
            for other, theirs in sentences.items():
                if other == name:
                    continue
                if any(_key(s) == _key(x) or similarity(s, x) >= SAME_SENTENCE for x in theirs):
                    others += 1
            if others >= min_others:
                shared.append(s)
        out[name] = (len(shared) / len(own) if own else 0.0, shared)
    return out


def entered_count(facts: FactSheet) -> int:
    """How many items the writer entered."""
    return (
        len(facts.figures) + len(facts.highlights) + len(facts.problems) + len(facts.plans)
        + len(facts.rectification) + len(facts.practices)
    )


def body_chars(text: str) -> int:
    """Characters of the body: sentences only (title, headings and the 落款 block left out)."""
    return sum(len(s) for s in body_sentences(text))


def chars_per_fact(text: str, facts: FactSheet) -> float:
    n = entered_count(facts)
    return body_chars(text) / n if n else float(body_chars(text))
