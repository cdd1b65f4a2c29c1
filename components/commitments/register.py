"""Commitments in rows: the register table and its CSV, the short list a metric or touchpoint page
shows, and the milestones a trend chart marks."""

from datetime import date

import pandas as pd
from dash import html

from components.attributes import commitment_attributes
from components.commitments.badges import commitment_badge, due_text, effect_badge, scope_text
from components.export import csv_text
from components.pieces import progress, sort_headings
from data.state.commitments import KINDS
from i18n import N_, _, format_percent

#: Register columns: (key, heading in English, translated where drawn, sortable).
REGISTER_COLUMNS = (
    ("title", N_("Commitment"), True),
    ("metric", N_("Metric"), True),
    ("scope", N_("Touchpoint · segment"), False),
    ("owner", N_("Owner"), True),
    ("status", N_("Status"), True),
    ("progress", N_("Progress"), True),
    ("due_on", N_("Due"), True),
    ("effect", N_("Effect"), False),
)


def register_table(
    frame: pd.DataFrame, names: dict, effects: dict, sort: str, sort_href, row_href, today: date
) -> html.Table:
    """The register: one row per commitment of `frame`; headings link to `sort_href(key)`.

    `names` maps "metric"/"touchpoint"/"segment"/"owner" to id → name; `effects` commitment id →
    (Effect, unit) for done ones.
    """
    columns = [(key, _(heading), sortable) for key, heading, sortable in REGISTER_COLUMNS]
    headings = sort_headings(columns, sort, sort_href)
    rows = []
    for row in frame.itertuples(index=False):
        scope = scope_text(row, names)
        effect, unit = effects.get(row.commitment_id, (None, ""))
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.A(
                                row.title,
                                href=row_href(row.commitment_id),
                                className="fw-semibold",
                                dir="auto",
                            ),
                            html.Div(_(KINDS[row.kind]), className="small text-body-secondary"),
                        ]
                    ),
                    html.Td(names["metric"].get(row.metric_id, row.metric_id)),
                    html.Td(scope or _("All"), className="" if scope else "text-body-secondary"),
                    html.Td(names["owner"].get(row.owner_id, row.owner_id)),
                    html.Td(commitment_badge(row.status, row.overdue)),
                    html.Td(
                        [
                            progress(
                                row.progress,
                                _(
                                    "%(title)s: %(percent)s done",
                                    title=row.title,
                                    percent=format_percent(row.progress, 0),
                                ),
                                "commitment-progress",
                            ),
                            format_percent(row.progress, 0),
                        ],
                        className="progress-cell",
                    ),
                    html.Td(due_text(row, today)),
                    html.Td(effect_badge(effect, unit, short=True)),
                ],
                **commitment_attributes(row),
            )
        )
    return html.Table(
        [html.Thead(html.Tr(headings)), html.Tbody(rows)],
        className="table table-hover align-middle commitment-register",
    )


def register_csv(frame: pd.DataFrame, names: dict, effects: dict) -> str:
    """The register as CSV: ids and names, dates as ISO, and the effect verdict of done ones."""
    export = frame.assign(
        metric=frame["metric_id"].map(names["metric"]),
        touchpoint=frame["touchpoint_id"].map(names["touchpoint"]),
        segment=frame["segment_id"].map(names["segment"]),
        owner=frame["owner_id"].map(names["owner"]),
        effect=frame["commitment_id"].map(lambda i: effects[i][0].verdict if i in effects else ""),
        effect_change=frame["commitment_id"].map(lambda i: effects[i][0].change if i in effects else None),
    )
    columns = [
        "commitment_id", "title", "kind", "metric_id", "metric", "touchpoint_id", "touchpoint",
        "segment_id", "segment", "owner_id", "owner", "status", "overdue", "progress", "start_on",
        "due_on", "completed_on", "on_time", "expected_value", "effect", "effect_change", "description",
        "created_at", "created_by", "updated_at", "updated_by", "version",
    ]  # fmt: skip
    return csv_text(export[columns])


def commitment_list(frame: pd.DataFrame, names: dict, effects: dict, today: date) -> html.Ul:
    """A short list of commitments (a metric's or a touchpoint's): title, owner, status, dates, effect."""
    return html.Ul(
        [
            html.Li(
                [
                    html.Div(
                        [
                            html.A(
                                row.title,
                                href=f"/commitment/{row.commitment_id}",
                                className="fw-semibold",
                                dir="auto",
                            ),
                            commitment_badge(row.status, row.overdue),
                        ],
                        className="d-flex justify-content-between gap-2",
                    ),
                    html.Div(
                        [
                            names["owner"].get(row.owner_id, row.owner_id),
                            " · ",
                            due_text(row, today),
                            " ",
                            effect_badge(*effects[row.commitment_id])
                            if row.commitment_id in effects
                            else None,
                        ],
                        className="small text-body-secondary",
                    ),
                ],
                className="commitment-item",
                **commitment_attributes(row),
            )
            for row in frame.itertuples(index=False)
        ],
        className="commitment-list",
    )


def milestones(frame: pd.DataFrame) -> tuple:
    """Commitment starts and completions for a trend chart: ((ISO day, "start" | "done", title), …)."""
    starts = [
        (str(row.start_on), "start", row.title)
        for row in frame.itertuples(index=False)
        if row.status != "dropped"
    ]
    done = [
        (str(row.completed_on), "done", row.title)
        for row in frame.itertuples(index=False)
        if row.status == "done" and row.completed_on is not None and not pd.isna(row.completed_on)
    ]
    return tuple(starts + done)
