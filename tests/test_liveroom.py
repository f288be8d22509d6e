"""The live sessions' app layer without a page: the shared look at a session's questions."""

from __future__ import annotations

from explorer_app import liveroom


class CountingStore:
    def __init__(self) -> None:
        self.reads = 0

    def questions(self, code: str) -> list:
        self.reads += 1
        return [f"{code}-{self.reads}"]


def test_phones_of_one_replica_share_one_read_per_look(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(liveroom.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(liveroom, "_looks", {})
    store = CountingStore()
    first = liveroom.questions_now(store, "ABC234")
    for _ in range(150):  # every phone of the room looking within the same second
        assert liveroom.questions_now(store, "ABC234") == first
    assert store.reads == 1 and first == (100.0, ["ABC234-1"])
    liveroom.questions_now(store, "XYZ789")  # another session has its own
    assert store.reads == 2
    clock[0] += liveroom.SHARED_LOOK
    assert liveroom.questions_now(store, "ABC234") == (clock[0], ["ABC234-3"])  # a newer look, read afresh


def test_expired_sessions_are_deleted_while_nobody_opens_a_live_page(tmp_path, monkeypatch):
    import time

    from explorer.settings import Settings

    monkeypatch.setattr(liveroom, "PURGE_EVERY", 0.05)
    liveroom.forget_stores()
    try:
        store = liveroom.live_store(Settings(live_dir=tmp_path))
        ended, _ = store.start_session(time.time() - 100, lifetime=50)
        running, _ = store.start_session(time.time())
        deadline = time.monotonic() + 20
        while store.find(ended.code) is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.find(ended.code) is None and store.find(running.code) is not None
    finally:
        liveroom.forget_stores()
