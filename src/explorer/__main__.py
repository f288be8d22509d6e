"""Command line (``here-explorer`` or ``python -m explorer``): ``check [DATA_DIR]`` reports every problem in the
content; ``doctor`` checks a machine before the doors open; ``backup FILE`` and ``restore FILE`` copy the live
sessions' database; ``export`` writes a static copy; ``basemap --from DIR`` derives the offline map from
OpenStreetMap tiles; ``theme`` writes Streamlit's theme from the palette."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from explorer.fields import TRANSLATIONS
from explorer.loader import DEFAULT_DATA_DIR, check, missing_translations
from explorer.settings import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="here-explorer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="validate the settings and the content files; list every problem")
    check_cmd.add_argument("--translations", action="store_true", help="list every text that lacks its French or Dutch version")
    check_cmd.add_argument(
        "data_dir", nargs="?", default=None, help="folder of content files (default: the data_dir setting, else data/)"
    )
    export_cmd = commands.add_parser("export", help="write a static copy of the explorer (works offline, no server)")
    export_cmd.add_argument("target", help="folder to write the site into")
    export_cmd.add_argument("--lang", default="en", choices=("en", "fr", "nl"), help="language of the copy")
    export_cmd.add_argument(
        "--spoiler-safe", action="store_true", help="leave out the scenes after the first encounter and what tells them"
    )
    doctor_cmd = commands.add_parser(
        "doctor", help="check the settings, content, database, public address, tiles and kiosk; say what the server will do"
    )
    doctor_cmd.add_argument("--offline", action="store_true", help="try nothing over the network (public address, tiles)")
    backup_cmd = commands.add_parser("backup", help="copy the live sessions' database into FILE (safe while the server runs)")
    backup_cmd.add_argument("file", help="the backup to write")
    restore_cmd = commands.add_parser("restore", help="put a backup made by 'backup' back as the live sessions' database")
    restore_cmd.add_argument("file", help="the backup to read")
    restore_cmd.add_argument("--force", action="store_true", help="restore even though the server seems to be running")
    basemap_cmd = commands.add_parser(
        "basemap", help="derive the offline map (data/basemap/*.geojson) from OpenStreetMap vector tiles (PMTiles)"
    )
    basemap_cmd.add_argument("--from", dest="source", required=True, help="folder of boundaries, railway and water .pmtiles")
    basemap_cmd.add_argument("--out", default=None, help="folder to write into (default: DATA_DIR/basemap)")
    basemap_cmd.add_argument("--data-dir", default=None, help="content folder whose places set the area (default: data/)")
    basemap_cmd.add_argument("--bbox", default=None, help="the area instead, as south,west,north,east in degrees")
    theme_cmd = commands.add_parser("theme", help="print the [theme] section of .streamlit/config.toml from the palette")
    theme_cmd.add_argument("--write", action="store_true", help="write it into .streamlit/config.toml")
    args = parser.parse_args(argv)
    if args.command == "export":
        return _export(Path(args.target), args.lang, args.spoiler_safe)
    if args.command == "theme":
        return _theme(args.write)
    if args.command == "basemap":
        return _basemap(args)
    if args.command == "doctor":
        from explorer.doctor import run

        return run(network=not args.offline)
    if args.command in ("backup", "restore"):
        from explorer import backup

        return backup.main(args.command, Path(args.file), force=getattr(args, "force", False))

    settings_problems: list = []
    data_dir = Path(args.data_dir) if args.data_dir else DEFAULT_DATA_DIR
    try:
        settings = load_settings()
        data_dir = Path(args.data_dir) if args.data_dir else settings.data_dir
    except SettingsError as exc:
        settings_problems = list(exc.problems)
    problems = [*settings_problems, *check(data_dir)]
    missing = missing_translations(data_dir) if not problems else []
    if not problems:
        print(f"The settings and all content in {data_dir} are valid.")
        if (data_dir / "basemap").is_dir():
            print("The places' communes and the walks' stops agree with the offline map (data/basemap, OpenStreetMap).")
    if missing:
        counts = {lang: sum(1 for p in missing if p.field.endswith("." + lang)) for lang in TRANSLATIONS}
        summary = ", ".join(f"{lang}: {count}" for lang, count in counts.items() if count)
        if args.translations:
            for problem in missing:
                print(problem)
            print()
        print(
            f"Translations missing ({summary}); English is shown there."
            + ("" if args.translations else " List them with: .venv/bin/here-explorer check --translations")
        )
    for problem in problems:
        print(problem)
    if problems:
        count = len(problems)
        print(f"\n{count} problem{'s' if count != 1 else ''} found. Fix {'them' if count != 1 else 'it'} and run the check again.")
        return 1
    return 0


def _export(target: Path, language: str, spoiler_safe: bool = False) -> int:
    from explorer.errors import ContentError
    from explorer.export import export_site
    from explorer.loader import load_content

    try:
        content = load_content(load_settings().data_dir)
    except (ContentError, SettingsError) as exc:
        print(exc)
        return 1
    files = export_site(content, target, language, spoiler_safe=spoiler_safe)
    print(f"Wrote {len(files)} pages to {target}; open {target / 'index.html'} in a browser.")
    return 0


def _theme(write: bool) -> int:
    from explorer.settings import PROJECT_ROOT
    from explorer.theme import config_theme_section, with_theme

    if not write:
        print(config_theme_section(), end="")
        return 0
    config = PROJECT_ROOT / ".streamlit" / "config.toml"
    config.write_text(with_theme(config.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"Wrote the theme into {config}.")
    return 0


def _basemap(args: argparse.Namespace) -> int:
    from explorer import osmbuild

    data_dir = Path(args.data_dir) if args.data_dir else DEFAULT_DATA_DIR
    out = Path(args.out) if args.out else data_dir / "basemap"
    before = {p: p.read_bytes() for p in out.glob("*") if p.is_file()} if out.is_dir() else {}
    try:
        paths = osmbuild.run(Path(args.source), out, data_dir, args.bbox)
    except ImportError as exc:
        print(f"basemap: the build step needs pmtiles, mapbox-vector-tile and shapely ({exc.name} is missing):", file=sys.stderr)
        print("  pip install 'here-explorer[basemap]'", file=sys.stderr)
        return 2
    except osmbuild.BasemapBuildError as exc:
        print(f"basemap: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        state = "new" if path not in before else "unchanged" if before[path] == path.read_bytes() else "changed"
        print(f"wrote {path} ({path.stat().st_size:,} bytes, {state})")
    print("Now run 'here-explorer check': it compares the places and walks with the new map.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
