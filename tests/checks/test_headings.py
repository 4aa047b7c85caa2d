"""Element recognition on the heading variants in data/heading_variants.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from drafter.checks import check_text
from drafter.text.doctree import parse
from drafter.text.specs import assign_elements, load_spec

VARIANTS = yaml.safe_load((Path(__file__).parent / "data" / "heading_variants.yaml").read_text(encoding="utf-8"))
CASES = VARIANTS["variants"]


def section_text(case: dict[str, object]) -> str:
    lines = [str(case["heading"])]
    if case.get("body"):
        lines.append(str(case["body"]))
    for child in case.get("children") or []:  # type: ignore[union-attr]
        lines += [str(child), "内容。"]
    return "\n".join(lines)


def test_there_are_at_least_forty_variants_covering_every_element() -> None:
    assert len(CASES) >= 40
    assert {c["element"] for c in CASES} == {"overview", "practices", "problems", "rectification", "other", "plans"}


@pytest.mark.parametrize("case", CASES, ids=[f"{c['heading']}" for c in CASES])
def test_heading_variant_is_recognised(case: dict[str, object]) -> None:
    # the variant stands first in a report, as overview sections do
    doc = parse("某局党组2024年度干部选拔任用工作报告\n" + section_text(case) + "\n")
    spec = load_spec("report")
    assert assign_elements(doc, spec)[id(doc.sections[0])] == case["element"]


def test_main_work_section_with_practice_subsections_is_not_taken_for_the_overview() -> None:
    text = ("某局党组2024年度干部选拔任用工作报告\n一、总体情况\n全年提拔干部5人，晋升职级3人。\n二、主要工作情况\n"
            "（一）锚定目标抓班子。内容。\n（二）严格程序选干部。内容。\n三、存在问题\n问题。\n四、下一步打算\n打算。\n")
    result = check_text(text)
    statuses = {e.id: e.status for e in result.elements}
    assert statuses["practices"] == "present" and statuses["overview"] == "present"
    assert not [f for f in result.findings if f.code.startswith("structure-missing") and f.severity == "error"]
