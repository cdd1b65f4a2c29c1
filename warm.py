"""Warm a snapshot before it goes live: `python -m warm PATH`.

Draws, from the snapshot at PATH, what the first requests of the standard views need (every page's
default view, for each metric, touchpoint, segment and owner it can name, and the wall's default deck),
into the cache the app is configured with, under the snapshot's own id. With BEACON_CACHE_URL naming
the Redis every host shares, the first requests after the swap, on every host and every fresh worker,
are as fast as warm ones instead of all computing the same answers at once. deploy/prod.py runs it
between copying a snapshot to the hosts and swapping it in there.

Each page's layout is drawn as a browser's first request draws it; a page module may add a
`warm(**path_ids)` function for what its callbacks draw (the metric page's charts).
"""

import argparse
import re
import sys
import time
from pathlib import Path

import dash
from flask import g

import auth
import config
from app import app
from queries.runner import pinned
from views.context import known_ids

PATH_ID = re.compile(r"<(\w+)_id>")


def _path_ids(template: str | None) -> list[dict]:
    """Each set of ids a page's path template can name: one {} for a page without any."""
    kinds = PATH_ID.findall(template or "")
    if not kinds:
        return [{}]
    if len(kinds) > 1 or kinds[0] not in ("metric", "touchpoint", "segment", "owner"):
        return []  # a commitment's page and the like: not a view of the warehouse
    return [{f"{kinds[0]}_id": value} for value in known_ids(kinds[0])]


def warm(path: Path) -> tuple[str, int, float]:
    """Draw every standard view from the snapshot at `path`: (its id, views drawn, seconds taken)."""
    started, drawn = time.perf_counter(), 0
    with app.server.test_request_context(), pinned(path) as identity:
        # As someone who may see everything (comments included): what owners and admins open first.
        g.user = auth.User("warm", auth.ADMIN)
        for page in dash.page_registry.values():
            module = sys.modules[page["module"]]
            for path_ids in _path_ids(page.get("path_template")):
                page["layout"](**path_ids)
                if hasattr(module, "warm"):
                    module.warm(**path_ids)
                drawn += 1
    return identity, drawn, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warm", description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path, help="the snapshot file to warm (one not yet live, say)")
    arguments = parser.parse_args(argv)
    if not config.CACHE_URL:
        print(
            "BEACON_CACHE_URL is not set: no cache is shared with the app's processes, so nothing is warmed."
        )
        return 0
    identity, drawn, seconds = warm(arguments.snapshot)
    print(f"Warmed snapshot {identity}: {drawn} views in {seconds:.1f} s, into the shared cache.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
