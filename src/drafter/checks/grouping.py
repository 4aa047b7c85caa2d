"""One finding per habit: repeated instances of a code grouped, with every span.

A writer who types half-width commas throughout gets one warning that says so and
lists the 22 places, not 22 warnings burying the three errors that matter. Groups
come errors first, then warnings, then notes; within a severity, in the order their
first instance appears. Nothing is dropped: a group holds every finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..text.finding import SEVERITIES, Finding

__all__ = ["FindingGroup", "group_findings"]

#: What a group of more than one finding says, per code ({n}: how many).
_SUMMARIES = {
    "placeholder-number": "未填写的数字占位符共{n}处：请按人事台账逐一填入实际数字，或删去相应的话。",
    "placeholder-name": "未填写的名称占位符共{n}处：请逐一填入实际的单位、地名或人名。",
    "placeholder-date": "未填写的日期占位符共{n}处：请逐一填入实际年份或日期。",
    "placeholder-marker": "起草时缺少的事实共{n}处：请在数据表中补充后重新生成，或直接写明。",
    "placeholder-note": "待填写的括注共{n}处：请补全后删去括注。",
    "placeholder-blank": "空白填写线共{n}处：请逐一填入内容。",
    "proofread-half-width": "中文之间用了半角标点或半角括号，共{n}处（同一书写习惯）：请统一改为全角标点。",
    "proofread-unpaired": "引号或括号没有配对，共{n}处：请逐处补上或删去。",
    "proofread-duplicate": "重复的字共{n}处：请删去多余的字。",
    "proofread-mixed-style": "同一层级的小标题编号样式不一致，共{n}处：请统一为同一种样式。",
    "structure-empty": "共{n}个标题下面没有内容：请补写正文或删去这些标题。",
}


@dataclass
class FindingGroup:
    """All findings of one code: the severity, a summary message and every instance."""

    code: str
    category: str
    severity: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.findings)

    @property
    def summarised(self) -> bool:
        """True when :attr:`message` says all there is (each place needs no message of its own)."""
        return self.count == 1 or self.code in _SUMMARIES

    @property
    def message(self) -> str:
        if self.count == 1:
            return self.findings[0].message
        template = _SUMMARIES.get(self.code)
        if template:
            return template.format(n=self.count)
        return f"{self.findings[0].message}（同类问题共{self.count}处，位置见下）"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: code, category, severity, message, count and every span."""
        return {
            "code": self.code,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "count": self.count,
            "spans": [
                {"line": f.line, "start": f.start, "end": f.end, "text": f.text, "section": f.section,
                 "message": f.message}
                for f in self.findings
            ],
        }


def group_findings(findings: list[Finding]) -> list[FindingGroup]:
    """Findings grouped by code, errors first, then by first appearance."""
    groups: dict[tuple[str, str], FindingGroup] = {}
    for f in findings:
        key = (f.code, f.severity)
        if key not in groups:
            groups[key] = FindingGroup(f.code, f.category, f.severity)
        groups[key].findings.append(f)
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    ordered = sorted(enumerate(groups.values()), key=lambda ig: (rank.get(ig[1].severity, 9), ig[0]))
    return [g for _, g in ordered]
