"""The wall screen's pure parts: URL settings, public-mode blanking, real changes, and the slide builders,
each checked against values worked by hand."""

import importlib
import json
from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import config
import queries
from components.journey import cell_label, mover_list, touchpoint_card
from components.tiles import gap_text, kpi_tile
from components.wall import COMMITMENTS_SHOWN, commitments_body, progress_steps, stale_banner
from queries.accountability import Effect
from queries.api import real_changes
from queries.kpi import without_thin_values
from queries.periods import Period
from tests.commitment_rows import commitment_row, hand_register
from tests.components_tree import props as _props
from tests.components_tree import text as _text
from tests.components_tree import with_class as _with_class
from views.wall_settings import SlideSpec, WallSettingError, WallSettings, parse_wall_settings

TODAY = date(2026, 11, 25)
Q4_TO_DATE = Period("2026-Q4", "Q4 2026", date(2026, 10, 1), date(2026, 11, 20))


# --- views/wall_settings.py ---------------------------------------------------------------------------


def test_wall_settings_defaults_for_an_empty_query():
    """No parameters: the four default slides, dwell 20 s, refresh 60 s, stale 2 days, dark, not public."""
    settings = parse_wall_settings({})
    assert settings.slides == (
        SlideSpec("scorecard"),
        SlideSpec("journey"),
        SlideSpec("movers"),
        SlideSpec("commitments"),
    )
    assert (settings.dwell, settings.refresh, settings.stale) == (20, 60, 2)
    assert (settings.theme, settings.public) == ("dark", False)
    assert (settings.period, settings.compare, settings.segment, settings.metric) == (None, None, None, None)


def test_wall_settings_empty_strings_fall_back_to_defaults():
    """Parameters present but empty (`?dwell=&theme=`) mean the defaults, not errors."""
    settings = parse_wall_settings(
        {"slides": "", "dwell": "", "refresh": "", "stale": "", "theme": "", "public": "", "period": ""}
    )
    assert settings == parse_wall_settings({})


def test_wall_settings_every_parameter_is_read():
    """Each parameter lands in its field, numbers as ints and public=1 as True."""
    settings = parse_wall_settings(
        {
            "slides": "journey,scorecard",
            "dwell": "45",
            "refresh": "300",
            "stale": "0",
            "theme": "light",
            "public": "1",
            "period": "2026-Q3",
            "compare": "yoy",
            "segment": "smb",
            "metric": "tnps",
        }
    )
    assert settings == WallSettings(
        slides=(SlideSpec("journey"), SlideSpec("scorecard")),
        dwell=45,
        refresh=300,
        stale=0,
        theme="light",
        public=True,
        period="2026-Q3",
        compare="yoy",
        segment="smb",
        metric="tnps",
    )
    assert parse_wall_settings({"public": "0"}).public is False


def test_wall_settings_number_bounds_are_inclusive():
    """dwell 2 and 3600, refresh 2 and 86400, stale 0 and 365 are all accepted."""
    low = parse_wall_settings({"dwell": "2", "refresh": "2", "stale": "0"})
    high = parse_wall_settings({"dwell": "3600", "refresh": "86400", "stale": "365"})
    assert (low.dwell, low.refresh, low.stale) == (2, 2, 0)
    assert (high.dwell, high.refresh, high.stale) == (3600, 86400, 365)


def test_wall_settings_plural_slides_mean_every_one_and_colon_names_one():
    """`touchpoints`/`segments` give SlideSpec(kind, None); `touchpoint:web` gives one touchpoint."""
    settings = parse_wall_settings({"slides": "touchpoints,segments,touchpoint:web,segment:smb,movers"})
    assert settings.slides == (
        SlideSpec("touchpoint", None),
        SlideSpec("segment", None),
        SlideSpec("touchpoint", "web"),
        SlideSpec("segment", "smb"),
        SlideSpec("movers", None),
    )


