import pytest

from drafter.errors import FactSheetError
from drafter.facts.sheet import parse_facts

BASE = "unit: 广州市交通运输局\norg: 局党组\nyear: 2025\n"


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(FactSheetError) as info:
        parse_facts(text)
    return info.value.problems


def test_valid_sheet_round_trips() -> None:
    sheet = parse_facts(
        BASE
        + "figures:\n  - {label: 提拔正科级领导干部, value: 4, unit: 人}\n"
        + "  - {label: 40岁左右中层正职占比, value: 37.5, unit: '%'}\n"
        + "highlights:\n  - 开展谈心谈话\n  - {text: 选派6名年轻干部到基层挂职, section: practices}\n"
    )
    assert [f.key for f in sheet.figures] == ["F1", "F2"]
    assert sheet.figures[0].phrase == "4人" and sheet.figures[1].phrase == "37.5%"
    assert sheet.title == "广州市交通运输局2025年度干部选拔任用工作报告"
    assert parse_facts(sheet.to_yaml()) == sheet


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ("figures:\n  - {label: 职级晋升, value: -2}\n", "数据第1项", "不能为负数"),
        ("figures:\n  - {label: 职级晋升, value: 三个}\n", "数据第1项·数值", "不是数字"),
        ("figures:\n  - {label: 占比, value: 120, unit: '%'}\n", "数据第1项", "不能超过100"),
        ("figures:\n  - {label: 人数, value: 2.5}\n", "数据第1项", "应为整数"),
    ],
)
def test_bad_values_get_chinese_messages(body: str, field: str, words: str) -> None:
    [(where, message)] = problems(BASE + body)
    assert where == field and words in message


def test_missing_year_and_unit_are_named() -> None:
    found = dict(problems("org: 局党组\n"))
    assert found["年度"] == "必须填写" and found["单位名称"] == "必须填写"


def test_broken_yaml_says_which_line() -> None:
    [(_, message)] = problems(BASE + "figures: [\n")
    assert "YAML" in message and "行" in message
