"""`/wall` — the office wall screen: full screen, no controls, slides rotating, data refreshing by itself.

Configured entirely by the URL (views/wall_settings.py):
/wall?slides=scorecard,journey,movers,commitments,cases,touchpoints&dwell=20&refresh=60&public=1

Rotation, the clock and the connection check run in the browser (assets/wall.js), so they go on while
the server is away; the server only sends the slides, and only when they have changed. Every screen with
the same URL shows the same slide at the same time: the rotation is worked out from the clock.
"""

import hashlib
import json
from dataclasses import dataclass, replace

import dash
from babel import Locale
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html, no_update
from dash.exceptions import PreventUpdate
from plotly.utils import PlotlyJSONEncoder

import auth
import i18n
import queries
from components.feedback import problem
from components.header import view_attributes
from components.icons import icon
from components.journey import cell_label, default_metric
from components.wall import (
    as_of_text,
    cases_body,
    commitments_body,
    data_problem_banner,
    journey_body,
    movers_body,
    progress_steps,
    scorecard_body,
    stale_banner,
    touchpoint_body,
    wall_slide,
)
from data.state import cases, commitments, database
from i18n import _
from queries.accountability import commitments_in_view
from views import closed_loop
from views.commitment_context import effects, names
from views.context import resolve
from views.users import acting_user, may_read_comments
from views.wall_settings import WallSettingError, WallSettings, parse_wall_settings

dash.register_page(__name__, path="/wall", name="Wall", title=lambda **_query: _("Wall · Beacon"), order=6)

ROOT = "wall-root"
SETTINGS = "wall-settings"  # the parsed URL, for callbacks
DECK = "wall-deck"  # the slides; its style's --active says which one shows
DECK_INFO = "wall-deck-info"  # {"titles": [...]}: what the rotation goes through
DIGEST = "wall-digest"  # fingerprint of the slides on screen: unchanged slides are not sent again
TICK = "wall-tick"  # twice a second: the clock and the rotation
REFRESH = "wall-refresh"  # every `refresh` seconds: fresh data
HEARTBEAT = "wall-heartbeat"  # every few seconds: can the server be reached?
CONNECTION = "wall-connection"  # {"online": bool, "since": epoch ms}; changes only when that flips
CLOCK = "wall-clock"
AS_OF = "wall-as-of"
DATA_BANNER = "wall-data-banner"  # stale data, or data that cannot be read
RECONNECTING = "wall-reconnecting"
RECONNECTING_MESSAGE = "wall-reconnecting-message"
PROGRESS = "wall-progress"
POSITION = "wall-position"
WORDS = "wall-words"  # the browser's words and clock in the page's language (assets/wall.js)

TICK_MS = 500  # a slide changes at most this late
HEARTBEAT_SECONDS = 5
LATEST_COMMENTS = 3  # one for each of the comments' three columns (assets/wall.css)
MOVERS_SHOWN = 4  # of each list on the movers slide: eight fit even when they wrap


@dataclass
class Deck:
    slides: list  # wall_slide sections, in rotation order; none when those on screen are still current
    titles: list[str]
    attributes: dict  # the view's, for the DOM contract (components.header.view_attributes)
    as_of: object  # the date the data reaches
    digest: str