def test_wall_settings_slides_ignore_whitespace_and_empty_tokens():
    """' scorecard , ,journey,' is scorecard then journey; a list of only commas is the default deck."""
    assert parse_wall_settings({"slides": " scorecard , ,journey,"}).slides == (
        SlideSpec("scorecard"),
        SlideSpec("journey"),
    )
    assert parse_wall_settings({"slides": " , ,"}).slides == parse_wall_settings({}).slides


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"slides": "scorecard,charts"}, "slides='charts'"),
        ({"slides": "touchpoint:"}, "slides='touchpoint:'"),
        ({"slides": "scorecard:web"}, "slides='scorecard:web'"),
        ({"slides": "touchpoints:web"}, "slides='touchpoints:web'"),
        ({"dwell": "abc"}, "dwell='abc'"),
        ({"dwell": "1"}, "dwell='1'"),
        ({"dwell": "2.5"}, "dwell='2.5'"),
        ({"refresh": "86401"}, "refresh='86401'"),
        ({"stale": "-1"}, "stale='-1'"),
        ({"theme": "blue"}, "theme='blue'"),
        ({"public": "yes"}, "public='yes'"),
    ],
)
def test_wall_settings_errors_name_the_parameter_and_the_bad_value(query, named):
    """Every bad value raises WallSettingError saying `name='value'`."""
    with pytest.raises(WallSettingError) as error:
        parse_wall_settings(query)
    assert named in str(error.value)
    assert isinstance(error.value, ValueError)


def test_wall_settings_number_errors_say_what_would_do():
    """dwell=1 says the unit and the range, 2 to 3600 seconds; stale's unit is days."""
    with pytest.raises(
        WallSettingError, match=r"dwell='1' must be a whole number of seconds from 2 to 3600\."
    ):
        parse_wall_settings({"dwell": "1"})
    with pytest.raises(WallSettingError, match=r"stale='400' must be a whole number of days from 0 to 365\."):
        parse_wall_settings({"stale": "400"})
    with pytest.raises(WallSettingError, match=r"theme=dark or theme=light"):
        parse_wall_settings({"theme": "blue"})


def test_wall_settings_round_trip_through_json():
    """to_dict is JSON-able and from_dict of its JSON gives back equal settings, slides included."""
    settings = parse_wall_settings(
        {"slides": "scorecard,touchpoints,segment:smb", "dwell": "30", "public": "1", "segment": "ent"}
    )
    data = settings.to_dict()
    assert data["slides"] == [["scorecard", None], ["touchpoint", None], ["segment", "smb"]]
    assert (data["dwell"], data["public"], data["segment"], data["theme"]) == (30, True, "ent", "dark")
    text = json.dumps(data)
    assert WallSettings.from_dict(json.loads(text)) == settings
    assert WallSettings.from_dict(data) == settings


# --- queries/kpi.py: without_thin_values --------------------------------------------------------------


def _kpi_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metric_id": ["nps", "csat", "fcr", "effort"],
            "kind": ["nps", "top2box", "ratio", "mean"],
            "min_sample": np.array([5, 5, 30, 3], dtype="int32"),
            # nps thin now (3 < 5); csat thin before (2 < 5); fcr a ratio (no sample); effort exactly at the minimum.
            "n": pd.array([3, 20, None, 3], dtype="Int64"),
            "previous_n": [10.0, 2.0, np.nan, 3.0],
            "value": [20.0, 80.0, 89.2, 4.4],
            "low": [-10.0, 70.0, np.nan, 2.1],
            "high": [50.0, 88.0, np.nan, 6.7],
            "gap_clear": pd.array([True, True, True, False], dtype="boolean"),
            "status": ["insufficient", "on_track", "on_track", "at_risk"],
            "previous_value": [5.0, 50.0, 85.0, 4.0],
            "change": [15.0, 30.0, 4.2, 0.4],
            "change_significant": pd.array([False, True, None, False], dtype="boolean"),
        }
    ).set_index("metric_id")


def test_without_thin_values_blanks_figures_of_a_thin_survey_row_but_keeps_n_and_status():
    """NPS on 3 answers (minimum 5): value, interval and gap go; n 3 and 'insufficient' stay."""
    rows = without_thin_values(_kpi_frame())
    nps = rows.loc["nps"]
    assert pd.isna(nps["value"]) and pd.isna(nps["low"]) and pd.isna(nps["high"])
    assert nps["gap_clear"] is pd.NA
    assert nps["n"] == 3
    assert nps["status"] == "insufficient"
    # Its change is drawn from this thin period too.
    assert pd.isna(nps["change"]) and pd.isna(nps["previous_value"]) and nps["change_significant"] is pd.NA


