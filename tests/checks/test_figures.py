"""Counts held against the fact sheet: supported, unsupported, contradicting."""

from __future__ import annotations

from drafter.checks import check_text, find_counts, match_count
from drafter.facts.sheet import parse_facts


def figure_findings(text: str, facts) -> list[tuple[str, str]]:
    return [(f.code, f.text) for f in check_text(text, facts=facts, categories={"figure"}).findings]


def test_supported_counts_pass(clean_report: str, example_facts) -> None:
    counts = find_counts(clean_report)
    # every count in the clean report is there, and each one is supported
    assert [c.text for c in counts][:6] == ["3人", "5人", "12人", "2人", "6人", "37.5%"]
    assert all(match_count(c, example_facts).status == "supported" for c in counts)
    assert figure_findings(clean_report, example_facts) == []


def test_contradicting_count_names_the_figure(clean_report: str, example_facts) -> None:
    text = clean_report.replace("职级晋升12人", "职级晋升21人")
    [(code, span)] = figure_findings(text, example_facts)
    assert (code, span) == ("figure-contradicts", "21人")
    f = check_text(text, facts=example_facts, categories={"figure"}).findings[0]
    assert "职级晋升" in f.message and "12人" in f.message and f.severity == "error"


def test_swapped_numbers_both_flagged(clean_report: str, example_facts) -> None:
    text = clean_report.replace("正职领导干部3人、乡科级副职领导干部5人", "正职领导干部5人、乡科级副职领导干部3人")
    assert figure_findings(text, example_facts) == [("figure-contradicts", "5人"), ("figure-contradicts", "3人")]


def test_unsupported_count_is_an_error(clean_report: str, example_facts) -> None:
    text = clean_report.replace("干部交流常态化机制初步形成。", "干部交流常态化机制初步形成，共谈心谈话47人次。")
    assert figure_findings(text, example_facts) == [("figure-unsupported", "47人次")]


def test_numbers_in_highlights_are_facts() -> None:
    facts = parse_facts(
        "unit: 测试局\norg: 局党组\nyear: 2025\n"
        "highlights:\n  - 开展“墩苗”计划，选派6名年轻干部到基层挂职\n"
        "problems: [专业干部偏少，仅有3名]\n"
    )
    text = "（一）实践锻炼。选派6名年轻干部到基层挂职。专业干部仅有3名。另有9名干部参训。\n"
    assert figure_findings(text, facts) == [("figure-unsupported", "9名")]


def test_not_counts_no_false_alarms() -> None:
    text = (
        "深刻认识“两个确立”决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”。"
        "落实“一报告两评议”，签订“1书4表”，集中学习“两项法规”，违反中央八项规定精神问题专项治理。"
        "2023年，第2批，40岁左右，党的二十大，围绕政治忠诚、政治定力、政治担当、政治能力、政治自律等5个方面，"
        "培养一批干部，开展一次调研，统一个人事项。"
    )
    assert find_counts(text) == []


def test_chinese_numerals_and_percent_forms() -> None:
    got = [(c.value, c.unit) for c in find_counts("自聘两名助理，培训1.2万人次，占比百分之三十五，举办三期培训班。")]
    assert got == [(2, "名"), (12000, "人次"), (35, "%"), (3, "期")]


def test_no_facts_no_figure_findings(sample_texts: dict[str, str]) -> None:
    result = check_text(sample_texts["000"])
    assert result.by_category("figure") == []


def test_a_figure_never_stated_is_reported_for_the_whole_report_only(clean_report: str, example_facts) -> None:
    # the clean report states every entered figure
    assert not [f for f in check_text(clean_report, facts=example_facts).findings if f.code == "figure-unstated"]
    text = clean_report.replace("交流轮岗6人", "交流轮岗若干人")
    [f] = [f for f in check_text(text, facts=example_facts).findings if f.code == "figure-unstated"]
    assert f.severity == "info" and "交流轮岗" in f.message and "6人" in f.message
    assert f.text.startswith("一、")  # pointed at the 总体情况 heading
    # a single section checked alone (as the drafter does) is not expected to state them all
    assert not [f for f in check_text(text, facts=example_facts, categories={"figure"}).findings
                if f.code == "figure-unstated"]
