"""gunicorn config for the benchmarks: the measured tree's own gunicorn.conf.py, plus a log of every request
and every SQL statement the worker runs, so that bench_pages can re-run the very same statements on a
plain DuckDB connection. Nothing in the tree is changed: the hooks wrap it from outside.

    cd TREE && BEACON_BENCH_LOG=/tmp/log gunicorn --config /path/to/tests/bench/gunicorn_bench.py app:server

Run with the measured tree as the working directory (that tree's `config`, `queries` and `app` are
imported, never this one's). The log is a stream of pickled tuples, appended as they happen:

* ("sql", request, sql, params, seconds): one statement on the warehouse connection, timed from
  `execute` to the end of its fetch (`df()` etc.), i.e. what the callback waited for DuckDB;
* ("request", request, method, path, callback, status, seconds): one HTTP request, timed from the WSGI
  call to the last byte of its body, `callback` being the Dash callback's outputs (empty for others).

`request` is the worker's serial number of the request the statement ran for (None outside requests).

Statements are caught on the cursors of the connection `queries.runner._open` returns, not in
`queries.runner.run`: `run` answers from its cache without any SQL, and runs the SQL through that
connection, so the cursors see exactly the statements that reached DuckDB and no others, whichever
function of the runner (or a new one) issued them.
"""

import io
import json
import os
import pickle
import threading
import time
from pathlib import Path

# The measured tree's own settings and hooks first (workers, threads, its post_worker_init...).
_TREE_CONF = Path.cwd() / "gunicorn.conf.py"
exec(compile(_TREE_CONF.read_text(), str(_TREE_CONF), "exec"))
_tree_post_fork = globals().get("post_fork")
_tree_post_worker_init = globals().get("post_worker_init")

_LOG = os.environ["BEACON_BENCH_LOG"]
_write_lock = threading.Lock()
_current = threading.local()  # .request: the serial number of the request this thread serves


def _log(record: tuple) -> None:
    data = pickle.dumps(record)
    with _write_lock, open(_LOG, "ab") as log:
        log.write(data)


class _Cursor:
    """A DuckDB cursor that logs each statement with its parameters and the time to its fetched result."""

    FETCHES = frozenset(
        {"df", "fetchdf", "fetchall", "fetchone", "fetchmany", "arrow", "fetch_arrow_table", "pl"}
    )

    def __init__(self, cursor):
        self._cursor = cursor
        self._pending = None  # (sql, params, seconds of execute) not yet fetched

    def execute(self, sql, parameters=None):
        self._flush()
        started = time.perf_counter()
        self._cursor.execute(sql) if parameters is None else self._cursor.execute(sql, parameters)
        self._pending = (sql, parameters, time.perf_counter() - started)
        return self

    def _flush(self, fetch_seconds: float = 0.0) -> None:
        if self._pending is None:
            return
        sql, parameters, seconds = self._pending
        self._pending = None
        if not sql.lstrip().upper().startswith("USE "):  # the runner's schema switch, not a lookup
            _log(("sql", getattr(_current, "request", None), sql, parameters, seconds + fetch_seconds))

    def close(self):
        self._flush()
        return self._cursor.close()

    def __getattr__(self, name):
        attribute = getattr(self._cursor, name)
        if name not in self.FETCHES:
            return attribute

        def fetch(*args, **kwargs):
            started = time.perf_counter()
            result = attribute(*args, **kwargs)
            self._flush(time.perf_counter() - started)
            return result

        return fetch


class _Connection:
    """The runner's warehouse connection, handing out logging cursors."""

    def __init__(self, connection):
        self._connection = connection

    def cursor(self):
        return _Cursor(self._connection.cursor())

    def __getattr__(self, name):
        return getattr(self._connection, name)


class _Requests:
    """WSGI middleware: numbers each request, and logs its path, Dash callback and server time."""

    def __init__(self, app):
        self.app = app
        self.serial = 0
        self.lock = threading.Lock()

    def __getattr__(self, name):  # test_client and the rest of the Flask app, for other hooks
        return getattr(self.app, name)

    def __call__(self, environ, start_response):
        with self.lock:
            self.serial += 1
            _current.request = self.serial
        callback = ""
        if environ.get("PATH_INFO", "").endswith("_dash-update-component"):
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            callback = _callback_name(body)
        status = []

        def recording_start_response(code, headers, *rest):
            status.append(int(code.split()[0]))
            return start_response(code, headers, *rest)

        started = time.perf_counter()
        try:
            response = self.app(environ, recording_start_response)
            try:
                body = list(response)
            finally:
                getattr(response, "close", lambda: None)()
        finally:
            seconds = time.perf_counter() - started
            _log(
                (
                    "request",
                    _current.request,
                    environ.get("REQUEST_METHOD"),
                    environ.get("PATH_INFO"),
                    callback,
                    status[0] if status else None,
                    seconds,
                )
            )
            _current.request = None
        return body


def _callback_name(body: bytes) -> str:
    """A Dash callback request's output ids, "+"-joined (a pattern-matching id by its type)."""
    try:
        output = json.loads(body)["output"]
    except (ValueError, KeyError, TypeError):
        return "?"
    names = []
    for part in output.strip(".").split("..."):
        component = part.rsplit(".", 1)[0]
        names.append(json.loads(component).get("type", component) if component.startswith("{") else component)
    return "+".join(dict.fromkeys(names))


def post_fork(server, worker):
    """Before the worker imports the app: its warehouse connections log their statements."""
    if _tree_post_fork:
        _tree_post_fork(server, worker)
    from queries import runner

    tree_open = runner._open
    runner._open = lambda path: _Connection(tree_open(path))


def post_worker_init(worker):
    """After the tree's own start-up (which answers a first page itself, unlogged): log the requests."""
    if _tree_post_worker_init:
        _tree_post_worker_init(worker)
    worker.wsgi = _Requests(worker.wsgi)
