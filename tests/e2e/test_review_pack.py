"""The executive review pack: `python -m data.review_pack` prints Beacon's /review page to a PDF."""

import os
import subprocess
import sys

import duckdb

from tests.e2e.conftest import ROOT


def _pack(warehouse, tmp_path, *flags):
    out = tmp_path / "pack.pdf"
    env = {
        **os.environ,
        "BEACON_WAREHOUSE": str(warehouse),
        "BEACON_STATE_URL": f"sqlite:///{tmp_path / 's.db'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "data.review_pack", *flags, "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done, out


def test_the_pack_has_a_cover_the_scorecard_and_a_page_per_metric_short_of_target(
    demo_warehouse_path, tmp_path
):
    """Every page renders (pdftoppm), and the text (pdftotext) names the period, the scorecard and
    each metric that is off track or at risk in Q4 2026, as the published answers have them."""
    done, out = _pack(demo_warehouse_path, tmp_path, "--period", "2026-Q4")
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(demo_warehouse_path), read_only=True) as con:
        short = con.execute(
            "SELECT m.name FROM kpi_answers a JOIN metrics m USING (metric_id) WHERE a.period_key = '2026-Q4' "
            "AND a.compare = 'prev' AND a.touchpoint_id IS NULL AND a.segment_id IS NULL "
            "AND a.status IN ('off_track', 'at_risk') ORDER BY m.sort_order"
        ).fetchall()
    assert short, "the demo has metrics short of target in Q4 2026"
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(out)], capture_output=True, text=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    assert pages >= 2 + len(short) + 1  # cover, scorecard, one per metric, the register
    rendered = subprocess.run(["pdftoppm", "-r", "20", "-png", str(out), str(tmp_path / "page")], timeout=120)
    assert rendered.returncode == 0
    assert len(list(tmp_path.glob("page-*.png"))) == pages
    text = " ".join(
        subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "Q4 2026" in text and "Scorecard" in text
    for (name,) in short:
        assert name in text


def test_a_wrong_period_is_named_and_no_file_is_left(demo_warehouse_path, tmp_path):
    done, out = _pack(demo_warehouse_path, tmp_path, "--period", "2026-Q9")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    assert "2026-Q9" in done.stderr + done.stdout
    assert not out.exists()
