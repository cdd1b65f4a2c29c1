"""`/settings` — the signed-in user's alerts: their subscriptions (to a metric, touchpoint, segment or
the weekly digest, at once or in a daily summary, to an e-mail address) and ending them; an owner's
default alerts of their own metrics, each on or off; for admins, the webhooks (add, remove).

Every callback asks views.alerts, which checks the user's rights on the server whatever the page
showed: a display changes nothing, viewers manage only their own subscriptions, only admins webhooks.
"""

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, html, no_update

import queries
from components.alerts import checklist, message, secret_shown_once, subscription_options, webhook_options
from components.feedback import problem
from components.icons import icon
from components.pieces import card, select
from data.state import database
from i18n import N_, _
from views import alerts
from views.context import state_unreachable
from views.users import acting_user

dash.register_page(
    __name__, path="/settings", name="Settings", title=lambda **_query: _("Settings · Beacon"), order=9
)

ROOT = "settings-root"
SUBSCRIPTIONS = "settings-subscriptions"  # the checklist of the user's subscriptions
NO_SUBSCRIPTIONS = "settings-no-subscriptions"
END = "settings-end"
END_MESSAGE = "settings-end-message"
SUBJECT = "settings-subject"
TARGET = "settings-target"
BATCH = "settings-batch"
EMAIL = "settings-email"
SUBSCRIBE = "settings-subscribe"
SUBSCRIBE_MESSAGE = "settings-subscribe-message"
OWNER_ALERTS = "settings-owner-alerts"
OWNER_MESSAGE = "settings-owner-message"
WEBHOOKS = "settings-webhooks"
NO_WEBHOOKS = "settings-no-webhooks"
WEBHOOK_REMOVE = "settings-webhook-remove"
WEBHOOK_NAME = "settings-webhook-name"
WEBHOOK_URL = "settings-webhook-url"
WEBHOOK_SECRET = "settings-webhook-secret-input"
WEBHOOK_ADD = "settings-webhook-add"
WEBHOOK_MESSAGE = "settings-webhook-message"
NO_ONE = {"subscriptions": N_("You have no subscriptions."), "webhooks": N_("No webhooks yet.")}


def layout(**_query):
    try:
        return _page()
    except queries.WarehouseError as error:
        return problem(_("The warehouse cannot be read"), str(error), back_href=None)
    except database.UnreachableError:
        return state_unreachable()


def _page():
    user = acting_user()
    if not alerts.may_subscribe(user):
        return problem(
            _("Settings are not for this screen"),
            _("Sign in as a person to choose your alerts."),
            back_href=None,
        )
    held = alerts.subscriptions(user)
    sections = [
        dbc.Col(card(_("Your subscriptions"), _subscriptions(held), class_name="settings-card"), lg=6),
        dbc.Col(card(_("Subscribe"), _subscribe_form(user), class_name="settings-card"), lg=6),
    ]
    email, own, on = alerts.owner_defaults(user)
    if email is not None:
        sections.append(
            dbc.Col(
                card(_("Your metrics' alerts"), _owner_defaults(email, own, on), class_name="settings-card"),
                lg=6,
            )
        )
    if alerts.may_manage_webhooks(user):
        sections.append(dbc.Col(card(_("Webhooks"), _webhooks(user), class_name="settings-card"), lg=6))
    return html.Div(
        [
            html.Div(
                html.Div(
                    [
                        html.H1(_("Settings")),
                        html.Div(_("Alerts for %(name)s", name=user.name), className="page-subtitle"),
                    ],
                    className="page-title",
                ),
                className="page-header",
            ),
            dbc.Row(sections, className="g-3"),
        ],
        id=ROOT,
        className="settings-page",
        **{"data-subscriptions": str(len(held))},
    )


def _options(held: list[dict]) -> list[dict]:
    return subscription_options(held, alerts.subject_names(), alerts.SUBJECTS, alerts.BATCHES)


def validation_extras() -> list:
    """The owner's card, which only owners see, for Dash to check its callback against."""
    return _owner_defaults("", [], set())


