"""The tables derived at publish (data/warehouse/derived.sql, the rollup's comment counts) and what reads
them: score distributions, verbatims and the wall's latest comments give exactly what the raw-row
reference SQL (queries/*_raw.sql) gives, on the tiny warehouse (worked by hand) and a small demo."""

import importlib
from datetime import date
from pathlib import Path

import dash
import duckdb
import pandas as pd
import pytest
from flask import Flask
from pandas.testing import assert_frame_equal

import queries
from data.warehouse.ingest import ingest
from queries import kpi, runner
from queries.api import _catalogue, _time_range
from queries.runner import run_uncached

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example_data"


@pytest.fixture(scope="module")
def wall_app():
    """A Dash app with pages (pages/wall.py registers itself) and the result cache on, as the server has."""
    app = dash.Dash(__name__, use_pages=True, pages_folder="", server=Flask(__name__))
    runner.init_cache(app.server)
    return app, importlib.import_module("pages.wall")


@pytest.fixture(autouse=True)
def cached(wall_app):
    """Each test in the app's context with an empty result cache: the catalogue and cadences each call
    reads are read once, as in the app."""
    app, _wall = wall_app
    with app.server.app_context():
        runner.result_cache.clear()
        yield


def raw_distribution(view, metric_id, touchpoint_id=None, segment_id=None) -> pd.DataFrame:
    return run_uncached(
        "distribution_raw",
        {
            "metric_id": metric_id,
            "touchpoint_id": touchpoint_id,
            "segment_id": segment_id,
            **_time_range(view, metric_id),
        },
    )


def raw_verbatims(view, metric_id, touchpoint_id=None, segment_id=None, band=None, page=1, page_size=10):
    """The page and the total as the raw-row SQL gives them; the total from its first page, which the
    raw SQL counts only alongside rows."""
    metric = _catalogue(metric_id).iloc[0]
    bands = kpi.score_bands(
        metric["kind"], metric["scale_min"], metric["scale_max"], metric["higher_is_better"]
    )
    _label, min_score, max_score = bands.get(band, (None, None, None))

    def one(offset, limit):
        params = {"metric_id": metric_id, "touchpoint_id": touchpoint_id, "segment_id": segment_id}
        params |= {"min_score": min_score, "max_score": max_score, "limit": limit, "offset": offset}
        return run_uncached("verbatims_raw", params | _time_range(view, metric_id))

    frame = one((page - 1) * page_size, page_size)
    first = one(0, 1)
    total = int(first["matching"].iloc[0]) if len(first) else 0
    return frame.drop(columns="matching"), total


