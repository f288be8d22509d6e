"""The server tuning in explorer_app/tuning.py: TCP_NODELAY reaches every connection; the flush interval applies."""

from __future__ import annotations

import socket

from explorer_app import tuning


def test_accepted_connections_send_without_waiting_for_acks():
    listener = socket.socket(family=socket.AF_INET)  # as Streamlit binds it: proto 0, so asyncio leaves Nagle on
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        assert listener in tuning.listening_sockets()
        assert tuning.set_nodelay() >= 1
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        client.close()
        accepted.close()
    finally:
        listener.close()


def test_serve_py_applies_it_and_the_config_keeps_reruns_lean():
    import tomllib

    from conftest import ROOT

    assert "tuning.apply()" in (ROOT / "serve.py").read_text()
    assert "tuning.apply()" in (ROOT / "bench" / "serve_bare.py").read_text()  # the baseline is served alike
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"  # ~350 ms per new session otherwise
    assert config["runner"]["postScriptGC"] is False  # ~35 ms holding the interpreter lock per run otherwise


def test_the_flush_interval_setting_still_exists_and_is_shortened():
    from streamlit.runtime import runtime

    before = runtime.MESSAGE_FLUSH_INTERVAL_SECS
    try:
        assert tuning.set_flush_interval() is True
        assert runtime.MESSAGE_FLUSH_INTERVAL_SECS == tuning.FLUSH_INTERVAL
    finally:
        runtime.MESSAGE_FLUSH_INTERVAL_SECS = before
