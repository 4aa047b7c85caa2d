"""The model client (its own SSE reader over httpx; the openai SDK for 测试连接) against a loopback OpenAI-protocol server."""

from __future__ import annotations

import pytest
from openai_server import OpenAIServer, Reply

from drafter.drafting.llm import OpenAIChatModel, ThinkFilter, strip_think, test_connection
from drafter.errors import (
    BackendAuthError,
    BackendModelError,
    BackendUnavailable,
    ConfigError,
)
from drafter.settings import Settings

HELLO = [{"role": "user", "content": "你好"}]


def _settings(srv: OpenAIServer, tmp_path, **kw) -> Settings:  # type: ignore[no-untyped-def]
    values = {
        "home": tmp_path, "openai_base_url": srv.url, "openai_model": "test-model",
        "openai_api_key": "sk-test-secret", "openai_timeout": 2, "openai_max_retries": 1,
    }
    values.update(kw)
    return Settings(**values)


def _model(srv: OpenAIServer, tmp_path, **kw) -> OpenAIChatModel:  # type: ignore[no-untyped-def]
    return OpenAIChatModel(_settings(srv, tmp_path, **kw), backoff=0.01)


def test_streams_text_in_pieces(openai_server: OpenAIServer, tmp_path) -> None:
    openai_server.enqueue(Reply("坚持党管干部原则，严格程序。", chunk_chars=3))
    pieces: list[str] = []
    text = _model(openai_server, tmp_path).stream(HELLO, pieces.append)
    assert text == "坚持党管干部原则，严格程序。"
    assert len(pieces) > 2 and "".join(pieces) == text
    body = openai_server.requests[-1]
    assert body["stream"] is True and body["messages"][-1]["content"] == "你好"


def test_thinking_never_reaches_the_user(openai_server: OpenAIServer, tmp_path) -> None:
    openai_server.enqueue(Reply("<think>先想一想：用户要什么？</think>\n\n正文只有这一句。", chunk_chars=2))
    pieces: list[str] = []
    text = _model(openai_server, tmp_path).stream(HELLO, pieces.append)
    assert text == "正文只有这一句。"
    assert "想" not in "".join(pieces) and "<" not in "".join(pieces)


def test_think_filter_handles_tags_split_across_chunks() -> None:
    f = ThinkFilter()
    out = "".join(f.feed(c) for c in ["甲<", "thi", "nk>秘密</t", "hink>乙", "<th"]) + f.flush()
    assert out == "甲乙<th"
    assert strip_think("<think>x</think>答案") == "答案"
    assert strip_think("未闭合<think>思考中") == "未闭合"


def test_server_error_is_retried_then_succeeds(openai_server: OpenAIServer, tmp_path) -> None:
    openai_server.enqueue(Reply(status=500), Reply("第二次成功。"))
    assert _model(openai_server, tmp_path).stream(HELLO) == "第二次成功。"
    assert len(openai_server.requests) == 2


def test_server_error_that_persists_says_what_to_do(openai_server: OpenAIServer, tmp_path) -> None:
    openai_server.enqueue(Reply(status=500), Reply(status=503))
    with pytest.raises(BackendUnavailable) as exc:
        _model(openai_server, tmp_path).stream(HELLO)
    assert "HTTP 503" in str(exc.value) and "离线撰写" in str(exc.value)


def test_timeout(openai_server: OpenAIServer, tmp_path) -> None:
    openai_server.enqueue(Reply("迟到", delay=1.5))
    with pytest.raises(BackendUnavailable) as exc:
        _model(openai_server, tmp_path, openai_timeout=0.5, openai_max_retries=0).stream(HELLO)
    assert "没有应答" in str(exc.value) and "DRAFTER_OPENAI_TIMEOUT" in str(exc.value)


def test_stream_cut_halfway(openai_server: OpenAIServer, tmp_path) -> None:
    openai_server.enqueue(Reply("一二三四五六七八九十甲乙丙丁", chunk_chars=2, cut_after=3))
    pieces: list[str] = []
    with pytest.raises(BackendUnavailable) as exc:
        _model(openai_server, tmp_path).stream(HELLO, pieces.append)
    assert "中途断开" in str(exc.value)
    assert "".join(pieces) == "一二三四五六"  # what was shown before the cut


def test_stream_cut_before_any_text_is_retried(openai_server: OpenAIServer, tmp_path) -> None:
    openai_server.enqueue(Reply("断", cut_after=0), Reply("重试后完整。"))
    assert _model(openai_server, tmp_path).stream(HELLO) == "重试后完整。"


def test_malformed_json(openai_server: OpenAIServer, tmp_path) -> None:
    openai_server.enqueue(Reply("这是一段会被打断的正文内容", malformed=True, chunk_chars=2))
    with pytest.raises((BackendModelError, BackendUnavailable)) as exc:
        _model(openai_server, tmp_path, openai_max_retries=0).stream(HELLO)
    assert "模型服务器" in str(exc.value)


def test_unknown_model(openai_server: OpenAIServer, tmp_path) -> None:
    with pytest.raises(BackendModelError) as exc:
        _model(openai_server, tmp_path, openai_model="no-such-model").stream(HELLO)
    assert "no-such-model" in str(exc.value) and "DRAFTER_OPENAI_MODEL" in str(exc.value)


def test_wrong_key_is_refused_and_never_echoed(openai_server: OpenAIServer, tmp_path) -> None:
    model = _model(openai_server, tmp_path, openai_api_key="sk-wrong-key")
    with pytest.raises(BackendAuthError) as exc:
        model.stream(HELLO)
    assert "DRAFTER_OPENAI_API_KEY" in str(exc.value)
    assert "sk-wrong-key" not in str(exc.value) and "sk-wrong-key" not in repr(model)


def test_server_down(tmp_path) -> None:
    settings = Settings(home=tmp_path, openai_base_url="http://127.0.0.1:9/v1", openai_model="m", openai_max_retries=0)
    with pytest.raises(BackendUnavailable) as exc:
        OpenAIChatModel(settings).stream(HELLO)
    assert "无法连接" in str(exc.value) and "DRAFTER_OPENAI_BASE_URL" in str(exc.value)


def test_missing_configuration(tmp_path) -> None:
    with pytest.raises(ConfigError, match="DRAFTER_OPENAI_BASE_URL"):
        OpenAIChatModel(Settings(home=tmp_path, openai_model="m"))


def test_connection_reports_models(openai_server: OpenAIServer, tmp_path) -> None:
    report = test_connection(_settings(openai_server, tmp_path))
    assert "test-model" in report and "可用" in report
    with pytest.raises(BackendModelError, match="test-model"):
        test_connection(_settings(openai_server, tmp_path, openai_model="other"))


def test_connection_without_models_endpoint(tmp_path) -> None:
    with OpenAIServer(models=["m"], models_endpoint=False) as srv:
        srv.enqueue("好")
        report = test_connection(Settings(home=tmp_path, openai_base_url=srv.url, openai_model="m"))
    assert "回答“好”" in report
