"""Who may do what with follow-up cases, in a real server and browser with sign-in (BEACON_AUTH=local):
"Assignees, the metric's owner and admins act on a case; viewers see cases only where comments may be
shown (BEACON_VIEWER_COMMENTS); displays never see case text. Checked on the server for every callback."

One demo (20 000 answers, its cases seeded as `make demo` seeds them) and one state database, served
twice: with BEACON_VIEWER_COMMENTS=shown and =hidden. Touchpoint NPS (tnps) belongs to Julien Moreau;
its open cases are handed to Dariush Karimi before the servers start. The roles: an admin, Julien (the
metric's owner), Dariush (the assignee), Tom Becker (another owner), a viewer on each server, a wall
display. An admin's browser clicks every action of the case page (reassign too) and the queue's filter
and CSV, and each request is recorded; each role then replays those same bodies with its own session
(the browser context's request API), on a case of its own where it may act, else on one shared case
that must not change.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from components import ids
from data.state import accounts, cases
from tests.browser import PATIENCE_MS, ROOT, beacon_server

SECRET_KEY = "case-rights-tests-secret-key-0123456789abcdef"
PASSWORD = "a long case-rights password"
# username: (display name, role, owner id)
ACCOUNTS = {
    "adam": ("Adam Admin", "admin", None),
    "julien": ("Julien Moreau", "owner", "julien_moreau"),
    "dariush": ("Dariush Karimi", "owner", "dariush_karimi"),
    "tom": ("Tom Becker", "owner", "tom_becker"),
    "vera": ("Vera Viewer", "viewer", None),
}
REFUSED = "Not saved: only the case's assignee, its metric's owner or an admin acts on a case."
UNSEEN = "Not saved: cases hold customers' own words, which you may not read here."
DISPLAY_ONLY = "A wall display token shows /wall only."
#: What each action's "Saved" line says (pages/case.py ACTION_WORDS).
SAVED = {
    "contact": "Saved: the case is marked contacted.",
    "set_cause": "Saved: its root cause is saved.",
    "note": "Saved: your note is added.",
    "resolve": "Saved: the case is resolved.",
    "reopen": "Saved: the case is reopened.",
    "reassign": "Saved: the case is reassigned.",
}
#: The order the admin's browser clicks them in (and each acting role replays them): a new case is
#: contacted, given a cause in words, a note, resolved, reopened, then handed to Tom.
SEQUENCE = tuple(SAVED)


@dataclass(frozen=True)
class Role:
    username: str | None  # None: the display token
    server: str  # "shown" | "hidden": its BEACON_VIEWER_COMMENTS
    sees: bool  # sees the queue and the case
    acts: bool  # acts on the module's cases (its own case, if so)


ROLES = {
    "admin": Role("adam", "shown", True, True),
    "metric_owner": Role("julien", "shown", True, True),
    "assignee": Role("dariush", "shown", True, True),
    "other_owner": Role("tom", "shown", True, False),
    "viewer_comments_shown": Role("vera", "shown", True, False),
    "viewer_comments_hidden": Role("vera", "hidden", False, False),
    "display": Role(None, "shown", False, False),
}


def _rows(state: str, statement: str, **params) -> list:
    with sa.create_engine(state).connect() as connection:
        return connection.execute(sa.text(statement), params).all()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The two servers' base URLs, the state database, the display token and the module's cases: the
    admin's (clicked in the browser), one per other acting role, and the one nobody may change."""
    folder = tmp_path_factory.mktemp("case-rights")
    state, warehouse = f"sqlite:///{folder / 'state.db'}", folder / "cx.duckdb"
    env = {**os.environ, "BEACON_STATE_URL": state, "BEACON_WAREHOUSE": str(warehouse)}
    for module, *args in (
        ("data.demo", "--out", str(warehouse), "--responses", "20000", "--end", "2026-11-23", "--seed", "7"),
        ("data.demo.commitments",),
    ):
        subprocess.run(
            [sys.executable, "-m", module, *args], env=env, cwd=ROOT, check=True, capture_output=True
        )
    for username, (name, role, owner_id) in ACCOUNTS.items():
        accounts.add(username, name, role, PASSWORD, owner_id=owner_id, url=state)
    _, token = accounts.create_display_token("Lobby TV", url=state)
    # Touchpoint NPS's cases waiting for a first contact (new or reopened), all handed to Dariush.
    waiting = _rows(
        state,
        "SELECT case_id, version, assignee_id FROM cases WHERE metric_id = 'tnps'"
        " AND status IN ('new', 'reopened') ORDER BY case_id",
    )
    assert len(waiting) >= 5, waiting
    for case_id, version, assignee_id in waiting[:5]:
        if assignee_id != "dariush_karimi":
            cases.act(
                case_id,
                version,
                "setup",
                "reassign",
                url=state,
                assignee_kind="owner",
                assignee_id="dariush_karimi",
            )
    chosen = [case_id for case_id, *_ in waiting[:5]]
    settings = {"BEACON_AUTH": "local", "BEACON_SECRET_KEY": SECRET_KEY, "BEACON_STATE_URL": state}
    with (
        beacon_server(warehouse, extra_env={**settings, "BEACON_VIEWER_COMMENTS": "shown"}) as shown,
        beacon_server(warehouse, extra_env={**settings, "BEACON_VIEWER_COMMENTS": "hidden"}) as hidden,
    ):
        yield SimpleNamespace(
            base={"shown": shown, "hidden": hidden},
            state=state,
            token=token,
            clicked=chosen[0],
            own={"admin": chosen[1], "metric_owner": chosen[2], "assignee": chosen[3]},
            untouched=chosen[4],
        )


