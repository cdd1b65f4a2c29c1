"""Every field of one commitment, each with its message (the commitment page), and what both editors
say when the state database stayed busy."""

from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components.controls import ALL
from components.format import UNIT_WORDS
from components.icons import icon
from components.ids import dom_id
from data.state.commitments import DESCRIPTION_MAX, FIELD_LABELS, KINDS, NOTE_MAX, STATUSES, TITLE_MAX
from i18n import _


def busy_note(unreachable: bool = False) -> html.Span:
    """Said beside Save, by both editors, when the state database stayed busy or could not be reached:
    nothing was saved, and the form keeps what was typed."""
    text = (
        _("Not saved: the database cannot be reached just now. Try again in a moment.")
        if unreachable
        else _("Not saved: the database is busy. Try again.")
    )
    return html.Span([icon("bi-hourglass-split", "me-1"), text], className="busy-note text-danger small")


def options(choices, empty: str | None = None, empty_value: str = "") -> list[dict]:
    """A select's options from (value, label) pairs, after an `empty` choice when one is given."""
    listed = [{"label": label, "value": value} for value, label in choices]
    return ([{"label": empty, "value": empty_value}] if empty is not None else []) + listed


def _words(labels: dict) -> list[tuple[str, str]]:
    """(value, its word in the current language) of a dict of English words (KINDS, STATUSES)."""
    return [(value, _(word)) for value, word in labels.items()]


def field_id(page: str, field: str) -> dict:
    return {"type": f"{page}-field", "field": field}


def feedback_id(page: str, field: str) -> dict:
    return {"type": f"{page}-feedback", "field": field}


def _field(page: str, field: str, control, errors: dict, hint: str | None = None, width: int = 6) -> dbc.Col:
    """A labelled control with its message beside it (and a hint while there is none)."""
    return dbc.Col(
        [
            dbc.Label(
                _(FIELD_LABELS[field]) if field in FIELD_LABELS else _("Note for the history"),
                html_for=dom_id(field_id(page, field)),
            ),
            control,
            dbc.FormFeedback(errors.get(field, ""), id=feedback_id(page, field), type="invalid"),
            dbc.FormText(hint) if hint else None,
        ],
        md=width,
        className="mb-3",
    )


def form_value(value) -> str:
    """A stored value as a form shows it: dates as ISO, numbers without a trailing .0, nothing as ''."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def commitment_form(page: str, values: dict, errors: dict, choices: dict, unit_hint: str) -> dbc.Form:
    """Every field of a commitment, each with its message; `values` as the user last typed them.

    `choices` maps "metric"/"touchpoint"/"segment"/"owner" to [(id, name)] for the selects; touchpoint
    and segment offer ALL ("all of them"), which `chosen` turns back into no value.
    """

    # Numbers are typed in text inputs too: a browser's number input sends nothing at all for a value it
    # rejects (150 in a 0–100 field), so the form could not say what is wrong and would save a blank.
    def control(field: str, kind: str = "text", **props):
        value = form_value(values.get(field))
        if field in ("touchpoint_id", "segment_id"):
            value = value or ALL
        common = {"id": field_id(page, field), "value": value, "invalid": field in errors}
        if kind == "select":
            return dbc.Select(**common, **props)
        if kind == "textarea":
            return dbc.Textarea(**common, dir="auto", **props)  # typed in its writer's direction
        return dbc.Input(type=kind, **common, **props)

    sprint = values.get("kind") == "redesign sprint"
    return dbc.Form(
        [
            dbc.Row(
                [
                    _field(
                        page,
                        "title",
                        control("title", maxLength=TITLE_MAX * 2, placeholder=_("What will be done")),
                        errors,
                        width=12,
                    ),
                    _field(page, "metric_id", control("metric_id", "select", options=options(choices["metric"], _("Choose…"))), errors, width=3),
                    _field(page, "touchpoint_id", control("touchpoint_id", "select", options=options(choices["touchpoint"], _("All touchpoints"), ALL)), errors, width=3),
                    _field(page, "segment_id", control("segment_id", "select", options=options(choices["segment"], _("All customers"), ALL)), errors, width=3),
                    _field(page, "owner_id", control("owner_id", "select", options=options(choices["owner"], _("Choose…"))), errors, width=3),
                    _field(page, "kind", control("kind", "select", options=options(_words(KINDS))), errors, width=3),
                    _field(page, "start_on", control("start_on", "date"), errors, width=3),
                    _field(
                        page,
                        "due_on",
                        control("due_on", "date", disabled=sprint),
                        errors,
                        _("The 20th working day of a redesign sprint") if sprint else None,
                        width=3,
                    ),
                    _field(page, "status", control("status", "select", options=options(_words(STATUSES))), errors, width=3),
                    _field(page, "progress", control("progress", inputMode="numeric"), errors, _("Percent done, 0–100"), width=3),
                    _field(page, "completed_on", control("completed_on", "date"), errors, _("Today when marked done"), width=3),
                    _field(page, "expected_value", control("expected_value", inputMode="decimal"), errors, unit_hint, width=3),
                    _field(page, "description", control("description", "textarea", rows=3, maxLength=DESCRIPTION_MAX * 2), errors, width=12),
                    _field(page, "note", control("note", "textarea", rows=2, maxLength=NOTE_MAX * 2, placeholder=_("Why this change (kept in the history)")), errors, width=12),
                ]
            )
        ],
        className="commitment-form",
    )  # fmt: skip


def unit_hint(unit: str) -> str:
    """The hint under the expected effect: in the metric's unit, in words."""
    words = UNIT_WORDS.get(unit, unit)
    words = _(words) if words and unit in UNIT_WORDS else words
    return (
        _("The value the metric should reach, in %(unit)s", unit=words)
        if words
        else _("The value the metric should reach")
    )


def form_card(
    page: str,
    values: dict,
    choices: dict,
    unit: str,
    read_only: str | None,
    new: bool,
    save_id: str,
    note_id: str,
) -> dbc.Card:
    """The commitment form in its card, with Save (`save_id`) and the note beside it (`note_id`);
    `read_only` says why this user may only read it, and then the fields are disabled and there is
    no Save."""
    return dbc.Card(
        dbc.CardBody(
            [
                dbc.Alert(read_only, color="secondary", className="read-only-note") if read_only else None,
                # A disabled fieldset disables every control in it: read-only looks read-only.
                html.Fieldset(
                    commitment_form(page, values, {}, choices, unit_hint(unit)),
                    disabled=read_only is not None,
                    className="commitment-fields",
                ),
                html.Div(
                    [
                        # None for who may not save: Dash re-enables a running button after any call.
                        dbc.Button(
                            _("Create commitment") if new else _("Save changes"), id=save_id, color="primary"
                        )
                        if read_only is None
                        else None,
                        html.A(
                            _("Cancel") if read_only is None else _("Back to the register"),
                            href="/commitments",
                            className="btn btn-link",
                        ),
                        html.Span(id=note_id, role="status", className="align-self-center"),
                    ],
                    className="d-flex gap-2",
                ),
            ]
        ),
        className="commitment-form-card",
    )