def layout(**query):
    try:
        settings = _for_this_screen(parse_wall_settings(query))
    except WallSettingError as error:
        return _problem_frame(_("This wall's address needs fixing"), str(error))
    try:
        deck = _deck(settings)
    except queries.WarehouseError as error:
        return _problem_frame(_("The warehouse cannot be read"), str(error))
    except (queries.PeriodError, LookupError) as error:
        return _problem_frame(_("This wall cannot be shown"), str(error))
    except database.UnreachableError as error:
        return _problem_frame(_("The commitments cannot be read just now"), str(error))
    banner = stale_banner(deck.as_of, commitments.current_date(), settings.stale)
    return html.Div(
        [
            dcc.Store(id=SETTINGS, data=settings.to_dict()),
            dcc.Store(id=DECK_INFO, data={"titles": deck.titles}),
            dcc.Store(id=DIGEST, data=deck.digest),
            dcc.Store(id=WORDS, data=browser_words()),
            dcc.Store(id=CONNECTION, data={"online": True}),
            dcc.Interval(id=TICK, interval=TICK_MS),
            dcc.Interval(id=REFRESH, interval=settings.refresh * 1000),
            dcc.Interval(id=HEARTBEAT, interval=min(HEARTBEAT_SECONDS, settings.refresh) * 1000),
            html.Div(
                [
                    html.Div(id=CLOCK, className="wall-clock"),
                    html.Div(as_of_text(deck.as_of), id=AS_OF, className="wall-as-of"),
                ],
                className="wall-time",
            ),
            html.Div(
                [
                    html.Div(banner, id=DATA_BANNER),
                    html.Div(
                        [
                            icon("bi-wifi-off"),
                            html.Strong(_("Reconnecting")),
                            html.Span(id=RECONNECTING_MESSAGE),
                        ],
                        id=RECONNECTING,
                        className="wall-banner wall-banner-reconnecting",
                        role="alert",
                        hidden=True,
                        **{"data-banner": "reconnecting"},
                    ),
                ],
                className="wall-banners",
            ),
            html.Div(deck.slides, id=DECK, className="wall-deck", style={"--active": 0}),
            html.Footer(
                [
                    html.Div(
                        progress_steps(deck.titles),
                        id=PROGRESS,
                        className="wall-progress",
                        style={"--active": 0, "--fraction": 0},
                    ),
                    html.Div(id=POSITION, className="wall-position"),
                ],
                className="wall-footer",
            ),
        ],
        id=ROOT,
        className="wall-root",
        **{"data-bs-theme": settings.theme, "data-public": str(settings.public).lower()},
        **deck.attributes,
    )


def browser_words() -> dict:
    """What assets/wall.js writes, in this request's language: the clock's CLDR pattern ("HH:mm", "H.mm")
    and digits (Persian: ۰–۹), and its sentences with their named placeholders."""
    code = i18n.current()
    return {
        "clock": Locale.parse(i18n.LANGUAGES[code].formats).datetime_skeletons["Hm"].pattern,
        "digits": "".join(i18n.format_integer(digit) for digit in range(10)),
        "position": _("%(position)s of %(count)s · next: %(title)s"),
        "offline": _(
            "The server has not answered since %(time)s. The figures are the last good ones until it is back."
        ),
    }


def _problem_frame(title: str, message: str) -> html.Div:
    """A problem, shown full screen and large, so whoever set up the TV reads it from where they stand."""
    return html.Div(
        html.Div(problem(title, message, back_href=None), className="wall-problem"),
        id=ROOT,
        className="wall-root",
        **{"data-bs-theme": "dark"},
    )


def _for_this_screen(settings: WallSettings) -> WallSettings:
    """A screen signed in with a display token is public whatever its URL or its page state says."""
    return replace(settings, public=True) if acting_user().role == auth.DISPLAY else settings


def _view_settings(settings: WallSettings) -> dict:
    """The settings the warehouse slides depend on (not the timing): their memo key."""
    return {
        "period": settings.period,
        "compare": settings.compare,
        "segment": settings.segment,
        "metric": settings.metric,
        "public": settings.public,
        "comments": not settings.public and may_read_comments(),
        # The slides are drawn in words: each language has its own.
        "language": i18n.current(),
    }


def _audience(view_settings: dict):
    """The view and the segment names, checking the URL's view, segment and metric as every page does;
    LookupError, in the pages' words, if it is wrong."""
    context = resolve(view_settings, "segment", "metric")
    if context.problem:
        raise LookupError(context.problem)
    return context.view, queries.segments().set_index("segment_id")["name"]


def _journey_metric(view, view_settings: dict):
    """The KPIs per touchpoint and the metric colouring the journey: the URL's, else the default."""
    by_touchpoint = queries.kpis(view, ("touchpoint",), segment_id=view_settings["segment"])
    return by_touchpoint, view_settings["metric"] or default_metric(by_touchpoint)


def _public(frame, view_settings: dict):
    return queries.without_thin_values(frame) if view_settings["public"] else frame


def _period_text(view) -> str:
    return _("%(period)s vs %(comparison)s", period=view.period.label, comparison=view.comparison.label)


