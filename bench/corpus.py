"""A generated bilingual corpus for the search benchmarks: deterministic (seeded), about
half Chinese and half English, made of real vocabulary (the names in
pipelines/vocabulary.toml plus a few hundred common words of each language written here)
with a Zipf-like frequency, so some words are common and others rare.

The generator composes ALREADY-SEGMENTED text: each article is a list of units (a word, a
vocabulary name of several English words, or a pair of Chinese words that occur together),
and each unit's index terms are computed once with pipelines.segment.terms and
inner_words, exactly as pipelines.segment.index_terms computes them for a crawled article
(those functions work token by token, so the terms of a sequence are the terms of its
tokens in order). No jieba runs over the corpus: jieba only checks, once, that every
Chinese word and query here is one token to it (so a query segments to what is indexed).

Each article also gets, besides its text: a publication time spread over eight years, a
site and host (three per language), tags (the concepts whose names it uses), a relevance
label (supervision / rectification when it uses such a concept, else related or
unrelated) and story_id = id (no copies).

Article n is generated from its own seed, so the corpus can be generated again, in part or
whole, in any order, and comes out the same: both engines get the same articles."""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache

from pipelines.segment import cut, inner_words, terms, tokenizer
from pipelines.vocabulary import load_vocabulary

# --- the words ---------------------------------------------------------------------------

# The most frequent words of each language, in rough order of frequency: they take the top
# ranks of the Zipf distribution and are never queried on their own.
ZH_FUNCTION = [
    "的",
    "在",
    "了",
    "和",
    "是",
    "对",
    "与",
    "将",
    "等",
    "为",
    "也",
    "有",
    "中",
    "并",
    "及",
    "已",
    "以",
    "其",
    "要",
    "从",
    "到",
    "由",
    "于",
    "把",
    "被",
    "向",
    "就",
    "都",
    "而",
    "这",
    "该",
    "各",
    "其中",
    "以及",
    "进行",
    "没有",
    "一个",
]
EN_FUNCTION = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "for",
    "on",
    "with",
    "by",
    "at",
    "from",
    "as",
    "is",
    "was",
    "said",
    "that",
    "its",
    "it",
    "has",
    "have",
    "be",
    "will",
    "are",
    "were",
    "this",
    "which",
    "an",
    "after",
    "over",
    "also",
    "more",
    "than",
    "but",
    "not",
    "been",
    "had",
    "their",
    "they",
    "about",
    "up",
    "into",
    "out",
]