def test_without_thin_values_drops_the_change_when_only_the_previous_period_is_thin():
    """CSAT on 20 answers now but 2 before: 80% and its interval stay, the +30 change does not."""
    csat = without_thin_values(_kpi_frame()).loc["csat"]
    assert (csat["value"], csat["low"], csat["high"]) == (80.0, 70.0, 88.0)
    assert bool(csat["gap_clear"]) is True
    assert csat["n"] == 20 and csat["previous_n"] == 2.0
    assert pd.isna(csat["change"]) and pd.isna(csat["previous_value"])
    assert csat["change_significant"] is pd.NA


def test_without_thin_values_never_blanks_ratios_or_a_sample_at_the_minimum():
    """FCR (ratio, n NA) keeps everything; effort with n = previous_n = min_sample 3 keeps everything."""
    original = _kpi_frame()
    rows = without_thin_values(original)
    fcr = rows.loc["fcr"]
    assert (fcr["value"], fcr["previous_value"], fcr["change"]) == (89.2, 85.0, 4.2)
    assert bool(fcr["gap_clear"]) is True
    assert fcr["n"] is pd.NA and fcr["change_significant"] is pd.NA
    pd.testing.assert_series_equal(rows.loc["effort"], original.loc["effort"])
    # The input frame is left as it was.
    assert original.loc["nps", "value"] == 20.0 and original.loc["csat", "change"] == 30.0
    assert list(rows.columns) == list(original.columns)


def test_without_thin_values_on_monthly_history_without_previous_n():
    """History rows (no previous_n, low, high): thin survey months lose the value, the rest is kept."""
    history = pd.DataFrame(
        {
            "metric_id": ["nps", "nps", "nps", "fcr"],
            "bucket_start": pd.to_datetime(["2026-09-01", "2026-10-01", "2026-11-01", "2026-11-01"]),
            "n": pd.array([None, 3, 10, None], dtype="Int64"),
            "value": [np.nan, 10.0, 40.0, 89.2],
            "target": [0.0, 45.0, 45.0, 85.0],
            "kind": ["nps", "nps", "nps", "ratio"],
            "min_sample": np.array([5, 5, 5, 30], dtype="int32"),
        }
    )
    thinned = without_thin_values(history)
    assert list(thinned.columns) == list(history.columns)
    assert thinned["value"].tolist()[2:] == [40.0, 89.2]
    assert thinned["value"].isna().tolist() == [True, True, False, False]
    assert thinned["n"].tolist()[1:3] == [3, 10]
    assert thinned["target"].tolist() == [0.0, 45.0, 45.0, 85.0]


# --- queries/api.py: real_changes and movers ----------------------------------------------------------


def _changes_frame() -> pd.DataFrame:
    rows = [
        # metric_id, kind, change, significant, n, previous_n, min_sample, higher_is_better
        # (kpi.add_change gives no verdict, NA, on too little data or without an interval.)
        ("up", "nps", 10.0, True, 50, 40.0, 30, True),  # real, better
        ("thin_now", "nps", 12.0, None, 10, 40.0, 30, True),  # thin now: no verdict
        ("ratio_up", "ratio", 2.0, True, None, np.nan, 30, True),  # significant on its days
        ("ratio_noise", "ratio", 3.0, False, None, np.nan, 30, True),  # within day-to-day noise
        ("ratio_one_day", "ratio", 1.0, None, None, np.nan, 30, True),  # one day: no interval
        ("noise", "mean", -0.5, False, 100, 100.0, 3, False),  # within noise
        ("effort_down", "mean", -0.4, True, 50, 50.0, 3, False),  # lower is better: improved
        ("aht_up", "ratio", 20.0, True, None, np.nan, 30, False),  # lower is better: worsened
        ("down", "nps", -5.0, True, 50, 50.0, 30, True),  # real, worse
        ("at_minimum", "top2box", 6.0, True, 30, 30.0, 30, True),  # exactly the minimum both times
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "metric_id",
            "kind",
            "change",
            "change_significant",
            "n",
            "previous_n",
            "min_sample",
            "higher_is_better",
        ],
    )
    return frame.assign(
        change_significant=pd.array(frame["change_significant"].tolist(), dtype="boolean"),
        n=pd.array(frame["n"].tolist(), dtype="Int64"),
        min_sample=frame["min_sample"].astype("int32"),
    )