def _subscriptions(held: list[dict]) -> list:
    return [
        html.P(
            _(NO_ONE["subscriptions"]),
            id=NO_SUBSCRIPTIONS,
            hidden=bool(held),
            className="text-body-secondary",
        ),
        checklist(SUBSCRIPTIONS, _options(held), []),
        dbc.Button(
            [icon("bi-x-circle", "me-1"), _("End the ticked subscriptions")],
            id=END,
            size="sm",
            color="secondary",
            outline=True,
        ),
        html.Div(id=END_MESSAGE, **{"aria-live": "polite"}),
    ]


def _field(label: str, control, control_id: str) -> html.Div:
    return html.Div(
        [dbc.Label(label, html_for=control_id, class_name="form-label small mb-1"), control], className="mb-3"
    )


def _subscribe_form(user) -> list:
    subjects = [(key, _(text)) for key, text in alerts.SUBJECTS.items()]
    return [
        html.Div(
            [
                select(SUBJECT, alerts.field("subject"), subjects, "metric", class_name="flex-fill"),
                select(
                    TARGET,
                    alerts.field("subject_id"),
                    alerts.choices("metric"),
                    alerts.choices("metric")[0][0] if alerts.choices("metric") else None,
                    class_name="flex-fill",
                ),
            ],
            className="d-flex flex-wrap gap-2 mb-3",
        ),
        _field(
            alerts.field("batch"),
            dbc.RadioItems(
                id=BATCH,
                options=[{"label": _(text), "value": key} for key, text in alerts.BATCHES.items()],
                value="instant",
                inline=True,
            ),
            BATCH,
        ),
        _field(
            alerts.field("email"),
            dbc.Input(
                id=EMAIL,
                type="email",
                value=alerts.default_email(user),
                placeholder=_("name@example.com"),
                autocomplete="email",
                size="sm",
            ),
            EMAIL,
        ),
        dbc.Button([icon("bi-bell", "me-1"), _("Subscribe")], id=SUBSCRIBE, size="sm", color="primary"),
        html.Div(id=SUBSCRIBE_MESSAGE, **{"aria-live": "polite"}),
    ]


def _owner_defaults(email: str, own: list[tuple[str, str]], on: set[str]) -> list:
    options = [{"label": name, "value": metric_id} for metric_id, name in own]
    options.append({"label": _("The weekly digest"), "value": "digest"})
    return [
        html.P(
            _(
                "As their owner, you hear about these at %(email)s without subscribing. Untick one to stop.",
                email=email,
            ),
            className="small text-body-secondary text-break",
        ),
        checklist(OWNER_ALERTS, options, [o["value"] for o in options if o["value"] in on]),
        html.Div(id=OWNER_MESSAGE, **{"aria-live": "polite"}),
    ]


def _webhooks(user) -> list:
    hooks = alerts.webhooks(user)
    return [
        html.P(_(NO_ONE["webhooks"]), id=NO_WEBHOOKS, hidden=bool(hooks), className="text-body-secondary"),
        checklist(WEBHOOKS, webhook_options(hooks), []),
        dbc.Button(
            [icon("bi-trash", "me-1"), _("Remove the ticked webhooks")],
            id=WEBHOOK_REMOVE,
            size="sm",
            color="secondary",
            outline=True,
            class_name="mb-3",
        ),
        html.H3(_("Add a webhook"), className="h6"),
        _field(
            alerts.field("name"),
            dbc.Input(id=WEBHOOK_NAME, placeholder=_("Team channel"), size="sm"),
            WEBHOOK_NAME,
        ),
        _field(
            alerts.field("url"),
            dbc.Input(id=WEBHOOK_URL, type="url", placeholder="https://hooks.example.com/…", size="sm"),
            WEBHOOK_URL,
        ),
        _field(
            alerts.field("secret"),
            dbc.Input(
                id=WEBHOOK_SECRET,
                placeholder=_("Leave empty and Beacon makes one"),
                size="sm",
                autocomplete="off",
            ),
            WEBHOOK_SECRET,
        ),
        dbc.Button(
            [icon("bi-plus-lg", "me-1"), _("Add webhook")], id=WEBHOOK_ADD, size="sm", color="primary"
        ),
        html.Div(id=WEBHOOK_MESSAGE, **{"aria-live": "polite"}),
    ]


