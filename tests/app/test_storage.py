"""The repository on real SQLite files and a real PostgreSQL server: nothing a writer saved is lost.

Every test runs twice, once on a fresh SQLite file and once on a fresh database of
the session's throwaway PostgreSQL cluster (``postgres_server`` in conftest.py).
"""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from drafter.errors import ConfigError, InputError
from drafter.storage import Repository, dispose_engines, get_engine


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'drafter.db'}"
    return request.getfixturevalue("fresh_postgres_url")


@pytest.fixture
def repo(db_url: str) -> Repository:
    yield Repository(get_engine(db_url))
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


def test_invalid_sheet_is_saved_and_reloaded_as_typed(repo: Repository, db_url: str) -> None:
    report = repo.create_report()
    data = {"unit": "某某局", "org": "", "year": "", "figures": [{"label": "提拔", "value": -2, "unit": "人"}]}
    saved = repo.save_facts(report.id, data, valid=False, problems=[("年度", "必须填写")])
    assert saved.changed and saved.revision == 1
    # unchanged data is not a new revision
    assert repo.save_facts(report.id, data, valid=False).changed is False
    # a second process (new engine on the same file) sees it exactly
    dispose_engines()
    other = Repository(get_engine(db_url))
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


def _run_threads(target, count: int) -> list[Exception]:  # type: ignore[no-untyped-def]
    """Run ``target(n)`` in ``count`` threads released together; the errors they raised."""
    errors: list[Exception] = []
    start = threading.Barrier(count)

    def run(n: int) -> None:
        try:
            start.wait(timeout=30)
            target(n)
        except Exception as err:  # noqa: BLE001 - any failure is reported by the caller
            errors.append(err)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_concurrent_fact_sheet_saves_each_get_their_own_revision(repo: Repository) -> None:
    report = repo.create_report("己局", 2025)
    results: dict[int, int] = {}

    def save(n: int) -> None:
        for i in range(3):
            results[n * 10 + i] = repo.save_facts(report.id, {"unit": "己局", "year": 2025, "n": f"{n}-{i}"},
                                                  valid=True).revision

    assert _run_threads(save, 4) == []
    history = repo.facts_history(report.id)
    assert sorted(results.values()) == list(range(1, 13)) == sorted(f.revision for f in history)
    assert {f.data["n"] for f in history} == {f"{n}-{i}" for n in range(4) for i in range(3)}


def test_concurrent_outline_saves_detect_every_conflict(repo: Repository) -> None:
    report = repo.create_report("庚局", 2025)
    results: list[tuple[int, bool]] = []

    def save(n: int) -> None:
        results.append(repo.save_outline(report.id, {"title": f"提纲{n}"}, base_rev=0))

    assert _run_threads(save, 4) == []
    # every save is counted, and only the first writer went unwarned
    assert sorted(rev for rev, _ in results) == [1, 2, 3, 4]
    assert [conflict for _, conflict in sorted(results)] == [False, True, True, True]
    assert repo.load_report(report.id).outline_rev == 4


def test_concurrent_create_of_one_unit_and_year_gives_one_report(repo: Repository) -> None:
    ids: list[int] = []
    assert _run_threads(lambda n: ids.append(repo.create_report("辛局", 2025).id), 4) == []
    assert len(set(ids)) == 1
    assert [r.id for r in repo.list_reports()] == ids[:1]


def test_deleting_a_report_while_someone_writes_loses_nothing_silently(repo: Repository) -> None:
    report = repo.create_report("壬局", 2025)
    draft = repo.save_draft(report.id, {"title": "t", "sections": [_section("s1", "0")]})
    outcomes: list[str] = []

    def work(n: int) -> None:
        if n == 0:
            repo.delete_report(report.id)
            outcomes.append("deleted")
            return
        for i in range(5):
            try:
                repo.add_section_version(draft.id, _section("s1", f"{n}-{i}"), kind="edited")
                outcomes.append("saved")
            except InputError as err:  # the draft is gone: the writer is told so, in Chinese
                assert "不存在" in str(err)
                outcomes.append("gone")

    assert _run_threads(work, 3) == []
    assert "deleted" in outcomes
    assert repo.get_report(report.id) is None and repo.get_draft(draft.id) is None
    assert repo.section_history(draft.id, "s1") == []  # nothing orphaned


