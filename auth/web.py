"""Sign-in on the web: the sign-in page, sessions, display tokens for wall screens, and the checks every
request passes before Dash sees it.

Every mode: state-changing requests (POST) must come from Beacon's own pages (their Origin, or failing
that their Referer, is this server), so another site cannot make a signed-in browser change anything;
/healthz answers for load balancers. Mode "none" also refuses any Host that is not this machine, so a web
page cannot reach the demo by pointing its own domain name at 127.0.0.1.

Mode "local": everything but the sign-in page, static files and /healthz needs a session. The session
is Flask's signed cookie (HttpOnly, SameSite=Lax, Secure whenever the request came over HTTPS), holding
the random key of a session kept in the state database: signing out, a password reset, a disabled
account or BEACON_SESSION_HOURS passing ends it for good, whatever copy of the cookie is still about.
A wall screen opens /wall?token=… once; the token becomes a display session that may fetch /wall and
its callbacks only. Which callback a request runs is Dash's own answer (its callback map, by the
request's output key, as Dash's dispatch picks the function); which page the page container draws is
decided where Dash draws it (every other page's layout refuses a display), so neither depends on how
Dash lays out its request.
"""

import functools
import ipaddress
import logging
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import dash
from dash import Dash
from dash.dash import _ID_CONTENT  # the page container's id, imported as Dash's own tools do
from flask import Blueprint, abort, current_app, g, make_response, redirect, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

import config
import delivery
import i18n
from auth import ADMIN, DISPLAY, User
from data.state import accounts, audit
from i18n import N_, _, ngettext

log = logging.getLogger(__name__)

SIGN_IN_WINDOW = timedelta(minutes=15)
REFUSALS_PER_USERNAME = 5  # refused sign-ins for one username from one address within the window
REFUSALS_PER_CLIENT = 20  # refused sign-ins from one address, any usernames, within the window
USERNAME_MAX, PASSWORD_MAX = 64, 1024  # longer is refused unchecked (the accounts table holds 64)
#: Links in messages, opened without signing in: their token is the key (unsubscribe.py). A mail
#: program's one-click unsubscribe posts from no Beacon page, so these POSTs skip the cross-site check;
#: another site cannot forge one without the token.
TOKEN_LINKS = "/unsubscribe/"
# Static files, the sign-in page, the health check and token links are open; all else needs a session.
OPEN_PREFIXES = ("/assets/", "/vendor/", "/_dash-component-suites/", TOKEN_LINKS)
OPEN_PATHS = {"/signin", "/signout", "/healthz", "/_favicon.ico"}
WALL_PATH = "/wall"
WALL_ID_PREFIX = "wall-"  # the wall's components: the callbacks a display may run write only these
# The name Dash keeps for its callback view whatever its backend, so that integrations can key on it
# (dash/backends/_flask.py: "Preserve the view function's identity as `dash.dash.dispatch`").
DASH_DISPATCH = "dash.dash.dispatch"

NOBODY = User("not signed in", "anonymous")

# The pages this module renders (refusals in every mode), and the sign-in routes (mode "local" only).
templates = Blueprint("auth_templates", __name__, template_folder="templates")
# The sign-in pages link the vendored styles at their versioned URLs, as the app does.
templates.add_app_template_global(delivery.vendor_url, "vendor_url")
blueprint = Blueprint("auth", __name__)


