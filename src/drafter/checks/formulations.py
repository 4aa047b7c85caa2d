"""规范提法: formulations quoted wrong, rules cited by an old title, a stale congress line.

Held against a :class:`~drafter.facts.formulations.FormulationLibrary` — the bundled
``knowledge/policies/formulations.yaml`` and, for one unit, its own lists (uploaded in
知识库). Every finding (category ``policy``) says what the right text is (``fix``) and
where it comes from (``source``, naming the list when it is a unit's own).

* list formulations (``items`` + ``suffix``: 四个意识, 四个自信): a run of items
  (“政治意识、大局意识、核心意识”) with at least three of the canonical items must be
  the canonical list: a missing, extra, reordered or wrong item is a finding;
* sentence formulations (``clauses``: 两个维护, 两个确立, 选拔任用原则, 组织路线,
  一报告两评议): what a clause's pattern finds must be one of its published wordings;
* a unit list's ``wrong`` variants and ``terms`` (敏感表述) are found literally;
* ``rules``: an old title (《推进领导干部能上能下若干规定（试行）》), or the current
  title with a superseded year (《…条例》（2014年）), in a report of a year the current
  rule applies to;
* ``congress``: 「学习贯彻党的十九大精神」 in a report of a year after the 二十大 (warning),
  「二十大和二十届三中全会精神」 when a later plenum was held in the year (info).

Partial mentions (「坚决做到“两个维护”」, 「增强“四个意识”」) carry no list and are
never findings. A formulation whose ``years`` do not include the report's year is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..facts.formulations import Formulation, FormulationLibrary, RuleInForce, bundled_library
from ..text.doctree import chinese_to_int
from ..text.finding import Finding, Locator

__all__ = ["check_formulations", "describe_list", "list_findings", "lists_for_unit", "report_year"]

_SEP = "[、，,和与及]"
_CJK = "[\u4e00-\u9fff]"
_NEAR_WINDOW = 160


def report_year(text: str) -> int | None:
    """The report's year from its opening lines (「2025年度」「2025年，」), None when absent."""
    head = text[:400]
    m = re.search(r"(20\d\d)\s*年度", head) or re.search(r"(?:^|\n)\s*(20\d\d)\s*年[，,以来]", head)
    return int(m.group(1)) if m else None


def _cite(lib: FormulationLibrary, source: str) -> str:
    return source if lib.name == "规范提法库" else f"{source}；来自“{lib.name}”"


def describe_list(items: Sequence[str], canon: Sequence[str]) -> str:
    """「漏了“看齐意识”」「“服务意识”不是标准提法」「顺序不对」 for a quoted list."""
    wrong = [i for i in items if i not in canon]
    missing = [c for c in canon if c not in items]
    parts = []
    if wrong:
        parts.append("“" + "、".join(wrong) + "”不是标准提法" if len(items) <= len(canon) or missing
                     else "多了“" + "、".join(wrong) + "”")
    if missing:
        parts.append("漏了“" + "、".join(missing) + "”")
    if not parts:
        parts.append("顺序不对" if len(items) == len(canon) else "有重复")
    return "，".join(parts)


def _make(loc: Locator, lib: FormulationLibrary, f: Formulation, what: str, fix: str, s: int, e: int,
          code: str | None = None) -> Finding:
    source = _cite(lib, f.source.cite())
    finding = loc.make(
        "policy", code or f"policy-{f.id.replace('_', '-')}", f.severity,
        f"“{f.name}”引用有误（{what}）：应为“{fix}”。出处：{source}。", s, e,
    )
    finding.fix = fix
    finding.source = source
    return finding


# ---- list formulations -----------------------------------------------------------
def _list_runs(text: str, suffix: str) -> Iterable[tuple[int, int, list[str]]]:
    suf = re.escape(suffix)
    full = re.compile(f"{_CJK}{{2}}{suf}(?:{_SEP}{_CJK}{{2}}{suf})+")
    short = re.compile(f"{_CJK}{{2}}(?:[、，,]{_CJK}{{2}})+(?:[、，,和与及]){_CJK}{{2}}{suf}")
    taken: list[tuple[int, int]] = []
    for m in full.finditer(text):
        items = re.split(_SEP, m.group())
        taken.append((m.start(), m.end()))
        yield m.start(), m.end(), items
    for m in short.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        items = [x if x.endswith(suffix) else x + suffix for x in re.split(_SEP, m.group())]
        yield m.start(), m.end(), items


