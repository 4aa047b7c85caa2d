"""Issue 19: verdicts independent of order and names, learned 套话, statistics sentences,
identical texts, spans within a line, direction of copying, folding, reworded contradictions."""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import batchgen  # noqa: E402
import scalegen  # noqa: E402

from drafter.checks.dup import source_from_text  # noqa: E402
from drafter.kb.ingest import read_text  # noqa: E402
from drafter.kb.meta import detect_meta, join_wrapped_title, unit_from_filename  # noqa: E402
from drafter.review.batch import review_batch  # noqa: E402
from drafter.review.numbers import number_contradictions  # noqa: E402
from drafter.review.status import load_rules  # noqa: E402
from drafter.similarity.common import MIN_DF, learn  # noqa: E402
from drafter.similarity.copies import SourceIndex, find_copies  # noqa: E402
from drafter.similarity.shingles import canonical_phrases, normalise  # noqa: E402
from drafter.text.fold import fold, fold_compat  # noqa: E402


@pytest.fixture(scope="module")
def scale_batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale")
    truth = scalegen.make_scale_batch(root / "batch", root / "prev", 60, seed=7)
    return root, truth


def _inputs(folder: Path) -> list[tuple[str, Path]]:
    return [(p.name, p) for p in sorted(folder.iterdir())]


def test_verdicts_do_not_depend_on_file_order_or_names(scale_batch, tmp_path):
    root, truth = scale_batch
    prev = sorted((root / "prev").iterdir())
    first = review_batch(_inputs(root / "batch"), previous=prev)
    # the same files, renamed so that they sort in reverse, given in reverse order
    rev = tmp_path / "rev"
    rev.mkdir()
    names = sorted(p.name for p in (root / "batch").iterdir())
    back = {}
    for k, name in enumerate(names):
        new = f"{len(names) - k:04d}_{name.split('_', 1)[-1]}" if name[:4].isdigit() else f"z{k}_{name}"
        shutil.copy(root / "batch" / name, rev / new)
        back[new] = name
    second = review_batch(list(reversed(_inputs(rev))), previous=list(reversed(prev)))
    a = {r.file: r for r in first.reports}
    assert len(second.reports) == len(a)
    for r2 in second.reports:
        r1 = a[back[r2.file]]
        assert (r1.status, r1.reasons) == (r2.status, r2.reasons), r2.file
        s1 = r1.similar["similarity"] if r1.similar else 0.0
        s2 = r2.similar["similarity"] if r2.similar else 0.0
        assert abs(s1 - s2) <= 0.02
        assert (r1.previous_dup or 0) == pytest.approx(r2.previous_dup or 0, abs=0.02)
        if r1.similar:
            assert back[r2.similar["file"]] == r1.similar["file"]
    # planted copies: found, with the right source, on both sides; clean reports pass (in a batch
    # of 60, ten units a type, a unit type's 套话 is still rare now and then: a notice, never 退回)
    clean = [t for t in truth if t.clean and not t.donor]
    assert sum(a[t.file].status == "通过" for t in clean) >= 0.7 * len(clean)
    for t in truth:
        r = a[t.file]
        if t.copied_from:
            assert r.similar and r.similar["file"] == t.copied_from and r.status != "通过", t.file
            assert a[t.copied_from].similar is not None
        if t.clean and not t.donor:
            assert r.status == "通过" or r.reasons[0].endswith("处相同段落（占{:.0%}），请核实".format(
                round(r.similar["similarity"] * 100) / 100)), (t.file, r.reasons)
        if t.kangxi:
            assert r.unit == t.unit and r.previous is not None


def _pair_sims(res) -> dict[frozenset[str], float]:
    return {frozenset((p["a"].removeprefix("guest_"), p["b"].removeprefix("guest_"))): p["similarity"]
            for p in res.pairs}


