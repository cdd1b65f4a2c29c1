"""A real, throwaway Redis server on a loopback port, for the tests of the shared cache."""

import shutil
import subprocess
import time
from contextlib import contextmanager, suppress

import pytest
import redis

from data.review_pack import free_port
from tests.browser import PATIENCE_SECONDS


@contextmanager
def redis_server():
    """redis-server on a free port, no persistence (a cache); yields its URL. Skips without Redis
    installed (`make services` installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("Redis is not installed (make services)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.from_url(url)
    deadline = time.monotonic() + PATIENCE_SECONDS
    try:
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                # Between tries, wait on the server itself (as tests/browser.py does): an exit ends it.
                with suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=0.05)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=30)
