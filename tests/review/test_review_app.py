"""The 审核 tab through AppTest: upload, table, row detail, 已复核 saved, re-run shows changes;
and the 查重 section of the 检查 tab."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).parent))
from batchgen import make_batch  # noqa: E402

from drafter.settings import REPO_ROOT, get_settings  # noqa: E402
from drafter.storage import ReviewStore, dispose_engines, get_engine  # noqa: E402

APP = str(REPO_ROOT / "app.py")


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("DRAFTER_HOME", str(h))
    monkeypatch.delenv("DRAFTER_DATABASE_URL", raising=False)
    yield h
    dispose_engines()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("appbatch")
    truth = make_batch(root / "batch", 8, seed=31, previous_dir=root / "prev",
                       rates={"placeholder": 0.4, "copied": 0.25, "reused": 0.3})
    return root, truth


def _zip(folder: Path, names: list[str], extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.write(folder / n, n)
        for n, data in (extra or {}).items():
            zf.writestr(n, data)
    return buf.getvalue()


def _texts(at) -> list[str]:
    return [e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind)]


def test_review_tab_upload_table_detail_mark_rerun(home, batch):
    root, truth = batch
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.button(key="start_review").click().run()  # the start page leads to the 审核台
    assert not at.exception
    # a new batch
    assert at.selectbox(key="review_batch").value == "__new__"
    at.text_input(key="review_new_name").input("2025年度各单位报告")
    at.button(key="review_create").click().run()
    assert "2025年度各单位报告" in at.selectbox(key="review_batch").format_func(at.selectbox(key="review_batch").value)

    # upload a zip with one bad file, and last year's reports
    names = [t.file for t in truth]
    data = _zip(root / "batch", names, {"损坏.docx": b"broken"})
    prev = [(t.previous_file, (root / "prev" / t.previous_file).read_bytes()) for t in truth]
    def upload() -> None:
        at.file_uploader(key="review_files_0").set_value([("各单位.zip", data, "application/zip")])
        at.file_uploader(key="review_prev_0").set_value([(n, b, "text/plain") for n, b in prev])

    upload()
    at.run()
    assert not at.button(key="review_start").disabled  # files chosen: 开始审核 is enabled
    # the click carries the files again, as a browser's does: once in CI the AppTest's uploads were
    # gone by the next run (the click found no files and the page showed nothing)
    upload()
    at.button(key="review_start").click().run()
    assert not at.exception
    assert any("第1次审核已保存：8份报告" in t for t in _texts(at)), _texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["报告"] == "8"
    needs = sum(1 for t in truth if t.placeholders or t.missing or t.contradiction or t.copied_from
                or t.reused_previous)
    assert int(metrics["需修改"]) + int(metrics["退回"]) >= needs

    # the table: one row per report, filterable by status
    table = at.dataframe[0].value
    assert len(table) == 8 and {"状态", "单位", "原因", "与上年重复率", "最相似单位", "已复核", "变化"} <= set(table.columns)
    at.multiselect(key="review_status_filter").set_value(["需修改"]).run()
    assert all("需修改" in s for s in at.dataframe[0].value["状态"])
    at.multiselect(key="review_status_filter").set_value(["通过", "需修改", "退回"]).run()
    assert any("损坏" in m.value and "Word" in m.value for m in at.markdown)  # the unreadable file and why

    # row detail: a report with placeholders shows them highlighted
    ph = next(t for t in truth if t.placeholders)
    at.selectbox(key="review_pick").set_value(f"各单位.zip/{ph.file}").run()
    assert not at.exception
    page = "\n".join(m.value for m in at.markdown)
    assert 'class="review-finding"' in page and "**同志" in page
    # the comparison with last year's report is offered
    assert any("本单位上年报告" in str(r.options) for r in at.radio)

    # 已复核 with a note, saved in the database
    batch_id = at.session_state["review_batch"]
    key = f"review_done_{batch_id}_各单位.zip/{ph.file}"
    at.checkbox(key=key).check()
    at.text_area(key=key.replace("review_done_", "review_note_")).input("已电话核实，请补填占位符")
    at.button[[b.label for b in at.button].index("保存复核")].click().run()
    assert not at.exception
    store = ReviewStore(get_engine(get_settings().db_url))
    mark = store.marks(batch_id)[f"各单位.zip/{ph.file}"]
    assert mark.reviewed and mark.note == "已电话核实，请补填占位符"
    assert any("已复核" in str(v) for v in at.dataframe[0].value["已复核"])

    # the unit resubmits with placeholders filled: re-run shows what changed
    fixed = (root / "batch" / ph.file).read_text(encoding="utf-8")
    fixed = fixed.replace("*人", "6人").replace("**同志", "张明同志").replace("XX市委", "江源市委")
    files = {t.file: (root / "batch" / t.file).read_bytes() for t in truth}
    files[ph.file] = fixed.encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, b in files.items():
            zf.writestr(n, b)
    at.file_uploader(key="review_files_1").set_value([("各单位.zip", buf.getvalue(), "application/zip")])
    at.run()
    at.button(key="review_start").click().run()
    assert any("第2次审核已保存" in t for t in _texts(at)), _texts(at)
    table = at.dataframe[0].value
    row = table[table["文件"] == f"各单位.zip/{ph.file}"].iloc[0]
    assert "已重新提交" in row["变化"]
    assert set(table[table["文件"] != f"各单位.zip/{ph.file}"]["变化"]) == {"未变"}
    # the xlsx download carries the 复核 columns
    assert at.get("download_button")

    # coming back later (a new session) opens the saved batch as it was
    again = AppTest.from_file(APP, default_timeout=240).run()
    again.button(key="start_review").click().run()
    assert again.selectbox(key="review_batch").value == batch_id
    assert len(again.dataframe[0].value) == 8
    assert not again.exception

    # deleting the batch takes a confirmation
    assert again.button(key=f"review_delete_{batch_id}").disabled
    again.checkbox(key=f"review_delete_sure_{batch_id}").check().run()
    again.button(key=f"review_delete_{batch_id}").click().run()
    assert not again.exception
    assert any("已删除审核批次" in t for t in _texts(again))
    assert store.list_batches() == [] and store.marks(batch_id) == {}


DUP_SCRIPT = """
import streamlit as st
from drafter.settings import get_settings
from drafter_ui.widgets.dup_view import render_dup

