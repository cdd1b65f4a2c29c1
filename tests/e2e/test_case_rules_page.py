"""/cases/rules in a real server and browser with sign-in (BEACON_AUTH=local) on the tiny warehouse: an
admin adds a rule and disables it, adds a root cause and moves it; a viewer and an owner read the page
without a form, and the admin's recorded save replayed with their sessions is refused on the server."""

import json
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from data.state import accounts, database
from tests.browser import beacon_server, open_page
from tests.e2e.test_sign_in import ACCOUNTS, SECRET_KEY, replay, session_cookie


@pytest.fixture(scope="module")
def rules_site(tiny_warehouse_path, tmp_path_factory):
    """Beacon with sign-in on the tiny warehouse, over a state database of its own holding ACCOUNTS."""
    url = f"sqlite:///{tmp_path_factory.mktemp('case-rules') / 'state.db'}"
    database.migrate(url)
    for username, (name, role, owner_id, password) in ACCOUNTS.items():
        accounts.add(username, name, role, password, owner_id=owner_id, url=url)
    env = {"BEACON_AUTH": "local", "BEACON_SECRET_KEY": SECRET_KEY, "BEACON_STATE_URL": url}
    with beacon_server(tiny_warehouse_path, extra_env=env) as base:
        yield SimpleNamespace(base=base, url=url)


@pytest.fixture
def signed_in(browser, rules_site):
    """signed_in(username): a new browser context signed in as them, on /cases/rules."""

    def sign_in(username: str):
        page = open_page(browser, f"{rules_site.base}/signin?next=/cases/rules")
        page.fill("#signin-username", username)
        page.fill("#signin-password", ACCOUNTS[username][3])
        page.click("#signin-submit")
        page.wait_for_url(f"{rules_site.base}/cases/rules")
        page.wait_for_selector("._dash-loading", state="detached")
        return page

    return sign_in


def _rows(site, statement: str, **params) -> list:
    with sa.create_engine(site.url).connect() as connection:
        return connection.execute(sa.text(statement), params).all()


def _add_csat_rule(page) -> None:
    form = page.locator(".rule-form")
    form.get_by_label("Metric").select_option("csat")
    form.get_by_label("Touchpoint").select_option("shop")
    form.get_by_label("Lowest score").fill("1")
    form.get_by_label("Highest score").fill("2")
    form.get_by_label("Hours to first contact").fill("24")


def test_an_admin_adds_a_rule_sees_it_listed_and_disables_it(signed_in, rules_site):
    """A band above CSAT's 1–5 scale is named under its field and the form keeps what was typed; then
    CSAT 1–2 at the shop with 24 h to first contact is rule #n, a row with data-enabled="true", stored
    as typed (168 h to resolution by default); its Disable makes it data-enabled="false" in the row and
    the state database."""
    page = signed_in("adam")
    _add_csat_rule(page)
    page.locator(".rule-form").get_by_label("Highest score").fill("9")
    page.get_by_role("button", name="Save the rule").click()
    expect(page.locator("#case-rules-rule-message")).to_have_text(
        "Not saved: Highest score: 9 is outside the scale of csat (1–5)."
    )
    expect(page.locator(".rule-form").get_by_label("Highest score")).to_have_value("9")
    expect(page.locator(".rule-form").get_by_label("Hours to first contact")).to_have_value("24")
    assert _rows(rules_site, "SELECT count(*) FROM case_rules") == [(0,)]

    page.locator(".rule-form").get_by_label("Highest score").fill("2")
    page.get_by_role("button", name="Save the rule").click()
    expect(page.locator("#case-rules-rule-message")).to_contain_text("added.")
    (stored,) = _rows(
        rules_site,
        "SELECT rule_id, metric_id, touchpoint_id, segment_id, score_min, score_max, contact_hours, resolve_hours,"
        " enabled, created_by FROM case_rules WHERE metric_id = 'csat'",
    )
    rule_id = stored[0]
    assert stored[1:] == ("csat", "shop", None, 1.0, 2.0, 24, 168, True, "adam")
    row = page.locator(f"tr[data-rule-id='{rule_id}']")
    expect(row).to_have_attribute("data-enabled", "true")
    expect(row).to_contain_text("1–2")
    expect(page.locator("#case-rules-rule-heading")).to_have_text(f"Change rule #{rule_id}")

    row.get_by_role("button", name=f"Disable rule #{rule_id}").click()
    expect(row).to_have_attribute("data-enabled", "false")
    assert _rows(rules_site, "SELECT enabled FROM case_rules WHERE rule_id = :r", r=rule_id) == [(False,)]
    assert not page.problems