def test_a_pair_scores_the_same_alone_and_in_any_batch(scale_batch, tmp_path):
    """Issue 19, item 2: the same pair within 0.02 alone, in its batch and in another batch
    under other names — however much 套话 the batch shares (heavy: every unit draws half its
    sentences from common and per-type pools, which the batch learns and the pair alone cannot)."""
    root, truth = scale_batch
    T = {t.file: t for t in truth}
    copies = [t for t in truth if t.copied_from]
    assert copies and {t.copied_share for t in copies} >= {0.4}
    prev = sorted((root / "prev").iterdir())
    in_batch = _pair_sims(review_batch(_inputs(root / "batch"), previous=prev))
    # a second batch (other units, other 套话 pools) with the pairs embedded under new names
    host = tmp_path / "host"
    other = scalegen.make_scale_batch(host / "batch", host / "prev", 40, seed=23)
    units = {T[f].unit for t in copies for f in (t.file, t.copied_from)}
    emb = tmp_path / "emb"
    emb.mkdir()
    for t in other:
        if t.unit not in units:
            shutil.copy(host / "batch" / t.file, emb / t.file)
    for t in copies:
        for f in (t.file, t.copied_from):
            shutil.copy(root / "batch" / f, emb / f"guest_{f}")
    embedded = _pair_sims(review_batch(_inputs(emb), previous=sorted((host / "prev").iterdir()) + prev))
    for t in copies:
        key = frozenset((t.file, t.copied_from))
        alone = review_batch([(t.file, root / "batch" / t.file), (t.copied_from, root / "batch" / t.copied_from)],
                             previous=[root / "prev" / T[f].previous_file for f in key])
        s_alone = _pair_sims(alone)[key]
        assert s_alone >= 0.3, (t.file, t.copied_share, s_alone)
        assert in_batch[key] == pytest.approx(s_alone, abs=0.02), (t.file, t.copied_share)
        assert embedded[key] == pytest.approx(s_alone, abs=0.02), (t.file, t.copied_share)
    # a report and the same text under another unit's name: 100% alone and in a batch
    twin = next(t for t in copies if t.file.endswith(".txt"))
    text = (root / "batch" / twin.file).read_text(encoding="utf-8")
    (emb / "twin.txt").write_text(text.replace(twin.unit, "云岭市统计局党组"), encoding="utf-8")
    (tmp_path / "twin.txt").write_text(text.replace(twin.unit, "云岭市统计局党组"), encoding="utf-8")
    key = frozenset((twin.file, "twin.txt"))
    got = _pair_sims(review_batch(_inputs(emb)))[key]
    alone = _pair_sims(review_batch([(twin.file, root / "batch" / twin.file), ("twin.txt", tmp_path / "twin.txt")]))[key]
    assert got == pytest.approx(1.0, abs=0.005) and alone == pytest.approx(1.0, abs=0.005)


def _report(unit: str, body: str) -> str:
    return f"{unit}2025年度干部选拔任用工作报告\n一、总体情况\n{body}\n"


def test_boilerplate_many_units_share_is_learned_not_copying():
    rng = random.Random(4)
    common = "坚持把政治标准放在首位不断健全完善干部考察识别机制扎实推进年轻干部梯队建设取得明显成效。"
    rare = "今年我们首创了山区干部夜访农户积分台账制度并把积分结果直接写进年度考核评语里面。"
    units = [f"{c}市水务局党组" for c in "甲乙丙丁戊己庚辛"]
    texts = [_report(u, batchgen.paragraph(rng, 3) + common + batchgen.paragraph(rng, 3)) for u in units]
    texts[1] = texts[1].replace(common, common + rare)
    texts[5] = texts[5].replace(common, common + rare)
    reports = [source_from_text(t, key=f"r{i}") for i, t in enumerate(texts)]
    assert len(units) >= MIN_DF
    wording = learn(reports)
    wording.apply(reports)
    r1 = find_copies(reports[1], SourceIndex([reports[5]]))
    assert any("夜访农户" in s.text for s in r1.spans)
    assert not any("政治标准放在首位" in s.text for s in r1.spans)
    r0 = find_copies(reports[0], SourceIndex([reports[3]]))
    assert r0.copied == 0  # only 套话 shared
    # the drafting phrase bank is standard wording too
    from drafter.facts.phrasebank import fixed_pieces

    pieces = [normalise(p) for p in fixed_pieces() if len(normalise(p)) >= 6]
    assert pieces and set(pieces) <= set(canonical_phrases())


