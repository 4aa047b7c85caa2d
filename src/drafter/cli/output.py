"""Output files of the CLI: checked before any work, written so nothing is lost.

:func:`check_output` runs first in every command with ``-o``: a missing folder, a
folder given as the file, a name too long for the file system or a folder without
write permission is refused with a bilingual message (exit 2) *before* a draft is
generated or a document parsed. :func:`write_output` writes to a temporary file
beside the target and renames it, so an interrupted write never leaves half a file
and an old file survives a failure. :func:`describe_os_error` turns any other
``OSError`` into a message naming the path.

A device, a FIFO, a socket or anything else that is not a regular file is never
renamed over (``-o /dev/null`` as root would otherwise replace the device with a
file): it is refused before any work, and again at the moment of writing. ``-o -``
writes to standard output, where that is what a command produces.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import uuid
from pathlib import Path

from ..errors import InputError

__all__ = ["STDOUT", "check_output", "describe_os_error", "write_output"]

#: What ``-o -`` stands for: standard output.
STDOUT = Path("-")

_DEFAULT_NAME_MAX = 255
_DEFAULT_PATH_MAX = 4096


def _limit(folder: Path, name: str, default: int) -> int:
    try:
        return int(os.pathconf(folder, name))
    except (OSError, ValueError, AttributeError):
        return default


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a component too long, a loop of links …
        return False


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def describe_os_error(err: OSError, path: str | os.PathLike[str] | None = None) -> str:
    """A bilingual one-line message for an ``OSError`` on ``path`` (or the error's own filename)."""
    where = str(path if path is not None else (err.filename or ""))
    reasons = {
        errno.ENOENT: "文件或文件夹不存在 (no such file or folder)",
        errno.ENOTDIR: "路径中有一段不是文件夹 (a part of the path is not a folder)",
        errno.EISDIR: "这是一个文件夹，请给出文件名 (is a folder; give a file name)",
        errno.ENAMETOOLONG: "文件名过长 (file name too long)",
        errno.EACCES: "没有权限 (permission denied)",
        errno.EPERM: "没有权限 (permission denied)",
        errno.ENOSPC: "磁盘已满 (no space left on device)",
        errno.EROFS: "文件系统只读 (read-only file system)",
        errno.EEXIST: "文件已存在 (file exists)",
    }
    reason = reasons.get(err.errno or -1, f"{err.strerror or type(err).__name__}")
    return f"{where}：{reason}" if where else reason


def check_output(path: str | os.PathLike[str]) -> Path:
    """``path`` as a :class:`Path` if a file can be written there; else :class:`InputError`.

    Checks, in order: not empty, not a folder, the name's length in bytes, the whole
    path's length, the folder exists and is a folder, and a file can really be
    created in it (a probe file, removed at once).
    """
    raw = os.fspath(path)
    if not raw.strip():
        raise InputError("输出文件名是空的 (empty output file name)")
    if raw == "-":
        return STDOUT
    out = Path(raw).expanduser()
    where = str(out)
    folder = out.parent if str(out.parent) else Path(".")
    name_bytes = len(os.fsencode(out.name))
    name_max = _limit(folder if _is_dir(folder) else Path("."), "PC_NAME_MAX", _DEFAULT_NAME_MAX)
    if name_bytes > name_max:
        raise InputError(
            f"输出文件名过长（{name_bytes} 字节，文件系统上限 {name_max} 字节），请改用短一些的文件名"
            f" (output file name too long: {name_bytes} bytes, limit {name_max})"
        )
    path_max = _limit(Path("."), "PC_PATH_MAX", _DEFAULT_PATH_MAX)
    if len(os.fsencode(str(out.absolute()))) >= path_max:
        raise InputError(f"输出路径过长（上限 {path_max} 字节）(output path too long)")
    if _is_dir(out):
        raise InputError(f"输出路径 {where} 是一个文件夹，请给出文件名，如 {out / 'report.txt'} (output is a folder)")
    if not _exists(folder):
        raise InputError(f"输出文件夹 {folder} 不存在，请先创建它 (output folder does not exist)")
    if not _is_dir(folder):
        raise InputError(f"{folder} 不是文件夹 (not a folder)")
    _refuse_special(out)
    if out.exists() and not os.access(out, os.W_OK):
        raise InputError(f"没有权限覆盖 {where} (no permission to overwrite)")
    probe = folder / f".drafter-probe-{uuid.uuid4().hex[:12]}"
    try:
        probe.open("xb").close()
    except OSError as err:
        raise InputError(f"无法在 {folder} 中写入文件：{describe_os_error(err, folder)}") from None
    finally:
        try:
            probe.unlink()
        except OSError:
            pass
    return out


def _refuse_special(out: Path) -> None:
    """:class:`InputError` if ``out`` exists and is not a regular file (a device, FIFO, socket)."""
    try:
        mode = os.stat(out).st_mode
    except FileNotFoundError:
        return
    except OSError:
        return  # the folder checks name the problem
    if not stat.S_ISREG(mode):
        kind = ("设备" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "管道" if stat.S_ISFIFO(mode)
                else "套接字" if stat.S_ISSOCK(mode) else "特殊文件")
        raise InputError(
            f"输出路径 {out} 是{kind}，不是普通文件：drafter 不会覆盖它；要输出到屏幕请用 -o -"
            f" (output is not a regular file: a device, FIFO or socket is never replaced; use -o - for stdout)"
        )


def write_output(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file beside it, then rename).

    ``-`` (:data:`STDOUT`) writes to standard output; a path that is not a regular
    file is refused (checked again here: it may have appeared since
    :func:`check_output`).
    """
    out = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if os.fspath(path) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return STDOUT
    _refuse_special(out)
    tmp = out.parent / f".drafter-{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
    try:
        with tmp.open("xb") as fh:
            fh.write(payload)
        os.replace(tmp, out)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    return out


def unit_argument(value: str) -> str:
    """An argparse type for a unit's name (``--unit``): one line of real text, at most 100 characters.

    Control characters, a line break or bytes that are not UTF-8 would reach the
    signature of a .docx (which cannot hold them) or a message: refused here with
    a bilingual message instead of a traceback later.
    """
    import argparse
    import unicodedata

    def bad(c: str) -> bool:
        kind = unicodedata.category(c)
        return kind in ("Cc", "Cs", "Zl", "Zp") or (kind == "Cf" and c != "\u200d")  # RLO, ZWSP … too

    if any(bad(c) for c in value):
        raise argparse.ArgumentTypeError("单位名称中有控制字符、换行或无法识别的字节，请只写单位名称"
                                         " (control characters or invalid bytes in the unit name)")
    if len(value.strip()) > 100:
        raise argparse.ArgumentTypeError(f"单位名称过长（{len(value)} 字，上限 100 字）(unit name too long)")
    return value.strip()
