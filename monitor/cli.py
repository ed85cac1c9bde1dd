"""The `monitor` command: demo, crawl, search, extract."""

from __future__ import annotations

import argparse
import io
import ipaddress
import os
import re
import signal
import socket
import sys
from datetime import date, datetime, time
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from monitor.settings import SettingError, db_url, demo_db_url
from monitor.terminal import json_text, say, shown
from pipelines.article import CHINA_TZ, BrokenPage, china_time
from pipelines.facts import FACT_KINDS

# The archive (SQLAlchemy), Scrapy, jieba and the server load inside the commands that use
# them: `--help` or a search should not pay for a crawl's imports (bench/startup.py).
if TYPE_CHECKING:
    from db import Archive
    from monitor.api import Access

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEMO_QUERIES = ("环保督察", "中国铜业", "稀土 lang:en", "rare earth site:cnmn", "rectification relevance:rectification")


class UsageError(Exception):
    """Bad input from the user: printed as one clear line, exit status 2."""


MAX_LIMIT = 10_000
# An access token: long enough not to be guessed, plain enough for a header, a cookie or a URL.
_TOKEN = re.compile(r"[A-Za-z0-9._~-]{16,}")


def _day(value: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None
    if not 1900 <= day.year <= 2999:
        raise argparse.ArgumentTypeError(f"a day between the years 1900 and 2999, not {value!r}")
    return datetime.combine(day, time(), CHINA_TZ)


def _period(value: str, end: bool) -> datetime:
    """A day, month or year as since: and until: take them: its first moment, or (end) the
    first moment after it."""
    from monitor.query import QueryError, period

    try:
        return period(value, "the date")[end]
    except QueryError:
        raise argparse.ArgumentTypeError(
            f"not a date (a day YYYY-MM-DD, a month YYYY-MM or a year YYYY between the years 1900 and 2999): {value!r}"
        ) from None


def _since(value: str) -> datetime:
    return _period(value, end=False)


def _until(value: str) -> datetime:
    """The end of the period, exclusive: --until 2024 keeps all of 2024."""
    return _period(value, end=True)


def _page_limit(value: str) -> int:
    """A page's size; 0 for the total (and facets) alone."""
    return 0 if value == "0" else _limit(value)


def _limit(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"a whole number from 1 to {MAX_LIMIT}, not {value!r}")
    return int(value)


def _offset(value: str) -> int:
    if not value.isdigit() or int(value) > 10_000_000:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number from 0 to 10000000")
    return int(value)


def _documents(value: str) -> int:
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 10**9:
        raise argparse.ArgumentTypeError(f"a whole number of articles from 1 to 1000000000, not {value!r}")
    return int(value)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 10**6:
        raise argparse.ArgumentTypeError(f"a number of seconds from 0 to 1000000, not {value!r}")
    return seconds


def _base_url(value: str) -> str:
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"not an http(s) address: {value!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="monitor", description="Bilingual news monitoring: crawl, archive, search.")
    parser.add_argument(
        "--db", metavar="URL", help="archive database URL (default: $MONITOR_DB_URL or the SQLite file)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="serve the replica sites, crawl them into the archive, search it")
    demo.add_argument(
        "--log-level",
        default="CRITICAL",
        choices=LOG_LEVELS,
        help="crawl log level (default CRITICAL: the summary counts the broken pages)",
    )
    demo.set_defaults(run=cmd_demo)

    crawl = commands.add_parser("crawl", help="crawl sites into the archive")
    crawl.add_argument(
        "targets",
        nargs="*",
        metavar="SPIDER[=BASE_URL]",
        help="spiders to run (default: all), each optionally at another address",
    )
    crawl.add_argument("--replicas", action="store_true", help="crawl the local replica sites instead of the live ones")
    crawl.add_argument(
        "--distributed",
        action="store_true",
        help="queue the sites' lists in Redis ($MONITOR_REDIS_URL) for `monitor worker` processes to crawl, and return",
    )
    crawl.add_argument(
        "--log-level",
        default="WARNING",
        choices=LOG_LEVELS,
        help="the crawl's log on stderr (default WARNING: problems only; each crawl ends with its summary line)",
    )
    crawl.set_defaults(run=cmd_crawl)

    worker = commands.add_parser(
        "worker",
        help="crawl the sites queued by `crawl --distributed` (any number of workers, on any machines), "
        "storing into the archive",
    )
    worker.add_argument(
        "--until-idle",
        type=_seconds,
        metavar="SECONDS",
        help="exit once no site has had requests queued or under way for this long (default: run until stopped)",
    )
    worker.add_argument("--log-level", default="WARNING", choices=LOG_LEVELS, help="the crawls' log on stderr")
    worker.set_defaults(run=cmd_worker)

    _schedule_commands(commands)

    search = commands.add_parser("search", help="search the archive")
    search.add_argument(
        "query",
        nargs="+",
        metavar="QUERY",
        help='the query language (README.md): words, "phrases", AND OR NOT -word, ( ), site: lang: tag: since: '
        "until: relevance:; all the words given. Options go before or after it; a query starting "
        "with - goes after -- (search --json -- -稀土 铜)",
    )
    search.add_argument("--lang", choices=("zh", "en", "und"), help="same as lang: in the query")
    search.add_argument("--site", help="spider name (cnmn, smm) or host; same as site: in the query")
    search.add_argument(
        "--since", type=_since, help="published on or after this day, month or year (2020-10-15, 2020-10, 2020)"
    )
    search.add_argument("--until", type=_until, help="published on or before this day, month or year")
    search.add_argument(
        "--sort",
        choices=("relevance", "date"),
        default="relevance",
        help="relevance: BM25 with the title weighted; date: newest first",
    )
    search.add_argument(
        "--exact", action="store_true", help="do not expand words to the vocabulary's other names and languages"
    )
    search.add_argument(
        "--all-copies", action="store_true", help="list every copy of a story, not one result per story"
    )
    search.add_argument("--facets", action="store_true", help="also count the matches by site, language, month and tag")
    search.add_argument(
        "--limit", type=_page_limit, default=10, help="results per page; 0: the total (and --facets) only"
    )
    search.add_argument("--offset", type=_offset, default=0, help="skip this many results (paging)")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(run=cmd_search)

    facts = commands.add_parser("facts", help="list the supervision facts stored from reports")
    facts.add_argument("--kind", choices=FACT_KINDS, help="one kind of fact")
    facts.add_argument(
        "--tag",
        metavar="CONCEPT",
        help="only articles tagged with this concept, by id or name, or a narrower one; same as tag: in a search (chinalco, 中铝)",
    )
    facts.add_argument(
        "--since",
        type=_since,
        help="articles published on or after this day, month or year (2020-10-15, 2020-10, 2020)",
    )
    facts.add_argument("--until", type=_until, help="articles published on or before this day, month or year")
    facts.add_argument("--limit", type=_limit, default=50)
    facts.add_argument(
        "--by",
        choices=("party", "place"),
        help="total the facts' numbers (of --kind, penalty by default) by the company or place they are about and year",
    )
    facts.add_argument("--json", action="store_true")
    facts.set_defaults(run=cmd_facts)

    cases = commands.add_parser("cases", help="list the inspection cases: a party in one central inspection")
    party = cases.add_mutually_exclusive_group()
    party.add_argument("--org", metavar="ID", help="an organisation's cases (and its subsidiaries'), by id or name")
    party.add_argument("--place", metavar="ID", help="a province's or city's cases (and its cities'), by id or name")
    cases.add_argument("--since", type=_day_text, metavar="DAY", help="cases with an article on or after this day")
    cases.add_argument("--json", action="store_true")
    cases.set_defaults(run=cmd_cases)
    case = commands.add_parser("case", help="one inspection case: its timeline of stages and its figures over time")
    case.add_argument("id", type=_case_id, help="the case's id (as `monitor cases` prints it)")
    case.add_argument("--json", action="store_true")
    case.set_defaults(run=cmd_case)

    reprocess = commands.add_parser("reprocess", help="run the text pipeline again over every stored page")
    reprocess.add_argument(
        "--into",
        metavar="URL",
        help="store the results in another archive (e.g. a shared PostgreSQL) instead of in place",
    )
    reprocess.set_defaults(run=cmd_reprocess)

    schema = commands.add_parser(
        "db", help="the archive's schema: upgrade it, show its revision; optimize it; copy it whole into another"
    )
    actions = schema.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_upgrade = actions.add_parser(
        "upgrade", help="bring an archive made by an older monitor up to date (its data is kept)"
    )
    db_upgrade.set_defaults(run=cmd_db_upgrade)
    db_current = actions.add_parser("current", help="print the archive's schema revision")
    db_current.set_defaults(run=cmd_db_current)
    db_optimize = actions.add_parser(
        "optimize",
        help="merge the full-text index and make the frequent words' heads anew (fast one-word searches, filtered or not; "
        "run it after a large import, or daily)",
    )
    db_optimize.add_argument(
        "--min-documents",
        type=_documents,
        default=None,
        metavar="N",
        help="heads for the words in at least N articles (default: as the last time, else 5,000)",
    )
    db_optimize.set_defaults(run=cmd_db_optimize)
    db_copy = actions.add_parser(
        "copy",
        help="copy the whole archive (articles, cases, alert rules with their alerts and queues, runs, health) "
        "into another, e.g. from SQLite to a shared PostgreSQL",
    )
    db_copy.add_argument(
        "--into", required=True, metavar="URL", help="the archive to fill: new, or holding no articles and no rules"
    )
    db_copy.set_defaults(run=cmd_db_copy)

    extract = commands.add_parser("extract", help="run saved pages through extraction and the text pipeline")
    extract.add_argument("file", type=Path, nargs="?", help="the saved page")
    extract.add_argument(
        "--url", help="the address the page was fetched from (default: unknown; the parser then goes by the markup)"
    )
    extract.add_argument("--json", action="store_true", help="print JSON")
    extract.add_argument(
        "--batch",
        metavar="LIST",
        help="extract every page LIST names, one PATH<TAB>URL line each ('-': standard input); "
        "prints one JSON object a line",
    )
    extract.set_defaults(run=cmd_extract)

    _alert_commands(commands)
    _record_commands(commands)

    serve = commands.add_parser("serve", help="serve the JSON API and the web page over the archive")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; any other needs $MONITOR_SERVE_TOKEN)",
    )
    serve.add_argument("--port", type=_port, default=8750, help="port to listen on (default 8750; 0: any free port)")
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests addressed to this host name (repeatable; or $MONITOR_ALLOWED_HOSTS, "
        "comma-separated); 127.0.0.1, localhost and the address listened on are always answered",
    )
    serve.set_defaults(run=cmd_serve)
    return parser


