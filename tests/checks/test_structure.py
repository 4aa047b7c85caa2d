"""Structure against the spec, numbering, enumerations."""

from __future__ import annotations

from drafter.checks import check_text


def codes(result, category: str | None = None) -> list[str]:
    return [f.code for f in result.findings if category is None or f.category == category]


def test_problems_missing_from_000_001_002(sample_texts: dict[str, str]) -> None:
    for key in ("000", "001", "002"):
        result = check_text(sample_texts[key])
        missing = [f for f in result.findings if f.code == "structure-missing-problems"]
        assert len(missing) == 1, key
        assert missing[0].severity == "error" and "存在问题" in missing[0].message
        assert {e.id: e.status for e in result.elements}["problems"] == "missing"
    # 003 and the 004 speech do have it
    for key in ("003", "004"):
        assert "structure-missing-problems" not in codes(check_text(sample_texts[key]))


def test_rectification_missing_is_a_warning(sample_texts: dict[str, str]) -> None:
    result = check_text(sample_texts["003"])
    [f] = [f for f in result.findings if f.code == "structure-missing-rectification"]
    assert f.severity == "warning"


def test_overview_in_opening_counts(sample_texts: dict[str, str]) -> None:
    result = check_text(sample_texts["002"])
    assert {e.id: e.status for e in result.elements}["overview"] == "opening"
    assert not [c for c in codes(result) if "overview" in c]


def test_speech_genre_detected(sample_texts: dict[str, str]) -> None:
    result = check_text(sample_texts["004"])
    assert result.genre == "speech"
    assert codes(result, "structure") == []


def test_level_skip_in_003(sample_texts: dict[str, str]) -> None:
    result = check_text(sample_texts["003"])
    skips = [f for f in result.findings if f.code == "numbering-level-skip"]
    assert [(f.line, f.text) for f in skips] == [(9, "（1）"), (15, "（1）")]
    assert "二、主要做法" in skips[0].message and skips[0].severity == "warning"


def test_clean_report_has_no_findings(clean_report: str, example_facts) -> None:
    result = check_text(clean_report, facts=example_facts)
    assert result.findings == []
    assert {e.id: e.status for e in result.elements} == {
        "overview": "present", "practices": "present", "rectification": "present",
        "problems": "present", "other": "missing", "plans": "present",
    }


def test_removed_and_swapped_sections(clean_report: str) -> None:
    lines = clean_report.splitlines()
    start = lines.index("四、存在问题")
    removed = "\n".join(lines[:start] + lines[start + 2 :])
    result = check_text(removed, categories={"structure", "numbering"})
    assert "structure-missing-problems" in codes(result)
    assert "numbering-gap" in codes(result)  # 三、 then 五、
    # move 下一步 before 存在问题
    plans = lines.index("五、下一步工作打算")
    swapped = lines[:start] + lines[plans : plans + 2] + lines[start:plans]
    result = check_text("\n".join(swapped), categories={"structure"})
    [f] = [f for f in result.findings if f.code == "structure-order"]
    assert f.text.startswith("四、存在问题") and f.severity == "error"


def test_empty_section_and_thin_practices() -> None:
    text = "一、总体情况\n全年提拔3人。\n二、主要做法\n（一）严格程序。一是规范动议。\n三、存在问题\n四、下一步打算\n下一步，继续努力。\n"
    result = check_text(text, categories={"structure"})
    assert "structure-thin-practices" in codes(result)
    [empty] = [f for f in result.findings if f.code == "structure-empty"]
    assert empty.text == "三、存在问题" and empty.line == 5
    # one 主要做法 section with two subsections is enough
    ok = text.replace("（一）严格程序。一是规范动议。\n", "（一）严格程序。一是规范动议。\n（二）加强培训。全年培训。\n")
    assert "structure-thin-practices" not in codes(check_text(ok, categories={"structure"}))


def test_heading_gaps_repeats_order_restart() -> None:
    text = (
        "一、甲\n（一）子。内容。\n（二）丑。内容。\n二、乙\n（三）寅。内容。\n"
        "四、丙\n（一）卯。内容。\n（一）辰。内容。\n（三）巳。内容。\n（二）午。内容。\n"
    )
    result = check_text(text, categories={"numbering"})
    got = [(f.code, f.text, f.line) for f in result.findings]
    assert ("numbering-no-restart", "（三）", 5) in got
    assert ("numbering-gap", "四、", 6) in got
    assert ("numbering-repeat", "（一）", 8) in got
    assert ("numbering-gap", "（三）", 9) in got
    assert ("numbering-order", "（二）", 10) in got


def test_enumerations_skip_and_repeat() -> None:
    text = "（一）严格程序。一是规范动议。三是严格考察。三是做好公示。\n（二）加强培训。一是抓学习。二是抓实践。\n"
    result = check_text(text, categories={"numbering"})
    got = [(f.code, f.text) for f in result.findings]
    assert got == [("enumeration-gap", "三是"), ("enumeration-repeat", "三是")]


def test_fragment_starting_at_level_two_is_fine() -> None:
    text = "（一）强化培训。一是抓学习。二是抓实践。\n（二）严格监督。一是谈心谈话。\n"
    assert check_text(text, categories={"placeholder", "figure", "numbering"}).findings == []


def test_the_outline_choice_of_element_overrides_the_heading_wording(clean_report: str) -> None:
    from drafter.checks import check_text

    renamed = clean_report.replace("四、存在问题", "四、短板弱项")
    [heading] = [s.label for s in check_text(renamed).doc.sections if "短板弱项" in s.title]
    codes = {f.code for f in check_text(renamed).findings}
    assert "structure-missing-problems" in codes  # the wording alone names no problems part
    hinted = check_text(renamed, elements={heading: "problems"})
    assert "structure-missing-problems" not in {f.code for f in hinted.findings}
