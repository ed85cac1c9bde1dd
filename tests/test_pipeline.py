"""The text stages on their own, with exact expected values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from db import Archive
from db.stories import SAME_STORY, SAME_STORY_WITH_SHARED_KEY, is_home_page, signature_agreement
from monitor import settings
from monitor.replica import seeds
from pipelines.article import Article, BrokenPage
from pipelines.language import detect_language, detect_script
from pipelines.normalise import fold_width, normalise, remove_pinyin
from pipelines.segment import cut, index_terms, terms
from pipelines.stages import STAGES, process


def test_the_stages_run_as_pages_are_read_and_the_item_pipelines_store():
    assert [stage.__name__ for stage in STAGES] == [
        "normalise",
        "language",
        "segment",
        "tag",
        "keywords",
        "facts",
        "case_reading",
        "dedup",
    ]
    assert settings.ITEM_PIPELINES == {"pipelines.store.StorePipeline": 900}


def test_a_page_past_its_time_budget_is_given_up_between_stages():
    article = Article(
        url="https://example.cn/a",
        site="x",
        html=b"",
        encoding="utf-8",
        status=200,
        fetched_at=datetime(2026, 10, 1, tzinfo=UTC),
        canonical_url="https://example.cn/a",
        site_article_id="",
        title="督察",
        published_at=None,
        paragraphs=["中央生态环境保护督察组进驻。"],
    )
    with pytest.raises(BrokenPage) as given_up:
        process(article, deadline=0.0)  # long past: time.monotonic() is larger
    assert str(given_up.value) == "too_slow: over the page's time budget before normalise"


@pytest.mark.parametrize(
    "word",
    [
        "环保督察",
        "中央生态环境保护督察组",
        "立行立改",
        "边督边改",
        "中铝集团",
        "中国铜业",
        "中央第四生态环境保护督察组",
    ],
)
def test_the_dictionary_keeps_supervision_words_whole(word):
    assert word in cut(f"据悉，{word}的工作已经开始。")


def test_index_terms_keep_the_words_inside_a_long_token_apart():
    assert index_terms(cut("中央环保督察组进驻")) == (
        ["中央环保督察组", "进驻"],
        ["中央环保督察", "环保督察组", "环保督察", "督察组", "中央", "环保", "督察"],
    )


def test_search_terms_are_letter_and_digit_runs_with_english_stemmed():
    assert terms(["Rare-Earths", "c++", "2020年", "Inspections", "supervision", "稀土"]) == [
        "rare",
        "earth",
        "c",
        "2020年",
        "inspect",
        "supervis",
        "稀土",
    ]


def test_pinyin_insertions_come_out_including_broken_ones():
    assert remove_pinyin("借力環(huán)保督察 中國(guó)銅業(yè)") == "借力環保督察 中國銅業"
    assert remove_pinyin("工作日?qǐng)?bào)機(jī)制") == "工作日機制"
    assert remove_pinyin("確?,F(xiàn)場檢查") == "確場檢查"
    # Real brackets and Latin text stay.
    assert remove_pinyin("“五定”(定時間、定措施) (SMM) rare(earth)") == "“五定”(定時間、定措施) (SMM) rare(earth)"


def test_width_folding_keeps_chinese_punctuation():
    assert fold_width("ＳＭＭ：　２０２０年，铜价") == "SMM： 2020年，铜价"


def test_language_and_script():
    _, _, lines = seeds.mirror_seed_served()
    traditional = remove_pinyin(lines[2])
    assert (detect_language(traditional), detect_script(traditional)) == ("zh", "Hant")
    original = seeds.cnmn_seed_original().paragraphs[2]
    assert (detect_language(original), detect_script(original)) == ("zh", "Hans")
    assert detect_language(seeds.smm_seed().paragraphs[0]) == "en"
    # Traditional Chinese is never Korean (langdetect alone says ko for many such texts).
    for line in lines[:20]:
        assert detect_language(remove_pinyin(line)) == "zh"
    assert [detect_language(seeds.smm_seed().title) for _ in range(5)] == ["en"] * 5


def _article(paragraphs: list[str], title: str = "中国铜业配合中央环保督察") -> Article:
    return Article(
        url="https://www.cnmn.com.cn/ShowNews1.aspx?id=1",
        site="cnmn",
        html=b"<html></html>",
        encoding="utf-8",
        status=200,
        fetched_at=datetime.now(UTC),
        canonical_url="https://www.cnmn.com.cn/ShowNews1.aspx?id=1",
        site_article_id="1",
        title=title,
        published_at=datetime(2020, 10, 15, 6, 52, tzinfo=UTC),
        paragraphs=paragraphs,
    )


def test_boilerplate_only_is_an_empty_body():
    with pytest.raises(BrokenPage) as broken:
        normalise(
            _article(["责任编辑:付宇", "如需了解更多信息，请登录中国有色网：www.cnmn.com.cn了解更多信息。", "\u00a0"])
        )
    assert broken.value.reason == "empty_body"


def test_relevance_names_the_terms_that_decided_it():
    article = process(_article(["中央第四生态环境保护督察组进驻中铝集团，中国铜业立行立改，已完成整改24项。"]))
    assert article.relevant
    assert article.relevance_terms == ["中央环保督察", "中央第四生态环境保护督察组", "进驻", "立行立改", "整改"]
    assert article.relevance_score == 11.5
    plain = process(_article(["10月15日，上期所沪铜主力合约收涨0.5%，报51230元/吨。"], title="沪铜收涨"))
    assert not plain.relevant and plain.relevance_terms == []


def test_storing_the_same_article_twice_changes_nothing(tmp_path):
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    record = process(_article(["中央第四生态环境保护督察组进驻中铝集团。"])).record()
    first = archive.store_batch([record])
    second = archive.store_batch([record])
    assert (first.new, second.new, second.unchanged, archive.count()) == (1, 0, 1, 1)


def test_a_mirror_keeping_the_originals_canonical_tag_is_a_copy_not_the_original(tmp_path):
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    original = process(_article(["中央第四生态环境保护督察组进驻中铝集团。", "中国铜业立行立改。"]))
    mirror = process(_article(["中央第四生態環境保護督察組進駐中鋁集團。", "中國銅業立行立改。"]))
    mirror.url = "http://www.bestexercisefitness.com/ShowNews1.aspx?id=1"  # same id, canonical kept
    result = archive.store_batch([original.record(), mirror.record()])
    rows = archive.articles()
    assert (result.new, len(rows)) == (2, 2)
    assert rows[0].title == "中国铜业配合中央环保督察" and rows[0].host == "www.cnmn.com.cn"
    assert rows[1].story_id == rows[0].story_id == rows[0].id


# Four articles that have nothing to do with one another (nor with the SMM seed).
UNRELATED = (
    ("中铝集团召开安全生产会议", ["中铝集团召开二季度安全生产工作会议，部署防汛和高温作业安全，要求各企业排查隐患。"]),
    ("沪铜收涨", ["10月15日，上期所沪铜主力合约收涨0.5%，报51230元/吨，伦铜同步走高。"]),
    (
        "Lithium prices fall",
        ["Battery-grade lithium carbonate fell 2% on Tuesday as cathode makers kept buying little."],
    ),
    ("赣州稀土钇铕产品报价", ["赣州稀土市场钇铕产品报价持稳，氧化镨钕价格走弱，下游磁材企业采购谨慎。"]),
)
SMM_URL = "https://news.metal.com/newscontent/101234567/chinalco-guangxi-rare-earth"


def _page(n: int, title: str, paragraphs, canonical_url: str, host: str = "news.example.com") -> dict:
    """The record of article n of a site, as processed, declaring `canonical_url`."""
    article = _article(list(paragraphs), title)
    article.url, article.site, article.site_article_id = f"https://{host}/news/{n}.html", "example", str(n)
    article.canonical_url = canonical_url
    return process(article).record()


def _stories(archive: Archive) -> list[int]:
    return [row.story_id for row in archive.articles()]


def test_a_home_page_declared_canonical_joins_no_stories(tmp_path):
    """A CMS declaring its home page as every page's canonical URL."""
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    archive.store_batch(
        [_page(n, title, body, "https://news.example.com/") for n, (title, body) in enumerate(UNRELATED, 1)]
    )
    assert _stories(archive) == [1, 2, 3, 4]