def _said(result: alerts.Result, body=None):
    """The outcome of a change in words, beside the button that made it."""
    if isinstance(result, alerts.Done):
        return message("success", body or result.message)
    if isinstance(result, alerts.Busy):
        return message("warning", result.message)
    return message("warning", result.reason if isinstance(result, alerts.Refused) else result.message)


@callback(
    Output(TARGET, "options"),
    Output(TARGET, "value"),
    Output(TARGET, "disabled"),
    Input(SUBJECT, "value"),
    prevent_initial_call=True,
)
def choose_subject(subject):
    """Which metric, touchpoint or segment: the catalogue's of the chosen kind (none for the digest)."""
    found = alerts.choices(subject)
    if not found:
        return [{"label": "—", "value": ""}], "", True
    return [{"label": name, "value": key} for key, name in found], found[0][0], False


@callback(
    Output(SUBSCRIPTIONS, "options"),
    Output(SUBSCRIPTIONS, "value"),
    Output(NO_SUBSCRIPTIONS, "hidden"),
    Output(SUBSCRIBE_MESSAGE, "children"),
    Output(END_MESSAGE, "children"),
    Output(EMAIL, "invalid"),
    Input(SUBSCRIBE, "n_clicks"),
    Input(END, "n_clicks"),
    State(EMAIL, "value"),
    State(SUBJECT, "value"),
    State(TARGET, "value"),
    State(BATCH, "value"),
    State(SUBSCRIPTIONS, "value"),
    prevent_initial_call=True,
)
def change_subscriptions(_subscribe, _end, email, subject, target, batch, ticked):
    """Subscribe, or end the ticked subscriptions; then the list as stored."""
    user = acting_user()
    if ctx.triggered_id == SUBSCRIBE:
        result = alerts.subscribe(user, email, subject, target, batch)
        said, ended = _said(result), ""
    else:
        result = alerts.end_subscriptions(user, ticked)
        said, ended = "", _said(result)
    invalid = isinstance(result, alerts.Invalid) and result.field == "email"
    if isinstance(result, alerts.Busy | alerts.Refused) or not alerts.may_subscribe(user):
        return no_update, no_update, no_update, said, ended, invalid
    held = alerts.subscriptions(user)
    return _options(held), [], bool(held), said, ended, invalid


@callback(Output(OWNER_MESSAGE, "children"), Input(OWNER_ALERTS, "value"), prevent_initial_call=True)
def change_owner_alerts(ticked):
    return _said(alerts.set_owner_alerts(acting_user(), ticked))


@callback(
    Output(WEBHOOKS, "options"),
    Output(WEBHOOKS, "value"),
    Output(NO_WEBHOOKS, "hidden"),
    Output(WEBHOOK_MESSAGE, "children"),
    Output(WEBHOOK_NAME, "invalid"),
    Output(WEBHOOK_URL, "invalid"),
    Output(WEBHOOK_SECRET, "invalid"),
    Output(WEBHOOK_SECRET, "value"),
    Input(WEBHOOK_ADD, "n_clicks"),
    Input(WEBHOOK_REMOVE, "n_clicks"),
    State(WEBHOOK_NAME, "value"),
    State(WEBHOOK_URL, "value"),
    State(WEBHOOK_SECRET, "value"),
    State(WEBHOOKS, "value"),
    prevent_initial_call=True,
)
def change_webhooks(_add, _remove, name, url, secret, ticked):
    """Add a webhook (its secret shown once, then cleared from the form) or remove the ticked ones."""
    user = acting_user()
    if ctx.triggered_id == WEBHOOK_ADD:
        result = alerts.add_webhook(user, name, url, secret)
    else:
        result = alerts.end_webhooks(user, ticked)
    field = result.field if isinstance(result, alerts.Invalid) else None
    invalid = [field == "name", field == "url", field == "secret"]
    if not isinstance(result, alerts.Done):
        return no_update, no_update, no_update, _said(result), *invalid, no_update
    said = _said(
        result,
        [html.P(result.message, className="mb-1"), secret_shown_once(result.secret)]
        if result.secret
        else None,
    )
    hooks = alerts.webhooks(user)
    return webhook_options(hooks), [], bool(hooks), said, *invalid, ""
