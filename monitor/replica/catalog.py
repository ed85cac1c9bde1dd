"""What the replica sites hold: every article page with its truth, the lists that link it,
and the broken pages. The manifest (`manifest()`) is this catalog as data, for tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from itertools import count

import opencc

from monitor.replica import cases, corpus, legacy, seeds

ARTICLES_PER_SITE = 64  # each site's generated articles unless told otherwise (--articles)
CORPUS_SEED = {"en": 20201015, "zh": 20200927}
SMM_CN_CORPUS_SEED = 20181006  # SMM Chinese: its own Chinese articles, not CNMN's
MEE_CORPUS_SEED = 20151231  # 生态环境部: supervision and rectification reports only

SITES = ("smm", "cnmn", "mirror", "smm_cn", "mee")
SMM_HOST = "news.metal.com"
CNMN_HOST = "www.cnmn.com.cn"
MIRROR_HOST = "www.bestexercisefitness.com"
SMM_CN_HOST = "news.smm.cn"
MEE_HOST = "www.mee.gov.cn"
HOSTS = {"smm": SMM_HOST, "cnmn": CNMN_HOST, "mirror": MIRROR_HOST, "smm_cn": SMM_CN_HOST, "mee": MEE_HOST}

# CNMN lists: channels (ShowNewsList.aspx) and metal pages (metal.aspx).
CNMN_CHANNELS = {13: "要闻", 43: "行业新闻", 271: "铜资讯"}
CNMN_METAL_PAGES = {
    "copper": 1,
    "aluminium": 23,
    "lead-zinc": 35,
    "nickel-cobalt": 14,
    "tin-antimony": 22,
    "precious": 87,
}
CNMN_PAGE_SIZE = 20
# SMM lists: /list/<kind>/<metal>, and /en/.
SMM_METALS = {
    "copper": "copper",
    "aluminium": "aluminum",
    "lead-zinc": "zinc",
    "nickel-cobalt": "nickel",
    "tin-antimony": "tin",
    "precious": "precious-metals",
    "rare-earth": "rare-earth",
    "lithium": "lithium",
}
SMM_FIRST_BATCH = 10
SMM_MORE_BATCH = 10
# SMM Chinese: its RSS feeds (/rss/<name>), the JSON list API's channels, the API's page size.
SMM_CN_FEEDS = {
    "original": "SMM原创",
    "industry": "行业资讯",
    "copper": "铜",
    "aluminum": "铝",
    "mining": "矿产",
}
SMM_CN_API_CHANNELS = ("要闻", "铜")
SMM_CN_API_PAGE_LIMIT = 30
SMM_CN_OLD_LINKS_UNTIL = 2019  # the sitemap still links older articles as /r/YYYY-MM-DD/<id>.html
# 生态环境部: the central inspection's columns under /ywgz/zysthjbhdc/, each holding the
# generated reports of some topics (sites.md names dcjg without saying what it holds: here
# the inspections' findings fed back), and the pages of their lists. dcjl is 督察管理 on the
# real site (its list page's breadcrumb and ColumnName); the other names are this replica's.
MEE_SECTION = "/ywgz/zysthjbhdc"
MEE_COLUMNS = {"dcjz": "督察进驻", "dczg": "督察整改", "dcjl": "督察管理", "dcjg": "督察反馈"}
# The TRS CMS's channel ids (meta catalogs; the mobile "load more" pages index_<id>_<n>.shtml).
MEE_CHANNELS = {"dcjz": 8595, "dczg": 8596, "dcjl": 8597, "dcjg": 8598}
MEE_TOPIC_COLUMNS = {"边督边改": "dcjz", "整改": "dczg", "回头看": "dczg", "典型案例": "dcjl", "督察反馈": "dcjg"}
MEE_SOURCES = ("生态环境部", "中央生态环境保护督察办公室")
# The real lists show 15 a page; 64 reports in four columns would make at most two pages of
# 15, so the replica's pages are shorter (every column spans pages, the largest three).
MEE_PAGE_SIZE = 10
# Links the pages carry beside the columns' articles: ministry news and notices, which are
# not the central inspection's reports (a configured article_pattern leaves them out).
MEE_OTHER_LINKS = (
    ("/ywdt/hjywnews/202610/t20261030_1101234.shtml", "生态环境部召开10月例行新闻发布会"),
    ("/xxgk/xxgk15/202610/t20261028_1101198.html", "关于做好2026年冬季大气污染防治工作的通知"),
)
# A body paragraph that ends in a link to more (`&gt;&gt;&gt;<a>更多内容，点击阅读</a>`, as the
# ministry's weekly digests have them): on every MEE_MORE_EVERY-th article.
MEE_MORE_EVERY = 8
MEE_MORE_TEXT = "更多内容，点击阅读"

# The mirror breaks as CNMN does; SMM Chinese fails only through its firewall (server.py).
_CNMN_BROKEN = ("truncated", "wrong_charset", "empty_body", "http_500")
BROKEN_KINDS = {
    "smm": ("truncated", "empty_body", "http_500", "captcha"),
    "cnmn": _CNMN_BROKEN,
    "mirror": _CNMN_BROKEN,
    "smm_cn": (),
    "mee": (),
}


@dataclass(frozen=True)
class Page:
    """One article page of one replica site: the truth, and what the page serves."""

    site: str  # smm, cnmn, mirror, smm_cn or mee
    article_id: str
    path: str
    title: str
    published_at: datetime
    author: str
    source: str
    category: str
    editor: str
    views: int | None
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    relevant: bool
    metal: str
    story: str  # the same for an original and its mirror copy
    seed: bool = False
    # As served, where it differs from the truth (the mirror's garbling).
    served: dict = field(default_factory=dict, compare=False)
    # The inspection-case truth of a written case article or decoy, or of a seed
    # (cases.CaseArticle.truth()); None for a generated one, whose supervision sentences are
    # templates filled at random, about no case.
    inspection: dict | None = field(default=None, compare=False)

    @property
    def canonical_url(self) -> str:
        scheme = "http" if self.site == "mirror" else "https"  # the spam farm has no TLS
        return f"{scheme}://{HOSTS[self.site]}{self.path}"

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    def truth(self) -> dict:
        return {
            "site": self.site,
            "article_id": self.article_id,
            "path": self.path,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "published_at": self.published_at.isoformat(),
            "author": self.author,
            "source": self.source,
            "category": self.category,
            "editor": self.editor,
            "views": self.views,
            "tags": list(self.tags),
            "body": self.body,
            "relevant": self.relevant,
            "lang": "en" if self.site == "smm" else "zh",
            "script": None if self.site == "smm" else ("Hant" if self.site == "mirror" else "Hans"),
            "story": self.story,
            "seed": self.seed,
            "inspection": self.inspection,
        }


@dataclass(frozen=True)
class BrokenPage:
    site: str
    article_id: str
    path: str
    kind: str


# --- article ids: increasing with time, in each site's observed range -----------------


def _smm_id(day: date, n: int) -> int:
    return 100096110 + (day - date(2016, 7, 1)).days * 1070 + n


def _cnmn_id(day: date, n: int) -> int:
    return 23584 + (day - date(2009, 1, 1)).days * 69 + n


def _slug(title: str) -> str:
    return "-".join(re.findall(r"[A-Za-z0-9]+", title))


def _smm_path(article_id: int, title: str, year: int, n: int) -> str:
    """The URL forms SMM used: title words (2016-2019), id-slug, and /en/ id-slug now."""
    if year <= 2019:
        return f"/newscontent/{article_id}/{_slug(title)}"
    return (
        f"/en/newscontent/{article_id}-{_slug(title).lower()}"
        if n % 2
        else f"/newscontent/{article_id}-{_slug(title).lower()}"
    )


def _contact_email(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower()) + "@smm.cn"


def _legacy_pages() -> list[Page]:
    """The 2013-2017 articles in their server-rendered layouts (legacy.py). The truth leaves
    out the related headlines in their bodies and the boilerplate; a day-only date is 00:00."""
    pages = []
    for article in legacy.LEGACY:
        related = {i: legacy.LEGACY[p[1]] for i, p in enumerate(article.body) if not isinstance(p, str)}
        pages.append(
            Page(
                site="smm",
                article_id=str(article.article_id),
                path=f"/newscontent/{article.article_id}/{article.slug}",
                title=article.title,
                published_at=article.published_at,
                author=article.contact,
                source="SMM",
                category="",
                editor="",
                views=None,
                tags=article.tags,
                paragraphs=tuple(p for p in article.body if isinstance(p, str)),
                relevant=article.relevant,
                metal=article.metal,
                story=f"smm-{article.article_id}",
                served={
                    "layout": article.layout,
                    "date_style": article.date_style,
                    "summary": article.summary,
                    "cooperation": article.cooperation,
                    "contact_email": _contact_email(article.contact) if article.contact else "",
                    # the body as served: ("p", text) or ("related", path, title)
                    "body": [
                        ("p", p)
                        if isinstance(p, str)
                        else ("related", f"/newscontent/{related[i].article_id}/{related[i].slug}", related[i].title)
                        for i, p in enumerate(article.body)
                    ],
                },
            )
        )
    return pages


@cache
def smm_pages(articles: int = ARTICLES_PER_SITE) -> tuple[Page, ...]:
    """The legacy articles first (the oldest), then the seed and the generated ones by time, then
    the written case articles (cases.py)."""
    seed = seeds.smm_seed()
    pages = _legacy_pages()
    generated = corpus.generate("en", articles, CORPUS_SEED["en"])
    entries = [(seed.published_at, None)] + [(a.published_at, a) for a in generated]
    for n, (published, article) in enumerate(sorted(entries, key=lambda e: e[0])):
        article_id = _smm_id(published.date(), n)
        if article is None:
            title = seed.title
            path = f"/en/newscontent/{article_id}-{_slug(title).lower()}"
            pages.append(
                Page(
                    site="smm",
                    article_id=str(article_id),
                    path=path,
                    title=title,
                    published_at=published,
                    author=seed.contact,
                    source="SMM",
                    category="",
                    editor="",
                    views=None,
                    tags=seed.tags,
                    paragraphs=seed.paragraphs,
                    relevant=True,
                    metal="rare-earth",
                    story="smm-seed",
                    seed=True,
                    served={"contact_email": seed.contact_email, "source_line": False},
                    inspection=cases.seed_truth("smm"),
                )
            )
            continue
        pages.append(
            Page(
                site="smm",
                article_id=str(article_id),
                path=_smm_path(article_id, article.title, published.year, n),
                title=article.title,
                published_at=published,
                author=article.author,
                source=article.source,
                category="",
                editor="",
                views=None,
                tags=article.tags,
                paragraphs=article.paragraphs,
                relevant=article.relevant,
                metal=article.metal,
                story=f"smm-{article_id}",
                served={
                    "contact_email": _contact_email(article.author),
                    # SMM's own articles show "Source:SMM" only sometimes; others always.
                    "source_line": article.source != "SMM" or n % 3 == 0,
                    "published_prefix": n % 5 == 0,
                },
            )
        )
    return _with_cases("smm", pages)


# --- the written inspection cases (cases.py) -------------------------------------------

# Where a written article's id falls in its day: after the day's generated ones (the next
# free id past this place in the day).
CASE_ID_PLACE = {"smm": 1000, "cnmn": 66, "smm_cn": 1000, "mee": 30}
# 生态环境部's column of each stage.
MEE_STAGE_COLUMNS = {
    "stationing": "dcjz",
    "onsite": "dcjz",
    "feedback": "dcjg",
    "typical_case": "dcjl",
    "plan": "dczg",
    "progress": "dczg",
    "lookback": "dczg",
    "closure": "dczg",
}


def _case_id(site: str, day: date) -> int:
    place = CASE_ID_PLACE[site]
    if site == "cnmn":
        return _cnmn_id(day, place)
    if site == "mee":
        return _mee_id(day, place)
    return _smm_id(day, place) + (500 if site == "smm_cn" else 0)


def _with_cases(site: str, generated: list[Page]) -> tuple[Page, ...]:
    """A site's pages with its written case articles among them, in time order (the others
    are: a written one comes after those of its moment)."""
    return tuple(sorted((*generated, *_case_pages(site, generated)), key=lambda page: page.published_at))


def _case_pages(site: str, generated: list[Page]) -> list[Page]:
    """A site's written case articles and decoys, oldest first, with ids no other page has;
    each story its own, a repost's its original's (the same text, which the archive joins)."""
    taken = {int(page.article_id) for page in generated}
    pages = []
    for article in cases.of_site(site):
        day = article.published_at.date()
        article_id = _case_id(site, day)
        while article_id in taken:
            article_id += 1
        taken.add(article_id)
        column = MEE_STAGE_COLUMNS[article.stage or "stationing"]
        served: dict[str, object] = {}
        if site == "smm":
            served = {"contact_email": _contact_email(article.author), "source_line": True}
        elif site == "mee":
            served = {"column": column, "more": {}}
        pages.append(
            Page(
                site=site,
                article_id=str(article_id),
                path={
                    "smm": _smm_path(article_id, article.title, day.year, 1),
                    "cnmn": f"/ShowNews1.aspx?id={article_id}",
                    "smm_cn": f"/news/{article_id}",
                    "mee": f"{MEE_SECTION}/{column}/{day:%Y%m}/t{day:%Y%m%d}_{article_id}.shtml",
                }[site],
                title=article.title,
                published_at=article.published_at,
                author=article.author,
                source=article.source,
                category={"cnmn": "要闻", "mee": MEE_COLUMNS[column]}.get(site, ""),
                editor="付宇" if site == "cnmn" else "",
                views=100 + (article_id * 7919) % 9000 if site == "cnmn" else None,
                tags=(),
                paragraphs=article.paragraphs,
                relevant=article.relevant,
                metal=article.metal,
                story=f"case-{article.repost_of or article.label}",
                served=served,
                inspection=article.truth(),
            )
        )
    return pages


@cache
def cnmn_pages(articles: int = ARTICLES_PER_SITE) -> tuple[Page, ...]:
    seed = seeds.cnmn_seed_original()
    pages = []
    generated = corpus.generate("zh", articles, CORPUS_SEED["zh"])
    entries = [(seed.published_at, None)] + [(a.published_at, a) for a in generated]
    for n, (published, article) in enumerate(sorted(entries, key=lambda e: e[0])):
        article_id = _cnmn_id(published.date(), n)
        path = f"/ShowNews1.aspx?id={article_id}"
        if article is None:
            pages.append(
                Page(
                    site="cnmn",
                    article_id=str(article_id),
                    path=path,
                    title=seed.title,
                    published_at=published,
                    author=seed.author,
                    source=seed.source,
                    category=seed.category,
                    editor=seed.editor,
                    views=seed.views,
                    tags=(),
                    paragraphs=seed.paragraphs,
                    relevant=True,
                    metal="copper",
                    story=f"cnmn-{article_id}",
                    seed=True,
                    inspection=cases.seed_truth("cnmn"),
                )
            )
            continue
        pages.append(
            Page(
                site="cnmn",
                article_id=str(article_id),
                path=path,
                title=article.title,
                published_at=published,
                author=article.author,
                source=article.source,
                category=article.category,
                editor=article.editor,
                views=100 + (article_id * 7919) % 9000,
                tags=(),
                paragraphs=article.paragraphs,
                relevant=article.relevant,
                metal=article.metal,
                story=f"cnmn-{article_id}",
            )
        )
    return _with_cases("cnmn", pages)


def smm_cn_author(name: str, n: int) -> str:
    """The name on the author card: the editors sign with a nickname (小吴) or their name."""
    return f"小{name[0]}" if n % 3 == 0 else name


@cache
def smm_cn_pages(articles: int = ARTICLES_PER_SITE) -> tuple[Page, ...]:
    """SMM Chinese: ids in SMM's id range; its pages name the time and the source, and the
    author on a card after the body."""
    pages = []
    for n, article in enumerate(corpus.generate("zh", articles, SMM_CN_CORPUS_SEED)):
        article_id = _smm_id(article.published_at.date(), n) + 500  # beside SMM English's ids
        pages.append(
            Page(
                site="smm_cn",
                article_id=str(article_id),
                path=f"/news/{article_id}",
                title=article.title,
                published_at=article.published_at,
                author=smm_cn_author(article.author, n),
                source=article.source,
                category="",
                editor="",
                views=None,
                tags=(),
                paragraphs=article.paragraphs,
                relevant=article.relevant,
                metal=article.metal,
                story=f"smm_cn-{article_id}",
            )
        )
    return _with_cases("smm_cn", pages)


def _mee_id(day: date, n: int) -> int:
    return 1000000 + (day - date(2018, 1, 1)).days * 40 + n


@cache
def mee_pages(articles: int = ARTICLES_PER_SITE) -> tuple[Page, ...]:
    """生态环境部: every article a supervision or rectification report, in the column of its
    topic. Its pages print the day only, but the TRS meta tags carry the time (PubDate, China
    time) and the reporter (meta name=author, nowhere else); the source is the ministry or the
    inspection office. Some paragraphs end with a "more" link (served["more"]: paragraph
    index -> link), which is not part of the body."""
    pages: list[Page] = []
    generated = corpus.generate("zh", articles, MEE_CORPUS_SEED, relevant=articles)
    for n, article in enumerate(generated):
        day = article.published_at.date()
        article_id = str(_mee_id(day, n))
        column = MEE_TOPIC_COLUMNS[article.tags[0]]  # the first tag is the article's topic
        more = {}
        if n % MEE_MORE_EVERY == 3:
            more[0] = MEE_OTHER_LINKS[n // MEE_MORE_EVERY % 2][0]
            if pages and len(article.paragraphs) > 1:
                more[len(article.paragraphs) - 1] = pages[-1].path  # the report before it
        pages.append(
            Page(
                site="mee",
                article_id=article_id,
                path=f"{MEE_SECTION}/{column}/{day:%Y%m}/t{day:%Y%m%d}_{article_id}.shtml",
                title=article.title,
                published_at=article.published_at,
                author=article.author,
                source=MEE_SOURCES[n % 3 == 2],
                category=MEE_COLUMNS[column],
                editor="",
                views=None,
                tags=(),
                paragraphs=article.paragraphs,
                relevant=True,
                metal=article.metal,
                story=f"mee-{article_id}",
                served={"column": column, "more": more},
            )
        )
    return _with_cases("mee", pages)


def mee_column_members(column: str, articles: int = ARTICLES_PER_SITE) -> list[Page]:
    """A column's articles, newest first, as its list pages show them."""
    return sorted(
        (p for p in mee_pages(articles) if p.category == MEE_COLUMNS.get(column)),
        key=lambda p: int(p.article_id),
        reverse=True,
    )


