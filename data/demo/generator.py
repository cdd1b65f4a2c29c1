"""Demo warehouse: two years of believable CX data for an international B2C + B2B company.

    python -m data.demo --out PATH --responses N --end YYYY-MM-DD --seed S

writes a snapshot through `data.warehouse.write_snapshot`: the catalogue (touchpoints, segments, owners,
metrics), quarterly targets, annotations, survey answers (`responses`, about N rows) and daily operational
counts (`measurements`, independent of N) for the 24 months ending at --end.

The story: a weekly rhythm per channel, a Q4 holiday peak that lifts volume and dents satisfaction, an
online checkout that clearly improves after its redesign, billing that deteriorates after a price change,
a lagging small-business segment, and thin cells (students at field service or sales consultations).

The default view (all customers, quarter to date as of --end) shows every status word whatever the size
and end date, because each comes from a part of the story that does not depend on sampling:

* `containment` on_track, `fcr` at_risk, `aht` off_track: every case counted, thousands a day, with
  targets placed against the model's expected value for the quarter so far, well clear of the noise;
* `complaints` no_target: a new complaint definition this quarter, so its company-wide target is being
  re-baselined (only billing keeps an interim one);
* `enps` no_data: HR releases each quarter's employee survey only after the quarter closes (its
  catalogue cadence is `quarterly`);
* `accessibility_csat` insufficient: a pilot with one answer a day and min_sample 100 (a quarter has at
  most 92 days).

Everything is vectorised (NumPy, Arrow, DuckDB SQL); loops run over days, metrics, cells or batches, never
rows. The build streams: how many surveys start in each (day, touchpoint, segment) cell is drawn first for
the whole range, then the answers are drawn and written a range of days (`BATCH_ROWS` answers) at a time,
so its memory is bounded by the batch, not by --responses.
"""

import argparse
import itertools
import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

import duckdb
import numpy as np
import pyarrow as pa
from scipy.special import ndtr

from data.demo import comments as corpus
from data.warehouse.contract import TABLES, UNITS
from data.warehouse.snapshot import write_snapshot

# --- Catalogue ---------------------------------------------------------------------------------------

OWNERS = (
    # owner_id, name, title, email
    ("aino_virtanen", "Aino Virtanen", "VP Customer Experience", "aino.virtanen@example.com"),
    ("julien_moreau", "Julien Moreau", "Head of Customer Insight", "julien.moreau@example.com"),
    ("lucia_fernandez", "Lucía Fernández", "Head of Digital", "lucia.fernandez@example.com"),
    ("reka_szabo", "Réka Szabó", "Head of Contact Centre", "reka.szabo@example.com"),
    ("tom_becker", "Tom Becker", "Director of Stores & Field Service", "tom.becker@example.com"),
    ("dariush_karimi", "Dariush Karimi", "Head of Billing & Payments", "dariush.karimi@example.com"),
    ("grace_okafor", "Grace Okafor", "Director of Customer Success", "grace.okafor@example.com"),
    ("priya_raman", "Priya Raman", "Head of People Experience", "priya.raman@example.com"),
)

SEGMENTS = (
    # segment_id, name, description
    ("consumer", "Consumers", "Households buying for themselves, online and in our stores."),
    ("students", "Students", "Consumers on student plans: price-sensitive, app-first."),
    ("smb", "Small business", "Companies with fewer than 50 employees, served by the SMB desk."),
    ("enterprise", "Enterprise", "Large companies with a named account manager."),
    ("public_sector", "Public sector", "Municipalities, schools and agencies on framework contracts."),
)

TOUCHPOINTS = (
    # touchpoint_id, name, journey_stage, stage_order, channel
    ("web_search", "Website & search", "discover", 1, "web"),
    ("sales_consult", "Sales consultation", "discover", 1, "field"),
    ("online_checkout", "Online checkout", "buy", 2, "web"),
    ("store_purchase", "Store purchase", "buy", 2, "store"),
    ("welcome_call", "Welcome call", "onboard", 3, "contact centre"),
    ("app_setup", "App setup", "onboard", 3, "app"),
    ("mobile_app", "Mobile app", "use", 4, "app"),
    ("billing", "Billing & payments", "use", 4, "web"),
    ("contact_centre", "Contact centre", "get help", 5, "contact centre"),
    ("chat", "Chat", "get help", 5, "app"),
    ("help_centre", "Help centre", "get help", 5, "web"),
    ("field_service", "Field service", "get help", 5, "field"),
    ("renewal_desk", "Renewal desk", "renew", 6, "contact centre"),
)


class Metric(NamedTuple):
    metric_id: str
    name: str
    kind: str  # one of the contract's KINDS
    unit: str  # one of the contract's UNITS
    higher_is_better: bool
    scale_min: float | None  # survey kinds only
    scale_max: float | None
    owner_id: str
    min_sample: int
    cadence: str | None = None  # one of the contract's CADENCES; None: inferred from the data


METRICS = (  # in sort order
    Metric("rnps", "Relationship NPS", "nps", "pts", True, 0, 10, "aino_virtanen", 30),
    Metric("tnps", "Touchpoint NPS", "nps", "pts", True, 0, 10, "julien_moreau", 30),
    Metric("csat", "Customer satisfaction (CSAT)", "top2box", "%", True, 1, 5, "tom_becker", 30),
    Metric("ces", "Customer effort score", "mean", "score", False, 1, 7, "reka_szabo", 30),
    Metric("fcr", "First-contact resolution", "ratio", "%", True, None, None, "reka_szabo", 30),
    Metric("aht", "Average handle time", "ratio", "s", False, None, None, "reka_szabo", 30),
    Metric("containment", "Digital containment", "ratio", "%", True, None, None, "lucia_fernandez", 30),
    Metric("churn", "Churn at renewal", "ratio", "%", False, None, None, "grace_okafor", 30),
    Metric(
        "complaints",
        "Complaints per 1 000 customers",
        "ratio",
        "per1000",
        False,
        None,
        None,
        "dariush_karimi",
        30,
    ),
    Metric("enps", "Frontline employee NPS", "nps", "pts", True, 0, 10, "priya_raman", 30, "quarterly"),
    Metric("accessibility_csat", "Accessibility CSAT", "top2box", "%", True, 1, 5, "lucia_fernandez", 100),
)
METRIC = {m.metric_id: m for m in METRICS}

