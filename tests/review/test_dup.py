"""查重: planted copies found, canonical formulations ignored, own unit kept apart, CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from batchgen import SAMPLES, paragraph, plant_copies  # noqa: E402

from drafter.checks.dup import check_dup, dup_findings, format_dup, source_from_text  # noqa: E402
from drafter.cli import main  # noqa: E402


@pytest.fixture(scope="module")
def sample_sources():
    return [source_from_text(p.read_text(encoding="utf-8"), filename=str(p)) for p in sorted(SAMPLES.glob("*.txt"))]


def _overlaps(span, p) -> bool:
    return span.start < p.end and span.end > p.start


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_copies_found_and_canonical_ignored(sample_sources, seed):
    text, planted = plant_copies(seed)
    result = check_dup(text, sample_sources, unit="某局党组")
    copies = [p for p in planted if p.kind != "canonical"]
    missed = [(p.kind, p.text) for p in copies if not any(_overlaps(s, p) for s in result.spans)]
    assert not missed
    canonical = [p for p in planted if p.kind == "canonical"]
    assert not [s.text for s in result.spans for p in canonical if _overlaps(s, p)]
    spurious = [s.text for s in result.spans if not any(_overlaps(s, p) for p in copies)]
    assert len(spurious) <= 0.05 * len(result.spans) + 1
    # every span names its source by unit · year · title, never by file hash
    assert all("·" in s.source and "_" not in s.source.split("·")[0] for s in result.spans)


def test_own_unit_kept_apart(tmp_path):
    rng = __import__("random").Random(9)
    prev = f"江源市水务局党组2024年度干部选拔任用工作报告\n一、总体情况\n{paragraph(rng, 4)}\n二、主要做法\n{paragraph(rng, 5)}\n"
    other = f"临川市财政局党组2025年度干部选拔任用工作报告\n一、总体情况\n{paragraph(rng, 4)}\n二、主要做法\n{paragraph(rng, 5)}\n"
    prev_body = prev.split("\n")[2]
    other_body = other.split("\n")[4]
    draft = (f"江源市水务局党组2025年度干部选拔任用工作报告\n一、总体情况\n{prev_body}\n"
             f"二、主要做法\n{paragraph(rng, 3)}{other_body}\n三、存在问题\n{paragraph(rng, 3)}\n")
    sources = [source_from_text(prev, filename="prev.txt"), source_from_text(other, filename="other.txt")]
    result = check_dup(draft, sources)
    assert result.own_rate > 0.15 and result.other_rate > 0.15
    own = [s for s in result.spans if s.own]
    assert own and all(s.source_unit == "江源市水务局党组" and s.source_year == 2024 for s in own)
    assert all(s.section == "一、总体情况" for s in own)
    others = [s for s in result.spans if not s.own]
    assert others and all(s.source_unit == "临川市财政局党组" for s in others)
    by_section = {s.section: s for s in result.sections}
    assert by_section["一、总体情况"].rate > 0.9
    assert by_section["三、存在问题"].copied == 0
    findings = dup_findings(draft, result)
    assert {f.code for f in findings} == {"dup-own", "dup-other"}
    assert all(f.line > 1 and f.text for f in findings)
    out = format_dup(result)
    assert "照搬本单位往年报告" in out and "与其他单位报告重复" in out


def test_identical_text_is_not_its_own_source(sample_sources):
    text = sample_sources[0].text
    result = check_dup(text, sample_sources)
    assert result.rate < 0.2


def test_cli_check_dup_json(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    text, planted = plant_copies(4)
    draft = tmp_path / "draft.txt"
    draft.write_text(text, encoding="utf-8")
    rng = __import__("random").Random(2)
    old = tmp_path / "old.txt"
    old_body = paragraph(rng, 4)
    old.write_text(f"某局党组2024年度干部选拔任用工作报告\n{old_body}\n", encoding="utf-8")
    draft.write_text(text + old_body + "\n", encoding="utf-8")
    code = main(["check", str(draft), "--dup", "--json", "--against", str(old), "--only", "placeholder"])
    assert code in (0, 1)
    data = json.loads(capsys.readouterr().out)
    dup = data["dup"]
    assert dup["rate"] > 0.2
    assert dup["own_rate"] > 0  # 某局党组 2024 is the same unit
    assert {s["source_unit"] for s in dup["spans"] if s["own"]} == {"某局党组"}
    assert any(s["source_year"] == 2023 for s in dup["spans"])  # the bundled samples
    code = main(["check", str(draft), "--dup", "--against", str(old), "--only", "placeholder"])
    out = capsys.readouterr().out
    assert "查重：重复率" in out and "照搬本单位往年报告" in out


_ALPHABET = st.sampled_from(list("干部选拔任用工作坚持党管原则，。；：！？、\n（）《》“”一二三是12 ＡａX*"))


@settings(max_examples=60, deadline=None)
@given(st.text(_ALPHABET, max_size=400), st.text(_ALPHABET, max_size=400))
def test_any_text_gives_spans_inside_both_texts(a, b):
    from drafter.similarity.copies import SourceIndex, find_copies, prepare

    src = prepare(b, key="b", name="b")
    res = find_copies(prepare(a + b, key="a", name="a"), SourceIndex([src]))
    text = prepare(a + b).text
    assert 0.0 <= res.rate <= 1.0
    for s in res.spans:
        assert 0 <= s.start < s.end <= len(text) and s.text == text[s.start : s.end]
        assert 0 <= s.source_start <= s.source_end <= len(src.text)


def test_kb_sources_cached_on_disk(tmp_path, monkeypatch):
    from drafter.checks.dup import kb_sources
    from drafter.settings import get_settings

    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    s = get_settings()
    cold = kb_sources(s)
    cached = sorted((tmp_path / "home" / "cache" / "dup").glob("*.npz"))
    assert len(cold) == 5 and len(cached) == 5
    warm = kb_sources(s)
    assert [w.key for w in warm] == [c.key for c in cold]
    assert [w.name for w in warm] == [c.name for c in cold]
    for w, c in zip(warm, cold, strict=True):
        assert w.norm == c.norm and w.clauses == c.clauses and (w.hashes == c.hashes).all()
        assert w.sections == c.sections and (w.canonical == c.canonical).all()
    text, _ = plant_copies(1)
    assert check_dup(text, warm).to_dict() == check_dup(text, cold).to_dict()
    # a damaged cache file is ignored and rewritten
    cached[0].write_bytes(b"not an npz")
    again = kb_sources(s)
    assert len(again) == 5 and cached[0].stat().st_size > 100
