"""`/cases/rules` — which answers become follow-up cases (rules), who gets them (routes), and each
touchpoint's root causes in the order a case offers them.

Admins add and change rules (in place from a row's Edit, or by choosing one in the form), disable and
enable them; add and remove routes; add, move, disable and enable causes. Everyone else who is signed
in reads the same tables without a button; a display never sees the page. Every callback asks
views.case_rules, which checks on the server that the user is an admin, whatever the page showed.
"""

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, html, no_update
from dash.exceptions import PreventUpdate

import queries
from components.alerts import message
from components.case_rules import (
    NEW_RULE,
    cause_input,
    cause_list,
    read_only_note,
    route_form,
    routes_table,
    rule_form,
    rule_label,
    rules_table,
)
from components.commitments.form import form_value
from components.feedback import problem
from components.icons import icon
from components.pieces import breadcrumb, card, select
from data.state import cases as store
from data.state import database
from i18n import N_, _
from views import case_rules
from views.case_rules import Saved
from views.context import state_unreachable
from views.results import Busy, Invalid, Refused
from views.users import acting_user

dash.register_page(__name__, path="/cases/rules", title=lambda **_query: _("Case rules · Beacon"))

ROOT = "case-rules-root"
RULES = "case-rules-rules"  # the rules table's box
RULE_CHOICE = "case-rules-rule-choice"  # the form's "Rule" select (components.case_rules draws it)
RULE_HEADING = "case-rules-rule-heading"
RULE_SAVE = "case-rules-rule-save"
RULE_MESSAGE = "case-rules-rule-message"
ROUTES = "case-rules-routes"
ROUTE_CONTROLS = {
    "metric_id": "case-rules-route-metric",
    "touchpoint_id": "case-rules-route-touchpoint",
    "segment_id": "case-rules-route-segment",
    "assignee": "case-rules-route-assignee",
}
ROUTE_SAVE = "case-rules-route-save"
ROUTE_MESSAGE = "case-rules-route-message"
CAUSE_TOUCHPOINT = "case-rules-cause-touchpoint"
CAUSES = "case-rules-causes"
CAUSE_INPUT = "case-rules-cause-input"
CAUSE_ADD = "case-rules-cause-add"
CAUSE_MESSAGE = "case-rules-cause-message"
#: The page's own sentences with named placeholders, marked for translation (`_` where shown).
WORDS = {"not_saved": N_("Not saved: %(why)s"), "change_rule": N_("Change rule #%(rule)s")}
#: What a new rule's form starts as.
NEW_VALUES = {"contact_hours": store.CONTACT_HOURS, "resolve_hours": store.RESOLVE_HOURS, "enabled": True}


def layout(**_query):
    try:
        return _page()
    except queries.WarehouseError as error:
        return problem(_("The warehouse cannot be read"), str(error), back_href=None)
    except database.UnreachableError:
        return state_unreachable()


def _rule_choices(rules: list[dict], names: dict) -> list[tuple[str, str]]:
    return [(NEW_RULE, _("A new rule")), *((str(r["rule_id"]), rule_label(r, names)) for r in rules)]


def _page():
    user = acting_user()
    if not case_rules.may_read(user):
        return problem(
            _("Case rules are not shown here"),
            _("Sign in as a person to read which answers become follow-up cases."),
            back_href="/",
            back_label=_("Back to the scorecard"),
        )
    editable, names = case_rules.may_change(user), case_rules.names()
    rules, routes = case_rules.rules(), case_rules.routes()
    touchpoints = list(names["touchpoint"].items())
    first = touchpoints[0][0] if touchpoints else None
    body = [
        _rules_card(rules, names, editable),
        dbc.Row(
            [
                dbc.Col(_routes_card(routes, names, editable), lg=7),
                dbc.Col(_causes_card(touchpoints, first, editable), lg=5),
            ],
            className="g-3 mt-0",
        ),
    ]
    return html.Div(
        [
            breadcrumb([(_("Follow-up cases"), "/cases"), (_("Case rules"), None)]),
            html.Div(
                html.Div(
                    [
                        html.H1(_("Case rules")),
                        html.Div(
                            _(
                                "Which answers become follow-up cases, who gets them, and each touchpoint's root causes"
                            ),
                            className="page-subtitle",
                        ),
                    ],
                    className="page-title",
                ),
                className="page-header",
            ),
            None if editable else read_only_note(),
            *body,
        ],
        id=ROOT,
        className="case-rules-page",
        **{"data-editable": "true" if editable else "false"},
    )


