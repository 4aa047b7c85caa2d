"""Prompts as checked files, the number ledger and citations, with a scripted model."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.checks.section import check_section
from drafter.drafting import DraftEngine
from drafter.drafting.chain import map_citations, parse_answer
from drafter.drafting.ledger import NumberLedger
from drafter.drafting.prompts import (
    MissingVariables,
    PromptError,
    check_template,
    load_prompts,
)
from drafter.drafting.types import Source
from drafter.errors import BackendUnavailable
from drafter.facts.sheet import FactSheet
from drafter.settings import REPO_ROOT, Settings
from drafter.text.markers import MISSING_RE


def test_bundled_prompts_load() -> None:
    prompts = load_prompts(REPO_ROOT / "prompts")
    assert "marker_example" in prompts.system.variables
    text = prompts.system.render(genre_name="干部选拔任用工作报告", marker_example="〔待补：……〕")
    assert "〔待补：……〕" in text and "{{F1}}" in text


def test_unknown_variable_is_refused_when_loaded(tmp_path: Path) -> None:
    for name in ("system", "section", "regenerate"):
        (tmp_path / f"{name}.txt").write_text((REPO_ROOT / "prompts" / f"{name}.txt").read_text("utf-8"), "utf-8")
    (tmp_path / "section.txt").write_text(
        (tmp_path / "section.txt").read_text("utf-8") + "\n${unit_name}", "utf-8"
    )
    with pytest.raises(PromptError, match="unit_name"):
        load_prompts(tmp_path)


def test_missing_required_variable_and_render_check() -> None:
    with pytest.raises(PromptError, match="marker_example"):
        check_template("system", "只写正文。")
    prompt = check_template("system", "${genre_name} ${marker_example}")
    with pytest.raises(MissingVariables, match="marker_example"):
        prompt.render(genre_name="报告")


def test_ledger_substitutes_and_flags_unknown(full_facts: FactSheet) -> None:
    ledger = NumberLedger(full_facts)
    described = ledger.describe()
    assert "{{F1}}" in described and "提拔正科级领导干部" in described
    assert "4" not in described.replace("F4", "")  # labels only, never values
    sub = ledger.substitute("全年提拔正科级领导干部{{F1}}人，职级晋升{{ F3 }}；另{{F99}}。")
    assert sub.text.startswith("全年提拔正科级领导干部4人，职级晋升12人；")
    assert sub.unknown == ["F99"] and MISSING_RE.search(sub.text)
    assert ledger.tokenize("提拔正科级领导干部4人") == "提拔正科级领导干部{{F1}}"


def test_citations_map_back_and_unknown_ids_are_dropped() -> None:
    offered = [Source("S1", "reports/a.txt", "一、", "甲"), Source("S2", "reports/b.txt", "二、", "乙")]
    text, cited = map_citations("严格程序。[S2] 凡提四必。[S7]【S1、S2】", offered)
    assert cited == ["S2", "S1"] and "[" not in text and "S7" not in text


def test_parse_answer_removes_markdown_and_echoed_heading() -> None:
    raw = "## 二、严格程序\n\n**（一）加强研判**\n- 坚持研判。\n```\n"
    assert parse_answer(raw, "二、严格程序") == "（一）加强研判\n坚持研判。"


def test_prompt_gets_tokens_not_values_and_sources_are_kept(
    bundled_index, full_facts: FactSheet, fake_model
) -> None:
    settings, retriever = bundled_index
    engine = DraftEngine(settings, section_check=check_section, retriever=retriever, model=fake_model)
    outline = engine.outline(full_facts)
    fake_model.default = "全年提拔正科级领导干部{{F1}}，职级晋升{{F3}}。坚持好干部标准。[S1]"
    draft = engine.draft(full_facts, outline)
    overview = draft.section("overview")
    assert "提拔正科级领导干部4人" in overview.text and "{{" not in overview.text
    assert overview.sources and overview.sources[0].id == "S1" and overview.sources[0].source
    prompts = [m[-1]["content"] for m in fake_model.history]
    overview_prompt = next(p for p in prompts if "总体情况" in p.split("本部分：")[1][:30])
    # issue 18 item 9: the figures with their values (the answer still writes the tokens)
    assert "{{F1}}：提拔正科级领导干部，本单位数值 4人" in overview_prompt
    assert "正文写作“提拔正科级领导干部{{F1}}”" in overview_prompt
    assert str(full_facts.year) in overview_prompt  # rendered per call with this year


def test_invented_number_becomes_a_figure_finding(bundled_index, full_facts: FactSheet, fake_model) -> None:
    settings, retriever = bundled_index
    engine = DraftEngine(settings, section_check=check_section, retriever=retriever, model=fake_model)
    fake_model.default = "全年提拔正科级领导干部{{F1}}，另有17人交流到基层。"
    draft = engine.draft(full_facts)
    figures = [f for f in draft.section("overview").findings if f.category == "figure"]
    assert figures and "17人" in figures[0].text


def test_regenerate_prompt_carries_instruction_and_tokenised_previous(
    bundled_index, full_facts: FactSheet, fake_model
) -> None:
    settings, retriever = bundled_index
    engine = DraftEngine(settings, section_check=check_section, retriever=retriever, model=fake_model)
    fake_model.default = "全年提拔正科级领导干部{{F1}}。"
    draft = engine.draft(full_facts)
    fake_model.enqueue("精炼后提拔正科级领导干部{{F1}}。")
    new = engine.regenerate(draft, "overview", full_facts, instruction="更精炼")
    prompt = fake_model.history[-1][-1]["content"]
    assert "更精炼" in prompt and "提拔正科级领导干部{{F1}}" in prompt
    assert new.text == "精炼后提拔正科级领导干部4人。" and new.instruction == "更精炼"
    assert draft.section("overview").text == "全年提拔正科级领导干部4人。"  # the draft is untouched
    fake_model.enqueue(BackendUnavailable("服务器断开"))
    with pytest.raises(BackendUnavailable):
        engine.regenerate(draft, "overview", full_facts, instruction="再试")


def test_settings_prompts_dir_is_used(tmp_path: Path, fake_model) -> None:
    with pytest.raises(PromptError, match="DRAFTER_PROMPTS_DIR"):
        DraftEngine(Settings(home=tmp_path, prompts_dir=tmp_path / "none"), section_check=check_section, retriever=object(), model=fake_model)


def test_model_prompt_carries_the_unit_profile_and_only_that_sections_figures(bundled_index, fake_model) -> None:
    """Issue 9: profile, canonical formulations, this section's figures only, practices, budget, 参考 rule."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from drafting_factsheets import UNIT_SHEETS

    from drafter.facts.sheet import facts_from_data

    settings, retriever = bundled_index
    facts = facts_from_data(UNIT_SHEETS["soe"])
    engine = DraftEngine(settings, section_check=check_section, retriever=retriever, model=fake_model)
    outline = engine.outline(facts)
    fake_model.default = "坚持党委会前置研究干部人事事项。[S1]"
    draft = engine.draft(facts, outline)
    prompts = {m[-1]["content"].split("本部分：", 1)[1].split("\n", 1)[0]: m for m in fake_model.history}
    system = next(iter(prompts.values()))[0]["content"]
    assert "其他单位往年的报告" in system and "不能当作本单位的工作" in system

    training = next(v for k, v in prompts.items() if "教育培训" in k)[-1]["content"]
    # the unit type's profile
    assert "单位类型：国有企业" in training and "自称：集团" in training
    assert "集团党委会议" in training and "《国有企业领导人员管理规定》" in training
    assert "公务员" in training.split("本类单位报告中不应出现的词：", 1)[1].split("\n", 1)[0]
    # canonical formulations, quoted from knowledge/policies
    assert "信念坚定、为民服务、勤政务实、敢于担当、清正廉洁" in training
    # only this section's figures: 管理人员教育培训 is F3; the selection counts F1/F2 are not offered
    figures_block = training.split("本部分可用的数据", 1)[1].split("可以原样引用", 1)[0]
    assert "{{F3}}" in figures_block and "管理人员教育培训" in figures_block
    assert "{{F1}}" not in figures_block and "{{F2}}" not in figures_block
    assert "本单位数值 420人次" in figures_block  # issue 18 item 9: the value, beside its token
    # a length budget and the 参考 rule
    assert "不超过" in training and "字" in training.split("不超过", 1)[1][:6]
    assert "其他单位往年的报告" in training
    # the bundled knowledge base has no company report: no 机关 passage, the phrase bank instead
    assert "知识库中没有国有企业的报告" in training and "（其他单位的报告：" not in training
    assert "职级晋升" not in training.split("参考写法", 1)[1]

    overview = next(v for k, v in prompts.items() if "总体情况" in k)[-1]["content"]
    # the overview states the year's totals; a figure placed in its practice paragraph is stated there only
    assert all(f"{{{{F{i}}}}}" in overview for i in (1, 2)) and "{{F3}}" not in overview
    practices = next(v for k, v in prompts.items() if "严格程序" in k)[-1]["content"]
    assert "公开竞聘" in practices and "数量：5人" in practices  # the ticked practices with counts
    assert "市场化选聘职业经理人" in practices
    assert "{{F1}}" not in practices.split("本部分可用的数据", 1)[1].split("可以原样引用", 1)[0]
    assert all(s.backend == "fake" for s in draft.sections)
