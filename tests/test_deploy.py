"""What deploy/ installs on a machine, tried here without touching /etc: Debian's nginx site (nginx -t inside a copy
of Debian's main configuration, then HTTPS end to end in front of two replicas), the systemd unit (systemd-analyze
verify, and its command listening on loopback only), the container files, and the kiosk launcher.

Each test skips, saying which, only when a tool it needs is missing. Servers listen on 127.0.0.1, ports 8740-8749.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import os
import re
import shlex
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from server import running_server, wait_healthy  # noqa: E402

DEBIAN = ROOT / "deploy" / "debian"
SITE = DEBIAN / "here-explorer.nginx"
UNIT = DEBIAN / "here-explorer@.service"
CONTAINERS = ROOT / "deploy" / "containers"
KIOSK = ROOT / "deploy" / "kiosk"
NAME = "here.example.org"
CERTIFICATE = f"/etc/letsencrypt/live/{NAME}/fullchain.pem"
PRIVATE_KEY = f"/etc/letsencrypt/live/{NAME}/privkey.pem"
HTTP_PORT, REPLICA_PORTS, HTTPS_PORT, LOOPBACK_PORT, HEALTH_PORT = 8740, (8741, 8742), 8743, 8745, 8746


def tool(name: str) -> str | None:
    """The tool's path (also in /usr/sbin, which a plain user's PATH may lack), or None."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


NGINX, OPENSSL, CURL, SYSTEMD_ANALYZE = tool("nginx"), tool("openssl"), tool("curl"), tool("systemd-analyze")
needs_nginx = pytest.mark.skipif(not (NGINX and OPENSSL), reason="needs nginx and openssl (Debian: apt-get install nginx openssl)")
needs_curl = pytest.mark.skipif(not CURL, reason="needs curl (Debian: apt-get install curl)")


def replaced(text: str, old: str, new: str) -> str:
    """``text`` with every ``old`` made ``new``; the file must hold ``old`` (else the test would prove nothing)."""
    assert old in text, f"{old!r} is no longer in the file: update this test"
    return text.replace(old, new)


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by openssl (valid two days)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    key.chmod(0o644)  # nginx's master reads it; the folder is private to the test
    return cert, key