# Common content words, roughly the news register of the archive (metals, mining,
# environment, government, markets), then ordinary news vocabulary.
ZH_COMMON = [
    "企业",
    "公司",
    "项目",
    "环境",
    "生态",
    "问题",
    "工作",
    "发展",
    "建设",
    "管理",
    "部门",
    "要求",
    "加强",
    "推进",
    "开展",
    "情况",
    "措施",
    "落实",
    "整改",
    "检查",
    "污染",
    "治理",
    "排放",
    "矿山",
    "冶炼",
    "生产",
    "产能",
    "市场",
    "价格",
    "集团",
    "行业",
    "有色",
    "金属",
    "矿产",
    "资源",
    "开采",
    "尾矿",
    "废水",
    "废气",
    "固废",
    "土壤",
    "重金属",
    "监测",
    "执法",
    "处罚",
    "罚款",
    "责任",
    "单位",
    "政府",
    "地方",
    "全国",
    "省",
    "市",
    "县",
    "区域",
    "园区",
    "工厂",
    "车间",
    "设备",
    "技术",
    "升级",
    "改造",
    "绿色",
    "低碳",
    "节能",
    "减排",
    "能源",
    "电力",
    "煤炭",
    "钢铁",
    "产量",
    "销量",
    "进口",
    "出口",
    "库存",
    "需求",
    "供应",
    "增长",
    "下降",
    "同比",
    "环比",
    "上涨",
    "下跌",
    "期货",
    "现货",
    "交易",
    "合同",
    "投资",
    "资金",
    "利润",
    "收入",
    "成本",
    "亿元",
    "万元",
    "万吨",
    "吨",
    "今年",
    "去年",
    "目前",
    "近日",
    "日前",
    "上半年",
    "下半年",
    "季度",
    "记者",
    "表示",
    "指出",
    "认为",
    "报道",
    "消息",
    "会议",
    "召开",
    "研究",
    "部署",
    "通知",
    "文件",
    "方案",
    "计划",
    "目标",
    "任务",
    "标准",
    "制度",
    "政策",
    "规定",
    "法律",
    "条例",
    "办法",
    "意见",
    "督导",
    "巡查",
    "核查",
    "调查",
    "发现",
    "存在",
    "反映",
    "群众",
    "举报",
    "投诉",
    "信访",
    "案件",
    "办理",
    "回复",
    "公开",
    "通报",
    "约谈",
    "问责",
    "追责",
    "立案",
    "移交",
    "线索",
    "验收",
    "销号",
    "完成",
    "推动",
    "实施",
    "组织",
    "领导",
    "干部",
    "人员",
    "专家",
    "团队",
    "机构",
    "单位",
    "安全",
    "隐患",
    "事故",
    "风险",
    "防范",
    "应急",
    "保障",
    "服务",
    "质量",
    "效率",
    "水平",
    "能力",
    "体系",
    "机制",
    "模式",
    "平台",
    "系统",
    "数据",
    "信息",
    "网络",
    "创新",
    "科技",
    "研发",
    "成果",
    "应用",
    "产品",
    "材料",
    "原料",
    "精矿",
    "铜精矿",
    "氧化铝",
    "电解铝",
    "阴极铜",
    "锂电池",
    "新能源",
    "汽车",
    "光伏",
    "储能",
    "河流",
    "湖泊",
    "水源",
    "饮用水",
    "地下水",
    "大气",
    "空气",
    "粉尘",
    "噪声",
    "生态修复",
    "复垦",
    "植被",
    "保护区",
    "林地",
    "耕地",
    "草原",
    "湿地",
    "长江",
    "黄河",
    "流域",
    "沿岸",
    "上游",
    "下游",
    "城市",
    "农村",
    "居民",
    "村民",
    "社区",
    "学校",
    "医院",
    "道路",
    "交通",
    "运输",
    "港口",
    "铁路",
    "物流",
    "经济",
    "社会",
    "国家",
    "中央",
    "省委",
    "省政府",
    "市委",
    "市政府",
    "党委",
    "书记",
    "省长",
    "市长",
    "县长",
    "主任",
    "局长",
    "厅长",
    "负责人",
    "董事长",
    "总经理",
    "股东",
    "股份",
    "上市",
    "公告",
    "年报",
    "业绩",
    "营收",
    "净利润",
    "市值",
    "股价",
    "融资",
    "债券",
    "银行",
    "贷款",
    "保险",
    "税收",
    "财政",
]

