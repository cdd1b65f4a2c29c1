"""HTTP 404 for what Beacon does not have: a path no page has, an id in a page's path that neither
the warehouse nor the state database holds, a file of Dash's that does not exist, a callback that
does not exist.

Dash draws pages in the browser, so the status of a page's first load is decided here, on the server,
with the same routing Dash's pages use; the browser still shows the friendly page (the not-found page,
or the page's own message naming the id).
"""

import logging

import dash
from dash._pages import _path_to_page  # Dash's own routing: the status always agrees with the page drawn
from dash.exceptions import DependencyException
from flask import request
from werkzeug.exceptions import HTTPException, InternalServerError

import queries
from data.state import cases
from i18n import _
from views.commitment_context import NEW, catalogue, stored_commitment

log = logging.getLogger(__name__)

#: Dash's index, which serves every page's first load (its endpoints are named by their rules).
INDEX_ENDPOINTS = {"/", "/<path:path>"}


def _known(variable: str, value: str) -> bool:
    if variable == "commitment_id":
        return value == NEW or stored_commitment(value) is not None
    if variable == "case_id":
        return value.isdigit() and cases.get(int(value)) is not None
    known = catalogue()
    return (
        value
        in {
            "metric_id": known.metrics,
            "touchpoint_id": known.touchpoints,
            "segment_id": known.segments,
            "owner_id": known.owners,
        }[variable]
    )


def page_exists(path: str) -> bool:
    """Whether `path` is one of Beacon's pages, with ids that exist (True when the warehouse cannot be
    read: the page says so, and the path may be right)."""
    page, variables = _path_to_page(dash.get_app().strip_relative_path(path) or "")
    if not page or page["module"].endswith("not_found_404"):
        return False
    try:
        return all(_known(variable, value) for variable, value in (variables or {}).items())
    except queries.WarehouseError:
        return True


def install(app: dash.Dash) -> None:
    @app.server.after_request
    def not_found_status(response):
        if (
            request.endpoint in INDEX_ENDPOINTS
            and response.status_code == 200
            and not page_exists(request.path)
        ):
            response.status_code = 404
        return response

    @app.server.errorhandler(DependencyException)
    def no_such_file(_error):
        log.info("Not found: no such file %s", request.path)
        return _("Not found: Beacon has no such file."), 404, {"Content-Type": "text/plain; charset=utf-8"}

    @app.server.errorhandler(KeyError)
    def no_such_callback(error):
        # werkzeug's BadRequestKeyError is a KeyError too: a 400 stays a 400.
        if isinstance(error, HTTPException):
            return error
        # Dash's word for a callback request naming outputs no callback has; any other KeyError is a bug.
        if request.path.endswith("/_dash-update-component") and str(error.args[0]).startswith(
            "Callback function not found"
        ):
            log.info("Not found: %s", error.args[0])  # Dash's words, naming the outputs
            return {"message": _("Not found: no callback has these outputs.")}, 404
        log.error("Unhandled KeyError on %s", request.path, exc_info=error)
        return InternalServerError()
