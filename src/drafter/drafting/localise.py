"""Past-report sentences made safe for a new report, or dropped.

A sentence taken from a past report may carry that report's own specifics: counts,
dates, people, places, named documents, events and regional slogans, or the
anonymiser's placeholders (``*人``, ``**同志``, ``XX市``). :func:`specifics` lists
what it finds (jieba's part-of-speech tags find place names); :func:`localise`
first rewrites what the fact sheet can supply (the reporting body, "我局", the
superior organisation department) and returns None when anything specific remains,
so such a sentence never passes into a draft unchanged.

Canonical national formulations (“凡提四必”, “两个维护”, 《党政领导干部选拔任用工作
条例》 …) are not specifics: they are masked before the checks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

from ..facts.sheet import FactSheet
from ..settings import BUNDLED_KB

__all__ = ["CANONICAL_TERMS", "localise", "self_reference", "specifics", "split_sentences"]

#: Quoted or numbered terms of national rules, safe in any report.
CANONICAL_TERMS: tuple[str, ...] = (
    "信念坚定、为民服务、勤政务实、敢于担当、清正廉洁",
    "集体领导、民主集中、个别酝酿、会议决定",
    "党政领导干部选拔任用工作条例",
    "干部选拔任用工作监督检查和责任追究办法",
    "干部任用条例",
    "领导干部报告个人有关事项规定",
    "领导干部个人有关事项报告查核结果处理办法",
    "推进领导干部能上能下规定",
    "公务员职务与职级并行规定",
    "中华人民共和国公务员法",
    "公务员法",
    "中国共产党章程",
    "一报告两评议",
    "凡提四必",
    "两个维护",
    "两个确立",
    "四个意识",
    "四个自信",
    "两项法规",
    "带病提拔",
    "带病上岗",
    "双签字",
    "三超两乱",
    "看票不唯票",
    "四风",
    "两个责任",
    "一岗双责",
    "好干部标准",
    "能上能下",
    "三个区分开来",
    "二十大",
    "十九大",
    "二十届",
    "五湖四海",
    "一体推进",
    "一以贯之",
    "第一议题",
    "一把手",
    "第一责任人",
    "德、能、勤、绩、廉",
    "三会一课",
    "全覆盖",
    "逐一",
    "一线",
    "一贯表现",
    "一批",
    "一言一行",
    "一方面",
)

_GENERIC_PLACES = {
    "中国", "中华", "全国", "国家", "中央", "中华民族", "全党", "基层", "社区", "乡镇", "地方",
    "机关", "省市", "城乡", "农村", "乡村", "内外", "中部", "马克思",
}
_EVENT_WORDS = (
    "疫情", "抗疫", "防疫", "新冠", "主题教育", "开局之年", "作风建设年", "周年", "巡视组",
    "春季学期", "秋季学期", "元旦", "春节", "端午", "中秋", "国庆", "读书班",
    # regional development slogans
    "先行区", "示范区", "战略支点", "排头兵", "桥头堡", "新高地", "样板区", "试验区",
)
_PLACEHOLDER_RE = re.compile(r"[*＊×]|[XＸ]{1,3}|某某|〇〇|_{2,}|〔待补|【待")
_DIGIT_RE = re.compile(r"[0-9０-９]")
_CN_COUNT_RE = re.compile(
    r"[一二三四五六七八九十两百千万几数多]+(?:个|名|人次|人|次|期|项|家|批次|批|周|天|年|月|日|场|轮|篇|条|份|支|所|届|类|种|级|方面)"
)
_PERSON_RE = re.compile(r"[\u4e00-\u9fa5]{1,3}同志|[\u4e00-\u9fa5]书记(?=[\u4e00-\u9fa5]{2,3}[，、])")
_QUOTED_RE = re.compile(r"[“\"]([^”\"]{1,40})[”\"]")
_DOC_RE = re.compile(r"《([^》]{1,60})》")
_LOCAL_ORG_RE = re.compile(
    r"(?:省委|市委|区委|县委|州委|市政府|区政府|省政府|县政府|分局|巡察组|巡视组|全市|全区|全县|全省|本市|本区|局系统|全系统|本系统)"
)
_SELF_RE = re.compile(r"我(?:局|市|区|县|委|办|院|厅|部|省|单位)")
_LEAD_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|"
    r"同时|此外|另外|其中|对此|为此|因此|与此同时|特别是|尤其是)[，,、]?"
)


def _canonical_set() -> tuple[str, ...]:
    extra: list[str] = []
    path = BUNDLED_KB / "terms.txt"
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.split()[0] if line.split() else ""
            if word and not word.startswith("#"):
                extra.append(word)
    except OSError:
        pass
    return tuple(sorted(set(CANONICAL_TERMS) | set(extra), key=len, reverse=True))


@lru_cache(maxsize=1)
def _canonical() -> tuple[str, ...]:
    return _canonical_set()


@lru_cache(maxsize=1)
def _posseg():  # type: ignore[no-untyped-def]
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(logging.WARNING)
    return pseg


def _mask(sentence: str) -> str:
    for term in _canonical():
        if term in sentence:
            sentence = sentence.replace(term, "□" * len(term))
    return sentence


def specifics(sentence: str, allowed: Iterable[str] = ()) -> list[str]:
    """What in ``sentence`` belongs to the report it came from (empty if nothing).

    ``allowed`` are names the fact sheet supplies (unit, reporting body, superior):
    they are this report's own, not stale.
    """
    found: list[str] = []
    for name in sorted((a for a in allowed if a), key=len, reverse=True):
        sentence = sentence.replace(name, "□" * len(name))
    masked = _mask(sentence)
    for m in _PLACEHOLDER_RE.finditer(masked):
        found.append(f"占位符“{m.group()}”")
    for m in _DIGIT_RE.finditer(masked):
        found.append(f"数字“{m.group()}”")
        break
    for m in _CN_COUNT_RE.finditer(masked):
        found.append(f"数量“{m.group()}”")
    for m in _DOC_RE.finditer(sentence):
        if m.group(1) not in _canonical():
            found.append(f"文件《{m.group(1)}》")
    for m in _QUOTED_RE.finditer(sentence):
        if m.group(1) not in _canonical():
            found.append(f"提法“{m.group(1)}”")
    for m in _LOCAL_ORG_RE.finditer(masked):
        found.append(f"机构“{m.group()}”")
    for m in _PERSON_RE.finditer(masked):
        found.append(f"人名“{m.group()}”")
    for w in _EVENT_WORDS:
        if w in masked:
            found.append(f"事件“{w}”")
    for word, flag in _posseg().cut(masked):
        if flag in ("ns", "nrt") and word not in _GENERIC_PLACES and len(word) >= 2:
            found.append(f"地名“{word}”")
    return found


def self_reference(facts: FactSheet) -> str:
    """How the report refers to its own organ: 我局 / 我委 / 我市 … (我单位 otherwise)."""
    last = facts.unit[-1:]
    if last in "局委办院厅部署处会市区县镇":
        return "我" + last
    return "我单位"


def _body_word(facts: FactSheet) -> str:
    for word in ("党组", "党委", "常委会", "党工委", "党总支", "党支部"):
        if facts.org.endswith(word):
            return word
    return facts.org


_MEETING_RE = re.compile(r"(?:我(?:局|市|区|县|委|办|单位)|区局|本局|局)?(?:党组|党委)会(?:议)?(?!员)")


def _meeting(facts: FactSheet) -> str:
    """How this body's meeting is named: 局党组会议 / 党委会议 / 市委常委会会议."""
    org = facts.org
    if org.endswith(("党组", "党委", "党工委", "党总支", "党支部", "常委会")):
        return org + "会议"
    if org.endswith("委"):
        return org + "常委会会议"
    return org + "会议"


