"""gunicorn settings for `make run` and production; every value can be overridden on the command line."""

import gc

import config as settings  # not `config`: gunicorn reads every name here as one of its own settings

settings.validate()  # a wrong setting stops gunicorn itself, named, before any worker starts

bind = f"{settings.HOST}:{settings.PORT}"
loglevel = settings.LOG_LEVEL.lower()  # gunicorn's own lines, at the app's level (app.py)
workers = 2
worker_class = "gthread"
threads = 4
# A worker silent this long is killed and replaced (its requests fail; nginx retries none of them).
timeout = 60
graceful_timeout = 30
# Slow clients are nginx's to buffer in production; without it, an idle keep-alive connection holds a
# thread at most this long.
keepalive = 5
# The request line, the number of headers and each header's size: longer is refused (400) before the
# app sees it. A page's URL with its filters is far shorter; 8 kB matches nginx's header buffers.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Each worker is replaced after this many requests (jittered, so workers do not all restart at once):
# whatever a long-lived worker gathers is given back. Memoised results survive in Redis when shared.
max_requests = 5000
max_requests_jitter = 500
# Each worker opens the warehouse itself, lazily, after the fork; nothing is preloaded.
preload_app = False
# gunicorn 27's runtime control socket is not used by Beacon.
control_socket_disable = True
accesslog = "-"
# Paths without their query strings: a wall's first address carries its display token (/wall?token=…),
# which must not end up in logs. Otherwise gunicorn's default format.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s"'


def post_worker_init(worker):
    """Let Dash set itself up before the worker takes requests. Dash does it on its first request, and
    under threads the requests that arrive meanwhile find no scripts registered and fail with a 500
    (plotly/dash#3971): a fresh worker's first page load came out broken."""
    if hasattr(worker.wsgi, "test_client"):  # not when the app failed to load: gunicorn shows why
        worker.wsgi.test_client().get("/")
    # What the worker has built by now (Dash's registry, the pages, the catalogue) lives as long as it
    # does: frozen, the garbage collector stops walking it on every collection, which took a page's
    # p95 from about 175 to about 110 ms when each request builds a thousand components.
    gc.freeze()
    if worker.age == 1:  # the first worker has answered its own first page: say so once, with the address
        worker.log.info("Beacon is ready: http://%s:%s", settings.HOST, settings.PORT)
