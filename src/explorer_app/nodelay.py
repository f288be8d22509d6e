"""Send each websocket message as soon as it is written (TCP_NODELAY), instead of after the client's ACK.

Streamlit 1.67 binds its listening socket itself, as ``socket.socket(family=...)``, whose ``proto`` is 0.
asyncio switches Nagle's algorithm off only on sockets whose ``proto`` is ``IPPROTO_TCP``, so every
connection keeps it on. Streamlit writes a run as several small websocket frames; with Nagle on, a frame
written while an earlier one is unacknowledged waits for the browser's delayed ACK (about 40 ms on Linux),
which adds 40 to 80 ms to every interaction. ``serve.py`` calls ``apply()`` when Streamlit imports it, after
the socket is bound and before any connection is accepted; Linux copies TCP_NODELAY from the listening
socket to each accepted one.
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


def apply() -> int:
    """Set TCP_NODELAY on every listening TCP socket of this process; the number of sockets changed."""
    sockets = listening_sockets()
    for sock in sockets:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return len(sockets)
