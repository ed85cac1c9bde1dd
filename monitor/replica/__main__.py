"""`python -m monitor.replica [--articles N] [--today DAY]`: serve the replica sites, print
"<site> <address>" per site; each site holds N generated articles (default:
catalog.ARTICLES_PER_SITE) and, with --today, shows only those published by that day (the
clock of server.py, which GET /_replica/clock moves)."""

from __future__ import annotations

import argparse
import json
import sys
import threading

from monitor.replica.catalog import ARTICLES_PER_SITE, manifest
from monitor.replica.server import SITES, parse_day, serve_replicas


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m monitor.replica", description=__doc__)
    parser.add_argument("--manifest", metavar="FILE", help="write the replicas' manifest (JSON) and exit")
    parser.add_argument(
        "--articles", type=int, default=ARTICLES_PER_SITE, metavar="N", help="generated articles a site"
    )
    parser.add_argument("--sites", default=",".join(SITES), help="the sites to serve, comma-separated (default: all)")
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help="the clock: serve only the articles published by that day (default: all)"
    )
    args = parser.parse_args()
    today = parse_day(args.today) if args.today else None
    if args.today and today is None:
        sys.exit(f"monitor: --today: not a day (YYYY-MM-DD): {args.today!r}")
    sites = tuple(args.sites.split(","))
    if args.articles < 1:
        sys.exit(f"monitor: --articles must be at least 1, not {args.articles}")
    if unknown := sorted(set(sites) - set(SITES)):
        sys.exit(f"monitor: no replica of {', '.join(unknown)} (replicas: {', '.join(SITES)})")
    if args.manifest:
        with open(args.manifest, "w", encoding="utf-8") as out:
            json.dump(manifest(args.articles), out, ensure_ascii=False, indent=1)
        return
    with serve_replicas(sites=sites, articles=args.articles, today=today) as addresses:
        for site, address in addresses.items():
            print(site, address, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            sys.exit(0)


if __name__ == "__main__":
    main()
