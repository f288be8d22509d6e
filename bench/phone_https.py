"""A phone's first view as it meets a real deployment: behind nginx with HTTPS and HTTP/2 (deploy/nginx.conf's TLS
block), where a browser fetches Streamlit's many script files over one connection instead of six.

The same three pages as (e) (``bench/phone_view.py``): the explorer, the static export and Streamlit's one-line
floor, each behind its own nginx server block on 127.0.0.1 with a certificate made for the run; the same phone
(390 x 844, touch, cold cache) and the same 4G and 3G profiles as ``../shared/tools/phone.py``, which itself only
speaks plain HTTP (and so HTTP/1.1). The browser is told to accept the run's certificate; nothing leaves the
machine.

Run: .venv/bin/python bench/phone_https.py [RUNS]   (5 if not given; needs nginx with http_v2 and openssl)
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from phone_view import WAIT, static_site  # noqa: E402
from server import ROOT, free_port, running_server, wait_quiet  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, FLAGS  # noqa: E402

PROFILES = {  # as ../shared/tools/phone.py
    "4g": {"offline": False, "latency": 80, "downloadThroughput": 9_000_000 / 8, "uploadThroughput": 1_500_000 / 8},
    "3g": {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8},
}


def nginx_tls(folder: Path, backends: dict[int, str]) -> str:
    """An nginx config with one TLS + HTTP/2 server block per (listening port, backend address)."""
    blocks = "".join(
        f"""
    server {{
        listen 127.0.0.1:{port} ssl http2;
        ssl_certificate {folder}/cert.pem;
        ssl_certificate_key {folder}/key.pem;
        location / {{
            proxy_pass {backend};
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
        }}
    }}"""
        for port, backend in backends.items()
    )
    return f"""worker_processes 1;
error_log {folder}/error.log warn;
pid {folder}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy; fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
    gzip on; gzip_proxied any; gzip_types text/css text/javascript application/javascript application/json;
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    {blocks}
}}
"""


@contextlib.contextmanager
def tls_proxy(backends: dict[str, str]) -> dict[str, str]:
    """name -> https address in front of each backend (name -> http base or page address)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                str(root / "key.pem"),
                "-out",
                str(root / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )
        ports = {name: free_port() for name in backends}
        upstream = {}
        for name, url in backends.items():
            base, _, page = url.partition("://")[2].partition("/")
            upstream[ports[name]] = f"http://{base}"
            backends[name] = page
        (root / "nginx.conf").write_text(nginx_tls(root, upstream))
        proc = subprocess.Popen([nginx, "-p", folder, "-c", str(root / "nginx.conf"), "-g", "daemon off;"])
        try:
            for port in ports.values():  # until nginx listens
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline:
                    with socket.socket() as probe:
                        if probe.connect_ex(("127.0.0.1", port)) == 0:
                            break
                    time.sleep(0.1)
            yield {name: f"https://127.0.0.1:{ports[name]}/{backends[name]}" for name in backends}
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def shown(page) -> bool:
    """Whether anything of WAIT is visible in the page, its shadow roots or its frames (as phone.py looks)."""
    for frame in page.frames:
        try:
            found = frame.locator(WAIT)
            if any(found.nth(i).is_visible() for i in range(min(found.count(), 30))):
                return True
        except Exception:  # noqa: BLE001 - a frame that went away while looking
            pass
    return False


def first_view(browser, url: str, profile: dict) -> tuple[float, int, str]:
    """(seconds until the markers show, bytes received, HTTP version of the page) on a cold phone."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, ignore_https_errors=True)
    page = context.new_page()
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("https://127.0.0.1", "wss://127.0.0.1", "data:", "blob:")) else r.abort(),
    )
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", profile)
    received, protocols = [0], []
    cdp.on("Network.loadingFinished", lambda e: received.__setitem__(0, received[0] + int(e.get("encodedDataLength", 0))))
    cdp.on("Network.responseReceived", lambda e: protocols.append(e["response"].get("protocol", "")))
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    while not shown(page):
        if time.perf_counter() - start > 90:
            raise TimeoutError(f"nothing of {WAIT!r} showed in {url}")
        page.wait_for_timeout(25)
    elapsed = time.perf_counter() - start
    page.wait_for_timeout(500)
    context.close()
    return elapsed, received[0], protocols[0] if protocols else "?"


def main(runs: int = 5) -> None:
    with (
        running_server("serve.py", env={"EXPLORER_TILES": "offline"}) as explorer,
        running_server("bench/serve_bare.py", env={"BARE_PAGE": "bare_html.py"}) as bare,
        static_site() as static,
        tls_proxy({"explorer": explorer.base + "/", "static export": static, "bare Streamlit page": bare.base + "/"}) as urls,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for url in urls.values():  # warm: each server's files once, and the explorer's brotli
            first_view(browser, url, PROFILES["4g"])
        for server in (explorer, bare):
            wait_quiet(server.pid)
        results: dict[tuple[str, str], list[tuple[float, int, str]]] = {}
        for profile, conditions in PROFILES.items():
            for _ in range(runs):
                for name, url in urls.items():
                    results.setdefault((profile, name), []).append(first_view(browser, url, conditions))
        browser.close()
    print(f"phone first view over HTTPS with HTTP/2 (nginx in front), 390x844, cold cache, median of {runs}:")
    for profile in PROFILES:
        static_seconds = statistics.median(r[0] for r in results[(profile, "static export")])
        for name in urls:
            found = results[(profile, name)]
            seconds, kb = statistics.median(r[0] for r in found), statistics.median(r[1] for r in found) / 1024
            print(
                f"  {profile}  {name:20} {seconds:5.2f} s  {kb:6.0f} KB  ({seconds / static_seconds:.2f}x the export; "
                f"page over {found[0][2]})"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
