"""Commitments in headless Chromium against the real server: the create form pre-filled from where it
was opened, validation that loses nothing, edits with their history, a refused concurrent save, the
register's filters, sort and CSV, and the way in from a tile and the metric page.

The server and its state database are shared by the whole session, so every test seeds or creates its
own commitments (unique titles) and asserts on them by id, or counts from the database itself.
"""

import re
import sqlite3
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from components.commitments.editor import edit_id
from components.ids import dom_id
from data.state import commitments, database

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TODAY = date.today()
CSV_COLUMNS = [
    "commitment_id", "title", "kind", "metric_id", "metric", "touchpoint_id", "touchpoint",
    "segment_id", "segment", "owner_id", "owner", "status", "overdue", "progress", "start_on",
    "due_on", "completed_on", "on_time", "expected_value", "effect", "effect_change", "description",
    "created_at", "created_by", "updated_at", "updated_by", "version",
]  # fmt: skip


def unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:8]}"


def seed(state: dict, **values) -> int:
    """A commitment stored straight into the server's state database (planned action on NPS by default)."""
    record = {
        "metric_id": "nps",
        "touchpoint_id": None,
        "segment_id": None,
        "owner_id": "ana",
        "title": unique("Seeded"),
        "description": "",
        "kind": "action",
        "start_on": TODAY - timedelta(days=7),
        "due_on": TODAY + timedelta(days=21),
        "status": "planned",
        "progress": 0,
        "completed_on": None,
        "expected_value": None,
    }
    record.update(values)
    return commitments.create(record, "Seeder", url=state["BEACON_STATE_URL"])


def stored(state: dict, commitment_id: int) -> dict:
    return commitments.get(commitment_id, url=state["BEACON_STATE_URL"])


def field(page, name: str):
    """A control of the commitment form."""
    return page.locator(f"[id='{dom_id({'type': 'commitment-field', 'field': name})}']")


def feedback(page, name: str):
    """The message beside a control of the commitment form."""
    return page.locator(f"[id='{dom_id({'type': 'commitment-feedback', 'field': name})}']")


def open_commitment(visit, server, commitment_id: int):
    page = visit(f"{server}/commitment/{commitment_id}")
    expect(page.locator("#commitment-root")).to_have_attribute("data-commitment-id", str(commitment_id))
    return page


def open_register(visit, url: str):
    """The register once its page has rendered."""
    page = visit(url)
    expect(page.locator("#commitments-root")).to_be_visible()
    return page


def save_and_wait(page, commitment_id: int, outcome: str = "saved") -> None:
    page.locator("#commitment-save").click()
    expect(page).to_have_url(re.compile(rf"/commitment/{commitment_id}\?saved={outcome}"))
    expect(page.locator("#commitment-message .alert-success")).to_be_visible()


def register_rows(page) -> list[dict]:
    """Each register row's data attributes and progress, in page order."""
    return page.locator("tr[data-commitment-id]").evaluate_all(
        "rows => rows.map(r => ({...r.dataset,"
        " progress: Number(r.querySelector('[role=progressbar]').getAttribute('aria-valuenow'))}))"
    )


