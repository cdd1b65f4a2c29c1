"""The follow-up case pages in a real browser, on a 20 000-response demo with its demo cases seeded as
`make demo` seeds them (python -m data.demo.commitments): the queue with its filters in the URL and its
CSV, a case marked contacted with its timeline, and two people acting on one case at once."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser import PATIENCE_SECONDS, ROOT, beacon_server


@pytest.fixture(scope="module")
def cases_site(tmp_path_factory):
    """(base URL, state database URL) of Beacon on a demo whose cases were seeded in every state."""
    folder = tmp_path_factory.mktemp("cases")
    state, warehouse = f"sqlite:///{folder / 'state.db'}", folder / "cx.duckdb"
    env = {**os.environ, "BEACON_STATE_URL": state, "BEACON_WAREHOUSE": str(warehouse)}
    for module, *args in (
        ("data.demo", "--out", str(warehouse), "--responses", "20000", "--end", "2026-11-23", "--seed", "7"),
        ("data.demo.commitments",),
    ):
        subprocess.run(
            [sys.executable, "-m", module, *args], env=env, cwd=ROOT, check=True, capture_output=True
        )
    with beacon_server(warehouse, extra_env={"BEACON_STATE_URL": state}) as url:
        yield url, state


def _rows(state: str, statement: str, **params) -> list:
    with sa.create_engine(state).connect() as connection:
        return connection.execute(sa.text(statement), params).all()


def test_the_queue_lists_every_case_and_filters_in_the_url(cases_site, visit):
    """Every case is a row with its id, status and assignee; choosing "Open" puts status=open in the
    URL and keeps the open ones; the CSV holds what the filters keep."""
    url, state = cases_site
    total = _rows(state, "SELECT count(*) FROM cases")[0][0]
    opened = _rows(state, "SELECT count(*) FROM cases WHERE status IN ('new', 'contacted', 'reopened')")[0][0]
    assert 0 < opened < total  # the demo has cases in every state
    page = visit(f"{url}/cases")
    root = page.locator("#cases-root")
    expect(root).to_have_attribute("data-count", str(total))
    expect(page.locator("tr[data-case-id]")).to_have_count(min(total, 100))
    # A page of 100 at a time; the next page's link keeps the filters and names the page.
    expect(page.locator("nav[data-pages]")).to_have_attribute("data-pages", str(-(-total // 100)))
    page.get_by_role("link", name="Next").click()
    expect(root).to_have_attribute("data-page", "2")
    expect(page).to_have_url(f"{url}/cases?page=2")
    page.select_option('[id*="cases-filter"][id*="status"]', "open")
    expect(page).to_have_url(f"{url}/cases?status=open")
    expect(root).to_have_attribute("data-count", str(opened))
    statuses = {row.get_attribute("data-status") for row in page.locator("tr[data-case-id]").all()}
    assert statuses <= {"new", "contacted", "reopened"}
    with page.expect_download(timeout=PATIENCE_SECONDS * 1000) as download:
        page.get_by_role("button", name="Download CSV").click()
    exported = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert len(exported) == opened and "comment" not in exported[0]
    assert not page.problems


def test_a_case_is_marked_contacted_and_its_timeline_says_so(cases_site, visit):
    """On a new case, "Mark contacted" with a note makes it contacted at the next version; the
    timeline shows the change and the note, and the store holds them."""
    url, state = cases_site
    case_id, version = _rows(
        state, "SELECT case_id, version FROM cases WHERE status = 'new' ORDER BY case_id LIMIT 1"
    )[0]
    page = visit(f"{url}/case/{case_id}")
    body = page.locator(".case-body")
    expect(body).to_have_attribute("data-status", "new")
    page.fill("#case-note", "Called back: the invoice is being corrected.")
    page.get_by_role("button", name="Mark contacted").click()
    expect(body).to_have_attribute("data-status", "contacted")
    expect(body).to_have_attribute("data-version", str(version + 1))
    expect(page.locator("#case-message")).to_contain_text("Saved: the case is marked contacted.")
    expect(page.locator(".case-timeline li").first).to_contain_text(
        "Called back: the invoice is being corrected."
    )
    assert _rows(state, "SELECT status, version FROM cases WHERE case_id = :c", c=case_id)[0] == (
        "contacted",
        version + 1,
    )
    assert not page.problems


def test_two_people_acting_at_once_cannot_overwrite_each_other(cases_site, visit):
    """Two pages on one case: the first resolves it; the second's note, made from the old version, is
    refused with the first person's change shown, and the page shows the case as it now is."""
    url, state = cases_site
    case_id = _rows(state, "SELECT case_id FROM cases WHERE status = 'contacted' ORDER BY case_id LIMIT 1")[
        0
    ][0]
    first, second = visit(f"{url}/case/{case_id}"), visit(f"{url}/case/{case_id}")
    for page in (first, second):
        expect(page.locator(".case-body")).to_have_attribute("data-status", "contacted")
    first.select_option("#case-outcome", "explained")
    first.get_by_role("button", name="Resolve").click()
    expect(first.locator(".case-body")).to_have_attribute("data-status", "resolved")
    second.fill("#case-note", "Sent the refund form.")
    second.get_by_role("button", name="Add a note").click()
    message = second.locator("#case-message")
    expect(message).to_contain_text("someone acted on this case since you opened it")
    expect(message).to_contain_text("resolve")
    expect(second.locator(".case-body")).to_have_attribute("data-status", "resolved")
    notes = _rows(
        state,
        "SELECT count(*) FROM case_history WHERE case_id = :c AND note = 'Sent the refund form.'",
        c=case_id,
    )
    assert notes == [(0,)]
    assert not first.problems and not second.problems


@pytest.mark.parametrize("path", ["/cases", "/case/{case_id}"])
def test_the_queue_and_a_case_fit_a_phone(cases_site, visit, path):
    """At 390 px the queue scrolls inside its own box and a case's page not at all sideways."""
    url, state = cases_site
    case_id = _rows(state, "SELECT min(case_id) FROM cases")[0][0]
    page = visit(url + path.format(case_id=case_id), width=390, height=844)
    expect(page.locator(".case-queue, .case-body").first).to_be_visible()
    width = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert width[0] <= width[1], f"{path} scrolls sideways: {width[0]} px of content in {width[1]} px"
    assert page.locator(".problem").count() == 0 and not page.problems
