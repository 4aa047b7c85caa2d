"""Generated batches of units' reports with planted defects and the truth recorded.

Shared by the review tests and ``bench/review_batch.py``. Text is new for every unit:
a word-level Markov chain (order 1, jieba tokens) trained on the bundled sample
reports, so reports read like the genre without sharing long runs by accident.
Planted per report, by chance, with the truth written to ``truth.json``:

* ``placeholder`` — figures or names left as ``*人`` / ``**同志`` / ``XX市``;
* ``missing`` — the 存在问题 section (element ``problems``) left out;
* ``contradiction`` — a total smaller than the sum of its parts;
* ``copied`` — one practice subsection copied from another unit's report of the batch;
* ``reused`` — two sections reused from the unit's own report of the year before
  (the previous reports are written to a separate folder).

Also :func:`plant_copies`: a fresh text with planted near-verbatim copies of sample
sentences (verbatim, 一是 prefixed, clause lifted, 2 characters in 20 changed) and
canonical formulations, for the 查重 measurements.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "knowledge" / "reports"

_CITIES = ["江源", "临川", "青石", "白河", "云岭", "东湖", "南屏", "北川", "西塘", "长宁", "安平", "永和",
           "清河", "凤山", "龙泉", "金沙", "玉溪", "新安", "宁远", "广丰"]
_ORGS = ["水务局", "交通运输局", "财政局", "教育局", "卫生健康委员会", "自然资源局", "商务局", "民政局",
         "审计局", "统计局", "司法局", "农业农村局", "文化和旅游局", "应急管理局", "市场监督管理局"]
_PRACTICE_TITLES = [
    "坚持党管干部，强化政治把关", "规范选任程序，严把人选质量", "注重实绩导向，激励担当作为",
    "加强年轻干部培养，优化班子结构", "从严监督管理，营造良好生态", "深化职级晋升，畅通发展通道",
    "强化教育培训，提升能力素质", "落实整改责任，巩固评议成果",
]


# tokens that would make generated text trip the checker by accident: brackets, quotes,
# enumerators, numbers, headings' words
_NOISY = re.compile(r"[（）()“”\"《》〈〉〔〕【】\[\]\d.．,;:!?]|^[一二三四五六七八九十]+[是、]?$|^(?:下一步|第|其次|首先)$")


@lru_cache(maxsize=1)
def _chain() -> dict[str, list[str]]:
    import jieba

    jieba.setLogLevel(60)
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))
    text = re.sub(r"[*＊X×]+", "", text)
    chain: dict[str, list[str]] = {}
    for line in text.splitlines():
        if len(line) < 30:
            continue
        toks = [t for t in jieba.lcut(line) if t.strip() and not _NOISY.search(t)]
        for a, b in zip(["^"] + toks, toks):
            chain.setdefault(a, []).append(b)
    return chain


@lru_cache(maxsize=1)
def _sample_grams(n: int = 10) -> frozenset[str]:
    text = re.sub(r"[\W_]", "", "".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))))
    text = re.sub(r"\d", "0", text)
    return frozenset(text[i : i + n] for i in range(len(text) - n + 1))


def _fresh(s: str, n: int = 10) -> bool:
    """No run of ``n`` characters of ``s`` occurs in a sample report."""
    grams = _sample_grams(n)
    t = re.sub(r"\d", "0", re.sub(r"[\W_]", "", s))
    return not any(t[i : i + n] in grams for i in range(len(t) - n + 1))


#: Sentences avoid every 10-character run of the samples (off for bulk corpora: faster).
FRESH = True


def sentence(rng: random.Random, min_tokens: int = 14, max_tokens: int = 34) -> str:
    """One new sentence in the genre's vocabulary, ending in 。 (no 10-character run of a sample)."""
    for _ in range(50 if FRESH else 1):
        s = _sentence(rng, min_tokens, max_tokens)
        if (not FRESH or _fresh(s)) and not any(w in s for w in ("下一步", "存在问题", "整改", "总体情况", "主要做法")):
            return s
    return s


def _sentence(rng: random.Random, min_tokens: int, max_tokens: int) -> str:
    chain = _chain()
    out: list[str] = []
    tok = "^"
    target = rng.randint(min_tokens, max_tokens)
    while len(out) < target:
        nxt = chain.get(tok)
        if not nxt or tok in "。；！？":
            nxt = chain["^"]
        tok = rng.choice(nxt)
        if tok in "。！？\n" or (tok in "“”《》（）()" and rng.random() < 0.7):
            continue
        if out and (out[-1] == tok or (out[-1] in "，、；：" and tok in "，、；：")):
            continue
        out.append(tok)
    s = "".join(out).strip("，、；：")
    return s + "。"


def paragraph(rng: random.Random, n: int | None = None) -> str:
    return "".join(sentence(rng) for _ in range(n or rng.randint(3, 5)))


