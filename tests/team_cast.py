"""The team-server cast shared by the access tests: two units, their reports, and accounts."""

from __future__ import annotations

from drafter.storage import Repository
from drafter.storage.accounts import Accounts

UNIT_A = "江源市水务局党组"
UNIT_B = "江源市教育局党组"


def seed_team(repo: Repository, accounts: Accounts, *, reviewer_of_a: bool = False) -> dict[str, int]:
    """One 2025 report per unit; writers 王文 (A) and 李明 (B), reviewer 赵审 (B), admin 管理员
    (and reviewer 钱审 of A with *reviewer_of_a*). Returns unit → report id."""
    ids = {}
    for unit in (UNIT_A, UNIT_B):
        info = repo.create_report(unit, 2025)
        repo.save_facts(info.id, {"unit": unit, "org": "局党组", "year": 2025}, valid=False)
        ids[unit] = info.id
    accounts.add_user("wang", "password-a", role="writer", units=[UNIT_A], display_name="王文")
    accounts.add_user("li", "password-b", role="writer", units=[UNIT_B], display_name="李明")
    accounts.add_user("zhao", "password-r", role="reviewer", units=[UNIT_B], display_name="赵审")
    if reviewer_of_a:
        accounts.add_user("qian", "password-q", role="reviewer", units=[UNIT_A], display_name="钱审")
    accounts.add_user("root", "password-x", role="admin", display_name="管理员")
    return ids