# The exit status of a command whose reader went away (`monitor search ... | head -1`): what
# the shell reports for a process that SIGPIPE ended, 128 + 13.
EXIT_PIPE_CLOSED = 141


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        status = args.run(args) or 0
        sys.stdout.flush()  # a reader gone shows here, where it is handled, not in Python's exit
        return status
    except KeyboardInterrupt:  # Ctrl-C before a command handles it itself (start-up, a search)
        print("monitor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return reader_gone()
    except Exception as error:
        if not isinstance(error, _user_errors()):
            raise
        print(shown(f"monitor: {error}"), file=sys.stderr)
        return 2


def _user_errors() -> tuple[type[Exception], ...]:
    """The errors shown as one `monitor:` line; the archive's is imported only once something
    was raised, so that a command without an archive does not load SQLAlchemy for it."""
    from db.engine import ArchiveError

    return (UsageError, ArchiveError, BrokenPage, SettingError)


def reader_gone() -> int:
    """Stop quietly when standard output's reader has gone: what is still buffered goes to
    /dev/null, else Python's own flush at exit would print a second BrokenPipeError."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_PIPE_CLOSED


def _archive(args: argparse.Namespace, create: bool = False) -> Archive:
    """The archive --db names. Only the commands that fill one make it (`create`); the others
    refuse a missing SQLite file rather than leave folders and an empty archive behind."""
    from db import Archive

    return Archive(db_url(args.db), create=create)


# --- crawl and demo ---


def cmd_crawl(args: argparse.Namespace) -> int:
    from db import Archive, printable_url
    from monitor.runs import recorded_crawls

    jobs = _crawl_jobs(args.targets, args.replicas)
    if args.distributed:
        return _seed(jobs, args.replicas)
    # Replica articles are made up: they go to the demo's archive unless --db says otherwise.
    url = demo_db_url(args.db) if args.replicas else db_url(args.db)
    archive = Archive(url)  # a bad URL fails here, with a clear message, before any crawl starts
    print(f"archive: {printable_url(url)}")
    if args.replicas:
        from monitor.replica.server import DEMO_PORTS, serve_replicas

        with serve_replicas(ports=DEMO_PORTS) as addresses:
            results = recorded_crawls(archive, replica_jobs(jobs, addresses), local=True, LOG_LEVEL=args.log_level)
    else:
        results = recorded_crawls(archive, jobs, LOG_LEVEL=args.log_level)
    for result in results:
        say(run_report(result))
    return crawl_status(results)


def _frontier():
    """The distributed crawl's Redis (MONITOR_REDIS_URL) and key prefix; a clear error when
    it cannot be reached."""
    from monitor.frontier import FrontierError, connect
    from monitor.settings import crawl_environment

    environment = crawl_environment()
    try:
        return connect(str(environment["MONITOR_REDIS_URL"])), str(environment["MONITOR_REDIS_PREFIX"])
    except FrontierError as error:
        raise UsageError(f"{error} (set MONITOR_REDIS_URL)") from None


def _seed(jobs: list, replicas: bool) -> int:
    from monitor.worker import seed, site_of_job

    if replicas:
        raise UsageError(
            "--distributed with --replicas: the replicas must outlive this command: serve them with "
            "`python -m monitor.replica` and give their addresses (SPIDER=URL)"
        )
    import redis

    server, prefix = _frontier()
    for job in jobs:
        site = site_of_job(job)
        try:
            queued = seed(server, prefix, site)
        except redis.RedisError as error:  # it answered, but will not write (read only, out of memory) or went
            print(shown(f"monitor: cannot queue {site.spider} {site.base_url} in Redis: {error}"), file=sys.stderr)
            return 1
        state = f"{queued} start requests queued" if queued else "a crawl of it is under way: nothing more queued"
        print(f"{site.spider} {site.base_url}: {state} (delay {site.delay:g} s, {site.concurrency} at once)")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from db import Archive, printable_url
    from monitor.worker import Worker, run_worker

    url = db_url(args.db)
    Archive(url, create=True)  # a bad URL fails here, with a clear message, before any crawl starts
    server, _ = _frontier()
    print(f"archive: {printable_url(url)}", flush=True)

    def report(site, stats: dict) -> None:
        say(worker_line(site.spider, site.base_url, stats), flush=True)

    from db.engine import ArchiveError
    from monitor.frontier import FrontierError

    try:
        return run_worker(Worker(url, server, args.until_idle, args.log_level, report))
    except (FrontierError, ArchiveError) as error:  # Redis or the archive gone mid-crawl: a failure, not bad input
        print(shown(f"monitor: {error}"), file=sys.stderr)
        return 1


def worker_line(spider: str, base_url: str, stats: dict) -> str:
    """A worker's summary of its part of a site's crawl: as crawl's, and the requests it gave
    back unfinished (stopped) or took back from a worker gone."""
    line = crawl_line(spider, base_url, stats).split("; PROBLEMS")[0]
    released = stats.get("monitor/leases/released", 0)
    stored_failed = stats.get("monitor/articles/store_failed", 0)
    if released:
        line += f"; {released} requests given back unfinished"
    if stored_failed:
        line += f"; PROBLEMS: {stored_failed} articles NOT STORED (see the log)"
    return line


def crawl_status(results: list) -> int:
    """130 when a signal (SIGTERM, Ctrl-C) stopped a crawl, as any command stopped by Ctrl-C;
    1 when one failed (offline, every list page refused...): a script must not read success."""
    statuses = {result.status for result in results}
    if "interrupted" in statuses:
        return 130
    return 1 if "failed" in statuses else 0


def _crawl_jobs(targets: list[str], replicas: bool) -> list:
    """The crawls `crawl` is asked for (default: every spider, or every one with a replica).
    A broken sites file stops them only when they need its sites; otherwise it is named."""
    from monitor.crawl import CrawlJob, spider_loader
    from monitor.replica.catalog import SITES as REPLICA_SITES

    loader = spider_loader()
    known = sorted(loader.list())
    problem = f"a sites file is not used: {loader.sites_error}" if loader.sites_error else None
    if problem and not targets:
        raise UsageError(problem)
    jobs = []
    for target in targets or [name for name in known if name in REPLICA_SITES or not replicas]:
        name, _, base = target.partition("=")
        if name not in known:
            raise UsageError(
                f"no spider named {name!r} (known: {', '.join(known)})" + (f"; {problem}" if problem else "")
            )
        if replicas and not base and name not in REPLICA_SITES:
            raise UsageError(f"no replica of {name!r}: give its address ({name}=URL)")
        jobs.append(CrawlJob(name, _base_url(base) if base else None))
    if problem:
        print(f"monitor: warning: {problem}", file=sys.stderr)
    return jobs


def replica_jobs(jobs: list, addresses: dict[str, str]) -> list:
    """Each spider at its replica; cnmn at the CNMN mirror's replica as well."""
    from monitor.crawl import CrawlJob

    out = []
    for job in jobs:
        out.append(CrawlJob(job.spider, job.base_url or addresses[job.spider]))
        if job.spider == "cnmn" and not job.base_url:
            out.append(CrawlJob("cnmn", addresses["mirror"]))
    return out


def crawl_line(spider: str, base_url: str | None, stats: dict) -> str:
    broken = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("monitor/broken/")}
    return (
        f"{spider} {base_url or '(live)'}: {stats.get('monitor/articles/parsed', 0)} pages parsed, "
        f"{stats.get('monitor/articles/new', 0)} new, {stats.get('monitor/articles/updated', 0)} updated, "
        f"{stats.get('monitor/articles/skipped_archived', 0)} already archived, "
        f"{sum(broken.values())} broken pages"
        + (f" ({', '.join(f'{k} {v}' for k, v in sorted(broken.items()))})" if broken else "")
        + _problems(stats)
    )


