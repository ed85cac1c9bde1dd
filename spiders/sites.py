"""Sites by configuration: the sites files found, read and checked (README: "Adding a site
by configuration"). A site is a name, a base URL, where its article links are (list pages,
feeds, sitemaps), a pattern that tells an article's URL, and CSS selectors for any field;
spiders.configured makes a spider of each."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import cssselect
from parsel.csstranslator import css2xpath

SITE_KEYS = (
    "name",
    "base_url",
    "lists",
    "next_page",
    "page_count",
    "page_url",
    "page_first",
    "feeds",
    "sitemaps",
    "discover",
    "article_pattern",
    "selectors",
)
FIELDS = ("title", "published_at", "author", "source", "body")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
SHIPPED_SITES = Path(__file__).with_name("sites.toml")  # the sites monitor ships


def default_sites_files() -> list[Path]:
    """The sites files when the MONITOR_SITES_FILES setting names none, in order (a later
    file's site replaces an earlier one of its name): the shipped one, then the file the
    MONITOR_SITES environment variable names, else monitor/sites.toml in the user's
    configuration folder when it exists."""
    if os.environ.get("MONITOR_SITES"):
        return [SHIPPED_SITES, Path(os.environ["MONITOR_SITES"]).expanduser()]
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    user = Path(config_home) / "monitor" / "sites.toml"
    return [SHIPPED_SITES, user] if user.exists() else [SHIPPED_SITES]


class SitesError(ValueError):
    """A sites file that cannot be used: one line naming the file, the site and the key."""


@dataclass(frozen=True)
class SiteConfig:
    name: str
    base_url: str
    article_pattern: re.Pattern[str]
    lists: tuple[str, ...] = ()
    next_page: str | None = None  # a CSS selector of the list pages' pagination links
    # A pager written by script: the page count read from the list page by a pattern (its
    # first group), the further pages' addresses from a template, numbered from page_first.
    page_count: re.Pattern[str] | None = None
    page_url: str = ""
    page_first: int = 1
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    discover: bool = True  # robots.txt Sitemap: lines, the home page's <link rel="alternate"> feeds
    selectors: dict[str, str] = field(default_factory=dict)  # field -> CSS selector


def read_sites_file(path: Path, reserved: frozenset[str]) -> dict[str, SiteConfig]:
    """The sites of one file by name. `reserved`: the built-in spiders' names, which no site
    may take."""
    try:
        with open(path, "rb") as file:
            document = tomllib.load(file)
    except OSError as error:
        raise SitesError(f"{path}: cannot read the sites file: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise SitesError(f"{path}: not TOML: {error}") from None
    if set(document) - {"site"}:
        raise SitesError(f"{path}: unknown key {sorted(set(document) - {'site'})[0]!r} (a site is a [[site]] table)")
    tables = document.get("site", [])
    if not isinstance(tables, list):
        raise SitesError(f"{path}: site: write each site as a [[site]] table")
    sites: dict[str, SiteConfig] = {}
    for number, table in enumerate(tables, 1):
        label = repr(table["name"]) if isinstance(table.get("name"), str) else f"number {number}"
        try:
            site = _site(table, reserved)
        except (ValueError, TypeError) as error:
            raise SitesError(f"{path}: site {label}: {error}") from None
        if site.name in sites:
            raise SitesError(f"{path}: site {label}: name: two sites are named {site.name!r}")
        sites[site.name] = site
    return sites


def _site(table: dict[str, Any], reserved: frozenset[str]) -> SiteConfig:
    unknown = sorted(set(table) - set(SITE_KEYS))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (known: {', '.join(SITE_KEYS)})")
    name = _name(table, reserved)
    discover = table.get("discover", True)
    if not isinstance(discover, bool):
        raise TypeError(f"discover: true or false, not {discover!r}")
    lists, feeds, sitemaps = (_paths(table, key) for key in ("lists", "feeds", "sitemaps"))
    if not (lists or feeds or sitemaps or discover):
        raise ValueError("lists, feeds, sitemaps: none given and discover is false: nothing to crawl")
    next_page = _text(table, "next_page")
    page_count, page_url, page_first = _scripted_pager(table)
    return SiteConfig(
        name=name,
        base_url=_base_url(table),
        article_pattern=_pattern("article_pattern", _required(table, "article_pattern")),
        lists=lists,
        next_page=_selector("next_page", next_page) if next_page is not None else None,
        page_count=page_count,
        page_url=page_url,
        page_first=page_first,
        feeds=feeds,
        sitemaps=sitemaps,
        discover=discover,
        selectors=_selectors(table.get("selectors", {})),
    )


def _text(table: dict[str, Any], key: str, prefix: str = "") -> str | None:
    value = table.get(key)
    if value is not None and not (isinstance(value, str) and value.strip()):
        raise TypeError(f"{prefix}{key}: a non-empty string, not {value!r}")
    return value


def _required(table: dict[str, Any], key: str, prefix: str = "") -> str:
    value = _text(table, key, prefix)
    if value is None:
        raise ValueError(f"{prefix}{key}: missing")
    return value


def _name(table: dict[str, Any], reserved: frozenset[str]) -> str:
    name = _required(table, "name")
    if not _NAME.fullmatch(name):
        raise ValueError(f"name: {name!r} is not lower-case letters, digits and _ starting with a letter")
    if name in reserved:
        raise ValueError(f"name: {name!r} is a built-in spider's ({', '.join(sorted(reserved))}): choose another")
    return name


def _base_url(table: dict[str, Any]) -> str:
    base_url = _required(table, "base_url")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url: not an http(s) address: {base_url!r}")
    return base_url.rstrip("/")


def _paths(table: dict[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(path, str) for path in value):
        raise TypeError(f"{key}: a list of paths, not {value!r}")
    wrong = next((path for path in value if not path.startswith("/")), None)
    if wrong is not None:
        raise ValueError(f"{key}: {wrong!r} is not a path on the site (starting with /)")
    return tuple(value)


def _pattern(key: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ValueError(f"{key}: not a regular expression: {error} in {pattern!r}") from None


def _scripted_pager(table: dict[str, Any]) -> tuple[re.Pattern[str] | None, str, int]:
    count_pattern = _text(table, "page_count")
    count = _pattern("page_count", count_pattern) if count_pattern is not None else None
    url = _text(table, "page_url")
    first = table.get("page_first", 1)
    if (count is None) != (url is None):
        raise ValueError(
            "page_count and page_url: give both (the pattern of the page count, the pages' template) or neither"
        )
    if count is not None and count.groups < 1:
        raise ValueError(f"page_count: the pattern needs a group around the number: {count.pattern!r}")
    if url is not None and "{n}" not in url:
        raise ValueError(f"page_url: a template with {{n}} for the page's number, not {url!r}")
    if isinstance(first, bool) or not isinstance(first, int) or first < 0:
        raise TypeError(f"page_first: a whole number from 0, not {first!r}")
    return count, url or "", first


def _selector(key: str, selector: str) -> str:
    try:
        css2xpath(selector)  # what parsel will run: some selectors parse, yet do not translate (a:unknown)
        parsed = cssselect.parse(selector)
    except cssselect.SelectorError as error:
        raise ValueError(f"{key}: not a CSS selector: {error} in {selector!r}") from None
    if any(part.pseudo_element for part in parsed):
        raise ValueError(f"{key}: select elements, without ::text or ::attr(): {selector!r}")
    return selector


def _selectors(table: Any) -> dict[str, str]:
    if not isinstance(table, dict):
        raise TypeError(f"selectors: a table ([site.selectors]), not {table!r}")
    unknown = sorted(set(table) - set(FIELDS))
    if unknown:
        raise ValueError(f"selectors: unknown key {unknown[0]!r} (known: {', '.join(FIELDS)})")
    return {
        key: _selector(f"selectors.{key}", _required(table, key, prefix="selectors.")) for key in FIELDS if key in table
    }
