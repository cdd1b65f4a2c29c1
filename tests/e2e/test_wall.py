"""The wall screen in headless Chromium: rotation at the dwell, public mode, sizes that scale with the
screen, every slide's text whole and clear of the rest, banners clear of the titles, new data without a
reload, and a server that goes away and comes back."""

import itertools
import multiprocessing
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from datetime import date

import pytest
from playwright.sync_api import expect

from data.demo.cases import seed_cases
from data.demo.commitments import seed_commitments
from data.review_pack import free_port
from tests.browser import PATIENCE_SECONDS, beacon_server, open_page
from tests.tiny_warehouse import build_tiny_warehouse

# Which slide the rotation has brought forward (the deck's --active), and the browser's clock. Read
# from the deck, not from the slide's opacity, so a busy machine's slow 0.6 s fade is not counted late.
ACTIVE_SLIDE = """() => {
  const deck = document.getElementById('wall-deck');
  const active = deck ? deck.style.getPropertyValue('--active').trim() : '';
  const slide = active && deck.querySelector(`.wall-slide[data-slide-index="${active}"]`);
  return [slide ? slide.dataset.slide : null, Date.now() / 1000];
}"""
# Exactly one slide at full opacity (the others fade out to 0), and it is the deck's --active one.
ACTIVE_SLIDE_SHOWS = """() => {
  const shown = [...document.querySelectorAll('.wall-slide')]
    .filter((slide) => getComputedStyle(slide).opacity === '1');
  const active = document.getElementById('wall-deck').style.getPropertyValue('--active').trim();
  return shown.length === 1 && shown[0].dataset.slideIndex === active;
}"""
# A scrollbar on the page, and every element of the wall whose content is wider or taller than its box
# (1 px for rounding): a name cut short with "…", a value spilling out, a list clipped at the foot.
# Inline elements have no box of their own; their block's size holds them.
OVERFLOWS = """() => {
  const page = document.scrollingElement;
  const found = [];
  if (page.scrollHeight > innerHeight || page.scrollWidth > innerWidth) found.push('page scrolls');
  for (const element of document.querySelectorAll('.wall-root, .wall-root *')) {
    if (getComputedStyle(element).display === 'inline') continue;
    const { scrollWidth, scrollHeight, clientWidth, clientHeight } = element;
    if (scrollWidth > clientWidth + 1 || scrollHeight > clientHeight + 1) {
      const slide = element.closest('.wall-slide')?.dataset.slide ?? 'frame';
      const text = element.textContent.trim().slice(0, 40);
      found.push(`${slide}: .${element.className} "${text}" ${scrollWidth}x${scrollHeight} in ${clientWidth}x${clientHeight}`);
    }
  }
  return found;
}"""
# The parts of every KPI tile and journey card, each as the boxes it draws: one per line for a name
# that wraps (so a status beside its last line is not on it), one for a block. Returns how many tiles
# and cards each slide has, and every pair of parts of one of them whose boxes meet by more than 1 px.
COLLISIONS = """() => {
  const PARTS = ['.tile-name', '.status-badge', '.tile-value', '.tile-detail', '.tile-target',
    '.tile-change', '.tile-sparkline', '.tile-owner', '.journey-touchpoint', '.journey-value',
    '.journey-rest'].join(',');
  const meet = (a, b) =>
    a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const boxes = (element) => [...element.getClientRects()].filter((box) => box.width && box.height);
  const counts = {};
  const found = [];
  for (const slide of document.querySelectorAll('.wall-slide')) {
    const cards = slide.querySelectorAll('.kpi-tile, .journey-card');
    counts[slide.dataset.slide] = cards.length;
    for (const card of cards) {
      const parts = [...card.querySelectorAll(PARTS)].filter((part) => boxes(part).length);
      parts.forEach((one, index) => {
        for (const other of parts.slice(index + 1)) {
          if (one.contains(other) || other.contains(one)) continue;
          if (boxes(one).some((a) => boxes(other).some((b) => meet(a, b)))) {
            const name = card.dataset.metricId ?? card.dataset.touchpointId;
            found.push(`${slide.dataset.slide} ${name}: .${one.className} on .${other.className}`);
          }
        }
      });
    }
  }
  return [counts, found];
}"""
# Each slide's title and subtitle that a banner or the clock is drawn over, and how many banners show.
COVERED_TITLES = """() => {
  const meet = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const over = [...document.querySelectorAll('.wall-banner, .wall-time')]
    .filter((element) => element.getClientRects().length);
  const covered = [];
  for (const heading of document.querySelectorAll('.wall-title, .wall-subtitle')) {
    for (const element of over) {
      if (meet(heading.getBoundingClientRect(), element.getBoundingClientRect())) {
        const slide = heading.closest('.wall-slide').dataset.slide;
        covered.push(`${slide}: .${heading.className} under .${element.className}`);
      }
    }
  }
  return [over.filter((element) => element.matches('.wall-banner')).length, covered];
}"""
# Every slide the wall can show, on the demo's 13 touchpoints and 5 segments.
EVERY_SLIDE = "scorecard,journey,movers,commitments,cases,touchpoints,segments"