def _problems(stats: dict) -> str:
    """What went wrong in a crawl, worded for the summary line; empty when nothing did."""
    notes = [
        f"{stats[key]} {label}"
        for key, label in (
            ("monitor/articles/store_failed", "articles NOT STORED"),
            ("monitor/lists/failed", "list pages failed"),
            ("monitor/lists/empty", "list pages without article links"),
        )
        if stats.get(key)
    ]
    if not stats.get("monitor/lists/read"):
        notes.append("no list page could be read")
    return f"; PROBLEMS: {', '.join(notes)} (see the log)" if notes else ""


def cmd_demo(args: argparse.Namespace) -> int:
    from db import Archive, printable_url
    from monitor.crawl import CrawlJob
    from monitor.replica.server import DEMO_PORTS, serve_replicas
    from monitor.runs import recorded_crawls
    from monitor.search import SearchOptions, search

    url = demo_db_url(args.db)
    archive = Archive(url)
    print(f"archive: {printable_url(url)}")
    with serve_replicas(ports=DEMO_PORTS) as addresses:
        for site, address in addresses.items():
            print(f"replica {site}: {address}")
        jobs = replica_jobs([CrawlJob("smm"), CrawlJob("cnmn"), CrawlJob("smm_cn"), CrawlJob("mee")], addresses)
        results = recorded_crawls(archive, jobs, local=True, LOG_LEVEL=args.log_level)
    print()
    for result in results:
        say(run_report(result))
    summary = archive.summary()
    print(
        f"\narchive: {summary['articles']} articles, {summary['stories']} stories, "
        f"{summary['relevant']} supervision/rectification reports"
    )
    for host, count in summary["by_host"].items():
        print(f"  {host}: {count}")
    db_option = f" --db {printable_url(url)}" if url != db_url() else ""
    for query in DEMO_QUERIES:
        print(f"\n$ monitor{db_option} search {query!r} --limit 3")
        print_page(search(archive, query, SearchOptions(limit=3)))
    return 0


