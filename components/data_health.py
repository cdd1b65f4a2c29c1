"""Data health and the metric catalogue: how fresh each metric's data is, what the warehouse holds,
which snapshot is live, and the formal statement of what every metric measures.

Pure builders over queries.health frames and records and a KPI frame (queries.scorecard); no I/O.
"""

from datetime import date, datetime
from pathlib import Path

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

import i18n
from components.attributes import raw
from components.dates import days_text, format_day
from components.definition import formula, score_text
from components.format import UNIT_WORDS, format_count, format_target
from components.icons import icon
from components.links import href
from components.tiles import summary_strip
from i18n import N_, _, ngettext
from queries.cadence import GRACE_DAYS
from queries.health import FRESHNESS, Publish, SnapshotFile, SnapshotInfo

# The module's words are English, marked with N_, and translated with `_` where they are shown.

#: Word, Bootstrap icon and the status colour each freshness is drawn in (colour, icon and word).
FRESHNESS_LABELS = {
    "fresh": (N_("Fresh"), "bi-check-circle-fill", "on_track"),
    "late": (N_("Late"), "bi-clock-history", "at_risk"),
    "no_data": (N_("No data"), "bi-slash-circle", "no_data"),
}

#: Each metric kind in words.
KIND_WORDS = {
    "nps": N_("Net promoter score"),
    "top2box": N_("Top-2-box share"),
    "mean": N_("Mean score"),
    "ratio": N_("Ratio"),
}

#: What each table of the warehouse holds, in the users' words.
TABLE_WORDS = {
    "owners": N_("people who own metrics"),
    "touchpoints": N_("where customers meet us"),
    "segments": N_("customer groups"),
    "metrics": N_("metric definitions"),
    "targets": N_("targets by period"),
    "annotations": N_("notes on trends"),
    "responses": N_("survey answers"),
    "measurements": N_("operational counts"),
    "daily_rollup": N_("derived daily sums"),
}
#: Which part of the warehouse a table is (queries/row_counts.sql's `part`), in words.
PART_WORDS = {"catalogue": N_("catalogue"), "facts": N_("facts"), "derived": N_("derived")}


def _moment(at: datetime) -> html.Time:
    """A moment as the language writes its day and its clock ('3 Nov 2026 14:05')."""
    return html.Time(f"{i18n.format_day(at)} {i18n.format_time(at)}", dateTime=at.isoformat())


def _around_moment(text: str, at: datetime) -> list:
    """A translated sentence whose %(time)s placeholder (filled with a marker) becomes the moment's
    <time> element, wherever the language puts it: the sentence stays whole for its translator."""
    before, _marker, after = text.partition("\x00")
    return [part for part in (before, _moment(at), after) if part != ""]


def health_header(as_of: date | None, info: SnapshotInfo) -> html.Div:
    """The page's title, and the data date and the live snapshot's time (no period: this page is about
    the data itself)."""
    if info.current is not None:
        published = _around_moment(_("snapshot published %(time)s", time="\x00"), info.current.published_at)
    else:
        published = _around_moment(_("snapshot file written %(time)s", time="\x00"), info.live.modified)
    data_date = _("data as of %(day)s", day=format_day(as_of)) if as_of else _("no data loaded yet")
    return html.Div(
        html.Div(
            [
                html.H1(_("Data")),
                html.Div(
                    _(
                        "How fresh each metric's data is, what the warehouse holds, and what every metric means"
                    ),
                    className="page-subtitle",
                ),
                html.Div([f"{data_date} · ", *published], className="as-of"),
            ],
            className="page-title",
        ),
        className="page-header",
    )


# --- freshness -----------------------------------------------------------------------------------------


def freshness_badge(freshness: str) -> html.Span:
    label, icon_name, colour = FRESHNESS_LABELS[freshness]
    return html.Span([icon(icon_name), _(label)], className=f"status-badge freshness-badge status-{colour}")


#: Each cadence in words (queries.cadence.CADENCES).
CADENCE_WORDS = {
    "daily": N_("Daily"),
    "weekly": N_("Weekly"),
    "monthly": N_("Monthly"),
    "quarterly": N_("Quarterly"),
}
_CADENCE_SOURCES = {
    "declared": N_("as the catalogue declares it"),
    "inferred": N_("from its data (the catalogue declares none)"),
    "assumed": N_("assumed: too little data to tell"),
}


