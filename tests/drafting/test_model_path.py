"""The model path against a loopback OpenAI server (issues 25, 18 item 9, 21).

Each case is a wire-level test: the real client (:class:`OpenAIChatModel`) talks HTTP
to ``tests/openai_server.py``; drafts run through the real engine, retriever and
checker. The same cases run against a real llama.cpp server in ``tests/model_server/``.
"""

from __future__ import annotations

import base64
import re
import time
from typing import Any
from urllib.parse import quote

import pytest
from openai_server import OpenAIServer, Reply

from drafter.checks.section import check_section
from drafter.cli.draft import summary
from drafter.drafting import DraftEngine
from drafter.drafting.llm import OpenAIChatModel, estimate_tokens, test_connection
from drafter.errors import BackendError, BackendIncomplete
from drafter.facts.sheet import FactSheet
from drafter.settings import Settings
from drafter.text.doctree import parse
from drafter.text.markers import MISSING_OPEN

KEY = "sk-model-path-secret-7Qx9"


def _settings(srv: OpenAIServer, base: Settings, **kw: Any) -> Settings:
    values: dict[str, Any] = {
        "backend": "openai", "openai_base_url": srv.url, "openai_model": "m", "openai_api_key": KEY,
        "openai_timeout": 5, "openai_max_retries": 0, "section_deadline": 20, "draft_deadline": 60,
    }
    values.update(kw)
    return base.model_copy(update=values)


def _engine(srv: OpenAIServer, bundled_index: Any, **kw: Any) -> tuple[DraftEngine, OpenAIChatModel]:
    base, retriever = bundled_index
    settings = _settings(srv, base, **kw)
    model = OpenAIChatModel(settings, backoff=0.01)
    return DraftEngine(settings, section_check=check_section, retriever=retriever, model=model), model


def _prompt(body: dict[str, Any]) -> str:
    return "\n".join(m["content"] for m in body["messages"])


def _heading(body: dict[str, Any]) -> str:
    prompt = body["messages"][-1]["content"]
    return prompt.split("本部分：", 1)[1].split("\n", 1)[0] if "本部分：" in prompt else ""


# ---- fit the server -----------------------------------------------------------------
def test_max_tokens_follows_the_length_budget_and_prompts_fit_the_context(
    bundled_index: Any, full_facts: FactSheet
) -> None:
    with OpenAIServer(models=["m"], n_ctx=4096) as srv:  # llama.cpp's /props says the context
        srv.responder = lambda body: Reply("坚持党管干部原则，严格执行条例。")
        engine, model = _engine(srv, bundled_index)
        draft = engine.draft(full_facts)
    assert model.context_length() == 4096
    assert all(s.status == "ok" for s in draft.sections), [s.error for s in draft.sections]
    sizes = [(estimate_tokens(_prompt(b)) + 16 * len(b["messages"]), b["max_tokens"]) for b in srv.requests]
    assert sizes and all(isinstance(mt, int) and 0 < mt for _, mt in sizes)
    assert all(used + mt <= 4096 for used, mt in sizes), sizes  # prompt + answer within the context
    assert any("提示词超过模型上下文（4096）：已减少参考写法" in n for n in draft.notices)


def test_a_context_overflow_the_server_reports_is_named_and_the_prompt_shortened(
    bundled_index: Any, full_facts: FactSheet
) -> None:
    limit = 4096

    def respond(body: dict[str, Any]) -> Reply:
        used = estimate_tokens(_prompt(body))
        if used + body.get("max_tokens", 0) > limit:  # vLLM's / llama-cpp-python's wording
            return Reply(status=400, text=f"This model's maximum context length is {limit} tokens. "
                                          f"However, you requested {used} tokens.")
        return Reply("坚持党管干部原则。")

    with OpenAIServer(models=["m"]) as srv:
        srv.responder = respond
        engine, model = _engine(srv, bundled_index)
        draft = engine.draft(full_facts)
    assert all(s.status == "ok" for s in draft.sections), [s.error for s in draft.sections]
    assert model.context_length() == limit  # learnt from the server's own words
    assert any(f"提示词超过模型上下文（{limit}）：已减少参考写法" in n for n in draft.notices)


def test_a_context_too_small_for_the_facts_fails_clearly_without_asking(
    bundled_index: Any, full_facts: FactSheet
) -> None:
    with OpenAIServer(models=["m"]) as srv:
        engine, _ = _engine(srv, bundled_index, openai_context=600)
        draft = engine.draft(full_facts)
        assert srv.requests == []  # nothing sent that cannot fit
    assert all(s.status == "failed" for s in draft.sections)
    assert all("提示词超过模型上下文（600）" in (s.error or "") for s in draft.sections)
    assert all(MISSING_OPEN in s.text for s in draft.sections)  # never a bare heading