# --- scheduled crawls and their runs ---


def _schedule_commands(commands) -> None:
    schedule = commands.add_parser(
        "schedule", help="crawl each site of the schedule file at its interval or cron times"
    )
    schedule.add_argument(
        "--config",
        metavar="FILE",
        help="the schedule file (default: $MONITOR_SCHEDULE or ~/.config/monitor/schedule.toml)",
    )
    schedule.add_argument("--log-level", default="WARNING", choices=LOG_LEVELS, help="the runs' crawl log level")
    schedule.set_defaults(run=cmd_schedule)
    run = commands.add_parser(
        "run", help="crawl one site of the schedule file once, recorded (what cron or a systemd timer runs)"
    )
    run.add_argument("site", help="the site's name in the schedule file")
    run.add_argument("--config", metavar="FILE", help="the schedule file (default: as for schedule)")
    run.add_argument("--log-level", default="INFO", choices=LOG_LEVELS)
    run.set_defaults(run=cmd_run)
    runs = commands.add_parser("runs", help="list the recorded crawl runs, newest first, with their health alerts")
    runs.add_argument("--site", help="only this spider's runs, or this host's")
    runs.add_argument("--limit", type=_limit, default=20)
    runs.add_argument("--json", action="store_true", help="print JSON")
    runs.set_defaults(run=cmd_runs)


def _schedule(args: argparse.Namespace) -> tuple[Path, dict]:
    from monitor.crawl import spider_names
    from monitor.schedule import ScheduleError, load_schedule
    from monitor.settings import schedule_path

    path = schedule_path(args.config).absolute()
    try:
        return path, load_schedule(path, spider_names())
    except ScheduleError as error:
        raise UsageError(str(error)) from None


def cmd_schedule(args: argparse.Namespace) -> int:
    import signal
    import threading

    from db import printable_url
    from monitor.schedule import Scheduler

    path, sites = _schedule(args)
    archive = _archive(args, create=True)  # its runs crawl into it
    print(f"archive: {printable_url(archive.url)}; schedule: {path}: {', '.join(sites)}", flush=True)
    stop, halt = threading.Event(), threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):  # the first stops the schedule, a second the runs
        signal.signal(signum, lambda *_: (halt if stop.is_set() else stop).set())
    Scheduler(sites, path, archive, args.log_level).run(stop, halt)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from monitor.runs import recorded_crawls

    _, sites = _schedule(args)
    site = sites.get(args.site)
    if site is None:
        raise UsageError(f"no site named {args.site!r} in the schedule (it has: {', '.join(sites)})")
    if site.distributed:  # the workers crawl it
        return _seed([site.job], replicas=False)
    [result] = recorded_crawls(
        _archive(args, create=True),
        [site.job],
        local=site.local,
        time_limit=site.time_limit,
        rhythm=site.rhythm,
        LOG_LEVEL=args.log_level,
    )
    say(run_report(result), flush=True)
    # As crawl's: 130 interrupted, 1 failed or stopped at its time limit; refused is no error.
    return 0 if result.status in ("finished", "refused") else crawl_status([result]) or 1


def run_report(result) -> str:
    """A run's summary line as crawl prints it, its status when not finished, its health."""
    if result.status == "refused":
        holder = f" (run {result.holder})" if result.holder else ""
        return f"{result.spider} {result.base_url}: refused: a run of this site is under way{holder}"
    line = crawl_line(result.spider, result.base_url, result.stats)
    if result.status != "finished":
        line += f" [{result.status.upper()}]"
    for kind, detail in result.health.items():
        line += f"\n  HEALTH {kind}: {detail}" + (" (alert raised)" if kind in result.raised else "")
    return line


def cmd_runs(args: argparse.Namespace) -> int:
    from monitor.runs import list_runs

    runs = list_runs(_archive(args), args.site, args.limit)
    if args.json:
        print(json_text(runs, indent=1))
        return 0
    if not runs:
        say("no runs recorded")
    for run in runs:
        took = f"{run['seconds']:.1f}s" if run["seconds"] is not None else "-"
        say(
            f"{run['id']}  {run['started_at'][:19].replace('T', ' ')}  {run['site']} {run['base_url']}  "
            f"{run['status']} {took}: {run['pages_fetched']} pages, {run['new_articles']} new, {run['errors']} errors"
        )
        raised = {event["kind"] for event in run["raised"]}
        for kind, detail in run["health"].items():
            say(f"    HEALTH {kind}: {detail}" + (" (alert raised)" if kind in raised else " (still)"))
    return 0


# --- search ---


