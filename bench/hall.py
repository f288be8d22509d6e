"""A hall of phones on the light participant page, against the Streamlit join page it replaced, in one run.

The light room: a throwaway PostgreSQL, two ``serve.py`` replicas (``EXPLORER_TRUSTED_PROXIES=127.0.0.1``) behind
nginx (``deploy/nginx.conf``); the session and its questions made with ``LiveStore`` in this process.

1. A scene pick is open. N phones (2,000) arrive evenly and each answers within ``--over`` seconds (60): GET
   ``/join?code=…&t=…`` (the QR code's link with its ticket; the signed cookie is set), the files the page links
   to (each phone's cache is cold), an ``EventSource`` on ``/join/events``, a think of 0.5 to 2 s, the form sent
   as a tap sends it; the 303 back with ``sent=`` is the acknowledgement (``bench/lightroom.py``'s phone, on
   ``bench/lightclient.py``: asyncio and h11, two connections a phone).
2. Then the room is idle for ``--idle`` seconds with every stream open: what idle phones cost the replicas.
3. Then the presenter opens a place vote (``store.move``): the stream tells every phone (push latency: from the
   move's commit to the phone's event), each loads its page again as join.js does and votes 2 to 20 s later.

The projector is a real headless Chromium on the screen link (``/live?code=…&screen=…``) through nginx; the page
records when its total (``.hx-live-total``) changes (``live_load.WATCH_TOTAL``). A listener on ``/live/events``
also reads the question's rows at each ``answers`` event: the push and the read without the browser. Tally lag:
for the k-th row stored (its ``answered_at``), the time the projector first showed a total of at least k, minus
that time. Checks: per question, one row per phone holding the value it was acknowledged for, none doubled,
none from anyone else; every phone joined once.

The baseline, in the same run: the Streamlit join page with 900 phones over 60 s, as it was at commit
``88b16f6`` (the last before the light page), from a ``git worktree`` of that commit with its own replicas and
its own PostgreSQL (its schema is older), driven by that commit's ``bench/live_load.py`` (``bench/streamlit_room.py``).

Targets (issue 23): N phones with 0 lost or doubled, the tally's p95 ≤ 1.0 s, and the replicas' CPU below what
the Streamlit phones need. Exits 1 when one is missed.

Run: .venv/bin/python bench/hall.py [--phones 2000] [--over 60] [--baseline-phones 900] [--no-baseline]
     [--projector chromium|listener] [--idle 10] [--logs DIR] [--json FILE]
Needs Debian's postgresql, nginx and chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from playwright.async_api import async_playwright

from explorer.live import DEFAULT_CAP, place_question, scene_question
from explorer.livestore import LiveStore
from explorer.loader import load_content

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lightroom import (  # noqa: E402
    Phone,
    Plan,
    ScreenListener,
    check,
    joined_count,
    machine_note,
    ms,
    percentiles,
    phone,
    raise_open_files,
    running_cluster,
)
from live_load import READ_TALLY, WATCH_TOTAL, cpu_snapshot, running_postgres, tally_lag  # noqa: E402
from server import ROOT, cpu_seconds, wait_quiet  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, FLAGS, LOCAL  # noqa: E402

BASELINE_COMMIT = "88b16f6"
TALLY_TARGET = 1.0  # seconds, p95
FIRST = (0.5, 2.0)  # think before answering the question open on arrival
SECOND = (2.0, 20.0)  # think before answering the question opened once everyone is in
# "No answer yet" has no digits: a total of 0 once the element is there
PROJECTOR_WATCH = WATCH_TOTAL.replace(
    "digits === '' ? -1 : parseInt(digits, 10)", "text === null ? -1 : digits === '' ? 0 : parseInt(digits, 10)"
)


@dataclass
class Stage:
    """One question's figures."""

    name: str
    checked: dict = field(default_factory=dict)
    tally: dict[str, float] = field(default_factory=dict)  # the projector (Chromium)
    never_shown: int = 0
    listener: dict[str, float] = field(default_factory=dict)  # told by /live/events and read
    push: dict[str, float] = field(default_factory=dict)  # the move's commit -> the phone's event
    pushed: int = 0
    shown: dict[str, float] = field(default_factory=dict)  # the phone's event -> its page reloaded, showing the question
    answer: dict[str, float] = field(default_factory=dict)  # POST -> 303
    refusals: dict[str, int] = field(default_factory=dict)
    wall: float = 0.0
    cpu: list[float] = field(default_factory=list)  # per replica, % of one core
    cpu_seconds: float = 0.0  # the replicas' together
    parts: dict[str, float] = field(default_factory=dict)