def debian_nginx(prefix: Path, sites: list[str]) -> Path:
    """A copy of Debian 12's /etc/nginx/nginx.conf in ``prefix`` (its directives as shipped, paths moved into the
    prefix and no "user", so it runs as anyone) including ``sites`` as sites-enabled does."""
    enabled = prefix / "sites-enabled"
    enabled.mkdir(parents=True)
    for number, site in enumerate(sites):
        (enabled / f"site{number}").write_text(site)
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else "types { text/html html; }"
    temporary = "".join(f"    {kind}_temp_path {prefix}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"""worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{
    worker_connections 768;
}}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    {mime}
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log {prefix}/access.log;
    gzip on;
{temporary}    include {prefix}/conf.d/*.conf;
    include {enabled}/*;
}}
"""
    )
    (prefix / "conf.d").mkdir()
    return conf


def site_with(cert: Path, key: Path) -> str:
    """The site as installed, with the test's certificate where certbot's would be."""
    return replaced(replaced(SITE.read_text(), CERTIFICATE, str(cert)), PRIVATE_KEY, str(key))


def nginx_test(conf: Path) -> subprocess.CompletedProcess:
    return subprocess.run([NGINX, "-e", "stderr", "-p", str(conf.parent), "-c", str(conf), "-t"], capture_output=True, text=True)


@needs_nginx
def test_the_site_passes_nginx_t_inside_debians_configuration_beside_the_default_site(tmp_path):
    cert, key = self_signed(tmp_path)
    sites = [site_with(cert, key)]
    default = Path("/etc/nginx/sites-available/default")  # Debian's own site, enabled on a fresh install
    if default.exists():
        sites.append(default.read_text())
    result = nginx_test(debian_nginx(tmp_path / "nginx", sites))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "[warn]" in line and 'http2" directive is deprecated' not in line]
    assert "test is successful" in result.stderr and warnings == [], result.stderr  # nginx 1.25+ deprecates "listen ... http2" only
    # the same check fails on a site that repeats what Debian's http block already has: it would not be a drop-in
    broken = tmp_path / "broken"
    broken.mkdir()
    result = nginx_test(debian_nginx(broken, [sites[0] + "\ngzip on;\n"]))
    assert result.returncode != 0 and "duplicate" in result.stderr


@needs_nginx
def test_the_local_configuration_needs_only_an_empty_folder(tmp_path):
    shutil.copy(ROOT / "deploy" / "nginx.conf", tmp_path / "nginx.conf")
    result = nginx_test(tmp_path / "nginx.conf")
    assert result.returncode == 0 and "test is successful" in result.stderr, result.stderr


def test_the_site_pins_explorer_visits_but_not_phones_and_forwards_the_clients_own_address():
    text = SITE.read_text()
    assert "logs/" not in text and "tmp/" not in text and "\nhttp {" not in text  # Debian's main file has those
    assert text.count("hash $hx_route_key consistent;") == 1 and text.count("least_conn;") == 1
    assert "location ~ ^/(join|join/.*|live/events)$ {" in text
    assert text.count("proxy_set_header X-Forwarded-For $remote_addr;") == 2 and "$proxy_add_x_forwarded_for" not in text
    assert text.count("proxy_set_header X-Forwarded-Proto $scheme;") == 2
    assert text.count("proxy_buffering off;") == 2
    cookie = re.search(r'add_header Set-Cookie "hx_route=\$hx_route; ([^"]*)" always;', text)
    assert cookie and {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(cookie.group(1).split("; "))
    assert "location /.well-known/acme-challenge/ {" in text and "return 301 https://$host$request_uri;" in text


@contextlib.contextmanager
def running_nginx(conf: Path) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(
        [NGINX, "-e", "stderr", "-p", str(conf.parent), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not (conf.parent / "nginx.pid").exists() or not listening(HTTPS_PORT):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"nginx did not start: {proc.communicate()[1]}")
            time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def listening(port: int, address: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as sock:
        sock.settimeout(2)
        return sock.connect_ex((address, port)) == 0


def curl(url: str, cert: Path, *extra: str) -> tuple[int, dict[str, list[str]], str]:
    """Status, headers (lower-case names) and body of one request, as curl sees them with the test's certificate."""
    result = subprocess.run(
        [CURL, "-sS", "--max-time", "20", "--cacert", str(cert), "-D", "-", "-o", "/dev/null", "-w", "%{http_version}", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.replace("\r", "").split("\n")
    status = int(lines[0].split()[1])
    headers: dict[str, list[str]] = {}
    for line in lines[1:-1]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
    return status, headers, lines[-1]


@pytest.fixture(scope="module")
def replicas() -> Iterator[Path]:
    """Two replicas started as the unit starts them (loopback, the env file's settings, one live folder); yields
    the live folder."""
    if not (OPENSSL and CURL):
        pytest.skip("needs openssl and curl (Debian: apt-get install openssl curl)")
    with tempfile.TemporaryDirectory(prefix="hx-live-") as live:
        env = {
            "EXPLORER_TRUSTED_PROXIES": "127.0.0.1",
            "EXPLORER_LIVE_DIR": live,
            "EXPLORER_PUBLIC_URL": f"https://127.0.0.1:{HTTPS_PORT}",
            "STREAMLIT_SERVER_COOKIE_SECRET": "a-test-secret-shared-by-both-replicas-0123456789",
        }
        with running_server("serve.py", port=REPLICA_PORTS[0], env=env), running_server("serve.py", port=REPLICA_PORTS[1], env=env):
            yield Path(live)


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest) -> Iterator[dict]:
    """nginx with the Debian site in front of the two replicas: its ports moved into this test's range, the
    certificate a self-signed one, the second replica switched on as README says."""
    if not NGINX:
        pytest.skip("needs nginx (Debian: apt-get install nginx)")
    replicas = request.getfixturevalue("replicas")
    with tempfile.TemporaryDirectory(prefix="hx-deploy-") as folder:
        prefix = Path(folder)
        prefix.chmod(0o755)  # nginx's workers (nobody) read the challenge's webroot below
        cert, key = self_signed(prefix)
        webroot = prefix / "webroot"
        (webroot / ".well-known" / "acme-challenge").mkdir(parents=True)
        (webroot / ".well-known" / "acme-challenge" / "token").write_text("proof")
        site = site_with(cert, key)
        site = replaced(site, "    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{HTTP_PORT};\n")
        site = replaced(
            site, "    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n", f"    listen 127.0.0.1:{HTTPS_PORT} ssl http2;\n"
        )
        site = replaced(site, "root /var/www/html;", f"root {webroot};")
        site = replaced(site, "# server 127.0.0.1:8502;", "server 127.0.0.1:8502;")  # the second replica, as README says
        for default, port in zip((8501, 8502), REPLICA_PORTS, strict=True):
            site = replaced(site, f"server 127.0.0.1:{default};", f"server 127.0.0.1:{port};")
        marker = "        proxy_buffering off;\n"  # for the checks only: which replica answered
        site = replaced(site, marker, marker + "        add_header X-Hx-Replica $upstream_addr always;\n")
        with running_nginx(debian_nginx(prefix / "nginx", [site])):
            yield {"cert": cert, "live": replicas, "https": f"https://127.0.0.1:{HTTPS_PORT}", "http": f"http://127.0.0.1:{HTTP_PORT}"}


def test_https_answers_with_hsts_over_http2_and_a_secure_sticky_cookie(cluster):
    status, headers, version = curl(cluster["https"] + "/", cluster["cert"], "--http2")
    assert status == 200 and version == "2"
    assert headers["strict-transport-security"] == ["max-age=31536000"]
    route = [c for c in headers["set-cookie"] if c.startswith("hx_route=")]
    assert len(route) == 1 and {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(route[0].split("; ")[1:])
    status, headers, _ = curl(cluster["https"] + "/_stcore/health", cluster["cert"])
    assert status == 200 and "strict-transport-security" in headers


def test_one_cookie_keeps_a_visitor_on_one_replica_and_visitors_reach_both(cluster):
    seen = set()
    for _ in range(20):
        _, headers, _ = curl(cluster["https"] + "/_stcore/health", cluster["cert"])
        cookie = next(c for c in headers["set-cookie"] if c.startswith("hx_route=")).split(";", 1)[0]
        replicas = {
            curl(cluster["https"] + "/_stcore/health", cluster["cert"], "-H", f"Cookie: {cookie}")[1]["x-hx-replica"][0]
            for _ in range(3)
        }
        assert len(replicas) == 1, (cookie, replicas)
        seen |= replicas
    assert seen == {f"127.0.0.1:{port}" for port in REPLICA_PORTS}


def test_plain_http_moves_to_https_except_certbots_challenge(cluster):
    status, headers, _ = curl(cluster["http"] + "/join?code=ABC234", cluster["cert"])
    assert status == 301 and headers["location"] == ["https://127.0.0.1/join?code=ABC234"]
    result = subprocess.run(
        [CURL, "-sS", cluster["http"] + "/.well-known/acme-challenge/token"], capture_output=True, text=True, check=True
    )
    assert result.stdout == "proof"


def test_a_phone_joins_through_https_with_a_secure_cookie_and_no_sticky_one(cluster):
    from explorer.livestore import LiveStore, sqlite_url

    store = LiveStore(sqlite_url(cluster["live"]))
    try:
        session, _ = store.start_session(time.time(), "en")
    finally:
        store.engine.dispose()
    status, headers, _ = curl(f"{cluster['https']}/join?code={session.code}", cluster["cert"])
    assert status == 200 and headers["strict-transport-security"] == ["max-age=31536000"]
    cookies = headers["set-cookie"]
    assert not [c for c in cookies if c.startswith("hx_route=")]  # any replica serves a phone
    # the replica believed nginx's X-Forwarded-Proto (EXPLORER_TRUSTED_PROXIES=127.0.0.1): the phone's cookie is Secure
    assert len(cookies) == 1 and "; secure" in cookies[0].lower() and "httponly" in cookies[0].lower(), cookies


def test_streamlits_websocket_opens_through_https(cluster, monkeypatch):
    import websockets

    context = ssl.create_default_context(cafile=str(cluster["cert"]))
    wss = cluster["https"].replace("https://", "wss://") + "/_stcore/stream"

    async def handshake() -> str | None:
        async with websockets.connect(wss, ssl=context, subprotocols=["streamlit"], origin=cluster["https"]) as connection:
            return connection.subprotocol

    assert asyncio.run(asyncio.wait_for(handshake(), 20)) == "streamlit"


CADDY = tool("caddy")
CADDY_HTTP_PORT, CADDY_HTTPS_PORT = 8744, 8749


@pytest.fixture(scope="module")
def caddy_front(request: pytest.FixtureRequest) -> Iterator[dict]:
    """Caddy with deploy/containers/Caddyfile in front of the same two replicas, outside containers: the replicas'
    names made their addresses here, EXPLORER_DOMAIN=127.0.0.1 (Caddy's own authority signs it), ports in this
    test's range (global options put before the file)."""
    if not CADDY:
        pytest.skip("needs caddy (Debian: apt-get install caddy)")
    replicas = request.getfixturevalue("replicas")
    caddyfile = (CONTAINERS / "Caddyfile").read_text()
    for name, port in zip(("explorer-1:8501", "explorer-2:8501"), REPLICA_PORTS, strict=True):
        caddyfile = replaced(caddyfile, name, f"127.0.0.1:{port}")
    marker = "\t\t\tlb_policy cookie hx_route\n"  # for the checks only: which replica answered
    caddyfile = replaced(caddyfile, marker, marker + "\t\t\theader_down X-Hx-Replica {http.reverse_proxy.upstream.hostport}\n")
    options = f"{{\n\thttp_port {CADDY_HTTP_PORT}\n\thttps_port {CADDY_HTTPS_PORT}\n\tadmin off\n\tskip_install_trust\n}}\n"
    with tempfile.TemporaryDirectory(prefix="hx-caddy-") as folder:
        home = Path(folder)
        (home / "Caddyfile").write_text(options + caddyfile)
        env = {
            **os.environ,
            "EXPLORER_DOMAIN": "127.0.0.1",
            "XDG_DATA_HOME": str(home),
            "XDG_CONFIG_HOME": str(home),
            "HOME": str(home),
        }
        proc = subprocess.Popen(
            [CADDY, "run", "--adapter", "caddyfile", "--config", str(home / "Caddyfile")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        root = home / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        try:
            deadline = time.monotonic() + 30
            while not (root.exists() and listening(CADDY_HTTPS_PORT)):
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    pytest.fail(f"caddy did not start: {proc.communicate()[1][-3000:]}")
                time.sleep(0.1)
            yield {
                "cert": root,
                "live": replicas,
                "https": f"https://127.0.0.1:{CADDY_HTTPS_PORT}",
                "http": f"http://127.0.0.1:{CADDY_HTTP_PORT}",
            }
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_caddy_pins_a_visit_with_a_secure_cookie_and_lets_phones_join_any_replica(caddy_front):
    status, headers, _ = curl(caddy_front["https"] + "/", caddy_front["cert"])
    assert status == 200 and headers["strict-transport-security"] == ["max-age=31536000"]
    route = [c for c in headers["set-cookie"] if c.startswith("hx_route=")]
    assert len(route) == 1 and "Secure" in route[0].split("; "), route
    cookie = route[0].split(";", 1)[0]
    seen = {
        curl(caddy_front["https"] + "/_stcore/health", caddy_front["cert"], "-H", f"Cookie: {cookie}")[1]["x-hx-replica"][0]
        for _ in range(4)
    }
    assert len(seen) == 1 and seen <= {f"127.0.0.1:{port}" for port in REPLICA_PORTS}
    status, headers, _ = curl(caddy_front["http"] + "/join?code=ABC234", caddy_front["cert"])
    assert status in (301, 308) and headers["location"] == ["https://127.0.0.1/join?code=ABC234"]
    test_a_phone_joins_through_https_with_a_secure_cookie_and_no_sticky_one(caddy_front)


# --- the systemd unit ----------------------------------------------------------------------------------------


def unit_command(port: int) -> list[str]:
    """The unit's ExecStart for instance ``port``, with this checkout in place of /opt/here-explorer."""
    line = next(line for line in UNIT.read_text().splitlines() if line.startswith("ExecStart="))
    command = shlex.split(line.removeprefix("ExecStart=").replace("%i", str(port)))
    assert command[0] == "/opt/here-explorer/.venv/bin/python"
    return [sys.executable, *command[1:]]


def test_the_unit_runs_one_replica_on_loopback_restarted_on_failure_and_started_at_boot():
    text = UNIT.read_text()
    assert unit_command(8501)[1:] == ["serve.py", "--address", "127.0.0.1", "--port", "8501"]
    for line in (
        "User=here-explorer",
        "WorkingDirectory=/opt/here-explorer",
        "EnvironmentFile=/etc/here-explorer/explorer.env",
        "StateDirectory=here-explorer",
        "Restart=on-failure",
        "ProtectSystem=strict",
        "NoNewPrivileges=true",
        "WantedBy=multi-user.target",
    ):
        assert f"\n{line}\n" in text, line
    example = (DEBIAN / "explorer.env.example").read_text()
    for line in ("EXPLORER_TRUSTED_PROXIES=127.0.0.1", "EXPLORER_LIVE_DIR=/var/lib/here-explorer", "EXPLORER_PUBLIC_URL=https://"):
        assert f"\n{line}" in example, line


@pytest.mark.skipif(not SYSTEMD_ANALYZE, reason="needs systemd-analyze (Debian: apt-get install systemd)")
def test_systemd_analyze_verifies_the_unit(tmp_path):
    """verify insists that ExecStart's program exists, so the copy checked has this checkout in place of
    /opt/here-explorer; it exits 0 even for an unknown key, so its output must be empty too."""
    for text, clean in ((UNIT.read_text(), True), (UNIT.read_text().replace("Restart=", "Restrat="), False)):
        (tmp_path / UNIT.name).write_text(replaced(text, "/opt/here-explorer", str(ROOT)))
        result = subprocess.run(
            [SYSTEMD_ANALYZE, "verify", "--man=no", str(tmp_path / "here-explorer@8501.service")], capture_output=True, text=True
        )
        said = (result.stdout + result.stderr).strip()
        if clean:
            assert result.returncode == 0 and said == "", said
        else:
            assert "Restrat" in said


def other_address() -> str | None:
    """An address of this machine that is not loopback, or None."""
    try:
        names = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout.split()
    except (OSError, subprocess.SubprocessError):
        names = []
    for name in names:
        if not name.startswith(("127.", "::1", "fe80:")):
            return name
    return None


def test_a_replica_started_as_the_unit_starts_it_refuses_other_addresses(tmp_path):
    address = other_address()
    if address is None:
        pytest.skip("this machine has no address but loopback (hostname -I)")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("EXPLORER_", "STREAMLIT_"))}
    environment["EXPLORER_LIVE_DIR"] = str(tmp_path)
    proc = subprocess.Popen(
        unit_command(LOOPBACK_PORT), cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_healthy(f"http://127.0.0.1:{LOOPBACK_PORT}", proc)
        assert not listening(LOOPBACK_PORT, address), f"the replica answers on {address}"
        assert listening(LOOPBACK_PORT)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- containers ----------------------------------------------------------------------------------------------


def test_the_image_leaves_out_settings_secrets_and_local_folders():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")}
    for path in ("explorer.toml", ".env", ".venv", "node_modules", ".git", "**/__pycache__", ".pytest_cache", "shots"):
        assert path in ignored or f"/{path}" in ignored, path
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "ARG BASE=python:3.11-slim\nFROM $BASE" in dockerfile
    assert re.search(r"^USER (?!root)\S+", dockerfile, re.M), "the image runs as a user of its own"
    assert (
        re.search(r"^VOLUME \[?\"?/var/lib/here-explorer", dockerfile, re.M)
        and "EXPLORER_LIVE_DIR=/var/lib/here-explorer" in dockerfile
    )
    assert "HEALTHCHECK" in dockerfile and "/_stcore/health" in dockerfile


