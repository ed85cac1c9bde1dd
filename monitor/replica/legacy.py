"""Older SMM English articles (2013-2017), as news.metal.com served them before it moved to
Next.js: server-rendered pages with plain class names (render.smm_legacy_article), in the two
layouts the stored text of real pages of those years shows.

- layout "A": the day only, printed `Jan 22,2013`, and the byline label `smm insight`;
- layout "B": breadcrumb `Home / Metal News / <title>`, `Published: Feb 20, 2017 10:15` or
  `May 3, 2017 14:20CST`, `Source:SMM`, a summary line.

Their bodies (written for the replica) hold related-article headlines of their own, a paragraph
that is only a link to another SMM article (("related", <index in LEGACY>) below), which are not
part of the article; then boilerplate: the news-cooperation line, the tags, the contact line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from monitor.replica.corpus import TZ

COOPERATION = "For news cooperation, please contact us by email: newsdesk@smm.cn or service.en@smm.cn."
BYLINE = "smm insight"


@dataclass(frozen=True)
class LegacyArticle:
    article_id: int
    slug: str  # the path's last part, trailing slash included, as those years' links had it
    title: str
    published_at: datetime
    layout: str  # "A" or "B"
    date_style: str  # A: "day"; B: "published" (Published: Feb 20, 2017 10:15) or "cst" (... 10:15CST)
    metal: str
    summary: str  # layout B's summary line ("" in layout A)
    body: tuple  # paragraphs (str) and related headlines (("related", index into LEGACY))
    tags: tuple[str, ...]
    contact: str  # "" when the page names no contact
    cooperation: bool  # the "For news cooperation" line after the body
    relevant: bool  # what the pipeline's tagger finds (checked in the replica's tests of itself)


LEGACY = (
    LegacyArticle(
        article_id=100045812,
        slug="china-to-tighten-emission-checks-at-smelters-aluminum-capacity-phase-out-meeting-held-in-henan/",
        title="China to Tighten Emission Checks at Smelters, Aluminum Capacity Phase-out Meeting Held in Henan",
        published_at=datetime(2013, 1, 22, tzinfo=TZ),
        layout="A",
        date_style="day",
        metal="aluminium",
        summary="",
        body=(
            "SHANGHAI, Jan. 22 (SMM) – Below is a round-up of the day's main Chinese news for the metals industry.",
            "Environment ministry to step up emission checks at smelters",
            (
                "China's Ministry of Environmental Protection said it will send inspection teams to lead, zinc and "
                "aluminum smelters in ten provinces this year, focusing on sulfur dioxide and heavy-metal discharges. "
                "Plants that fail the inspection will be ordered to halt production until their rectification is "
                "complete."
            ),
            "Henan holds meeting on eliminating outdated aluminum capacity",
            (
                "Henan province held a conference on Monday to assign this year's targets for eliminating outdated "
                "capacity, with 180,000 mt of primary aluminum capacity using small pre-baked cells to be shut by the "
                "end of September."
            ),
            "Copper imports rise in December",
            (
                "China imported 430,000 mt of unwrought copper and copper products in December, up 8% from November, "
                "preliminary customs data showed."
            ),
        ),
        tags=("China news", "aluminum capacity"),
        contact="",
        cooperation=False,
        relevant=False,  # a digest
    ),
    LegacyArticle(
        article_id=100145333,
        slug="spot-copper-treatment-charges-fall-in-china-as-smelters-compete-for-concentrate-smm-says/",
        title="Spot Copper Treatment Charges Fall in China as Smelters Compete for Concentrate, SMM Says",
        published_at=datetime(2016, 8, 16, tzinfo=TZ),
        layout="A",
        date_style="day",
        metal="copper",
        summary="",
        body=(
            (
                "SHANGHAI, Aug. 16 (SMM) – Spot treatment charges for imported copper concentrate fell to $88-92/mt "
                "this week, down $4/mt from a week earlier, as Chinese smelters stepped up purchases ahead of their "
                "fourth-quarter production peak."
            ),
            (
                "Several smelters in Jiangxi and Anhui said they held enough concentrate for about 30 days of "
                "production and were unwilling to accept charges below $85/mt."
            ),
            "SMM expects spot charges to stabilize in September once new shipments from Peru arrive.",
        ),
        tags=("copper concentrate", "treatment charges"),
        contact="Daisy Lin",
        cooperation=False,
        relevant=False,
    ),
    LegacyArticle(
        article_id=100346497,
        slug="Aluminum-Extrusion-Plants-in-Guangdong-Face-Fresh-Environmental-Inspections-SMM-Reports/",
        title="Aluminum Extrusion Plants in Guangdong Face Fresh Environmental Inspections, SMM Reports",
        published_at=datetime(2017, 2, 20, 10, 15, tzinfo=TZ),
        layout="B",
        date_style="published",
        metal="aluminium",
        summary="What will the new inspections mean for aluminum extrusion output in southern China?",
        body=(
            (
                "SHANGHAI, Feb. 20 (SMM) – Environmental authorities in Guangdong will inspect aluminum extrusion and "
                "surface-treatment plants in Foshan and Zhaoqing from February 22 to March 20, SMM learned."
            ),
            ("related", 0),
            (
                "Plants without valid discharge permits, or whose anodizing wastewater fails the standards, will be "
                "ordered to suspend production and complete rectification before they resume, according to a notice "
                "of the local environmental protection bureau."
            ),
            (
                "An SMM survey of 40 extrusion plants in the two cities showed that about one in five had not finished "
                "upgrading their wastewater facilities; these plants account for roughly 8% of local extrusion capacity."
            ),
            (
                "SMM expects the inspections to tighten the supply of building profiles in the short term, while demand "
                "for primary aluminum ingots in southern China may slip by 10,000-15,000 mt in March."
            ),
        ),
        tags=("environmental inspection", "aluminum extrusion"),
        contact="Grace Zhou",
        cooperation=True,
        relevant=True,
    ),
    LegacyArticle(
        article_id=100423538,
        slug="zinc-smelters-in-hunan-resume-output-after-rectification-ordered-by-central-inspectors/",
        title="Zinc Smelters in Hunan Resume Output After Rectification Ordered by Central Inspectors",
        published_at=datetime(2017, 5, 3, 14, 20, tzinfo=TZ),
        layout="B",
        date_style="cst",
        metal="lead-zinc",
        summary="Most smelters halted during the central environmental inspection have restarted.",
        body=(
            (
                "SHANGHAI, May 3 (SMM) – Most smelters halted during the central environmental inspection have "
                "restarted. The zinc smelters in Zhuzhou and Hengyang resumed production after completing the "
                "rectification the inspectors ordered, SMM learned."
            ),
            ("related", 2),
            (
                "The central environmental inspection team ordered 12 smelters to install online emission monitors and "
                "to move slag stored in the open into covered sites. Nine of them passed the local acceptance checks "
                "in late April."
            ),
            (
                "SMM estimates that the restarts will add about 15,000 mt of refined zinc output in May, easing the "
                "tight spot supply seen in April."
            ),
            "Three smelters remain shut while their rectification plans for heavy-metal wastewater are reviewed.",
        ),
        tags=("central environmental inspection", "zinc smelters"),
        contact="Michael Xu",
        cooperation=True,
        relevant=True,
    ),
    LegacyArticle(
        article_id=100519836,
        slug="alumina-prices-in-shanxi-climb-as-refineries-trim-output-smm-says/",
        title="Alumina Prices in Shanxi Climb as Refineries Trim Output, SMM Says",
        published_at=datetime(2017, 8, 1, tzinfo=TZ),
        layout="A",
        date_style="day",
        metal="aluminium",
        summary="",
        body=(
            (
                "SHANGHAI, Aug. 1 (SMM) – Alumina prices in Shanxi rose for a third week as several refineries trimmed "
                "output for maintenance, SMM learned."
            ),
            ("related", 2),
            (
                "The average spot price of metallurgical-grade alumina in Shanxi rose 60 yuan/mt week on week to "
                "2,510 yuan/mt, while bauxite prices held steady."
            ),
            ("related", 3),
            (
                "Refineries in Henan and Shanxi plan to keep running rates below 80% until mid-August, which should "
                "keep alumina prices firm, SMM expects."
            ),
        ),
        tags=("alumina", "Shanxi"),
        contact="Tony Sun",
        cooperation=True,
        relevant=False,
    ),
)
