"""A commitment's status, due date, scope, progress and effect, each in a few words (and an icon)."""

from datetime import date

import pandas as pd
from dash import html

from components.dates import days_text, format_day
from components.format import format_change, format_value
from components.icons import icon
from data.state.commitments import STATUSES
from queries.accountability import EFFECT_LABELS, Effect

#: Icon of each commitment status, and of overdue, which trumps the status it qualifies.
STATUS_ICONS = {
    "planned": "bi-calendar-event",
    "in_progress": "bi-play-circle-fill",
    "done": "bi-check-circle-fill",
    "dropped": "bi-x-circle",
    "overdue": "bi-alarm-fill",
}
EFFECT_ICONS = {
    "moved": "bi-graph-up-arrow",
    "no_change": "bi-dash-lg",
    "too_little_data": "bi-hourglass-split",
}
#: Effect verdicts in a table's few words; the full words are in the badge's tooltip.
SHORT_EFFECT_LABELS = {"moved": "Moved", "no_change": "No change", "too_little_data": "Too little data"}


def commitment_badge(status: str, overdue: bool) -> html.Span:
    """The status in colour, icon and word; an open commitment past its due date shows "Overdue"."""
    key = "overdue" if overdue else status
    label = f"Overdue · {STATUSES[status].lower()}" if overdue else STATUSES[status]
    return html.Span([icon(STATUS_ICONS[key]), label], className=f"commitment-badge commitment-{key}")


def scope_text(row, names: dict) -> str:
    """'Website · Small business': the touchpoint and segment a commitment is on, '' when on all."""
    return " · ".join(
        names[kind].get(value, value)
        for kind, value in (("touchpoint", row.touchpoint_id), ("segment", row.segment_id))
        if value
    )


def due_text(row, today: date) -> str:
    """'Due 30 Nov 2026', '12 days overdue', 'Done 3 Nov 2026 · 2 days late'."""
    due = pd.Timestamp(row.due_on).date()
    if row.status == "done" and row.completed_on is not None and not pd.isna(row.completed_on):
        late = (pd.Timestamp(row.completed_on).date() - due).days
        return f"Done {format_day(row.completed_on)}" + (
            f" · {days_text(late)} late" if late > 0 else " · on time"
        )
    if row.overdue:
        return f"{days_text((today - due).days)} overdue (due {format_day(due)})"
    return f"Due {format_day(due)}"


def status_line(row, owner_name: str, today: date) -> list:
    """Under a commitment's title: its status, when it is due (or was done) and its owner, linked."""
    return [
        commitment_badge(row.status, bool(row.overdue)),
        html.Span(due_text(row, today), className="ms-2"),
        html.Span([" · ", html.A(owner_name, href=f"/owner/{row.owner_id}")]),
    ]


def effect_badge(effect: Effect | None, unit: str, short: bool = False) -> html.Span | str:
    """Whether a done commitment moved its metric, in words, with the change when it did."""
    if effect is None:
        return ""
    text = (SHORT_EFFECT_LABELS if short else EFFECT_LABELS)[effect.verdict]
    tone = effect.verdict
    if effect.verdict == "moved":
        tone = "moved-better" if effect.better else "moved-worse"
        text = f"{text}: {format_change(effect.change, unit)}"
    return html.Span(
        [icon(EFFECT_ICONS[effect.verdict]), text],
        className=f"effect-badge effect-{tone}",
        title=effect.reason,
        **{"data-effect": effect.verdict},
    )


def effect_panel(effect: Effect | None, unit: str) -> html.Div | None:
    """The before/after comparison of a done commitment, with the windows and the reason."""
    if effect is None:
        return None
    rows = []
    if effect.before is not None:
        for label, window, value in (
            ("Before", effect.before, effect.value_before),
            ("After", effect.after, effect.value_after),
        ):
            rows.append(
                html.Tr(
                    [
                        html.Th(label, scope="row"),
                        html.Td(f"{format_day(window.start)} – {format_day(window.end)}"),
                        html.Td(format_value(value, unit), className="text-end"),
                    ]
                )
            )
    return html.Div(
        [
            html.Div(effect_badge(effect, unit), className="mb-2"),
            html.P(effect.reason, className="small text-body-secondary"),
            html.Table(html.Tbody(rows), className="table table-sm effect-table") if rows else None,
        ],
        className="effect-panel",
        **{"data-effect": effect.verdict},
    )
