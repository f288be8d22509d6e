"""The server tuning in explorer_app/tuning.py: TCP_NODELAY reaches every connection; the flush interval applies."""

from __future__ import annotations

import ast
import inspect
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT
from explorer_app import tuning


def test_accepted_connections_send_without_waiting_for_acks():
    listener = socket.socket(family=socket.AF_INET)  # as Streamlit binds it: proto 0, so asyncio leaves Nagle on
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        client = socket.create_connection(listener.getsockname())
        before, _ = listener.accept()
        assert before.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0  # what Streamlit leaves
        assert tuning.set_nodelay() >= 1
        client2 = socket.create_connection(listener.getsockname())
        after, _ = listener.accept()
        assert after.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        for s in (client, before, client2, after):
            s.close()
        assert listener.fileno() != -1  # the copies were closed, not the socket itself
    finally:
        listener.close()


IMPORT_AS_STREAMLIT_DOES = """
import runpy, socket, sys
listener = socket.socket(family=socket.AF_INET)  # bound before the app module is imported, as Streamlit does
listener.bind(("127.0.0.1", 0)); listener.listen()
runpy.run_path(sys.argv[1], run_name="served")
from streamlit.runtime import runtime
print(listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), runtime.MESSAGE_FLUSH_INTERVAL_SECS)
"""


def test_importing_serve_py_tunes_the_bound_socket_and_the_flush_interval():
    for script in ("serve.py", "bench/serve_bare.py"):  # the baseline is served alike
        out = subprocess.run([sys.executable, "-c", IMPORT_AS_STREAMLIT_DOES, str(ROOT / script)], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        nodelay, interval = out.stdout.split()[-2:]
        assert int(nodelay) == 1 and float(interval) == tuning.FLUSH_INTERVAL, (script, out.stdout)


def test_streamlit_flush_loop_reads_the_setting_each_time():
    from streamlit.runtime import runtime

    loop = inspect.getsource(runtime.Runtime._loop_coroutine)
    assert "asyncio.sleep(MESSAGE_FLUSH_INTERVAL_SECS)" in loop  # a module global, so our value is used
    before = runtime.MESSAGE_FLUSH_INTERVAL_SECS
    try:
        assert tuning.set_flush_interval() is True
        assert runtime.MESSAGE_FLUSH_INTERVAL_SECS == tuning.FLUSH_INTERVAL
    finally:
        runtime.MESSAGE_FLUSH_INTERVAL_SECS = before


def test_a_failing_tuning_step_does_not_stop_the_server(monkeypatch, capsys):
    monkeypatch.setattr(tuning, "listening_sockets", lambda: (_ for _ in ()).throw(ReferenceError("dead proxy")))
    tuning.apply()  # must not raise
    assert "set_nodelay skipped" in capsys.readouterr().err


def test_the_config_keeps_reruns_lean():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"  # ~350 ms per new session otherwise
    assert config["runner"]["postScriptGC"] is False  # ~35 ms holding the interpreter lock per run otherwise
    assert config["runner"]["magicEnabled"] is False  # ~8 ms rewriting app.py each time it is compiled otherwise


def _displayed_by_magic(path: Path) -> list[int]:
    """Lines of ``path`` that Streamlit's magic would have written to the page: an expression statement on its
    own that is not a call, an await or a docstring."""
    found = []
    for parent in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(parent, field, None)
            if not isinstance(body, list):
                continue
            for index, node in enumerate(body):
                if not isinstance(node, ast.Expr) or isinstance(node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
                    continue
                docstring = (index == 0 and field == "body" and isinstance(node.value, ast.Constant)
                             and isinstance(parent, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
                if not docstring:
                    found.append(node.lineno)
    return found


@pytest.mark.parametrize("script", ["app.py", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))])
def test_no_page_relies_on_magic(script):
    """With magic off, a bare expression on its own line would silently show nothing."""
    assert _displayed_by_magic(ROOT / script) == [], script


def test_the_magic_check_finds_a_bare_expression(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('"""Doc."""\nimport streamlit as st\nst.write("shown")\nname = "x"\nname\nif name:\n    "shown by magic"\n')
    assert _displayed_by_magic(page) == [5, 7]
