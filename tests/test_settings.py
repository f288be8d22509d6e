"""Settings: defaults, file and environment, and a clear message for every bad value."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from conftest import ROOT
from explorer.qr import qr_png
from explorer.settings import OSM_TILES, Settings, SettingsError, load_settings, place_link


def messages(environ: dict, file: Path | None = None) -> list[str]:
    with pytest.raises(SettingsError) as raised:
        load_settings(environ, file)
    return [str(p) for p in raised.value.problems]


def test_defaults_without_file_or_environment(tmp_path):
    empty = tmp_path / "explorer.toml"
    empty.write_text("")
    settings = load_settings({}, empty)
    assert settings == Settings()
    assert settings.tiles == "online" and settings.tile_url == OSM_TILES
    assert settings.kiosk is False and settings.idle_timeout == 120 and settings.public_url == ""


def test_file_then_environment(tmp_path):
    file = tmp_path / "explorer.toml"
    file.write_text('tiles = "offline"\nkiosk = true\nidle_timeout = 300\npublic_url = "https://here.example.org/"\n')
    settings = load_settings({"EXPLORER_IDLE_TIMEOUT": "45"}, file)
    assert settings.offline and settings.kiosk and settings.idle_timeout == 45
    assert settings.public_url == "https://here.example.org"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("EXPLORER_TILES", "satellite", "must be one of online, offline"),
        ("EXPLORER_IDLE_TIMEOUT", "-5", "must be a whole number of seconds from 1 to 86400"),
        ("EXPLORER_IDLE_TIMEOUT", "two minutes", "must be a whole number of seconds from 1 to 86400"),
        ("EXPLORER_PUBLIC_URL", "here dot org", "must be a web address like https://here.example.org"),
        ("EXPLORER_PUBLIC_URL", "https://here.example.org/?utm=1", "must be a web address like https://here.example.org"),
        ("EXPLORER_PUBLIC_URL", "javascript:alert(1)", "must be a web address like https://here.example.org"),
        ("EXPLORER_KIOSK", "maybe", "must be true or false"),
        ("EXPLORER_IDLE_TIMEOUT", "--5", "must be a whole number of seconds from 1 to 86400"),
        ("EXPLORER_IDLE_TIMEOUT", "²", "must be a whole number of seconds from 1 to 86400"),
        ("EXPLORER_PUBLIC_URL", "http://-", "must be a web address like https://here.example.org"),
        ("EXPLORER_PUBLIC_URL", "https://here.example.org:99999", "must be a web address like https://here.example.org"),
        ("EXPLORER_TILE_URL", "https://tiles.example.org/tile.png", "must be a web address with {z}, {x} and {y}"),
    ],
)
def test_each_bad_environment_value_is_named(variable, value, message):
    found = messages({variable: value})
    assert len(found) == 1
    assert found[0].startswith(f"environment: {variable}: {message}")
    assert found[0].endswith(f"(got {value!r})")


def test_all_problems_are_collected(tmp_path):
    file = tmp_path / "explorer.toml"
    file.write_text('tiles = "paper"\nidle_timeout = -1\ncolour = "green"\n')
    found = messages({"EXPLORER_PUBLIC_URL": "nope"}, file)
    assert found == [
        f"{file}: colour: is not a known setting (known: tiles, tile_url, tile_attribution, kiosk, idle_timeout, "
        "public_url, data_dir, embed_in, database_url, live_dir, session_hours, attract_votes, attract_guest, time_zone, "
        "trusted_proxies, live_secret, request_log, staff_key, usage_days, kiosk_name)",
        f"{file}: tiles: must be one of online, offline (got 'paper')",
        f"{file}: idle_timeout: must be a whole number of seconds from 1 to 86400 (got -1)",
        "environment: EXPLORER_PUBLIC_URL: must be a web address like https://here.example.org (no spaces, query or "
        "fragment) (got 'nope')",
    ]


def test_malformed_or_missing_settings_file(tmp_path):
    broken = tmp_path / "explorer.toml"
    broken.write_text("kiosk = tru")
    assert messages({}, broken)[0].startswith(f"{broken}: is not valid TOML:")
    missing = tmp_path / "nowhere.toml"
    assert messages({"EXPLORER_SETTINGS": str(missing)}) == [f"{missing}: settings file not found"]


def test_kiosk_accepts_the_usual_words():
    for word in ("1", "true", "YES", "on"):
        assert load_settings({"EXPLORER_KIOSK": word}).kiosk is True
    for word in ("0", "false", "no", "off", "", "  "):
        assert load_settings({"EXPLORER_KIOSK": word}).kiosk is False


def test_empty_variables_count_as_unset(tmp_path):
    empty = tmp_path / "explorer.toml"
    empty.write_text("")
    variables = {"EXPLORER_TILES": "", "EXPLORER_PUBLIC_URL": " ", "EXPLORER_IDLE_TIMEOUT": ""}
    assert load_settings(variables, empty) == Settings()


def test_a_settings_folder_or_unreadable_file_gets_a_message(tmp_path):
    assert messages({"EXPLORER_SETTINGS": str(tmp_path)}) == [f"{tmp_path}: is a folder, not a settings file"]
    assert messages({}, tmp_path) == [f"{tmp_path}: is a folder, not a settings file"]


def test_place_link_and_qr_code_encode_the_public_address():
    settings = Settings(public_url="https://here.example.org/festival")
    url = place_link(settings, "moeraske")
    assert url == "https://here.example.org/festival/?place=moeraske"
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(url))))]
    assert decoded == [url]
    assert place_link(Settings(), "moeraske") == ""


def test_check_command_reports_bad_settings_too():
    result = subprocess.run(
        [sys.executable, "-m", "explorer", "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"EXPLORER_TILES": "satellite", "PATH": ""},
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "environment: EXPLORER_TILES: must be one of online, offline (got 'satellite')" in result.stdout


def test_a_content_folder_that_is_not_there_names_the_setting(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    assert messages({"EXPLORER_DATA_DIR": str(tmp_path / "nowhere")}) == [
        f"environment: EXPLORER_DATA_DIR: must be an existing folder of content files; there is nothing there "
        f"(got '{tmp_path / 'nowhere'}')"
    ]
    assert messages({"EXPLORER_DATA_DIR": str(tmp_path / "file.txt")})[0].startswith(
        "environment: EXPLORER_DATA_DIR: must be a folder of content files, not a file"
    )
    settings_file = tmp_path / "explorer.toml"
    settings_file.write_text(f'data_dir = "{tmp_path / "nowhere"}"\n')
    assert messages({}, settings_file)[0].startswith(f"{settings_file}: data_dir: must be an existing folder")


def test_a_deeply_nested_settings_file_is_a_problem_not_a_traceback(tmp_path):
    deep = tmp_path / "explorer.toml"
    deep.write_text("deep = " + "[" * 3000 + "]" * 3000 + "\n")
    assert messages({}, deep) == [f"{deep}: nests arrays or tables too deeply to be read (at most 32 levels)"]
    deep.write_text("kiosk = true\nlist = " + "[" * 40 + "1" + "]" * 40 + "\n")
    assert messages({}, deep) == [f"{deep}: nests arrays or tables more than 32 levels deep"]


def test_sites_that_may_frame_the_explorer_are_origins(tmp_path):
    file = tmp_path / "explorer.toml"
    file.write_text('embed_in = ["https://festival.example.org"]\n')
    assert load_settings({}, file).embed_in == ("https://festival.example.org",)
    assert load_settings({"EXPLORER_EMBED_IN": "https://festival.example.org, http://127.0.0.1:8080"}, file).embed_in == (
        "https://festival.example.org",
        "http://127.0.0.1:8080",
    )
    assert load_settings({}).embed_in == ()
    for bad in (
        "festival.example.org",
        "https://festival.example.org/page",
        "javascript:alert(1)",
        "* 'unsafe-inline'",
        "https://x.org; script-src *",
    ):
        problem = messages({"EXPLORER_EMBED_IN": bad})
        assert problem[0].startswith("environment: EXPLORER_EMBED_IN: must be web origins"), (bad, problem)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("EXPLORER_DATABASE_URL", "mysql://db.example.org/here", "must be a database URL like postgresql://"),
        ("EXPLORER_DATABASE_URL", "postgresql://db.example.org", "must be a database URL like postgresql://"),
        ("EXPLORER_DATABASE_URL", "here.db", "must be a database URL like postgresql://"),
        ("EXPLORER_SESSION_HOURS", "0", "must be a whole number of hours from 1 to 168"),
        ("EXPLORER_SESSION_HOURS", "a week", "must be a whole number of hours from 1 to 168"),
        ("EXPLORER_SESSION_HOURS", "169", "must be a whole number of hours from 1 to 168"),
        ("EXPLORER_ATTRACT_VOTES", "sometimes", "must be true or false"),
        ("EXPLORER_ATTRACT_GUEST", "<script>", "must be true or false"),
        ("EXPLORER_TIME_ZONE", "Europe/Bruxelles", "must be a time zone like Europe/Brussels or UTC (got 'Europe/Bruxelles')"),
        ("EXPLORER_TIME_ZONE", "../../etc/passwd", "must be a time zone like Europe/Brussels or UTC"),
    ],
)
def test_each_bad_live_session_setting_is_named(variable, value, message):
    found = messages({variable: value})
    assert len(found) == 1 and found[0].startswith(f"environment: {variable}: {message}"), found


def test_live_session_settings_and_their_defaults(tmp_path):
    settings = Settings()
    assert settings.database_url == "" and settings.session_hours == 12 and settings.attract_votes is True
    assert settings.live_dir.name == "here-explorer"
    file = tmp_path / "explorer.toml"
    file.write_text(f'live_dir = "{tmp_path / "live"}"\nsession_hours = 3\nattract_votes = false\n')
    settings = load_settings({"EXPLORER_DATABASE_URL": "postgres://here:pw@db.example.org:5432/here"}, file)
    assert settings.live_dir == tmp_path / "live" and settings.session_hours == 3 and not settings.attract_votes
    assert settings.database_url == "postgres://here:pw@db.example.org:5432/here"


def test_the_exports_time_zone_is_brussels_unless_set(tmp_path):
    assert Settings().time_zone == load_settings({}).time_zone == "Europe/Brussels"
    file = tmp_path / "explorer.toml"
    file.write_text('time_zone = "Europe/Paris"\n')
    assert load_settings({}, file).time_zone == "Europe/Paris"
    assert load_settings({"EXPLORER_TIME_ZONE": "UTC"}, file).time_zone == "UTC"  # the environment wins
    file.write_text('time_zone = "Brussels"\n')
    assert messages({}, file) == [f"{file}: time_zone: must be a time zone like Europe/Brussels or UTC (got 'Brussels')"]


def test_a_database_urls_password_never_appears_in_a_message(tmp_path):
    found = messages({"EXPLORER_DATABASE_URL": "mysql://here:hunter2@db.example.org/here"})
    assert "hunter2" not in found[0] and "here:***@db.example.org" in found[0]


def test_the_live_folder_may_be_missing_but_not_a_file(tmp_path):
    assert load_settings({"EXPLORER_LIVE_DIR": str(tmp_path / "new")}).live_dir == tmp_path / "new"
    file = tmp_path / "file"
    file.write_text("")
    assert "not a file" in messages({"EXPLORER_LIVE_DIR": str(file)})[0]


def test_trusted_proxies_from_the_file_or_the_environment(tmp_path):
    assert Settings().trusted_proxies == () == load_settings({}).trusted_proxies  # nobody's header is believed
    file = tmp_path / "explorer.toml"
    file.write_text('trusted_proxies = ["127.0.0.1", " ::1 ", "10.1.2.3/8", "fd00::/8"]\n')
    assert load_settings({}, file).trusted_proxies == ("127.0.0.1/32", "::1/128", "10.0.0.0/8", "fd00::/8")
    found = load_settings({"EXPLORER_TRUSTED_PROXIES": " 127.0.0.1,::1  192.168.0.0/16,,127.0.0.1 "}, file)
    assert found.trusted_proxies == ("127.0.0.1/32", "::1/128", "192.168.0.0/16")  # the environment wins
    file.write_text("trusted_proxies = []\n")
    assert load_settings({}, file).trusted_proxies == ()


def test_each_bad_trusted_proxy_is_named(tmp_path):
    file = tmp_path / "explorer.toml"
    file.write_text('trusted_proxies = ["127.0.0.1", "10.0.0.300"]\n')
    assert messages({}, file)[0].startswith(f"{file}: trusted_proxies: '10.0.0.300' is not an address or network")
    found = messages({"EXPLORER_TRUSTED_PROXIES": "localhost, 10.0.0.0/33 ::1"})
    assert len(found) == 1 and found[0].startswith(
        "environment: EXPLORER_TRUSTED_PROXIES: 'localhost' is not an address or network; '10.0.0.0/33' is not"
    )
    for everyone in ("0.0.0.0/0", "::/0", "1.2.3.4/0"):  # believing anyone's header is the bug this setting ends
        assert "would trust every address" in messages({"EXPLORER_TRUSTED_PROXIES": everyone})[0]
    for bad in ('trusted_proxies = "127.0.0.1"\n', "trusted_proxies = [1270001]\n", "trusted_proxies = true\n"):
        file.write_text(bad)
        if bad.startswith('trusted_proxies = "'):  # one text in the file is read like the environment's
            assert load_settings({}, file).trusted_proxies == ("127.0.0.1/32",)
        else:
            assert "must be a list of addresses or networks" in messages({}, file)[0], bad


def test_the_check_command_reports_a_bad_trusted_proxy():
    result = subprocess.run(
        [sys.executable, "-m", "explorer", "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"EXPLORER_TRUSTED_PROXIES": "10.0.0.300", "PATH": ""},
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "environment: EXPLORER_TRUSTED_PROXIES: '10.0.0.300' is not an address or network" in result.stdout


def test_the_live_secret_is_long_and_never_shown(tmp_path):
    assert Settings().live_secret == "" == load_settings({}).live_secret  # the store makes one and keeps it
    secret = "s3cr3t-" * 5
    assert load_settings({"EXPLORER_LIVE_SECRET": f"  {secret} "}).live_secret == secret
    assert secret not in repr(load_settings({"EXPLORER_LIVE_SECRET": secret}))
    for short in ("hunter2-hunter2-hunter2-hunter2", "x" * 31, "\u00e9" * 20):
        found = messages({"EXPLORER_LIVE_SECRET": short})
        assert found[0].startswith("environment: EXPLORER_LIVE_SECRET: must be a secret of at least 32 characters")
        assert short not in found[0] and "got" not in found[0], found
    file = tmp_path / "explorer.toml"
    file.write_text('live_secret = "tooshort-and-secret"\n')
    found = messages({}, file)
    assert found[0].startswith(f"{file}: live_secret: must be") and "tooshort" not in found[0]
    file.write_text("live_secret = 12345678901234567890123456789012345\n")
    assert "12345678901234567890" not in messages({}, file)[0]
