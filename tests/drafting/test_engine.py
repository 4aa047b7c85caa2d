"""The engine end to end: the OpenAI backend over loopback, failures, regeneration, callbacks."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from openai_server import OpenAIServer, Reply

from drafter.checks.section import check_section
from drafter.drafting import DraftEngine, NullCallbacks, SectionDraft
from drafter.errors import BackendUnavailable
from drafter.facts.sheet import FactSheet
from drafter.settings import Settings


def _heading(body: dict[str, Any]) -> str:
    prompt = body["messages"][-1]["content"]
    return prompt.split("本部分：", 1)[1].split("\n", 1)[0]


def _answer(body: dict[str, Any]) -> Reply:
    heading = _heading(body)
    if "总体情况" in heading:
        return Reply("<think>数据都用编号。</think>全年提拔正科级领导干部{{F1}}，职级晋升{{F3}}人。[S1]", chunk_chars=3)
    if "存在" in heading:
        return Reply("一是年轻干部储备不足。二是干部交流的力度还不够大。")
    return Reply(f"围绕“{heading[2:8]}”扎实开展工作，坚持好干部标准。[S2][S99]", chunk_chars=4)


class Recorder(NullCallbacks):
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started: list[str] = []
        self.tokens: dict[str, str] = {}
        self.done: list[str] = []
        self.errors: list[str] = []

    def on_section_start(self, section_id: str, heading: str) -> None:
        with self.lock:
            self.started.append(section_id)

    def on_token(self, section_id: str, text: str) -> None:
        with self.lock:
            self.tokens[section_id] = self.tokens.get(section_id, "") + text

    def on_section_done(self, section: SectionDraft) -> None:
        with self.lock:
            self.done.append(section.id)

    def on_section_error(self, section_id: str, error: Exception) -> None:
        with self.lock:
            self.errors.append(section_id)


@pytest.fixture
def openai_engine(bundled_index, openai_server: OpenAIServer):  # type: ignore[no-untyped-def]
    settings, retriever = bundled_index
    s = Settings(
        home=settings.home, backend="openai", openai_base_url=openai_server.url, openai_model="test-model",
        openai_api_key="sk-test-secret", openai_timeout=5, openai_max_retries=1, max_concurrency=4,
    )
    openai_server.responder = _answer
    return DraftEngine(s, section_check=check_section, retriever=retriever)


def test_openai_draft_streams_and_grounds(openai_engine: DraftEngine, full_facts: FactSheet) -> None:
    rec = Recorder()
    draft = openai_engine.draft(full_facts, callbacks=rec)
    assert all(s.status == "ok" for s in draft.sections)
    overview = draft.section("overview")
    assert overview.text == "全年提拔正科级领导干部4人，职级晋升12人。"
    assert overview.backend == "openai:test-model" and [s.id for s in overview.sources] == ["S1"]
    assert "数据都用编号" not in rec.tokens["overview"]
    assert "{{F1}}" in rec.tokens["overview"]  # streamed as the model wrote it; substituted after
    assert sorted(rec.done) == sorted(s.id for s in draft.sections) == sorted(rec.started)
    practices = draft.section("practices-1")
    assert [s.id for s in practices.sources] == ["S2"]  # the unknown S99 was dropped
    assert draft.text().splitlines()[0] == full_facts.title


def test_server_failure_mid_draft_keeps_finished_sections(
    openai_engine: DraftEngine, openai_server: OpenAIServer, full_facts: FactSheet
) -> None:
    def flaky(body: dict[str, Any]) -> Reply:
        return Reply(status=500) if "存在" in _heading(body) else _answer(body)

    openai_server.responder = flaky
    rec = Recorder()
    draft = openai_engine.draft(full_facts, callbacks=rec)
    failed = draft.failed
    assert [s.id for s in failed] == ["problems"]
    assert "HTTP 500" in (failed[0].error or "") and rec.errors == ["problems"]
    assert all(s.status == "ok" and s.text for s in draft.sections if s.id != "problems")

    openai_server.responder = _answer
    fixed = openai_engine.retry_failed(draft, full_facts)
    assert fixed.section("problems").status == "ok"
    assert fixed.section("problems").text.startswith("一是年轻干部储备不足")
    for s in draft.sections:
        if s.id != "problems":
            assert fixed.section(s.id) is s
    assert fixed.history["problems"][0].status == "failed"


def test_regeneration_leaves_other_sections_identical(
    openai_engine: DraftEngine, openai_server: OpenAIServer, full_facts: FactSheet
) -> None:
    draft = openai_engine.draft(full_facts)
    before = draft.to_dict()
    openai_server.enqueue(Reply("更精炼：全年提拔正科级领导干部{{F1}}。"))
    new = openai_engine.regenerate(draft, "overview", full_facts, instruction="更精炼")
    assert draft.to_dict() == before
    updated = draft.replace_section(new)
    assert updated.section("overview").text == "更精炼：全年提拔正科级领导干部4人。"
    assert updated.history["overview"][0].text == draft.section("overview").text
    old_lines = draft.text().splitlines()
    new_lines = updated.text().splitlines()
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert len(changed) == 1 and "更精炼" in new_lines[changed[0]]

    openai_server.enqueue(Reply(status=500), Reply(status=500))
    with pytest.raises(BackendUnavailable):
        openai_engine.regenerate(updated, "overview", full_facts)
    assert updated.section("overview").text == "更精炼：全年提拔正科级领导干部4人。"


def test_sections_run_in_parallel(openai_engine: DraftEngine, openai_server: OpenAIServer, full_facts: FactSheet) -> None:
    import time

    def slow(body: dict[str, Any]) -> Reply:
        return Reply("坚持好干部标准。", delay=0.4)

    openai_server.responder = slow
    outline = openai_engine.outline(full_facts)
    start = time.perf_counter()
    draft = openai_engine.draft(full_facts, outline)
    elapsed = time.perf_counter() - start
    n = len(draft.sections)
    assert n >= 8 and elapsed < n * 0.4 * 0.75  # bounded by max_concurrency=4, not serial


def test_composer_regeneration_with_instruction(bundled_index, full_facts: FactSheet) -> None:
    settings, retriever = bundled_index
    engine = DraftEngine(settings, section_check=check_section, retriever=retriever)
    draft = engine.draft(full_facts)
    old = draft.section("practices-2")
    new = engine.regenerate(draft, "practices-2", full_facts, instruction="更精炼")
    assert new.text != old.text and len(new.text) < len(old.text)
    added = engine.regenerate(draft, "practices-1", full_facts, instruction="加入：建立干部政治素质档案")
    assert "建立干部政治素质档案。" in added.text
    assert [f for f in new.findings if f.category == "figure"] == []
