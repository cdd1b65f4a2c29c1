"""The case rules page's pieces: the rules table and the rule form, the routes table and the route form,
a touchpoint's root causes in their order with their buttons. Pure: records and names in, components
out; `editable` False draws the same tables without a button (for whoever only reads them).

Repeated row buttons carry pattern-matching ids ({"type": ..., "rule": id} and the like), so one
callback serves every row; each row carries data-rule-id / data-route-id / data-cause-id and
data-enabled.
"""

import dash_bootstrap_components as dbc
from dash import html

from components.commitments.form import form_value, options
from components.icons import icon
from components.ids import dom_id
from components.pieces import ALL
from data.state.cases import CAUSE_MAX, FIELD_LABELS
from i18n import N_, _, format_integer

PAGE = "case-rules"
#: The rule form's controls with a value and a message (the store's field names), and its ticks.
RULE_INPUTS = (
    "metric_id",
    "touchpoint_id",
    "segment_id",
    "score_min",
    "score_max",
    "contact_hours",
    "resolve_hours",
)
RULE_FLAGS = ("comment_required", "enabled")
#: A new rule in the form's "Rule" select (an empty value would show as blank).
NEW_RULE = "new"
#: The tables' headings, marked for translation (`_` where drawn; the English also keys RULE_WIDE_ONLY).
RULE_COLUMNS = (
    N_("Rule"),
    N_("Metric"),
    N_("Touchpoint"),
    N_("Segment"),
    N_("Score band"),
    N_("Comment required"),
    N_("First contact"),
    N_("Resolution"),
    N_("Enabled"),
)
ROUTE_COLUMNS = (N_("Route"), N_("Metric"), N_("Touchpoint"), N_("Segment"), N_("Goes to"))
#: Columns a phone leaves out of the rules table (the rule's number and its clocks are in its form).
RULE_WIDE_ONLY = {
    "Rule": "d-none d-md-table-cell",
    "First contact": "d-none d-lg-table-cell",
    "Resolution": "d-none d-lg-table-cell",
}
#: The page's words with named placeholders, marked for translation (`_` where shown).
WORDS = {
    "rule_label": N_("#%(rule)s %(scope)s · %(band)s"),
    "edit_rule": N_("Edit rule #%(rule)s"),
    "disable_rule": N_("Disable rule #%(rule)s"),
    "enable_rule": N_("Enable rule #%(rule)s"),
    "account": N_("%(name)s (account)"),
    "remove_route": N_("Remove route #%(route)s"),
    "cause_up": N_("Move “%(cause)s” up"),
    "cause_down": N_("Move “%(cause)s” down"),
    "cause_off": N_("Stop offering “%(cause)s”"),
    "cause_on": N_("Offer “%(cause)s” again"),
}
FIELD_HINTS = {"contact_hours": N_("Default 48"), "resolve_hours": N_("Default 168 (7 days)")}


def field_id(field: str) -> dict:
    return {"type": f"{PAGE}-rule-field", "field": field}


def flag_id(field: str) -> dict:
    return {"type": f"{PAGE}-rule-flag", "field": field}


def feedback_id(field: str) -> dict:
    return {"type": f"{PAGE}-rule-feedback", "field": field}


def rule_button_id(action: str, rule_id) -> dict:
    """A rule row's button: action "edit" or "toggle"."""
    return {"type": f"{PAGE}-rule-{action}", "rule": str(rule_id)}


def route_remove_id(route_id) -> dict:
    return {"type": f"{PAGE}-route-remove", "route": str(route_id)}


def cause_button_id(action: str, cause_id) -> dict:
    """A cause's button: action "up", "down" or "toggle"."""
    return {"type": f"{PAGE}-cause-action", "action": action, "cause": str(cause_id)}


def _name(names: dict, kind: str, key) -> str:
    return names[kind].get(key, key) if key else _("all")


def band(rule: dict) -> str:
    """A rule's score band as people write it: "0–6", or "7" for a band of one score."""
    low, high = f"{rule['score_min']:g}", f"{rule['score_max']:g}"
    return low if low == high else f"{low}–{high}"


def rule_label(rule: dict, names: dict) -> str:
    """A rule in the form's select: "#3 Net promoter score · Website · all · 0–4"."""
    scope = " · ".join(_name(names, kind, rule[f"{kind}_id"]) for kind in ("metric", "touchpoint", "segment"))
    return _(WORDS["rule_label"], rule=rule["rule_id"], scope=scope, band=band(rule))