def smm_cn_link(page: Page) -> str:
    """The path the sitemap links: the old /r/ form for older articles."""
    if page.published_at.year <= SMM_CN_OLD_LINKS_UNTIL:
        return f"/r/{page.published_at:%Y-%m-%d}/{page.article_id}.html"
    return page.path


def smm_cn_feed_members(feed: str, articles: int = ARTICLES_PER_SITE) -> list[Page]:
    """Newest first. Every article is in the industry feed; others hold a part."""
    keep = {
        "original": lambda p: p.source == "上海有色网",
        "industry": lambda p: True,
        "copper": lambda p: p.metal == "copper",
        "aluminum": lambda p: p.metal == "aluminium",
        "mining": lambda p: p.metal in ("rare-earth", "lithium", "precious"),
    }.get(feed)
    if keep is None:
        return []
    return sorted((p for p in smm_cn_pages(articles) if keep(p)), key=lambda p: int(p.article_id), reverse=True)


def smm_cn_channel_members(channel: str, articles: int = ARTICLES_PER_SITE) -> list[Page]:
    """The list API's channels, newest first: 要闻 holds every article, 铜 the copper news."""
    if channel not in SMM_CN_API_CHANNELS:
        return []
    return smm_cn_feed_members("industry" if channel == "要闻" else "copper", articles)


