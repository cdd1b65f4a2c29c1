"""Demo commitments: the action plans of a believable CX programme, for the demo warehouse (data/demo/generator.py).

    python -m data.demo.commitments

seeds the state database (BEACON_STATE_URL) once, while it has no commitments (and the demo's
follow-up cases, data/demo/cases.py, once, while it has no case rules), and only when the
warehouse is the demo (a customer's own data never gets demo commitments). Every date is relative to the
warehouse's last data day, so the demo always looks current, and every commitment is made the way an
owner makes one: `commitments.validate` then `create`, and `update` for each later edit, so each has a
history of two to four entries.

The mix gives every accountability view something to show: open commitments due soon, three overdue,
one dropped, finished ones done on time and late; two finished ones that moved their metric (the checkout
payment redesign before the demo's checkout improvement; help articles in the help centre's rising
containment), three with no measurable change, one too recent to judge; and relationship NPS, off track,
left with no open commitment so the board shows a metric with no plan.
"""

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa

from data.demo import generator
from data.demo.cases import seed_cases
from data.state import commitments, database
from data.state.commitments import Catalogue
from data.warehouse.snapshot import catalogue_ids

DAY = timedelta(days=1)
NAMES = {owner_id: name for owner_id, name, _title, _email in generator.OWNERS}
DEMO = Catalogue(
    metrics=frozenset(metric.metric_id for metric in generator.METRICS),
    touchpoints=frozenset(generator.TOUCHPOINT_IDS),
    segments=frozenset(generator.SEGMENT_IDS),
    owners=frozenset(NAMES),
)


#: Days of the calm stretch that the finished commitments meant to measure a steady metric (and the help
#: articles riding the slow containment trend) use for their before and after windows.
QUIET_DAYS = 95


class Step(NamedTuple):
    changes: dict
    note: str
    by: str | None = None  # owner_id of who saved it; None: the commitment's owner


class Plan(NamedTuple):
    values: dict  # the form as first saved
    note: str
    steps: tuple[Step, ...] = ()  # later saves, oldest first


def _form(metric, touchpoint, segment, owner, title, description, start, due=None, **more) -> dict:
    return {
        "metric_id": metric,
        "touchpoint_id": touchpoint,
        "segment_id": segment,
        "owner_id": owner,
        "title": title,
        "description": description,
        "start_on": start,
        "due_on": due,
        "status": "planned",
        **more,
    }


def _started(progress: int, note: str, by: str | None = None) -> Step:
    return Step({"status": "in_progress", "progress": progress}, note, by)


def _done(completed_on: date, note: str) -> Step:
    return Step({"status": "done", "completed_on": completed_on}, note)


def _calm_stretch(story: generator.Story, days: int) -> date:
    """The first day of the latest `days` days in which the demo's model holds still: outside the holiday
    season, and with neither the checkout launch nor the price change under way or in between."""
    calm = story.holiday < 0.01
    regime = story.after_redesign + 2 * story.after_price_change  # constant only between events
    for first in range(len(story.days) - days, -1, -1):
        span = slice(first, first + days)
        if calm[span].all() and (regime[span] == regime[first]).all():
            return story.start + first * DAY
    raise ValueError(f"The demo ending {story.end} has no calm stretch of {days} days.")


