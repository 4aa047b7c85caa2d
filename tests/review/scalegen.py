"""A 组织部's batch: N units' reports of all six unit types, with shared 套话 and planted defects.

Used by ``bench/review_scale.py`` and the review tests. Unlike :mod:`batchgen` (every
sentence new), these reports share wording the way real ones do: a pool of 套话 common
to every unit, a pool per unit type, and statistics sentences worded alike with each
unit's own figures — none of it in any list the review desk reads. Each unit also has
last year's report (same pools, other sentences, other figures).

Planted, with the truth in ``Truth``:

* ``copied`` — 40–100% of the narrative paragraphs taken from another unit's report;
* ``reused`` — the unit's own last report re-dated;
* ``carried`` — 存在问题 and 下一步打算 carried over from last year word for word;
* ``placeholder`` — ``*人`` / ``**同志`` / ``XX`` left in;
* ``missing`` — one required part left out (which one is recorded);
* ``contradiction`` — a total smaller than its parts, or one figure stated twice in two
  wordings (「提拔正职干部12人」 … 「提拔乡科级正职领导干部13人」);
* ``kangxi`` — Kangxi radicals (⼲⼯⼈⼀) in place of the characters, as a PDF text layer
  leaves them (the report is otherwise clean and must pass);
* ``.docx`` files, and ``junk`` files that are no report.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import batchgen

TYPES = {
    "organ": (["江源市水务局党组", "临川市财政局党组", "青石市审计局党组", "白河市民政局党组", "云岭市商务局党组"],
              "局党组", "我局"),
    "local_committee": (["中共{c}县委", "中共{c}区委"], "县委常委会", "我县"),
    "township": (["中共{c}{t}镇委员会", "中共{c}{t}乡委员会"], "镇党委", "我镇"),
    "soe": (["{c}{t}集团有限公司党委", "{c}{t}投资集团有限公司党委"], "公司党委", "公司"),
    "institution": (["{c}市第{n}人民医院党委", "{c}市{t}研究院党委"], "院党委", "我院"),
    "university": (["{c}{t}学院党委", "{c}{t}职业技术学院党委"], "学校党委", "学校"),
}
_C = ["江源", "临川", "青石", "白河", "云岭", "东湖", "南屏", "北川", "西塘", "长宁", "安平", "永和", "清河",
      "凤山", "龙泉", "金沙", "玉溪", "新安", "宁远", "广丰", "平阳", "兴隆", "大丰", "明溪", "文成"]
_T = ["石桥", "柳河", "双龙", "枫林", "桃源", "梅岭", "高坪", "黄土", "新塘", "马鞍", "白石", "红星", "云溪",
      "金山", "青龙", "丰乐", "永安", "广福", "长乐", "太平"]
_KANGXI = {"一": "⼀", "工": "⼯", "人": "⼈", "干": "⼲", "部": "⾢部"[1], "大": "⼤", "力": "⼒", "上": "上"}

PARTS = ["overview", "practices", "problems", "plans"]
PART_HEADINGS = {"overview": "总体情况", "practices": "主要做法", "problems": "存在问题", "plans": "下一步工作打算"}


@dataclass
class Truth:
    file: str
    unit: str
    unit_type: str
    year: int
    previous_file: str
    fmt: str = "txt"
    placeholders: bool = False
    missing: str | None = None
    contradiction: str | None = None  # total | reworded
    copied_from: str | None = None
    copied_share: float = 0.0
    reused: bool = False
    carried: bool = False
    kangxi: bool = False
    donor: bool = False

    @property
    def clean(self) -> bool:
        return not (self.placeholders or self.missing or self.contradiction or self.copied_from or self.reused
                    or self.carried)


@dataclass
class Report:
    unit: str
    year: int
    parts: dict[str, list[str]] = field(default_factory=dict)  # part → paragraphs
    figures: dict[str, int] = field(default_factory=dict)


def _units(n: int, rng: random.Random) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    types = list(TYPES)
    k = 0
    while len(out) < n:
        ut = types[k % len(types)]
        k += 1
        for _ in range(200):
            pat = rng.choice(TYPES[ut][0])
            name = pat.format(c=rng.choice(_C), t=rng.choice(_T), n=rng.choice("一二三四五六七八九"))
            if ut == "organ":
                name = f"{rng.choice(_C)}市{rng.choice(['水务', '财政', '审计', '民政', '商务', '统计', '司法', '交通运输', '自然资源', '教育', '应急管理', '农业农村', '文化和旅游', '退役军人事务', '医疗保障', '林业', '人力资源和社会保障'])}局党组"
            if name not in seen:
                seen.add(name)
                out.append((name, ut))
                break
    return out


class Pools:
    """The 套话 of the batch: shared by all units, and per unit type."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed * 7 + 1)
        self.common = {p: [batchgen.sentence(rng) for _ in range(14)] for p in PARTS}
        self.typed = {ut: {p: [batchgen.sentence(rng) for _ in range(8)] for p in PARTS} for ut in TYPES}