def list_findings(loc: Locator, lib: FormulationLibrary, f: Formulation) -> list[Finding]:
    if not f.items or not f.suffix:
        return []
    out = []
    for s, e, items in _list_runs(loc.doc.text, f.suffix):
        hits = sum(1 for i in items if i in f.items)
        if hits < min(3, len(f.items)) or items == f.items:
            continue
        out.append(_make(loc, lib, f, describe_list(items, f.items), "、".join(f.items), s, e))
    return out


# ---- sentence formulations ---------------------------------------------------------
def _norm(s: str) -> str:
    return s.replace("，", "、").replace(",", "、")


def _windows(text: str, near: str | None) -> list[tuple[int, int]]:
    if not near:
        return [(0, len(text))]
    return [(m.end(), min(len(text), m.end() + _NEAR_WINDOW)) for m in re.finditer(re.escape(near), text)]


def clause_findings(loc: Locator, lib: FormulationLibrary, f: Formulation) -> list[Finding]:
    text = loc.doc.text
    out: list[Finding] = []
    seen: set[int] = set()
    for lo, hi in _windows(text, f.near):
        for clause in f.clauses:
            rx = re.compile(clause.pattern)
            accepted = {_norm(a) for a in clause.accept}
            for m in rx.finditer(text, lo, hi):
                if m.start() in seen or _norm(m.group()) in accepted:
                    continue
                seen.add(m.start())
                out.append(_make(loc, lib, f, f"“{m.group()}”不是规范写法", clause.accept[0], m.start(), m.end()))
    return out


def variant_findings(loc: Locator, lib: FormulationLibrary, f: Formulation) -> list[Finding]:
    """A unit list's wrong variants, found as written."""
    text = loc.doc.text
    out = []
    for v in f.wrong:
        for m in re.finditer(re.escape(v.text), text):
            out.append(_make(loc, lib, f, v.note or f"“{v.text}”不是规范写法", f.right_text, m.start(), m.end()))
    return out


def term_findings(loc: Locator, lib: FormulationLibrary) -> list[Finding]:
    text = loc.doc.text
    out = []
    for t in lib.terms:
        source = _cite(lib, t.source.cite() if t.source else "")
        source = source.lstrip("；") or f"“{lib.name}”"
        for m in re.finditer(re.escape(t.text), text):
            fix = f"应为“{t.fix}”" if t.fix else "请改写"
            note = f"（{t.note}）" if t.note else ""
            finding = loc.make("policy", "policy-term", t.severity,
                               f"敏感或不规范表述“{t.text}”{note}：{fix}。出处：{source}。", m.start(), m.end())
            finding.fix = t.fix
            finding.source = source
            out.append(finding)
    return out


# ---- rules in force -------------------------------------------------------------------
def _core(title: str) -> str:
    return re.sub(r"（[^（）]*）", "", title.strip("《》"))


def _rule_finding(loc: Locator, lib: FormulationLibrary, rule: RuleInForce, what: str, s: int, e: int) -> Finding:
    source = _cite(lib, rule.cite())
    finding = loc.make("policy", "policy-rule-superseded", "warning",
                       f"{what}：现行为{source}，请改用现行名称。", s, e)
    finding.fix = rule.title
    finding.source = source
    return finding


def rule_findings(loc: Locator, lib: FormulationLibrary, year: int | None) -> list[Finding]:
    text = loc.doc.text
    out = []
    for rule in lib.rules:
        if year is not None and year < rule.since:
            continue
        for old in rule.old_titles:
            rx = re.compile("《" + re.escape(_core(old)) + r"(?:（[^》]*）)?》")
            for m in rx.finditer(text):
                out.append(_rule_finding(loc, lib, rule, f"引用的{m.group()}已被取代", m.start(), m.end()))
        if rule.superseded_years:
            core = re.escape(_core(rule.title))
            years = "|".join(str(y) for y in rule.superseded_years)
            rx = re.compile(rf"《{core}》\s*[（(]\s*({years})\s*年[^）)]{{0,8}}[）)]|({years})\s*年(?:修订|颁布|印发|版)?的?《{core}》")
            for m in rx.finditer(text):
                y = m.group(1) or m.group(2)
                out.append(_rule_finding(loc, lib, rule, f"引用的是{y}年版本（{m.group()}）", m.start(), m.end()))
    return out


# ---- the congress line of the year ------------------------------------------------------
_NUM = "一二三四五六七八九十"
_LINE_RE = re.compile(
    rf"(?:学习|贯彻|落实|领会|践行|宣传)[^。；\n]{{0,10}}?党的([{_NUM}]{{2,3}})大"
    rf"(?:和([{_NUM}]{{2,3}})届([{_NUM}、]+)中全会)?精神"
)