def cadence_label(cadence: str, source: str = "declared") -> html.Span:
    """'Quarterly', 'Daily (assumed)' when there is too little data to tell; where it comes from in
    the tooltip."""
    name = _(CADENCE_WORDS[cadence])
    word = _("%(name)s (assumed)", name=name) if source == "assumed" else name
    return html.Span(word, title=_(", ").join([name, _(_CADENCE_SOURCES[source])]), className="text-nowrap")


def _grace(cadence: str, days: int) -> str:
    """'1 day for daily data': the grace a cadence's results have to arrive."""
    if cadence == "daily":
        return ngettext("%(num)s day for daily data", "%(num)s days for daily data", days)
    if cadence == "weekly":
        return ngettext("%(num)s day for weekly data", "%(num)s days for weekly data", days)
    if cadence == "monthly":
        return ngettext("%(num)s day for monthly data", "%(num)s days for monthly data", days)
    return ngettext("%(num)s day for quarterly data", "%(num)s days for quarterly data", days)


def freshness_rule(today: date) -> str:
    """The rule the table applies, in words, for under it."""
    return _(
        "A metric's cadence is what the catalogue declares, else the calendar period (day, week, month "
        "or quarter) its data come in, from its own data; with too little data, daily is assumed. "
        "A metric is late when, today (%(day)s), the period after its latest data ended, "
        "plus a grace for its results to arrive, with nothing newer: %(grace)s.",
        day=format_day(today),
        grace=_(", ").join(_grace(cadence, days) for cadence, days in GRACE_DAYS.items()),
    )


def freshness_summary(frame: pd.DataFrame) -> html.Div:
    """How many metrics are late, have no data, or are fresh (worst first); none-counts left out."""
    return summary_strip(
        frame["freshness"],
        FRESHNESS,
        freshness_badge,
        lambda word: _(FRESHNESS_LABELS[word][0]),
        lambda word: FRESHNESS_LABELS[word][2],
        "data-freshness",
        lambda count: ngettext("%(num)s metric", "%(num)s metrics", count),
    )


def freshness_table(frame: pd.DataFrame) -> html.Table:
    """One row per metric (queries.health.data_freshness): latest data day, cadence, age on today's
    date, when it would count as late, and its freshness in colour, icon and word."""
    columns = [N_("Latest data"), N_("Cadence"), N_("Age"), N_("Late after"), N_("Freshness")]
    header = html.Thead(
        html.Tr(
            [html.Th(_("Metric"), scope="col")]
            + [html.Th(_(c), scope="col", className="" if c == "Freshness" else "number") for c in columns]
        )
    )
    rows = []
    for row in frame.itertuples(index=False):
        has_data = row.latest_day is not None and not pd.isna(row.latest_day)
        rows.append(
            html.Tr(
                [
                    html.Th(html.A(row.name, href=href(f"/metric/{row.metric_id}")), scope="row"),
                    html.Td(format_day(row.latest_day), className="number"),
                    html.Td(cadence_label(row.cadence, row.cadence_source)),
                    html.Td(days_text(int(row.age_days)) if has_data else "—", className="number"),
                    html.Td(days_text(int(row.late_after_days)) if has_data else "—", className="number"),
                    html.Td(freshness_badge(row.freshness)),
                ],
                className="freshness-row",
                **{
                    "data-metric-id": row.metric_id,
                    "data-freshness": row.freshness,
                    "data-latest-day": row.latest_day.isoformat() if has_data else "",
                    "data-cadence": row.cadence,
                    "data-age-days": raw(row.age_days) if has_data else "",
                },
            )
        )
    return html.Table(
        [header, html.Tbody(rows)],
        className="table table-sm table-hover align-middle kpi-table freshness-table mb-2",
    )


# --- row counts ----------------------------------------------------------------------------------------


def _part(part: str) -> str:
    return _(PART_WORDS[part]) if part in PART_WORDS else part


def row_count_grid(counts: pd.DataFrame) -> dbc.Row:
    """Rows per table (queries.health.row_counts), three to a line: the catalogue, then the facts and
    the derived rollup; each names what it holds."""
    cells = [
        dbc.Col(
            html.Div(
                [
                    html.Div(format_count(row.row_count), className="fs-5 fw-bold lh-sm"),
                    html.Code(row.table_name, className="small"),
                    html.Div(
                        _(TABLE_WORDS[row.table_name]) if row.table_name in TABLE_WORDS else _part(row.part),
                        className="small text-body-secondary",
                    ),
                ],
                className="border rounded-3 px-2 py-1 h-100 row-count",
                title=_("%(name)s: %(part)s", name=row.table_name, part=_part(row.part)),
                **{"data-table": row.table_name, "data-rows": str(int(row.row_count)), "data-part": row.part},
            ),
            xs=6,
            sm=4,
        )
        for row in counts.itertuples(index=False)
    ]
    return dbc.Row(cells, className="g-2 row-counts")


