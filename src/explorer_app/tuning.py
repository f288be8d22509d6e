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

import os
import socket
import stat
import sys


def listening_sockets() -> list[socket.socket]:
    """Copies (dups) of this process's listening TCP sockets, found through /proc/self/fd (Linux).

    Options set on a copy apply to the socket itself. The caller closes the copies.
    """
    found = []
    fd_dir = "/proc/self/fd"
    for name in os.listdir(fd_dir) if os.path.isdir(fd_dir) else []:
        try:
            fd = int(name)
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            sock = socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM)
        except (OSError, ValueError):
            continue
        try:
            family = sock.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN)
            listening = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            kind = sock.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
        except OSError:
            sock.close()
            continue
        if listening and kind == socket.SOCK_STREAM and family in (socket.AF_INET, socket.AF_INET6):
            found.append(sock)
        else:
            sock.close()
    return found


FLUSH_INTERVAL = 0.001  # seconds


def set_nodelay() -> int:
    """Set TCP_NODELAY on every listening TCP socket of this process; the number of sockets changed."""
    changed = 0
    for sock in listening_sockets():
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            changed += 1
        except OSError:
            pass
        finally:
            sock.close()
    return changed


def set_flush_interval(seconds: float = FLUSH_INTERVAL) -> bool:
    """Shorten the runtime's pause between message flushes; False if this Streamlit has no such setting."""
    from streamlit.runtime import runtime

    if not isinstance(getattr(runtime, "MESSAGE_FLUSH_INTERVAL_SECS", None), int | float):
        return False
    runtime.MESSAGE_FLUSH_INTERVAL_SECS = seconds
    return True


def apply() -> None:
    """Both of the above (called by serve.py and bench/serve_bare.py). Never stops the server from starting:
    without them the explorer is slower, not broken."""
    for step in (set_nodelay, set_flush_interval):
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - a tuning step must not take the server down
            print(f"explorer: server tuning step {step.__name__} skipped: {exc!r}", file=sys.stderr)
