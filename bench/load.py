"""Benchmark (c): a cinema's worth of phones. N visitors arrive over a number of seconds; each opens the map
page, then selects three places (two marker taps on the map, one in the list of places) with a pause
between them, and keeps the page open until everyone is done, as phones do after a screening.

Reports errors, p50/p95/p99 latency per interaction (from sending the request to the run's
``script_finished``), the server's CPU use, and its memory per open session.

Run: .venv/bin/python bench/load.py [--sessions 300] [--over 60] [--url http://127.0.0.1:8501]
Without --url it starts ``serve.py`` on 127.0.0.1 itself (and can then read the server's CPU and memory).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rerun import PLACES, tap_marker  # noqa: E402
from server import cpu_seconds, rss_mb, running_server  # noqa: E402
from stclient import Run, Tab  # noqa: E402


@dataclass
class Report:
    sessions: int
    over_seconds: float
    wall_seconds: float = 0.0
    completed: int = 0
    interactions: int = 0
    errors: list[str] = field(default_factory=list)
    latency_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    bytes_per_interaction: dict[str, float] = field(default_factory=dict)
    server_cpu_percent: float | None = None
    rss_start_mb: float | None = None
    rss_open_mb: float | None = None
    rss_per_session_mb: float | None = None

    def summary(self) -> str:
        lines = [
            f"{self.sessions} sessions arriving over {self.over_seconds:.0f} s: {self.completed} completed in "
            f"{self.wall_seconds:.1f} s, {self.interactions} interactions, {len(self.errors)} errors"
        ]
        for kind, stats in self.latency_ms.items():
            lines.append(
                f"  {kind:>7}: p50 {stats['p50']:.0f} ms, p95 {stats['p95']:.0f} ms, p99 {stats['p99']:.0f} ms, "
                f"max {stats['max']:.0f} ms ({self.bytes_per_interaction[kind] / 1024:.1f} KB each)"
            )
        if self.server_cpu_percent is not None:
            lines.append(
                f"  server CPU {self.server_cpu_percent:.0f}% of one core over the run; RSS {self.rss_start_mb:.0f} MB "
                f"at start, {self.rss_open_mb:.0f} MB with all sessions open, "
                f"{self.rss_per_session_mb:.2f} MB per session"
            )
        for error in self.errors[:10]:
            lines.append(f"  error: {error}")
        return "\n".join(lines)


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000

    return {"p50": statistics.median(ordered) * 1000, "p95": at(0.95), "p99": at(0.99), "max": ordered[-1] * 1000, "n": len(ordered)}


async def select(tab: Tab, place: str, *, by_list: bool) -> tuple[Run, list[str]]:
    """Choose a place as a visitor does, by a marker tap or in the list; the run, and what went wrong."""
    if by_list:
        run = await tab.trigger("place-list", "picked", place)  # what the list sends for a tapped place
    else:
        run = await tap_marker(tab, place)
    problems = list(run.errors)
    if f"place={place}" not in tab.query_string:
        problems.append(f"selecting {place} left the address at {tab.query_string!r}")
    return run, problems


def page_cookies(base: str) -> str:
    """GET the page as a browser does first; the cookies it sets (e.g. a sticky-session cookie), as a header."""
    with urllib.request.urlopen(base + "/", timeout=30) as response:
        response.read()
        return "; ".join(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or [])


async def visitor(
    base: str,
    number: int,
    delay: float,
    think: tuple[float, float],
    all_done: asyncio.Event,
    finished: list[int],
    timings: dict[str, list[float]],
    sizes: dict[str, list[int]],
    errors: list[str],
    fetch_page: bool = False,
) -> bool:
    await asyncio.sleep(delay)
    rng = random.Random(number)
    try:
        cookie = await asyncio.to_thread(page_cookies, base) if fetch_page else ""
        tab, run = await Tab.open(base, cookie=cookie)
    except Exception as exc:  # connection refused, handshake failed, timeout
        errors.append(f"session {number}: could not open: {exc!r}")
        finished.append(number)
        return False
    ok = not run.errors
    timings["load"].append(run.seconds)
    sizes["load"].append(run.bytes)
    errors += [f"session {number}: load: {e}" for e in run.errors]
    try:
        for step, place in enumerate(rng.sample(PLACES, 3)):
            await asyncio.sleep(rng.uniform(*think))
            run, problems = await select(tab, place, by_list=step == 1)
            timings["select"].append(run.seconds)
            sizes["select"].append(run.bytes)
            errors += [f"session {number}: {p}" for p in problems]
            ok = ok and not problems
    except Exception as exc:
        errors.append(f"session {number}: {exc!r}")
        ok = False
    finished.append(number)
    await all_done.wait()
    await tab.close()
    return ok


async def run_load(
    base: str, sessions: int, over: float, think: tuple[float, float] = (1.0, 3.0), pid: int | None = None, fetch_page: bool = False
) -> Report:
    report = Report(sessions, over)
    timings: dict[str, list[float]] = {"load": [], "select": []}
    sizes: dict[str, list[int]] = {"load": [], "select": []}
    all_done = asyncio.Event()
    finished: list[int] = []
    if pid:
        report.rss_start_mb = rss_mb(pid)
        cpu_start = cpu_seconds(pid)
    start = time.perf_counter()
    tasks = [
        asyncio.create_task(
            visitor(base, i, over * i / sessions, think, all_done, finished, timings, sizes, report.errors, fetch_page)
        )
        for i in range(sessions)
    ]
    # Wait until every visitor has made their three selections; their pages are all still open then.
    while len(finished) < sessions:
        await asyncio.sleep(0.1)
        if time.perf_counter() - start > over + 120:
            report.errors.append("the run did not finish within two minutes of the last arrival")
            break
    report.wall_seconds = time.perf_counter() - start
    if pid:
        report.server_cpu_percent = 100 * (cpu_seconds(pid) - cpu_start) / report.wall_seconds
        report.rss_open_mb = rss_mb(pid)
        report.rss_per_session_mb = (report.rss_open_mb - report.rss_start_mb) / sessions
    all_done.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    report.completed = sum(1 for r in results if r is True)
    report.interactions = sum(len(v) for v in timings.values())
    report.latency_ms = {k: percentiles(v) for k, v in timings.items() if v}
    report.latency_ms["all"] = percentiles(timings["load"] + timings["select"]) if report.interactions else {}
    report.bytes_per_interaction = {k: statistics.mean(v) for k, v in sizes.items() if v}
    report.bytes_per_interaction["all"] = statistics.mean(sizes["load"] + sizes["select"]) if report.interactions else 0
    return report


async def warm_up(base: str) -> None:
    """One visit per place first, so the run measures a server that has rendered its map once, as after any
    first visitor."""
    tab, _ = await Tab.open(base)
    for place in PLACES:
        await tap_marker(tab, place)
    await tab.close()


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--over", type=float, default=60.0, help="seconds over which the sessions arrive")
    parser.add_argument("--url", help="an already running explorer (default: start serve.py on 127.0.0.1)")
    parser.add_argument("--json", type=Path, help="also write the report here as JSON")
    args = parser.parse_args(argv)

    async def go(base: str, pid: int | None) -> Report:
        await warm_up(base)
        return await run_load(base, args.sessions, args.over, pid=pid)

    if args.url:
        report = asyncio.run(go(args.url, None))
    else:
        with running_server("serve.py") as server:
            report = asyncio.run(go(server.base, server.pid))
    print(report.summary())
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=2))
    return report


if __name__ == "__main__":
    result = main()
    sys.exit(1 if result.errors else 0)
