"""``drafter export`` refuses drafts with errors; Markdown and text round-trip headings."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from drafter.cli import main
from drafter.export import read_markdown, to_markdown, to_plain_text
from drafter.settings import REPO_ROOT
from drafter.text.doctree import parse


def _outline(text: str) -> list[tuple[int, str | None, str]]:
    return [(s.level, s.number, s.title) for s in parse(text).walk()]


def test_placeholders_refused_without_force(
    sample_texts: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(sample_texts["000"], encoding="utf-8")
    out = tmp_path / "out.docx"
    assert main(["export", str(draft), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "无法导出" in err and "--force" in err
    assert "第3行" in err and "“*人”" in err  # each error with its line
    assert err.count("第3行") == 8  # eight placeholders on that line
    assert not out.exists()

    assert main(["export", str(draft), "-o", str(out), "--force", "--unit", "某局党组", "--date", "2026-01-05"]) == 0
    captured = capsys.readouterr()
    assert "已导出" in captured.out and "--force" in captured.err
    paras = [p.text for p in docx.Document(str(out)).paragraphs if p.text]
    assert "二、严肃认真做好选人用人工作" in paras
    assert paras[-2:] == ["某局党组", "2026年1月5日"]


def test_clean_draft_exported_in_each_format(clean_draft: str, tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(clean_draft, encoding="utf-8")
    for name in ("out.docx", "out.md", "out.txt"):
        assert main(["export", str(draft), "-o", str(tmp_path / name)]) == 0, name
    assert _outline((tmp_path / "out.txt").read_text(encoding="utf-8")) == _outline(clean_draft)
    md = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert md.startswith("# 广州市交通运输局党组2023年度干部选拔任用工作报告\n")
    assert "\n## 二、严肃认真做好选人用人工作\n" in md and "\n### （一）坚持党管干部，强化政治标准把关\n" in md


def test_bad_arguments_are_user_errors(clean_draft: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(clean_draft, encoding="utf-8")
    assert main(["export", str(draft), "-o", str(tmp_path / "out.pdf")]) == 2
    assert ".docx、.md 或 .txt" in capsys.readouterr().err
    assert main(["export", str(draft), "-o", str(tmp_path / "o.docx"), "--date", "2026-02-30"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o.docx")]) == 2
    assert "文件不存在" in capsys.readouterr().err


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_text_and_markdown_round_trip_headings(sample_texts: dict[str, str], key: str) -> None:
    doc = parse(sample_texts[key])
    expected = _outline(sample_texts[key])
    assert expected
    assert _outline(to_plain_text(doc)) == expected
    md = to_markdown(doc)
    assert _outline(read_markdown(md)) == expected
    assert "*人" not in md.replace("\\*", "")  # placeholders escaped, not emphasis
    assert parse(read_markdown(md)).to_text() == parse(to_plain_text(doc)).to_text()


def test_text_export_keeps_run_in_headings(four_levels: str) -> None:
    out = to_plain_text(parse(four_levels))
    assert "（一）坚持党管干部。一是严格把关。二是规范程序。\n" in out
    assert out == four_levels


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")), reason="LibreOffice/poppler not installed")
def test_rendered_by_libreoffice_as_a4_with_page_numbers(clean_draft: str, tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(clean_draft, encoding="utf-8")
    out = tmp_path / "report.docx"
    assert main(["export", str(draft), "-o", str(out), "--unit", "广州市交通运输局党组", "--date", "2026-01-05"]) == 0
    script = REPO_ROOT / "bench" / "render_docx.py"
    run = subprocess.run([sys.executable, str(script), str(out), "--pages", "2", "--dpi", "30"],
                         capture_output=True, text=True, timeout=240, check=True)
    pngs = run.stdout.split()
    assert len(pngs) == 2 and all(Path(p).is_file() for p in pngs)
    pdf = tmp_path / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "pts (A4)" in next(ln for ln in info.splitlines() if ln.startswith("Page size:"))
    pages = int(next(ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")))
    # at most 22 x 28 = 616 characters a page; short last lines and headings add some
    full_pages = len(clean_draft) / 616
    assert full_pages <= pages <= full_pages * 1.5 + 1
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout
    flat_first, flat_second = ("".join(t.split()) for t in (first, second))
    assert "广州市交通运输局党组2023年度干部选拔任用工作报告" in flat_first  # the title wraps
    assert flat_first.endswith("—1—") and flat_second.endswith("—2—")  # page numbers at the foot
    # 28 characters to a full line of body text
    lines = [ln.strip().replace(" ", "") for ln in second.splitlines() if ln.strip()]
    assert max(len(ln) for ln in lines) in range(27, 31)
