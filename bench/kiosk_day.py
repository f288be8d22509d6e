"""Benchmark (d): a kiosk's day. A thousand visitors, one after another (a few at a time), each opens the map
in kiosk mode, picks two places and leaves. Memory (RSS) of the server at the start, after the visitors, and
once their sessions are gone, against the target of at most 50 MB growth.

Streamlit keeps up to 128 disconnected sessions for ``server.disconnectedSessionTTL`` seconds (120 by
default) so a phone that loses its connection can come back. "Gone" is after that time, when one more
visitor has come (Streamlit drops expired sessions when it next touches its session store).

Run: .venv/bin/python bench/kiosk_day.py [--sessions 1000] [--parallel 4]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import select  # noqa: E402
from rerun import PLACES  # noqa: E402
from server import rss_mb, running_server  # noqa: E402
from stclient import Tab  # noqa: E402

KIOSK = {"EXPLORER_KIOSK": "true", "EXPLORER_TILES": "offline", "EXPLORER_PUBLIC_URL": "https://here.example.org"}


async def visitor(base: str, number: int, errors: list[str]) -> None:
    try:
        tab, run = await Tab.open(base)
        errors += [f"visitor {number}: {e}" for e in run.errors]
        for step, place in enumerate((PLACES[number % len(PLACES)], PLACES[(number + 3) % len(PLACES)])):
            _, problems = await select(tab, place, by_list=step == 1)
            errors += [f"visitor {number}: {p}" for p in problems]
        await tab.close()
    except Exception as exc:
        errors.append(f"visitor {number}: {exc!r}")


async def day(base: str, pid: int, sessions: int, parallel: int, ttl: float) -> dict:
    errors: list[str] = []
    for number in range(8):  # warm up: every place once, as the first visitors of the day do
        await visitor(base, number, errors)
    await asyncio.sleep(1)
    start = rss_mb(pid)
    began = time.perf_counter()
    queue = iter(range(sessions))

    async def worker() -> None:
        for number in queue:
            await visitor(base, number, errors)

    await asyncio.gather(*(worker() for _ in range(parallel)))
    seconds = time.perf_counter() - began
    after_visitors = rss_mb(pid)
    await asyncio.sleep(ttl + 5)
    await visitor(base, sessions, errors)  # the next morning's first visitor: expired sessions are dropped
    await asyncio.sleep(2)
    gone = rss_mb(pid)
    return {
        "sessions": sessions,
        "seconds": seconds,
        "errors": errors,
        "rss_start_mb": start,
        "rss_after_visitors_mb": after_visitors,
        "rss_sessions_gone_mb": gone,
        "growth_mb": gone - start,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--parallel", type=int, default=4, help="visitors at the kiosk at the same time")
    parser.add_argument("--ttl", type=int, default=120, help="server.disconnectedSessionTTL for the run (seconds)")
    args = parser.parse_args(argv)
    with running_server("serve.py", env=KIOSK, options={"server.disconnectedSessionTTL": str(args.ttl)}) as server:
        result = asyncio.run(day(server.base, server.pid, args.sessions, args.parallel, args.ttl))
    print(
        f"{result['sessions']} kiosk sessions opened and closed in {result['seconds']:.0f} s, "
        f"{len(result['errors'])} errors; RSS {result['rss_start_mb']:.0f} MB at start, "
        f"{result['rss_after_visitors_mb']:.0f} MB after the visitors, {result['rss_sessions_gone_mb']:.0f} MB once "
        f"their sessions are gone: growth {result['growth_mb']:+.1f} MB (target <= 50 MB)"
    )
    for error in result["errors"][:10]:
        print("  error:", error)
    return result


if __name__ == "__main__":
    outcome = main()
    sys.exit(1 if outcome["errors"] or outcome["growth_mb"] > 50 else 0)