@dataclass
class Truth:
    """What was planted in one generated report."""

    file: str
    unit: str
    year: int
    placeholders: int = 0
    missing: list[str] = field(default_factory=list)
    contradiction: bool = False
    copied_from: str | None = None  # file of the other unit's report
    reused_previous: bool = False
    previous_file: str | None = None


def _report(unit: str, year: int, rng: random.Random, *, contradiction: bool = False,
            missing: bool = False) -> dict[str, str]:
    """Sections of one fresh report (key → text, in order)."""
    a, b, c = rng.randint(3, 20), rng.randint(2, 15), rng.randint(5, 40)
    total = a + b + c
    if contradiction:
        total = a + b + c - rng.randint(3, 8)
    parts: dict[str, str] = {}
    parts["title"] = f"{unit}{year}年度干部选拔任用工作报告"
    parts["opening"] = f"{year}年，" + paragraph(rng, 2)
    parts["overview"] = (
        f"一、总体情况\n{year}年，共选拔任用干部{total}人，其中提拔{a}人、进一步使用{b}人、"
        f"职级晋升{c}人。{paragraph(rng, 2)}"
    )
    titles = rng.sample(_PRACTICE_TITLES, 3)
    body = ["二、主要做法"]
    for i, t in enumerate(titles):
        key = f"practice{i + 1}"
        parts[key] = f"（{'一二三'[i]}）{t}。{paragraph(rng)}\n{paragraph(rng)}\n{paragraph(rng)}"
    parts["practices_head"] = "\n".join(body)
    if not missing:
        parts["problems"] = f"三、存在问题\n{paragraph(rng, 3)}\n{paragraph(rng, 3)}"
    parts["plans"] = f"{'四' if not missing else '三'}、下一步工作打算\n{paragraph(rng, 3)}\n{paragraph(rng, 3)}"
    return parts


_ORDER = ["title", "opening", "overview", "practices_head", "practice1", "practice2", "practice3",
          "problems", "plans"]


def _join(parts: dict[str, str]) -> str:
    return "\n".join(parts[k] for k in _ORDER if k in parts) + "\n"


def _plant_placeholders(text: str, rng: random.Random, *, numbers: bool = True) -> tuple[str, int]:
    n = 0
    nums = list(re.finditer(r"(?<![\d年])\d{1,2}人", text)) if numbers else []
    for m in rng.sample(nums, min(len(nums), rng.randint(1, 2)))[::-1]:
        text = text[: m.start()] + "*人" + text[m.end() :]
        n += 1
    # a name left blank in the opening
    i = text.find("。", text.find("\n") + 1)
    text = text[: i + 1] + "**同志任组长，XX市委组织部全程指导。" + text[i + 1 :]
    return text, n + 3  # *人…, **同志, XX市