@queries.memoised
def _warehouse_slides(kind: str, key: str | None, view_settings: dict) -> list[tuple[str, str, str, object]]:
    """(slide id, title, subtitle, body) of one `slides=` entry drawn from the warehouse; touchpoints and
    segments without a key give one slide each."""
    view, segment_names = _audience(view_settings)
    metrics = queries.metrics().set_index("metric_id")
    by_touchpoint, metric_id = _journey_metric(view, view_settings)
    segment = view_settings["segment"]
    audience = segment_names.get(segment, _("All customers"))
    period = _period_text(view)
    touchpoints = queries.touchpoints()
    touchpoint_names = touchpoints.set_index("touchpoint_id")["name"]

    def scorecard(segment_id, title, subtitle, slide_id):
        card = _public(queries.scorecard(view, segment_id=segment_id), view_settings)
        history = _public(queries.monthly_history(view.as_of, segment_id=segment_id), view_settings)
        body = scorecard_body(card, history, view.comparison.label, queries.STATUSES)
        return slide_id, title, subtitle, body

    if kind == "scorecard":
        return [scorecard(segment, _("Scorecard"), f"{audience} · {period}", "scorecard")]
    if kind == "segment":
        chosen = [key] if key else list(segment_names.index)
        for segment_id in chosen:
            if segment_id not in segment_names:
                raise LookupError(
                    _("slides=segment:%(id)s: there is no such customer segment.", id=segment_id)
                )
        return [
            scorecard(
                segment_id,
                segment_names[segment_id],
                _("Customer segment · %(period)s", period=period),
                f"segment:{segment_id}",
            )
            for segment_id in chosen
        ]
    if kind == "journey":
        body = journey_body(touchpoints, _public(by_touchpoint, view_settings), metric_id)
        subtitle = _(
            "%(audience)s · coloured by %(metric)s · %(period)s",
            audience=audience,
            metric=metrics.loc[metric_id, "name"],
            period=period,
        )
        return [("journey", _("Customer journey"), subtitle, body)]
    if kind == "movers":
        kpi_movers = queries.real_changes(_public(queries.scorecard(view, segment_id=segment), view_settings))
        body = movers_body(
            tuple(frame.head(MOVERS_SHOWN) for frame in kpi_movers),
            queries.movers(view, metric_id, MOVERS_SHOWN, segment_id=segment),
            cell_label(touchpoint_names, segment_names),
            metrics.loc[metric_id, "name"],
        )
        subtitle = _("%(audience)s · real changes, %(period)s", audience=audience, period=period)
        return [("movers", _("What moved"), subtitle, body)]
    chosen = [key] if key else list(touchpoints["touchpoint_id"])
    for touchpoint_id in chosen:
        if touchpoint_id not in touchpoint_names:
            raise LookupError(_("slides=touchpoint:%(id)s: there is no such touchpoint.", id=touchpoint_id))
    cards = _touchpoint_cards(view, chosen, segment)
    voices = _voices(view, cards, segment, segment_names) if view_settings["comments"] else {}
    stages = touchpoints.set_index("touchpoint_id")
    histories = queries.monthly_history(view.as_of, segment_id=segment, by=("touchpoint",))
    slides = []
    for touchpoint_id in chosen:
        history = histories[histories["touchpoint_id"] == touchpoint_id].drop(columns="touchpoint_id")
        stage = stages.loc[touchpoint_id]
        slides.append(
            (
                f"touchpoint:{touchpoint_id}",
                touchpoint_names[touchpoint_id],
                f"{stage['journey_stage'].capitalize()} · {stage['channel']} · {audience} · {period}",
                touchpoint_body(
                    _public(cards[touchpoint_id], view_settings),
                    _public(history, view_settings),
                    view.comparison.label,
                    voices.get(touchpoint_id),
                ),
            )
        )
    return slides


def _touchpoint_cards(view, touchpoint_ids: list[str], segment_id: str | None) -> dict:
    """Each touchpoint's `queries.touchpoint_scorecard` (the KPIs of the metrics measured there by anyone,
    for the segment or all), cut from one KPI frame by touchpoint instead of asked one by one. That frame
    lacks a metric that others measured at the touchpoint but the segment did not: such a touchpoint
    asks its own card, which shows that metric without data."""
    measured = queries.kpis(view, ("touchpoint",))
    by_touchpoint = (
        measured if segment_id is None else queries.kpis(view, ("touchpoint",), segment_id=segment_id)
    )
    cards = {}
    for touchpoint_id in touchpoint_ids:
        here = set(measured.loc[measured["touchpoint_id"] == touchpoint_id, "metric_id"])
        card = by_touchpoint[by_touchpoint["touchpoint_id"] == touchpoint_id].reset_index(drop=True)
        if set(card["metric_id"]) != here:
            card = queries.touchpoint_scorecard(view, touchpoint_id, segment_id).reset_index(drop=True)
        cards[touchpoint_id] = card
    return cards