def test_statistics_sentence_is_a_figure_change_not_a_copy():
    prev = ("江源市水务局党组2024年度干部选拔任用工作报告\n一、总体情况\n"
            "全年提拔正科级领导干部3人，进一步使用干部2人，职级晋升干部12人，交流轮岗干部6人。\n"
            "2024年，局党组坚持从严从实开展干部队伍分析研判，逐人建立干部成长档案并动态更新。\n")
    cur = prev.replace("2024", "2025").replace("正科级领导干部3人", "正科级领导干部5人")
    a = source_from_text(cur, key="cur")
    b = source_from_text(prev, key="prev")
    res = find_copies(a, SourceIndex([b]))
    assert res.stats and any(("提拔正科级", "3", "5") in st.changes for st in res.stats)
    assert "提拔正科级 3→5" in res.stats[0].describe()
    assert not any("提拔正科级" in s.text for s in res.spans)
    # only the year changed: that is copied text
    assert any("分析研判" in s.text for s in res.spans)


def test_identical_texts_score_100_and_spans_stay_inside_a_line():
    rng = random.Random(9)
    body = "\n".join(batchgen.paragraph(rng, 3) for _ in range(4))
    text = "某局党组2025年度干部选拔任用工作报告\n一、总体情况\n" + body + "\n二、主要做法\n" + batchgen.paragraph(rng, 3) + "\n"
    src = source_from_text(text, key="a", unit="甲局党组")
    res = find_copies(source_from_text(text, key="b", unit="乙局党组"), SourceIndex([src]))
    assert res.rate == pytest.approx(1.0)
    assert res.spans
    for s in res.spans:
        assert "\n" not in s.text and "\n" not in s.source_text
        assert "主要做法" not in s.text


def test_direction_named_only_when_known(tmp_path):
    rng = random.Random(11)
    own_old = batchgen.paragraph(rng, 4)

    def rep(unit, year, body):
        return (f"{unit}{year}年度干部选拔任用工作报告\n一、总体情况\n{batchgen.paragraph(rng, 3)}\n二、主要做法\n{body}\n"
                f"三、存在问题\n{batchgen.paragraph(rng, 3)}\n四、下一步工作打算\n{batchgen.paragraph(rng, 3)}\n")
    a24 = rep("临川市财政局党组", 2024, own_old + batchgen.paragraph(rng, 3))
    a25 = rep("临川市财政局党组", 2025, own_old + batchgen.paragraph(rng, 3))
    b25 = rep("青石市审计局党组", 2025, own_old + batchgen.paragraph(rng, 3))
    c25 = rep("白河市民政局党组", 2025, batchgen.paragraph(rng, 5))
    d25 = rep("云岭市商务局党组", 2025, c25.split("二、主要做法\n")[1].split("\n")[0] + batchgen.paragraph(rng, 2))
    for name, t in (("a.txt", a25), ("b.txt", b25), ("c.txt", c25), ("d.txt", d25), ("a24.txt", a24)):
        (tmp_path / name).write_text(t, encoding="utf-8")
    res = review_batch([(n, tmp_path / n) for n in ("a.txt", "b.txt", "c.txt", "d.txt")],
                       previous=[tmp_path / "a24.txt"])
    rows = {r.file: r for r in res.reports}
    assert rows["b.txt"].similar["file"] == "a.txt" and rows["b.txt"].similar["copier"] is True
    assert any("疑似抄袭" in x for x in rows["b.txt"].reasons)
    assert not any("疑似抄袭" in x for x in rows["a.txt"].reasons)
    # c and d share a passage, nobody knows who was first: named on both sides, no accusation
    for f, other in (("c.txt", "云岭市商务局党组"), ("d.txt", "白河市民政局党组")):
        assert rows[f].similar and not rows[f].similar["copier"]
        assert any(f"与{other}报告有" in x and "处相同段落" in x for x in rows[f].reasons), rows[f].reasons
        assert not any("疑似抄袭" in x for x in rows[f].reasons)


