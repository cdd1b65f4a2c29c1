"""The executive review pack as a PDF: Beacon's own /review page printed by headless Chromium.

    python -m data.review_pack --period 2026-Q4 [--compare prev] [--segment smb] [--public] [--lang fi] --out pack.pdf

starts Beacon (gunicorn, as `make run` does) on a free loopback port with sign-in off (loopback only),
prints /review?… to an A4 landscape PDF and stops it. The pack and the command's messages are in
--lang (default BEACON_DEFAULT_LANGUAGE): /review?lang=… draws the page in it. `render_pack` prints from a server already
running: the scorecard's download uses it against Beacon itself, with the user's cookies.
A subprocess, not an import: data/ sits below the app and its pages.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlencode

import i18n
from i18n import _, ngettext

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("BEACON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: How long a server may take to start, and a page to draw: a ceiling on busy machines, never a pause.
PATIENCE_SECONDS = 120
#: The page's margins on paper.
MARGIN = {"top": "10mm", "bottom": "10mm", "left": "10mm", "right": "10mm"}
#: The languages a pack can be made in: every interface language.
LANGUAGES = tuple(i18n.LANGUAGES)


class ReviewPackError(Exception):
    """Why the pack could not be made, in one line for whoever asked for it."""


def render_pack(
    base_url: str, query: str, out: str | Path | None, cookies: list[dict] | None = None
) -> bytes:
    """The PDF of `base_url`/review?`query`, written to `out` when given; `cookies` (Playwright's
    {name, value, url | domain+path}) sign the browser in. ReviewPackError says what the page said
    instead of drawing the pack (a wrong period, say)."""
    from playwright.sync_api import Error, sync_playwright  # only the pack needs a browser

    url = f"{base_url.rstrip('/')}/review" + (f"?{query}" if query else "")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1123, "height": 794}, color_scheme="light")
            context.set_default_timeout(PATIENCE_SECONDS * 1000)
            if cookies:
                context.add_cookies(cookies)
            page = context.new_page()
            page.goto(url)
            try:
                page.wait_for_selector('[data-review-ready="true"], .problem')
            except Error as error:
                raise ReviewPackError(
                    _(
                        "The review page did not finish drawing: %(reason)s",
                        reason=error.message.splitlines()[0],
                    )
                ) from None
            problem = page.query_selector(".problem")
            if problem is not None:
                # The message itself, without its title and the link back.
                message = problem.query_selector("p") or problem
                raise ReviewPackError(" ".join(message.inner_text().split()))
            pdf = page.pdf(format="A4", landscape=True, print_background=True, margin=MARGIN)
        finally:
            browser.close()
    if out is not None:
        Path(out).write_bytes(pdf)
    return pdf


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF Chromium wrote (each page object says /Type /Page)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerError(ReviewPackError):
    """Beacon did not start: the message has its last line of output, `log` all of it."""

    def __init__(self, message: str, log: str):
        super().__init__(message)
        self.log = log


@contextmanager
def beacon(
    extra_env: dict | None = None,
    workers: int = 1,
    port: int | None = None,
    root: Path = ROOT,
    config: str = "gunicorn.conf.py",
):
    """Beacon under gunicorn on `port` (default: a free loopback port), sign-in off unless `extra_env`
    says otherwise; yields its base URL. The tests and benchmarks serve with it too, some another
    source tree (`root`, a checkout of main) and their own gunicorn `config`."""
    port = port or free_port()
    env = {
        **os.environ,
        "BEACON_HOST": "127.0.0.1",
        "BEACON_PORT": str(port),
        "BEACON_AUTH": "none",
        **(extra_env or {}),
    }
    own_venv = root / ".venv" / "bin" / "gunicorn"
    gunicorn = own_venv if own_venv.exists() else Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--config", config, "--workers", str(workers)]
    command += ["--access-logfile", "/dev/null", "app:server"]
    # Its log goes to a file nobody has to read for it to go on (a full pipe would stop it).
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + PATIENCE_SECONDS
            while True:
                try:
                    urllib.request.urlopen(f"{url}/healthz", timeout=max(deadline - time.monotonic(), 1))
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        output = log.read()
                        lines = [line for line in output.splitlines() if line.strip()]
                        raise ServerError(
                            _(
                                "Beacon did not start: %(reason)s",
                                reason=lines[-1] if lines else _("no output"),
                            ),
                            output,
                        ) from None
                    # Between tries, wait on the server itself: an exit ends the wait at once.
                    with suppress(subprocess.TimeoutExpired):
                        process.wait(timeout=0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=PATIENCE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def query_string(
    period: str, compare: str | None, segment: str | None, public: bool, lang: str | None = None
) -> str:
    """/review's query string for the pack's view (in `lang`, when given)."""
    params = {
        "period": period,
        "compare": compare,
        "segment": segment,
        "public": "1" if public else None,
        "lang": lang,
    }
    return urlencode({key: value for key, value in params.items() if value})


def pack_apart(period: str, extra_env: dict | None = None, lang: str | None = None) -> bytes:
    """The pack of `period` (in `lang`, default BEACON_DEFAULT_LANGUAGE), made by this module's command in a process of its own: a caller that
    drives a browser itself (Playwright's sync API allows one per thread) or should not hold Chromium's
    memory asks for it this way. ReviewPackError carries the command's own message."""
    with tempfile.TemporaryDirectory(prefix="beacon-pack-") as folder:
        out = Path(folder) / "pack.pdf"
        try:
            done = subprocess.run(
                [sys.executable, "-m", "data.review_pack", "--period", period, "--out", str(out)]
                + (["--lang", lang] if lang else []),
                cwd=ROOT,
                env={**os.environ, **(extra_env or {})},
                capture_output=True,
                text=True,
                timeout=3 * PATIENCE_SECONDS,
            )
        except subprocess.TimeoutExpired:
            raise ReviewPackError(
                _("it took longer than %(seconds)s s", seconds=i18n.format_integer(3 * PATIENCE_SECONDS))
            ) from None
        if done.returncode != 0:
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            # The command's own reason, without its "No review pack: " (in the language it spoke).
            with i18n.language(lang):
                prefix = _("No review pack: %(reason)s", reason="")
            raise ReviewPackError(lines[-1].removeprefix(prefix) if lines else _("no output"))
        return out.read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.review_pack", description=__doc__.splitlines()[0])
    parser.add_argument("--period", required=True, help="e.g. 2026-Q4, 2026-11, 2026, t90")
    parser.add_argument("--compare", help="prev (default) or yoy")
    parser.add_argument("--segment", help="a segment id; default all customers")
    parser.add_argument("--public", action="store_true", help="public-mode rules, as on a public wall")
    parser.add_argument(
        "--lang",
        default=None,
        help=f"the pack's language: {', '.join(LANGUAGES)} (default BEACON_DEFAULT_LANGUAGE)",
    )
    parser.add_argument("--out", required=True, help="the PDF file to write")
    args = parser.parse_args(argv)
    if args.lang is not None and i18n.supported(args.lang) is None:
        print(
            _(
                "--lang %(code)s: the pack is made in %(languages)s only.",
                code=args.lang,
                languages=", ".join(LANGUAGES),
            ),
            file=sys.stderr,
        )
        return 2
    with i18n.language(args.lang) as lang:
        started = time.monotonic()
        try:
            with beacon() as url:
                pdf = render_pack(
                    url, query_string(args.period, args.compare, args.segment, args.public, lang), args.out
                )
        except ReviewPackError as error:
            print(_("No review pack: %(reason)s", reason=error), file=sys.stderr)
            return 1
        print(
            _(
                "%(file)s: %(pages)s, %(bytes)s, %(seconds)s s",
                file=args.out,
                pages=ngettext("%(num)s page", "%(num)s pages", page_count(pdf)),
                bytes=ngettext("%(num)s byte", "%(num)s bytes", len(pdf)),
                seconds=i18n.format_decimal(time.monotonic() - started, 1),
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