def cmd_search(args: argparse.Namespace) -> int:
    from db.search.spec import Filters
    from monitor.search import QueryError, SearchOptions, search

    query = " ".join(args.query)  # `monitor search rare earth` unquoted is the query "rare earth"
    archive = _archive(args)
    filters = Filters(
        langs=(args.lang,) if args.lang else (),
        sites=(args.site,) if args.site else (),
        since=args.since,
        until=args.until,
    )
    options = SearchOptions(
        expand=not args.exact,
        collapse=not args.all_copies,
        sort=args.sort,
        limit=args.limit,
        offset=args.offset,
        filters=filters,
    )
    try:
        page = search(archive, query, options, with_facets=args.facets)
    except QueryError as error:
        raise UsageError(f"cannot search {query!r}: {error}") from None
    if args.json:
        print(json_text(page.as_dict(), indent=1))
    else:
        print_page(page, args.offset)
    return 0


def print_page(page, offset: int = 0) -> None:
    if not page.total:
        say("no articles found")
    elif not page.results:
        say(f"{page.total} found; none on this page (from {offset + 1})" if offset else f"{page.total} found")
    else:
        say(f"{page.total} found; {offset + 1}-{offset + len(page.results)}:")
    for n, result in enumerate(page.results, offset + 1):
        article = result.article
        day = (article["published_at"] or "?")[:16].replace("T", " ")
        mark = f" [{article['relevance_label']}]" if article["relevant"] else ""
        say(f"{n}. {article['title']}{mark}")
        say(f"   {day}  {article['site']} {article['host']}  {article['url']}")
        say(f"   {result.snippet}")
        for copy in result.copies:
            say(f"   same story: {copy['url']}")
    for name, counts in (page.facets or {}).items():
        say(f"{name}: " + ", ".join(f"{value} {n}" for value, n in counts))


# --- facts ---


def cmd_facts(args: argparse.Namespace) -> int:
    from monitor.query import QueryError, resolve_tag

    try:
        tags = resolve_tag(args.tag) if args.tag else None
    except QueryError as error:
        raise UsageError(str(error)) from None
    if args.by:
        return _fact_totals(args, tags)
    rows = _archive(args).facts(args.kind, tags, args.since, args.until, args.limit)
    found = [
        {
            "kind": r.kind,
            "number": r.number,
            "day": r.day,
            "as_of": r.as_of,
            "batches": r.batches,
            "action": r.action,
            "sentence": r.sentence,
            "article_id": r.article_id,
            "title": r.title,
            "published_at": china_time(r.published_at),
            "url": r.url,
        }
        for r in rows
    ]
    if args.json:
        print(json_text(found, indent=1))
        return 0
    if not found:
        say("no facts found")
    for fact in found:
        value = ", ".join(
            f"{k} {fact[k]}" for k in ("number", "day", "as_of", "batches", "action") if fact[k] is not None
        )
        say(f"{(fact['published_at'] or '?')[:10]}  {fact['kind']}: {value}")
        say(f"   {fact['sentence']}")
        say(f"   {fact['title']}  {fact['url']}")
    return 0


def _fact_totals(args: argparse.Namespace, tags: frozenset[str] | None) -> int:
    from monitor.cases import fact_totals

    kind = args.kind or "penalty"
    totals = fact_totals(_archive(args), kind, args.by, tags, args.since, args.until)
    if args.json:
        print(json_text(totals, indent=1))
        return 0
    if not totals:
        say(f"no {kind} facts naming a {args.by}")
    unit = " yuan" if kind == "penalty" else ""
    for total in totals:
        say(f"{total['year']}  {total[args.by]} {total['label']}: {total['total']:,}{unit} ({total['facts']} facts)")
    return 0


# --- cases ---


