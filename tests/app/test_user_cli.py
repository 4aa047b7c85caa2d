"""``drafter user`` and ``drafter audit`` on a real SQLite database under DRAFTER_HOME."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from drafter.cli import main
from drafter.settings import get_settings
from drafter.storage import dispose_engines
from drafter.storage.team import open_accounts


def _run(args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(args)


def test_user_add_list_units_and_audit(tmp_home: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _run(["user", "add", "wang", "--units", "甲局党组,乙局党组", "--name", "王文", "--password-stdin"],
                monkeypatch, "long-password\n") == 0
    assert "已建立账号 wang" in capsys.readouterr().out
    who = open_accounts(get_settings()).sign_in("wang", "long-password")
    assert who.units == frozenset({"甲局党组", "乙局党组"}) and who.display_name == "王文"

    assert _run(["user", "units", "wang", "丙局党组"], monkeypatch) == 0
    assert _run(["user", "list"], monkeypatch) == 0
    assert "wang\t王文\t撰写人\t丙局党组" in capsys.readouterr().out

    # a short password and a missing one are refused in Chinese, nothing created
    assert _run(["user", "add", "li", "--password-stdin"], monkeypatch, "short\n") == 2
    assert _run(["user", "add", "li", "--password-stdin"], monkeypatch, "") == 2
    err = capsys.readouterr().err
    assert "至少" in err and "没有读到密码" in err
    assert open_accounts(get_settings()).principal("li") is None

    # the password never appears in the audit log or the database file
    assert _run(["audit"], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "开通账号" in out and "登录" in out
    dispose_engines()
    assert b"long-password" not in (tmp_home / "drafter.db").read_bytes()
