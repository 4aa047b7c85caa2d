"""Canonical formulations quoted wrongly (warning level).

Held against the policy digest in ``knowledge/policies/*.yaml`` (items with a
``phrases:`` list):

* ``good_cadre_standard`` — the five phrases of 新时代好干部标准, in order. A list
  quoted right next to “好干部标准” (``“信念坚定、…、清正廉洁”的好干部标准``) must
  be exactly those five; a changed, missing, extra or reordered phrase is flagged.
* ``fanti_sibi`` — 凡提四必: near a mention of 四必, each ``…必审/必核/必听/必查``
  item must use the verb of the canonical item it names (档案→审, 个人有关事项报告→核,
  纪检监察机关意见→听, 信访举报→查).

If the digest is missing, a built-in copy of the same phrases (from domain.md) is used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..facts.formulations import FormulationLibrary, bundled_library
from ..settings import BUNDLED_KB
from ..text.finding import Finding, Locator
from .formulations import check_formulations

__all__ = ["FALLBACK_PHRASES", "PolicyPhrases", "check_policy", "load_policy_phrases"]

#: Used only when ``knowledge/policies/`` has no such item (mirrors domain.md).
FALLBACK_PHRASES: dict[str, tuple[str, ...]] = {
    "good_cadre_standard": ("信念坚定", "为民服务", "勤政务实", "敢于担当", "清正廉洁"),
    "fanti_sibi": ("干部档案凡提必审", "个人有关事项报告凡提必核", "纪检监察机关意见凡提必听", "线索具体的信访举报凡提必查"),
}


@dataclass(frozen=True)
class PolicyPhrases:
    """The canonical phrases of the formulations the checker knows how to hold text against."""

    good_cadre: tuple[str, ...]
    fanti_sibi: tuple[str, ...]


@lru_cache(maxsize=8)
def load_policy_phrases(policies_dir: Path | None = None) -> PolicyPhrases:
    """Phrases from the digest (``phrases:`` of items ``good_cadre_standard``/``fanti_sibi``)."""
    found: dict[str, tuple[str, ...]] = {}
    directory = policies_dir or BUNDLED_KB / "policies"
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        items = data.get("items", []) if isinstance(data, dict) else []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("id") in FALLBACK_PHRASES:
                phrases = item.get("phrases") or []
                if isinstance(phrases, list) and all(isinstance(p, str) for p in phrases) and phrases:
                    found[item["id"]] = tuple(p.strip() for p in phrases)
    return PolicyPhrases(
        good_cadre=found.get("good_cadre_standard", FALLBACK_PHRASES["good_cadre_standard"]),
        fanti_sibi=found.get("fanti_sibi", FALLBACK_PHRASES["fanti_sibi"]),
    )


# ---- 好干部标准 ------------------------------------------------------------
_QUOTE_BEFORE_RE = re.compile(r"[“\"]([^“”\"\n]{4,60})[”\"](?:的)?(?:新时代)?好干部(?:的)?标准")
_QUOTE_AFTER_RE = re.compile(
    r"好干部标准(?:[，,]?(?:即|是|就是|为))?(?:[：:]?[“\"]([^“”\"\n]{4,60})[”\"]|[：:]([^“”\"\n。；]{4,60})[。；])"
)
_SPLIT_RE = re.compile(r"[、，,；;\s]+")


def _good_cadre(loc: Locator, canon: tuple[str, ...]) -> list[Finding]:
    text = loc.doc.text
    out: list[Finding] = []
    seen: set[int] = set()
    for rx in (_QUOTE_BEFORE_RE, _QUOTE_AFTER_RE):
        for m in rx.finditer(text):
            g = 1 if m.group(1) is not None else 2
            s, e = m.start(g), m.end(g)
            if s in seen:
                continue
            items = [i for i in _SPLIT_RE.split(m.group(g)) if i]
            # a list of short phrases, not a sentence that happens to follow the name
            if len(items) < 3 or items == list(canon) or max(len(i) for i in items) > 8:
                continue
            seen.add(s)
            wrong = [i for i in items if i not in canon]
            missing = [c for c in canon if c not in items]
            parts = []
            if wrong:
                parts.append("“" + "、".join(wrong) + "”不是标准提法")
            if missing:
                parts.append("漏了“" + "、".join(missing) + "”")
            if not parts:
                parts.append("顺序不对" if len(items) == len(canon) else "有重复")
            out.append(loc.make(
                "policy", "policy-good-cadre", "warning",
                f"新时代好干部标准引用有误（{'，'.join(parts)}）：应为“{'、'.join(canon)}”。", s, e,
            ))
    return out


# ---- 凡提四必 --------------------------------------------------------------
_MUST_RE = re.compile(r"([^、，,；;：:“”。\n]{1,16}?)(?:凡提)?必([审核听查])")
_SIBI_RE = re.compile(r"四必")


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _fanti(loc: Locator, canon: tuple[str, ...]) -> list[Finding]:
    text = loc.doc.text
    items = []
    for phrase in canon:
        m = re.match(r"(.+?)(?:凡提)?必(.)$", phrase)
        if m:
            items.append((m.group(1), m.group(2), phrase))
    if not items:
        return []
    out: list[Finding] = []
    done: set[int] = set()
    for anchor in _SIBI_RE.finditer(text):
        lo = anchor.end()
        stop = text.find("\n", lo)
        hi = min(lo + 160, stop if stop != -1 else len(text))
        for m in _MUST_RE.finditer(text, lo, hi):
            if m.start() in done:
                continue
            obj, verb = m.group(1), m.group(2)
            grams = _bigrams(obj)
            best, score = None, 0
            for item in items:
                sc = len(grams & _bigrams(item[0]))
                if sc > score:
                    best, score = item, sc
            if best is None or best[1] == verb:
                continue
            done.add(m.start())
            out.append(loc.make(
                "policy", "policy-fanti-sibi", "warning",
                f"“凡提四必”引用有误：“{m.group()}”应为“{best[2]}”（必{best[1]}，不是必{verb}）。",
                m.start(1), m.end(),
            ))
    return out


def _with_source(found: list[Finding], library_id: str) -> list[Finding]:
    """The library entry's right text and source on the dedicated checks' findings."""
    entry = next((f for f in bundled_library().formulations if f.id == library_id), None)
    for f in found:
        if entry is not None:
            f.source = entry.source.cite()
            f.message = f"{f.message.rstrip('。')}。出处：{f.source}。"
        if library_id == "good_cadre_standard" and entry is not None:
            f.fix = entry.right_text
        elif not f.fix:
            m = re.search(r"应为“([^”]+)”", f.message)
            f.fix = m.group(1) if m else ""
    return found


def check_policy(
    loc: Locator, phrases: PolicyPhrases | None = None, *, year: int | None = None,
    lists: Sequence[FormulationLibrary] = (),
) -> list[Finding]:
    """Findings for misquoted canonical formulations, superseded rules and stale congress lines.

    ``year`` is the report's year (read from the text when None); ``lists`` a unit's own
    formulation lists (:mod:`drafter.kb.unit_lists`), used besides the bundled library.
    """
    phrases = phrases or load_policy_phrases()
    found = _with_source(_good_cadre(loc, phrases.good_cadre), "good_cadre_standard")
    found += _with_source(_fanti(loc, phrases.fanti_sibi), "fanti_sibi")
    return found + check_formulations(loc, year, lists)
