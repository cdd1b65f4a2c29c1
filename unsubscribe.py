"""The unsubscribe links in alerts' messages: /unsubscribe/<token>, open without sign-in (the token is
the only key, and works once).

GET shows what the link stops and a button; POST stops it (ends the subscription, or opts the owner
out of that metric's or the digest's default messages). A mail program's one-click unsubscribe
(RFC 8058: a POST with the body List-Unsubscribe=One-Click, from no Beacon page) does the same, so
auth.web lets these POSTs through its cross-site check. A link used already answers 410, one never
issued 404, each with a page saying so.
"""

import logging

from dash import Dash
from flask import Blueprint, render_template

import queries
from auth.web import TOKEN_LINKS
from components.alerts import format_time
from data.state import alerts, database
from i18n import N_, _

log = logging.getLogger(__name__)

blueprint = Blueprint("unsubscribe", __name__)

_CATALOGUES = {"metric": queries.metrics, "touchpoint": queries.touchpoints, "segment": queries.segments}


def _name(subject: str, subject_id: str | None) -> str:
    """The catalogue's name of what a link is about; its id when the warehouse cannot be read."""
    if subject not in _CATALOGUES or not subject_id:
        return subject_id or ""
    try:
        names = _CATALOGUES[subject]().set_index(f"{subject}_id")["name"]
    except queries.WarehouseError:
        return subject_id
    return str(names.get(subject_id, subject_id))


#: What a link stops, by what it is about: an owner's default alerts, or a subscription.
_OWNERS = {
    "metric": N_("the alerts about the metric “%(name)s” that its owner gets at %(email)s"),
    "touchpoint": N_("the alerts about the touchpoint “%(name)s” that its owner gets at %(email)s"),
    "segment": N_("the alerts about the segment “%(name)s” that its owner gets at %(email)s"),
}
_SUBSCRIPTIONS = {
    "metric": N_("your subscription to alerts about the metric “%(name)s” at %(email)s"),
    "touchpoint": N_("your subscription to alerts about the touchpoint “%(name)s” at %(email)s"),
    "segment": N_("your subscription to alerts about the segment “%(name)s” at %(email)s"),
}


def what_it_stops(link: dict) -> str:
    """'alerts about the metric “Net promoter score” to ana@example.com', in words for the page."""
    subject, email = link["subject"], link["email"]
    if subject == "digest":
        return _("the weekly digest to %(email)s", email=email)
    if subject == "cases":
        return _("the messages about new follow-up cases assigned to %(email)s", email=email)
    name = _name(subject, link["subject_id"])
    owners = link["subscription_id"] is None
    texts = _OWNERS if owners else _SUBSCRIPTIONS
    if subject in texts:
        return _(texts[subject], name=name, email=email)
    if owners:  # a subject Beacon does not name: its word as stored
        return _(
            "the alerts about the %(subject)s “%(name)s” that its owner gets at %(email)s",
            subject=subject,
            name=name,
            email=email,
        )
    return _(
        "your subscription to alerts about the %(subject)s “%(name)s” at %(email)s",
        subject=subject,
        name=name,
        email=email,
    )


def _page(status: int, outcome: str, title: str, message: str, confirm: bool = False):
    # <html lang dir> come from auth.web's context processor, as on every page of these templates.
    page = render_template(
        "unsubscribe.html",
        title=title,
        message=message,
        outcome=outcome,
        confirm=confirm,
        button=_("Stop these messages"),
        note=_("Nothing stops until you press the button."),
    )
    # Never kept by a cache: each answer is about one link, at one moment.
    return page, status, {"Cache-Control": "no-store"}


def _gone(link: dict | None):
    """The answer for a link that cannot be used (any more)."""
    if link is None:
        return _page(
            404,
            "unknown",
            _("Link not recognised"),
            _(
                "Beacon did not send this unsubscribe link, or it was cut short: copy the whole link from the "
                "message, or choose your alerts on the Settings page."
            ),
        )
    return _page(
        410,
        "used",
        _("Link already used"),
        _(
            "This link was used on %(time)s: %(what)s stopped then. There is nothing more to do.",
            time=format_time(link["used_at"]),
            what=what_it_stops(link),
        ),
    )


def _busy():
    return _page(
        503,
        "busy",
        _("Try again in a moment"),
        _("Beacon's state database did not answer, so nothing changed. Open the link again in a moment."),
    )


@blueprint.get(f"{TOKEN_LINKS}<token>")
def confirm(token: str):
    try:
        link = alerts.peek_unsubscribe_link(token)
    except database.BusyError:
        return _busy()
    if link is None or link["used_at"] is not None:
        return _gone(link)
    return _page(
        200,
        "confirm",
        _("Stop these messages?"),
        _("This stops %(what)s.", what=what_it_stops(link)),
        confirm=True,
    )


@blueprint.post(f"{TOKEN_LINKS}<token>")
def use(token: str):
    """Use the link once (the confirm page's button, or a mail program's one-click POST)."""
    try:
        link = alerts.use_unsubscribe_link(token)
        if link is None:
            return _gone(alerts.peek_unsubscribe_link(token))
    except database.BusyError:
        return _busy()
    log.info("Unsubscribed %s from %s %s", link["email"], link["subject"], link["subject_id"] or "")
    return _page(
        200, "done", _("Unsubscribed"), _("Done: Beacon has stopped %(what)s.", what=what_it_stops(link))
    )


def install(app: Dash) -> None:
    app.server.register_blueprint(blueprint)
