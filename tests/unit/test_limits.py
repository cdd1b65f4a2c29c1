"""Bounds on a request (limits.py): a body over the limit is refused before it is read, and a callback
whose client has hung up is not run."""

import socket

import dash
from flask import Flask

import config
import limits


def test_a_closed_connection_is_told_from_a_waiting_one():
    ours, theirs = socket.socketpair()
    try:
        assert not limits.client_gone({"gunicorn.socket": ours})  # open, nothing sent: waiting
        theirs.close()
        assert limits.client_gone({"gunicorn.socket": ours})
    finally:
        ours.close()
    assert not limits.client_gone({})  # not under gunicorn: never taken for gone


def _app() -> dash.Dash:
    app = dash.Dash(__name__, server=Flask(__name__))
    app.layout = dash.html.Div()
    limits.install(app)
    return app


def test_a_body_over_the_limit_is_refused_with_413():
    app = _app()
    client = app.server.test_client()
    too_big = b"x" * (config.MAX_REQUEST_BYTES + 1)
    response = client.post("/_dash-update-component", data=too_big, content_type="application/json")
    assert response.status_code == 413


def test_a_callback_whose_client_has_gone_is_not_run():
    app, ran = _app(), []
    app.server.add_url_rule("/work", "work", lambda: ran.append(1) or "done", methods=["POST"])
    ours, theirs = socket.socketpair()
    theirs.close()
    try:
        response = app.server.test_client().post("/work", environ_overrides={"gunicorn.socket": ours})
    finally:
        ours.close()
    assert (response.status_code, ran) == (limits.CLIENT_GONE, [])
