"""`/case/<case_id>` — one follow-up case: the answer (score, the comment, the other answers of the same
response), the respondent's reference in the source system, its clocks, its timeline, and what can be
done next (contact, resolve with an outcome, reopen with a note, a root cause, a note, reassign to an
owner or an account with a note; the new assignee hears of it as of a new case).

Every action goes through views.cases.act, which checks on the server that this user may act on this
case (its assignee, its metric's owner, an admin) and the version they saw: a stale one is refused with
the other person's changes, nothing is overwritten.
"""

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

import queries
from components.cases import (
    NO_CAUSE,
    action_forms,
    answer_card,
    conflict_text,
    facts_list,
    said,
    status_badge,
    timeline,
)
from components.dates import format_day
from components.feedback import problem
from components.pieces import breadcrumb, card
from data.state import cases as store
from data.state import commitments, database
from i18n import N_, _
from views import cases
from views.context import state_unreachable
from views.users import acting_user

dash.register_page(
    __name__, path_template="/case/<case_id>", title=lambda **_query: _("Follow-up case · Beacon")
)

ROOT = "case-root"
SEEN = "case-seen"  # the case id and the version this page shows
ACTION = "case-action"
CONTROLS = {
    "note": "case-note",
    "outcome": "case-outcome",
    "cause": "case-cause",
    "cause_note": "case-cause-note",
    "assignee": "case-assignee",
    "reassign_note": "case-reassign-note",
    "action": ACTION,
}
MESSAGE = "case-message"
BODY = "case-body"


def layout(case_id: str | None = None, **_query):
    try:
        return _page(case_id)
    except queries.WarehouseError as error:
        return problem(_("The warehouse cannot be read"), str(error), back_href=None)
    except database.UnreachableError:
        return state_unreachable()


def validation_extras() -> list:
    """The page's frame and every action's controls (a case's status decides which are drawn), for
    Dash's callback check: the check draws no case."""
    return [
        dcc.Store(id=SEEN),
        html.Div(id=MESSAGE),
        html.Div(id=BODY),
        action_forms({"status": "new", "root_cause": None, "assignee_id": None}, [], CONTROLS),
        action_forms({"status": "resolved", "root_cause": None, "assignee_id": None}, [], CONTROLS),
    ]


def _page(case_id: str | None):
    user = acting_user()
    if not cases.may_see(user):
        return problem(
            _("This case is not shown here"),
            _("Cases hold customers' own words: sign in as someone who may read comments."),
            back_href="/",
            back_label=_("Back to the scorecard"),
        )
    found = store.get(int(case_id)) if case_id and case_id.isdigit() else None
    if found is None:
        return problem(
            _("No such case"),
            _("There is no follow-up case “%(case)s”.", case=case_id),
            back_href="/cases",
            back_label=_("Show every case"),
        )
    return html.Div(
        [
            dcc.Store(id=SEEN, data={"case_id": found["case_id"], "version": found["version"]}),
            html.Div(id=MESSAGE, **{"aria-live": "polite"}),
            html.Div(_body(found, user), id=BODY),
        ],
        id=ROOT,
        className="case-page",
        **{"data-case-id": str(found["case_id"])},
    )


#: What the "Saved" line says each action did, whole sentences marked for translation.
ACTION_WORDS = {
    "contact": N_("Saved: the case is marked contacted."),
    "resolve": N_("Saved: the case is resolved."),
    "reopen": N_("Saved: the case is reopened."),
    "set_cause": N_("Saved: its root cause is saved."),
    "note": N_("Saved: your note is added."),
    "reassign": N_("Saved: the case is reassigned."),
}