_PLENUM_ONLY_RE = re.compile(
    rf"(?:学习|贯彻|落实|领会|践行|宣传)[^。；\n]{{0,10}}?(?<![大和])([{_NUM}]{{2,3}})届([{_NUM}、]+)中全会精神"
)


def congress_findings(loc: Locator, lib: FormulationLibrary, year: int | None) -> list[Finding]:
    if year is None or not lib.congress:
        return []
    held = lib.held_by(year)
    congresses = [e for e in held if e.plenum == 0]
    line = lib.current_line(year)
    if not congresses or line is None:
        return []
    current = congresses[-1]
    plenums = [e for e in held if e.congress == current.congress and e.plenum > 1]
    out = []
    for m in _LINE_RE.finditer(loc.doc.text):
        n = chinese_to_int(m.group(1))
        s = m.start(1) - 2  # from 党的
        source = f"{current.name}（{current.date.isoformat()}召开）"
        if n is not None and n < current.congress:
            f = loc.make("policy", "policy-stale-congress", "warning",
                         f"{year}年度的报告仍以“党的{m.group(1)}大精神”为当前指导：{current.name}已于"
                         f"{current.date.year}年{current.date.month}月召开，应为“深入学习贯彻{line}”。", s, m.end())
            f.fix, f.source = line, source
            out.append(f)
        elif n == current.congress and plenums and m.group(3):
            said = [chinese_to_int(x) for x in m.group(3).split("、") if x]
            latest = plenums[-1]
            if max((x or 0) for x in said) < latest.plenum:
                f = loc.make("policy", "policy-stale-plenum", "info",
                             f"{year}年已召开{latest.name}（{latest.date.isoformat()}），"
                             f"年度报告一般写“{line}”。", s, m.end())
                f.fix, f.source = line, f"{latest.name}（{latest.date.isoformat()}召开）"
                out.append(f)
    taken = [(f.start, f.end) for f in out]
    for m in _PLENUM_ONLY_RE.finditer(loc.doc.text):
        n = chinese_to_int(m.group(1))
        if n is None or n >= current.congress or any(a <= m.start(1) < b for a, b in taken):
            continue
        f = loc.make("policy", "policy-stale-congress", "warning",
                     f"{year}年度的报告仍以“{m.group(1)}届{m.group(2)}中全会精神”为当前指导：{current.name}已于"
                     f"{current.date.year}年{current.date.month}月召开，应为“深入学习贯彻{line}”。",
                     m.start(1), m.end())
        f.fix, f.source = line, f"{current.name}（{current.date.isoformat()}召开）"
        out.append(f)
    return out


def lists_for_unit(settings: Any, unit: str | None) -> list[FormulationLibrary]:
    """The uploaded 规范提法 lists of ``unit`` (:mod:`drafter.kb.unit_lists`): only lists
    recorded for that unit are used for its checks — never another unit's, never an admin-only one."""
    if not unit:
        return []
    from ..kb.unit_lists import stored_lists
    from ..similarity.shingles import same_unit

    return [x.library for x in stored_lists(settings) if any(same_unit(u, unit) for u in x.units)]


def check_formulations(
    loc: Locator, year: int | None = None, lists: Sequence[FormulationLibrary] = (),
    *, bundled: FormulationLibrary | None = None,
) -> list[Finding]:
    """Findings of the bundled library (entries not handled by :mod:`.policy`) and of ``lists``."""
    year = year if year is not None else report_year(loc.doc.text)
    out: list[Finding] = []
    for lib in [bundled if bundled is not None else bundled_library(), *lists]:
        for f in lib.formulations:
            if f.checker != "library" or not f.holds(year):
                continue
            if f.items and f.suffix:
                out += list_findings(loc, lib, f)
            if f.clauses:
                out += clause_findings(loc, lib, f)
            if not f.clauses and not (f.items and f.suffix):
                out += variant_findings(loc, lib, f)
        out += term_findings(loc, lib)
        out += rule_findings(loc, lib, year)
        out += congress_findings(loc, lib, year)
    # one finding per span: the first list that found it speaks
    kept: list[Finding] = []
    spans: set[tuple[int, int]] = set()
    for finding in out:
        if (finding.start, finding.end) not in spans:
            spans.add((finding.start, finding.end))
            kept.append(finding)
    return kept