def enabled_badge(enabled: bool) -> html.Span:
    """On or off in words and icon, never colour alone."""
    if enabled:
        return html.Span(
            [icon("bi-check-circle-fill", "me-1"), _("Enabled")], className="badge text-bg-success"
        )
    return html.Span([icon("bi-pause-circle", "me-1"), _("Disabled")], className="badge text-bg-secondary")


def _small_button(text: str, glyph: str, button_id: dict, label: str) -> html.Button:
    """A row's button: a plain html.Button (dbc.Button takes no aria-label, which an icon alone needs),
    `label` its tooltip and accessible name."""
    return html.Button(
        [icon(glyph, "me-1" if text else ""), text],
        id=button_id,
        type="button",
        className="btn btn-sm btn-outline-secondary text-nowrap",
        title=label,
        **{"aria-label": label},
    )


def _table(headings, wide_only: dict, rows: list, class_name: str) -> html.Div:
    return html.Div(
        dbc.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th(_(h) if h else h, scope="col", className=wide_only.get(h) or None)
                            for h in headings
                        ]
                    )
                ),
                html.Tbody(rows),
            ],
            size="sm",
            hover=True,
            class_name=f"{class_name} align-middle mb-0",
        ),
        className="table-responsive",
    )


def rules_table(rules: list[dict], names: dict, editable: bool) -> html.Div:
    """Every rule: its metric, touchpoint and segment (or "all"), band, whether a comment is needed,
    the hours to first contact and to resolution, on or off; with Edit and Disable/Enable for admins."""
    if not rules:
        return html.P(
            _("No rules yet: no answer becomes a case."),
            className="text-body-secondary mb-0",
            id=f"{PAGE}-no-rules",
        )
    rows = []
    for rule in rules:
        cells = [
            html.Td(f"#{rule['rule_id']}", className=RULE_WIDE_ONLY["Rule"]),
            html.Td(_name(names, "metric", rule["metric_id"])),
            html.Td(_name(names, "touchpoint", rule["touchpoint_id"])),
            html.Td(_name(names, "segment", rule["segment_id"])),
            html.Td(band(rule), className="number text-nowrap"),
            html.Td(_("Yes") if rule["comment_required"] else _("No")),
            html.Td(
                _("%(hours)s h", hours=format_integer(rule["contact_hours"])),
                className=f"number text-nowrap {RULE_WIDE_ONLY['First contact']}",
            ),
            html.Td(
                _("%(hours)s h", hours=format_integer(rule["resolve_hours"])),
                className=f"number text-nowrap {RULE_WIDE_ONLY['Resolution']}",
            ),
            html.Td(enabled_badge(rule["enabled"])),
        ]
        if editable:
            number = rule["rule_id"]
            cells.append(
                html.Td(
                    html.Div(
                        [
                            _small_button(
                                _("Edit"),
                                "bi-pencil",
                                rule_button_id("edit", number),
                                _(WORDS["edit_rule"], rule=number),
                            ),
                            _small_button(
                                _("Disable") if rule["enabled"] else _("Enable"),
                                "bi-pause-circle" if rule["enabled"] else "bi-play-circle",
                                rule_button_id("toggle", number),
                                _(
                                    WORDS["disable_rule"] if rule["enabled"] else WORDS["enable_rule"],
                                    rule=number,
                                ),
                            ),
                        ],
                        className="d-flex gap-1 justify-content-end",
                    )
                )
            )
        rows.append(
            html.Tr(
                cells,
                **{
                    "data-rule-id": str(rule["rule_id"]),
                    "data-enabled": "true" if rule["enabled"] else "false",
                },
            )
        )
    headings = RULE_COLUMNS + (("",) if editable else ())
    return _table(headings, RULE_WIDE_ONLY, rows, "case-rules-table")


def _label(field: str, control_id) -> dbc.Label:
    return dbc.Label(
        _(FIELD_LABELS[field]),
        html_for=dom_id(control_id) if isinstance(control_id, dict) else control_id,
        class_name="form-label small mb-1",
    )


