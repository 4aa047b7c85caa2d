"""The ``drafter`` command line: ``drafter index|search|check|basis|draft|readback|compare|export|package|review|user|audit|meta``.

Each subcommand lives in its own module with ``register(subparsers)`` that adds its
parser and sets ``func`` (called with the parsed args, returns the exit code).
Errors from core code (:class:`~drafter.errors.DrafterError`) become a one-line
message on stderr and exit code 2 here, at the edge.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import DrafterError
from ..text.redact import redact
from .output import describe_os_error

__all__ = ["main", "build_parser", "COMMANDS"]

#: Subcommand modules, in the order ``drafter --help`` lists them.
COMMANDS = (
    "index", "search", "check", "basis", "draft", "readback", "compare", "export", "package", "review",
    "feedback", "user", "audit", "meta",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with *only* (a subcommand's name) just that subcommand is loaded.

    Each subcommand module imports what it needs (the export one python-docx, the
    user one argon2 …); ``drafter draft`` need not pay for all of them at start-up.
    """
    parser = argparse.ArgumentParser(
        prog="drafter",
        description="干部选拔任用工作报告：起草、检查、对照、导出 (drafts, checks, compares, exports).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (only,) if only in COMMANDS else COMMANDS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as err:  # a subcommand not installed in this build
            if err.name != f"{__name__}.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words else None)
    args = parser.parse_args(words)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except DrafterError as err:
        print(f"错误 (error): {redact(err)}", file=sys.stderr)
        return 2
    except OSError as err:  # a path the user gave (output folder, file name too long, disk full)
        print(f"错误 (error): {redact(describe_os_error(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断 (interrupted)", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
