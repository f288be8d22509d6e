"""Live sessions under load: a room of phones answers while the projector shows the tally.

N participants (300) join a live session and answer its open question within a number of seconds (30), through
two ``serve.py`` replicas behind nginx (``deploy/nginx.conf``, sticky sessions, as ``bench/cluster.py`` runs
them) that share a throwaway PostgreSQL on 127.0.0.1. The projector is a real headless Chromium on the
presenter's link (``/live?code=…&key=…&q=…``) through nginx; its results fragment reruns every second.

- The session and its question (a scene pick by default, ``--kind place`` for a place vote) are made with
  ``LiveStore`` in this process, in the same database, and opened.
- Each participant is a websocket tab (``bench/stclient.py``): it GETs ``/join?code=CODE`` (nginx hands out
  the sticky cookie and says which replica answered), opens the page's websocket, keeps the token the page
  writes in the address (``me=``), runs the page's ``watch`` fragment on its timer (``PARTICIPANT_POLL``) as a phone's timer
  does, and after a short pause sets a random answer through the page's own widget (the radio
  ``choice-<question id>``, or the selectbox ``vote-<question id>``); the answer counts as acknowledged when
  that run finishes with the page's "Answer sent" note.
- The projector page records in the page itself (a MutationObserver, and a look every 100 ms) when the shown
  total (``.hx-live-total``, "N answers") changes, with the page's clock (the machine's: every process here
  runs on it); and its websocket's frames, for the cadence of its fragment's requests and how long each waits
  for a finished run.
- A thread counts the question's rows every 50 ms on a connection of its own, so the lag splits into "taken →
  readable in the database" and "readable → on the projector".

Checks: one row in ``live_answers`` per participant, holding the value that participant sent (tokens mapped
through the address), no participant with two rows, no row from anyone else, the projector's final bars equal
to the counts sent; and the tally's lag: for the k-th answer stored, the time the projector first showed a
total of at least k, minus the time that answer was stored (the row's ``answered_at``, written by the replica
when it took the answer; the participant's acknowledgement comes a little later, and is reported too).

Baselines in the same run, because the machine is shared and noisy: a quiet room first (10 participants over
10 s, same cluster), and afterwards the same N participants on one replica with its default SQLite store and
no nginx. The CPU used by each part (replicas, PostgreSQL, nginx, this client, the browser) and by the whole
machine (/proc/stat: other tenants' work included) is printed with them.

Targets (issue 17): N participants in the given seconds with 0 lost or doubled answers, and the projector's
tally current within 2 s at p95. Exits 1 when one is missed.

Run: .venv/bin/python bench/live_load.py [--participants 300] [--over 30] [--kind scene|place|classroom]
     [--quiet 10] [--no-baseline] [--no-phone-poll] [--logs DIR] [--json FILE]
Needs Debian's postgresql, nginx and chromium. ``EXPLORER_TEST_DATABASE_URL``, when set, names a PostgreSQL
to use instead of starting one.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import itertools
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from playwright.async_api import async_playwright
from sqlalchemy import create_engine, func, select, text
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from explorer.live import LiveQuestion, LiveSession, classroom_question, place_question, scene_question
from explorer.livefragments import choice_label
from explorer.livestore import LiveStore, sqlite_url
from explorer.livestore import answers as answers_table
from explorer.loader import load_content
from explorer.model import Content
from explorer.typography import typeset

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import running_nginx  # noqa: E402
from server import ROOT, cpu_seconds, free_port, running_server, wait_quiet  # noqa: E402
from stclient import FINISHED, Tab  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, FLAGS, LOCAL  # noqa: E402

TALLY_TARGET = 2.0  # seconds, p95
ACKNOWLEDGED = "Answer sent"  # the start of the join page's note once an answer is stored
THINK = (0.5, 2.0)  # seconds between a participant's page showing the question and their answer
SERVER_ENV = {"EXPLORER_TILES": "offline"}
CLASSROOM_CHOICES = ("Yes", "No", "Not sure", "It depends")
PROBE = re.compile(r"/live/_stcore/(health|host-config)$")

# Runs in the projector's page before its own scripts: every change of the shown total, with the page's clock.
WATCH_TOTAL = """
(() => {
  window.__hxTotals = [];
  window.__hxLooks = 0;
  let last = null;
  const look = () => {
    window.__hxLooks += 1;
    const el = document.querySelector('.hx-live-total');
    const text = el ? el.textContent : null;
    if (text === last) return;
    last = text;
    const digits = (text || '').replace(/[^0-9]/g, '');
    window.__hxTotals.push([Date.now(), digits === '' ? -1 : parseInt(digits, 10), text]);
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true, characterData: true});
  setInterval(look, 100);
  // the page's websocket frames (small ones whole, in base64: requests and script_finished), for the fragment's
  // cadence and run time as the page sees them
  window.__hxFrames = [];
  const keep = (direction, data) => {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (!bytes) return;
    let text = '';
    if (bytes.length <= 4096) for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    window.__hxFrames.push([Date.now(), direction, text ? btoa(text) : '']);
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => keep('in', event.data));
    }
    send(data) {
      keep('out', data);
      super.send(data);
    }
  };
})();
"""
# The projector's final tally: per bar (scene picks, classroom choices) or per listed place (place votes).
READ_TALLY = """
() => {
  const bars = [...document.querySelectorAll('.hx-bars li')].map((li) => [
    li.querySelector('.hx-bar-label').textContent, parseInt(li.querySelector('.hx-bar-count').textContent, 10)]);
  const places = [...document.querySelectorAll('.hx-votes figcaption li')].filter((li) => li.querySelector('strong'))
    .map((li) => [li.textContent.replace(/:[^:]*$/, ''), parseInt(li.querySelector('strong').textContent, 10)]);
  const errors = [...document.querySelectorAll('[data-testid=stException], [data-testid=stAlertContentError]')]
    .map((el) => el.textContent.slice(0, 300));
  return {bars, places, errors};
}
"""


# --- where the machine's time went -----------------------------------------------------------------------------


def _stat(pid: int) -> tuple[str, int, float] | None:
    """A process's name, parent and CPU seconds (user + system), from /proc; None once it has gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text.rsplit(")", 1)[1].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(replicas: list[int], postmaster: int | None) -> dict[str, float]:
    """CPU seconds used so far by this client, the replicas, PostgreSQL, the browser (Chromium and Playwright's
    driver) and nginx; and the machine's busy and stolen seconds over both cores (/proc/stat)."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := _stat(int(entry.name))) is not None:
            processes[int(entry.name)] = found
    children: dict[int, list[int]] = {}
    for pid, (_, parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)

    def tree(root: int | None) -> set[int]:
        found, todo = set(), [root] if root in processes else []
        while todo:
            pid = todo.pop()
            found.add(pid)
            todo += children.get(pid, [])
        return found

    mine = tree(os.getpid()) - {os.getpid()} - tree(postmaster) - set().union(*(tree(r) for r in replicas))
    groups = {
        "client": time.process_time(),
        "replicas": sum(processes[p][2] for r in replicas for p in tree(r)),
        "PostgreSQL": sum(processes[p][2] for p in tree(postmaster)),
        "browser": sum(processes[p][2] for p in mine if processes[p][0] not in ("nginx",)),
        "nginx": sum(processes[p][2] for p in mine if processes[p][0] == "nginx"),
    }
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = ticks[:8]
    groups["machine busy"] = (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")
    groups["stolen"] = steal / os.sysconf("SC_CLK_TCK")
    return groups


# --- the pieces: PostgreSQL, the replicas, nginx ---------------------------------------------------------------


@contextlib.contextmanager
def running_postgres() -> Iterator[tuple[str, int | None]]:
    """A throwaway PostgreSQL on 127.0.0.1 (as scripts/_postgres.sh makes one), or $EXPLORER_TEST_DATABASE_URL;
    yields its URL and its main process's id (None for a database given)."""
    given = os.environ.get("EXPLORER_TEST_DATABASE_URL", "").strip()
    if given:
        yield given, None
        return
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        raise SystemExit("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    binaries = found[-1]
    folder = Path(tempfile.mkdtemp(prefix="hx-live-pg-"))
    run: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to the postgres user
        shutil.chown(folder, "postgres")
        run = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    quiet = {"cwd": folder, "stdout": subprocess.DEVNULL, "check": True}
    stop = [*run, str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "stop"]
    try:
        subprocess.run(
            [*run, str(binaries / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8"], **quiet
        )
        subprocess.run(
            [
                *run,
                str(binaries / "pg_ctl"),
                "-D",
                str(folder / "data"),
                "-o",
                f"-k {folder} -p {port} -h 127.0.0.1",
                "-l",
                str(folder / "log"),
                "-w",
                "start",
            ],
            **quiet,
        )
        postmaster = int((folder / "data" / "postmaster.pid").read_text().split()[0])
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", postmaster
    finally:
        subprocess.run(stop, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def running_replicas(database_url: str, logs: Path):
    """Two replicas sharing one cookie secret and the database, nginx in front (bench/cluster.py's setup);
    yields (nginx URL, the two servers)."""
    env = {**SERVER_ENV, "EXPLORER_DATABASE_URL": database_url, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    ports = [free_port(), free_port()]
    with (
        running_server("serve.py", port=ports[0], env=env, log=logs / "replica-1.log") as one,
        running_server("serve.py", port=ports[1], env=env, log=logs / "replica-2.log") as two,
        running_nginx(free_port(), ports) as base,
    ):
        yield base, [one, two]


# --- one room ----------------------------------------------------------------------------------------------------


@dataclass
class Participant:
    number: int
    replica: str = ""  # who answered the page's GET (nginx's X-Hx-Replica)
    token: str = ""
    sent: str | None = None  # the value (a scene's or place's id, or a choice) the answer stands for
    acknowledged: float | None = None  # wall clock when the run that stored it finished with the page's note
    join_seconds: float | None = None
    answer_seconds: float | None = None
    polls: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    done: bool = False


@dataclass
class Room:
    name: str
    participants: int
    over: float
    kind: str
    wall: float = 0.0
    joined: int = 0
    acknowledged: int = 0
    rows: int = 0
    lost: int = 0  # participants whose sent answer is not in the database as sent (acknowledged or not)
    wrong: int = 0  # ... of them, those with a row holding another value
    doubled: int = 0  # participants with more than one row
    strangers: int = 0  # rows from no participant of this run
    projector_mismatch: list[str] = field(default_factory=list)
    projector_final: int | None = None
    errors: list[str] = field(default_factory=list)
    tally: dict[str, float] = field(default_factory=dict)  # from the row's answered_at
    tally_ack: dict[str, float] = field(default_factory=dict)  # from the participant's acknowledgement
    to_database: dict[str, float] = field(default_factory=dict)  # answered_at -> a reader sees the k-th row
    database_to_projector: dict[str, float] = field(default_factory=dict)  # a reader sees it -> the projector shows it
    connections: int = 0  # the most client connections PostgreSQL had at once
    timeline: dict[str, list] = field(default_factory=dict)  # raw times (seconds since the epoch), for --json
    never_shown: int = 0
    join: dict[str, float] = field(default_factory=dict)
    answer: dict[str, float] = field(default_factory=dict)
    poll: dict[str, float] = field(default_factory=dict)
    polls: int = 0
    spread: dict[str, int] = field(default_factory=dict)  # participants per replica
    cpu_percent: list[float] = field(default_factory=list)  # per replica, % of one core
    cpu: dict[str, float] = field(default_factory=dict)  # per part (cpu_snapshot), % of one core
    projector_interval: dict[str, float] = field(default_factory=dict)  # between two fragment requests
    projector_run: dict[str, float] = field(default_factory=dict)  # from a fragment request to its script_finished
    load: tuple[float, float] = (0.0, 0.0)

    @property
    def lost_or_doubled(self) -> int:
        return self.lost + self.doubled + self.strangers


def stats(values: list[float]) -> dict[str, float]:
    """p50, p95, max (seconds) and n; empty when there are no values."""
    if not values:
        return {}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1], "n": len(ordered)}


def make_question(content: Content, session: LiveSession, kind: str) -> LiveQuestion:
    if kind == "place":
        return place_question(content, session)
    if kind == "classroom":
        ask = next(q for q in content.questions if "14-18" in q.ages)
        return classroom_question(content, session, ask.id, "14-18", CLASSROOM_CHOICES)
    return scene_question(content, session)


def first_get(base: str, query: str) -> tuple[str, str]:
    """GET the page as a phone's browser does first, then one more request with the cookies it set (as the
    browser's next requests have them): the cookies as a header, and the replica that answered that second
    request, which the page's websocket reaches too (behind nginx; "" without it). The page's first request
    has no cookie yet, so nginx places it by address: all of them on one replica here, all from 127.0.0.1."""
    with urllib.request.urlopen(f"{base}/join?{query}", timeout=30) as response:
        response.read()
        cookies = "; ".join(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or [])
    request = urllib.request.Request(f"{base}/_stcore/health", headers={"Cookie": cookies} if cookies else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return cookies, response.headers.get("X-Hx-Replica", "")


async def poll(tab: Tab, lock: asyncio.Lock, stop: asyncio.Event, person: Participant) -> None:
    """The page's ``run_every`` fragment, rerun on its timer as a phone's browser does: Streamlit's frontend
    asks every ``interval`` seconds (``setInterval``) whether or not the last run has finished, and the server
    folds the requests that arrive during a run into one that runs next. So: at each tick, or at once after a
    run during which a tick fell (the page's other runs, its answer, count too)."""
    if not tab.auto_reruns:
        return
    fragment_id, interval = next(iter(tab.auto_reruns.items()))
    origin, tick, pending = time.perf_counter(), 1, False
    while not stop.is_set():
        if not pending:
            await asyncio.sleep(max(0.0, origin + tick * interval - time.perf_counter()))
        async with lock:
            if stop.is_set():
                return
            start = time.perf_counter()
            run = await tab.auto_rerun(fragment_id)
            end = time.perf_counter()
        person.polls.append(run.seconds)
        person.errors += [f"poll: {e}" for e in run.errors]
        last = int((end - origin) // interval)  # the latest tick so far
        pending = origin + last * interval > start
        tick = last + 1


async def participant(
    person: Participant, base: str, code: str, question: LiveQuestion, delay: float, stop: asyncio.Event, phone_poll: bool = True
) -> None:
    rng = random.Random(person.number)
    await asyncio.sleep(delay)
    query = urlencode({"code": code})
    tab = None
    poller = None
    try:
        cookie, person.replica = await asyncio.to_thread(first_get, base, query)
        tab, run = await Tab.open(base, query, page="join", cookie=cookie)
        person.join_seconds = run.seconds
        person.errors += [f"join: {e}" for e in run.errors]
        person.token = parse_qs(tab.query_string).get("me", [""])[0]
        if not person.token:
            person.errors.append(f"join: no participant token in the address {tab.query_string!r}")
        lock = asyncio.Lock()
        poller = asyncio.create_task(poll(tab, lock, stop, person)) if phone_poll else None
        await asyncio.sleep(rng.uniform(*THINK))
        key = f"vote-{question.id}" if question.kind == "place" else f"choice-{question.id}"
        async with lock:
            widget = tab.widget(key)
            if len(widget.options) != len(question.choices):
                raise RuntimeError(f"{key} offers {len(widget.options)} options, the question {len(question.choices)}")
            index = rng.randrange(len(question.choices))
            person.sent = question.choices[index]
            seen = len(tab.alerts)
            run = await tab.select(key, index)
            finished = time.time()
        person.answer_seconds = run.seconds
        person.errors += [f"answer: {e}" for e in run.errors]
        notes = tab.alerts[seen:]
        if run.status in FINISHED and any(k == "success" and text.startswith(ACKNOWLEDGED) for k, text in notes):
            person.acknowledged = finished
        else:
            person.errors.append(f"answer: no acknowledgement (status {run.status}, notes {notes})")
    except Exception as exc:  # refused, timed out, the widget missing
        person.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        person.done = True
    try:
        await stop.wait()
    finally:
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await poller
        if tab is not None:
            await tab.close()


async def open_projector(browser, base: str, session: LiveSession, secret: str, question: LiveQuestion):
    context = await browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
    await context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    await context.add_init_script(WATCH_TOTAL)
    page = await context.new_page()
    console: list[str] = []
    # Streamlit's frontend first looks for its server under the page's path (/live/_stcore/health, then
    # /live/_stcore/host-config), gets 404 and falls back to the root: not counted. Other failed requests are,
    # by their responses ("Failed to load resource" in the console says the same again).
    page.on(
        "console", lambda m: console.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None
    )
    page.on(
        "response",
        lambda r: (
            console.append(f"{r.status} for {r.url}") if r.status >= 400 and not (r.status == 404 and PROBE.search(r.url)) else None
        ),
    )
    page.on("pageerror", lambda e: console.append(str(e)))
    url = f"{base}/live?{urlencode({'code': session.code, 'key': secret, 'q': question.id})}"
    await page.goto(url, wait_until="commit")
    await page.wait_for_function("() => window.__hxTotals.some((t) => t[1] === 0)", timeout=60_000)
    return context, page, console


def decode_frames(frames: list) -> list[tuple[float, str, str]]:
    """The page's websocket frames as (seconds, "out" or "in", what): a request's kind ("rerun_script" with
    ":fragment" when it runs a fragment), a message's kind ("script_finished:3" with its status), or "large"."""
    decoded = []
    for at, direction, data in frames:
        what = "large"
        if data:
            message = BackMsg() if direction == "out" else ForwardMsg()
            with contextlib.suppress(Exception):
                message.ParseFromString(base64.b64decode(data))
            what = message.WhichOneof("type") or "?"
            if what == "rerun_script" and message.rerun_script.fragment_id:
                what += ":fragment"
            elif what == "script_finished":
                what += f":{message.script_finished}"
            elif what == "delta":
                what += ":" + (message.delta.WhichOneof("type") or "")
        decoded.append((at / 1000, direction, what))
    return decoded


def projector_runs(frames: list[tuple[float, str, str]], since: float, until: float) -> tuple[list[float], list[float]]:
    """The projector's results fragment between two times: seconds between two of its rerun requests, and from
    each request to the end of the next run that finished (requests sent while a run has not started are
    folded into one by the server, so a request may wait for more than one interval)."""
    starts, durations, waiting = [], [], []
    for at, _, what in frames:
        if not since <= at <= until:
            continue
        if what == "rerun_script:fragment":
            starts.append(at)
            waiting.append(at)
        elif what.startswith("script_finished:") and int(what.split(":")[1]) in FINISHED:
            durations += [at - sent for sent in waiting]
            waiting = []
    return [b - a for a, b in itertools.pairwise(starts)], durations


class DatabaseWatch(threading.Thread):
    """Counts the question's rows every 50 ms on a connection of its own (no lock taken on SQLite's WAL), to tell
    when each answer became visible to a reader; and the most connections PostgreSQL had open at once."""

    def __init__(self, url: str, question_id: str):
        super().__init__(daemon=True)
        self.engine = create_engine(url)
        self.question_id = question_id
        self.seen: list[tuple[float, int]] = []
        self.connections = 0
        self.halt = threading.Event()

    def run(self) -> None:
        count = select(func.count()).select_from(answers_table).where(answers_table.c.question == self.question_id)
        postgres = self.engine.dialect.name == "postgresql"
        activity = text("select count(*) from pg_stat_activity where backend_type = 'client backend'")
        looks = 0
        with self.engine.connect() as connection:
            while not self.halt.is_set():
                found = connection.execute(count).scalar_one()
                now = time.time()
                if not self.seen or found != self.seen[-1][1]:
                    self.seen.append((now, found))
                if postgres and looks % 10 == 0:
                    self.connections = max(self.connections, connection.execute(activity).scalar_one())
                connection.rollback()  # a fresh snapshot for the next look
                looks += 1
                self.halt.wait(0.05)
        self.engine.dispose()


def tally_lag(stored: list[float], shown: list[tuple[float, int]]) -> tuple[list[float], int]:
    """For the k-th answer stored (times sorted), the time the projector first showed a total ≥ k minus its
    time; and how many were never shown."""
    lags, never = [], 0
    for k, at in enumerate(sorted(stored), start=1):
        when = next((t for t, total in shown if total >= k), None)
        if when is None:
            never += 1
        else:
            lags.append(when - at)
    return lags, never


def normal(text: str) -> str:
    return " ".join(text.split())


async def run_room(
    name: str,
    base: str,
    store: LiveStore,
    browser,
    content: Content,
    participants: int,
    over: float,
    kind: str,
    servers: list,
    postmaster: int | None = None,
    phone_poll: bool = True,
) -> Room:
    room = Room(name, participants, over, kind)
    session, secret = store.start_session(time.time())
    question = make_question(content, session, kind)
    store.add_question(question)
    store.move(question.id, "open")
    context, page, console = await open_projector(browser, base, session, secret, question)
    watch = DatabaseWatch(store.url, question.id)
    watch.start()
    cpu = [cpu_seconds(s.pid) for s in servers]
    usage = cpu_snapshot([s.pid for s in servers], postmaster)
    window_start = time.time()
    load_start = os.getloadavg()[0]
    stop = asyncio.Event()
    people = [Participant(i) for i in range(participants)]
    span = max(0.0, over - THINK[1])  # arrivals spread so that the last answer falls within ``over`` seconds
    started = time.perf_counter()
    tasks = [
        asyncio.create_task(
            participant(
                p,
                base,
                session.code,
                question,
                span * p.number / max(1, participants - 1) if participants > 1 else 0.0,
                stop,
                phone_poll,
            )
        )
        for p in people
    ]
    while not all(p.done for p in people) and time.perf_counter() - started < over + 120:
        await asyncio.sleep(0.1)
    room.wall = time.perf_counter() - started
    acknowledged = [p for p in people if p.acknowledged is not None]
    # the projector catches up: until it shows every acknowledged answer, or 20 s
    deadline = time.perf_counter() + 20
    while time.perf_counter() < deadline:
        totals = await page.evaluate("window.__hxTotals")
        if totals and totals[-1][1] >= len(acknowledged):
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.5)  # one more projector poll, to see a total that would overshoot
    used = [cpu_seconds(s.pid) - c for s, c in zip(servers, cpu, strict=True)]
    elapsed = time.perf_counter() - started
    room.cpu_percent = [100 * u / elapsed for u in used]
    room.cpu = {k: 100 * (v - usage[k]) / elapsed for k, v in cpu_snapshot([s.pid for s in servers], postmaster).items()}
    window_end = time.time()
    room.load = (load_start, os.getloadavg()[0])
    totals = await page.evaluate("window.__hxTotals")
    final = await page.evaluate(READ_TALLY)
    frames = decode_frames(await page.evaluate("window.__hxFrames"))
    intervals, runs = projector_runs(frames, window_start, window_end)
    room.projector_interval, room.projector_run = stats(intervals), stats(runs)
    stop.set()
    watch.halt.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.to_thread(watch.join)
    room.connections = watch.connections
    await context.close()

    # --- checks against the database
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(answers_table.c.participant, answers_table.c.value, answers_table.c.answered_at).where(
                answers_table.c.question == question.id
            )
        ).all()
    room.rows = len(rows)
    room.joined = store.joined(session.code)
    room.acknowledged = len(acknowledged)
    per_token = Counter(r.participant for r in rows)
    room.doubled = sum(1 for n in per_token.values() if n > 1)
    values = {r.participant: r.value for r in rows}
    tokens = {p.token for p in people if p.token}
    room.strangers = sum(1 for token in per_token if token not in tokens)
    for person in people:
        if person.sent is None:
            continue
        if values.get(person.token) != person.sent:
            room.lost += 1
            if person.token in values:
                room.wrong += 1
                person.errors.append(f"stored {values[person.token]!r}, sent {person.sent!r}")
            elif person.acknowledged is not None:
                person.errors.append("acknowledged, but no row in live_answers")
    room.errors = [f"participant {p.number}: {e}" for p in people for e in p.errors]
    room.errors += [f"projector: {e}" for e in final["errors"] + console]
    room.spread = dict(Counter(p.replica for p in people if p.replica))

    # --- the projector
    shown = [(t / 1000, total) for t, total, _ in totals if total >= 0]
    room.projector_final = shown[-1][1] if shown else None
    sent = Counter(p.sent for p in people if p.sent is not None)
    if kind == "place":
        expected = {normal(typeset(choice_label(content, question, v, "en"), "en")): n for v, n in sent.items()}
        got = {normal(label): n for label, n in final["places"]}
    else:
        expected = {i: sent.get(v, 0) for i, v in enumerate(question.choices)}
        got = {i: n for i, (_, n) in enumerate(final["bars"])}
    if expected != got:
        differ = sorted(k for k in set(expected) | set(got) if expected.get(k, 0) != got.get(k, 0))
        room.projector_mismatch = [f"{k}: sent {expected.get(k, 0)}, shown {got.get(k, 0)}" for k in differ]
    if room.projector_final != room.rows:
        room.projector_mismatch.append(f"final total shown {room.projector_final}, rows {room.rows}")
    lags, room.never_shown = tally_lag([r.answered_at for r in rows], shown)
    room.tally = stats(lags)
    room.tally_ack = stats(tally_lag([p.acknowledged for p in acknowledged], shown)[0])
    room.to_database = stats(tally_lag([r.answered_at for r in rows], watch.seen)[0])
    visible = [next(t for t, n in watch.seen if n >= k) for k in range(1, (watch.seen[-1][1] if watch.seen else 0) + 1)]
    room.database_to_projector = stats(tally_lag(visible, shown)[0])
    room.timeline = {
        "answered_at": sorted(r.answered_at for r in rows),
        "readable": watch.seen,
        "shown": shown,
        "acknowledged": sorted(p.acknowledged for p in acknowledged),
        "projector_frames": frames,
    }
    room.join = stats([p.join_seconds for p in people if p.join_seconds is not None])
    room.answer = stats([p.answer_seconds for p in people if p.answer_seconds is not None])
    every_poll = [s for p in people for s in p.polls]
    room.poll = stats(every_poll)
    room.polls = len(every_poll)
    return room


async def warm_up(server, store: LiveStore, browser, content: Content, kind: str) -> None:
    """The presenter's page in Chromium and one join and answer, on one replica (by its own address), in a
    session of their own; then until the replica is idle. The measured room then finds servers that have loaded
    the content, rendered both pages and compressed the files a browser fetches (once per process) as after
    any first visitor, and a projector that lands on either replica costs the same."""
    session, secret = store.start_session(time.time())
    question = make_question(content, session, kind)
    store.add_question(question)
    store.move(question.id, "open")
    context, page, _ = await open_projector(browser, server.base, session, secret, question)
    with contextlib.suppress(Exception):  # the fonts and chunks a browser asks for once the page has drawn
        await page.wait_for_load_state("networkidle", timeout=15_000)
    await asyncio.sleep(3)
    await context.close()
    key = f"vote-{question.id}" if kind == "place" else f"choice-{question.id}"
    tab, _ = await Tab.open(server.base, urlencode({"code": session.code}), page="join")
    await tab.select(key, 0)
    await tab.close()
    await asyncio.to_thread(wait_quiet, server.pid)


# --- the report ----------------------------------------------------------------------------------------------


def ms(values: dict[str, float], key: str) -> str:
    return f"{values[key] * 1000:.0f}" if key in values else "–"


def table(rooms: list[Room]) -> str:
    head = ["", *[r.name for r in rooms]]
    lines = [
        ("participants / over", [f"{r.participants} / {r.over:.0f} s" for r in rooms]),
        ("joined (live_participants)", [str(r.joined) for r in rooms]),
        ("answers acknowledged", [str(r.acknowledged) for r in rooms]),
        ("rows in live_answers", [str(r.rows) for r in rooms]),
        ("lost / wrong value / doubled / strangers", [f"{r.lost} / {r.wrong} / {r.doubled} / {r.strangers}" for r in rooms]),
        (
            "projector's final total; bars as sent",
            [f"{r.projector_final}; {'yes' if not r.projector_mismatch else 'NO'}" for r in rooms],
        ),
        (
            "tally lag p50 / p95 / max (ms)",
            [
                f"{ms(r.tally, 'p50')} / {ms(r.tally, 'p95')} / {ms(r.tally, 'max')}"
                + (f", {r.never_shown} never shown" if r.never_shown else "")
                for r in rooms
            ],
        ),
        (
            "  from the acknowledgement",
            [f"{ms(r.tally_ack, 'p50')} / {ms(r.tally_ack, 'p95')} / {ms(r.tally_ack, 'max')}" for r in rooms],
        ),
        (
            "  answer taken → readable in the database",
            [f"{ms(r.to_database, 'p50')} / {ms(r.to_database, 'p95')} / {ms(r.to_database, 'max')}" for r in rooms],
        ),
        (
            "  readable → on the projector",
            [
                f"{ms(r.database_to_projector, 'p50')} / {ms(r.database_to_projector, 'p95')} / {ms(r.database_to_projector, 'max')}"
                for r in rooms
            ],
        ),
        ("join run p50 / p95 (ms)", [f"{ms(r.join, 'p50')} / {ms(r.join, 'p95')}" for r in rooms]),
        ("answer run p50 / p95 (ms)", [f"{ms(r.answer, 'p50')} / {ms(r.answer, 'p95')}" for r in rooms]),
        ("phones' polls: n, p50 / p95 (ms)", [f"{r.polls}, {ms(r.poll, 'p50')} / {ms(r.poll, 'p95')}" for r in rooms]),
        (
            "projector: between runs p50 / p95 / max (ms)",
            [
                f"{ms(r.projector_interval, 'p50')} / {ms(r.projector_interval, 'p95')} / {ms(r.projector_interval, 'max')}"
                for r in rooms
            ],
        ),
        (
            "projector: request → run done p50 / p95 / max (ms)",
            [f"{ms(r.projector_run, 'p50')} / {ms(r.projector_run, 'p95')} / {ms(r.projector_run, 'max')}" for r in rooms],
        ),
        ("errors", [str(len(r.errors)) for r in rooms]),
        ("PostgreSQL connections at most", [str(r.connections) if r.connections else "–" for r in rooms]),
        ("replicas' share of participants", [", ".join(str(n) for _, n in sorted(r.spread.items())) or "one server" for r in rooms]),
        ("replicas' CPU (% of a core each)", [", ".join(f"{c:.0f}" for c in r.cpu_percent) for r in rooms]),
        *(
            (f"CPU: {part} (% of a core)", [f"{r.cpu.get(part, 0):.0f}" for r in rooms])
            for part in ("PostgreSQL", "nginx", "client", "browser", "machine busy", "stolen")
        ),
        ("load average, start → end", [f"{r.load[0]:.1f} → {r.load[1]:.1f}" for r in rooms]),
    ]
    width = max(len(label) for label, _ in lines)
    cols = [max(len(h), *(len(v[i]) for _, v in lines)) for i, h in enumerate(head[1:])]
    out = [" " * width + "  " + "  ".join(h.ljust(c) for h, c in zip(head[1:], cols, strict=True))]
    out += [label.ljust(width) + "  " + "  ".join(v.ljust(c) for v, c in zip(values, cols, strict=True)) for label, values in lines]
    return "\n".join(out)


def problem_lines(logs: Path, limit: int = 20) -> list[str]:
    """Lines of the servers' logs that tell of a problem."""
    found = []
    for log in sorted(logs.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if re.search(r"Traceback|Error|Exception|WARNING|CRITICAL|timed out|refused", line):
                found.append(f"{log.name}: {line}")
    return found[:limit]


async def measure(args: argparse.Namespace, logs: Path) -> list[Room]:
    content = load_content()
    rooms = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        with running_postgres() as (url, postmaster), running_replicas(url, logs) as (base, replicas):
            store = LiveStore(url)
            print(
                f"cluster: nginx {base}, replicas {', '.join(r.base for r in replicas)}, PostgreSQL {url.split('@')[-1]}", flush=True
            )
            for replica in replicas:
                await warm_up(replica, store, browser, content, args.kind)
            if args.quiet:
                rooms.append(
                    await run_room(
                        "quiet room", base, store, browser, content, args.quiet, 10.0, args.kind, replicas, postmaster, args.phone_poll
                    )
                )
                print(f"quiet room done: {rooms[-1].acknowledged} answers", flush=True)
            rooms.append(
                await run_room(
                    "2 replicas + PostgreSQL",
                    base,
                    store,
                    browser,
                    content,
                    args.participants,
                    args.over,
                    args.kind,
                    replicas,
                    postmaster,
                    args.phone_poll,
                )
            )
            print(f"measured room done: {rooms[-1].acknowledged} answers", flush=True)
            store.close()
        if args.baseline:
            with (
                tempfile.TemporaryDirectory(prefix="hx-live-sqlite-") as folder,
                running_server("serve.py", env={**SERVER_ENV, "EXPLORER_LIVE_DIR": folder}, log=logs / "single-sqlite.log") as server,
            ):
                store = LiveStore(sqlite_url(Path(folder)))
                await warm_up(server, store, browser, content, args.kind)
                rooms.append(
                    await run_room(
                        "1 replica + SQLite",
                        server.base,
                        store,
                        browser,
                        content,
                        args.participants,
                        args.over,
                        args.kind,
                        [server],
                        phone_poll=args.phone_poll,
                    )
                )
                print(f"baseline room done: {rooms[-1].acknowledged} answers", flush=True)
                store.close()
        await browser.close()
    return rooms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--over", type=float, default=30.0, help="seconds within which everyone joins and answers")
    parser.add_argument("--kind", choices=("scene", "place", "classroom"), default="scene")
    parser.add_argument("--quiet", type=int, default=10, help="participants of the quiet room first (0: none)")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false", help="skip the single replica with SQLite")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs here (default: a temporary folder)")
    parser.add_argument(
        "--no-phone-poll",
        dest="phone_poll",
        action="store_false",
        help="participants' pages do not look for the next question (for comparison: phones do)",
    )
    parser.add_argument("--json", type=Path, help="also write every room's figures and raw times here")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            logs = args.logs
        else:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hx-live-logs-")))
        print(
            f"load average {os.getloadavg()[0]:.1f}; {args.participants} participants over {args.over:.0f} s, "
            f"question kind {args.kind}",
            flush=True,
        )
        rooms = asyncio.run(measure(args, logs))
        problems = problem_lines(logs)
    measured = next(r for r in rooms if r.name.startswith("2 replicas"))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rooms], indent=1))
    print()
    print(table(rooms))
    for room in rooms:
        for line in room.errors[:10] + room.projector_mismatch[:10]:
            print(f"  {room.name}: {line}")
        if len(room.errors) > 10:
            print(f"  {room.name}: … {len(room.errors) - 10} more errors")
    for line in problems:
        print("  log:", line)
    checks = {
        f"{measured.participants} answers acknowledged within the run": measured.acknowledged == measured.participants,
        "0 lost or doubled answers": measured.lost_or_doubled == 0 and measured.rows == measured.acknowledged,
        "the projector's bars equal the answers sent": not measured.projector_mismatch,
        "0 errors": not measured.errors,
        f"tally current within {TALLY_TARGET:.0f} s at p95": (
            measured.never_shown == 0 and bool(measured.tally) and measured.tally["p95"] <= TALLY_TARGET
        ),
    }
    print()
    for check, ok in checks.items():
        print(f"{'met' if ok else 'MISSED'}: {check}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
