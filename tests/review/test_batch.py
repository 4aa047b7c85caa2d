"""drafter review: a folder and a .zip of units' reports, the JSON, the .xlsx, the planted truth."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from batchgen import make_batch  # noqa: E402

from drafter.cli import main  # noqa: E402
from drafter.errors import ConfigError  # noqa: E402
from drafter.review.numbers import number_contradictions  # noqa: E402
from drafter.review.status import load_rules  # noqa: E402
from drafter.similarity.copies import same_unit  # noqa: E402


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    truth = make_batch(root / "batch", 24, seed=5, previous_dir=root / "prev",
                       rates={"copied": 0.15, "reused": 0.2, "missing": 0.2, "contradiction": 0.2})
    return root, truth


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["review", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_folder_json_matches_planted_truth(batch, home, capsys):
    root, truth = batch
    code, data = _run_json(capsys, str(root / "batch"), "--previous", str(root / "prev"))
    assert code == 1  # some reports need work
    rows = {r["file"]: r for r in data["reports"]}
    assert len(rows) == len(truth) and data["skipped"] == []
    for t in truth:
        r = rows[t.file]
        assert r["unit"] == t.unit and r["year"] == t.year
        assert ("problems" in r["missing"]) == bool(t.missing), t.file
        assert (r["placeholders"] > 0) == (t.placeholders > 0), t.file
        assert any(f["code"] == "numbers-total" for f in r["findings"]) == t.contradiction, t.file
        assert r["previous_dup"] is not None
        assert (r["previous_dup"] >= 0.2) == t.reused_previous, (t.file, r["previous_dup"])
        if t.placeholders or t.missing or t.contradiction or t.reused_previous or t.copied_from:
            assert r["status"] != "通过", t.file
    planted = {frozenset((t.file, t.copied_from)) for t in truth if t.copied_from}
    found = {frozenset((p["a"], p["b"])) for p in data["pairs"] if p["similarity"] >= 0.1}
    assert planted and planted <= found
    assert len(found - planted) <= max(1, 0.05 * len(found))
    for t in truth:
        if t.copied_from:
            assert rows[t.file]["similar"]["file"] == t.copied_from
            assert rows[t.file]["similar"]["unit"] == rows[t.copied_from]["unit"]
            assert same_unit(rows[t.copied_from]["unit"], next(u.unit for u in truth if u.file == t.copied_from))
    # clean reports pass
    clean = [t for t in truth if not (t.placeholders or t.missing or t.contradiction or t.reused_previous
                                      or t.copied_from or any(u.copied_from == t.file for u in truth))]
    assert clean and all(rows[t.file]["status"] == "通过" for t in clean)


def test_zip_with_bad_files_and_xlsx(batch, home, tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    root, truth = batch
    zpath = tmp_path / "报告.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for t in truth[:8]:
            zf.write(root / "batch" / t.file, f"各单位/{t.file}")
        zf.writestr("各单位/损坏.docx", b"not a word file")
        zf.writestr("各单位/名单.xlsx", b"PK\x03\x04")
        zf.writestr("__MACOSX/._x.txt", b"junk")
    out = tmp_path / "out" / "审核表.xlsx"
    code, data = _run_json(capsys, str(zpath), "--previous", str(root / "prev"), "-o", str(out))
    assert code == 1
    assert len(data["reports"]) == 8
    skipped = {s["file"]: s["reason"] for s in data["skipped"]}
    assert set(skipped) == {"各单位/损坏.docx", "各单位/名单.xlsx"}
    assert all(skipped.values())

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["审核表", "问题清单", "相似报告"] and "未能读取" in wb.sheetnames
    ws = wb["审核表"]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["序号", "文件", "单位", "年度", "状态", "原因"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 8
    by_file = {r[1]: r for r in rows}
    for rep in data["reports"]:
        r = by_file[rep["file"]]
        assert r[4] == rep["status"]
        assert r[header.index("占位符")] == rep["placeholders"]
        assert r[header.index("问题数")] == len(rep["findings"])
    status_cells = [row[4] for row in ws.iter_rows(min_row=2)]
    fills = {c.value: c.fill.fgColor.rgb[-6:] for c in status_cells}
    assert fills.get("需修改") == "FFEB9C"
    assert ws.column_dimensions["B"].width >= 20  # Chinese file names fit
    findings = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    assert len(findings) == sum(len(r["findings"]) for r in data["reports"])
    assert any(f[3] == "占位符" and f[7] for f in findings)
    assert len(list(wb["相似报告"].iter_rows(min_row=2))) == len(data["pairs"])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_xlsx_renders_in_libreoffice(batch, home, tmp_path, capsys):
    root, _ = batch
    out = tmp_path / "审核表.xlsx"
    assert main(["review", str(root / "batch"), "-o", str(out), "--no-kb"]) == 1
    assert "审核表已保存" in capsys.readouterr().out
    got = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        capture_output=True, text=True, timeout=240,
    )
    pdf = tmp_path / "审核表.pdf"
    if not pdf.exists() and "could not be loaded" in got.stderr + got.stdout:
        pytest.skip("LibreOffice Calc is not installed (libreoffice-calc)")
    assert pdf.exists() and pdf.stat().st_size > 2000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "需修改" in text and "序号" in text


def test_nothing_readable_exits_2(home, tmp_path, capsys):
    d = tmp_path / "empty"
    d.mkdir()
    (d / "a.xlsx").write_bytes(b"PK\x03\x04")
    (d / "b.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    code, data = _run_json(capsys, str(d))
    assert code == 2 and data["reports"] == [] and len(data["skipped"]) == 2
    assert main(["review", str(tmp_path / "nope")]) == 2
    assert "找不到" in capsys.readouterr().err
    assert main(["review", str(d), "-o", str(tmp_path / "x.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err


def test_all_pass_exits_0(batch, home, tmp_path, capsys):
    root, truth = batch
    clean = [t for t in truth if not (t.placeholders or t.missing or t.contradiction or t.copied_from
                                      or any(u.copied_from == t.file for u in truth))]
    d = tmp_path / "clean"
    d.mkdir()
    for t in clean[:3]:
        shutil.copy(root / "batch" / t.file, d / t.file)
    code, data = _run_json(capsys, str(d), "--no-kb")
    assert code == 0 and {r["status"] for r in data["reports"]} == {"通过"}
    assert all(r["similar"] is None and r["previous_dup"] is None for r in data["reports"])


def test_contradictions():
    assert [f.code for f in number_contradictions("共提拔干部5人，其中正职3人、副职4人。")] == ["numbers-total"]
    assert number_contradictions("共提拔干部7人，其中正职3人、副职4人。") == []
    twice = number_contradictions("一、总体情况\n全年职级晋升12人。\n二、主要做法\n我局职级晋升15人，成效明显。")
    assert [(f.code, f.text, f.line) for f in twice] == [("numbers-twice", "15人", 4)]
    assert number_contradictions("职级晋升12人，较上年职级晋升10人增加2人。") == []


def test_status_rules_file_errors(tmp_path):
    rules = load_rules()
    assert rules.statuses == ("通过", "需修改", "退回")
    assert rules.evaluate({"missing": 0, "placeholders": 0, "chars": 2000}) == ("通过", [])
    status, reasons = rules.evaluate({"missing": 2, "placeholders": 3, "chars": 2000, "previous_dup": 0.7})
    assert status == "退回" and "缺少2个必备部分" in reasons and any("70%" in r for r in reasons)
    bad = tmp_path / "status.yaml"
    bad.write_text("statuses: [通过, 需修改]\nrules:\n  - {status: 退回, metric: missing, value: 1}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="退回"):
        load_rules(bad)
    bad.write_text("statuses: [通过, 需修改]\nrules:\n  - {status: 需修改, metric: pages, value: 1}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="pages"):
        load_rules(bad)


class _GbkInfo(zipfile.ZipInfo):
    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's name
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def test_zip_names_paths_and_encodings(tmp_path):
    from drafter.review.batch import extract_zip, inputs_from_uploads

    z = tmp_path / "a.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../../evil.txt", "x")
        zf.writestr("/abs.txt", "x")
        zf.writestr("单位/好.txt", "某局党组2025年度干部选拔任用工作报告\n正文。")
        info = _GbkInfo("旧.txt")  # a Windows zip: GBK name bytes, no UTF-8 flag
        zf.writestr(info, "text")
    files, skipped = extract_zip(z, tmp_path / "out")
    names = sorted(n for n, _ in files)
    assert names == ["单位/好.txt", "旧.txt"]
    assert any("不安全" in s["reason"] for s in skipped)
    assert all((tmp_path / "out") in p.parents for _, p in files)
    got, bad = inputs_from_uploads([("../x/报告.txt", b"a"), ("报告.txt", b"b"), ("坏.zip", b"nope")], tmp_path / "up")
    assert [n for n, _ in got] == ["报告.txt", "报告(2).txt"] and bad[0]["file"] == "坏.zip"
    assert all((tmp_path / "up") in p.parents for _, p in got)


def test_previous_report_matched_by_file_name(home, tmp_path, capsys):
    import random

    from batchgen import paragraph

    rng = random.Random(4)
    last_year = f"一、总体情况\n{paragraph(rng, 4)}\n二、主要做法\n{paragraph(rng, 5)}\n{paragraph(rng, 5)}\n"
    (tmp_path / "prev").mkdir()
    (tmp_path / "prev" / "07_江源市水务局2024年.txt").write_text(last_year, encoding="utf-8")  # no title inside
    (tmp_path / "now").mkdir()
    body = last_year.split("\n")
    now = (f"江源市水务局党组2025年度干部选拔任用工作报告\n一、总体情况\n{body[1]}\n二、主要做法\n{body[3]}\n"
           f"{paragraph(rng, 5)}\n三、存在问题\n{paragraph(rng, 3)}\n四、下一步工作打算\n{paragraph(rng, 3)}\n")
    (tmp_path / "now" / "江源市水务局.txt").write_text(now, encoding="utf-8")
    code, data = _run_json(capsys, str(tmp_path / "now"), "--previous", str(tmp_path / "prev"), "--no-kb")
    row = data["reports"][0]
    assert row["previous"] and "江源市水务局" in row["previous"]
    assert row["previous_dup"] > 0.3 and row["status"] in ("需修改", "退回")
    assert any(f["code"] == "dup-own" and f["line"] >= 2 for f in row["findings"])