# --- snapshot ------------------------------------------------------------------------------------------


def _size(size_bytes: int) -> str:
    megabytes = size_bytes / 1_000_000
    if megabytes >= 0.1:
        return _("%(number)s MB", number=i18n.format_decimal(megabytes, 1))
    return ngettext("%(num)s byte", "%(num)s bytes", size_bytes)


def _publish_line(publish: Publish) -> list:
    published = _(
        "Published %(time)s by %(source)s (%(mode)s)", time="\x00", source=publish.source, mode=publish.mode
    )
    return [
        html.Div(_around_moment(published, publish.published_at)),
        html.Div(
            " · ".join(
                [
                    ngettext("%(num)s row added", "%(num)s rows added", int(publish.rows_added)),
                    ngettext(
                        "%(num)s duplicate skipped",
                        "%(num)s duplicates skipped",
                        int(publish.duplicates_skipped),
                    ),
                ]
            ),
            className="small text-body-secondary fw-normal",
        ),
    ]


#: What the log may say of each file loaded, and the heading of each (only those some file has are shown).
_FILE_COLUMNS = {"table": N_("Table"), "rows": N_("Rows"), "added": N_("Added"), "skipped": N_("Skipped")}


def _files_table(files: list) -> html.Table | None:
    """The files a publish loaded, with the columns the log holds of them (the demo names no table)."""
    if not files:
        return None
    present = [key for key in _FILE_COLUMNS if any(key in f for f in files)]

    def cell(f: dict, key: str) -> html.Td:
        if key == "table":
            return html.Td(f.get(key) or "—")
        return html.Td(format_count(f.get(key)), className="number")

    rows = [
        html.Tr(
            [html.Td(html.Code(Path(str(f.get("path", ""))).name or "—"), title=str(f.get("path", "")))]
            + [cell(f, key) for key in present]
        )
        for f in files
    ]
    header = html.Thead(
        html.Tr(
            [html.Th(_("Loaded from"), scope="col")]
            + [
                html.Th(_(_FILE_COLUMNS[key]), scope="col", className="" if key == "table" else "number")
                for key in present
            ]
        )
    )
    return html.Table(
        [header, html.Tbody(rows)], className="table table-sm kpi-table snapshot-files small mt-2 mb-0"
    )


def _file_line(file: SnapshotFile) -> list:
    return [
        html.Code(Path(file.path).name, title=file.path),
        f" · {_size(file.size_bytes)} · ",
        *_around_moment(_("written %(time)s", time="\x00"), file.modified),
    ]


def snapshot_card_body(info: SnapshotInfo) -> html.Dl:
    """The live snapshot (its last publish and its file) and the one before it."""
    if not info.has_log:
        current = html.Span(
            _("This warehouse file predates the publish log: only the file's time is known."),
            className="text-body-secondary",
        )
        previous = html.Span(_("Not recorded"), className="text-body-secondary")
    elif info.current is None:
        current = html.Span(_("No publish recorded"), className="text-body-secondary")
        previous = html.Span(_("No publish recorded"), className="text-body-secondary")
    else:
        current = html.Div([*_publish_line(info.current), _files_table(info.current.files)])
        previous = (
            html.Div(_publish_line(info.previous))
            if info.previous is not None
            else html.Span(_("No earlier publish recorded"), className="text-body-secondary")
        )
    items = [
        (_("Current snapshot"), current, "snapshot-current"),
        (_("Previous snapshot"), previous, "snapshot-previous"),
        (_("Live file"), html.Div(_file_line(info.live)), "snapshot-file"),
        (
            _("Kept for rollback"),
            html.Div(_file_line(info.kept))
            if info.kept is not None
            else html.Span(_("No previous file kept"), className="text-body-secondary"),
            "snapshot-kept",
        ),
        (_("Snapshot id"), html.Code(info.live.version, className="small"), "snapshot-version"),
    ]
    return html.Dl(
        [part for term, text, key in items for part in (html.Dt(term), html.Dd(text, className=key))],
        className="definition-list mb-0",
        **{
            "data-snapshot-version": info.live.version,
            "data-publishes": str(info.publishes),
            "data-has-log": "true" if info.has_log else "false",
            "data-published-at": info.current.published_at.isoformat() if info.current else "",
            "data-previous-published-at": info.previous.published_at.isoformat() if info.previous else "",
        },
    )


