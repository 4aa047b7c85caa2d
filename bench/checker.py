"""Checker benchmark: recall and false alarms on corrupted reports, and speed.

    /work/venv/bin/python bench/checker.py            # both parts
    /work/venv/bin/python bench/checker.py --speed    # speed only

Part 1 corrupts a clean 2025 report (tests/checks/data/clean_report.txt, which has
no finding against examples/facts.yaml) in known ways — a section removed or
moved, numbers swapped or changed, every placeholder form planted at several
places, an unsupported count, 的的, a half-width comma, a copied sentence … —
and counts how often the checker reports the planted defect (recall) and how
many findings it reports that were not planted (false alarms).

Part 2 times check_text (all categories, with a fact sheet and an older report)
on a ~5,000-character report and on one 20× longer; time should grow ~20×.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass

from drafter.checks import check_text
from drafter.facts.sheet import load_facts
from drafter.settings import REPO_ROOT
from drafter.text.doctree import int_to_chinese
from drafter.text.markers import missing

CLEAN = (REPO_ROOT / "tests" / "checks" / "data" / "clean_report.txt").read_text(encoding="utf-8")
FACTS = load_facts(REPO_ROOT / "examples" / "facts.yaml")
OLD = next((REPO_ROOT / "knowledge" / "reports").glob("000_*.txt")).read_text(encoding="utf-8")
OLD_SENTENCE = "我局党组会集体研究作出干部任用决定，党组班子成员充分讨论，逐一明确发表意见，党组书记末位表态，党组成员集体表决形成决议，严格按规定做好任职公示、报批报备、任职试用期等工作。"


@dataclass
class Variant:
    kind: str
    text: str
    code: str  # expected finding code (prefix)
    span: str | None = None  # expected finding text (None: any)


def _lines_without(text: str, heading: str, n_body: int = 1) -> str:
    lines = text.split("\n")
    i = lines.index(heading)
    return "\n".join(lines[:i] + lines[i + 1 + n_body :])


def _sentences_positions(text: str) -> list[int]:
    """Offsets just after a full stop inside body paragraphs (places to plant text)."""
    body_start = text.index("一、总体情况")
    return [i + 1 for i, ch in enumerate(text) if ch == "。" and i > body_start and text[i + 1 : i + 2] != "\n"]


PLACEHOLDER_FORMS = [
    "全年提拔*人", "培训**人次", "选派**名干部", "**同志任科长", "区**局配合", "按XX市委要求", "落实XX省委部署",
    "由××负责", "×××同志发言", "于X月X日召开", "20XX年度", "某某同志表态", "〇〇单位配合", "完成〔待补〕",
    "完成【待填】", "联系人______", "职级晋升" + missing("职级晋升人数"),
]


def variants(seed: int = 7) -> list[Variant]:
    rnd = random.Random(seed)
    out: list[Variant] = []
    c = CLEAN
    out.append(Variant("删除“存在问题”部分", _lines_without(c, "四、存在问题").replace("五、下一步", "四、下一步"),
                       "structure-missing-problems"))
    out.append(Variant("删除“下一步”部分", _lines_without(c, "五、下一步工作打算"), "structure-missing-plans"))
    out.append(Variant("删除“总体情况”部分", _lines_without(c, "一、总体情况"), "structure-missing-overview"))
    out.append(Variant("删除整改部分", _lines_without(c, "三、上年度评议整改情况"), "structure-missing-rectification"))
    lines = c.split("\n")
    a, b = lines.index("四、存在问题"), lines.index("五、下一步工作打算")
    moved = lines[:a] + lines[b : b + 2] + lines[a:b] + lines[b + 2 :]
    out.append(Variant("“下一步”移到“存在问题”之前", "\n".join(moved), "structure-order"))
    problems_body = c.split("四、存在问题\n", 1)[1].split("\n", 1)[0]
    out.append(Variant("清空一个部分", c.replace(problems_body + "\n", "", 1), "structure-empty", "四、存在问题"))
    out.append(Variant("一级标题跳号", c.replace("三、上年度", "四、上年度").replace("四、存在问题", "五、存在问题")
                       .replace("五、下一步", "六、下一步"), "numbering-gap", "四、"))
    out.append(Variant("一级标题重号", c.replace("三、上年度", "二、上年度"), "numbering-repeat", "二、"))
    out.append(Variant("二级标题未重新编号", c.replace("四、存在问题\n一是", "四、存在问题\n（四）问题。一是"),
                       "numbering-no-restart", "（四）"))
    out.append(Variant("跳级（二、下直接用（1））", c.replace("（一）坚持党管", "（1）坚持党管").replace("（二）严格规范", "（2）严格规范")
                       .replace("（三）加强教育", "（3）加强教育"), "numbering-level-skip", "（1）"))
    out.append(Variant("“一是…三是”跳号", c.replace("二是突出政治标准", "三是突出政治标准"), "enumeration-gap", "三是"))
    out.append(Variant("“二是”重复", c.replace("三是严格任职程序", "二是严格任职程序"), "enumeration-repeat", "二是"))
    out.append(Variant("两个数字互换", c.replace("正职领导干部3人、乡科级副职领导干部5人", "正职领导干部5人、乡科级副职领导干部3人"),
                       "figure-contradicts", "5人"))
    out.append(Variant("数字写错（12→21）", c.replace("职级晋升12人", "职级晋升21人"), "figure-contradicts", "21人"))
    out.append(Variant("百分比写错", c.replace("37.5%", "57.5%"), "figure-contradicts", "57.5%"))
    out.append(Variant("培训人次写错", c.replace("215人次", "251人次"), "figure-contradicts", "251人次"))
    positions = _sentences_positions(c)
    for pos in rnd.sample(positions, 4):
        out.append(Variant("无依据的数字", c[:pos] + "全年谈心谈话47人次。" + c[pos:], "figure-unsupported", "47人次"))
        out.append(Variant("无依据的数字（中文）", c[:pos] + "另组织十三名干部参加调研。" + c[pos:], "figure-unsupported", "十三名"))
    for form in PLACEHOLDER_FORMS:
        for pos in rnd.sample(positions, 3):
            out.append(Variant(f"占位符 {form}", c[:pos] + form + "。" + c[pos:], "placeholder", None))
    for dup in ("的的", "就就", "了了", "在在"):
        pos = rnd.choice(positions)
        planted = f"我们{dup[0]}工作{dup}成效明显"
        out.append(Variant(f"重复字 {dup}", c[:pos] + planted + "。" + c[pos:], "proofread-duplicate", dup))
    out.append(Variant("半角逗号", c.replace("统筹谋划。", "统筹谋划,持续推进。"), "proofread-half-width", ","))
    out.append(Variant("半角分号", c.replace("专业干部；拓宽", "专业干部;拓宽"), "proofread-half-width", ";"))
    out.append(Variant("引号不配对", c.replace("开展“墩苗”计划", "开展“墩苗计划"), "proofread-unpaired", "“"))
    out.append(Variant("括号不配对", c.replace("《党政领导干部选拔任用工作条例》", "《党政领导干部选拔任用工作条例"), "proofread-unpaired", "《"))
    for pos in rnd.sample(positions, 3):
        out.append(Variant("照搬旧报告的句子", c[:pos] + OLD_SENTENCE + c[pos:], "stale-copy", None))
    out.append(Variant("沿用旧报告年份", c.replace("全年提拔乡科级", "2023年提拔乡科级"), "stale-year", "2023年"))
    out.append(Variant("好干部标准错引", c.replace("勤政务实、敢于担当", "勤政为民、敢于担当"), "policy-good-cadre", None))
    out.append(Variant("好干部标准漏项", c.replace("为民服务、勤政务实、", "为民服务、"), "policy-good-cadre", None))
    out.append(Variant("凡提四必错引", c.replace("个人有关事项报告凡提必核", "个人有关事项报告凡提必查"),
                       "policy-fanti-sibi", "个人有关事项报告凡提必查"))
    return out


def run_recall() -> list[str]:
    baseline = check_text(CLEAN, facts=FACTS, against=[("旧报告", OLD)])
    base = Counter((f.code, f.text) for f in baseline.findings)
    rows: dict[str, list[int]] = {}
    hits = total = false_alarms = 0
    misses: list[str] = []
    extra_examples: list[str] = []
    for v in variants():
        res = check_text(v.text, facts=FACTS, against=[("旧报告", OLD)])
        hit = [f for f in res.findings if f.code.startswith(v.code) and (v.span is None or f.text == v.span)]
        ok = bool(hit)
        hits += ok
        total += 1
        if not ok:
            misses.append(v.kind)
        new = Counter((f.code, f.text) for f in res.findings) - base
        for f in hit[:1]:
            new[(f.code, f.text)] -= 1
        # consequences of the planted defect are not false alarms (e.g. a removed
        # section also leaves a numbering gap; a placeholder replaces no count)
        extra = [k for k, n in new.items() if n > 0 and not _consequence(v, k)]
        false_alarms += len(extra)
        extra_examples += [f"{v.kind}: {k}" for k in extra]
        r = rows.setdefault(v.kind.split(" ")[0], [0, 0, 0])
        r[0] += ok
        r[1] += 1
        r[2] += len(extra)
    out = [f"baseline findings on the clean report: {len(baseline.findings)}", "",
           "| corruption | variants | detected | false alarms |", "|---|---:|---:|---:|"]
    for kind, (ok, n, fa) in rows.items():
        out.append(f"| {kind} | {n} | {ok} | {fa} |")
    out.append(f"| **total** | **{total}** | **{hits}** ({hits / total:.0%}) | **{false_alarms}** |")
    if misses:
        out.append("\nmissed: " + "; ".join(misses))
    if extra_examples:
        out.append("\nfalse alarms: " + "; ".join(extra_examples[:10]))
    return out


def _consequence(v: Variant, key: tuple[str, str]) -> bool:
    code, _text = key
    if v.code.startswith("structure-missing") and code.startswith("numbering-"):
        return True  # a removed section leaves a hole in the numbering
    if v.code.startswith(("structure-order", "numbering-")) and code.startswith("numbering-"):
        return True  # a repeated 二、 also puts the next heading out of step
    if v.kind == "两个数字互换" and code == "figure-contradicts":
        return True  # both swapped numbers are planted defects
    return v.code == "stale-copy" and code == "figure-unsupported"


# ---- speed ----------------------------------------------------------------

_PARA = (
    "一是严格执行选任程序。坚持党管干部原则，全年提拔乡科级正职领导干部3人，严格落实“凡提四必”，"
    "做到干部档案凡提必审、个人有关事项报告凡提必核、纪检监察机关意见凡提必听、线索具体的信访举报凡提必查。"
    "二是加强教育培训。围绕防汛抗旱、水资源管理等业务开展干部教育培训215人次，选派**名年轻干部到乡镇挂职锻炼。"
    "三是强化日常监督。落实谈心谈话制度，增强“四个意识”，做到“两个维护”，营造风清气正的政治生态。"
)


def synthetic_report(n_practice: int, n_sub: int) -> str:
    """A report with ``n_practice`` practice sections of ``n_sub`` subsections each."""
    parts = ["江源市水务局2025年度干部选拔任用工作报告", "", "2025年，局党组认真贯彻新时代党的组织路线。现报告如下。",
             "一、总体情况", "全年提拔乡科级正职领导干部3人、乡科级副职领导干部5人，职级晋升12人。"]
    n = 2
    for i in range(n_practice):
        parts.append(f"{int_to_chinese(n)}、严格规范做好第{i + 1}方面工作")
        for j in range(1, n_sub + 1):
            parts.append(f"（{int_to_chinese(j)}）坚持标准，强化把关。{_PARA}")
        n += 1
    parts += [f"{int_to_chinese(n)}、存在问题", "一是专业干部偏少。二是年轻干部历练不足。",
              f"{int_to_chinese(n + 1)}、下一步工作打算", "下一步，局党组将持续加强干部队伍建设。"]
    return "\n".join(parts) + "\n"


def _time(text: str, older: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        check_text(text, facts=FACTS, against=[("旧报告", older)])
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_speed() -> list[str]:
    small = synthetic_report(7, 3)
    big = synthetic_report(7, 3 * 20)
    older_small, older_big = small.replace("2025", "2024"), big.replace("2025", "2024")
    _time(small, older_small, 3)  # warm up (spec and policy files load once)
    t_small = _time(small, older_small, 21)
    t_big = _time(big, older_big, 5)
    n_find = len(check_text(big, facts=FACTS, against=[("旧报告", older_big)]).findings)
    return [
        "| report | characters | findings | median time |", "|---|---:|---:|---:|",
        f"| ~5,000 chars | {len(small):,} | {len(check_text(small, facts=FACTS, against=[('旧', older_small)]).findings)} | {t_small * 1000:.1f} ms |",
        f"| 20× longer | {len(big):,} | {n_find} | {t_big * 1000:.1f} ms |",
        "",
        f"ratio: {t_big / t_small:.1f}× time for {len(big) / len(small):.1f}× text",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", action="store_true", help="speed only")
    args = parser.parse_args(argv)
    if not args.speed:
        print("\n".join(run_recall()))
        print()
    print("\n".join(run_speed()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
