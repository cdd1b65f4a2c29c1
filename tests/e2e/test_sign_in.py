"""Sign-in (BEACON_AUTH=local) in a real server and browser: signing in and out, what each role may save
(through the pages and by replaying a recorded callback), wall display tokens, the sign-in rate limit,
and the sign-in page's headers. (Settings refused at start: test_security.py.)

One server for the module, over a state database of its own holding the accounts below; every test
seeds its own commitments and asserts on them by id.
"""

import json
import re
import subprocess
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import pytest
import sqlalchemy
from dash.dash import _ID_CONTENT
from playwright.sync_api import expect

from components import ids
from data.review_pack import page_count
from data.state import accounts, alerts, audit, commitments, database
from tests.browser import PATIENCE_SECONDS, beacon_server, open_page
from tests.e2e.test_commitments import field, seed, stored, unique

SECRET_KEY = "sign-in-tests-secret-key-0123456789abcdef"
# username: (display name, role, owner id, password). Ana owns nps, csat and pilot; Ben effort and fcr.
ACCOUNTS = {
    "vera": ("Vera Viewer", "viewer", None, "viewer-password-1"),
    "ana": ("Ana Silva", "owner", "ana", "owner-password-1"),
    "adam": ("Adam Admin", "admin", None, "admin-password-1"),
    "rita": ("Rita Retry", "viewer", None, "retry-password-1"),
}
EVIL = "http://evil.example"


@pytest.fixture(scope="module")
def beacon(tiny_warehouse_path, tmp_path_factory):
    """Beacon with sign-in on the tiny warehouse: its base URL, and its state database holding the
    accounts of ACCOUNTS."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sign-in') / 'database.db'}"
    database.migrate(url)
    for username, (name, role, owner_id, password) in ACCOUNTS.items():
        accounts.add(username, name, role, password, owner_id=owner_id, url=url)
    env = {"BEACON_AUTH": "local", "BEACON_SECRET_KEY": SECRET_KEY, "BEACON_STATE_URL": url}
    with beacon_server(tiny_warehouse_path, extra_env=env) as base:
        yield SimpleNamespace(base=base, url=url, state={"BEACON_STATE_URL": url})


@pytest.fixture
def sign_in(browser, beacon):
    """sign_in(username, path): a new browser context signed in through the sign-in page, on `path`."""

    def sign_in(username: str, path: str = "/"):
        page = open_page(browser, f"{beacon.base}/signin?next={quote(path)}")
        page.fill("#signin-username", username)
        page.fill("#signin-password", ACCOUNTS[username][3])
        page.click("#signin-submit")
        page.wait_for_url(beacon.base + path)
        page.wait_for_selector("._dash-loading", state="detached")
        return page

    return sign_in


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def http(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, text) of one request, redirects not followed."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with _OPENER.open(request, timeout=PATIENCE_SECONDS) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def post_sign_in(base: str, username: str, password: str, origin: str | None = None):
    form = urlencode({"username": username, "password": password, "next": "/"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if origin is not False:
        headers["Origin"] = origin or base
    return http(f"{base}/signin", form, headers)


def session_cookie(base: str, username: str) -> str:
    """The Cookie header of a fresh session of `username`, signed in without a browser."""
    status, headers, _ = post_sign_in(base, username, ACCOUNTS[username][3])
    assert status == 302, status
    return headers["Set-Cookie"].split(";")[0]


def browser_cookie(page) -> str:
    """The Cookie header of the session of `page`'s browser context."""
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "beacon_session"]
    return f"beacon_session={cookie['value']}"


def replay(base: str, body: dict, cookie: str | None = None, origin: str | None = None):
    """POST a callback body as the page sends it, with `cookie` and an Origin (this server's by default)."""
    headers = {"Content-Type": "application/json", "Origin": origin or base}
    if cookie:
        headers["Cookie"] = cookie
    return http(f"{base}/_dash-update-component", json.dumps(body).encode(), headers)


def _is_callback(marker: str):
    return lambda r: "_dash-update-component" in r.url and marker in (r.post_data or "")