# --- the metric catalogue ------------------------------------------------------------------------------


def _scale(metric) -> list:
    unit = _(UNIT_WORDS[metric.unit]) if metric.unit in UNIT_WORDS else metric.unit
    in_unit = html.Div(_("in %(unit)s", unit=unit), className="small text-body-secondary")
    if metric.kind == "ratio":
        return [html.Div(_("Operational counts")), in_unit]
    return [
        html.Div(
            _("%(low)s–%(high)s scale", low=score_text(metric.scale_min), high=score_text(metric.scale_max))
        ),
        in_unit,
    ]


def _direction(higher_is_better: bool) -> html.Span:
    if higher_is_better:
        return html.Span([icon("bi-arrow-up", "me-1"), _("Higher is better")], className="text-nowrap")
    return html.Span([icon("bi-arrow-down", "me-1"), _("Lower is better")], className="text-nowrap")


def _owner(metric) -> list:
    if pd.isna(metric.owner_id):
        return [html.Span(_("No owner"), className="text-body-secondary")]
    return [
        html.A(metric.owner_name, href=f"/owner/{metric.owner_id}"),
        html.Div(metric.owner_title, className="small text-body-secondary")
        if not pd.isna(metric.owner_title)
        else None,
    ]


#: Columns of the catalogue that must not be squeezed by the long definitions beside them.
_MIN_WIDTHS = {"Metric": "13rem", "Owner": "10rem"}


def catalogue_table(card_frame: pd.DataFrame) -> html.Table:
    """Every metric's formal definition: what it measures, its formula in words, scale, direction, owner,
    the company-wide target in force (with its tolerance) and the minimum sample. `card_frame` is a KPI
    frame (queries.scorecard of the current view): the catalogue plus target and tolerance."""
    columns = [
        N_("Metric"),
        N_("Definition"),
        N_("Scale"),
        N_("Direction"),
        N_("Owner"),
        N_("Target"),
        N_("Minimum sample"),
    ]
    header = html.Thead(
        html.Tr(
            [
                html.Th(
                    _(c),
                    scope="col",
                    className="number" if c == "Minimum sample" else "",
                    style={"minWidth": _MIN_WIDTHS[c]} if c in _MIN_WIDTHS else None,
                )
                for c in columns
            ]
        )
    )
    rows = []
    for metric in card_frame.itertuples(index=False):
        target = format_target(metric.target, metric.tolerance, metric.unit, metric.higher_is_better)
        description = None if pd.isna(metric.description) else metric.description
        rows.append(
            html.Tr(
                [
                    html.Th(
                        [
                            html.A(metric.name, href=f"/metric/{metric.metric_id}", className="metric-name"),
                            html.Div(
                                [
                                    _(KIND_WORDS[metric.kind]) if metric.kind in KIND_WORDS else metric.kind,
                                    " · ",
                                    html.Code(metric.metric_id),
                                ],
                                className="small text-body-secondary fw-normal",
                            ),
                        ],
                        scope="row",
                    ),
                    html.Td(
                        [
                            html.Div(description, className="catalogue-description") if description else None,
                            html.Div(
                                [html.Span(_("Formula:") + " ", className="fw-semibold"), formula(metric)],
                                className="small text-body-secondary catalogue-formula",
                            ),
                        ]
                    ),
                    html.Td(_scale(metric)),
                    html.Td(_direction(bool(metric.higher_is_better))),
                    html.Td(_owner(metric)),
                    html.Td(
                        target
                        if not pd.isna(metric.target)
                        else html.Span(_("No target"), className="text-body-secondary"),
                        className="text-nowrap",
                    ),
                    html.Td(
                        _("— (every case)")
                        if metric.kind == "ratio"
                        else ngettext("%(num)s response", "%(num)s responses", int(metric.min_sample)),
                        className="number",
                    ),
                ],
                className="catalogue-row align-top",
                **{
                    "data-metric-id": metric.metric_id,
                    "data-owner-id": raw(metric.owner_id),
                    "data-target": raw(metric.target),
                    "data-tolerance": raw(metric.tolerance),
                    "data-higher-is-better": "true" if metric.higher_is_better else "false",
                    "data-min-sample": str(int(metric.min_sample)),
                },
            )
        )
    return html.Table([header, html.Tbody(rows)], className="table table-sm kpi-table catalogue-table mb-0")
