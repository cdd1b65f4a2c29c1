"""Beacon in its users' languages: gettext through the catalogues under translations/, and numbers, dates,
months and quarters written as each locale writes them (Babel's CLDR data).

Top level, beside config.py, because every layer speaks to people: components build the words, views
and pages their messages, data/ the review pack, digests and command-line messages. It imports nothing
of Beacon but config, so any layer may import it without an upward arrow.

    from i18n import _, ngettext
    _("%(metric)s is off track", metric=name)          # named placeholders, the whole sentence
    ngettext("%(num)s day", "%(num)s days", days)       # the language's plural rules (num: the count)

Which language: inside a request, the one chosen for it (`choose`: ?lang=, the browser's cookie, the
account's, Accept-Language, BEACON_DEFAULT_LANGUAGE), which Flask-Babel's locale selector asks once
per request; in a command or a worker, `with language("fi"):` (the review pack, digests); anywhere
else, BEACON_DEFAULT_LANGUAGE. Module-level words are marked with `N_` (extracted, not translated)
and translated where they are shown, since Dash writes components to JSON, which a lazy string is not.
"""

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

import config

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"
#: The cookie that remembers a browser's choice (the language menu, or a ?lang= link).
COOKIE = "beacon_lang"
#: The query parameter that picks a language for a link (a wall, a shared view): it wins, and is remembered.
PARAMETER = "lang"


@dataclass(frozen=True)
class Language:
    code: str  # as in ?lang= and BEACON_DEFAULT_LANGUAGE, the catalogue's folder and <html lang>
    native: str  # its name in itself, as the language menu lists it
    direction: str  # "ltr" or "rtl", for <html dir>
    #: The CLDR locale its formats come from. English is written as Beacon always wrote it, day before
    #: month ("3 Nov 2026"): British English's dates, the same numbers.
    formats: str


#: The interface languages, in the menu's order.
LANGUAGES = {
    language.code: language
    for language in (
        Language("en", "English", "ltr", "en_GB"),
        Language("fi", "Suomi", "ltr", "fi"),
        Language("fr", "Français", "ltr", "fr"),
        Language("hu", "Magyar", "ltr", "hu"),
        Language("es", "Español", "ltr", "es"),
        Language("fa", "فارسی", "rtl", "fa"),
    )
}
SOURCE = "en"  # the language the message ids are written in

# The language a command or a worker set with `language(...)`, over the request's and the default.
_forced: ContextVar[str | None] = ContextVar("beacon_language", default=None)


def supported(code: str | None) -> str | None:
    """`code` when it names an interface language ("fi", "FI", "fi-FI", "fi_FI"), else None."""
    if not code:
        return None
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return base if base in LANGUAGES else None


def choose(
    asked: str | None,
    remembered: str | None,
    account: str | None,
    accepted: Iterable[str] | None,
    default: str,
) -> str:
    """The language of a request: the URL's ?lang= (`asked`), else this browser's cookie (`remembered`),
    else the signed-in account's, else the best of the browser's Accept-Language (`accepted`: werkzeug's
    request.accept_languages, by q-value), else `default`. Values naming
    no interface language are passed over, never an error: a link or a cookie may be old."""
    for code in (asked, remembered, account):
        if supported(code):
            return supported(code)
    # Best first (werkzeug's LanguageAccept is sorted by q-value): "hu-HU" is Hungarian, "de" passed over.
    for tag in accepted or ():
        code = supported(tag[0] if isinstance(tag, tuple) else tag)
        if code:
            return code
    return supported(default) or SOURCE


def current() -> str:
    """The language in effect here: a command's `language(...)`, else the request's, else the default."""
    forced = _forced.get()
    if forced:
        return forced
    from flask import current_app, has_request_context

    if has_request_context() and "babel" in current_app.extensions:
        import flask_babel

        return supported(str(flask_babel.get_locale())) or SOURCE
    return supported(config.DEFAULT_LANGUAGE) or SOURCE


def direction(code: str | None = None) -> str:
    return LANGUAGES[code or current()].direction