def test_real_changes_keeps_significant_changes_of_every_kind():
    """Kept: significant changes, ratios included (tested on their days); in input order."""
    improved, worsened = real_changes(_changes_frame())
    assert improved["metric_id"].tolist() == ["up", "ratio_up", "effort_down", "at_minimum"]
    assert worsened["metric_id"].tolist() == ["aht_up", "down"]


def test_real_changes_leaves_out_thin_flat_and_noisy_rows():
    """No verdict (thin, one day of a ratio) and within-noise changes, ratios too, never appear."""
    improved, worsened = real_changes(_changes_frame())
    shown = set(improved["metric_id"]) | set(worsened["metric_id"])
    assert shown.isdisjoint({"thin_now", "ratio_noise", "ratio_one_day", "noise"})


def test_real_changes_direction_follows_higher_is_better():
    """Effort (lower is better) down 0.4 is improved; handle time (lower is better) up 20 is worsened."""
    improved, worsened = real_changes(_changes_frame())
    effort = improved.set_index("metric_id").loc["effort_down"]
    assert effort["change"] == -0.4 and not effort["higher_is_better"]
    aht = worsened.set_index("metric_id").loc["aht_up"]
    assert aht["change"] == 20.0 and not aht["higher_is_better"]


@pytest.mark.usefixtures("tiny_warehouse")
def test_movers_of_one_segment_only_return_that_segments_cells():
    """Tiny warehouse NPS: web/smb moved +70 (significant); shop/ent has no Q3, so ent has no movers."""
    view = queries.view()
    everyone, _ = queries.movers(view, "nps")
    assert list(zip(everyone["touchpoint_id"], everyone["segment_id"], strict=True)) == [("web", "smb")]
    improved, worsened = queries.movers(view, "nps", segment_id="smb")
    assert improved["segment_id"].tolist() == ["smb"]
    assert improved["touchpoint_id"].tolist() == ["web"]
    assert improved["change"].iloc[0] == pytest.approx(70.0)
    assert worsened.empty
    improved, worsened = queries.movers(view, "nps", segment_id="ent")
    assert improved.empty and worsened.empty


# --- components/wall.py --------------------------------------------------------------------------------


def test_stale_banner_is_none_up_to_the_allowed_age():
    """Data from 20 Nov with stale=2: nothing on 20, 21 or 22 Nov (age 0 to 2 days)."""
    as_of = date(2026, 11, 20)
    for today in (date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)):
        assert stale_banner(as_of, today, 2) is None


def test_stale_banner_names_the_date_and_the_age():
    """Data from 20 Nov 2026 seen on 25 Nov with stale=2: '20 Nov 2026, 5 days ago', an alert."""
    banner = stale_banner(date(2026, 11, 20), date(2026, 11, 25), 2)
    assert _text(banner) == (
        "Stale data"
        "The latest data is from 20 Nov 2026, 5 days ago; new data is expected at least every 2 days."
    )
    props = _props(banner)
    assert props["role"] == "alert" and props["data-banner"] == "stale"
    assert "wall-banner-stale" in banner.className.split()
    # Three days old just past a 2-day cadence; a 1-day cadence reads "every day".
    assert "3 days ago" in _text(stale_banner(date(2026, 11, 20), date(2026, 11, 23), 2))
    assert "expected every day." in _text(stale_banner(date(2026, 11, 20), date(2026, 11, 23), 1))


def test_stale_banner_says_one_day_in_the_singular():
    """stale=0 (allowed) and yesterday's data: "1 day ago", in the singular."""
    banner = stale_banner(date(2026, 11, 24), date(2026, 11, 25), 0)
    assert "24 Nov 2026, 1 day ago;" in _text(banner)


def _commitment(commitment_id: int, **values) -> dict:
    return commitment_row(
        commitment_id=commitment_id, title=f"C{commitment_id}", start_on=date(2026, 10, 1), **values
    )


