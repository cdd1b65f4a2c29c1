"""A commitment's follow-up cases: what saving a redesign sprint started from a touchpoint's root cause
links (the new-commitment form), and the cases linked to a stored one (its page). Pure builders."""

import dash_bootstrap_components as dbc
from dash import html

from components.dates import format_day
from components.format import format_count
from components.icons import icon

#: What saving links: (more than one case?, for one segment?) → the sentence.
LINKS = {
    (False, False): "Saving links the %(count)s follow-up case whose root cause is “%(cause)s” at "
    "%(touchpoint)s, from the answers given %(start)s to %(end)s (%(period)s).",
    (True, False): "Saving links the %(count)s follow-up cases whose root cause is “%(cause)s” at "
    "%(touchpoint)s, from the answers given %(start)s to %(end)s (%(period)s).",
    (False, True): "Saving links the %(count)s follow-up case whose root cause is “%(cause)s” at "
    "%(touchpoint)s for %(segment)s, from the answers given %(start)s to %(end)s (%(period)s).",
    (True, True): "Saving links the %(count)s follow-up cases whose root cause is “%(cause)s” at "
    "%(touchpoint)s for %(segment)s, from the answers given %(start)s to %(end)s (%(period)s).",
}
#: Saving links none: (every one is linked already?, for one segment?) → the sentence.
NONE_LEFT = {
    (True, False): "Saving links no case: the follow-up cases whose root cause is “%(cause)s” at "
    "%(touchpoint)s, from the answers given %(start)s to %(end)s, are all linked to a commitment already.",
    (True, True): "Saving links no case: the follow-up cases whose root cause is “%(cause)s” at "
    "%(touchpoint)s for %(segment)s, from the answers given %(start)s to %(end)s, are all linked to a "
    "commitment already.",
    (False, False): "Saving links no case: no follow-up case at %(touchpoint)s has the root cause "
    "“%(cause)s” among the answers given %(start)s to %(end)s.",
    (False, True): "Saving links no case: no follow-up case at %(touchpoint)s for %(segment)s has the root "
    "cause “%(cause)s” among the answers given %(start)s to %(end)s.",
}
ALREADY_LINKED = {
    False: "%(count)s more with this cause is already linked to another commitment and stays there.",
    True: "%(count)s more with this cause are already linked to other commitments and stay there.",
}
NOT_LATER = "Cases opened later, or given this cause later, are not linked."


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
        "count": format_count(sprint.unlinked),
        "cause": sprint.cause,
        "touchpoint": sprint.touchpoint,
        "segment": sprint.segment,
        "start": format_day(period.start),
        "end": format_day(period.end),
        "period": period.label,
    }
    by_segment = sprint.segment_id is not None
    if not sprint.links:
        text = NONE_LEFT[(sprint.linked > 0, by_segment)] % words
        return html.Div(
            dbc.Alert([icon("bi-info-circle", "me-1"), text], color="secondary"),
            className="sprint-note",
            **attributes,
        )
    lines = [
        html.P(
            [icon("bi-link-45deg", "me-1"), LINKS[(sprint.unlinked > 1, by_segment)] % words],
            className="mb-1",
        )
    ]
    if sprint.linked:
        lines.append(
            html.P(
                ALREADY_LINKED[sprint.linked > 1] % {"count": format_count(sprint.linked)}, className="mb-1"
            )
        )
    lines.append(html.P(NOT_LATER, className="small mb-0"))
    return html.Div(dbc.Alert(lines, color="info"), className="sprint-note", **attributes)


def linked_cases(count: int, cases_href: str | None) -> html.Div:
    """A stored commitment's follow-up cases: how many are linked, with the queue of them
    (`cases_href`, for who may see cases)."""
    text = ("%(count)s follow-up case linked" if count == 1 else "%(count)s follow-up cases linked") % {
        "count": format_count(count)
    }
    return html.Div(
        [
            html.P(html.A(text, href=cases_href) if cases_href else text, className="mb-1 fw-semibold"),
            html.P(
                "The cases the sprint was started from; cases opened later with the same cause are not added.",
                className="small text-body-secondary mb-0",
            ),
        ],
        className="linked-cases",
        **{"data-count": str(count)},
    )