@dataclass
class LightRoom:
    phones: int
    over: float
    joined: int = 0
    join: dict[str, float] = field(default_factory=dict)
    first_view: dict[str, float] = field(default_factory=dict)  # bytes
    wire: dict[str, float] = field(default_factory=dict)  # bytes per phone over the whole run
    stages: list[Stage] = field(default_factory=list)
    idle_cpu: list[float] = field(default_factory=list)
    idle_parts: dict[str, float] = field(default_factory=dict)
    streams_refused: int = 0
    streams_broken: int = 0
    errors: list[str] = field(default_factory=list)
    projector_errors: list[str] = field(default_factory=list)
    projector_final: dict = field(default_factory=dict)
    projector_mismatch: list[str] = field(default_factory=list)
    machine: str = ""
    move_seconds: float = 0.0  # the presenter's move, until its commit returned
    last_answer: float = 0.0  # seconds from the first arrival to the last acknowledgement of the first question


class Usage:
    """CPU of the replicas and the machine's parts between two moments."""

    def __init__(self, replicas: list, postmaster: int | None):
        self.pids = [r.pid for r in replicas]
        self.postmaster = postmaster
        self.start = time.perf_counter()
        self.cpu = [cpu_seconds(p) for p in self.pids]
        self.parts = cpu_snapshot(self.pids, postmaster)

    def done(self) -> tuple[list[float], dict[str, float], float]:
        elapsed = time.perf_counter() - self.start
        cpu = [100 * (cpu_seconds(p) - c) / elapsed for p, c in zip(self.pids, self.cpu, strict=True)]
        parts = {k: 100 * (v - self.parts[k]) / elapsed for k, v in cpu_snapshot(self.pids, self.postmaster).items()}
        return cpu, parts, elapsed


async def open_projector(browser, base: str, code: str, screen: str):
    context = await browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
    await context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    await context.add_init_script(PROJECTOR_WATCH)
    page = await context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    await page.goto(f"{base}/live?{urlencode({'code': code, 'screen': screen})}", wait_until="commit")
    await page.wait_for_function("() => window.__hxTotals.some((t) => t[1] === 0)", timeout=60_000)
    return context, page, problems


async def warm_up(cluster, store: LiveStore, content, browser) -> None:
    """Each replica, by its own address: the projector's page in Chromium and a phone's join and answer, in a
    session of their own; then until it is idle (files compressed once per process, as after a first visitor)."""
    for replica in cluster.replicas:
        session, _ = store.start_session(time.time())
        question = store.add_question(scene_question(content, session))
        store.move(question.id, "open")
        if browser is not None:
            context, page, _ = await open_projector(browser, replica.base, session.code, store.signer().screen_key(session.code))
            with contextlib.suppress(Exception):
                await page.wait_for_load_state("networkidle", timeout=15_000)
            await context.close()
        plan = Plan(session.code, {question.id: (0.0, 0.1)}, time.time() + 30)
        stop = asyncio.Event()
        one = Phone(-1)
        task = asyncio.create_task(phone(one, replica.base, plan, stop))
        deadline = time.time() + 30
        while question.id not in one.acknowledged and not one.done and time.time() < deadline:
            await asyncio.sleep(0.1)
        stop.set()
        await task
        await asyncio.to_thread(wait_quiet, replica.pid)


async def wait_for(condition, timeout: float, step: float = 0.1) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if condition():
            return True
        await asyncio.sleep(step)
    return condition()


def refusal_counts(people: list[Phone], question: str) -> dict[str, int]:
    return dict(Counter(status for p in people for q, status, _ in p.refusals if q == question))


async def projector_totals(page) -> list[tuple[float, int]]:
    totals = await page.evaluate("window.__hxTotals")
    return [(t / 1000, total) for t, total, _ in totals if total >= 0]


