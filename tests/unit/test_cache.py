"""The result cache (queries/cache.py): each result built once, by one thread of a process and one
process of those sharing a real Redis; Redis away costs the sharing and nothing else."""

import threading

import pytest

from data.review_pack import free_port
from queries.cache import ResultCache
from tests.redis_server import redis_server


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


class Build:
    """A build that holds until released, counting how often it ran."""

    def __init__(self, value):
        self.value, self.runs = value, 0
        self.started, self.release = threading.Event(), threading.Event()

    def __call__(self):
        self.runs += 1
        self.started.set()
        assert self.release.wait(30)
        return self.value


def test_threads_asking_for_one_missing_result_build_it_once():
    cache, build = ResultCache(), Build({"nps": 41.5})
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_build("k", build))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    assert build.started.wait(30)
    build.release.set()
    for thread in threads:
        thread.join(30)
    assert build.runs == 1
    assert results == [{"nps": 41.5}] * 8


def test_processes_sharing_redis_build_a_result_once(redis_url):
    """Two caches over one Redis stand for two hosts: the second waits for what the first builds."""
    host_a, host_b = ResultCache(), ResultCache()
    for cache in (host_a, host_b):
        cache.configure(redis_url, entries=100, timeout=60)
    host_a.clear()
    build_a, build_b = Build("drawn by a"), Build("drawn by b")
    build_b.release.set()
    answers = {}
    first = threading.Thread(target=lambda: answers.setdefault("a", host_a.get_or_build("deck", build_a)))
    first.start()
    assert build_a.started.wait(30)
    second = threading.Thread(target=lambda: answers.setdefault("b", host_b.get_or_build("deck", build_b)))
    second.start()
    build_a.release.set()
    first.join(30)
    second.join(30)
    assert answers == {"a": "drawn by a", "b": "drawn by a"}
    assert (build_a.runs, build_b.runs) == (1, 0)
    # Now it is in Redis: a third process reads it without building.
    host_c = ResultCache()
    host_c.configure(redis_url, entries=100, timeout=60)
    assert host_c.get("deck") == "drawn by a"


def test_redis_away_costs_only_the_sharing():
    """No server on the port: results are built and kept in the process, no error reaches the caller."""
    cache = ResultCache()
    cache.configure(f"redis://127.0.0.1:{free_port()}/0", entries=100, timeout=60)
    build = Build([1, 2, 3])
    build.release.set()
    assert cache.get_or_build("k", build) == [1, 2, 3]
    assert cache.get_or_build("k", build) == [1, 2, 3]
    assert build.runs == 1


def test_a_result_is_returned_as_a_copy():
    """The caller may change what it got without changing what the next caller gets."""
    cache = ResultCache()
    got = cache.get_or_build("k", lambda: {"rows": [1]})
    got["rows"].append(2)
    assert cache.get("k") == {"rows": [1]}
