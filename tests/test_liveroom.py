"""The live sessions' app layer without a page: the shared look, whose address counts, the store's life."""

from __future__ import annotations

import pytest

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


# --- whose address counts -----------------------------------------------------------------------------------------


def nginx(*proxies: str):
    from explorer.settings import Settings

    return Settings(trusted_proxies=proxies)


def test_a_starlette_request_counts_as_its_peer_unless_a_trusted_proxy_names_the_client():
    from starlette.datastructures import Headers

    forged = Headers({"x-forwarded-for": "6.6.6.6"})
    assert liveroom.request_address("203.0.113.7", forged, nginx("127.0.0.1/32")) == "203.0.113.7"
    assert liveroom.request_address("127.0.0.1", forged, nginx()) == "127.0.0.1"  # loopback alone is not trusted
    assert liveroom.request_address("127.0.0.1", forged, nginx("127.0.0.1/32")) == "6.6.6.6"
    assert liveroom.request_address(None, forged, nginx("127.0.0.1/32")) == "unknown"
    # two header lines (a proxy that adds its own): read in order, the last one is the proxy's
    lines = Headers(raw=[(b"x-forwarded-for", b"6.6.6.6"), (b"x-forwarded-for", b"198.51.100.1")])
    assert liveroom.request_address("127.0.0.1", lines, nginx("127.0.0.1/32")) == "198.51.100.1"
    assert liveroom.request_address("127.0.0.1", {"X-Forwarded-For": "198.51.100.1:443"}, nginx("127.0.0.1/32")) == "198.51.100.1"


def test_every_address_of_one_ipv6_client_counts_as_one():
    from starlette.datastructures import Headers

    seen = {liveroom.request_address(f"2001:db8:5:6::{n:x}", Headers(), nginx()) for n in range(1, 500)}
    assert seen == {"2001:db8:5:6::/64"}
    forged = {
        liveroom.request_address("::1", Headers({"x-forwarded-for": f"2001:db8:5:6:{n:x}::1"}), nginx("::1")) for n in range(1, 100)
    }
    assert forged == {"2001:db8:5:6::/64"}


class Context:
    def __init__(self, ip_address: str | None, header: list[str]) -> None:
        self.ip_address = ip_address
        self.lines = header

    @property
    def headers(self):
        lines = self.lines

        class Lines:
            def get_all(self, key: str) -> list[str]:
                return list(lines) if key.lower() == "x-forwarded-for" else []

        return Lines()


def test_a_streamlit_visitor_counts_by_the_same_rule(monkeypatch):
    from types import SimpleNamespace

    def address(peer, header, settings):
        monkeypatch.setattr(liveroom, "st", SimpleNamespace(context=Context(peer, header)))
        return liveroom.client_address(settings)

    assert address("203.0.113.7", ["6.6.6.6"], nginx("127.0.0.1/32")) == "203.0.113.7"
    assert address("203.0.113.7", ["6.6.6.6"], nginx("203.0.113.0/24")) == "6.6.6.6"
    # Streamlit shows a peer on the machine itself (nginx) as no address: its header counts only when trusted
    assert address(None, ["6.6.6.6"], nginx()) == "unknown"
    assert address(None, ["6.6.6.6"], nginx("127.0.0.1/32")) == "6.6.6.6"
    assert address(None, ["6.6.6.6"], nginx("::1/128")) == "6.6.6.6"
    assert address(None, [], nginx("127.0.0.1/32")) == "unknown"
    assert address(None, ["garbage"], nginx("127.0.0.1/32")) == "unknown"
    assert address(None, ["6.6.6.6, 1.1.1.1", "198.51.100.1"], nginx("127.0.0.1/32")) == "198.51.100.1"


def test_a_streamlit_visitor_reads_the_apps_settings_when_none_are_given(monkeypatch):
    from types import SimpleNamespace

    monkeypatch.setattr(liveroom, "st", SimpleNamespace(context=Context(None, ["6.6.6.6"])))
    monkeypatch.setattr(liveroom.CACHE, "settings", lambda: nginx("127.0.0.1/32"))
    assert liveroom.client_address() == "6.6.6.6"
    monkeypatch.setattr(liveroom.CACHE, "settings", lambda: ("a problem",))  # bad settings: believe nobody
    assert liveroom.client_address() == "unknown"


def test_a_whole_hall_may_join_from_one_address_but_not_a_script_beyond_it():
    limiter = liveroom.JoinLimiter(limit=liveroom.JOIN_LIMITER.limit, window=liveroom.JOIN_LIMITER.window)
    assert limiter.limit == 2500 and limiter.window == 600.0
    for n in range(2500):
        assert not limiter.blocked("198.51.100.1", 1000.0 + n * 0.01)
        limiter.joined("198.51.100.1", 1000.0 + n * 0.01)
    assert limiter.blocked("198.51.100.1", 1030.0) and not limiter.blocked("198.51.100.2", 1030.0)
    assert not limiter.blocked("198.51.100.1", 1000.0 + 600.0 + 25.0 + 0.01)  # ten minutes on, all forgotten