def test_compose_runs_two_unpublished_replicas_behind_caddy_with_postgresql_on_a_volume():
    """A light reading of compose.yaml (PyYAML is not a dependency): each top-level block and service by indentation."""
    text = (CONTAINERS / "compose.yaml").read_text()
    blocks = dict(re.findall(r"^([\w-]+):(?: &\w+)?\n((?:[ #].*\n|\n)*)", text, re.M))
    services = dict(re.findall(r"^  ([\w-]+):\n((?:    .*\n|\n)*)", blocks["services"], re.M))
    assert {"explorer-1", "explorer-2", "postgres", "caddy"} <= set(services), sorted(services)
    shared = blocks["x-explorer"]
    assert "ports:" not in shared and all(
        "ports:" not in services[r] and "<<: *explorer" in services[r] for r in ("explorer-1", "explorer-2")
    )
    assert "EXPLORER_TRUSTED_PROXIES: 172.31.240.2" in shared and "ipv4_address: 172.31.240.2" in services["caddy"]
    assert "ports:" not in services["postgres"] and '"443:443"' in services["caddy"] and '"80:80"' in services["caddy"]
    # the password only from .env, for both the database and the replicas' URL; the database on a named volume
    assert "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?" in services["postgres"] and ":${POSTGRES_PASSWORD:?" in shared
    assert "- postgres:/var/lib/postgresql/data" in services["postgres"] and "\n  postgres:\n" in blocks["volumes"]
    assert "/var/lib/here-explorer" in services["explorer-1"]
    caddyfile = (CONTAINERS / "Caddyfile").read_text()
    assert "{$EXPLORER_DOMAIN" in caddyfile and "lb_policy cookie hx_route" in caddyfile and caddyfile.count("flush_interval -1") == 2
    assert "@phones path /join /join/* /live/events" in caddyfile and "lb_policy least_conn" in caddyfile
    example = (CONTAINERS / ".env.example").read_text()
    assert {"EXPLORER_DOMAIN", "POSTGRES_PASSWORD", "STREAMLIT_SERVER_COOKIE_SECRET"} <= set(re.findall(r"^(\w+)=", example, re.M))