# ---- truthful endings ---------------------------------------------------------------
def test_endings_stop_length_no_reason_and_empty_are_each_told_truthfully(
    bundled_index: Any, full_facts: FactSheet
) -> None:
    def respond(body: dict[str, Any]) -> Reply:
        h = _heading(body)
        if "总体情况" in h:
            return Reply("全年提拔干部{{F1}}，工作有序。", finish_reason="length")
        if "存在" in h and "问题" in h:
            return Reply("一是工作不够深入。", finish_reason=None)  # [DONE] without a reason
        if "下一步" in h:
            return Reply("", finish_reason=None)
        return Reply("坚持党管干部原则，严格执行条例。")

    with OpenAIServer(models=["m"]) as srv:
        srv.responder = respond
        engine, _ = _engine(srv, bundled_index, openai_concurrency=1)
        draft = engine.draft(full_facts)
    by = {s.element: s for s in draft.sections}
    overview = by["overview"]
    assert overview.status == "failed" and "输出长度上限" in (overview.error or "")
    assert "工作有序" in overview.text and overview.text.endswith(MISSING_OPEN + "本节未写完〕")
    problems = by["problems"]
    assert problems.status == "failed" and "finish_reason" in (problems.error or "")
    assert "工作不够深入" in problems.text and MISSING_OPEN + "本节未写完" in problems.text
    plans = by["plans"]
    assert plans.status == "failed" and plans.text == MISSING_OPEN + "本节未写成，请重新生成〕"
    assert "DRAFTER_OPENAI_MODEL" not in (plans.error or "")  # not blamed on the model name
    # findings are computed for failed sections too, and the summary counts failures first
    assert any(f.section for f in overview.findings)
    text = summary(draft.findings, draft.failed)
    assert text.startswith(f"失败 (failed)：{len(draft.failed)} 个部分") and "未发现问题" not in text
    # the file has no empty heading: every failed section carries its marker
    doc = parse(draft.text())
    assert all(s.heading for s in draft.sections if s.heading)
    assert draft.text().count(MISSING_OPEN) >= 3 and doc is not None


def test_summary_without_findings_still_reports_failures() -> None:
    class S:
        heading = "二、做法"
        error = "模型服务器说：boom"

    text = summary([], [S()])
    assert "未发现问题" not in text and "boom" in text and text.startswith("失败 (failed)：1 个部分")
    assert summary([], []) .endswith("未发现问题")


# ---- the model's text is checked like any other -----------------------------------
def test_links_html_invented_ids_and_list_lines_do_not_survive(bundled_index: Any, full_facts: FactSheet) -> None:
    answer = (
        "坚持党管干部原则[S121]。![](https://i.example.com/x.png)详见<a href=\"http://evil.example\">这里</a>。\n"
        "1. 严格执行条例，见 https://evil.example/a 。\n（1）坚持好干部标准【S352】。\n2、加强监督&nbsp;。"
    )
    with OpenAIServer(models=["m"]) as srv:
        srv.responder = lambda body: Reply(answer)
        engine, _ = _engine(srv, bundled_index)
        draft = engine.draft(full_facts)
    text = draft.text()
    assert "http" not in text and "example" not in text and "<a" not in text and "![" not in text
    assert not re.search(r"S\d{3}", text) and "&nbsp;" not in text
    body = [s for s in draft.sections if s.element == "problems"][0].text
    assert "严格执行条例" in body and not re.search(r"^(?:\d+[.、]|（\d+）)", body, re.M)
    headings = [f for f in draft.findings if "标题" in f.message and "层级" in f.message]
    assert headings == []


def test_a_key_in_the_answer_is_masked_in_every_form(bundled_index: Any, full_facts: FactSheet) -> None:
    forms = [KEY, quote(KEY, safe=""), base64.b64encode(KEY.encode()).decode()]
    answer = "密钥：" + "，".join(forms) + "；短密钥 k3y5z。"
    with OpenAIServer(models=["m"]) as srv:
        srv.responder = lambda body: Reply(answer)
        base, retriever = bundled_index
        settings = _settings(srv, base)
        model = OpenAIChatModel(settings, backoff=0.01)
        from drafter.text.redact import register_secret

        register_secret("k3y5z")  # a 5-character key is masked too
        shown: list[str] = []

        class Cb:
            def on_section_start(self, *a: Any) -> None: ...
            def on_token(self, section_id: str, text: str) -> None:
                shown.append(text)
            def on_section_done(self, *a: Any) -> None: ...
            def on_section_error(self, *a: Any) -> None: ...

        engine = DraftEngine(settings, section_check=check_section, retriever=retriever, model=model)
        draft = engine.draft(full_facts, callbacks=Cb())  # type: ignore[arg-type]
    text = draft.text()
    streamed = "".join(shown)  # what the writer watched arrive, piece by piece
    for form in forms + ["k3y5z"]:
        assert form not in text and form not in streamed
    assert "密钥：***" in streamed
    assert "密钥：***，***，***；短密钥 ***。" in text