EN_COMMON = [
    "company",
    "companies",
    "project",
    "projects",
    "environmental",
    "environment",
    "ecological",
    "problems",
    "work",
    "development",
    "construction",
    "management",
    "department",
    "requirements",
    "strengthen",
    "promote",
    "carry",
    "out",
    "situation",
    "measures",
    "implementation",
    "rectification",
    "inspection",
    "inspections",
    "pollution",
    "treatment",
    "emissions",
    "mine",
    "mines",
    "mining",
    "smelting",
    "smelter",
    "production",
    "capacity",
    "market",
    "price",
    "prices",
    "group",
    "industry",
    "nonferrous",
    "metals",
    "mineral",
    "resources",
    "exploitation",
    "tailings",
    "wastewater",
    "gas",
    "waste",
    "soil",
    "heavy",
    "monitoring",
    "enforcement",
    "penalty",
    "fine",
    "fines",
    "responsibility",
    "unit",
    "government",
    "local",
    "national",
    "province",
    "city",
    "county",
    "region",
    "park",
    "factory",
    "plant",
    "equipment",
    "technology",
    "upgrade",
    "transformation",
    "green",
    "carbon",
    "energy",
    "saving",
    "reduction",
    "electricity",
    "coal",
    "steel",
    "output",
    "sales",
    "imports",
    "exports",
    "inventory",
    "demand",
    "supply",
    "growth",
    "decline",
    "rise",
    "fall",
    "futures",
    "spot",
    "trading",
    "contract",
    "investment",
    "funds",
    "profit",
    "revenue",
    "cost",
    "billion",
    "million",
    "tonnes",
    "tons",
    "yuan",
    "dollars",
    "percent",
    "year",
    "month",
    "week",
    "quarter",
    "reporter",
    "reported",
    "according",
    "statement",
    "meeting",
    "held",
    "research",
    "plan",
    "target",
    "task",
    "standard",
    "system",
    "policy",
    "regulation",
    "law",
    "rules",
    "opinion",
    "supervision",
    "review",
    "verification",
    "survey",
    "found",
    "complaints",
    "residents",
    "report",
    "reports",
    "case",
    "cases",
    "handled",
    "reply",
    "public",
    "notice",
    "interview",
    "accountability",
    "investigation",
    "clues",
    "acceptance",
    "completed",
    "implementation",
    "organization",
    "leaders",
    "officials",
    "experts",
    "team",
    "agency",
    "safety",
    "hazard",
    "accident",
    "risk",
    "prevention",
    "emergency",
    "service",
    "quality",
    "efficiency",
    "level",
    "ability",
    "mechanism",
    "platform",
    "data",
    "information",
    "network",
    "innovation",
    "science",
    "research",
    "results",
    "application",
    "product",
    "materials",
    "raw",
    "concentrate",
    "alumina",
    "aluminium",
    "aluminum",
    "cathode",
    "battery",
    "batteries",
    "vehicles",
    "solar",
    "storage",
    "river",
    "lake",
    "water",
    "drinking",
    "groundwater",
    "air",
    "dust",
    "noise",
    "restoration",
    "reclamation",
    "vegetation",
    "reserve",
    "forest",
    "farmland",
    "grassland",
    "wetland",
    "city",
    "rural",
    "villagers",
    "community",
    "school",
    "hospital",
    "road",
    "transport",
    "port",
    "railway",
    "logistics",
    "economic",
    "economy",
    "social",
    "country",
    "central",
    "provincial",
    "municipal",
    "party",
    "secretary",
    "governor",
    "mayor",
    "director",
    "chairman",
    "manager",
    "shareholders",
    "shares",
    "listed",
    "announcement",
    "annual",
    "performance",
    "earnings",
    "net",
    "market",
    "value",
    "stock",
    "financing",
    "bonds",
    "bank",
    "loans",
    "insurance",
    "tax",
    "fiscal",
    "global",
    "china",
    "chinese",
    "domestic",
    "international",
    "major",
    "largest",
    "new",
    "first",
    "second",
    "third",
    "last",
    "next",
    "early",
    "late",
    "high",
    "low",
    "strong",
    "weak",
    "key",
]

# Chinese word pairs that occur together (phrase queries find them); kept only where
# jieba cuts the pair into the same two words.
ZH_PAIRS = [
    ("整改", "工作"),
    ("整改", "措施"),
    ("整改", "方案"),
    ("督察", "反馈"),
    ("反馈", "意见"),
    ("环境", "问题"),
    ("稀土", "价格"),
    ("铜", "价格"),
    ("铝", "产量"),
    ("污染", "治理"),
    ("生态", "修复"),
    ("尾矿", "库"),
    ("矿山", "企业"),
    ("冶炼", "企业"),
    ("环保", "设施"),
    ("排放", "标准"),
    ("问题", "清单"),
    ("群众", "举报"),
    ("信访", "件"),
    ("立行立改", "要求"),
    ("督察组", "进驻"),
    ("重金属", "污染"),
    ("废水", "排放"),
    ("产能", "过剩"),
    ("市场", "需求"),
    ("期货", "价格"),
    ("上市", "公司"),
    ("安全", "生产"),
    ("绿色", "发展"),
    ("长江", "流域"),
    ("黄河", "流域"),
    ("饮用水", "水源"),
    ("地下水", "污染"),
    ("土壤", "污染"),
    ("执法", "检查"),
]