# --- the kiosk launcher --------------------------------------------------------------------------------------


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self.send_response(200 if self.path == "/_stcore/health" else 404)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def health_server(port: int) -> Iterator[None]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def fake_browser(folder: Path) -> Path:
    """A browser that writes its arguments, one a line, to a new file each time it runs, then exits."""
    browser = folder / "chromium"
    browser.write_text(f'#!/bin/sh\nn=$(ls {folder}/run.* 2>/dev/null | wc -l)\nprintf "%s\\n" "$@" > {folder}/run.$n\n')
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    return browser


def test_the_kiosk_script_is_valid_bash():
    result = subprocess.run(["bash", "-n", str(KIOSK / "here-kiosk")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_kiosk_waits_for_the_explorer_then_runs_the_browser_in_kiosk_mode_again_after_it_exits(tmp_path):
    browser = fake_browser(tmp_path)
    url = f"http://127.0.0.1:{HEALTH_PORT}/"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "CHROMIUM": str(browser),
        "KIOSK_URL": url,
        "KIOSK_RUNS": "2",  # stop after two runs instead of for ever
        "KIOSK_RESTART_DELAY": "0",
    }
    proc = subprocess.Popen(["bash", str(KIOSK / "here-kiosk")], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = proc.stdout.readline()  # the explorer does not answer yet: the script waits, the browser is not started
        assert first.startswith(f"here-kiosk: waiting for http://127.0.0.1:{HEALTH_PORT}/_stcore/health"), first
        assert proc.poll() is None and not list(tmp_path.glob("run.*"))
        with health_server(HEALTH_PORT):
            output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    runs = sorted(tmp_path.glob("run.*"))
    assert len(runs) == 2, output
    arguments = runs[0].read_text().splitlines()
    for flag in (
        "--kiosk",
        "--noerrdialogs",
        "--disable-infobars",
        "--no-first-run",
        "--incognito",
        "--disable-session-crashed-bubble",
        "--disable-pinch",
        "--overscroll-history-navigation=0",
        "--check-for-update-interval=31536000",
        "--password-store=basic",
    ):
        assert flag in arguments, flag
    assert any(a.startswith("--disable-features=") and "Translate" in a for a in arguments)
    assert arguments[-1] == url
    second = runs[1].read_text().splitlines()
    profiles = [next(a for a in run if a.startswith("--user-data-dir=")) for run in (arguments, second)]
    assert [a for a in second if a not in profiles] == [a for a in arguments if a not in profiles]
    assert profiles[0] != profiles[1] and not any(Path(p.split("=", 1)[1]).exists() for p in profiles)  # forgotten each time


def test_the_kiosk_says_which_browser_is_missing(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "CHROMIUM": str(tmp_path / "no-such-browser"),
        "KIOSK_URL": "http://127.0.0.1:1/",
    }
    result = subprocess.run(["bash", str(KIOSK / "here-kiosk")], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "no-such-browser" in result.stderr
