"""Every page on a phone (390 × 844) in headless Chromium, on the demo warehouse (its longest names and
values): the page never scrolls sideways, even with every "Show the numbers" table open, and no KPI
value is cut by its own box or a clipping parent (a wide table may scroll inside its card; that is
not a cut)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}

#: One URL per registered page, for the page templates that take an id.
IDS = {
    "/metric/<metric_id>": ["ces", "tnps", "complaints", "aht"],  # a mean, negative NPS, ‰, seconds
    "/touchpoint/<touchpoint_id>": ["billing"],
    "/segment/<segment_id>": ["public_sector"],
    "/owner/<owner_id>": ["reka_szabo"],
    "/commitment/<commitment_id>": ["new"],
}

#: Every element that shows a KPI's value (or a count standing for one).
VALUES = (
    ".tile-value, .summary-count, .journey-value, .journey-metric-value, .crosstab-cell, .mover-change, "
    ".kpi-table td.number, .owner-count, .row-count"
)

# Each value element cut by its own box (text wider than it) or by the nearest ancestor that clips
# rather than scrolls; elements not laid out (a closed <details>) are skipped.
CLIPPED = """selector => {
  const cut = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const label = `${el.className}: ${el.textContent.trim()}`;
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) { cut.push(label); continue; }
    for (let up = el.parentElement; up; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === "auto" || overflow === "scroll") break;
      if (overflow === "hidden" || overflow === "clip") {
        const frame = up.getBoundingClientRect();
        if (box.left < frame.left - 1 || box.right > frame.right + 1) cut.push(label);
        break;
      }
    }
  }
  return cut;
}"""


def registered_paths() -> set[str]:
    """The path (or path template) of every page module, read from its register_page call."""
    found = set()
    for module in (Path(__file__).resolve().parents[2] / "pages").glob("*.py"):
        match = re.search(r'register_page\(\s*__name__,\s*path(?:_template)?="([^"]+)"', module.read_text())
        if match:
            found.add(match.group(1))
    return found


def phone_urls() -> list[str]:
    # The 404 page is visited as an unknown path; /review is a print layout of A4 paper (the review
    # pack's), read on a phone as its PDF; a case needs cases, so test_cases_pages visits one on a phone.
    paths = sorted(registered_paths() - {"/404", "/review", "/case/<case_id>"})
    return [
        url
        for path in paths
        for url in ([path.split("<")[0] + i for i in IDS[path]] if "<" in path else [path])
    ] + ["/no-such-page"]


def test_every_registered_page_is_visited():
    assert {path for path in registered_paths() if "<" in path} == {*IDS, "/case/<case_id>"}


@pytest.mark.parametrize("path", phone_urls())
def test_every_page_fits_a_phone_without_cutting_a_value(visit, demo_server, path):
    page = visit(demo_server + path, **PHONE)
    page.wait_for_load_state("networkidle")
    # Charts draw after their callbacks: measure once every graph has drawn.
    for graph in page.locator(".dash-graph").all():
        graph.locator(".main-svg").first.wait_for(state="attached")
    # Every table opened by a click on its summary, as a person does (the metric page draws its cells then).
    page.evaluate("() => document.querySelectorAll('details:not([open]) > summary').forEach(s => s.click())")
    expect(page.locator(".kpi-row-unfilled")).to_have_count(0)
    width = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert width[0] <= width[1], f"{path} scrolls sideways: {width[0]} px of content in {width[1]} px"
    assert page.evaluate(CLIPPED, VALUES) == []
    assert page.locator(".problem").count() == 0  # the page itself, not a message about its URL
    assert page.problems == []