SITES = {
    "zh": (("cnmn", "www.cnmn.com.cn", 5), ("mysteel", "news.mysteel.com", 3), ("ccmn", "www.ccmn.cn", 2)),
    "en": (("smm", "news.metal.com", 5), ("mining", "www.mining.com", 3), ("argus", "www.argusmedia.com", 2)),
}
START = datetime(2017, 1, 1, tzinfo=UTC)
YEARS = 8
SPAN_SECONDS = int((datetime(START.year + YEARS, 1, 1, tzinfo=UTC) - START).total_seconds())
ZIPF_S = 1.07
ZH_CHINESE_WORDS = 20_000  # from jieba's dictionary, by its frequency
QUERY_SKIP = 30  # the most frequent content words are not queried alone (near stop words)
NUMBERS = (
    "2017",
    "2018",
    "2019",
    "2020",
    "2021",
    "2022",
    "2023",
    "2024",
    "10",
    "20",
    "30",
    "50",
    "100",
    "1",
    "2",
    "3",
    "5",
    "12",
    "15",
    "25",
    "60",
    "80",
    "200",
    "500",
    "1000",
    "3.5",
    "1.2",
    "0.8",
)
_HAN = re.compile(r"[\u4e00-\u9fff]+")
TITLE_UNITS = {"zh": (5, 10), "en": (5, 11)}
TERMS_PER_ARTICLE = (300, 900)
# The vocabulary's names sit in the long tail, each at its own (seeded, log-uniform) rank
# of the frequency list: a few are common (a big company, a province), most are rare.
NAME_RANKS = (500, 50_000)


@dataclass(frozen=True)
class Unit:
    """One piece of composed text: its tokens as a segmenter would give them."""

    words: tuple[str, ...]  # the tokens (surface forms)
    surface: str  # as it is written in the text
    terms: str  # its index terms, space-separated (pipelines.segment.terms)
    parts: str  # the dictionary words inside its long tokens (inner_words), as terms
    n_terms: int
    concept: str | None = None  # the vocabulary concept it names
    relevance: str | None = None


def _unit(words: tuple[str, ...], lang: str, concept=None, relevance=None) -> Unit:
    found = terms(list(words))
    parts = terms([inner for word in words for inner in inner_words(word)])
    surface = "".join(words) if lang == "zh" else " ".join(words)
    return Unit(words, surface, " ".join(found), " ".join(parts), len(found), concept, relevance)


def _one_token(word: str) -> bool:
    return cut(word) == [word.lower()]


@dataclass(frozen=True)
class Language:
    lang: str
    units: tuple[Unit, ...]  # by Zipf rank: units[0] the most frequent
    cum_weights: tuple[float, ...]  # over all units
    content_start: int  # units[content_start:] are content (no function words)
    content_cum: tuple[float, ...]  # over the content units only
    mean_terms: float  # mean index terms per unit drawn
    topical: tuple[int, ...]  # units an article may be about (vocabulary names and pairs)
    queryable: tuple[int, ...]  # single-token content words, by rank
    phrases: tuple[int, ...]  # units of two or more terms that make a phrase query
    names: tuple[int, ...]  # vocabulary names of one term: what analysts search for


