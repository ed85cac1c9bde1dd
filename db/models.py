"""Tables of the archive. Documented in README.md ("The archive's tables")."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the archive; attach a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Article(Base):
    """One row per article identity (the site's article id on the host it was fetched from,
    see pipelines.article.Article.identity); a re-crawl updates, never duplicates."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity: Mapped[str] = mapped_column(String(1000), unique=True)
    canonical_url: Mapped[str] = mapped_column(String(1000), index=True)
    url: Mapped[str] = mapped_column(String(1000), index=True)
    site: Mapped[str] = mapped_column(String(40))
    host: Mapped[str] = mapped_column(String(255))
    site_article_id: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    author: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(200), default="")
    editor: Mapped[str] = mapped_column(String(200), default="")
    views: Mapped[int | None] = mapped_column(Integer)
    page_tags: Mapped[list] = mapped_column(JSON, default=list)
    # Where each field came from: structured, selectors or generic (spiders.fields).
    field_sources: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    body: Mapped[str] = mapped_column(Text)
    # Simplified shadow of Traditional text; NULL when the original is already Simplified.
    title_simplified: Mapped[str | None] = mapped_column(Text)
    body_simplified: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    script: Mapped[str | None] = mapped_column(String(8))
    garbled: Mapped[bool] = mapped_column(Boolean, default=False)
    relevant: Mapped[bool] = mapped_column(Boolean, default=False)
    relevance_label: Mapped[str] = mapped_column(String(16), default="unrelated")
    relevance_score: Mapped[float] = mapped_column(Float, default=0.0)
    relevance_terms: Mapped[list] = mapped_column(JSON, default=list)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    minhash: Mapped[list] = mapped_column(JSON, default=list)
    figures: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    title_key: Mapped[str] = mapped_column(String(200), index=True)
    story_id: Mapped[int | None] = mapped_column(Integer, index=True)
    segmenter: Mapped[str] = mapped_column(String(80))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_articles_site_article", "site", "site_article_id"),
        Index("ix_articles_published", "published_at"),
        # What searches filter, sort and collapse by, narrow: read instead of the wide rows
        # for every full-text match (db.search).
        Index(
            "ix_articles_search",
            "id",
            "story_id",
            "published_at",
            "lang",
            "site",
            "host",
            "relevant",
            "relevance_label",
            "garbled",
        ),
        # The articles of stories with several copies (later copies; few): counting stories
        # among a search's matches reads only these (db.search).
        Index(
            "ix_articles_copies",
            "story_id",
            "id",
            sqlite_where=text("story_id != id"),
            postgresql_where=text("story_id != id"),
        ),
    )


class RawPage(Base):
    """The fetched page, zlib-compressed, so the pipeline can re-run without a new crawl."""

    __tablename__ = "raw_pages"

    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    url: Mapped[str] = mapped_column(String(1000))
    status: Mapped[int] = mapped_column(Integer)
    encoding: Mapped[str] = mapped_column(String(40))
    html_zlib: Mapped[bytes] = mapped_column(LargeBinary)


class Fact(Base):
    """One fact a supervision or rectification report states, with its sentence."""

    __tablename__ = "facts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    # The fact's number: a team's or round's ordinal, a count, or a penalty in yuan.
    number: Mapped[int | None] = mapped_column(BigInteger)  # fines reach billions of yuan
    day: Mapped[str | None] = mapped_column(String(10))  # stationing day or deadline, YYYY-MM-DD
    as_of: Mapped[str | None] = mapped_column(String(10))
    batches: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str | None] = mapped_column(String(8))  # 问责, 约谈, 立案
    sentence: Mapped[str] = mapped_column(Text)
    offset: Mapped[int] = mapped_column(Integer)
    # Who and where the fact is about (pipelines.parties): vocabulary concept ids.
    party: Mapped[str | None] = mapped_column(String(80), index=True)
    place: Mapped[str | None] = mapped_column(String(80), index=True)


class ArticleTag(Base):
    """An article's concept tags, one row each: what `tag:` filters and tag facets read."""

    __tablename__ = "article_tags"

    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(80), primary_key=True)

    __table_args__ = (Index("ix_article_tags_tag", "tag", "article_pk"),)


class LshBand(Base):
    """LSH band keys of an article's MinHash: articles sharing a key are near-copy candidates."""

    __tablename__ = "lsh_bands"

    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)


class StoryLink(Base):
    """Two stories in different languages on the same inspection case."""

    __tablename__ = "story_links"

    story_a: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_b: Mapped[int] = mapped_column(Integer, primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    shared: Mapped[list] = mapped_column(JSON, default=list)  # the concept ids both mention


class TermStat(Base):
    """In how many stored articles a word occurs: the archive's IDF for keywords."""

    __tablename__ = "term_stats"

    term: Mapped[str] = mapped_column(String(200), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer)


class AlertRule(Base):
    """A standing search: every new article is matched against it once (monitor.alerts)."""

    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    query: Mapped[str] = mapped_column(Text)  # the query language, filters included
    exact: Mapped[bool] = mapped_column(Boolean, default=False)  # no cross-language expansion
    webhook_url: Mapped[str | None] = mapped_column(String(1000))
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    email_to: Mapped[str | None] = mapped_column(String(1000))  # addresses, comma-separated
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A rule that follows a case, an organisation or a province (its query is then empty):
    # it fires on the case events (new stages and figures) of what it follows.
    follow_kind: Mapped[str | None] = mapped_column(String(8))  # case, org, place
    follow_id: Mapped[str | None] = mapped_column(String(80))  # a case id, or a vocabulary concept id


class AlertQueue(Base):
    """Articles stored new and not yet matched against the rules. The store adds a row in the
    transaction that inserts the article; the alert runner removes it in the transaction
    that records its alerts: so a restart neither loses nor repeats one, and an update (a
    re-crawl, a reprocess) never queues an article again."""

    __tablename__ = "alert_queue"

    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)


