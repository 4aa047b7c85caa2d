"""The CLI with bad output paths, interruptions, odd standard input and control characters."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from drafting_factsheets import FULL  # type: ignore[import-not-found]
from hostile_limits import SECRET, SRC, TESTS  # type: ignore[import-not-found]
from openai_server import Reply  # type: ignore[import-not-found]

REPORT = "某局2025年度干部选拔任用工作报告\n一、总体情况\n全年提拔干部12人。\n"


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(FULL, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "target, says",
    [
        ("missing/draft.txt", "不存在"),
        (".", "是一个文件夹"),
        ("长" * 90 + ".txt", "文件名过长"),
    ],
    ids=["missing-folder", "a-folder", "name-too-long"],
)
def test_draft_refuses_a_bad_output_path_before_drafting(
    limited, hostile_home: Path, facts: Path, tmp_path: Path, target: str, says: str
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / target
    run = limited(["draft", str(facts), "-o", str(out)], env={"DRAFTER_HOME": str(hostile_home)}, timeout=60)
    assert run.returncode == 2, run.output
    assert says in run.stderr and "(" in run.stderr  # bilingual
    assert "Traceback" not in run.output
    assert not (hostile_home / "drafts").exists()  # refused before any drafting began


@pytest.mark.parametrize("target", ["missing/out.docx", "长" * 90 + ".docx"])
def test_export_refuses_a_bad_output_path_with_a_message(limited, tmp_path: Path, target: str) -> None:  # type: ignore[no-untyped-def]
    draft = tmp_path / "d.txt"
    draft.write_text(REPORT, encoding="utf-8")
    run = limited(["export", str(draft), "--force", "-o", str(tmp_path / target)], timeout=60)
    assert run.returncode == 2 and "Traceback" not in run.output, run.output
    assert "(" in run.stderr and ("不存在" in run.stderr or "过长" in run.stderr)


def _slow_server_env(srv: Any, home: Path) -> dict[str, str]:
    return {
        "DRAFTER_HOME": str(home), "DRAFTER_BACKEND": "openai", "DRAFTER_OPENAI_BASE_URL": srv.url,
        "DRAFTER_OPENAI_MODEL": "m", "DRAFTER_OPENAI_API_KEY": SECRET, "DRAFTER_OPENAI_MAX_RETRIES": "0",
    }


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["ctrl-c", "term", "kill-9"])
def test_an_interrupted_draft_keeps_its_finished_sections(
    hostile_home: Path, model_server, facts: Path, tmp_path: Path, how: int
) -> None:  # type: ignore[no-untyped-def]
    def answer(body: dict[str, Any]) -> Reply:
        if "存在" in body["messages"][-1]["content"].split("本部分：", 1)[-1][:12]:
            return Reply("一是" + "慢" * 600, chunk_chars=1, token_delay=0.1)  # a minute
        return Reply("坚持好干部标准，严格程序。")

    model_server.responder = answer
    out = tmp_path / "draft.txt"
    out.write_text("旧稿\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{TESTS.parent}", **_slow_server_env(model_server, hostile_home)}
    proc = subprocess.Popen([sys.executable, "-m", "drafter", "draft", str(facts), "-o", str(out)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    saved: list[Path] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        saved = list((hostile_home / "drafts").glob("draft-*.txt")) if (hostile_home / "drafts").exists() else []
        if saved and saved[0].read_text(encoding="utf-8").count("坚持好干部标准") >= 3:
            break
        time.sleep(0.3)
    assert saved, "no progress file appeared"
    proc.send_signal(how)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert out.read_text(encoding="utf-8") == "旧稿\n"  # the old -o file is untouched
    kept = saved[0].read_text(encoding="utf-8")
    assert kept.startswith("广州市交通运输局2025年度干部选拔任用工作报告")
    assert kept.count("坚持好干部标准") >= 3  # finished sections survive
    if how != signal.SIGKILL:
        message = err.decode("utf-8", "replace")
        assert "已中断" in message and str(saved[0]) in message and "Traceback" not in message


def test_check_reads_gbk_from_stdin_and_refuses_binary(limited) -> None:  # type: ignore[no-untyped-def]
    gbk = REPORT.replace("12人", "*人").encode("gbk")
    run = limited(["check", "-"], stdin=gbk, timeout=60)
    assert run.returncode == 1 and "*人" in run.stdout and "总体情况" in run.stdout, run.output
    binary = bytes(range(256)) * 40
    run = limited(["check", "-"], stdin=binary, timeout=60)
    assert run.returncode == 2 and "二进制" in run.stderr, run.output
    run = limited(["check", "-"], stdin=b"", timeout=60)
    assert run.returncode == 2 and "没有读到内容" in run.stderr


def test_export_of_text_with_shift_enter_and_controls(limited, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    draft = tmp_path / "d.txt"
    draft.write_text(REPORT.replace("全年提拔", "全年\x0b提拔").replace("12人", "12\x07人"), encoding="utf-8")
    out = tmp_path / "d.docx"
    run = limited(["export", str(draft), "--force", "-o", str(out)], timeout=60)
    assert run.returncode == 0, run.output
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert "<w:br/>" in xml and "12人" in xml  # Shift+Enter became a line break, the bell is gone