def signed_in(browser, site, role: Role):
    """A browser context with `role`'s session on its server, made through the sign-in form's POST (or
    the display token's address) with the context's own request API."""
    base = site.base[role.server]
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.set_default_timeout(PATIENCE_MS)
    if role.username is None:
        assert context.request.get(f"{base}/wall?token={site.token}").ok
    else:
        answer = context.request.post(
            f"{base}/signin",
            form={"username": role.username, "password": PASSWORD, "next": "/"},
            headers={"Origin": base},
        )
        assert answer.ok and answer.url == f"{base}/", answer.url
    return context


def replay(context, base: str, body: dict):
    """POST a recorded callback body as this context's session; (status, text)."""
    answer = context.request.post(
        f"{base}/_dash-update-component",
        data=json.dumps(body),
        headers={"Content-Type": "application/json", "Origin": base},
    )
    return answer.status, answer.text()


def on_case(body: dict, case_id: int, version: int) -> dict:
    """A recorded case-page action, aimed at `case_id` as seen at `version`."""
    body = json.loads(json.dumps(body))
    for item in body["state"]:
        if item["id"] == "case-seen":
            item["value"] = {"case_id": case_id, "version": version}
    return body


def _callback(*markers: str):
    """A callback request whose body holds every marker."""
    return lambda r: "_dash-update-component" in r.url and all(m in (r.post_data or "") for m in markers)