# --- the mirror: CNMN garbled --------------------------------------------------------

_HALF_PUNCT = str.maketrans({"，": ",", "；": ";", "：": ":", "？": "?", "！": "!"})


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def _with_pinyin(text: str) -> str:
    table = seeds.pinyin_table()
    return "".join(f"{char}({table[char]})" if char in table else char for char in text)


def _break_once(text: str, n: int) -> tuple[str, str]:
    """(served, truth) of a paragraph where the mis-encoding ate one character with its
    bracket, as in the seed's 日?qǐng)... : the character is lost from the mirror's text."""
    table = seeds.pinyin_table()
    spots = [i for i, char in enumerate(text) if char in table and i > 0]
    if not spots:
        return _with_pinyin(text), text
    i = spots[n % len(spots)]
    garbage = f"?{table[text[i]]})" if n % 2 else f"?,F({table[text[i]]})"
    served = _with_pinyin(text[:i]) + garbage + _with_pinyin(text[i + 1 :])
    return served, text[:i] + text[i + 1 :]


def _mirror_text(text: str) -> str:
    return _s2t().convert(text).translate(_HALF_PUNCT)


def _copied(truth: dict | None) -> dict | None:
    """The case truth of a mirror copy: its original's, copied."""
    return truth and {**truth, "label": f"{truth['label']}-mirror", "repost_of": truth["label"]}


