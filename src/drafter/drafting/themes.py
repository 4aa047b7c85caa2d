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
    #: written when neither a highlight nor a past-report sentence fits the subsection
    fallback: str = ""


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
        lead="{org}把党的领导落实到干部工作各方面，以新时代好干部标准为根本遵循选干部、配班子。",
        subs=(
            Subtheme(
                "压实选人用人主体责任",
                "党组 主体责任 党管干部 把关作用 集体研究",
                ("主体责任", "党管干部", "把关", "议题", "集体研究", "党组会", "党委会", "条例", "学习"),
                "{org}认真落实干部工作领导责任，书记带头把关，班子成员各负其责，干部任免事项一律按程序提交会议讨论。",
                fallback="严格执行干部选拔任用工作纪实制度，对每个环节的责任主体和履职情况如实记录，做到责任可追溯。",
            ),
            Subtheme(
                "突出政治标准",
                "政治标准 政治素质考察 两个维护 政治忠诚",
                ("政治", "两个维护", "忠诚"),
                "坚持把政治标准放在选人用人首位，深入了解干部的政治忠诚、政治定力、政治担当，确保选出来的干部政治上靠得住。",
                fallback="考察中注重听取干部所在部门和服务对象的意见，对政治上不合格的实行“一票否决”。",
            ),
            Subtheme(
                "树立正确选人用人导向",
                "好干部标准 选人用人导向 事业为上 注重实绩 担当作为",
                ("导向", "好干部", "实绩", "担当", "激励", "事业为上", "能上能下"),
                "坚持事业为上、人岗相适、人事相宜，以实绩论英雄、凭实绩用干部，激励干部担当作为。",
                fallback="对敢于担当、实绩突出的干部大胆使用，让干事者有舞台、有奔头。",
            ),
        ),
    ),
    Theme(
        id="procedure",
        title="严格程序规范操作，提高干部选任工作质量",
        query="严格程序 民主推荐 考察 凡提四必 讨论决定 任前公示",
        keywords=("程序", "推荐", "考察", "凡提四必", "公示", "动议", "研判", "职级"),
        lead="{org}把规矩和程序挺在前面，从动议、推荐、考察到讨论决定、任职，每个环节都严格把关、规范操作。",
        subs=(
            Subtheme(
                "加强分析研判，规范动议环节",
                "分析研判 动议 职位空缺 干部队伍结构 工作方案",
                ("研判", "动议", "结构", "空缺", "方案", "配备"),
                "坚持先研判、后动议，把班子运行和干部队伍的实际状况摸清摸透，作为启动选任的依据。",
                fallback="动议前充分听取分管领导和有关方面意见，酝酿不充分的不提交会议讨论。",
            ),
            Subtheme(
                "严格民主推荐和考察",
                "民主推荐 谈话调研推荐 会议推荐 考察 凡提四必 带病提拔",
                ("推荐", "考察", "凡提四必", "档案", "带病", "信访", "测评"),
                "坚持民主推荐和考察并重，全面落实“凡提四必”要求，坚决防止“带病提拔”。",
                fallback="考察中全面了解干部的德、能、勤、绩、廉表现，如实撰写考察材料，对发现的问题核查清楚后再作决定。",
            ),
            Subtheme(
                "规范讨论决定和任职",
                "讨论决定 集体研究 任前公示 任职谈话 试用期",
                ("讨论决定", "公示", "任职", "试用期", "表决", "报备"),
                "坚持民主集中制，严格执行任前公示、任职谈话和试用期制度。",
                fallback="公示期间认真受理群众反映，试用期满后按规定考核，合格的正式任职。",
            ),
            Subtheme(
                "统筹做好职务职级晋升",
                "职务与职级并行 职级晋升 调研员 主任科员",
                ("职级", "晋升", "调研员", "主任科员", "职务与职级"),
                "统筹用好领导职务和职级两条通道，职级晋升坚持德才兼备、注重实绩，在职数限额内按程序开展。",
                fallback="晋升人选经个人申报、民主推荐、考察、集体研究和公示后确定，充分调动干部干事创业的积极性。",
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
                fallback="结合岗位需要组织专题学习和业务培训，推动干部补短板、强弱项。",
            ),
            Subtheme(
                "注重实践锻炼",
                "实践锻炼 基层一线 挂职 吃劲岗位 急难险重",
                ("挂职", "基层", "锻炼", "一线", "驻村", "选派", "交流"),
                "注重在基层一线和急难险重任务中磨砺干部，让干部在实践中增长才干。",
                fallback="有计划地安排干部到重点项目和窗口岗位锻炼，在实践中检验干部、识别干部。",
            ),
            Subtheme(
                "加大年轻干部培养选拔力度",
                "年轻干部 培养选拔 梯次配备 干部队伍结构",
                ("年轻", "青年", "80后", "90后", "梯队", "梯次", "墩苗"),
                "把年轻干部工作作为一项战略性任务来抓，持续优化干部队伍年龄结构和梯次配备。",
                fallback="对表现优秀、条件成熟的年轻干部及时大胆使用，形成来源广泛、梯次合理的后备力量。",
            ),
        ),
    ),
    Theme(
        id="supervision",
        title="从严加强监督管理，营造风清气正的选人用人环境",
        query="干部监督 日常管理 个人有关事项报告 不正之风 廉洁",
        keywords=("监督", "谈心谈话", "个人有关事项", "廉洁", "廉政", "专项检查", "不正之风", "作风"),
        lead="{org}坚持从严管理监督干部，把监督挺在选人用人的前面，抓早抓小、防微杜渐。",
        subs=(
            Subtheme(
                "加强日常监督管理",
                "日常监督 谈心谈话 提醒函询诫勉 平时考核",
                ("监督", "谈心谈话", "提醒", "函询", "诫勉", "考核", "请休假"),
                "坚持管在日常、严在经常，通过谈心谈话、平时考核等方式及时掌握干部思想和工作情况。",
                fallback="对苗头性、倾向性问题及时提醒，防止小毛病演变成大问题。",
            ),
            Subtheme(
                "严格执行个人有关事项报告制度",
                "个人有关事项报告 两项法规 查核 如实报告",
                ("个人有关事项", "两项法规", "查核", "抽查", "报告"),
                "认真执行领导干部个人有关事项报告制度，把查核结果作为干部选拔任用的重要依据。",
                fallback="对报告不一致的情况逐一核实，按规定作出处理，督促干部如实报告、诚实守信。",
            ),
            Subtheme(
                "持续整治用人上不正之风",
                "选人用人专项检查 不正之风 违规用人 自查 兼职",
                ("专项检查", "不正之风", "违规", "自查", "巡视", "巡察", "兼职"),
                "坚持对选人用人问题零容忍，主动开展自查自纠，坚决防止和纠正违规用人问题。",
                fallback="畅通信访举报渠道，对反映选人用人问题的线索认真核查、及时处理。",
            ),
            Subtheme(
                "加强作风和廉洁文化建设",
                "作风建设 廉洁文化 警示教育 廉政谈话",
                ("廉洁", "廉政", "作风", "警示"),
                "持续加强作风建设和廉洁文化建设，教育引导干部守纪律、讲规矩、知敬畏。",
                fallback="在重要节点开展廉洁提醒，用身边事教育身边人，筑牢干部拒腐防变的思想防线。",
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
