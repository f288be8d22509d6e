"""TCP_NODELAY on the server's listening socket reaches every accepted connection (see explorer_app/nodelay.py)."""

from __future__ import annotations

import socket

from explorer_app import nodelay


def test_accepted_connections_send_without_waiting_for_acks():
    listener = socket.socket(family=socket.AF_INET)  # as Streamlit binds it: proto 0, so asyncio leaves Nagle on
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        assert listener in nodelay.listening_sockets()
        assert nodelay.apply() >= 1
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

    assert "nodelay.apply()" in (ROOT / "serve.py").read_text()
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"  # ~350 ms per new session otherwise
    assert config["runner"]["postScriptGC"] is False  # ~35 ms holding the interpreter lock per run otherwise
