"""Misbehaving model servers on loopback against the real CLI, each run under limits.

Echoed keys, streams cut without ``[DONE]``, ``finish_reason: length``, trickling
bytes, echoed headings and a 2 MB answer: the key never reaches output or disk, an
incomplete answer is never taken as a finished section, every run ends within its
deadline, and ``drafter draft`` exits 1 naming what failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from drafting_factsheets import FULL  # type: ignore[import-not-found]
from hostile_limits import SECRET, files_containing  # type: ignore[import-not-found]
from openai_server import Reply  # type: ignore[import-not-found]

from drafter.text.doctree import parse
from drafter.text.markers import MISSING_OPEN


def _heading(body: dict[str, Any]) -> str:
    prompt = body["messages"][-1]["content"]
    return prompt.split("本部分：", 1)[1].split("\n", 1)[0] if "本部分：" in prompt else ""


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(FULL, allow_unicode=True), encoding="utf-8")
    return path


def _env(srv: Any, home: Path, **extra: str) -> dict[str, str]:
    env = {
        "DRAFTER_HOME": str(home), "DRAFTER_BACKEND": "openai", "DRAFTER_OPENAI_BASE_URL": srv.url,
        "DRAFTER_OPENAI_MODEL": "m", "DRAFTER_OPENAI_API_KEY": SECRET, "DRAFTER_OPENAI_MAX_RETRIES": "0",
        "DRAFTER_OPENAI_TIMEOUT": "5",
    }
    env.update(extra)
    return env


def test_a_key_echoed_in_an_error_reaches_no_output_and_no_file(
    limited, hostile_home: Path, model_server, facts: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    model_server.responder = lambda body: Reply(status=400, echo_headers=True)
    out = tmp_path / "out" / "draft.txt"
    out.parent.mkdir()
    run = limited(["draft", str(facts), "-o", str(out)], env=_env(model_server, hostile_home), timeout=120)
    assert run.returncode == 1, run.output
    assert "HTTP 400" in run.stderr and "Bearer ***" in run.stderr  # the server's message, masked
    assert SECRET not in run.output and SECRET[3:15] not in run.output
    assert files_containing(hostile_home, SECRET.encode()) == []
    assert files_containing(out.parent, SECRET.encode()) == []
    assert model_server.requests  # the server really was asked


def test_a_stream_ended_without_done_is_a_failed_section_with_its_text_kept(
    limited, hostile_home: Path, model_server, facts: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    model_server.responder = lambda body: Reply("本年度，我局坚持", done=False, finish_reason=None)
    out = tmp_path / "draft.txt"
    run = limited(["draft", str(facts), "-o", str(out)], env=_env(model_server, hostile_home), timeout=120)
    assert run.returncode == 1, run.output
    assert "失败 (failed)" in run.stderr and "[DONE]" in run.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("本年度，我局坚持") >= 5  # the text so far is kept …
    assert text.count(MISSING_OPEN + "本节未写完") >= 5  # … flagged, so export refuses it
    assert run.seconds < 60


def test_finish_reason_length_is_not_a_finished_section(
    limited, hostile_home: Path, model_server, facts: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    def answer(body: dict[str, Any]) -> Reply:
        if "存在" in _heading(body):
            return Reply("一是年轻干部储备", finish_reason="length")
        return Reply("坚持好干部标准，严格程序。")

    model_server.responder = answer
    out = tmp_path / "draft.txt"
    run = limited(["draft", str(facts), "--json", "-o", str(out)], env=_env(model_server, hostile_home), timeout=120)
    assert run.returncode == 1, run.output
    import json

    data = json.loads(out.read_text(encoding="utf-8"))
    by_status = {s["status"] for s in data["sections"]}
    assert by_status == {"ok", "failed"}
    failed = [s for s in data["sections"] if s["status"] == "failed"]
    assert len(failed) == 1 and "finish_reason=length" in failed[0]["error"]
    assert failed[0]["text"].startswith("一是年轻干部储备")


def test_a_trickling_server_is_stopped_by_the_deadlines_and_finished_sections_are_kept(
    limited, hostile_home: Path, model_server, facts: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    def answer(body: dict[str, Any]) -> Reply:
        if "主要做法" in _heading(body) or "严格" in _heading(body):
            return Reply("坚" * 1500, chunk_chars=1, token_delay=0.2)  # 300 s if let run
        return Reply("坚持好干部标准，严格程序。")

    model_server.responder = answer
    out = tmp_path / "draft.txt"
    env = _env(model_server, hostile_home, DRAFTER_OPENAI_TIMEOUT="2", DRAFTER_SECTION_DEADLINE="4",
               DRAFTER_DRAFT_DEADLINE="8")
    run = limited(["draft", str(facts), "-o", str(out)], env=env, timeout=60)
    assert run.returncode == 1, run.output
    assert "时限" in run.stderr
    assert run.seconds < 90, run.seconds  # start-up + 8 s of drafting, not 300
    text = out.read_text(encoding="utf-8")
    assert "坚持好干部标准" in text  # the fast sections are kept
    assert "坚坚坚" in text and MISSING_OPEN + "本节未写完" in text  # the slow one: text so far, flagged


def test_echoed_headings_are_stripped_and_numbering_stays_clean(
    limited, hostile_home: Path, model_server, facts: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    def answer(body: dict[str, Any]) -> Reply:
        heading = _heading(body)
        return Reply(f"{heading}\n坚持好干部标准，严格程序。\n{heading}\n一、总体情况\n全年工作有序推进。")

    model_server.responder = answer
    out = tmp_path / "draft.txt"
    run = limited(["draft", str(facts), "-o", str(out)], env=_env(model_server, hostile_home), timeout=120)
    assert run.returncode == 0, run.output
    text = out.read_text(encoding="utf-8")
    doc = parse(text)
    labels = [s.label for s in doc.sections]
    assert len(labels) == len(set(labels)), labels  # every heading once
    assert text.count("一、总体情况") <= 1
    assert "编号" not in run.stderr or "numbering" not in run.stderr


def test_a_two_megabyte_answer_is_capped_with_a_clear_message(
    limited, hostile_home: Path, model_server, facts: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    model_server.responder = lambda body: Reply("很好。" * 700_000, chunk_chars=50_000)
    out = tmp_path / "draft.txt"
    run = limited(["draft", str(facts), "-o", str(out)], env=_env(model_server, hostile_home),
                  timeout=120, mem_mb=3000)
    assert run.returncode == 1, run.output
    assert "长度上限 20000 字" in run.stderr and "DRAFTER_MAX_ANSWER_CHARS" in run.stderr
    assert out.stat().st_size < 12 * 20000 * 3  # at most the cap per section, not 18.9 MB
    assert run.peak_mb < 1200, run.peak_mb
