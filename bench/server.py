"""Start Streamlit servers on 127.0.0.1 for benchmarks and tests, and read a process's CPU time and memory."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    base: str
    pid: int
    port: int


def wait_healthy(base: str, proc: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
            raise RuntimeError(f"{base} did not start (exit code {proc.poll() if proc else '?'})")
        time.sleep(0.2)


LAUNCHERS = ("serve.py", "bench/serve_bare.py")  # started as `python SCRIPT --address --port` (explorer_app/server.py)


def option_variable(name: str) -> str:
    """The environment variable that sets a Streamlit option: ``server.maxUploadSize`` is
    ``STREAMLIT_SERVER_MAX_UPLOAD_SIZE``."""
    section, option = name.split(".", 1)
    return "STREAMLIT_" + section.upper() + "_" + re.sub(r"(?<!^)(?=[A-Z])", "_", option).upper()


@contextlib.contextmanager
def running_server(
    script: str = "serve.py",
    port: int | None = None,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    options: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> Iterator[Server]:
    """SCRIPT served on 127.0.0.1 with the given environment and Streamlit ``options``, from ``cwd`` (the project,
    or another checkout of it); stopped afterwards.
    The explorer's launchers run as the README says (``python serve.py``); any other script with
    ``streamlit run``."""
    port = port or free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("EXPLORER_", "STREAMLIT_"))}
    environment.update(env or {})
    environment.update({option_variable(name): value for name, value in (options or {}).items()})
    output = log.open("w") if log else subprocess.DEVNULL
    if script in LAUNCHERS:
        command = [sys.executable, script, "--address", "127.0.0.1", "--port", str(port)]
    else:
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ]
    proc = subprocess.Popen(command, cwd=cwd, env=environment, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        yield Server(base, proc.pid, port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            output.close()


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used, in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def wait_quiet(pid: int, *, window: float = 0.5, busy: float = 0.02, timeout: float = 60) -> None:
    """Until the process has used less than ``busy`` CPU seconds over ``window`` seconds: a server that has
    finished what its first visit set off (the explorer compresses its files with brotli in the background)."""
    deadline = time.monotonic() + timeout
    last = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(window)
        now = cpu_seconds(pid)
        if now - last < busy:
            return
        last = now