def rule_form(
    values: dict, errors: dict, choices: dict, rule_choices: list[tuple[str, str]], chosen_rule: str
) -> html.Div:
    """The rule form: which rule (a new one, or one to change, pre-filled), then every field with its
    message beside it; `values` as typed or stored, `errors` field → message."""

    def field(name: str, control, width: int, hint: str | None = None) -> dbc.Col:
        return dbc.Col(
            [
                _label(name, field_id(name)),
                control,
                dbc.FormFeedback(errors.get(name, ""), id=feedback_id(name), type="invalid"),
                dbc.FormText(_(hint), class_name="small") if hint else None,
            ],
            xs=12,
            sm=6,
            lg=width,
            className="mb-2",
        )

    def select(name: str, choice_list, everything: str | None = None):
        value = form_value(values.get(name)) or (ALL if everything else "")
        return dbc.Select(
            id=field_id(name),
            options=options(choice_list, _(everything), ALL)
            if everything
            else options(choice_list, _("Choose…")),
            value=value,
            size="sm",
            invalid=name in errors,
        )

    def number(name: str, placeholder: str = ""):
        return dbc.Input(
            id=field_id(name),
            value=form_value(values.get(name)),
            inputMode="decimal",
            placeholder=placeholder or None,
            size="sm",
            invalid=name in errors,
        )

    return html.Div(
        [
            html.Div(
                [
                    dbc.Label(_("Rule"), html_for=f"{PAGE}-rule-choice", class_name="form-label small mb-1"),
                    dbc.Select(
                        id=f"{PAGE}-rule-choice", options=options(rule_choices), value=chosen_rule, size="sm"
                    ),
                    dbc.FormText(
                        _("Choose a rule to change it here, or a new rule to add one."), class_name="small"
                    ),
                ],
                className="mb-3 rule-choice",
            ),
            dbc.Row(
                [
                    field("metric_id", select("metric_id", choices["metric"].items()), 4),
                    field(
                        "touchpoint_id",
                        select("touchpoint_id", choices["touchpoint"].items(), N_("All touchpoints")),
                        4,
                    ),
                    field(
                        "segment_id", select("segment_id", choices["segment"].items(), N_("All customers")), 4
                    ),
                    field("score_min", number("score_min", "0"), 3),
                    field("score_max", number("score_max", "6"), 3),
                    field("contact_hours", number("contact_hours", "48"), 3, FIELD_HINTS["contact_hours"]),
                    field("resolve_hours", number("resolve_hours", "168"), 3, FIELD_HINTS["resolve_hours"]),
                ],
                className="g-2",
            ),
            html.Div(
                [
                    dbc.Checkbox(
                        id=flag_id(flag),
                        label=_(FIELD_LABELS[flag]),
                        value=bool(values.get(flag, flag == "enabled")),
                    )
                    for flag in RULE_FLAGS
                ],
                className="d-flex flex-wrap gap-3 my-2",
            ),
        ],
        className="rule-form",
    )


def routes_table(routes: list[dict], names: dict, editable: bool) -> html.Div:
    """Every route: (metric, touchpoint, segment) → an owner or an account, with Remove for admins."""
    if not routes:
        return html.P(
            _("No routes yet: every case goes to its metric's owner."),
            className="text-body-secondary mb-0",
            id=f"{PAGE}-no-routes",
        )
    rows = []
    for route in routes:
        kind, who = route["assignee_kind"], route["assignee_id"]
        goes_to = (
            names["owner"].get(who, who)
            if kind == "owner"
            else _(WORDS["account"], name=names["account"].get(who, who))
        )
        cells = [
            html.Td(f"#{route['route_id']}", className="d-none d-md-table-cell"),
            html.Td(_name(names, "metric", route["metric_id"])),
            html.Td(_name(names, "touchpoint", route["touchpoint_id"])),
            html.Td(_name(names, "segment", route["segment_id"])),
            html.Td([icon("bi-arrow-right", "me-1 text-body-secondary"), goes_to]),
        ]
        if editable:
            cells.append(
                html.Td(
                    _small_button(
                        _("Remove"),
                        "bi-trash",
                        route_remove_id(route["route_id"]),
                        _(WORDS["remove_route"], route=route["route_id"]),
                    ),
                    className="text-end",
                )
            )
        rows.append(
            html.Tr(cells, **{"data-route-id": str(route["route_id"]), "data-assignee-id": f"{kind}:{who}"})
        )
    headings = ROUTE_COLUMNS + (("",) if editable else ())
    return _table(headings, {"Route": "d-none d-md-table-cell"}, rows, "case-routes-table")