def test_deleted_report_number_is_never_reused(repo: Repository) -> None:
    first = repo.create_report("癸局", 2024)
    second = repo.create_report("癸局", 2025)
    draft_id = repo.save_draft(second.id, {"title": "t", "sections": [_section("s1", "0")]}).id
    repo.delete_report(second.id)
    third = repo.create_report("癸局", 2026)
    new_draft = repo.save_draft(third.id, {"title": "t", "sections": [_section("s1", "0")]}).id
    # a link to the deleted report (?report=N) must not open somebody else's report
    assert third.id not in (first.id, second.id)
    assert new_draft != draft_id
    assert repo.get_report(second.id) is None


def test_long_names_and_odd_text_round_trip(repo: Repository) -> None:
    unit = "某某省某某市某某区" * 60  # 540 characters: longer than any column width
    report = repo.create_report()
    saved = repo.save_facts(report.id, {"unit": unit, "year": 2025, "note": "含\x00控制符"}, valid=True)
    assert saved.changed and saved.name_taken is None
    info = repo.get_report(report.id)
    assert info.unit == unit and info.title == f"{unit}2025年度干部选拔任用工作报告"
    assert repo.latest_facts(report.id).data["note"] == "含\x00控制符"  # JSON keeps it exactly
    heading = "一、" + "加强干部队伍建设" * 80
    section = {**_section("第一部分" * 40, "正文\x00粘贴来的空字符", heading), "backend": "openai:" + "m" * 120}
    draft = repo.save_draft(report.id, {"title": info.title, "sections": [section]}, author="张" * 150)
    got = draft.sections[0]
    assert got.heading == heading and got.section_id == "第一部分" * 40
    assert got.text == "正文粘贴来的空字符"  # a NUL (never meaningful in a report) is dropped
    assert got.author == "张" * 150 and got.backend == "openai:" + "m" * 120


def test_timestamps_are_utc_and_order_reports(repo: Repository) -> None:
    before = datetime.now(UTC).replace(tzinfo=None)
    a = repo.create_report("子局", 2025)
    b = repo.create_report("丑局", 2025)
    after = datetime.now(UTC).replace(tzinfo=None)
    assert a.created_at.tzinfo is None  # naive UTC on every database
    assert before <= a.created_at <= b.created_at <= after
    assert [r.id for r in repo.list_reports()] == [b.id, a.id]
    repo.save_facts(a.id, {"unit": "子局", "year": 2025}, valid=True)  # touching a moves it first
    assert [r.id for r in repo.list_reports()] == [a.id, b.id]
    assert repo.get_report(a.id).updated_at > repo.get_report(a.id).created_at


def test_a_writer_waits_for_the_report_lock_instead_of_racing(repo: Repository) -> None:
    report = repo.create_report("寅局", 2025)
    draft = repo.save_draft(report.id, {"title": "t", "sections": [_section("s1", "0")]})
    engine = repo.engine
    done = threading.Event()
    with engine.connect() as holder:
        # another session holds the report's write lock: FOR UPDATE on PostgreSQL,
        # SQLite's single write lock (BEGIN IMMEDIATE) there
        if engine.dialect.name == "postgresql":
            holder.begin()
            holder.execute(text("SELECT id FROM reports WHERE id = :id FOR UPDATE"), {"id": report.id})
        else:
            holder = holder.execution_options(drafter_write=True)
            holder.begin()
        waiter = threading.Thread(
            target=lambda: (repo.add_section_version(draft.id, _section("s1", "等到锁后写入"), kind="edited"),
                            done.set())
        )
        waiter.start()
        assert not done.wait(0.8)  # blocked while the lock is held
        assert [v.version for v in repo.section_history(draft.id, "s1")] == [1]  # readers are not blocked
        holder.rollback()
    waiter.join(timeout=30)
    assert done.is_set()
    assert [v.text for v in repo.section_history(draft.id, "s1")] == ["等到锁后写入", "0"]


