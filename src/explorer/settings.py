"""Run-time settings: an optional TOML file, overridden by environment variables, validated at start."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from explorer.addresses import network
from explorer.errors import ExplorerError, Problem
from explorer.loader import DEFAULT_DATA_DIR
from explorer.tomlfile import TooDeep, parse_toml

PROJECT_ROOT = DEFAULT_DATA_DIR.parent
DEFAULT_SETTINGS_FILE = PROJECT_ROOT / "explorer.toml"
TILE_MODES = ("online", "offline")
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
OSM_COPYRIGHT_URL = "https://www.openstreetmap.org/copyright"

LIVE_SECRET_MIN = 32  # characters of a live_secret: guessing it would let anyone sign a participant or a screen link
# setting name -> (environment variable, what it is)
SETTINGS = {
    "tiles": ("EXPLORER_TILES", "online (map tiles from tile_url) or offline (a simplified map, no network)"),
    "tile_url": ("EXPLORER_TILE_URL", "tile address with {z}, {x} and {y}"),
    "tile_attribution": ("EXPLORER_TILE_ATTRIBUTION", "credit line shown for the tiles"),
    "kiosk": ("EXPLORER_KIOSK", "true for an unattended touch screen"),
    "idle_timeout": ("EXPLORER_IDLE_TIMEOUT", "seconds without a touch before a kiosk returns to its attract screen"),
    "public_url": ("EXPLORER_PUBLIC_URL", "public address of the explorer, for 'continue on your phone' QR codes"),
    "data_dir": ("EXPLORER_DATA_DIR", "folder of content files"),
    "embed_in": ("EXPLORER_EMBED_IN", "sites allowed to show the explorer in a frame, e.g. https://festival.example.org"),
    "database_url": ("EXPLORER_DATABASE_URL", "live sessions' database: postgresql://user:password@host/name (default: SQLite)"),
    "live_dir": ("EXPLORER_LIVE_DIR", "folder of the live sessions' SQLite database, made if missing"),
    "session_hours": ("EXPLORER_SESSION_HOURS", "hours a live session and its answers are kept (1 to 168)"),
    "attract_votes": ("EXPLORER_ATTRACT_VOTES", "kiosk: show the place votes of the live sessions on the attract screen"),
    "attract_guest": (
        "EXPLORER_ATTRACT_GUEST",
        "kiosk: while a talk takes questions for the guest, the attract screen shows its QR code (needs public_url)",
    ),
    "time_zone": ("EXPLORER_TIME_ZONE", "time zone of the times in a live session's export, e.g. Europe/Brussels"),
    "trusted_proxies": (
        "EXPLORER_TRUSTED_PROXIES",
        "proxies whose X-Forwarded-For is believed: addresses or networks, e.g. 127.0.0.1 10.0.0.0/8",
    ),
    "live_secret": (
        "EXPLORER_LIVE_SECRET",
        f"live sessions' signing secret, at least {LIVE_SECRET_MIN} characters (default: made and kept in the database)",
    ),
    "request_log": ("EXPLORER_REQUEST_LOG", "true to print one line per request (method, path without its query, status, time)"),
    "staff_key": (
        "EXPLORER_STAFF_KEY",
        f"the staff page's key, at least {LIVE_SECRET_MIN} characters (default: made and kept in the database)",
    ),
    "usage_days": ("EXPLORER_USAGE_DAYS", "days the staff page's anonymous hourly counts are kept (1 to 400)"),
    "kiosk_name": ("EXPLORER_KIOSK_NAME", "kiosk: the name its heartbeat has on the staff page, e.g. foyer-left"),
}
# never repeated whole in a message: a database URL may hold a password, and the live secret is all secret
SECRET_SETTINGS = frozenset({"database_url", "live_secret", "staff_key"})
DEFAULT_TIME_ZONE = "Europe/Brussels"
DEFAULT_LIVE_DIR = Path.home() / ".local" / "state" / "here-explorer"
DATABASE_URL = re.compile(r"(?P<scheme>sqlite|postgres|postgresql)(?:\+[a-z0-9]+)?://(?P<rest>\S*)")
SETTINGS_FILE_VARIABLE = "EXPLORER_SETTINGS"
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
PUBLIC_URL = re.compile(rf"https?://{_LABEL}(?:\.{_LABEL})*(?::(?P<port>\d{{1,5}}))?(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?")
TILE_URL = re.compile(r"https?://\S+")


class SettingsError(ExplorerError):
    """One or more settings are invalid; all of them are in ``problems``."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(problems)
        super().__init__("invalid settings:\n" + "\n".join(f"  {p}" for p in self.problems))


