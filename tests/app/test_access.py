"""Team server access in the storage layer, on real SQLite and a real PostgreSQL server.

A writer of unit A cannot read or change unit B's report by any repository route
(listing, opening by id, a draft id, renaming a sheet); a reviewer reads only the
units assigned to them and writes nothing; sign-in is rate limited; every open,
edit and delete is in the audit log.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from team_cast import UNIT_A, UNIT_B  # type: ignore[import-not-found]

from drafter.errors import AccessDenied, InputError, SignInError
from drafter.storage import Repository, dispose_engines, get_engine
from drafter.storage.access import ScopedRepository
from drafter.storage.accounts import Accounts
from drafter.storage.models import utcnow


@pytest.fixture
def world(db_url: str):  # type: ignore[no-untyped-def]
    """Two units' reports (each with a draft), a writer of each, a reviewer of B, an admin."""
    engine = get_engine(db_url)
    repo, accounts = Repository(engine), Accounts(engine, max_attempts=3)
    accounts.add_user("wang", "password-a", role="writer", units=[UNIT_A], display_name="王文")
    accounts.add_user("li", "password-b", role="writer", units=[UNIT_B], display_name="李明")
    accounts.add_user("zhao", "password-r", role="reviewer", units=[UNIT_B], display_name="赵审")
    accounts.add_user("root", "password-x", role="admin")
    reports = {}
    for unit in (UNIT_A, UNIT_B):
        info = repo.create_report(unit, 2025)
        repo.save_facts(info.id, {"unit": unit, "year": 2025}, valid=False)
        draft = repo.start_draft(info.id, f"{unit}报告")
        repo.add_section_version(draft, _section())
        reports[unit] = info.id
    yield repo, accounts, reports
    dispose_engines()


def _section() -> dict:
    return {"id": "s1", "element": "overview", "heading": "一、总体情况", "level": 1, "text": "本年度，我局……"}


def _as(world, username: str) -> ScopedRepository:  # type: ignore[no-untyped-def]
    repo, accounts, _ = world
    who = accounts.principal(username)
    assert who is not None
    return ScopedRepository(repo, accounts, who)


def _draft_id(repo: Repository, report_id: int) -> int:
    draft = repo.latest_draft(report_id)
    assert draft is not None
    return draft.id


def test_writer_sees_only_their_unit(world) -> None:  # type: ignore[no-untyped-def]
    repo, _, reports = world
    wang = _as(world, "wang")
    assert [r.unit for r in wang.list_reports()] == [UNIT_A]
    other, other_draft = reports[UNIT_B], _draft_id(repo, reports[UNIT_B])
    # every read route for B answers as if it did not exist
    assert wang.get_report(other) is None
    assert wang.load_report(other) is None
    assert wang.latest_facts(other) is None
    assert wang.facts_history(other) == []
    assert wang.latest_draft(other) is None
    assert wang.list_drafts(other) == []
    assert wang.get_draft(other_draft) is None
    assert wang.section_history(other_draft, "s1") == []
    assert wang.find_report(UNIT_B, 2025) is None
    # and every write route is refused
    with pytest.raises(AccessDenied):
        wang.save_facts(other, {"unit": UNIT_B, "year": 2025}, valid=False)
    with pytest.raises(AccessDenied):
        wang.add_section_version(other_draft, _section())
    with pytest.raises(AccessDenied):
        wang.restore(other_draft, "s1", 1)
    with pytest.raises(AccessDenied):
        wang.delete_report(other)
    with pytest.raises(AccessDenied):
        wang.create_report(UNIT_B, 2025)
    assert repo.get_report(other) is not None  # nothing happened to B


def test_writer_cannot_rename_own_report_into_another_unit(world) -> None:  # type: ignore[no-untyped-def]
    _, _, reports = world
    wang = _as(world, "wang")
    with pytest.raises(AccessDenied, match="本单位"):
        wang.save_facts(reports[UNIT_A], {"unit": UNIT_B, "year": 2025}, valid=False)
    saved = wang.save_facts(reports[UNIT_A], {"unit": UNIT_A, "year": 2025, "org": "局党组"}, valid=False)
    assert saved is not None


def test_unnamed_report_stays_with_its_creator(world) -> None:  # type: ignore[no-untyped-def]
    wang, li = _as(world, "wang"), _as(world, "li")
    mine = wang.create_report()
    assert mine.id in [r.id for r in wang.list_reports()]
    assert mine.id not in [r.id for r in li.list_reports()]
    assert li.load_report(mine.id) is None