@contextmanager
def language(code: str | None) -> Iterator[str]:
    """Speak `code` inside the block (a command's --lang, a digest for one recipient); None or a code
    Beacon does not have: the default language."""
    chosen = supported(code) or supported(config.DEFAULT_LANGUAGE) or SOURCE
    token = _forced.set(chosen)
    try:
        yield chosen
    finally:
        _forced.reset(token)


def catalogue_path(code: str, suffix: str = "po") -> Path:
    return TRANSLATIONS / code / "LC_MESSAGES" / f"{DOMAIN}.{suffix}"


@cache
def translations(code: str) -> NullTranslations:
    """The compiled catalogue of `code` (`make setup` compiles them); English is the message ids
    themselves. A catalogue not compiled yet is compiled in memory from its .po, with a warning."""
    compiled = catalogue_path(code, "mo")
    if compiled.exists():
        with compiled.open("rb") as file:
            return Translations(file, domain=DOMAIN)
    log.warning("%s is not compiled (make setup compiles the catalogues): reading its .po", compiled)
    with catalogue_path(code).open("rb") as file:
        catalogue = read_po(file, locale=code)
    buffer = BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _interpolate(text: str, values: dict) -> str:
    return text % values if values else text


def gettext(message: str, **values) -> str:
    """`message` in the current language, its %(name)s placeholders filled from `values`."""
    return _interpolate(translations(current()).ugettext(message), values)


def ngettext(singular: str, plural: str, count: int, /, **values) -> str:
    """The form of the current language's plural rules for `count` (one, few, many, other…), filled with
    `values` and `num`: the count as the locale writes numbers, unless `values` has a `num` of its own."""
    text = translations(current()).ungettext(singular, plural, count)
    return _interpolate(text, {"num": format_integer(count), **values})


def pgettext(context: str, message: str, **values) -> str:
    """`message` as meant in `context` (the same English word with two meanings)."""
    return _interpolate(translations(current()).upgettext(context, message), values)


def lazy_gettext(message: str, **values) -> LazyProxy:
    """A message translated when it is read, for module-level text read inside a request. Dash cannot
    write a lazy string to JSON: in components, mark with `N_` and translate with `_` where shown."""
    return LazyProxy(gettext, message, enable_cache=False, **values)


def N_(message: str) -> str:
    """Marks `message` for extraction without translating it: translate it with `_` where it is shown."""
    return message


_ = gettext


# Numbers, dates and periods ------------------------------------------------------------------------------

#: Digits of the numbering systems CLDR gives Beacon's languages other than Latin ones (Persian: arabext).
_DIGITS = {"arabext": "۰۱۲۳۴۵۶۷۸۹", "arab": "٠١٢٣٤٥٦٧٨٩"}
MINUS = "\u2212"  # a true minus sign, as wide as the plus
#: Beacon's English groups thousands with a narrow space (SI style), as it always has: unambiguous
#: in every office, where a comma is a decimal separator to half of them.
_ENGLISH_GROUP = "\u202f"


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(LANGUAGES[code].formats)


def _numbering(code: str) -> str:
    return _locale(code).default_numbering_system


def _digits(text: str, code: str) -> str:
    """Latin digits in `text` written as `code` writes them (Persian: ۰–۹)."""
    digits = _DIGITS.get(_numbering(code))
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


@cache
def _signs(code: str) -> tuple[str, str]:
    """(minus, plus) as `code` writes them; a true minus where CLDR has the hyphen."""
    system = _numbering(code)
    minus = numbers.get_minus_sign_symbol(_locale(code), numbering_system=system)
    plus = numbers.get_plus_sign_symbol(_locale(code), numbering_system=system)
    return (MINUS if minus == "-" else minus), plus


def _finish(text: str, code: str, signed: bool, negative: bool, positive: bool) -> str:
    minus, plus = _signs(code)
    text = text.replace("-", "")
    if code == SOURCE:
        text = text.replace(",", _ENGLISH_GROUP)
    text = _digits(text, code)
    return (minus + text) if negative else (plus + text) if signed and positive else text


