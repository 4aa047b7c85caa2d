"""Batch review: every unit's report in a folder or a .zip, one row each.

For each readable report: unit, year and title (:func:`drafter.kb.meta.detect_meta`),
length, required parts present or missing, placeholders, numbering errors,
proofreading count, the report's own contradictory numbers
(:mod:`drafter.review.numbers`), the 重复率 against its own unit's previous report
(``--previous`` files or the knowledge base, matched by unit, the latest earlier year),
measured on the narrative parts (做法, 问题, 打算), with statistics sentences shown as
figure changes; the other units' reports of the batch that share rare passages with it
(:func:`drafter.similarity.pairs.similar_pairs`; wording many units share is 套话,
learned by :mod:`drafter.similarity.common`), 「疑似抄袭」 only where the direction is
known; and a status from the rules in ``knowledge/review/status.yaml``.

Unreadable files are listed with the reason and the rest go on. Progress goes through
a callback ``progress(done, total, file)``; nothing here knows about the app.

>>> result = review_path("报告/", previous="去年/")          # doctest: +SKIP
>>> result.exit_code, [r.status for r in result.reports][:3]  # doctest: +SKIP
(1, ['通过', '需修改', '退回'])
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import IngestError, InputError
from ..similarity.copies import (
    DupResult,
    Prepared,
    SourceIndex,
    find_copies,
    same_unit,
)
from ..similarity.pairs import similar_pairs, standard_view
from ..text.finding import Locator
from .status import StatusRules, load_rules

__all__ = [
    "BatchResult",
    "ReviewedReport",
    "collect_inputs",
    "extract_zip",
    "inputs_from_uploads",
    "review_batch",
    "review_path",
]

Progress = Callable[[int, int, str], None]

#: Limits on a .zip (a zip bomb stops here with a clear message).
MAX_ZIP_FILES = 2000
MAX_ZIP_BYTES = 512 * 1024 * 1024
_IGNORED = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass
class ReviewedReport:
    """One row of the review table."""

    file: str
    unit: str | None
    year: int | None
    title: str | None
    chars: int
    missing: list[str]
    missing_names: list[str]
    present: list[str]
    placeholders: int
    numbering: int
    proofread: int
    contradictions: int
    errors: int
    previous_dup: float | None
    previous: str | None  # the previous report compared with (单位 · 年度 · 标题)
    similar: dict[str, Any] | None  # {"file", "unit", "similarity"}
    status: str = ""
    reasons: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    text: str = field(default="", repr=False)
    text_hash: str = ""
    previous_text: str = field(default="", repr=False)
    #: a 送审包 (review/package.py): sentences without basis, and the 事实依据表 rows
    package: bool = False
    unsupported: int | None = None
    basis: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def metrics(self) -> dict[str, Any]:
        """The values status rules test."""
        return {
            "missing": len(self.missing),
            "placeholders": self.placeholders,
            "numbering": self.numbering,
            "proofread": self.proofread,
            "contradictions": self.contradictions,
            "errors": self.errors,
            "previous_dup": self.previous_dup,
            "similar": self.similar["similarity"] if self.similar else 0.0,
            "chars": self.chars,
            "unsupported": self.unsupported or 0,
        }

    def to_dict(self, *, text: bool = False) -> dict[str, Any]:
        d = {
            "file": self.file,
            "unit": self.unit,
            "year": self.year,
            "title": self.title,
            "chars": self.chars,
            "status": self.status,
            "reasons": list(self.reasons),
            "missing": list(self.missing),
            "missing_names": list(self.missing_names),
            "present": list(self.present),
            "placeholders": self.placeholders,
            "numbering": self.numbering,
            "proofread": self.proofread,
            "contradictions": self.contradictions,
            "errors": self.errors,
            "previous_dup": None if self.previous_dup is None else round(self.previous_dup, 4),
            "previous": self.previous,
            "similar": self.similar,
            "findings": list(self.findings),
            "text_hash": self.text_hash,
            "package": self.package,
            "unsupported": self.unsupported,
            "basis": list(self.basis),
        }
        if text:
            d["text"] = self.text
            d["previous_text"] = self.previous_text
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReviewedReport:
        keys = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in keys})


@dataclass
class BatchResult:
    reports: list[ReviewedReport]
    pairs: list[dict[str, Any]]
    skipped: list[dict[str, str]]
    seconds: float = 0.0
    passing: str = "通过"

    @property
    def exit_code(self) -> int:
        """0 every readable report passes, 1 some need work, 2 nothing could be read."""
        if not self.reports:
            return 2
        return 0 if all(r.status == self.passing for r in self.reports) else 1

    def to_dict(self, *, text: bool = False) -> dict[str, Any]:
        return {
            "reports": [r.to_dict(text=text) for r in self.reports],
            "pairs": list(self.pairs),
            "skipped": list(self.skipped),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def report(self, file: str) -> ReviewedReport | None:
        return next((r for r in self.reports if r.file == file), None)


# --------------------------------------------------------------------------- inputs


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's name; names from Chinese Windows zips (GBK, no UTF-8 flag) decoded right."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _safe_rel(name: str) -> PurePosixPath | None:
    p = PurePosixPath(name.replace("\\", "/"))
    parts = [x for x in p.parts if x not in ("", ".", "/")]
    if not parts or any(x == ".." for x in parts) or p.is_absolute():
        return None
    return PurePosixPath(*parts)


def _ignored(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return rel.startswith("__MACOSX/") or name.startswith(".") or name in _IGNORED or name.startswith("~$")


_WORKDIR_PREFIX = "drafter-review-"


def _sweep_leftovers(base: Path) -> None:
    """Remove work folders of review runs that ended without cleaning up (kill -9, a time-out).

    A folder is named ``drafter-review-<pid>-…``; it is left over when that process
    no longer runs (or, for an older name without a pid, after a day).
    """
    try:
        entries = list(base.glob(_WORKDIR_PREFIX + "*"))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_symlink() or not entry.is_dir() or entry.stat().st_uid != os.getuid():
                continue
            pid_part = entry.name[len(_WORKDIR_PREFIX):].split("-", 1)[0]
            if pid_part.isdigit():
                try:
                    os.kill(int(pid_part), 0)
                    continue  # its process still runs
                except ProcessLookupError:
                    pass
                except PermissionError:
                    continue
            elif time.time() - entry.stat().st_mtime < 86400:
                continue
            shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


@contextlib.contextmanager
def review_workdir() -> Any:
    """A temporary folder for one review run; leftovers of killed runs are swept first."""
    base = Path(tempfile.gettempdir())
    _sweep_leftovers(base)
    with tempfile.TemporaryDirectory(prefix=f"{_WORKDIR_PREFIX}{os.getpid()}-", dir=base) as tmp:
        yield Path(tmp)


def _member_target(dest: Path, i: int, rel: PurePosixPath) -> Path:
    """Where member ``i`` is written: under its own name (a unit or year in a file name
    still counts) unless that is too long for the file system, then a short one; the
    file is shown by ``rel``, never by this path."""
    if len(os.fsencode(rel.name)) <= 200:
        return dest / f"{i:04d}" / rel.name
    suffix = rel.suffix.lower() if len(rel.suffix) <= 8 else ""
    return dest / f"{i:04d}" / f"file{suffix}"


def _extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> str | None:
    """Write one member, counting: the reason it was refused, or None."""
    from ..text.limits import MAX_FILE_BYTES

    if info.file_size > MAX_FILE_BYTES:
        return (f"文件解压后有 {info.file_size / 1048576:.1f} MB，超过单个文件上限 {MAX_FILE_BYTES // 1048576} MB，"
                "已跳过")
    limit = info.file_size
    written = 0
    try:
        with zf.open(info) as src, target.open("wb") as out:
            while chunk := src.read(256 * 1024):
                written += len(chunk)
                if written > limit:
                    raise ValueError("lying header")
                out.write(chunk)
    except ValueError:
        target.unlink(missing_ok=True)
        return "压缩包内的文件解压后超过其声明的大小（文件头不实，疑似恶意文件），已跳过"
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError) as err:
        target.unlink(missing_ok=True)
        kind = "校验失败" if isinstance(err, zipfile.BadZipFile) else type(err).__name__
        return f"压缩包内的文件已损坏，无法解压（{kind}），已跳过"
    return None


def extract_zip(path: Path, dest: Path) -> tuple[list[tuple[str, Path]], list[dict[str, str]]]:
    """Extract a .zip into ``dest``: ``(name, path)`` of each file and the members refused.

    Each member is written under a short name of drafter's own, counted as it
    inflates: one larger than a file may be, or inflating past what its header
    declares, is skipped with the reason.
    """
    files: list[tuple[str, Path]] = []
    skipped: list[dict[str, str]] = []
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise InputError(f"压缩包 {path.name} 无法打开（{err}），请重新打包为 .zip 后再试") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_FILES:
            raise InputError(f"压缩包 {path.name} 含 {len(infos)} 个文件，超过上限 {MAX_ZIP_FILES}，请分批审核")
        if sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
            raise InputError(f"压缩包 {path.name} 解压后超过 {MAX_ZIP_BYTES // 1048576} MB，请分批审核")
        for i, info in enumerate(infos):
            name = _zip_name(info)
            rel = _safe_rel(name)
            if rel is None:
                skipped.append({"file": name, "reason": "压缩包内的路径不安全（绝对路径或含“..”），已跳过"})
                continue
            if _ignored(str(rel)):
                continue
            if info.flag_bits & 0x1:
                skipped.append({"file": str(rel), "reason": "文件已加密，无法读取，请去掉密码后重新打包"})
                continue
            target = _member_target(dest, i, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            reason = _extract_member(zf, info, target)
            if reason is not None:
                skipped.append({"file": str(rel), "reason": reason})
                continue
            files.append((str(rel), target))
    return files, skipped


def inputs_from_uploads(
    files: Sequence[tuple[str, bytes]], workdir: Path
) -> tuple[list[tuple[str, Path]], list[dict[str, str]]]:
    """Uploaded ``(name, bytes)`` written under ``workdir``; a .zip among them is extracted.

    Only the last part of a name is used (a name never reaches outside ``workdir``);
    two uploads with one name keep both (the second gets ``(2)``).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    inputs: list[tuple[str, Path]] = []
    skipped: list[dict[str, str]] = []
    used: set[str] = set()
    for i, (raw, data) in enumerate(files):
        name = raw.replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "") or f"未命名{i + 1}"
        stem, dot, suffix = name.rpartition(".")
        k = 2
        while name in used:
            name = f"{stem}({k}){dot}{suffix}" if dot else f"{suffix}({k})"
            k += 1
        used.add(name)
        target = _member_target(workdir, i, PurePosixPath(name))  # a short name on disk, whatever the upload's
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if name.lower().endswith(".zip"):
            try:
                got, bad = extract_zip(target, workdir / f"{i:04d}-zip")
            except InputError as err:
                skipped.append({"file": name, "reason": str(err)})
                continue
            inputs += [(f"{name}/{rel}", p) for rel, p in got]
            skipped += [{"file": f"{name}/{b['file']}", "reason": b["reason"]} for b in bad]
        else:
            inputs.append((name, target))
    return inputs, skipped


