"""The package's folders show the pipeline, and nothing imports upward or in a circle.

Stages, lowest first: ``text`` (document tree and text helpers) → ``facts`` (the fact
sheet and unit catalogue) → ``kb`` → ``similarity`` → ``drafting`` → ``checks`` →
``review`` → ``export``; ``storage`` and ``cli`` sit beside them. The root holds only the
entry points, settings and errors.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import drafter

PKG = Path(drafter.__file__).parent
ORDER = ["text", "facts", "kb", "similarity", "drafting", "checks", "review", "export"]
BESIDE = {"storage", "cli"}
ROOT_MODULES = {"__init__", "__main__", "settings", "errors"}


def _module(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PKG.rglob("*.py"):
        mod = _module(path)
        pkg = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if not target.startswith("drafter"):
                    continue
                submodules = [
                    a.name
                    for a in node.names
                    if (PKG.parent / (target + "." + a.name).replace(".", "/")).with_suffix(".py").exists()
                    or (PKG.parent / (target + "." + a.name).replace(".", "/")).is_dir()
                ]
                graph[mod].update(f"{target}.{n}" for n in submodules)
                if len(submodules) < len(node.names) and target != mod:
                    graph[mod].add(target)
            elif isinstance(node, ast.Import):
                graph[mod].update(a.name for a in node.names if a.name.startswith("drafter"))
    return graph


def _stage(mod: str) -> str | None:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 and (PKG / parts[1]).is_dir() else None


def test_the_root_holds_only_entry_points_settings_and_errors() -> None:
    root = {p.stem for p in PKG.glob("*.py")}
    assert root <= ROOT_MODULES, sorted(root - ROOT_MODULES)
    stages = {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert stages == set(ORDER) | BESIDE


def test_no_stage_imports_a_later_one() -> None:
    upward = []
    for mod, targets in _imports().items():
        a = _stage(mod)
        if a is None or a in BESIDE:
            continue
        for t in targets:
            b = _stage(t)
            if b is None or b == a:
                continue
            if b in BESIDE or ORDER.index(b) > ORDER.index(a):
                upward.append(f"{mod} → {t}")
    assert upward == []


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = _imports()
    cycles = []

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            m = todo.pop()
            for t in graph.get(m, ()):
                if t == goal:
                    return True
                if t not in seen:
                    seen.add(t)
                    todo.append(t)
        return False

    for mod in sorted(graph):
        if any(t != mod and reaches(t, mod) for t in graph[mod] if not mod.startswith(t + ".")):
            cycles.append(mod)
    assert cycles == []
