"""What a wall screen shows and how, read from its URL: a TV is set up once, by URL, and left alone.

/wall?slides=scorecard,journey,touchpoints&dwell=20&refresh=60&segment=smb&period=2026-Q3&theme=dark
     &public=1&stale=2&metric=tnps

Pure: a typo is reported with the parameter, the value and what would be accepted, so whoever sets up
the screen sees at once what to fix.
"""

from dataclasses import dataclass

from i18n import _

#: Slides a wall can show, in the words of its `slides=` parameter. `touchpoints` and `segments` stand for
#: one slide per touchpoint (journey order) or segment; `touchpoint:ID` and `segment:ID` for one each.
SLIDE_KINDS = ("scorecard", "journey", "movers", "commitments", "cases", "touchpoint", "segment")
DEFAULT_SLIDES = ("scorecard", "journey", "movers", "commitments")
#: Slides of one kind without a key: the defaults, and `cases` (closing the loop), shown when asked for.
SINGLE_SLIDES = (*DEFAULT_SLIDES, "cases")
THEMES = ("dark", "light")

#: name → (default, lowest, highest): whole seconds or days.
_NUMBERS = {
    "dwell": (20, 2, 3600),  # seconds each slide stays
    "refresh": (60, 2, 86400),  # seconds between data refreshes
    "stale": (2, 0, 365),  # days the latest data may be old before the screen says it is stale
}


class WallSettingError(ValueError):
    """A wall URL parameter Beacon cannot use; the message names it and says what would do."""


@dataclass(frozen=True)
class SlideSpec:
    kind: str  # one of SLIDE_KINDS
    key: str | None = None  # the touchpoint or segment id; None: every one of them


@dataclass(frozen=True)
class WallSettings:
    slides: tuple[SlideSpec, ...]
    dwell: int
    refresh: int
    stale: int
    theme: str
    public: bool
    period: str | None
    compare: str | None
    segment: str | None
    metric: str | None

    def to_dict(self) -> dict:
        """JSON-able, for a dcc.Store and for memoised functions' keys."""
        return {
            **{name: getattr(self, name) for name in self.__dataclass_fields__ if name != "slides"},
            "slides": [[spec.kind, spec.key] for spec in self.slides],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "WallSettings":
        return cls(**{**data, "slides": tuple(SlideSpec(kind, key) for kind, key in data["slides"])})


def _slide(token: str) -> SlideSpec:
    kind, _colon, key = token.partition(":")
    plural = {"touchpoints": "touchpoint", "segments": "segment"}
    if kind in plural and not key:
        return SlideSpec(plural[kind])
    if kind in ("touchpoint", "segment") and key:
        return SlideSpec(kind, key)
    if kind in SINGLE_SLIDES and not key:
        return SlideSpec(kind)
    raise WallSettingError(
        _(
            "slides=%(value)s is not a slide. Use any of scorecard, journey, movers, commitments, cases, "
            "touchpoints (one slide each), segments (one slide each), touchpoint:ID or segment:ID, "
            "separated by commas.",
            value=repr(token),
        )
    )


def _number(name: str, text: str | None) -> int:
    default, low, high = _NUMBERS[name]
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        values = {"name": name, "value": repr(text), "low": low, "high": high}
        raise WallSettingError(
            _("%(name)s=%(value)s must be a whole number of days from %(low)s to %(high)s.", **values)
            if name == "stale"
            else _("%(name)s=%(value)s must be a whole number of seconds from %(low)s to %(high)s.", **values)
        )
    return value


def parse_wall_settings(query: dict) -> WallSettings:
    """The settings a wall URL's query parameters ask for; WallSettingError names the first bad one."""
    tokens = [token.strip() for token in (query.get("slides") or "").split(",") if token.strip()]
    slides = tuple(_slide(token) for token in tokens) or tuple(SlideSpec(kind) for kind in DEFAULT_SLIDES)
    theme = query.get("theme") or THEMES[0]
    if theme not in THEMES:
        raise WallSettingError(
            _("theme=%(value)s is not a theme. Use theme=dark or theme=light.", value=repr(theme))
        )
    public = query.get("public") or "0"
    if public not in ("0", "1"):
        raise WallSettingError(_("public=%(value)s must be 1 (for a public place) or 0.", value=repr(public)))
    return WallSettings(
        slides=slides,
        dwell=_number("dwell", query.get("dwell")),
        refresh=_number("refresh", query.get("refresh")),
        stale=_number("stale", query.get("stale")),
        theme=theme,
        public=public == "1",
        period=query.get("period") or None,
        compare=query.get("compare") or None,
        segment=query.get("segment") or None,
        metric=query.get("metric") or None,
    )