def collect_inputs(path: str | Path, workdir: Path) -> tuple[list[tuple[str, Path]], list[dict[str, str]]]:
    """Files to review in a folder (recursively) or a .zip (extracted under ``workdir``)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"找不到 {p}：请给出报告所在的文件夹或 .zip 压缩包")
    if p.is_file():
        if p.suffix.lower() == ".zip" or zipfile.is_zipfile(p):
            return extract_zip(p, workdir)
        return [(p.name, p)], []
    out = []
    for f in sorted(p.rglob("*")):
        if f.is_file():
            rel = f.relative_to(p).as_posix()
            if not _ignored(rel):
                out.append((rel, f))
    return out, []


# --------------------------------------------------------------------------- review


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def _previous_for(r: Prepared, pool: Sequence[Prepared]) -> Prepared | None:
    """The same unit's latest report of an earlier year (or of unknown year)."""
    if not r.unit:
        return None
    cands = [
        p for p in pool
        if same_unit(p.unit, r.unit) and p.meta.get("hash") != r.meta.get("hash")
        and (p.year is None or r.year is None or p.year < r.year)
    ]
    if not cands:
        return None
    return max(cands, key=lambda p: (p.year or 0, str(p.meta.get("hash") or "")))


#: The narrative parts own-report reuse is measured on (做法, 问题, 打算, 亮点 and other matters).
NARRATIVE = ("practices", "problems", "plans", "other")
#: A part whose text is this much last year's is 「基本相同」.
CARRIED_OVER = 0.5
_CARRIED_NAMES = {"problems": "存在问题", "plans": "下一步工作打算", "practices": "主要做法"}


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1 if text else 0