@cache
def mirror_pages(articles: int = ARTICLES_PER_SITE) -> tuple[Page, ...]:
    pages = []
    title, meta, body = seeds.mirror_seed_served()
    place = count()  # of the generated copies (and the seed's): every fourth is mis-encoded
    for original in cnmn_pages(articles):
        n = next(place) if original.inspection is None or original.seed else None
        if original.seed:
            truth = seeds.cnmn_seed_mirror_truth()
            pages.append(
                Page(
                    site="mirror",
                    article_id=original.article_id,
                    path=original.path,
                    title=truth.title,
                    published_at=truth.published_at,
                    author=truth.author,
                    source=truth.source,
                    category=truth.category,
                    editor=truth.editor,
                    views=truth.views,
                    tags=(),
                    paragraphs=truth.paragraphs,
                    relevant=True,
                    metal=original.metal,
                    story=original.story,
                    seed=True,
                    served={"title": title, "meta": meta, "lines": body},
                    inspection=cases.seed_truth("mirror"),
                )
            )
            continue
        paragraphs = [_mirror_text(p) for p in original.paragraphs]
        served = [_with_pinyin(p) for p in paragraphs]
        if n is not None and n % 4 == 1:  # every fourth has a mis-encoded spot
            served[-1], paragraphs[-1] = _break_once(paragraphs[-1], n)
        mirror_title = _mirror_text(original.title)
        pages.append(
            Page(
                site="mirror",
                article_id=original.article_id,
                path=original.path,
                title=mirror_title,
                published_at=original.published_at,
                author="",
                source="",
                category=_mirror_text(original.category),
                editor=_mirror_text(original.editor),
                views=(original.views or 0) * 3 + 17,
                tags=(),
                paragraphs=tuple(paragraphs),
                relevant=original.relevant,
                metal=original.metal,
                story=original.story,
                inspection=_copied(original.inspection),
                served={
                    "title": _with_pinyin(mirror_title),
                    "paragraphs": served,
                    "category": _with_pinyin(_mirror_text(original.category)),
                    "editor": _with_pinyin(_mirror_text(original.editor)),
                },
            )
        )
    return tuple(pages)


