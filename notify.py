"""python -m data.notify [--loop] [--dry-run]: find the clock's events, queue the weekly digest and
deliver the outbox; once, or every BEACON_NOTIFY_INTERVAL seconds until SIGTERM or Ctrl-C.

The command's shell, at the top beside app.py because it wires every layer: the views' clock and digest
(they read the query layer) and the sender handed the components' words. data/notify/__main__.py keeps
the command's documented name and hands its process over to this module."""

import argparse
import logging
import signal
import sys
import threading
from datetime import datetime

import config
from components import alert_messages
from data.notify import sender, smtp
from data.state import alerts, database
from data.state.commitments import current_time
from views import clock, digest

log = logging.getLogger(__name__)


def _owner_ids(warehouse: bool) -> dict[str, str]:
    """The catalogue's owner e-mail → owner_id, for the sender to find an owner's account's language."""
    if not warehouse:
        return {}
    try:
        return digest.owner_ids()
    except clock.WarehouseError:
        return {}


def run_pass(
    dry_run: bool = False, url: str | None = None, publish: bool = True, now: datetime | None = None
) -> str:
    """One pass at `now` (default: the local time now): record a publish not recorded yet, the clock's
    events, queue the weekly digest when it is due, deliver what is due; returns its line. A dry run
    records and queues nothing and prints what it would record, queue and send."""
    found = digests = 0
    now = now or current_time()
    warehouse = config.WAREHOUSE.exists()
    if publish and not dry_run and warehouse:
        # Catch-up: a publish whose process died before it recorded its events.
        found += alerts.record_publication(config.WAREHOUSE, url=url) or 0
    try:
        if warehouse:  # the clock and the digest read the warehouse: without one there is nothing to say
            if dry_run:
                for event in clock.due(now, url):
                    print(f"would record: {event.kind} {alert_messages.sentence(event.kind, event.facts)}")
                for address in digest.planned(now, url):
                    print(f"would queue: the weekly digest to {address}")
            else:
                found += clock.find(now, url)
                digests = digest.queue(now, url)
    except clock.WarehouseError as error:  # a warehouse with no data yet: deliver what waits anyway
        log.warning("No clock events or digest this pass: %s", error)
    tally = sender.deliver_due(url, wording=alert_messages, dry_run=dry_run, owner_ids=_owner_ids(warehouse))
    for planned in tally.planned:
        print(f"would send: {planned}")
    return (
        f"found {found} events, queued {digests} digests, sent {tally.sent}, waiting {tally.waiting}, "
        f"failed {tally.failed}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.notify", description=__doc__)
    parser.add_argument("--loop", action="store_true", help="run a pass every BEACON_NOTIFY_INTERVAL seconds")
    parser.add_argument("--dry-run", action="store_true", help="print what would be sent; change nothing")
    options = parser.parse_args(argv)
    logging.basicConfig(level=config.LOG_LEVEL, format="%(levelname)s %(name)s: %(message)s")
    try:
        config.validate()
        if config.SMTP_URL:
            smtp.parse(config.SMTP_URL)
        database.migrate()
        stop = threading.Event()
        if options.loop:
            # The pass under way finishes; the next one does not start.
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda _s, _f: stop.set())
        while True:
            print(run_pass(options.dry_run), flush=True)
            if not options.loop or stop.wait(config.NOTIFY_INTERVAL):
                return 0
    except smtp.SettingError as error:
        print(error, file=sys.stderr)
    except database.BusyError as error:  # UnreachableError too
        print(f"data.notify: {error}", file=sys.stderr)
    except SystemExit as error:
        print(error, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
