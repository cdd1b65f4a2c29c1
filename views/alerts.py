"""What the alert pages need: who may see and change what, the signed-in user's addresses, their events
and settings, and each change as a typed result the page turns into words.

    match subscribe(user, email, subject, subject_id, batch):
        case Done(message): ...            # saved; say so
        case Invalid(field, message): ...  # that field is wrong; nothing saved
        case Refused(reason): ...          # this user may not do this; nothing changed
        case Busy(): ...                   # the state database stayed busy or away; nothing saved

Every change checks the user's rights here, on the server, whatever the page showed: displays change
nothing, viewers manage their own subscriptions, owners also their own metrics' default alerts, and
only admins see every event and touch webhooks.
"""

import logging
import secrets
from dataclasses import dataclass

import auth
import queries
from components.alert_messages import sentence
from data.state import alerts, database
from i18n import N_, _, ngettext
from views.results import Busy, Invalid, Refused

log = logging.getLogger(__name__)

#: The most events /alerts shows, newest first.
LIMIT = 100
#: Events read when the page filters by kind, which the store does not: enough for a hundred of one kind.
KIND_WINDOW = 1000
#: The events a metric page's "Recent alerts" card lists.
METRIC_CARD_LIMIT = 5
#: The subjects one can subscribe to, in the form's order, and what each is called.
#: (English: translate each with `_` where shown, as `field` does the fields.)
SUBJECTS = {
    "metric": N_("Metric"),
    "touchpoint": N_("Touchpoint"),
    "segment": N_("Segment"),
    "digest": N_("Weekly digest"),
}
BATCHES = {"instant": N_("At once"), "daily": N_("In a daily summary")}
#: The settings form's fields, as messages name them.
FIELDS = {
    "email": N_("E-mail address"),
    "subject": N_("Alerts about"),
    "subject_id": N_("Which one"),
    "batch": N_("When"),
    "name": N_("Name"),
    "url": N_("URL"),
    "secret": N_("Secret"),
}
#: The role words of refusals ("you are signed in as a viewer").
ROLE_WORDS = {
    auth.VIEWER: N_("viewer"),
    auth.OWNER: N_("owner"),
    auth.ADMIN: N_("admin"),
    auth.DISPLAY: N_("display"),
}
#: "Which one" of each subject, as a form's message asks for it.
_WHICH = {
    "metric": N_("Which one: choose which metric to hear about."),
    "touchpoint": N_("Which one: choose which touchpoint to hear about."),
    "segment": N_("Which one: choose which segment to hear about."),
}


def field(name: str) -> str:
    """A field of the settings form in words, in the current language."""
    return _(FIELDS[name])


def _role(user: auth.User) -> str:
    return _(ROLE_WORDS[user.role]) if user.role in ROLE_WORDS else str(user.role)


#: The catalogue query of each subject with an id.
_CATALOGUES = {"metric": queries.metrics, "touchpoint": queries.touchpoints, "segment": queries.segments}


@dataclass(frozen=True)
class Done:
    """Saved (or nothing needed saving); `message` says what, `secret` is a new webhook's, shown once."""

    message: str
    secret: str | None = None


Result = Done | Invalid | Refused | Busy


# --- who ------------------------------------------------------------------------------------------


def sees_all(user: auth.User) -> bool:
    """Admins (and the local user without sign-in, who is one) see every event and every delivery."""
    return user.role == auth.ADMIN


def may_subscribe(user: auth.User) -> bool:
    """People manage their own subscriptions; a display or nobody signed in does not."""
    return user.role in (auth.VIEWER, auth.OWNER, auth.ADMIN)


def may_manage_webhooks(user: auth.User) -> bool:
    return user.role == auth.ADMIN


def subscriber(user: auth.User) -> str:
    """Whose subscriptions these are: the account's username (the acting user's name without sign-in)."""
    return user.username or user.name


def owner_email(user: auth.User) -> str | None:
    """The catalogue's e-mail of the owner the user is, if they are one and it has one."""
    if not user.owner_id:
        return None
    owners = queries.owners().set_index("owner_id")
    if user.owner_id not in owners.index:
        return None
    email = owners.loc[user.owner_id, "email"]
    return email.strip().lower() if isinstance(email, str) and email.strip() else None


def addresses(user: auth.User) -> set[str]:
    """The addresses the user hears at: their owner e-mail and their subscriptions' (lower case)."""
    found = {row["email"].lower() for row in alerts.subscriptions_of(subscriber(user))}
    own = owner_email(user)
    return found | {own} if own else found


