"""Deterministic generator of the made-up news articles served by the replica sites.

Tests compare crawl results with these articles byte for byte, so every random
choice goes through a single ``random.Random`` instance seeded from (lang, seed).
Nothing iterates a set or relies on ``hash()`` of a string, and all numbers are
formatted explicitly, so output is identical across runs, processes and machines.

Articles are composed from banks of sentence templates with slots (companies,
places, metals, figures, dates).  Bilingual vocabulary is stored as (zh, en)
pairs and indexed with ``0`` for Chinese or ``1`` for English.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import NamedTuple

__all__ = ["METALS", "SUPERVISION_TERMS_EN", "SUPERVISION_TERMS_ZH", "TZ", "GeneratedArticle", "generate"]

TZ = timezone(timedelta(hours=8))
_FIRST_DAY = date(2018, 1, 1)
_LAST_DAY = date(2026, 10, 31)
_MAX_TITLE_TRIES = 200

METALS = ("copper", "aluminium", "lead-zinc", "nickel-cobalt", "tin-antimony", "precious", "rare-earth", "lithium")

# Words that only supervision reports may contain (substring match; English is case-insensitive).
SUPERVISION_TERMS_ZH = ("督察", "督查", "整改", "约谈", "问责", "回头看", "交办", "立案处罚", "督办")
SUPERVISION_TERMS_EN = ("inspect", "rectif", "supervis", "accountab", "look-back", "typical case")


@dataclass(frozen=True)
class GeneratedArticle:
    title: str
    published_at: datetime
    author: str
    source: str
    category: str
    metal: str
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    relevant: bool
    editor: str


# --------------------------------------------------------------------------- reference data

Pair = tuple[str, str]


class _Metal(NamedTuple):
    name: Pair
    product: Pair
    raw: Pair
    quote: Pair  # the price series quoted in market reports
    quote_short: Pair
    stock: Pair  # the inventory series quoted in inventory reports
    downstream: Pair
    origins: tuple[Pair, ...]
    category_zh: str
    price: tuple[float, float]
    unit: Pair
    volume: tuple[int, int]  # tonnes per month, national scale
    capacity: tuple[int, int]  # tonnes per year of a single project


_METAL_INFO = {
    "copper": _Metal(
        ("铜", "copper"),
        ("电解铜", "copper cathode"),
        ("铜精矿", "copper concentrate"),
        ("上期所沪铜主力合约", "the most-traded SHFE copper contract"),
        ("沪铜", "SHFE Copper"),
        ("上期所铜库存", "SHFE copper inventory"),
        ("铜杆企业", "copper rod producers"),
        (("智利", "Chile"), ("秘鲁", "Peru")),
        "铜资讯",
        (45000, 82000),
        ("元/吨", "yuan/mt"),
        (30000, 1100000),
        (50000, 400000),
    ),
    "aluminium": _Metal(
        ("铝", "aluminium"),
        ("电解铝", "primary aluminium"),
        ("铝土矿", "bauxite"),
        ("上期所沪铝主力合约", "the most-traded SHFE aluminium contract"),
        ("沪铝", "SHFE Aluminium"),
        ("上期所铝库存", "SHFE aluminium inventory"),
        ("铝型材企业", "aluminium extrusion plants"),
        (("几内亚", "Guinea"), ("澳大利亚", "Australia")),
        "铝资讯",
        (13000, 21000),
        ("元/吨", "yuan/mt"),
        (100000, 3700000),
        (100000, 600000),
    ),
    "lead-zinc": _Metal(
        ("铅锌", "lead-zinc"),
        ("锌锭", "zinc ingot"),
        ("锌精矿", "zinc concentrate"),
        ("上期所沪锌主力合约", "the most-traded SHFE zinc contract"),
        ("沪锌", "SHFE Zinc"),
        ("上期所锌库存", "SHFE zinc inventory"),
        ("镀锌企业", "galvanizing plants"),
        (("澳大利亚", "Australia"), ("秘鲁", "Peru")),
        "铅锌资讯",
        (17000, 27500),
        ("元/吨", "yuan/mt"),
        (30000, 600000),
        (50000, 300000),
    ),
    "nickel-cobalt": _Metal(
        ("镍钴", "nickel-cobalt"),
        ("电解镍", "refined nickel"),
        ("镍矿", "nickel ore"),
        ("上期所沪镍主力合约", "the most-traded SHFE nickel contract"),
        ("沪镍", "SHFE Nickel"),
        ("上期所镍库存", "SHFE nickel inventory"),
        ("不锈钢企业", "stainless steel mills"),
        (("菲律宾", "the Philippines"), ("印度尼西亚", "Indonesia")),
        "镍钴资讯",
        (95000, 230000),
        ("元/吨", "yuan/mt"),
        (3000, 35000),
        (10000, 100000),
    ),
    "tin-antimony": _Metal(
        ("锡锑", "tin-antimony"),
        ("精锡", "refined tin"),
        ("锡精矿", "tin concentrate"),
        ("上期所沪锡主力合约", "the most-traded SHFE tin contract"),
        ("沪锡", "SHFE Tin"),
        ("上期所锡库存", "SHFE tin inventory"),
        ("焊料企业", "solder makers"),
        (("缅甸", "Myanmar"), ("刚果（金）", "the DRC")),
        "锡锑资讯",
        (140000, 290000),
        ("元/吨", "yuan/mt"),
        (2000, 18000),
        (5000, 30000),
    ),
    "precious": _Metal(
        ("黄金", "gold"),
        ("黄金", "gold"),
        ("金精矿", "gold concentrate"),
        ("上期所沪金主力合约", "the most-traded SHFE gold contract"),
        ("沪金", "SHFE Gold"),
        ("上期所黄金库存", "SHFE gold inventory"),
        ("黄金首饰企业", "gold jewellery makers"),
        (("秘鲁", "Peru"), ("俄罗斯", "Russia")),
        "贵金属",
        (260, 620),
        ("元/克", "yuan/g"),
        (5, 45),
        (2, 20),
    ),
    "rare-earth": _Metal(
        ("稀土", "rare earth"),
        ("氧化镨钕", "Pr-Nd oxide"),
        ("稀土精矿", "rare earth concentrate"),
        ("氧化镨钕现货均价", "the average spot price of Pr-Nd oxide"),
        ("氧化镨钕", "Pr-Nd Oxide"),
        ("氧化镨钕样本企业库存", "Pr-Nd oxide inventory at sample producers"),
        ("钕铁硼磁材企业", "NdFeB magnet makers"),
        (("缅甸", "Myanmar"), ("美国", "the United States")),
        "稀土资讯",
        (290000, 950000),
        ("元/吨", "yuan/mt"),
        (2000, 25000),
        (5000, 60000),
    ),
    "lithium": _Metal(
        ("锂", "lithium"),
        ("碳酸锂", "lithium carbonate"),
        ("锂辉石精矿", "spodumene concentrate"),
        ("电池级碳酸锂现货均价", "the average spot price of battery-grade lithium carbonate"),
        ("碳酸锂", "Lithium Carbonate"),
        ("碳酸锂样本企业库存", "lithium carbonate inventory at sample producers"),
        ("正极材料企业", "cathode material plants"),
        (("澳大利亚", "Australia"), ("津巴布韦", "Zimbabwe")),
        "锂资讯",
        (75000, 560000),
        ("元/吨", "yuan/mt"),
        (5000, 70000),
        (10000, 100000),
    ),
}


class _Province(NamedTuple):
    zh: str
    full_zh: str
    en: str
    unit: Pair  # "全省" vs "全区" and province vs region
    river: Pair
    cities: tuple[Pair, ...]


_P, _R = ("省", "province"), ("区", "region")
_PROVINCES = (
    _Province(
        "云南",
        "云南省",
        "Yunnan",
        _P,
        ("南盘江", "Nanpan River"),
        (("昆明", "Kunming"), ("个旧", "Gejiu"), ("曲靖", "Qujing"), ("楚雄", "Chuxiong"), ("文山", "Wenshan")),
    ),
    _Province(
        "广西",
        "广西壮族自治区",
        "Guangxi",
        _R,
        ("刁江", "Diao River"),
        (("河池", "Hechi"), ("百色", "Baise"), ("贺州", "Hezhou"), ("崇左", "Chongzuo"), ("来宾", "Laibin")),
    ),
    _Province(
        "内蒙古",
        "内蒙古自治区",
        "Inner Mongolia",
        _R,
        ("黄河", "Yellow River"),
        (("包头", "Baotou"), ("赤峰", "Chifeng"), ("巴彦淖尔", "Bayannur"), ("鄂尔多斯", "Ordos")),
    ),
    _Province(
        "江西",
        "江西省",
        "Jiangxi",
        _P,
        ("赣江", "Gan River"),
        (("赣州", "Ganzhou"), ("鹰潭", "Yingtan"), ("宜春", "Yichun"), ("上饶", "Shangrao"), ("德兴", "Dexing")),
    ),
    _Province(
        "甘肃",
        "甘肃省",
        "Gansu",
        _P,
        ("黄河", "Yellow River"),
        (("金昌", "Jinchang"), ("白银", "Baiyin"), ("兰州", "Lanzhou")),
    ),
    _Province(
        "安徽",
        "安徽省",
        "Anhui",
        _P,
        ("长江", "Yangtze River"),
        (("铜陵", "Tongling"), ("池州", "Chizhou"), ("芜湖", "Wuhu")),
    ),
    _Province(
        "湖南",
        "湖南省",
        "Hunan",
        _P,
        ("湘江", "Xiang River"),
        (
            ("株洲", "Zhuzhou"),
            ("郴州", "Chenzhou"),
            ("衡阳", "Hengyang"),
            ("冷水江", "Lengshuijiang"),
            ("怀化", "Huaihua"),
        ),
    ),
    _Province(
        "青海",
        "青海省",
        "Qinghai",
        _P,
        ("湟水", "Huangshui River"),
        (("西宁", "Xining"), ("海西", "Haixi"), ("格尔木", "Golmud")),
    ),
    _Province(
        "山东",
        "山东省",
        "Shandong",
        _P,
        ("小清河", "Xiaoqing River"),
        (("招远", "Zhaoyuan"), ("烟台", "Yantai"), ("龙口", "Longkou"), ("滨州", "Binzhou")),
    ),
    _Province(
        "四川",
        "四川省",
        "Sichuan",
        _P,
        ("岷江", "Min River"),
        (("凉山", "Liangshan"), ("阿坝", "Aba"), ("遂宁", "Suining"), ("乐山", "Leshan")),
    ),
    _Province(
        "河南",
        "河南省",
        "Henan",
        _P,
        ("洛河", "Luo River"),
        (("洛阳", "Luoyang"), ("济源", "Jiyuan"), ("三门峡", "Sanmenxia")),
    ),
    _Province(
        "福建",
        "福建省",
        "Fujian",
        _P,
        ("汀江", "Ting River"),
        (("龙岩", "Longyan"), ("上杭", "Shanghang"), ("三明", "Sanming")),
    ),
    _Province(
        "广东",
        "广东省",
        "Guangdong",
        _P,
        ("北江", "Bei River"),
        (("韶关", "Shaoguan"), ("清远", "Qingyuan"), ("梅州", "Meizhou")),
    ),
    _Province(
        "浙江",
        "浙江省",
        "Zhejiang",
        _P,
        ("钱塘江", "Qiantang River"),
        (("衢州", "Quzhou"), ("嘉兴", "Jiaxing"), ("湖州", "Huzhou")),
    ),
    _Province(
        "山西",
        "山西省",
        "Shanxi",
        _P,
        ("汾河", "Fen River"),
        (("吕梁", "Luliang"), ("运城", "Yuncheng"), ("忻州", "Xinzhou")),
    ),
)
_PROVINCE_BY_ZH = {p.zh: p for p in _PROVINCES}


class _Company(NamedTuple):
    zh: str
    en: str
    metal: str
    provinces: tuple[str, ...]


_COMPANIES = (
    _Company("中铝集团", "Chinalco", "aluminium", ("山西", "广西", "内蒙古", "云南")),
    _Company("包头铝业", "Baotou Aluminium", "aluminium", ("内蒙古",)),
    _Company("云铝股份", "Yunnan Aluminium", "aluminium", ("云南",)),
    _Company("南山铝业", "Nanshan Aluminium", "aluminium", ("山东",)),
    _Company("中国铜业", "China Copper", "copper", ("云南", "四川")),
    _Company("云南铜业", "Yunnan Copper", "copper", ("云南",)),
    _Company("江西铜业", "Jiangxi Copper", "copper", ("江西",)),
    _Company("铜陵有色", "Tongling Nonferrous", "copper", ("安徽",)),
    _Company("紫金矿业", "Zijin Mining", "copper", ("福建",)),
    _Company("白银有色", "Baiyin Nonferrous", "copper", ("甘肃",)),
    _Company("驰宏锌锗", "Chihong Zinc and Germanium", "lead-zinc", ("云南", "内蒙古")),
    _Company("西部矿业", "Western Mining", "lead-zinc", ("青海",)),
    _Company("株冶集团", "Zhuzhou Smelter Group", "lead-zinc", ("湖南",)),
    _Company("中金岭南", "Zhongjin Lingnan", "lead-zinc", ("广东",)),
    _Company("豫光金铅", "Yuguang Gold and Lead", "lead-zinc", ("河南",)),
    _Company("金川集团", "Jinchuan Group", "nickel-cobalt", ("甘肃",)),
    _Company("洛阳钼业", "CMOC", "nickel-cobalt", ("河南",)),
    _Company("华友钴业", "Huayou Cobalt", "nickel-cobalt", ("浙江",)),
    _Company("锡业股份", "Yunnan Tin", "tin-antimony", ("云南",)),
    _Company("华锡集团", "Guangxi China Tin", "tin-antimony", ("广西",)),
    _Company("湖南黄金", "Hunan Gold", "tin-antimony", ("湖南",)),
    _Company("山东黄金", "Shandong Gold", "precious", ("山东",)),
    _Company("招金矿业", "Zhaojin Mining", "precious", ("山东",)),
    _Company("赤峰黄金", "Chifeng Gold", "precious", ("内蒙古",)),
    _Company("中国稀土集团", "China Rare Earth Group", "rare-earth", ("江西", "广西")),
    _Company("北方稀土", "Northern Rare Earth", "rare-earth", ("内蒙古",)),
    _Company("广西稀土", "Guangxi Rare Earth", "rare-earth", ("广西",)),
    _Company("盛和资源", "Shenghe Resources", "rare-earth", ("四川",)),
    _Company("厦门钨业", "Xiamen Tungsten", "rare-earth", ("福建",)),
    _Company("天齐锂业", "Tianqi Lithium", "lithium", ("四川",)),
    _Company("赣锋锂业", "Ganfeng Lithium", "lithium", ("江西",)),
    _Company("雅化集团", "Yahua Group", "lithium", ("四川",)),
)

_FACILITIES = (
    ("冶炼厂", "smelter"),
    ("分公司", "branch"),
    ("矿区", "mining area"),
    ("选矿厂", "concentrator"),
    ("精炼厂", "refinery"),
)
_WASTE = (("废水", "wastewater"), ("废气", "waste gas"), ("含重金属废水", "heavy-metal wastewater"))
_SOLID = (("危险废物", "hazardous waste"), ("固废", "solid waste"), ("冶炼废渣", "smelting slag"))
_TEAM_ZH = ("一", "二", "三", "四", "五", "六", "七", "八")
_TEAM_EN = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_MONTH_FULL = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_AP = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")

_DRIVERS = (
    (
        ("下游补库需求释放", "downstream restocking picks up"),
        ("宏观情绪回暖", "macro sentiment improves"),
        ("海外供应扰动持续", "overseas supply disruptions persist"),
        ("冶炼厂减产预期升温", "expectations of smelter cuts grow"),
    ),
    (
        ("下游需求疲弱", "downstream demand stays weak"),
        ("美元指数走强", "the dollar strengthens"),
        ("社会库存持续累积", "social inventories keep building"),
        ("市场避险情绪升温", "risk aversion rises"),
    ),
)
_MOODS = (("观望情绪浓厚", "Cautious Trading"), ("成交较为活跃", "Active Spot Deals"), ("交投氛围清淡", "Thin Trading"))
_DEALS = (("一般", "moderate"), ("较为活跃", "active"), ("偏淡", "thin"))
_SUPPLY = (("偏紧", "tight"), ("宽松", "ample"), ("趋于平衡", "broadly balanced"))
_RAW_STATE = (("处于低位", "low"), ("维持正常水平", "at normal levels"), ("有所回升", "recovering"))
_REASONS = (
    ("电力供应改善", "improved power supply"),
    ("冶炼加工费回升", "higher smelting charges"),
    ("原料供应偏紧", "tight raw material supply"),
    ("部分企业技改复产", "the restart of some upgraded lines"),
)
_TC_DIR = (("持续回落", "falling"), ("小幅回升", "edging up"), ("维持低位", "staying low"))
_PURCHASE = (
    ("采购意愿偏谨慎", "cautious about buying"),
    ("积极锁定长单", "actively locking in long-term contracts"),
    ("按需补库", "restocking as needed"),
)
_EQUIP = (
    ("熔炼系统和制酸系统", "the smelting and acid-making systems"),
    ("电解车间和供电系统", "the electrolysis workshop and power supply system"),
    ("焙烧炉及余热锅炉", "the roaster and waste-heat boiler"),
    ("浸出和萃取生产线", "the leaching and extraction lines"),
)
_SEASONS = (
    ("传统消费旺季", "the traditional peak season"),
    ("春节假期", "the Spring Festival holiday"),
    ("传统消费淡季", "the traditional off-season"),
    ("“金九银十”", "the September-October peak season"),
)
_TECH = (
    ("富氧熔炼和智能化控制技术", "oxygen-enriched smelting and intelligent control technology"),
    ("新型节能电解槽技术", "new energy-saving electrolytic cell technology"),
    ("全流程自动化工艺", "a fully automated process"),
)
_MACRO = (
    ("美联储议息会议释放偏鸽信号", "the Federal Reserve sent dovish signals"),
    ("国内制造业PMI重回扩张区间", "China's manufacturing PMI returned to expansion"),
    ("市场对海外经济衰退担忧升温", "concerns about an overseas recession grew"),
    ("国内稳增长政策持续发力", "domestic pro-growth policies continued to take effect"),
)
_RISK = (("回升", "improved"), ("回落", "weakened"))
_RE_BUY = (("以刚需为主", "mainly for immediate needs"), ("有所增加", "more actively"), ("较为谨慎", "cautiously"))
_TREND = (("区间震荡", "fluctuate within a range"), ("偏强运行", "run strong"), ("偏弱运行", "run weak"))
_WATCH = (
    ("宏观数据和下游消费变化", "macro data and downstream consumption"),
    ("海外供应扰动", "overseas supply disruptions"),
    ("库存变化", "inventory changes"),
)
_PROJECT_TYPE = (
    ("功能材料产业园", "functional materials industrial park"),
    ("永磁材料项目", "permanent magnet project"),
    ("冶炼分离技改项目", "smelting and separation upgrade project"),
)
_SOURCE_ORG = (
    ("中国有色金属工业协会", "the China Nonferrous Metals Industry Association"),
    ("安泰科", "Antaike"),
    ("上海有色网", "SMM"),
    ("我的钢铁网", "Mysteel"),
)

_ZH_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_ZH_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚华鑫晨宇婷浩然峰"
_EN_FIRST = (
    "Michael",
    "Alice",
    "David",
    "Grace",
    "Kevin",
    "Linda",
    "Jason",
    "Cindy",
    "Eric",
    "Amy",
    "Peter",
    "Helen",
    "Frank",
    "Lily",
    "Tony",
    "Judy",
    "Steven",
    "Irene",
)
_EN_LAST = (
    "Jiang",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Zhao",
    "Huang",
    "Zhou",
    "Wu",
    "Xu",
    "Sun",
    "Hu",
    "Zhu",
    "Gao",
    "Lin",
    "He",
    "Guo",
    "Ma",
)
# Repeated entries act as weights ("SMM" mostly).
_EN_SOURCES = ("SMM",) * 7 + ("Reuters", "Mysteel", "Wenhua Finance and Economics")
_ZH_SOURCES_REL = ("中国有色金属报", "新华社", "经济日报", "中国矿业报", "中国环境报", "中国有色网")
_ZH_SOURCES_ORD = ("中国有色网", "中国有色网", "上海有色网", "中国有色金属报", "经济日报", "新华社", "中国矿业报")
_ZH_CATEGORIES_REL = ("环保督察", "环保督察", "环保督察", "要闻", "行业新闻")
_EN_CATEGORIES_REL = ("Environmental Protection", "Environmental Protection", "Industry News", "Macro")


# --------------------------------------------------------------------------- template banks


class _Topic(NamedTuple):
    tag: str
    categories: tuple[str, ...]
    titles: tuple[str, ...]
    leads: tuple[str, ...]
    body: tuple[str, ...]


class _Banks(NamedTuple):
    rel_topics: tuple[_Topic, ...]  # index 0 must be the "team just stationed" topic
    rel_common: tuple[str, ...]
    rel_rare: tuple[str, ...]
    rel_closing: tuple[str, ...]
    ord_topics: tuple[_Topic, ...]
    ord_common: tuple[str, ...]
    ord_rare_mention: tuple[str, ...]  # rare-earth aside for articles about other metals
    ord_rare: tuple[str, ...]
    ord_closing: tuple[str, ...]


_ZH = _Banks(
    rel_topics=(
        _Topic(
            "边督边改",
            _ZH_CATEGORIES_REL,
            (
                "中央第{team}生态环境保护督察组进驻{province}，{company}边督边改",
                "督察组下沉{city}：{metal}企业{waste}问题立行立改",
                "{city}公开第{batch}批中央环保督察交办案件办理情况",
                "中央环保督察进驻期间{city}转办信访件{complaints}件 已办结{closed}件",
            ),
            (
                "{stationed}，中央第{team}生态环境保护督察组进驻{province_full}，开展{round}中央生态环境保护督察，进驻时间约{stay}天。",
                "据{province_full}生态环境厅消息，{round}中央生态环境保护督察进驻期间，督察组对{city}{metal}采选冶行业开展下沉督察，重点检查{waste}和{solid}处置情况。",
                "截至{date}，{city}共收到中央第{team}生态环境保护督察组转办的{batches}批{complaints}件环境信访举报案件，{closed}件已办结，其余正在办理。",
            ),
            (
                "对督察组交办的涉{metal}企业案件，{city}坚持边督边改、立行立改，已责令{orders}家企业限期整改，立案处罚{fined}家，罚款{fine}万元。",
                "{company}成立环保督察工作专班，对{site}{waste}排放和{solid}贮存情况开展逐项自查，对发现的{n_small}个问题即知即改。",
                "督察组在{city}下沉督察时发现，{company}{site}部分{solid}未按规定贮存，雨污分流设施不完善，当地已要求企业立行立改。",
                "{city}生态环境局表示，对群众反映强烈的{metal}冶炼{waste}问题，已组织执法人员现场核查，{orders}家相关企业已停产整改。",
                "进驻期间，督察组设立专门值班电话和邮政信箱，受理{province_full}生态环境保护方面的来电来信举报，受理时间截至{end_date}。",
            ),
        ),
        _Topic(
            "督察反馈",
            _ZH_CATEGORIES_REL,
            (
                "中央第{team}生态环境保护督察组向{province}反馈督察情况 点名{metal}行业",
                "{province}公开中央环保督察整改方案 明确{tasks}项整改任务",
                "{company}部署中央生态环境保护督察反馈问题整改工作",
            ),
            (
                "{feedback}，中央第{team}生态环境保护督察组向{province_full}反馈督察情况，指出部分{metal}采选冶企业{waste}治理不到位、{solid}环境风险突出。",
                "近日，{province_full}对外公开{round}中央生态环境保护督察整改方案，共明确整改任务{tasks}项，其中涉及有色金属行业{n_small}项。",
                "{feedback}，{company}召开专题会议，传达学习中央生态环境保护督察反馈意见，研究部署{site}整改工作。",
            ),
            (
                "督察反馈指出，{city}部分{metal}企业历史遗留{solid}长期露天堆存，渗滤液收集处置不到位，对{river}水环境构成威胁。",
                "整改方案要求，各责任单位对照{tasks}项督察反馈问题逐项制定整改措施，明确责任人、整改时限和验收标准，{deadline}年底前全部完成整改。",
                "督察组同时梳理了{problems}个生态环境损害责任追究问题，要求{province_full}依规依纪依法严肃、精准、有效问责。",
                "{company}表示，将把督察反馈问题整改作为重大政治任务，针对{problems}个问题建立问题、任务、责任三张清单，实行跟踪督办、对账销号。",
                "反馈意见还指出，{city}对{metal}行业{waste}超标排放问题监管不严，部分企业此前的整改流于形式。",
            ),
        ),
        _Topic(
            "整改",
            _ZH_CATEGORIES_REL,
            (
                "{company}公布督察反馈问题整改进展：{problems}项已完成{done}项",
                "{province}{metal}行业环保督察整改完成率达{rate}%",
                "{company}召开环保督察整改推进会 部署{site}跟踪督办",
            ),
            (
                "近日，{company}公示中央生态环境保护督察整改落实情况。截至{ym_prev}底，{site}自行提出整改事项{problems}项，已完成{done}项，{ongoing}项正在整改。",
                "据{province_full}生态环境厅通报，{round}中央生态环境保护督察反馈的{problems}项整改任务中，已完成{done}项，其余{ongoing}项正按整改方案有序推进。",
                "{date}，{company}召开环保督察整改工作推进会，通报{site}整改落实情况，部署下一阶段跟踪督办工作。",
            ),
            (
                "{company}累计投入整改资金{rect_invest}亿元，完成{site}{waste}处理设施提标改造，主要污染物排放浓度稳定达标。",
                "对已完成整改的{done}项事项，企业组织开展自查验收，并将验收结果在{city}政府网站公示，接受社会监督。",
                "针对{solid}贮存不规范问题，{site}新建规范化贮存库{n_small}座，建立管理台账，实现产生、贮存、转移全过程可追溯。",
                "{company}坚持举一反三，对所属{n_units}家{metal}矿山和冶炼企业开展环境隐患全覆盖排查，共排查整治问题{found}个。",
                "对整改进度滞后的{ongoing}项任务，{city}实行挂图作战、跟踪督办，确保{deadline}年底前全部整改到位。",
            ),
        ),
        _Topic(
            "典型案例",
            _ZH_CATEGORIES_REL,
            (
                "中央环保督察典型案例：{city}{metal}企业{solid}违规处置",
                "{company}{site}{waste}超标排放被立案处罚 罚款{fine}万元",
                "{city}就{metal}行业环境问题约谈{talked}家企业 问责{punished}人",
            ),
            (
                "中央第{team}生态环境保护督察组在{province_full}督察时发现，{city}部分{metal}企业{solid}违规处置问题突出，督察组将其作为典型案例公开通报。",
                "{date}，{city}生态环境局通报，{company}{site}{waste}超标排放问题已被立案处罚，罚款{fine}万元，企业被责令限期整改。",
                "针对中央生态环境保护督察指出的{metal}行业环境问题，{city}近日约谈{talked}家企业主要负责人，并对{punished}名责任人进行问责。",
            ),
            (
                "督察发现，{site}将含重金属废水通过暗管直排{river}，周边土壤和地下水受到不同程度影响，群众反映强烈。",
                "经查，该企业{solid}露天堆放数量超过{tonnes}吨，防渗、防雨措施缺失，废气无组织排放问题突出。",
                "督察组指出，{city}有关部门对{metal}企业环境违法问题长期失察失管，{reports}件群众举报未及时处理，整改工作存在敷衍应对、避重就轻等情况。",
                "目前，{city}已对相关企业立案处罚{fined}起，罚款共计{fine}万元，移送公安机关{police}起，并对{punished}名公职人员启动问责程序。",
                "督察组要求，{province_full}举一反三，对全{region}{metal}采选冶企业{solid}处置情况开展专项排查，依法依规严肃处理。",
            ),
        ),
        _Topic(
            "回头看",
            _ZH_CATEGORIES_REL,
            (
                "{province}开展中央环保督察整改“回头看” 核查{metal}企业{n_units}家",
                "整改“回头看”：{city}{metal}矿区{problems}项问题已完成{done}项",
                "{company}举一反三推进{site}{metal}尾矿库整改“回头看”",
            ),
            (
                "为巩固{round}中央生态环境保护督察整改成效，{province_full}近期组织开展整改“回头看”，对{n_units}家{metal}企业整改情况进行现场核查。",
                "{date}，{city}通报中央环保督察整改“回头看”情况，{metal}矿区涉及的{problems}项问题中已完成{done}项，{ongoing}项正在推进。",
                "{company}近日对中央生态环境保护督察反馈问题整改情况开展“回头看”，重点检查{site}{waste}治理和{solid}处置成效。",
            ),
            (
                "“回头看”发现，个别企业存在整改不彻底、问题反弹等情况，{city}已对{fined}家企业立案处罚，罚款{fine}万元。",
                "对已销号的整改任务，核查组采取随机抽查、暗查暗访等方式逐一复核，发现{found}个问题并交办属地限期整改。",
                "{company}表示，将以“回头看”为契机，健全{solid}全过程管理制度，推动{site}环保设施升级改造。",
                "截至目前，{city}累计完成{metal}矿区生态修复{area}公顷，治理历史堆存{solid}{tonnes}吨。",
            ),
        ),
    ),
    rel_common=(
        "中央生态环境保护督察制度实施以来，{metal}采选冶行业一直是督察关注的重点领域，{province_full}已累计整改涉{metal}问题{found}个。",
        "{province_full}生态环境厅相关负责人表示，将对{n_small}类督察交办案件实行清单管理，对问题突出的企业依法立案处罚、公开曝光。",
        "{city}将环保督察整改落实情况纳入{year}年度考核，涉及{units}家责任单位，对整改不力、敷衍整改的单位和个人严肃约谈问责。",
        "在整改过程中，{company}注重{waste}和{solid}协同治理，{year_start}年以来单位产品污染物排放量下降{pct}%。",
        "业内人士认为，环保督察常态化推进，倒逼{metal}企业加大环保投入，近三年{province}{metal}行业环保投入年均增长{pct2}%。",
    ),
    rel_rare=(
        "督察发现，{city}部分离子型稀土矿山原地浸矿遗留尾水处理不到位，周边水体氨氮浓度超标{times}倍。",
        "{company}对所属稀土矿区开展生态修复，已完成修复面积{area}公顷，建成尾水收集处理设施{n_small}套。",
        "针对稀土冶炼分离环节产生的放射性废渣和含氟废水，{company}已委托有资质单位规范处置，累计处置{tonnes}吨。",
        "{province_full}表示，将严厉打击稀土非法开采、违规收购等行为，对督察交办的{n_small}件稀土领域问题实行挂牌督办。",
    ),
    rel_closing=(
        "下一步，{company}将持续巩固整改成果，计划投入{invest_b}亿元加快绿色矿山建设，确保督察反馈问题在{deadline}年底前全部整改到位。",
        "{city}表示，将以此次环保督察为契机推动{metal}产业转型升级，{deadline}年前完成{n_units}家企业清洁化改造。",
        "{province_full}要求各地举一反三，坚决防止表面整改、虚假整改，整改方案{tasks}项任务完成情况将于{deadline}年接受“回头看”核查。",
    ),
    ord_topics=(
        _Topic(
            "价格",
            ("有色市场", "有色市场", "要闻"),
            (
                "{date}{quote_short}{updown_close}{day_pct}% 报{price}{unit}",
                "{product}价格{updown}至{price}{unit} 市场{mood}",
                "{driver}{driver_verb}{product}价格 周内{updown}{week_pct}%",
            ),
            (
                "{date}，{quote}{updown_close}{day_pct}%，报{price}{unit}，成交量较前一交易日{vol_dir}{vol_pct}%。",
                "{date}，{product}市场价格{updown}明显，{quote}收于{price}{unit}，日内{updown}{chg}元。",
                "受{driver}影响，{date}{quote}{updown_close}{day_pct}%，盘中最高触及{high_price}{unit}。",
            ),
            (
                "现货方面，{city}地区{product}对当月合约{spread}，下游企业按需采购，市场成交{deal}。",
                "分析人士认为，当前{metal}市场供需两端博弈加剧，短期价格或在{range_low}至{range_high}{unit}区间内震荡。",
                "从基本面看，{raw}供应{supply}，冶炼企业原料库存{raw_state}，对{product}价格形成一定支撑。",
                "{company}相关负责人表示，公司{product}产品订单饱满，{prev_month}月销量同比{grow}{pct2}%。",
            ),
        ),
        _Topic(
            "产量",
            ("行业新闻", "要闻"),
            (
                "{ym_prev}{province}{product}产量同比{grow}{pct}%",
                "{company}{ym_prev}{product}产量{volume} 同比{grow}{pct}%",
                "国家统计局：{ym_prev}全国{product}产量同比{grow}{pct}%",
            ),
            (
                "据{source_org}统计，{ym_prev}{province}{product}产量{volume}，同比{grow}{pct}%，占全国总产量的{share}%。",
                "{company}近日发布生产经营数据，{ym_prev}公司{product}产量{volume}，同比{grow}{pct}%。",
                "国家统计局数据显示，{ym_prev}全国{product}产量为{volume}，同比{grow}{pct}%，环比{grow2}{pct2}%。",
            ),
            (
                "从累计数据看，{cum_period}{product}累计产量{volume_cum}，同比{grow2}{pct2}%。",
                "开工率方面，{ym_prev}{product}行业平均开工率为{util}%，较上月{util_dir}{util_chg}个百分点。",
                "{company}表示，{site}技改项目投产后，公司{product}产能将提升至年产{capacity}。",
                "业内人士分析，{province}新建产能逐步释放，叠加{reason}，带动{product}产量变化。",
            ),
        ),
        _Topic(
            "进出口",
            ("行业新闻", "有色市场", "要闻"),
            (
                "{ym_prev}我国{product}出口{volume} 同比{grow}{pct}%",
                "海关总署：{ym_prev}我国{raw}进口量同比{grow}{pct}%",
                "{ym_prev}自{origin}进口{raw}占比达{share}%",
            ),
            (
                "据海关数据，{ym_prev}我国{product}出口量为{volume}，同比{grow}{pct}%，同期进口量为{volume_b}。",
                "海关总署最新数据显示，{ym_prev}我国进口{raw}{volume}，同比{grow}{pct}%，环比{grow2}{pct2}%。",
            ),
            (
                "分国别看，当月自{origin}进口{raw}{volume_b}，占进口总量的{share}%，仍为第一大来源国。",
                "进出口窗口方面，{prev_month}月{product}进口盈亏维持在{profit_window}元/吨附近，进口窗口{window_state}。",
                "{cum_period}累计进口{raw}{volume_cum}，同比{grow}{pct3}%。",
                "贸易商表示，{raw}现货加工费{tc_dir}，国内冶炼企业{purchase}，{origin}货源报价较上月{updown}{pct2}%。",
            ),
        ),
        _Topic(
            "检修",
            ("行业新闻", "要闻"),
            (
                "{company}{site}{next_month}月起检修 预计影响{product}产量{loss}",
                "{company}{site}完成年度检修 {product}产量逐步恢复",
            ),
            (
                "{company}近日发布消息称，旗下{site}将于{next_date}起进行为期{days}天的年度检修，预计影响{product}产量约{loss}。",
                "据了解，{company}{site}已于{date}完成系统检修并恢复生产，检修期间累计影响{product}产量约{loss}。",
            ),
            (
                "此次检修主要涉及{equip}，检修完成后装置运行效率有望提升{pct2}%。",
                "据{source_org}统计，{next_month}月国内共有{n_smelters}家{metal}冶炼企业计划检修，涉及产能约{capacity}。",
                "受检修影响，{city}地区{product}现货供应阶段性偏紧，{date}{quote_short}收于{price}{unit}。",
            ),
        ),
        _Topic(
            "库存",
            ("有色市场", "有色市场", "行业新闻"),
            (
                "{date}{product}社会库存{inv_move}{inventory}",
                "{stock}周内{inv_dir}{inv_chg} {quote_short}{stock_effect}",
            ),
            (
                "据统计，截至{date}，国内{product}主流消费地社会库存{inv_move}{inventory}，较上周{inv_dir}{inv_chg}。",
                "{date}，{stock}{inv_move}{inventory}，周度{inv_dir}{inv_chg}。",
            ),
            (
                "分地区看，{city}库存{inv_dir2}{inv_chg2}，{city_b}库存维持在{inventory_b}附近。",
                "{inv_comment}，目前库存水平较去年同期{inv_vs_year}{pct2}%。",
                "市场人士预计，随着{season}到来，{product}库存将{inv_outlook}，{next_month}月底或在{inventory_c}左右。",
            ),
        ),
        _Topic(
            "项目",
            ("行业新闻", "要闻"),
            (
                "{company}{city}年产{capacity}{product}项目开工",
                "总投资{invest}亿元 {company}{product}项目落地{city}",
                "{company}{site}项目投产 新增{product}产能{capacity}",
            ),
            (
                "{date}，{company}年产{capacity}{product}项目在{province}{city}开工建设，项目总投资约{invest}亿元。",
                "近日，{company}与{city}人民政府签署投资协议，拟建设{product}生产线，设计产能为年产{capacity}。",
                "{date}，{company}{site}项目正式投产，新增{product}产能{capacity}，项目总投资{invest}亿元。",
            ),
            (
                "项目建成后，预计年均实现营业收入{revenue}亿元，新增就业岗位{jobs}个。",
                "该项目采用{tech}，单位产品能耗较行业平均水平降低{pct2}%。",
                "{city}方面表示，将加快完善配套基础设施，推动{metal}产业链向精深加工延伸，力争{end_year}年产值突破{revenue}亿元。",
                "项目计划于{end_year}年建成投产，届时{company}{product}总产能将达到年产{capacity_total}。",
            ),
        ),
        _Topic(
            "业绩",
            ("行业新闻", "要闻"),
            (
                "{company}{period}净利润{profit}亿元 同比{grow}{pct}%",
                "{company}发布{period}业绩 营业收入{revenue}亿元",
            ),
            (
                "{date}晚间，{company}披露{period}业绩，公司实现归母净利润{profit}亿元，同比{grow}{pct}%，基本每股收益{eps}元。",
                "{company}发布{period}报告，报告期内实现营业收入{revenue}亿元，同比{grow2}{pct2}%；归属于上市公司股东的净利润{profit}亿元，同比{grow}{pct}%。",
            ),
            (
                "公司表示，业绩变动主要受{product}价格{updown}及主要产品产销量{grow2}影响。",
                "报告期内，公司生产{product}{volume}，完成年度计划的{share}%。",
                "截至报告期末，公司资产负债率为{debt}%，经营活动产生的现金流量净额为{cash}亿元。",
            ),
        ),
    ),
    ord_common=(
        "宏观方面，{macro}，美元指数在{dxy}附近波动，市场风险偏好有所{risk}。",
        "下游方面，{downstream}开工率维持在{util}%左右，采购以刚需为主。",
        "同期，{other_product}价格{other_dir}{other_pct}%，报{other_price}{other_unit}。",
        "{source_org}数据显示，{cum_period}{metal}行业固定资产投资同比{grow2}{pct3}%。",
        "{company_b}相关人士表示，目前企业生产经营正常，原料库存可满足约{days_stock}天生产需要。",
    ),
    ord_rare_mention=(
        "稀土方面，{re_date}氧化镨钕价格报{re_price}元/吨，较上周{re_dir}{re_pct}%，下游磁材企业采购{re_buy}。",
    ),
    ord_rare=(
        "工业和信息化部下达的{year}年第一批稀土开采总量控制指标为{quota}吨，冶炼分离总量控制指标为{quota_b}吨。",
        "稀土永磁材料在新能源汽车、风电等领域需求持续增长，{ym_prev}钕铁硼磁材产量同比增长{pct2}%。",
        "{company}表示，将加快推进{city}稀土{project_type}建设，计划投资{invest_b}亿元提升高端稀土功能材料供给能力。",
    ),
    ord_closing=(
        "综合来看，短期内{product}价格或以{trend}为主，主要运行区间在{range_low}至{range_high}{unit}，需关注{watch}。",
        "市场人士建议，相关企业合理安排采购节奏、做好价格风险管理，{year}年以来{product}价格累计{ytd_dir}{ytd_pct}%。",
    ),
)

_EN = _Banks(
    rel_topics=(
        _Topic(
            "inspection",
            _EN_CATEGORIES_REL,
            (
                "{Team} Central Eco-Environmental Protection Inspection Team Stationed in {province}, {company} Vows Prompt Rectification",
                "Central Inspectors Sink Down to {city} as {metal_Cap} Smelters Face {waste_Cap} Checks",
                "{city} Settles {closed} of {complaints} Complaints Transferred by Central Environmental Inspection Team",
            ),
            (
                "On {stationed}, the {team} central eco-environmental protection inspection team was stationed in {province} to carry out {round} central eco-environmental protection inspection, with the stay expected to last about {stay} days.",
                "According to the {province} department of ecology and environment, the {team} central environmental protection supervision team has sent inspectors down to {city} to examine how {metal} miners and smelters handle {waste} and {solid}.",
                "As of {date}, {city} had received {batches} batches of {complaints} environmental complaints transferred by the {team} central inspection team, {closed} of which have been settled.",
            ),
            (
                "For cases involving {metal} enterprises, {city} is rectifying problems while the inspection is under way, ordering {orders} companies to rectify within a deadline and filing penalty cases against {fined}, with fines totalling {fine} yuan.",
                "{company} set up a special working group for the inspection and checked {waste} discharge and {solid} storage at its {site} item by item, correcting {n_small} problems immediately.",
                "Inspectors found that part of the {solid} at the {site} of {company} was not stored as required and rain and sewage diversion was incomplete, and local authorities ordered immediate rectification.",
                "The {city} ecology and environment bureau said law enforcement officers had verified complaints about {waste} from {metal} smelters on site, and {orders} companies had suspended production for rectification.",
                "During its stay, the team accepts complaints by telephone and mail about eco-environmental problems in {province} until {end_date}.",
            ),
        ),
        _Topic(
            "feedback",
            _EN_CATEGORIES_REL,
            (
                "{Team} Central Environmental Inspection Team Feeds Back Findings to {province}, Citing {metal_Cap} Sector",
                "{province} Publishes Rectification Plan With {tasks} Tasks After Central Environmental Inspection",
                "{company} Deploys Rectification of Problems Raised by Central Eco-Environmental Protection Inspection",
            ),
            (
                "On {feedback}, the {team} central eco-environmental protection inspection team fed back its findings to {province}, pointing out that some {metal} mining and smelting companies had failed to treat {waste} properly and posed prominent {solid} risks.",
                "{province} has published its rectification plan for {round} central eco-environmental protection inspection, listing {tasks} rectification tasks, {n_small} of which involve the nonferrous metals industry.",
                "{company} held a special meeting on {feedback} to study the feedback from the central eco-environmental protection inspection and deploy rectification at its {site}.",
            ),
            (
                "The feedback said some {metal} companies in {city} had stockpiled historical {solid} in the open for years without collecting leachate, threatening water quality in the {river}.",
                "The rectification plan requires every responsible unit to draw up measures for each of its {tasks} problems, with a named person in charge, a deadline and acceptance criteria, and to complete all tasks by the end of {deadline}.",
                "The inspection team also handed over {problems} cases of eco-environmental damage, asking {province} to pursue accountability in a strict and precise manner.",
                "{company} said it would treat rectification as a major political task and keep lists of problems, tasks and responsibilities for the {problems} issues raised, tracking each item until it is closed.",
                "The feedback also noted weak oversight of excessive {waste} discharge by {metal} firms in {city}, saying some earlier rectification had been a mere formality.",
            ),
        ),
        _Topic(
            "rectification",
            _EN_CATEGORIES_REL,
            (
                "{company} Reports Rectification Progress at {site_Cap}: {done} of {problems} Problems Resolved",
                "{province} {metal_Cap} Sector Completes {rate}% of Central Environmental Inspection Rectification Tasks",
                "{company} Holds Rectification Meeting on Central Inspection Problems at {site_Cap}",
            ),
            (
                "{company} has published the implementation of its rectification for the central eco-environmental protection inspection: as of the end of {ym_prev}, its {site} raised {problems} problems on its own, {done} of which have been rectified, while {ongoing} are still being rectified.",
                "Of the {problems} rectification tasks raised during {round} central eco-environmental protection inspection, {province} has completed {done}, and the remaining {ongoing} are progressing in line with the rectification plan, the local ecology and environment department said.",
                "{company} held a rectification meeting on {date} to review progress at its {site} and arrange follow-up supervision for the next stage.",
            ),
            (
                "{company} has invested {rect_invest} in rectification so far, upgrading the {waste} treatment facilities at its {site}, with major pollutant emissions now stably meeting standards.",
                "For the {done} completed items, the company organized self-checks and acceptance, and published the results on the {city} government website for public supervision.",
                "To address non-standard {solid} storage, the {site} built {n_small} new standardized storage warehouses and set up a ledger covering generation, storage and transfer.",
                "Drawing lessons from the case, {company} checked environmental hazards at all {n_units} of its {metal} mines and smelters, identifying and fixing {found} problems.",
                "For the {ongoing} tasks lagging behind schedule, {city} is applying tracking supervision to make sure all rectification is completed by the end of {deadline}.",
            ),
        ),
        _Topic(
            "typical case",
            _EN_CATEGORIES_REL,
            (
                "Typical Case: Central Inspectors Find {city} {metal_Cap} Companies Mishandling {solid_Cap}",
                "{company} {site_Cap} Fined {fine} Yuan Over Excessive {waste_Cap} Discharge",
                "{city} Summons {talked} {metal_Cap} Companies, Holds {punished} People Accountable After Inspection",
            ),
            (
                "The {team} central eco-environmental protection inspection team found during its stay in {province} that illegal disposal of {solid} by some {metal} companies in {city} was prominent, and publicized it as a typical case.",
                "The {city} ecology and environment bureau said on {date} that it had filed a penalty case against the {site} of {company} over excessive {waste} discharge, fining it {fine} yuan and ordering rectification within a deadline.",
                "In response to problems in the {metal} sector raised by the central environmental protection supervision team, {city} recently summoned the heads of {talked} companies and held {punished} officials accountable.",
            ),
            (
                "Inspectors found that the {site} had discharged heavy-metal wastewater into the {river} through a concealed pipe, affecting surrounding soil and groundwater.",
                "Investigators found more than {tonnes} mt of {solid} stacked in the open at the plant without anti-seepage or rain protection, while fugitive waste gas emissions were serious.",
                "The inspection team said authorities in {city} had long failed to act on environmental violations by {metal} companies, leaving {reports} public complaints unresolved, and that rectification had been perfunctory.",
                "{city} has so far filed {fined} penalty cases with fines totalling {fine} yuan, transferred {police} cases to the police and started accountability procedures against {punished} public officials.",
                "The team asked {province} to draw lessons and launch a special check of {solid} disposal at all {metal} mining and smelting companies in the {region}.",
            ),
        ),
        _Topic(
            "look-back",
            _EN_CATEGORIES_REL,
            (
                "{province} Launches Look-Back Inspection of Rectification Covering {n_units} {metal_Cap} Companies",
                "Look-Back Inspection: {city} {metal_Cap} Mining Areas Complete {done} of {problems} Rectification Tasks",
                "{company} Holds Look-Back Inspection of {metal_Cap} Tailings Rectification at {site_Cap}",
            ),
            (
                "To consolidate the results of {round} central eco-environmental protection inspection, {province} recently organized a look-back inspection, checking rectification at {n_units} {metal} companies on site.",
                "{city} said on {date} that, of the {problems} problems found in its {metal} mining areas by central inspectors, {done} have been rectified and {ongoing} are in progress, according to a look-back inspection.",
                "{company} recently carried out a look-back inspection of its rectification of problems raised by central inspectors, focusing on {waste} treatment and {solid} disposal at its {site}.",
            ),
            (
                "The look-back inspection found incomplete rectification and rebounding problems at some companies, and {city} filed penalty cases against {fined} of them with fines of {fine} yuan.",
                "For tasks already closed, inspectors re-checked each one through random and unannounced visits, finding {found} problems that were handed back to local authorities for rectification.",
                "{company} said it would use the look-back inspection to improve whole-process management of {solid} and upgrade environmental facilities at its {site}.",
                "So far, {city} has restored {area} hectares of {metal} mining land and treated {tonnes} mt of historically stockpiled {solid}.",
            ),
        ),
    ),
    rel_common=(
        "Since the central eco-environmental protection inspection system was introduced, {metal} mining and smelting has been a key focus, and {province} has rectified {found} problems related to the sector.",
        "An official with the {province} department of ecology and environment said {n_small} types of cases handed over by inspectors would be managed on a list basis, with penalties and public exposure for serious offenders.",
        "{city} has included rectification progress at {units} units in its {year} annual assessment, and units that rectify perfunctorily will be summoned and held accountable.",
        "During rectification, {company} has treated {waste} and {solid} together, cutting pollutant emissions per unit of output by {pct}% since {year_start}.",
        "Industry insiders said regular environmental inspections push {metal} companies to spend more on environmental protection, with such spending in {province} growing {pct2}% a year over the past three years.",
    ),
    rel_rare=(
        "Inspectors found that tailwater left over from in-situ leaching at some ionic rare earth mines in {city} had not been properly treated, with ammonia nitrogen in nearby water {times} times above the standard.",
        "{company} has restored {area} hectares at its rare earth mining areas and built {n_small} tailwater collection and treatment facilities.",
        "Radioactive residue and fluorine-bearing wastewater from rare earth separation are now handled by qualified contractors, with {tonnes} mt disposed of so far, {company} said.",
        "{province} said it would crack down on illegal rare earth mining and purchasing, and put {n_small} rare earth cases handed over by inspectors under listed supervision.",
    ),
    rel_closing=(
        "{company} said it would consolidate the results and invest {invest_b} in green mine construction, ensuring all problems raised by inspectors are rectified by the end of {deadline}.",
        "{city} said it would use the inspection to upgrade its {metal} industry, with clean production retrofits at {n_units} companies due by {deadline}.",
        "{province} warned against superficial or false rectification, saying all {tasks} tasks in its rectification plan would be checked again in a look-back inspection in {deadline}.",
    ),
    ord_topics=(
        _Topic(
            "prices",
            ("Market Review", "Market Review", "Price Analysis"),
            (
                "{quote_short} {updown_Cap} {day_pct}% to {price} {unit} on {date} as {driver_Cap}",
                "{product_Cap} Prices {updown_pl} to {price} {unit} Amid {mood}",
                "{product_Cap} Weekly Review: Prices {updown_pl} {week_pct}% as {driver_Cap}",
            ),
            (
                "{Quote} {updown_verb} {day_pct}% to close at {price} {unit} on {date}, with trading volume {vol_dir} {vol_pct}% from the previous session.",
                "{Product} prices {updown_verb} noticeably on {date}, with {quote} settling at {price} {unit}, {updown} {chg} yuan on the day.",
                "As {driver}, {quote} {updown_verb} {day_pct}% on {date}, touching an intraday high of {high_price} {unit}.",
            ),
            (
                "In the spot market, {product} in {city} was quoted at a {spread} against the front-month contract, and downstream buyers purchased only as needed, with {deal} deals.",
                "Analysts said supply and demand in the {metal} market were in a tug of war, and prices may fluctuate between {range_low} and {range_high} {unit} in the short term.",
                "On the fundamentals, {raw} supply remained {supply}, and smelters' raw material stocks were {raw_state}, lending some support to {product} prices.",
                "A source at {company} said orders for its {product} were full, and sales in {prev_month} were {grow} {pct2}% year on year.",
            ),
        ),
        _Topic(
            "output",
            ("Industry News", "Macro", "Industry News"),
            (
                "China's {product_Cap} Output in {province} {grow_Cap} {pct}% YoY in {ym_prev}",
                "{company} {product_Cap} Output Reaches {volume} in {ym_prev}, {grow_Cap} {pct}% YoY",
                "NBS: China's {product_Cap} Production {grow_Cap} {pct}% YoY in {ym_prev}",
            ),
            (
                "{Product} output in {province} reached {volume} in {ym_prev}, {grow} {pct}% year on year and accounting for {share}% of the national total, according to {source_org}.",
                "{company} said in its latest operating update that it produced {volume} of {product} in {ym_prev}, {grow} {pct}% from a year earlier.",
                "China produced {volume} of {product} in {ym_prev}, {grow} {pct}% year on year and {grow2} {pct2}% month on month, data from the National Bureau of Statistics showed.",
            ),
            (
                "Cumulative {product} output in {cum_period} stood at {volume_cum}, {grow2} {pct2}% year on year.",
                "The average operating rate of the {product} industry was {util}% in {ym_prev}, {util_dir} {util_chg} percentage points from the previous month.",
                "{company} said its {product} capacity would rise to {capacity} per year once the technical upgrade at its {site} is commissioned.",
                "Industry sources attributed the change to new capacity ramping up in {province} and {reason}.",
            ),
        ),
        _Topic(
            "imports",
            ("Industry News", "Macro", "Market Review"),
            (
                "China's {product_Cap} Exports Reach {volume} in {ym_prev}, {grow_Cap} {pct}% YoY",
                "China's {raw_Cap} Imports {grow_Cap} {pct}% YoY to {volume} in {ym_prev}",
                "{raw_Cap} Imports From {origin} Account for {share}% of China's Total in {ym_prev}",
            ),
            (
                "China exported {volume} of {product} in {ym_prev}, {grow} {pct}% year on year, while imports stood at {volume_b}, customs data showed.",
                "China imported {volume} of {raw} in {ym_prev}, {grow} {pct}% year on year and {grow2} {pct2}% month on month, according to the latest customs data.",
            ),
            (
                "By origin, imports from {origin} reached {volume_b}, or {share}% of the monthly total, keeping it the largest supplier.",
                "The import profit and loss of {product} hovered around {profit_window} yuan/mt in {prev_month}, keeping the import window {window_state}.",
                "In {cum_period}, China imported a total of {volume_cum} of {raw}, {grow} {pct3}% year on year.",
                "Traders said {raw} treatment charges were {tc_dir} and domestic smelters were {purchase}, while offers from {origin} moved {updown} {pct2}% from the previous month.",
            ),
        ),
        _Topic(
            "maintenance",
            ("Industry News", "Company News"),
            (
                "{company} to Start {days}-Day Maintenance at {site_Cap} in {next_month}, Affecting {loss} of {product_Cap}",
                "{company} {site_Cap} Completes Annual Maintenance, {product_Cap} Output Recovers",
            ),
            (
                "{company} said its {site} will begin {days}-day annual maintenance on {next_date}, which is expected to affect about {loss} of {product} output.",
                "{company} completed system maintenance at its {site} on {date} and resumed production, with the shutdown having affected about {loss} of {product} output.",
            ),
            (
                "The maintenance mainly covers {equip}, and operating efficiency is expected to improve by {pct2}% afterwards.",
                "According to {source_org}, {n_smelters} domestic {metal} smelters plan maintenance in {next_month}, involving capacity of about {capacity}.",
                "Due to the maintenance, spot supply of {product} in {city} tightened temporarily, and {quote_short} closed at {price} {unit} on {date}.",
            ),
        ),
        _Topic(
            "inventory",
            ("Market Review", "Market Review", "Price Analysis"),
            (
                "{product_Cap} Social Inventory {inv_move_Cap} to {inventory} as of {date}",
                "{stock_Cap} {inv_move_Cap} to {inventory} in Week to {date}, {inv_title_tail}",
            ),
            (
                "As of {date}, social inventory of {product} in major consumption areas in China {inv_move} to {inventory}, {inv_dir} {inv_chg} from the previous week.",
                "{Stock} {inv_move} to {inventory} on {date}, a weekly {inv_dir_noun} of {inv_chg}.",
            ),
            (
                "By region, inventory in {city} {inv_dir2} by {inv_chg2}, while stocks in {city_b} held at around {inventory_b}.",
                "{inv_comment}, with inventory levels now {pct2}% {inv_vs_year} than a year earlier.",
                "Market participants expect {product} inventory to {inv_outlook} as {season} approaches, with stocks likely at around {inventory_c} by the end of {next_month}.",
            ),
        ),
        _Topic(
            "projects",
            ("Industry News", "Company News"),
            (
                "{company} Breaks Ground on {capacity}/yr {product_Cap} Project in {city}",
                "{company} to Invest {invest_Cap} in {product_Cap} Project in {city}, {province}",
                "{company} {site_Cap} Project Commissioned, Adding {capacity} of {product_Cap} Capacity",
            ),
            (
                "{company} broke ground on a {capacity}/yr {product} project in {city}, {province}, on {date}, with total investment of about {invest}.",
                "{company} recently signed an investment agreement with the {city} government to build a {product} production line with designed capacity of {capacity} per year.",
                "{company} said on {date} that its {site} project had been put into operation, adding {capacity} of {product} capacity with total investment of {invest}.",
            ),
            (
                "Once completed, the project is expected to generate annual revenue of {revenue} and create {jobs} jobs.",
                "The project adopts {tech}, cutting energy consumption per unit of output by {pct2}% from the industry average.",
                "The {city} government said it would improve supporting infrastructure and extend the local {metal} industry chain into deep processing, targeting output value of {revenue} by {end_year}.",
                "The project is scheduled to be completed in {end_year}, by which time {company}'s total {product} capacity will reach {capacity_total} per year.",
            ),
        ),
        _Topic(
            "earnings",
            ("Industry News", "Company News"),
            (
                "{company} Posts {period} Net Profit of {profit_Cap}, {grow_Cap} {pct}% YoY",
                "{company} {period} Revenue Reaches {revenue_Cap} on {product_Cap} Sales",
            ),
            (
                "{company} said on {date} that its net profit attributable to shareholders for {period} was {profit}, {grow} {pct}% year on year, with basic earnings per share of {eps} yuan.",
                "{company} reported revenue of {revenue} for {period}, {grow2} {pct2}% year on year, while net profit attributable to shareholders was {profit}, {grow} {pct}%.",
            ),
            (
                "The company attributed the change in earnings mainly to {product} prices moving {updown} and {grow2_adj} sales volumes of its main products.",
                "During the reporting period, the company produced {volume} of {product}, completing {share}% of its annual plan.",
                "As of the end of the period, the company's debt-to-asset ratio stood at {debt}%, and net operating cash flow was {cash}.",
            ),
        ),
    ),
    ord_common=(
        "On the macro front, {macro}, the US dollar index hovered around {dxy}, and market risk appetite {risk}.",
        "Downstream, the operating rate of {downstream} stayed at around {util}%, with purchases mainly for immediate needs.",
        "Over the same period, {other_product} prices {other_dir} {other_pct}% to {other_price} {other_unit}.",
        "Fixed-asset investment in the {metal} industry was {grow2} {pct3}% year on year in {cum_period}, according to {source_org}.",
        "A source at {company_b} said production was running normally, with about {days_stock} days of raw material stock on hand.",
    ),
    ord_rare_mention=(
        "In rare earths, Pr-Nd oxide was quoted at {re_price} yuan/mt on {re_date}, {re_dir} {re_pct}% from the previous week, while magnet makers bought {re_buy}.",
    ),
    ord_rare=(
        "The Ministry of Industry and Information Technology set the first batch of {year} rare earth mining quotas at {quota} mt and smelting and separation quotas at {quota_b} mt.",
        "Demand for rare earth permanent magnets from new energy vehicles and wind power continued to grow, with NdFeB magnet output up {pct2}% year on year in {ym_prev}.",
        "{company} said it would speed up its rare earth {project_type} in {city}, investing {invest_b} to expand supply of high-end functional materials.",
    ),
    ord_closing=(
        "Overall, {product} prices are expected to {trend} in the short term, with {range_low}-{range_high} {unit} seen as the main range, and attention should be paid to {watch}.",
        "Market participants advised companies to schedule purchases carefully and manage price risks, noting that {product} prices have {ytd_dir} {ytd_pct}% so far in {year}.",
    ),
)

_BANKS = {"zh": _ZH, "en": _EN}


# --------------------------------------------------------------------------- formatting helpers


def _trim(value: float, digits: int) -> str:
    """Fixed-point text without trailing zeros (12.50 -> 12.5, 3.00 -> 3)."""
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _nice(value: float) -> int:
    """Round to three significant figures so volumes look like reported statistics."""
    value = max(1.0, value)
    step: int = 10 ** max(0, len(str(int(value))) - 3)
    return max(1, round(value / step) * step)


def _tonnes(t: int, L: int) -> str:
    if L == 0:
        return f"{_trim(t / 10000, 2)}万吨" if t >= 10000 else f"{t}吨"
    return f"{_trim(t / 1e6, 2)} million mt" if t >= 1_000_000 else f"{t:,} mt"


def _yi(amount: float, L: int) -> str:
    """Money given in 100-million-yuan units: bare number for zh (templates add 亿元), words for en."""
    if L == 0:
        return _trim(amount, 2)
    if amount >= 10:
        return f"{_trim(amount / 10, 2)} billion yuan"
    return f"{_trim(amount * 100, 1)} million yuan"


def _price(value: float, L: int, small: bool) -> str:
    """Quotes as exchanges print them: 2 decimals for yuan/g, else whole yuan in steps of 10 or 50."""
    if small:
        return f"{value:.2f}"
    step = 1 if value < 10000 else 10 if value < 100000 else 50
    whole = round(value / step) * step
    return str(whole) if L == 0 else f"{whole:,}"


def _day(d: date, L: int, with_year: bool = False) -> str:
    if L == 0:
        return f"{d.year}年{d.month}月{d.day}日" if with_year else f"{d.month}月{d.day}日"
    return f"{_MONTH_AP[d.month - 1]} {d.day}, {d.year}" if with_year else f"{_MONTH_AP[d.month - 1]} {d.day}"


def _title_case(text: str) -> str:
    small = ("of", "and", "the", "at", "in", "to")
    words = text.split(" ")
    out = [
        w if (i and w in small) else "-".join(p[:1].upper() + p[1:] for p in w.split("-")) for i, w in enumerate(words)
    ]
    return " ".join(out)


def _sw(flag: bool, L: int, zh_yes: str, zh_no: str, en_yes: str, en_no: str) -> str:
    """Pick direction-dependent wording for the language."""
    return (zh_yes if flag else zh_no) if L == 0 else (en_yes if flag else en_no)


# --------------------------------------------------------------------------- slot values


def _place_ctx(rng: random.Random, L: int, metal: str, company: _Company) -> dict[str, str]:
    """Company, places, products and market names for one article."""
    info = _METAL_INFO[metal]
    prov = _PROVINCE_BY_ZH[rng.choice(company.provinces)]
    city = rng.choice(prov.cities)
    prov_b = rng.choice(tuple(p for p in _PROVINCES if p is not prov))
    city_b = rng.choice(prov_b.cities)
    fac = rng.choice(_FACILITIES)
    other = rng.choice(tuple(c for c in _COMPANIES if c is not company))
    site = f"{city[0]}{fac[0]}" if L == 0 else f"{city[1]} {fac[1]}"
    quote = info.quote[L]
    return {
        "company": (company.zh, company.en)[L],
        "company_b": (other.zh, other.en)[L],
        "province": (prov.zh, prov.en)[L],
        "province_full": (prov.full_zh, prov.en)[L],
        "region": prov.unit[L],
        "city": city[L],
        "city_b": city_b[L],
        "site": site,
        "site_Cap": _title_case(site),
        "river": prov.river[L],
        "metal": info.name[L],
        "metal_Cap": _title_case(info.name[L]),
        "product": info.product[L],
        "product_Cap": _title_case(info.product[L]),
        "Product": info.product[L][:1].upper() + info.product[L][1:],
        "raw": info.raw[L],
        "raw_Cap": _title_case(info.raw[L]),
        "quote": quote,
        "Quote": quote[:1].upper() + quote[1:],
        "quote_short": info.quote_short[L],
        "stock": info.stock[L],
        "stock_Cap": _title_case(info.stock[L]),
        "Stock": info.stock[L][:1].upper() + info.stock[L][1:],
        "downstream": info.downstream[L],
        "origin": rng.choice(info.origins)[L],
        "source_org": rng.choice(_SOURCE_ORG)[L],
    }


def _calendar_ctx(rng: random.Random, L: int, when: datetime) -> dict[str, str]:
    """Dates and periods relative to the publication time (data refer to last month)."""
    prev_y, prev_m = (when.year, when.month - 1) if when.month > 1 else (when.year - 1, 12)
    next_y, next_m = (when.year, when.month + 1) if when.month < 12 else (when.year + 1, 1)
    if L == 0:
        cum = f"{prev_y}年1至{prev_m}月" if prev_m > 1 else f"{prev_y}年1月"
        ym_prev, prev_month, next_month = f"{prev_y}年{prev_m}月", str(prev_m), str(next_m)
    else:
        cum = f"January-{_MONTH_FULL[prev_m - 1]} {prev_y}" if prev_m > 1 else f"January {prev_y}"
        ym_prev, prev_month, next_month = (
            f"{_MONTH_FULL[prev_m - 1]} {prev_y}",
            _MONTH_FULL[prev_m - 1],
            _MONTH_FULL[next_m - 1],
        )
    # Results season: annual reports in spring, then Q1, H1 and Q1-Q3 reports.
    y, m = when.year, when.month
    period = (
        (f"{y - 1}年年度", f"full-year {y - 1}")
        if m <= 4
        else (f"{y}年第一季度", f"Q1 {y}")
        if m <= 7
        else (f"{y}年半年度", f"H1 {y}")
        if m <= 9
        else (f"{y}年前三季度", f"Q1-Q3 {y}")
    )[L]
    return {
        "date": _day(when.date(), L),
        "year": str(y),
        "ym_prev": ym_prev,
        "prev_month": prev_month,
        "next_month": next_month,
        "next_date": _day(date(next_y, next_m, rng.randint(1, 28)), L),
        "cum_period": cum,
        "period": period,
        "year_start": str(y - rng.randint(1, 3)),
        "deadline": str(y + rng.randint(1, 2)),
        "end_year": str(y + rng.randint(1, 3)),
        "re_date": _day((when - timedelta(days=rng.randint(0, 3))).date(), L),
    }


def _price_ctx(rng: random.Random, L: int, metal: str) -> dict[str, str]:
    """Quotes, moves and directions for market reports."""
    info = _METAL_INFO[metal]
    small, unit = info.price[1] < 1000, info.unit[L]
    up = rng.random() < 0.5
    price, day_pct = rng.uniform(*info.price), rng.uniform(0.1, 3.5)
    spread, premium = price * rng.uniform(0.001, 0.006), rng.random() < 0.6
    other = _METAL_INFO[rng.choice(tuple(k for k in METALS if k not in (metal, "rare-earth")))]
    window = rng.choice((-1, 1)) * rng.randint(20, 900)
    driver = rng.choice(_DRIVERS[0 if up else 1])
    return {
        "price": _price(price, L, small),
        "unit": unit,
        "day_pct": f"{day_pct:.2f}",
        "week_pct": f"{rng.uniform(0.5, 6):.2f}",
        "vol_pct": f"{rng.uniform(2, 40):.1f}",
        "chg": _price(price * day_pct / 100, L, small),
        "high_price": _price(price * (1 + rng.uniform(0.1, 1.2) / 100), L, small),
        "range_low": _price(price * (1 - rng.uniform(1, 5) / 100), L, small),
        "range_high": _price(price * (1 + rng.uniform(1, 5) / 100), L, small),
        "spread": (
            f"{'升水' if premium else '贴水'}{_price(spread, L, small)}{unit}"
            if L == 0
            else f"{'premium' if premium else 'discount'} of {_price(spread, L, small)} {unit}"
        ),
        "updown": _sw(up, L, "上涨", "下跌", "up", "down"),
        "updown_close": _sw(up, L, "收涨", "收跌", "", ""),
        "updown_verb": _sw(up, L, "上涨", "下跌", "rose", "fell"),
        "updown_Cap": _sw(up, L, "上涨", "下跌", "Rises", "Falls"),
        "updown_pl": _sw(up, L, "上涨", "下跌", "Rise", "Fall"),
        "driver": driver[L],
        "driver_Cap": _title_case(driver[1]),
        "driver_verb": "提振" if up else "拖累",
        "vol_dir": _sw(rng.random() < 0.5, L, "增加", "减少", "up", "down"),
        "profit_window": str(window) if L == 0 else f"{window:,}",
        "window_state": _sw(window > 0, L, "开启", "关闭", "open", "closed"),
        "re_price": _price(_nice(rng.uniform(290000, 950000)), L, False),
        "re_pct": f"{rng.uniform(0.3, 6):.1f}",
        "re_dir": _sw(rng.random() < 0.5, L, "上涨", "下跌", "up", "down"),
        "other_product": other.product[L],
        "other_unit": other.unit[L],
        "other_pct": f"{rng.uniform(0.2, 4):.2f}",
        "other_price": _price(rng.uniform(*other.price), L, other.price[1] < 1000),
        "other_dir": _sw(rng.random() < 0.5, L, "上涨", "下跌", "rose", "fell"),
        "ytd_pct": f"{rng.uniform(0.5, 35):.1f}",
        "ytd_dir": _sw(rng.random() < 0.5, L, "上涨", "下跌", "risen", "fallen"),
        "dxy": f"{rng.uniform(89, 112):.1f}",
    }


def _volume_ctx(rng: random.Random, L: int, metal: str, when: datetime) -> dict[str, str]:
    """Output, trade, inventory, capacity and money figures, scaled to the metal."""
    info = _METAL_INFO[metal]
    grow_up, grow2_up, inv_down = rng.random() < 0.6, rng.random() < 0.5, rng.random() < 0.5
    volume = _nice(rng.uniform(*info.volume))
    inventory = _nice(rng.uniform(info.volume[0] * 0.3, info.volume[1] * 0.5))
    inv_chg = _nice(inventory * rng.uniform(0.02, 0.12))
    capacity = _nice(rng.uniform(*info.capacity))
    outlook = rng.randrange(3)
    quota = rng.randint(84, 140) * 1000
    quota_b = quota - rng.randint(3, 10) * 1000
    months_to_date = (when.month - 2) % 12 + 1  # cumulative data runs to last month
    ctx = {
        "pct": f"{rng.uniform(0.5, 25):.1f}",
        "pct2": f"{rng.uniform(0.3, 15):.1f}",
        "pct3": f"{rng.uniform(0.5, 30):.1f}",
        "share": str(rng.randint(12, 68)),
        "volume": _tonnes(volume, L),
        "volume_b": _tonnes(_nice(volume * rng.uniform(0.15, 0.6)), L),
        "volume_cum": _tonnes(_nice(volume * months_to_date * rng.uniform(0.9, 1.1)), L),
        "util": f"{rng.uniform(55, 92):.1f}",
        "util_chg": f"{rng.uniform(0.2, 6):.1f}",
        "util_dir": _sw(rng.random() < 0.5, L, "提高", "下降", "up", "down"),
        "capacity": _tonnes(capacity, L),
        "capacity_total": _tonnes(_nice(capacity * rng.uniform(1.5, 4)), L),
        "loss": _tonnes(_nice(volume * rng.uniform(0.01, 0.08)), L),
        "days": str(rng.randint(7, 45)),
        "n_smelters": str(rng.randint(3, 18)),
        "days_stock": str(rng.randint(15, 60)),
        "inventory": _tonnes(inventory, L),
        "inv_chg": _tonnes(inv_chg, L),
        "inv_chg2": _tonnes(_nice(inv_chg * rng.uniform(0.2, 0.7)), L),
        "inventory_b": _tonnes(_nice(inventory * rng.uniform(0.1, 0.4)), L),
        "inventory_c": _tonnes(_nice(inventory * (1 + (-1, 1, 0)[outlook] * rng.uniform(0.03, 0.15))), L),
        "inv_outlook": (
            ("继续去化", "continue falling"),
            ("小幅累积", "build slightly"),
            ("保持稳定", "remain stable"),
        )[outlook][L],
        "invest": _yi(rng.uniform(2, 150), L),
        "revenue": _yi(rng.uniform(10, 3000), L),
        "profit": _yi(rng.uniform(0.5, 120), L),
        "cash": _yi(rng.uniform(1, 400), L),
        "debt": f"{rng.uniform(32, 68):.1f}",
        "eps": f"{rng.uniform(0.05, 2.5):.2f}",
        "jobs": str(rng.randint(150, 2500)),
        "quota": str(quota) if L == 0 else f"{quota:,}",
        "quota_b": str(quota_b) if L == 0 else f"{quota_b:,}",
        "grow": _sw(grow_up, L, "增长", "下降", "up", "down"),
        "grow_Cap": _sw(grow_up, L, "增长", "下降", "Up", "Down"),
        "grow2": _sw(grow2_up, L, "增长", "下降", "up", "down"),
        "grow2_Cap": _sw(grow2_up, L, "增长", "下降", "Up", "Down"),
        "grow2_adj": _sw(grow2_up, L, "增长", "下降", "higher", "lower"),
        "inv_move": _sw(inv_down, L, "降至", "升至", "fell", "rose"),
        "inv_move_Cap": _sw(inv_down, L, "降至", "升至", "Falls", "Rises"),
        "inv_dir": _sw(inv_down, L, "减少", "增加", "down", "up"),
        "inv_dir_noun": _sw(inv_down, L, "减少", "增加", "decline", "increase"),
        "inv_dir2": _sw(rng.random() < 0.5, L, "减少", "增加", "fell", "rose"),
        "inv_comment": _sw(
            inv_down,
            L,
            "库存去化显示下游消费韧性较强",
            "库存累积反映下游需求偏弱",
            "The drawdown reflects resilient downstream consumption",
            "The build-up reflects weak downstream demand",
        ),
        "inv_vs_year": _sw(rng.random() < 0.5, L, "高出", "低", "higher", "lower"),
        "stock_effect": "价格获支撑" if inv_down else "价格承压",
        "inv_title_tail": "Supporting Prices" if inv_down else "Weighing on Prices",
    }
    for key in ("invest", "profit", "revenue"):
        ctx[key + "_Cap"] = _title_case(ctx[key])
    return ctx


def _wording_ctx(rng: random.Random, L: int) -> dict[str, str]:
    """Interchangeable phrases drawn from the bilingual pair banks."""
    banks = (
        ("mood", _MOODS),
        ("deal", _DEALS),
        ("supply", _SUPPLY),
        ("raw_state", _RAW_STATE),
        ("reason", _REASONS),
        ("tc_dir", _TC_DIR),
        ("purchase", _PURCHASE),
        ("equip", _EQUIP),
        ("season", _SEASONS),
        ("tech", _TECH),
        ("macro", _MACRO),
        ("risk", _RISK),
        ("re_buy", _RE_BUY),
        ("trend", _TREND),
        ("watch", _WATCH),
        ("project_type", _PROJECT_TYPE),
    )
    return {key: rng.choice(bank)[L] for key, bank in banks}


def _supervision_ctx(rng: random.Random, L: int, when: datetime, just_stationed: bool) -> dict[str, str]:
    # A team that "just arrived" was stationed days ago; otherwise months ago, with feedback later.
    stationed = when - timedelta(days=rng.randint(1, 12) if just_stationed else rng.randint(150, 700))
    stay = rng.randint(28, 35)
    feedback = stationed + timedelta(days=rng.randint(60, 110))
    rnd = 0 if stationed.year <= 2018 else 1 if stationed.year <= 2022 else 2
    team = rng.randrange(8)
    problems = rng.randint(6, 40)
    done = rng.randint(problems // 2, problems - 2)  # keep counts plural in English
    complaints = rng.randint(3, 60)
    fine = rng.randint(5, 300)
    waste, solid = rng.choice(_WASTE), rng.choice(_SOLID)
    tonnes = _nice(rng.uniform(200, 60000))
    return {
        "team": (_TEAM_ZH[team], _TEAM_EN[team])[L],
        "Team": _TEAM_EN[team].capitalize(),
        "round": (("第一轮", "第二轮", "第三轮"), ("the first round of", "the second round of", "the third round of"))[
            L
        ][rnd],
        "stationed": _day(stationed.date(), L, True),
        "feedback": _day(feedback.date(), L, True),
        "end_date": _day((stationed + timedelta(days=stay)).date(), L),
        "stay": str(stay),
        "problems": str(problems),
        "done": str(done),
        "ongoing": str(problems - done),
        "rate": _trim(done * 100 / problems, 1),
        "tasks": str(rng.randint(15, 90)),
        "complaints": str(complaints),
        "batches": str(rng.randint(2, min(complaints, 12))),
        "closed": str(rng.randint(1, complaints)),
        "batch": str(rng.randint(1, 20)),
        "orders": str(rng.randint(2, 25)),
        "fined": str(rng.randint(2, 12)),
        "fine": str(fine) if L == 0 else f"{fine * 10000:,}",
        "talked": str(rng.randint(2, 15)),
        "punished": str(rng.randint(2, 30)),
        "police": str(rng.randint(2, 5)),
        "reports": str(rng.randint(8, 90)),
        "units": str(rng.randint(6, 45)),
        "rect_invest": _yi(rng.uniform(0.2, 12), L),
        "invest_b": _yi(rng.uniform(0.5, 30), L),
        "n_small": str(rng.randint(2, 16)),
        "n_units": str(rng.randint(5, 60)),
        "found": str(rng.randint(12, 260)),
        "tonnes": str(tonnes) if L == 0 else f"{tonnes:,}",
        "area": f"{rng.uniform(20, 2500):.1f}",
        "times": f"{rng.uniform(1.2, 9.5):.1f}",
        "waste": waste[L],
        "waste_Cap": _title_case(waste[1]),
        "solid": solid[L],
        "solid_Cap": _title_case(solid[1]),
    }


# --------------------------------------------------------------------------- article assembly


def _compose(
    rng: random.Random, L: int, lead: str, pool: list[str], closing_bank: tuple[str, ...], ctx: dict[str, str]
) -> list[str]:
    """Lead paragraph, 1-5 body paragraphs of 1-3 sentences, closing paragraph (3-7 in all)."""
    rng.shuffle(pool)
    groups = [[lead]]
    if rng.random() < 0.4:
        groups[0].append(pool.pop())
    for _ in range(rng.randint(1, 5)):
        if not pool:
            break
        groups.append([pool.pop() for _ in range(min(len(pool), rng.randint(1, 3)))])
    groups.append([rng.choice(closing_bank)])
    joiner = "" if L == 0 else " "
    return [joiner.join(s.format(**ctx) for s in group) for group in groups]


def _en_prefix(rng: random.Random, source: str, when: datetime) -> str:
    """SMM/Reuters style datelines for the first English paragraph."""
    day = _day(when.date(), 1)
    if source == "SMM":
        return "SMM: " if rng.random() < 0.5 else f"SHANGHAI, {day} (SMM) - "
    if source == "Reuters":
        return f"{rng.choice(('BEIJING', 'SHANGHAI'))}, {day} (Reuters) - "
    return "Mysteel: " if source == "Mysteel" else ""


def _zh_name(rng: random.Random) -> str:
    return rng.choice(_ZH_SURNAMES) + "".join(rng.choice(_ZH_GIVEN) for _ in range(rng.randint(1, 2)))


def _title_ok(title: str, L: int) -> bool:
    if L == 0:
        return 12 <= len(title) <= 35
    return 40 <= len(title) <= 140 and title.isascii()


def _article(
    rng: random.Random, L: int, relevant: bool, metal: str, when: datetime, used_titles: set[str]
) -> GeneratedArticle:
    banks = (_ZH, _EN)[L]
    topics = banks.rel_topics if relevant else banks.ord_topics
    candidates = tuple(c for c in _COMPANIES if c.metal == metal)
    for _ in range(_MAX_TITLE_TRIES):
        t_idx = rng.randrange(len(topics))
        topic = topics[t_idx]
        company = rng.choice(candidates)
        ctx = _place_ctx(rng, L, metal, company)
        ctx.update(_calendar_ctx(rng, L, when))
        ctx.update(_price_ctx(rng, L, metal))
        ctx.update(_volume_ctx(rng, L, metal, when))
        ctx.update(_wording_ctx(rng, L))
        ctx.update(_supervision_ctx(rng, L, when, just_stationed=relevant and t_idx == 0))
        title_idx = rng.randrange(len(topic.titles))
        title = topic.titles[title_idx].format(**ctx)
        if title not in used_titles and _title_ok(title, L):
            break
    else:
        raise RuntimeError("could not find a unique title; the template space is exhausted")
    used_titles.add(title)

    if relevant:
        pool = list(topic.body + banks.rel_common + (banks.rel_rare if metal == "rare-earth" else ()))
        closing = banks.rel_closing
    else:
        # Only some ordinary articles carry the rare-earth aside, so "稀土" alone never signals relevance.
        extra = banks.ord_rare if metal == "rare-earth" else banks.ord_rare_mention if rng.random() < 0.5 else ()
        pool = list(topic.body + banks.ord_common + extra)
        closing = banks.ord_closing
    # Titles and leads are index-aligned so the lead tells the title's story; extra titles share the last lead.
    lead = topic.leads[min(title_idx, len(topic.leads) - 1)]
    paragraphs = _compose(rng, L, lead, pool, closing, ctx)

    if L == 0:
        source = rng.choice(_ZH_SOURCES_REL if relevant else _ZH_SOURCES_ORD)
        category = rng.choice(topic.categories + (() if relevant else (_METAL_INFO[metal].category_zh,)))
        author, editor = _zh_name(rng), _zh_name(rng)
    else:
        source = rng.choice(_EN_SOURCES)
        category = rng.choice(topic.categories)
        author, editor = f"{rng.choice(_EN_FIRST)} {rng.choice(_EN_LAST)}", ""
        paragraphs[0] = _en_prefix(rng, source, when) + paragraphs[0]

    extras = [ctx["province"], ctx["product"] if not relevant else ("环保督察", "environment")[L]]
    rng.shuffle(extras)
    # dict.fromkeys keeps first-seen order and drops duplicates (e.g. gold is both metal and product).
    tags = tuple(dict.fromkeys([topic.tag, _METAL_INFO[metal].name[L]] + extras))[: rng.randint(2, 4)]
    return GeneratedArticle(
        title=title,
        published_at=when,
        author=author,
        source=source,
        category=category,
        metal=metal,
        tags=tags,
        paragraphs=tuple(paragraphs),
        relevant=relevant,
        editor=editor,
    )


def _metal_cycle(rng: random.Random, n: int) -> list[str]:
    """Cycle through all metals (rare earth first) so every metal appears once n >= 8."""
    order = [m for m in METALS if m != "rare-earth"]
    out: list[str] = []
    while len(out) < n:
        rng.shuffle(order)
        out.extend(["rare-earth"] + order)
    return out[:n]


def _timestamps(rng: random.Random, n: int) -> list[datetime]:
    """n distinct whole-minute times between 2018-01-01 and 2026-10-31, hours 6-22."""
    span = (_LAST_DAY - _FIRST_DAY).days + 1
    seen: set[datetime] = set()  # membership only; never iterated
    out: list[datetime] = []
    while len(out) < n:
        day = _FIRST_DAY + timedelta(days=rng.randrange(span))
        stamp = datetime(day.year, day.month, day.day, rng.randint(6, 22), rng.randint(0, 59), tzinfo=TZ)
        if stamp not in seen:
            seen.add(stamp)
            out.append(stamp)
    return sorted(out)


def generate(lang: str, count: int, seed: int, relevant: int | None = None) -> list[GeneratedArticle]:
    """lang is "en" or "zh". Returns `count` articles, sorted by published_at ascending;
    `relevant` of them (default a third) are supervision and rectification reports."""
    if lang not in _BANKS:
        raise ValueError(f"unsupported language: {lang!r}")
    if count < 0:
        raise ValueError("count must be non-negative")
    L = 0 if lang == "zh" else 1
    rng = random.Random(int(seed) * 7919 + 17 + L)
    n_rel = round(count / 3) if relevant is None else relevant
    specs = list(zip([True] * n_rel, _metal_cycle(rng, n_rel), strict=False))
    specs += list(zip([False] * (count - n_rel), _metal_cycle(rng, count - n_rel), strict=False))
    rng.shuffle(specs)
    used_titles: set[str] = set()  # membership only; never iterated
    articles = [
        _article(rng, L, rel, metal, when, used_titles)
        for (rel, metal), when in zip(specs, _timestamps(rng, count), strict=False)
    ]
    articles.sort(key=lambda a: a.published_at)
    return articles


if __name__ == "__main__":
    for _lang in ("zh", "en"):
        _arts = generate(_lang, 64, 1)
        _rel = sum(a.relevant for a in _arts)
        _metals = sorted({a.metal for a in _arts})
        print(
            f"{_lang}: {len(_arts)} articles, {_rel} relevant, metals={_metals}, "
            f"{_arts[0].published_at:%Y-%m-%d} .. {_arts[-1].published_at:%Y-%m-%d}"
        )
        for _a in _arts[:3]:
            print(f"  [{'R' if _a.relevant else ' '}] {_a.published_at:%Y-%m-%d %H:%M} {_a.title}")
