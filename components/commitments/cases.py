"""A commitment's follow-up cases: what saving a redesign sprint started from a touchpoint's root cause
links (the new-commitment form), and the cases linked to a stored one (its page). Pure builders."""

import dash_bootstrap_components as dbc
from dash import html

from components.dates import format_day
from components.icons import icon
from i18n import N_, _, ngettext

#: Saving links none: (every one is linked already?, for one segment?) → the sentence.
NONE_LEFT = {
    (True, False): N_(
        "Saving links no case: the follow-up cases whose root cause is “%(cause)s” at "
        "%(touchpoint)s, from the answers given %(start)s to %(end)s, are all linked to a commitment already."
    ),
    (True, True): N_(
        "Saving links no case: the follow-up cases whose root cause is “%(cause)s” at "
        "%(touchpoint)s for %(segment)s, from the answers given %(start)s to %(end)s, are all linked to a "
        "commitment already."
    ),
    (False, False): N_(
        "Saving links no case: no follow-up case at %(touchpoint)s has the root cause "
        "“%(cause)s” among the answers given %(start)s to %(end)s."
    ),
    (False, True): N_(
        "Saving links no case: no follow-up case at %(touchpoint)s for %(segment)s has the root "
        "cause “%(cause)s” among the answers given %(start)s to %(end)s."
    ),
}


def _links(count: int, by_segment: bool, words: dict) -> str:
    """What saving links: `count` follow-up cases of a cause, for one segment or not."""
    if by_segment:
        return ngettext(
            "Saving links the %(num)s follow-up case whose root cause is “%(cause)s” at "
            "%(touchpoint)s for %(segment)s, from the answers given %(start)s to %(end)s (%(period)s).",
            "Saving links the %(num)s follow-up cases whose root cause is “%(cause)s” at "
            "%(touchpoint)s for %(segment)s, from the answers given %(start)s to %(end)s (%(period)s).",
            count,
            **words,
        )
    return ngettext(
        "Saving links the %(num)s follow-up case whose root cause is “%(cause)s” at "
        "%(touchpoint)s, from the answers given %(start)s to %(end)s (%(period)s).",
        "Saving links the %(num)s follow-up cases whose root cause is “%(cause)s” at "
        "%(touchpoint)s, from the answers given %(start)s to %(end)s (%(period)s).",
        count,
        **words,
    )


def sprint_note(sprint) -> html.Div | None:
    """The line above a new commitment's form saying which follow-up cases saving links, or why it
    links none (`sprint`: views.commitment_context.SprintCases; None: the URL names no cause)."""
    if sprint is None:
        return None
    attributes = {"data-cause": sprint.cause, "data-link-count": str(sprint.unlinked if sprint.links else 0)}
    if sprint.problem is not None:
        return html.Div(
            dbc.Alert([icon("bi-exclamation-triangle", "me-1"), sprint.problem], color="warning"),
            className="sprint-note",
            **attributes,
        )
    period = sprint.period
    words = {
        "cause": sprint.cause,
        "touchpoint": sprint.touchpoint,
        "segment": sprint.segment,
        "start": format_day(period.start),
        "end": format_day(period.end),
        "period": period.label,
    }
    by_segment = sprint.segment_id is not None
    if not sprint.links:
        text = _(NONE_LEFT[(sprint.linked > 0, by_segment)], **words)
        return html.Div(
            dbc.Alert([icon("bi-info-circle", "me-1"), text], color="secondary"),
            className="sprint-note",
            **attributes,
        )
    lines = [
        html.P(
            [icon("bi-link-45deg", "me-1"), _links(sprint.unlinked, by_segment, words)],
            className="mb-1",
        )
    ]
    if sprint.linked:
        lines.append(
            html.P(
                ngettext(
                    "%(num)s more with this cause is already linked to another commitment and stays there.",
                    "%(num)s more with this cause are already linked to other commitments and stay there.",
                    sprint.linked,
                ),
                className="mb-1",
            )
        )
    lines.append(
        html.P(_("Cases opened later, or given this cause later, are not linked."), className="small mb-0")
    )
    return html.Div(dbc.Alert(lines, color="info"), className="sprint-note", **attributes)


def linked_cases(count: int, cases_href: str | None) -> html.Div:
    """A stored commitment's follow-up cases: how many are linked, with the queue of them
    (`cases_href`, for who may see cases)."""
    text = ngettext("%(num)s follow-up case linked", "%(num)s follow-up cases linked", count)
    return html.Div(
        [
            html.P(html.A(text, href=cases_href) if cases_href else text, className="mb-1 fw-semibold"),
            html.P(
                _(
                    "The cases the sprint was started from; cases opened later with the same cause are not added."
                ),
                className="small text-body-secondary mb-0",
            ),
        ],
        className="linked-cases",
        **{"data-count": str(count)},
    )