def _edited(body: dict, version: int, title: str) -> dict:
    """The recorded save of the commitment page, from `version` and with another title."""
    body = json.loads(json.dumps(body))
    for item in body["state"]:
        if isinstance(item, dict) and item["id"] == "commitment-editing":
            item["value"]["version"] = version
        elif isinstance(item, list):
            for control in item:
                if control["id"]["field"] == "title":
                    control["value"] = title
    return body


def _at_path(body: dict, pathname: str, search: str = "") -> dict:
    """The recorded page-container callback, for another address."""
    body = json.loads(json.dumps(body))
    for item in body["inputs"]:
        if item.get("id") == ids.URL:
            item["value"] = pathname if item["property"] == "pathname" else search
    return body


def _audit(beacon, action: str) -> list[tuple]:
    return [(e["actor"], e["subject"], e["detail"]) for e in audit.entries(url=beacon.url, action=action)]


# 1. Signing in and out


def test_unsigned_requests_are_sent_to_sign_in(beacon):
    """Without a session a page redirects to the sign-in page (coming back to it after), a callback and
    /session answer 401, and /healthz still answers."""
    status, headers, _ = http(f"{beacon.base}/owners?period=2026-Q4")
    assert (status, headers["Location"]) == (302, "/signin?next=%2Fowners%3Fperiod%3D2026-Q4")
    status, _, text = http(f"{beacon.base}/_dash-layout")
    assert (status, json.loads(text)) == (
        401,
        {"message": "You are signed out: reload the page to sign in again."},
    )
    assert http(f"{beacon.base}/session", method="HEAD")[0] == 401
    assert http(f"{beacon.base}/healthz")[:3:2] == (200, "ok")


def test_sign_in_and_sign_out_in_the_browser(visit, beacon):
    """/owners unsigned lands on the sign-in page; a wrong password is refused there, the right one
    comes back to /owners with the name in the navbar and an HttpOnly, SameSite=Lax session cookie;
    Sign out ends it. The audit log records all three."""
    page = visit(f"{beacon.base}/owners")
    assert page.url == f"{beacon.base}/signin?next=%2Fowners"
    page.fill("#signin-username", "vera")
    page.fill("#signin-password", "not-her-password")
    page.click("#signin-submit")
    expect(page.locator("#signin-message")).to_have_text(
        "That username and password do not match an active account."
    )
    assert page.url == f"{beacon.base}/signin"
    expect(page.locator("#signin-username")).to_have_value("vera")

    page.fill("#signin-password", ACCOUNTS["vera"][3])
    page.click("#signin-submit")
    page.wait_for_url(f"{beacon.base}/owners")
    expect(page.locator("#shell-signed-in")).to_have_text("Vera Viewer")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "beacon_session"]
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["secure"]) == (True, "Lax", False)
    assert "beacon_session" not in page.evaluate("document.cookie")
    # Asked outside the browser, and signing out once the page's callbacks have answered: any response
    # arriving after the sign-out would set the cookie again (test_a_session_cookie_from_before_...).
    signed_in = {"Cookie": browser_cookie(page)}
    assert http(f"{beacon.base}/session", headers=signed_in, method="HEAD")[0] == 204
    page.wait_for_load_state("networkidle")
    page.click("#shell-sign-out")
    page.wait_for_url(f"{beacon.base}/signin?signed_out=1")
    expect(page.locator("#signin-message")).to_have_text("You are signed out.")
    assert [c for c in page.context.cookies() if c["name"] == "beacon_session"] == []
    page.goto(f"{beacon.base}/owners")
    assert page.url == f"{beacon.base}/signin?next=%2Fowners"

    assert ("not signed in", "vera", "wrong username or password") in _audit(beacon, "sign-in refused")
    assert ("vera", "vera", "") in _audit(beacon, "sign-in")
    assert ("vera", "vera", "") in _audit(beacon, "sign-out")


