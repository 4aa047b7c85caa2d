"""Prompt templates as files in ``prompts/``, checked when loaded, rendered per call.

Templates use ``${name}`` placeholders (:class:`string.Template`; ``$$`` is a literal
dollar), so the ledger's ``{{F1}}`` tokens pass through untouched. Each template
has a fixed set of variables; a template file that uses an unknown variable, or
omits a required one, is refused when loaded (:class:`PromptError` names them),
and rendering without a variable raises :class:`MissingVariables`.

Rendering happens per call, never at import time, so a year or a date never goes
stale.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError

__all__ = ["PROMPT_VARIABLES", "MissingVariables", "Prompt", "PromptError", "PromptSet", "load_prompts"]

#: Variables each template may use; every one of them must also be used.
PROMPT_VARIABLES: dict[str, frozenset[str]] = {
    "system": frozenset({"genre_name", "marker_example"}),
    "section": frozenset(
        {
            "title", "unit", "org", "year", "outline", "heading", "element_description",
            "subsections", "profile", "canonical", "facts", "practices", "figures", "budget",
            "passages", "guidance", "stated",
        }
    ),
    "regenerate": frozenset(
        {
            "title", "unit", "org", "year", "heading", "element_description", "subsections",
            "instruction", "previous", "profile", "canonical", "facts", "practices", "figures",
            "budget", "passages", "guidance", "stated",
        }
    ),
}
#: Variables a template may leave out (the rest are required).
_OPTIONAL: dict[str, frozenset[str]] = {
    "system": frozenset({"genre_name"}),
    "section": frozenset({"outline", "subsections", "guidance", "passages", "canonical", "budget", "stated"}),
    "regenerate": frozenset(
        {"subsections", "guidance", "passages", "previous", "canonical", "budget", "stated"}
    ),
}


class PromptError(ConfigError):
    """A prompt file is missing or uses variables it should not."""


class MissingVariables(PromptError):
    """Rendering a prompt without all of its variables; ``missing`` names them."""

    def __init__(self, name: str, missing: set[str]) -> None:
        self.missing = sorted(missing)
        super().__init__(f"提示词“{name}”缺少变量：{'、'.join(self.missing)}")


@dataclass(frozen=True)
class Prompt:
    """One template: ``render(**values)`` fills it."""

    name: str
    template: str
    variables: frozenset[str]

    def render(self, **values: object) -> str:
        missing = set(self.variables) - set(values)
        if missing:
            raise MissingVariables(self.name, missing)
        unknown = set(values) - set(self.variables) - PROMPT_VARIABLES.get(self.name, frozenset())
        if unknown:
            raise PromptError(f"提示词“{self.name}”不使用变量：{'、'.join(sorted(unknown))}")
        return string.Template(self.template).substitute({k: str(v) for k, v in values.items()})


def _identifiers(name: str, text: str) -> set[str]:
    tpl = string.Template(text)
    if not tpl.is_valid():
        raise PromptError(f"提示词文件“{name}”含有无效的 $ 占位符（字面的 $ 请写成 $$）")
    return set(tpl.get_identifiers())


def check_template(name: str, text: str) -> Prompt:
    """Validate a template's variables against :data:`PROMPT_VARIABLES`."""
    allowed = PROMPT_VARIABLES.get(name)
    used = _identifiers(name, text)
    if allowed is None:
        return Prompt(name, text, frozenset(used))
    unknown = used - allowed
    if unknown:
        raise PromptError(
            f"提示词文件“{name}”使用了未知变量：{'、'.join(sorted(unknown))}；"
            f"可用变量：{'、'.join(sorted(allowed))}"
        )
    missing = allowed - used - _OPTIONAL.get(name, frozenset())
    if missing:
        raise PromptError(f"提示词文件“{name}”缺少必需变量：{'、'.join(sorted(missing))}")
    return Prompt(name, text, frozenset(used))


@dataclass(frozen=True)
class PromptSet:
    system: Prompt
    section: Prompt
    regenerate: Prompt


def load_prompts(prompts_dir: Path) -> PromptSet:
    """Read and check ``system.txt``, ``section.txt`` and ``regenerate.txt``."""
    loaded: dict[str, Prompt] = {}
    for name in ("system", "section", "regenerate"):
        path = Path(prompts_dir) / f"{name}.txt"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            raise PromptError(
                f"无法读取提示词文件 {path}（{err.strerror or err}）。请检查 DRAFTER_PROMPTS_DIR。"
            ) from None
        loaded[name] = check_template(name, text)
    return PromptSet(**loaded)
