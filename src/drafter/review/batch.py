"""Batch review: every unit's report in a folder or a .zip, one row each.

For each readable report: unit, year and title (:func:`drafter.kb.meta.detect_meta`),
length, required parts present or missing, placeholders, numbering errors,
proofreading count, the report's own contradictory numbers
(:mod:`drafter.review.numbers`), the 重复率 against its own unit's previous report
(``--previous`` files or the knowledge base, matched by unit, the latest earlier year),
the highest similarity to another unit's report of the batch
(:func:`drafter.similarity.pairs.similar_pairs`: MinHash LSH candidates, exact
scoring) and a status from the rules in ``knowledge/review/status.yaml``.

Unreadable files are listed with the reason and the rest go on. Progress goes through
a callback ``progress(done, total, file)``; nothing here knows about the app.

>>> result = review_path("报告/", previous="去年/")          # doctest: +SKIP
>>> result.exit_code, [r.status for r in result.reports][:3]  # doctest: +SKIP
(1, ['通过', '需修改', '退回'])
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
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
from ..similarity.pairs import similar_pairs
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
    return max(cands, key=lambda p: p.year or 0)


def _span_findings(file: str, dup: DupResult, *, own: bool, text: str = "") -> list[dict[str, Any]]:
    out = []
    for s in dup.spans:
        if s.own is not own:
            continue
        whose = "本单位上年报告" if own else f"同批{s.source_unit or '其他单位'}的报告"
        out.append({
            "file": file, "category": "dup", "code": "dup-own" if own else "dup-other",
            "severity": "warning", "section": s.section, "text": s.text,
            "line": text.count("\n", 0, s.start) + 1 if text else 0,
            "start": s.start, "end": s.end,
            "message": f"与{whose}重复（相似度{s.score:.0%}，{s.chars}字）：请结合本年度实际重新撰写",
        })
    return out


def review_batch(
    inputs: Sequence[tuple[str, Path]],
    *,
    previous: Sequence[Path] = (),
    kb: Sequence[Prepared] = (),
    rules: StatusRules | None = None,
    progress: Progress | None = None,
    skipped: Sequence[dict[str, str]] = (),
) -> BatchResult:
    """Review ``(name, path)`` files; ``previous`` files and ``kb`` reports are last years'."""
    from ..checks import check_text
    from ..checks.dup import prepare_file, source_from_text
    from ..kb.ingest import read_text
    from ..text.limits import MAX_FILE_BYTES
    from ..text.specs import load_spec
    from .numbers import number_contradictions

    t0 = time.perf_counter()
    rules = rules or load_rules()
    out_skipped = list(skipped)
    names = {e.id: e.name for e in load_spec("report").elements}
    rows: list[ReviewedReport] = []
    prepared: list[Prepared] = []
    total = len(inputs)
    for n, (name, path) in enumerate(inputs, start=1):
        if progress:
            progress(n - 1, total, name)
        try:
            text = read_text(path, max_bytes=MAX_FILE_BYTES, name=name).text
        except IngestError as err:
            out_skipped.append({"file": name, "reason": err.reason})
            continue
        except Exception as err:  # a reader crashing on one file must not stop the batch
            out_skipped.append({"file": name, "reason": f"读取失败（{type(err).__name__}）"})
            continue
        prep = source_from_text(text, filename=name, key=name)
        prep.meta["file"] = None  # batch names are relative, not paths on disk
        result = check_text(text)
        found = [f.to_dict() for f in result.findings]
        contra = number_contradictions(text, result.locator)
        found += [f.to_dict() for f in contra]
        missing = [e.id for e in result.elements if e.required and e.status == "missing"]
        present = [e.id for e in result.elements if e.status != "missing"]
        cats: dict[str, int] = {}
        for finding in result.findings:
            cats[finding.category] = cats.get(finding.category, 0) + 1
        for d in found:
            d["file"] = name
        rows.append(ReviewedReport(
            file=name, unit=prep.unit, year=prep.year, title=prep.meta.get("title"),
            chars=prep.length, missing=missing, missing_names=[names.get(m, m) for m in missing],
            present=present, placeholders=cats.get("placeholder", 0), numbering=cats.get("numbering", 0),
            proofread=cats.get("proofread", 0), contradictions=len(contra),
            errors=sum(1 for f in found if f["severity"] == "error"),
            previous_dup=None, previous=None, similar=None, findings=found, text=prep.text,
            text_hash=_hash(prep.text),
        ))
        prepared.append(prep)
    if progress:
        progress(total, total, "")

    # own previous reports
    pool: list[Prepared] = list(kb)
    for p in previous:
        try:
            pool.append(prepare_file(p))
        except IngestError as err:
            out_skipped.append({"file": f"（上年）{Path(p).name}", "reason": err.reason})
    for row, prep in zip(rows, prepared, strict=True):
        prev = _previous_for(prep, pool)
        if prev is None:
            continue
        dup = find_copies(prep, SourceIndex([prev]))
        row.previous_dup = dup.rate
        row.previous = prev.name
        row.previous_text = prev.text
        row.findings += _span_findings(row.file, dup, own=True, text=prep.text)

    # similar reports of other units in the batch
    results: dict[int, DupResult] = {}
    pairs = similar_pairs(prepared, results=results)
    index_of = {p.key: i for i, p in enumerate(prepared)}
    best: dict[int, tuple[float, int]] = {}
    for pair in pairs:
        i, j = index_of[pair.a], index_of[pair.b]
        for x, y in ((i, j), (j, i)):
            if x not in best or pair.similarity > best[x][0]:
                best[x] = (pair.similarity, y)
    for i, (sim, j) in best.items():
        rows[i].similar = {"file": rows[j].file, "unit": rows[j].unit, "similarity": round(sim, 4)}
        if i in results:
            partner = prepared[j].key
            dup = results[i]
            dup.spans = [s for s in dup.spans if s.source_key == partner]
            rows[i].findings += _span_findings(rows[i].file, dup, own=False, text=prepared[i].text)
    for row in rows:
        row.status, row.reasons = rules.evaluate(row.metrics())
    pair_rows = [
        {"a": p.a, "b": p.b, "similarity": round(p.similarity, 4),
         "a_unit": rows[index_of[p.a]].unit, "b_unit": rows[index_of[p.b]].unit,
         "a_from_b": round(p.a_from_b, 4), "b_from_a": round(p.b_from_a, 4)}
        for p in pairs
    ]
    return BatchResult(rows, pair_rows, out_skipped, time.perf_counter() - t0, rules.passing)


def review_path(
    path: str | Path,
    *,
    previous: str | Path | None = None,
    settings: Any = None,
    use_kb: bool = True,
    rules: StatusRules | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Review every report in a folder or .zip; ``previous`` a folder (or .zip) of last year's."""
    from ..checks.dup import kb_sources

    with review_workdir() as tmp:
        inputs, skipped = collect_inputs(path, Path(tmp) / "batch")
        prev_files: list[Path] = []
        if previous is not None:
            prev_inputs, prev_skipped = collect_inputs(previous, Path(tmp) / "previous")
            prev_files = [p for _, p in prev_inputs]
            skipped += [{"file": f"（上年）{s['file']}", "reason": s["reason"]} for s in prev_skipped]
        kb: list[Prepared] = []
        if use_kb:
            if settings is None:
                from ..settings import get_settings

                settings = get_settings()
            kb = kb_sources(settings)
        return review_batch(inputs, previous=prev_files, kb=kb, rules=rules, progress=progress, skipped=skipped)