async def light_room(args: argparse.Namespace, logs: Path) -> LightRoom:
    content = load_content()
    room = LightRoom(args.phones, args.over)
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS) if args.projector == "chromium" else None
        with running_postgres() as (url, postmaster), running_cluster(url, logs) as cluster:
            store = LiveStore(url)
            print(f"light room: nginx {cluster.base}, replicas {', '.join(r.base for r in cluster.replicas)}", flush=True)
            await warm_up(cluster, store, content, chromium)
            session, _ = store.start_session(time.time())
            if args.phones > DEFAULT_CAP:
                store.set_cap(session.code, args.phones)
            first = store.add_question(scene_question(content, session))
            second = store.add_question(place_question(content, session))
            store.move(first.id, "open")
            screen = store.signer().screen_key(session.code)
            page = None
            if chromium is not None:
                context, page, room.projector_errors = await open_projector(chromium, cluster.base, session.code, screen)
            listener = ScreenListener(cluster.base, session.code, screen, url)
            listener.question = first.id
            listener.start()

            plan = Plan(
                session.code, {first.id: FIRST}, time.time() + args.over + 120, ticket=store.signer().ticket(session.code)
            )  # the phones scan the QR code
            stop = asyncio.Event()
            people = [Phone(i) for i in range(args.phones)]
            span = max(0.0, args.over - FIRST[1] - 1.0)

            async def arrive(person: Phone) -> None:
                await asyncio.sleep(span * person.number / max(1, args.phones - 1))
                await phone(person, cluster.base, plan, stop)

            # --- 1. arrivals, each answering the open question. This one process stands for 2,000 phones: its
            # garbage collector is kept from pausing all of them at once (a full collection of their objects took
            # ~0.4 s, which every phone's clock would have counted)
            gc.collect()
            gc.freeze()
            gc.disable()
            usage = Usage(cluster.replicas, postmaster)
            started = time.perf_counter()
            tasks = [asyncio.create_task(arrive(person)) for person in people]
            await wait_for(lambda: all(first.id in p.acknowledged or p.done for p in people), args.over + 120, 0.2)
            stage = Stage(f"1. {args.phones} phones arrive and answer a scene pick")
            stage.wall = time.perf_counter() - started
            room.last_answer = max((p.acknowledged[first.id] for p in people if first.id in p.acknowledged), default=0.0) - (
                time.time() - stage.wall
            )
            await wait_for(
                lambda: (
                    bool(listener.shown(first.id))
                    and listener.shown(first.id)[-1][1] >= sum(first.id in p.acknowledged for p in people)
                ),
                20,
            )
            stage.cpu, stage.parts, elapsed = usage.done()
            stage.cpu_seconds = sum(stage.cpu) * elapsed / 100
            print(f"stage 1 done in {stage.wall:.0f} s: {sum(first.id in p.acknowledged for p in people)} answers", flush=True)
            await asyncio.sleep(2)  # the projector's last total
            shown_first = await projector_totals(page) if page is not None else []

            # --- 2. idle, every stream open
            await wait_for(lambda: all(p.ready or p.done for p in people), 10)
            usage = Usage(cluster.replicas, postmaster)
            await asyncio.sleep(args.idle)
            room.idle_cpu, room.idle_parts, _ = usage.done()

            # --- 3. the presenter opens a place vote: pushed to every phone
            plan.think[second.id] = SECOND
            plan.until = time.time() + SECOND[1] + 60
            usage = Usage(cluster.replicas, postmaster)
            listener.question = second.id
            started = time.perf_counter()
            opened = time.time()  # the presenter's press: the push is timed from here, the commit included
            store.move(second.id, "open")
            room.move_seconds = time.time() - opened
            await wait_for(lambda: all(second.id in p.acknowledged or p.done for p in people), SECOND[1] + 90, 0.2)
            late = time.perf_counter()
            await wait_for(
                lambda: (
                    bool(listener.shown(second.id))
                    and listener.shown(second.id)[-1][1] >= sum(second.id in p.acknowledged for p in people)
                ),
                20,
            )
            third = Stage(f"2. a place vote opened: {args.phones} phones told, reload and vote")
            third.wall = late - started
            third.cpu, third.parts, elapsed = usage.done()
            third.cpu_seconds = sum(third.cpu) * elapsed / 100
            await asyncio.sleep(2)
            shown_all = await projector_totals(page) if page is not None else []
            if page is not None:
                room.projector_final = await page.evaluate(READ_TALLY)
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            gc.enable()
            gc.unfreeze()
            await listener.close()
            if chromium is not None:
                await context.close()
            room.joined = joined_count(url, session.code)

            # --- figures
            for found, question, shown, since in ((stage, first, shown_first, 0.0), (third, second, shown_all, opened)):
                checked = check(url, question.id, people)
                found.checked = asdict(checked)
                found.checked.pop("answered_at")
                shown = [(t, n) for t, n in shown if t >= since]
                if shown:
                    lags, found.never_shown = tally_lag(checked.answered_at, shown)
                    found.tally = percentiles(lags)
                found.listener = percentiles(tally_lag(checked.answered_at, listener.shown(question.id))[0])
                found.answer = percentiles([p.answer_seconds[question.id] for p in people if question.id in p.answer_seconds])
                found.refusals = refusal_counts(people, question.id)
                room.stages.append(found)
            pushes = [p.pushed[second.id] - opened for p in people if second.id in p.pushed]
            third.push, third.pushed = percentiles(pushes), len(pushes)
            third.shown = percentiles(
                [p.shown[second.id] - p.pushed[second.id] for p in people if second.id in p.shown and second.id in p.pushed]
            )
            room.join = percentiles([p.join_seconds for p in people if p.join_seconds is not None])
            room.first_view = percentiles([float(p.first_view) for p in people if p.first_view])
            room.wire = percentiles([float(p.wire) for p in people if p.wire])
            room.streams_refused = sum(len(p.stream_refused) for p in people)
            room.streams_broken = sum(max(0, p.stream_broken - 1) for p in people)  # the last ends at stop
            room.errors = [f"phone {p.number}: {e}" for p in people for e in p.errors]
            room.machine = machine_note()
            if room.projector_final:
                kept = check(url, second.id, people)
                got = sum(n for _, n in room.projector_final.get("places", []))
                if got != kept.rows:
                    room.projector_mismatch.append(f"the projector's places add up to {got}, rows {kept.rows}")
            store.close()
        if chromium is not None:
            await chromium.close()
    return room


