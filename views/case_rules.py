"""What the case rules page needs: which answers become follow-up cases (rules), who gets them (routes),
each touchpoint's root causes, the names to show them by, and each change as a typed result.

    match save_rule(user, rule_id, values):
        case Saved(message, subject_id): ...   # stored; say so
        case Invalid(field, message): ...      # that field is wrong (the store's FieldError); nothing saved
        case Refused(reason): ...              # not an admin, or nothing there to change; nothing changed
        case Busy(): ...                       # the state database stayed busy or away; nothing saved

Every change checks here, on the server, whatever the page showed, that the user is an admin
(auth.case_rules_refusal); the store writes each one to the audit log with who made it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

import auth
import queries
from components.controls import chosen
from data.state import accounts, cases, database
from data.warehouse import contract
from i18n import N_, _
from views.results import Busy, Invalid, Refused

log = logging.getLogger(__name__)

#: The rule form's fields, in its order (the store's names).
RULE_FIELDS = cases.RULE_FIELDS
#: How a route's assignee is chosen: one select of "owner:<id>" and "account:<username>".
ASSIGNEE_KINDS = cases.ASSIGNEE_KINDS


@dataclass(frozen=True)
class Saved:
    """Stored; `message` says what, `subject_id` is the rule, route or cause it was."""

    message: str
    subject_id: int | None = None


Result = Saved | Invalid | Refused | Busy

#: What each change says, whole sentences with named placeholders, marked for translation (`_` where said).
SAID = {
    "rule_added": N_("Rule #%(rule)s added."),
    "rule_saved": N_("Rule #%(rule)s saved."),
    "rule_enabled": N_("Rule #%(rule)s enabled."),
    "rule_disabled": N_("Rule #%(rule)s disabled: it opens no new cases."),
    "route_saved": N_("Route #%(route)s saved."),
    "route_removed": N_(
        "Route #%(route)s removed: its cases go by the next route that fits, or to the metric's owner."
    ),
    "route_gone": N_("there is no route #%(route)s (removed already?)."),
    "cause_added": N_("Root cause “%(cause)s” added."),
    "cause_enabled": N_("Root cause offered again."),
    "cause_disabled": N_("Root cause no longer offered (cases that name it keep it)."),
    "cause_up": N_("Root cause moved up."),
    "cause_down": N_("Root cause moved down."),
    "cause_top": N_("That cause is already at the top."),
    "cause_bottom": N_("That cause is already at the bottom."),
    "nothing_changed": N_("Nothing changed: %(why)s"),
}


# --- who ------------------------------------------------------------------------------------------


def may_read(user: auth.User) -> bool:
    return auth.may_read_case_rules(user)


def refusal(user: auth.User) -> str | None:
    return auth.case_rules_refusal(user)


def may_change(user: auth.User) -> bool:
    return refusal(user) is None


def _who(user: auth.User) -> str:
    """Who made a change, as the audit log and the rule's created_by/updated_by record it."""
    return user.username or user.name


# --- reading --------------------------------------------------------------------------------------


def catalogue() -> cases.Catalogue:
    """What rules and routes may name, from the live snapshot through the query layer (the survey
    metrics with their scales, touchpoints, segments, owners)."""
    metrics = queries.metrics()
    surveys = metrics[~metrics["kind"].isin(contract.COUNTED_KINDS)]
    return cases.Catalogue(
        {row.metric_id: (float(row.scale_min), float(row.scale_max)) for row in surveys.itertuples()},
        frozenset(queries.touchpoints()["touchpoint_id"]),
        frozenset(queries.segments()["segment_id"]),
        frozenset(queries.owners()["owner_id"]),
    )


def names() -> dict[str, dict[str, str]]:
    """metric/touchpoint/segment/owner/account → {id: name}: the survey metrics, the catalogue's
    touchpoints (journey order), segments and owners, and the accounts that are not disabled."""
    metrics = queries.metrics()
    surveys = metrics[~metrics["kind"].isin(contract.COUNTED_KINDS)]
    return {
        "metric": dict(surveys[["metric_id", "name"]].itertuples(index=False)),
        "touchpoint": dict(queries.touchpoints()[["touchpoint_id", "name"]].itertuples(index=False)),
        "segment": dict(queries.segments()[["segment_id", "name"]].itertuples(index=False)),
        "owner": dict(queries.owners()[["owner_id", "name"]].itertuples(index=False)),
        "account": {
            row["username"]: row["display_name"] or row["username"]
            for row in accounts.listing()
            if not row["disabled"] and row["role"] != auth.DISPLAY
        },
    }


