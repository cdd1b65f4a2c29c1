"""The commitment builders and the view filter: pure functions, checked against values worked by hand."""

import io
from datetime import date

import pandas as pd

from components.commitments.badges import commitment_badge, due_text, effect_badge
from components.commitments.editor import IN_PLACE_FIELDS, commitment_card_body, edit_id
from components.commitments.form import form_card, form_value
from components.commitments.register import milestones, register_csv
from components.figures import trend_figure
from queries.accountability import Effect, commitments_in_view
from queries.periods import Period
from tests.commitment_rows import commitment_row, hand_register
from tests.components_tree import walk

TODAY = date(2026, 11, 25)


def _text(component) -> str:
    """Every string inside a component, in order."""
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    if children is None:
        return ""
    if not isinstance(children, list | tuple):
        children = [children]
    return "".join(_text(child) for child in children)


def test_due_text_says_how_late_or_when():
    register = hand_register(
        TODAY,
        commitment_row(commitment_id=1),  # open, due 20 Nov: 5 days overdue on 25 Nov
        commitment_row(commitment_id=2, due_on=date(2026, 11, 24)),  # 1 day overdue
        commitment_row(commitment_id=3, due_on=date(2026, 11, 25)),  # due today: not overdue
        commitment_row(commitment_id=4, status="done", completed_on=date(2026, 11, 22)),  # 2 days late
        commitment_row(commitment_id=5, status="done", completed_on=date(2026, 11, 20)),  # on the due date
    )
    rows = list(register.itertuples(index=False))
    assert [due_text(row, TODAY) for row in rows] == [
        "5 days overdue (due 20 Nov 2026)",
        "1 day overdue (due 24 Nov 2026)",
        "Due 25 Nov 2026",
        "Done 22 Nov 2026 · 2 days late",
        "Done 20 Nov 2026 · on time",
    ]


def test_commitment_badge_puts_overdue_first_but_keeps_the_status():
    assert _text(commitment_badge("in_progress", True)) == "Overdue · in progress"
    assert commitment_badge("in_progress", True).className == "commitment-badge commitment-overdue"
    assert _text(commitment_badge("done", False)) == "Done"


def test_effect_badge_words_and_direction():
    window = Period("before", "", date(2026, 1, 1), date(2026, 1, 28))
    moved = Effect("moved", "significant at 95%", window, window, 20.0, 27.5, 7.5, True)
    assert _text(effect_badge(moved, "pts")) == "Moved (significant): +7.5 pts"
    assert _text(effect_badge(moved, "pts", short=True)) == "Moved: +7.5 pts"
    assert "effect-moved-better" in effect_badge(moved, "pts").className
    worse = Effect("moved", "significant at 95%", window, window, 5.0, 3.0, -2.0, False)
    assert "effect-moved-worse" in effect_badge(worse, "%").className
    assert _text(effect_badge(Effect("no_change", "within noise"), "pts")) == "No measurable change"
    assert effect_badge(None, "pts") == ""


def test_milestones_mark_starts_and_completions_but_not_dropped_plans():
    frame = hand_register(
        TODAY,
        commitment_row(commitment_id=1, title="A"),
        commitment_row(commitment_id=2, title="B", status="done", completed_on=date(2026, 11, 21)),
        commitment_row(commitment_id=3, title="C", status="dropped"),
    )
    assert milestones(frame) == (
        ("2026-11-02", "start", "A"),
        ("2026-11-02", "start", "B"),
        ("2026-11-21", "done", "B"),
    )


def test_trend_figure_draws_milestones_inside_its_range_only():
    trend = pd.DataFrame(
        {
            "bucket_start": pd.to_datetime(["2026-09-01", "2026-10-01", "2026-11-01"]),
            "value": [10.0, 12.0, 15.0],
            "low": [8.0, 10.0, 13.0],
            "high": [12.0, 14.0, 17.0],
            "n": pd.array([100, 110, 120], dtype="Int64"),
            "target": [11.0, 11.0, 11.0],
        }
    )
    notes = pd.DataFrame(columns=["day", "title"])
    marks = (
        ("2026-10-05", "start", "Inside"),
        ("2026-11-30", "done", "Month end"),
        ("2025-01-01", "start", "Old"),
    )
    figure = trend_figure(trend, notes, "pts", "light", marks)
    drawn = {
        trace["name"]: list(trace["customdata"])
        for trace in figure["data"]
        if trace.get("name", "").startswith("Commitment")
    }
    assert drawn == {"Commitment started": ["Inside"], "Commitment completed": ["Month end"]}