METRIC_DESCRIPTIONS = {
    "rnps": "How likely are you to recommend us to a friend or colleague (0-10)? Asked in the relationship "
    "survey and attributed to the touchpoint the customer used last. % promoters (9-10) minus % detractors "
    "(0-6).",
    "tnps": "The recommend question (0-10) asked right after an interaction at a touchpoint.",
    "csat": "Share of customers answering 4 or 5 to 'How satisfied were you with ...?' (1-5).",
    "ces": "Average answer to 'How much effort did it take to get what you needed?' from 1 (very little) to "
    "7 (a great deal); asked at service touchpoints. Lower is better.",
    "fcr": "Contacts at the contact centre and in chat that needed no repeat contact within 7 days, as a "
    "share of all contacts.",
    "aht": "Talk or chat time plus after-contact work, in seconds per contact: total handle seconds divided "
    "by contacts.",
    "containment": "Self-service help sessions (help centre, app) not followed by an assisted contact within "
    "24 hours, as a share of all help sessions.",
    "churn": "Customers who left at contract end, as a share of customers due for renewal.",
    "complaints": "Formal complaints about a touchpoint per 1 000 customers it served. A new complaint "
    "definition took effect this quarter; the company-wide target is being re-baselined.",
    "enps": "How likely are you to recommend working here (0-10)? Asked to store, contact-centre and field "
    "staff. HR releases each quarter's results after the quarter closes.",
    "accessibility_csat": "Pilot: share answering 4 or 5 to 'How well did our app and website work with your "
    "assistive technology?' (1-5), from a small panel; reported once a period reaches 100 answers.",
}

# --- The story ---------------------------------------------------------------------------------------

SEGMENT_IDS = tuple(row[0] for row in SEGMENTS)
TOUCHPOINT_IDS = tuple(row[0] for row in TOUCHPOINTS)
CHANNEL = {row[0]: row[4] for row in TOUCHPOINTS}


class TouchpointStory(NamedTuple):
    volume: float  # share of transactional surveys
    quality: float  # baseline satisfaction, in latent units (about -1 .. +1)
    holiday: float  # volume lift at the peak of the Q4 holiday season
    questions: tuple[str, ...]  # survey questions, in the order asked
    mix: tuple[float, ...]  # customers by segment, in SEGMENTS order


TOUCHPOINT_STORY = {
    "web_search": TouchpointStory(8, 0.10, 0.9, ("tnps", "csat"), (60, 16, 15, 6, 3)),
    "sales_consult": TouchpointStory(3, 0.30, 0.2, ("tnps", "csat"), (0, 1, 45, 34, 20)),  # B2B; few students
    "online_checkout": TouchpointStory(14, -0.45, 1.0, ("tnps", "csat"), (70, 18, 9, 1, 2)),  # until redesign
    "store_purchase": TouchpointStory(10, 0.35, 0.9, ("tnps", "csat"), (72, 20, 7, 0.5, 0.5)),
    "welcome_call": TouchpointStory(5, 0.30, 0.3, ("tnps", "csat", "ces"), (55, 12, 20, 8, 5)),
    "app_setup": TouchpointStory(6, -0.10, 0.5, ("tnps", "csat", "ces"), (60, 25, 10, 3, 2)),
    "mobile_app": TouchpointStory(14, 0.20, 0.3, ("tnps", "csat"), (62, 24, 10, 2, 2)),
    "billing": TouchpointStory(
        9, -0.15, 0.2, ("tnps", "csat", "ces"), (60, 12, 18, 6, 4)
    ),  # until price change
    "contact_centre": TouchpointStory(14, -0.30, 0.4, ("tnps", "csat", "ces"), (55, 10, 22, 7, 6)),
    "chat": TouchpointStory(7, 0.0, 0.4, ("tnps", "csat", "ces"), (58, 22, 14, 3, 3)),
    "help_centre": TouchpointStory(5, -0.20, 0.3, ("tnps", "csat", "ces"), (58, 20, 15, 4, 3)),
    "field_service": TouchpointStory(
        4, 0.25, 0.2, ("tnps", "csat", "ces"), (40, 1, 25, 20, 14)
    ),  # few students
    "renewal_desk": TouchpointStory(3, -0.10, 0.1, ("tnps", "csat", "ces"), (50, 15, 20, 8, 7)),
}

# What customers' comments talk about, per touchpoint (topics of data.demo.comments).
TOUCHPOINT_TOPICS = {
    "web_search": {"website": 1},
    "sales_consult": {"sales": 0.6, "staff": 0.25, "price": 0.15},
    "online_checkout": {"checkout": 0.75, "website": 0.1, "price": 0.15},
    "store_purchase": {"store": 0.6, "staff": 0.4},
    "welcome_call": {"onboarding": 0.6, "staff": 0.25, "waiting": 0.15},
    "app_setup": {"onboarding": 0.5, "app": 0.5},
    "mobile_app": {"app": 1},
    "billing": {"billing": 0.75, "price": 0.25},
    "contact_centre": {"waiting": 0.45, "staff": 0.55},
    "chat": {"chat": 0.7, "waiting": 0.3},
    "help_centre": {"website": 1},
    "field_service": {"technician": 0.8, "waiting": 0.2},
    "renewal_desk": {"price": 0.5, "staff": 0.3, "waiting": 0.2},
}

# Satisfaction by segment (latent units): small business lags behind everyone else.
SEGMENT_QUALITY = {
    "consumer": 0.0,
    "students": 0.15,
    "smb": -0.45,
    "enterprise": 0.10,
    "public_sector": -0.05,
}

# Volume by weekday (Monday first) and by hour of day, per channel.
CHANNEL_WEEKDAYS = {
    "web": (1.0, 1.0, 1.0, 0.97, 0.92, 1.05, 1.12),
    "app": (1.0, 1.0, 1.0, 1.0, 1.0, 1.15, 1.2),
    "contact centre": (1.25, 1.1, 1.05, 1.0, 0.95, 0.45, 0.2),
    "store": (0.8, 0.85, 0.9, 0.95, 1.15, 1.6, 0.6),
    "field": (1.2, 1.2, 1.2, 1.2, 1.1, 0.35, 0.0),
}
CHANNEL_HOURS = {
    "web": (0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.5, 1.8, 2.0, 2.0,
            2.1, 2.0, 1.9, 1.9, 2.0, 2.2, 2.5, 2.8, 2.8, 2.3, 1.5, 0.8),
    "app": (0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 0.9, 1.6, 1.8, 1.6, 1.5, 1.6,
            1.9, 1.7, 1.5, 1.5, 1.7, 2.0, 2.4, 2.8, 3.0, 2.6, 1.8, 1.0),
    "contact centre": (0, 0, 0, 0, 0, 0, 0, 0, 2.0, 3.0, 3.2, 3.0,
                       2.4, 2.6, 2.9, 2.8, 2.5, 1.9, 1.3, 0.9, 0.4, 0.2, 0, 0),
    "store": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1.5, 2.2,
              2.6, 2.6, 2.3, 2.2, 2.4, 2.8, 2.9, 2.2, 1.2, 0.4, 0, 0),
    "field": (0, 0, 0, 0, 0, 0, 0, 0, 1.2, 2.0, 2.4, 2.4,
              1.6, 2.2, 2.4, 2.2, 1.8, 1.2, 0.6, 0.3, 0, 0, 0, 0),
}  # fmt: skip


