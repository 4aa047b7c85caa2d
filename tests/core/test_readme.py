"""The README fits on a screen and starts with the two commands; the guides it links exist and
name every setting."""

from __future__ import annotations

import re

from drafter.settings import REPO_ROOT, Settings

README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"


def _blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```(?:bash)?\n(.*?)```", text, flags=re.S)]


def test_readme_fits_on_a_screen_and_starts_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text) < 8000, len(text)
    first, second = _blocks(text)[:2]
    assert first == "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && streamlit run app.py"
    assert second == "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && pytest"
    # nothing but the title comes before them
    assert text.index(first) < text.index("\n\n", text.index(second)) < 400
    # CI runs the README's test command verbatim
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci == second


def test_every_link_of_the_readme_and_guides_exists() -> None:
    for page in [README, *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name}: {target}"


def test_every_setting_is_in_the_configuration_guide() -> None:
    guide = (DOCS / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"DRAFTER_[A-Z_]+", guide))
    # `DRAFTER_OPENAI_BASE_URL` / `_MODEL` / `_API_KEY`: a suffix after a slash shares the prefix
    for prefix, rest in re.findall(r"`(DRAFTER_[A-Z]+)_[A-Z_]+`((?: / `_[A-Z_]+`)+)", guide):
        documented |= {prefix + s for s in re.findall(r"`(_[A-Z_]+)`", rest)}
    missing = {f"DRAFTER_{name.upper()}" for name in Settings.model_fields} - documented
    assert not missing, missing
