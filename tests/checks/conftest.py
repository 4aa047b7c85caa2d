"""Fixtures for the checker tests: the clean 2025 report and its fact sheet."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.facts.sheet import FactSheet, load_facts
from drafter.settings import REPO_ROOT

DATA = Path(__file__).parent / "data"
EXAMPLE_FACTS = REPO_ROOT / "examples" / "facts.yaml"


@pytest.fixture(scope="session")
def clean_report() -> str:
    """A complete, correct 2025 report that matches examples/facts.yaml."""
    return (DATA / "clean_report.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def example_facts() -> FactSheet:
    return load_facts(EXAMPLE_FACTS)
