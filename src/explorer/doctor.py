"""``here-explorer doctor``: everything a technician needs to know before opening the doors, checked and said.

It reads the settings (every problem listed, then the rest checked with the settings that are valid), checks the
content, the live sessions' database (reachable, schema, writable), the public address (answers its health check,
HTTPS, proxies), the map tiles (one tile fetched online; the simplified map offline) and the kiosk, and says what
the server will do (``mode_line``, the line the server prints at start). It never shows a password or a key except
the staff page's link, under a heading that says to keep it secret. Warnings do not fail it; problems do (exit 1).
"""

from __future__ import annotations

import math
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from explorer.errors import Problem
from explorer.settings import (
    DEFAULT_SETTINGS_FILE,
    SETTINGS,
    SETTINGS_FILE_VARIABLE,
    Settings,
    SettingsError,
    load_settings,
)

PROBE_TIMEOUT = 5.0  # seconds for the public address and the tile server
BRUSSELS = (50.8466, 4.3528)  # the tile fetched online: zoom 12 around the Grand-Place
TILE_ZOOM = 12
LOCAL_PORT = 8501
USER_AGENT = "here-explorer-doctor (festival set-up check)"
OK, INFO, WARNING, PROBLEM = "ok", "info", "warning", "problem"
_MARKS = {OK: "ok     ", INFO: "       ", WARNING: "WARNING", PROBLEM: "PROBLEM"}


@dataclass
class Report:
    """Sections of findings, in order; ``problems`` and ``warnings`` count them."""

    sections: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)

    def section(self, title: str) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        self.sections.append((title, found))
        return found

    def count(self, level: str) -> int:
        return sum(1 for _, findings in self.sections for found, _ in findings if found == level)

    def text(self) -> str:
        lines = []
        for title, findings in self.sections:
            lines.append(title)
            lines.extend(f"  {_MARKS[level]}  {line}" for level, line in findings)
            lines.append("")
        problems, warnings = self.count(PROBLEM), self.count(WARNING)
        if problems:
            counted = f"{_plural(problems, 'problem')} and {_plural(warnings, 'warning')}"
            lines.append(f"{counted}: fix the problems and run the doctor again.")
        elif warnings:
            lines.append(f"No problem; {_plural(warnings, 'warning')} to read.")
        else:
            lines.append("All is well.")
        return "\n".join(lines)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


# --- what the server will do --------------------------------------------------------------------------------------


