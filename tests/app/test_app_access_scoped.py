"""The 审核 and 知识库 tabs on a team server (AppTest), each as two people.

A reviewer's review batches are theirs: another reviewer does not see them in the
审核 tab, an admin does. A writer's upload belongs to their unit: the writer of another
unit neither lists nor finds it in the 知识库 tab; the uploading unit does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from team_cast import UNIT_B, seed_team  # type: ignore[import-not-found]

from drafter.settings import REPO_ROOT, get_settings
from drafter.storage import Repository, ReviewStore, get_engine
from drafter.storage.team import open_accounts


@pytest.fixture
def team(app_home: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DRAFTER_AUTH", "password")
    s = get_settings()
    seed_team(Repository(get_engine(s.db_url)), open_accounts(s), reviewer_of_a=True)
    return s


def _signed_in(new_session, username: str, password: str, tab: str):  # type: ignore[no-untyped-def]
    at = new_session(start=True)
    at.text_input(key="signin_user").input(username)
    at.text_input(key="signin_password").input(password)
    at = at.button[0].click().run()
    assert at.tabs or "start" in at.session_state, [e.value for e in at.error]
    if "start" in at.session_state and at.session_state["start"]:
        at.button(key="start_new" if username not in ("zhao", "qian", "root") else "start_review").click().run()
    at.session_state["nav"] = tab
    return at.run()


def _batches(at) -> list[str]:  # type: ignore[no-untyped-def]
    return list(at.selectbox(key="review_batch").options)  # the labels shown


def test_review_batches_are_their_reviewers(team, new_session) -> None:  # type: ignore[no-untyped-def]
    zhao = _signed_in(new_session, "zhao", "password-r", "审核")
    assert not zhao.exception
    zhao.text_input(key="review_new_name").input("教育系统2025年度报告")
    zhao.button(key="review_create").click().run()
    assert any("教育系统2025年度报告" in b and "赵审" in b for b in _batches(zhao))
    sample = sorted((REPO_ROOT / "knowledge" / "reports").glob("*.txt"))[0]
    zhao.file_uploader(key="review_files_0").set_value([(sample.name, sample.read_bytes(), "text/plain")])
    zhao.run()
    zhao.button(key="review_start").click().run()
    assert not zhao.exception
    assert any("第1次审核已保存" in s.value for s in zhao.success)

    # another reviewer: the batch is not offered, only 新建一批
    qian = _signed_in(new_session, "qian", "password-q", "审核")
    assert not qian.exception
    assert not any("教育系统" in b for b in _batches(qian))
    assert _batches(qian) == ["＋ 新建一批"]
    # the admin sees it, with who created it
    root = _signed_in(new_session, "root", "password-x", "审核")
    assert any("教育系统2025年度报告" in b and "赵审" in b for b in _batches(root))
    # a writer has no review desk
    wang = _signed_in(new_session, "wang", "password-a", "审核")
    assert any("审核人和管理员" in i.value for i in wang.info)
    [batch] = ReviewStore(get_engine(team.db_url)).list_batches()
    assert batch.owner == "zhao"


def test_uploads_are_seen_by_their_unit(team, new_session) -> None:  # type: ignore[no-untyped-def]
    li = _signed_in(new_session, "li", "password-b", "知识库")
    assert not li.exception
    text = (f"{UNIT_B}2024年度干部选拔任用工作报告\n\n一、总体情况\n我局实施蓝鲸计划专项选调，组织青年干部墩苗历练。\n\n"
            "二、主要做法\n坚持好干部标准，蓝鲸计划专项选调成效明显。\n")
    li.file_uploader(key="kb_upload_0").set_value([("教育局2024.txt", text.encode(), "text/plain")])
    li.run()
    li.button(key="kb_save").click().run()
    assert not li.exception
    assert any("教育局2024.txt" in s.value for s in li.success), [e.value for e in li.error]
    page = "\n".join(m.value for m in li.markdown)
    assert "上传的材料（1）" in page and f"属于{UNIT_B}" in page
    assert li.button(key="kb_del_uploads/教育局2024.txt")  # the unit's writer may delete it
    li.text_input(key="kb_query").input("蓝鲸计划专项选调")
    li.button(key="kb_search").click().run()
    assert any("蓝鲸计划" in m.value for m in li.markdown)

    wang = _signed_in(new_session, "wang", "password-a", "知识库")
    assert not wang.exception
    page = "\n".join(m.value for m in wang.markdown)
    assert "上传的材料（0）" in page and "教育局2024" not in page
    assert not [b for b in wang.button if (b.key or "").startswith("kb_del_")]
    wang.text_input(key="kb_query").input("蓝鲸计划专项选调")
    wang.button(key="kb_search").click().run()
    assert not wang.exception
    found = "\n".join(m.value for m in wang.markdown)
    assert "相关度" in found and "蓝鲸计划" not in found  # passages, but none of B's upload

    # B's reviewer sees it but may not delete it or upload
    zhao = _signed_in(new_session, "zhao", "password-r", "知识库")
    assert "教育局2024" in "\n".join(m.value for m in zhao.markdown)
    assert not [b for b in zhao.button if (b.key or "").startswith("kb_del_")]
    assert not [b for b in zhao.button if b.key == "kb_save"] and not zhao.file_uploader