def _voices(view, cards: dict, segment, segment_names) -> dict:
    """The latest comments at each touchpoint on its most answered survey metric, read in one query;
    none for a touchpoint without a survey metric."""
    metrics = {touchpoint_id: queries.voice_metric(card) for touchpoint_id, card in cards.items()}
    metrics = {touchpoint_id: metric for touchpoint_id, metric in metrics.items() if metric is not None}
    asked = [(metric["metric_id"], touchpoint_id) for touchpoint_id, metric in metrics.items()]
    latest = queries.latest_comments(view, asked, segment, LATEST_COMMENTS)
    touchpoint_names = queries.touchpoints().set_index("touchpoint_id")["name"]
    return {
        touchpoint_id: {
            "metric": metric["name"],
            "comments": comments,
            "touchpoint_names": touchpoint_names,
            "segment_names": segment_names,
            "bands": queries.score_bands(
                metric["kind"], metric["scale_min"], metric["scale_max"], metric["higher_is_better"]
            ),
        }
        for (touchpoint_id, metric), comments in zip(metrics.items(), latest, strict=True)
    }


def _commitments_slide(slides_key: dict, view, segment_names) -> tuple[str, str, str, object]:
    """Drawn from the state database: memoised on its version (`_outside_versions`) with the snapshot."""
    register = commitments_in_view(commitments.register(), segment_id=slides_key["segment"])
    labels = names()
    if not slides_key["public"]:
        # Who to ask: an office screen names the owner's address; a public one only the name.
        owners = queries.owners().set_index("owner_id")
        labels["owner"] = {
            owner_id: f"{row['name']} · {row['email']}" if isinstance(row["email"], str) else row["name"]
            for owner_id, row in owners.iterrows()
        }
    today = commitments.current_date()
    # The current period runs on to today for commitments, whatever date the data has reached.
    period = (
        replace(view.period, end=max(view.period.end, today))
        if view.period.end == view.as_of
        else view.period
    )
    body = commitments_body(register, labels, effects(register, view.as_of), today, period)
    audience = segment_names.get(slides_key["segment"], _("All customers"))
    subtitle = _("%(audience)s · what owners promised, and where it stands", audience=audience)
    return "commitments", _("Commitments"), subtitle, body


def _cases_slide(slides_key: dict, view, segment_names) -> tuple[str, str, str, object]:
    """Closing the loop, from the state database: the follow-up cases of the view's answers (its
    segment's), in counts and the causes' list names only, in public mode too: never a comment, a note,
    a cause in words or a respondent's reference (they are not even read)."""
    figures = closed_loop.overall(view, segment_id=slides_key["segment"])
    audience = segment_names.get(slides_key["segment"], _("All customers"))
    subtitle = _(
        "%(audience)s · follow-up of unhappy answers in %(period)s",
        audience=audience,
        period=view.period.label,
    )
    return "cases", _("Closing the loop"), subtitle, cases_body(figures, view.period.label)


def _fingerprint(value) -> str:
    return hashlib.sha256(json.dumps(value, cls=PlotlyJSONEncoder, sort_keys=True).encode()).hexdigest()


def _outside_versions(settings: WallSettings) -> dict:
    """What the slides read outside the warehouse snapshot, as versions: the commitments' and today's
    date, when a commitments slide shows. With the snapshot's id they say whether anything changed."""
    kinds = {spec.kind for spec in settings.slides}
    versions = {}
    if "commitments" in kinds:
        versions |= {"commitments": commitments.version(), "today": commitments.current_date().isoformat()}
    if "cases" in kinds:
        # Overdue comes with the clock: the minute, with the cases' own version.
        versions |= {"cases": cases.version(), "minute": commitments.current_time().isoformat()[:16]}
    return versions


