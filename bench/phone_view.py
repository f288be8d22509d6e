"""Benchmark (e): a phone's first view of the map page, as a visitor after a screening meets it: a 390 x 844 touch
screen, cold cache, on the 4G and 3G profiles of ``../shared/tools/phone.py``; bytes received and time until the
markers show, against the static export of the same content (``python -m explorer export``) in the same run,
alternated. Streamlit's own floor is measured beside them: a one-line HTML page served the same way
(``bench/bare_html.py``).

All three are served on 127.0.0.1 with the simplified map (no tiles): the explorer by ``serve.py``, the export by
Python's own static file server. Each server is warmed first (one visit, then a pause while the explorer
compresses its files with brotli in the background: a phone meets a server that has been running).

Run: .venv/bin/python bench/phone_view.py [RUNS]   (5 if not given; needs ../shared/tools/phone.py)
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import ROOT, free_port, running_server, wait_quiet  # noqa: E402

PHONE = ROOT.parent / "shared" / "tools" / "phone.py"
WAIT = ".leaflet-marker-icon, path.leaflet-interactive, .hx-bare-text"
TARGETS = {"bytes_kb": 1000, "4g": 2.0, "3g": 4.0}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def static_site() -> str:
    """The export of the same content, served on 127.0.0.1."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "explorer", "export", folder], check=True, capture_output=True, cwd=ROOT)
        handler = functools.partial(_Quiet, directory=folder)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
        finally:
            server.shutdown()


def phone(urls: list[str], runs: int, profiles: str, wait: str = WAIT) -> dict[tuple[str, str], tuple[float, float]]:
    """(profile, url) -> (median seconds, median KB), as phone.py prints them, until ``wait`` is visible."""
    out = subprocess.run(
        [sys.executable, str(PHONE), *urls, "--runs", str(runs), "--profiles", profiles, "--wait", wait],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        match = re.match(r"(\w+)\s+([\d.]+|inf) s\s+(\d+) KB\s+(\S+)", line.strip())
        if match:
            found[(match[1], match[4])] = (float(match[2]), float(match[3]))
    return found


def main(runs: int = 5) -> None:
    with (
        running_server("serve.py", env={"EXPLORER_TILES": "offline"}) as explorer,
        running_server("bench/serve_bare.py", env={"BARE_PAGE": "bare_html.py"}) as bare,
        static_site() as static,
    ):
        urls = {"explorer": explorer.base + "/", "static export": static, "bare Streamlit page": bare.base + "/"}
        phone(list(urls.values()), 1, "none")  # warm: each server's files once ...
        for server in (explorer, bare):  # ... and the brotli made in the background after a file's first request
            wait_quiet(server.pid)
        results = phone(list(urls.values()), runs, "4g,3g")
    print(f"phone first view (390x844, cold cache), median of {runs}:")
    for profile in ("4g", "3g"):
        static_seconds = results[(profile, urls["static export"])][0]
        for name, url in urls.items():
            seconds, kb = results[(profile, url)]
            print(f"  {profile}  {name:20} {seconds:5.2f} s  {kb:6.0f} KB  ({seconds / static_seconds:.2f}x the export)")
    kb = max(results[(p, urls["explorer"])][1] for p in ("4g", "3g"))
    ratios = {p: results[(p, urls["explorer"])][0] / results[(p, urls["static export"])][0] for p in ("4g", "3g")}
    print(
        f"explorer: {kb:.0f} KB (target <= {TARGETS['bytes_kb']}); 4G {ratios['4g']:.2f}x the export "
        f"(target <= {TARGETS['4g']}); 3G {ratios['3g']:.2f}x (target <= {TARGETS['3g']})"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
