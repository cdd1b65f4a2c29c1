"""A commitment's status, due date, scope, progress and effect, each in a few words (and an icon)."""

from datetime import date

import pandas as pd
from dash import html

from components.dates import format_day
from components.format import format_change, format_count, format_value
from components.icons import icon
from data.state.commitments import STATUSES
from i18n import N_, _, ngettext
from queries.accountability import Effect

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
#: Effect verdicts in words (as queries.accountability.EFFECT_LABELS), and in a table's few words; the
#: full words are in the badge's tooltip. In English: translated with `_` where shown.
EFFECT_LABELS = {
    "moved": N_("Moved (significant)"),
    "no_change": N_("No measurable change"),
    "too_little_data": N_("Too little data"),
}
SHORT_EFFECT_LABELS = {
    "moved": N_("Moved"),
    "no_change": N_("No change"),
    "too_little_data": N_("Too little data"),
}

#: Why an effect has its verdict, by queries.accountability's reason key.
EFFECT_REASONS = {
    "window_open": N_("The %(days)s days after completion run to %(end)s; data runs to %(as_of)s."),
    "metric_gone": N_("The metric is no longer in the warehouse."),
    "significant": N_("Significant at 95%%."),
    "within_noise": N_("The change is within sampling noise."),
    "within_variation": N_("The change is within day-to-day variation."),
    "no_data_before": N_("No data in the window before."),
    "no_data_after": N_("No data in the window after."),
    "no_data_before_after": N_("No data in the window before or after."),
    "few_days": N_("Too few days with data to test the change."),
    "few_responses": N_("Too few responses to test the change."),
    "fewer_than_before": N_("Fewer than %(min)s responses in the window before."),
    "fewer_than_after": N_("Fewer than %(min)s responses in the window after."),
    "fewer_than_before_after": N_("Fewer than %(min)s responses in the windows before and after."),
}


def effect_reason(effect: Effect) -> str:
    """Why `effect` has its verdict, in a sentence of the current language (a key Beacon does not know:
    as it is)."""
    if effect.reason not in EFFECT_REASONS:
        return effect.reason
    values = effect.reason_values
    return _(
        EFFECT_REASONS[effect.reason],
        days=format_count(values.get("days")),
        min=format_count(values.get("min")),
        end=format_day(values.get("end")),
        as_of=format_day(values.get("as_of")),
    )


#: An overdue commitment's badge, by the status it qualifies (whole words per status).
OVERDUE_LABELS = {
    "planned": N_("Overdue · planned"),
    "in_progress": N_("Overdue · in progress"),
    "done": N_("Overdue · done"),
    "dropped": N_("Overdue · dropped"),
}


def commitment_badge(status: str, overdue: bool) -> html.Span:
    """The status in colour, icon and word; an open commitment past its due date shows "Overdue"."""
    key = "overdue" if overdue else status
    label = OVERDUE_LABELS[status] if overdue else STATUSES[status]
    label = _(label)
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
        if late > 0:
            return ngettext(
                "Done %(day)s · %(num)s day late",
                "Done %(day)s · %(num)s days late",
                late,
                day=format_day(row.completed_on),
            )
        return _("Done %(day)s · on time", day=format_day(row.completed_on))
    if row.overdue:
        return ngettext(
            "%(num)s day overdue (due %(day)s)",
            "%(num)s days overdue (due %(day)s)",
            (today - due).days,
            day=format_day(due),
        )
    return _("Due %(day)s", day=format_day(due))


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
    text = _((SHORT_EFFECT_LABELS if short else EFFECT_LABELS)[effect.verdict])
    tone = effect.verdict
    if effect.verdict == "moved":
        tone = "moved-better" if effect.better else "moved-worse"
        text = _("%(verdict)s: %(change)s", verdict=text, change=format_change(effect.change, unit))
    return html.Span(
        [icon(EFFECT_ICONS[effect.verdict]), text],
        className=f"effect-badge effect-{tone}",
        title=effect_reason(effect),
        **{"data-effect": effect.verdict},
    )


def effect_panel(effect: Effect | None, unit: str) -> html.Div | None:
    """The before/after comparison of a done commitment, with the windows and the reason."""
    if effect is None:
        return None
    rows = []
    if effect.before is not None:
        for label, window, value in (
            (_("Before"), effect.before, effect.value_before),
            (_("After"), effect.after, effect.value_after),
        ):
            rows.append(
                html.Tr(
                    [
                        html.Th(label, scope="row"),
                        html.Td(
                            _(
                                "%(start)s – %(end)s",
                                start=format_day(window.start),
                                end=format_day(window.end),
                            )
                        ),
                        html.Td(format_value(value, unit), className="text-end"),
                    ]
                )
            )
    return html.Div(
        [
            html.Div(effect_badge(effect, unit), className="mb-2"),
            html.P(effect_reason(effect), className="small text-body-secondary"),
            html.Table(html.Tbody(rows), className="table table-sm effect-table") if rows else None,
        ],
        className="effect-panel",
        **{"data-effect": effect.verdict},
    )