def _by_part(spans: Sequence[Any]) -> list[list[Any]]:
    """Spans grouped by the top-level part they sit in (one 问题清单 row per part)."""
    groups: dict[str, list[Any]] = {}
    for sp in sorted(spans, key=lambda x: x.start):
        groups.setdefault(sp.section, []).append(sp)
    return list(groups.values())


def _quote(spans: Sequence[Any], attr: str = "text", limit: int = 160) -> str:
    q = "……".join(getattr(sp, attr) for sp in spans)
    return q if len(q) <= limit else q[: limit - 2] + "……"


def _own_findings(file: str, dup: DupResult, text: str) -> list[dict[str, Any]]:
    """Passages taken over from the unit's own last report, one row per part."""
    out = []
    for group in _by_part([sp for sp in dup.spans if sp.own]):
        first, last = group[0], group[-1]
        chars = sum(sp.chars for sp in group)
        out.append({
            "file": file, "category": "dup", "code": "dup-own", "severity": "warning", "section": first.section,
            "text": _quote(group), "line": _line(text, first.start), "start": first.start, "end": last.end,
            "message": f"{len(group)}处与本单位上年报告相同（共{chars}字）：沿用了上年的文字，请对照本年度实际核改",
        })
    return out


def _stat_findings(file: str, dup: DupResult, text: str) -> list[dict[str, Any]]:
    out = []
    for st in dup.stats:
        out.append({
            "file": file, "category": "dup", "code": "dup-stat", "severity": "info", "section": st.section,
            "text": st.text, "line": _line(text, st.start), "start": st.start, "end": st.end,
            "message": f"格式相同的统计句（与{'上年报告' if st.own else st.source}相比：{st.describe()}），数字已更新，不算重复",
        })
    return out


