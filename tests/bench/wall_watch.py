"""A real wall screen in Chromium watched while the load runs: how often it said "Reconnecting" and how
often its slides were replaced, so a load or a fault that makes screens cry wolf is counted.

    with WallWatch(f"{url}/wall?refresh=30") as watch:
        ...  # the load
    print(watch.result())  # {"reconnecting_shown": 0, "deck_replaced": 1, ...}
"""

import threading
import time

from tests.browser import chromium, open_page

# Counts, in the page, each time the banner shows and each time the deck's slides are replaced.
OBSERVER = """() => {
  window.beaconWatch = {reconnecting: 0, decks: 0, since: Date.now()};
  const banner = document.getElementById('wall-reconnecting');
  new MutationObserver(() => { if (!banner.hidden) window.beaconWatch.reconnecting += 1; })
    .observe(banner, {attributes: true, attributeFilter: ['hidden']});
  new MutationObserver(() => { window.beaconWatch.decks += 1; })
    .observe(document.getElementById('wall-deck'), {childList: true});
}"""


class WallWatch:
    """Chromium on the wall at `url` in a thread of its own (Playwright's sync API stays in it)."""

    def __init__(self, url: str):
        self.url = url
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._result: dict = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        if not self._ready.wait(120):
            raise RuntimeError(f"the wall at {self.url} did not draw within 120 s")
        if self._error:
            raise self._error
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        self._thread.join(60)

    def _run(self) -> None:
        try:
            with chromium() as browser:
                page = open_page(browser, self.url, 1920, 1080)
                page.wait_for_selector(".wall-slide")
                page.evaluate(OBSERVER)
                self._ready.set()
                self._stop.wait()  # the page runs by itself meanwhile; its counters live in it
                counts = page.evaluate("() => window.beaconWatch")
                self._result = {
                    "reconnecting_shown": counts["reconnecting"],
                    "deck_replaced": counts["decks"],
                    "seconds": round((time.time() * 1000 - counts["since"]) / 1000),
                    "page_problems": len(page.problems),
                }
        except BaseException as error:  # reported by __enter__ or result()
            self._error = error
            self._ready.set()

    def result(self) -> dict:
        if self._error:
            raise self._error
        return self._result