# --- the baseline: the Streamlit join page from a checkout of the commit before -----------------------------


def baseline(args: argparse.Namespace, logs: Path) -> dict | None:
    """The Streamlit join page's room (``bench/streamlit_room.py`` in a worktree of ``BASELINE_COMMIT``); its
    figures from that benchmark's JSON, or None when it did not finish."""
    checkout = Path(tempfile.mkdtemp(prefix="hx-baseline-"))
    out = logs / "baseline.json"
    try:
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(checkout), BASELINE_COMMIT],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        env = {**os.environ, "PYTHONPATH": str(checkout / "src")}
        subprocess.run(
            [sys.executable, "-c", "from explorer.i18n import compile_catalogs; compile_catalogs()"], cwd=checkout, env=env, check=True
        )
        command = [
            sys.executable,
            str(ROOT / "bench" / "streamlit_room.py"),
            "--participants",
            str(args.baseline_phones),
            "--over",
            str(args.over),
            "--quiet",
            "0",
            "--no-baseline",
            "--json",
            str(out),
            "--logs",
            str(logs / "baseline"),
        ]
        print(f"baseline: the Streamlit join page at {BASELINE_COMMIT}, {args.baseline_phones} phones", flush=True)
        done = subprocess.run(command, cwd=checkout, env=env, timeout=900, capture_output=True, text=True)
        (logs / "baseline.out").write_text(done.stdout + done.stderr)
        if not out.exists():
            print(done.stdout[-3000:] + done.stderr[-3000:])
            return None
        rooms = json.loads(out.read_text())
        found = rooms[-1]
        found["stdout"] = done.stdout
        return found
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(checkout)],
            cwd=ROOT,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


