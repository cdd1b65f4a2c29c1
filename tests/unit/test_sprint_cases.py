"""cases.link_to_commitment on a tiny state database: only the cause's cases at its touchpoint in the
period, only those no commitment holds, counted right, each with a history row."""

from datetime import date, datetime

import pytest

import config
from data.state import cases, commitments, database
from tests.loop_cases import hand_cases, store_cases

BASE, NOW = datetime(2026, 11, 10), datetime(2026, 11, 20, 12)


@pytest.fixture
def state_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    monkeypatch.setattr(config, "STATE_URL", url)
    database.migrate(url)
    return url


def _commitment(url: str) -> int:
    values = {
        "metric_id": "nps",
        "owner_id": "ana",
        "title": "Redesign",
        "kind": "redesign sprint",
        "touchpoint_id": "web",
        "status": "planned",
        "progress": 0,
        "start_on": date(2026, 11, 20),
        "due_on": date(2026, 12, 17),
    }
    return commitments.create(values, "Ada", url=url)


def test_links_only_the_cause_at_the_touchpoint_in_the_period_not_yet_linked(state_url):
    rows = hand_cases(BASE, NOW)
    # Long wait at web: #1 and #2 (answered on the 10th); #5 at web is Bill unclear; #6 Long wait at shop.
    rows.append({**rows[0], "case_id": 7, "responded_at": datetime(2026, 12, 1, 9)})  # after the period
    store_cases(state_url, rows)
    first = _commitment(state_url)
    with database.writing(state_url) as connection:
        count = cases.link_to_commitment(
            connection, first, "web", "Long wait", date(2026, 11, 1), date(2026, 11, 30), "Ada"
        )
    assert count == 2
    assert cases.linked_count(first, state_url) == 2
    assert {
        c["case_id"] for c in map(lambda i: cases.get(i, state_url), range(1, 8)) if c["commitment_id"]
    } == {1, 2}
    assert cases.history(1, state_url)[-1]["action"] == "link"
    assert cases.get(1, state_url)["version"] == 2
    found = cases.cause_cases("web", "Long wait", date(2026, 11, 1), date(2026, 11, 30), url=state_url)
    assert (found.unlinked, found.linked) == (0, 2)
    second = _commitment(state_url)
    with database.writing(state_url) as connection:  # those held already stay with the first
        assert (
            cases.link_to_commitment(
                connection, second, "web", "Long wait", date(2026, 11, 1), date(2026, 12, 31), "Ada"
            )
            == 1
        )  # only #7, answered on 1 Dec
    assert cases.get(1, state_url)["commitment_id"] == first