def test_a_session_cookie_from_before_signing_out_no_longer_works(beacon):
    """Once signed out, the session's cookie as it was before signing out opens nothing."""
    cookie = session_cookie(beacon.base, "vera")
    assert http(f"{beacon.base}/session", headers={"Cookie": cookie}, method="HEAD")[0] == 204
    status, headers, _ = http(f"{beacon.base}/signout", b"", {"Cookie": cookie, "Origin": beacon.base})
    assert (status, headers["Location"]) == (302, "/signin?signed_out=1")
    assert headers["Set-Cookie"].startswith("beacon_session=;")  # the browser's copy is deleted
    assert http(f"{beacon.base}/session", headers={"Cookie": cookie}, method="HEAD")[0] == 401


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_to_another_site(beacon, target):
    """A `next` naming another site signs in to Beacon's own front page instead."""
    form = urlencode({"username": "vera", "password": ACCOUNTS["vera"][3], "next": target}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": beacon.base}
    status, headers, _ = http(f"{beacon.base}/signin", form, headers)
    assert (status, headers["Location"]) == (302, "/")


@pytest.mark.parametrize(
    ("target", "signed_in"),
    [("/\t/evil.example/", False), ("/\t/evil.example/", True), ("/\n/evil.example/", False)],
    ids=["tab-posting-the-form", "tab-already-signed-in", "newline-posting-the-form"],
)
def test_a_control_character_in_next_never_redirects_to_another_site(beacon, target, signed_in):
    """`next=/<TAB>/evil.example/` (or a newline), posted with the sign-in form or opened while signed
    in, goes to a path of Beacon's own, never to //evil.example/."""
    if signed_in:
        cookie = session_cookie(beacon.base, "adam")
        status, headers, _ = http(f"{beacon.base}/signin?next={quote(target)}", headers={"Cookie": cookie})
    else:
        form = urlencode({"username": "adam", "password": ACCOUNTS["adam"][3], "next": target}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": beacon.base}
        status, headers, _ = http(f"{beacon.base}/signin", form, headers)
    assert status == 302
    assert headers["Location"].startswith("/") and not headers["Location"].startswith("//"), headers[
        "Location"
    ]


def test_a_password_reset_or_a_disabled_account_ends_its_sessions(beacon):
    """A session ends at its next request once its password is reset or its account disabled."""
    for username, end in (("paula", accounts.reset_password), ("dan", accounts.disable)):
        accounts.add(username, username.title(), "viewer", "first-password-1", url=beacon.url)
        _, headers, _ = post_sign_in(beacon.base, username, "first-password-1")
        cookie = headers["Set-Cookie"].split(";")[0]
        assert http(f"{beacon.base}/session", headers={"Cookie": cookie}, method="HEAD")[0] == 204
        if end is accounts.reset_password:
            end(username, "second-password-2", url=beacon.url)
        else:
            end(username, url=beacon.url)
        assert http(f"{beacon.base}/session", headers={"Cookie": cookie}, method="HEAD")[0] == 401, username


# 2. What each role may save, through the pages


def test_a_viewer_reads_commitments_but_cannot_save(sign_in, beacon):
    """A viewer's commitment page says it is read-only; their owner page has no in-place editor and no
    New commitment button."""
    commitment_id = seed(beacon.state, owner_id="ana", metric_id="nps", title=unique("Viewer reads"))
    page = sign_in("vera", f"/commitment/{commitment_id}")
    expect(page.locator(".read-only-note")).to_have_text(
        "You are signed in as a viewer: you can read commitments but not change them."
    )
    page.goto(f"{beacon.base}/owner/ana")
    card = page.locator(f".commitment-card[data-commitment-id='{commitment_id}']")
    expect(card).to_be_visible()
    expect(card.locator("button, input, select")).to_have_count(0)
    expect(page.get_by_text("New commitment")).to_have_count(0)
    assert page.problems == []


@pytest.mark.parametrize(
    "path", ["/?period=2026-Q3", "/metric/nps?period=2026-Q3", "/touchpoint/web?period=2026-Q3"]
)
def test_a_page_drawn_for_an_admin_is_not_served_to_a_viewer(sign_in, path):
    """Pages are memoised; an admin's (with its add-a-commitment buttons) must not reach a viewer
    opening the same address next, nor a viewer's reach the admin after."""
    admin = sign_in("adam", path)
    expect(admin.locator(".tile-action, a:has-text('Add a commitment')").first).to_be_attached()
    viewer = sign_in("vera", path)
    expect(viewer.locator(".tile-grid, .metric-page, .touchpoint-page").first).to_be_attached()
    expect(viewer.locator(".tile-action, a:has-text('Add a commitment')")).to_have_count(0)
    assert viewer.problems == []


@pytest.mark.parametrize(
    ("username", "owner_id", "metric_id"), [("vera", "ana", "nps"), ("ana", "ben", "effort")]
)
def test_there_is_no_save_button_for_who_may_not_save(sign_in, beacon, username, owner_id, metric_id):
    """A viewer, and an owner on someone else's commitment, get no save button once the page has
    settled (a save is refused on the server regardless)."""
    commitment_id = seed(beacon.state, owner_id=owner_id, metric_id=metric_id, title=unique("No save"))
    page = sign_in(username, f"/commitment/{commitment_id}")
    expect(page.locator(".read-only-note")).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#commitment-save")).to_have_count(0)


@pytest.mark.parametrize(
    ("username", "owner_id", "metric_id", "name"),
    [("ana", "ana", "nps", "Ana Silva"), ("adam", "ben", "effort", "Adam Admin")],
    ids=["owner-their-own", "admin-anyone-s"],
)
def test_who_may_save_a_commitment_saves_it(sign_in, beacon, username, owner_id, metric_id, name):
    """An owner changes the title of a commitment they own on their metric; an admin, of one neither
    theirs nor on a metric of theirs: stored, by their name."""
    commitment_id = seed(beacon.state, owner_id=owner_id, metric_id=metric_id, title=unique("To rename"))
    page = sign_in(username, f"/commitment/{commitment_id}")
    expect(page.locator(".read-only-note")).to_have_count(0)
    title = unique(f"Renamed by {name}")
    field(page, "title").fill(title)
    page.locator("#commitment-save").click()
    expect(page).to_have_url(re.compile(rf"/commitment/{commitment_id}\?saved=saved&version=2$"))
    row = stored(beacon.state, commitment_id)
    assert (row["title"], row["version"], row["updated_by"]) == (title, 2, name)


def test_an_owner_saves_in_place_on_a_metric_they_own(sign_in, beacon):
    """On Ben's owner page, Ana may save in place the commitment Ben holds on her metric (csat) but
    has no editor on Ben's commitment on his own metric (effort)."""
    on_her_metric = seed(beacon.state, owner_id="ben", metric_id="csat", title=unique("Ben on csat"))
    on_his_metric = seed(beacon.state, owner_id="ben", metric_id="effort", title=unique("Ben on effort"))
    page = sign_in("ana", "/owner/ben")
    expect(page.locator(f".commitment-card[data-commitment-id='{on_his_metric}'] button")).to_have_count(0)
    card = page.locator(f".commitment-card[data-commitment-id='{on_her_metric}']")
    card.locator("input[inputmode=numeric]").fill("35")
    card.locator("button", has_text="Save").click()
    expect(card.locator(".in-place-message")).to_have_text("Saved · version 2")
    row = stored(beacon.state, on_her_metric)
    assert (row["progress"], row["updated_by"]) == (35, "Ana Silva")
    assert stored(beacon.state, on_his_metric)["version"] == 1
    assert page.problems == []


def test_an_owner_cannot_save_someone_elses_commitment(sign_in, beacon):
    """Ben's commitment on Ben's metric is read-only for Ana; a new commitment she makes for Ben on his
    metric is refused, "Not saved", and nothing is stored."""
    commitment_id = seed(beacon.state, owner_id="ben", metric_id="effort", title=unique("Ben's own"))
    page = sign_in("ana", f"/commitment/{commitment_id}")
    expect(page.locator(".read-only-note")).to_have_text(
        "This commitment is neither yours nor on a metric you own: you can read it but not change it."
    )
    count = len(commitments.register(url=beacon.url))
    page.goto(f"{beacon.base}/commitment/new?metric=effort&owner=ben")
    expect(field(page, "owner_id")).to_have_value("ben")
    title = unique("Ana assigns Ben")
    field(page, "title").fill(title)
    page.locator("#commitment-save").click()
    expect(page.locator("#commitment-message")).to_have_text(
        "Not saved: you may only save commitments that you own or that are on a metric you own."
    )
    assert page.url == f"{beacon.base}/commitment/new?metric=effort&owner=ben"
    register = commitments.register(url=beacon.url)
    assert len(register) == count and title not in set(register["title"])
    assert stored(beacon.state, commitment_id)["version"] == 1


# 3. What each role may save, by a replayed callback


def test_a_replayed_save_is_refused_without_the_right(sign_in, beacon):
    """An admin's save, recorded in the browser and replayed: a viewer's session and an owner's (not
    their commitment) get the refusal; no session gets 401; the admin's session from another site, or
    with no Origin, 403. None changes the commitment; the admin's own replay saves it."""
    commitment_id = seed(beacon.state, owner_id="ben", metric_id="effort", title=unique("Replayed"))
    page = sign_in("adam", f"/commitment/{commitment_id}")
    recorded_title = unique("Recorded")
    field(page, "title").fill(recorded_title)
    with page.expect_request(_is_callback("commitment-save")) as request:
        page.locator("#commitment-save").click()
    expect(page).to_have_url(re.compile(r"saved=saved&version=2$"))
    body = _edited(json.loads(request.value.post_data), version=2, title=unique("Replayed title"))
    admin = browser_cookie(page)

    def unchanged():
        row = stored(beacon.state, commitment_id)
        assert (row["title"], row["version"]) == (recorded_title, 2)

    status, _, text = replay(beacon.base, body, session_cookie(beacon.base, "vera"))
    assert status == 200
    assert (
        "Not saved: you are signed in as a viewer, who reads Beacon but does not change commitments." in text
    )
    unchanged()
    status, _, text = replay(beacon.base, body, session_cookie(beacon.base, "ana"))
    assert status == 200
    assert "Not saved: this commitment is neither yours nor on a metric you own." in text
    unchanged()
    status, _, text = replay(beacon.base, body)
    assert (status, json.loads(text)["message"]) == (
        401,
        "You are signed out: reload the page to sign in again.",
    )
    unchanged()
    for origin in (EVIL, f"{beacon.base}.evil.example"):
        status, _, text = replay(beacon.base, body, admin, origin=origin)
        assert status == 403 and "did not come from a Beacon page" in text, origin
    unchanged()
    headers = {"Content-Type": "application/json", "Cookie": admin}  # no Origin, no Referer
    assert http(f"{beacon.base}/_dash-update-component", json.dumps(body).encode(), headers)[0] == 403
    unchanged()

    status, _, text = replay(beacon.base, body, admin)
    assert status == 200 and "saved=saved&version=3" in text
    assert stored(beacon.state, commitment_id)["version"] == 3


# 4. Wall display tokens


@pytest.fixture(scope="module")
def pages_callback(session_browser, beacon):
    """The page container's callback as an admin's browser sends it for /owners."""
    page = open_page(session_browser, f"{beacon.base}/signin?next=/owners")
    page.fill("#signin-username", "adam")
    page.fill("#signin-password", ACCOUNTS["adam"][3])
    with page.expect_request(_is_callback(json.dumps(ids.URL))) as request:
        page.click("#signin-submit")
    body = json.loads(request.value.post_data)
    page.context.close()
    assert [i["value"] for i in body["inputs"] if i["property"] == "pathname"] == ["/owners"]
    return body


def _open_display(browser, base: str, token: str):
    page = open_page(browser, f"{base}/wall?token={token}&slides=scorecard")
    expect(page.locator("#wall-deck .wall-slide").first).to_be_attached()
    return page


def test_a_display_token_shows_the_wall_and_nothing_else(browser, beacon, pages_callback):
    """/wall?token=… shows the wall at an address without the token and always public; the same
    screen is refused /owners and any callback but the wall's."""
    token_id, token = accounts.create_display_token("Lobby TV", url=beacon.url)
    page = _open_display(browser, beacon.base, token)
    try:
        assert page.url == f"{beacon.base}/wall?slides=scorecard&public=1"
        expect(page.locator(".wall-root")).to_have_attribute("data-public", "true")
        assert page.problems == []  # its styles and fonts too: a display may fetch the vendored files
        assert page.context.request.head(f"{beacon.base}/session").status == 204
        display = browser_cookie(page)
        assert ("Lobby TV", str(token_id), "") in _audit(beacon, "display signed in")
        assert accounts.display_tokens(url=beacon.url)[-1]["last_used_at"] is not None

        response = page.goto(f"{beacon.base}/owners")
        assert response.status == 403
        expect(page.locator("#auth-message")).to_have_text("A wall display token shows /wall only.")
        status, _, text = replay(beacon.base, pages_callback, display)
        assert (status, json.loads(text)) == (403, {"message": "A wall display token shows /wall only."})
        status, _, text = replay(beacon.base, _at_path(pages_callback, "/wall", "?slides=scorecard"), display)
        assert status == 200 and "wall-root" in text
        assert http(f"{beacon.base}/_dash-layout", headers={"Cookie": display})[0] == 200
    finally:
        page.context.close()


def test_a_revoked_display_token_stops_its_screens(browser, beacon):
    """Once its token is revoked, a wall screen left alone says so within a heartbeat (its own session
    check answers 403 and it reloads); its session check and reloads go on answering 403, and the
    token no longer opens a wall."""
    token_id, token = accounts.create_display_token("Canteen TV", url=beacon.url)
    page = _open_display(browser, beacon.base, token)
    try:
        accounts.revoke_display_token(token_id, url=beacon.url)
        revoked = "This screen's display token was revoked: ask a Beacon admin for a new one."
        expect(page.locator("#auth-message")).to_have_text(revoked)
        assert page.url == f"{beacon.base}/wall?slides=scorecard&public=1"
        assert page.context.request.head(f"{beacon.base}/session").status == 403
        assert page.reload().status == 403
        expect(page.locator("#auth-message")).to_have_text(revoked)
        assert http(f"{beacon.base}/wall?token={token}")[0] == 403
    finally:
        page.context.close()


def test_a_display_cannot_draw_another_page_by_reordering_the_callback_inputs(beacon, pages_callback):
    """The page container's callback with its inputs listed search first (the pathname entry saying
    /wall, the search entry /owner/ana) is refused to a display session, as /owner/ana is."""
    seed(beacon.state, owner_id="ana", metric_id="nps", title=unique("Behind the wall"))
    _, token = accounts.create_display_token("Reception TV", url=beacon.url)
    display = http(f"{beacon.base}/wall?token={token}")[1]["Set-Cookie"].split(";")[0]
    body = json.loads(json.dumps(pages_callback))
    body["inputs"] = [
        {"id": ids.URL, "property": "search", "value": "/owner/ana"},
        {"id": ids.URL, "property": "pathname", "value": "/wall"},
    ]
    status, _, text = replay(beacon.base, body, display)
    assert "ana@example.com" not in text
    assert status == 403


def _callbacks_sent(page, url: str) -> list[tuple[dict, int]]:
    """(body, status) of every callback request `page` sends while it opens `url`, up to its first
    response to a callback other than the page container's."""
    sent = []

    def callback(response) -> bool:
        return "_dash-update-component" in response.url

    page.on("response", lambda r: callback(r) and sent.append((json.loads(r.request.post_data), r.status)))
    with page.expect_response(lambda r: callback(r) and not _draws_a_page(json.loads(r.request.post_data))):
        page.goto(url)
    return sent


RAN = (200, 204)  # a callback that ran: its outputs, or none to update (PreventUpdate)


def _draws_a_page(body: dict) -> bool:
    """Whether a callback request is the page container's (it writes Dash's page content)."""
    return json.dumps(_ID_CONTENT) in json.dumps(body["outputs"])


def test_the_display_gate_holds_on_dashs_own_requests(browser, beacon, sign_in):
    """The gate pinned to the requests Dash's renderer really sends: every callback a wall screen sends
    is answered, the page container's among them; an admin's callback of another page, replayed with
    the screen's cookie, is refused, and so is the screen's own wall callback sent under that callback's
    output key. (Should Dash change its request, the screen's own callbacks are refused here, rather
    than another page's let through.)"""
    _, token = accounts.create_display_token("Gate TV", url=beacon.url)
    screen = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        own = _callbacks_sent(screen, f"{beacon.base}/wall?token={token}&slides=scorecard&refresh=2")
        expect(screen.locator("#wall-deck .wall-slide").first).to_be_attached()
        assert own and all(status in RAN for _, status in own), [(b["output"], s) for b, s in own]
        drawn_wall = [body for body, _ in own if _draws_a_page(body)]
        wall = [body for body, _ in own if not _draws_a_page(body)]
        assert drawn_wall and wall
        display = browser_cookie(screen)

        admin = sign_in("adam", "/owners")
        others = _callbacks_sent(admin, f"{beacon.base}/commitments")
        other = next(body for body, _ in others if not _draws_a_page(body))
        assert replay(beacon.base, other, browser_cookie(admin))[0] in RAN
        refused = (403, {"message": "A wall display token shows /wall only."})
        status, _, text = replay(beacon.base, other, display)
        assert (status, json.loads(text)) == refused
        status, _, text = replay(beacon.base, {**wall[0], "output": other["output"]}, display)
        assert (status, json.loads(text)) == refused
        assert replay(beacon.base, wall[0], display)[0] in RAN
        status, _, text = replay(beacon.base, _at_path(drawn_wall[0], "/owners"), display)
        assert (status, json.loads(text)) == refused
    finally:
        screen.context.close()


def test_a_token_link_does_not_sign_a_person_out(beacon):
    """Someone signed in who follows a link carrying a display token sees the wall as themselves: their
    session is not turned into a display's."""
    _, token = accounts.create_display_token("Hall TV", url=beacon.url)
    cookie = session_cookie(beacon.base, "adam")
    status, headers, _ = http(f"{beacon.base}/wall?token={token}&dwell=9", headers={"Cookie": cookie})
    assert (status, headers["Location"]) == (302, "/wall?dwell=9")
    assert http(f"{beacon.base}/owners", headers={"Cookie": cookie})[0] == 200


@pytest.mark.parametrize("username", ["a" * 300, "adam\x00", "ad\nam"])
def test_an_impossible_username_is_a_wrong_username(beacon, username):
    """Too long for any account, or with control characters: refused like a wrong password, not a 500."""
    status, _, text = post_sign_in(beacon.base, username, ACCOUNTS["adam"][3])
    assert status == 401 and "do not match an active account" in text


def test_a_made_up_display_token_is_refused(beacon):
    """A token that was never issued is refused with 403, and the refusal is in the audit log."""
    status, headers, text = http(f"{beacon.base}/wall?token=made-up-token-123")
    assert status == 403
    assert "This display token is not valid: it was revoked, or mistyped." in text
    assert "Set-Cookie" not in headers
    assert ("not signed in", "", "") in _audit(beacon, "display token refused")


# 5. The sign-in rate limit


def test_sign_in_is_refused_after_five_wrong_passwords(beacon):
    """Five wrong passwords for one username from one address, sent at once: the next attempt is
    refused with 429 even with the right password, and no session is given; the blocked attempt is
    logged apart (it does not extend the wait); another username still signs in."""
    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda _: post_sign_in(beacon.base, "rita", "wrong-password-0"), range(5)))
    assert [status for status, _, _ in answers] == [401] * 5
    assert all("do not match an active account" in text for _, _, text in answers)
    status, headers, text = post_sign_in(beacon.base, "rita", ACCOUNTS["rita"][3])
    assert status == 429
    assert "Too many refused sign-ins from here: wait 15 minutes after the last one" in text
    assert "Set-Cookie" not in headers
    refused = [detail for _, subject, detail in _audit(beacon, "sign-in refused") if subject == "rita"]
    assert refused == ["wrong username or password"] * 5
    assert [subject for _, subject, _ in _audit(beacon, "sign-in blocked")] == ["rita"]
    assert post_sign_in(beacon.base, "adam", ACCOUNTS["adam"][3])[0] == 302