@templates.app_context_processor
def _language() -> dict:
    """Every page these templates write: `<html lang dir>` of the request's language, and Bootstrap's
    stylesheet of its direction (the right-to-left one for Persian)."""
    code = i18n.current()
    rtl = i18n.direction(code) == "rtl"
    return {
        "language": code,
        "direction": "rtl" if rtl else "ltr",
        "bootstrap_css": "bootstrap.rtl.min.css" if rtl else "bootstrap.min.css",
    }


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure whenever the request came over HTTPS (directly, or
    through a trusted proxy's X-Forwarded-Proto), so one configuration serves both."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def install(app: Dash) -> None:
    """Put the configured sign-in mode in front of every request."""
    server = app.server
    if config.TRUST_PROXY:
        hops = config.TRUST_PROXY
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    server.add_url_rule("/healthz", "healthz", lambda: ("ok", 200, {"Content-Type": "text/plain"}))
    # 204 while this browser's session holds (always, without sign-in): pages ask it to notice an ended
    # session or a revoked display token and reload to the sign-in page or the message.
    server.add_url_rule("/session", "session", lambda: ("", 204), methods=["GET", "HEAD"])
    server.before_request(_refuse_cross_site)
    server.register_blueprint(templates)
    if config.AUTH == "none":
        server.before_request(_refuse_foreign_host)
        return
    server.config.update(
        SECRET_KEY=config.SECRET_KEY,
        SESSION_COOKIE_NAME="beacon_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The cookie's life: a display's, renewed by its requests; accounts' sessions end sooner, on the
        # server (BEACON_SESSION_HOURS).
        PERMANENT_SESSION_LIFETIME=timedelta(days=30),
    )
    server.session_interface = _SessionInterface()
    accounts.decoy_hash()  # made now, not on the first unknown username, which it would time apart
    server.register_blueprint(blueprint)
    server.before_request(_require_session)
    for page in dash.page_registry.values():
        if page["path"] != WALL_PATH:
            page["layout"] = _not_for_displays(page["layout"])


def _not_for_displays(layout):
    """The page's layout, refused to a display session: the page container's callback, which a display
    runs to draw /wall, draws whatever page its request names, and this is where Dash draws it."""

    def drawn(**query):
        if current_user().role == DISPLAY:
            abort(make_response(_not_on_this_screen()))
        return layout(**query) if callable(layout) else layout

    return functools.wraps(layout)(drawn) if callable(layout) else drawn


def current_user() -> User:
    """Who is acting on this request."""
    if config.AUTH == "none":
        return User(config.ACTING_USER, ADMIN)
    # Not set only where Dash runs something before the checks (its set-up on the first request).
    return g.get("user", NOBODY)


FRAME, CALLBACK = "frame", "callback"
FRAME_VIEWS = (Dash.serve_layout, Dash.dependencies, Dash.serve_reload_hash)


def _dash_api() -> str | None:
    """Which part of Dash's API the request is for, told by the view Dash serves it with: FRAME (the
    layout, dependencies and reload hash any page is drawn in), CALLBACK (a callback to run), or None
    (a page, a file, or not Dash's at all). Dash's API answers in JSON, not with pages."""
    view = current_app.view_functions.get(request.endpoint)
    if isinstance(getattr(view, "__self__", None), Dash) and view.__func__ in FRAME_VIEWS:
        return FRAME
    if f"{getattr(view, '__module__', '')}.{getattr(view, '__qualname__', '')}" == DASH_DISPATCH:
        return CALLBACK
    return None


def _refusal(status: int, title: str, message: str, screen: bool = False):
    """The refusal as JSON for Dash's requests, else as a page; `screen`: large, for a wall screen.
    `title` and `message` in English (marked with N_): logged so, shown in the request's language."""
    # The path without its query: a wall's first address carries its display token.
    log.log(
        logging.INFO if status == 401 else logging.WARNING,
        "Refused %s %s from %s (%d): %s",
        request.method,
        request.path,
        request.remote_addr,
        status,
        message,
    )
    if _dash_api():
        return {"message": _(message)}, status
    sign_in_link = config.AUTH == "local" and not screen
    page = render_template(
        "message.html",
        title=_(title),
        message=_(message),
        screen=screen,
        sign_in_link=sign_in_link,
        sign_in=_("Sign in"),
    )
    return page, status


def _same_origin() -> bool:
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(source)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


def _refuse_cross_site():
    if request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith(TOKEN_LINKS) or _same_origin():
        return None
    return _refusal(
        403,
        N_("Request refused"),
        N_("Refused: this change did not come from a Beacon page (its Origin is another site or missing)."),
    )


def _refuse_foreign_host():
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    if config.is_loopback(host.strip("[]")):
        return None
    return _refusal(
        403,
        N_("Request refused"),
        N_("Beacon without sign-in (BEACON_AUTH=none) answers only to this machine's own addresses."),
    )


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another site (open redirect).
    Control characters and backslashes are refused outright: browsers and Werkzeug drop them or read
    them as slashes, so `/\t/evil.example` would become `//evil.example`."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(character) < 0x20 or ord(character) == 0x7F for character in target)
    ):
        return "/"
    return target


def _session_user() -> User | None:
    """The user of this request's session, or None (and the session cleared) when it no longer holds."""
    if "display" in session:
        token = accounts.display_token(token_id=session["display"])
        if token:
            return User(token["label"], DISPLAY)
        g.display_revoked = True  # the session stays, so the screen keeps saying so until a new token
        return None
    elif "key" in session:
        account = accounts.session_account(session["key"], timedelta(hours=config.SESSION_HOURS))
        if account:
            return User(
                account["display_name"],
                account["role"],
                account["username"],
                account["owner_id"],
                account.get("language"),
            )
    session.clear()
    return None


def _wall_callback(callback: dict | None) -> bool:
    """Whether a display may run `callback` (an entry of Dash's callback map): one writing only wall
    components, or the page container's drawing of a page (`_not_for_displays` refuses all but /wall)."""
    if callback is None:
        return False
    declared = callback["output"] if isinstance(callback["output"], list) else [callback["output"]]
    ids = [output.component_id for output in declared]
    return all(isinstance(i, str) and i.startswith(WALL_ID_PREFIX) for i in ids) or _ID_CONTENT in ids


def _display_may() -> bool:
    """A display session fetches /wall, the frame Dash draws it in (its layout, dependencies and reload
    hash) and its own session check, and runs the wall's callbacks only."""
    api = _dash_api()
    if request.path == WALL_PATH or request.endpoint == "session" or api == FRAME:
        return True
    if api != CALLBACK:
        return False
    body = request.get_json(silent=True)
    key = body.get("output") if isinstance(body, dict) else None
    # The callback this request runs: Dash's dispatch looks it up by this key, in this map.
    return _wall_callback(dash.get_app().callback_map.get(key) if isinstance(key, str) else None)


