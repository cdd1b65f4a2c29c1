"""A commitment's history, version by version, and what someone else saved first (a conflict)."""

from dash import html

from components.dates import format_day
from data.state.commitments import FIELD_LABELS, KINDS, STATUSES
from i18n import _, format_integer, format_percent, format_time

_WHO = "\x00"  # where the person's name goes in a translated sentence, to draw it in bold


def _with_name(text: str, name: str) -> list:
    """A translated sentence with %(who)s filled as `name` in bold: [before, <strong>name</strong>, after]."""
    before, _sep, after = text.partition(_WHO)
    return [before, html.Strong(name), after] if _sep else [html.Strong(name), " ", text]


def _moment(when) -> str:
    """When a version was saved, as the language writes a day and a time: '3 Nov 2026 09:05'."""
    return _("%(day)s %(time)s", day=format_day(when), time=format_time(when))


def _change_value(field: str, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    lookup = {
        "metric_id": names["metric"],
        "touchpoint_id": names["touchpoint"],
        "segment_id": names["segment"],
        "owner_id": names["owner"],
        "status": {key: _(word) for key, word in STATUSES.items()},
        "kind": {key: _(word) for key, word in KINDS.items()},
    }.get(field)
    if lookup is not None:
        return lookup.get(value, value)
    if field == "progress":
        try:
            return format_percent(float(value), 0)
        except (TypeError, ValueError):
            return str(value)
    if field.endswith("_on"):
        return format_day(value)
    return str(value)


def change_list(entry: dict, names: dict) -> html.Ul:
    """'Status: In progress → Done' per field an entry changed (created fields show their value)."""
    items = []
    for field, (before, after) in entry["changes"].items():
        label = _(FIELD_LABELS[field]) if field in FIELD_LABELS else field
        if field == "description":
            items.append(html.Li(_("Description set") if before is None else _("Description changed")))
        elif before is None and entry["version"] == 1:
            items.append(
                html.Li(
                    [
                        html.Span(_("%(field)s: ", field=label)),
                        html.Span(_change_value(field, after, names), dir="auto"),
                    ]
                )
            )
        else:
            items.append(
                html.Li(
                    [
                        html.Span(_("%(field)s: ", field=label)),
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
                            *_with_name(_("%(who)s created it", who=_WHO) if entry["version"] == 1 else _("%(who)s changed it", who=_WHO), entry["changed_by"]),
                            " · ",
                            html.Time(_moment(entry["changed_at"]), dateTime=entry["changed_at"].isoformat()),
                            html.Span(" · " + _("version %(version)s", version=format_integer(entry["version"])), className="text-body-secondary"),
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
        html.H2(_("Not saved: someone else changed this commitment"), className="h6 alert-heading"),
        *[
            html.Div(
                [
                    html.Div(
                        _(
                            "%(who)s saved version %(version)s on %(day)s at %(time)s:",
                            who=entry["changed_by"],
                            version=format_integer(entry["version"]),
                            day=format_day(entry["changed_at"]),
                            time=format_time(entry["changed_at"]),
                        )
                    ),
                    change_list(entry, names),
                    html.Blockquote(entry["note"], className="history-note", dir="auto") if entry["note"] else None,
                ]
            )
            for entry in entries
        ],
        html.P(
            _("Your edits are still in the form. Reload to start from the latest version, then make them again."),
            className="mb-0",
        ),
    ]  # fmt: skip
