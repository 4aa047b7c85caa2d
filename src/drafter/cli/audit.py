"""``drafter audit``: read the team server's audit log (newest first)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ..settings import get_settings
from ..storage.accounts import ACTIONS
from ..storage.team import open_accounts

__all__ = ["register"]


def local_time(at: datetime, settings: object) -> str:
    """A stored (naive UTC) time in the configured time zone."""
    zone = ZoneInfo(str(getattr(settings, "timezone", "Asia/Shanghai")))
    return at.replace(tzinfo=UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _run(args: argparse.Namespace) -> int:
    settings = get_settings()
    entries = open_accounts(settings).read_audit(limit=args.limit, username=args.user, report_id=args.report)
    if args.json:
        rows = [
            {"at": local_time(e.at, settings), "user": e.username, "action": e.action,
             "report": e.report_id, "detail": e.detail}
            for e in entries
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for e in entries:
        report = "" if e.report_id is None else f"报告{e.report_id}"
        print(f"{local_time(e.at, settings)}\t{e.username}\t{ACTIONS.get(e.action, e.action)}\t{report}\t{e.detail}")
    return 0


def _number(low: int, high: int):  # type: ignore[no-untyped-def]
    """An argparse type: an integer from ``low`` to ``high`` (a database integer cannot hold more)."""

    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"应为整数 (an integer): {value[:30]}") from None
        if not low <= n <= high:
            raise argparse.ArgumentTypeError(f"应在 {low}–{high} 之间 (out of range {low}–{high}): {value[:30]}")
        return n

    return parse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("audit", help="查看审计日志 (read the audit log)")
    p.add_argument("--user", help="只看此账号")
    p.add_argument("--report", type=_number(1, 2**62), help="只看此报告编号")
    p.add_argument("--limit", type=_number(1, 100_000), default=200)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_run)