def _hand_register() -> pd.DataFrame:
    overdue = [_commitment(i, due_on=date(2026, 11, 10 + i)) for i in range(6, 0, -1)]  # due 11–16 Nov
    return hand_register(
        TODAY,
        *overdue,
        _commitment(7, due_on=date(2026, 11, 25), status="planned", progress=0),  # due today: not overdue
        _commitment(8, due_on=date(2026, 12, 15)),
        _commitment(9, status="done", progress=100, completed_on=date(2026, 11, 20)),  # on the period's end
        _commitment(10, status="done", progress=100, completed_on=date(2026, 10, 1)),  # on its start
        _commitment(11, status="done", progress=100, completed_on=date(2026, 9, 30)),  # before the period
        _commitment(12, status="dropped"),
    )


def test_commitments_body_counts_overdue_open_and_done_in_the_period():
    """6 overdue, 2 open not overdue (one due today), 2 done within 1 Oct–20 Nov; dropped nowhere."""
    body = commitments_body(_hand_register(), {"owner": {"ana": "Ana Silva"}}, {}, TODAY, Q4_TO_DATE)
    columns = _with_class(body, "wall-commitment-column")
    assert [_props(column)["data-count"] for column in columns] == ["6", "2", "2"]
    heads = [_text(column.children[0]) for column in columns]
    assert heads == ["Overdue 6", "Due next 2", "Done in Q4 2026 2"]
    ids = [
        [_props(item)["data-commitment-id"] for item in _with_class(column, "commitment-item")]
        for column in columns
    ]
    # Overdue and open by due date; done by completion, latest first.
    assert ids == [["1", "2", "3", "4"], ["7", "8"], ["9", "10"]]


def test_commitments_body_shows_at_most_four_and_counts_the_rest():
    """Six overdue: the first COMMITMENTS_SHOWN (4) listed, then 'and 2 more'; no 'more' elsewhere."""
    assert COMMITMENTS_SHOWN == 4
    body = commitments_body(_hand_register(), {"owner": {"ana": "Ana Silva"}}, {}, TODAY, Q4_TO_DATE)
    overdue, due_next, done = _with_class(body, "wall-commitment-column")
    assert len(_with_class(overdue, "commitment-item")) == COMMITMENTS_SHOWN
    assert [_text(more) for more in _with_class(overdue, "wall-more")] == ["and 2 more"]
    assert _with_class(due_next, "wall-more") == [] and _with_class(done, "wall-more") == []
    assert "Ana Silva · 14 days overdue (due 11 Nov 2026)" in _text(overdue)


def test_commitments_body_shows_effects_and_empty_columns():
    """A done commitment shows its effect; a register of one dropped commitment shows three empty lists."""
    effects = {9: (Effect("no_change", "within noise"), "pts")}
    body = commitments_body(_hand_register(), {"owner": {"ana": "Ana Silva"}}, effects, TODAY, Q4_TO_DATE)
    done = _with_class(body, "wall-commitment-column")[2]
    assert "No measurable change" in _text(done)
    empty = commitments_body(
        hand_register(TODAY, _commitment(12, status="dropped")), {"owner": {}}, {}, TODAY, Q4_TO_DATE
    )
    columns = _with_class(empty, "wall-commitment-column")
    assert [_props(column)["data-count"] for column in columns] == ["0", "0", "0"]
    assert [_text(_with_class(column, "wall-empty")[0]) for column in columns] == [
        "Nothing overdue.",
        "Nothing open.",
        "Nothing finished yet in this period.",
    ]


def test_progress_steps_one_per_title_with_its_index():
    """Three titles: three wall-step spans, --index 0, 1, 2, titled in order, each with a fill."""
    steps = progress_steps(["Scorecard", "Journey", "Website"])
    assert [step.className for step in steps] == ["wall-step"] * 3
    assert [step.style for step in steps] == [{"--index": 0}, {"--index": 1}, {"--index": 2}]
    assert [step.title for step in steps] == ["Scorecard", "Journey", "Website"]
    assert all(step.children.className == "wall-step-fill" for step in steps)
    assert progress_steps([]) == []


# --- components/journey.py -----------------------------------------------------------------------------

WEB = SimpleNamespace(touchpoint_id="web", name="Website", channel="web")


