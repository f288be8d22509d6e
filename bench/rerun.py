"""Benchmark (b): server time of one rerun after a place is selected, over a bare page's rerun.

Both servers run side by side (``serve.py`` and ``bench/bare.py``); one websocket client (``stclient.Tab``)
alternates between them: on the explorer it taps a marker (the map component's trigger, as its frontend
sends it), on the bare page it asks for a rerun. The time is from sending the request to receiving
``script_finished``, on 127.0.0.1, so it is the server's work plus one local round trip for both.
Median of N, after a warm-up round.

Run: .venv/bin/python bench/rerun.py [N]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server import running_server  # noqa: E402
from stclient import Run, Tab  # noqa: E402

PLACES = ["moeraske", "building-site", "restaurant", "apartment", "garage", "lunch-park", "hospital", "hotel"]


MAP_KEY = "place_map"


async def tap_marker(tab: Tab, place_id: str) -> Run:
    """What the map sends when a place's marker is tapped: its trigger ``clicked`` with the place's id."""
    return await tab.trigger(MAP_KEY, "clicked", place_id)


async def measure(explorer_base: str, bare_base: str, rounds: int) -> tuple[list[float], list[float], list[str]]:
    explorer, _ = await Tab.open(explorer_base)
    bare, _ = await Tab.open(bare_base)
    ours, base, errors = [], [], []
    for i in range(rounds + len(PLACES)):  # the first pass over the places warms the caches
        run = await tap_marker(explorer, PLACES[i % len(PLACES)])
        if f"place={PLACES[i % len(PLACES)]}" not in explorer.query_string:
            errors.append(f"tap on {PLACES[i % len(PLACES)]} did not select it (address: {explorer.query_string})")
        baseline = await bare.rerun()
        errors += run.errors + baseline.errors
        if i >= len(PLACES):
            ours.append(run.seconds)
            base.append(baseline.seconds)
    await explorer.close()
    await bare.close()
    return ours, base, errors


def main(rounds: int = 60) -> float:
    with running_server("serve.py") as explorer, running_server("bench/serve_bare.py") as bare:
        ours, base, errors = asyncio.run(measure(explorer.base, bare.base, rounds))
    ratio = statistics.median(ours) / statistics.median(base)
    print(
        f"rerun after tapping a place: median {statistics.median(ours) * 1000:.1f} ms; "
        f"bare page rerun: median {statistics.median(base) * 1000:.1f} ms; ratio {ratio:.2f} (target <= 3.0); "
        f"errors: {len(errors)}"
    )
    for error in errors[:10]:
        print("  error:", error)
    return ratio


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
