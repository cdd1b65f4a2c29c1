"""What Beacon logs, by logger: commitment saves and conflicts (data.state.commitments), refused
requests and sign-ins (auth.web); never a display token or a password."""

import logging
from datetime import date

import pytest
from flask import Flask

from auth import web
from data.state import commitments, database

VALUES = {
    "metric_id": "nps", "touchpoint_id": None, "segment_id": None, "owner_id": "ana", "title": "Logged",
    "description": "", "kind": "action", "start_on": date(2026, 11, 2), "due_on": date(2026, 11, 30),
    "status": "planned", "progress": 0, "completed_on": None, "expected_value": None,
}  # fmt: skip


def lines(caplog, logger: str) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == logger]


def test_saves_and_conflicts_are_logged_with_who_and_which_version(tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'database.db'}"
    database.migrate(url)
    caplog.set_level(logging.INFO, logger="data.state.commitments")
    commitment_id = commitments.create(VALUES, "Ana", url=url)
    commitments.update(commitment_id, 1, {"title": "Renamed", "progress": 20}, "Ben", url=url)
    commitments.update(commitment_id, 2, {}, "Ben", note="Only a note", url=url)
    with pytest.raises(commitments.ConflictError):
        commitments.update(commitment_id, 1, {"title": "Stale"}, "Ana", url=url)
    assert lines(caplog, "data.state.commitments") == [
        ("INFO", f"Commitment {commitment_id} created by Ana"),
        ("INFO", f"Commitment {commitment_id} saved by Ben: version 2 (title, progress)"),
        ("INFO", f"Commitment {commitment_id} saved by Ben: version 3 (a note)"),
        (
            "WARNING",
            f"Commitment {commitment_id} not saved by Ana: edited from version 1, it is at 3 (conflict)",
        ),
    ]


def test_a_refused_request_is_logged_by_its_path_without_the_query(caplog):
    """A cross-site change is refused (403) and logged with method, path, address and the reason; the
    query string (where a wall's display token travels) is not."""
    server = Flask(__name__)
    server.register_blueprint(web.templates)
    server.before_request(web._refuse_cross_site)
    server.add_url_rule("/wall", "wall", lambda: "changed", methods=["POST"])
    answer = server.test_client().post("/wall?token=secret-token", headers={"Origin": "http://evil.example"})
    assert answer.status_code == 403 and "did not come from a Beacon page" in answer.get_data(as_text=True)
    assert lines(caplog, "auth.web") == [
        (
            "WARNING",
            "Refused POST /wall from 127.0.0.1 (403): Refused: this change did not come "
            "from a Beacon page (its Origin is another site or missing).",
        )
    ]
    assert "secret-token" not in caplog.text