def _touchpoint_rows(statuses: dict) -> list:
    """A touchpoint's KPI rows as touchpoint_card takes them (DataFrame.itertuples)."""
    names = {
        "nps": "Net promoter score",
        "csat": "Satisfaction",
        "effort": "Customer effort",
        "fcr": "First-contact resolution",
        "aht": "Average handle time",
    }
    frame = pd.DataFrame(
        {
            "metric_id": list(statuses),
            "name": [names[metric] for metric in statuses],
            "status": list(statuses.values()),
            "value": [40.0, 70.0, 4.4, 89.2, 400.0][: len(statuses)],
            "unit": ["pts", "%", "score", "%", "s"][: len(statuses)],
            "n": pd.array([10, 20, 5, None, None][: len(statuses)], dtype="Int64"),
            "target": [35.0, 90.0, 3.0, 85.0, np.nan][: len(statuses)],
            "owner_id": ["ana"] * len(statuses),
            "touchpoint_id": ["web"] * len(statuses),
            "low": [np.nan] * len(statuses),
            "high": [np.nan] * len(statuses),
            "change": [np.nan] * len(statuses),
            "change_significant": pd.array([None] * len(statuses), dtype="boolean"),
        }
    )
    return list(frame.itertuples(index=False))


ALARM = {"nps": "on_track", "csat": "at_risk", "effort": "off_track", "fcr": "on_track", "aht": "no_target"}


def test_compact_touchpoint_card_counts_the_others_in_alarm():
    """Effort off track and CSAT at risk besides the selected NPS: '2 others in alarm', worst first."""
    card = touchpoint_card(WEB, _touchpoint_rows(ALARM), "nps", "/touchpoint/web", compact=True)
    counts = _with_class(card, "journey-attention-count")
    assert len(counts) == 1
    assert _text(counts[0]).strip() == "2 others in alarm"
    assert _props(counts[0])["data-count"] == "2"
    assert counts[0].title == "Customer effort, Satisfaction"
    assert "status-off_track" in counts[0].children[0].className.split()  # the worst one's icon
    assert _with_class(card, "journey-metric") == []  # not listed
    assert _props(card)["data-status"] == "on_track"


def test_compact_touchpoint_card_singular_and_none():
    """One other at risk: '1 other in alarm'; none: 'No other in alarm'."""
    one = touchpoint_card(
        WEB, _touchpoint_rows({"nps": "on_track", "csat": "at_risk"}), "nps", "/x", compact=True
    )
    assert _text(_with_class(one, "journey-attention-count")[0]).strip() == "1 other in alarm"
    none = touchpoint_card(
        WEB, _touchpoint_rows({"nps": "off_track", "csat": "on_track"}), "nps", "/x", compact=True
    )
    assert _with_class(none, "journey-attention-count") == []
    assert [_text(rest) for rest in _with_class(none, "journey-rest")] == ["No other in alarm"]


def test_full_touchpoint_card_still_lists_the_others_in_alarm():
    """compact=False lists effort then CSAT by name under an "Other metrics: off track" badge, and
    counts the calm ones by status: one on track, one with no target (never "without alarm")."""
    card = touchpoint_card(WEB, _touchpoint_rows(ALARM), "nps", "/touchpoint/web")
    lines = _with_class(card, "journey-metric")
    assert [_props(line)["data-metric-id"] for line in lines] == ["effort", "csat"]
    assert [_text(_with_class(line, "journey-metric-name")[0]) for line in lines] == [
        "Customer effort",
        "Satisfaction",
    ]
    assert _with_class(card, "journey-attention-count") == []
    assert [_text(rest) for rest in _with_class(card, "journey-rest")] == [
        "1 other metric on track",
        "1 other metric with no target",
    ]
    assert card.href == "/touchpoint/web"


def test_a_green_card_shows_its_red_other_metrics_as_plainly():
    """Chat: the chosen NPS on track, two others off track. The card says so by a badge of the worst
    other status and on its right edge, besides the chosen metric's colour on the left."""
    rows = _touchpoint_rows(
        {"nps": "on_track", "csat": "off_track", "effort": "off_track", "fcr": "on_track"}
    )
    card = touchpoint_card(WEB, rows, "nps", "/touchpoint/web")
    assert _props(card)["data-status"] == "on_track"
    assert _props(card)["data-others-status"] == "off_track"
    assert {"status-border-on_track", "others-off_track"} <= set(card.className.split())
    badge = _with_class(card, "journey-others")[0]
    assert _text(badge) == "Other metrics: off track"
    assert "status-off_track" in badge.className.split()
    assert [_text(rest) for rest in _with_class(card, "journey-rest")] == ["1 other metric on track"]


