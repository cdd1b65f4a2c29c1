"""Alerts on screen: an event as a card (what happened in a sentence, its kind and status, a link to the
exact view, when it was found) with its deliveries table, a metric page's short list, and the pieces
of the settings page (subscriptions, owners' default alerts, webhooks). Pure: records in, components out.
"""

from datetime import datetime

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.icons import icon
from components.status import STATUS_LABELS, status_badge
from i18n import N_, _, format_day, format_integer
from i18n import format_time as clock_time

#: Each kind of event: its name on screen and icon.
KIND_LABELS = {
    "status_worsened": (N_("Status worsened"), "bi-arrow-down-right-circle"),
    "status_recovered": (N_("Status recovered"), "bi-arrow-up-right-circle"),
    "significant_change": (N_("Real change"), "bi-activity"),
    "late_data": (N_("Late data"), "bi-clock-history"),
    "commitment_overdue": (N_("Commitment overdue"), "bi-alarm"),
    "verdict_available": (N_("Effect measured"), "bi-clipboard-check"),
    "no_plan": (N_("Off track, no plan"), "bi-exclamation-diamond"),
}
#: Each delivery status: its word, icon and Bootstrap colour (always word and icon, never colour alone).
DELIVERY_LABELS = {
    "pending": (N_("Waiting"), "bi-hourglass-split", "secondary"),
    "sending": (N_("Sending"), "bi-send", "info"),
    "sent": (N_("Sent"), "bi-check-circle-fill", "success"),
    "merged": (N_("Sent in a summary"), "bi-collection", "success"),
    "failed": (N_("Failed"), "bi-x-octagon-fill", "danger"),
}
CHANNEL_LABELS = {"email": (N_("E-mail"), "bi-envelope"), "webhook": (N_("Webhook"), "bi-plug")}
#: The deliveries table's headings (English keys: translate with `_` where shown).
DELIVERY_COLUMNS = (
    N_("Channel"),
    N_("Recipient"),
    N_("Status"),
    N_("Attempts"),
    N_("Sent or due"),
    N_("Last error"),
)
#: Columns a phone leaves out, so the recipient and status keep their width (an address or a webhook's
#: name says the channel; the rest is on a wider screen).
WIDE_ONLY = {"Channel": "d-none d-sm-table-cell", "Attempts": "d-none d-md-table-cell"}
WIDE_ONLY["Sent or due"] = WIDE_ONLY["Attempts"]


def format_time(moment) -> str:
    """'3 Nov 2026 08:05' ('3.11.2026 klo 9.05'), in the current language; a dash when there is none."""
    if moment is None or pd.isna(moment):
        return "—"
    if not isinstance(moment, datetime):  # a text from a store
        moment = pd.Timestamp(moment).to_pydatetime()
    return _("%(day)s %(time)s", day=format_day(moment), time=clock_time(moment))


def kind_label(kind: str) -> str:
    """A kind of event in words, in the current language."""
    return _(KIND_LABELS[kind][0]) if kind in KIND_LABELS else kind.replace("_", " ").capitalize()


def kind_badge(kind: str) -> html.Span:
    _label, glyph = KIND_LABELS.get(kind, (kind, "bi-bell"))
    return html.Span(
        [icon(glyph, "me-1"), kind_label(kind)],
        className="badge bg-body-secondary text-body border alert-kind",
    )


def delivery_badge(status: str) -> html.Span:
    label, glyph, colour = DELIVERY_LABELS.get(status, (status, "bi-question-circle", "secondary"))
    label = _(label) if status in DELIVERY_LABELS else label
    return html.Span([icon(glyph, "me-1"), label], className=f"badge text-bg-{colour} delivery-status")


def _recipient(delivery: dict, webhook_names: dict[str, str]) -> str:
    if delivery["channel"] == "webhook":
        return webhook_names.get(delivery["recipient"], _("Webhook %(id)s", id=delivery["recipient"]))
    return delivery["recipient"]


def _when(delivery: dict) -> str:
    """When it went, or for one still waiting when it goes (a retry, or a daily summary's hour)."""
    if delivery["status"] == "pending" and delivery.get("next_attempt_at") is not None:
        return _("due %(time)s", time=format_time(delivery["next_attempt_at"]))
    return format_time(delivery["sent_at"])


def deliveries_table(deliveries: list[dict], webhook_names: dict[str, str]) -> html.Div:
    """Who the event went to, one row per message: channel, recipient, status, attempts, when it was
    sent and the last error (scrolls sideways inside its card on a phone)."""
    if not deliveries:
        return html.P(
            _("Not sent to anyone (no owner e-mail, subscription or webhook)."),
            className="small text-body-secondary mb-0",
        )
    rows = []
    for delivery in deliveries:
        channel, glyph = CHANNEL_LABELS.get(delivery["channel"], (delivery["channel"], "bi-send"))
        channel = _(channel) if delivery["channel"] in CHANNEL_LABELS else channel
        rows.append(
            html.Tr(
                [
                    html.Td([icon(glyph, "me-1"), channel], className=WIDE_ONLY["Channel"]),
                    html.Td(_recipient(delivery, webhook_names), className="text-break"),
                    html.Td(delivery_badge(delivery["status"])),
                    html.Td(
                        format_integer(delivery["attempts"]), className=f"number {WIDE_ONLY['Attempts']}"
                    ),
                    html.Td(_when(delivery), className=f"text-nowrap {WIDE_ONLY['Sent or due']}"),
                    html.Td(delivery["last_error"] or "—", className="delivery-error small text-break"),
                ],
                **{
                    "data-outbox-id": str(delivery["outbox_id"]),
                    "data-status": delivery["status"],
                    "data-channel": delivery["channel"],
                },
            )
        )
    return html.Div(
        dbc.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th(_(c), scope="col", className=f"delivery-{i} {WIDE_ONLY.get(c, '')}")
                            for i, c in enumerate(DELIVERY_COLUMNS)
                        ]
                    )
                ),
                html.Tbody(rows),
            ],
            size="sm",
            class_name="deliveries mb-0",
        ),
        className="table-responsive",
    )