# --- the report ----------------------------------------------------------------------------------------------


def others(parts: dict[str, float], replicas: float) -> float:
    """The machine's busy share not used by this benchmark's processes: the other tenants' noise."""
    ours = replicas + sum(parts.get(k, 0) for k in ("PostgreSQL", "nginx", "client", "browser"))
    return parts.get("machine busy", 0) - ours


def percent(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values) + f" (sum {sum(values):.0f})" if values else "–"


def report(room: LightRoom, base: dict | None) -> list[tuple[str, bool]]:
    print()
    print(f"LIGHT PAGE: {room.phones} phones, two replicas + PostgreSQL behind nginx ({room.machine} at the end)")
    print(f"  joined (live_participants): {room.joined}; join (GET page) p50/p95/max {ms(room.join)}")
    kb = {k: v / 1024 for k, v in room.first_view.items() if k != "n"}
    print(f"  first view (page + its files, cold cache, on the wire): p50 {kb.get('p50', 0):.1f} KB, max {kb.get('max', 0):.1f} KB")
    kb = {k: v / 1024 for k, v in room.wire.items() if k != "n"}
    print(
        f"  bytes per phone over the whole run (two questions, stream, reloads): p50 {kb.get('p50', 0):.1f} KB, "
        f"p95 {kb.get('p95', 0):.1f} KB"
    )
    print(f"  streams refused {room.streams_refused}, broken {room.streams_broken}; phone errors {len(room.errors)}")
    for line in room.errors[:8]:
        print("   ", line)
    for stage in room.stages:
        c = stage.checked
        print(f"  {stage.name} ({stage.wall:.0f} s)")
        print(
            f"    acknowledged {c['acknowledged']} of {c['phones']}, rows {c['rows']}; lost {c['lost']}, wrong "
            f"{c['wrong']}, doubled {c['doubled']}, from nobody {c['strangers']}, never acknowledged "
            f"{c['unanswered']}; refusals {stage.refusals or 0}"
        )
        for line in c["lines"][:5]:
            print("     ", line)
        print(
            f"    tally lag, projector in Chromium p50/p95/max: {ms(stage.tally)}"
            + (f", {stage.never_shown} never shown" if stage.never_shown else "")
        )
        print(f"    tally lag, /live/events heard and the rows read: {ms(stage.listener)}")
        if stage.push:
            print(
                f"    push, the presenter's move -> the phone's event: {ms(stage.push)}; {stage.pushed} phones told; "
                f"the move itself (until committed) {room.move_seconds * 1000:.0f} ms"
            )
            print(f"    the phone's event -> its page loaded again, showing the question: {ms(stage.shown)}")
        print(f"    answer, POST -> 303: {ms(stage.answer)}")
        print(
            f"    replicas' CPU (% of a core): {percent(stage.cpu)}, {stage.cpu_seconds:.1f} s in all, "
            f"{1000 * stage.cpu_seconds / max(1, c['phones']):.0f} ms a phone; PostgreSQL {stage.parts.get('PostgreSQL', 0):.0f}, "
            f"nginx {stage.parts.get('nginx', 0):.0f}, this client {stage.parts.get('client', 0):.0f}, Chromium "
            f"{stage.parts.get('browser', 0):.0f}; machine busy {stage.parts.get('machine busy', 0):.0f} (others "
            f"{others(stage.parts, sum(stage.cpu)):.0f}), stolen {stage.parts.get('stolen', 0):.0f}"
        )
    print(
        f"  idle, every stream open: replicas' CPU {percent(room.idle_cpu)}; machine busy "
        f"{room.idle_parts.get('machine busy', 0):.0f}% of a core"
    )
    for line in room.projector_errors[:5] + room.projector_mismatch:
        print("  projector:", line)

    checks = []
    first = room.stages[0]
    c = first.checked
    tally = first.tally or first.listener
    checks.append(
        (
            f"{room.phones} phones joined and answered within {room.over:.0f} s (the last answer "
            f"acknowledged {room.last_answer:.1f} s after the first arrival)",
            room.joined == room.phones and c["acknowledged"] == room.phones and room.last_answer <= room.over,
        )
    )
    checks.append(
        (
            f"first view ≤ 100 KB on the wire (max {room.first_view.get('max', 0) / 1024:.1f} KB)",
            0 < room.first_view.get("max", 0) <= 100 * 1024,
        )
    )
    for stage in room.stages:
        s = stage.checked
        checks.append(
            (
                f"{stage.name[:2]} 0 lost or doubled, no row from anyone else",
                s["lost"] == 0 and s["doubled"] == 0 and s["strangers"] == 0,
            )
        )
    checks.append(
        (
            f"tally p95 ≤ {TALLY_TARGET:.1f} s ({'Chromium' if first.tally else 'listener'})",
            bool(tally) and tally["p95"] <= TALLY_TARGET and first.never_shown == 0,
        )
    )
    if base is not None:
        print()
        print(
            f"STREAMLIT JOIN PAGE ({BASELINE_COMMIT}): {base['participants']} phones over {base['over']:.0f} s, two "
            "replicas + PostgreSQL behind nginx"
        )
        print(
            f"  acknowledged {base['acknowledged']}, rows {base['rows']}; lost {base['lost']}, doubled "
            f"{base['doubled']}, strangers {base['strangers']}; errors {len(base['errors'])}"
        )
        print(f"  tally lag p50/p95/max: {ms(base['tally'])}; phones' polls {base['polls']}")
        print(
            f"  replicas' CPU (% of a core): {percent(base['cpu_percent'])}; PostgreSQL "
            f"{base['cpu'].get('PostgreSQL', 0):.0f}, nginx {base['cpu'].get('nginx', 0):.0f}, its client "
            f"{base['cpu'].get('client', 0):.0f}, Chromium {base['cpu'].get('browser', 0):.0f}; machine busy "
            f"{base['cpu'].get('machine busy', 0):.0f} (others {others(base['cpu'], sum(base['cpu_percent'])):.0f}), "
            f"stolen {base['cpu'].get('stolen', 0):.0f}"
        )
        print(
            f"  joins p50/p95 {ms(base['join'])}; answers p50/p95 {ms(base['answer'])}; projector's request -> run "
            f"done {ms(base['projector_run'])}"
        )
        if base.get("bytes_per_phone"):
            print(f"  bytes per phone (its websocket and page, without the static files): {base['bytes_per_phone'] / 1024:.1f} KB")
        light_cpu = sum(first.cpu)
        checks.append(
            (
                f"replicas' CPU with {room.phones} light phones ({light_cpu:.0f}%) below {base['participants']} "
                f"Streamlit phones' ({sum(base['cpu_percent']):.0f}%)",
                light_cpu < sum(base["cpu_percent"]),
            )
        )
    print()
    for label, ok in checks:
        print(f"{'met' if ok else 'MISSED'}: {label}")
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=2000)
    parser.add_argument("--over", type=float, default=60.0, help="seconds within which the phones arrive and answer")
    parser.add_argument("--baseline-phones", type=int, default=900)
    parser.add_argument("--no-baseline", dest="baseline", action="store_false")
    parser.add_argument(
        "--projector",
        choices=("chromium", "listener"),
        default="chromium",
        help="the projector: a real Chromium on the screen link, or only the /live/events listener",
    )
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of an idle room with every stream open")
    parser.add_argument("--logs", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    raise_open_files()
    with contextlib.ExitStack() as stack:
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            logs = args.logs
        else:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hx-hall-")))
        print(
            f"{machine_note()}; {args.phones} light phones over {args.over:.0f} s"
            + (f", then {args.baseline_phones} Streamlit phones" if args.baseline else ""),
            flush=True,
        )
        room = asyncio.run(light_room(args, logs))
        base = baseline(args, logs) if args.baseline else None
        if args.baseline and base is None:
            print("the baseline did not finish: see its output above")
        checks = report(room, base)
        if args.json:
            args.json.write_text(
                json.dumps(
                    {"light": asdict(room), "baseline": {k: v for k, v in (base or {}).items() if k not in ("timeline",)}},
                    indent=1,
                    default=str,
                )
            )
    return 0 if all(ok for _, ok in checks) and (base is not None or not args.baseline) else 1


if __name__ == "__main__":
    sys.exit(main())