def _pair_findings(file: str, spans: Sequence[Any], other_unit: str, text: str, *, copier: bool) -> list[dict[str, Any]]:
    """Passages shared with another unit's report, one row per part."""
    out = []
    for group in _by_part(spans):
        first, last = group[0], group[-1]
        chars = sum(sp.chars for sp in group)
        head = (f"疑似抄自{other_unit}报告：{len(group)}处相同段落（共{chars}字）" if copier
                else f"与{other_unit}报告有{len(group)}处相同段落（共{chars}字），请核实")
        out.append({
            "file": file, "category": "dup", "code": "dup-other", "severity": "warning", "section": first.section,
            "text": _quote(group), "line": _line(text, first.start), "start": first.start, "end": last.end,
            "message": f"{head}；对方原文：{_quote(group, 'source_text', 80)}",
        })
    return out


def _body_chars(text: str, title: str | None) -> int:
    """字数: every character of the body that is not white space (the title left out)."""
    body = text
    if title:
        i = text.find(title)
        if i != -1 and i < 200:
            body = text[:i] + text[i + len(title):]
    return sum(1 for c in body if not c.isspace())


#: Bump when what is cached per file changes.
CACHE_VERSION = "review-2"


def _analyse(
    name: str,
    path: Path,
    names: dict[str, str],
    cache_dir: Path | None,
    extras: Callable[[str | None], tuple[Sequence[Any], Sequence[Any]]] | None = None,
) -> tuple[dict[str, Any], Prepared]:
    """Read, check and prepare one file; kept on disk by content hash (``cache_dir``).

    ``extras(unit)`` gives the unit's own 规范提法 lists and last year's feedback items; a
    report with any is checked afresh (they are not part of the cached reading).
    """
    from ..checks import check_text
    from ..checks.dup import source_from_text
    from ..kb.ingest import read_text
    from ..similarity.cache import VERSION, _load, _save
    from ..similarity.shingles import canonical_phrases
    from ..text.limits import MAX_FILE_BYTES
    from .numbers import number_contradictions

    key = None
    if cache_dir is not None:
        try:  # an oversized file is refused by the reader below, never read whole here
            data = path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else None
        except OSError:
            data = None
        if data is not None:
            h = hashlib.sha256(f"{CACHE_VERSION}|{VERSION}|{name}|".encode())
            h.update(data)
            h.update("\x1f".join(canonical_phrases()).encode("utf-8"))
            key = h.hexdigest()[:32]
            info_path, prep_path = cache_dir / f"{key}.json", cache_dir / f"{key}.npz"
            if info_path.is_file() and prep_path.is_file():
                try:
                    info = json.loads(info_path.read_text(encoding="utf-8"))
                    prep = _load(prep_path)
                    if prep is not None and isinstance(info, dict) and not _has_extras(extras, prep.unit):
                        return info, prep
                except (OSError, ValueError):
                    pass
    text = read_text(path, max_bytes=MAX_FILE_BYTES, name=name).text
    prep = source_from_text(text, filename=name, key=name)
    prep.meta["file"] = None  # batch names are relative, not paths on disk
    lists, items = extras(prep.unit) if extras else ((), ())
    result = check_text(text, policy_lists=lists)
    if items:  # issue 24: last year's 复核意见 answered?
        from ..checks.feedback import unanswered_findings

        result.findings += unanswered_findings(result.locator or Locator(result.doc), items)
    found = [f.to_dict() for f in result.findings]
    contra = number_contradictions(text, result.locator)
    found += [f.to_dict() for f in contra]
    cats: dict[str, int] = {}
    for finding in result.findings:
        cats[finding.category] = cats.get(finding.category, 0) + 1
    for d in found:
        d["file"] = name
        if d.get("category") == "placeholder":  # said to the reviewer, about the submitting unit
            d["message"] = f"报告中有未填写的内容“{d.get('text') or ''}”：请该单位补充后重新报送。"
    missing = [e.id for e in result.elements if e.required and e.status == "missing"]
    info = {
        "missing": missing,
        "missing_names": [names.get(m, m) for m in missing],
        "present": [e.id for e in result.elements if e.status != "missing"],
        "parts": {sec.label: e.id for e in result.elements for sec in e.sections},
        "cats": cats,
        "contradictions": len(contra),
        "errors": sum(1 for f in found if f["severity"] == "error"),
        "findings": found,
        "chars": _body_chars(prep.text, prep.meta.get("title")),
    }
    if cache_dir is not None and key is not None and not (lists or items):
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            _save(cache_dir / f"{key}.npz", prep)
            tmp = cache_dir / f"{key}.json.tmp"
            tmp.write_text(json.dumps(info, ensure_ascii=False, default=str), encoding="utf-8")
            tmp.replace(cache_dir / f"{key}.json")
        except OSError:
            pass
    return info, prep


