"""A unit's own 规范提法 list on a team server (issue 24): uploaded in 知识库 for one unit,
used by that unit's checks only, seen and changed as other uploads are.

Real components: the uploads folder of a temp DRAFTER_HOME, the real checker, the review
desk's batch review and the ``drafter check`` command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from team_cast import UNIT_A, UNIT_B  # type: ignore[import-not-found]

from drafter.checks import check_text
from drafter.checks.formulations import lists_for_unit
from drafter.cli import main
from drafter.errors import AccessDenied
from drafter.facts.sheet import FactSheet
from drafter.kb.scope import KnowledgeScope
from drafter.kb.unit_lists import ScopedUnitLists
from drafter.review.batch import review_batch
from drafter.settings import get_settings
from drafter.storage.accounts import Principal

WRITER_A = Principal("wang", "王文", "writer", frozenset({UNIT_A}))
WRITER_B = Principal("li", "李明", "writer", frozenset({UNIT_B}))
REVIEWER_A = Principal("qian", "钱审", "reviewer", frozenset({UNIT_A}))
ADMIN = Principal("root", "", "admin")

LIST_A = {
    "name": "水务局规范提法清单",
    "terms": [{"text": "一把手说了算", "fix": "党组集体讨论决定", "note": "干部任免须集体讨论决定",
               "source": {"title": "局党组议事规则", "issuer": "江源市水务局党组", "date": "2024-01"}}],
    "formulations": [{"id": "river_chief", "name": "河湖长制", "text": "全面推行河湖长制",
                      "wrong": [{"text": "全面推行河长湖长制"}],
                      "source": {"title": "关于全面推行河长制的意见", "issuer": "中共中央办公厅、国务院办公厅",
                                 "date": "2016-12"}}],
}
BODY = "坚持好干部标准，不搞一把手说了算，全面推行河长湖长制。"


def _report(unit: str) -> str:
    return f"{unit}2025年度干部选拔任用工作报告\n\n一、总体情况\n{BODY}\n\n二、存在问题\n个别环节不够规范。\n"


def _policy_codes(unit: str, settings) -> list[str]:  # type: ignore[no-untyped-def]
    facts = FactSheet(unit=unit, org="局党组", year=2025)
    found = check_text(_report(unit), facts=facts, categories={"policy"},
                       policy_lists=lists_for_unit(settings, facts.unit)).findings
    return sorted(f.code for f in found)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_unit_list_is_used_by_its_units_checks_only(home: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    s = get_settings()
    a = ScopedUnitLists(s, KnowledgeScope.of(WRITER_A))
    ok, msg = a.store("水务局提法.yaml", yaml.safe_dump(LIST_A, allow_unicode=True).encode())
    assert ok, msg
    assert "水务局规范提法清单" in msg and UNIT_A in msg

    # A's checks use it, B's never do
    assert _policy_codes(UNIT_A, s) == ["policy-river-chief", "policy-term"]
    assert _policy_codes(UNIT_B, s) == []
    a_found = check_text(_report(UNIT_A), facts=FactSheet(unit=UNIT_A, org="局党组", year=2025),
                         policy_lists=lists_for_unit(s, UNIT_A)).findings
    term = next(f for f in a_found if f.code == "policy-term")
    assert term.fix == "党组集体讨论决定" and "水务局规范提法清单" in term.source and "局党组议事规则" in term.message

    # the review desk: each report with its own unit's lists
    folder = tmp_path / "batch"
    folder.mkdir()
    for unit, name in ((UNIT_A, "a.txt"), (UNIT_B, "b.txt")):
        (folder / name).write_text(_report(unit), encoding="utf-8")
    result = review_batch([(p.name, p) for p in sorted(folder.iterdir())],
                          policy_lists=lambda unit: lists_for_unit(s, unit))
    by_file = {r.file: sorted(f["code"] for f in r.findings if f["category"] == "policy") for r in result.reports}
    assert by_file == {"a.txt": ["policy-river-chief", "policy-term"], "b.txt": []}

    # drafter check --json: the unit from --unit (or the sheet)
    report = tmp_path / "b.txt"
    report.write_text(_report(UNIT_B), encoding="utf-8")
    main(["check", str(report), "--json", "--only", "policy", "--unit", UNIT_B])
    assert json.loads(capsys.readouterr().out)["findings"] == []
    main(["check", str(report), "--json", "--only", "policy", "--unit", UNIT_A])
    codes = sorted(f["code"] for f in json.loads(capsys.readouterr().out)["findings"])
    assert codes == ["policy-river-chief", "policy-term"]


def test_lists_are_scoped_like_uploads(home: Path) -> None:
    s = get_settings()
    a = ScopedUnitLists(s, KnowledgeScope.of(WRITER_A))
    b = ScopedUnitLists(s, KnowledgeScope.of(WRITER_B))
    reviewer = ScopedUnitLists(s, KnowledgeScope.of(REVIEWER_A))
    admin = ScopedUnitLists(s, KnowledgeScope.of(ADMIN))
    data = yaml.safe_dump(LIST_A, allow_unicode=True).encode()
    assert a.store("水务局提法.yaml", data)[0]
    assert [x.library.name for x in a.lists()] == ["水务局规范提法清单"]
    assert [x.library.name for x in reviewer.lists()] == ["水务局规范提法清单"]
    assert b.lists() == []
    ok, msg = reviewer.store("审核人.yaml", data)
    assert not ok and "审核人不能上传" in msg
    ok, msg = b.store("水务局提法.yaml", data)
    assert not ok and "不属于你所在的单位" in msg
    with pytest.raises(AccessDenied):
        b.delete(a.lists()[0].source)
    # an admin's list without units is for admins only: no unit's checks use it
    assert admin.store("管理员.yaml", yaml.safe_dump({"name": "仅管理员", "terms": [{"text": "说了算"}]},
                                                    allow_unicode=True).encode())[0]
    assert [x.name for x in lists_for_unit(s, UNIT_B)] == [] and len(admin.lists()) == 2
    # an admin gives a list to unit B
    assert admin.store("教育局.yaml", yaml.safe_dump({"name": "教育局清单", "terms": [{"text": "说了算"}]},
                                                   allow_unicode=True).encode(), units=[UNIT_B])[0]
    assert [x.name for x in lists_for_unit(s, UNIT_B)] == ["教育局清单"]
    assert [x.name for x in lists_for_unit(s, UNIT_A)] == ["水务局规范提法清单"]
    # a bad list is refused in Chinese, naming what is wrong; nothing stored
    ok, msg = a.store("坏.yaml", b"formulations:\n  - id: x\n    name: y\n")
    assert not ok and "坏.yaml" in msg and "格式有误" in msg
    ok, msg = a.store("坏2.yaml", b"terms: [\n")
    assert not ok and "坏2.yaml" in msg
    evil = {"formulations": [{"id": "x", "name": "慢", "source": {"title": "某文件"},
                              "clauses": [{"pattern": "(说+)+了", "accept": ["说了"]}]}]}
    ok, msg = a.store("慢.yaml", yaml.safe_dump(evil, allow_unicode=True).encode())
    assert not ok and "重复的分组" in msg
    assert len(a.lists()) == 1
    a.delete(a.lists()[0].source)
    assert a.lists() == [] and lists_for_unit(s, UNIT_A) == []
