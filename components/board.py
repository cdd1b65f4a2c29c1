"""The accountability board: each owner with their metrics and commitments, and what needs attention.

Pure builders over queries.accountability.owner_board / metric_plans frames and the register.
"""

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components.attributes import commitment_attributes
from components.closed_loop import owner_loop
from components.icons import icon
from components.links import href
from components.status import STATUS_LABELS, status_word
from i18n import _, format_day_month, format_integer, ngettext

#: Commitment counts on an owner card: (column, the count in words in the language's plural form
#: (`num`: what stands for the count), tone when non-zero).
COUNTS = (
    ("open", lambda n, num: ngettext("%(num)s open", "%(num)s open", n, num=num), ""),
    ("overdue", lambda n, num: ngettext("%(num)s overdue", "%(num)s overdue", n, num=num), "count-bad"),
    (
        "done_on_time",
        lambda n, num: ngettext("%(num)s done on time", "%(num)s done on time", n, num=num),
        "count-good",
    ),
    (
        "done_late",
        lambda n, num: ngettext("%(num)s done late", "%(num)s done late", n, num=num),
        "count-warn",
    ),
)
#: Where the count goes in a count's words, so that it can be a span of its own.
_NUMBER = "\x00"


def _count_words(count: int, words) -> list:
    """'3 open' with the 3 in a span of its own (class "count"), wherever the language puts it."""
    before, after = words(count, _NUMBER).split(_NUMBER, 1)
    return [
        part for part in (before, html.Span(format_integer(count), className="count"), after) if part != ""
    ]


def metric_chip(metric_id: str, name: str, status: str, no_plan: bool, view_params: dict) -> html.A:
    """A metric's name with its status icon; "no plan" when off track with no open commitment."""
    status_icon, label = STATUS_LABELS[status][1], status_word(status)
    return html.A(
        [
            html.I(className=f"bi {status_icon} status-{status}", title=label, **{"aria-hidden": "true"}),
            html.Span(name),
            html.Span(f"({label.lower()})", className="visually-hidden"),
            html.Span(_("no plan"), className="no-plan-flag") if no_plan else None,
        ],
        href=href(f"/metric/{metric_id}", **view_params),
        className="metric-chip",
        **{
            "data-metric-id": metric_id,
            "data-status": status,
            "data-no-plan": "true" if no_plan else "false",
        },
    )


def owner_card(owner, metric_names: dict, view_params: dict, loop: dict | None = None) -> html.Div:
    """One owner (a row of owner_board) with their metrics' chips and commitment counts, and the
    closed-loop figures of their metrics' cases (`loop`, queries.closed_loop's row; None: none)."""
    no_plan = set(owner.no_plan_ids)
    counts = [
        html.Span(
            _count_words(int(getattr(owner, column)), forms),
            className=f"owner-count {tone if getattr(owner, column) else ''}",
            **{f"data-{column.replace('_', '-')}": str(getattr(owner, column))},
        )
        for column, forms, tone in COUNTS
    ]
    has_owner = owner.owner_id is not None and not pd.isna(owner.owner_id)
    heading = html.A(owner.name, href=f"/owner/{owner.owner_id}", dir="auto") if has_owner else owner.name
    needs_attention = bool(owner.no_plan_ids) or owner.overdue > 0 or not has_owner
    return html.Div(
        [
            html.Div(
                [
                    html.H2(heading, className="h6 mb-0"),
                    html.Div(owner.title, className="small text-body-secondary") if owner.title else None,
                ],
                className="owner-card-head",
            ),
            html.Div(
                [
                    metric_chip(metric_id, metric_names[metric_id], status, metric_id in no_plan, view_params)
                    for metric_id, status in zip(owner.metric_ids, owner.statuses, strict=True)
                ]
                or html.Span(_("No metrics owned"), className="text-body-secondary small"),
                className="metric-chips",
            ),
            html.Div(counts, className="owner-counts") if has_owner else None,
            owner_loop(loop) if has_owner else None,
        ],
        className=f"owner-card{' needs-attention' if needs_attention else ''}",
        **{"data-owner-id": owner.owner_id if has_owner else ""},
    )


def _partial_plans(count: int) -> str | None:
    """Open plans on a metric off track with no plan: each covers one touchpoint or segment only."""
    if not count:
        return None
    return " · " + ngettext(
        "%(num)s open plan covers only part of it", "%(num)s open plans cover only part of it", count
    )


