"""Memoised results: kept in this process and, when BEACON_CACHE_URL names a Redis, shared by every
process and host through it.

Keys carry the identity of the snapshot they were computed from (queries/runner.py), so an entry is
never stale and each layer only needs a size bound: this process keeps the most recent entries up to
BEACON_CACHE_ENTRIES, Redis evicts by its own maxmemory policy. A result no layer holds is built once:
one thread per process builds it while the others wait for it, and one process of all those sharing
Redis, the others reading what it stores. Redis being away costs the sharing and nothing else: the
process goes on with its own layer, and tries Redis again a few seconds later.
"""

import logging
import threading
import time
from collections.abc import Callable

import redis
from cachelib import RedisCache, SimpleCache

log = logging.getLogger(__name__)

#: How long a builder is waited for before a process builds the result itself: a builder killed
#: halfway (its claim outlives it by this long at most) or slow. A build takes well under a second.
BUILD_WAIT_SECONDS = 5
#: Redis answers within this or is taken as away: a request never stalls on the cache.
REDIS_SECONDS = 1.0
#: After Redis failed, how long to go without it before trying again.
REDIS_RETRY_SECONDS = 5.0
_FIRST_POLL, _LAST_POLL = 0.01, 0.2  # how often a waiting process looks for another's result


class ResultCache:
    def __init__(self, entries: int = 2000, timeout: int = 3600):
        self.local = SimpleCache(threshold=entries, default_timeout=timeout)
        self.shared: RedisCache | None = None
        self._shared_away_until = 0.0
        self._flights: dict[str, threading.Event] = {}
        self._flights_lock = threading.Lock()

    def configure(self, url: str, entries: int, timeout: int) -> None:
        """Bound this process's layer to `entries`; share through the Redis at `url` (none when empty)."""
        self.local = SimpleCache(threshold=entries, default_timeout=timeout)
        self.shared = None
        if url:
            client = redis.from_url(url, socket_timeout=REDIS_SECONDS, socket_connect_timeout=REDIS_SECONDS)
            self.shared = RedisCache(host=client, key_prefix="beacon:", default_timeout=timeout)

    def clear(self) -> None:
        self.local.clear()
        self._shared("clear")

    def get(self, key: str):
        result = self.local.get(key)
        if result is None:
            result = self._shared("get", key)
            if result is not None:
                self.local.set(key, result)
        return result

    def get_or_build(self, key: str, build: Callable[[], object]):
        """The result under `key`, built by `build()` (once, as the module says) when nobody holds it."""
        result = self.get(key)
        if result is not None:
            return result
        with self._flights_lock:
            flight = self._flights.get(key)
            leading = flight is None
            if leading:
                flight = self._flights[key] = threading.Event()
        if not leading:
            flight.wait(BUILD_WAIT_SECONDS)
            result = self.local.get(key)
            return result if result is not None else build()
        try:
            result = self._build_shared(key, build)
            self.local.set(key, result)
            return result
        finally:
            with self._flights_lock:
                del self._flights[key]
            flight.set()

    def _build_shared(self, key: str, build: Callable[[], object]):
        """build(), unless another process is building the same result: then what it stores."""
        claim = f"{key}:building"
        if self._shared("add", claim, 1, timeout=BUILD_WAIT_SECONDS) is False:
            deadline, pause = time.monotonic() + BUILD_WAIT_SECONDS, _FIRST_POLL
            while time.monotonic() < deadline:
                time.sleep(pause)  # another process is building it: look again shortly
                result = self._shared("get", key)
                if result is not None:
                    return result
                pause = min(pause * 2, _LAST_POLL)
        result = build()
        self._shared("set", key, result)
        self._shared("delete", claim)
        return result

    def _shared(self, operation: str, *args, **kwargs):
        """The Redis operation's answer; None when there is no Redis or it is away."""
        if self.shared is None or time.monotonic() < self._shared_away_until:
            return None
        try:
            answer = getattr(self.shared, operation)(*args, **kwargs)
        except (redis.RedisError, OSError) as error:
            if not self._shared_away_until:
                log.warning("The shared cache (Redis) cannot be reached; going on without it: %s", error)
            self._shared_away_until = time.monotonic() + REDIS_RETRY_SECONDS
            return None
        if self._shared_away_until:
            log.info("The shared cache (Redis) answers again")
            self._shared_away_until = 0.0
        return answer