def test_parallel_guesses_count_at_once(beacon):
    """Twelve wrong passwords sent together for one username: five are checked, the rest blocked, as
    each attempt is logged (and counted) before its password is checked."""
    accounts.add("gus", "Gus Guess", "viewer", "guessed-password-1", url=beacon.url)
    with ThreadPoolExecutor(12) as pool:
        statuses = list(
            pool.map(lambda _: post_sign_in(beacon.base, "gus", "wrong-password-0")[0], range(12))
        )
    assert sorted(statuses) == [401] * 5 + [429] * 7


def test_sign_in_from_another_site_is_refused(beacon):
    """A sign-in form posted from another site, or with no Origin or Referer, is refused with 403."""
    for origin in (EVIL, False):
        status, headers, text = post_sign_in(beacon.base, "adam", ACCOUNTS["adam"][3], origin=origin)
        assert status == 403 and "Set-Cookie" not in headers, origin
        assert "did not come from a Beacon page" in text


# 6. Headers


def test_the_sign_in_page_carries_the_security_headers(beacon):
    """The sign-in page, and its answer to a wrong password, forbid framing and MIME sniffing."""
    responses = [http(f"{beacon.base}/signin"), post_sign_in(beacon.base, "nobody", "wrong-password-0")]
    assert [status for status, _, _ in responses] == [200, 401]
    for _, headers, _ in responses:
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert (headers["X-Content-Type-Options"], headers["X-Frame-Options"]) == ("nosniff", "DENY")