def attention_list(
    plans: pd.DataFrame, overdue: pd.DataFrame, names: dict, view_params: dict, may_add: bool = True
) -> html.Div:
    """What needs attention first: metrics off track with no plan, overdue commitments, metrics
    without an owner; each with the link that fixes it (adding a commitment: for who `may_add`)."""
    no_plan = plans[plans["no_plan"]]
    unowned = plans[plans["owner_id"].isna()]
    sections = [
        (
            "no-plan",
            "bi-exclamation-octagon-fill",
            ngettext(
                "%(num)s off-track metric with no plan",
                "%(num)s off-track metrics with no plan",
                len(no_plan),
            ),
            [
                html.Li(
                    [
                        html.A(row.name, href=href(f"/metric/{row.metric_id}", **view_params), dir="auto"),
                        " · " + names["owner"].get(row.owner_id, _("no owner")),
                        _partial_plans(row.open_commitments),
                        *(
                            [
                                " · ",
                                html.A(
                                    _("Add a commitment"), href=href("/commitment/new", metric=row.metric_id)
                                ),
                            ]
                            if may_add
                            else []
                        ),
                    ],
                    **{"data-metric-id": row.metric_id},
                )
                for row in no_plan.itertuples(index=False)
            ],
        ),
        (
            "overdue",
            "bi-alarm-fill",
            ngettext("%(num)s overdue commitment", "%(num)s overdue commitments", len(overdue)),
            [
                html.Li(
                    [
                        html.A(row.title, href=f"/commitment/{row.commitment_id}", dir="auto"),
                        " · "
                        + _(
                            "%(owner)s · due %(day)s",
                            owner=names["owner"].get(row.owner_id, row.owner_id),
                            day=format_day_month(pd.Timestamp(row.due_on).date()),
                        ),
                    ],
                    **commitment_attributes(row),
                )
                for row in overdue.itertuples(index=False)
            ],
        ),
        (
            "unowned",
            "bi-person-x-fill",
            ngettext("%(num)s metric without an owner", "%(num)s metrics without an owner", len(unowned)),
            [
                html.Li(html.A(row.name, href=href(f"/metric/{row.metric_id}", **view_params), dir="auto"))
                for row in unowned.itertuples(index=False)
            ],
        ),
    ]
    return html.Div(
        [
            html.Div(
                [
                    html.H2([icon(section_icon, "me-2"), title], className="h6"),
                    html.Ul(items, className="attention-items") if items else None,
                ],
                className=f"attention attention-{key}{' is-clear' if not items else ''}",
                **{"data-attention": key, "data-count": str(len(items))},
            )
            for key, section_icon, title, items in sections
        ],
        className="attention-strip",
    )


def board_grid(
    board: pd.DataFrame, metric_names: dict, view_params: dict, loops: dict | None = None
) -> html.Div:
    """Owner cards, those that need attention first (then in board order); `loops`: owner_id → their
    closed-loop figures."""
    loops = loops or {}
    calm = board["no_plan_ids"].map(len).eq(0) & board["overdue"].eq(0) & board["owner_id"].notna()
    ordered = board.assign(calm=calm).sort_values("calm", kind="stable")
    return dbc.Row(
        [
            dbc.Col(
                owner_card(owner, metric_names, view_params, loops.get(owner.owner_id)), md=6, xl=4, xxl=3
            )
            for owner in ordered.itertuples(index=False)
        ],
        className="g-3 owner-grid",
    )


def no_plan_alert(no_plan: pd.DataFrame, metric_href, add_plan: bool) -> dbc.Alert | None:
    """The metrics of `no_plan` (off track with no open commitment), each linked to `metric_href(row)`;
    `add_plan` asks for a plan (for whoever may make one). None when there are none."""
    if no_plan.empty:
        return None
    return dbc.Alert(
        [
            icon("bi-exclamation-octagon-fill", "me-2"),
            _("Off track with no open commitment:") + " ",
            *[
                html.Span([html.A(row.name, href=metric_href(row)), " "])
                for row in no_plan.itertuples(index=False)
            ],
            _("— add a plan.") if add_plan else None,
        ],
        color="danger",
        className="no-plan-alert",
    )