#: Fewest shared characters (normalised) before 「疑似抄袭」 may be said at all: a sentence or
#: two of stock wording one unit used last year and another uses this year is no theft.
MIN_DIRECTED_CHARS = 100


def _direction(prev_a: Prepared | None, b: Prepared, spans_b: Sequence[Any], prev_b: Prepared | None) -> bool:
    """Whether ``b`` took the shared passages from ``a``: ``a``'s own earlier report
    (``prev_a``) holds them and ``b``'s own earlier report (``prev_b``) does not."""
    shared = sum(s.chars for s in spans_b)
    if prev_a is None or shared < MIN_DIRECTED_CHARS:
        return False
    got = find_copies(b, SourceIndex([prev_a]))
    if shared <= 0 or got.copied < 0.5 * shared:
        return False
    if prev_b is not None:
        mine = find_copies(b, SourceIndex([prev_b]))
        if mine.own >= 0.5 * shared or mine.copied >= 0.5 * shared:
            return False  # b had such wording last year too: who was first is not known
    return True


def _reference_wording(kb: Sequence[Prepared]) -> Any:
    """The knowledge base's learned 套话 (fixed for every batch), or None when it holds too few units."""
    from ..similarity.common import MIN_DF, learn, unit_id

    if len({unit_id(p) for p in kb}) < MIN_DF:
        return None
    return learn(list(kb))


