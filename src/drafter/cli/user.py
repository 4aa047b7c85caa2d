"""``drafter user``: accounts of the team server (add, list, password, units, role, disable).

Passwords are read from the terminal without echo, or from standard input with
``--password-stdin`` (one line), never from the command line where other users of
the machine could see them in the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from ..errors import InputError
from ..settings import get_settings
from ..storage.accounts import ROLES
from ..storage.team import open_accounts

__all__ = ["register"]


def _read_password(args: argparse.Namespace) -> str | None:
    if getattr(args, "no_password", False):
        return None
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise InputError("标准输入中没有读到密码 (no password on standard input)")
        return line.rstrip("\r\n")
    first = getpass.getpass("密码 (password): ")
    if first != getpass.getpass("再输入一次 (again): "):
        raise InputError("两次输入的密码不一致 (passwords differ)")
    return first


def _units(raw: str | None) -> list[str]:
    return [u.strip() for u in (raw or "").replace("，", ",").split(",") if u.strip()]


def _run(args: argparse.Namespace) -> int:
    accounts = open_accounts(get_settings())
    if args.action == "add":
        who = accounts.add_user(
            args.username,
            _read_password(args),
            role=args.role,
            units=_units(args.units),
            display_name=args.name or "",
        )
        accounts.audit("(cli)", "user_add", None, f"{who.username} {who.role}")
        print(f"已建立账号 {who.username}（{ROLES[who.role]}，单位：{'、'.join(sorted(who.units)) or '无'}）")
    elif args.action == "list":
        for u in accounts.list_users():
            state = "" if u.active else "（已停用）"
            print(f"{u.username}\t{u.display_name}\t{ROLES.get(u.role, u.role)}\t{'、'.join(u.units)}{state}")
    elif args.action == "passwd":
        password = _read_password(args)
        assert password is not None
        accounts.set_password(args.username, password)
        accounts.audit("(cli)", "user_password", None, args.username)
        print(f"已修改 {args.username} 的密码")
    elif args.action == "units":
        accounts.set_units(args.username, _units(args.units))
        accounts.audit("(cli)", "user_units", None, f"{args.username}: {args.units}")
        print(f"已设置 {args.username} 的单位：{args.units}")
    elif args.action == "role":
        accounts.set_role(args.username, args.role)
        accounts.audit("(cli)", "user_role", None, f"{args.username}: {args.role}")
        print(f"已设置 {args.username} 的角色：{ROLES[args.role]}")
    elif args.action in ("disable", "enable"):
        accounts.set_active(args.username, args.action == "enable")
        accounts.audit("(cli)", f"user_{args.action}", None, args.username)
        print(f"已{'启用' if args.action == 'enable' else '停用'}账号 {args.username}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("user", help="团队服务器的账号 (team-server accounts)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="新建账号 (add an account)")
    add.add_argument("username")
    add.add_argument("--role", choices=list(ROLES), default="writer", help="writer / reviewer / admin")
    add.add_argument("--units", help="单位，多个用逗号分隔 (units, comma-separated)")
    add.add_argument("--name", help="姓名，作为署名 (real name, shown as author)")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码")
    add.add_argument("--no-password", action="store_true", help="不设密码，只经网关登录 (auth=header)")
    actions.add_parser("list", help="列出账号 (list accounts)")
    pw = actions.add_parser("passwd", help="修改密码 (set a password)")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true")
    un = actions.add_parser("units", help="设置可见单位 (set units)")
    un.add_argument("username")
    un.add_argument("units", help="单位，多个用逗号分隔")
    ro = actions.add_parser("role", help="设置角色 (set role)")
    ro.add_argument("username")
    ro.add_argument("role", choices=list(ROLES))
    for name in ("disable", "enable"):
        a = actions.add_parser(name, help="停用账号" if name == "disable" else "启用账号")
        a.add_argument("username")
    p.set_defaults(func=_run)
