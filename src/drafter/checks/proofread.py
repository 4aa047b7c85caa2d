"""Proofreading: slips a reviewer circles in red.

* a function character written twice (``的的``, ``就就``), except real words
  (``的的确确``, ``是是非非``, ``了了之``);
* half-width punctuation between Chinese characters (``以德为先,五湖四海``) and
  half-width brackets around Chinese text;
* quotes and brackets that do not pair up within a paragraph;
* top-level headings written in two styles (``一、`` and ``1、``) and lists of one
  depth numbered ``（一）`` under one heading and ``1、`` under another.
"""

from __future__ import annotations

import re

from ..text.doctree import Section
from ..text.finding import Finding, Locator

__all__ = ["DUPLICATE_RE", "HALF_WIDTH_RE", "check_proofread"]

_FUNCTION_CHARS = "的了就在和与及对把将被也都并又从向给让使是而"
DUPLICATE_RE = re.compile(rf"([{_FUNCTION_CHARS}])\1")
# real words and legitimate sequences that contain a doubled character
_DUP_WORDS = ("的的确确", "目的的", "是是非非", "是是否", "了了之", "了了解", "和和美美", "一对对",
              "针对对", "应对对", "把把关", "就就业")
_CJK = r"\u3400-\u9fff"
HALF_WIDTH_RE = re.compile(rf"(?<=[{_CJK}”’）》])\s?([,;:!?])\s?(?=[{_CJK}“‘（《])")
_HALF_BRACKETS_RE = re.compile(rf"\(([^()\n]{{0,40}}[{_CJK}][^()\n]{{0,40}})\)")
_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "【": "】", "〔": "〕", "「": "」", "『": "』", "〈": "〉", "(": ")"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def _duplicates(loc: Locator) -> list[Finding]:
    text = loc.doc.text
    out: list[Finding] = []
    for m in DUPLICATE_RE.finditer(text):
        s, e = m.start(), m.end()
        window = text[max(0, s - 3) : e + 3]
        if any(w in window for w in _DUP_WORDS):
            continue
        ch = m.group(1)
        out.append(loc.make(
            "proofread", "proofread-duplicate", "error",
            f"“{ch}{ch}”重复了一个字：请删去一个“{ch}”。", s, e,
        ))
    return out


def _half_width(loc: Locator) -> list[Finding]:
    text = loc.doc.text
    out: list[Finding] = []
    for m in HALF_WIDTH_RE.finditer(text):
        p = m.group(1)
        out.append(loc.make(
            "proofread", "proofread-half-width", "warning",
            f"中文之间用了半角标点“{p}”：请改为全角“{_FULL[p]}”。", m.start(1), m.end(1),
        ))
    for m in _HALF_BRACKETS_RE.finditer(text):
        # a heading marker "(一)" is handled like any other bracket pair here
        out.append(loc.make(
            "proofread", "proofread-half-width", "warning",
            f"中文内容用了半角括号“{m.group()[:20]}”：请改为全角括号“（）”。", m.start(), m.end(),
        ))
    return out


def _unpaired(loc: Locator) -> list[Finding]:
    out: list[Finding] = []
    for start, chunk in _lines(loc):
        stack: list[tuple[str, int]] = []
        for i, ch in enumerate(chunk):
            if ch in _PAIRS:
                # ‘ and ’ double as apostrophes only in Latin text; treat them as quotes here
                stack.append((ch, start + i))
            elif ch in _CLOSERS:
                opener = _CLOSERS[ch]
                if stack and stack[-1][0] == opener:
                    stack.pop()
                elif any(o == opener for o, _ in stack):
                    # close the matching opener; those above it were left open
                    while stack and stack[-1][0] != opener:
                        o, pos = stack.pop()
                        out.append(_open_finding(loc, o, pos))
                    stack.pop()
                else:
                    out.append(loc.make(
                        "proofread", "proofread-unpaired", "warning",
                        f"“{ch}”前面没有与之配对的“{opener}”：请补上或删去。", start + i, start + i + 1,
                    ))
        for o, pos in stack:
            out.append(_open_finding(loc, o, pos))
        quotes = [start + i for i, ch in enumerate(chunk) if ch == '"']
        if len(quotes) % 2:
            pos = quotes[-1]
            out.append(loc.make(
                "proofread", "proofread-unpaired", "warning",
                "半角引号“\"”没有配对：请改为成对的全角引号“”。", pos, pos + 1,
            ))
    return out


def _open_finding(loc: Locator, opener: str, pos: int) -> Finding:
    return loc.make(
        "proofread", "proofread-unpaired", "warning",
        f"“{opener}”没有对应的“{_PAIRS[opener]}”：请补上或删去。", pos, pos + 1,
    )


def _lines(loc: Locator) -> list[tuple[int, str]]:
    """Every non-empty line (headings included) with its offset."""
    out: list[tuple[int, str]] = []
    pos = 0
    for line in loc.doc.text.split("\n"):
        if line.strip():
            out.append((pos, line))
        pos += len(line) + 1
    return out


def _mixed_styles(loc: Locator) -> list[Finding]:
    """Lists at one depth of the tree numbered in different styles."""
    out: list[Finding] = []
    depth_lists: dict[int, list[tuple[Section, str]]] = {}

    def visit(children: list[Section], depth: int) -> None:
        numbered = [c for c in children if not c.implicit and c.number is not None]
        if numbered:
            depth_lists.setdefault(depth, []).append((numbered[0], numbered[0].style))
        for c in children:
            visit(c.children, depth + 1)

    visit(loc.doc.sections, 1)
    for depth, lists in depth_lists.items():
        if depth == 1:
            continue  # top level: numbering-style covers siblings
        styles: dict[str, int] = {}
        for _, style in lists:
            styles[style] = styles.get(style, 0) + 1
        if len(styles) < 2:
            continue
        main = max(styles, key=lambda k: styles[k])
        for first, style in lists:
            if style == main:
                continue
            out.append(loc.make(
                "proofread", "proofread-mixed-style", "warning",
                f"同一层级的小标题编号样式不一致：这里用“{first.marker}”，其他部分用“{main}”式："
                "请统一为同一种样式。",
                first.heading_start, first.heading_start + len(first.marker),
            ))
    return out


def check_proofread(loc: Locator) -> list[Finding]:
    """All proofreading findings."""
    return _duplicates(loc) + _half_width(loc) + _unpaired(loc) + _mixed_styles(loc)