@pytest.fixture(scope="module")
def office(demo_warehouse_path, tmp_path_factory):
    """Beacon on the demo warehouse with the demo's commitments and cases, as an office would have it. Seeded in a
    process of its own: `state.migrate` creates one fresh database per process."""
    url = f"sqlite:///{tmp_path_factory.mktemp('wall-state') / 'state.db'}"
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(seed_commitments, url, date(2026, 11, 23)).result(timeout=PATIENCE_SECONDS) > 0
        assert pool.submit(seed_cases, url, demo_warehouse_path).result(timeout=PATIENCE_SECONDS) > 0
    with beacon_server(demo_warehouse_path, extra_env={"BEACON_STATE_URL": url}) as base:
        yield base


def open_wall(browser, url: str, width: int = 1920, height: int = 1080):
    """The wall at `url`, once its slides (or its problem) are on screen."""
    page = open_page(browser, url, width, height)
    page.wait_for_selector(".wall-slide, .wall-problem")
    return page


def _slides_seen(page, count: int) -> list[tuple[float, str]]:
    """(browser clock in seconds, slide) for the slide on screen and each change after it, watched in the
    page itself (every 50 ms, so no round trip delays a sighting) until `count` have been seen."""
    page.evaluate(
        f"""() => {{
          const active = {ACTIVE_SLIDE};
          const seen = (window.beaconSlidesSeen = []);
          setInterval(() => {{
            const [slide, now] = active();
            if (slide && (!seen.length || seen.at(-1)[1] !== slide)) seen.push([now, slide]);
          }}, 50);
        }}"""
    )
    page.wait_for_function("count => window.beaconSlidesSeen.length >= count", arg=count)
    return [tuple(sighting) for sighting in page.evaluate("window.beaconSlidesSeen")]


