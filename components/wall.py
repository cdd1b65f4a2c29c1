"""The wall screen: a frame (clock, "as of", banners, rotation progress) around slides built from the
scorecard's, journey's, commitments' and closed loop's own builders. Pure builders: frames in, components out.

Sizes are left to CSS (assets/wall.css, `.wall-root`): the wall sets the root font size from the
viewport, so every builder's rem-based styles scale, and 1080p and 4K screens look the same.
"""

from datetime import date

import pandas as pd
from dash import html

from components.closed_loop import cause_list, format_hours, format_share, loop_attributes
from components.commitments.register import commitment_list
from components.dates import format_day
from components.format import format_count
from components.icons import icon
from components.journey import REAL_CHANGES_ONLY, journey_map, mover_list
from components.tiles import scorecard_tiles, tile_grid
from components.verbatims import verbatim_list
from data.state.commitments import OPEN_STATUSES
from i18n import N_, _, ngettext

#: Items each list on the commitments slide shows; the rest are counted.
COMMITMENTS_SHOWN = 4
#: Root causes the cases slide lists.
CAUSES_SHOWN = 5


def _no_link(_row) -> None:
    return None


def wall_slide(index: int, slide_id: str, title: str, subtitle: str, body) -> html.Section:
    """One slide of the deck: its own heading, then the body. `slide_id` ("scorecard",
    "touchpoint:web") names it for tests and for the rotation's step titles."""
    return html.Section(
        [
            html.Header(
                [html.H1(title, className="wall-title"), html.Div(subtitle, className="wall-subtitle")],
                className="wall-slide-head",
            ),
            html.Div(body, className="wall-slide-body"),
        ],
        className="wall-slide",
        style={"--index": index},
        **{"data-slide": slide_id, "data-slide-index": str(index), "aria-label": title},
    )


def scorecard_body(card: pd.DataFrame, history: pd.DataFrame, comparison_label: str, statuses) -> list:
    """The scorecard's summary strip and tiles, without links or buttons: nobody touches a wall."""
    return scorecard_tiles(card, history, statuses, _no_link, comparison_label)


def touchpoint_body(
    card: pd.DataFrame, history: pd.DataFrame, comparison_label: str, voice: dict | None
) -> list:
    """A touchpoint's tiles, and when `voice` is given ({"metric": name, "comments": frame,
    "touchpoint_names", "segment_names", "bands"}) its latest comments beneath."""
    parts = [tile_grid(card, history, _no_link, comparison_label)]
    if voice is not None and len(voice["comments"]):
        parts.append(
            html.Section(
                [
                    html.H2(
                        _("Latest comments on %(metric)s", metric=voice["metric"]),
                        className="wall-section-title",
                    ),
                    verbatim_list(
                        voice["comments"], voice["touchpoint_names"], voice["segment_names"], voice["bands"]
                    ),
                ],
                className="wall-comments",
            )
        )
    return parts


def journey_body(touchpoints: pd.DataFrame, by_touchpoint: pd.DataFrame, metric_id: str) -> html.Div:
    return journey_map(touchpoints, by_touchpoint, metric_id, {}, compact=True)


def _metric_name(row) -> str:
    return row.name


def movers_body(kpi_movers: tuple, cell_movers: tuple, cells_named, metric_name: str) -> list:
    """Real changes, improved beside worsened: the KPIs company-wide (`kpi_movers`, as
    queries.real_changes gives them) then one metric's touchpoint × segment cells (queries.movers),
    each cell named by `cells_named(row)`."""
    columns = []
    for index, (title, glyph, tone) in enumerate(
        (
            (N_("Improved"), "bi-arrow-up-right", "improved"),
            (N_("Worsened"), "bi-arrow-down-right", "worsened"),
        )
    ):
        columns.append(
            html.Section(
                [
                    html.H2(
                        [icon(glyph), _(title)],
                        className="wall-section-title",
                    ),
                    mover_list(_("KPIs"), kpi_movers[index], _metric_name, _no_link, "wall-list-title"),
                    mover_list(
                        _("%(metric)s by touchpoint × segment", metric=metric_name),
                        cell_movers[index],
                        cells_named,
                        _no_link,
                        "wall-list-title",
                    ),
                ],
                className=f"wall-movers-column movers-{tone}",
            )
        )
    return [
        html.Div(columns, className="wall-movers movers"),
        html.P(
            _(REAL_CHANGES_ONLY),
            className="wall-footnote",
        ),
    ]


def _commitment_column(title: str, glyph: str, frame: pd.DataFrame, names, effects, today, empty: str):
    shown = frame.head(COMMITMENTS_SHOWN)
    more = len(frame) - len(shown)
    return html.Section(
        [
            html.H2(
                [
                    icon(glyph),
                    f"{title} ",
                    html.Span(format_count(len(frame))),
                ],
                className="wall-section-title",
            ),
            commitment_list(shown, names, effects, today)
            if len(shown)
            else html.P(empty, className="wall-empty"),
            html.P(ngettext("and %(num)s more", "and %(num)s more", more), className="wall-more")
            if more
            else None,
        ],
        className="wall-commitment-column",
        **{"data-count": str(len(frame))},
    )