# --- lists -----------------------------------------------------------------------------


def pages_of(site: str, articles: int = ARTICLES_PER_SITE) -> tuple[Page, ...]:
    pages = {"smm": smm_pages, "cnmn": cnmn_pages, "mirror": mirror_pages, "smm_cn": smm_cn_pages, "mee": mee_pages}
    return pages[site](articles)


@cache
def broken_pages(site: str, articles: int = ARTICLES_PER_SITE) -> tuple[BrokenPage, ...]:
    """Broken article pages, linked from the lists like any other, newer than all articles."""
    newest = max(int(page.article_id) for page in pages_of(site, articles))
    broken = []
    for n, kind in enumerate(BROKEN_KINDS[site], start=1):
        article_id = str(newest + 1000 * n)
        path = (
            f"/en/newscontent/{article_id}-broken-page-{kind.replace('_', '-')}"
            if site == "smm"
            else f"/ShowNews1.aspx?id={article_id}"
        )
        broken.append(BrokenPage(site=site, article_id=article_id, path=path, kind=kind))
    return tuple(broken)


def cnmn_list_members(site: str, kind: str, list_id: int, articles: int = ARTICLES_PER_SITE) -> list[Page | BrokenPage]:
    """Newest first, as the site lists them. Broken pages sit in the all-news channel."""
    pages = pages_of(site, articles)
    if kind == "channel":
        name = CNMN_CHANNELS.get(list_id)
        if name is None:
            return []
        members: list[Page | BrokenPage]
        if list_id == 13:
            members = [p for p in pages if p.relevant or p.seed]
        elif list_id == 271:
            members = [p for p in pages if p.metal == "copper"]
        else:
            members = list(pages) + list(broken_pages(site, articles))
    else:
        metal = next((m for m, i in CNMN_METAL_PAGES.items() if i == list_id), None)
        members = [p for p in pages if p.metal == metal] if metal else []
    return sorted(members, key=lambda p: int(p.article_id), reverse=True)