@pytest.fixture(scope="module")
def recorded(session_browser, site):
    """The bodies an admin's browser sends: the page container drawing the shared case, each action of
    the case page clicked in SEQUENCE on the admin's clicked case (ending by reassigning it to Tom),
    the queue's filter and its CSV. Checks on the way that the page shows each change."""
    base = site.base["shown"]
    context = signed_in(session_browser, site, ROLES["admin"])
    page = context.new_page()
    bodies = {}
    with page.expect_request(_callback(json.dumps(ids.URL))) as drawn:
        page.goto(f"{base}/case/{site.untouched}")
    bodies["page"] = json.loads(drawn.value.post_data)
    page.goto(f"{base}/case/{site.clicked}")
    page.wait_for_selector("._dash-loading", state="detached")
    body = page.locator(".case-body")
    expect(body).to_have_attribute("data-assignee-id", "owner:dariush_karimi")
    for action in SEQUENCE:
        version = int(body.get_attribute("data-version"))
        if action in ("contact", "note", "reopen"):
            page.fill("#case-note", f"The admin's {action}.")
        if action == "set_cause":
            page.fill("#case-cause-note", "The bill arrived twice.")
        if action == "resolve":
            page.select_option("#case-outcome", "explained")
        if action == "reassign":
            page.select_option("#case-assignee", "owner:tom_becker")
            page.fill("#case-reassign-note", "Tom's team sends the bills.")
        with page.expect_request(_callback('"case-seen"')) as sent:
            page.locator(f'[id*=\'"action":"{action}"\']').click()
        bodies[action] = json.loads(sent.value.post_data)
        if action == "set_cause":  # each touchpoint lists its own causes: replayed as the words only
            for item in bodies[action]["state"]:
                if item["id"] == "case-cause":
                    item["value"] = None
        expect(body).to_have_attribute("data-version", str(version + 1))
        expect(page.locator("#case-message")).to_have_text(SAVED[action])
    # Handed to Tom: the page says so, from whom to whom, and the admin (an admin still) keeps the forms.
    expect(body).to_have_attribute("data-assignee-id", "owner:tom_becker")
    expect(page.locator(".case-timeline li").first).to_contain_text(
        "Reassigned from Dariush Karimi to Tom Becker"
    )
    expect(page.locator(".case-timeline li").first).to_contain_text("Tom's team sends the bills.")
    assert _rows(
        site.state, "SELECT assignee_kind, assignee_id, status FROM cases WHERE case_id = :c", c=site.clicked
    ) == [("owner", "tom_becker", "reopened")]
    # Tom hears of it as of a new case.
    (facts,) = _rows(
        site.state,
        "SELECT facts FROM alert_events WHERE dedupe_key = :k",
        k=f"case_new:owner:tom_becker:case:{site.clicked}:{version + 1}",
    )[0]
    assert json.loads(facts)["assignee_email"] == "tom.becker@example.com"

    page.goto(f"{base}/cases")
    expect(page.locator("#cases-root")).to_be_visible()
    # The filter bar reports its values once drawn (no update); the request wanted is the one choosing "open".
    with page.expect_request(_callback("cases-filter", '"open"')) as sent:
        page.select_option('[id*="cases-filter"][id*="status"]', "open")
    bodies["queue_filter"] = json.loads(sent.value.post_data)
    expect(page).to_have_url(f"{base}/cases?status=open")
    with page.expect_request(_callback("cases-csv-button")) as sent, page.expect_download():
        page.get_by_role("button", name="Download CSV").click()
    bodies["queue_csv"] = json.loads(sent.value.post_data)
    context.close()
    return bodies


def _unchanged(state: str) -> tuple:
    """What a refused callback must leave as it was: every case, the history, the events and outbox."""
    return (
        _rows(state, "SELECT * FROM cases ORDER BY case_id"),
        _rows(state, "SELECT count(*) FROM case_history"),
        _rows(state, "SELECT count(*) FROM alert_events"),
        _rows(state, "SELECT count(*) FROM outbox"),
    )