@cache
def language(lang: str) -> Language:
    """The units of one language ranked by frequency, function words first.

    Chinese: the ZH_CHINESE_WORDS most frequent words of jieba's own dictionary (a real
    frequency list, Zipfian, with a long tail), the common news words above raised to the
    frequency of jieba's 300th word when jieba counts them lower, the word pairs, numbers.
    English: the words above with Zipf weights by a fixed (seeded) rank, numbers among them.
    In both, the vocabulary's names come last, rare in the background: an article is about
    a few of them and repeats those (its topics)."""
    vocabulary = load_vocabulary()
    weighted: list[tuple[float, Unit]] = []
    function: list[Unit] = []
    if lang == "zh":
        freq = tokenizer().FREQ
        ranked = sorted((f, w) for w, f in freq.items() if f > 0 and _HAN.fullmatch(w))[::-1][: ZH_CHINESE_WORDS * 2]
        by_rank = [f for f, _ in ranked]
        kept = 0
        for word in ZH_FUNCTION:
            if _one_token(word):
                function.append(_unit((word,), lang))
        for f, word in ranked:
            if kept >= ZH_CHINESE_WORDS:
                break
            if word in ZH_FUNCTION or not _one_token(word):
                continue
            kept += 1
            weighted.append((float(f), _unit((word,), lang)))
        common_floor = float(by_rank[300])
        for word in ZH_COMMON:
            if _one_token(word):
                weighted.append((max(common_floor, float(freq.get(word, 0))), _unit((word,), lang)))
        for a, b in ZH_PAIRS:
            if _one_token(a) and _one_token(b) and cut(a + b) == [a, b]:
                weighted.append((float(by_rank[1500]), _unit((a, b), lang)))
        number_weight = float(by_rank[200])
        name_weight = lambda rank: float(by_rank[min(rank, len(by_rank) - 1)])  # noqa: E731
        function_weights = [float(by_rank[0]) * 1.2 / (n + 1) ** 0.5 for n in range(len(function))]
    else:
        function = [_unit((word,), lang) for word in EN_FUNCTION]
        rank_rng = random.Random(f"ranks-{lang}")
        common = list(dict.fromkeys(EN_COMMON))
        rank_rng.shuffle(common)
        top = 1.0 / (len(function) + 2.0) ** ZIPF_S
        for rank, word in enumerate(common, start=len(function)):
            weighted.append((1.0 / (rank + 2.0) ** ZIPF_S, _unit((word,), lang)))
        number_weight = 1.0 / 200.0**ZIPF_S
        name_weight = lambda rank: 1.0 / (rank + 2.0) ** ZIPF_S  # noqa: E731
        function_weights = [1.0 / (rank + 2.0) ** ZIPF_S for rank in range(len(function))]
        del top
    for number in NUMBERS:
        weighted.append((number_weight, _unit((number,), lang)))
    name_rng = random.Random(f"name-ranks-{lang}")
    for concept in vocabulary.concepts:
        for name in concept.zh if lang == "zh" else concept.en:
            if lang == "zh" and not _one_token(name):
                continue
            words = (name,) if lang == "zh" else tuple(name.split())
            rank = int(math.exp(name_rng.uniform(math.log(NAME_RANKS[0]), math.log(NAME_RANKS[1]))))
            weighted.append((name_weight(rank), _unit(words, lang, concept.id, concept.relevance)))

    seen: set[str] = set()
    units: list[Unit] = []
    weights: list[float] = []
    for weight, unit in itertools.chain(
        zip(function_weights, function, strict=False), sorted(weighted, key=lambda wu: -wu[0])
    ):
        key = unit.surface.lower()
        if unit.n_terms and key not in seen:
            seen.add(key)
            units.append(unit)
            weights.append(weight)
    content_start = len(function)
    cum = tuple(itertools.accumulate(weights))
    content_cum = tuple(itertools.accumulate(weights[content_start:]))
    mean_terms = sum(w * u.n_terms for w, u in zip(weights, units, strict=False)) / cum[-1]
    topical = tuple(i for i, u in enumerate(units) if i >= content_start and (u.concept or len(u.words) > 1))
    queryable = tuple(
        i
        for i, u in enumerate(units)
        if i >= content_start + QUERY_SKIP
        and len(u.words) == 1
        and u.n_terms == 1
        and not u.terms.replace(".", "").isdigit()
    )
    phrases = tuple(
        i
        for i, u in enumerate(units)
        if i >= content_start
        and len(u.words) >= 2
        and u.n_terms >= 2
        and tuple(terms(cut(u.surface))) == tuple(u.terms.split())
    )
    names = tuple(i for i, u in enumerate(units) if u.concept and u.n_terms == 1)
    return Language(lang, tuple(units), cum, content_start, content_cum, mean_terms, topical, queryable, phrases, names)


