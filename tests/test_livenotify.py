"""The in-process notifier: versions rise, waiters wake on news from any thread, idle sessions are forgotten."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from explorer.livenotify import PRUNE_EVERY, Notifier


def test_versions_count_state_and_answers_apart():
    notifier = Notifier()
    assert notifier.version("ABC234") == (0, 0, 0)
    state = notifier.publish("ABC234", "state")
    assert state[0] > 0 and state[1] == 0
    answers = notifier.publish("ABC234", "answers")
    assert answers[0] == state[0] and answers[1] > state[0]
    assert notifier.version("ABC234") == answers
    assert notifier.version("XYZ789") == (0, 0, 0)
    with pytest.raises(ValueError):
        notifier.publish("ABC234", "<script>")


def test_a_waiter_wakes_at_news_from_another_thread_and_only_for_its_session():
    notifier = Notifier()

    async def scenario():
        since = notifier.version("ABC234")
        waiting = asyncio.ensure_future(notifier.wait("ABC234", since, timeout=30))
        other = asyncio.ensure_future(notifier.wait("XYZ789", (0, 0, 0), timeout=30))
        await asyncio.sleep(0)  # both are waiting now
        threading.Thread(target=notifier.publish, args=("ABC234", "answers")).start()
        found = await asyncio.wait_for(waiting, 10)
        assert found != since and found == notifier.version("ABC234")
        assert not other.done()
        other.cancel()
        return found

    started = time.monotonic()
    asyncio.run(scenario())
    assert time.monotonic() - started < 10


def test_a_wait_returns_at_once_when_the_version_has_moved_and_at_the_timeout_otherwise():
    notifier = Notifier()
    moved = notifier.publish("ABC234", "state")

    async def scenario():
        assert await notifier.wait("ABC234", (0, 0, 0), timeout=30) == moved
        started = time.monotonic()
        assert await notifier.wait("ABC234", moved, timeout=0.05) == moved
        assert time.monotonic() - started >= 0.04
        assert await notifier.wait("ABC234", moved, timeout=0) == moved

    asyncio.run(scenario())
    assert notifier.known() == ["ABC234"]


def test_many_waiters_in_two_loops_all_wake():
    notifier = Notifier()
    woken: list[tuple[int, int]] = []
    ready = threading.Barrier(3)

    def loop_thread():
        async def many():
            waits = [asyncio.ensure_future(notifier.wait("ABC234", (0, 0, 0), timeout=30)) for _ in range(50)]
            await asyncio.sleep(0)
            ready.wait()
            woken.extend(await asyncio.gather(*waits))

        asyncio.run(many())

    threads = [threading.Thread(target=loop_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    ready.wait()
    notifier.publish("ABC234", "state")
    for thread in threads:
        thread.join(timeout=20)
    assert len(woken) == 100 and all(v == notifier.version("ABC234") for v in woken)


def test_a_blocking_wait_wakes_at_news():
    notifier = Notifier()
    found: list[tuple[int, int]] = []
    thread = threading.Thread(target=lambda: found.append(notifier.wait_blocking("ABC234", (0, 0, 0), timeout=30)))
    thread.start()
    while "ABC234" not in notifier.known():  # waiting now
        time.sleep(0.001)
    notifier.publish("ABC234", "answers")
    thread.join(timeout=10)
    assert found == [notifier.version("ABC234")]
    assert notifier.wait_blocking("ABC234", found[0], timeout=0.01) == found[0]


def test_idle_sessions_are_forgotten_and_a_version_never_comes_back():
    clock = [0.0]
    notifier = Notifier(idle=3600, clock=lambda: clock[0])
    old = notifier.publish("ABC234", "state")
    for i in range(1000):
        notifier.publish(f"S{i:05d}", "answers")
    clock[0] = 3600 + PRUNE_EVERY
    notifier.publish("NEW234", "state")
    assert notifier.sessions() == 1  # every idle one forgotten
    assert notifier.version("ABC234") == (0, 0, 0)
    assert notifier.publish("ABC234", "state") != old  # a phone holding the old version still hears the news


def test_a_phone_waiting_for_the_next_question_is_not_woken_by_answers():
    notifier = Notifier()

    async def scenario():
        since = notifier.version("ABC234")
        phone = asyncio.ensure_future(notifier.wait("ABC234", since, timeout=30, only="state"))
        projector = asyncio.ensure_future(notifier.wait("ABC234", since, timeout=30, only="answers"))
        await asyncio.sleep(0)
        for _ in range(100):
            notifier.publish("ABC234", "answers")
        assert (await asyncio.wait_for(projector, 10))[1] > since[1]
        await asyncio.sleep(0.01)
        assert not phone.done()
        notifier.publish("ABC234", "state")
        assert (await asyncio.wait_for(phone, 10))[0] > since[0]
        with pytest.raises(ValueError):
            await notifier.wait("ABC234", since, timeout=1, only="<b>")

    asyncio.run(scenario())
    now = notifier.version("ABC234")
    assert notifier.wait_blocking("ABC234", (0, now[1]), 0.01, only="answers") == now  # the state does not count