def _body(found: dict, user) -> html.Div:
    names, now = cases.labels(), commitments.current_time()
    assignee = cases.assignee_name(found["assignee_kind"], found["assignee_id"], names)
    metric = names["metric"].get(found["metric_id"], found["metric_id"])
    refusal = cases.refusal(user, found)
    causes = [c["cause"] for c in store.causes(found["touchpoint_id"])]
    act = (
        action_forms(found, causes, CONTROLS, cases.assignee_choices(names))
        if refusal is None
        else html.P(
            _("You read this case: only the case's assignee, its metric's owner or an admin acts on a case."),
            className="text-body-secondary mb-0",
        )
    )
    # The case as this body draws it, for whoever reads the page (tests, screen readers' tools).
    late = cases.late_for(found["status"], found["contact_due_at"], found["resolve_due_at"], now)
    shown = {
        "data-status": found["status"],
        "data-version": str(found["version"]),
        "data-assignee-id": cases.assignee_key(found["assignee_kind"], found["assignee_id"]),
        "data-overdue": "true" if late else "false",
        "data-late": late,
        "data-response-id": found["response_id"],
        "data-metric-id": found["metric_id"],
        "data-commitment-id": "" if found["commitment_id"] is None else str(found["commitment_id"]),
    }
    commitment_title = (
        names["commitment"].get(str(found["commitment_id"])) if found["commitment_id"] is not None else None
    )
    return html.Div([
        breadcrumb([(_("Follow-up cases"), "/cases"), (_("Case #%(case)s", case=found["case_id"]), None)]),
        html.Div(
            [
                html.Div([html.H1([_("Case #%(case)s", case=found["case_id"]) + " ", status_badge(found["status"], "fs-6 align-middle")]), html.Div(_("%(metric)s · answered %(day)s", metric=metric, day=format_day(found["responded_at"])), className="page-subtitle")], className="page-title"),
            ],
            className="page-header",
        ),
        dbc.Row(
            [
                dbc.Col([card(_("The answer"), answer_card(cases.answers(found), found, names)), card(_("The case"), facts_list(found, names, assignee, late, commitment_title), class_name="mt-3")], lg=7),
                dbc.Col([card(_("What next"), act), card(_("Timeline"), timeline(store.history(found["case_id"]), cases.assignee_names(names)), class_name="mt-3")], lg=5),
            ],
            className="g-3",
        ),
    ], className="case-body", **shown)  # fmt: skip


@callback(
    Output(MESSAGE, "children"),
    Output(BODY, "children"),
    Output(SEEN, "data"),
    Input({"type": ACTION, "action": ALL}, "n_clicks"),
    State(SEEN, "data"),
    State(CONTROLS["note"], "value"),
    State(CONTROLS["outcome"], "value"),
    State(CONTROLS["cause"], "value"),
    State(CONTROLS["cause_note"], "value"),
    State(CONTROLS["assignee"], "value"),
    State(CONTROLS["reassign_note"], "value"),
    prevent_initial_call=True,
)
def take_action(clicks, seen, note, outcome, cause, cause_note, assignee, reassign_note):
    """Do the clicked action on the version this page shows; then the case as it is now."""
    if not any(clicks) or not isinstance(ctx.triggered_id, dict):
        raise PreventUpdate
    action = ctx.triggered_id["action"]
    fields = {"note": note or ""}
    if action == "resolve":
        fields["outcome"] = outcome
    if action == "set_cause":
        chosen_cause = None if cause in (None, NO_CAUSE) else cause
        fields = {"root_cause": chosen_cause, "cause_note": cause_note or "", "note": ""}
    if action == "reassign":
        fields = {"assignee": assignee or "", "note": reassign_note or ""}
    user = acting_user()
    result = cases.act(user, seen["case_id"], seen["version"], action, fields)
    if isinstance(result, cases.Saved):
        found = store.get(seen["case_id"])
        done = said("success", _(ACTION_WORDS[action]))
        return done, _body(found, user), {"case_id": found["case_id"], "version": found["version"]}
    if isinstance(result, cases.Conflict):
        found = store.get(seen["case_id"])
        return (
            said("warning", conflict_text(result.changes)),
            _body(found, user),
            {"case_id": found["case_id"], "version": found["version"]},
        )
    text = result.reason if isinstance(result, cases.Refused) else result.message
    return said("warning", text), dash.no_update, dash.no_update