def make_batch(
    out_dir: Path,
    n: int,
    *,
    seed: int = 12,
    year: int = 2025,
    previous_dir: Path | None = None,
    rates: dict[str, float] | None = None,
) -> list[Truth]:
    """Write ``n`` reports (and their previous year's) with planted defects; return the truth."""
    rng = random.Random(seed)
    rates = {"placeholder": 0.2, "missing": 0.15, "contradiction": 0.15, "copied": 0.1, "reused": 0.15,
             **(rates or {})}
    out_dir.mkdir(parents=True, exist_ok=True)
    if previous_dir is not None:
        previous_dir.mkdir(parents=True, exist_ok=True)
    units: list[str] = []
    while len(units) < n:
        u = f"{rng.choice(_CITIES)}市{rng.choice(_ORGS)}党组"
        if u not in units:
            units.append(u)
        if len(units) >= len(_CITIES) * len(_ORGS):
            break
    parts_of: list[dict[str, str]] = []
    truths: list[Truth] = []
    for i, unit in enumerate(units):
        fname = f"{i + 1:03d}_{unit}.txt"
        t = Truth(file=fname, unit=unit, year=year)
        t.missing = ["problems"] if rng.random() < rates["missing"] else []
        t.contradiction = rng.random() < rates["contradiction"]
        parts = _report(unit, year, rng, contradiction=t.contradiction, missing=bool(t.missing))
        if previous_dir is not None:
            prev = _report(unit, year - 1, rng)
            if rng.random() < rates["reused"]:
                t.reused_previous = True
                for k in ("opening", "practice2"):
                    parts[k] = prev[k].replace(str(year - 1), str(year))
            t.previous_file = f"{i + 1:03d}_{unit}_{year - 1}.txt"
            (previous_dir / t.previous_file).write_text(_join(prev), encoding="utf-8")
        parts_of.append(parts)
        truths.append(t)
    # copied sections: from another unit's report of the batch (which itself stays as it is)
    donors_used: set[int] = set()
    for i, t in enumerate(truths):
        if rng.random() >= rates["copied"] or i in donors_used:
            continue
        free = [k for k in range(len(truths)) if k != i and not truths[k].copied_from and k not in donors_used]
        if not free:
            break
        j = rng.choice(free)
        donors_used.add(j)
        parts_of[i]["practice3"] = parts_of[j]["practice1"].replace("（一）", "（三）", 1)
        t.copied_from = truths[j].file
    for i, t in enumerate(truths):
        text = _join(parts_of[i])
        if rng.random() < rates["placeholder"]:
            # a blanked figure would hide a planted contradiction
            text, t.placeholders = _plant_placeholders(text, rng, numbers=not t.contradiction)
        (out_dir / t.file).write_text(text, encoding="utf-8")
    (out_dir.parent / f"{out_dir.name}.truth.json").write_text(
        json.dumps([asdict(t) for t in truths], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return truths


# --------------------------------------------------------------------------- 查重 planting

CANONICAL_SENTENCES = [
    "我们始终坚持党管干部原则，坚持德才兼备、以德为先，坚持五湖四海、任人唯贤，坚持事业为上、人岗相适、人事相宜。",
    "树立信念坚定、为民服务、勤政务实、敢于担当、清正廉洁的好干部标准。",
    "严格落实干部档案凡提必审、个人有关事项报告凡提必核、纪检监察机关意见凡提必听、线索具体的信访举报凡提必查。",
    "坚持公道正派、注重实绩、群众公认，坚持民主集中制，坚持依法依规办事。",
]


def sample_sentences(min_len: int = 24) -> list[tuple[str, str]]:
    """(file name, sentence) of every sample sentence long enough to plant."""
    out = []
    for p in sorted(SAMPLES.glob("*.txt")):
        for s in re.findall(r"[^。！？\n]+。", p.read_text(encoding="utf-8")):
            s = s.strip()
            if len(re.sub(r"[\W_]", "", s)) >= min_len and "*" not in s and "X" not in s:
                out.append((p.name, s))
    # sentences that are mostly canonical formulations or cited titles (《…》) are not
    # copies by definition: count what the 查重 counts
    from drafter.similarity.copies import canonical_phrases, prepare

    phrases = canonical_phrases(ROOT / "knowledge" / "policies")

    def content(s: str) -> int:
        return prepare("正文\n" + s, canonical=phrases).length

    out = [(f, s) for f, s in out if content(s) >= min_len]
    global _content
    _content = content
    return out


_content = len  # replaced by sample_sentences() with a canonical-aware measure

_SWAP = "的了和与及在对把将为以于而并且更也再还又都就"


def _edit(s: str, rng: random.Random) -> str:
    """Change 2 characters in every 20 (Chinese characters only)."""
    chars = list(s)
    idx = [i for i, c in enumerate(chars) if "\u4e00" <= c <= "\u9fff"]
    for start in range(0, len(idx), 20):
        block = idx[start : start + 20]
        for i in rng.sample(block, min(2, len(block))):
            chars[i] = rng.choice([c for c in _SWAP if c != chars[i]])
    return "".join(chars)


def _lift(s: str, rng: random.Random) -> str:
    clauses = [c for c in re.split(r"[，；：]", s.rstrip("。")) if _content(c) >= 12]
    return rng.choice(clauses) if clauses else s.rstrip("。")


@dataclass
class Planted:
    kind: str  # verbatim | enum | lifted | edited | canonical
    source: str
    text: str
    start: int
    end: int


def plant_copies(seed: int = 3, per_kind: int = 5, fresh: int = 40) -> tuple[str, list[Planted]]:
    """A fresh text with planted copies of sample sentences; returns (text, truth)."""
    rng = random.Random(seed)
    pool = sample_sentences()
    rng.shuffle(pool)
    pieces: list[tuple[str, Planted | None]] = [(sentence(rng), None) for _ in range(fresh)]
    k = 0
    for kind in ("verbatim", "enum", "lifted", "edited"):
        for _ in range(per_kind):
            src, s = pool[k]
            k += 1
            if kind == "enum":
                s = f"{rng.choice('一二三四')}是{s}"
            elif kind == "lifted":
                s = f"{sentence(rng).rstrip('。')}，{_lift(s, rng)}，{sentence(rng)}"
            elif kind == "edited":
                s = _edit(s, rng)
            pieces.insert(rng.randint(0, len(pieces)), (s, Planted(kind, src, "", 0, 0)))
    for s in CANONICAL_SENTENCES:
        pieces.insert(rng.randint(0, len(pieces)), (s, Planted("canonical", "", "", 0, 0)))
    text = "某局党组2025年度干部选拔任用工作报告\n"
    planted: list[Planted] = []
    for i, (s, p) in enumerate(pieces):
        if p is not None:
            p.start = len(text)
            p.text = s
            p.end = p.start + len(s)
            planted.append(p)
        text += s
        if i % 4 == 3:
            text += "\n"
    return text + "\n", planted