def _day_text(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day (YYYY-MM-DD): {value!r}") from None


def _case_id(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 2**31 - 1:
        raise argparse.ArgumentTypeError(f"not a case id: {value!r}")
    return int(value)


def cmd_cases(args: argparse.Namespace) -> int:
    from monitor.cases import CaseError, list_cases

    try:
        cases = list_cases(_archive(args), args.org, args.place, args.since)
    except CaseError as error:
        raise UsageError(str(error)) from None
    if args.json:
        print(json_text(cases, indent=1))
        return 0
    if not cases:
        say("no cases found (an archive stored before cases existed gets them by `monitor reprocess`)")
    for case in cases:
        say(
            f"{case['id']:>5}  {case['key']}  {case['party_label']}  {case['first_day']} to {case['last_day']}"
            f"  {case['articles']} articles, {case['stages']} stages"
        )
    return 0


def cmd_case(args: argparse.Namespace) -> int:
    from monitor.cases import case_view

    case = case_view(_archive(args), args.id)
    if case is None:
        raise UsageError(f"no case {args.id} (`monitor cases` lists them)")
    if args.json:
        print(json_text(case, indent=1))
        return 0
    inspection = ", ".join(
        f"{name} {case[name]}" for name in ("round", "batch", "team", "stationed") if case[name] is not None
    )
    say(f"case {case['id']}: {case['key']}  {case['party_label']} ({case['party_kind']})  {inspection}")
    say("stages:")
    for stage in case["stages"]:
        say(f"  {stage['day']}  {stage['stage']}")
        for article in stage["articles"]:
            say(f"      #{article['id']} [{article['lang']}] {article['title']}  {article['host']}")
            say(f"         {article['sentence']}")
    say("figures:")
    for figure in case["figures"]:
        sources = ", ".join(f"#{a['id']}" for a in figure["articles"])
        say(f"  {figure['as_of']}  {figure['kind']}: {figure['value']:,}  ({sources})")
    return 0


# --- reprocess ---


def cmd_reprocess(args: argparse.Namespace) -> int:
    from db import Archive
    from monitor.reprocess import ProgressBar, reprocess

    archive = _archive(args)
    into = Archive(args.into) if args.into else None  # made when missing: the move's target
    result = reprocess(archive, ProgressBar("reprocessing", sys.stderr), into=into)  # stderr now, not at import
    print(f"reprocessed: {result.updated} updated, {result.unchanged} unchanged, {len(result.failed)} failed")
    for pk, why in result.failed[:10]:
        print(f"  article {pk}: {why}")
    if len(result.failed) > 10:
        print(f"  ... and {len(result.failed) - 10} more")
    return 1 if result.failed else 0


# --- db ---


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from db import Archive, printable_url
    from db.migrate import BASELINE_REVISION, HEAD_REVISION, UNVERSIONED, upgrade
    from db.unindexed import index_unindexed
    from pipelines.case_groups import assemble_cases
    from pipelines.segment import cut, index_terms

    url = db_url(args.db)
    before, after = upgrade(url)
    # The migrations compute no index terms: the articles they leave out of the index are
    # indexed here, with the segmenter of the day.
    archive = Archive(url)
    index_unindexed(archive, lambda text: index_terms(cut(text)))
    assemble_cases(archive.engine)  # the cases of readings stored before a crash, if any
    archive.engine.dispose()
    where = f"the archive at {printable_url(url)}"
    if before == HEAD_REVISION:
        print(f"{where} is already at {after}")
    else:
        start = {None: "an empty database", UNVERSIONED: f"{BASELINE_REVISION} (unversioned)"}.get(before, before)
        print(f"upgraded {where} from {start} to {after}")
    return 0


def cmd_db_current(args: argparse.Namespace) -> int:
    from db.migrate import HEAD_REVISION, current

    revision = current(db_url(args.db))
    print({None: "none (no archive yet)", HEAD_REVISION: f"{HEAD_REVISION} (head)"}.get(revision, revision))
    return 0


def cmd_db_optimize(args: argparse.Namespace) -> int:
    from db import printable_url

    archive = _archive(args)
    began = monotonic()
    words, minimum = archive.optimize(args.min_documents)
    where = f"optimized the archive at {printable_url(archive.url)} in {monotonic() - began:.1f} s"
    print(f"{where}: {words:,} words in at least {minimum:,} articles have heads")
    return 0


def cmd_db_copy(args: argparse.Namespace) -> int:
    from db import printable_url
    from db.copy import copy_archive
    from pipelines.segment import cut, index_terms

    source = _archive(args)
    rows = copy_archive(source, args.into, lambda text: index_terms(cut(text)))
    print(
        f"copied the archive at {printable_url(source.url)} into {printable_url(args.into)}:"
        f" {rows['articles']:,} articles ({rows['alert_queue']:,} queued for the rules), {rows['cases']:,} cases"
        f" ({rows['case_event_queue']:,} of {rows['case_events']:,} case events queued), {rows['alert_rules']:,} alert rules"
        f" with {rows['alerts']:,} alerts and {rows['deliveries']:,} deliveries, {rows['crawl_runs']:,} crawl runs"
        f" and {rows['health_events']:,} health events"
    )
    return 0


# --- extract ---


def cmd_extract(args: argparse.Namespace) -> int:
    from monitor.extract import extract_file

    if args.batch is not None:
        if args.file is not None or args.url is not None:
            raise UsageError("--batch takes no FILE or --url: its list names the pages and their addresses")
        return _extract_batch(args.batch)
    if args.file is None:
        raise UsageError("give a saved page (FILE [--url URL]) or a list of pages (--batch LIST)")
    article = extract_file(args.file, args.url or "")
    summary = article.summary()
    if args.json:
        print(json_text(summary, indent=1))
    else:
        for key in ("title", "published_at", "author", "source", "lang", "script", "relevant"):
            say(f"{key}: {summary[key]}")
        say(f"tags: {', '.join(t['id'] for t in summary['tags'])}")
        say(f"\n{summary['body']}")
    return 0


def _extract_batch(listing: str) -> int:
    """Every page of the list, one JSON line each as it is done; 0 once the list is read,
    whatever became of its pages."""
    from monitor.extract import extract_batch

    try:
        if listing == "-":
            if isinstance(sys.stdin, io.TextIOWrapper):
                sys.stdin.reconfigure(errors="surrogateescape")  # any bytes name a file
            file, folder = sys.stdin, Path()
        else:
            file = open(listing, encoding="utf-8", errors="surrogateescape")  # noqa: SIM115 (closed below)
            folder = Path(listing).parent
    except OSError as error:
        raise UsageError(f"cannot read {listing}: {error.strerror or error}") from None

    def lines():
        try:
            yield from file
        except OSError as error:
            raise UsageError(f"cannot read {listing}: {error.strerror or error}") from None

    with file:
        for result in extract_batch(lines(), folder):
            try:
                print(json_text(result), flush=True)
            except BrokenPipeError:  # the reader has gone (| head): stop quietly
                return reader_gone()
    return 0


# --- alerts ---


def _alert_commands(commands) -> None:
    alerts = commands.add_parser("alerts", help="keyword alert rules: their matches, feeds, webhooks and e-mails")
    actions = alerts.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="add a rule: new articles matching QUERY, or new stages and figures of what it follows, raise an alert",
    )
    add.add_argument("name", help="the rule's name: letters, digits, - _ . (it names its feeds)")
    add.add_argument("query", nargs="?", help="the search query language (README.md), filters included")
    follow = add.add_mutually_exclusive_group()
    follow.add_argument("--case", metavar="ID", type=_case_id, help="follow a case: each new stage or figure alerts")
    follow.add_argument("--org", metavar="ID", help="follow an organisation's cases (and its subsidiaries')")
    follow.add_argument("--place", metavar="ID", help="follow a province's or city's cases (and its cities')")
    add.add_argument("--lang", choices=("zh", "en", "und"), help="same as lang: in the query")
    add.add_argument("--site", help="spider name or host; same as site: in the query")
    add.add_argument("--tag", help="concept id or name; same as tag: in the query")
    add.add_argument("--exact", action="store_true", help="do not expand words to their other names and languages")
    add.add_argument("--webhook", metavar="URL", help="POST each alert as JSON to this address")
    add.add_argument("--secret", help="sign webhook requests with HMAC-SHA256 and this secret")
    add.add_argument("--email", metavar="ADDRESSES", help="send a digest of each run's alerts (comma-separated)")
    add.set_defaults(run=cmd_alerts_add)
    listing = actions.add_parser("list", help="the rules, with their alert counts")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=cmd_alerts_list)
    show = actions.add_parser("show", help="one rule: its deliveries and latest alerts")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=cmd_alerts_show)
    remove = actions.add_parser("remove", help="remove a rule and its alerts")
    remove.add_argument("name")
    remove.set_defaults(run=cmd_alerts_remove)
    run = actions.add_parser("run", help="match new articles against every rule, send what is due")
    run.add_argument(
        "--feeds", metavar="DIR", type=Path, help="also write every rule's feeds (and crawl-health's) here"
    )
    run.set_defaults(run=cmd_alerts_run)
    feed = actions.add_parser("feed", help="print or write one rule's feed (or the built-in crawl-health)")
    feed.add_argument("name")
    feed.add_argument("--format", choices=("atom", "rss", "json"), default="atom")
    feed.add_argument("--output", metavar="FILE", type=Path, help="write it to this file (default: print it)")
    feed.set_defaults(run=cmd_alerts_feed)


