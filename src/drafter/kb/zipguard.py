"""Size checks on a .docx (or any zip) before anything parses it.

A 3 MB .docx can hold 1.5 GB of XML (a zip bomb); python-docx would inflate all of
it. :func:`check_zip` reads only the central directory and then inflates each entry
in a stream, counting, and refuses — with a Chinese message naming the limit — a
package with

* more than :data:`MAX_ENTRIES` entries,
* more than :data:`MAX_UNCOMPRESSED` bytes in all once inflated,
* an entry inflating more than :data:`MAX_RATIO` times its compressed size
  (entries under 1 MB are exempt: small XML compresses well),
* an entry that inflates past the size its header declares (a lying header).

A Word report of 100 pages is about 1 MB inflated; the limits leave two orders of
magnitude of room.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import IngestError

__all__ = ["MAX_ENTRIES", "MAX_RATIO", "MAX_UNCOMPRESSED", "check_zip"]

MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
_RATIO_EXEMPT = 1024 * 1024
_CHUNK = 1024 * 1024


def _mb(n: int) -> str:
    return f"{n / 1048576:.0f} MB"


def check_zip(data: bytes, name: str) -> None:
    """Raise :class:`IngestError` unless the zip in ``data`` is within every limit."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise IngestError(name, "不是有效的 Word 文档（压缩包已损坏），请用 Word 重新另存为 .docx") from err
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise IngestError(
                name, f"文档内部包含 {len(infos)} 个部件，超过上限 {MAX_ENTRIES} 个，疑似恶意文件，已拒绝读取"
            )
        declared = sum(i.file_size for i in infos)
        if declared > MAX_UNCOMPRESSED:
            raise IngestError(
                name,
                f"文档解压后有 {_mb(declared)}，超过上限 {_mb(MAX_UNCOMPRESSED)}（疑似“压缩炸弹”），已拒绝读取",
            )
        total = 0
        for info in infos:
            if info.file_size > _RATIO_EXEMPT and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise IngestError(
                    name,
                    f"文档部件 {info.filename} 的压缩比超过 {MAX_RATIO}:1（疑似“压缩炸弹”），已拒绝读取",
                )
            seen = 0
            try:
                with zf.open(info) as fh:
                    while chunk := fh.read(_CHUNK):
                        seen += len(chunk)
                        total += len(chunk)
                        if seen > info.file_size or total > MAX_UNCOMPRESSED:
                            raise IngestError(
                                name,
                                f"文档解压后超过声明的大小或上限 {_mb(MAX_UNCOMPRESSED)}（疑似“压缩炸弹”），已拒绝读取",
                            )
            except IngestError:
                raise
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as err:
                raise IngestError(name, f"文档部件 {info.filename} 已损坏，无法读取，请用 Word 重新另存为 .docx") from err
