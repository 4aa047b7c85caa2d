"""Unfilled placeholders: every one is its own error with its exact span.

Forms recognised (see ``domain.md``): star runs with what they stand for
(``*人`` ``**人次`` ``**名`` ``**同志`` ``**局``), X runs (``XX市`` ``XX省委``
``××`` ``×××``), dates (``X月X日`` ``20XX年``), ``某某``, ``〇〇``, bracketed
notes (``〔待补〕`` ``【待填】``), runs of underscores, and the drafter's own
missing-fact marker :data:`~drafter.text.markers.MISSING_FACT`.

Not placeholders: ``80后``, ``100%``, ``一是``, a duration (``工作20年``, ``近20年来``), the ``〇`` inside a year written
in Chinese (``二〇〇五年``), ``×`` between digits (``3×4``), a Markdown bullet
(``* 条目``) or a footnote star after a word followed by a space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.finding import Finding, Locator

__all__ = ["PLACEHOLDER_RE", "Placeholder", "check_placeholders", "find_placeholders"]

# What may follow a star or X run as part of the placeholder: units of a count
# (longest first) and the ends of a name (同志, an organ, a place).
_SUFFIXES = (
    "人次", "批次", "同志", "省委", "市委", "县委", "区委", "党委", "党组", "单位",
    "街道", "人", "名", "项", "个", "期", "家", "次", "批", "%", "％",
    "局", "科", "处", "室", "部", "委", "办", "省", "市", "县", "区", "镇", "乡", "村",
    "年", "月", "日", "岁",
)
_SUFFIX = "(?:" + "|".join(re.escape(s) for s in _SUFFIXES) + ")"
_X = "[XxＸｘ×✕]"
_CN_NUMERAL = "零〇一二三四五六七八九十百"

PLACEHOLDER_RE = re.compile(
    "|".join(
        [
            r"(?P<marker>〔待补(?:：[^〔〕\n]{0,60})?〕)",
            r"(?P<note>[【〔\[［]\s*(?:待填|待补|待定|待完善|待核实|此处填写|填写)[^【】〔〕\[\]［］\n]{0,40}[】〕\]］])",
            rf"(?P<year>(?:19|20)(?:{_X}{{2}}|\d{_X}|[*＊]{{2}})年)",
            # a year blanked in a template: "20  年", or "20年" where a date stands
            # (line start, after punctuation or 于/在/至…, or as 20年度) — not "工作20年"
            r"(?P<blankyear>(?<![0-9０-９])(?:19|20)[ \u3000\u00a0]+年度?"
            r"|(?:^|(?<=[\n，。；：、（(“\s于在至自从到截和与及]))20年(?![代来])度?"
            r"|(?<![0-9０-９])20年度)",
            rf"(?P<ordinal>第{_X}+(?:次|批|届|期|轮|季度|条|项|个|名|号))",
            rf"(?P<date>(?:{_X}{{1,2}}|[*＊]{{1,2}})月(?:{_X}{{1,2}}|[*＊]{{1,2}})日)",
            rf"(?P<stars>(?<![0-9A-Za-z])[*＊]+{_SUFFIX}?)",
            rf"(?P<xrun>(?<![A-Za-z]){_X}{{2,}}(?![A-Za-z]){_SUFFIX}?)",
            rf"(?P<xone>(?<![A-Za-z0-9]){_X}(?:[月日]|(?=年|人|名)))",
            r"(?P<mou>某某)",
            rf"(?P<circle>(?<![{_CN_NUMERAL}])[〇○]{{2,}}(?![{_CN_NUMERAL}年]))",
            r"(?P<blank>_{3,}|＿{2,})",
        ]
    )
)

_COUNT_UNITS = ("人次", "批次", "人", "名", "项", "个", "期", "家", "次", "批", "%", "％", "岁")
_NAME_ENDS = ("同志", "省委", "市委", "县委", "区委", "党委", "党组", "单位", "街道",
              "局", "科", "处", "室", "部", "委", "办", "省", "市", "县", "区", "镇", "乡", "村")


@dataclass
class Placeholder:
    """One unfilled placeholder: its span and what kind of fact it stands for."""

    kind: str  # number | name | date | marker | note | blank
    start: int
    end: int
    text: str


def _kind(group: str, text: str) -> str:
    if group == "marker":
        return "marker"
    if group == "note":
        return "note"
    if group in ("year", "blankyear", "date", "xone") and not text.endswith(("人", "名")):
        return "date"
    if group == "ordinal":
        return "number"
    if group == "blank":
        return "blank"
    if group in ("stars", "xrun", "xone"):
        if text.endswith(_COUNT_UNITS):
            return "number"
        return "name"
    return "name"


def _is_false_star(text: str, m: re.Match[str]) -> bool:
    """A Markdown bullet, emphasis or a footnote mark rather than a placeholder."""
    s, e = m.start(), m.end()
    run_end = s + len(re.match(r"[*＊]+", m.group("stars")).group())  # type: ignore[union-attr]
    run = text[s:run_end]
    line_start = text.rfind("\n", 0, s) + 1
    before = text[line_start:s]
    after = text[run_end : run_end + 1]
    # "* item" / "** item": a list bullet at the start of a line
    if not before.strip() and (after in (" ", "\t") or after == ""):
        return True
    # "5*3": multiplication
    if e - s == len(run) and run == "*" and s > 0 and text[s - 1].isdigit():
        return True
    # "…原则*  " footnote mark: one star after a word, followed by a space or line end
    return bool(run in ("*", "＊") and e == run_end and after in (" ", "\n", "") and before.strip())


def find_placeholders(text: str) -> list[Placeholder]:
    """Every placeholder in ``text`` (already newline-normalised), in order."""
    found: list[Placeholder] = []
    for m in PLACEHOLDER_RE.finditer(text):
        group = m.lastgroup or ""
        if group == "stars" and _is_false_star(text, m):
            continue
        found.append(Placeholder(_kind(group, m.group()), m.start(), m.end(), m.group()))
    return found


_MESSAGES = {
    "number": "未填写的数字占位符“{t}”：请按人事台账填入实际数字，或删去这句话。",
    "name": "未填写的名称占位符“{t}”：请填入实际的单位、地名或人名。",
    "date": "未填写的日期占位符“{t}”：请填入实际年份或日期。",
    "marker": "起草时缺少的事实“{t}”：请在数据表中补充后重新生成，或直接在此处写明。",
    "note": "待填写的内容“{t}”：请补全后删去括注。",
    "blank": "空白填写线“{t}”：请填入内容。",
}


def check_placeholders(loc: Locator) -> list[Finding]:
    """One error per placeholder, code ``placeholder-<kind>``."""
    out: list[Finding] = []
    for p in find_placeholders(loc.doc.text):
        out.append(
            loc.make(
                "placeholder",
                f"placeholder-{p.kind}",
                "error",
                _MESSAGES[p.kind].format(t=p.text),
                p.start,
                p.end,
            )
        )
    return out
