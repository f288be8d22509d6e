"""Two settings Streamlit 1.67 does not expose, measured to matter for every interaction (bench/RESULTS.md).

1. Send each websocket message as soon as it is written (TCP_NODELAY), instead of after the client's ACK.
Streamlit 1.67 binds its listening socket itself, as ``socket.socket(family=...)``, whose ``proto`` is 0.
asyncio switches Nagle's algorithm off only on sockets whose ``proto`` is ``IPPROTO_TCP``, so every
connection keeps it on. Streamlit writes a run as several small websocket frames; with Nagle on, a frame
written while an earlier one is unacknowledged waits for the browser's delayed ACK (about 40 ms on Linux),
which adds 40 to 80 ms to every interaction. ``apply()`` runs when Streamlit imports ``serve.py``, after
the socket is bound and before any connection is accepted; Linux copies TCP_NODELAY from the listening
socket to each accepted one.

2. Flush messages to browsers every millisecond instead of every 5 ms. Streamlit's event loop sends what a
script run has produced so far, then sleeps ``MESSAGE_FLUSH_INTERVAL_SECS`` before sending more; a run that
produces its messages over a few milliseconds (the map page's) waits up to 5 ms per cycle. The loop only
cycles while messages are waiting, so the shorter interval costs nothing when the app is idle.
"""

from __future__ import annotations

import gc
import socket


def listening_sockets() -> list[socket.socket]:
    """This process's listening TCP sockets."""
    found = []
    for obj in gc.get_objects():
        if isinstance(obj, socket.socket) and obj.fileno() != -1 and obj.type == socket.SOCK_STREAM \
                and obj.family in (socket.AF_INET, socket.AF_INET6):
            try:
                if obj.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                    found.append(obj)
            except OSError:
                continue
    return found


FLUSH_INTERVAL = 0.001  # seconds


def set_nodelay() -> int:
    """Set TCP_NODELAY on every listening TCP socket of this process; the number of sockets changed."""
    sockets = listening_sockets()
    for sock in sockets:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return len(sockets)


def set_flush_interval(seconds: float = FLUSH_INTERVAL) -> bool:
    """Shorten the runtime's pause between message flushes; False if this Streamlit has no such setting."""
    from streamlit.runtime import runtime

    if not isinstance(getattr(runtime, "MESSAGE_FLUSH_INTERVAL_SECS", None), int | float):
        return False
    runtime.MESSAGE_FLUSH_INTERVAL_SECS = seconds
    return True


def apply() -> None:
    """Both of the above (called by serve.py and bench/serve_bare.py)."""
    set_nodelay()
    set_flush_interval()
