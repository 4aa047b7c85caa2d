"""The number ledger: the model writes ``{{F1}}``, the writer puts in ``4人``.

Figures from the fact sheet are handed to the model as keyed tokens with their
labels only, so the model never has to type a number. :meth:`NumberLedger.substitute`
replaces each token by the figure's phrase (value and unit), swallowing a unit the
model repeated after the token (``{{F1}}人`` → ``4人``). A token naming no figure
becomes the missing-fact marker. Any number the model typed itself is left for
the checker, which reports it as a ``figure`` finding on that section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..facts.sheet import FactSheet, Figure
from ..text.markers import missing

__all__ = ["TOKEN_RE", "NumberLedger", "Substitution"]

#: ``{{F1}}`` (spaces and full-width braces tolerated).
TOKEN_RE = re.compile(r"[{｛]{2}\s*(?P<key>[A-Za-z][A-Za-z0-9_]*)\s*[}｝]{2}")


@dataclass
class Substitution:
    text: str
    used: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


class NumberLedger:
    """Keyed figures of one fact sheet."""

    def __init__(self, facts: FactSheet) -> None:
        self.figures: dict[str, Figure] = {f.key or f"F{i}": f for i, f in enumerate(facts.figures, start=1)}

    @staticmethod
    def token(key: str) -> str:
        return "{{" + key + "}}"

    def describe(self, keys: list[str] | None = None) -> str:
        """One line per figure for the prompt (only ``keys`` if given): token, label and unit, never the value."""
        figures = {k: f for k, f in self.figures.items() if keys is None or k in keys}
        if not figures:
            if keys is not None and self.figures:
                return "（本部分不写数字；需要数字的地方写缺项标记）"
            return "（本单位没有提供数据；需要数字的地方写缺项标记）"
        lines = []
        for key, fig in figures.items():
            kind = "百分比" if fig.unit == "%" else f"单位“{fig.unit}”"
            joint = "为" if fig.label.strip()[-1:].isdigit() else ""  # not “指标49{{F1}}” → “指标4949人”
            lines.append(f"{self.token(key)}：{fig.label}（{kind}，写作“{fig.label}{joint}{self.token(key)}”）")
        return "\n".join(lines)

    def substitute(self, text: str) -> Substitution:
        """Replace every token by its figure's phrase (unknown keys by the marker)."""
        used: list[str] = []
        unknown: list[str] = []

        def repl(m: re.Match[str]) -> str:
            key = m.group("key")
            fig = self.figures.get(key)
            if fig is None:
                unknown.append(key)
                return missing("数据")
            used.append(key)
            return fig.phrase

        out: list[str] = []
        pos = 0
        for m in TOKEN_RE.finditer(text):
            out.append(text[pos : m.start()])
            out.append(repl(m))
            pos = m.end()
            fig = self.figures.get(m.group("key"))
            if fig is not None:
                # the model may repeat the unit after the token: {{F1}}人 / {{F2}}%
                for unit in (fig.unit, "％" if fig.unit == "%" else fig.unit):
                    if text.startswith(unit, pos):
                        pos += len(unit)
                        break
        out.append(text[pos:])
        return Substitution("".join(out), used, unknown)

    def tokenize(self, text: str) -> str:
        """The reverse: each figure's phrase in ``text`` back to its token (for a regeneration prompt)."""
        for key, fig in sorted(self.figures.items(), key=lambda kv: -len(kv[1].phrase)):
            text = re.sub(rf"(?<![\d.]){re.escape(fig.phrase)}", self.token(key), text)
        return text
