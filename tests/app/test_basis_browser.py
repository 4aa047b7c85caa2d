"""Issue 22 in a real browser: 导入修改稿 in 起草, the 事实依据 view, and a 送审包 in 审核.

A draft is stored, exported and edited with python-docx (a sentence with an activity
and a number the sheet lacks; a heading renamed); the writer uploads the edited file
in 起草 → the app stores one 「Word修改稿」 version for each changed section (and none
for the others), shows the diff, and the section's 事实依据 lists the sentence as 无依据.
Screenshots at 1440, 1024 and 390 px are left in the test's tmp folder.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from streamlit_server import ARGS, CHROMIUM, require_chromium, serve_app, wait_idle  # type: ignore[import-not-found]

from drafter.checks import check_text
from drafter.checks.section import check_section
from drafter.drafting import DraftEngine
from drafter.export import Signature, docx_bytes
from drafter.export.package import build_package
from drafter.facts.form import form_from_sheet
from drafter.facts.sheet import facts_from_data
from drafter.review.readback import read_edited
from drafter.settings import REPO_ROOT, Settings
from drafter.storage import Repository, dispose_engines, get_engine
from drafter.text.doctree import parse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "drafting"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))
from drafting_factsheets import FULL  # noqa: E402
from test_basis_roundtrip import ADDED, _edit  # noqa: E402

pytestmark = pytest.mark.browser


def test_import_edited_word_file_and_see_the_basis(bundled_index, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    indexed, retriever = bundled_index
    home = tmp_path / "home"
    shutil.copytree(indexed.index_dir, home / "index")
    facts = facts_from_data(FULL)
    draft = DraftEngine(indexed, retriever=retriever, section_check=check_section).draft(facts)
    repo = Repository(get_engine(Settings(home=home).db_url))
    report = repo.create_report(facts.unit, facts.year)
    repo.save_facts(report.id, form_from_sheet(facts), valid=True, yaml_text=facts.to_yaml(), author="张三")
    stored = repo.save_draft(report.id, draft, author="张三")
    exported = tmp_path / "草稿.docx"
    exported.write_bytes(docx_bytes(parse(stored.text()), signature=Signature(unit=facts.signature_unit)))
    edited = tmp_path / "修改稿.docx"
    _edit(exported, edited)
    package = tmp_path / "广州市交通运输局送审包.zip"
    text = read_edited(edited)
    package.write_bytes(build_package(text, facts, check=check_text(text, facts=facts)))

    with serve_app(REPO_ROOT, home, tmp_path / "streamlit.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            page.goto(f"{url}?report={report.id}&by=李四")
            page.get_by_role("tab", name="起草").click(timeout=60_000)
            expect(page.get_by_text("导入修改稿（在 Word / WPS 中改过的文稿）")).to_be_visible(timeout=60_000)
            wait_idle(page)
            page.get_by_text("导入修改稿（在 Word / WPS 中改过的文稿）").click(timeout=60_000)
            page.locator("input[type=file]").first.set_input_files(str(edited))
            wait_idle(page)
            page.get_by_role("button", name="读回修改稿").click()
            expect(page.get_by_text("已读回", exact=False)).to_be_visible(timeout=120_000)
            expect(page.get_by_text("2节已存为「Word修改稿」新版本", exact=False)).to_be_visible()
            expect(page.get_by_text("原标题：七、存在的主要问题", exact=False)).to_be_visible()
            page.screenshot(path=str(tmp_path / "readback-1440.png"), full_page=False)

            # storage: one new version for each changed section, none for the others
            after = repo.get_draft(stored.id)
            assert after is not None
            new = {s.section_id for s in after.sections if s.version > 1}
            assert len(new) == 2 and all(after.section(sid).kind == "word" for sid in new)
            assert all(after.section(sid).author == "李四" for sid in new)
            assert {s.section_id for s in after.sections if s.version == 1} == {
                s.id for s in draft.sections} - new

            for width in (1440, 1024, 390):
                page.set_viewport_size({"width": width, "height": 1000})
                page.goto(f"{url}?report={report.id}&by=李四")
                page.get_by_role("tab", name="起草").click(timeout=60_000)
                bad = page.get_by_text("无依据1句", exact=False).first
                expect(bad).to_be_visible(timeout=60_000)
                row = page.locator(".basis-text", has_text="青蓝工程").first
                expect(row).to_be_visible()
                assert "未见于数据表" in (row.get_attribute("title") or "")  # the basis on hover
                row.scroll_into_view_if_needed()
                page.wait_for_timeout(500)
                page.screenshot(path=str(tmp_path / f"basis-{width}.png"), full_page=False)

            # 审核: the 送审包 as one submission, its 无依据 sentence counted and listed
            page.set_viewport_size({"width": 1440, "height": 1100})
            page.goto(f"{url}?report={report.id}&by=李四")
            page.get_by_role("tab", name="审核").click(timeout=60_000)
            page.get_by_role("textbox", name="批次名称").fill("2025年度各单位报告", timeout=60_000)
            page.get_by_role("textbox", name="批次名称").press("Tab")
            wait_idle(page)
            page.get_by_role("button", name="新建", exact=True).click()
            wait_idle(page)
            page.locator("input[type=file]").first.set_input_files(str(package))
            wait_idle(page)
            page.get_by_role("button", name="开始审核").click()
            expect(page.get_by_text("事实依据表（送审包", exact=False)).to_be_visible(timeout=180_000)
            page.screenshot(path=str(tmp_path / "review-1440.png"), full_page=True)
            body = page.locator("body").inner_text()
            assert ADDED in body
        finally:
            browser.close()
            dispose_engines()
