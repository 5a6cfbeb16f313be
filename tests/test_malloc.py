"""A web worker hands the memory its requests freed back to the system, now and then, never in a loop."""
from __future__ import annotations

import threading

import pytest

from hotline import malloc


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def releaser(every: float = 1.0) -> tuple[malloc.Releaser, list[int], Clock]:
    clock, calls = Clock(), []
    release = malloc.Releaser(every=every, clock=clock)
    release.trim = lambda pad: calls.append(pad) or 1
    return release, calls, clock


def test_memory_is_released_at_most_once_a_second_however_many_requests_end():
    release, calls, clock = releaser()
    assert release() is True
    for _ in range(50):
        clock.now += 0.01
        assert release() is False
    clock.now += 1.0
    assert release() is True
    assert calls == [0, 0]


def test_a_request_never_waits_for_another_thread_releasing():
    release, calls, clock = releaser()
    entered, go_on = threading.Event(), threading.Event()

    def slow_trim(pad):
        entered.set()
        go_on.wait(5)
        calls.append(pad)
        return 1

    release.trim = slow_trim
    first = threading.Thread(target=release)
    first.start()
    assert entered.wait(5)
    clock.now += 10
    assert release() is False  # the other thread is releasing: this one goes on at once
    go_on.set()
    first.join(5)
    assert calls == [0]


def test_where_the_allocator_cannot_release_nothing_is_tried():
    release = malloc.Releaser()
    release.trim = None
    assert release() is False


@pytest.mark.skipif(malloc.Releaser().trim is None, reason="glibc's malloc_trim")
def test_glibc_releases_for_real():
    assert malloc.Releaser(every=0)() is True


def test_serving_a_request_releases_memory(client, monkeypatch):
    release, calls, clock = releaser()
    monkeypatch.setattr(malloc, "release", release)
    client.get("/health")
    clock.now += 2
    client.get("/no-such-page")
    assert calls == [0, 0]
