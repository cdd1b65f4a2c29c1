"""python -m data.notify [--loop] [--dry-run]: find the clock's events, queue the weekly digest and
deliver the outbox; once, or every BEACON_NOTIFY_INTERVAL seconds until SIGTERM or Ctrl-C."""

import argparse
import logging
import signal
import sys
import threading

import config
from components import alert_messages  # the command is a shell: it hands the sender its words
from data.notify import sender, smtp
from data.state import alerts, database


def run_pass(dry_run: bool = False, url: str | None = None, publish: bool = True) -> str:
    """One pass; returns its line."""
    found = 0
    if publish and not dry_run and config.WAREHOUSE.exists():
        # Catch-up: a publish whose process died before it recorded its events.
        found += alerts.record_publication(config.WAREHOUSE) or 0
    tally = sender.deliver_due(url, wording=alert_messages, dry_run=dry_run)
    for planned in tally.planned:
        print(f"would send: {planned}")
    return f"found {found} events, sent {tally.sent}, waiting {tally.waiting}, failed {tally.failed}"


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
