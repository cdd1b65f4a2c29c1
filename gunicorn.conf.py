"""gunicorn settings for `make run` and production; every value can be overridden on the command line."""

from config import HOST, PORT

bind = f"{HOST}:{PORT}"
workers = 2
worker_class = "gthread"
threads = 4
timeout = 60
# Each worker opens the warehouse itself, lazily, after the fork; nothing is preloaded.
preload_app = False
# gunicorn 27's runtime control socket is not used by Beacon.
control_socket_disable = True
accesslog = "-"