def format_decimal(value: float, decimals: int, signed: bool = False, code: str | None = None) -> str:
    """`value` to `decimals` places with the locale's decimal sign, grouping and digits ('5,6' in Finnish,
    '۵٫۶' in Persian); `signed` writes a plus before a positive number. Never '−0,0'."""
    code = code or current()
    value = round(value, decimals) + 0.0  # + 0.0 turns −0.0 into 0.0
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = numbers.format_decimal(
        abs(value), format=pattern, locale=_locale(code), numbering_system=_numbering(code)
    )
    return _finish(text, code, signed, value < 0, value > 0)


def format_integer(value: int, code: str | None = None) -> str:
    return format_decimal(int(value), 0, code=code)


def format_percent(value: float, decimals: int = 1, signed: bool = False, code: str | None = None) -> str:
    """`value` (already in percent: 85.3) as the locale writes a percentage: '85.3%', '85,3 %', '۸۵٫۳٪'."""
    code = code or current()
    value = round(value, decimals) + 0.0
    locale = _locale(code)
    pattern = locale.percent_formats[None].pattern.replace(
        "0", "0" + ("." + "0" * decimals if decimals else ""), 1
    )
    text = numbers.format_percent(
        abs(value) / 100, format=pattern, locale=locale, numbering_system=_numbering(code)
    )
    # Babel writes the Latin percent sign whatever the numbering system; CLDR's own for it (Persian: ٪).
    text = text.replace("%", locale.number_symbols[_numbering(code)]["percentSign"])
    return _finish(text, code, signed, value < 0, value > 0)


def format_permille(value: float, decimals: int = 2, signed: bool = False, code: str | None = None) -> str:
    """`value` (already per thousand) with the locale's per-mille sign: '4.20 ‰', '4,20 ‰'."""
    code = code or current()
    symbols = _locale(code).number_symbols[_numbering(code)]
    return f"{format_decimal(value, decimals, signed, code)}\u00a0{symbols['perMille']}"


def format_day(day: date | datetime, code: str | None = None) -> str:
    """A day as the locale writes it with the month's name: '3 Nov 2026', '3.11.2026', '3 nov. 2026'."""
    code = code or current()
    return _digits(dates.format_skeleton("yMMMd", day, locale=_locale(code)), code)


def format_day_month(day: date | datetime, code: str | None = None) -> str:
    """A day in a year that goes without saying: '3 Nov', '3.11.', '3 nov.'."""
    code = code or current()
    return _digits(dates.format_skeleton("MMMd", day, locale=_locale(code)), code)


def format_time(moment: datetime, code: str | None = None) -> str:
    """Hours and minutes as the locale's clock shows them: '09:05', '9.05'."""
    code = code or current()
    return _digits(dates.format_skeleton("Hm", moment, locale=_locale(code)), code)


def format_month(year: int, month: int, code: str | None = None) -> str:
    """A month of a year: 'Nov 2026', 'marras 2026', 'nov. 2026'."""
    code = code or current()
    return _digits(dates.format_skeleton("yMMM", date(year, month, 1), locale=_locale(code)), code)


def format_quarter(year: int, quarter: int, code: str | None = None) -> str:
    """A quarter of a year: 'Q3 2026', '3. nelj. 2026', 'T3 2026'."""
    code = code or current()
    return _digits(dates.format_skeleton("yQQQ", date(year, 3 * quarter - 2, 1), locale=_locale(code)), code)


def format_year(year: int, code: str | None = None) -> str:
    """A year, never grouped ('2026', '۲۰۲۶')."""
    code = code or current()
    return _digits(str(year), code)


def month_names(width: str = "wide", code: str | None = None) -> list[str]:
    """The months' names, January first ('wide', or 'abbreviated'), standing alone as in a selector."""
    names = dates.get_month_names(width, context="stand-alone", locale=_locale(code or current()))
    return [names[month] for month in range(1, 13)]