def route_form(
    ids: dict, choices: dict, assignees: list[tuple[str, str]], values: dict | None = None
) -> dbc.Row:
    """Metric, touchpoint, segment → who: `ids` names each control ("metric_id", "touchpoint_id",
    "segment_id", "assignee")."""
    values = values or {}

    def col(name: str, label: str, choice_list, everything: str | None = None) -> dbc.Col:
        return dbc.Col(
            [
                dbc.Label(label, html_for=ids[name], class_name="form-label small mb-1"),
                dbc.Select(
                    id=ids[name],
                    options=options(choice_list, _(everything), ALL)
                    if everything
                    else options(choice_list, _("Choose…")),
                    value=values.get(name) or (ALL if everything else ""),
                    size="sm",
                ),
                dbc.FormFeedback("", id=f"{ids[name]}-feedback", type="invalid"),
            ],
            xs=12,
            sm=6,
            lg=3,
            className="mb-2",
        )

    return dbc.Row(
        [
            col("metric_id", _(FIELD_LABELS["metric_id"]), choices["metric"].items()),
            col(
                "touchpoint_id",
                _(FIELD_LABELS["touchpoint_id"]),
                choices["touchpoint"].items(),
                N_("All touchpoints"),
            ),
            col("segment_id", _(FIELD_LABELS["segment_id"]), choices["segment"].items(), N_("All customers")),
            col("assignee", _("Goes to"), assignees),
        ],
        className="g-2",
    )


def cause_list(causes: list[dict], editable: bool) -> html.Div:
    """A touchpoint's causes in the order cases offer them; a disabled one says so (cases that name it
    keep it). Admins move each up or down and disable or enable it."""
    if not causes:
        return html.P(
            _("No root causes for this touchpoint yet."),
            className="text-body-secondary mb-0",
            id=f"{PAGE}-no-causes",
        )
    items = []
    last = len(causes) - 1
    for place, cause in enumerate(causes):
        enabled, number = bool(cause["enabled"]), cause["cause_id"]
        text = html.Span(
            [
                cause["cause"],
                None
                if enabled
                else html.Span(
                    [icon("bi-pause-circle", "me-1"), _("Not offered")],
                    className="badge text-bg-secondary ms-2",
                ),
            ],
            className="cause-text text-break" + ("" if enabled else " text-body-secondary"),
            dir="auto",
        )
        buttons = (
            html.Div(
                [
                    _small_button(
                        "",
                        "bi-arrow-up",
                        cause_button_id("up", number),
                        _(WORDS["cause_up"], cause=cause["cause"]),
                    )
                    if place > 0
                    else None,
                    _small_button(
                        "",
                        "bi-arrow-down",
                        cause_button_id("down", number),
                        _(WORDS["cause_down"], cause=cause["cause"]),
                    )
                    if place < last
                    else None,
                    _small_button(
                        _("Disable") if enabled else _("Enable"),
                        "bi-pause-circle" if enabled else "bi-play-circle",
                        cause_button_id("toggle", number),
                        _(WORDS["cause_off"] if enabled else WORDS["cause_on"], cause=cause["cause"]),
                    ),
                ],
                className="d-flex gap-1 ms-auto flex-shrink-0 cause-buttons",
            )
            if editable
            else None
        )
        items.append(
            html.Li(
                [html.Span(f"{place + 1}.", className="cause-place text-body-secondary me-2"), text, buttons],
                className="list-group-item d-flex align-items-center gap-2 px-2",
                **{
                    "data-cause-id": str(number),
                    "data-enabled": "true" if enabled else "false",
                    "data-place": str(place + 1),
                },
            )
        )
    return html.Ol(items, className="list-group list-group-flush cause-list")


def cause_input(input_id: str, value: str = "") -> html.Div:
    return html.Div(
        [
            dbc.Label(_(FIELD_LABELS["root_cause"]), html_for=input_id, class_name="form-label small mb-1"),
            dbc.Input(
                id=input_id,
                value=value,
                maxLength=CAUSE_MAX * 2,
                placeholder=_("Billing error"),
                size="sm",
            ),
            dbc.FormFeedback("", id=f"{input_id}-feedback", type="invalid"),
        ],
        className="flex-fill",
    )


def read_only_note() -> dbc.Alert:
    return dbc.Alert(
        [icon("bi-eye", "me-1"), _("You read these rules: only admins change them.")],
        color="secondary",
        class_name="py-2 small read-only-note",
    )