def smm_list_members(kind: str, metal_slug: str, articles: int = ARTICLES_PER_SITE) -> list[Page | BrokenPage]:
    metal = next((m for m, slug in SMM_METALS.items() if slug == metal_slug), None)
    if kind not in ("industry", "latest") or metal is None:
        return []
    pages = [p for p in smm_pages(articles) if p.metal == metal]
    if kind == "industry":
        pages = [p for p in pages if p.relevant or int(p.article_id) % 2 == 0]
    members: list[Page | BrokenPage] = list(pages)
    if kind == "latest" and metal == "copper":
        members += list(broken_pages("smm", articles))
    return sorted(members, key=lambda p: int(p.article_id), reverse=True)


def smm_home_members(articles: int = ARTICLES_PER_SITE) -> list[Page]:
    """Newest first: the home page shows the first SMM_FIRST_BATCH that are out (server.py's clock)."""
    return sorted(smm_pages(articles), key=lambda p: int(p.article_id), reverse=True)


def manifest(articles: int = ARTICLES_PER_SITE) -> dict:
    return {
        "hosts": HOSTS,
        "cases": cases.cases(),
        "articles": [page.truth() for site in SITES for page in pages_of(site, articles)],
        "broken": [
            {"site": b.site, "article_id": b.article_id, "path": b.path, "kind": b.kind}
            for site in SITES
            for b in broken_pages(site, articles)
        ],
    }