def assignee_choices(found: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """A route's possible assignees as (value, text): the owners, then the accounts."""
    return [(f"owner:{key}", _("%(name)s (owner)", name=name)) for key, name in found["owner"].items()] + [
        (f"account:{key}", _("%(name)s (account %(username)s)", name=name, username=key))
        for key, name in found["account"].items()
    ]


def rules() -> list[dict]:
    return cases.rules()


def routes() -> list[dict]:
    return cases.routes()


def causes(touchpoint_id: str | None) -> list[dict]:
    """A touchpoint's causes in their order, disabled ones too (they can be offered again)."""
    if not touchpoint_id:
        return []
    return cases.causes(touchpoint_id, enabled_only=False)


def rule(rule_id) -> dict | None:
    return next((r for r in cases.rules() if str(r["rule_id"]) == str(rule_id)), None)


# --- changing -------------------------------------------------------------------------------------


def _guarded(user: auth.User, change: Callable[[], Result]) -> Result:
    """`change` if `user` is an admin, with the store's refusals as results: a wrong field named, a
    rule, route or cause that is not there (any more), a busy database."""
    reason = refusal(user)
    if reason is not None:
        return Refused(reason)
    try:
        return change()
    except cases.FieldError as error:
        return Invalid(error.field, str(error))
    except LookupError as error:
        return Refused(_(SAID["nothing_changed"], why=error.args[0]))
    except database.BusyError as error:
        return Busy.of(error)


def _rule_values(values: dict) -> dict:
    """A form's values as the store reads them: "all" touchpoints or segments is none."""
    return {
        **values,
        "touchpoint_id": chosen(values.get("touchpoint_id")),
        "segment_id": chosen(values.get("segment_id")),
    }


def save_rule(user: auth.User, rule_id: int | None, values: dict) -> Result:
    """A new rule (`rule_id` None) or rule `rule_id` changed to `values` (every field)."""

    def save() -> Result:
        clean = _rule_values(values)
        if rule_id is None:
            new_id = cases.add_rule(clean, _who(user), catalogue())
            log.info("Case rules: %s added rule %d", _who(user), new_id)
            return Saved(_(SAID["rule_added"], rule=new_id), new_id)
        cases.update_rule(int(rule_id), clean, _who(user), catalogue())
        log.info("Case rules: %s changed rule %s", _who(user), rule_id)
        return Saved(_(SAID["rule_saved"], rule=rule_id), int(rule_id))

    return _guarded(user, save)


def enable_rule(user: auth.User, rule_id: int, enabled: bool) -> Result:
    def save() -> Result:
        cases.set_rule_enabled(int(rule_id), bool(enabled), _who(user))
        text = SAID["rule_enabled"] if enabled else SAID["rule_disabled"]
        return Saved(_(text, rule=rule_id), int(rule_id))

    return _guarded(user, save)


def set_route(user: auth.User, values: dict) -> Result:
    """Route the cases of (metric, touchpoint, segment) to `values["assignee"]` ("owner:<id>" or
    "account:<username>"); a route for that scope already there is changed."""

    def save() -> Result:
        kind, _colon, assignee_id = (values.get("assignee") or "").partition(":")
        if not assignee_id:
            raise cases.FieldError("assignee", _("choose who gets these cases."))
        clean = {
            **_rule_values(values),
            "assignee_kind": kind,
            "assignee_id": assignee_id,
        }
        route_id = cases.set_route(clean, _who(user), catalogue())
        log.info("Case rules: %s set route %d", _who(user), route_id)
        return Saved(_(SAID["route_saved"], route=route_id), route_id)

    return _guarded(user, save)


def remove_route(user: auth.User, route_id: int) -> Result:
    def save() -> Result:
        if not cases.remove_route(int(route_id), actor=_who(user)):
            raise LookupError(_(SAID["route_gone"], route=route_id))
        return Saved(
            _(SAID["route_removed"], route=route_id),
            int(route_id),
        )

    return _guarded(user, save)


def add_cause(user: auth.User, touchpoint_id: str | None, cause: str | None) -> Result:
    def save() -> Result:
        if touchpoint_id not in catalogue().touchpoints:
            raise cases.FieldError("touchpoint_id", _("choose the touchpoint."))
        cause_id = cases.add_cause(touchpoint_id, cause or "", actor=_who(user))
        return Saved(_(SAID["cause_added"], cause=(cause or "").strip()), cause_id)

    return _guarded(user, save)


def enable_cause(user: auth.User, cause_id: int, enabled: bool) -> Result:
    def save() -> Result:
        cases.set_cause_enabled(int(cause_id), bool(enabled), actor=_who(user))
        text = SAID["cause_enabled"] if enabled else SAID["cause_disabled"]
        return Saved(_(text), int(cause_id))

    return _guarded(user, save)


def move_cause(user: auth.User, cause_id: int, step: int) -> Result:
    """One place up (step −1) or down (+1); at either end nothing moves, which is no error."""

    def save() -> Result:
        moved = cases.shift_cause(int(cause_id), -1 if step < 0 else 1, actor=_who(user))
        if not moved:
            return Saved(
                _(SAID["cause_top"] if step < 0 else SAID["cause_bottom"]),
                int(cause_id),
            )
        return Saved(_(SAID["cause_up"] if step < 0 else SAID["cause_down"]), int(cause_id))

    return _guarded(user, save)
