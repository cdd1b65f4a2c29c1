"""The owners board (`/owners`) and an owner's page (`/owner/<id>`) in headless Chromium: commitment
cards edited in place, overdue counts and the "no plan" flags, checked against the state database and
the query layer rather than against the screen itself."""

import re
from datetime import timedelta

from playwright.sync_api import expect

import queries
from components.commitments.editor import edit_id
from components.ids import dom_id
from data.state import commitments
from tests.e2e.test_commitments import TODAY, seed, stored, unique


def control(page, name: str, commitment_id: int):
    """A control (or message) of one commitment card's in-place editor."""
    return page.locator(f"[id='{dom_id(edit_id(name, commitment_id))}']")


def test_owner_edits_a_commitment_in_place(visit, server, server_state, tiny_warehouse):
    """On /owner/ben a card's status and progress are saved in place ("Saved · version 2", the database
    changed); a progress of 150 is refused beside the field and nothing is saved."""
    commitment_id = seed(server_state, owner_id="ben", metric_id="fcr", title=unique("Retrain the desk"))
    page = visit(f"{server}/owner/ben")
    card = page.locator(f".commitment-card[data-commitment-id='{commitment_id}']")
    expect(card).to_have_attribute("data-owner-id", "ben")
    expect(card).to_have_attribute("data-status", "planned")
    expect(card).to_have_attribute("data-overdue", "false")
    expect(control(page, "progress", commitment_id)).to_have_value("0")

    note = unique("Half the team trained")
    control(page, "status", commitment_id).select_option("in_progress")
    control(page, "progress", commitment_id).fill("55")
    control(page, "note", commitment_id).fill(note)
    control(page, "save", commitment_id).click()
    expect(control(page, "message", commitment_id)).to_have_text("Saved · version 2")
    # The card is drawn anew from what was stored: its badge, attributes and an empty note.
    expect(card.locator(".commitment-badge")).to_have_text("In progress")
    expect(card).to_have_attribute("data-status", "in_progress")
    expect(control(page, "note", commitment_id)).to_have_value("")
    row = stored(server_state, commitment_id)
    assert (row["status"], row["progress"], row["version"], row["updated_by"]) == (
        "in_progress",
        55,
        2,
        "Local user",
    )
    history = commitments.history(commitment_id, url=server_state["BEACON_STATE_URL"])
    assert history[-1]["note"] == note

    control(page, "progress", commitment_id).fill("150")
    control(page, "save", commitment_id).click()
    expect(control(page, "message", commitment_id)).not_to_have_text("Saved · version 2")
    row = stored(server_state, commitment_id)
    assert (row["progress"], row["version"]) == (55, 2), "a progress of 150 must not be saved (as anything)"
    expect(control(page, "progress-feedback", commitment_id)).to_have_text(
        "Progress is a whole number from 0 to 100."
    )
    expect(control(page, "progress", commitment_id)).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(control(page, "message", commitment_id)).to_contain_text("Not saved")
    expect(control(page, "progress", commitment_id)).to_have_value("150")
    assert page.problems == []


def test_owner_page_shows_commitments_with_and_without_a_touchpoint(
    visit, server, server_state, tiny_warehouse
):
    """An owner with one commitment on a touchpoint and one on all touchpoints sees both cards."""
    scoped = seed(
        server_state, owner_id="ben", metric_id="fcr", touchpoint_id="shop", title=unique("At the shop")
    )
    everywhere = seed(server_state, owner_id="ben", metric_id="fcr", title=unique("Everywhere"))
    page = visit(f"{server}/owner/ben")
    expect(page.locator(f".commitment-card[data-commitment-id='{scoped}'] .commitment-meta")).to_contain_text(
        "First-contact resolution · Shop"
    )
    expect(
        page.locator(f".commitment-card[data-commitment-id='{everywhere}'] .commitment-meta")
    ).to_contain_text("all touchpoints and customers")
    assert page.problems == []


