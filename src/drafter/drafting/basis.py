"""What each sentence rests on: the 事实依据表 behind a draft.

A :class:`BasisMatcher` reads *any* text (a section the chain just wrote, a draft the
writer edited in Word, an uploaded report) and gives every sentence its basis — a
list of :class:`BasisItem`:

``figure`` (a figure's key) · ``practice`` (a ticked 做法清单 id) · ``highlight`` /
``problem`` / ``plan`` / ``rectification`` (the item's index, from 1) · ``field``
(the unit, its level or superior as entered) · ``canonical`` (a canonical
formulation or a rule's title) · ``phrase`` (a phrase-bank entry, by id) · ``frame``
(主送, 特此报告, 落款, date …) · ``source`` (a 参考写法 passage, by S-id, named
“单位 · 年度 · 标题”) · ``edit`` (the writer's own edit).

It works on the text alone, never on the composer's internals: numbers are held
against the figure ledger (figures, practice counts, numbers inside the free texts),
sentences against sheet items and practices by character-bigram containment,
phrase-bank and canonical wording by substring, and 参考写法 by a shared run of
characters. A sentence that *names* something the sheet does not give — a number,
a named activity or programme in “…” or 《…》 — keeps it in ``unsupported``; its
status is then 无依据 whatever else it rests on.

Statuses (the 事实依据表's 状态 column): 有依据 (a fact of the sheet), 通用提法
(canonical / phrase-bank / frame wording only), 参考写法 (wording from a passage
offered beside the section), 本人修改 (the writer's own words, naming nothing
unsupported), 无依据 (names something the sheet lacks, or rests on nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from ..facts.phrasebank import PhraseBank, phrase_bank
from ..facts.sheet import FactSheet
from ..similarity.shingles import canonical_phrases, normalise
from ..text.doctree import chinese_to_int

__all__ = [
    "FACT_KINDS",
    "KIND_ZH",
    "STATUSES",
    "BasisItem",
    "BasisMatcher",
    "SentenceBasis",
    "basis_from_dicts",
    "split_sentences",
]

FACT_KINDS = frozenset({"figure", "practice", "highlight", "problem", "plan", "rectification", "field"})
#: The 事实依据表's statuses, from best to worst.
STATUSES: tuple[str, ...] = ("有依据", "通用提法", "参考写法", "本人修改", "无依据")
KIND_ZH = {
    "figure": "数据", "practice": "做法", "highlight": "亮点", "problem": "问题", "plan": "打算",
    "rectification": "整改", "field": "基本信息", "canonical": "规范提法", "phrase": "短语库",
    "frame": "公文格式", "source": "参考写法", "edit": "本人修改",
}

_SENT_END = "。！？；!?;"
_HEADING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(\s*[一二三四五六七八九十]+\s*\)|\d+[.．、]|（\d+）)")
_CN = "零〇一二三四五六七八九十百两"
_COUNT_RE = re.compile(
    rf"(?P<num>\d+(?:\.\d+)?|[{_CN}]+)\s?(?P<mult>[万千])?\s?(?P<unit>人次|人|名|项|个|期|家|次|批|场|轮|%|％)"
)
_QUOTE_RE = re.compile(r"“(?P<q>[^“”\n]{2,30})”|《(?P<b>[^《》\n]{2,60})》")
_RULE_SUFFIX = re.compile(r"(?:条例|办法|规定|意见|通知|决定|准则|法|细则|规则|纲要|规划|方案|规范|制度|标准)(?:（试行）|\(试行\))?$")
_FRAME_RE = re.compile(
    r"^(?:特此报告|现将.{0,40}报告如下|以上报告.{0,10}|.{0,30}(?:组织部|委员会|党委|党组|党工委|领导小组)[：:]?$|\d{4}年\d{1,2}月\d{1,2}日)"
)
#: Numeral phrases that are never counts (set phrases, idioms).
_SET = (
    "两个维护", "两个确立", "四个意识", "四个自信", "四个全面", "一报告两评议", "两评议", "三会一课",
    "两学一做", "三严三实", "八项规定", "三重一大", "一岗双责", "两项法规", "两个责任", "三个务必",
    "三个区分开来", "五个过硬", "两个一百年", "凡提四必", "一票否决", "第一道", "第一",
)
_CONTAIN = 0.6  # share of an item's bigrams found in a sentence for the sentence to rest on it
_SOURCE_RUN = 10  # characters shared with a 参考写法 passage (beyond canonical wording)


@dataclass(frozen=True)
class BasisItem:
    """One thing a sentence rests on: ``kind`` and ``id`` (figure key, practice id, item index, S-id …)."""

    kind: str
    id: str
    label: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id, "label": self.label}

    def describe(self) -> str:
        """``数据 F1 提拔正科级领导干部4人`` — one line of the 依据 column."""
        head = KIND_ZH.get(self.kind, self.kind)
        ident = "" if self.kind in ("canonical", "frame", "edit") else self.id
        label = "" if self.label == head else self.label
        return " ".join(x for x in (head, ident, label) if x)


@dataclass
class SentenceBasis:
    """One sentence of a section and what it rests on."""

    section: str
    sentence: str
    basis: list[BasisItem] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    start: int = 0
    end: int = 0

    @property
    def status(self) -> str:
        kinds = {b.kind for b in self.basis}
        if self.unsupported:
            return "无依据"
        if kinds & FACT_KINDS:
            return "有依据"
        if "edit" in kinds:
            return "本人修改"
        if "source" in kinds:
            return "参考写法"
        if kinds & {"canonical", "phrase", "frame"}:
            return "通用提法"
        return "无依据"

    def sources(self) -> str:
        """The 来源 column: the sheet, the phrase bank, a named past report, the writer."""
        out: list[str] = []
        for b in self.basis:
            if b.kind in FACT_KINDS:
                word = "数据表"
            elif b.kind == "source":
                word = f"{b.id} {b.label}".strip()
            elif b.kind == "edit":
                word = f"本人修改（{b.label}）" if b.label else "本人修改"
            elif b.kind == "phrase":
                word = "短语库"
            elif b.kind == "frame":
                word = "公文格式"
            else:
                word = "规范提法"
            if word not in out:
                out.append(word)
        return "；".join(out)

    def basis_text(self) -> str:
        """The 依据 column: each item, then what the sheet lacks."""
        parts = [b.describe() for b in self.basis]
        parts += [f"未见于数据表：{u}" for u in self.unsupported]
        return "；".join(parts) if parts else "（无）"

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "sentence": self.sentence,
            "basis": [b.to_dict() for b in self.basis],
            "unsupported": list(self.unsupported),
            "status": self.status,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SentenceBasis:
        return cls(
            section=str(d.get("section") or ""),
            sentence=str(d.get("sentence") or ""),
            basis=[BasisItem(str(b.get("kind")), str(b.get("id")), str(b.get("label") or "")) for b in d.get("basis") or []],
            unsupported=[str(u) for u in d.get("unsupported") or []],
        )


def basis_from_dicts(rows: Iterable[dict[str, Any]]) -> list[SentenceBasis]:
    return [SentenceBasis.from_dict(r) for r in rows]


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, sentence)`` for each sentence: split at 。！？； and line ends, quotes kept whole."""
    out: list[tuple[int, int, str]] = []
    start = 0
    depth = 0
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c in "“《（(":
            depth += 1
        elif c in "”》）)":
            depth = max(0, depth - 1)
        end = None
        if c == "\n":
            end = i
        elif c in _SENT_END and depth == 0:
            end = i + 1
            while end < n and text[end] in "”’」』）)":
                end += 1
        if end is not None:
            _add(out, text, start, end)
            start = end if c != "\n" else i + 1
            i = max(i + 1, end)
            depth = 0 if c == "\n" else depth
            continue
        i += 1
    _add(out, text, start, n)
    return out