def test_reviewer_reads_assigned_units_and_writes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    repo, _, reports = world
    zhao = _as(world, "zhao")
    assert [r.unit for r in zhao.list_reports()] == [UNIT_B]
    assert zhao.load_report(reports[UNIT_B]) is not None
    assert zhao.load_report(reports[UNIT_A]) is None
    with pytest.raises(AccessDenied, match="审核人"):
        zhao.save_facts(reports[UNIT_B], {"unit": UNIT_B, "year": 2025}, valid=False)
    with pytest.raises(AccessDenied):
        zhao.add_section_version(_draft_id(repo, reports[UNIT_B]), _section())
    with pytest.raises(AccessDenied):
        zhao.create_report()


def test_admin_sees_everything(world) -> None:  # type: ignore[no-untyped-def]
    root = _as(world, "root")
    assert {r.unit for r in root.list_reports()} == {UNIT_A, UNIT_B}


def test_unclassified_methods_are_closed(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AttributeError):
        _as(world, "root").some_future_method  # noqa: B018


def test_sign_in_hashes_and_rate_limits(world) -> None:  # type: ignore[no-untyped-def]
    repo, accounts, _ = world
    assert accounts.sign_in("wang", "password-a").display_name == "王文"
    with pytest.raises(SignInError, match="不正确"):
        accounts.sign_in("wang", "wrong")
    with pytest.raises(SignInError, match="不正确"):
        accounts.sign_in("nobody", "wrong")
    for _ in range(2):
        with pytest.raises(SignInError):
            accounts.sign_in("wang", "wrong")
    # three failures: locked, even with the right password …
    with pytest.raises(SignInError, match="锁定"):
        accounts.sign_in("wang", "password-a")
    # … until the window has passed
    later = utcnow() + timedelta(minutes=16)
    assert accounts.sign_in("wang", "password-a", now=later).username == "wang"
    # the database holds only argon2 hashes
    with repo.engine.connect() as conn:
        from sqlalchemy import text

        hashes = [row[0] for row in conn.execute(text("SELECT password_hash FROM users"))]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any("password-a" in h for h in hashes)


def test_account_rules(world) -> None:  # type: ignore[no-untyped-def]
    _, accounts, _ = world
    with pytest.raises(InputError, match="已存在"):
        accounts.add_user("wang", "another-pass", role="writer")
    with pytest.raises(InputError, match="至少"):
        accounts.add_user("new", "short", role="writer")
    with pytest.raises(InputError, match="角色"):
        accounts.add_user("new", "long-enough", role="boss")
    accounts.set_active("li", False)
    with pytest.raises(SignInError):
        accounts.sign_in("li", "password-b")


def test_audit_log_records_who_did_what(world) -> None:  # type: ignore[no-untyped-def]
    _, accounts, reports = world
    wang = _as(world, "wang")
    wang.load_report(reports[UNIT_A])
    wang.save_facts(reports[UNIT_A], {"unit": UNIT_A, "year": 2025}, valid=True)  # as saved: no edit
    assert not [e for e in accounts.read_audit(username="wang") if e.action == "edit_facts"]
    wang.save_facts(reports[UNIT_A], {"unit": UNIT_A, "org": "局党组", "year": 2025}, valid=True)
    wang.record("export", reports[UNIT_A], "报告.docx")
    with pytest.raises(AccessDenied):
        wang.record("export", reports[UNIT_B], "别人的.docx")
    actions = [(e.username, e.action, e.report_id) for e in accounts.read_audit(username="wang")]
    assert ("wang", "open", reports[UNIT_A]) in actions
    assert ("wang", "edit_facts", reports[UNIT_A]) in actions
    assert ("wang", "export", reports[UNIT_A]) in actions
    # the refused attempt is logged as a refusal with what was asked, never as something done
    assert [a for _, a, rid in actions if rid == reports[UNIT_B]] == ["refused"]
    assert wang.load_report(reports[UNIT_B]) is None
    refusals = [e.detail for e in accounts.read_audit(username="wang") if e.action == "refused"]
    assert refusals[:2] == [f"打开 报告{reports[UNIT_B]}", f"导出 报告{reports[UNIT_B]}"]