def test_kangxi_radicals_folded_everywhere(tmp_path):
    assert fold_compat("⼀、⼲部⼯作⼈员") == "一、干部工作人员"
    assert fold("⼀、總體情況") == "一、总体情况"
    text = "江源市水务局党组2025年度⼲部选拔任⽤⼯作报告\n⼀、总体情况\n全年提拔⼲部5⼈。\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    got = read_text(tmp_path / "a.txt").text
    assert "⼲" not in got and "⼀、总体情况" not in got and "一、总体情况" in got
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    d.save(str(tmp_path / "b.docx"))
    got = read_text(tmp_path / "b.docx").text
    assert "干部选拔任用工作报告" in got
    assert detect_meta(got).unit == "江源市水务局党组"


def test_titles_units_and_years_from_wrapped_titles_and_file_names():
    assert join_wrapped_title("江源市水务局党组2025年度干部选拔任用\n工作报告\n一、总体情况\n").startswith(
        "江源市水务局党组2025年度干部选拔任用工作报告\n")
    assert join_wrapped_title("一、总体情况\n全年…\n") == "一、总体情况\n全年…\n"
    m = detect_meta("关于2025年度干部选拔任用工作情况的报告\n正文。\n", "01_临川市财政局.docx")
    assert m.unit == "临川市财政局" and m.year == 2025
    assert unit_from_filename("007_青石市审计局2024年度干部选拔任用工作报告.pdf") == "青石市审计局"
    src = source_from_text("干部选拔任用工作报告\n一、总体情况\n正文。\n", filename="03_白河市民政局.txt")
    assert src.unit == "白河市民政局" and "None" not in src.name


def test_reworded_contradiction_and_labels_keep_digits():
    text = ("某局党组2025年度干部选拔任用工作报告\n一、总体情况\n全年提拔正职干部12人，职级晋升5人。\n"
            "二、主要做法\n坚持事业为上，提拔乡科级正职领导干部13人。\n")
    found = number_contradictions(text)
    assert [f.code for f in found] == ["numbers-twice"]
    assert "提拔正职干部12人" in found[0].message
    same = "一、总体情况\n提拔35岁以下年轻干部4人。\n二、主要做法\n提拔35岁以下年轻干部4人，提拔40岁以下干部6人。\n"
    assert number_contradictions(same) == []
    differ = "一、总体情况\n提拔35岁以下年轻干部4人。\n二、主要做法\n提拔35岁以下年轻干部6人。\n"
    assert any("35岁以下" in f.message for f in number_contradictions(differ))


def test_status_compares_rates_as_shown():
    rules = load_rules()
    status, reasons = rules.evaluate({"previous_dup": 0.5996})
    assert status == "退回" and any("60%" in r for r in reasons)
    status, reasons = rules.evaluate({"previous_dup": 0.5949})
    assert status == "需修改" and any("59%" in r for r in reasons)
    status, reasons = rules.evaluate({"similar": 0.2, "partner": "临川市财政局党组", "passages": 3})
    assert reasons == ["与临川市财政局党组报告有3处相同段落（占20%），请核实"]


def test_dup_check_shows_statistics_sentences_as_figure_changes():
    from drafter.checks.dup import check_dup, dup_findings, format_dup

    prev = ("江源市水务局党组2024年度干部选拔任用工作报告\n一、总体情况\n"
            "全年提拔正科级领导干部3人，进一步使用干部2人，职级晋升干部12人，交流轮岗干部6人。\n")
    cur = prev.replace("2024", "2025").replace("干部3人", "干部5人")
    src = source_from_text(prev, key="prev", filename="江源市水务局2024.txt")
    res = check_dup(cur, [src], unit="江源市水务局党组")
    assert res.copied == 0 and res.stats
    found = dup_findings(cur, res)
    assert [f.code for f in found] == ["dup-stat"] and "提拔正科级 3→5" in found[0].message
    assert "格式相同的统计句" in format_dup(res)