def database_description(settings: Settings) -> str:
    """Where the live sessions are kept, without a password: ``SQLite at /path/live.sqlite3`` or ``PostgreSQL at
    host:5432/name``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from explorer.livestore import settings_url

    url = settings_url(settings)
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "an unreadable database URL"
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite at {parsed.database or 'memory'}"
    where = (parsed.host or "localhost") + (f":{parsed.port}" if parsed.port else "")
    return f"PostgreSQL at {where}/{parsed.database or ''}" + (f" as {parsed.username}" if parsed.username else "")


def mode_line(settings: Settings | tuple[Problem, ...], address: str = "0.0.0.0", port: int = LOCAL_PORT) -> str:
    """The line the server prints at start and the doctor repeats: where, and what the settings make of it (kiosk,
    tiles, live sessions' database, public address, request log). Never a password or a key."""
    host = "localhost" if address in ("0.0.0.0", "::", "") else f"[{address}]" if ":" in address else address
    where = f"The Here explorer is at http://{host}:{port}/"
    if not isinstance(settings, Settings):
        return where + f" (the settings have {_plural(len(settings), 'problem')}: every page says so; run here-explorer doctor)"
    kiosk = f"kiosk {settings.kiosk_name!r}" if settings.kiosk_name else "kiosk"
    parts = [kiosk if settings.kiosk else "public site"]
    parts.append("offline tiles" if settings.offline else f"online tiles from {urlsplit(settings.tile_url).hostname}")
    parts.append(f"live sessions in {database_description(settings)}")
    parts.append(f"public URL {settings.public_url}" if settings.public_url else "no public URL")
    parts.append("request log on" if settings.request_log else "request log off")
    return f"{where} ({', '.join(parts)})"


# --- settings ----------------------------------------------------------------------------------------------------


def read_settings(environ: Mapping[str, str]) -> tuple[Settings, list[Problem], set[str]]:
    """The settings, every problem with them, and the names of the settings in error (read as their defaults, so
    that the rest can still be checked). A settings file that cannot be read counts for nothing."""
    try:
        return load_settings(environ), [], set()
    except SettingsError as exc:
        problems = list(exc.problems)
    by_variable = {variable: name for name, (variable, _) in SETTINGS.items()}
    bad = {by_variable.get(p.field, p.field) for p in problems} & set(SETTINGS)
    kept_env = {k: v for k, v in environ.items() if not (k in by_variable and by_variable[k] in bad) and k != SETTINGS_FILE_VARIABLE}
    named = (environ.get(SETTINGS_FILE_VARIABLE) or "").strip()
    path = Path(named or DEFAULT_SETTINGS_FILE)
    lines = []
    if path.is_file() and not any(p.file == str(path) and not p.field for p in problems):
        from explorer.tomlfile import parse_toml

        table = parse_toml(path.read_text(encoding="utf-8-sig"))
        lines = [f"{name} = {_toml(value)}" for name, value in table.items() if name in SETTINGS and name not in bad]
    with tempfile.TemporaryDirectory(prefix="here-doctor-") as folder:
        valid = Path(folder) / "settings.toml"
        valid.write_text("\n".join(line for line in lines if not line.endswith("= None")) + "\n", encoding="utf-8")
        try:
            settings = load_settings(kept_env, file=valid)
        except SettingsError:
            settings = Settings()
    return settings, problems, bad


def _toml(value: object) -> str | None:
    """A setting's value written back as TOML (the kinds a setting takes: text, number, true/false, list of texts)."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "[" + ", ".join(json.dumps(item) for item in value) + "]"
    return None


# --- the checks --------------------------------------------------------------------------------------------------


def check_content(settings: Settings, found: list[tuple[str, str]]) -> None:
    from explorer.loader import check, missing_translations

    problems = check(settings.data_dir)
    for problem in problems:
        found.append((PROBLEM, str(problem)))
    if problems:
        found.append((INFO, ".venv/bin/here-explorer check lists the same problems"))
        return
    found.append((OK, f"all content in {settings.data_dir} is valid"))
    missing = missing_translations(settings.data_dir)
    if missing:
        texts = _plural(len(missing), "text")
        found.append((INFO, f"{texts} lack a French or Dutch version (English is shown); see here-explorer check --translations"))


def check_database(settings: Settings, found: list[tuple[str, str]], environ: Mapping[str, str]) -> bool:
    """Kind, reachable, schema, writable; whether the store can be opened without changing the database's schema."""
    from sqlalchemy import create_engine, func, insert, inspect, select
    from sqlalchemy.exc import SQLAlchemyError

    from explorer.livestore import CONNECT_TIMEOUT, SCHEMA_VERSION, meta, schema_version, settings_url, with_driver

    url = with_driver(settings_url(settings))
    found.append((INFO, f"live sessions in {database_description(settings)}"))
    sqlite = url.startswith("sqlite")
    if sqlite:
        file = Path(url.removeprefix("sqlite:///"))
        folder = file.parent
        existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if existing is None or not os.access(existing, os.W_OK | os.X_OK):
            found.append((PROBLEM, f"the folder {folder} is not writable: the database and its journal cannot be made there"))
            return False
        found.append((OK, f"the folder {folder} is writable" if folder.exists() else f"the folder {folder} will be made at start"))
        if not file.exists():
            found.append((OK, "no database yet: it is made at the server's first start"))
            return True
        if not os.access(file, os.R_OK | os.W_OK):
            found.append((PROBLEM, f"{file} cannot be read and written by this user"))
            return False
        engine = create_engine(url)
    else:
        engine = create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    try:
        with engine.connect() as connection:
            found.append((OK, "reachable"))
            if not inspect(connection).has_table("schema_version"):
                found.append((OK, "empty: the schema is made at the server's first start"))
                return True
            version = connection.scalar(select(func.max(schema_version.c.version)))
            if version is None or version < SCHEMA_VERSION:
                found.append((WARNING, f"schema {version}: brought up to {SCHEMA_VERSION} at the next start (back it up first)"))
                return False  # left as it is: the server changes it, not the doctor
            elif version > SCHEMA_VERSION:
                found.append((PROBLEM, f"schema {version} is newer than this explorer's {SCHEMA_VERSION}: update the explorer"))
                return False
            else:
                found.append((OK, f"schema {version}, as this explorer expects"))
            if inspect(connection).has_table("live_meta"):
                connection.rollback()  # the reads' transaction; then a write that is never kept: can this user write?
                connection.execute(insert(meta).values(key="doctor-write-check", value="-"))
                connection.rollback()
                found.append((OK, "writable"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        found.append((PROBLEM, f"cannot be used: {reason}"))
        return False
    finally:
        engine.dispose()
    return True


def _is_local(host: str) -> bool:
    import ipaddress

    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _fetch(url: str, timeout: float) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read(200_000)


def _failure(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"answered {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot be reached ({exc.reason})"
    return f"cannot be reached ({exc})"


def check_public_url(settings: Settings, found: list[tuple[str, str]], network: bool, fetch: Callable = _fetch) -> None:
    if not settings.public_url:
        found.append((INFO, "not set: no QR code to continue on a phone (kiosk)"))
        return
    parts = urlsplit(settings.public_url)
    found.append((INFO, settings.public_url))
    if parts.scheme == "http" and not _is_local(parts.hostname or ""):
        found.append((WARNING, "plain http to another machine: phones' cookies are not Secure and answers go unencrypted; use https"))
    elif parts.scheme == "https":
        found.append((OK, "https"))
    if parts.scheme == "https" and not settings.trusted_proxies:
        found.append(
            (WARNING, "https, so probably behind a proxy, but trusted_proxies is empty: every visitor seems to come from the proxy")
        )
    elif settings.trusted_proxies:
        found.append((OK, f"trusted proxies: {' '.join(settings.trusted_proxies)}"))
    if not network:
        found.append((INFO, "not tried (--offline)"))
        return
    health = settings.public_url + "/_stcore/health"
    try:
        status, _, body = fetch(health, PROBE_TIMEOUT)
    except (OSError, ValueError) as exc:
        found.append((WARNING, f"{health} {_failure(exc)}: is the server (and the proxy) running?"))
        return
    if status == 200 and body.strip() == b"ok":
        found.append((OK, f"{health} answers ok"))
    else:
        found.append((WARNING, f"{health} answered {status}, not the explorer's 'ok': another site at that address?"))


def tile_address(template: str, lat: float = BRUSSELS[0], lon: float = BRUSSELS[1], zoom: int = TILE_ZOOM) -> str:
    """The address of the tile at ``lat``, ``lon`` (Web Mercator, as Leaflet numbers them)."""
    n = 2**zoom
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return template.replace("{s}", "a").replace("{r}", "").replace("{z}", str(zoom)).replace("{x}", str(x)).replace("{y}", str(y))


def check_tiles(settings: Settings, found: list[tuple[str, str]], network: bool, fetch: Callable = _fetch) -> None:
    from explorer.loader import load_content
    from explorer.model import OSM_KINDS

    try:
        basemap = load_content(settings.data_dir).basemap
    except Exception:  # the content's problems, the offline map's among them, are listed above
        found.append((INFO, "the offline map is checked with the content (see its problems above)"))
        return
    outlines = sum(1 for f in basemap if f.kind in OSM_KINDS)
    folder = settings.data_dir / "basemap"
    if not outlines:  # offline it is the map; online it is what shows when the tiles fail
        found.append(
            (
                PROBLEM if settings.offline else WARNING,
                f"{folder} has no OpenStreetMap outlines: the offline map shows only landmarks; "
                "run 'here-explorer basemap --from <folder of .pmtiles>' (data/basemap/README.md)",
            )
        )
    if settings.offline:
        if outlines:
            found.append(
                (OK, f"offline: the explorer's own map from OpenStreetMap data ({outlines} shapes); no request leaves the machine")
            )
        return
    found.append((INFO, f"online: tiles from {settings.tile_url}"))
    if not network:
        found.append((INFO, "not tried (--offline)"))
        return
    address = tile_address(settings.tile_url)
    began = time.monotonic()
    try:
        status, kind, body = fetch(address, PROBE_TIMEOUT)
    except (OSError, ValueError) as exc:
        found.append((PROBLEM, f'{address} {_failure(exc)}: the map would be blank; use tiles = "offline" without internet'))
        return
    if status == 200 and kind.startswith("image/") and body:
        found.append((OK, f"one tile fetched in {round((time.monotonic() - began) * 1000)} ms ({address})"))
    else:
        found.append((PROBLEM, f"{address} answered {status} {kind or 'without a type'}, not an image"))


def check_kiosk(settings: Settings, found: list[tuple[str, str]]) -> None:
    if not settings.kiosk:
        found.append((INFO, "not a kiosk (the kiosk setting is off)"))
        return
    found.append((OK, f"kiosk: back to the attract screen after {settings.idle_timeout} s without a touch"))
    if settings.public_url:
        found.append((OK, f"QR codes lead to {settings.public_url}"))
    else:
        found.append((WARNING, "no public_url: the kiosk shows no QR code to continue on a phone"))
    if settings.kiosk_name:
        found.append((OK, f"named {settings.kiosk_name!r} on the staff page"))
    else:
        found.append((WARNING, "no kiosk_name: set one to tell this kiosk from others on the staff page"))


def staff_link(settings: Settings) -> str | None:
    """The staff page's link with its key (the setting's, else the one kept in the database), or None when the
    database cannot give one."""
    from explorer.livestore import LiveStore, StoreUnavailable, settings_url

    key = settings.staff_key
    if not key:
        try:
            store = LiveStore(settings_url(settings), secret=settings.live_secret or None)
        except StoreUnavailable:
            return None
        try:
            key = store.staff_key(settings)
        except StoreUnavailable:
            return None
        finally:
            store.close()
    base = settings.public_url or f"http://127.0.0.1:{LOCAL_PORT}"
    return f"{base}/staff?key={key}"


def diagnose(environ: Mapping[str, str] | None = None, network: bool = True, fetch: Callable = _fetch) -> Report:
    """Every check, in the order a technician reads them."""
    environ = dict(os.environ if environ is None else environ)
    report = Report()
    settings, problems, bad = read_settings(environ)
    found = report.section("Settings")
    named = (environ.get(SETTINGS_FILE_VARIABLE) or "").strip()
    path = Path(named or DEFAULT_SETTINGS_FILE)
    found.append((INFO, f"settings file {path}" if path.is_file() else f"no settings file ({path}): defaults and environment"))
    for problem in problems:
        found.append((PROBLEM, str(problem)))
    if bad:
        found.append((INFO, f"checked below with the default for {', '.join(sorted(bad))}"))
    elif not problems:
        found.append((OK, "valid"))

    check_content(settings, report.section("Content"))
    database_ok = check_database(settings, report.section("Live sessions' database"), environ)
    check_public_url(settings, report.section("Public address"), network, fetch)
    check_tiles(settings, report.section("Map tiles"), network, fetch)
    check_kiosk(settings, report.section("Kiosk"))
    what = report.section("What the server will do")
    what.append((INFO, mode_line(settings if not problems else tuple(problems), "0.0.0.0", LOCAL_PORT)))
    what.append((INFO, f"(started as scripts/start.sh does: every address, port {LOCAL_PORT}; --address and --port change them)"))
    if problems:
        what.append((INFO, "with the settings as they are, the server starts but every page shows the settings' problems"))
    staff = report.section("Staff page (keep this link secret: it opens the staff page)")
    link = staff_link(settings) if database_ok and not problems else None
    if link and settings.kiosk:  # a kiosk never shows it: the link is for a server that is no kiosk, on this database
        staff.append((INFO, "a kiosk does not open the staff page; open this link on a server that is not a kiosk and"))
        staff.append((INFO, "shares this database (the same settings with EXPLORER_KIOSK=false), at its own address:"))
    staff.append((INFO, link or "no link until the settings and the database above are right"))
    return report


def run(network: bool = True) -> int:
    """Print the report; 1 when something is wrong."""
    report = diagnose(network=network)
    print(report.text())
    return 1 if report.count(PROBLEM) else 0