# --- articles ----------------------------------------------------------------------------


@dataclass
class Generated:
    id: int
    lang: str
    site: str
    host: str
    title: str
    body: str
    title_terms: str
    body_terms: str
    parts: str
    published_at: datetime
    tags: list[str]
    relevance_label: str
    relevance_score: float


def _draw(rng: random.Random, lang: Language, k: int, content_only: bool = False) -> list[int]:
    if content_only:
        return [
            lang.content_start + i for i in rng.choices(range(len(lang.content_cum)), cum_weights=lang.content_cum, k=k)
        ]
    return rng.choices(range(len(lang.units)), cum_weights=lang.cum_weights, k=k)


def _article_seed(seed: int, n: int) -> int:
    return (seed * 1_000_003 + n) * 2_654_435_761 % (1 << 61)


def article(seed: int, n: int) -> Generated:
    """Article n (from 1) of the corpus generated from `seed`."""
    rng = random.Random(_article_seed(seed, n))
    code = "zh" if rng.random() < 0.5 else "en"
    lang = language(code)
    units = lang.units
    # What the article is about: a few vocabulary names or pairs, repeated (burstiness),
    # so that rarer names gather in fewer articles.
    topics = [lang.topical[rng.randrange(len(lang.topical))] for _ in range(rng.randint(1, 4))]
    target = rng.randint(*TERMS_PER_ARTICLE)
    body_units = _draw(rng, lang, max(20, int(target / lang.mean_terms)))
    for topic in topics:
        for _ in range(rng.randint(1, 6)):
            body_units.insert(rng.randrange(len(body_units) + 1), topic)
    low, high = TITLE_UNITS[code]
    title_units = _draw(rng, lang, rng.randint(low, high), content_only=True)
    title_units.insert(rng.randrange(len(title_units) + 1), topics[0])

    # The text: sentences of 6 to 24 units, paragraphs of 2 to 5 sentences.
    pieces: list[str] = []
    at, sentence_no = 0, 0
    paragraph_end = rng.randint(2, 5)
    while at < len(body_units):
        size = rng.randint(6, 24)
        chunk = [units[i].surface for i in body_units[at : at + size]]
        at += size
        if code == "zh":
            if len(chunk) > 10:
                chunk.insert(len(chunk) // 2, "，")
            sentence = "".join(chunk) + "。"
        else:
            sentence = " ".join(chunk)
            sentence = sentence[:1].upper() + sentence[1:] + ". "
        pieces.append(sentence)
        sentence_no += 1
        if sentence_no == paragraph_end and at < len(body_units):
            pieces.append("\n")
            sentence_no, paragraph_end = 0, rng.randint(2, 5)
    body = "".join(pieces).rstrip()
    joiner = "" if code == "zh" else " "
    title = joiner.join(units[i].surface for i in title_units)
    if code == "en":
        title = title[:1].upper() + title[1:]

    # Tags: the concepts the article is about (its topics) and those its title names.
    concepts = {units[i].concept: units[i].relevance for i in itertools.chain(topics, title_units) if units[i].concept}
    kinds = {r for r in concepts.values() if r}
    mentions = sum(1 for i in body_units if units[i].relevance) + 2 * sum(1 for i in title_units if units[i].relevance)
    score = float(mentions)
    if kinds and mentions >= 4:
        label = "rectification" if "rectification" in kinds else "supervision"
    else:
        label = "related" if kinds else "unrelated"
    site, host = _site(rng, code)
    return Generated(
        id=n,
        lang=code,
        site=site,
        host=host,
        title=title,
        body=body,
        title_terms=" ".join(t for i in title_units if (t := units[i].terms)),
        body_terms=" ".join(t for i in body_units if (t := units[i].terms)),
        parts=" ".join(p for i in itertools.chain(title_units, body_units) if (p := units[i].parts)),
        published_at=START + timedelta(seconds=rng.randrange(SPAN_SECONDS)),
        tags=sorted(concepts),
        relevance_label=label,
        relevance_score=score,
    )


def _site(rng: random.Random, lang: str) -> tuple[str, str]:
    choices = SITES[lang]
    site, host, _ = rng.choices(choices, weights=[w for *_, w in choices])[0]
    return site, host


def articles(seed: int, count: int, start: int = 1):
    for n in range(start, start + count):
        yield article(seed, n)


# --- queries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    kind: str
    text: str  # in the query language (monitor.query)
    expand: bool
    lang: str
    # The same question for the LIKE scan: groups of alternatives (surface strings), every
    # group must match the title or the body; plus the filters.
    like: tuple[tuple[str, ...], ...]
    since: datetime | None = None
    until: datetime | None = None
    site: str | None = None
    facets: bool = False


def _log_uniform(rng: random.Random, size: int) -> int:
    """An index in [0, size), log-uniform: as many frequent as rare picks per decade."""
    return min(size - 1, int(math.exp(rng.uniform(0.0, math.log(size)))) - 1)


def _word(rng: random.Random, lang: Language) -> Unit:
    """Any word, frequent and rare alike (log-uniform over the frequency ranks)."""
    return lang.units[lang.queryable[_log_uniform(rng, len(lang.queryable))]]


def _name(rng: random.Random, lang: Language) -> Unit:
    """A vocabulary name (a company, place, metal, team...), any of them alike."""
    return lang.units[lang.names[rng.randrange(len(lang.names))]]


KINDS = ("word", "common", "and", "phrase", "filtered", "facet", "expanded")


def queries(seed: int, kind: str, count: int) -> list[Query]:
    """`count` queries of one kind, mixing frequent and rare words of both languages."""
    rng = random.Random(f"queries-{seed}-{kind}")
    out = []
    for _ in range(count):
        code = "zh" if rng.random() < 0.5 else "en"
        lang = language(code)
        if kind in ("word", "common", "facet"):
            w = _word(rng, lang) if kind == "common" else _name(rng, lang)
            out.append(Query(kind, w.surface, False, code, ((w.surface,),), facets=kind == "facet"))
        elif kind == "and":
            a = _name(rng, lang)
            b = _word(rng, lang)
            while b.surface == a.surface:
                b = _word(rng, lang)
            out.append(Query(kind, f"{a.surface} {b.surface}", False, code, ((a.surface,), (b.surface,))))
        elif kind == "phrase":
            p = lang.units[lang.phrases[rng.randrange(len(lang.phrases))]]
            out.append(Query(kind, f'"{p.surface}"', False, code, ((p.surface,),)))
        elif kind == "filtered":
            w = _name(rng, lang)
            year = START.year + rng.randrange(YEARS)
            text = f"{w.surface} lang:{code} since:{year} until:{year}"
            site = None
            if rng.random() < 0.5:
                site = _site(rng, code)[0]
                text += f" site:{site}"
            china = timezone(timedelta(hours=8))
            out.append(
                Query(
                    kind,
                    text,
                    False,
                    code,
                    ((w.surface,),),
                    since=datetime(year, 1, 1, tzinfo=china),
                    until=datetime(year + 1, 1, 1, tzinfo=china),
                    site=site,
                )
            )
        elif kind == "expanded":
            # A concept's name with the vocabulary's expansion: all its names, both languages.
            concept_units = [i for i in lang.topical if lang.units[i].concept and lang.units[i].n_terms == 1]
            unit = lang.units[concept_units[rng.randrange(len(concept_units))]]
            concept = next(c for c in load_vocabulary().concepts if c.id == unit.concept)
            names = tuple(dict.fromkeys(concept.en + concept.zh + concept.search))
            out.append(Query(kind, unit.surface, True, code, (names,)))
        else:
            raise ValueError(f"unknown kind {kind!r}")
    return out


def describe(lang: str) -> str:
    found = language(lang)
    return (
        f"{lang}: {len(found.units)} units ({found.content_start} function words), "
        f"{len(found.queryable)} query words, {len(found.phrases)} phrases, "
        f"{found.mean_terms:.2f} terms per unit"
    )
