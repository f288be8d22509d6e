"""Benchmark (b): server-side time of one rerun after a place is selected, over a bare page's rerun.

Same process, alternated, median of N. Run: .venv/bin/python bench/rerun.py [N]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def main(rounds: int = 25) -> float:
    explorer = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    bare = AppTest.from_file(str(ROOT / "bench" / "bare.py"), default_timeout=60).run()
    places = [b.key for b in explorer.button if b.key and b.key.startswith("place-")]
    ours, base = [], []
    for i in range(rounds):
        explorer.button(key=places[i % len(places)]).click()
        start = time.perf_counter()
        explorer.run()
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare.run()
        base.append(time.perf_counter() - start)
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"rerun after selecting a place: median {statistics.median(ours) * 1000:.1f} ms; "
          f"bare page rerun: median {statistics.median(base) * 1000:.1f} ms; ratio {ratio:.2f} (target <= 3.0)")
    return ratio


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 25)
