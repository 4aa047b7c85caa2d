"""The practice themes a report's 主要做法 are built from, as data.

Each :class:`Theme` is one candidate practices section (``二、…``) with candidate
subsections (``（一）…``). A subsection has a retrieval query, keywords that attach
a user's highlight to it, and a lead sentence — generic prose written for this
project (no unit, place, year or count), which the composer opens the subsection
with before the highlights and the best passages of past reports.

The outline keeps the themes and subsections that the highlights and the
retrieved reports cover (see :mod:`drafter.drafting.outline`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CORE_THEMES", "THEMES", "Subtheme", "Theme", "subtheme_score", "theme_for_highlight"]


@dataclass(frozen=True)
class Subtheme:
    title: str
    query: str
    keywords: tuple[str, ...]
    lead: str


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    query: str
    keywords: tuple[str, ...]
    subs: tuple[Subtheme, ...] = field(default_factory=tuple)
    lead: str = ""


THEMES: tuple[Theme, ...] = (
    Theme(
        id="direction",
        title="坚持党管干部原则，树立正确选人用人导向",
        query="党管干部 政治标准 好干部标准 选人用人导向",
        keywords=("党管干部", "政治标准", "导向", "好干部", "主体责任", "把关"),
        lead="{org}始终把坚持党管干部原则贯穿选人用人全过程，以新时代好干部标准为根本遵循，推动形成正确用人导向。",
        subs=(
            Subtheme(
                "压实选人用人主体责任",
                "党组 主体责任 党管干部 把关作用 集体研究",
                ("主体责任", "党管干部", "把关", "议题", "集体研究", "党组会", "党委会", "条例", "学习"),
                "{org}切实履行选人用人主体责任，坚持重大干部事项集体研究决定，发挥党组织在干部选拔任用工作中的领导和把关作用。",
            ),
            Subtheme(
                "突出政治标准",
                "政治标准 政治素质考察 两个维护 政治忠诚",
                ("政治", "两个维护", "忠诚"),
                "坚持把政治标准放在选人用人首位，把政治素质考察贯穿干部选拔任用全过程，确保选出来的干部政治上靠得住。",
            ),
            Subtheme(
                "树立正确选人用人导向",
                "好干部标准 选人用人导向 事业为上 注重实绩 担当作为",
                ("导向", "好干部", "实绩", "担当", "激励", "事业为上", "能上能下"),
                "坚持事业为上、人岗相适、人事相宜，以实绩论英雄、凭实绩用干部，激励干部担当作为。",
            ),
        ),
    ),
    Theme(
        id="procedure",
        title="严格程序规范操作，提高干部选任工作质量",
        query="严格程序 民主推荐 考察 凡提四必 讨论决定 任前公示",
        keywords=("程序", "推荐", "考察", "凡提四必", "公示", "动议", "研判", "职级"),
        lead="{org}严格执行《党政领导干部选拔任用工作条例》，把规矩和程序挺在前面，确保每一个环节都经得起检验。",
        subs=(
            Subtheme(
                "加强分析研判，规范动议环节",
                "分析研判 动议 职位空缺 干部队伍结构 工作方案",
                ("研判", "动议", "结构", "空缺", "方案", "配备"),
                "坚持把分析研判作为选人用人的基础，结合职位空缺和班子结构提出选任工作方案，经集体酝酿后启动动议。",
            ),
            Subtheme(
                "严格民主推荐和考察",
                "民主推荐 谈话调研推荐 会议推荐 考察 凡提四必 带病提拔",
                ("推荐", "考察", "凡提四必", "档案", "带病", "信访", "测评"),
                "坚持民主推荐和考察并重，全面落实“凡提四必”要求，坚决防止“带病提拔”。",
            ),
            Subtheme(
                "规范讨论决定和任职",
                "讨论决定 集体研究 任前公示 任职谈话 试用期",
                ("讨论决定", "公示", "任职", "试用期", "表决", "报备"),
                "坚持民主集中制，干部任免事项集体讨论决定，严格执行任前公示、任职谈话和试用期制度。",
            ),
            Subtheme(
                "统筹做好职务职级晋升",
                "职务与职级并行 职级晋升 调研员 主任科员",
                ("职级", "晋升", "调研员", "主任科员", "职务与职级"),
                "用好职务与职级并行制度，严格按照规定条件、程序和职数开展职级晋升，发挥职级晋升的激励作用。",
            ),
        ),
    ),
    Theme(
        id="cultivation",
        title="加强教育培训和实践锻炼，大力培养选拔年轻干部",
        query="教育培训 实践锻炼 年轻干部 培养选拔",
        keywords=("培训", "锻炼", "年轻", "青年", "挂职", "学习", "培养"),
        lead="{org}坚持选育管用全链条发力，在教育培训和实践锻炼中提升干部素质，持续做好年轻干部培养选拔工作。",
        subs=(
            Subtheme(
                "强化教育培训",
                "干部教育培训 理论学习 专业能力 培训班",
                ("培训", "学习", "讲堂", "党校", "轮训", "课程"),
                "坚持把教育培训作为提升干部素质的基础性工作，统筹抓好理论学习和专业能力培训。",
            ),
            Subtheme(
                "注重实践锻炼",
                "实践锻炼 基层一线 挂职 吃劲岗位 急难险重",
                ("挂职", "基层", "锻炼", "一线", "驻村", "选派", "交流"),
                "注重在基层一线和急难险重任务中磨砺干部，让干部在实践中增长才干。",
            ),
            Subtheme(
                "加大年轻干部培养选拔力度",
                "年轻干部 培养选拔 梯次配备 干部队伍结构",
                ("年轻", "青年", "80后", "90后", "梯队", "梯次", "墩苗"),
                "坚持把年轻干部培养选拔作为干部队伍建设的战略性任务，优化干部队伍年龄结构和梯次配备。",
            ),
        ),
    ),
    Theme(
        id="supervision",
        title="从严加强监督管理，营造风清气正的选人用人环境",
        query="干部监督 日常管理 个人有关事项报告 不正之风 廉洁",
        keywords=("监督", "谈心谈话", "个人有关事项", "廉洁", "廉政", "专项检查", "不正之风", "作风"),
        lead="{org}坚持严管和厚爱结合、激励和约束并重，把监督贯穿干部选拔任用和日常管理全过程。",
        subs=(
            Subtheme(
                "加强日常监督管理",
                "日常监督 谈心谈话 提醒函询诫勉 平时考核",
                ("监督", "谈心谈话", "提醒", "函询", "诫勉", "考核", "请休假"),
                "坚持管在日常、严在经常，通过谈心谈话、平时考核等方式及时掌握干部思想和工作情况。",
            ),
            Subtheme(
                "严格执行个人有关事项报告制度",
                "个人有关事项报告 两项法规 查核 如实报告",
                ("个人有关事项", "两项法规", "查核", "抽查", "报告"),
                "认真执行领导干部个人有关事项报告制度，把查核结果运用到干部选拔任用和日常管理中。",
            ),
            Subtheme(
                "持续整治用人上不正之风",
                "选人用人专项检查 不正之风 违规用人 自查 兼职",
                ("专项检查", "不正之风", "违规", "自查", "巡视", "巡察", "兼职"),
                "坚持对选人用人问题零容忍，主动开展自查自纠，坚决防止和纠正违规用人问题。",
            ),
            Subtheme(
                "加强作风和廉洁文化建设",
                "作风建设 廉洁文化 警示教育 廉政谈话",
                ("廉洁", "廉政", "作风", "警示"),
                "持续加强作风建设和廉洁文化建设，教育引导干部守纪律、讲规矩、知敬畏。",
            ),
        ),
    ),
)

#: Themes every report covers (the 条例's principles and procedure).
CORE_THEMES = ("direction", "procedure")


def subtheme_score(text: str, sub: Subtheme) -> int:
    """How many of a subsection's keywords ``text`` contains."""
    return sum(1 for k in sub.keywords if k in text)


def theme_for_highlight(text: str) -> tuple[Theme, Subtheme] | None:
    """The theme and subsection a highlight belongs to, or None if none matches."""
    best: tuple[int, int, Theme, Subtheme] | None = None
    order = 0
    for theme in THEMES:
        for sub in theme.subs:
            order += 1
            score = subtheme_score(text, sub) * 2 + sum(1 for k in theme.keywords if k in text)
            if score and (best is None or score > best[0]):
                best = (score, order, theme, sub)
    if best is None:
        return None
    return best[2], best[3]