def test_create_from_a_prefilled_form(visit, server, server_state, tiny_warehouse):
    """`/commitment/new?metric=nps&touchpoint=web` is pre-filled (owner from the metric); Create stores
    it, opens `/commitment/<id>?saved=created` with the saved values and version 1 by "Local user", and
    the register lists it with the DOM contract's attributes."""
    page = visit(f"{server}/commitment/new?metric=nps&touchpoint=web")
    expect(field(page, "metric_id")).to_have_value("nps")
    expect(field(page, "touchpoint_id")).to_have_value("web")
    expect(field(page, "segment_id")).to_have_value("all")
    expect(field(page, "owner_id")).to_have_value("ana")  # the metric's owner in the tiny warehouse
    expect(field(page, "status")).to_have_value("planned")
    expect(field(page, "start_on")).to_have_value(TODAY.isoformat())
    expect(field(page, "title")).to_have_value("")

    title, due = unique("Call back every detractor"), TODAY + timedelta(days=40)
    field(page, "title").fill(title)
    field(page, "due_on").fill(due.isoformat())
    expect(page.locator("#commitment-save")).to_have_text("Create commitment")
    page.locator("#commitment-save").click()

    expect(page).to_have_url(re.compile(r"/commitment/(\d+)\?saved=created$"))
    commitment_id = int(re.search(r"/commitment/(\d+)", page.url)[1])
    expect(page.locator("#commitment-message")).to_contain_text("Commitment created.")
    root = page.locator("#commitment-root")
    expect(root).to_have_attribute("data-commitment-id", str(commitment_id))
    expect(root).to_have_attribute("data-status", "planned")
    expect(root).to_have_attribute("data-owner-id", "ana")
    expect(root).to_have_attribute("data-overdue", "false")
    expect(page.locator("h1")).to_have_text(title)
    expect(field(page, "title")).to_have_value(title)
    expect(field(page, "due_on")).to_have_value(due.isoformat())
    expect(field(page, "touchpoint_id")).to_have_value("web")
    history = page.locator(".history-entry")
    expect(history).to_have_count(1)
    expect(history.first).to_have_attribute("data-version", "1")
    expect(history.first.locator(".history-head")).to_contain_text("Local user created it")
    expect(history.first.locator(".change-list")).to_contain_text(f"Title: {title}")

    row = stored(server_state, commitment_id)
    assert (row["title"], row["metric_id"], row["touchpoint_id"], row["owner_id"]) == (
        title,
        "nps",
        "web",
        "ana",
    )
    assert (row["due_on"], row["start_on"], row["version"], row["created_by"]) == (
        due,
        TODAY,
        1,
        "Local user",
    )
    assert page.problems == []

    register = open_register(visit, f"{server}/commitments")
    listed = register.locator(f"tr[data-commitment-id='{commitment_id}']")
    expect(listed).to_have_count(1)
    expect(listed).to_have_attribute("data-status", "planned")
    expect(listed).to_have_attribute("data-owner-id", "ana")
    expect(listed).to_have_attribute("data-overdue", "false")
    expect(listed).to_have_attribute("data-metric-id", "nps")
    expect(listed.locator(f"a[href='/commitment/{commitment_id}']")).to_have_text(title)
    assert register.problems == []


def test_register_lists_commitments_with_and_without_a_touchpoint_or_segment(
    visit, server, server_state, tiny_warehouse
):
    """One commitment on Website · Enterprise and one on all of them: the register shows both, with
    their scope ("All" for the second)."""
    scoped = seed(server_state, touchpoint_id="web", segment_id="ent", title=unique("Scoped"))
    everywhere = seed(server_state, title=unique("Everywhere"))
    page = open_register(visit, f"{server}/commitments?metric=nps")
    expect(page.locator(f"tr[data-commitment-id='{scoped}'] td").nth(2)).to_have_text("Website · Enterprise")
    expect(page.locator(f"tr[data-commitment-id='{everywhere}'] td").nth(2)).to_have_text("All")
    assert page.problems == []


def test_out_of_range_progress_is_refused_not_saved_as_zero(visit, server, server_state, tiny_warehouse):
    """Progress 150 on the commitment page: a message beside progress, the value kept, nothing saved."""
    commitment_id = seed(server_state, progress=25)
    page = open_commitment(visit, server, commitment_id)
    field(page, "progress").fill("150")
    page.locator("#commitment-save").click()
    expect(page.locator("#commitment-message .alert")).to_be_visible()
    row = stored(server_state, commitment_id)
    assert (row["progress"], row["version"]) == (25, 1), "a progress of 150 must not be saved (as anything)"
    expect(feedback(page, "progress")).to_have_text("Progress is a whole number from 0 to 100.")
    expect(field(page, "progress")).to_have_value("150")
    assert page.problems == []