def table(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


# --- the tiny warehouse, worked by hand ------------------------------------------------------------------


def test_tiny_histogram_counts_each_score_per_day_and_slice(tiny_warehouse):
    """NPS at web/smb on 15 Oct: 10,10,9,9,9,9,8,7,3,0, the first 10 with the only comment."""
    rows = table(
        tiny_warehouse,
        "SELECT score, answers, comments FROM score_histogram WHERE metric_id = 'nps' "
        "AND day = '2026-10-15' AND touchpoint_id = 'web' AND segment_id = 'smb' ORDER BY score",
    )
    assert rows == [(0.0, 1, 0), (3.0, 1, 0), (7.0, 1, 0), (8.0, 1, 0), (9.0, 4, 0), (10.0, 2, 1)]
    # One row per (metric, day, touchpoint, segment, score) answered: NPS 6 + 9 + 4 distinct scores
    # CSAT 4 (5, 4, 3, 1), effort 4 (2, 4, 5, 7), pilot 2; 41 answers, 1 comment in all.
    assert table(tiny_warehouse, "SELECT count(*), sum(answers), sum(comments) FROM score_histogram") == [
        (29, 41, 1)
    ]


def test_tiny_rollup_counts_comments(tiny_warehouse):
    rows = table(
        tiny_warehouse,
        "SELECT metric_id, day, touchpoint_id, segment_id, comments FROM daily_rollup WHERE comments > 0",
    )
    assert rows == [("nps", date(2026, 10, 15), "web", "smb", 1)]
    assert table(tiny_warehouse, "SELECT sum(comments) FROM daily_rollup") == [(1,)]


def test_tiny_comment_index_holds_the_one_comment(tiny_warehouse):
    assert table(tiny_warehouse, "SELECT metric_id, day, score, response_id, comment FROM comment_index") == [
        ("nps", date(2026, 10, 15), 10.0, "nps-1015-web-smb-0", "Great <b>service</b> & fast")
    ]


def test_tiny_distribution_worked_by_hand(tiny_warehouse):
    """Q4 to date, NPS: web/smb 0,3,7,8,9×4,10×2 and shop/ent 2,7,8,9."""
    view = queries.view()
    counts = queries.distribution(view, "nps")
    assert dict(zip(counts["score"], counts["responses"], strict=True)) == {
        0.0: 1, 2.0: 1, 3.0: 1, 7.0: 2, 8.0: 2, 9.0: 5, 10.0: 2
    }  # fmt: skip
    assert list(counts["band"]) == ["worst", "worst", "worst", "middle", "middle", "best", "best"]
    shop = queries.distribution(view, "nps", touchpoint_id="shop", segment_id="ent")
    assert list(zip(shop["score"], shop["responses"], strict=True)) == [
        (2.0, 1),
        (7.0, 1),
        (8.0, 1),
        (9.0, 1),
    ]
    assert queries.distribution(view, "nps", segment_id="nobody").empty


def test_tiny_verbatims_worked_by_hand(tiny_warehouse):
    view = queries.view()
    frame, total = queries.verbatims(view, "nps")
    assert total == 1
    assert list(frame.itertuples(index=False, name=None)) == [
        (pd.Timestamp("2026-10-15 09:00"), "web", "smb", 10.0, "Great <b>service</b> & fast")
    ]
    assert queries.verbatims(view, "nps", band="best")[1] == 1
    assert queries.verbatims(view, "nps", band="worst")[1] == 0
    assert queries.verbatims(view, "nps", touchpoint_id="shop")[1] == 0
    # Past the last page: no comments, but the total still says how many there are.
    frame, total = queries.verbatims(view, "nps", page=2, page_size=1)
    assert (frame.empty, total) == (True, 1)
    # Q3: the web/smb comment was on 15 Oct, not in the period.
    assert queries.verbatims(queries.view("2026-Q3"), "nps")[1] == 0


@pytest.mark.parametrize("period", [None, "2026-Q3", "t365"])
def test_tiny_equals_the_raw_reference(tiny_warehouse, period):
    view = queries.view(period)
    for metric_id in ("nps", "csat", "effort", "pilot"):
        for touchpoint_id, segment_id in ((None, None), ("web", None), ("shop", "ent"), (None, "smb")):
            assert_frame_equal(
                queries.distribution(view, metric_id, touchpoint_id, segment_id).drop(columns="band"),
                raw_distribution(view, metric_id, touchpoint_id, segment_id),
            )
            for band in (None, "best", "worst"):
                found = queries.verbatims(view, metric_id, touchpoint_id, segment_id, band)
                expected = raw_verbatims(view, metric_id, touchpoint_id, segment_id, band)
                assert_frame_equal(found[0], expected[0])
                assert found[1] == expected[1]


# --- a small demo: every slice, band, page and period against the raw reference ----------------------------


@pytest.mark.parametrize("period", [None, "2026-Q3", "t30", "2025"])
@pytest.mark.parametrize("metric_id", ["tnps", "csat", "ces"])
def test_demo_distribution_equals_the_raw_reference(demo_warehouse, metric_id, period):
    view = queries.view(period)
    for touchpoint_id in (None, "billing", "contact_centre"):
        for segment_id in (None, "smb"):
            expected = raw_distribution(view, metric_id, touchpoint_id, segment_id)
            assert expected["responses"].sum() > 0
            assert_frame_equal(
                queries.distribution(view, metric_id, touchpoint_id, segment_id).drop(columns="band"),
                expected,
            )


@pytest.mark.parametrize("period", [None, "2026-Q3", "t30"])
@pytest.mark.parametrize("band", [None, "worst", "best"])
def test_demo_verbatims_equal_the_raw_reference_page_by_page(demo_warehouse, band, period):
    """Page 1, a middle page (whose comments span days), the last page, one past the end, and an
    export-sized page, for several slices (eNPS is quarterly: shown at its latest whole quarter)."""
    view = queries.view(period)
    totals = {}
    for metric_id, touchpoint_id, segment_id in (
        ("tnps", None, None),
        ("tnps", "billing", None),
        ("rnps", None, "smb"),
        ("enps", "contact_centre", None),
    ):
        _frame, total = raw_verbatims(view, metric_id, touchpoint_id, segment_id, band)
        totals[metric_id, touchpoint_id, segment_id] = total
        last = -(-total // 7)
        pages = (
            ((1, 7), (max(last // 2, 1), 7), (last, 7), (last + 1, 7), (1, 50_000)) if total else ((1, 7),)
        )
        for page, page_size in pages:
            found = queries.verbatims(view, metric_id, touchpoint_id, segment_id, band, page, page_size)
            expected = raw_verbatims(view, metric_id, touchpoint_id, segment_id, band, page, page_size)
            assert_frame_equal(found[0], expected[0])
            assert found[1] == expected[1] == total
    # A thin slice of the small demo may have no comment in a band; the busiest ones always do.
    assert totals["tnps", None, None] > 0
    # The whole of one slice newest first, as the export takes it.
    everything, total = queries.verbatims(view, "tnps", band=band, page_size=50_000)
    assert len(everything) == total
    assert everything["responded_at"].is_monotonic_decreasing


def test_demo_latest_comments_are_each_touchpoints_first_page(demo_warehouse):
    view = queries.view()
    # CSAT has no comments in the demo: its touchpoint gets none.
    voices = [("tnps", "billing"), ("rnps", "mobile_app"), ("tnps", "mobile_app"), ("csat", "billing")]
    for segment_id in (None, "smb"):
        latest = queries.latest_comments(view, voices, segment_id, 3)
        for (metric_id, touchpoint_id), comments in zip(voices, latest, strict=True):
            expected, _total = raw_verbatims(view, metric_id, touchpoint_id, segment_id, page_size=3)
            # An empty page's text columns come as object from DuckDB, a filtered one's as str.
            assert_frame_equal(comments, expected, check_dtype=not expected.empty)
        if segment_id is None:
            assert [len(frame) for frame in latest] == [3, 3, 3, 0]
    assert queries.latest_comments(view, [], None, 3) == []


def test_ingest_publishes_the_derived_tables(tmp_path):
    """Ingest writes its snapshot through write_snapshot, which builds the derived tables."""
    path = tmp_path / "cx.duckdb"
    ingest([EXAMPLE], path, today=date(2026, 11, 25))
    assert table(path, "SELECT sum(answers), sum(comments) FROM score_histogram") == table(
        path, "SELECT count(*), count(comment) FROM responses"
    )
    assert table(path, "SELECT count(*) FROM comment_index") == table(
        path, "SELECT count(comment) FROM responses"
    )
    assert table(path, "SELECT sum(comments) FROM daily_rollup") == table(
        path, "SELECT count(comment) FROM responses"
    )


# --- the wall: its touchpoint slides in a few batched queries --------------------------------------------


def counted_statements(monkeypatch) -> dict:
    counts = {}
    real = runner.run_uncached

    def counting(name, params=None, snapshot=None):
        counts[name] = counts.get(name, 0) + 1
        return real(name, params, snapshot)

    monkeypatch.setattr(runner, "run_uncached", counting)
    return counts


def settings(segment=None, period=None) -> dict:
    return {"period": period, "compare": None, "segment": segment, "metric": None, "public": False}


@pytest.mark.parametrize("warehouse", ["tiny_warehouse", "demo_warehouse"])
def test_wall_touchpoint_cards_are_the_touchpoint_scorecards(request, wall_app, warehouse):
    """For all customers and each segment, including one that some touchpoint's metrics lack (the
    card then shows that metric without data). The sums' dtypes may differ (int or float), not values."""
    request.getfixturevalue(warehouse)
    _app, wall = wall_app
    view = queries.view()
    touchpoint_ids = list(queries.touchpoints()["touchpoint_id"])
    for segment_id in (None, *queries.segments()["segment_id"][:2]):
        cards = wall._touchpoint_cards(view, touchpoint_ids, segment_id)
        for touchpoint_id in touchpoint_ids:
            expected = queries.touchpoint_scorecard(view, touchpoint_id, segment_id)
            found = cards[touchpoint_id]
            assert_frame_equal(found, expected.reset_index(drop=True), check_like=True, check_dtype=False)


@pytest.mark.usefixtures("demo_warehouse")
def test_a_cold_wall_reads_every_touchpoints_comments_in_one_query(wall_app, monkeypatch):
    """Every touchpoint's slide: one query for all their latest comments, one published KPI lookup by
    touchpoint rather than a scorecard each, and one lookup of every touchpoint's monthly history."""
    _app, wall = wall_app
    counts = counted_statements(monkeypatch)
    slides = wall._warehouse_slides("touchpoint", None, settings() | {"comments": True})
    touchpoints = len(queries.touchpoints())
    assert len(slides) == touchpoints
    assert counts["verbatims"] == 1
    assert counts["kpi_answers"] == 1
    assert counts["kpi_monthly"] == 1
    voices = [slide[3] for slide in slides if "Latest comments" in str(slide[3])]
    assert len(voices) == touchpoints
