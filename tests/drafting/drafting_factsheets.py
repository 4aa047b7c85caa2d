"""Fact sheets the drafting tests and the benchmark share."""

from __future__ import annotations

from typing import Any

FULL: dict[str, Any] = {
    "unit": "广州市交通运输局",
    "org": "局党组",
    "year": 2025,
    "level": "乡科级",
    "superior": "广州市委组织部",
    "figures": [
        {"label": "提拔正科级领导干部", "value": 4},
        {"label": "提拔副科级领导干部", "value": 6},
        {"label": "职级晋升", "value": 12},
        {"label": "交流轮岗", "value": 8},
        {"label": "干部教育培训", "value": 156, "unit": "人次"},
        {"label": "党组会议研究干部议题", "value": 9, "unit": "项"},
    ],
    "highlights": [
        "开展“墩苗”计划，选派3名年轻干部到基层挂职锻炼",
        "对拟提拔人选全部开展政治素质专项考察",
    ],
    "problems": ["年轻干部储备不足", "干部交流的力度还不够大"],
    "plans": ["加大年轻干部培养选拔力度", "完善干部考核评价机制"],
    "rectification": ["针对干部交流力度不够的问题，制定交流轮岗计划并推进实施"],
}
MINIMAL: dict[str, Any] = {"unit": "某县统计局", "org": "局党组", "year": 2024}
PERCENT: dict[str, Any] = {
    "unit": "东江区财政局",
    "org": "局党组",
    "year": 2025,
    "figures": [
        {"label": "提拔副科级领导干部", "value": 5},
        {"label": "晋升职级", "value": 7},
        {"label": "新提拔干部中35岁以下占比", "value": 37.5, "unit": "%"},
        {"label": "40岁左右中层正职占比", "value": 20, "unit": "%"},
    ],
    "problems": ["干部专业结构不够合理"],
    "plans": ["优化干部队伍专业结构"],
}
OTHER: dict[str, Any] = {
    "unit": "成都市锦江区发展和改革局",
    "org": "局党委",
    "year": 2023,
    "level": "乡科级",
    "superior": "锦江区委组织部",
    "region": "四川省成都市",
    "figures": [
        {"label": "提拔科级领导干部", "value": 3},
        {"label": "职级晋升", "value": 9},
        {"label": "选派干部到基层挂职", "value": 2},
    ],
    "highlights": [{"text": "建立年轻干部成长档案，实行动态管理", "section": "practices"}],
    "problems": ["干部监督的手段还不够多"],
    "plans": ["健全干部日常监督机制"],
}
COUNTY: dict[str, Any] = {
    "unit": "江北县人民政府办公室",
    "org": "党组",
    "year": 2024,
    "level": "县处级",
    "superior": "江北县委组织部",
    "region": "浙江省江北县",
    "figures": [
        {"label": "提拔县处级领导干部", "value": 2},
        {"label": "晋升一级调研员", "value": 3},
        {"label": "交流轮岗", "value": 4},
    ],
    "highlights": ["坚持重大干部事项党组集体研究决定", "开展干部档案专项审核"],
    "problems": ["干部日常监督还不够有力"],
    "plans": ["加强干部日常监督管理"],
}
SPEECH: dict[str, Any] = {
    "unit": "江源市委",
    "org": "市委",
    "year": 2025,
    "genre": "speech",
    "figures": [{"label": "提拔县处级干部", "value": 5}, {"label": "职级晋升", "value": 9}],
    "problems": ["个别考察材料不规范"],
    "plans": ["严格执行选拔任用程序"],
}