def plans(as_of: date) -> list[Plan]:
    """The demo commitments for a warehouse whose data runs to `as_of`, in the order they are created."""
    # The demo's own events and seasons, placed by the same rules as its data, so that the finished
    # commitments' before and after windows fall where the data does (or does not) change.
    story = generator.Story(as_of)
    launch, tariffs = story.redesign, story.price_change
    quiet = _calm_stretch(story, QUIET_DAYS)
    sprint_start = launch - 29 * DAY  # a Monday: the 20-working-day sprint ends the Friday before launch
    return [
        Plan(
            _form(
                "complaints",
                "online_checkout",
                None,
                "dariush_karimi",
                "Redesign the checkout payment step",
                "Four-week sprint with our payments provider: a one-page payment step, saved cards and "
                "card-declined messages that say what to do next. Most checkout complaints start here.",
                sprint_start,
                kind="redesign sprint",
                expected_value=1.5,
            ),
            "Agreed at the quarterly CX review.",
            (
                _started(45, "Payments provider on board; new payment step tested with 12 customers."),
                _done(
                    commitments.sprint_due(sprint_start),
                    f"Sprint finished on time; the new checkout goes live on {launch:%A %-d %B}.",
                ),
            ),
        ),
        Plan(
            _form(
                "containment",
                "help_centre",
                None,
                "lucia_fernandez",
                "Rewrite the 40 most-read help articles",
                "Rewrite the articles behind most help-centre visits in plain language, with the steps "
                "customers actually take, so fewer of them need to call or chat afterwards.",
                quiet + 28 * DAY,
                quiet + 63 * DAY,
                expected_value=65,
            ),
            "Article list taken from the help centre's search and exit data.",
            (
                _started(50, "First 20 articles live; wording tested on chat transcripts."),
                _done(quiet + 60 * DAY, "All 40 articles rewritten and published."),
            ),
        ),
        Plan(
            _form(
                "tnps",
                None,
                None,
                "julien_moreau",
                "Call back every detractor within 48 hours",
                "Close the loop: a team lead calls every customer who scores us 0-6 after an interaction, "
                "fixes what can be fixed and logs the root cause.",
                quiet + 28 * DAY,
                quiet + 56 * DAY,
            ),
            "",
            (
                _started(30, "Callback rota agreed with the contact centre; 60% reached in week one."),
                _done(quiet + 66 * DAY, "Every detractor now called within 48 hours; weekends took longer."),
                Step(
                    {}, "No measurable change in touchpoint NPS yet; the callbacks stay, they save customers."
                ),
            ),
        ),
        Plan(
            _form(
                "ces",
                None,
                None,
                "reka_szabo",
                "Let signed-in app customers skip the security questions",
                "Customers who call or chat from the app are already identified; stop asking them to prove "
                "who they are a second time.",
                quiet + 35 * DAY,
                quiet + 70 * DAY,
                expected_value=2.9,
            ),
            "Security team agreed the change for app sessions only.",
            (
                _started(60, "Live in chat; the phone line follows after IVR testing."),
                _done(quiet + 66 * DAY, "Live on the phone line too."),
            ),
        ),
        Plan(
            _form(
                "rnps",
                None,
                None,
                "aino_virtanen",
                "Send a 'You said, we did' e-mail after every relationship survey",
                "Tell customers what changed because of their feedback, to show the survey is worth their "
                "time.",
                quiet + 42 * DAY,
                quiet + 56 * DAY,
            ),
            "",
            (
                _started(50, "First issue drafted with the checkout and billing teams."),
                _done(quiet + 63 * DAY, "Sent a week late, after legal review of the wording."),
            ),
        ),
        Plan(
            _form(
                "fcr",
                "chat",
                None,
                "reka_szabo",
                "Let chat agents refund up to €50 without a supervisor",
                "Most repeat chats are customers waiting for a refund approval; let the agent settle it in "
                "the first chat.",
                as_of - 45 * DAY,
                as_of - 14 * DAY,
            ),
            "Finance agreed the €50 limit.",
            (
                _started(40, "Refund rights switched on for the first two chat teams."),
                _done(as_of - 14 * DAY, "All chat teams can refund up to €50."),
            ),
        ),
        Plan(
            _form(
                "rnps",
                None,
                "smb",
                "aino_virtanen",
                "Set up a customer advisory panel for small businesses",
                "Fifteen small-business customers meet us every quarter to review changes before launch.",
                as_of - 120 * DAY,
                as_of - 30 * DAY,
            ),
            "",
            (
                _started(20, "9 of 15 panel members recruited."),
                Step(
                    {"status": "dropped"},
                    "Dropped at the quarterly review: members would not commit to the dates. Small-business "
                    "feedback now comes from the SMB desk's follow-up calls.",
                ),
            ),
        ),
        Plan(
            _form(
                "aht",
                "contact_centre",
                None,
                "reka_szabo",
                "Give agents a guide to the new tariffs",
                "Since the price change, billing questions take agents far longer; one page per tariff "
                "question, with the answer to give.",
                tariffs + 7 * DAY,
                as_of - 10 * DAY,
                expected_value=400,
            ),
            "",
            (
                _started(40, "Top 15 tariff questions written up with the billing team."),
                _started(70, "Guide in use on two of four teams; the rest slipped behind holiday hiring."),
            ),
        ),
        Plan(
            _form(
                "complaints",
                "billing",
                None,
                "dariush_karimi",
                "Explain the new tariffs in plain language on every invoice",
                "Complaints about billing doubled after the price change; most are about what the new "
                "tariff lines mean.",
                tariffs + 14 * DAY,
                as_of - 21 * DAY,
                expected_value=7,
            ),
            "",
            (
                _started(30, "Invoice wording approved by legal."),
                _started(
                    60, "Print vendor contract signed; first invoices with the new wording in December."
                ),
            ),
        ),
        Plan(
            _form(
                "csat",
                "billing",
                None,
                "dariush_karimi",
                "Warn customers before an unusually high bill",
                "An e-mail and app message when a bill will be more than 30% above the usual one, with the "
                "reason.",
                as_of - 35 * DAY,
                as_of - 4 * DAY,
            ),
            "Owned by Billing & Payments, measured on billing CSAT.",
            (Step({"start_on": as_of - 20 * DAY}, "Start postponed: the usage forecast is late."),),
        ),
        Plan(
            _form(
                "tnps",
                "billing",
                None,
                "julien_moreau",
                "Interview 30 billing detractors and report the top five fixes",
                "Billing NPS is off target since the price change; find out what would win these customers "
                "back.",
                as_of - 21 * DAY,
                as_of + 18 * DAY,
            ),
            "",
            (_started(40, "12 interviews done; tariff confusion and surprise charges lead so far."),),
        ),
        Plan(
            _form(
                "ces",
                None,
                "smb",
                "reka_szabo",
                "Open a small-business line with named agents",
                "Small businesses report the most effort; give them a line of their own where the same "
                "agents know their accounts.",
                as_of + 10 * DAY,
                as_of + 56 * DAY,
                expected_value=3.0,
            ),
            "Budget approved for four agents.",
            (Step({"due_on": as_of + 70 * DAY}, "Moved back two weeks: recruiting starts after the peak."),),
        ),
        Plan(
            _form(
                "churn",
                "renewal_desk",
                "students",
                "grace_okafor",
                "Offer students a graduation plan at renewal",
                "Students leave when they graduate; offer them a plan that moves with them instead of a "
                "cancellation.",
                as_of - 14 * DAY,
                as_of + 40 * DAY,
                expected_value=12,
            ),
            "",
            (_started(25, "Offer priced; renewal desk scripts in review."),),
        ),
        Plan(
            _form(
                "fcr",
                "contact_centre",
                None,
                "reka_szabo",
                "Call back within 2 hours when the first contact did not solve it",
                "Agents flag an unresolved call; a specialist calls the customer back the same morning or "
                "afternoon, before they call again.",
                as_of + 3 * DAY,
                as_of + 45 * DAY,
            ),
            "",
            (Step({}, "Workforce planning has freed two specialists per shift."),),
        ),
        Plan(
            _form(
                "enps",
                None,
                None,
                "priya_raman",
                "Publish the holiday-peak rota four weeks ahead",
                "Frontline staff told us late rotas are the worst part of the peak; agree them with the "
                "teams a month ahead.",
                as_of - 30 * DAY,
                as_of + 12 * DAY,
            ),
            "",
            (_started(80, "Store and contact-centre rotas published; field service next week."),),
        ),
        Plan(
            _form(
                "accessibility_csat",
                None,
                None,
                "lucia_fernandez",
                "Screen-reader audit of checkout and app setup",
                "An external audit with screen-reader users of the two journeys the accessibility panel "
                "rates lowest.",
                as_of + 14 * DAY,
                as_of + 75 * DAY,
            ),
            "",
            (Step({}, "Audit partner chosen; fieldwork booked for January.", "aino_virtanen"),),
        ),
        Plan(
            _form(
                "containment",
                "mobile_app",
                None,
                "lucia_fernandez",
                "Redesign the in-app bill explainer",
                "Four-week sprint: show each new tariff line with what it means and how it changed, so "
                "customers do not have to call about it.",
                as_of - 8 * DAY,
                kind="redesign sprint",
            ),
            "",
            (_started(30, "Designs tested with eight customers; build started."),),
        ),
        Plan(
            _form(
                "csat",
                "store_purchase",
                None,
                "tom_becker",
                "Queue-busting tills on Saturdays in the ten busiest stores",
                "Staff with handheld tills take payment in the queue at Saturday peaks.",
                as_of - 20 * DAY,
                as_of + 30 * DAY,
            ),
            "",
            (_started(50, "Running in five stores; handhelds for the other five arrive next week."),),
        ),
    ]


