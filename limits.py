"""Bounds on what one request may cost a worker: the body it may send, and no work for a client gone.

nginx holds the same body limit in production (deploy/nginx.conf) and buffers slow clients; gunicorn
bounds the request line, the headers, and how long a worker may take (gunicorn.conf.py).
"""

import logging
import socket

from dash import Dash
from flask import request

import config

log = logging.getLogger(__name__)

#: The status nginx logs for a request whose client closed the connection before the answer.
CLIENT_GONE = 499


def client_gone(environ: dict) -> bool:
    """Whether the connection this request came on has been closed by its client (or nginx for it):
    nothing is left to read and the peer has hung up. Only gunicorn gives the socket; elsewhere False."""
    connection = environ.get("gunicorn.socket")
    if connection is None:
        return False
    try:
        return connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:  # open, and nothing more sent: the client is waiting for its answer
        return False
    except OSError:  # reset or closed under us
        return True


def install(app: Dash) -> None:
    server = app.server
    # Refused with 413 before the body is read.
    server.config["MAX_CONTENT_LENGTH"] = config.MAX_REQUEST_BYTES

    @server.before_request
    def _skip_abandoned():
        """A callback that waited in the queue while its browser left (a closed tab, a wall reloading,
        nginx giving up) is not run: under load that work would only delay the requests still wanted.
        Once running, a callback finishes: neither gunicorn nor Dash can stop a thread halfway."""
        if request.method == "POST" and client_gone(request.environ):
            log.debug("Not run: the client of %s has gone", request.path)
            return "", CLIENT_GONE
        return None
