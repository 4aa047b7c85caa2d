"""Status rules as data: ``knowledge/review/status.yaml`` decides 通过 / 需修改 / 退回.

A report takes the status of the worst rule it meets (statuses are listed mildest
first); meeting none gives the first status. Each met rule contributes its reason,
so the review table says why. A rule on a metric the report has no value for
(``previous_dup`` without a previous report) does not apply.

>>> rules = load_rules()                                     # doctest: +SKIP
>>> rules.evaluate({"missing": 1, "placeholders": 0})        # doctest: +SKIP
('需修改', ['缺少1个必备部分'])
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError

__all__ = ["METRICS", "Rule", "StatusRules", "load_rules"]

#: Metrics a rule may test, with their Chinese names (for messages).
METRICS: dict[str, str] = {
    "missing": "缺少的必备部分",
    "placeholders": "占位符",
    "numbering": "标题编号错误",
    "proofread": "文字校对问题",
    "contradictions": "数字矛盾",
    "errors": "错误级问题",
    "previous_dup": "与上年报告重复率",
    "similar": "与其他单位报告相同内容占比",
    "copied": "疑似抄袭（方向已知）的相同内容占比",
    "passages": "与其他单位报告的相同段落数",
    "problems_dup": "存在问题与上年基本相同（1/0）",
    "plans_dup": "下一步打算与上年基本相同（1/0）",
    "chars": "正文字数",
}
_RATIOS = {"previous_dup", "similar", "copied"}


def shown(metric: str, value: Any) -> Any:
    """A value as the table shows it and as the rules compare it: ratios as whole percents."""
    if value is None or metric not in _RATIOS:
        return value
    return round(float(value) * 100) / 100
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq,
}


@dataclass(frozen=True)
class Rule:
    status: str
    metric: str
    op: str
    value: float
    reason: str

    def met(self, values: Mapping[str, Any]) -> bool:
        v = shown(self.metric, values.get(self.metric))
        return v is not None and _OPS[self.op](v, self.value)

    def explain(self, values: Mapping[str, Any]) -> str:
        v = shown(self.metric, values.get(self.metric))

        def fmt(x: Any) -> str:
            if self.metric in _RATIOS:
                return f"{float(x):.0%}"
            return str(int(x)) if float(x) == int(x) else str(x)

        context = {k: ("" if x is None else x) for k, x in values.items() if isinstance(x, (str, int, float))}
        context.update(value=fmt(v), threshold=fmt(self.value))
        context.setdefault("partner", "其他单位")
        # plain substitution of {name}, never str.format: a rules file is user input ({value:>1999999999})
        return re.sub(r"\{(\w+)\}", lambda m: str(context.get(m.group(1), m.group(0))), self.reason)


@dataclass(frozen=True)
class StatusRules:
    statuses: tuple[str, ...]
    rules: tuple[Rule, ...]
    source: str = ""

    @property
    def passing(self) -> str:
        return self.statuses[0]

    def threshold(self, metric: str, default: float) -> float:
        """The mildest threshold a ``>=``/``>`` rule sets on ``metric`` (where reporting starts)."""
        vals = [r.value for r in self.rules if r.metric == metric and r.op in (">=", ">")]
        return min(vals) if vals else default

    def evaluate(self, values: Mapping[str, Any]) -> tuple[str, list[str]]:
        """The status and the reasons (worst status first, each reason once)."""
        met = [r for r in self.rules if r.met(values)]
        if not met:
            return self.passing, []
        rank = {s: i for i, s in enumerate(self.statuses)}
        worst = max(met, key=lambda r: rank[r.status]).status
        reasons: list[str] = []
        seen_metrics: set[str] = set()
        for r in sorted(met, key=lambda r: -rank[r.status]):
            if r.metric in seen_metrics:
                continue  # 缺少2个 under 退回 covers 缺少≥1 under 需修改
            seen_metrics.add(r.metric)
            reasons.append(r.explain(values))
        return worst, reasons


#: The fields a reason may name: substituted by name, never formatted.
REASON_FIELDS = frozenset({"value", "threshold", "partner", "passages", *METRICS})


def _check_reason(reason: str, where: str) -> None:
    """A reason is short text whose only fields are ``{value}``, ``{threshold}``, ``{partner}``,
    ``{passages}`` or a metric's name, as written (never a format spec)."""
    import re

    if len(reason) > 200:
        raise ConfigError(f"{where}：reason 过长（{len(reason)} 字，上限 200 字）")
    for field in re.findall(r"\{[^{}]*\}", reason):
        if field[1:-1] not in REASON_FIELDS:
            raise ConfigError(
                f"{where}：reason 中只能使用 {{value}}、{{threshold}}、{{partner}}、{{passages}} 或指标名，"
                f"不能用“{field[:40]}”"
            )
    if any(ord(c) < 32 for c in reason):
        raise ConfigError(f"{where}：reason 中有控制字符")


def _default_path() -> Path:
    from ..settings import get_settings

    return get_settings().knowledge_dir / "review" / "status.yaml"


def load_rules(path: str | Path | None = None) -> StatusRules:
    """Read and validate the status rules; a bad file is a :class:`ConfigError` naming it."""
    import yaml

    from ..errors import FactSheetError
    from ..text.safe_yaml import load_yaml

    p = Path(path) if path is not None else _default_path()
    try:
        with p.open("rb") as fh:
            raw = fh.read(1024 * 1024 + 1)  # a rules file is a few hundred bytes: read no more than 1 MB
        if len(raw) > 1024 * 1024:
            raise ConfigError(f"审核状态规则文件 {p} 超过 1 MB，请检查是否选错了文件")
        data = load_yaml(raw.decode("utf-8"), what="审核状态规则文件")  # bounded: aliases, depth, digits
    except FileNotFoundError:
        raise ConfigError(f"找不到审核状态规则文件 {p}") from None
    except FactSheetError as err:
        raise ConfigError(f"审核状态规则文件 {p} 无法解析：{err}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise ConfigError(f"审核状态规则文件 {p} 无法解析：{err}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"审核状态规则文件 {p} 应包含 statuses 和 rules")
    statuses = data.get("statuses")
    if not isinstance(statuses, list) or len(statuses) < 2 or not all(isinstance(s, str) for s in statuses):
        raise ConfigError(f"审核状态规则文件 {p}：statuses 应列出至少两个状态（从轻到重）")
    rules: list[Rule] = []
    for i, item in enumerate(data.get("rules") or [], start=1):
        where = f"审核状态规则文件 {p} 第{i}条规则"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}格式不对")
        status, metric, op = item.get("status"), item.get("metric"), str(item.get("op", ">="))
        if status not in statuses:
            raise ConfigError(f"{where}：状态“{status}”不在 statuses 中（{'、'.join(statuses)}）")
        if metric not in METRICS:
            raise ConfigError(f"{where}：不认识的指标“{metric}”，可用：{'、'.join(METRICS)}")
        if op not in _OPS:
            raise ConfigError(f"{where}：不认识的比较“{op}”，可用：{' '.join(_OPS)}")
        try:
            value = float(item.get("value"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ConfigError(f"{where}：value 应为数字") from None
        reason = str(item.get("reason") or f"{METRICS[metric]}{{value}}")
        _check_reason(reason, where)
        rules.append(Rule(str(status), str(metric), op, value, reason))
    return StatusRules(tuple(statuses), tuple(rules), str(p))