def validation_extras() -> list:
    """A row of each table with its buttons and a cause list with its buttons, for Dash's callback
    check (the tables may be empty where it draws them)."""
    names = {kind: {} for kind in ("metric", "touchpoint", "segment", "owner", "account")}
    sample_rule = {
        "rule_id": 0, "metric_id": "m", "touchpoint_id": None, "segment_id": None, "score_min": 0.0,
        "score_max": 1.0, "comment_required": False, "contact_hours": 48, "resolve_hours": 168, "enabled": True,
    }  # fmt: skip
    sample_route = {"route_id": 0, "metric_id": "m", "touchpoint_id": None, "segment_id": None}
    causes = [{"cause_id": n, "cause": "c", "enabled": True} for n in (0, 1, 2)]
    return [
        rules_table([sample_rule], names, editable=True),
        routes_table([{**sample_route, "assignee_kind": "owner", "assignee_id": "o"}], names, editable=True),
        cause_list(causes, editable=True),
    ]


# --- the cards ------------------------------------------------------------------------------------


def _rules_card(rules: list[dict], names: dict, editable: bool):
    parts = [html.Div(rules_table(rules, names, editable), id=RULES)]
    if editable:
        parts += [
            html.H3(_("Add a rule"), id=RULE_HEADING, className="h6 mt-4 mb-2"),
            rule_form(NEW_VALUES, {}, names, _rule_choices(rules, names), NEW_RULE),
            dbc.Button(
                [icon("bi-check2", "me-1"), _("Save the rule")], id=RULE_SAVE, size="sm", color="primary"
            ),
            html.Div(id=RULE_MESSAGE, **{"aria-live": "polite"}),
        ]
    return card(_("Rules"), parts, class_name="case-rules-card")


def _routes_card(routes: list[dict], names: dict, editable: bool):
    parts = [
        html.P(
            _(
                "The most specific route that fits an answer wins; an answer no route fits goes to its metric's owner."
            ),
            className="small text-body-secondary",
        ),
        html.Div(routes_table(routes, names, editable), id=ROUTES),
    ]
    if editable:
        parts += [
            html.H3(_("Add or change a route"), className="h6 mt-4 mb-2"),
            route_form(ROUTE_CONTROLS, names, case_rules.assignee_choices(names)),
            html.P(
                _("A route for the same metric, touchpoint and segment is replaced."),
                className="small text-body-secondary mb-2",
            ),
            dbc.Button(
                [icon("bi-signpost-split", "me-1"), _("Save the route")],
                id=ROUTE_SAVE,
                size="sm",
                color="primary",
            ),
            html.Div(id=ROUTE_MESSAGE, **{"aria-live": "polite"}),
        ]
    return card(_("Routes"), parts, class_name="case-routes-card")


def _causes_card(touchpoints: list[tuple[str, str]], first: str | None, editable: bool):
    parts = [
        select(CAUSE_TOUCHPOINT, _("Touchpoint"), touchpoints, first, class_name="mb-2"),
        html.Div(cause_list(case_rules.causes(first), editable), id=CAUSES),
    ]
    if editable:
        parts += [
            html.Div(
                [
                    cause_input(CAUSE_INPUT),
                    dbc.Button(
                        [icon("bi-plus-lg", "me-1"), _("Add")],
                        id=CAUSE_ADD,
                        size="sm",
                        color="primary",
                        class_name="align-self-end",
                    ),
                ],
                className="d-flex gap-2 mt-3 align-items-start cause-add",
            ),
            html.Div(id=CAUSE_MESSAGE, **{"aria-live": "polite"}),
        ]
    return card(_("Root causes"), parts, class_name="case-causes-card")


# --- what a change says ---------------------------------------------------------------------------


def _said(result) -> dbc.Alert:
    match result:
        case Saved(text):
            return message("success", text)
        case Invalid(_field, text):
            return message("warning", _(WORDS["not_saved"], why=text))
        case Refused(reason):
            return message("danger", reason)
        case Busy():
            return message("warning", result.message)
    raise TypeError(result)