@queries.memoised
def _deck_drawn(view_settings: dict, slides: list, versions: dict) -> dict:
    """The deck of `slides` ([kind, key] pairs) for these settings and versions, drawn once and shared
    by every screen and host showing it: the slides, their titles, the view's DOM attributes and date,
    and their fingerprint. Each warehouse slide is memoised on its own too, so an edited commitment
    redraws its slide alone."""
    view, segment_names = _audience(view_settings)
    entries = []
    for kind, key in slides:
        if kind == "commitments":
            entries.append(_commitments_slide(view_settings, view, segment_names))
        elif kind == "cases":
            entries.append(_cases_slide(view_settings, view, segment_names))
        else:
            entries.extend(_warehouse_slides(kind, key, view_settings))
    return {
        "slides": [wall_slide(index, *entry) for index, entry in enumerate(entries)],
        "titles": [entry[1] for entry in entries],
        "attributes": view_attributes(view),
        "as_of": view.as_of,
        "digest": _fingerprint(entries),
    }


@queries.memoised
def _deck_digest(view_settings: dict, slides: list, versions: dict) -> tuple:
    """The fingerprint and date of `_deck_drawn`, kept beside it: an unchanged refresh reads these alone."""
    deck = _deck_drawn(view_settings, slides, versions)
    return deck["digest"], deck["as_of"]


def _deck(settings: WallSettings, on_screen: str | None = None) -> Deck:
    """The slides the settings ask for; with `on_screen` (the fingerprint of the slides showing), a deck
    without slides when nothing changed: an unchanged refresh costs a version check and a cache read,
    neither building nor sending."""
    arguments = (
        _view_settings(settings),
        [[spec.kind, spec.key] for spec in settings.slides],
        _outside_versions(settings),
    )
    if on_screen is not None:
        digest, as_of = _deck_digest(*arguments)
        if digest == on_screen:
            return Deck([], [], {}, as_of, digest)
    deck = _deck_drawn(*arguments)
    return Deck(deck["slides"], deck["titles"], deck["attributes"], deck["as_of"], deck["digest"])


@callback(
    Output(DECK, "children"),
    Output(DECK_INFO, "data"),
    Output(DIGEST, "data"),
    Output(PROGRESS, "children"),
    Output(AS_OF, "children"),
    Output(DATA_BANNER, "children"),
    Input(REFRESH, "n_intervals"),
    Input(CONNECTION, "data"),
    State(SETTINGS, "data"),
    State(DIGEST, "data"),
    prevent_initial_call=True,
)
def refresh(_n, _connection, settings, digest_on_screen):
    """Fresh slides when anything changed (a new snapshot, an edited commitment, a new day); otherwise
    nothing is sent, so nothing on screen moves. If the data cannot be read, the last good slides stay."""
    try:
        settings = _for_this_screen(WallSettings.from_dict(settings))
    except (TypeError, ValueError, KeyError):  # not what the page stored: nothing to refresh
        raise PreventUpdate from None
    try:
        deck = _deck(settings, digest_on_screen)
    except (queries.WarehouseError, queries.PeriodError, LookupError, database.UnreachableError) as error:
        return no_update, no_update, no_update, no_update, no_update, data_problem_banner(str(error))
    banner = stale_banner(deck.as_of, commitments.current_date(), settings.stale)
    as_of = as_of_text(deck.as_of)
    if not deck.slides:
        return no_update, no_update, no_update, no_update, as_of, banner
    return deck.slides, {"titles": deck.titles}, deck.digest, progress_steps(deck.titles), as_of, banner


clientside_callback(
    ClientsideFunction(namespace="wall", function_name="tick"),
    Output(DECK, "style"),
    Output(PROGRESS, "style"),
    Output(CLOCK, "children"),
    Output(POSITION, "children"),
    Input(TICK, "n_intervals"),
    State(SETTINGS, "data"),
    State(DECK_INFO, "data"),
    State(WORDS, "data"),
)

clientside_callback(
    ClientsideFunction(namespace="wall", function_name="heartbeat"),
    Output(CONNECTION, "data"),
    Output(RECONNECTING, "hidden"),
    Output(RECONNECTING_MESSAGE, "children"),
    Input(HEARTBEAT, "n_intervals"),
    State(CONNECTION, "data"),
    State(SETTINGS, "data"),
    State(WORDS, "data"),
    prevent_initial_call=True,
)