def commitments_body(register: pd.DataFrame, names: dict, effects: dict, today: date, period) -> html.Div:
    """Overdue, due next, and done in the period (with whether each moved its metric), each a short list
    with its count. `register` comes from data.state.commitments.register; `period` is the view's."""
    open_ones = register[register["status"].isin(OPEN_STATUSES)].sort_values("due_on")
    completed = pd.to_datetime(register["completed_on"])
    done = register[
        register["status"].eq("done")
        & completed.ge(pd.Timestamp(period.start))
        & completed.le(pd.Timestamp(period.end))
    ].sort_values("completed_on", ascending=False)
    return html.Div(
        [
            _commitment_column(
                _("Overdue"),
                "bi-alarm-fill",
                open_ones[open_ones["overdue"]],
                names,
                effects,
                today,
                _("Nothing overdue."),
            ),
            _commitment_column(
                _("Due next"),
                "bi-calendar-event",
                open_ones[~open_ones["overdue"]],
                names,
                effects,
                today,
                _("Nothing open."),
            ),
            _commitment_column(
                _("Done in %(period)s", period=period.label),
                "bi-check-circle-fill",
                done,
                names,
                effects,
                today,
                _("Nothing finished yet in this period."),
            ),
        ],
        className="wall-commitments",
    )


def cases_body(figures: dict, period_label: str) -> html.Div:
    """The wall's cases slide: backlog, overdue, share contacted on time and median time to first
    contact in big numbers, and the top causes by their list names. Counts only, never text."""
    n = figures["n"]
    if not n:
        return html.Div(
            html.P(
                _("No follow-up cases from answers in %(period)s.", period=period_label),
                className="wall-empty",
            ),
            className="wall-cases",
            **loop_attributes(figures),
        )
    big = [
        (
            _("Open now"),
            format_count(figures["backlog"]),
            ngettext("of %(num)s case", "of %(num)s cases", n),
            "backlog",
        ),
        (
            _("Overdue"),
            format_count(figures["overdue"]),
            _("past a due time"),
            "overdue",
        ),
        (
            _("Contacted on time"),
            format_share(figures["share"]),
            _(
                "%(on_time)s of %(due)s due",
                on_time=format_count(figures["on_time"]),
                due=format_count(figures["due"]),
            )
            if figures["due"]
            else _("no contact due yet"),
            "on-time",
        ),
        (
            _("To first contact"),
            format_hours(figures["median_hours"]),
            _("median of %(count)s", count=format_count(figures["contacted"]))
            if figures["contacted"]
            else _("none contacted yet"),
            "median",
        ),
    ]
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(label, className="wall-loop-label"),
                            html.Div(value, className="wall-loop-value"),
                            html.Div(detail, className="wall-loop-detail"),
                        ],
                        className=f"wall-loop-figure loop-{key}"
                        + (" is-bad" if key == "overdue" and figures["overdue"] else ""),
                        **{"data-figure": key},
                    )
                    for label, value, detail, key in big
                ],
                className="wall-loop-figures",
            ),
            html.Section(
                [
                    html.H2(_("Top root causes"), className="wall-section-title"),
                    *cause_list(figures["causes"], CAUSES_SHOWN, "loop-causes wall-loop-causes"),
                ],
                className="wall-loop-causes-section",
            ),
        ],
        className="wall-cases",
        **loop_attributes(figures),
    )


def progress_steps(titles: list[str]) -> list:
    """One step per slide; CSS fills them from the rotation's position (see assets/wall.js)."""
    return [
        html.Span(
            html.Span(className="wall-step-fill"),
            className="wall-step",
            style={"--index": index},
            title=title,
        )
        for index, title in enumerate(titles)
    ]


def as_of_text(as_of: date) -> str:
    return _("Data as of %(day)s", day=format_day(as_of))


def stale_banner(as_of: date, today: date, stale_days: int):
    """A warning when the latest data is older than the expected cadence (`stale_days`); else None."""
    age = (today - as_of).days
    if age <= stale_days:
        return None
    ago = ngettext("%(num)s day ago", "%(num)s days ago", age)
    if stale_days <= 1:
        text = _(
            "The latest data is from %(day)s, %(ago)s; new data is expected every day.",
            day=format_day(as_of),
            ago=ago,
        )
    else:
        text = ngettext(
            "The latest data is from %(day)s, %(ago)s; new data is expected at least every %(num)s day.",
            "The latest data is from %(day)s, %(ago)s; new data is expected at least every %(num)s days.",
            stale_days,
            day=format_day(as_of),
            ago=ago,
        )
    return html.Div(
        [
            icon("bi-hourglass-bottom"),
            html.Strong(_("Stale data")),
            html.Span(text),
        ],
        className="wall-banner wall-banner-stale",
        role="alert",
        **{"data-banner": "stale"},
    )


def data_problem_banner(message: str) -> html.Div:
    """The data could not be refreshed: say why, while the last good data stays on screen."""
    return html.Div(
        [
            icon("bi-exclamation-octagon-fill"),
            html.Strong(_("Cannot refresh")),
            html.Span(_("%(problem)s The figures on screen are the last good ones.", problem=message)),
        ],
        className="wall-banner wall-banner-problem",
        role="alert",
        **{"data-banner": "problem"},
    )