def _clicked() -> bool:
    """Whether a real click fired the callback: a row's button drawn anew fires it with no clicks."""
    return bool(ctx.triggered and ctx.triggered[0]["value"])


def _field_errors(result, fields) -> tuple[list[bool], list[str]]:
    field = result.field if isinstance(result, Invalid) else None
    text = result.message if isinstance(result, Invalid) else ""
    return [name == field for name in fields], [text if name == field else "" for name in fields]


# --- rules ----------------------------------------------------------------------------------------


@callback(
    Output({"type": "case-rules-rule-field", "field": ALL}, "value"),
    Output({"type": "case-rules-rule-flag", "field": ALL}, "value"),
    Output({"type": "case-rules-rule-field", "field": ALL}, "invalid", allow_duplicate=True),
    Output({"type": "case-rules-rule-feedback", "field": ALL}, "children", allow_duplicate=True),
    Output(RULE_HEADING, "children"),
    Input(RULE_CHOICE, "value"),
    prevent_initial_call=True,
)
def fill_rule(choice):
    """The form pre-filled with the chosen rule as stored (or a new rule's defaults)."""
    if not case_rules.may_read(acting_user()):
        raise PreventUpdate
    inputs = [item["id"]["field"] for item in ctx.outputs_list[0]]
    flags = [item["id"]["field"] for item in ctx.outputs_list[1]]
    found = None if choice == NEW_RULE else case_rules.rule(choice)
    values = found or NEW_VALUES
    typed = [form_value(values.get(name)) for name in inputs]
    typed = [
        value or ("all" if name in ("touchpoint_id", "segment_id") else "")
        for name, value in zip(inputs, typed, strict=True)
    ]
    heading = _(WORDS["change_rule"], rule=found["rule_id"]) if found else _("Add a rule")
    return (
        typed,
        [bool(values.get(name, False)) for name in flags],
        [False] * len(inputs),
        [""] * len(inputs),
        heading,
    )


