"""The executive review pack: `python -m data.review_pack` on the session's demo warehouse prints a PDF
whose pages poppler renders and whose numbers are the scorecard's; the scorecard offers the same PDF."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from components.format import format_value
from data.review_pack import page_count
from data.state import commitments
from tests.browser import PATIENCE_SECONDS, ROOT

PERIOD = "2026-Q4"
AS_OF = date(2026, 11, 23)  # the demo warehouse's last day (tests/conftest.py)


def _pages(pdf) -> list[str]:
    """Each page's text (pdftotext), whitespace made single spaces."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[: page_count(pdf.read_bytes())]]


@pytest.fixture(scope="module")
def state_url(demo_warehouse_path, tmp_path_factory):
    """A state database holding the demo commitments, seeded as `make demo` seeds it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('review-state') / 'state.db'}"
    env = {**os.environ, "BEACON_WAREHOUSE": str(demo_warehouse_path), "BEACON_STATE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "data.demo.commitments"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=PATIENCE_SECONDS,
    )
    return url


def _command(warehouse, state_url, out, *options):
    env = {**os.environ, "BEACON_WAREHOUSE": str(warehouse), "BEACON_STATE_URL": state_url}
    return subprocess.run(
        [sys.executable, "-m", "data.review_pack", *options, "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE_SECONDS * 2,
    )


@pytest.fixture(scope="module")
def pack(demo_warehouse_path, state_url, tmp_path_factory):
    out = tmp_path_factory.mktemp("pack") / "pack.pdf"
    done = _command(demo_warehouse_path, state_url, out, "--period", PERIOD)
    assert done.returncode == 0, done.stderr
    return out, done.stdout


@pytest.fixture
def scorecard(demo_server, visit):
    """The scorecard's tiles as drawn: metric id → (name, status, data-value, the value shown)."""
    page = visit(f"{demo_server}/?period={PERIOD}")
    tiles = page.locator(".kpi-tile[data-metric-id]")
    expect(tiles.first).to_be_visible()
    return page, {
        tile.get_attribute("data-metric-id"): (
            tile.locator(".tile-name").inner_text(),
            tile.get_attribute("data-status"),
            tile.get_attribute("data-value"),
            tile.locator(".tile-value").inner_text(),
        )
        for tile in tiles.all()
    }


def test_the_pack_has_a_cover_the_scorecard_a_page_per_reviewed_metric_and_the_register(
    pack, scorecard, state_url, tmp_path
):
    out, said = pack
    _page, tiles = scorecard
    pages = _pages(out)
    reviewed = [tile for status in ("off_track", "at_risk") for tile in tiles.values() if tile[1] == status]
    assert reviewed, "the demo has metrics off track and at risk"
    register_pages = len(pages) - 2 - len(reviewed)
    assert register_pages >= 1
    assert said.strip().endswith("s") and f": {len(pages)} pages," in said

    # Every page renders.
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == len(pages)

    assert "Q4 2026 to date" in pages[0] and "23 Nov 2026" in pages[0]
    assert pages[1].startswith("Scorecard")
    for name, _status, _raw, shown in tiles.values():
        assert name in pages[1]
        # The number as the screen shows it is on the page.
        assert shown.replace("\n", " ") in pages[1]
    for (name, _status, _raw, shown), text in zip(reviewed, pages[2 : 2 + len(reviewed)], strict=True):
        assert text.startswith(name) and shown in text
    register = " ".join(pages[2 + len(reviewed) :])
    assert register.startswith("Commitments register")
    titles = commitments.register(state_url, AS_OF)["title"]
    assert sum(" ".join(title.split()) in register for title in titles) >= len(titles) - 2  # a wrapped one


def test_the_numbers_are_the_scorecards_data_values(pack, scorecard, demo_warehouse):
    import queries

    out, _said = pack
    _page, tiles = scorecard
    card = queries.scorecard(queries.view(PERIOD, None)).set_index("metric_id")
    text = _pages(out)[1]
    for metric_id, (_name, _status, raw, shown) in tiles.items():
        value = float(raw) if raw else None
        assert format_value(value, card.loc[metric_id, "unit"]) == shown
        assert shown in text


def test_a_wrong_period_says_so_in_one_line(demo_warehouse_path, state_url, tmp_path):
    done = _command(demo_warehouse_path, state_url, tmp_path / "none.pdf", "--period", "2026-Q9")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "“2026-Q9” is not a period" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "none.pdf").exists()


def test_the_scorecard_downloads_the_pack(scorecard):
    page, _tiles = scorecard
    page.locator("summary", has_text="Table view and CSV").click()
    with page.expect_download(timeout=PATIENCE_SECONDS * 2000) as download:
        page.get_by_role("button", name="Review pack (PDF)").click()
    assert download.value.suggested_filename == f"beacon-review-{PERIOD}.pdf"
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and page_count(pdf) >= 3
