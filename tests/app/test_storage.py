"""The repository on real SQLite files: nothing a writer saved is ever lost."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from drafter.storage import Repository, dispose_engines, get_engine


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    url = f"sqlite:///{tmp_path / 'drafter.db'}"
    yield Repository(get_engine(url))
    dispose_engines()


def _section(sid: str, text: str, heading: str = "一、总体情况") -> dict:
    return {
        "id": sid,
        "element": "overview",
        "heading": heading,
        "level": 1,
        "text": text,
        "sources": [{"id": "S1", "source": "reports/000.txt", "heading": "一、情况", "text": "往年段落"}],
        "findings": [{"category": "placeholder", "code": "missing", "severity": "error", "message": "待补"}],
        "backend": "composer",
        "status": "ok",
        "error": None,
        "instruction": None,
    }


def test_invalid_sheet_is_saved_and_reloaded_as_typed(repo: Repository, tmp_path: Path) -> None:
    report = repo.create_report()
    data = {"unit": "某某局", "org": "", "year": "", "figures": [{"label": "提拔", "value": -2, "unit": "人"}]}
    saved = repo.save_facts(report.id, data, valid=False, problems=[("年度", "必须填写")])
    assert saved.changed and saved.revision == 1
    # unchanged data is not a new revision
    assert repo.save_facts(report.id, data, valid=False).changed is False
    # a second process (new engine on the same file) sees it exactly
    dispose_engines()
    other = Repository(get_engine(f"sqlite:///{tmp_path / 'drafter.db'}"))
    loaded = other.load_report(report.id)
    assert loaded is not None and loaded.facts is not None
    assert loaded.facts.data == data
    assert loaded.facts.valid is False
    assert loaded.facts.problems == [("年度", "必须填写")]


def test_report_named_by_unit_and_year_one_per_pair(repo: Repository) -> None:
    a = repo.create_report()
    repo.save_facts(a.id, {"unit": "甲局", "year": "2025"}, valid=True)
    assert repo.get_report(a.id).title == "甲局2025年度干部选拔任用工作报告"
    assert repo.find_report("甲局", 2025).id == a.id
    assert repo.create_report("甲局", 2025).id == a.id  # the same report, not a second one
    b = repo.create_report()
    result = repo.save_facts(b.id, {"unit": "甲局", "year": 2025}, valid=True)
    assert result.name_taken is not None and result.name_taken.id == a.id
    assert repo.latest_facts(b.id).data["unit"] == "甲局"  # the sheet is still saved
    assert repo.list_reports()[0].id == b.id  # most recently touched first


def test_versions_append_and_restore(repo: Repository) -> None:
    report = repo.create_report("乙局", 2024)
    draft = repo.save_draft(
        report.id,
        {"title": "乙局2024年度干部选拔任用工作报告", "sections": [_section("s1", "第一稿"), _section("s2", "另一节", "二、做法")]},
        backend="composer",
        author="张三",
    )
    assert [s.section_id for s in draft.sections] == ["s1", "s2"]
    edit = repo.add_section_version(draft.id, {**_section("s1", "改过的一稿")}, kind="edited", base_version=1)
    assert edit.version.version == 2 and edit.conflict is None
    history = repo.section_history(draft.id, "s1")
    assert [v.text for v in history] == ["改过的一稿", "第一稿"]
    restored = repo.restore(draft.id, "s1", 1, author="李四")
    assert restored.version.version == 3 and restored.version.text == "第一稿"
    latest = repo.latest_draft(report.id)
    assert latest.section("s1").text == "第一稿"
    assert latest.section("s2").text == "另一节"  # other sections untouched
    assert latest.sections[0].sources[0]["source"] == "reports/000.txt"
    assert latest.sections[0].findings[0]["category"] == "placeholder"
    assert "第一稿" in latest.text() and latest.text().startswith("乙局2024年度")


def test_two_writers_on_one_section_keep_both(repo: Repository) -> None:
    report = repo.create_report("丙局", 2025)
    draft = repo.save_draft(report.id, {"title": "t", "sections": [_section("s1", "原文")]})
    # both opened version 1; A saves first, B saves second from the same base
    a = repo.add_section_version(draft.id, _section("s1", "甲的修改"), kind="edited", base_version=1, author="甲")
    b = repo.add_section_version(draft.id, _section("s1", "乙的修改"), kind="edited", base_version=1, author="乙")
    assert a.conflict is None
    assert b.conflict is not None and b.conflict.text == "甲的修改"
    assert repo.latest_draft(report.id).section("s1").text == "乙的修改"  # newest shows
    assert {v.text for v in repo.section_history(draft.id, "s1")} == {"原文", "甲的修改", "乙的修改"}


def test_concurrent_threads_never_lose_a_version(repo: Repository) -> None:
    report = repo.create_report("丁局", 2025)
    draft = repo.save_draft(report.id, {"title": "t", "sections": [_section("s1", "0")]})
    errors: list[Exception] = []

    def write(n: int) -> None:
        try:
            for i in range(5):
                repo.add_section_version(draft.id, _section("s1", f"{n}-{i}"), kind="edited")
        except Exception as err:  # noqa: BLE001 - any failure is reported below
            errors.append(err)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    versions = repo.section_history(draft.id, "s1")
    assert len(versions) == 21
    assert sorted(v.version for v in versions) == list(range(1, 22))


def test_facts_conflict_reported_and_history_kept(repo: Repository) -> None:
    report = repo.create_report()
    repo.save_facts(report.id, {"unit": "戊局", "year": 2025}, valid=True)  # rev 1
    repo.save_facts(report.id, {"unit": "戊局", "year": 2025, "org": "局党组"}, valid=True, base_revision=1)
    late = repo.save_facts(report.id, {"unit": "戊局", "year": 2025, "region": "湖北"}, valid=True, base_revision=1)
    assert late.conflict is not None and late.conflict.data.get("org") == "局党组"
    assert [f.revision for f in repo.facts_history(report.id)] == [3, 2, 1]
