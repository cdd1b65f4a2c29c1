"""Closing the loop: the figures of queries.closed_loop (one row as a dict) as a page's card, a line
on an owner's card (components/wall.py draws its slide from these pieces). Pure builders; counts and the causes' list names only.

Every figure says its n; a figure without cases behind it is "—" with the reason.
"""

import math

from dash import html

from components.format import NO_NUMBER, format_count
from components.icons import icon

#: Causes a card lists; the rest are counted.
CAUSES_SHOWN = 5


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_share(share) -> str:
    return NO_NUMBER if _missing(share) else f"{share:.0f}%"


def format_hours(hours) -> str:
    """'19.5 h' under 100 hours, '130 h' above: a time to first contact."""
    if _missing(hours):
        return NO_NUMBER
    return f"{hours:.1f} h" if hours < 100 else f"{hours:,.0f} h".replace(",", "\u202f")


def _plural(count: int, one: str, many: str) -> str:
    return (one if count == 1 else many) % {"count": format_count(count)}


def loop_attributes(figures: dict) -> dict:
    """The figures raw, for tests and scripts (empty where there is no number)."""

    def raw(value) -> str:
        if _missing(value):
            return ""
        return f"{value:.4f}" if isinstance(value, float) else str(value)

    return {
        "data-n": raw(figures["n"]),
        "data-due": raw(figures["due"]),
        "data-on-time": raw(figures["on_time"]),
        "data-share": raw(figures["share"]),
        "data-low": raw(figures["low"]),
        "data-high": raw(figures["high"]),
        "data-contacted": raw(figures["contacted"]),
        "data-median-hours": raw(figures["median_hours"]),
        "data-backlog": raw(figures["backlog"]),
        "data-overdue": raw(figures["overdue"]),
    }


def on_time_detail(figures: dict) -> str:
    """'3 of n = 4 due · 95% CI 30% to 95%', or why there is no share."""
    due = figures["due"]
    if not due:
        return "no first contact due yet (n = 0)"
    return (
        f"{format_count(figures['on_time'])} of n = {format_count(due)} due · 95%\u00a0CI "
        f"{format_share(figures['low'])} to {format_share(figures['high'])}"
    )


def median_detail(figures: dict) -> str:
    contacted = figures["contacted"]
    return f"n = {format_count(contacted)} contacted" if contacted else "none contacted yet (n = 0)"


def _figure(label: str, value: str, detail: str, key: str) -> html.Div:
    return html.Div(
        [
            html.Div(label, className="loop-label"),
            html.Div(value, className="loop-value"),
            html.Div(detail, className="loop-detail"),
        ],
        className="loop-figure",
        **{"data-figure": key},
    )


def sprint_link(start: tuple[str | None, int] | None) -> html.Div | None:
    """Under a cause: the link that starts a redesign sprint from its cases not linked to a commitment
    yet (`start`: its address and their count), or that every one of them is linked already."""
    if start is None:
        return None
    address, count = start
    if not count:
        return html.Div(
            [icon("bi-link-45deg", "me-1"), "All of them are linked to a commitment"],
            className="loop-sprint text-body-secondary",
        )
    return html.Div(
        html.A(
            [
                icon("bi-lightning-charge", "me-1"),
                _plural(
                    count,
                    "Start a redesign sprint from this %(count)s case",
                    "Start a redesign sprint from these %(count)s cases",
                ),
            ],
            href=address,
            className="loop-sprint-link",
            **{"data-count": str(count)},
        ),
        className="loop-sprint",
    )


def cause_list(
    causes: list, shown: int, class_name: str = "loop-causes", sprints: dict | None = None
) -> list:
    """The causes ranked, most cases first, the first `shown` of them, and how many more; with
    `sprints` (cause → (address, cases not linked yet), for who may start a commitment), under each
    cause the link that starts a redesign sprint from its cases."""
    if not causes:
        return [html.P("— no root cause chosen yet", className="loop-empty mb-0")]
    more = len(causes) - shown
    return [
        html.Ol(
            [
                html.Li(
                    [
                        html.Span(cause, className="loop-cause", dir="auto"),
                        html.Span(format_count(count), className="loop-cause-count"),
                        sprint_link(sprints.get(cause)) if sprints else None,
                    ],
                    **{"data-cause": cause, "data-count": str(count)},
                )
                for cause, count in causes[:shown]
            ],
            className=class_name,
        ),
        html.P(_plural(more, "and %(count)s more cause", "and %(count)s more causes"), className="loop-more")
        if more > 0
        else None,
    ]


def loop_card(
    figures: dict, period_label: str, cases_href: str | None = None, sprints: dict | None = None
) -> html.Div:
    """A page's "Closing the loop": share contacted on time, median time to first contact, backlog,
    root causes, each with its n; "—" with the reason when the view has no cases. `sprints`: as
    `cause_list`'s (a touchpoint's, for who may start a commitment)."""
    n = figures["n"]
    if not n:
        return html.Div(
            html.P(
                f"— no follow-up cases from answers in {period_label} (n = 0).",
                className="text-body-secondary mb-0",
            ),
            className="closed-loop",
            **loop_attributes(figures),
        )
    return html.Div(
        [
            html.P(
                _plural(n, "%(count)s case from answers in ", "%(count)s cases from answers in ")
                + period_label,
                className="small mb-2 loop-n",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            _figure(
                                "Contacted on time",
                                format_share(figures["share"]),
                                on_time_detail(figures),
                                "on-time",
                            ),
                            _figure(
                                "Median to first contact",
                                format_hours(figures["median_hours"]),
                                median_detail(figures),
                                "median",
                            ),
                            _figure(
                                "Open now",
                                format_count(figures["backlog"]),
                                f"{format_count(figures['overdue'])} overdue · of n = {format_count(n)}",
                                "backlog",
                            ),
                        ],
                        className="loop-figures",
                    ),
                    html.Div(
                        [
                            html.H3("Root causes", className="loop-heading"),
                            *cause_list(figures["causes"], CAUSES_SHOWN, sprints=sprints),
                            html.A("Open the cases", href=cases_href, className="small d-inline-block mt-1")
                            if cases_href
                            else None,
                        ],
                        className="loop-causes-block",
                    ),
                ],
                className="loop-body",
            ),
        ],
        className="closed-loop",
        **loop_attributes(figures),
    )


def owner_loop(figures: dict | None) -> html.Div:
    """One line on an owner's board card: their metrics' cases in the view."""
    if not figures or not figures["n"]:
        return html.Div(
            [icon("bi-telephone", "me-1"), "Cases: — none in this period"],
            className="owner-loop small text-body-secondary",
            **{"data-n": "0"},
        )
    share = format_share(figures["share"])
    return html.Div(
        [
            icon("bi-telephone", "me-1"),
            html.Span(_plural(figures["n"], "%(count)s case", "%(count)s cases")),
            " · ",
            html.Span(
                f"{share} contacted on time (n = {format_count(figures['due'])})"
                if figures["due"]
                else "no contact due yet"
            ),
            " · ",
            html.Span(
                f"{format_count(figures['backlog'])} open, {format_count(figures['overdue'])} overdue",
                className="count-bad" if figures["overdue"] else None,
            ),
        ],
        className="owner-loop small",
        **loop_attributes(figures),
    )
