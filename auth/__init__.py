"""Who is acting on a request, and what they may do: the rules, as pure functions of a User.

Sign-in modes (BEACON_AUTH) decide who the User is; auth.web sets it on each request:
* "none": the local single-user demo: one person on this machine, with every right, named by BEACON_USER.
* "local": accounts in the state database (data.accounts), the sign-in page and sessions (auth.web).
A company single sign-on (OIDC) would be one more mode: its own sign-in routes setting the same User on
the request. The rules below and every page stay as they are.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from i18n import N_, _

VIEWER, OWNER, ADMIN = "viewer", "owner", "admin"
DISPLAY = "display"  # a wall screen signed in with a display token: /wall only, always public


@dataclass(frozen=True)
class User:
    name: str  # as histories and the audit log record it
    role: str  # viewer | owner | admin | display
    username: str = ""  # empty without sign-in (BEACON_AUTH=none) and for displays
    owner_id: str | None = None  # for an owner: the warehouse's owner they are
    language: str | None = None  # the interface language the account chose (i18n), None: not chosen


def may_change_commitments(user: User) -> bool:
    """Whether the user may change any commitment at all (which ones: `commitment_refusal`)."""
    return user.role in (OWNER, ADMIN)


def may_read_comments(user: User, viewers_read_comments: bool) -> bool:
    """Verbatim comments: owners and admins always; viewers unless configured otherwise; displays never
    (a wall screen is public)."""
    return user.role in (OWNER, ADMIN) or (user.role == VIEWER and viewers_read_comments)


#: Why each role that changes no commitment is refused a save (whole sentences; the last for any other).
COMMITMENT_REFUSALS = {
    VIEWER: N_("Not saved: you are signed in as a viewer, who reads Beacon but does not change commitments."),
    DISPLAY: N_(
        "Not saved: you are signed in as a display, who reads Beacon but does not change commitments."
    ),
    None: N_("Not saved: you are signed in as a %(role)s, who reads Beacon but does not change commitments."),
}


def commitment_refusal(
    user: User, metric_owners: Mapping[str, str | None], stored: Mapping | None, wanted: Mapping
) -> str | None:
    """Why `user` may not save `wanted` over `stored` (None: a new commitment), or None when they may.

    An admin may change anything. An owner may create and change commitments they own or that are on
    metrics they own, and the commitment must stay theirs: an owner cannot hand work to someone else's
    metric and owner, nor take over another's. Viewers and displays change nothing."""
    if user.role == ADMIN:
        return None
    if user.role != OWNER:
        return _(COMMITMENT_REFUSALS.get(user.role, COMMITMENT_REFUSALS[None]), role=user.role)

    def theirs(commitment: Mapping) -> bool:
        return user.owner_id in (commitment.get("owner_id"), metric_owners.get(commitment.get("metric_id")))

    if stored is not None and not theirs(stored):
        return _("Not saved: this commitment is neither yours nor on a metric you own.")
    if not theirs(wanted):
        return _("Not saved: you may only save commitments that you own or that are on a metric you own.")
    return None


def may_see_cases(user: User, viewers_read_comments: bool) -> bool:
    """Follow-up cases hold customers' words: whoever may read comments sees them; displays never."""
    return may_read_comments(user, viewers_read_comments)


def case_refusal(user: User, case: Mapping, metric_owner_id: str | None) -> str | None:
    """Why `user` may not act on `case`, or None when they may: its assignee (as an owner or an
    account), the owner of its metric, and admins act; everyone else only reads."""
    if user.role == ADMIN:
        return None
    assignee = (case.get("assignee_kind"), case.get("assignee_id"))
    if (
        user.role == OWNER
        and user.owner_id
        and user.owner_id in (metric_owner_id, assignee[1] if assignee[0] == "owner" else None)
    ):
        return None
    if user.username and assignee == ("account", user.username):
        return None
    return _("Not saved: only the case's assignee, its metric's owner or an admin acts on a case.")


def may_read_case_rules(user: User) -> bool:
    """The rules that turn answers into cases, their routes and the root causes offered are no one's
    words: every signed-in person reads them; a display (a public wall) does not."""
    return user.role in (VIEWER, OWNER, ADMIN)


#: Why each role other than admin may not change case rules, routes or root causes (whole sentences).
CASE_RULES_REFUSALS = {
    VIEWER: N_(
        "Not saved: you are signed in as a viewer, and only an admin changes case rules, routes and root causes."
    ),
    OWNER: N_(
        "Not saved: you are signed in as an owner, and only an admin changes case rules, routes and root causes."
    ),
    DISPLAY: N_("Not saved: a wall display changes nothing."),
}
SIGNED_OUT_REFUSAL = N_("Not saved: you are signed out. Sign in again as an admin to change case rules.")


def case_rules_refusal(user: User) -> str | None:
    """Why `user` may not change which answers become cases, who gets them or a touchpoint's root
    causes, or None when they may: only admins change these (anyone else, signed out included, is
    refused with a sentence of their own)."""
    if user.role == ADMIN:
        return None
    return _(CASE_RULES_REFUSALS.get(user.role, SIGNED_OUT_REFUSAL))