def test_commitments_in_view_keeps_those_on_the_slice_or_on_everything():
    register = hand_register(
        TODAY,
        commitment_row(commitment_id=1),
        commitment_row(commitment_id=2, touchpoint_id="web"),
        commitment_row(commitment_id=3, touchpoint_id="shop"),
        commitment_row(commitment_id=4, segment_id="smb"),
        commitment_row(commitment_id=5, metric_id="csat"),
    )
    ids = lambda frame: list(frame["commitment_id"])  # noqa: E731
    assert ids(commitments_in_view(register, "nps")) == [1, 2, 3, 4]
    assert ids(commitments_in_view(register, "nps", touchpoint_id="web")) == [1, 2, 4]
    assert ids(commitments_in_view(register, "nps", touchpoint_id="web", segment_id="consumer")) == [1, 2]


def test_register_csv_names_ids_and_says_the_effect():
    register = hand_register(
        TODAY,
        commitment_row(commitment_id=7, status="done", completed_on=date(2026, 11, 22), touchpoint_id="web"),
        commitment_row(commitment_id=8),
    )
    names = {
        "metric": {"nps": "NPS"},
        "touchpoint": {"web": "Website"},
        "segment": {},
        "owner": {"ana": "Ana Silva"},
    }
    effect = Effect("no_change", "within noise", change=0.4)
    lines = register_csv(register, names, {7: (effect, "pts")}).splitlines()
    header = lines[0].split(",")
    first = dict(zip(header, lines[1].split(","), strict=True))
    second = dict(zip(header, lines[2].split(","), strict=True))
    assert (first["metric"], first["touchpoint"], first["owner"], first["effect"]) == (
        "NPS",
        "Website",
        "Ana Silva",
        "no_change",
    )
    assert (first["on_time"], first["overdue"]) == ("False", "False")
    assert (second["effect"], second["overdue"], second["on_time"]) == ("", "True", "")


def test_form_value_shows_stored_values_as_typed():
    assert form_value(date(2026, 11, 2)) == "2026-11-02"
    assert form_value(45.0) == "45"
    assert form_value(45.5) == "45.5"
    assert form_value(None) == ""
    assert form_value(float("nan")) == ""


def test_register_csv_keeps_spreadsheets_from_running_typed_formulas():
    register = hand_register(
        TODAY,
        commitment_row(title='=HYPERLINK("http://x")', description="+1 call"),
        commitment_row(commitment_id=2),
    )
    names = {"metric": {}, "touchpoint": {}, "segment": {}, "owner": {}}
    frame = pd.read_csv(io.StringIO(register_csv(register, names, {})))
    assert list(frame["title"]) == ['\'=HYPERLINK("http://x")', "Fix it"]
    assert frame["description"].iloc[0] == "'+1 call"


NAMES = {"metric": {"nps": "NPS"}, "touchpoint": {}, "segment": {}, "owner": {"ana": "Ana Silva"}}


def test_an_in_place_card_has_every_field_it_saves_and_the_completion_day_only_once_done():
    """The in-place editor's save reads IN_PLACE_FIELDS from the card: each must be there. Until a
    commitment is done its completion day is hidden and empty, so marking it done completes it today."""
    [open_row, done_row] = hand_register(
        TODAY,
        commitment_row(commitment_id=1, completed_on=date(2026, 11, 3)),
        commitment_row(commitment_id=2, status="done", completed_on=date(2026, 11, 3)),
    ).itertuples(index=False)
    for row, completed in ((open_row, ""), (done_row, "2026-11-03")):
        card = {
            str(c.id): c for c in walk(commitment_card_body(row, NAMES, None, "", TODAY)) if hasattr(c, "id")
        }
        assert all(str(edit_id(field, row.commitment_id)) in card for field in IN_PLACE_FIELDS)
        assert card[str(edit_id("completed_on", row.commitment_id))].value == completed


def test_a_read_only_form_says_why_and_has_no_save():
    choices = {kind: [] for kind in ("metric", "touchpoint", "segment", "owner")}
    read_only = form_card("p", {}, choices, "pts", "You can read it.", False, "save", "note")
    ids = [getattr(c, "id", None) for c in walk(read_only)]
    assert "save" not in ids and "note" in ids
    assert [
        c.children for c in walk(read_only) if "read-only-note" in (getattr(c, "className", "") or "")
    ] == ["You can read it."]
    editable = form_card("p", {}, choices, "pts", None, True, "save", "note")
    [save] = [c for c in walk(editable) if getattr(c, "id", None) == "save"]
    assert save.children == "Create commitment"
