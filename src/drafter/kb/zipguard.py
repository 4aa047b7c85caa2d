"""Size checks on a .docx (or any zip) before anything parses it.

A 3 MB .docx can hold 1.5 GB of XML (a zip bomb); python-docx would inflate all of
it. :func:`check_zip` reads only the central directory and then inflates each entry
in a stream, counting, and refuses — with a Chinese message naming the limit — a
package with

* more than :data:`MAX_ENTRIES` entries,
* more than :data:`MAX_UNCOMPRESSED` bytes in all once inflated,
* an entry inflating more than :data:`MAX_RATIO` times its compressed size
  (entries under 1 MB are exempt: small XML compresses well),
* an entry that inflates past the size its header declares (a lying header),
* (a .docx) more than :data:`~drafter.text.limits.MAX_DOCX_SIDE_XML` bytes of XML
  besides ``word/document.xml`` (190 headers of 1 MB each: each part is small, the
  parsed trees are not),
* (a .docx) a ``word/document.xml`` with more than
  :data:`~drafter.text.limits.MAX_DOCX_NODES` elements or
  :data:`~drafter.text.limits.MAX_FILE_CHARS` characters of text — counted by an
  incremental XML parser fed as the part inflates, so a 190 MB body is refused
  after the first few megabytes, not after python-docx built its tree.

A Word report of 100 pages is about 1 MB inflated; the limits leave two orders of
magnitude of room.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import IngestError

__all__ = ["MAX_ENTRIES", "MAX_RATIO", "MAX_UNCOMPRESSED", "check_zip"]

_BODY = "word/document.xml"
_W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"

MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
_RATIO_EXEMPT = 1024 * 1024
_CHUNK = 256 * 1024


def _mb(n: int) -> str:
    return f"{n / 1048576:.0f} MB"


class _BodyCounter:
    """Elements and text characters of ``document.xml``, counted as its bytes arrive."""

    def __init__(self, name: str) -> None:
        from lxml import etree

        from ..text.limits import MAX_DOCX_NODES, MAX_FILE_CHARS

        self.name = name
        self.nodes = 0
        self.chars = 0
        self.max_nodes = MAX_DOCX_NODES
        self.max_chars = MAX_FILE_CHARS
        self.parser = etree.XMLPullParser(events=("end",), resolve_entities=False, no_network=True)
        self.broken = False

    def feed(self, chunk: bytes) -> None:
        if self.broken:
            return
        try:
            self.parser.feed(chunk)
            self._drain()
        except IngestError:
            raise
        except Exception:  # noqa: BLE001 - damaged XML: python-docx gives the message
            self.broken = True

    def _drain(self) -> None:
        for _event, elem in self.parser.read_events():
            self.nodes += 1
            if elem.tag == _W_T and elem.text:
                self.chars += len(elem.text)
            if self.nodes > self.max_nodes:
                raise IngestError(
                    self.name, f"文档正文的 XML 节点超过上限 {self.max_nodes:,} 个，远超一份报告（疑似恶意文件），已拒绝读取"
                    f" (too many XML elements, limit {self.max_nodes:,})"
                )
            if self.chars > self.max_chars:
                raise IngestError(
                    self.name, f"文档正文超过上限 {self.max_chars:,} 字，远超一份报告，已拒绝读取；请拆分后再处理"
                    f" (document too long: over the limit of {self.max_chars:,} characters)"
                )
            elem.clear(keep_tail=True)
            parent = elem.getparent()
            if parent is not None:  # what was read is counted; drop it so memory stays flat
                while elem.getprevious() is not None:
                    del parent[0]


def check_zip(data: bytes, name: str, *, docx: bool = False) -> None:
    """Raise :class:`IngestError` unless the zip in ``data`` is within every limit.

    With ``docx`` the XML parts are counted too (see the module's list).
    """
    from ..text.limits import MAX_DOCX_SIDE_XML

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
        side_xml = 0
        for info in infos:
            counter = _BodyCounter(name) if docx and info.filename == _BODY else None
            side = docx and info.filename != _BODY and info.filename.lower().endswith((".xml", ".rels"))
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
                        if counter is not None:
                            counter.feed(chunk)
                        if side:
                            side_xml += len(chunk)
                            if side_xml > MAX_DOCX_SIDE_XML:
                                raise IngestError(
                                    name,
                                    f"文档中页眉、页脚、样式等部件解压后超过 {_mb(MAX_DOCX_SIDE_XML)}，"
                                    "远超正常文档（疑似恶意文件），已拒绝读取",
                                )
                        if seen > info.file_size or total > MAX_UNCOMPRESSED:
                            raise IngestError(
                                name,
                                f"文档解压后超过声明的大小或上限 {_mb(MAX_UNCOMPRESSED)}（疑似“压缩炸弹”），已拒绝读取",
                            )
            except IngestError:
                raise
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as err:
                raise IngestError(name, f"文档部件 {info.filename} 已损坏，无法读取，请用 Word 重新另存为 .docx") from err