def _attributes(event: dict) -> dict:
    return {
        "data-event-id": str(event["event_id"]),
        "data-kind": event["kind"],
        "data-metric-id": event["metric_id"] or "",
        "data-touchpoint-id": event["touchpoint_id"] or "",
        "data-segment-id": event["segment_id"] or "",
    }


def _heading(event: dict) -> html.Div:
    status = (event["facts"] or {}).get("status")
    return html.Div(
        [
            kind_badge(event["kind"]),
            status_badge(status) if status in STATUS_LABELS else None,
            html.Span(format_time(event["found_at"]), className="small text-body-secondary ms-auto"),
        ],
        className="d-flex flex-wrap align-items-center gap-2 mb-2",
    )


def _open_link(event: dict, class_name: str = "") -> html.A | None:
    link = (event["facts"] or {}).get("link")
    if not link:
        return None
    return html.A(
        [icon("bi-box-arrow-up-right", "me-1"), _("Open the view")], href=link, className=class_name or None
    )


def event_card(event: dict, webhook_names: dict[str, str]) -> html.Article:
    """One event on /alerts: its kind, status and time, the sentence its messages say, a link to the
    exact view, and its deliveries. A card by its classes: dbc.Card takes no data attributes."""
    return html.Article(
        html.Div(
            [
                _heading(event),
                html.P(event["sentence"], className="alert-sentence mb-2"),
                html.Div(_open_link(event, "small"), className="mb-2"),
                deliveries_table(event["deliveries"], webhook_names),
            ],
            className="card-body",
        ),
        className="card alert-event mb-3",
        **_attributes(event),
    )


def event_list(events: list[dict], webhook_names: dict[str, str], empty: str) -> html.Div:
    if not events:
        return html.P(empty, className="text-body-secondary my-4", id="alerts-empty")
    return html.Div([event_card(event, webhook_names) for event in events], className="alert-events")


def recent_alerts(events: list[dict], all_href: str) -> html.Div:
    """A metric page's last events: kind, time and sentence, each linking to its exact view."""
    if not events:
        return html.P(_("No alerts on this metric yet."), className="text-body-secondary mb-0")
    items = [
        html.Li(
            [
                _heading(event),
                html.P(event["sentence"], className="small mb-1"),
                _open_link(event, "small"),
            ],
            className="list-group-item px-0",
            **_attributes(event),
        )
        for event in events
    ]
    return html.Div(
        [
            html.Ul(items, className="list-group list-group-flush recent-alerts"),
            html.A(_("All alerts on this metric"), href=all_href, className="small d-inline-block mt-2"),
        ]
    )


# --- settings -------------------------------------------------------------------------------------


def subscription_label(
    subscription: dict, names: dict[str, dict[str, str]], subjects: dict, batches: dict
) -> html.Span:
    """'Metric: Net promoter score · At once · ana@example.com'."""
    subject, subject_id, batch = subscription["subject"], subscription["subject_id"], subscription["batch"]
    what = _(subjects[subject]) if subject in subjects else subject
    if subject_id:
        what = _(
            "%(subject)s: %(name)s", subject=what, name=names.get(subject, {}).get(subject_id, subject_id)
        )
    return html.Span(
        [
            html.Strong(what),
            html.Span(f" · {_(batches[batch]) if batch in batches else batch} · "),
            html.Span(subscription["email"], className="text-break"),
        ],
        **{
            "data-subscription-id": str(subscription["subscription_id"]),
            "data-subject": subject,
            "data-subject-id": subject_id or "",
            "data-batch": subscription["batch"],
        },
    )


def subscription_options(subscriptions: list[dict], names, subjects, batches) -> list[dict]:
    """The subscriptions as ticks of a checklist (the value: its id), to end the ticked ones."""
    return [
        {"label": subscription_label(s, names, subjects, batches), "value": s["subscription_id"]}
        for s in subscriptions
    ]


def webhook_options(webhooks: list[dict]) -> list[dict]:
    """The webhooks as ticks of a checklist (the value: its id), to remove the ticked ones. Never the
    secret: it is shown once, when the webhook is added."""
    return [
        {
            "label": html.Span(
                [html.Strong(hook["name"]), html.Span(" · "), html.Code(hook["url"], className="text-break")],
                **{"data-webhook-id": str(hook["webhook_id"])},
            ),
            "value": hook["webhook_id"],
        }
        for hook in webhooks
    ]


def checklist(checklist_id: str, options: list[dict], value: list) -> dcc.Checklist:
    return dcc.Checklist(
        id=checklist_id,
        options=options,
        value=value,
        className="settings-checklist",
        # Bootstrap's look without .form-check, whose negative margin would float the box off its text.
        inputClassName="form-check-input ms-0 me-2 mt-1 flex-shrink-0",
        labelClassName="d-flex align-items-start gap-2 mb-2",
    )


def message(result_kind: str, text) -> dbc.Alert:
    """A short outcome beside a form: "success", "warning" (refused, invalid, busy) or "info"."""
    return dbc.Alert(text, color=result_kind, class_name="py-2 mb-0 mt-2 small")


def secret_shown_once(secret: str) -> html.Div:
    return html.Div(
        [
            html.P(_("Give the receiver this secret now: Beacon does not show it again."), className="mb-1"),
            html.Code(secret, className="d-block text-break user-select-all", id="settings-webhook-secret"),
        ]
    )