def test_an_admin_adds_a_cause_and_moves_it_up(signed_in, rules_site):
    """Two causes added at the shop list in that order; the second's ↑ puts it first, on screen
    (data-place) and in the stored order."""
    page = signed_in("adam")
    page.select_option("#case-rules-cause-touchpoint", "shop")
    for cause in ("Queue too long", "Card reader down"):
        page.fill("#case-rules-cause-input", cause)
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.locator("#case-rules-cause-message")).to_have_text(f"Root cause “{cause}” added.")
        expect(page.locator("#case-rules-cause-input")).to_have_value("")
    second = page.locator(".cause-list li", has_text="Card reader down")
    expect(second).to_have_attribute("data-place", "2")
    second.get_by_role("button", name="Move “Card reader down” up").click()
    expect(page.locator(".cause-list li", has_text="Card reader down")).to_have_attribute("data-place", "1")
    stored = _rows(
        rules_site, "SELECT cause FROM root_causes WHERE touchpoint_id = 'shop' ORDER BY sort_order"
    )
    assert [cause for (cause,) in stored] == ["Card reader down", "Queue too long"]
    assert not page.problems


@pytest.mark.parametrize(
    ("username", "role_sentence"),
    [("vera", "signed in as a viewer"), ("ana", "signed in as an owner")],
    ids=["viewer", "owner"],
)
def test_who_is_not_an_admin_reads_and_a_replayed_save_is_refused(
    signed_in, rules_site, username, role_sentence
):
    """A viewer's or owner's page says only admins change the rules and has no form nor button; the
    admin's save of a rule, recorded in the browser and replayed with their session, answers the
    refusal and stores nothing; /cases shows them no "Case rules" link."""
    admin = signed_in("adam")
    _add_csat_rule(admin)
    admin.locator(".rule-form").get_by_label("Highest score").fill("3")
    with admin.expect_request(
        lambda r: "_dash-update-component" in r.url and "case-rules-rule-save" in (r.post_data or "")
    ) as request:
        admin.get_by_role("button", name="Save the rule").click()
    expect(admin.locator("#case-rules-rule-message")).to_contain_text("added.")
    body = json.loads(request.value.post_data)
    for item in body["state"]:  # the replay asks for a new rule, not to change the admin's
        if isinstance(item, dict) and item.get("id") == "case-rules-rule-choice":
            item["value"] = "new"
    count = _rows(rules_site, "SELECT count(*) FROM case_rules")[0][0]

    page = signed_in(username)
    expect(page.locator(".read-only-note")).to_have_text("You read these rules: only admins change them.")
    expect(page.locator("#case-rules-root")).to_have_attribute("data-editable", "false")
    expect(page.locator("tr[data-rule-id]").first).to_be_visible()
    expect(page.locator("#case-rules-root button, #case-rules-root input")).to_have_count(0)

    status, _, text = replay(rules_site.base, body, session_cookie(rules_site.base, username))
    assert status == 200 and role_sentence in text and "only an admin changes case rules" in text
    assert _rows(rules_site, "SELECT count(*) FROM case_rules")[0][0] == count
    page.goto(f"{rules_site.base}/cases")
    page.wait_for_selector("._dash-loading", state="detached")
    expect(page.locator("#cases-rules-link")).to_have_count(0)
    assert not page.problems
