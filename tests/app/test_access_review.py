"""Review batches on a team server, in the storage layer, on real SQLite and a real PostgreSQL server.

A reviewer lists, opens, re-runs, marks and deletes only the batches they created
(the owner is their account name, not the display name); an admin all of them; a
writer is refused with a Chinese message. A database from before batches had owners
is upgraded in place (the ``owner`` column is added) and its batches stay visible to
admins only.
"""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import create_engine, inspect, text
from team_cast import UNIT_A, UNIT_B  # type: ignore[import-not-found]

from drafter.errors import AccessDenied
from drafter.review.batch import collect_inputs, review_batch
from drafter.settings import REPO_ROOT
from drafter.storage import dispose_engines, get_engine
from drafter.storage.accounts import Accounts
from drafter.storage.review_access import ScopedReviewStore
from drafter.storage.review_store import ReviewStore


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real review of two bundled sample reports."""
    folder = tmp_path_factory.mktemp("batch")
    for p in sorted((REPO_ROOT / "knowledge" / "reports").glob("*.txt"))[:2]:
        shutil.copy(p, folder / p.name)
    inputs, skipped = collect_inputs(folder, tmp_path_factory.mktemp("x"))
    return review_batch(inputs, skipped=skipped)


@pytest.fixture
def people(db_url: str):  # type: ignore[no-untyped-def]
    engine = get_engine(db_url)
    accounts = Accounts(engine)
    accounts.add_user("zhao", "password-r", role="reviewer", units=[UNIT_A], display_name="赵审")
    accounts.add_user("qian", "password-q", role="reviewer", units=[UNIT_B], display_name="赵审")  # same name
    accounts.add_user("wang", "password-a", role="writer", units=[UNIT_A], display_name="王文")
    accounts.add_user("root", "password-x", role="admin")
    store = ReviewStore(engine)

    def as_(username: str) -> ScopedReviewStore:
        who = accounts.principal(username)
        assert who is not None
        return ScopedReviewStore(store, who)

    yield store, as_
    dispose_engines()


def test_reviewer_sees_only_own_batches(people, result) -> None:  # type: ignore[no-untyped-def]
    store, as_ = people
    zhao, qian, root = as_("zhao"), as_("qian"), as_("root")
    mine = zhao.create_batch("2025年度各单位报告", author="冒名")
    assert (mine.owner, mine.author) == ("zhao", "赵审")  # the account, and the real name shown
    theirs = qian.create_batch("2025年度教育系统")
    assert zhao.save_run(mine.id, result) == 1
    assert qian.save_run(theirs.id, result) == 1
    file = result.reports[0].file
    zhao.mark(mine.id, file, True, note="已核实", author="冒名")

    assert [b.id for b in zhao.list_batches()] == [mine.id]
    assert [b.id for b in qian.list_batches()] == [theirs.id]  # same display name, other account
    assert {b.id for b in root.list_batches()} == {mine.id, theirs.id}

    # every read of the other reviewer's batch answers as for a missing batch
    assert qian.get_batch(mine.id) is None
    assert qian.load_run(mine.id) is None
    assert qian.runs(mine.id) == []
    assert qian.marks(mine.id) == {}
    assert qian.changes(mine.id) == {}
    # and every write is refused, with nothing changed
    with pytest.raises(AccessDenied, match="不是你建立的"):
        qian.save_run(mine.id, result)
    with pytest.raises(AccessDenied):
        qian.mark(mine.id, file, False, note="改掉")
    with pytest.raises(AccessDenied):
        qian.delete_batch(mine.id)
    assert [n for n, _ in store.runs(mine.id)] == [1]
    mark = store.marks(mine.id)[file]
    assert mark.reviewed and mark.note == "已核实" and mark.author == "赵审"

    # the owner re-runs, reads; an admin reads and marks any batch
    assert zhao.save_run(mine.id, result) == 2
    loaded = zhao.load_run(mine.id)
    assert loaded is not None and loaded.run_no == 2
    assert root.load_run(theirs.id) is not None
    root.mark(theirs.id, file, True, note="管理员抽查")
    assert store.marks(theirs.id)[file].note == "管理员抽查"
    root.delete_batch(theirs.id)
    zhao.delete_batch(mine.id)
    assert store.list_batches() == []


def test_writer_and_unclassified_methods_refused(people) -> None:  # type: ignore[no-untyped-def]
    store, as_ = people
    batch = as_("zhao").create_batch("某批")
    wang = as_("wang")
    for call in (wang.list_batches, lambda: wang.create_batch("我的"), lambda: wang.load_run(batch.id),
                 lambda: wang.delete_batch(batch.id)):
        with pytest.raises(AccessDenied, match="审核人和管理员"):
            call()
    assert [b.id for b in store.list_batches()] == [batch.id]
    with pytest.raises(AttributeError, match="unclassified"):
        as_("root").owner_of  # noqa: B018  (a ReviewStore method not offered to a person)


def test_old_database_is_upgraded_and_its_batches_are_admin_only(db_url: str) -> None:
    # a database as the release before owners wrote it: review_batches without "owner"
    raw = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    ReviewStore(raw)
    with raw.begin() as conn:
        conn.execute(text("ALTER TABLE review_batches DROP COLUMN owner"))
        conn.execute(text(
            "INSERT INTO review_batches (name, author, created_at, updated_at) "
            "VALUES ('2024年度各单位报告', '赵审', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ))
    assert "owner" not in {c["name"] for c in inspect(raw).get_columns("review_batches")}
    raw.dispose()
    try:
        engine = get_engine(db_url)  # opening it adds the column; nothing is lost
        assert "owner" in {c["name"] for c in inspect(engine).get_columns("review_batches")}
        get_engine(db_url)  # and again: nothing to do
        ReviewStore(engine)
        accounts = Accounts(engine)
        accounts.add_user("zhao", "password-r", role="reviewer", units=[UNIT_A], display_name="赵审")
        accounts.add_user("root", "password-x", role="admin")
        store = ReviewStore(engine)
        [old] = store.list_batches()
        assert (old.name, old.author, old.owner) == ("2024年度各单位报告", "赵审", None)
        zhao = ScopedReviewStore(store, accounts.principal("zhao"))  # type: ignore[arg-type]
        root = ScopedReviewStore(store, accounts.principal("root"))  # type: ignore[arg-type]
        assert zhao.list_batches() == []  # same display name, but no owner: admins only
        assert zhao.get_batch(old.id) is None
        assert [b.id for b in root.list_batches()] == [old.id]
    finally:
        dispose_engines()