def _not_on_this_screen():
    return _refusal(403, N_("Not on this screen"), N_("A wall display token shows /wall only."), screen=True)


def _start_display(token: str):
    """/wall?token=…: the token becomes a display session and the screen goes on to the same wall without
    the token in its address (nor in logs or history from then on), always public."""
    found = accounts.display_token(token=token)
    if found is None:
        audit.record("not signed in", "display token refused", "", request.remote_addr)
        return _refusal(
            403,
            N_("Display token refused"),
            N_("This display token is not valid: it was revoked, or mistyped."),
            screen=True,
        )
    if _session_user() is not None and "key" in session:
        # A person's browser stays theirs: a link carrying a token does not sign them out.
        return redirect("/wall?" + urlencode({k: v for k, v in request.args.items() if k != "token"}))
    session.clear()
    session.permanent = True
    session["display"] = found["token_id"]
    accounts.mark_display_token_used(found["token_id"])
    audit.record(found["label"], "display signed in", str(found["token_id"]), request.remote_addr)
    query = {key: value for key, value in request.args.items() if key not in ("token", "public")}
    return redirect("/wall?" + urlencode({**query, "public": "1"}))


def _require_session():
    path = request.path
    if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
        return None
    if path == WALL_PATH and request.args.get("token"):
        return _start_display(request.args["token"])
    user = _session_user()
    if user is None and g.get("display_revoked"):
        return _refusal(
            403,
            N_("Display token revoked"),
            N_("This screen's display token was revoked: ask a Beacon admin for a new one."),
            screen=True,
        )
    if user is None:
        if _dash_api() or request.endpoint == "session" or request.method != "GET":
            return _refusal(
                401, N_("Signed out"), N_("You are signed out: reload the page to sign in again.")
            )
        return redirect("/signin?" + urlencode({"next": request.full_path.rstrip("?")}))
    if user.role == DISPLAY and not _display_may():
        return _not_on_this_screen()
    g.user = user
    return None


def _sign_in_page(message: str = "", status: int = 200, username: str = "", kind: str = "danger"):
    """The sign-in form, in the request's language, with `message` (already translated) above it."""
    page = render_template(
        "signin.html",
        words={
            "title": _("Sign in"),
            "username": _("Username"),
            "password": _("Password"),
            "submit": _("Sign in"),
            "accounts": _("Accounts are made by your Beacon administrator."),
        },
        message=message,
        kind=kind,
        username=username,
        next=_safe_next(request.values.get("next")),
    )
    return page, status


@blueprint.get("/signin")
def sign_in_form():
    if "key" in session and _session_user() is not None:  # already signed in: go on
        return redirect(_safe_next(request.args.get("next")))
    if request.args.get("signed_out"):
        return _sign_in_page(_("You are signed out."), kind="secondary")
    return _sign_in_page()


def _client() -> str | None:
    """Who is signing in, for the rate limit: the address, or for IPv6 its /64 (one household's or
    one machine's share; the last 64 bits are the client's to change at will)."""
    address = request.remote_addr
    try:
        if ipaddress.ip_address(address).version == 6:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
    except (TypeError, ValueError):
        pass
    return address


def _end_account_session() -> None:
    """End this browser's account session on the server, if it has one (before it becomes another)."""
    if "key" in session:
        accounts.end_session(session["key"])


@blueprint.post("/signin")
def sign_in():
    username = request.form.get("username", "").strip().lower()
    password = request.form.get("password", "")
    wrong = _("That username and password do not match an active account.")
    if len(username) > USERNAME_MAX or len(password) > PASSWORD_MAX or not username.isprintable():
        return _sign_in_page(wrong, 401)  # no account has such a name: nothing to check or log
    client = _client()
    attempt = audit.begin_sign_in(
        username, client, SIGN_IN_WINDOW, REFUSALS_PER_USERNAME, REFUSALS_PER_CLIENT
    )
    if attempt is None:
        log.warning("Sign-in blocked for %r from %s: too many refused lately", username, client)
        minutes = int(SIGN_IN_WINDOW.total_seconds() // 60)
        return _sign_in_page(
            ngettext(
                "Too many refused sign-ins from here: wait %(num)s minute after the last one, then try again.",
                "Too many refused sign-ins from here: wait %(num)s minutes after the last one, then try again.",
                minutes,
            ),
            429,
            username,
        )
    account = accounts.authenticate(username, password)
    if account is None:
        log.warning("Sign-in refused for %r from %s: wrong username or password", username, client)
        return _sign_in_page(wrong, 401, username)
    _end_account_session()
    session.clear()  # a fresh session: nothing from before signing in carries over
    session.permanent = True
    session["key"] = accounts.start_session(account["account_id"])
    audit.signed_in(attempt, username)
    log.info("Signed in: %s from %s", username, client)
    return redirect(_safe_next(request.form.get("next")))


@blueprint.post("/signout")
def sign_out():
    user = _session_user()
    if user is not None and user.username:
        _end_account_session()  # for good: a copy of the cookie no longer signs in
        audit.record(user.username, audit.SIGN_OUT, user.username, request.remote_addr)
    session.clear()
    return redirect("/signin?signed_out=1")