@dataclass(frozen=True)
class Settings:
    tiles: str = "online"
    tile_url: str = OSM_TILES
    tile_attribution: str = OSM_ATTRIBUTION
    kiosk: bool = False
    idle_timeout: int = 120
    public_url: str = ""
    data_dir: Path = field(default=DEFAULT_DATA_DIR)
    embed_in: tuple[str, ...] = ()
    database_url: str = ""
    live_dir: Path = field(default=DEFAULT_LIVE_DIR)
    session_hours: int = 12
    attract_votes: bool = True
    attract_guest: bool = False
    time_zone: str = DEFAULT_TIME_ZONE
    trusted_proxies: tuple[str, ...] = ()  # networks as ipaddress writes them: 127.0.0.1/32, 10.0.0.0/8
    live_secret: str = field(default="", repr=False)
    request_log: bool = False
    staff_key: str = field(default="", repr=False)
    usage_days: int = 90
    kiosk_name: str = ""

    @property
    def offline(self) -> bool:
        return self.tiles == "offline"


def load_settings(environ: Mapping[str, str] | None = None, file: Path | None = None) -> Settings:
    """Settings from ``file`` (default: $EXPLORER_SETTINGS or explorer.toml, if present) and the environment."""
    environ = os.environ if environ is None else environ
    problems: list[Problem] = []
    raw: dict[str, tuple[str, object]] = {}  # name -> (where it came from, value)

    named = (environ.get(SETTINGS_FILE_VARIABLE) or "").strip()
    path = file or Path(named or DEFAULT_SETTINGS_FILE)
    explicit = file is not None or bool(named)
    if path.is_dir():
        problems.append(Problem(str(path), "", "", "is a folder, not a settings file"))
    elif path.is_file():
        try:
            table = parse_toml(path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), "", "", f"is not valid TOML: {exc}"))
            table = {}
        except TooDeep as exc:
            problems.append(Problem(str(path), "", "", str(exc)))
            table = {}
        except OSError as exc:
            problems.append(Problem(str(path), "", "", f"cannot be read ({exc.strerror or exc})"))
            table = {}
        for name, value in table.items():
            if name not in SETTINGS:
                problems.append(Problem(str(path), "", name, f"is not a known setting (known: {', '.join(SETTINGS)})"))
            else:
                raw[name] = (str(path), value)
    elif explicit:
        problems.append(Problem(str(path), "", "", "settings file not found"))
    for name, (variable, _) in SETTINGS.items():
        if environ.get(variable, "").strip():  # an empty variable counts as unset
            raw[name] = (f"environment: {variable}", environ[variable])

    values: dict[str, object] = {}
    for name, (where, value) in raw.items():
        try:
            values[name] = _PARSERS[name](value)
        except ValueError as exc:
            origin, _, variable = where.partition(": ")
            if name not in SECRET_SETTINGS:
                problems.append(Problem(origin, "", variable or name, str(exc), value))
            elif name == "database_url":
                problems.append(Problem(origin, "", variable or name, str(exc), _hide_password(value)))
            else:  # nothing of it is shown
                problems.append(Problem(origin, "", variable or name, str(exc)))
    if problems:
        raise SettingsError(problems)
    return Settings(**values)  # type: ignore[arg-type]


def _tiles(value: object) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else value
    if text not in TILE_MODES:
        raise ValueError(f"must be one of {', '.join(TILE_MODES)}")
    return str(text)


def _tile_url(value: object) -> str:
    if not isinstance(value, str) or not TILE_URL.fullmatch(value.strip()) or not all(part in value for part in ("{z}", "{x}", "{y}")):
        raise ValueError("must be a web address with {z}, {x} and {y}, like " + OSM_TILES)
    return value.strip()


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty text")
    return value.strip()


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise ValueError("must be true or false")


def _whole(value: object, low: int, high: int, unit: str) -> int:
    """A whole number from ``low`` to ``high`` (a number in the file, digits in the environment)."""
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"must be a whole number of {unit} from {low} to {high}")
    return value


def _seconds(value: object) -> int:
    return _whole(value, 1, 86_400, "seconds")