# --- reading --------------------------------------------------------------------------------------


def _said(event: dict) -> dict:
    return {**event, "sentence": sentence(event["kind"], event["facts"] or {})}


def recent(
    user: auth.User, kind: str | None = None, metric_id: str | None = None
) -> tuple[list[dict], set[str] | None]:
    """The events the user may see, newest first, at most LIMIT, each with `sentence` and the
    deliveries they may see; and the addresses they were filtered by (None: all, for an admin).
    A non-admin sees the events with a delivery to one of their addresses, and only those deliveries."""
    window = KIND_WINDOW if kind else LIMIT
    if sees_all(user):
        found, mine = alerts.events(None, metric_id, window), None
    else:
        mine = addresses(user)
        merged = {
            e["event_id"]: e for address in sorted(mine) for e in alerts.events(address, metric_id, window)
        }
        found = sorted(merged.values(), key=lambda e: (e["found_at"], e["event_id"]), reverse=True)
        found = [
            {
                **e,
                "deliveries": [
                    d for d in e["deliveries"] if d["channel"] == "email" and d["recipient"].lower() in mine
                ],
            }
            for e in found
        ]
    if kind:
        found = [e for e in found if e["kind"] == kind]
    return [_said(e) for e in found[:LIMIT]], mine


def metric_events(metric_id: str) -> list[dict]:
    """A metric's latest events, for its page's card: what happened to the metric, not who heard."""
    return [_said(e) for e in alerts.events(metric_id=metric_id, limit=METRIC_CARD_LIMIT)]


def webhooks(user: auth.User) -> list[dict]:
    """The webhooks in use (without secrets), for an admin; none for anyone else."""
    return alerts.webhooks_list() if may_manage_webhooks(user) else []


def webhook_names(user: auth.User) -> dict[str, str]:
    """Webhook id (as the outbox names it) → name, for an admin's deliveries table."""
    return {str(hook["webhook_id"]): hook["name"] for hook in webhooks(user)}


def choices(subject: str) -> list[tuple[str, str]]:
    """(id, name) of everything of `subject` one may subscribe to; none for the digest."""
    query = _CATALOGUES.get(subject)
    if query is None:
        return []
    column = f"{subject}_id"
    return [(row[column], row["name"]) for row in query()[[column, "name"]].to_dict("records")]


def subject_names() -> dict[str, dict[str, str]]:
    """subject → id → name, for saying what a subscription is about."""
    return {subject: dict(choices(subject)) for subject in _CATALOGUES}


def subscriptions(user: auth.User) -> list[dict]:
    return alerts.subscriptions_of(subscriber(user))


def default_email(user: auth.User) -> str:
    """What the subscribe form's address starts as: the owner's, else their latest subscription's."""
    held = subscriptions(user)
    return owner_email(user) or (held[-1]["email"] if held else "")


def owner_defaults(user: auth.User) -> tuple[str | None, list[tuple[str, str]], set[str]]:
    """An owner's default alerts: their e-mail, their metrics as (id, name), and what is on (metric
    ids, and "digest"): everything not opted out. (None, [], set()) for anyone but an owner with an
    e-mail in the catalogue."""
    email = owner_email(user)
    if email is None:
        return None, [], set()
    metrics = queries.metrics()
    theirs = metrics[metrics["owner_id"] == user.owner_id]
    own = [(row["metric_id"], row["name"]) for row in theirs[["metric_id", "name"]].to_dict("records")]
    off = {
        "digest" if row["subject"] == "digest" else row["subject_id"]
        for row in alerts.opt_outs_of(email)
        if row["subject"] in ("metric", "digest")
    }
    return (
        email,
        own,
        {metric_id for metric_id, _name in own if metric_id not in off}
        | (set() if "digest" in off else {"digest"}),
    )


# --- changing -------------------------------------------------------------------------------------


def _guarded(action) -> Result:
    try:
        return action()
    except database.BusyError as error:
        return Busy.of(error)


def _who(user: auth.User) -> str:
    return user.username or user.name


