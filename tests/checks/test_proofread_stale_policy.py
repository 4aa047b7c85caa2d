"""Proofreading, stale copy against an older report, and policy formulations."""

from __future__ import annotations

from drafter.checks import check_text


def test_half_width_comma_and_duplicate_in_001(sample_texts: dict[str, str]) -> None:
    text = sample_texts["001"]
    result = check_text(text, categories={"proofread"})
    got = [(f.code, f.text, f.line) for f in result.findings]
    assert ("proofread-half-width", ",", 5) in got
    assert ("proofread-duplicate", "就就", 10) in got
    assert len(got) == 2
    comma = next(f for f in result.findings if f.text == ",")
    assert text[comma.start - 4 : comma.end + 4] == "以德为先,五湖四海"
    assert "，" in comma.message


def test_proofread_has_no_false_alarms_on_samples(sample_texts: dict[str, str], clean_report: str) -> None:
    for key in ("000", "002", "003"):
        assert check_text(sample_texts[key], categories={"proofread"}).findings == [], key
    assert check_text(clean_report, categories={"proofread"}).findings == []
    ok = "的的确确如此，是是非非分明，目的的实现，不了了之不可取，为了了解情况。"
    assert check_text(ok, categories={"proofread"}).findings == []


def test_unpaired_quotes_and_brackets() -> None:
    text = "一、总体情况\n坚持“两个维护，落实《条例》要求（见附件。\n第二句”多了一个。\n"
    got = [(f.text, f.line) for f in check_text(text, categories={"proofread"}).findings]
    assert ("“", 2) in got and ("（", 2) in got and ("”", 3) in got


def test_mixed_heading_styles_in_004(sample_texts: dict[str, str]) -> None:
    result = check_text(sample_texts["004"], categories={"proofread"})
    assert [(f.code, f.text, f.line) for f in result.findings] == [("proofread-mixed-style", "1、", 11)]


def test_stale_copy_against_older_report(sample_texts: dict[str, str], clean_report: str, example_facts) -> None:
    old = sample_texts["000"]
    copied = "二是突出政治标准。我局党组坚持把政治标准摆在首位，认真贯彻落实市委组织部《关于加强干部政治素质考察的意见》，"
    copied += "结合日常了解、调研谈话、干部考核等手段，重点了解干部政治忠诚、政治定力、政治担当、政治能力、政治自律等方面的表现，"
    copied += "确保选出来的干部在政治上经得起检验。"
    new = clean_report.replace("二是突出政治标准。把政治素质考察贯穿动议、推荐、考察、决定各环节，对政治上不合格的实行一票否决。", copied)
    assert new != clean_report
    result = check_text(new, facts=example_facts, against=[("2023年报告.txt", old)], categories={"stale"})
    [f] = result.findings
    assert f.code == "stale-copy" and "2023年报告.txt" in f.message
    assert f.text.startswith("我局党组坚持把政治标准摆在首位")
    # punctuation and spaces do not hide a copy
    disguised = new.replace("我局党组坚持把政治标准摆在首位，", "我局党组 坚持把政治标准摆在首位、")
    assert [x.code for x in check_text(disguised, against=[old], categories={"stale"}).findings] == ["stale-copy"]
    # nothing copied, nothing found
    assert check_text(clean_report, against=[old], categories={"stale"}).findings == []


def test_old_year_carried_over(clean_report: str, example_facts, sample_texts: dict[str, str]) -> None:
    new = clean_report.replace("全年提拔乡科级正职", "2023年，全年提拔乡科级正职")
    result = check_text(new, facts=example_facts, against=[("旧稿", sample_texts["000"])], categories={"stale"})
    assert [(f.code, f.text) for f in result.findings] == [("stale-year", "2023年")]
    # the rectification passage may name last year's appraisal on purpose
    old_2024 = clean_report.replace("2025", "2024")
    result = check_text(clean_report, facts=example_facts, against=[("2024年报告", old_2024)], categories={"stale"})
    assert [f.code for f in result.findings if f.code == "stale-year"] == []


def test_policy_misquotes() -> None:
    text = (
        "一、总体情况\n坚持“信念坚定、为民服务、勤政为民、敢于担当、清正廉洁”的好干部标准。\n"
        "严格落实“凡提四必”，做到干部档案凡提必审、个人有关事项报告凡提必查、纪检监察机关意见凡提必听、线索具体的信访举报凡提必查。\n"
    )
    result = check_text(text, categories={"policy"})
    got = [(f.code, f.severity) for f in result.findings]
    assert got == [("policy-good-cadre", "warning"), ("policy-fanti-sibi", "warning")]
    assert "勤政务实" in result.findings[0].message
    assert result.findings[1].text == "个人有关事项报告凡提必查" and "必核" in result.findings[1].message


def test_policy_in_samples(sample_texts: dict[str, str]) -> None:
    # 000 writes 个人事项报告必查 for 必核; 001 quotes both formulations correctly
    [f] = check_text(sample_texts["000"], categories={"policy"}).findings
    assert f.text == "个人事项报告必查" and f.line == 6
    assert check_text(sample_texts["001"], categories={"policy"}).findings == []
    assert check_text(sample_texts["003"], categories={"policy"}).findings == []


def test_a_habit_repeated_twenty_times_is_one_group_listed_after_the_errors() -> None:
    from drafter.checks import check_text

    body = "".join(f"第{i}项工作,按要求完成。" for i in range(1, 21))
    text = f"一、总体情况\n全年提拔干部*人。\n{body}\n"
    result = check_text(text)
    half = [f for f in result.findings if f.code == "proofread-half-width"]
    assert len(half) == 20
    groups = result.groups
    assert [g.severity for g in groups] == sorted((g.severity for g in groups),
                                                    key=("error", "warning", "info").index)
    [group] = [g for g in groups if g.code == "proofread-half-width"]
    assert group.count == 20 and "共20处" in group.message
    assert [(f.start, f.end) for f in group.findings] == [(f.start, f.end) for f in half]
    assert groups[0].severity == "error" and groups[0].code == "placeholder-number"
    data = result.to_dict()["groups"]
    assert [g["count"] for g in data if g["code"] == "proofread-half-width"] == [20]
    assert all(text[s["start"] : s["end"]] == "," for g in data if g["code"] == "proofread-half-width"
               for s in g["spans"])
