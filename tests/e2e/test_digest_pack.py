"""The weekly digest with BEACON_DIGEST_PACK=1: the executive review pack printed by headless Chromium
from Beacon's own /review (a gunicorn started on the tiny warehouse), attached to every copy as
beacon-review-<period>.pdf, arriving at a real aiosmtpd server; a pack that cannot be made is said in one
line and the digest goes without it."""

import subprocess
from datetime import datetime

import pytest

import config
from components import alert_messages
from data import review_pack
from data.notify import sender
from data.state import alerts, database
from views import digest

MONDAY = datetime(2026, 11, 23, 8, 0)


@pytest.fixture
def state(tmp_path, monkeypatch, tiny_warehouse):
    monkeypatch.setattr(config, "STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.setattr(config, "PUBLIC_URL", "http://beacon.test")
    monkeypatch.setattr(config, "DIGEST_DAY", "monday")
    monkeypatch.setattr(config, "DIGEST_HOUR", 8)
    monkeypatch.setattr(config, "DIGEST_PACK", "1")
    monkeypatch.setattr(alerts, "current_time", lambda: MONDAY)
    monkeypatch.setattr(sender, "current_time", lambda: MONDAY)
    database.migrate()


def test_the_digest_carries_the_review_pack_as_a_pdf(state, mail, tmp_path):
    # The tiny warehouse's owners: Ana and Ben each get a copy.
    assert digest.queue(MONDAY) == 2
    assert sender.deliver_due(wording=alert_messages).sent == 2

    for _to, message in mail.wait_for(2):
        [pack] = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
        assert pack.get_filename() == "beacon-review-2026-Q4.pdf"
        pdf = pack.get_content()
        assert pdf.startswith(b"%PDF")
        text = message.get_body(("plain",)).get_content()
        assert "The executive review pack is attached (beacon-review-2026-Q4.pdf)." in text
    # Cover, scorecard, a page for each of the three metrics off track, the register.
    assert review_pack.page_count(pdf) >= 6
    out = tmp_path / "pack.pdf"
    out.write_bytes(pdf)
    pages = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Net promoter score" in pages and "Customer effort" in pages


def test_a_pack_that_cannot_be_made_leaves_the_digest_without_it(state, mail, monkeypatch):
    monkeypatch.setenv("BEACON_CHROMIUM", "/nonexistent/chromium")
    assert digest.queue(MONDAY) == 2
    assert sender.deliver_due(wording=alert_messages).sent == 2

    for _to, message in mail.wait_for(2):
        assert not any(part.get_content_type() == "application/pdf" for part in message.walk())
        text = message.get_body(("plain",)).get_content()
        [said] = [line for line in text.splitlines() if "review pack" in line]
        assert said.startswith("The review pack could not be attached this week: ")