def subscribe(user: auth.User, email: str, subject: str, subject_id: str | None, batch: str) -> Result:
    if not may_subscribe(user):
        return Refused(
            _(
                "Not saved: you are signed in as a %(role)s, who does not subscribe to alerts.",
                role=_role(user),
            )
        )
    if subject not in SUBJECTS:
        return Invalid("subject", _("Alerts about: choose a metric, touchpoint, segment or the digest."))
    if subject != "digest" and subject_id not in dict(choices(subject)):
        return Invalid("subject_id", _(_WHICH[subject]))
    if batch not in BATCHES:
        return Invalid("batch", _("When: choose at once or in a daily summary."))

    def save() -> Result:
        try:
            alerts.subscribe(
                subscriber(user), email, subject, None if subject == "digest" else subject_id, batch
            )
        except ValueError as error:  # subject and batch are checked above: what is left is the address
            return Invalid("email", _("%(field)s: %(problem)s", field=field("email"), problem=error))
        log.info("Alerts: %s subscribed to %s %s (%s)", _who(user), subject, subject_id or "", batch)
        return Done(_("Subscribed."))

    return _guarded(save)


def end_subscriptions(user: auth.User, subscription_ids: list) -> Result:
    """End some of the user's own subscriptions; anyone else's is refused, and nothing is ended then."""
    if not may_subscribe(user):
        return Refused(_("Nothing ended: you are signed in as a %(role)s.", role=_role(user)))

    def end() -> Result:
        own = {row["subscription_id"] for row in subscriptions(user)}
        wanted = {int(i) for i in subscription_ids or [] if str(i).isdigit()}
        if not wanted:
            return Invalid("subscriptions", _("Tick the subscriptions to end first."))
        if not wanted <= own:
            return Refused(
                _("Nothing ended: you may end only your own subscriptions (some were ended already).")
            )
        for subscription_id in sorted(wanted):
            alerts.end_subscription(subscription_id, _who(user))
        log.info("Alerts: %s ended subscriptions %s", _who(user), sorted(wanted))
        return Done(
            _("Subscription ended.")
            if len(wanted) == 1
            else ngettext("%(num)s subscription ended.", "%(num)s subscriptions ended.", len(wanted))
        )

    return _guarded(end)


def set_owner_alerts(user: auth.User, wanted_on: list) -> Result:
    """Turn an owner's default alerts of each of their metrics (and their digest) on or off: `wanted_on`
    holds the metric ids (and "digest") they want."""
    if user.role not in (auth.OWNER, auth.ADMIN) or not user.owner_id:
        return Refused(_("Not saved: only a metric's owner turns its default alerts on or off."))

    def save() -> Result:
        email, own, on = owner_defaults(user)
        if email is None:
            return Refused(_("Not saved: the catalogue has no e-mail address for you as an owner."))
        wanted = set(wanted_on or []) & ({metric_id for metric_id, _name in own} | {"digest"})
        for key in sorted((on - wanted) | (wanted - on)):
            subject, subject_id = ("digest", None) if key == "digest" else ("metric", key)
            (alerts.opt_in if key in wanted else alerts.opt_out)(email, subject, subject_id)
        log.info("Alerts: %s's default alerts now %s", _who(user), sorted(wanted))
        return Done(_("Saved: your default alerts are as ticked."))

    return _guarded(save)


def _webhook_field(message: str) -> str:
    """Which field the store's refusal of a webhook is about (its messages name them)."""
    lowered = message.lower()
    return "url" if "url" in lowered else "secret" if "secret" in lowered else "name"


def add_webhook(user: auth.User, name: str, url: str, secret: str | None) -> Result:
    """A new webhook; a random secret when none is given. Done.secret is shown once, never again."""
    if not may_manage_webhooks(user):
        return Refused(_("Not saved: only an admin adds webhooks."))
    secret = (secret or "").strip() or secrets.token_urlsafe(24)

    def save() -> Result:
        try:
            webhook_id = alerts.add_webhook(name, url, secret, _who(user))
        except ValueError as error:
            which = _webhook_field(str(error))
            return Invalid(which, _("%(field)s: %(problem)s", field=field(which), problem=error))
        log.info("Alerts: %s added webhook %s", _who(user), webhook_id)
        return Done(_("Webhook “%(name)s” added.", name=name.strip()), secret=secret)

    return _guarded(save)


def end_webhooks(user: auth.User, webhook_ids: list) -> Result:
    if not may_manage_webhooks(user):
        return Refused(_("Nothing removed: only an admin removes webhooks."))
    wanted = sorted({int(i) for i in webhook_ids or [] if str(i).isdigit()})
    if not wanted:
        return Invalid("webhooks", _("Tick the webhooks to remove first."))

    def end() -> Result:
        for webhook_id in wanted:
            alerts.end_webhook(webhook_id)
        log.info("Alerts: %s removed webhooks %s", _who(user), wanted)
        return Done(
            _("Webhook removed.")
            if len(wanted) == 1
            else ngettext("%(num)s webhook removed.", "%(num)s webhooks removed.", len(wanted))
        )

    return _guarded(end)