class Alert(Base):
    """A rule's match: one per story, whichever copy of it came first."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The rule, the article and the case event: kept by triggers, not foreign keys (db.alert_references).
    rule_id: Mapped[int] = mapped_column(Integer)
    story_id: Mapped[int | None] = mapped_column(Integer)  # None for a case event's alert
    article_pk: Mapped[int] = mapped_column(Integer)
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A followed case's new stage or figure (its article: the one that shows it).
    case_event_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_alerts_rule_story", "rule_id", "story_id", unique=True),
        Index("ix_alerts_rule_id", "rule_id", "id"),
        # Only case events' alerts: an article's alert would add an entry to no purpose.
        Index(
            "ix_alerts_rule_event",
            "rule_id",
            "case_event_id",
            unique=True,
            sqlite_where=text("case_event_id IS NOT NULL"),
            postgresql_where=text("case_event_id IS NOT NULL"),
        ),
    )


class Delivery(Base):
    """One alert to send by one channel (webhook, email): pending until sent."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_deliveries_alert_channel", "alert_id", "channel", unique=True),
        Index("ix_deliveries_status", "status", "channel"),
    )


class DeliveryAttempt(Base):
    """The delivery log: every try to send, its answer or error."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
    seconds: Mapped[float] = mapped_column(Float)


class CrawlRun(Base):
    """One crawl of one site, scheduled or by hand (monitor runs)."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(80), index=True)
    base_url: Mapped[str] = mapped_column(String(1000), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # running, finished, failed, time_limit, refused (the site was being crawled), interrupted
    status: Mapped[str] = mapped_column(String(16), default="running")
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    new_articles: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  # the crawl's counts by kind


class HealthEvent(Base):
    """A site that broke or went quiet: the built-in crawl-health feed."""

    __tablename__ = "health_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(80), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(24))  # blocked, extracts_nothing, selectors_drift, quiet
    detail: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- inspection cases (db.cases keeps them; pipelines.cases reads, pipelines.case_groups groups) ---


class CaseReadingRow(Base):
    """What one article says about its inspection case, as pipelines.cases read it: kept so
    that cases are re-assembled without reading the articles again."""

    __tablename__ = "case_readings"

    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    # The inspected party's topmost organisation or place: a family's cases are assembled together.
    family: Mapped[str] = mapped_column(String(80), index=True)
    reading: Mapped[dict] = mapped_column(JSON)


class CaseChange(Base):
    """A reading stored (or replaced, or dropped) whose family's cases are not assembled
    again yet: written in the transaction that stores the article, removed in the one that
    assembles the family (db.cases), so a crash between the two loses nothing."""

    __tablename__ = "case_changes"

    family: Mapped[str] = mapped_column(String(80), primary_key=True)
    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)


class Case(Base):
    """One inspected party in one central eco-environmental protection inspection."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # party/inspection, e.g. chinalco/r2b4
    family: Mapped[str] = mapped_column(String(80), index=True)
    party: Mapped[str] = mapped_column(String(80), index=True)  # a vocabulary concept id
    party_kind: Mapped[str] = mapped_column(String(16))  # organisation, province, city
    round: Mapped[int | None] = mapped_column(Integer)
    batch: Mapped[int | None] = mapped_column(Integer)
    team: Mapped[int | None] = mapped_column(Integer)
    stationed: Mapped[str | None] = mapped_column(String(10))  # YYYY-MM-DD
    first_day: Mapped[str] = mapped_column(String(10))  # its first and last article's days
    last_day: Mapped[str] = mapped_column(String(10))


class CaseArticle(Base):
    __tablename__ = "case_articles"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True)


class CaseStage(Base):
    """A stage of a case, dated, with the article and sentence that show it."""

    __tablename__ = "case_stages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # stationing, onsite, feedback, plan, progress, typical_case, lookback, closure
    stage: Mapped[str] = mapped_column(String(16))
    day: Mapped[str] = mapped_column(String(10))
    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    sentence: Mapped[str] = mapped_column(Text)


class CaseFigure(Base):
    """A figure of a case as of a day, with the article and sentence that state it."""

    __tablename__ = "case_figures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # problems_raised, problems_rectified, problems_in_progress, complaints_received,
    # complaints_closed, penalty_yuan, people_held_accountable
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[int] = mapped_column(BigInteger)
    as_of: Mapped[str] = mapped_column(String(10))
    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    sentence: Mapped[str] = mapped_column(Text)


class CaseEvent(Base):
    """A stage or figure a case did not have before an update: what its followers are told."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # stage, figure
    name: Mapped[str] = mapped_column(String(32))  # the stage, or the figure's kind
    day: Mapped[str] = mapped_column(String(10))  # the stage's day, the figure's as-of day
    value: Mapped[int | None] = mapped_column(BigInteger)  # a figure's value
    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    # When it was found: a rule added later is not told of it.
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseEventQueue(Base):
    """Case events not yet matched against the follow rules: added in the transaction that
    records the event, removed in the one that records its alerts (as AlertQueue)."""

    __tablename__ = "case_event_queue"

    event_id: Mapped[int] = mapped_column(ForeignKey("case_events.id", ondelete="CASCADE"), primary_key=True)