def _public_url(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a web address like https://here.example.org")
    text = value.strip().rstrip("/")
    match = PUBLIC_URL.fullmatch(text) if text else None
    if text and (match is None or (match["port"] and not 0 < int(match["port"]) <= 65535)):
        raise ValueError("must be a web address like https://here.example.org (no spaces, query or fragment)")
    return text


ORIGIN = re.compile(rf"https?://{_LABEL}(?:\.{_LABEL})*(?::\d{{1,5}})?")


def _origins(value: object) -> tuple[str, ...]:
    """Web origins separated by spaces or commas (``https://festival.example.org``); a list in the file."""
    items = value if isinstance(value, list) else str(value).replace(",", " ").split() if isinstance(value, str) else None
    if items is None or not all(isinstance(item, str) for item in items):
        raise ValueError("must be web origins like https://festival.example.org, separated by spaces")
    origins = tuple(item.strip().rstrip("/") for item in items if item.strip())
    wrong = [item for item in origins if not ORIGIN.fullmatch(item)]
    if wrong:
        raise ValueError(f"must be web origins like https://festival.example.org (scheme and host only; not {wrong[0]!r})")
    return origins


def _folder(value: object) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a folder path")
    folder = Path(value.strip()).expanduser()
    if not folder.exists():
        raise ValueError("must be an existing folder of content files; there is nothing there")
    if not folder.is_dir():
        raise ValueError("must be a folder of content files, not a file")
    return folder


def _hide_password(value: object) -> str:
    """A database URL as a message may show it: ``postgresql://user:***@host/db``."""
    return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", str(value))


def _database_url(value: object) -> str:
    text = value.strip() if isinstance(value, str) else None
    match = DATABASE_URL.fullmatch(text) if text else None
    if text is None or match is None or not match["rest"] or (match["scheme"] != "sqlite" and "/" not in match["rest"].split("@")[-1]):
        raise ValueError("must be a database URL like postgresql://user:password@host:5432/name or sqlite:////path/live.sqlite3")
    return text


def _live_dir(value: object) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a folder path")
    folder = Path(value.strip()).expanduser()
    if folder.exists() and not folder.is_dir():
        raise ValueError("must be a folder (it is made if missing), not a file")
    return folder


def _hours(value: object) -> int:
    return _whole(value, 1, 168, "hours")


def _time_zone(value: object) -> str:
    """A time zone of the IANA database (``Europe/Brussels``, ``UTC``), as zoneinfo knows it."""
    text = value.strip() if isinstance(value, str) else ""
    try:
        ZoneInfo(text)
    except (ValueError, ZoneInfoNotFoundError):
        raise ValueError("must be a time zone like Europe/Brussels or UTC") from None
    return text


def _trusted_proxies(value: object) -> tuple[str, ...]:
    """Addresses or CIDR networks, IPv4 or IPv6: a list of texts in the file, separated by commas or spaces in the
    environment. Each bad entry is named."""
    items = value.replace(",", " ").split() if isinstance(value, str) else value if isinstance(value, list) else None
    if items is None or not all(isinstance(item, str) for item in items):
        raise ValueError("must be a list of addresses or networks like 127.0.0.1 or 10.0.0.0/8")
    found, wrong = [], []
    for item in (item for item in items if item.strip()):
        try:
            net = network(item)
        except ValueError as exc:
            wrong.append(str(exc))
            continue
        if net.prefixlen == 0:  # every address: anyone could say who they are
            wrong.append(f"{item!r} would trust every address, so anyone could forge X-Forwarded-For")
        found.append(str(net))
    if wrong:
        raise ValueError("; ".join(wrong) + " (write addresses or networks like 127.0.0.1, 10.0.0.0/8 or ::1)")
    return tuple(dict.fromkeys(found))


def _live_secret(value: object) -> str:
    """A signing secret of at least ``LIVE_SECRET_MIN`` characters, without spaces at either end; never shown."""
    text = value.strip() if isinstance(value, str) else None
    if text is None or len(text) < LIVE_SECRET_MIN:
        raise ValueError(
            f"must be a secret of at least {LIVE_SECRET_MIN} characters, such as the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return text


def _days(value: object) -> int:
    return _whole(value, 1, 400, "days")


KIOSK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}")


def _kiosk_name(value: object) -> str:
    """A short name for one kiosk (letters, digits, spaces, dots, dashes), shown on the staff page."""
    text = value.strip() if isinstance(value, str) else ""
    if not KIOSK_NAME.fullmatch(text):
        raise ValueError("must be a short name of letters, digits, spaces, dots or dashes (up to 40), like foyer-left")
    return text


_PARSERS = {
    "tiles": _tiles,
    "tile_url": _tile_url,
    "tile_attribution": _text,
    "kiosk": _flag,
    "idle_timeout": _seconds,
    "public_url": _public_url,
    "data_dir": _folder,
    "embed_in": _origins,
    "database_url": _database_url,
    "live_dir": _live_dir,
    "session_hours": _hours,
    "attract_votes": _flag,
    "attract_guest": _flag,
    "time_zone": _time_zone,
    "trusted_proxies": _trusted_proxies,
    "live_secret": _live_secret,
    "request_log": _flag,
    "staff_key": _live_secret,
    "usage_days": _days,
    "kiosk_name": _kiosk_name,
}


def place_link(settings: Settings, place_id: str) -> str:
    """The public address that opens a place, for QR codes; empty when no public address is set."""
    return public_link(settings, "", {"place": place_id})


def public_link(settings: Settings, page: str, params: dict[str, str] | None = None) -> str:
    """The public address of a page of the explorer (``""`` for the map, ``"walk"``…) with ``params``, for a
    kiosk's QR codes; empty when no public address is set."""
    from urllib.parse import urlencode

    if not settings.public_url:
        return ""
    return f"{settings.public_url}/{page}" + (f"?{urlencode(params)}" if params else "")