def _stat_sentences(rng: random.Random, ut: str, figs: dict[str, int]) -> list[str]:
    level = {"organ": "科级", "local_committee": "乡科级", "township": "股级", "soe": "中层",
             "institution": "中层", "university": "处级"}[ut]
    return [
        f"全年共选拔任用干部{figs['total']}人，其中提拔{figs['a']}人、进一步使用{figs['b']}人、职级晋升{figs['c']}人。",
        f"提拔正职干部{figs['zheng']}人，提拔{level}副职{figs['fu']}人，提拔35岁以下年轻干部{figs['young']}人。",
        f"交流轮岗干部{figs['rot']}人，开展个人有关事项报告抽查核实{figs['check']}人次。",
    ]


def _figures(rng: random.Random) -> dict[str, int]:
    a, b, c = rng.randint(4, 20), rng.randint(2, 12), rng.randint(5, 40)
    return {"a": a, "b": b, "c": c, "total": a + b + c, "zheng": rng.randint(2, a), "fu": rng.randint(1, 9),
            "young": rng.randint(1, 8), "rot": rng.randint(3, 30), "check": rng.randint(5, 60)}


def _paragraph(rng: random.Random, pools: Pools, ut: str, part: str, n: int) -> str:
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.3:
            out.append(rng.choice(pools.common[part]))
        elif r < 0.5:
            out.append(rng.choice(pools.typed[ut][part]))
        else:
            out.append(batchgen.sentence(rng))
    return "".join(out)


def _report(unit: str, ut: str, year: int, rng: random.Random, pools: Pools) -> Report:
    r = Report(unit, year)
    r.figures = _figures(rng)
    stats = _stat_sentences(rng, ut, r.figures)
    r.parts["opening"] = [f"{year}年，{TYPES[ut][2]}{_paragraph(rng, pools, ut, 'overview', 2)}"
                          f"现将{year}年度干部选拔任用工作情况报告如下。"]
    r.parts["overview"] = [stats[0] + stats[1] + _paragraph(rng, pools, ut, "overview", 1), stats[2]
                           + _paragraph(rng, pools, ut, "overview", 2)]
    titles = rng.sample(batchgen._PRACTICE_TITLES, 3)
    r.parts["practices"] = []
    for i, t in enumerate(titles):
        r.parts["practices"].append(f"（{'一二三'[i]}）{t}。" + _paragraph(rng, pools, ut, "practices", 3))
        r.parts["practices"].append(_paragraph(rng, pools, ut, "practices", rng.randint(3, 5)))
    r.parts["problems"] = [_paragraph(rng, pools, ut, "problems", 3), _paragraph(rng, pools, ut, "problems", 3)]
    r.parts["plans"] = [_paragraph(rng, pools, ut, "plans", 3), _paragraph(rng, pools, ut, "plans", 3)]
    return r


def render(r: Report, *, drop: str | None = None) -> str:
    lines = [f"{r.unit}{r.year}年度干部选拔任用工作报告", *r.parts["opening"]]
    k = 0
    for part in PARTS:
        if part == drop:
            continue
        lines.append(f"{'一二三四五'[k]}、{PART_HEADINGS[part]}")
        k += 1
        lines += r.parts[part]
    lines += [r.unit, f"{r.year + 1}年1月{10 + len(r.unit) % 15}日"]
    return "\n".join(lines) + "\n"


def _kangxi(text: str) -> str:
    return "".join(_KANGXI.get(c, c) for c in text)


def _write_docx(path: Path, text: str) -> None:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    d.save(str(path))


