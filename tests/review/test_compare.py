"""Section comparison: alignment, statuses, word/character diff, JSON, HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import pytest

from drafter.cli import main
from drafter.review.compare import (
    OPENING_HEADING,
    compare_texts,
    diff_html,
    diff_strings,
    inline_diff,
)


def _lines_without(text: str, start_pat: str, stop_pat: str) -> str:
    """``text`` with the lines from the one matching start_pat up to (not incl.) stop_pat removed."""
    lines = text.splitlines()
    i = next(k for k, ln in enumerate(lines) if re.match(start_pat, ln))
    j = next(k for k, ln in enumerate(lines) if k > i and re.match(stop_pat, ln))
    return "\n".join(lines[:i] + lines[j:]) + "\n"


def _changes(section) -> list[tuple[str, str, str]]:
    return [(op.op, op.old, op.new) for op in section.diff if op.op != "equal"]


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_identical_texts_are_all_same(sample_texts: dict[str, str], key: str) -> None:
    result = compare_texts(sample_texts[key], sample_texts[key])
    assert result.similarity == 1.0
    assert result.sections and all(s.status == "same" for s in result.sections)
    assert all(s.similarity == 1.0 and s.old == s.new for s in result.sections)


def test_json_has_exactly_the_documented_shape(sample_texts: dict[str, str]) -> None:
    new = sample_texts["000"].replace("严格按程序", "严格按照程序")
    data = json.loads(compare_texts(sample_texts["000"], new).to_json())
    assert set(data) == {"similarity", "sections"}
    assert 0.99 < data["similarity"] < 1.0
    for s in data["sections"]:
        assert set(s) == {"status", "old", "new", "similarity", "diff"}
        assert s["status"] in {"same", "changed", "added", "removed"}
        assert 0.0 <= s["similarity"] <= 1.0
        for op in s["diff"]:
            assert set(op) == {"op", "old", "new"}
            assert op["op"] in {"equal", "insert", "delete", "replace"}
    assert data["sections"][0]["old"] == OPENING_HEADING


def test_one_character_insert_is_shown_as_exactly_that(sample_texts: dict[str, str]) -> None:
    old = sample_texts["000"]
    new = old.replace("严格按程序选拔任用", "严格按照程序选拔任用")
    result = compare_texts(old, new)
    changed = [s for s in result.sections if s.status == "changed"]
    assert len(changed) == 1
    assert changed[0].old == changed[0].new == "一、2023年干部选拔任用、职级晋升情况"
    assert _changes(changed[0]) == [("insert", "", "照")]
    # the two sides of the diff give back the two texts of the section
    assert changed[0].new_text.count("按照程序") == 1 and "按照程序" not in changed[0].old_text


def test_one_character_replacement_inside_a_word() -> None:
    old = "一、总体情况\n选拔任用乡科级正职领导干部4人，副职领导干部6人。"
    new = "一、总体情况\n选拔任用乡科级正职领导干部5人，副职领导干部6人。"
    (section,) = compare_texts(old, new).sections
    assert section.status == "changed"
    assert _changes(section) == [("replace", "4", "5")]
    ops = diff_strings("坚持党管干部原则", "坚持党管人才原则")
    assert [(o.op, o.old, o.new) for o in ops if o.op != "equal"] == [("replace", "干部", "人才")]


def test_one_character_delete() -> None:
    ops = diff_strings("严肃认真做好选人用人工作", "严肃认真做选人用人工作")
    assert [(o.op, o.old, o.new) for o in ops if o.op != "equal"] == [("delete", "好", "")]
    assert "".join(o.old for o in ops) == "严肃认真做好选人用人工作"
    assert "".join(o.new for o in ops) == "严肃认真做选人用人工作"


def test_removed_subsection_is_reported_and_later_ones_still_pair(sample_texts: dict[str, str]) -> None:
    old = sample_texts["000"]
    new = _lines_without(old, r"（三）", r"（四）").replace("（四）坚持严管厚爱", "（三）坚持严管厚爱")
    result = compare_texts(old, new)
    removed = [s for s in result.sections if s.status == "removed"]
    assert [(s.old, s.new) for s in removed] == [("（三）加强教育培训，提升干部履职能力", None)]
    renumbered = next(s for s in result.sections if s.old and s.old.startswith("（四）"))
    assert renumbered.new == "（三）坚持严管厚爱，加强干部监督管理"
    assert renumbered.status == "same"
    assert result.counts() == {"same": 7, "changed": 0, "added": 0, "removed": 1}


def test_renumbered_top_level_section_still_pairs(sample_texts: dict[str, str]) -> None:
    old = sample_texts["003"]
    new = _lines_without(old, r"三、存在问题", r"四、下步打算").replace("四、下步打算", "三、下步打算")
    result = compare_texts(old, new)
    by_old = {s.old: s for s in result.sections}
    assert by_old["三、存在问题"].status == "removed"
    plans = by_old["四、下步打算"]
    assert plans.new == "三、下步打算" and plans.status == "same"
    # its subsections pair too
    assert all(s.status == "same" for s in result.sections if s.old and s.old.startswith("（"))


def test_renamed_and_edited_section_pairs_as_changed(sample_texts: dict[str, str]) -> None:
    old = sample_texts["000"]
    new = old.replace("（二）严格执行程序，公道正派选好干部", "（二）严把程序关口，公道正派选准干部")
    new = new.replace("一是加强分析研判。", "一是深入分析研判。")
    result = compare_texts(old, new)
    sec = next(s for s in result.sections if s.old == "（二）严格执行程序，公道正派选好干部")
    assert sec.new == "（二）严把程序关口，公道正派选准干部"
    assert sec.status == "changed" and 0.9 < sec.similarity < 1.0
    assert ("replace", "加强", "深入") in _changes(sec)
    assert not [s for s in result.sections if s.status in ("added", "removed")]


def test_added_section_and_different_reports(sample_texts: dict[str, str]) -> None:
    old = sample_texts["003"]
    new = old.replace("四、下步打算", "四、上年度评议整改情况\n对照上年度评议反馈问题，逐项制定整改措施，已全部整改到位。\n五、下步打算")
    result = compare_texts(old, new)
    added = [s for s in result.sections if s.status == "added"]
    assert [(s.old, s.new) for s in added] == [(None, "四、上年度评议整改情况")]
    assert added[0].diff[0].op == "insert" and "逐项制定整改措施" in added[0].diff[0].new
    # two different reports: low similarity, but the closing sections pair by spec element
    other = compare_texts(sample_texts["000"], sample_texts["003"])
    assert other.similarity < 0.2
    plans = next(s for s in other.sections if s.old == "三、下一步工作打算")
    assert plans.new == "四、下步打算"


def test_inline_diff_marks_changes_with_context() -> None:
    ops = diff_strings("我局党组严格按程序选拔任用干部", "我局党组严格按照程序选拔任用干部")
    assert inline_diff(ops) == "我局党组严格按【+照】程序选拔任用干部"
    assert inline_diff(ops, context=2) == "……格按【+照】程序……"
    assert inline_diff(diff_strings("甲乙丙", "甲丁丙")) == "甲【-乙】【+丁】丙"


def test_diff_html_two_columns_highlighted_and_escaped() -> None:
    old = "一、情况\n提拔<b>干部</b>4人。"
    new = "一、情况\n提拔<b>干部</b>5人，交流2人。"
    page = diff_html(old, new, old_label="旧稿", new_label="新稿")
    assert "<b>" not in page and "&lt;b&gt;" in page  # user text is escaped
    assert page.count("<table") == 1 and "旧稿" in page and "新稿" in page
    assert re.search(r"<del[^>]*>4</del>", page)
    inserted = "".join(re.findall(r"<ins[^>]*>([^<]*)</ins>", page))
    assert inserted.startswith("5") and "交流" in inserted
    assert "4" not in inserted and "提拔" not in inserted
    assert "有改动" in page
    same = compare_texts(old, old)
    assert "提拔" not in diff_html(same, show_same=False)
    assert "提拔" in diff_html(same)


def test_cli_compare_text_and_json(
    sample_texts: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old.txt", tmp_path / "new.docx"
    old.write_text(sample_texts["000"], encoding="utf-8")
    edited = sample_texts["000"].replace("严格按程序", "严格按照程序").replace("二、严肃认真做好", "二、认真做好")
    document = docx.Document()
    for line in edited.splitlines():
        document.add_paragraph(line)
    document.save(str(new))  # a Word file compared with a text file
    assert main(["compare", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "有改动 2" in out and "删除 0" in out
    assert "[有改动 changed] 二、严肃认真做好选人用人工作 → 二、认真做好选人用人工作" in out
    assert "【-严肃】认真做好选人用人工作" in out
    assert "严格按【+照】程序" in out
    assert "[未改动 same] （一）坚持党管干部，强化政治标准把关" in out
    assert main(["compare", str(old), str(new), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["status"] for s in data["sections"]].count("changed") == 2
    assert main(["compare", str(old), str(tmp_path / "nope.txt")]) == 2
    assert "文件不存在" in capsys.readouterr().err
