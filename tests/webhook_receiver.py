"""A real webhook receiver on loopback for the tests: an HTTP server thread that keeps each POST's
headers and body (on `.posts`, with `.arrived` to wait on) and answers 204."""

import http.server
import threading
from contextlib import contextmanager


class _Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.arrived:
            self.server.posts.append((dict(self.headers), body))
            self.server.arrived.notify_all()
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args):
        pass


@contextmanager
def webhook_receiver():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.posts, server.arrived = [], threading.Condition()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