@pytest.mark.parametrize("name", list(ROLES))
def test_what_each_role_sees_of_the_queue_and_a_case(session_browser, site, name):
    """The queue and the shared case are drawn for whoever may read comments, with the case's forms
    (reassign too) only for its assignee, its metric's owner and admins; a viewer where comments are
    hidden is told cases are not shown, a display is refused both pages."""
    role = ROLES[name]
    base = site.base[role.server]
    context = signed_in(session_browser, site, role)
    try:
        page = context.new_page()
        ref = _rows(site.state, "SELECT respondent_ref FROM cases WHERE case_id = :c", c=site.untouched)[0][0]
        answer = page.goto(f"{base}/cases")
        if role.username is None:
            assert answer.status == 403
            expect(page.locator("body")).to_contain_text(DISPLAY_ONLY)
            assert page.goto(f"{base}/case/{site.untouched}").status == 403
            expect(page.locator("body")).to_contain_text(DISPLAY_ONLY)
            assert ref not in page.content()
            return
        page.wait_for_selector("._dash-loading", state="detached")
        if not role.sees:
            expect(page.locator(".problem")).to_contain_text("Follow-up cases are not shown here")
            expect(page.locator("#cases-root")).to_have_count(0)
            page.goto(f"{base}/case/{site.untouched}")
            expect(page.locator(".problem")).to_contain_text("This case is not shown here")
            expect(page.locator(".case-body")).to_have_count(0)
            assert ref not in page.content()
            return
        expect(page.locator("#cases-root")).to_be_visible()
        expect(page.locator(f'tr[data-case-id="{site.untouched}"]')).to_have_count(1)
        page.goto(f"{base}/case/{site.untouched}")
        body = page.locator(".case-body")
        expect(body).to_have_attribute("data-assignee-id", "owner:dariush_karimi")
        expect(page.locator(".case-facts")).to_contain_text(ref)
        if role.acts:
            expect(page.locator(".case-reassign")).to_be_visible()
            expect(page.get_by_role("button", name="Mark contacted")).to_be_visible()
        else:
            expect(body).to_contain_text(REFUSED.replace("Not saved: ", "You read this case: "))
            expect(page.locator("[id*=case-action]")).to_have_count(0)
            expect(page.locator(".case-reassign")).to_have_count(0)
    finally:
        context.close()


@pytest.mark.parametrize("name", list(ROLES))
def test_every_case_callback_replayed_as_each_role(session_browser, site, recorded, name):
    """The admin's recorded bodies, sent with this role's session. The page container draws the case
    (its respondent reference) only for whoever sees cases. An acting role's replays of every action on
    its own case each save (the next version, "Saved: …") and leave it with Tom; every other role's,
    aimed at the shared case, are each refused with the reason and change nothing in the state
    database. The queue's filter and CSV answer whoever sees cases, and nobody else (no update)."""
    role = ROLES[name]
    base = site.base[role.server]
    ref = _rows(site.state, "SELECT respondent_ref FROM cases WHERE case_id = :c", c=site.untouched)[0][0]
    context = signed_in(session_browser, site, role)
    try:
        if role.username is None:
            before = _unchanged(site.state)
            for key, body in recorded.items():
                body = on_case(body, site.untouched, 1) if key in SAVED else body
                status, text = replay(context, base, body)
                assert (status, json.loads(text)) == (403, {"message": DISPLAY_ONLY}), key
            assert _unchanged(site.state) == before
            return

        status, text = replay(context, base, recorded["page"])
        assert status == 200
        assert (ref in text) is role.sees
        if not role.sees:
            assert "This case is not shown here" in text

        if role.acts:
            case_id = site.own[name]
            for action in SEQUENCE:
                (version,) = _rows(site.state, "SELECT version FROM cases WHERE case_id = :c", c=case_id)[0]
                status, text = replay(context, base, on_case(recorded[action], case_id, version))
                assert status == 200 and SAVED[action] in text, (action, text[:300])
                assert _rows(site.state, "SELECT version FROM cases WHERE case_id = :c", c=case_id) == [
                    (version + 1,)
                ], action
            assert _rows(
                site.state, "SELECT assignee_id, status FROM cases WHERE case_id = :c", c=case_id
            ) == [("tom_becker", "reopened")]
        else:
            before = _unchanged(site.state)
            (version,) = _rows(site.state, "SELECT version FROM cases WHERE case_id = :c", c=site.untouched)[
                0
            ]
            reason = REFUSED if role.sees else UNSEEN
            for action in SEQUENCE:
                status, text = replay(context, base, on_case(recorded[action], site.untouched, version))
                assert status == 200 and reason in text and "Saved" not in text, (action, text[:300])
                assert ref not in text
            assert _unchanged(site.state) == before

        status, text = replay(context, base, recorded["queue_filter"])
        assert (status, "?status=open" in text) == ((200, True) if role.sees else (204, False))
        status, text = replay(context, base, recorded["queue_csv"])
        assert (status, "respondent_ref" in text) == ((200, True) if role.sees else (204, False))
    finally:
        context.close()
