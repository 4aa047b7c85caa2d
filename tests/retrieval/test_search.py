"""Searching the bundled knowledge base: known queries, filters, modes and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafter.cli import main
from drafter.errors import InputError

R1 = "reports/001_517c173290857b3c.txt"
R2 = "reports/002_beb470eb93e99a23.txt"
R3 = "reports/003_dc5d88cb51645eb4.txt"
R4 = "reports/004_4c9f5924be026fa2.txt"


def test_bundled_index_holds_every_report_and_policy(bundled_index) -> None:  # type: ignore[no-untyped-def]
    _, retriever = bundled_index
    sources = {r.metadata["source"] for r in retriever._records}
    assert {R1, R2, R3, R4, "reports/000_239d23a2283df756.txt"} <= sources
    assert {
        "policies/selection.yaml",
        "policies/annual_report.yaml",
        "policies/format.yaml",
    } <= sources
    assert not any(s.startswith("specs/") or s.endswith("terms.txt") for s in sources)


@pytest.mark.parametrize(
    ("query", "source", "needle"),
    [
        ("防止带病提拔", R1, "坚决防止“带病提拔”"),
        ("年轻干部培养", R2, "年轻干部"),
        ("凡提四必", "policies/selection.yaml", "凡提必审"),
        ("一报告两评议", "policies/annual_report.yaml", "两项民主评议"),
    ],
)
def test_known_queries_find_the_passage_a_writer_wants(
    bundled_index, query, source, needle
) -> None:  # type: ignore[no-untyped-def]
    _, retriever = bundled_index
    top = retriever.search(query, k=3)
    assert any(p.source == source and needle in p.text for p in top), [
        (p.source, p.text[:30]) for p in top
    ]


def test_problems_query_with_kind_filter_returns_only_problem_sections(
    bundled_index,
) -> None:  # type: ignore[no-untyped-def]
    _, retriever = bundled_index
    got = retriever.search("存在问题", k=5, kinds=["problems"])
    assert got and all(p.kind == "problems" for p in got)
    assert {p.source for p in got} == {R3, R4}
    assert any("推荐考察环节资料不够规范" in p.heading for p in got)


def test_filters_apply_to_every_mode(bundled_index) -> None:  # type: ignore[no-untyped-def]
    _, retriever = bundled_index
    for mode in ("dense", "bm25", "hybrid"):
        got = retriever.search(
            "干部选拔任用 程序", k=5, mode=mode, genres=["report"], exclude_sources=[R1]
        )
        assert got, mode
        assert all(p.genre == "report" and p.source != R1 for p in got), mode
    policies = retriever.search("凡提四必", k=3, genres=["policy"])
    assert all(p.source.startswith("policies/") and p.citation for p in policies)


def test_passages_carry_heading_path_year_and_genre(bundled_index) -> None:  # type: ignore[no-untyped-def]
    _, retriever = bundled_index
    hit = retriever.search("个别人员试用期满考核滞后", k=1, mode="bm25")[0]
    assert hit.source == R4 and hit.genre == "speech" and hit.year == 2023
    assert hit.heading == "二、存在问题 > 2、个别人员试用期满考核滞后"


def test_bad_queries_are_user_errors(bundled_index) -> None:  # type: ignore[no-untyped-def]
    _, retriever = bundled_index
    with pytest.raises(InputError, match="为空"):
        retriever.search("   ")
    with pytest.raises(InputError, match="检索方式"):
        retriever.search("带病提拔", mode="fuzzy")


def test_cli_search_builds_the_index_on_first_use_and_prints_json(
    small_settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DRAFTER_HOME", str(small_settings.home))
    monkeypatch.setenv("DRAFTER_KNOWLEDGE_DIR", str(small_settings.knowledge_dir))
    assert main(["search", "公文标题层级序号", "-k", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 2
    assert {"text", "source", "heading", "score"} <= set(out[0])
    assert out[0]["source"] == "policies/format.yaml" and isinstance(
        out[0]["heading"], str
    )

    assert main(["search", "存在问题", "--mode", "bm25", "-k", "1"]) == 0
    out = capsys.readouterr().out
    assert "市委 · 2023年度 · " in out and "reports/" not in out  # “单位 · 年度 · 标题”, not the file


def test_cli_index_reports_added_unchanged_and_skipped(
    small_settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DRAFTER_HOME", str(small_settings.home))
    monkeypatch.setenv("DRAFTER_KNOWLEDGE_DIR", str(small_settings.knowledge_dir))
    uploads: Path = small_settings.uploads_dir
    uploads.mkdir(parents=True)
    (uploads / "空白.txt").write_bytes(b"")
    assert main(["index"]) == 0
    out = capsys.readouterr().out
    assert "新增 (added): 2" in out and "reports/004_4c9f5924be026fa2.txt" in out
    assert "空白.txt" in out and "空" in out
    assert main(["index"]) == 0
    assert "嵌入 0 段" in capsys.readouterr().out