def _has_extras(extras: Callable[[str | None], tuple[Sequence[Any], Sequence[Any]]] | None, unit: str | None) -> bool:
    if extras is None:
        return False
    lists, items = extras(unit)
    return bool(lists or items)


def review_batch(
    inputs: Sequence[tuple[str, Path]],
    *,
    previous: Sequence[Path] = (),
    kb: Sequence[Prepared] = (),
    rules: StatusRules | None = None,
    progress: Progress | None = None,
    skipped: Sequence[dict[str, str]] = (),
    cache_dir: Path | None = None,
    policy_lists: Callable[[str | None], Sequence[Any]] | None = None,
    feedback: Mapping[str, Sequence[Any]] | None = None,
) -> BatchResult:
    """Review ``(name, path)`` files; ``previous`` files and ``kb`` reports are last years'.

    Every verdict is independent of the order of ``inputs`` and of their names beyond
    what the names say (a unit named by its file): reports are handled in the order of
    their content, and pairs come from rare shared passages, not from file order.
    ``cache_dir`` keeps each file's reading, checking and preparing by content hash.
    ``policy_lists(unit)`` gives a report's unit's own 规范提法 lists; ``feedback`` last
    year's items per unit (:func:`~drafter.review.feedback.feedback_from_xlsx`): an item a
    report leaves unanswered is a finding.
    """
    from ..checks.dup import prepare_file
    from ..similarity.common import learn
    from ..text.specs import load_spec

    t0 = time.perf_counter()
    rules = rules or load_rules()
    out_skipped = list(skipped)
    pkg_tmp = tempfile.TemporaryDirectory(prefix="drafter-pkg-")
    inputs, packages, pkg_skipped = _packages(inputs, Path(pkg_tmp.name))
    out_skipped += pkg_skipped
    names = {e.id: e.name for e in load_spec("report").elements}
    extras = None
    if policy_lists is not None or feedback:
        from .feedback import feedback_for

        def extras(unit: str | None) -> tuple[Sequence[Any], Sequence[Any]]:
            return (policy_lists(unit) if policy_lists else ()), (feedback_for(unit, feedback) if feedback else ())
    rows: list[ReviewedReport] = []
    prepared: list[Prepared] = []
    infos: list[dict[str, Any]] = []
    total = len(inputs)
    for n, (name, path) in enumerate(inputs, start=1):
        if progress:
            progress(n - 1, total, name)
        try:
            info, prep = _analyse(name, path, names, cache_dir, extras)
        except IngestError as err:
            out_skipped.append({"file": name, "reason": err.reason})
            continue
        except Exception as err:  # a reader crashing on one file must not stop the batch
            out_skipped.append({"file": name, "reason": f"读取失败（{type(err).__name__}）"})
            continue
        cats = info["cats"]
        rows.append(ReviewedReport(
            file=name, unit=prep.unit, year=prep.year, title=prep.meta.get("title"),
            chars=int(info["chars"]), missing=list(info["missing"]), missing_names=list(info["missing_names"]),
            present=list(info["present"]), placeholders=cats.get("placeholder", 0),
            numbering=cats.get("numbering", 0), proofread=cats.get("proofread", 0),
            contradictions=int(info["contradictions"]), errors=int(info["errors"]),
            previous_dup=None, previous=None, similar=None, findings=list(info["findings"]), text=prep.text,
            text_hash=_hash(prep.text),
        ))
        prepared.append(prep)
        infos.append(info)
    if progress:
        progress(total, total, "")

    from ..similarity.cache import cached_prepare
    from ..similarity.shingles import canonical_phrases

    phrases = canonical_phrases()
    # copies: the knowledge base's prepared reports may be shared with other runs, and this
    # batch's learned 套话 mask is set on them below
    pool: list[Prepared] = [dataclasses.replace(p) for p in kb]
    for p in previous:

        def make(p: Path = Path(p)) -> Prepared:
            return prepare_file(p)

        try:
            pool.append(cached_prepare(cache_dir, Path(p), {"name": Path(p).name, "previous": True}, phrases, make))
        except IngestError as err:
            out_skipped.append({"file": f"（上年）{Path(p).name}", "reason": err.reason})

    # 套话: wording many units share, over the batch, last year's reports and the knowledge base
    wording = learn(prepared + pool)
    # the fixed part of it, what a pair's score may rest on: the knowledge base's alone (the
    # batch and last year's reports grow with the batch; a score must not)
    reference = _reference_wording(kb)
    views = [standard_view(p, reference) for p in prepared]
    wording.apply(prepared + pool)

    extra: dict[int, dict[str, Any]] = {i: {} for i in range(len(rows))}
    prev_of = [_previous_for(prep, pool) for prep in prepared]
    # own previous reports: reuse measured on the narrative parts
    for i, (row, prep) in enumerate(zip(rows, prepared, strict=True)):
        prev = prev_of[i]
        if prev is None:
            continue
        dup = find_copies(prep, SourceIndex([prev]))
        parts = infos[i]["parts"]
        narrative = [sec for sec in dup.sections if parts.get(sec.section) in NARRATIVE]
        chars = sum(sec.chars for sec in narrative)
        row.previous_dup = (sum(sec.own for sec in narrative) / chars) if chars else dup.own_rate
        row.previous = prev.name
        row.previous_text = prev.text
        carried = []
        for sec in dup.sections:
            el = parts.get(sec.section)
            if el in ("problems", "plans") and sec.chars >= 20 and sec.own / sec.chars >= CARRIED_OVER:
                carried.append(el)
        for el in ("problems", "plans"):
            extra[i][f"{el}_dup"] = 1.0 if el in carried else 0.0
        if carried or row.previous_dup >= rules.threshold("previous_dup", 0.2) - 0.005:
            row.findings += _own_findings(row.file, dup, prep.text)
        row.findings += _stat_findings(row.file, dup, prep.text)

    # other units' reports of the batch sharing rare passages
    # the 相似报告 list: pairs from the reporting threshold (the mildest rule on similarity) up;
    # which reports are pairs is the batch's call, each pair's score the two reports' own
    pairs = similar_pairs(prepared, wording=wording, views=views, min_similarity=rules.threshold("similar", 0.1))
    prev_views: dict[int, Prepared] = {}

    def prev_view(k: int) -> Prepared | None:
        prev = prev_of[k]
        if prev is None:
            return None
        if k not in prev_views:
            prev_views[k] = standard_view(prev, reference)
        return prev_views[k]
    index_of = {p.key: i for i, p in enumerate(prepared)}
    best: dict[int, tuple[float, int, int, bool]] = {}  # similarity, partner, passages, copier
    pair_rows = []
    for pair in pairs:
        i, j = index_of[pair.a], index_of[pair.b]
        a_copier = _direction(prev_view(j), views[i], pair.a_spans, prev_view(i))
        b_copier = not a_copier and _direction(prev_view(i), views[j], pair.b_spans, prev_view(j))
        for x, y, copier in ((i, j, a_copier), (j, i, b_copier)):
            n_pass = max(len(pair.a_spans), len(pair.b_spans))
            cur = (round(pair.similarity, 4), y, n_pass, copier)
            if x not in best or (cur[0], -y) > (best[x][0], -best[x][1]):
                best[x] = cur
        pair_rows.append({
            "a": pair.a, "b": pair.b, "similarity": round(pair.similarity, 4),
            "a_unit": rows[i].unit, "b_unit": rows[j].unit,
            "a_from_b": round(pair.a_from_b, 4), "b_from_a": round(pair.b_from_a, 4),
            "passages": pair.passages,
            "direction": "a_from_b" if a_copier else "b_from_a" if b_copier else "",
        })
    for i, (sim, j, n_pass, copier) in best.items():
        rows[i].similar = {"file": rows[j].file, "unit": rows[j].unit, "similarity": sim, "passages": n_pass,
                           "copier": copier}
        extra[i]["partner"] = rows[j].unit or rows[j].file
        extra[i]["passages"] = n_pass
        extra[i]["copied"] = sim if copier else None
        if copier:
            extra[i]["similar"] = None  # 疑似抄袭 says it: not also 「有N处相同段落」
        pair = next(p for p in pairs if {index_of[p.a], index_of[p.b]} == {i, j})
        spans = pair.a_spans if index_of[pair.a] == i else pair.b_spans
        rows[i].findings += _pair_findings(rows[i].file, spans, str(extra[i]["partner"]), prepared[i].text,
                                           copier=copier)
    for row in rows:
        if row.file in packages:
            _apply_package(row, packages[row.file])
    pkg_tmp.cleanup()
    for i, row in enumerate(rows):
        row.status, row.reasons = rules.evaluate({**row.metrics(), **extra[i]})
        if row.unsupported:
            row.reasons = [*row.reasons, f"无依据的句子{row.unsupported}句"]
    return BatchResult(rows, pair_rows, out_skipped, time.perf_counter() - t0, rules.passing)


