"""Inspection cases the replica sites carry (issue 15): whole cases of the central
eco-environmental protection inspection, each told over months by several sites in both
languages (stationing, on-site work, feedback, rectification plan, progress, typical cases,
look-back, closure), with reposts, and decoys that use the same words (another round at
the same company, a work-safety check, a provincial inspection, a 中央巡视, a passing
mention). Hand-written and fixed: they are added to every site's generated articles
(catalog.py), whatever their number. The seed case (Chinalco, the fourth central team,
2020) is the seed documents' (seeds.py); the articles here add its later stages.

The truth of each article is stated beside its text: its case (or none), its stage and the
figures it states, by the rules of tests/data/cases/README.md (the labelled set's): each
figure's kind, value in yuan or units, and as-of day (the day the text states them as of,
else the day of the event it reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from pipelines.article import CHINA_TZ


@dataclass(frozen=True)
class Case:
    """One inspected party in one central inspection."""

    case: str
    party: str  # the vocabulary concept id
    party_kind: str  # organisation, province or city
    inspection: str  # round and batch: 第二轮第三批
    team: int
    stationed: date


@dataclass(frozen=True)
class Figure:
    kind: str  # one of pipelines.cases.FIGURE_KINDS
    value: int
    as_of: date


@dataclass(frozen=True)
class CaseArticle:
    """A written article and its truth. `label` names it (reposts point to it); `decoy` says
    what kind of decoy an article of no case is."""

    label: str
    site: str  # smm, cnmn, smm_cn or mee (cnmn's are copied by the mirror)
    published_at: datetime
    title: str
    paragraphs: tuple[str, ...]
    case: str | None
    stage: str | None
    figures: tuple[Figure, ...] = ()
    decoy: str | None = None
    repost_of: str | None = None
    source: str = ""
    author: str = ""
    metal: str = "copper"
    relevant: bool = True

    def truth(self) -> dict:
        """The case truth the manifest states for the article."""
        return {
            "label": self.label,
            "case": self.case,
            "stage": self.stage,
            "figures": [{"kind": f.kind, "value": f.value, "as_of": f.as_of.isoformat()} for f in self.figures],
            "decoy": self.decoy,
            "repost_of": self.repost_of,
        }


SEED_CASE = "chinalco-2020"
# The seed documents' truth (seeds.py): the China Copper stationing report CNMN ran (and the
# mirror copied), the SMM report of the rectification after the notification meeting.
SEED_STAGES = {"cnmn": "stationing", "smm": "progress"}
SEED_FIGURES = {
    "cnmn": (
        ("problems_raised", 38, "2020-10-09"),
        ("problems_rectified", 24, "2020-10-09"),
        ("problems_in_progress", 14, "2020-10-09"),
        ("complaints_received", 5, "2020-10-08"),
        ("complaints_closed", 4, "2020-10-08"),
    ),
    "smm": (),
}

CASES = (
    Case(SEED_CASE, "chinalco", "organisation", "第二轮第三批", 4, date(2020, 8, 31)),
    Case("yunnan-2023", "yunnan", "province", "第三轮第一批", 6, date(2023, 11, 21)),
    Case("jinchuan-2022", "jinchuan", "organisation", "第二轮第六批", 3, date(2022, 3, 29)),
    Case("ganzhou-2024", "ganzhou", "city", "第三轮第二批", 2, date(2024, 4, 16)),
    Case("zijin-2024", "zijin", "organisation", "第三轮第三批", 7, date(2024, 11, 26)),
    Case("guangxi-2021", "guangxi", "province", "第二轮第五批", 2, date(2021, 4, 7)),
    Case("tongling-2021", "tongling-nonferrous", "organisation", "第二轮第四批", 1, date(2021, 8, 26)),
    Case("inner-mongolia-2016", "inner-mongolia", "province", "第一轮第一批", 1, date(2016, 7, 14)),
    Case("hunan-2025", "hunan", "province", "第三轮第四批", 5, date(2025, 4, 9)),
    Case("baogang-2024", "baogang", "organisation", "第三轮第二批", 3, date(2024, 4, 18)),
    Case("chenzhou-2021", "chenzhou", "city", "第二轮第五批", 4, date(2021, 4, 9)),
    Case("minmetals-2023", "minmetals", "organisation", "第三轮第一批", 7, date(2023, 11, 22)),
)


def _at(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=CHINA_TZ)


def _figures(day: str, **values: int) -> tuple[Figure, ...]:
    """Figures all as of one day: raised=38, rectified=24 ..."""
    names = {
        "raised": "problems_raised",
        "rectified": "problems_rectified",
        "in_progress": "problems_in_progress",
        "received": "complaints_received",
        "closed": "complaints_closed",
        "penalty": "penalty_yuan",
        "accountable": "people_held_accountable",
    }
    return tuple(Figure(names[name], value, date.fromisoformat(day)) for name, value in values.items())


def _article(label: str, site: str, stamp: str, title: str, *paragraphs: str, **truth) -> CaseArticle:
    return CaseArticle(label, site, _at(stamp), title, paragraphs, **truth)


@cache
def articles() -> tuple[CaseArticle, ...]:
    """Every written article, by case, then the decoys."""
    a = _article
    return (
        # --- Chinalco, the fourth central team, 2020 (the seed case) -----------------------
        a(
            "chinalco-feedback",
            "mee",
            "2021-01-29 17:20",
            "中央第四生态环境保护督察组向中国铝业集团有限公司反馈督察情况",
            "经党中央、国务院批准，中央第四生态环境保护督察组于2020年8月31日至9月30日对中国铝业集团有限公司"
            "开展生态环境保护督察。2021年1月29日，督察组向中国铝业集团有限公司反馈督察情况。",
            "督察组认为，中铝集团坚持生态优先、绿色发展，主要污染物排放总量持续下降。"
            "同时指出，部分企业赤泥库、渣场环境风险突出，氟化物无组织排放问题长期得不到解决，"
            "个别企业在线监测数据弄虚作假。",
            "督察进驻期间，督察组受理转办群众信访举报12件，中铝集团已办结10件。",
            "督察组要求，中铝集团应根据督察报告抓紧研究制定整改方案，在30个工作日内报送党中央、国务院。",
            case=SEED_CASE,
            stage="feedback",
            figures=_figures("2021-01-29", received=12, closed=10),
            source="中央生态环境保护督察办公室",
            author="督察办",
            metal="aluminium",
        ),
        a(
            "chinalco-feedback-en",
            "smm",
            "2021-01-30 09:40",
            "Central inspectors hand back findings to Chinalco",
            "SHANGHAI, Jan 30 (SMM) - China's fourth central eco-environmental protection inspection team handed its "
            "findings to Aluminum Corporation of China (Chinalco) on January 29, four months after it was stationed "
            "at the group.",
            "The team said red mud storage yards and slag sites at some of Chinalco's plants posed serious "
            "environmental risks, and that fugitive fluoride emissions had gone unresolved for years.",
            "It received 12 public complaints during its month at the group, of which Chinalco has closed 10.",
            "Chinalco has 30 working days to submit a rectification plan to the central authorities.",
            case=SEED_CASE,
            stage="feedback",
            figures=_figures("2021-01-29", received=12, closed=10),
            source="SMM",
            author="Lucy Zhang",
            metal="aluminium",
        ),
        a(
            "chinalco-plan",
            "cnmn",
            "2021-05-10 10:05",
            "中铝集团公开中央生态环境保护督察整改方案",
            "近日，中国铝业集团有限公司对外公开中央第四生态环境保护督察组督察反馈意见整改方案。",
            "方案对督察反馈的41项问题逐项明确整改目标、整改措施、责任单位、责任人和整改时限，"
            "其中赤泥库综合治理、电解铝烟气深度治理等问题被列为集团重点督办事项。",
            "中铝集团表示，将把督察整改作为重大政治任务，实行清单化管理、项目化推进，确保整改到位。",
            case=SEED_CASE,
            stage="plan",
            figures=_figures("2021-05-10", raised=41),
            source="中国有色网",
            author="刘洋",
            metal="aluminium",
        ),
        a(
            "chinalco-progress",
            "smm_cn",
            "2022-01-18 15:32",
            "中铝集团督察整改取得阶段性成效 33项任务已完成",
            "记者从中铝集团获悉，截至2021年12月31日，中央第四生态环境保护督察组反馈中铝集团的41项整改任务中，"
            "已完成33项，其余8项正按整改方案有序推进。",
            "一年来，中铝集团累计投入环保治理资金40.6亿元，所属企业赤泥库、渣场全部完成隐患排查。",
            case=SEED_CASE,
            stage="progress",
            figures=_figures("2021-12-31", raised=41, rectified=33, in_progress=8),
            source="上海有色网",
            author="周婷",
            metal="aluminium",
        ),
        a(
            "chinalco-lookback",
            "mee",
            "2022-10-21 11:00",
            "中铝集团开展督察整改“回头看” 巩固整改成效",
            "为防止问题反弹，中铝集团于2022年9月组织对中央生态环境保护督察反馈问题整改情况开展“回头看”，"
            "对已完成整改的任务逐一现场复核。",
            "复核组逐一查看所属企业赤泥库、渣场和电解铝烟气治理设施，调阅整改台账和销号材料。",
            "“回头看”发现，个别企业存在整改标准不高等情况，集团已督促相关企业限期整改到位。",
            case=SEED_CASE,
            stage="lookback",
            source="生态环境部",
            author="督察办",
            metal="aluminium",
        ),
        # --- Yunnan, the sixth central team, 2023 ---------------------------------------------
        a(
            "yunnan-stationing",
            "mee",
            "2023-11-22 09:10",
            "中央第六生态环境保护督察组进驻云南省",
            "经党中央、国务院批准，第三轮第一批中央生态环境保护督察全面启动。",
            "2023年11月21日，中央第六生态环境保护督察组进驻云南省，督察工作动员会在昆明召开。",
            "督察进驻时间约1个月。进驻期间，督察组设立专门值班电话：0871-63195888，"
            "专门邮政信箱：云南省昆明市A117号邮政信箱，受理被督察对象生态环境保护方面的来信来电举报。",
            case="yunnan-2023",
            stage="stationing",
            source="中央生态环境保护督察办公室",
            author="督察办",
            metal="tin-antimony",
        ),
        a(
            "yunnan-onsite",
            "smm_cn",
            "2023-12-08 16:45",
            "中央督察组下沉个旧 紧盯锡冶炼废渣处置",
            "12月6日至7日，中央第六生态环境保护督察组下沉红河州个旧市，实地查看多家锡冶炼企业废渣贮存场和尾矿库。",
            "据云南省生态环境厅消息，截至12月7日，督察组累计向云南省转办群众信访举报1426件，"
            "云南省已办结或阶段办结1012件。",
            "业内人士表示，此轮督察对个旧地区锡冶炼产能短期内或有一定影响。",
            case="yunnan-2023",
            stage="onsite",
            figures=_figures("2023-12-07", received=1426, closed=1012),
            source="上海有色网",
            author="李明",
            metal="tin-antimony",
        ),
        a(
            "yunnan-feedback",
            "mee",
            "2024-03-19 18:30",
            "中央第六生态环境保护督察组向云南省反馈督察情况",
            "2024年3月19日，中央第六生态环境保护督察组向云南省反馈督察情况。",
            "督察组指出，云南省一些地方有色金属采选冶行业历史遗留问题突出，个旧、东川等地尾矿库和冶炼废渣"
            "环境风险隐患较大，部分企业长期超标排放。",
            "督察组受理转办群众信访举报2310件，云南省已办结2203件；责令整改418家，立案处罚126家，"
            "罚款4865.3万元；立案侦查14件，拘留9人；约谈93人，问责57人。",
            "督察组要求，云南省委、省政府应根据督察报告研究制定整改方案，在30个工作日内报送党中央、国务院。",
            case="yunnan-2023",
            stage="feedback",
            figures=_figures("2024-03-19", received=2310, closed=2203, penalty=48_653_000, accountable=57),
            source="生态环境部",
            author="督察办",
            metal="tin-antimony",
        ),
        a(
            "yunnan-feedback-repost",
            "cnmn",
            "2024-03-20 08:50",
            "中央第六生态环境保护督察组向云南省反馈督察情况",
            "2024年3月19日，中央第六生态环境保护督察组向云南省反馈督察情况。",
            "督察组指出，云南省一些地方有色金属采选冶行业历史遗留问题突出，个旧、东川等地尾矿库和冶炼废渣"
            "环境风险隐患较大，部分企业长期超标排放。",
            "督察组受理转办群众信访举报2310件，云南省已办结2203件；责令整改418家，立案处罚126家，"
            "罚款4865.3万元；立案侦查14件，拘留9人；约谈93人，问责57人。",
            case="yunnan-2023",
            stage="feedback",
            figures=_figures("2024-03-19", received=2310, closed=2203, penalty=48_653_000, accountable=57),
            repost_of="yunnan-feedback",
            source="生态环境部",
            author="",
            metal="tin-antimony",
        ),
        a(
            "yunnan-feedback-en",
            "smm",
            "2024-03-20 14:15",
            "Yunnan told to clean up tin smelting waste after central inspection",
            "China's sixth central eco-environmental protection inspection team handed its findings to Yunnan "
            "province on March 19, saying legacy tailings ponds and smelting slag in Gejiu and Dongchuan "
            "posed high risks.",
            "During its stay the team forwarded 2,310 public complaints to the province, which has closed 2,203. "
            "Fines of 48.653 million yuan were imposed and 57 officials were held accountable.",
            "Yunnan produces about a third of China's refined tin.",
            case="yunnan-2023",
            stage="feedback",
            figures=_figures("2024-03-19", received=2310, closed=2203, penalty=48_653_000, accountable=57),
            source="SMM",
            author="Cherry Zhou",
            metal="tin-antimony",
        ),
        a(
            "yunnan-plan",
            "cnmn",
            "2024-06-14 10:20",
            "云南省公开第三轮中央生态环境保护督察整改方案",
            "6月14日，云南省对外公开第三轮第一批中央生态环境保护督察整改方案。",
            "方案针对督察反馈的56个问题，逐项明确整改目标、整改措施、责任单位和整改时限，共制定整改措施215条，"
            "其中涉及有色金属行业的问题17个。",
            case="yunnan-2023",
            stage="plan",
            figures=_figures("2024-06-14", raised=56),
            source="云南日报",
            author="杨帆",
            metal="tin-antimony",
        ),
        a(
            "yunnan-progress-en",
            "smm",
            "2025-02-12 11:05",
            "Yunnan says 41 of 56 central inspection problems fixed",
            "Yunnan province has rectified 41 of the 56 problems raised by the sixth central eco-environmental "
            "protection inspection team, the provincial ecology and environment department said on Wednesday.",
            "As of January 31, the remaining 15 problems were being rectified on schedule, including the "
            "clean-up of tin slag heaps in Gejiu.",
            case="yunnan-2023",
            stage="progress",
            figures=_figures("2025-01-31", raised=56, rectified=41, in_progress=15),
            source="SMM",
            author="Cherry Zhou",
            metal="tin-antimony",
        ),
        a(
            "yunnan-lookback",
            "mee",
            "2025-11-28 10:00",
            "云南省开展中央生态环境保护督察整改“回头看”",
            "为巩固第三轮第一批中央生态环境保护督察整改成效，2025年10月至11月，云南省组织开展督察整改“回头看”，"
            "重点核查有色金属采选冶企业尾矿库、废渣场整改情况。",
            "截至10月31日，督察反馈的56个问题已完成整改49个，其余7个均达到序时进度。",
            case="yunnan-2023",
            stage="lookback",
            figures=_figures("2025-10-31", raised=56, rectified=49, in_progress=7),
            source="生态环境部",
            author="督察办",
            metal="tin-antimony",
        ),
        # --- Jinchuan Group, the third central team, 2022 ---------------------------------------
        a(
            "jinchuan-stationing",
            "cnmn",
            "2022-03-30 09:30",
            "中央第三生态环境保护督察组督察金川集团工作动员会召开",
            "3月29日，中央第三生态环境保护督察组督察金川集团股份有限公司工作动员会在甘肃金昌召开。",
            "按照党中央、国务院统一部署，第二轮第六批中央生态环境保护督察对金川集团开展例行督察，"
            "进驻时间约1个月，4月29日结束。",
            "金川集团党委书记、董事长作动员讲话，表示将全力支持配合督察工作，坚持立行立改、边督边改。",
            case="jinchuan-2022",
            stage="stationing",
            source="中国有色网",
            author="马骏",
            metal="nickel-cobalt",
        ),
        a(
            "jinchuan-feedback-en",
            "smm",
            "2022-07-13 10:50",
            "Jinchuan Group receives central environmental inspection findings",
            "The third central eco-environmental protection inspection team handed back its findings to Jinchuan "
            "Group on July 12, criticising the nickel and copper producer for slag yards that leak and for "
            "sulphur dioxide emissions above permitted levels at its smelters.",
            "The team received 87 complaints from the public during its stay, and Jinchuan has closed 79 of them. "
            "Fines of 2.96 million yuan were imposed and seven people were held accountable.",
            "Jinchuan is China's largest nickel producer.",
            case="jinchuan-2022",
            stage="feedback",
            figures=_figures("2022-07-12", received=87, closed=79, penalty=2_960_000, accountable=7),
            source="SMM",
            author="Alex Sun",
            metal="nickel-cobalt",
        ),
        a(
            "jinchuan-plan",
            "smm_cn",
            "2022-09-05 14:00",
            "金川集团公开中央生态环境保护督察整改方案",
            "9月5日，金川集团股份有限公司公开中央生态环境保护督察整改方案，针对督察反馈的23个问题制定整改措施94条。",
            "方案提出，到2023年底完成冶炼烟气深度治理和渣场防渗改造，2024年6月底前全部完成整改任务。",
            case="jinchuan-2022",
            stage="plan",
            figures=_figures("2022-09-05", raised=23),
            source="上海有色网",
            author="王丽",
            metal="nickel-cobalt",
        ),
        a(
            "jinchuan-progress",
            "cnmn",
            "2023-06-08 16:10",
            "金川集团督察整改落实情况：23项问题已完成19项",
            "截至2023年5月31日，中央第三生态环境保护督察组反馈金川集团的23项问题中，已完成整改19项，其余4项正在推进。",
            "金川集团表示，渣场防渗改造工程已进入收尾阶段，冶炼烟气制酸系统提标改造年内投运。",
            case="jinchuan-2022",
            stage="progress",
            figures=_figures("2023-05-31", raised=23, rectified=19, in_progress=4),
            source="金昌日报",
            author="马骏",
            metal="nickel-cobalt",
        ),
        a(
            "jinchuan-progress-repost",
            "smm_cn",
            "2023-06-09 08:20",
            "金川集团23项督察整改问题已完成19项",
            "截至2023年5月31日，中央第三生态环境保护督察组反馈金川集团的23项问题中，已完成整改19项，其余4项正在推进。",
            "金川集团表示，渣场防渗改造工程已进入收尾阶段，冶炼烟气制酸系统提标改造年内投运。",
            case="jinchuan-2022",
            stage="progress",
            figures=_figures("2023-05-31", raised=23, rectified=19, in_progress=4),
            repost_of="jinchuan-progress",
            source="中国有色网",
            author="王丽",
            metal="nickel-cobalt",
        ),
        a(
            "jinchuan-closure",
            "mee",
            "2024-05-16 10:30",
            "金川集团中央生态环境保护督察整改任务全部通过验收销号",
            "近日，金川集团第二轮中央生态环境保护督察反馈问题整改验收工作完成。"
            "经现场核查、资料审核和综合评议，23项整改任务全部通过验收并销号。",
            "验收组要求，金川集团要持续巩固整改成效，严防问题反弹。",
            case="jinchuan-2022",
            stage="closure",
            figures=_figures("2024-05-16", raised=23, rectified=23),
            source="中央生态环境保护督察办公室",
            author="督察办",
            metal="nickel-cobalt",
        ),
        # --- Ganzhou, the second central team, 2024 --------------------------------------------
        a(
            "ganzhou-stationing",
            "mee",
            "2024-04-17 09:00",
            "中央第二生态环境保护督察组进驻江西省赣州市",
            "4月16日，第三轮第二批中央生态环境保护督察中央第二生态环境保护督察组进驻江西省赣州市，"
            "对赣州市开展为期约1个月的例行督察。",
            "督察期间设立专门值班电话0797-8995110，受理赣州市生态环境保护方面的来电来信举报。",
            case="ganzhou-2024",
            stage="stationing",
            source="生态环境部",
            author="督察办",
            metal="rare-earth",
        ),
        a(
            "ganzhou-onsite",
            "cnmn",
            "2024-04-29 17:40",
            "督察组深入赣州稀土矿区 边督边改推进尾水治理",
            "进驻以来，中央第二生态环境保护督察组先后深入龙南、定南、寻乌等地稀土矿区，"
            "现场检查废弃矿山尾水收集处理情况。",
            "截至4月28日，赣州市共收到督察组转办的信访件367件，已办结201件，其余正在办理。",
            "赣州市表示，对督察组转办的问题坚持立行立改、边督边改，已对12家企业立案查处。",
            case="ganzhou-2024",
            stage="onsite",
            figures=_figures("2024-04-28", received=367, closed=201),
            source="赣南日报",
            author="钟华",
            metal="rare-earth",
        ),
        a(
            "ganzhou-typical",
            "mee",
            "2024-05-09 15:00",
            "中央生态环境保护督察典型案例｜江西赣州部分离子型稀土废弃矿山尾水治理不力",
            "中央第二生态环境保护督察组在江西省赣州市督察时发现，部分离子型稀土废弃矿山尾水治理工程进度滞后，"
            "尾水收集不完全，周边水体氨氮浓度超标，群众反映强烈。",
            "督察组将继续调查核实有关情况，并按要求做好后续督察工作。",
            case="ganzhou-2024",
            stage="typical_case",
            source="生态环境部",
            author="督察办",
            metal="rare-earth",
        ),
        a(
            "ganzhou-feedback",
            "smm_cn",
            "2024-07-10 19:05",
            "中央生态环保督察组向赣州反馈：稀土矿山生态修复滞后",
            "7月10日，中央第二生态环境保护督察组向赣州市反馈督察情况，指出赣州市稀土废弃矿山生态修复滞后，"
            "部分矿区尾水长期超标外排。",
            "督察期间，督察组向赣州市转办群众信访举报572件，已全部办结；赣州市责令整改92家，立案处罚35家，"
            "罚款683万元，问责21人。",
            case="ganzhou-2024",
            stage="feedback",
            figures=_figures("2024-07-10", received=572, closed=572, penalty=6_830_000, accountable=21),
            source="上海有色网",
            author="吴婷",
            metal="rare-earth",
        ),
        a(
            "ganzhou-progress-en",
            "smm",
            "2025-08-06 13:30",
            "Ganzhou reports progress on rare earth mine clean-up ordered by central inspectors",
            "Ganzhou, China's rare earth hub in Jiangxi province, said it had fixed 24 of the 31 problems raised "
            "by the second central eco-environmental protection inspection team, as of July 31.",
            "Seven long-term tasks, mostly the restoration of abandoned ionic clay mines, remain in progress.",
            "Ganzhou's separation plants run below capacity as feedstock stays tight.",
            case="ganzhou-2024",
            stage="progress",
            figures=_figures("2025-07-31", raised=31, rectified=24, in_progress=7),
            source="SMM",
            author="Jerry Liu",
            metal="rare-earth",
        ),
        # --- Zijin Mining, the seventh central team, 2024 --------------------------------------
        a(
            "zijin-stationing-en",
            "smm",
            "2024-11-27 10:10",
            "Central environmental inspectors stationed at Zijin Mining",
            "China's seventh central eco-environmental protection inspection team was stationed at Zijin Mining "
            "Group on November 26, as part of the third batch of the third round of central inspections.",
            "The team will stay about a month and has opened a hotline for complaints from the public.",
            "Zijin's shares fell 1.2% in Hong Kong.",
            case="zijin-2024",
            stage="stationing",
            source="SMM",
            author="Daisy Wang",
            metal="precious",
        ),
        a(
            "zijin-feedback",
            "cnmn",
            "2025-03-05 18:20",
            "中央第七生态环境保护督察组向紫金矿业集团反馈督察情况",
            "3月5日，中央第七生态环境保护督察组向紫金矿业集团股份有限公司反馈督察情况。",
            "督察组指出，紫金矿业部分矿山尾矿库渗滤液收集不到位，个别项目未批先建，生态修复欠账较多。",
            "督察进驻期间，督察组受理转办群众信访举报一百零三件，已办结九十六件；"
            "相关地方责令整改25家，立案处罚11家，罚款三百二十万元，问责九人。",
            case="zijin-2024",
            stage="feedback",
            figures=_figures("2025-03-05", received=103, closed=96, penalty=3_200_000, accountable=9),
            source="中国有色网",
            author="林峰",
            metal="precious",
        ),
        a(
            "zijin-plan",
            "smm_cn",
            "2025-05-16 11:45",
            "紫金矿业公布中央生态环境保护督察整改方案 明确28项整改任务",
            "紫金矿业集团股份有限公司5月16日公布中央生态环境保护督察整改方案，明确整改任务28项、整改措施113条，"
            "计划2025年底前完成19项。",
            case="zijin-2024",
            stage="plan",
            figures=_figures("2025-05-16", raised=28),
            source="上海有色网",
            author="林娜",
            metal="precious",
        ),
        a(
            "zijin-progress",
            "smm_cn",
            "2026-01-20 15:50",
            "紫金矿业中央环保督察整改进展：28项任务完成21项",
            "紫金矿业1月20日发布公告称，截至2025年12月31日，中央生态环境保护督察反馈的28项整改任务已完成21项，"
            "其余7项属长期整改任务，将持续推进。",
            case="zijin-2024",
            stage="progress",
            figures=_figures("2025-12-31", raised=28, rectified=21, in_progress=7),
            source="上海有色网",
            author="林娜",
            metal="precious",
        ),
        # --- Guangxi, the second central team, 2021 --------------------------------------------
        a(
            "guangxi-stationing",
            "cnmn",
            "2021-04-08 09:15",
            "第二轮第五批中央生态环境保护督察进驻广西",
            "4月7日，中央第二生态环境保护督察组督察广西壮族自治区工作动员会在南宁召开。",
            "督察组将对广西开展为期约1个月的第二轮第五批中央生态环境保护例行督察，重点关注有色金属冶炼、"
            "锰渣库和稀土开采等领域突出问题。",
            case="guangxi-2021",
            stage="stationing",
            source="广西日报",
            author="黄强",
            metal="tin-antimony",
        ),
        a(
            "guangxi-typical",
            "mee",
            "2021-04-25 16:00",
            "中央生态环境保护督察典型案例：广西河池部分有色金属企业废渣长期违规堆存",
            "中央第二生态环境保护督察组在广西督察发现，河池市南丹县部分有色金属冶炼企业含砷废渣长期露天堆存，"
            "防渗措施缺失，渗滤液直排周边沟渠。",
            "督察组指出，当地政府及有关部门监管不力，问题整治推进缓慢。",
            case="guangxi-2021",
            stage="typical_case",
            source="生态环境部",
            author="督察办",
            metal="lead-zinc",
        ),
        a(
            "guangxi-feedback-en",
            "smm",
            "2021-07-09 16:20",
            "Guangxi receives central inspection findings on its metals industry",
            "The second central eco-environmental protection inspection team gave its feedback to the Guangxi "
            "Zhuang Autonomous Region on July 9, after a month-long inspection in April and May.",
            "During the inspection it received 2,478 public complaints, of which 2,461 had been closed, "
            "and the region imposed fines of 47.15 million yuan. A total of 118 people were held accountable.",
            case="guangxi-2021",
            stage="feedback",
            figures=_figures("2021-07-09", received=2478, closed=2461, penalty=47_150_000, accountable=118),
            source="SMM",
            author="Iris Chen",
            metal="tin-antimony",
        ),
        a(
            "guangxi-plan",
            "smm_cn",
            "2021-10-12 10:00",
            "广西公开第二轮中央生态环境保护督察整改方案",
            "近日，《广西壮族自治区贯彻落实第二轮中央生态环境保护督察报告整改方案》公开。",
            "整改方案共明确整改任务62项，涉及河池、百色、贺州等地有色金属采选冶行业的任务14项。",
            case="guangxi-2021",
            stage="plan",
            figures=_figures("2021-10-12", raised=62),
            source="广西壮族自治区人民政府",
            author="黄强",
            metal="tin-antimony",
        ),
        a(
            "guangxi-lookback",
            "cnmn",
            "2022-11-15 14:30",
            "广西开展第二轮中央生态环境保护督察整改“回头看”",
            "广西壮族自治区近期对第二轮中央生态环境保护督察整改情况开展“回头看”，对已完成的整改任务开展现场抽查。",
            "截至10月31日，62项整改任务已完成47项，其余15项正在推进，均达到序时进度要求。",
            case="guangxi-2021",
            stage="lookback",
            figures=_figures("2022-10-31", raised=62, rectified=47, in_progress=15),
            source="广西日报",
            author="黄强",
            metal="tin-antimony",
        ),
        # --- Tongling Nonferrous, the first central team, 2021 ---------------------------------
        a(
            "tongling-stationing",
            "smm_cn",
            "2021-08-27 10:40",
            "中央第一生态环境保护督察组进驻铜陵有色",
            "8月26日，第二轮第四批中央生态环境保护督察中央第一生态环境保护督察组进驻铜陵有色金属集团控股有限公司，"
            "开展为期约1个月的例行督察。",
            "铜陵有色表示，将全力配合督察组工作，对督察组交办的问题立行立改。",
            case="tongling-2021",
            stage="stationing",
            source="上海有色网",
            author="陈雪",
            metal="copper",
        ),
        a(
            "tongling-feedback",
            "mee",
            "2021-12-08 17:00",
            "中央第一生态环境保护督察组向铜陵有色金属集团反馈督察情况",
            "2021年12月8日，中央第一生态环境保护督察组向铜陵有色金属集团控股有限公司反馈督察情况。",
            "督察组指出，铜陵有色部分冶炼企业含重金属废水处理设施运行不正常，尾矿库环境风险管控不到位。",
            "督察进驻期间，督察组受理转办群众信访举报45件，已办结45件，罚款186万元。",
            case="tongling-2021",
            stage="feedback",
            figures=_figures("2021-12-08", received=45, closed=45, penalty=1_860_000),
            source="生态环境部",
            author="督察办",
            metal="copper",
        ),
        a(
            "tongling-progress-en",
            "smm",
            "2022-09-14 11:20",
            "Tongling Nonferrous says 18 of 26 inspection problems rectified",
            "Tongling Nonferrous Metals Group had completed rectification of 18 of the 26 problems raised by "
            "central environmental inspectors as of August 31, the Anhui-based copper smelter said.",
            "The other eight are in progress, including an overhaul of wastewater treatment at its Jinlong smelter.",
            case="tongling-2021",
            stage="progress",
            figures=_figures("2022-08-31", raised=26, rectified=18, in_progress=8),
            source="SMM",
            author="Iris Chen",
            metal="copper",
        ),
        a(
            "tongling-closure",
            "cnmn",
            "2023-12-20 10:00",
            "铜陵有色中央环保督察反馈问题全部完成整改并销号",
            "12月19日，铜陵有色金属集团召开中央生态环境保护督察整改验收销号会。",
            "经第三方评估和省级部门核查，中央第一生态环境保护督察组反馈的26个问题已全部完成整改并销号。",
            case="tongling-2021",
            stage="closure",
            figures=_figures("2023-12-19", raised=26, rectified=26),
            source="中国有色网",
            author="陈雪",
            metal="copper",
        ),
        # --- Inner Mongolia, the first round, 2016 ---------------------------------------------
        a(
            "inner-mongolia-stationing-en",
            "smm",
            "2016-07-15 15:00",
            "Central environmental inspectors arrive in Inner Mongolia",
            "The first central environmental protection inspection team was stationed in Inner Mongolia on "
            "July 14, as the first batch of central inspections got under way in eight provinces and regions.",
            "The team will stay a month. Rare earth and aluminium producers around Baotou are expected to "
            "face checks on waste water and tailings.",
            case="inner-mongolia-2016",
            stage="stationing",
            source="SMM",
            author="Kevin Li",
            metal="rare-earth",
        ),
        a(
            "inner-mongolia-feedback",
            "mee",
            "2016-11-10 18:00",
            "中央第一环境保护督察组向内蒙古自治区反馈督察情况",
            "2016年11月10日，中央第一环境保护督察组向内蒙古自治区反馈督察情况。",
            "督察组指出，包头等地稀土尾矿库、白云鄂博矿区生态破坏问题突出，部分工业园区环境基础设施建设滞后。",
            "督察期间，督察组交办的1638件环境问题举报已全部办结，共罚款1420万元，问责405人。",
            case="inner-mongolia-2016",
            stage="feedback",
            figures=_figures("2016-11-10", received=1638, closed=1638, penalty=14_200_000, accountable=405),
            source="生态环境部",
            author="督察办",
            metal="rare-earth",
        ),
        a(
            "inner-mongolia-plan",
            "cnmn",
            "2017-03-02 10:30",
            "内蒙古公开中央环境保护督察反馈意见整改方案",
            "内蒙古自治区日前公开中央环境保护督察反馈意见整改方案，共梳理出整改问题76项，"
            "逐一明确责任单位、整改时限和整改目标。",
            case="inner-mongolia-2016",
            stage="plan",
            figures=_figures("2017-03-02", raised=76),
            source="内蒙古日报",
            author="白云",
            metal="rare-earth",
        ),
        a(
            "inner-mongolia-progress",
            "smm_cn",
            "2017-12-28 16:00",
            "内蒙古中央环保督察整改过半：76项问题完成43项",
            "截至12月20日，内蒙古自治区中央环境保护督察反馈的76项问题已完成整改43项，其余33项正在整改。",
            case="inner-mongolia-2016",
            stage="progress",
            figures=_figures("2017-12-20", raised=76, rectified=43, in_progress=33),
            source="上海有色网",
            author="白云",
            metal="rare-earth",
        ),
        a(
            "inner-mongolia-lookback",
            "mee",
            "2018-06-05 09:30",
            "中央环境保护督察“回头看”进驻内蒙古",
            "6月5日，中央第一环境保护督察组对内蒙古自治区开展督察整改情况“回头看”，重点核查2016年中央环境保护督察"
            "反馈问题的整改落实情况。",
            "“回头看”进驻时间约1个月，督察组将对整改不力、表面整改、假装整改等问题严肃查处。",
            case="inner-mongolia-2016",
            stage="lookback",
            source="生态环境部",
            author="督察办",
            metal="rare-earth",
        ),
        # --- Hunan, the fifth central team, 2025 -----------------------------------------------
        a(
            "hunan-stationing",
            "mee",
            "2025-04-10 09:20",
            "中央第五生态环境保护督察组进驻湖南省",
            "经党中央、国务院批准，2025年4月9日，中央第五生态环境保护督察组进驻湖南省，"
            "开展第三轮第四批中央生态环境保护例行督察。",
            "督察进驻时间约1个月，专门值班电话0731-88700100。",
            case="hunan-2025",
            stage="stationing",
            source="中央生态环境保护督察办公室",
            author="督察办",
            metal="lead-zinc",
        ),
        a(
            "hunan-onsite-en",
            "smm",
            "2025-04-24 17:10",
            "Central inspectors visit Hunan lead and zinc smelters",
            "Members of the fifth central eco-environmental protection inspection team made site visits to lead "
            "and zinc smelters in Zhuzhou and Hengyang this week, checking on heavy metal discharges into the "
            "Xiang River.",
            "As of April 23, the team had forwarded 1,205 public complaints to Hunan province, and 766 had "
            "been closed.",
            "Several smelters in the area cut output during the visits, market participants said.",
            case="hunan-2025",
            stage="onsite",
            figures=_figures("2025-04-23", received=1205, closed=766),
            source="SMM",
            author="Daisy Wang",
            metal="lead-zinc",
        ),
        a(
            "hunan-feedback",
            "cnmn",
            "2025-07-22 18:40",
            "中央第五生态环境保护督察组向湖南省反馈督察情况",
            "7月22日，中央第五生态环境保护督察组向湖南省反馈督察情况。",
            "督察组指出，湖南省湘江流域重金属污染治理仍有短板，部分历史遗留铅锌废渣未得到有效处置。",
            "督察进驻期间，督察组受理转办群众信访举报2866件，湖南省已办结2790件；立案处罚208家，罚款3961万元；"
            "约谈117人，问责86人。",
            case="hunan-2025",
            stage="feedback",
            figures=_figures("2025-07-22", received=2866, closed=2790, penalty=39_610_000, accountable=86),
            source="湖南日报",
            author="谭军",
            metal="lead-zinc",
        ),
        a(
            "hunan-plan",
            "smm_cn",
            "2025-10-17 10:15",
            "湖南省公开第三轮中央生态环境保护督察整改方案 明确整改任务48项",
            "10月17日，湖南省对外公开第三轮第四批中央生态环境保护督察整改方案，明确整改任务48项，"
            "其中湘江流域重金属污染治理任务11项。",
            case="hunan-2025",
            stage="plan",
            figures=_figures("2025-10-17", raised=48),
            source="上海有色网",
            author="谭军",
            metal="lead-zinc",
        ),
        a(
            "hunan-progress",
            "mee",
            "2026-06-12 10:00",
            "湖南省中央生态环境保护督察整改进展情况",
            "截至2026年5月31日，湖南省第三轮中央生态环境保护督察反馈问题的48项整改任务中，已完成22项，"
            "其余26项正在推进。",
            "湖南省累计完成历史遗留废渣治理280万立方米。",
            case="hunan-2025",
            stage="progress",
            figures=_figures("2026-05-31", raised=48, rectified=22, in_progress=26),
            source="生态环境部",
            author="督察办",
            metal="lead-zinc",
        ),
        # --- Baotou Steel, the third central team, 2024 ----------------------------------------
        a(
            "baogang-stationing",
            "smm_cn",
            "2024-04-19 09:40",
            "中央第三生态环境保护督察组进驻包钢集团",
            "4月18日，第三轮第二批中央生态环境保护督察中央第三生态环境保护督察组对包钢（集团）公司开展例行督察，"
            "督察工作动员会在包头召开。",
            "督察组将重点关注稀土选冶、尾矿库和钢铁超低排放改造等问题。",
            case="baogang-2024",
            stage="stationing",
            source="上海有色网",
            author="赵鑫",
            metal="rare-earth",
        ),
        a(
            "baogang-feedback-en",
            "smm",
            "2024-07-03 17:35",
            "Baotou Steel told to fix rare earth tailings risks after central inspection",
            "The third central eco-environmental protection inspection team handed its findings to Baotou Steel "
            "on July 3, citing seepage risks at the group's rare earth tailings dam and delays in ultra-low "
            "emission upgrades.",
            "It received 64 complaints from the public during the inspection and closed 60, and fines of "
            "1.85 million yuan were imposed.",
            case="baogang-2024",
            stage="feedback",
            figures=_figures("2024-07-03", received=64, closed=60, penalty=1_850_000),
            source="SMM",
            author="Kevin Li",
            metal="rare-earth",
        ),
        a(
            "baogang-plan",
            "cnmn",
            "2024-09-20 15:10",
            "包钢集团公开中央生态环境保护督察整改方案",
            "包钢集团日前公开中央生态环境保护督察整改方案，针对中央第三生态环境保护督察组反馈的19个问题，"
            "制定整改措施67条。",
            case="baogang-2024",
            stage="plan",
            figures=_figures("2024-09-20", raised=19),
            source="包头日报",
            author="赵鑫",
            metal="rare-earth",
        ),
        a(
            "baogang-lookback",
            "cnmn",
            "2025-09-25 11:00",
            "包钢集团开展中央环保督察整改“回头看”",
            "包钢集团近日对中央生态环境保护督察整改情况开展“回头看”。截至8月31日，19个问题已完成整改15个，"
            "4个正在整改。",
            "“回头看”重点核查了稀土尾矿库防渗和钢铁超低排放改造完成情况。",
            case="baogang-2024",
            stage="lookback",
            figures=_figures("2025-08-31", raised=19, rectified=15, in_progress=4),
            source="包头日报",
            author="赵鑫",
            metal="rare-earth",
        ),
        # --- Chenzhou, the fourth central team, 2021 -------------------------------------------
        a(
            "chenzhou-stationing",
            "cnmn",
            "2021-04-10 10:10",
            "中央第四生态环境保护督察组进驻郴州市",
            "4月9日，中央第四生态环境保护督察组进驻郴州市，开展第二轮第五批中央生态环境保护督察。",
            "郴州是有色金属之乡，督察组将重点检查铅锌、钨锡采选冶企业尾矿库和重金属污染防治情况。",
            case="chenzhou-2021",
            stage="stationing",
            source="郴州日报",
            author="邓辉",
            metal="lead-zinc",
        ),
        a(
            "chenzhou-feedback",
            "smm_cn",
            "2021-07-15 19:20",
            "中央生态环境保护督察组向郴州反馈督察情况",
            "7月15日，中央第四生态环境保护督察组向郴州市反馈督察情况。",
            "督察期间，督察组向郴州转办群众信访举报416件，已办结409件，问责32人。",
            case="chenzhou-2021",
            stage="feedback",
            figures=_figures("2021-07-15", received=416, closed=409, accountable=32),
            source="上海有色网",
            author="邓辉",
            metal="lead-zinc",
        ),
        a(
            "chenzhou-progress-en",
            "smm",
            "2022-03-08 10:25",
            "Chenzhou has fixed 21 of 34 central inspection problems",
            "Chenzhou, a lead, zinc and tungsten mining city in Hunan province, said on Tuesday it had rectified "
            "21 of the 34 problems raised by the fourth central eco-environmental protection inspection team.",
            "The remaining 13 are in progress, the city said, and tailings ponds along the Dongjiang lake "
            "catchment have been closed.",
            case="chenzhou-2021",
            stage="progress",
            figures=_figures("2022-03-08", raised=34, rectified=21, in_progress=13),
            source="SMM",
            author="Jerry Liu",
            metal="lead-zinc",
        ),
        a(
            "chenzhou-closure",
            "mee",
            "2023-04-20 16:30",
            "郴州市中央生态环境保护督察反馈问题整改通过验收",
            "2023年4月18日，郴州市中央生态环境保护督察反馈问题整改验收会召开。",
            "经核查，督察反馈的34个问题中已有31个通过验收并销号，其余3个将于年内完成。",
            case="chenzhou-2021",
            stage="closure",
            figures=_figures("2023-04-18", raised=34, rectified=31),
            source="中央生态环境保护督察办公室",
            author="督察办",
            metal="lead-zinc",
        ),
        # --- China Minmetals, the seventh central team, 2023 -----------------------------------
        a(
            "minmetals-stationing",
            "cnmn",
            "2023-11-23 09:00",
            "中央第七生态环境保护督察组督察中国五矿集团有限公司工作动员会召开",
            "11月22日，中央第七生态环境保护督察组督察中国五矿集团有限公司工作动员会在北京召开。",
            "根据安排，第三轮第一批中央生态环境保护督察对中国五矿开展例行督察，进驻时间约1个月。",
            case="minmetals-2023",
            stage="stationing",
            source="中国有色网",
            author="孙悦",
            metal="lead-zinc",
        ),
        a(
            "minmetals-feedback",
            "mee",
            "2024-03-21 17:45",
            "中央第七生态环境保护督察组向中国五矿集团有限公司反馈督察情况",
            "2024年3月21日，中央第七生态环境保护督察组向中国五矿集团有限公司反馈督察情况。",
            "督察组指出，中国五矿所属株冶集团、水口山有色等企业历史遗留废渣治理进展缓慢。",
            "督察进驻期间，督察组受理转办群众信访举报58件，已办结55件。",
            case="minmetals-2023",
            stage="feedback",
            figures=_figures("2024-03-21", received=58, closed=55),
            source="生态环境部",
            author="督察办",
            metal="lead-zinc",
        ),
        a(
            "minmetals-progress",
            "smm_cn",
            "2024-12-10 14:25",
            "株冶集团推进中央生态环境保护督察整改 废渣治理完成过半",
            "株冶集团近日召开中央生态环境保护督察整改推进会。截至11月30日，中央第七生态环境保护督察组反馈的"
            "涉及株冶集团的9个问题已完成整改5个，其余4个正在整改。",
            case="minmetals-2023",
            stage="progress",
            figures=_figures("2024-11-30", raised=9, rectified=5, in_progress=4),
            source="上海有色网",
            author="孙悦",
            metal="lead-zinc",
        ),
        a(
            "minmetals-lookback-en",
            "smm",
            "2025-12-02 10:40",
            "China Minmetals looks back on central inspection rectification",
            "China Minmetals Corporation has carried out a look-back review of the rectification ordered by the "
            "seventh central eco-environmental protection inspection team two years ago.",
            "As of November 20, 27 of the 30 problems had been rectified and three remain in progress, the group said.",
            case="minmetals-2023",
            stage="lookback",
            figures=_figures("2025-11-20", raised=30, rectified=27, in_progress=3),
            source="SMM",
            author="Alex Sun",
            metal="lead-zinc",
        ),
        # --- decoys ----------------------------------------------------------------------------
        a(
            "jinchuan-other-round",
            "smm_cn",
            "2025-04-10 10:30",
            "中央第八生态环境保护督察组进驻金川集团",
            "4月9日，第三轮第四批中央生态环境保护督察中央第八生态环境保护督察组对金川集团股份有限公司开展例行督察，"
            "进驻时间约1个月。",
            case=None,
            stage=None,
            decoy="other_round",
            source="上海有色网",
            author="王丽",
            metal="nickel-cobalt",
        ),
        a(
            "jinchuan-safety",
            "smm_cn",
            "2022-05-06 17:00",
            "国务院安委会督导组进驻金川集团开展安全生产检查",
            "4月20日，国务院安委会第三督导组进驻金川集团股份有限公司，开展安全生产专项督导检查。",
            "截至4月30日，督导组共发现安全隐患56项，已整改41项，其余正在整改。",
            case=None,
            stage=None,
            figures=_figures("2022-04-30", raised=56, rectified=41),
            decoy="safety_inspection",
            source="上海有色网",
            author="王丽",
            metal="nickel-cobalt",
            relevant=False,
        ),
        a(
            "ganzhou-provincial",
            "smm_cn",
            "2024-10-15 09:50",
            "江西省第三生态环境保护督察组进驻赣州市",
            "10月14日，江西省第三生态环境保护督察组进驻赣州市，开展省级生态环境保护例行督察，"
            "重点检查中央生态环境保护督察反馈问题整改情况。",
            "督察期间设立值班电话0797-8995120，受理来电来信举报。",
            case=None,
            stage=None,
            decoy="provincial_inspection",
            source="上海有色网",
            author="吴婷",
            metal="rare-earth",
        ),
        a(
            "zijin-provincial-en",
            "smm",
            "2025-09-18 14:00",
            "Fujian provincial inspectors check Zijin Mining's rectification",
            "A Fujian provincial eco-environmental protection inspection team was stationed at Zijin Mining Group "
            "on September 16 to check on rectification ordered by the central inspection earlier this year.",
            "The provincial team has received 14 complaints so far.",
            case=None,
            stage=None,
            figures=_figures("2025-09-18", received=14),
            decoy="provincial_inspection",
            source="SMM",
            author="Daisy Wang",
            metal="precious",
        ),
        a(
            "tongling-safety-en",
            "smm",
            "2021-09-24 16:30",
            "Work safety inspectors find 40 hazards at Tongling Nonferrous",
            "A work safety inspection team from the State Council's Work Safety Committee was stationed at Tongling "
            "Nonferrous Metals Group on September 13 and found 40 hazards, 31 of which have been fixed.",
            "The checks came weeks after central environmental inspectors arrived at the group.",
            case=None,
            stage=None,
            figures=_figures("2021-09-24", raised=40, rectified=31),
            decoy="safety_inspection",
            source="SMM",
            author="Iris Chen",
            metal="copper",
            relevant=False,
        ),
        a(
            "chinalco-discipline",
            "smm_cn",
            "2021-04-12 18:00",
            "中央第十二巡视组进驻中国铝业集团",
            "4月12日，中央第十二巡视组巡视中国铝业集团有限公司党组工作动员会召开。",
            "巡视组将进驻约2个月，期间设立专门值班电话和邮政信箱。",
            case=None,
            stage=None,
            decoy="discipline_inspection",
            source="上海有色网",
            author="周婷",
            metal="aluminium",
        ),
        a(
            "tin-passing-en",
            "smm",
            "2023-12-12 16:00",
            "Tin prices firm as Yunnan smelters curb output",
            "SHFE tin rose 1.8% on Tuesday, supported by lower output from smelters in Yunnan, where a central "
            "environmental inspection is under way.",
            "Spot premiums in Gejiu widened to 500 yuan/mt.",
            case=None,
            stage=None,
            decoy="passing_mention",
            source="SMM",
            author="Cherry Zhou",
            metal="tin-antimony",
            relevant=False,
        ),
    )


def seed_truth(site: str) -> dict:
    """The truth of a seed document (its mirror copy: the CNMN original's, copied)."""
    original = "cnmn" if site == "mirror" else site
    return {
        "label": f"seed-{site}",
        "case": SEED_CASE,
        "stage": SEED_STAGES[original],
        "figures": [{"kind": kind, "value": value, "as_of": day} for kind, value, day in SEED_FIGURES[original]],
        "decoy": None,
        "repost_of": "seed-cnmn" if site == "mirror" else None,
    }


def of_site(site: str) -> tuple[CaseArticle, ...]:
    """A site's written articles, oldest first."""
    return tuple(sorted((a for a in articles() if a.site == site), key=lambda a: a.published_at))


def cases() -> list[dict]:
    """The cases as the manifest states them."""
    return [
        {
            "case": case.case,
            "party": case.party,
            "party_kind": case.party_kind,
            "inspection": case.inspection,
            "team": case.team,
            "stationed": case.stationed.isoformat(),
        }
        for case in CASES
    ]