def _clean(values: dict, as_of: date) -> dict:
    clean, errors = commitments.validate(values, DEMO, as_of)
    if errors:
        raise ValueError(f"Demo commitment “{values['title']}” is not valid: {errors}")
    return clean


def seed_commitments(url: str, as_of: date) -> int:
    """Create the demo commitments in the state database at `url` unless it already has commitments;
    returns how many were created."""
    database.migrate(url)
    with database.reading(url) as connection:
        if connection.execute(sa.select(sa.func.count()).select_from(database.commitments)).scalar():
            return 0
    made = plans(as_of)
    for plan in made:
        values = _clean(plan.values, as_of)
        # Dated as the owner would have saved them, so the histories read like a programme's past.
        at = _working_hours(min(values["start_on"] - 3 * DAY, as_of), 9)
        commitment_id = commitments.create(values, NAMES[values["owner_id"]], plan.note, url, at)
        version = 1
        for step in plan.steps:
            values = _clean({**values, **step.changes}, as_of)
            at = max(at, _working_hours(_step_day(values, as_of), 16))
            by = NAMES[step.by or values["owner_id"]]
            version = commitments.update(commitment_id, version, values, by, step.note, url, at)
    return len(made)


def _step_day(values: dict, as_of: date) -> date:
    """When a step was saved: on completion for "done", else as far into the plan as its progress."""
    if values["completed_on"] is not None:
        return values["completed_on"]
    span = (values["due_on"] - values["start_on"]).days
    return min(values["start_on"] + round(span * values["progress"] / 100) * DAY, as_of)