def localise(sentence: str, facts: FactSheet) -> str | None:
    """``sentence`` rewritten for this fact sheet's unit, or None if it cannot be used."""
    s = sentence.strip()
    while True:
        m = _LEAD_RE.match(s)
        if not m or not m.group():
            break
        s = s[m.end() :].lstrip("，,、 ")
    if len(s) < 16 or len(s) > 160 or s.endswith(("：", ":")) or "？" in s:
        return None
    if s.count("“") != s.count("”") or s.count("《") != s.count("》") or s.count("（") != s.count("）"):
        return None
    if s.startswith(_DEPENDENT_STARTS) or "，" not in s:
        return None
    superior = facts.superior or "上级组织部门"
    s = re.sub(r"(?:省委|市委|区委|县委|XX市委|XX省委)组织部", superior, s)
    org = facts.org
    # “我局党组会集体研究” / “党委会议” → this body's own meeting
    s = _MEETING_RE.sub(_meeting(facts), s)
    s = re.sub(r"(?:我局|区局|我市|我区|我委|本局|局)?(?:党组|党委)(?!织|成员|书记|班子|会|中心组|理论|读书|工作|（)", org, s, count=1)
    body = _body_word(facts)
    for word in ("党组", "党委"):
        if body != word:
            s = re.sub(rf"{word}(?!织)", body, s)
    s = _SELF_RE.sub(self_reference(facts), s)
    if org + org in s:
        s = s.replace(org + org, org)
    s = _DOUBLED_RE.sub(r"\1", s)  # a typo in the source ("并就就考察对象")
    if specifics(s, allowed=(facts.unit, facts.org, facts.superior or "", facts.region or "")):
        return None
    if not s.endswith(("。", "！", "；")):
        s = s.rstrip("；;，,") + "。"
    return s.replace("；。", "。")


_DEPENDENT_STARTS = (
    "但", "而", "并", "且", "这", "该", "其", "他", "她", "它", "上述", "以上", "通过以上",
    # plans of the past report, not practice of this year
    "下一步", "下步", "今后", "新的一年", "明年", "将",
)
_DOUBLED_RE = re.compile(r"([就的了和在对把将])\1")
_SPLIT_RE = re.compile(r"(?<=[。！？；])")


def split_sentences(text: str) -> list[str]:
    """Sentences ending in 。！？；, each stripped; a trailing ； becomes 。."""
    out = []
    for part in _SPLIT_RE.split(text):
        part = part.strip()
        if not part:
            continue
        if part.endswith("；"):
            part = part[:-1] + "。"
        out.append(part)
    return out