def test_a_canonical_url_joins_only_a_copy_whose_text_agrees(tmp_path):
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    seed = seeds.smm_seed()
    original = _page(1, seed.title, seed.paragraphs, SMM_URL, host="news.metal.com")
    # A repost of three paragraphs under its own title: too little of the text for a copy
    # found by similarity alone, enough for one that declares the original's address.
    repost = _page(2, "Chinalco acts on Guangxi rare earth findings", seed.paragraphs[2:5], SMM_URL)
    assert SAME_STORY_WITH_SHARED_KEY <= signature_agreement(original["minhash"], repost["minhash"]) < SAME_STORY
    unrelated = _page(3, *UNRELATED[2], SMM_URL)
    archive.store_batch([original, repost, unrelated])
    assert _stories(archive) == [1, 1, 3]


def test_a_canonical_url_that_unrelated_pages_declare_is_no_key(tmp_path):
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    seed = seeds.smm_seed()
    shared = "https://news.example.com/news/list.html"
    first, other = _page(1, seed.title, seed.paragraphs, shared), _page(2, *UNRELATED[1], shared)
    repost = _page(3, "Chinalco acts on Guangxi rare earth findings", seed.paragraphs[2:5], shared)
    archive.store_batch([first, other, repost])
    assert _stories(archive) == [1, 2, 3]


