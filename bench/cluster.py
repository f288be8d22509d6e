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
    text = text.replace("        server 127.0.0.1:8601;\n        server 127.0.0.1:8602;\n", servers)
    # for the checks only (a public deployment should not show its internal addresses): who answered
    marker = "            proxy_buffering off;\n"
    return text.replace(marker, marker + "            add_header X-Hx-Replica $upstream_addr always;\n")


@contextlib.contextmanager
def running_nginx(listen: int, replicas: list[int]):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx)")
    with tempfile.TemporaryDirectory(prefix="hx-nginx-") as prefix:
        for sub in ("logs", "tmp"):
            (Path(prefix) / sub).mkdir()
        (Path(prefix) / "nginx.conf").write_text(nginx_config(listen, replicas))
        proc = subprocess.Popen(
            [binary, "-p", prefix, "-c", "nginx.conf", "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            try:
                wait_healthy(f"http://127.0.0.1:{listen}", proc, timeout=20)
            except RuntimeError as exc:
                proc.kill()
                raise RuntimeError(f"nginx did not start: {proc.stderr.read().decode(errors='replace')}") from exc
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
    """Every visitor's requests reach one replica; visitors as a whole reach all of them.

    A visitor's first request (the page, before it has the cookie) is placed by its address, like every
    request of a browser that refuses cookies; from then on the cookie decides.
    """
    spread: Counter = Counter()
    problems = []
    no_cookie = {replica_of(base)[0] for _ in range(5)}
    if len(no_cookie) != 1:
        problems.append(f"requests without a cookie from one address went to {sorted(no_cookie)}")
    for _ in range(visitors):
        _, cookie = replica_of(base)
        first, _ = replica_of(base, cookie)
        spread[first] += 1
        for _ in range(3):
            again, _ = replica_of(base, cookie)
            if again != first:
                problems.append(f"{cookie} went to {first}, then to {again}")
    return spread, problems


@contextlib.contextmanager
def running_cluster():
    """Two replicas (sharing one cookie secret) and nginx in front; yields (nginx URL, the two servers)."""
    secret = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    ports = [free_port(), free_port()]
    with (
        running_server("serve.py", port=ports[0], env=secret) as one,
        running_server("serve.py", port=ports[1], env=secret) as two,
        running_nginx(free_port(), ports) as base,
    ):
        yield base, [one, two]


def run_cluster(sessions: int, over: float, think: tuple[float, float] = (1.0, 3.0)) -> dict:
    with running_cluster() as (base, replicas):
        spread, problems = check_stickiness(base)

        async def go():
            for replica in replicas:
                await warm_up(replica.base)
            return await run_load(base, sessions, over, think=think, fetch_page=True)

        cpu = [cpu_seconds(r.pid) for r in replicas]
        started = time.perf_counter()
        report = asyncio.run(go())
        wall = time.perf_counter() - started
        used = [cpu_seconds(r.pid) - c for r, c in zip(replicas, cpu, strict=True)]
    ok = not problems and len(spread) == 2 and not report.errors and all(u > 0 for u in used)
    return {"spread": spread, "moved": problems, "report": report, "cpu_percent": [100 * u / wall for u in used], "ok": ok}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--over", type=float, default=60.0)
    args = parser.parse_args(argv)
    result = run_cluster(args.sessions, args.over)
    spread = result["spread"]
    print(
        f"sticky sessions: {sum(spread.values())} visitors over {len(spread)} replicas "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(spread.items()))}); {len(result['moved'])} visitors moved"
    )
    for problem in result["moved"][:5]:
        print("  moved:", problem)
    print("through nginx: " + result["report"].summary())
    print("  replica CPU over the run: " + ", ".join(f"{c:.0f}%" for c in result["cpu_percent"]))
    print("cluster run: " + ("all checks passed" if result["ok"] else "FAILED"))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
