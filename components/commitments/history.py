"""A commitment's history, version by version, and what someone else saved first (a conflict)."""

from dash import html

from components.dates import format_day
from data.state.commitments import FIELD_LABELS, KINDS, STATUSES


def _change_value(field: str, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    lookup = {
        "metric_id": names["metric"],
        "touchpoint_id": names["touchpoint"],
        "segment_id": names["segment"],
        "owner_id": names["owner"],
        "status": STATUSES,
        "kind": KINDS,
    }.get(field)
    if lookup is not None:
        return lookup.get(value, value)
    if field == "progress":
        return f"{value}%"
    if field.endswith("_on"):
        return format_day(value)
    return str(value)


def change_list(entry: dict, names: dict) -> html.Ul:
    """'Status: In progress → Done' per field an entry changed (created fields show their value)."""
    items = []
    for field, (before, after) in entry["changes"].items():
        label = FIELD_LABELS.get(field, field)
        if field == "description":
            items.append(html.Li(f"{label} {'set' if before is None else 'changed'}"))
        elif before is None and entry["version"] == 1:
            items.append(
                html.Li([html.Span(f"{label}: "), html.Span(_change_value(field, after, names), dir="auto")])
            )
        else:
            items.append(
                html.Li(
                    [
                        html.Span(f"{label}: "),
                        html.Span(
                            _change_value(field, before, names), className="text-body-secondary", dir="auto"
                        ),
                        " → ",
                        html.Strong(_change_value(field, after, names), dir="auto"),
                    ]
                )
            )
    return html.Ul(items, className="change-list")


def history_list(entries: list[dict], names: dict) -> html.Ol:
    """The history, newest first: who, when, what changed and the note."""
    return html.Ol(
        [
            html.Li(
                [
                    html.Div(
                        [
                            html.Strong(entry["changed_by"]),
                            f" {'created it' if entry['version'] == 1 else 'changed it'} · ",
                            html.Time(f"{entry['changed_at']:%-d %b %Y %H:%M}", dateTime=entry["changed_at"].isoformat()),
                            html.Span(f" · version {entry['version']}", className="text-body-secondary"),
                        ],
                        className="history-head",
                    ),
                    html.Blockquote(entry["note"], className="history-note", dir="auto") if entry["note"] else None,
                    change_list(entry, names),
                ],
                className="history-entry",
                **{"data-version": str(entry["version"])},
            )
            for entry in reversed(entries)
        ],
        className="history-list",
    )  # fmt: skip


def conflict_message(entries: list[dict], names: dict) -> list:
    """What someone else saved while this person was editing, and what to do now."""
    return [
        html.H2("Not saved: someone else changed this commitment", className="h6 alert-heading"),
        *[
            html.Div(
                [
                    html.Div(f"{entry['changed_by']} saved version {entry['version']} on {entry['changed_at']:%-d %b %Y at %H:%M}:"),
                    change_list(entry, names),
                    html.Blockquote(entry["note"], className="history-note", dir="auto") if entry["note"] else None,
                ]
            )
            for entry in entries
        ],
        html.P(
            "Your edits are still in the form. Reload to start from the latest version, then make them again.",
            className="mb-0",
        ),
    ]  # fmt: skip
