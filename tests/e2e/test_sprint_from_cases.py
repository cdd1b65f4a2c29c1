"""From causes to commitments in a real browser, on a 20 000-response demo with its demo cases seeded as
`make demo` seeds them (python -m data.demo.commitments): a touchpoint's top root cause starts a
redesign sprint, the saved commitment links exactly that cause's cases of the view's period there that
no commitment held, and the queue, the case page and the touchpoint's card say so afterwards."""

import os
import re
import subprocess
import sys
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser import ROOT, beacon_server

TOUCHPOINT = "billing"


@pytest.fixture(scope="module")
def sprint_site(tmp_path_factory):
    """(base URL, state database URL) of Beacon on a demo whose cases were seeded in every state."""
    folder = tmp_path_factory.mktemp("sprint")
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


def _cause_cases(state: str, cause: str, start: str, end: str, unlinked_only: bool = True) -> set[int]:
    """The case ids of `cause` at the touchpoint whose answers were given from `start` to `end`."""
    after = (date.fromisoformat(end) + timedelta(days=1)).isoformat()
    rows = _rows(
        state,
        "SELECT case_id FROM cases WHERE touchpoint_id = :t AND root_cause = :c"
        " AND responded_at >= :start AND responded_at < :after"
        + (" AND commitment_id IS NULL" if unlinked_only else ""),
        t=TOUCHPOINT,
        c=cause,
        start=start,
        after=after,
    )
    return {case_id for (case_id,) in rows}


def test_a_sprint_from_the_top_cause_links_exactly_its_cases(sprint_site, visit):
    """The top cause's link counts its cases of the period not yet linked; the form is a redesign sprint
    of the touchpoint titled after the cause and says how many saving links; once created, exactly
    those cases hold the commitment (each with a history row), the commitment's page counts them, its
    link opens the queue of them, a case links back, and the card says they are all linked."""
    url, state = sprint_site
    page = visit(f"{url}/touchpoint/{TOUCHPOINT}?period=2026-Q4")
    root = page.locator("#touchpoint-root")
    expect(root).to_have_attribute("data-period-start", "2026-10-01")
    start, end = root.get_attribute("data-period-start"), root.get_attribute("data-period-end")
    top = page.locator(".closed-loop-card .loop-causes li[data-cause]").first
    cause = top.get_attribute("data-cause")
    expected = _cause_cases(state, cause, start, end)
    assert expected, "the demo has cases of the top cause at billing in Q4 2026"
    link = top.locator("a.loop-sprint-link")
    expect(link).to_have_attribute("data-count", str(len(expected)))
    expect(link).to_have_text(f"Start a redesign sprint from these {len(expected)} cases")
    link.click()

    expect(page).to_have_url(re.compile(r"/commitment/new\?"))
    note = page.locator(".sprint-note")
    expect(note).to_have_attribute("data-link-count", str(len(expected)))
    expect(note).to_contain_text(
        f"Saving links the {len(expected)} follow-up cases whose root cause is “{cause}”"
    )
    touchpoint_name = page.get_by_label("Touchpoint").evaluate(
        "select => select.options[select.selectedIndex].text"
    )
    expect(page.get_by_label("Title")).to_have_value(f"Redesign: {cause} at {touchpoint_name}")
    expect(page.get_by_label("Kind")).to_have_value("redesign sprint")
    page.get_by_role("button", name="Create commitment").click()

    expect(page).to_have_url(re.compile(r"/commitment/\d+\?saved=created$"))
    commitment_id = int(re.search(r"/commitment/(\d+)", page.url).group(1))
    commitment_root = page.locator("#commitment-root")
    expect(commitment_root).to_have_attribute("data-linked-cases", str(len(expected)))
    linked = {
        case_id
        for (case_id,) in _rows(state, "SELECT case_id FROM cases WHERE commitment_id = :c", c=commitment_id)
    }
    assert linked == expected
    history = _rows(
        state,
        "SELECT count(*) FROM case_history h JOIN cases c ON c.case_id = h.case_id"
        " WHERE h.action = 'link' AND c.commitment_id = :c AND h.version = c.version",
        c=commitment_id,
    )
    assert history == [(len(expected),)]

    page.get_by_role("link", name=f"{len(expected)} follow-up cases linked").click()
    expect(page).to_have_url(f"{url}/cases?commitment={commitment_id}")
    expect(page.locator("#cases-root")).to_have_attribute("data-count", str(len(expected)))
    rows = page.locator("tr[data-case-id]")
    expect(rows).to_have_count(len(expected))
    assert {int(row.get_attribute("data-case-id")) for row in rows.all()} == expected
    assert {row.get_attribute("data-commitment-id") for row in rows.all()} == {str(commitment_id)}

    case_id = min(expected)
    page.goto(f"{url}/case/{case_id}")
    expect(page.locator(".case-body")).to_have_attribute("data-commitment-id", str(commitment_id))
    expect(page.locator("a.case-commitment")).to_have_attribute("href", f"/commitment/{commitment_id}")
    expect(page.locator(".case-timeline li").first).to_contain_text(f"Linked to commitment #{commitment_id}")

    page.goto(f"{url}/touchpoint/{TOUCHPOINT}?period=2026-Q4")
    again = page.locator(f'.closed-loop-card .loop-causes li[data-cause="{cause}"]')
    expect(again).to_contain_text("All of them are linked to a commitment")
    expect(again.locator("a.loop-sprint-link")).to_have_count(0)
    assert not page.problems


def test_an_unknown_cause_links_nothing_and_the_form_still_saves(sprint_site, visit):
    """A cause the touchpoint does not have, typed into the address: the form says no case is linked
    and why, stays a redesign sprint of the touchpoint, and saving makes the commitment with no case."""
    url, state = sprint_site
    before = _rows(state, "SELECT count(*) FROM cases WHERE commitment_id IS NOT NULL")
    page = visit(f"{url}/commitment/new?metric=tnps&touchpoint={TOUCHPOINT}&cause=Moon+phase&period=2026-Q4")
    note = page.locator(".sprint-note")
    expect(note).to_have_attribute("data-link-count", "0")
    expect(note).to_contain_text("No follow-up case is linked: “Moon phase” is not a root cause at")
    page.get_by_label("Title").fill("Look into the moon")
    page.get_by_role("button", name="Create commitment").click()
    expect(page).to_have_url(re.compile(r"/commitment/\d+\?saved=created$"))
    commitment_id = int(re.search(r"/commitment/(\d+)", page.url).group(1))
    expect(page.locator("#commitment-root")).to_have_attribute("data-linked-cases", "0")
    assert _rows(state, "SELECT count(*) FROM cases WHERE commitment_id = :c", c=commitment_id) == [(0,)]
    assert _rows(state, "SELECT count(*) FROM cases WHERE commitment_id IS NOT NULL") == before
    assert not page.problems