class SurveyStory(NamedTuple):
    base: float  # mean answer of an average customer at an average touchpoint
    gain: float  # answer points per latent unit of satisfaction (negative: lower is better)
    spread: float  # standard deviation of answers within a cell


SURVEY_STORY = {
    "rnps": SurveyStory(7.6, 0.7, 2.3),
    "tnps": SurveyStory(8.0, 1.0, 2.2),
    "csat": SurveyStory(4.0, 0.5, 0.95),
    "ces": SurveyStory(3.0, -0.6, 1.3),
    "enps": SurveyStory(7.2, 0.0, 2.2),  # employees: see Story.survey_means
    "accessibility_csat": SurveyStory(3.9, 0.45, 1.0),
}
SURVEY_METRICS = tuple(SURVEY_STORY)

RELATIONSHIP_SHARE = 0.15  # of response rows: the relationship survey (rNPS only)
EMPLOYEE_SHARE = 0.02  # of response rows: the frontline employee survey (eNPS only)
BREAKOFF = 0.08  # respondents who abandon a survey before its last question
ANSWER_CORRELATION = 0.7  # one respondent's answers to the questions of one survey move together

# Staff answering the employee survey: touchpoint -> the customers their team serves, by segment.
EMPLOYEE_MIX = {
    "store_purchase": (70, 30, 0, 0, 0),
    "contact_centre": (55, 10, 25, 5, 5),
    "field_service": (0, 0, 30, 40, 30),
}
EMPLOYEE_QUALITY = {"store_purchase": -0.3, "contact_centre": -0.5, "field_service": 0.4}
# The accessibility pilot panel answers about these touchpoints.
PILOT_TOUCHPOINTS = {"mobile_app": 0.4, "app_setup": 0.2, "help_centre": 0.2, "online_checkout": 0.2}

# Operational (ratio) metrics: where measured, with the daily volume (denominator, all segments) and the
# base rate (a share; seconds per contact for aht; complaints per 1 000 customers served).
RATIO_STORY = {
    "fcr": {"contact_centre": (9000, 0.71), "chat": (4200, 0.77)},
    "aht": {
        "contact_centre": (9000, 410),
        "chat": (4200, 560),
        "welcome_call": (1500, 620),
        "renewal_desk": (1300, 480),
    },
    "containment": {"help_centre": (22000, 0.56), "mobile_app": (15000, 0.70)},
    "churn": {"renewal_desk": (5000, 0.085)},
    "complaints": {
        "online_checkout": (40000, 2.2),
        "store_purchase": (25000, 1.2),
        "billing": (60000, 5.0),
        "contact_centre": (9000, 3.5),
        "field_service": (2500, 3.0),
        "mobile_app": (120000, 0.9),
    },
}
# Added to the base rate, by segment in SEGMENTS order.
RATIO_SEGMENT_EFFECT = {
    "fcr": (0, 0.02, -0.04, 0.05, 0.01),
    "aht": (0, -30, 30, 80, 50),
    "containment": (0, 0.04, -0.02, -0.06, -0.03),
    "churn": (0, 0.045, 0.025, -0.04, -0.05),
    "complaints": (0, -0.2, 0.5, 0.3, -0.2),
}

# Targets: the status each target gives this quarter (against the model's expected value for the quarter
# so far), and a plan that tightened every quarter before. `margin` is the surplus for on_track, the
# shortfall for at_risk (inside the tolerance) and the shortfall beyond the tolerance for off_track.
# `no_target` keeps the rows of past quarters (placed like at_risk) but has none for this quarter.
TARGET_PLAN = (
    # metric, touchpoint, segment, status now, margin, tolerance, tightening per quarter
    ("rnps", None, None, "off_track", 6, 4, 1.0),
    ("rnps", None, "enterprise", "at_risk", 3, 6, 1.0),
    ("tnps", None, None, "on_track", 6, 4, 1.0),
    ("tnps", "online_checkout", None, "on_track", 4, 4, 3.0),
    ("tnps", "billing", None, "off_track", 10, 5, 0.5),
    ("csat", None, None, "at_risk", 1.5, 3, 0.5),
    ("csat", "billing", None, "off_track", 5, 3, 0.5),
    ("csat", "store_purchase", "students", "on_track", 3, 3, 0.5),
    ("ces", None, None, "on_track", 0.15, 0.2, 0.05),
    ("ces", None, "smb", "off_track", 0.15, 0.2, 0.05),
    ("fcr", None, None, "at_risk", 2, 4, 0.5),
    ("fcr", "contact_centre", "enterprise", "on_track", 2, 3, 0.5),
    ("aht", None, None, "off_track", 25, 20, 5),
    ("aht", "chat", None, "on_track", 20, 30, 5),
    ("containment", None, None, "on_track", 4, 3, 1.0),
    ("churn", None, None, "on_track", 1.5, 0.5, 0.1),
    ("churn", None, "students", "at_risk", 0.8, 2, 0.2),
    ("complaints", None, None, "no_target", 0.2, 0.5, 0.1),
    ("complaints", "billing", None, "off_track", 1.0, 0.5, 0.1),
    ("enps", None, None, "at_risk", 3, 5, 1.0),
    ("accessibility_csat", None, None, "on_track", 5, 5, 0.0),
)
TARGET_STEP = {"pts": 1.0, "%": 0.5, "score": 0.05, "s": 5.0, "per1000": 0.1}  # targets are round numbers