def test_an_unsubscribe_link_needs_no_session(beacon):
    """With sign-in on, a message's unsubscribe link still opens and works once without a session, and
    a mail program's one-click POST (no Origin: it comes from no Beacon page) is not refused as cross-site."""
    engine = sqlalchemy.create_engine(beacon.url)
    with engine.begin() as connection:
        event_id = alerts.add_event(
            connection, "late_data", unique("late_data:effort:*:*"), {"metric_id": "effort"}
        )
        (outbox_id,) = alerts.queue(
            connection, event_id, [alerts.Recipient("email", "ben@example.com", "owner")]
        )
        token = alerts.new_unsubscribe_link(
            connection, outbox_id, "ben@example.com", None, "metric", "effort"
        )
    status, _, text = http(f"{beacon.base}/unsubscribe/{token}")
    assert status == 200 and "Stop these messages?" in text and "Customer effort" in text
    form, headers = b"List-Unsubscribe=One-Click", {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, text = http(f"{beacon.base}/unsubscribe/{token}", form, headers)
    assert status == 200 and "Unsubscribed" in text
    assert http(f"{beacon.base}/unsubscribe/{token}", form, headers)[0] == 410
    assert http(f"{beacon.base}/unsubscribe/never-issued")[0] == 404


def test_settings_are_each_persons_own(sign_in, beacon):
    """An owner's settings show their own metrics' default alerts at their catalogue address; a viewer's
    have no owner's card and no webhooks (an admin's part)."""
    owner = sign_in("ana", "/settings")
    expect(owner.locator("#settings-root")).to_contain_text("Alerts for Ana Silva")
    defaults = owner.locator("#settings-owner-alerts input")
    expect(defaults).to_have_count(4)  # nps, csat and pilot, and the weekly digest
    expect(owner.locator("#settings-email")).to_have_value("ana@example.com")
    expect(owner.locator("#settings-webhooks")).to_have_count(0)
    viewer = sign_in("vera", "/settings")
    expect(viewer.locator("#settings-subscribe")).to_be_visible()
    expect(viewer.locator("#settings-owner-alerts, #settings-webhooks")).to_have_count(0)
    assert owner.problems == [] and viewer.problems == []


def test_a_signed_in_viewer_downloads_the_review_pack(sign_in):
    """With sign-in on, the scorecard's pack is printed by this server as the person asking: their
    session goes with the print, so the PDF is the pack, not the sign-in page."""
    page = sign_in("vera", "/?period=2026-Q4")
    page.locator("summary", has_text="Table view and CSV").click()
    with page.expect_download(timeout=PATIENCE_SECONDS * 2000) as download:
        page.get_by_role("button", name="Review pack (PDF)").click()
    assert download.value.suggested_filename == "beacon-review-2026-Q4.pdf"
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and page_count(pdf) >= 3
    text = subprocess.run(
        ["pdftotext", download.value.path(), "-"], capture_output=True, text=True, check=True
    )
    assert "Net promoter score" in text.stdout and "Sign in" not in text.stdout