class Ctx:
    settings = get_settings()

render_dup(Ctx(), st.session_state["text"], "江源市水务局党组", 2025)
"""


def test_dup_section_of_the_checks_tab(home, batch):
    root, truth = batch
    sample = (REPO_ROOT / "knowledge" / "reports" / "002_beb470eb93e99a23.txt").read_text(encoding="utf-8")
    copied = next(s for s in sample.split("\n") if len(s) > 120)
    text = (root / "batch" / truth[0].file).read_text(encoding="utf-8") + copied + "\n"
    at = AppTest.from_string(DUP_SCRIPT, default_timeout=120)
    at.session_state["text"] = text
    at.run()
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    assert float(labels["与其他单位报告重复"].rstrip("%")) > 3
    assert labels["照搬本单位往年报告"] == "0.0%"
    page = "\n".join(m.value for m in at.markdown)
    assert "与其他单位报告重复" in page
    assert any(copied[i : i + 12] in page for i in range(0, len(copied) - 12, 4))
    assert "党政机关" in page  # the source named by unit · year · title


def test_team_server_reviewers_only_and_audited(home, batch, monkeypatch):
    from drafter.storage.team import open_accounts

    root, truth = batch
    monkeypatch.setenv("DRAFTER_AUTH", "password")
    accounts = open_accounts(get_settings())
    accounts.add_user("wang", "password-a", role="writer", units=["江源市水务局党组"], display_name="王文")
    accounts.add_user("zhao", "password-r", role="reviewer", units=[], display_name="赵审")

    def signed_in(user: str, password: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=240).run()
        at.text_input(key="signin_user").input(user)
        at.text_input(key="signin_password").input(password)
        at.button[0].click().run()
        if at.get("button") and any(b.key == "start_review" for b in at.button):
            at.button(key="start_review").click().run()
        else:
            at.session_state["nav"] = "审核"
            at.run()
        return at

    writer = signed_in("wang", "password-a")
    assert not writer.exception
    assert not any(b.key == "start_review" for b in writer.button)  # no 审核台 on a writer's start page
    writer.button(key="start_new").click().run()
    writer.session_state["nav"] = "审核"
    writer.run()
    assert any("审核人和管理员" in i.value for i in writer.info)
    assert not writer.get("file_uploader")

    at = signed_in("zhao", "password-r")
    assert not at.exception
    at.text_input(key="review_new_name").input("各单位报告")
    at.button(key="review_create").click().run()
    data = _zip(root / "batch", [t.file for t in truth[:3]])
    at.file_uploader(key="review_files_0").set_value([("三份.zip", data, "application/zip")])
    at.run()
    at.button(key="review_start").click().run()
    assert not at.exception
    assert any("第1次审核已保存：3份报告" in t for t in _texts(at)), _texts(at)
    log = accounts.read_audit()
    assert any(e.action == "review_run" and e.username == "zhao" and "3份" in e.detail for e in log)


def test_dup_section_shows_statistics_sentences_as_figure_changes(home):
    """A clause that differs from last year's only in its numbers is 「格式相同的统计句」
    with its figure changes, not copied text (as the CLI and the findings say)."""
    prev = ("江源市水务局党组2024年度干部选拔任用工作报告\n一、总体情况\n"
            "全年提拔正科级领导干部3人，进一步使用干部2人，职级晋升干部12人，交流轮岗干部6人。\n")
    uploads = get_settings().uploads_dir
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "江源市水务局党组2024年度干部选拔任用工作报告.txt").write_text(prev, encoding="utf-8")
    at = AppTest.from_string(DUP_SCRIPT, default_timeout=120)
    at.session_state["text"] = prev.replace("2024", "2025").replace("干部3人", "干部5人")
    at.run()
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    assert labels["重复率"] == "0.0%"
    page = "\n".join(m.value for m in at.markdown)
    assert "格式相同的统计句" in page and "提拔正科级 3→5" in page
    assert "照搬本单位往年报告（" not in page  # not listed as copied text
    assert "格式相同的统计句 1 处" in at.expander[0].label


def test_review_table_reads_at_a_glance(home, batch):
    """Who, the verdict and why come first (the reason wide, the counts after it); two files
    read as the same unit are told apart by their file names."""
    root, truth = batch
    one = (root / "batch" / truth[0].file).read_bytes()
    other = (root / "batch" / truth[1].file).read_bytes()
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.button(key="start_review").click().run()
    at.text_input(key="review_new_name").input("重复提交")
    at.button(key="review_create").click().run()
    files = [("第一次.txt", one, "text/plain"), ("第二次.txt", one, "text/plain"), (truth[1].file, other, "text/plain")]
    at.file_uploader(key="review_files_0").set_value(files)
    at.run()
    at.file_uploader(key="review_files_0").set_value(files)
    at.button(key="review_start").click().run()
    assert not at.exception
    grid = at.dataframe[0]
    assert list(grid.proto.column_order)[:3] == ["单位", "状态", "原因"]
    units = list(grid.value["单位"])
    assert len(set(units)) == 3, units  # the same unit twice: each with its file
    assert any("第一次.txt" in u for u in units) and any("第二次.txt" in u for u in units)
    assert not any(truth[1].file in u for u in units)  # a unit read once: its name alone