# Probability that an NPS answer comes with a comment, by sentiment (detractors write the most).
COMMENT_RATE = {"negative": 0.45, "mixed": 0.22, "positive": 0.30}
RELATIONSHIP_OVERALL = 0.4  # relationship comments about the company overall, not the last touchpoint


# --- Calendar helpers --------------------------------------------------------------------------------


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(day: date) -> date:
    start = quarter_start(day)
    return date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)


def first_day(end: date) -> date:
    """The first day of the 24 months ending at `end` (inclusive)."""
    try:
        two_years_earlier = end.replace(year=end.year - 2)
    except ValueError:  # 29 February
        two_years_earlier = end.replace(year=end.year - 2, day=28)
    return two_years_earlier + timedelta(days=1)


def _black_fridays(start: date, end: date) -> list[date]:
    days = []
    for year in range(start.year, end.year + 1):
        november_first = date(year, 11, 1)
        thanksgiving = november_first + timedelta(days=(3 - november_first.weekday()) % 7 + 21)
        if start <= thanksgiving + timedelta(days=1) <= end:
            days.append(thanksgiving + timedelta(days=1))
    return days


def _shares(weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()


# --- The model ---------------------------------------------------------------------------------------


class Story:
    """Every expected quantity of the demo, as arrays over (day, touchpoint, segment).

    Sampling draws from these arrays, and targets are placed against their expectations, so a target's
    status does not hinge on sampling noise.
    """

    def __init__(self, end: date) -> None:
        self.end = end
        self.start = first_day(end)
        self.quarter = quarter_start(end)  # the default view covers [quarter, end]
        previous_quarter = quarter_start(self.quarter - timedelta(days=1))
        # Events, placed relative to the end so that every build tells the same story.
        self.redesign = end - timedelta(days=300)
        self.redesign += timedelta(days=(1 - self.redesign.weekday()) % 7)  # launches happen on Tuesdays
        price_month = end - timedelta(days=150)  # new tariffs start on the first of the next month
        self.price_change = date(price_month.year + (price_month.month == 12), price_month.month % 12 + 1, 1)
        self.pilot_start = previous_quarter

        self.days = np.arange(np.datetime64(self.start), np.datetime64(end) + 1)
        n = len(self.days)
        self.weekday = (self.days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        self.trend = np.arange(n) / (n - 1)
        self.holiday = self._holiday_season()
        self.after_redesign = self._ramp(self.redesign, 14)
        self.after_price_change = self._ramp(self.price_change, 21)
        self.since_price_change = self._ramp(self.price_change, max((end - self.price_change).days, 1))
        self.growth = 1 + 0.12 * self.trend

        self.mix = np.array([_shares(TOUCHPOINT_STORY[t].mix) for t in TOUCHPOINT_IDS])  # (T, S)
        pilot_touchpoints = _shares([PILOT_TOUCHPOINTS.get(t, 0.0) for t in TOUCHPOINT_IDS])
        self.pilot_mix = pilot_touchpoints[:, None] * self.mix
        self.visits = self._survey_volume()
        self.satisfaction = self._satisfaction()
        self.survey_means = self._survey_means()
        self.survey_weights = self._survey_weights()
        self.ratio_volume, self.ratio_rate = self._ratio_model()

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.days), len(TOUCHPOINT_IDS), len(SEGMENT_IDS)

    def day_index(self, day: date) -> int:
        return (day - self.start).days

    def _ramp(self, day: date, length: int) -> np.ndarray:
        return np.clip((np.arange(len(self.days)) - self.day_index(day)) / length, 0, 1)

    def _holiday_season(self) -> np.ndarray:
        """1 at the peak of the season (early December), fading over about a month either side."""
        this_year = self.days.astype("datetime64[Y]").astype("datetime64[M]") + 11
        peak = this_year.astype("datetime64[D]") + 5
        distance = np.minimum(
            np.abs((self.days - peak).astype(np.int64)),
            np.abs((self.days - (peak - 365)).astype(np.int64)),
        )
        return np.exp(-((distance / 16.0) ** 2))

    def _daily_volume(self, touchpoint: str, holiday_lift: float, flat_week: bool = False) -> np.ndarray:
        week = np.ones(7) if flat_week else np.array(CHANNEL_WEEKDAYS[CHANNEL[touchpoint]])
        return week[self.weekday] * (1 + holiday_lift * self.holiday) * self.growth

    def _survey_volume(self) -> np.ndarray:
        """Relative number of transactional surveys per (day, touchpoint, segment)."""
        volume = np.zeros(self.shape)
        for t, touchpoint in enumerate(TOUCHPOINT_IDS):
            story = TOUCHPOINT_STORY[touchpoint]
            daily = story.volume * self._daily_volume(touchpoint, story.holiday)
            volume[:, t, :] = daily[:, None] * self.mix[t][None, :]
        return volume

    def _satisfaction(self) -> np.ndarray:
        """Latent customer satisfaction per (day, touchpoint, segment)."""
        quality = np.array([TOUCHPOINT_STORY[t].quality for t in TOUCHPOINT_IDS])
        by_day = np.repeat(quality[None, :], len(self.days), axis=0)
        by_day[:, TOUCHPOINT_IDS.index("online_checkout")] += 0.85 * self.after_redesign
        by_day[:, TOUCHPOINT_IDS.index("billing")] -= (
            0.55 * self.after_price_change + 0.35 * self.since_price_change
        )
        by_day += (0.15 * self.trend - 0.35 * self.holiday)[:, None]  # slow programme gains; holiday strain
        segment = np.array([SEGMENT_QUALITY[s] for s in SEGMENT_IDS])
        return by_day[:, :, None] + segment[None, None, :]

    def _survey_means(self) -> dict[str, np.ndarray]:
        means = {
            metric: story.base + story.gain * self.satisfaction for metric, story in SURVEY_STORY.items()
        }
        # Employees: their own workplace, strained by the holiday peak; customers' mood does not enter.
        staff = np.array([EMPLOYEE_QUALITY.get(t, 0.0) for t in TOUCHPOINT_IDS])
        mood = staff[None, :, None] - 0.8 * self.holiday[:, None, None]
        means["enps"] = SURVEY_STORY["enps"].base + np.broadcast_to(mood, self.shape)
        return means

    def _survey_weights(self) -> dict[str, np.ndarray]:
        """Relative number of answers per (day, touchpoint, segment), for each survey metric."""
        weights = {"rnps": self.visits}
        for metric in ("tnps", "csat", "ces"):
            answered = np.zeros(len(TOUCHPOINT_IDS))
            for t, touchpoint in enumerate(TOUCHPOINT_IDS):
                questions = TOUCHPOINT_STORY[touchpoint].questions
                if metric in questions:
                    last = questions.index(metric) == len(questions) - 1 and len(questions) > 1
                    answered[t] = 1 - BREAKOFF if last else 1.0
            weights[metric] = self.visits * answered[None, :, None]
        released = self.days < np.datetime64(self.quarter)  # HR releases a quarter after it closes
        workday = np.array(CHANNEL_WEEKDAYS["contact centre"])[self.weekday] * released
        weights["enps"] = workday[:, None, None] * self._cell_mix(EMPLOYEE_MIX)[None, :, :]
        piloting = (self.days >= np.datetime64(self.pilot_start)).astype(float)
        weights["accessibility_csat"] = piloting[:, None, None] * self.pilot_mix[None, :, :]
        return weights

    @staticmethod
    def _cell_mix(mix_by_touchpoint: dict[str, tuple[float, ...]]) -> np.ndarray:
        """(touchpoint, segment) shares from a per-touchpoint segment mix."""
        mix = np.zeros((len(TOUCHPOINT_IDS), len(SEGMENT_IDS)))
        for touchpoint, segments in mix_by_touchpoint.items():
            mix[TOUCHPOINT_IDS.index(touchpoint)] = segments
        return mix / mix.sum()

    def _ratio_model(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Expected denominators and rates per (day, touchpoint, segment) for each ratio metric."""
        volumes, rates = {}, {}
        holiday, trend = self.holiday[:, None], self.trend[:, None]
        for metric, places in RATIO_STORY.items():
            volume, rate = np.zeros(self.shape), np.zeros(self.shape)
            segment_effect = np.array(RATIO_SEGMENT_EFFECT[metric])[None, :]
            for touchpoint, (daily, base) in places.items():
                t = TOUCHPOINT_IDS.index(touchpoint)
                lift = TOUCHPOINT_STORY[touchpoint].holiday
                days = daily * self._daily_volume(touchpoint, lift, flat_week=metric == "churn")
                volume[:, t, :] = days[:, None] * self.mix[t][None, :]
                rate[:, t, :] = (
                    base + segment_effect + self._rate_story(metric, touchpoint, base, holiday, trend)
                )
            volumes[metric] = volume
            if metric in ("fcr", "containment", "churn"):
                rates[metric] = np.clip(rate, 0.01, 0.99)
            else:  # numerator per unit of denominator
                rates[metric] = rate / 1000 if metric == "complaints" else rate
        return volumes, rates

    def _rate_story(self, metric: str, touchpoint: str, base: float, holiday, trend) -> np.ndarray:
        """How a rate moves over time: seasonal strain, slow improvement, and the two events."""
        price = self.after_price_change[:, None]
        if metric == "fcr":
            return 0.03 * trend - 0.04 * holiday - (0.02 * price if touchpoint == "contact_centre" else 0)
        if metric == "aht":
            return 45 * holiday - 20 * trend + (25 * price if touchpoint == "contact_centre" else 0)
        if metric == "containment":
            return 0.08 * trend - 0.02 * holiday
        if metric == "churn":
            return 0.02 * price - 0.01 * trend
        # complaints, per 1 000 served
        change = 0.3 * holiday
        if touchpoint == "billing":
            change = change + 1.0 * price
        if touchpoint == "online_checkout":
            change = change - 0.4 * self.after_redesign[:, None]
        return base * change

    # -- expectations, for placing targets

    def expected(self, metric: str, first: date, last: date, touchpoint=None, segment=None) -> float | None:
        """The metric's expected value over [first, last] for all customers or one slice."""
        window = (self.days >= np.datetime64(first)) & (self.days <= np.datetime64(last))
        cells = np.zeros(self.shape, dtype=bool)
        cells[window] = True
        if touchpoint is not None:
            cells[:, [t != touchpoint for t in TOUCHPOINT_IDS], :] = False
        if segment is not None:
            cells[:, :, [s != segment for s in SEGMENT_IDS]] = False
        kind, unit = METRIC[metric].kind, METRIC[metric].unit
        if kind == "ratio":
            volume = self.ratio_volume[metric][cells]
            if volume.sum() == 0:
                return None
            return float(
                (volume * self.ratio_rate[metric][cells]).sum() / volume.sum() * UNITS[unit].multiplier
            )
        weight = self.survey_weights[metric][cells]
        if weight.sum() == 0:
            return None
        scale = METRIC[metric].scale_min, METRIC[metric].scale_max
        value = expected_kpi(kind, self.survey_means[metric][cells], SURVEY_STORY[metric].spread, *scale)
        return float((weight * value).sum() / weight.sum())


def expected_kpi(kind: str, mean, spread: float, low: float, high: float):
    """Expected KPI of answers rounded from Normal(mean, spread) and clipped to the scale."""
    if kind == "nps":
        return 100 * ((1 - ndtr((8.5 - mean) / spread)) - ndtr((6.5 - mean) / spread))
    if kind == "top2box":
        return 100 * (1 - ndtr((high - 1.5 - mean) / spread))
    # mean: low + the sum over k of P(answer >= k)
    points = np.arange(low + 1, high + 1).reshape((-1,) + (1,) * np.ndim(mean))
    return low + (1 - ndtr((points - 0.5 - mean) / spread)).sum(axis=0)


# --- Building the tables -----------------------------------------------------------------------------


def _target_rows(story: Story) -> list[tuple]:
    quarters = []
    day = quarter_start(story.start)
    while day <= story.quarter:
        quarters.append(day)
        day = next_quarter(day)
    rows = []
    for metric, touchpoint, segment, status, margin, tolerance, tightening in TARGET_PLAN:
        unit, higher_is_better = METRIC[metric].unit, METRIC[metric].higher_is_better
        value = story.expected(metric, story.quarter, story.end, touchpoint, segment)
        if value is None:  # nothing this quarter yet (eNPS): place against the whole history
            value = story.expected(metric, story.start, story.end, touchpoint, segment)
        if status == "on_track":
            shortfall = -margin
        elif status == "off_track":
            shortfall = tolerance + margin
        else:  # at_risk, and the past quarters of no_target
            shortfall = margin
        direction = 1 if higher_is_better else -1
        target_now = value + direction * shortfall
        step = TARGET_STEP[unit]
        for age, first in enumerate(reversed(quarters)):
            if status == "no_target" and age == 0:
                continue  # being re-baselined this quarter
            if metric == "accessibility_csat" and first < story.pilot_start:
                continue  # before the pilot
            target = round(round((target_now - direction * tightening * age) / step) * step, 2)
            period_end = next_quarter(first) - timedelta(days=1)
            rows.append((metric, first, period_end, target, float(tolerance), touchpoint, segment))
    return rows


def _annotation_rows(story: Story) -> list[tuple]:
    rows = [
        (story.redesign, None, "online_checkout", "Checkout redesign launched"),
        (story.price_change, None, "billing", "Price change: new tariffs on all plans"),
        (story.pilot_start, "accessibility_csat", None, "Accessibility survey pilot started"),
        (story.quarter, "complaints", None, "New complaint definition; company-wide target under review"),
    ]
    rows += [(day, None, None, "Black Friday") for day in _black_fridays(story.start, story.end)]
    return sorted(rows, key=lambda row: row[0])


def _draw_categories(rng: np.random.Generator, weights: np.ndarray, row: np.ndarray) -> np.ndarray:
    """For each element of `row`, a column index drawn in proportion to that row of `weights`."""
    cumulative = np.cumsum(weights, axis=1) / weights.sum(axis=1, keepdims=True)
    cumulative[:, -1] = 1.0  # exactly, so a draw never spills into the next row
    stacked = (cumulative + np.arange(len(weights))[:, None]).ravel()
    return np.searchsorted(stacked, row + rng.random(len(row)), side="right") - weights.shape[1] * row


# Survey templates: one per touchpoint (transactional), then relationship, employee and pilot.
TEMPLATES = (
    *(TOUCHPOINT_STORY[t].questions for t in TOUCHPOINT_IDS),
    ("rnps",),
    ("enps",),
    ("accessibility_csat",),
)
RELATIONSHIP, EMPLOYEE, PILOT = range(len(TOUCHPOINT_IDS), len(TEMPLATES))
QUESTIONS = np.array([[SURVEY_METRICS.index(m) for m in t] + [-1] * (3 - len(t)) for t in TEMPLATES], np.int8)
LENGTH = np.array([len(t) for t in TEMPLATES])
#: Answers per survey of each template on average: respondents who break off miss the last question.
ANSWERS = LENGTH - BREAKOFF * (LENGTH > 1)
#: Answers drawn and written to the warehouse at a time: the build's memory follows this, not its size.
BATCH_ROWS = 2_000_000


class Surveys(NamedTuple):
    """Surveys started per (day, touchpoint × segment) cell, by kind. Drawn once for the whole range (a
    few arrays of days × cells), so that the answers can then be drawn a range of days at a time."""

    transactional: np.ndarray  # the template is the cell's touchpoint
    relationship: np.ndarray
    employee: np.ndarray
    pilot: np.ndarray

    def per_day(self, answers: bool = False) -> np.ndarray:
        """Surveys started each day, or the answers they are expected to give."""
        touchpoint = np.arange(self.transactional.shape[1]) // len(SEGMENT_IDS)
        weight = ANSWERS[touchpoint] if answers else 1
        return (self.transactional * weight).sum(axis=1) + sum(c.sum(axis=1) for c in self[1:])


def _survey_counts(story: Story, rng: np.random.Generator, size: int) -> Surveys:
    """The surveys of each kind that make about `size` answers; the pilot panel gives one a day."""
    n_days, n_touchpoints, n_segments = story.shape
    per_day = n_touchpoints * n_segments

    def draw(weights: np.ndarray, count: int) -> np.ndarray:
        flat = weights.ravel()
        return rng.multinomial(count, flat / flat.sum()).reshape(n_days, per_day)

    pilot = np.zeros((n_days, per_day), np.int64)
    pilot_days = np.flatnonzero(story.days >= np.datetime64(story.pilot_start))
    pilot[pilot_days, rng.choice(per_day, size=len(pilot_days), p=story.pilot_mix.ravel())] = 1
    relationship_count = round(RELATIONSHIP_SHARE * size)
    employee_count = round(EMPLOYEE_SHARE * size)
    answers_per_survey = (_shares(story.visits.sum(axis=(0, 2))) * ANSWERS[:n_touchpoints]).sum()
    transactional_count = round(
        (size - relationship_count - employee_count - len(pilot_days)) / answers_per_survey
    )
    return Surveys(
        draw(story.visits, max(transactional_count, 0)),
        draw(story.visits, relationship_count),
        draw(story.survey_weights["enps"], employee_count),
        pilot,
    )


def _batches(surveys: Surveys, batch_rows: int) -> list[slice]:
    """Consecutive ranges of days of about `batch_rows` expected answers each (at least one day each)."""
    answers = surveys.per_day(answers=True)
    batch = (np.cumsum(answers) - answers) // batch_rows
    starts = [*np.flatnonzero(np.diff(batch, prepend=-1)), len(answers)]
    return [slice(first, last) for first, last in itertools.pairwise(starts)]


def _responses(
    story: Story, rng: np.random.Generator, surveys: Surveys, days: slice, first_survey: int
) -> pa.Table:
    """The answers to the surveys started in `days`, the surveys numbered from `first_survey` in time order."""
    _, n_touchpoints, n_segments = story.shape
    per_day = n_touchpoints * n_segments

    def started(counts: np.ndarray) -> np.ndarray:  # flat (day, touchpoint, segment) cell of each survey
        block = counts[days].ravel()
        first = days.start * per_day
        return np.repeat(np.arange(first, first + block.size, dtype=np.int32), block)

    transactional = started(surveys.transactional)
    others = [
        (started(counts), kind)
        for counts, kind in zip(surveys[1:], (RELATIONSHIP, EMPLOYEE, PILOT), strict=True)
    ]
    cells = np.concatenate([transactional, *(c for c, _ in others)])
    template = np.concatenate(
        [(transactional // n_segments) % n_touchpoints, *(np.full(len(c), kind) for c, kind in others)]
    ).astype(np.int8)

    # Time of day by channel (relationship e-mails read like the web, staff answer in office hours).
    channels = list(CHANNEL_HOURS)
    channel_of_template = [channels.index(CHANNEL[t]) for t in TOUCHPOINT_IDS]
    channel_of_template += [channels.index("web"), channels.index("contact centre"), channels.index("app")]
    channel = np.array(channel_of_template)[template]
    hour = _draw_categories(rng, np.array([CHANNEL_HOURS[c] for c in channels]), channel)
    seconds = hour * 3600 + rng.integers(0, 3600, len(cells))
    day = cells // per_day
    order = np.argsort(day.astype(np.int64) * 86_400 + seconds, kind="stable")  # survey numbers follow time
    cells, template, seconds, day = cells[order], template[order], seconds[order], day[order]

    # One row per answered question; some respondents abandon before the last question.
    answered = LENGTH[template] - ((LENGTH[template] > 1) & (rng.random(len(cells)) < BREAKOFF))
    survey = np.repeat(np.arange(len(cells), dtype=np.int64), answered)
    first_row = np.cumsum(answered) - answered
    position = np.arange(len(survey)) - np.repeat(first_row, answered)
    metric = QUESTIONS[template[survey], position]
    cell = cells[survey]

    # Answers: rounded Normal around the cell's mean, correlated within a survey.
    mean = np.stack([story.survey_means[m].ravel() for m in SURVEY_METRICS])[metric, cell]
    spread = np.array([SURVEY_STORY[m].spread for m in SURVEY_METRICS])[metric]
    low = np.array([METRIC[m].scale_min for m in SURVEY_METRICS], dtype=float)[metric]
    high = np.array([METRIC[m].scale_max for m in SURVEY_METRICS], dtype=float)[metric]
    respondent = rng.standard_normal(len(cells))[survey]
    noise = ANSWER_CORRELATION * respondent + np.sqrt(1 - ANSWER_CORRELATION**2) * rng.standard_normal(
        len(survey)
    )
    score = np.clip(np.rint(mean + spread * noise), low, high)

    responded_at = (story.days[day].astype("datetime64[s]") + seconds.astype("timedelta64[s]"))[survey]
    comment = _comments(rng, metric, score, (cell // n_segments) % n_touchpoints)
    return pa.table(
        {
            "survey": survey + first_survey,
            "metric_id": pa.DictionaryArray.from_arrays(metric, pa.array(SURVEY_METRICS)),
            "responded_at": pa.array(responded_at.astype("datetime64[us]")),
            "touchpoint_id": pa.DictionaryArray.from_arrays(
                ((cell // n_segments) % n_touchpoints).astype(np.int8), pa.array(TOUCHPOINT_IDS)
            ),
            "segment_id": pa.DictionaryArray.from_arrays(
                (cell % n_segments).astype(np.int8), pa.array(SEGMENT_IDS)
            ),
            "score": score,
            "comment": comment,
        }
    )


def _comments(
    rng: np.random.Generator, metric: np.ndarray, score: np.ndarray, touchpoint: np.ndarray
) -> pa.Array:
    """Comments follow the NPS questions (touchpoint, relationship, employee): tone from the score."""
    topics = corpus.TOPICS
    nps_metrics = [SURVEY_METRICS.index(m) for m in ("tnps", "rnps", "enps")]
    sentiment = np.where(score <= 6, 0, np.where(score <= 8, 1, 2))
    rate = np.array([COMMENT_RATE[s] for s in corpus.SENTIMENTS])[sentiment]
    chosen = np.flatnonzero(np.isin(metric, nps_metrics) & (rng.random(len(metric)) < rate))

    # Topic sources: one per touchpoint, then "overall" and "workplace".
    sources = [TOUCHPOINT_TOPICS[t] for t in TOUCHPOINT_IDS] + [{"overall": 1}, {"workplace": 1}]
    topic_weights = np.array([[source.get(topic, 0.0) for topic in topics] for source in sources])
    source = touchpoint[chosen].astype(np.int64)
    chosen_metric = metric[chosen]
    overall = (chosen_metric == SURVEY_METRICS.index("rnps")) & (
        rng.random(len(chosen)) < RELATIONSHIP_OVERALL
    )
    source[overall] = len(TOUCHPOINT_IDS)
    source[chosen_metric == SURVEY_METRICS.index("enps")] = len(TOUCHPOINT_IDS) + 1
    topic = _draw_categories(rng, topic_weights, source)

    texts = corpus.compose(rng, sentiment[chosen], topic)
    index = np.full(len(metric), -1, dtype=np.int64)
    index[chosen] = np.arange(len(chosen))
    return texts.take(pa.array(index, mask=index < 0))


#: Day-to-day variation of each operational rate beyond counting noise (staffing, outages, campaigns),
#: relative to the rate and shared by a touchpoint's segments that day: what makes a small move of an
#: operational metric noise rather than news.
RATIO_DAILY_VARIATION = {"fcr": 0.03, "aht": 0.04, "containment": 0.015, "churn": 0.05, "complaints": 0.10}


def _measurements(story: Story, rng: np.random.Generator) -> pa.Table:
    n_days, n_touchpoints, n_segments = story.shape
    parts = []
    for m, metric in enumerate(RATIO_STORY):
        volume, rate = story.ratio_volume[metric], story.ratio_rate[metric]
        cells = np.flatnonzero(volume.ravel() > 0)
        day_shock = 1 + RATIO_DAILY_VARIATION[metric] * rng.standard_normal((n_days, n_touchpoints))
        shock = day_shock.ravel()[cells // n_segments]  # cells run day, touchpoint, segment
        expected_volume, cell_rate = volume.ravel()[cells], rate.ravel()[cells] * shock
        if metric in ("fcr", "containment", "churn"):
            cell_rate = np.clip(cell_rate, 0.01, 0.99)
        denominator = rng.poisson(expected_volume)
        if metric == "aht":  # total handle seconds: per-contact times vary by about 55%
            spread = 0.55 * cell_rate * np.sqrt(denominator)
            numerator = np.maximum(
                np.rint(denominator * cell_rate + spread * rng.standard_normal(len(cells))), 0
            )
        elif metric == "complaints":
            numerator = rng.poisson(denominator * cell_rate)
        else:
            numerator = rng.binomial(denominator, cell_rate)
        keep = denominator > 0
        parts.append((np.full(keep.sum(), m, np.int8), cells[keep], numerator[keep], denominator[keep]))
    metric, cells, numerator, denominator = (np.concatenate(column) for column in zip(*parts, strict=True))
    return pa.table(
        {
            "metric_id": pa.DictionaryArray.from_arrays(metric, pa.array(list(RATIO_STORY))),
            "day": pa.array(story.days[cells // (n_touchpoints * n_segments)]),
            "touchpoint_id": pa.DictionaryArray.from_arrays(
                ((cells // n_segments) % n_touchpoints).astype(np.int8), pa.array(TOUCHPOINT_IDS)
            ),
            "segment_id": pa.DictionaryArray.from_arrays(
                (cells % n_segments).astype(np.int8), pa.array(SEGMENT_IDS)
            ),
            "numerator": numerator.astype(float),
            "denominator": denominator.astype(float),
        }
    )


#: The CRM contact id a survey carries (SQL over its number): most customers' surveys carry one, about
#: one in seven does not (a guest checkout, an unmatched e-mail), and staff surveys never do.
RESPONDENT_REF = (
    "CASE WHEN survey % 7 = 3 OR metric_id = 'enps' THEN NULL "
    "ELSE 'CRM-' || lpad(CAST((survey * 48271) % 999983 AS VARCHAR), 6, '0') END"
)


def build_demo(
    out: Path,
    responses: int = 300_000,
    end: date | None = None,
    seed: int = 42,
    batch_rows: int = BATCH_ROWS,
    memory_limit: str | None = None,
) -> None:
    """Write the demo warehouse to `out` (atomically, through `write_snapshot`), drawing and writing the
    answers `batch_rows` at a time (a range of days), with DuckDB held to `memory_limit` for the publish.
    The same arguments give the same warehouse."""
    story = Story(end or date.today())
    count_seed, measurement_seed, batch_seed = np.random.SeedSequence(seed).spawn(3)
    surveys = _survey_counts(story, np.random.default_rng(count_seed), responses)
    batches = _batches(surveys, batch_rows)
    first_surveys = np.cumsum([1, *(surveys.per_day()[days].sum() for days in batches)])

    def fill(con: duckdb.DuckDBPyConnection) -> None:
        con.executemany("INSERT INTO owners VALUES (?, ?, ?, ?)", OWNERS)
        con.executemany("INSERT INTO segments VALUES (?, ?, ?)", SEGMENTS)
        con.executemany("INSERT INTO touchpoints VALUES (?, ?, ?, ?, ?)", TOUCHPOINTS)
        metric_rows = [
            (*m[:2], METRIC_DESCRIPTIONS[m.metric_id], *m[2:-2], sort_order, m.min_sample, m.cadence)
            for sort_order, m in enumerate(METRICS, start=1)
        ]
        con.executemany("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", metric_rows)
        con.executemany("INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?, ?)", _target_rows(story))
        con.executemany("INSERT INTO annotations VALUES (?, ?, ?, ?)", _annotation_rows(story))

        # Each batch draws from its own generator, so no batch's draws depend on another's, and the next
        # batch is drawn (NumPy and Arrow let go of the GIL) while DuckDB writes this one: at most two
        # batches are held at a time.
        seeds = batch_seed.spawn(len(batches))

        def draw(index: int) -> pa.Table:
            days, child = batches[index], np.random.default_rng(seeds[index])
            return _responses(story, child, surveys, days, int(first_surveys[index]))

        with ThreadPoolExecutor(max_workers=1) as drawing:
            next_batch = drawing.submit(draw, 0)
            for index in range(len(batches)):
                batch = next_batch.result()
                if index + 1 < len(batches):
                    next_batch = drawing.submit(draw, index + 1)
                con.register("demo_responses", batch)
                # Response ids are made here: DuckDB builds 10 M strings faster than Python does.
                con.execute(
                    "INSERT INTO responses SELECT 'R' || lpad(CAST(survey AS VARCHAR), 9, '0'), metric_id,"
                    f" responded_at, touchpoint_id, segment_id, score, comment, {RESPONDENT_REF} FROM demo_responses"
                )
                con.unregister("demo_responses")
                del batch
        con.register("demo_measurements", _measurements(story, np.random.default_rng(measurement_seed)))
        con.execute("INSERT INTO measurements SELECT * FROM demo_measurements ORDER BY day, metric_id")
        con.unregister("demo_measurements")
        added = sum(
            con.execute("SELECT count(*) FROM " + table).fetchone()[0]  # names from the contract
            for table in TABLES
        )
        con.execute(
            "INSERT INTO snapshot_log VALUES (now()::TIMESTAMP(0), 'demo', 'build', $files, $added, 0)",
            {
                "files": json.dumps([{"path": f"data.demo (seed {seed}, {responses} responses)"}]),
                "added": added,
            },
        )

    write_snapshot(Path(out), fill, memory_limit=memory_limit)


def main(argv: list[str] | None = None) -> None:
    import config  # the repository root's settings: only the command line needs its defaults
    import i18n  # its progress in BEACON_DEFAULT_LANGUAGE
    from data.state import alerts  # and its state database, for the alerts of what it publishes
    from i18n import _, ngettext

    parser = argparse.ArgumentParser(
        prog="python -m data.demo", description="Build the Beacon demo warehouse."
    )
    parser.add_argument("--out", type=Path, default=config.WAREHOUSE, help="warehouse file to (re)place")
    parser.add_argument("--responses", type=int, default=300_000, help="survey answers (rows of `responses`)")
    parser.add_argument("--end", type=date.fromisoformat, default=date.today(), help="last day of data")
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument(
        "--previous-days",
        type=int,
        default=0,
        help="first publish the demo as it stood this many days before --end, so that the alerts "
        "of those days' data are found for real (make demo: 7)",
    )
    args = parser.parse_args(argv)

    if args.previous_days > 0:
        earlier = args.end - timedelta(days=args.previous_days)
        build_demo(args.out, args.responses, earlier, args.seed, memory_limit=config.PUBLISH_MEMORY)
        said = _("%(file)s: published as of %(day)s.", file=args.out, day=earlier.isoformat())
        print(f"{said} {alerts.after_publish(args.out)}")
    started = time.perf_counter()
    build_demo(args.out, args.responses, args.end, args.seed, memory_limit=config.PUBLISH_MEMORY)
    with duckdb.connect(str(args.out), read_only=True) as con:
        (rows,) = con.execute("SELECT count(*) FROM responses").fetchone()
    days = (args.end - first_day(args.end)).days + 1
    print(
        _(
            "%(file)s: %(responses)s over %(days)s, built in %(seconds)s s",
            file=args.out,
            responses=ngettext("%(num)s response", "%(num)s responses", rows),
            days=ngettext("%(num)s day", "%(num)s days", days),
            seconds=i18n.format_decimal(time.perf_counter() - started, 1),
        )
    )
    print(alerts.after_publish(args.out))
