"""Drafts for the review-tool tests (comparison and export)."""

from __future__ import annotations

import re

import pytest

#: A small draft using all four GB/T 9704 heading levels, with run-in level 2–4 headings.
FOUR_LEVELS = """广州市交通运输局党组2025年度干部选拔任用工作报告
2025年，局党组坚持党管干部原则，认真落实“凡提四必”要求。
一、总体情况
全年提拔正科级领导干部4人，职级晋升12人。
二、主要做法
（一）坚持党管干部。一是严格把关。二是规范程序。
1.加强分析研判。每季度开展一次班子运行分析。
（1）建立台账。对全局干部逐人建立档案。
三、存在问题
年轻干部储备不够充足，交流轮岗力度有待加大。
四、下一步工作打算
持续深化干部制度改革，加强年轻干部培养。
"""


@pytest.fixture(scope="session")
def four_levels() -> str:
    return FOUR_LEVELS


@pytest.fixture(scope="session")
def clean_draft(sample_texts: dict[str, str]) -> str:
    """Sample 000 with its placeholders filled, a title, and a 存在问题 section: no errors."""
    text = re.sub(r"\*(人次|人|期)", r"2\1", sample_texts["000"])
    text = text.replace(
        "三、下一步工作打算",
        "三、存在问题\n对照新时代好干部标准，干部队伍建设还存在不足：年轻干部储备不够充足，"
        "干部交流轮岗力度有待加大。\n四、下一步工作打算",
    )
    return "广州市交通运输局党组2023年度干部选拔任用工作报告\n" + text.lstrip()