def make_scale_batch(out: Path, prev: Path, n: int, *, seed: int = 19, year: int = 2025) -> list[Truth]:
    """Write ``n`` reports to ``out`` and last year's to ``prev``; return the truth."""
    batchgen.FRESH = True  # no 10-character run of a sample report: units' own sentences stay their own
    rng = random.Random(seed)
    pools = Pools(seed)
    out.mkdir(parents=True, exist_ok=True)
    prev.mkdir(parents=True, exist_ok=True)
    units = _units(n, rng)
    cur: list[Report] = []
    old: list[Report] = []
    truths: list[Truth] = []
    for i, (unit, ut) in enumerate(units):
        stem = f"{i + 1:04d}_{re.sub(r'^中共', '', unit)}"
        truths.append(Truth(f"{stem}.txt", unit, ut, year, f"{stem}_{year - 1}.txt"))
        old.append(_report(unit, ut, year - 1, rng, pools))
        cur.append(_report(unit, ut, year, rng, pools))
    idx = list(range(n))
    rng.shuffle(idx)
    k = max(1, n // 10)
    copiers, reusers, placeholders, missing = idx[:k], idx[k : 2 * k], idx[2 * k : 3 * k], idx[3 * k : 4 * k]
    contra = idx[4 * k : 4 * k + max(1, n * 2 // 30)]
    carried = idx[4 * k + len(contra) : 4 * k + len(contra) + max(1, n // 60)]
    rest = idx[4 * k + len(contra) + len(carried) :]
    kangxi = rest[: max(1, n // 30)]
    donors = [j for j in rest[len(kangxi) :]][: len(copiers)]
    for c, d in zip(copiers, donors, strict=False):
        share = rng.choice([0.4, 0.6, 0.8, 1.0])
        for part in ("practices", "problems", "plans"):
            paras = cur[d].parts[part]
            m = max(1, round(len(paras) * share))
            cur[c].parts[part] = paras[:m] + cur[c].parts[part][m:]
        truths[c].copied_from, truths[c].copied_share = truths[d].file, share
        truths[d].donor = True
    for i in reusers:
        rep = old[i]
        text = render(rep).replace(f"{year - 1}年", f"{year}年").replace(f"{year}年1月", f"{year + 1}年1月")
        cur[i] = Report(rep.unit, year, {p: [x.replace(f"{year - 1}年", f"{year}年") for x in v]
                                         for p, v in rep.parts.items()}, rep.figures)
        del text
        truths[i].reused = True
    for i in carried:
        cur[i].parts["problems"] = list(old[i].parts["problems"])
        cur[i].parts["plans"] = list(old[i].parts["plans"])
        truths[i].carried = True
    for j, i in enumerate(contra):
        f = cur[i].figures
        if j % 2 == 0:
            cur[i].parts["overview"][0] = cur[i].parts["overview"][0].replace(
                f"共选拔任用干部{f['total']}人", f"共选拔任用干部{f['total'] - rng.randint(3, 6)}人")
            truths[i].contradiction = "total"
        else:
            cur[i].parts["practices"][1] += f"全年提拔乡科级正职领导干部{f['zheng'] + rng.randint(1, 3)}人。"
            truths[i].contradiction = "reworded"
    for i in missing:
        truths[i].missing = rng.choice(["overview", "practices", "problems", "plans"])
    texts = {}
    for i, t in enumerate(truths):
        text = render(cur[i], drop=t.missing)
        if i in placeholders:
            text = re.sub(r"职级晋升\d+人", "职级晋升*人", text, count=1)
            text = text.replace("现将", "由**同志牵头，XX部门配合。现将", 1)
            t.placeholders = True
        if i in kangxi:
            text = _kangxi(text)
            t.kangxi = True
        texts[i] = text
        (prev / t.previous_file).write_text(render(old[i]), encoding="utf-8")
    fmt_docx = [i for i in idx if i not in kangxi][: max(1, n * 22 // 300)]
    for i, t in enumerate(truths):
        if i in fmt_docx:
            t.file = t.file[:-4] + ".docx"
            t.fmt = "docx"
            _write_docx(out / t.file, texts[i])
        else:
            (out / t.file).write_text(texts[i], encoding="utf-8")
    # who copied whom, by file name after the format change
    by_old = {f"{Path(t.file).stem}.txt": t.file for t in truths}
    for t in truths:
        if t.copied_from:
            t.copied_from = by_old.get(t.copied_from, t.copied_from)
    junk = {"汇总表.xlsx": b"PK\x03\x04not really", "空白.txt": b"", "扫描件.pdf": b"%PDF-1.4\n%%EOF\n",
            "图片.png": b"\x89PNG\r\n\x1a\n" + bytes(64), "乱码.txt": bytes(range(256)) * 4}
    for name, data in list(junk.items())[: max(1, min(5, n // 60))]:
        (out / name).write_bytes(data)
    return truths