def _add(out: list[tuple[int, int, str]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    s = start + lead
    out.append((s, s + len(stripped), stripped))


def _bigrams(text: str) -> set[str]:
    t = normalise(text)
    return {t[i : i + 2] for i in range(len(t) - 1)}


def _contained(item: set[str], sentence: set[str]) -> float:
    return len(item & sentence) / len(item) if item else 0.0


def _cn_value(num: str) -> float | None:
    if num.replace(".", "", 1).isdigit():
        return float(num)
    v = chinese_to_int(num.replace("两", "二"))
    return float(v) if v is not None else None


def _unit_class(unit: str) -> str:
    return {"名": "人", "％": "%"}.get(unit, unit)


@dataclass
class _Count:
    value: float
    unit: str
    text: str
    start: int
    end: int
    before: str


def _counts(sentence: str) -> list[_Count]:
    out: list[_Count] = []
    for m in _COUNT_RE.finditer(sentence):
        num, unit = m.group("num"), m.group("unit")
        s, e = m.start(), m.end()
        if any(p in sentence and sentence.find(p) <= s < sentence.find(p) + len(p) for p in _SET):
            continue
        if sentence[max(0, s - 1) : s] == "第":
            continue  # an ordinal
        arabic = num[0].isdigit()
        value = _cn_value(num)
        if value is None:
            continue
        if m.group("mult"):
            value *= 10000 if m.group("mult") == "万" else 1000
        if not arabic:
            if value <= 1 or unit in ("个", "项", "批", "期", "轮"):
                continue  # 一次 / 三个方面 / 两项法规: idiom more often than a claim
            if sentence[e : e + 1] in ("是", "必", "不", "同", "到", "为", "字", "严", "实"):
                continue
        out.append(_Count(value, _unit_class(unit), m.group(0), s, e, sentence[max(0, s - 16) : s]))
    return out


@lru_cache(maxsize=1)
def _rule_titles() -> frozenset[str]:
    """Rule titles the product knows (unit types' rules, policy digests' sources)."""
    from ..facts.units import unit_types

    titles: set[str] = set()
    try:
        for ut in unit_types().values():
            titles.update(normalise(r) for r in ut.rules)
    except Exception:  # noqa: BLE001 — a broken catalogue only costs recognition
        pass
    return frozenset(titles)


@lru_cache(maxsize=1)
def _policy_titles() -> tuple[str, ...]:
    """The policy digests' item titles (新时代好干部标准 …): standard wording when quoted."""
    import yaml

    from ..settings import BUNDLED_KB

    out: list[str] = []
    for path in sorted((BUNDLED_KB / "policies").glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        for item in data.get("items") or [] if isinstance(data, dict) else []:
            if isinstance(item, dict) and item.get("title"):
                out.append(normalise(str(item["title"])))
    return tuple(t for t in out if len(t) >= 4)


@dataclass
class _Item:
    kind: str
    id: str
    label: str
    grams: set[str]
    numbers: list[tuple[float, str]]
    norm: str


class BasisMatcher:
    """Gives sentences their basis against one fact sheet (or none: then only wording is recognised)."""

    def __init__(
        self,
        facts: FactSheet | None,
        *,
        bank: PhraseBank | None = None,
        canonical: Sequence[str] | None = None,
    ) -> None:
        self.facts = facts
        self.bank = bank if bank is not None else phrase_bank()
        self.canonical = tuple(canonical) if canonical is not None else canonical_phrases()
        self._canon_set = frozenset(self.canonical)
        self.items: list[_Item] = []
        self.figures: list[tuple[str, Any]] = []
        self._known_names: list[str] = []
        self._phrases: list[tuple[str, str | None, list[str]]] = []
        self._outline_titles: set[str] = set()
        if facts is not None:
            self._load_facts(facts)
        self._load_bank()

    # ---- set-up -------------------------------------------------------------
    def _load_facts(self, facts: FactSheet) -> None:
        from ..facts.units import catalogue

        self.figures = [(f.key or f"F{i}", f) for i, f in enumerate(facts.figures, start=1)]
        groups = (
            ("highlight", [h.text for h in facts.highlights]),
            ("problem", list(facts.problems)),
            ("plan", list(facts.plans)),
            ("rectification", facts.rectification_texts),
        )
        for kind, texts in groups:
            for i, t in enumerate(texts, start=1):
                self.items.append(_Item(kind, str(i), t, _bigrams(t), [(c.value, c.unit) for c in _counts(t)], normalise(t)))
                self._known_names.append(normalise(t))
        try:
            profile = facts.profile()
        except Exception:  # noqa: BLE001 — an unknown unit type: practices matched by label only
            profile = None
        for p in facts.practices:
            practice = p.practice
            texts = [practice.label, p.fact_text(facts.resolved_unit_type)]
            for tpl in (practice.write, practice.write_count or ""):
                if tpl:
                    filled = profile.fill(tpl, p.phrase()) if profile is not None else re.sub(r"\{[^}]*\}", "", tpl)
                    texts.append(filled)
            if p.note:
                texts.append(p.note)
                self._known_names.append(normalise(p.note))
            nums = []
            if p.value is not None:
                count = practice.count
                nums.append((p.value, _unit_class(count.unit if count else "人")))
            if p.note:  # the counts the writer put in the note (「拿出12个中层岗位，86人报名」)
                nums.extend((c.value, c.unit) for c in _counts(p.note))
            label = p.fact_text(facts.resolved_unit_type)
            for t in texts:
                self.items.append(_Item("practice", p.id, label, _bigrams(t), nums, normalise(t)))
        self._load_derived(facts)
        for name, value in (("unit", facts.unit), ("org", facts.org), ("superior", facts.superior),
                            ("level", facts.level), ("region", facts.region)):
            if value:
                self._known_names.append(normalise(value))
                self.items.append(_Item("field", name, value, set(), [], normalise(value)))
        cat = catalogue()
        for part in cat.parts:
            self._outline_titles.add(normalise(part.title))
            for sub in part.subs:
                self._outline_titles.add(normalise(sub.title))
        self._known_names += [normalise(p.label) for p in cat.practices] if hasattr(cat, "practices") else []

    def _load_derived(self, facts: FactSheet) -> None:
        """Numbers the program computes from the sheet rest on what they are computed from: a total
        on its parts, a share on its figure and total, a merged sum on the first of the items merged."""
        from ..facts.derived import alike_groups, figure_shares, figure_totals

        keys = {id(f): key for key, f in self.figures}
        for total in figure_totals(facts.figures):
            first = total.parts[0][1]
            label = f"{total.label}{total.phrase}（" + "、".join(f"{n}{f.phrase}" for n, f in total.parts) + "）"
            self.items.append(_Item("figure", keys.get(id(first), ""), label, _bigrams(total.label),
                                    [(total.value, _unit_class(total.unit))], normalise(total.label)))
        for share in figure_shares(facts.figures):
            label = f"{share.figure.label}{share.figure.phrase}，{share.clause()}"
            self.items.append(_Item("figure", keys.get(id(share.figure), ""), label, _bigrams(share.figure.label),
                                    [(share.value, "%")], normalise(share.figure.label)))
        texts = [h.text for h in facts.highlights]
        for group in alike_groups(texts):
            index = str(texts.index(group.texts[0]) + 1)
            grams = _bigrams(group.merged())
            for value, unit in group.totals():
                self.items.append(_Item("highlight", index, group.merged(), grams, [(value, _unit_class(unit))],
                                        normalise(group.merged())))

    def _load_bank(self) -> None:
        for p in self.bank.phrases:
            pieces = [normalise(x) for x in re.split(r"\{[^{}]*\}", p.text)]
            pieces = [x for x in pieces if len(x) >= 4]
            if pieces:
                self._phrases.append((p.id, p.practice, pieces))

    # ---- matching -----------------------------------------------------------
    def sentence(
        self,
        sentence: str,
        *,
        section: str = "",
        sources: Sequence[Any] = (),
        start: int = 0,
    ) -> SentenceBasis:
        """The basis of one sentence; ``sources`` are the 参考写法 offered beside its section."""
        out = SentenceBasis(section, sentence, start=start, end=start + len(sentence))
        norm = normalise(sentence)
        grams = _bigrams(sentence)
        seen: set[tuple[str, str]] = set()

        def add(item: BasisItem) -> None:
            if (item.kind, item.id) not in seen:
                seen.add((item.kind, item.id))
                out.basis.append(item)

        if _FRAME_RE.match(sentence.strip()):
            add(BasisItem("frame", "frame"))
        heading = bool(_HEADING_RE.match(sentence))
        if heading:
            title = normalise(_HEADING_RE.sub("", sentence))
            if title in self._outline_titles or any(t and (t in title or title in t) for t in self._outline_titles if len(t) >= 4):
                add(BasisItem("canonical", "outline", "做法清单的标题"))
        # numbers → figures, practice counts, numbers inside the free texts
        for c in _counts(sentence):
            found = self._number(c)
            if found is None:
                out.unsupported.append(f"“{c.text}”")
            else:
                add(found)
        # sheet items and practices by containment
        for it in self.items:
            if it.kind == "field":
                if it.norm and it.norm in norm and it.id in ("level", "superior", "region"):
                    add(BasisItem("field", it.id, it.label))
                continue
            if len(it.grams) >= 3 and (_contained(it.grams, grams) >= _CONTAIN
                                       or (len(grams) >= 4 and _contained(grams, it.grams) >= 0.8)):
                add(BasisItem(it.kind, it.id, it.label))
        # phrase bank and canonical wording
        for pid, practice, pieces in self._phrases:
            if all(p in norm for p in pieces):
                ticked = self.facts is not None and any(p.id == practice for p in self.facts.practices)
                if practice and ticked:
                    add(BasisItem("practice", practice, next((i.label for i in self.items if i.kind == "practice" and i.id == practice), "")))
                add(BasisItem("phrase", pid))
        for phrase in self.canonical:
            if len(phrase) >= 4 and phrase in norm:
                add(BasisItem("canonical", phrase, phrase))
                break
        # named things: “…” and 《…》
        for m in _QUOTE_RE.finditer(sentence):
            name = m.group("q") or m.group("b")
            if m.group("b") is not None and self._is_rule(name):
                add(BasisItem("canonical", name, f"《{name}》"))
                continue
            owner = next((it for it in self.items if it.kind != "field" and normalise(name) and normalise(name) in it.norm), None)
            if owner is not None:
                add(BasisItem(owner.kind, owner.id, owner.label))
                continue
            if self._known_name(name):
                continue
            out.unsupported.append(f"“{name}”" if m.group("q") is not None else f"《{name}》")
        # 参考写法: a run of characters shared with an offered passage
        for src in sources:
            run = _shared_run(norm, normalise(getattr(src, "text", "") or ""), self._canon_set)
            if run >= _SOURCE_RUN:
                add(BasisItem("source", str(getattr(src, "id", "")), str(getattr(src, "title", "") or getattr(src, "source", ""))))
        return out

    def _number(self, c: _Count) -> BasisItem | None:
        ctx = _bigrams(c.before)
        best: tuple[float, BasisItem] | None = None
        for key, fig in self.figures:
            if _unit_class(fig.unit) == c.unit and abs(fig.value - c.value) < 1e-9:
                score = _contained(_bigrams(fig.label), ctx) + 0.5
                if best is None or score > best[0]:
                    best = (score, BasisItem("figure", key, f"{fig.label}{fig.phrase}"))
        for it in self.items:
            for value, unit in it.numbers:
                if abs(value - c.value) < 1e-9 and (unit == c.unit or it.kind == "practice"):
                    score = _contained(it.grams, ctx)
                    if best is None or score > best[0]:
                        best = (score, BasisItem(it.kind, it.id, it.label))
        return best[1] if best else None

    def _is_rule(self, name: str) -> bool:
        n = normalise(name)
        return n in _rule_titles() or bool(_RULE_SUFFIX.search(name.strip()))

    def _known_name(self, name: str) -> bool:
        """A quoted name the sheet gives, or standard wording (canonical, phrase bank, set phrase)."""
        n = normalise(name)
        if not n:
            return True
        if any(n in k for k in self._known_names if k):
            return True
        if n in self._canon_set or any(n in c or c in n for c in self.canonical if len(c) >= 4):
            return True
        if any(n in "".join(pieces) for _pid, _pr, pieces in self._phrases):
            return True
        if any(n in normalise(s) for s in _SET) or any(n in t for t in _policy_titles() if len(n) >= 4):
            return True
        # a list of canonical items: “干部档案凡提必审、个人有关事项报告凡提必核…”
        parts = [normalise(x) for x in re.split(r"[、，,；;]", name) if x.strip()]
        return len(parts) > 1 and all(any(p in c or c in p for c in self.canonical if len(c) >= 4) for p in parts)

    def text(
        self,
        text: str,
        *,
        section: str = "",
        sources: Sequence[Any] = (),
        previous: str | None = None,
        author: str = "",
    ) -> list[SentenceBasis]:
        """Every sentence of ``text`` (a section body); with ``previous`` (the version before a
        writer's edit) a sentence not found there is marked ``edit`` (by ``author``)."""
        before = {normalise(s) for _a, _b, s in split_sentences(previous)} if previous is not None else None
        out: list[SentenceBasis] = []
        for s, _e, sentence in split_sentences(text):
            sb = self.sentence(sentence, section=section, sources=sources, start=s)
            if before is not None and normalise(sentence) not in before:
                sb.basis.append(BasisItem("edit", "edit", author))
            out.append(sb)
        return out

    def _signers(self) -> tuple[str, ...]:
        if self.facts is None:
            return ()
        try:
            return (self.facts.signature_unit,)
        except Exception:  # noqa: BLE001
            return ()

    def document(self, text: str, *, previous: str | None = None, author: str = "") -> list[SentenceBasis]:
        """Every sentence of a whole report, with its top-level section's heading; title,
        主送 and 落款 lines count as the frame."""
        from ..text.doctree import normalize_newlines, parse
        from ..text.report_frame import split_frame

        text = normalize_newlines(text)
        title = self.facts.title if self.facts is not None else ""
        _body, frame = split_frame(text, title=title, signers=self._signers())
        frame_lines = {ln.strip() for ln in frame.lines}
        doc = parse(text)
        prev_doc = parse(normalize_newlines(previous)) if previous is not None else None
        out: list[SentenceBasis] = []

        def prev_of(label: str | None) -> str | None:
            if prev_doc is None:
                return None
            if label is None:
                return "\n".join(p.text for p in prev_doc.opening)
            for s in prev_doc.sections:
                if normalise(s.title) == normalise(label):
                    return prev_doc.text[s.heading_end : s.end]
            return ""

        def is_frame(sb: SentenceBasis) -> bool:
            if sb.sentence.strip() in frame_lines:
                sb.basis = [BasisItem("frame", "frame")]
                sb.unsupported = []
                return True
            return False

        if doc.opening:
            body = text[doc.opening[0].start : doc.opening[-1].end]
            for sb in self.text(body, section="开头", previous=prev_of(None), author=author):
                sb.start += doc.opening[0].start
                sb.end += doc.opening[0].start
                is_frame(sb)
                out.append(sb)
        for s in doc.sections:
            body_start = s.heading_end
            body = text[body_start : s.end]
            for sb in self.text(body, section=s.heading_line().strip() if hasattr(s, "heading_line") else s.title,
                                previous=prev_of(s.title), author=author):
                sb.start += body_start
                sb.end += body_start
                is_frame(sb)
                out.append(sb)
        return out


def _shared_run(a: str, b: str, canonical: frozenset[str]) -> int:
    """Length of the longest run of ``a`` found in ``b`` (0 when that run is canonical wording)."""
    if not a or not b:
        return 0
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    run = a[m.a : m.a + m.size]
    if any(run in c for c in canonical):
        return 0
    return m.size