@callback(
    Output(RULE_CHOICE, "value", allow_duplicate=True),
    Input({"type": "case-rules-rule-edit", "rule": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def edit_rule(_clicks):
    """A row's Edit chooses its rule in the form, which fills it."""
    if not _clicked() or not isinstance(ctx.triggered_id, dict):
        raise PreventUpdate
    return ctx.triggered_id["rule"]


@callback(
    Output(RULES, "children"),
    Output(RULE_MESSAGE, "children"),
    Output({"type": "case-rules-rule-field", "field": ALL}, "invalid"),
    Output({"type": "case-rules-rule-feedback", "field": ALL}, "children"),
    Output(RULE_CHOICE, "options"),
    Output(RULE_CHOICE, "value", allow_duplicate=True),
    Input(RULE_SAVE, "n_clicks"),
    Input({"type": "case-rules-rule-toggle", "rule": ALL}, "n_clicks"),
    State(RULE_CHOICE, "value"),
    State({"type": "case-rules-rule-field", "field": ALL}, "value"),
    State({"type": "case-rules-rule-flag", "field": ALL}, "value"),
    running=[(Output(RULE_SAVE, "disabled"), True, False)],  # a double click saves once
    prevent_initial_call=True,
)
def change_rules(_save, _toggles, choice, typed, ticked):
    """Save the form as a new rule or over the chosen one, or disable/enable a row's rule; then the
    table as stored. On any problem the form keeps what was typed, the wrong field marked."""
    if not _clicked():
        raise PreventUpdate
    user = acting_user()
    inputs = [item["id"]["field"] for item in ctx.states_list[1]]
    flags = [item["id"]["field"] for item in ctx.states_list[2]]
    chosen_next = no_update
    if ctx.triggered_id == RULE_SAVE:
        values = {**dict(zip(inputs, typed, strict=True)), **dict(zip(flags, ticked, strict=True))}
        rule_id = None if choice in (None, NEW_RULE) else choice
        result = case_rules.save_rule(user, rule_id, values)
        if isinstance(result, Saved):
            chosen_next = str(result.subject_id)
    else:
        rule_id = ctx.triggered_id["rule"]
        found = case_rules.rule(rule_id)
        result = case_rules.enable_rule(user, rule_id, not (found or {}).get("enabled", True))
    invalid, feedback = _field_errors(result, inputs)
    if not isinstance(result, Saved):
        return no_update, _said(result), invalid, feedback, no_update, no_update
    names, rules = case_rules.names(), case_rules.rules()
    table = rules_table(rules, names, case_rules.may_change(user))
    choices = [{"label": text, "value": key} for key, text in _rule_choices(rules, names)]
    return table, _said(result), invalid, feedback, choices, chosen_next


# --- routes ---------------------------------------------------------------------------------------


@callback(
    Output(ROUTES, "children"),
    Output(ROUTE_MESSAGE, "children"),
    *(Output(control, "invalid") for control in ROUTE_CONTROLS.values()),
    *(Output(f"{control}-feedback", "children") for control in ROUTE_CONTROLS.values()),
    Input(ROUTE_SAVE, "n_clicks"),
    Input({"type": "case-rules-route-remove", "route": ALL}, "n_clicks"),
    *(State(control, "value") for control in ROUTE_CONTROLS.values()),
    running=[(Output(ROUTE_SAVE, "disabled"), True, False)],
    prevent_initial_call=True,
)
def change_routes(_save, _removes, *chosen):
    """Save the route the form says, or remove a row's route; then the table as stored."""
    if not _clicked():
        raise PreventUpdate
    user = acting_user()
    if ctx.triggered_id == ROUTE_SAVE:
        result = case_rules.set_route(user, dict(zip(ROUTE_CONTROLS, chosen, strict=True)))
    else:
        result = case_rules.remove_route(user, ctx.triggered_id["route"])
    invalid, feedback = _field_errors(result, ROUTE_CONTROLS)
    if not isinstance(result, Saved):
        return no_update, _said(result), *invalid, *feedback
    table = routes_table(case_rules.routes(), case_rules.names(), case_rules.may_change(user))
    return table, _said(result), *invalid, *feedback


# --- root causes ----------------------------------------------------------------------------------


@callback(Output(CAUSES, "children"), Input(CAUSE_TOUCHPOINT, "value"), prevent_initial_call=True)
def show_causes(touchpoint_id):
    """The chosen touchpoint's causes in their order (with their buttons for an admin)."""
    user = acting_user()
    if not case_rules.may_read(user):
        raise PreventUpdate
    return cause_list(case_rules.causes(touchpoint_id), case_rules.may_change(user))


@callback(
    Output(CAUSES, "children", allow_duplicate=True),
    Output(CAUSE_MESSAGE, "children"),
    Output(CAUSE_INPUT, "invalid"),
    Output(f"{CAUSE_INPUT}-feedback", "children"),
    Output(CAUSE_INPUT, "value"),
    Input(CAUSE_ADD, "n_clicks"),
    Input({"type": "case-rules-cause-action", "action": ALL, "cause": ALL}, "n_clicks"),
    State(CAUSE_TOUCHPOINT, "value"),
    State(CAUSE_INPUT, "value"),
    prevent_initial_call=True,
)
def change_causes(_add, _actions, touchpoint_id, typed):
    """Add a cause to the chosen touchpoint, move one up or down, disable or enable one; then its list
    as stored. A refused cause stays in the box as typed."""
    if not _clicked():
        raise PreventUpdate
    user = acting_user()
    if ctx.triggered_id == CAUSE_ADD:
        result = case_rules.add_cause(user, touchpoint_id, typed)
    else:
        action, cause_id = ctx.triggered_id["action"], ctx.triggered_id["cause"]
        if action == "toggle":
            found = next(
                (c for c in case_rules.causes(touchpoint_id) if str(c["cause_id"]) == cause_id), None
            )
            result = case_rules.enable_cause(user, cause_id, not (found or {}).get("enabled", True))
        else:
            result = case_rules.move_cause(user, cause_id, -1 if action == "up" else 1)
    wrong = isinstance(result, Invalid) and result.field in ("root_cause", "touchpoint_id")
    feedback = result.message if wrong else ""
    if not isinstance(result, Saved):
        return no_update, _said(result), wrong, feedback, no_update
    cleared = "" if ctx.triggered_id == CAUSE_ADD else no_update
    return (
        cause_list(case_rules.causes(touchpoint_id), case_rules.may_change(user)),
        _said(result),
        False,
        "",
        cleared,
    )