def test_database_url_forms_and_errors(postgres_server) -> None:  # type: ignore[no-untyped-def]
    # a bare postgresql:// (or postgres://) URL means the psycopg 3 driver, not psycopg2
    url = postgres_server.create_database()
    bare = url.replace("postgresql+psycopg://", "postgresql://")
    engine = get_engine(bare)
    assert engine.dialect.driver == "psycopg"
    assert Repository(engine).create_report("卯局", 2025).title.startswith("卯局2025")
    assert get_engine(url.replace("postgresql+psycopg://", "postgres://")).dialect.driver == "psycopg"
    with pytest.raises(ConfigError, match="缺少数据库驱动.*pip install"):
        get_engine(url.replace("+psycopg", "+pg8000"))
    with pytest.raises(ConfigError, match="(?s)无法打开数据库.*数据库服务是否已启动") as err:
        get_engine(f"postgresql+psycopg://postgres:secret-pw@127.0.0.1:{_closed_port()}/x")
    assert "secret-pw" not in str(err.value)  # the password is never echoed
    dispose_engines()


def test_processes_starting_together_create_the_tables_once(fresh_postgres_url: str) -> None:
    from drafter.storage.engine import _create

    engines = []
    errors = _run_threads(lambda n: engines.append(_create(fresh_postgres_url)), 4)
    assert errors == []
    repos = [Repository(e) for e in engines]
    ids = {r.create_report("辰局", 2025).id for r in repos}
    assert len(ids) == 1
    for e in engines:
        e.dispose()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_sitting_updates_its_own_revision_but_never_someone_elses(repo: Repository) -> None:
    report = repo.create_report()
    first = repo.save_facts(report.id, {"unit": "某局", "year": "2025"}, valid=False, author="王敏")
    assert first.revision == 1 and not first.coalesced
    # the same sitting: revision 1 updated in place
    again = repo.save_facts(report.id, {"unit": "某局", "year": "2025", "org": "局党组"}, valid=True,
                            author="王敏", base_revision=1, replace_revision=1)
    assert again.revision == 1 and again.coalesced
    history = repo.facts_history(report.id)
    assert len(history) == 1 and history[0].data["org"] == "局党组" and history[0].valid
    # someone else saves: the sitting may not write over that revision, it appends
    other = repo.save_facts(report.id, {"unit": "某局", "year": "2025", "org": "党组"}, valid=True,
                            author="李华", base_revision=1)
    assert other.revision == 2 and not other.coalesced
    late = repo.save_facts(report.id, {"unit": "某局", "year": "2025", "org": "局党组", "plans": ["甲"]},
                           valid=True, author="王敏", base_revision=1, replace_revision=1)
    assert late.revision == 3 and not late.coalesced and late.conflict is not None
    assert [h.data.get("org") for h in repo.facts_history(report.id)] == ["局党组", "党组", "局党组"]


def test_pure_helpers_of_the_writers_day() -> None:
    """Number updates, the sheet diff and the missing-content list, on plain data."""
    from drafter.facts.sheet import parse_facts
    from drafter_ui.completeness import missing_items
    from drafter_ui.staleness import apply_updates, figure_updates, new_mismatches
    from drafter_ui.widgets.history import form_diff

    sheet = parse_facts("unit: 某局\norg: 局党组\nyear: 2025\n"
                        "figures:\n  - {label: 提拔正科级领导干部, value: 5, unit: 人}\n")
    text = "全年提拔正科级领导干部4人，另有7人交流。"
    updates = figure_updates(text, sheet)
    assert [(u.old, u.new) for u in updates] == [("4人", "5人")]  # 7人 names no figure: left alone
    assert apply_updates(text, updates) == "全年提拔正科级领导干部5人，另有7人交流。"
    stored = [{"category": "figure", "code": "figure-unsupported", "text": "7人", "severity": "error"}]
    live = stored + [{"category": "figure", "code": "figure-contradicts", "text": "4人", "severity": "error"}]
    assert [f["text"] for f in new_mismatches(stored, live)] == ["4人"]

    old = {"unit": "某局", "figures": [{"label": "交流轮岗干部", "value": 3, "unit": "人"}], "plans": ["甲"]}
    new = {"unit": "某局", "figures": [{"label": "交流轮岗干部", "value": 4, "unit": "人"}], "plans": ["乙"]}
    assert form_diff(old, new) == ["“交流轮岗干部”：3人 → 4人", "下一步打算：删去“甲”", "下一步打算：新增“乙”"]
    assert missing_items({"figures": [{"label": "x", "value": None}]}) == [
        "本年度数据（表中还没有填任何数值）", "工作亮点", "存在问题", "下一步工作打算"]
    assert missing_items({"figures": [{"value": 1}], "highlights": ["a"], "problems": ["b"], "plans": ["c"]}) == []
