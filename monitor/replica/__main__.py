"""`python -m monitor.replica`: serve the replica sites, print "<site> <address>" per site."""

from __future__ import annotations

import argparse
import json
import sys
import threading

from monitor.replica.catalog import manifest
from monitor.replica.server import SITES, serve_replicas


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m monitor.replica", description=__doc__)
    parser.add_argument("--manifest", metavar="FILE", help="write the replicas' manifest (JSON) and exit")
    args = parser.parse_args()
    if args.manifest:
        with open(args.manifest, "w", encoding="utf-8") as out:
            json.dump(manifest(), out, ensure_ascii=False, indent=1)
        return
    with serve_replicas(sites=SITES) as addresses:
        for site, address in addresses.items():
            print(site, address, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            sys.exit(0)


if __name__ == "__main__":
    main()
