"""Closing the loop: the figures of queries.closed_loop (one row as a dict) as a page's card, a line
on an owner's card (components/wall.py draws its slide from these pieces). Pure builders; counts and the causes' list names only.

Every figure says its n; a figure without cases behind it is "—" with the reason.
"""

import math

from dash import html

from components.format import NO_NUMBER, format_count
from components.icons import icon
from i18n import _, format_decimal, format_percent, ngettext

#: Causes a card lists; the rest are counted.
CAUSES_SHOWN = 5


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_share(share) -> str:
    return NO_NUMBER if _missing(share) else format_percent(share, 0)


def format_hours(hours) -> str:
    """'19.5 h' under 100 hours, '130 h' above: a time to first contact."""
    if _missing(hours):
        return NO_NUMBER
    return _("%(number)s h", number=format_decimal(hours, 1 if hours < 100 else 0))


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
        return _("no first contact due yet (n = 0)")
    return _(
        "%(on_time)s of n = %(due)s due · 95%%\u00a0CI %(low)s to %(high)s",
        on_time=format_count(figures["on_time"]),
        due=format_count(due),
        low=format_share(figures["low"]),
        high=format_share(figures["high"]),
    )


def median_detail(figures: dict) -> str:
    contacted = figures["contacted"]
    return (
        _("n = %(n)s contacted", n=format_count(contacted)) if contacted else _("none contacted yet (n = 0)")
    )


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
            [icon("bi-link-45deg", "me-1"), _("All of them are linked to a commitment")],
            className="loop-sprint text-body-secondary",
        )
    return html.Div(
        html.A(
            [
                icon("bi-lightning-charge", "me-1"),
                ngettext(
                    "Start a redesign sprint from this %(num)s case",
                    "Start a redesign sprint from these %(num)s cases",
                    count,
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
        return [html.P(_("— no root cause chosen yet"), className="loop-empty mb-0")]
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
        html.P(ngettext("and %(num)s more cause", "and %(num)s more causes", more), className="loop-more")
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
                _("— no follow-up cases from answers in %(period)s (n = 0).", period=period_label),
                className="text-body-secondary mb-0",
            ),
            className="closed-loop",
            **loop_attributes(figures),
        )
    return html.Div(
        [
            html.P(
                ngettext(
                    "%(num)s case from answers in %(period)s",
                    "%(num)s cases from answers in %(period)s",
                    n,
                    period=period_label,
                ),
                className="small mb-2 loop-n",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            _figure(
                                _("Contacted on time"),
                                format_share(figures["share"]),
                                on_time_detail(figures),
                                "on-time",
                            ),
                            _figure(
                                _("Median to first contact"),
                                format_hours(figures["median_hours"]),
                                median_detail(figures),
                                "median",
                            ),
                            _figure(
                                _("Open now"),
                                format_count(figures["backlog"]),
                                _(
                                    "%(overdue)s overdue · of n = %(n)s",
                                    overdue=format_count(figures["overdue"]),
                                    n=format_count(n),
                                ),
                                "backlog",
                            ),
                        ],
                        className="loop-figures",
                    ),
                    html.Div(
                        [
                            html.H3(_("Root causes"), className="loop-heading"),
                            *cause_list(figures["causes"], CAUSES_SHOWN, sprints=sprints),
                            html.A(
                                _("Open the cases"), href=cases_href, className="small d-inline-block mt-1"
                            )
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
            [icon("bi-telephone", "me-1"), _("Cases: — none in this period")],
            className="owner-loop small text-body-secondary",
            **{"data-n": "0"},
        )
    share = format_share(figures["share"])
    return html.Div(
        [
            icon("bi-telephone", "me-1"),
            html.Span(ngettext("%(num)s case", "%(num)s cases", figures["n"])),
            " · ",
            html.Span(
                _("%(share)s contacted on time (n = %(due)s)", share=share, due=format_count(figures["due"]))
                if figures["due"]
                else _("no contact due yet")
            ),
            " · ",
            html.Span(
                _(
                    "%(open)s open, %(overdue)s overdue",
                    open=format_count(figures["backlog"]),
                    overdue=format_count(figures["overdue"]),
                ),
                className="count-bad" if figures["overdue"] else None,
            ),
        ],
        className="owner-loop small",
        **loop_attributes(figures),
    )