def _packages(inputs: Sequence[tuple[str, Path]], workdir: Path) -> tuple[list[tuple[str, Path]], dict[str, Any], list[dict[str, str]]]:
    """送审包 among the inputs, each one submission (see :mod:`.package`)."""
    from .package import expand_packages

    return expand_packages(inputs, workdir, extract_zip=extract_zip)


def _apply_package(row: ReviewedReport, package: Any) -> None:
    from .package import apply_package

    apply_package(row, package)


def review_path(
    path: str | Path,
    *,
    previous: str | Path | None = None,
    settings: Any = None,
    use_kb: bool = True,
    rules: StatusRules | None = None,
    progress: Progress | None = None,
    feedback: Mapping[str, Sequence[Any]] | None = None,
) -> BatchResult:
    """Review every report in a folder or .zip; ``previous`` a folder (or .zip) of last year's;
    ``feedback`` last year's 审核表 items per unit. Each report's unit's own 规范提法 lists are used."""
    from ..checks.dup import kb_sources
    from ..checks.formulations import lists_for_unit

    with review_workdir() as tmp:
        inputs, skipped = collect_inputs(path, Path(tmp) / "batch")
        prev_files: list[Path] = []
        if previous is not None:
            prev_inputs, prev_skipped = collect_inputs(previous, Path(tmp) / "previous")
            prev_files = [p for _, p in prev_inputs]
            skipped += [{"file": f"（上年）{s['file']}", "reason": s["reason"]} for s in prev_skipped]
        if settings is None:
            from ..settings import get_settings

            settings = get_settings()
        kb: list[Prepared] = kb_sources(settings) if use_kb else []
        cache_dir = Path(settings.home) / "cache" / "review"
        return review_batch(inputs, previous=prev_files, kb=kb, rules=rules, progress=progress, skipped=skipped,
                            cache_dir=cache_dir, policy_lists=lambda unit: lists_for_unit(settings, unit),
                            feedback=feedback)