def test_a_lone_surrogate_in_an_answer_does_not_fail_the_section(openai_server: OpenAIServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    openai_server.enqueue(Reply(raw_content="\\ud800好的"))
    settings = Settings(home=tmp_path, openai_base_url=openai_server.url, openai_model="test-model",
                        openai_api_key="sk-test-secret", openai_max_retries=0)
    text = OpenAIChatModel(settings).stream([{"role": "user", "content": "写"}])
    assert text.encode("utf-8") and "好的" in text and "\ufffd" in text


# ---- time limits for every kind of answer -------------------------------------------
@pytest.mark.parametrize("reply", [Reply("好的。" * 40, as_json=True, trickle=1.0), Reply(status=500, trickle=1.0)],
                         ids=["json-1-byte-per-second", "500-body-trickles"])
def test_a_trickling_answer_stops_at_the_section_deadline(reply: Reply, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with OpenAIServer(models=["m"]) as srv:
        srv.responder = lambda body: reply
        settings = Settings(home=tmp_path, openai_base_url=srv.url, openai_model="m", openai_timeout=5,
                            section_deadline=4, openai_max_retries=0)
        start = time.monotonic()
        with pytest.raises(BackendError) as err:
            OpenAIChatModel(settings).stream([{"role": "user", "content": "写"}])
        took = time.monotonic() - start
    assert took < 4 + 3, took
    assert "时限" in str(err.value) or "HTTP 500" in str(err.value)


def test_a_gzip_bomb_model_list_is_bounded_and_the_message_short(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with OpenAIServer(models=["m"], gzip_models_bytes=1 << 30) as srv:  # 1 GB once inflated
        srv.gzip_body()
        settings = Settings(home=tmp_path, openai_base_url=srv.url, openai_model="m", openai_timeout=20)
        start = time.monotonic()
        with pytest.raises(BackendError) as err:
            test_connection(settings)
        took = time.monotonic() - start
    assert took < 15 and len(str(err.value)) < 200 and "2 MB" in str(err.value)


# ---- concurrency that adapts --------------------------------------------------------
def test_a_server_that_cuts_parallel_answers_is_used_one_at_a_time(
    bundled_index: Any, full_facts: FactSheet
) -> None:
    with OpenAIServer(models=["m"], single_slot=True) as srv:
        srv.responder = lambda body: Reply("坚持党管干部原则，严格执行干部选拔任用条例。", token_delay=0.05)
        engine, model = _engine(srv, bundled_index, openai_concurrency=3)
        assert engine.concurrency() == 3
        draft = engine.draft(full_facts)
    assert model.parallel_trouble > 0 and model.concurrency == 1
    assert all(s.status == "ok" for s in draft.sections), [s.error for s in draft.sections]
    assert any("已改为逐个撰写" in n for n in draft.notices)


def test_connection_test_reports_context_and_parallel_answers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with OpenAIServer(models=["m"], n_ctx=4096) as srv:
        srv.responder = lambda body: Reply("好", token_delay=0.2, chunk_chars=1)
        report = test_connection(Settings(home=tmp_path, openai_base_url=srv.url, openai_model="m"))
    assert "上下文长度：4096" in report and "同时处理两个请求：可以" in report
    with OpenAIServer(models=["m"], single_slot=True) as srv:
        srv.responder = lambda body: Reply("好的好的好的", token_delay=0.3, chunk_chars=1)
        report = test_connection(Settings(home=tmp_path, openai_base_url=srv.url, openai_model="m",
                                          openai_max_retries=0))
    assert "上下文长度：服务器未说明" in report and "同时处理两个请求：不可以" in report


def test_incomplete_is_kept_as_failed_version_not_retried(openai_server: OpenAIServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    openai_server.enqueue(Reply("一二三四五六", finish_reason=None))
    settings = Settings(home=tmp_path, openai_base_url=openai_server.url, openai_model="test-model",
                        openai_api_key="sk-test-secret", openai_max_retries=2)
    with pytest.raises(BackendIncomplete) as err:
        OpenAIChatModel(settings, backoff=0.01).stream([{"role": "user", "content": "写"}])
    assert err.value.partial == "一二三四五六" and len(openai_server.requests) == 1


def test_a_stream_cut_by_an_overflow_is_diagnosed_as_the_context(openai_server: OpenAIServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # llama-cpp-python's way: a stream over the context answers 200 and breaks off; asked
    # without streaming it says “This model's maximum context length is 2048 tokens”.
    def respond(body: dict[str, Any]) -> Reply:
        if body.get("stream"):
            return Reply("好的好的", cut_after=0)
        return Reply(status=400, text="This model's maximum context length is 2048 tokens, however you requested 5000")

    openai_server.responder = respond
    settings = Settings(home=tmp_path, openai_base_url=openai_server.url, openai_model="test-model",
                        openai_api_key="sk-test-secret", openai_max_retries=1)
    from drafter.drafting.llm import ContextOverflow

    model = OpenAIChatModel(settings, backoff=0.01)
    with pytest.raises(ContextOverflow) as err:
        model.stream([{"role": "user", "content": "写" * 5000}], max_tokens=100)
    assert "提示词超过模型上下文（2048）" in str(err.value) and "中途断开" not in str(err.value)
    assert model.context_length() == 2048
    assert [b.get("stream") for b in openai_server.requests] == [True, False]
