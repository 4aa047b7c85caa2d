"""Huge inputs: each command refuses past its documented limit, fast and in little memory."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document

from drafter.text.limits import MAX_COMPARE_CHARS, MAX_DOCUMENT_CHARS, MAX_FIGURES, MAX_FILE_CHARS

PARA = "坚持党管干部原则，严格执行干部选拔任用工作条例，全年提拔干部12人。"


def _huge_docx(path: Path, paragraphs: int) -> Path:
    """A real .docx (python-docx's template) whose body has ``paragraphs`` paragraphs."""
    buf = io.BytesIO()
    Document().save(buf)
    template = zipfile.ZipFile(buf)
    xml = template.read("word/document.xml").decode("utf-8")
    body = "".join(f"<w:p><w:r><w:t>第{i}段：{PARA}</w:t></w:r></w:p>" for i in range(paragraphs))
    xml = xml.replace("<w:body>", "<w:body><w:p><w:r><w:t>某局2025年度干部选拔任用工作报告</w:t></w:r></w:p>" + body, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in template.infolist():
            out.writestr(info.filename, xml if info.filename == "word/document.xml" else template.read(info))
    return path


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _huge_docx(tmp_path_factory.mktemp("huge") / "p100k.docx", 100_000)


@pytest.mark.parametrize(
    "command, limit",
    [("check", MAX_DOCUMENT_CHARS), ("export", MAX_DOCUMENT_CHARS), ("compare", MAX_COMPARE_CHARS)],
)
def test_a_100000_paragraph_docx_is_refused_at_the_documented_limit(
    limited, huge: Path, tmp_path: Path, command: str, limit: int
) -> None:  # type: ignore[no-untyped-def]
    args = {
        "check": ["check", str(huge)],
        "export": ["export", str(huge), "--force", "-o", str(tmp_path / "o.docx")],
        "compare": ["compare", str(huge), str(huge)],
    }[command]
    run = limited(args, timeout=120, mem_mb=2500)
    assert run.returncode == 2, run.output[-2000:]
    # the command's limit, or (issue 21) the reader's: no file is read past MAX_FILE_CHARS characters
    assert f"{limit:,}" in run.stderr or f"{MAX_FILE_CHARS:,}" in run.stderr, run.stderr
    assert "上限" in run.stderr and "limit" in run.stderr
    assert not (tmp_path / "o.docx").exists()
    assert run.seconds < 90 and run.peak_mb < 1200, (run.seconds, run.peak_mb)


def test_a_fact_sheet_over_the_figure_limit_is_refused(limited, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "many.yaml"
    figures = [{"label": f"指标{i}", "value": i} for i in range(MAX_FIGURES + 1)]
    sheet.write_text(yaml.safe_dump({"unit": "江城局", "org": "局党组", "year": 2025, "figures": figures},
                                    allow_unicode=True), encoding="utf-8")
    run = limited(["draft", str(sheet)], env={"DRAFTER_HOME": str(tmp_path / "home")}, timeout=60, mem_mb=1500)
    assert run.returncode == 2 and f"上限 {MAX_FIGURES} 项" in run.stderr, run.output[-2000:]
    assert run.seconds < 30
