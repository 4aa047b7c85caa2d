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
    "practices": [
        {"id": "analysis_motion"},
        {"id": "fanti_sibi", "value": 10},
        {"id": "public_notice", "value": 10},
        {"id": "personal_matters", "value": 24, "note": "查核结果全部如实报告"},
    ],
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
    "practices": [{"id": "heart_talk", "value": 60}, {"id": "self_check"}],
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
    "practices": [{"id": "collective_decision"}, {"id": "integrity_talk", "value": 2}],
    "problems": ["干部日常监督还不够有力"],
    "plans": ["加强干部日常监督管理"],
}
SPEECH: dict[str, Any] = {
    "unit": "江源市委",
    "org": "市委",
    "year": 2025,
    "genre": "speech",
    "figures": [{"label": "提拔县处级干部", "value": 5}, {"label": "职级晋升", "value": 9}],
    "practices": [{"id": "talk_recommend"}, {"id": "training", "value": 800}],
    "problems": ["个别考察材料不规范"],
    "plans": ["严格执行选拔任用程序"],
}

# ---- one sheet per unit type (issue 9): varied, each with its own practices ------------
UNIT_SHEETS: dict[str, dict[str, Any]] = {
    "organ": {
        "unit": "湖南省交通运输厅",
        "org": "厅党组",
        "year": 2025,
        "level": "县处级",
        "superior": "湖南省委组织部",
        "figures": [
            {"label": "提拔正处级领导干部", "value": 3},
            {"label": "提拔副处级领导干部", "value": 7},
            {"label": "晋升一级调研员", "value": 4},
            {"label": "交流轮岗干部", "value": 11},
        ],
        "practices": [
            {"id": "collective_study", "value": 14},
            {"id": "fanti_sibi", "value": 10},
            {"id": "double_sign"},
            {"id": "rank_promotion", "value": 4},
            {"id": "civil_servant_appraisal"},
            {"id": "personal_matters", "value": 36},
        ],
        "highlights": ["建立处级干部政治素质档案，一人一档动态更新"],
        "problems": ["干部专业化能力与交通强省建设要求还有差距"],
        "plans": ["分层分类开展处级干部专业化能力培训"],
        "signer": "中共湖南省交通运输厅党组",
        "date": "2026-01-12",
    },
    "local_committee": {
        "unit": "白沙县委",
        "org": "县委常委会",
        "year": 2025,
        "level": "乡科级、县处级",
        "superior": "江源市委组织部",
        "figures": [
            {"label": "提拔乡科级正职领导干部", "value": 12},
            {"label": "提拔乡科级副职领导干部", "value": 27},
            {"label": "职级晋升", "value": 46},
            {"label": "调整不适宜担任现职干部", "value": 3},
        ],
        "practices": [
            {"id": "analysis_motion", "value": 4},
            {"id": "talk_recommend", "value": 320},
            {"id": "collective_decision"},
            {"id": "township_teams", "value": 9},
            {"id": "young_cadres", "value": 15},
            {"id": "full_committee_appraisal"},
            {"id": "report_two_review", "value": 5, "note": "5项反馈问题已全部整改销号"},
        ],
        "highlights": [{"text": "在乡村振兴一线考察识别干部，选派21名干部驻村任第一书记", "section": "practices"}],
        "problems": ["乡镇班子中熟悉产业发展的干部偏少"],
        "plans": ["优化乡镇领导班子专业结构"],
        "date": "2026-01-20",
    },
    "township": {
        "unit": "青石镇",
        "org": "镇党委",
        "year": 2024,
        "figures": [
            {"label": "调整站所负责人", "value": 3},
            {"label": "向县委推荐科级干部人选", "value": 2},
        ],
        "highlights": ["组织站所负责人到先进乡镇跟班学习"],
    },
    "soe": {
        "unit": "江源市城市建设投资集团有限公司",
        "org": "集团党委",
        "year": 2025,
        "level": "中层正职、经理层成员",
        "figures": [
            {"label": "选拔任用中层正职管理人员", "value": 6},
            {"label": "选拔任用中层副职管理人员", "value": 9},
            {"label": "管理人员教育培训", "value": 420, "unit": "人次"},
        ],
        "practices": [
            {"id": "party_pre_study", "value": 11},
            {"id": "competitive_selection", "value": 5},
            {"id": "tenure_contract", "value": 18},
            {"id": "market_hire", "value": 2},
            {"id": "performance_appraisal"},
            {"id": "economic_audit", "value": 4},
        ],
        "highlights": ["在重大项目建设一线设立青年人才“揭榜挂帅”岗位"],
        "problems": ["市场化选聘的考核退出机制还不够健全"],
        "plans": ["完善经理层成员契约化管理考核办法"],
    },
    "university": {
        "unit": "江源理工大学",
        "org": "校党委",
        "year": 2025,
        "level": "正处级、副处级",
        "figures": [
            {"label": "选拔任用正处级干部", "value": 8},
            {"label": "选拔任用副处级干部", "value": 14},
            {"label": "提任40岁以下处级干部", "value": 6, "unit": "名"},
        ],
        "practices": [
            {"id": "term_change", "value": 12},
            {"id": "dual_role", "value": 9},
            {"id": "talk_recommend"},
            {"id": "inspection", "value": 22},
            {"id": "tenure_appraisal", "value": 30},
            {"id": "training", "value": 380},
        ],
        "highlights": [{"text": "把师德师风表现作为考察二级学院院长人选的重要内容", "section": "practices"}],
        "problems": ["部分二级学院中层班子结构不够合理"],
        "plans": ["加强二级学院领导班子建设"],
        "date": "2026-01-08",
    },
    "institution": {
        "unit": "江源市第一人民医院",
        "org": "医院党委",
        "year": 2025,
        "level": "中层正职",
        "figures": [
            {"label": "选拔任用中层正职干部", "value": 5},
            {"label": "竞聘上岗中层干部", "value": 13},
        ],
        "practices": [
            {"id": "competitive_selection", "value": 13},
            {"id": "tenure_appraisal", "value": 41},
            {"id": "mentoring", "value": 8},
            {"id": "integrity_talk", "value": 18},
        ],
        "highlights": [{"text": "上年度评议反馈的科室主任任期管理问题已建立台账销号", "section": "rectification"}],
        "problems": ["临床科室干部管理能力培训不足"],
        "plans": ["开展临床科室主任管理能力专题培训"],
    },
}