def _alert_call(call, *args, **kwargs):
    """A call into monitor.alerts with its refusals as usage errors."""
    from monitor.alerts import AlertError
    from monitor.query import QueryError

    try:
        return call(*args, **kwargs)
    except (AlertError, QueryError) as error:
        raise UsageError(str(error)) from None


def cmd_alerts_add(args: argparse.Namespace) -> int:
    from monitor.alerts import add_follow_rule, add_rule

    follows = [(kind, value) for kind in ("case", "org", "place") if (value := getattr(args, kind)) is not None]
    if follows and (args.query or args.site or args.lang or args.tag or args.exact):
        raise UsageError("a rule follows a case, an organisation or a place, or matches a query: not both")
    if follows:
        kind, value = follows[0]
        rule = _alert_call(
            add_follow_rule, _archive(args), args.name, kind, str(value), args.webhook, args.secret, args.email
        )
        say(
            f"rule {rule.name} added: follows {rule.follow_kind} {rule.follow_id} ({', '.join(rule.channels) or 'feeds only'});"
            " each new stage or figure raises an alert"
        )
        return 0
    if not args.query:
        raise UsageError("give a QUERY, or --case, --org or --place to follow")
    filters = " ".join(
        f"{name}:{_quoted(value)}"
        for name, value in (("site", args.site), ("lang", args.lang), ("tag", args.tag))
        if value
    )
    query = f"({args.query}) {filters}" if filters else args.query
    rule = _alert_call(add_rule, _archive(args), args.name, query, args.exact, args.webhook, args.secret, args.email)
    channels = ", ".join(rule.channels) or "feeds only"
    say(
        f"rule {rule.name} added: {rule.query} ({channels}); `monitor alerts run` matches it against the new articles not matched yet"
    )
    return 0


def _quoted(value: str) -> str:
    return f'"{value}"' if any(c.isspace() for c in value) else value


def cmd_alerts_list(args: argparse.Namespace) -> int:
    from monitor.alerts import list_rules

    rules = list_rules(_archive(args))
    if args.json:
        print(json_text(rules, indent=1))
        return 0
    if not rules:
        say("no rules (add one: monitor alerts add NAME QUERY)")
    for rule in rules:
        channels = ", ".join(c for c in ("webhook", "email") if rule[c]) or "feeds only"
        last = f", last {rule['last_alert']}" if rule["last_alert"] else ""
        what = f"follows {rule['follows']}" if rule["follows"] else rule["query"]
        say(f"{rule['name']}: {what}  [{channels}; {rule['alerts']} alerts{last}]")
    return 0


def cmd_alerts_show(args: argparse.Namespace) -> int:
    from monitor.alerts import show_rule

    rule = _alert_call(show_rule, _archive(args), args.name)
    if args.json:
        print(json_text(rule, indent=1))
        return 0
    for key in ("name", "query", "follows", "exact", "webhook", "signed", "email", "created_at"):
        say(f"{key}: {rule[key]}")
    for d in rule["deliveries"]:
        say(f"deliveries {d['channel']} {d['status']}: {d['count']}")
    say(f"latest alerts ({len(rule['recent'])}):")
    for alert in rule["recent"]:
        say(f"  {alert['matched_at']}  #{alert['article']} {alert['title']}  {alert['url']}")
    return 0


def cmd_alerts_remove(args: argparse.Namespace) -> int:
    from monitor.alerts import remove_rule

    _alert_call(remove_rule, _archive(args), args.name)
    print(f"rule {args.name} removed")
    return 0


def cmd_alerts_run(args: argparse.Namespace) -> int:
    from monitor.alerts import run
    from monitor.settings import delivery_settings

    archive = _archive(args)
    report = run(archive, delivery_settings())
    for line in report.lines():
        say(line)
    if args.feeds:
        _write_feeds(archive, args.feeds)
    return 1 if report.failed else 0


def _write_feeds(archive: Archive, folder: Path) -> None:
    from monitor.alerts import HEALTH_FEED, list_rules, rule_feed
    from monitor.feeds import FORMATS, render
    from monitor.settings import public_url

    links = public_url()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in [r["name"] for r in list_rules(archive)] + [HEALTH_FEED]:
            feed = rule_feed(archive, name, links)
            for fmt in FORMATS:
                (folder / f"{name}.{fmt}").write_bytes(render(feed, fmt))
    except OSError as error:
        raise UsageError(f"cannot write the feeds to {folder}: {error.strerror or error}") from None
    print(f"feeds written to {folder}")


def cmd_alerts_feed(args: argparse.Namespace) -> int:
    from monitor.alerts import rule_feed
    from monitor.feeds import render
    from monitor.settings import public_url

    document = render(_alert_call(rule_feed, _archive(args), args.name, public_url()), args.format)
    if args.output is None:
        sys.stdout.buffer.write(document)
        return 0
    try:
        args.output.write_bytes(document)
    except OSError as error:
        raise UsageError(f"cannot write {args.output}: {error.strerror or error}") from None
    return 0


# --- show and export ---