def test_board_counts_overdue_commitments_and_flags_off_track_metrics_with_no_plan(
    visit, server, server_state, tiny_warehouse
):
    """/owners: a card per owner; Ben's overdue count and the overdue attention list include a seeded
    overdue commitment; every off-track metric's chip says "no plan" exactly when it has no open
    commitment for all customers (Customer effort has only one for small businesses, NPS gets one
    for everyone here)."""
    url = server_state["BEACON_STATE_URL"]
    late = seed(
        server_state,
        owner_id="ben",
        metric_id="fcr",
        title=unique("Overdue callback audit"),
        start_on=TODAY - timedelta(days=30),
        due_on=TODAY - timedelta(days=3),
        status="in_progress",
        progress=30,
    )
    seed(server_state, metric_id="nps", title=unique("A plan for NPS"))
    seed(server_state, metric_id="effort", segment_id="smb", title=unique("A plan for small businesses"))
    register = commitments.register(url=url)
    card = queries.scorecard(queries.view())
    off_track = set(card.loc[card["status"].eq("off_track"), "metric_id"])
    assert off_track == {"nps", "csat", "effort"}  # the tiny warehouse's Q4 to date
    for_everyone = register["touchpoint_id"].isna() & register["segment_id"].isna()
    planned = set(
        register.loc[register["status"].isin(commitments.OPEN_STATUSES) & for_everyone, "metric_id"]
    )
    assert "effort" not in planned and "nps" in planned

    page = visit(f"{server}/owners")
    cards = page.locator(".owner-card[data-owner-id]:not([data-owner-id=''])")
    expect(cards).to_have_count(len(queries.owners()))
    assert sorted(cards.evaluate_all("cs => cs.map(c => c.dataset.ownerId)")) == sorted(
        queries.owners()["owner_id"]
    )
    ben = page.locator(".owner-card[data-owner-id='ben']")
    overdue = int(register[register["owner_id"].eq("ben")]["overdue"].sum())
    assert overdue >= 1
    expect(ben.locator("[data-overdue]")).to_have_attribute("data-overdue", str(overdue))
    expect(ben.locator("[data-overdue] .count")).to_have_text(str(overdue))
    expect(ben).to_have_class(re.compile(r"\bneeds-attention\b"))
    attention = page.locator(".attention[data-attention='overdue']")
    expect(attention).to_have_attribute("data-count", str(int(register["overdue"].sum())))
    expect(attention.locator(f"li[data-commitment-id='{late}'] a")).to_have_attribute(
        "href", f"/commitment/{late}"
    )

    chips = page.locator(".metric-chip[data-metric-id]")
    expect(chips).to_have_count(len(card))
    shown = {c["metricId"]: c for c in chips.evaluate_all("cs => cs.map(c => ({...c.dataset}))")}
    for metric_id, status in zip(card["metric_id"], card["status"], strict=True):
        assert shown[metric_id]["status"] == status
        expected = "true" if metric_id in off_track and metric_id not in planned else "false"
        assert shown[metric_id]["noPlan"] == expected, metric_id
    effort = page.locator(".metric-chip[data-metric-id='effort']")
    expect(effort.locator(".no-plan-flag")).to_have_text("no plan")
    expect(
        page.locator(".owner-card[data-owner-id='ben'] .metric-chip[data-metric-id='effort']")
    ).to_have_count(1)
    no_plan = page.locator(".attention[data-attention='no-plan']")
    expect(no_plan.locator("li[data-metric-id='effort']")).to_have_count(1)
    expect(no_plan.locator("li[data-metric-id='nps']")).to_have_count(0)
    assert page.problems == []


def test_marking_an_overdue_commitment_done_in_place_redraws_its_card(
    visit, server, server_state, tiny_warehouse
):
    """An overdue card marked done is drawn anew: no longer overdue, done today (late), its completion
    date now editable; saving it again unchanged says so instead of making a version."""
    commitment_id = seed(
        server_state,
        owner_id="ben",
        metric_id="fcr",
        title=unique("Late fix"),
        start_on=TODAY - timedelta(days=30),
        due_on=TODAY - timedelta(days=3),
        status="in_progress",
        progress=60,
    )
    page = visit(f"{server}/owner/ben")
    card = page.locator(f".commitment-card[data-commitment-id='{commitment_id}']")
    expect(card).to_have_attribute("data-overdue", "true")
    expect(control(page, "completed_on", commitment_id)).to_be_hidden()

    control(page, "status", commitment_id).select_option("done")
    control(page, "save", commitment_id).click()
    expect(control(page, "message", commitment_id)).to_have_text("Saved · version 2")
    expect(card).to_have_attribute("data-overdue", "false")
    expect(card).to_have_attribute("data-status", "done")
    expect(card.locator(".commitment-meta")).to_contain_text(f"Done {TODAY:%-d %b %Y} · 3 days late")
    expect(control(page, "completed_on", commitment_id)).to_have_value(TODAY.isoformat())
    row = stored(server_state, commitment_id)
    assert (row["status"], row["progress"], row["completed_on"]) == ("done", 100, TODAY)

    control(page, "save", commitment_id).click()
    expect(control(page, "message", commitment_id)).to_have_text("Nothing to save: no field was changed.")
    assert stored(server_state, commitment_id)["version"] == 2
    assert page.problems == []
