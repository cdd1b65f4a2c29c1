"""The interface language on the web: chosen once per request, remembered, and written into the page.

Each request's language is i18n.choose's: `?lang=` in the URL (a wall, a shared link), this browser's
cookie, the signed-in account's, Accept-Language, BEACON_DEFAULT_LANGUAGE. A `?lang=` is remembered in
the cookie, so the language holds as the user goes on: Dash's own requests (layout, callbacks) carry
the cookie, not the page's query string, and every view's URL stays the same in every language. The
navbar's menu posts to /language, which remembers the choice in the cookie and, for a signed-in
person, in their account, then goes back to the page it came from without its `?lang=`.

The page itself is written for its language: `<html lang dir>`, and for a right-to-left language
Bootstrap's RTL stylesheet in place of the left-to-right one (only one of the two is linked).
"""

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit

import flask_babel
from dash import Dash
from flask import redirect, request

import config
import delivery
import i18n
from auth import web as auth_web
from data.state import accounts, database

log = logging.getLogger(__name__)

PATH = "/language"
#: A year: the cookie is a preference, not a secret.
COOKIE_SECONDS = 365 * 24 * 3600
LTR_STYLESHEET, RTL_STYLESHEET = "bootstrap.min.css", "bootstrap.rtl.min.css"


def _account_language() -> str | None:
    return getattr(auth_web.current_user(), "language", None)


def request_language() -> str:
    """This request's language (Flask-Babel's locale selector: it asks once per request)."""
    return i18n.choose(
        request.args.get(i18n.PARAMETER),
        request.cookies.get(i18n.COOKIE),
        _account_language(),
        request.accept_languages,
        config.DEFAULT_LANGUAGE,
    )


def _remember(response):
    """A `?lang=` naming a language is remembered in this browser's cookie, so the rest of the visit and
    Dash's own requests keep it."""
    asked = i18n.supported(request.args.get(i18n.PARAMETER))
    if asked and request.cookies.get(i18n.COOKIE) != asked:
        _set_cookie(response, asked)
    return response


def _set_cookie(response, code: str) -> None:
    response.set_cookie(
        i18n.COOKIE, code, max_age=COOKIE_SECONDS, samesite="Lax", httponly=True, secure=request.is_secure
    )


def without_language(target: str | None) -> str:
    """The page to go back to after choosing: a path on this site (never another), its query string kept
    but for `lang=`, which would otherwise outvote the choice just made."""
    parts = urlsplit(target or "/")
    path = parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else "/"
    if "\\" in path or any(ord(character) < 0x20 or ord(character) == 0x7F for character in path):
        path = "/"
    query = [(name, value) for name, value in parse_qsl(parts.query) if name != i18n.PARAMETER]
    return path + (f"?{urlencode(query)}" if query else "")


def _choose():
    """POST /language (lang=fi): remember the language in this browser and the signed-in account, then
    go back to the page the menu was on (the Referer, which Beacon's Referrer-Policy keeps same-origin)."""
    code = i18n.supported(request.form.get(i18n.PARAMETER))
    referrer = urlsplit(request.referrer or "")
    same_site = referrer.netloc == request.host
    back = (
        without_language(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
        if same_site
        else "/"
    )
    response = redirect(back, code=303)
    if code is None:
        return response  # nothing Beacon speaks: the page as it was
    _set_cookie(response, code)
    user = auth_web.current_user()
    if user.username:
        try:
            accounts.set_language(user.username, code)
        except database.BusyError:
            log.warning(
                "The language of %s was not saved in their account: the state database is busy", user.username
            )
    return response


def index_html(interpolate, kwargs: dict) -> str:
    """Dash's index page written for this request's language: `<html lang dir>`, and the stylesheet of
    its direction (Bootstrap's RTL one in place of the LTR one for Persian)."""
    code = i18n.current()
    rtl = i18n.direction(code) == "rtl"
    if rtl:
        kwargs = {
            **kwargs,
            "css": kwargs.get("css", "").replace(
                delivery.vendor_url(LTR_STYLESHEET), delivery.vendor_url(RTL_STYLESHEET)
            ),
        }
    page = interpolate(**kwargs)
    return page.replace("<html>", f'<html lang="{code}" dir="{"rtl" if rtl else "ltr"}">', 1)


def install(app: Dash) -> None:
    """The language of every request (Flask-Babel's locale selector), remembered, and the menu's route."""
    flask_babel.Babel(
        app.server, locale_selector=request_language, default_translation_directories=str(i18n.TRANSLATIONS)
    )
    app.server.after_request(_remember)
    app.server.add_url_rule(PATH, "language", _choose, methods=["POST"])
