"""Benchmark: a phone's first view of a live session, as a pupil or a festival visitor meets it after scanning the QR
code: 390 x 844 touch screen, cold cache, on the 4G and 3G profiles of ``../shared/tools/phone.py``; bytes received
and time until the answer form shows, against the static export's map page (``python -m explorer export``) and
Streamlit's own one-line page, in the same run, alternated.

The session is made with ``LiveStore`` in the explorer's own SQLite folder for this run, with one open question: a
scene pick (``--kind scene``, the default) or a place vote (``--kind place``, whose page draws the small map).
Each visit is a new phone (no cookie): it joins, as a phone scanning the code does.

Issue #23's target: first view <= 100 KB transferred and <= 1.5x the export's time on 4G. Exits 1 when missed.

Run: .venv/bin/python bench/join_view.py [--runs 5] [--kind scene|place]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from phone_view import PHONE, static_site  # noqa: E402
from server import running_server, wait_quiet  # noqa: E402

from explorer.live import place_question, scene_question  # noqa: E402
from explorer.livestore import LiveStore, sqlite_url  # noqa: E402
from explorer.loader import load_content  # noqa: E402

WAIT = ".leaflet-marker-icon, path.leaflet-interactive, .hx-bare-text, .hx-phone-answer button"
TARGETS = {"bytes_kb": 100, "4g": 1.5}


def open_session(folder: Path, kind: str) -> str:
    """A session with one open question, kept where the server will look; its code."""
    store = LiveStore(sqlite_url(folder))
    try:
        content = load_content(Path(__file__).resolve().parents[1] / "data")
        session, _key = store.start_session(time.time(), "en", False, 3600)
        question = store.add_question((place_question if kind == "place" else scene_question)(content, session))
        store.move(question.id, "open")
        return session.code
    finally:
        store.close()


def phone(urls: list[str], runs: int, profiles: str) -> dict[tuple[str, str], tuple[float, float]]:
    """(profile, url) -> (seconds, KB), as phone.py prints them."""
    out = subprocess.run(
        [sys.executable, str(PHONE), *urls, "--runs", str(runs), "--profiles", profiles, "--wait", WAIT],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        match = re.match(r"\s*(\S+)\s+([\d.]+) s\s+([\d.]+) KB\s+(\S+)", line)
        if match:
            found[(match[1], match[4])] = (float(match[2]), float(match[3]))
    if not found:
        print(out)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kind", choices=("scene", "place"), default="scene")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as live:
        code = open_session(Path(live), args.kind)
        with (
            running_server("serve.py", env={"EXPLORER_TILES": "offline", "EXPLORER_LIVE_DIR": live}) as explorer,
            running_server("bench/serve_bare.py", env={"BARE_PAGE": "bare_html.py"}) as bare,
            static_site() as static,
        ):
            urls = {"join page": f"{explorer.base}/join?code={code}", "static export": static, "bare Streamlit page": bare.base + "/"}
            phone(list(urls.values()), 1, "none")  # warm: each server's files once, and the brotli made after
            for server in (explorer, bare):
                wait_quiet(server.pid)
            results = phone(list(urls.values()), args.runs, "4g,3g")
    print(f"a phone's first view of a live session ({args.kind} question; 390x844, cold cache), median of {args.runs}:")
    for profile in ("4g", "3g"):
        static_seconds = results[(profile, urls["static export"])][0]
        for name, url in urls.items():
            seconds, kb = results[(profile, url)]
            print(f"  {profile}  {name:20} {seconds:5.2f} s  {kb:6.0f} KB  ({seconds / static_seconds:.2f}x the export)")
    kb = max(results[(p, urls["join page"])][1] for p in ("4g", "3g"))
    ratio = results[("4g", urls["join page"])][0] / results[("4g", urls["static export"])][0]
    met = kb <= TARGETS["bytes_kb"] and ratio <= TARGETS["4g"]
    print(
        f"join page: {kb:.0f} KB (target <= {TARGETS['bytes_kb']}); 4G {ratio:.2f}x the export "
        f"(target <= {TARGETS['4g']}): {'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