def test_a_card_whose_others_are_all_on_track_counts_them_in_the_plural():
    rows = _touchpoint_rows({"nps": "off_track", "csat": "on_track", "effort": "on_track", "fcr": "on_track"})
    card = touchpoint_card(WEB, rows, "nps", "/touchpoint/web")
    assert _props(card)["data-others-status"] == "on_track"
    assert "others-on_track" in card.className.split()
    assert _with_class(card, "journey-others") == []
    assert [_text(rest) for rest in _with_class(card, "journey-rest")] == ["3 other metrics on track"]


def _mover_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metric_id": ["nps", "nps"],
            "touchpoint_id": ["web", "shop"],
            "segment_id": ["smb", "ent"],
            "value": [40.0, 0.0],
            "previous_value": [-30.0, 25.0],
            "change": [70.0, -25.0],
            "unit": ["pts", "pts"],
            "n": pd.array([10, 4], dtype="Int64"),
            "status": ["off_track", "insufficient"],
            "target": [50.0, 45.0],
            "owner_id": ["ana", "ana"],
            "low": [18.8, -40.0],
            "high": [61.2, 40.0],
            "change_significant": pd.array([True, None], dtype="boolean"),
        }
    )


def test_cell_label_names_touchpoint_then_segment():
    """cell_label gives 'Website · Small business' for web/smb."""
    label = cell_label({"web": "Website", "shop": "Shop"}, {"smb": "Small business", "ent": "Enterprise"})
    rows = list(_mover_frame().itertuples(index=False))
    assert [label(row) for row in rows] == ["Website · Small business", "Shop · Enterprise"]


def test_mover_list_labels_each_item_with_label_of_row():
    """Each item's name is label(row), its link link(row), with the change and before → after · n."""
    label = cell_label({"web": "Website", "shop": "Shop"}, {"smb": "Small business", "ent": "Enterprise"})
    block = mover_list("NPS by cell", _mover_frame(), label, lambda row: f"/touchpoint/{row.touchpoint_id}")
    assert _text(block.children[0]) == "NPS by cell"
    items = _with_class(block, "mover")
    assert [_text(_with_class(item, "mover-cell")[0]) for item in items] == [
        "Website · Small business",
        "Shop · Enterprise",
    ]
    assert [_text(_with_class(item, "mover-change")[0]) for item in items] == ["+70.0 pts", "−25.0 pts"]
    assert _text(_with_class(items[0], "mover-detail")[0]) == "−30.0 → 40.0 · n 10"
    assert [item.children.href for item in items] == ["/touchpoint/web", "/touchpoint/shop"]
    assert [_props(item)["data-change"] for item in items] == ["70.0", "-25.0"]
    assert [_props(item)["data-segment-id"] for item in items] == ["smb", "ent"]


def test_mover_list_with_a_custom_label_and_no_rows():
    """A metric-name label is used as given; an empty frame says there is no real change."""
    block = mover_list(
        "KPIs", _mover_frame().head(1), lambda row: f"metric {row.metric_id}", lambda row: None
    )
    assert [_text(_with_class(item, "mover-cell")[0]) for item in _with_class(block, "mover")] == [
        "metric nps"
    ]
    empty = mover_list("KPIs", _mover_frame().head(0), lambda row: "x", lambda row: None, "wall-list-title")
    assert _text(empty) == "KPIsNo real change in this direction."
    assert empty.children[0].className == "wall-list-title"


# --- components/tiles.py -------------------------------------------------------------------------------


def _tile_row(**values) -> SimpleNamespace:
    row = {
        "metric_id": "nps",
        "name": "Net promoter score",
        "kind": "nps",
        "unit": "pts",
        "value": 20.0,
        "low": 10.0,
        "high": 30.0,
        "n": 14,
        "min_sample": 5,
        "target": 45.0,
        "tolerance": 10.0,
        "higher_is_better": True,
        "status": "off_track",
        "gap_clear": True,
        "change": np.nan,
        "change_significant": pd.NA,
        "owner_id": "ana",
        "owner_name": "Ana Silva",
    }
    row.update(values)
    return SimpleNamespace(**row)


def _detail(tile):
    (detail,) = _with_class(tile, "tile-detail")
    return detail


