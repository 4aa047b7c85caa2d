"""The one YAML loader for user files: bounded in size, depth, aliases and numbers.

``yaml.safe_load`` is safe from code execution but not from hostile shapes: a
454-byte file of nested anchors (“billion laughs”) expands to gigabytes once
anything walks it, deep nesting raises ``RecursionError``, and a 5,000-digit number
raises ``ValueError`` in ``int()``. :func:`load_yaml` refuses each of them with a
Chinese :class:`~drafter.errors.FactSheetError` naming the line or field and the
limit, *before* building Python objects:

============================  =================================================
limit                         default
============================  =================================================
text size                     :data:`MAX_YAML_BYTES` (1 MB)
nesting depth                 :data:`MAX_DEPTH` (20)
aliases (``*ref``)            :data:`MAX_ALIASES` (100)
values after alias expansion  :data:`MAX_NODES` (100,000)
digits in a number            :data:`MAX_DIGITS` (18)
============================  =================================================

Lone surrogates (``"\\udcff"``), which no database can store, are refused at the
field too. The CLI (:func:`drafter.facts.sheet.parse_facts`) and the app's 数据填报
import both load through here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import FactSheetError

__all__ = [
    "MAX_ALIASES",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_NODES",
    "MAX_YAML_BYTES",
    "YamlLimits",
    "check_yaml_file",
    "load_yaml",
]

MAX_YAML_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_ALIASES = 100
MAX_NODES = 100_000
MAX_DIGITS = 18

_INT_RE = re.compile(r"^[-+]?[0-9][0-9_,]*$")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class YamlLimits:
    """The bounds :func:`load_yaml` enforces (see the module table)."""

    max_bytes: int = MAX_YAML_BYTES
    max_depth: int = MAX_DEPTH
    max_aliases: int = MAX_ALIASES
    max_nodes: int = MAX_NODES
    max_digits: int = MAX_DIGITS


class _Refused(Exception):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


def _line(node: Node | Any) -> str:
    mark = getattr(node, "start_mark", None)
    return f"第{mark.line + 1}行" if mark is not None else ""


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that counts depth and aliases while composing the node tree."""

    limits = YamlLimits()

    def __init__(self, stream: str, limits: YamlLimits) -> None:
        super().__init__(stream)
        self.limits = limits
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self.limits.max_aliases:
                raise _Refused(
                    _line(self.peek_event()),
                    f"引用（*别名）超过 {self.limits.max_aliases} 个，数据表不需要引用，请直接写出内容",
                )
        self._depth += 1
        try:
            if self._depth > self.limits.max_depth:
                raise _Refused(
                    _line(self.peek_event()), f"嵌套超过 {self.limits.max_depth} 层，数据表最多只需三层，请检查缩进"
                )
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


def _key_name(node: Node) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else "?"


def _walk(root: Node, limits: YamlLimits) -> None:
    """Count values as they would be after alias expansion; check numbers and characters."""
    sizes: dict[int, int] = {}

    def size(node: Node, path: str, depth: int) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, ScalarNode):
            value = str(node.value)
            if node.tag.endswith(":int") or (node.style is None and _INT_RE.match(value)):
                digits = sum(c.isdigit() for c in value)
                if digits > limits.max_digits:
                    raise _Refused(
                        f"{path or _line(node)}",
                        f"数字过长（{digits} 位，上限 {limits.max_digits} 位），请检查是否填错",
                    )
            if _SURROGATE.search(value):
                raise _Refused(path or _line(node), "含有无法保存的字符（残缺的 Unicode 代理字符），请删去后重试")
            total = 1
        elif isinstance(node, SequenceNode):
            total = 1
            for i, item in enumerate(node.value, start=1):
                total += size(item, f"{path}第{i}项", depth + 1)
                if total > limits.max_nodes:
                    break
        elif isinstance(node, MappingNode):
            total = 1
            for key, value in node.value:
                name = _key_name(key)
                total += size(key, path, depth + 1) + size(value, f"{path}·{name}" if path else name, depth + 1)
                if total > limits.max_nodes:
                    break
        else:  # pragma: no cover - no other node kinds
            total = 1
        if total > limits.max_nodes:
            raise _Refused(
                path or _line(node),
                f"展开引用后超过 {limits.max_nodes} 项（常见于恶意的“十亿笑声”文件），已拒绝读取",
            )
        sizes[id(node)] = total
        return total

    size(root, "", 0)


def load_yaml(text: str, *, limits: YamlLimits | None = None, what: str = "数据表") -> Any:
    """Parse ``text`` within ``limits``; a :class:`FactSheetError` names the line or field otherwise."""
    limits = limits or YamlLimits()
    n = len(text.encode("utf-8", "surrogatepass"))
    if n > limits.max_bytes:
        raise FactSheetError([("", f"{what}过大（{n // 1024} KB，上限 {limits.max_bytes // 1024} KB），请检查是否选错了文件")])
    loader = _BoundedLoader(text, limits)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _walk(node, limits)
        return loader.construct_document(node)
    except _Refused as err:
        raise FactSheetError([(err.where, err.message)]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else ""
        problem = getattr(err, "problem", None) or "无法解析"
        raise FactSheetError([("", f"YAML 格式错误{where}：{problem}")]) from None
    except (RecursionError, ValueError, OverflowError) as err:
        raise FactSheetError([("", f"{what}内容无法读取（{type(err).__name__}），请检查格式")]) from None
    finally:
        loader.dispose()


def check_yaml_file(path: str | os.PathLike[str], *, limits: YamlLimits | None = None) -> None:
    """Refuse a fact-sheet file over the size limit before reading it."""
    limits = limits or YamlLimits()
    try:
        size = Path(path).stat().st_size
    except OSError:
        return  # the caller's read reports it
    if size > limits.max_bytes:
        raise FactSheetError(
            [("", f"数据表文件 {path} 过大（{size // 1024} KB，上限 {limits.max_bytes // 1024} KB），请检查是否选错了文件")]
        )