def test_invalid_form_says_what_is_wrong_beside_each_field_and_keeps_what_was_typed(
    visit, server, server_state, tiny_warehouse
):
    """No title and a due date before the start: a message beside each of the two fields, a "not saved"
    alert, the description still as typed, and nothing stored."""
    url = server_state["BEACON_STATE_URL"]
    before = len(commitments.register(url=url))
    page = visit(f"{server}/commitment/new?metric=csat")
    description = unique("Typed text that must survive")
    field(page, "description").fill(description)
    field(page, "start_on").fill("2026-11-10")
    field(page, "due_on").fill("2026-11-01")
    page.locator("#commitment-save").click()

    expect(feedback(page, "title")).to_have_text("Give the commitment a title.")
    expect(feedback(page, "due_on")).to_have_text("The due date must be on or after the start (10 Nov 2026).")
    expect(feedback(page, "title")).to_be_visible()
    expect(field(page, "title")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(field(page, "due_on")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(field(page, "description")).not_to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#commitment-message .alert-danger")).to_have_text(
        "Not saved: 2 fields to correct, marked below."
    )
    expect(field(page, "description")).to_have_value(description)
    expect(field(page, "start_on")).to_have_value("2026-11-10")
    expect(field(page, "due_on")).to_have_value("2026-11-01")
    expect(field(page, "metric_id")).to_have_value("csat")
    assert page.url == f"{server}/commitment/new?metric=csat"
    after = commitments.register(url=url)
    assert len(after) == before
    assert not after["description"].eq(description).any()
    assert page.problems == []


def test_edit_records_the_change_and_the_note_in_the_history(visit, server, server_state, tiny_warehouse):
    """Status to in progress and progress to 40 with a note: version 2, "Status: Planned → In progress"
    and the note in the history, and the database row changed."""
    commitment_id = seed(server_state)
    page = open_commitment(visit, server, commitment_id)
    expect(page.locator("#commitment-save")).to_have_text("Save changes")
    note = unique("Kick-off done")
    field(page, "status").select_option("in_progress")
    field(page, "progress").fill("40")
    field(page, "note").fill(note)
    save_and_wait(page, commitment_id)

    expect(page).to_have_url(re.compile(r"saved=saved&version=2$"))
    expect(page.locator("#commitment-root")).to_have_attribute("data-status", "in_progress")
    latest = page.locator(".history-entry").first  # newest first
    expect(page.locator(".history-entry")).to_have_count(2)
    expect(latest).to_have_attribute("data-version", "2")
    expect(latest.locator(".history-head")).to_contain_text("Local user changed it")
    expect(latest.locator(".history-head")).to_contain_text("version 2")
    expect(latest.locator(".change-list li")).to_have_text(
        ["Status: Planned → In progress", "Progress: 0% → 40%"]
    )
    expect(latest.locator(".history-note")).to_have_text(note)
    expect(field(page, "status")).to_have_value("in_progress")
    expect(field(page, "progress")).to_have_value("40")
    expect(field(page, "note")).to_have_value("")

    row = stored(server_state, commitment_id)
    assert (row["status"], row["progress"], row["version"], row["updated_by"]) == (
        "in_progress",
        40,
        2,
        "Local user",
    )
    history = commitments.history(commitment_id, url=server_state["BEACON_STATE_URL"])
    assert history[-1]["note"] == note
    assert history[-1]["changes"] == {"status": ["planned", "in_progress"], "progress": [0, 40]}
    assert page.problems == []


def test_a_save_from_a_stale_version_is_refused_and_overwrites_nothing(
    visit, server, server_state, tiny_warehouse
):
    """Pages A and B open the same commitment; A saves a status; B then saves a progress: B is told what
    A changed (`.conflict`), keeps its typed progress, and the database keeps A's save alone."""
    commitment_id = seed(server_state)
    page_a = open_commitment(visit, server, commitment_id)
    page_b = open_commitment(visit, server, commitment_id)

    field(page_a, "status").select_option("in_progress")
    save_and_wait(page_a, commitment_id)

    field(page_b, "progress").fill("30")
    field(page_b, "description").fill("B's description")
    page_b.locator("#commitment-save").click()
    conflict = page_b.locator("#commitment-message .conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Not saved: someone else changed this commitment")
    expect(conflict).to_contain_text("Local user saved version 2")
    expect(conflict.locator(".change-list li")).to_have_text(["Status: Planned → In progress"])
    expect(field(page_b, "progress")).to_have_value("30")
    expect(field(page_b, "description")).to_have_value("B's description")
    expect(field(page_b, "status")).to_have_value("planned")  # B's form, not silently refreshed
    assert page_b.url == f"{server}/commitment/{commitment_id}"

    row = stored(server_state, commitment_id)
    assert (row["status"], row["progress"], row["description"], row["version"]) == ("in_progress", 0, "", 2)
    assert len(commitments.history(commitment_id, url=server_state["BEACON_STATE_URL"])) == 2
    assert page_a.problems == [] and page_b.problems == []


def test_register_filters_by_status_and_overdue_in_the_url(visit, server, server_state, tiny_warehouse):
    """The status select writes ?status=in_progress and shows only those rows; "Overdue only" writes
    ?overdue=1 and shows only overdue rows; both counts agree with the database."""
    url = server_state["BEACON_STATE_URL"]
    planned = seed(server_state, title=unique("Register planned"))
    going = seed(server_state, title=unique("Register in progress"), status="in_progress", progress=20)
    late = seed(server_state, title=unique("Register overdue"), due_on=TODAY - timedelta(days=2))
    register = commitments.register(url=url)

    page = open_register(visit, f"{server}/commitments")
    expect(page.locator("#commitments-root")).to_have_attribute("data-count", str(len(register)))
    status = page.locator(f"[id='{dom_id({'type': 'commitments-filter', 'filter': 'status'})}']")
    status.select_option("in_progress")
    expect(page).to_have_url(f"{server}/commitments?status=in_progress")
    in_progress = register[register["status"].eq("in_progress")]
    expect(page.locator("#commitments-root")).to_have_attribute("data-count", str(len(in_progress)))
    rows = register_rows(page)
    assert {r["status"] for r in rows} == {"in_progress"}
    assert sorted(int(r["commitmentId"]) for r in rows) == sorted(in_progress["commitment_id"])
    assert str(going) in {r["commitmentId"] for r in rows} and str(planned) not in {
        r["commitmentId"] for r in rows
    }
    assert page.problems == []

    page = open_register(visit, f"{server}/commitments")
    page.get_by_label("Overdue only").check()
    expect(page).to_have_url(f"{server}/commitments?overdue=1")
    overdue = register[register["overdue"]]
    expect(page.locator("#commitments-root")).to_have_attribute("data-count", str(len(overdue)))
    rows = register_rows(page)
    assert {r["overdue"] for r in rows} == {"true"}
    assert sorted(int(r["commitmentId"]) for r in rows) == sorted(overdue["commitment_id"])
    assert str(late) in {r["commitmentId"] for r in rows}
    expect(page.get_by_label("Overdue only")).to_be_checked()
    assert page.problems == []


def test_register_sorts_by_a_clicked_heading(visit, server, server_state, tiny_warehouse):
    """Clicking "Progress" sorts ascending (?sort=progress), clicking it again descending; the rows
    follow, ties by due date."""
    low = seed(server_state, title=unique("Sort low"), progress=5, segment_id="ent")
    mid = seed(server_state, title=unique("Sort mid"), progress=45, segment_id="ent")
    high = seed(server_state, title=unique("Sort high"), progress=95, segment_id="ent")
    page = open_register(visit, f"{server}/commitments?status=open")
    heading = page.locator("th", has=page.locator("a.sort-link", has_text="Progress"))
    expect(heading).to_have_attribute("aria-sort", "none")

    heading.locator("a").click()
    expect(page).to_have_url(f"{server}/commitments?status=open&sort=progress")
    expect(page.locator("th[aria-sort='ascending']")).to_have_text("Progress")
    shown = register_rows(page)
    assert [r["progress"] for r in shown] == sorted(r["progress"] for r in shown)
    ids = [int(r["commitmentId"]) for r in shown]
    assert ids.index(low) < ids.index(mid) < ids.index(high)
    assert {r["status"] for r in shown} <= {"planned", "in_progress"}

    page.locator("th[aria-sort='ascending'] a").click()
    expect(page).to_have_url(f"{server}/commitments?status=open&sort=-progress")
    expect(page.locator("th[aria-sort='descending']")).to_have_text("Progress")
    shown = register_rows(page)
    assert [r["progress"] for r in shown] == sorted((r["progress"] for r in shown), reverse=True)
    ids = [int(r["commitmentId"]) for r in shown]
    assert ids.index(high) < ids.index(mid) < ids.index(low)
    assert page.problems == []


def test_register_csv_has_the_filtered_rows(visit, server, server_state, tiny_warehouse):
    """Download CSV on ?status=planned: the documented header, one row per planned commitment."""
    mine = seed(server_state, title=unique("CSV, with a comma"), description="two\nlines")
    expected = commitments.register(url=server_state["BEACON_STATE_URL"], status="planned")
    page = open_register(visit, f"{server}/commitments?status=planned")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename == f"beacon-commitments-{TODAY}.csv"
    text = Path(download.value.path()).read_text()
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    frame = pd.read_csv(Path(download.value.path()))
    assert len(frame) == len(expected)
    assert sorted(frame["commitment_id"]) == sorted(expected["commitment_id"])
    assert set(frame["status"]) == {"planned"}
    row = frame.set_index("commitment_id").loc[mine]
    assert (row["title"], row["description"], row["metric"], row["owner"]) == (
        stored(server_state, mine)["title"],
        "two\nlines",
        "Net promoter score",
        "Ana Silva",
    )
    assert page.problems == []


def test_a_tile_adds_a_commitment_that_the_metric_page_lists(visit, server, server_state, tiny_warehouse):
    """The scorecard tile's + opens the form pre-filled with that metric; once created, the metric page
    lists the commitment in its Commitments card."""
    page = visit(f"{server}/")
    action = page.locator("a.tile-action[data-metric-id='csat']")
    expect(action).to_have_attribute("href", "/commitment/new?metric=csat")
    action.click()
    expect(page).to_have_url(f"{server}/commitment/new?metric=csat")
    expect(field(page, "metric_id")).to_have_value("csat")
    expect(field(page, "owner_id")).to_have_value("ana")
    expect(field(page, "touchpoint_id")).to_have_value("all")
    title = unique("Shorten the returns form")
    field(page, "title").fill(title)
    page.locator("#commitment-save").click()
    expect(page).to_have_url(re.compile(r"/commitment/\d+\?saved=created$"))
    commitment_id = int(re.search(r"/commitment/(\d+)", page.url)[1])
    assert stored(server_state, commitment_id)["metric_id"] == "csat"
    assert page.problems == []

    metric = visit(f"{server}/metric/csat")
    item = metric.locator(f"#metric-commitments .commitment-item[data-commitment-id='{commitment_id}']")
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-metric-id", "csat")
    expect(item).to_have_attribute("data-status", "planned")
    expect(item.locator(f"a[href='/commitment/{commitment_id}']")).to_have_text(title)
    expect(metric.get_by_role("link", name="Add a commitment")).to_have_attribute(
        "href", "/commitment/new?metric=csat"
    )
    assert metric.problems == []


def test_screenshots_of_the_commitment_pages(visit, server, server_state, tiny_warehouse):
    """/owners, /owner/ana, /commitments and /commitment/<id> at 1366×768, saved to tests/artifacts/."""
    commitment_id = seed(server_state, title=unique("Screenshot"), status="in_progress", progress=60)
    ARTIFACTS.mkdir(exist_ok=True)
    shots = {
        "owners": ("/owners", "#owners-root"),
        "owner": ("/owner/ana", "#owner-root"),
        "commitments": ("/commitments", "#commitments-root"),
        "commitment": (f"/commitment/{commitment_id}", "#commitment-root"),
    }
    for name, (path, root) in shots.items():
        page = visit(server + path, width=1366, height=768)
        expect(page.locator(root)).to_be_visible()
        target = ARTIFACTS / f"commitments-{name}.png"
        target.unlink(missing_ok=True)
        page.screenshot(path=str(target))
        assert target.stat().st_size > 10_000, name
        assert page.problems == [], name


@contextmanager
def write_lock(server_state: dict):
    """Another connection holding a write transaction on the server's SQLite state file."""
    holder = sqlite3.connect(
        server_state["BEACON_STATE_URL"].removeprefix("sqlite:///"), isolation_level=None
    )
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.parametrize("editor", ["commitment page", "owner page"])
def test_a_save_while_the_database_is_busy_says_so_and_keeps_what_was_typed(
    visit, server, server_state, tiny_warehouse, editor
):
    """With the state database locked by another writer, Save says within seconds, beside the button,
    that nothing was saved because the database is busy; the form keeps what was typed, and the same
    click once the lock is gone saves it. Both editors alike."""
    commitment_id = seed(server_state, owner_id="ben", metric_id="fcr", title=unique("Busy desk"))
    if editor == "commitment page":
        page = open_commitment(visit, server, commitment_id)
        progress, save = field(page, "progress"), page.locator("#commitment-save")
        note = page.locator("#commitment-save-note")
    else:
        page = visit(f"{server}/owner/ben")
        editing = {
            name: page.locator(f"[id='{dom_id(edit_id(name, commitment_id))}']")
            for name in ("progress", "save", "message")
        }
        progress, save, note = editing["progress"], editing["save"], editing["message"]
    progress.fill("40")
    with write_lock(server_state):
        started = time.monotonic()
        save.click()
        expect(note).to_have_text("Not saved: the database is busy. Try again.")
        assert time.monotonic() - started < database.BUSY_SECONDS + 3  # the bound is the behaviour
        expect(progress).to_have_value("40")
    assert stored(server_state, commitment_id)["progress"] == 0
    save.click()
    if editor == "commitment page":
        expect(page).to_have_url(re.compile(rf"/commitment/{commitment_id}\?saved=saved"))
    else:
        expect(note).to_have_text("Saved · version 2")
    assert stored(server_state, commitment_id)["progress"] == 40
    assert page.problems == []
