"""Fixtures for the drafting tests: a loopback OpenAI server, a scripted model, fact sheets."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/openai_server.py
sys.path.insert(0, str(Path(__file__).resolve().parent))  # drafting_factsheets.py

from drafting_factsheets import FULL, MINIMAL, OTHER, PERCENT
from openai_server import OpenAIServer

from drafter.drafting.llm import Message, TextCallback
from drafter.facts.sheet import FactSheet, facts_from_data


class FakeChatModel:
    """A scripted ChatModel: ``enqueue()`` answers, ``history`` records every prompt."""

    name = "fake"

    def __init__(self, default: str = "好的。") -> None:
        self.default = default
        self.queue: list[str | Exception] = []
        self.history: list[list[Message]] = []

    def enqueue(self, *answers: str | Exception) -> None:
        self.queue.extend(answers)

    def stream(self, messages: Sequence[Message], callbacks: TextCallback | None = None) -> str:
        self.history.append([dict(m) for m in messages])
        answer = self.queue.pop(0) if self.queue else self.default
        if isinstance(answer, Exception):
            raise answer
        for i in range(0, len(answer), 5):
            if callbacks:
                callbacks(answer[i : i + 5])
        return answer


@pytest.fixture
def fake_model() -> FakeChatModel:
    return FakeChatModel()


@pytest.fixture
def openai_server() -> Iterator[OpenAIServer]:
    with OpenAIServer(models=["test-model"], api_key="sk-test-secret") as srv:
        yield srv


@pytest.fixture(params=["full", "minimal", "percent", "other"])
def any_facts(request: pytest.FixtureRequest) -> FactSheet:
    return facts_from_data({"full": FULL, "minimal": MINIMAL, "percent": PERCENT, "other": OTHER}[request.param])


@pytest.fixture
def full_facts() -> FactSheet:
    return facts_from_data(FULL)