def _working_hours(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 30))


def _where(url: str) -> str:
    """The state database as a person would name it: the SQLite file, else the URL without password."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database).resolve()
        return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)
    return parsed.render_as_string(hide_password=True)


def _not_demo(present: dict[str, set[str]]) -> list[str]:
    """The demo ids a warehouse lacks, from its catalogue's ids by kind (none when it is the demo)."""
    needed = {
        "metric": DEMO.metrics,
        "touchpoint": DEMO.touchpoints,
        "segment": DEMO.segments,
        "owner": DEMO.owners,
    }
    return [f"{kind} {name}" for kind, ids in needed.items() for name in sorted(ids - present[kind])]


def main() -> None:
    import config  # the repository root's settings: only the command line needs them
    import i18n
    from i18n import _

    # The command speaks BEACON_DEFAULT_LANGUAGE (i18n's default outside a request).

    where = _where(config.STATE_URL)
    if not Path(config.WAREHOUSE).is_file():
        print(
            _(
                "%(where)s: no warehouse at %(warehouse)s, no demo commitments",
                where=where,
                warehouse=config.WAREHOUSE,
            )
        )
        return
    present, as_of = catalogue_ids(config.WAREHOUSE)
    missing = _not_demo(present)
    if missing:
        print(
            _(
                "%(where)s: the warehouse is not the demo (no %(missing)s), no demo commitments",
                where=where,
                missing=", ".join(missing[:3]),
            )
        )
        return
    created = seed_commitments(config.STATE_URL, as_of)
    print(
        _("%(where)s: %(count)s demo commitments seeded", where=where, count=i18n.format_integer(created))
        if created
        else _("%(where)s: has commitments, left as is", where=where)
    )
    opened = seed_cases(config.STATE_URL, config.WAREHOUSE)
    print(
        _(
            "%(where)s: demo case rules and %(count)s follow-up cases seeded",
            where=where,
            count=i18n.format_integer(opened),
        )
        if opened
        else _("%(where)s: has case rules, left as is", where=where)
    )


if __name__ == "__main__":
    main()
