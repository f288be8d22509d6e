"""Beyond one machine: two explorer replicas behind nginx with sticky sessions, all on 127.0.0.1, and the load
client (bench/load.py) run through nginx.

It starts two ``serve.py`` replicas (sharing one cookie secret), writes ``deploy/nginx.conf`` with this run's
ports into a temporary prefix, starts nginx in the foreground, checks that a visitor's cookie always reaches
the same replica and that visitors are spread over both, runs the load, and stops everything.

Run: .venv/bin/python bench/cluster.py [--sessions 300] [--over 60]      (needs nginx: apt-get install nginx)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import run_load, warm_up  # noqa: E402
from server import ROOT, cpu_seconds, free_port, running_server, wait_healthy  # noqa: E402

CONFIG = ROOT / "deploy" / "nginx.conf"


def nginx_config(listen: int, replicas: list[int]) -> str:
    """deploy/nginx.conf with this run's ports."""
    text = CONFIG.read_text()
    text = text.replace("listen 127.0.0.1:8600;", f"listen 127.0.0.1:{listen};")
    servers = "".join(f"        server 127.0.0.1:{port};\n" for port in replicas)
    return text.replace("        server 127.0.0.1:8601;\n        server 127.0.0.1:8602;\n", servers)


@contextlib.contextmanager
def running_nginx(listen: int, replicas: list[int]):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx)")
    with tempfile.TemporaryDirectory(prefix="hx-nginx-") as prefix:
        for sub in ("logs", "tmp"):
            (Path(prefix) / sub).mkdir()
        (Path(prefix) / "nginx.conf").write_text(nginx_config(listen, replicas))
        proc = subprocess.Popen([binary, "-p", prefix, "-c", "nginx.conf", "-g", "daemon off;"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_healthy(f"http://127.0.0.1:{listen}", proc, timeout=20)
            yield f"http://127.0.0.1:{listen}"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def replica_of(base: str, cookie: str = "") -> tuple[str, str]:
    """Which replica answered, and the sticky cookie nginx set."""
    request = urllib.request.Request(base + "/", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        route = next(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") if c.startswith("hx_route="))
        return response.headers["X-Hx-Replica"], route


def check_stickiness(base: str, visitors: int = 40) -> tuple[Counter, list[str]]:
    """Every visitor's requests reach one replica; visitors as a whole reach all of them."""
    spread: Counter = Counter()
    problems = []
    for _ in range(visitors):
        first, cookie = replica_of(base)
        spread[first] += 1
        for _ in range(3):
            again, _ = replica_of(base, cookie)
            if again != first:
                problems.append(f"{cookie} went to {first}, then to {again}")
    return spread, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--over", type=float, default=60.0)
    args = parser.parse_args(argv)
    secret = ("--server.cookieSecret", secrets.token_hex(32))  # the same on every replica
    ports = [free_port(), free_port()]
    with running_server("serve.py", port=ports[0], extra_args=secret) as one, \
            running_server("serve.py", port=ports[1], extra_args=secret) as two, \
            running_nginx(free_port(), ports) as base:
        spread, problems = check_stickiness(base)
        print(f"sticky sessions: {sum(spread.values())} visitors over {len(spread)} replicas "
              f"({', '.join(f'{k}: {v}' for k, v in sorted(spread.items()))}); {len(problems)} visitors moved")
        for problem in problems[:5]:
            print("  moved:", problem)

        async def go():
            await warm_up(one.base)
            await warm_up(two.base)
            return await run_load(base, args.sessions, args.over, fetch_page=True)

        cpu = [cpu_seconds(one.pid), cpu_seconds(two.pid)]
        started = time.perf_counter()
        report = asyncio.run(go())
        wall = time.perf_counter() - started
        used = [cpu_seconds(one.pid) - cpu[0], cpu_seconds(two.pid) - cpu[1]]
    print("through nginx: " + report.summary())
    print("  replica CPU over the run: " + ", ".join(f"{100 * u / wall:.0f}%" for u in used))
    ok = not problems and len(spread) == 2 and not report.errors and all(u > 0.5 for u in used)
    print("cluster run: " + ("all checks passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