def test_kpi_tile_detail_is_a_warning_for_insufficient_and_no_data():
    """Too little data (n 2 of 30) and no data carry tile-detail-warning."""
    thin = _detail(kpi_tile(_tile_row(status="insufficient", n=2, min_sample=30), None, None, "Q3 2026"))
    assert thin.className == "tile-detail tile-detail-warning"
    assert _text(thin) == "Too little data: n 2 of 30 needed"
    empty = _detail(
        kpi_tile(
            _tile_row(status="no_data", n=pd.NA, value=np.nan, low=np.nan, high=np.nan), None, None, "Q3"
        )
    )
    assert empty.className == "tile-detail tile-detail-warning"
    assert _text(empty) == "No data in this period"


def test_kpi_tile_detail_is_precision_otherwise():
    """A survey KPI shows its 95% interval and n, a ratio its interval and days (or that it has too few
    days for one); all tile-detail-precision."""
    sampled = _detail(kpi_tile(_tile_row(), None, None, "Q3 2026"))
    assert sampled.className == "tile-detail tile-detail-precision"
    assert _text(sampled) == "95% interval 10.0 to 30.0 · n 14"
    ratio = {"kind": "ratio", "unit": "%", "value": 89.2, "n": pd.NA, "status": "on_track"}
    days = _detail(kpi_tile(_tile_row(**ratio, low=87.3, high=91.1, days=62), None, None, "Q3 2026"))
    assert days.className == "tile-detail tile-detail-precision"
    assert _text(days) == "95% interval 87.3 to 91.1 · 62 days"
    one_day = _detail(kpi_tile(_tile_row(**ratio, low=np.nan, high=np.nan, days=1), None, None, "Q3"))
    assert _text(one_day) == "Too few days for an interval · 1 day"


def test_gap_text_is_empty_for_insufficient_even_with_a_clear_gap():
    """Insufficient says nothing about the gap; off track with a clear gap says it is clear."""
    assert gap_text(_tile_row(status="insufficient", gap_clear=True)) == ""
    assert gap_text(_tile_row(status="off_track", gap_clear=True)) == "Clearly below target"
    assert gap_text(_tile_row(status="off_track", gap_clear=True, higher_is_better=False)) == (
        "Clearly above target"
    )
    assert gap_text(_tile_row(status="at_risk", gap_clear=False)) == "Short of target, within noise"
    assert gap_text(_tile_row(status="on_track", gap_clear=True)) == "Meets target"


@pytest.fixture
def wall_page(tiny_warehouse, tmp_path, monkeypatch):
    """pages/wall.py in an app with the result cache on, over a state database of the test's own."""
    import dash
    from flask import Flask

    from data.state import database
    from queries import runner

    monkeypatch.setattr(config, "STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    database.migrate()
    app = dash.Dash(__name__, use_pages=True, pages_folder="", server=Flask(__name__))
    runner.init_cache(app.server)
    page = importlib.import_module("pages.wall")
    with app.server.test_request_context():
        yield page


def test_an_unchanged_refresh_draws_nothing_and_an_edited_commitment_redraws(wall_page, monkeypatch):
    """The second screen's refresh, with the fingerprint on screen, reads a version and the cached
    fingerprint: no slide drawn, no commitment read. A new commitment changes the deck."""
    from data.state import commitments
    from tests.unit.test_state_busy import VALUES

    drawn, read = [], []
    monkeypatch.setattr(
        wall_page, "wall_slide", lambda _index, _slide, title, *_rest: drawn.append(title) or title
    )
    register = commitments.register
    monkeypatch.setattr(commitments, "register", lambda *a, **k: read.append(1) or register(*a, **k))
    settings = parse_wall_settings({"slides": "scorecard,commitments"})
    first = wall_page._deck(settings)
    assert (first.titles, drawn, len(read)) == (["Scorecard", "Commitments"], ["Scorecard", "Commitments"], 1)
    again = wall_page._deck(settings, on_screen=first.digest)
    assert (again.slides, again.digest, len(drawn), len(read)) == ([], first.digest, 2, 1)
    commitments.create(VALUES, "Ana")
    changed = wall_page._deck(settings, on_screen=first.digest)
    assert changed.digest != first.digest and changed.titles == ["Scorecard", "Commitments"]
    assert len(read) == 2