@pytest.mark.parametrize(
    "url, home",
    [
        ("https://www.cnmn.com.cn", True),
        ("https://www.cnmn.com.cn/", True),
        ("http://x.cn/index.html", True),
        ("https://x.cn/Default.aspx", True),
        ("https://x.cn/home/", True),
        ("https://x.cn/index.php?id=3", False),
        ("https://x.cn/news/index.html", False),
        (SMM_URL, False),
    ],
)
def test_home_pages(url, home):
    assert is_home_page(url) is home


def test_one_bad_record_costs_only_itself(tmp_path):
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    good = process(_article(["中央第四生态环境保护督察组进驻中铝集团。"])).record()
    bad = {**process(_article(["另一篇文章。"], title="另一篇")).record(), "identity": "x:y:2", "title": None}
    result = archive.store_batch([good, bad])
    assert (result.new, [identity for identity, _ in result.failed], archive.count()) == (1, ["x:y:2"], 1)


@pytest.mark.parametrize(
    "text",
    [
        "中国铜业全力配合中央生态环保督察工作".encode().decode("gbk", errors="replace"),
        "中国铜业全力配合中央生态环保督察工作".encode().decode("latin-1"),
        "借力环保督察擦亮绿色发展底色".encode().decode("big5", errors="replace"),
    ],
)
def test_mojibake_gets_no_confident_language(text):
    assert detect_language(text) == "und"


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("截至目前，已完成整改任务25项。", "zh", [("issues_rectified", {"count": 25, "as_of": None})]),
        (
            "24 of the 31 problems had been rectified.",
            "en",
            [("issues_raised", {"count": 31, "as_of": None}), ("issues_rectified", {"count": 24, "as_of": None})],
        ),
        (
            "4月6日，第二轮第三批中央第三生态环境保护督察组进驻广西。",
            "zh",
            [("team", {"number": 3}), ("round", {"number": 2}), ("stationed", {"date": "2021-04-06"})],
        ),
        (
            "督察期间受理群众举报3000余件。",
            "zh",
            [("complaints_received", {"count": 3000, "batches": None, "as_of": None})],
        ),
        (
            "甲公司被罚款20万元。乙公司被罚款20万元。",
            "zh",
            [("penalty", {"amount_yuan": 200000}), ("penalty", {"amount_yuan": 200000})],
        ),
        ("对某冶炼厂罚款30亿元。", "zh", [("penalty", {"amount_yuan": 3_000_000_000})]),
    ],
)
def test_facts_found_in_sentences_the_evaluation_did_not_have(text, lang, expected):
    from datetime import date

    from pipelines.facts import extract_facts

    assert [(f.kind, f.values) for f in extract_facts(text, lang, date(2021, 5, 1))] == expected


@pytest.mark.parametrize("text", ["氧化镨钕、镝铁、铽金属价格走弱", "赣州稀土钇铕产品报价"])
def test_rare_earth_names_are_not_mojibake(text):
    assert detect_language(text) == "zh"


def test_the_vocabulary_is_one_consistent_source():
    from pipelines.vocabulary import load_vocabulary

    concepts = load_vocabulary().concepts
    ids = [c.id for c in concepts]
    assert len(concepts) >= 300 and len(ids) == len(set(ids))
    assert all(parent in ids for c in concepts for parent in c.parents)
    assert all(c.en or c.zh for c in concepts)
    assert {f"inspection-team-{n}" for n in range(1, 9)} <= set(ids)
    for lang in ("en", "zh"):
        aliases = [a.lower() for c in concepts for a in getattr(c, lang)]
        assert len(aliases) == len(set(aliases)), f"an {lang} alias names two concepts"
    assert {c.relevance for c in concepts} == {None, "supervision", "rectification", "counter"}