def test_slides_rotate_at_the_dwell_with_clock_and_progress(browser, server):
    """dwell=3: the slides follow each other in the URL's order, each change just after a 3-second mark
    of the clock (the rotation follows the clock, so screens agree), with no navbar or controls; the
    clock, the as-of date and one progress step per slide are always on screen."""
    page = open_wall(browser, f"{server}/wall?slides=scorecard,journey,commitments&dwell=3")
    expect(page.locator(".wall-slide")).to_have_count(3)
    seen = _slides_seen(page, 4)
    order = ["scorecard", "journey", "commitments"]
    changes = seen[1:]
    assert len(changes) >= 2, seen
    for (_when, before), (_later, after) in itertools.pairwise(changes):
        assert order[(order.index(before) + 1) % 3] == after
    # Seen at most one tick (0.5 s) plus this test's sampling and a busy machine's delay after its mark.
    lateness = [when % 3 for when, _slide in changes]
    assert all(late < 1.5 for late in lateness), lateness
    page.wait_for_function(ACTIVE_SLIDE_SHOWS)
    expect(page.locator(".shell-navbar")).to_be_hidden()
    assert page.locator(".wall-root select, .wall-root input, .wall-root button").count() == 0
    expect(page.locator("#wall-clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(page.locator("#wall-as-of")).to_have_text("Data as of 20 Nov 2026")
    expect(page.locator(".wall-step")).to_have_count(3)
    expect(page.locator("#wall-position")).to_contain_text(" of 3 · next: ")
    assert page.evaluate(OVERFLOWS) == []
    assert page.problems == []


def test_stale_data_is_flagged_and_bad_settings_are_named(browser, server):
    """The tiny warehouse's data ends on 20 Nov 2026: older than stale=2 days allows; a typo in the URL
    is shown full screen, naming the parameter."""
    page = open_wall(browser, f"{server}/wall?slides=scorecard&stale=2")
    banner = page.locator("[data-banner=stale]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("The latest data is from 20 Nov 2026")
    expect(page.locator("[data-banner=reconnecting]")).to_be_hidden()

    page = open_wall(browser, f"{server}/wall?dwell=soon")
    expect(page.locator(".wall-problem")).to_contain_text("dwell='soon' must be a whole number of seconds")
    page = open_wall(browser, f"{server}/wall?slides=touchpoint:moon")
    expect(page.locator(".wall-problem")).to_contain_text("touchpoint:moon")
    assert page.problems == []


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_every_slide_is_readable_across_the_room(browser, office, width, height):
    """On 1080p and 4K, under the stale banner (stale=0: the demo's data ends on 23 Nov 2026), every
    slide of every kind: values at least 6% of the screen height; every text whole, none cut short or
    clipped (the demo's longest: "Complaints per 1 000 customers", "10.17 ‰"-wide values with "Off track" on
    Billing & payments, owners like "Dariush Karimi"); no part of a tile or journey card on another;
    status told by colour, icon and word. The slides are stacked in place, each laid out at full size
    whether it shows or only its opacity hides it, so one page measures them all. The banner covers
    no slide's title."""
    page = open_wall(browser, f"{office}/wall?slides={EVERY_SLIDE}&dwell=600&stale=0", width, height)
    expect(page.locator("[data-banner=stale]")).to_be_visible()
    count = page.locator(".wall-slide").count()
    assert count == 5 + 13 + 5
    deck = page.locator(".wall-deck").bounding_box()
    for box in page.locator(".wall-slide").evaluate_all("ss => ss.map(s => s.getBoundingClientRect())"):
        assert (box["width"], box["height"]) == (deck["width"], deck["height"])
    for selector in (".tile-value", ".journey-value"):
        sizes = page.eval_on_selector_all(
            selector, "nodes => nodes.map(n => parseFloat(getComputedStyle(n).fontSize))"
        )
        assert sizes and min(sizes) >= 0.06 * height, (selector, min(sizes))
    badge = page.locator(".wall-slide[data-slide=scorecard] .kpi-tile .status-badge").first
    assert badge.locator("i.bi").count() == 1 and badge.inner_text().strip() != ""
    billing = page.locator(
        ".wall-slide[data-slide='touchpoint:billing'] .kpi-tile[data-metric-id=complaints]"
    )
    expect(billing.locator(".tile-value")).to_have_text(re.compile(r"^\d+\.\d\d ‰$"))
    expect(billing.locator(".tile-name")).to_have_text("Complaints per 1 000 customers")
    assert page.evaluate(OVERFLOWS) == []
    counts, collisions = page.evaluate(COLLISIONS)
    assert (counts["scorecard"], counts["journey"], counts["touchpoint:contact_centre"]) == (11, 13, 8)
    assert all(counts[f"segment:{segment}"] == 11 for segment in ("consumer", "smb", "students"))
    assert collisions == []
    assert page.evaluate(COVERED_TITLES) == [1, []]
    assert page.problems == []


def test_two_banners_cover_no_title_and_every_slide_still_fits(browser, office):
    """Stale data (stale=0) and the reconnecting banner at once, shown as assets/wall.js shows it when
    the server is away: no slide's title or subtitle is under a banner or the clock, and every slide
    still fits, its tiles a little shorter."""
    page = open_wall(browser, f"{office}/wall?slides={EVERY_SLIDE}&dwell=600&stale=0")
    expect(page.locator("[data-banner=stale]")).to_be_visible()

    page.evaluate(
        """() => {
          document.getElementById('wall-reconnecting').hidden = false;
          document.getElementById('wall-reconnecting-message').textContent =
            'The server has not answered since 09:41. The figures are the last good ones until it is back.';
        }"""
    )
    expect(page.locator("[data-banner=reconnecting]")).to_be_visible()
    assert page.evaluate(COVERED_TITLES) == [2, []]
    assert page.evaluate(OVERFLOWS) == []
    assert page.problems == []


def test_public_wall_hides_comments_contact_details_and_thin_cells(browser, office):
    """public=1: no verbatims, no e-mail addresses, and no value drawn from too few answers; the same
    wall for the office shows all three, so the test is not vacuous."""
    slides = "scorecard,journey,commitments,touchpoints"
    inside = open_wall(browser, f"{office}/wall?slides={slides}")
    assert inside.locator(".verbatim").count() > 0
    assert "@example.com" in inside.locator(".wall-root").text_content()
    thin = inside.locator(".wall-root [data-status=insufficient][data-value]:not([data-value=''])")
    assert thin.count() > 0

    public = open_wall(browser, f"{office}/wall?slides={slides}&public=1")
    assert public.locator(".wall-root").get_attribute("data-public") == "true"
    expect(public.locator(".wall-slide")).to_have_count(3 + 13)
    assert public.locator(".verbatim").count() == 0
    assert "@" not in public.locator(".wall-root").text_content()
    insufficient = public.locator(".wall-root [data-status=insufficient][data-value]")
    assert insufficient.count() > 0
    assert set(insufficient.evaluate_all("nodes => nodes.map(n => n.dataset.value)")) == {""}
    assert public.problems == []


def test_a_new_snapshot_shows_without_a_page_load(browser, tiny_warehouse_path, tmp_path):
    """refresh=2: a new warehouse snapshot swapped in under the running wall changes the value on screen
    and clears the stale banner, in the same page (no reload)."""
    live = tmp_path / "cx.duckdb"
    shutil.copy(tiny_warehouse_path, live)
    state = {"BEACON_STATE_URL": f"sqlite:///{tmp_path / 'state.db'}"}
    with beacon_server(live, extra_env=state) as url:
        page = open_wall(browser, f"{url}/wall?slides=scorecard&refresh=2")
        tile = page.locator(".kpi-tile[data-metric-id=aht]")
        assert tile.get_attribute("data-value") == "400.0"
        expect(page.locator("[data-banner=stale]")).to_be_visible()
        page.evaluate("window.beaconTestMarker = 'same page'")

        # The same data plus a day of handle time dated today: 2 000 s a contact.
        build_tiny_warehouse(live, extra_measurements=[("aht", date.today(), "shop", "ent", 60000.0, 30.0)])

        expect(tile).not_to_have_attribute("data-value", "400.0")
        expect(page.locator("[data-banner=stale]")).to_have_count(0)
        expect(page.locator("#wall-as-of")).to_have_text(f"Data as of {date.today():%-d %b %Y}")
        assert page.evaluate("window.beaconTestMarker") == "same page"
        assert page.problems == []


def test_the_wall_says_reconnecting_and_recovers_by_itself(browser, tiny_warehouse_path, tmp_path):
    """Stop the server under a running wall: the last data stays and "reconnecting" shows; start it again
    on the same port and the banner goes, with no one touching the page."""
    state = {"BEACON_STATE_URL": f"sqlite:///{tmp_path / 'state.db'}"}
    port = free_port()
    with beacon_server(tiny_warehouse_path, extra_env=state, port=port) as url:
        page = open_wall(browser, f"{url}/wall?slides=scorecard,journey&dwell=2&refresh=2")
        page.evaluate("window.beaconTestMarker = 'same page'")
        banner = page.locator("[data-banner=reconnecting]")
        expect(banner).to_be_hidden()
    # The server is gone.
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("The server has not answered since")
    assert page.evaluate(COVERED_TITLES)[1] == []
    expect(page.locator(".kpi-tile[data-metric-id=aht]")).to_have_attribute("data-value", "400.0")
    seen = _slides_seen(page, 3)  # the rotation carries on with the last good slides
    assert {slide for _when, slide in seen} == {"scorecard", "journey"}
    with beacon_server(tiny_warehouse_path, extra_env=state, port=port):
        expect(banner).to_be_hidden()
        expect(page.locator(".kpi-tile[data-metric-id=aht]")).to_have_attribute("data-value", "400.0")
        assert page.evaluate("window.beaconTestMarker") == "same page"