def _record_commands(commands) -> None:
    show = commands.add_parser("show", help="one article: its fields, tags, facts, copies, links and text")
    show.add_argument("id", type=_article_id, help="the article's id (as search and facts print it)")
    show.add_argument(
        "--json", action="store_true", help="print JSON (the API's article view, without the original text)"
    )
    show.set_defaults(run=cmd_show)

    export = commands.add_parser("export", help="every result of a search as full records: CSV, JSON Lines or Excel")
    export.add_argument("query", nargs="+", help="the query language (README.md); the words given make one query")
    export.add_argument("--format", choices=("csv", "jsonl", "xlsx"), default="csv")
    export.add_argument(
        "--output",
        metavar="FILE",
        type=Path,
        help="write it to this file (default: print it; xlsx needs a file or a pipe)",
    )
    export.add_argument("--lang", choices=("zh", "en", "und"), help="same as lang: in the query")
    export.add_argument("--site", help="spider name (cnmn, smm) or host; same as site: in the query")
    export.add_argument("--since", type=_day, help="published on or after this day (YYYY-MM-DD)")
    export.add_argument("--until", type=_day, help="published on or before this day (YYYY-MM-DD)")
    export.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    export.add_argument(
        "--exact", action="store_true", help="do not expand words to the vocabulary's other names and languages"
    )
    export.add_argument("--all-copies", action="store_true", help="every copy of a story, not one record per story")
    export.set_defaults(run=cmd_export)


def _article_id(value: str) -> int:
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 2**31 - 1:
        raise argparse.ArgumentTypeError(f"an article id (a whole number from 1), not {value!r}")
    return int(value)


def cmd_show(args: argparse.Namespace) -> int:
    from monitor.show import article_view, show_lines

    view = article_view(_archive(args), args.id)
    if view is None:
        raise UsageError(f"no article {args.id}")
    if args.json:
        print(json_text(view, indent=1))
    else:
        for line in show_lines(view):
            say(line)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from db.search.spec import Filters
    from monitor.export import Counted, encoded, records
    from monitor.search import QueryError, SearchOptions, plan

    query = " ".join(args.query)
    if args.format == "xlsx" and args.output is None and sys.stdout.isatty():
        raise UsageError("an xlsx workbook is no text for a terminal: give --output FILE (or pipe it)")
    filters = Filters(
        langs=(args.lang,) if args.lang else (),
        sites=(args.site,) if args.site else (),
        since=args.since,
        until=args.until + timedelta(days=1) if args.until else None,
    )
    options = SearchOptions(expand=not args.exact, collapse=not args.all_copies, sort=args.sort, filters=filters)
    try:
        plan(query, options)  # a bad query is refused before any file is made
    except QueryError as error:
        raise UsageError(f"cannot export {query!r}: {error}") from None
    found = Counted(records(_archive(args), query, options))
    if args.output is None:
        return _to_stdout(encoded(args.format, found))
    try:
        with open(args.output, "wb") as file:
            file.writelines(encoded(args.format, found))
    except OSError as error:
        raise UsageError(f"cannot write {args.output}: {error.strerror or error}") from None
    print(f"exported {found.count} record{'' if found.count == 1 else 's'} to {args.output}")
    return 0


def _to_stdout(chunks) -> int:
    """Bytes to standard output; a reader that has gone (| head) ends it quietly."""
    try:
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


# --- serve ---


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"a port from 0 to 65535, not {value!r}")
    return int(value)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from db import printable_url
    from db.engine import make_engine
    from monitor.api import create_app

    url = db_url(args.db)
    make_engine(url, create=False).dispose()  # a missing archive is refused, not made empty
    listener = _listen(args.host, args.port)
    try:
        host, port = listener.getsockname()[:2]
        access = _serve_access(host, args.allowed_host)
        app = create_app(url, access)  # a bad archive fails here, before anything is answered
    except BaseException:
        listener.close()
        raise
    address = f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
    print(f"serving {printable_url(url)} on {address}", flush=True)
    if access.token is not None:
        print(
            f"access token required (MONITOR_SERVE_TOKEN): send it as Authorization: Bearer TOKEN, "
            f"or open {address}?token=TOKEN once in a browser",
            flush=True,
        )
    if not ipaddress.ip_address(host).is_loopback:
        print(
            "monitor: warning: plain HTTP: the token and the archive cross the network unencrypted "
            "(put a TLS proxy in front on a network you do not trust)",
            file=sys.stderr,
            flush=True,
        )
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[listener])
    return 0


def _listen(host: str, port: int) -> socket.socket:
    """Bound here, not by uvicorn: a busy port is a one-line error, and port 0's choice and
    the address a name stands for are known."""
    try:
        return socket.create_server((host, port))
    except OSError as error:
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def _serve_access(bound: str, allowed: list[str]) -> Access:
    """Who `serve` answers: requests addressed to this machine by name, to the address it
    listens on or to the names allowed; with MONITOR_SERVE_TOKEN, only those carrying it.
    Listening beyond this machine without a token is refused: anyone on the network could
    read the archive."""
    from monitor.api import LOOPBACK_NAMES, Access, host_name

    token = os.environ.get("MONITOR_SERVE_TOKEN") or None
    if token is not None and not _TOKEN.fullmatch(token):
        raise UsageError(
            "MONITOR_SERVE_TOKEN must be 16 or more letters, digits, - _ . or ~ "
            "(make one: python3 -c 'import secrets; print(secrets.token_urlsafe())')"
        )
    address = ipaddress.ip_address(bound)
    if token is None and not address.is_loopback:
        raise UsageError(
            f"{bound} is reachable from other machines: set MONITOR_SERVE_TOKEN to an access token "
            'first (see README.md, "JSON API and web page"), or serve on 127.0.0.1'
        )
    # Set, MONITOR_PUBLIC_URL is where readers reach the server (a proxy's name): feeds link
    # there. Unset, they link to the address each request gave.
    public_url = os.environ.get("MONITOR_PUBLIC_URL", "").rstrip("/") or None
    hosts = set(LOOPBACK_NAMES) | ({str(address)} if not address.is_unspecified else set())
    if public_url and (public_host := urlsplit(public_url).hostname):
        hosts.add(public_host)
    for name in allowed + [n.strip() for n in os.environ.get("MONITOR_ALLOWED_HOSTS", "").split(",") if n.strip()]:
        found = host_name(name)
        if found is None:
            raise UsageError(f"not a host name: {name!r}")
        hosts.add(found)
    return Access(frozenset(hosts), address.is_unspecified, token, public_url)


def console() -> None:
    """The `monitor` command: main(), then exit with its status. Once the command is done, a
    Ctrl-C (while Python joins the worker threads at exit) would only replace that status
    with a KeyboardInterrupt: it is ignored from then on."""
    status = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(status)


if __name__ == "__main__":
    console()