# --- the store: its secret, its listener, reopening a broken one ---------------------------------------------------


class FakeStore:
    opened: list[FakeStore] = []

    def __init__(self, url: str, secret: str | None = None) -> None:
        from explorer.livenotify import Notifier

        self.url, self.secret, self.broken, self.listening, self.closed = url, secret, False, 0, False
        self.notifier = Notifier()
        FakeStore.opened.append(self)

    def listen(self) -> None:
        self.listening += 1

    def purge(self, now: float) -> int:
        return 0

    def close(self) -> None:
        self.closed = True


def test_the_store_gets_the_secret_listens_once_and_a_broken_one_is_reopened_later(tmp_path, monkeypatch):
    from explorer.livestore import StoreUnavailable
    from explorer.settings import Settings

    clock = [500.0]
    monkeypatch.setattr(liveroom.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(liveroom, "LiveStore", FakeStore)
    monkeypatch.setattr(FakeStore, "opened", [])
    liveroom.forget_stores()
    try:
        settings = Settings(live_dir=tmp_path, live_secret="k" * 40)
        store = liveroom.live_store(settings)
        assert liveroom.live_store(settings) is store and store.secret == "k" * 40 and store.listening == 1
        store.notifier.publish("ABC234", "answers")
        before = store.notifier.version("ABC234")
        store.broken = True  # its SQLite file went: refusing from now on
        for _ in range(3):
            with pytest.raises(StoreUnavailable):
                liveroom.live_store(settings)
            clock[0] += liveroom.RETRY / 4
        assert store.closed and len(FakeStore.opened) == 1  # nothing reopened before RETRY
        dropped = store.notifier.version("ABC234")
        assert dropped[0] > before[0]  # pages waiting on the session looked again (and said "not available")
        clock[0] += liveroom.RETRY / 4
        fresh = liveroom.live_store(settings)
        assert fresh is not store and fresh.listening == 1 and liveroom.live_store(settings) is fresh
        assert fresh.notifier is store.notifier and fresh.notifier.version("ABC234")[0] > dropped[0]
        assert len(FakeStore.opened) == 2
    finally:
        liveroom.forget_stores()
    liveroom.forget_stores()
    assert liveroom.live_store(Settings(live_dir=tmp_path / "other")).secret is None  # no setting: the store's own
    liveroom.forget_stores()


def test_a_real_store_opens_through_live_store(tmp_path):
    from explorer.settings import Settings

    liveroom.forget_stores()
    try:
        store = liveroom.live_store(Settings(live_dir=tmp_path, live_secret="z" * 32))
        assert liveroom.live_store(Settings(live_dir=tmp_path)) is store
        assert getattr(store, "broken", False) is False
    finally:
        liveroom.forget_stores()


def test_a_forwarded_scheme_is_believed_only_from_a_trusted_proxy():
    https = {"X-Forwarded-Proto": "https"}
    assert liveroom.request_scheme("http", "127.0.0.1", https, nginx("127.0.0.1/32")) == "https"
    assert liveroom.request_scheme("http", "203.0.113.7", https, nginx("127.0.0.1/32")) == "http"
    assert liveroom.request_scheme("http", "127.0.0.1", https, nginx()) == "http"
    assert liveroom.request_scheme("https", "127.0.0.1", {"X-Forwarded-Proto": "gopher"}, nginx("127.0.0.1/32")) == "https"
    assert liveroom.request_scheme("https", None, {}, nginx()) == "https"


def test_a_deleted_sqlite_file_is_refused_then_opened_afresh_after_a_pause(tmp_path, monkeypatch):
    import time

    from explorer.livestore import StoreUnavailable
    from explorer.settings import Settings

    clock = [1000.0]
    monkeypatch.setattr(liveroom.time, "monotonic", lambda: clock[0])
    liveroom.forget_stores()
    try:
        settings = Settings(live_dir=tmp_path)
        store = liveroom.live_store(settings)
        session, _ = store.start_session(time.time())
        for name in list(tmp_path.iterdir()):
            name.unlink()  # the database file (and its WAL) deleted under a running session
        with pytest.raises(StoreUnavailable):
            store.start_session(time.time())  # a write notices, and is refused rather than lost
        assert store.broken
        with pytest.raises(StoreUnavailable):
            liveroom.live_store(settings)
        clock[0] += liveroom.RETRY
        fresh = liveroom.live_store(settings)
        assert fresh is not store and not fresh.broken and fresh.find(session.code) is None
        assert fresh.start_session(time.time())[0].code
    finally:
        liveroom.forget_stores()
