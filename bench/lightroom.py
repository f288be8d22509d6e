"""A room of phones on the light participant page, for ``bench/hall.py`` (a full hall) and ``bench/failover.py``
(a replica killed, PostgreSQL restarted): the cluster, a phone as a person holds it, and the checks against the
database.

- :func:`running_cluster`: a throwaway PostgreSQL (``live_load.running_postgres``), replicas of ``serve.py`` with
  ``EXPLORER_TRUSTED_PROXIES=127.0.0.1`` behind nginx (``deploy/nginx.conf`` with this run's ports, as
  ``bench/cluster.py`` writes it), and the processes' ids, to measure or to kill.
- :func:`phone`: GET ``/join?code=`` (with the QR code's ``t=`` ticket when the plan has it; the signed cookie is
  set), the files the page links to (a cold cache), an
  ``EventSource`` on ``/join/events``; each time the stream says a question of the plan is open and the page does
  not show it yet, the page is loaded again (as join.js does), and after a think the form is sent as a tap sends
  it: a 303 back to the page with ``sent=`` is the acknowledgement (the browser then follows it, and the page
  says "Answer sent"). A refusal (any other answer, a broken
  connection, nginx's 502, a 303 without ``sent=``) is what the person sees: they tap again 1 to 3 s later, until acknowledged or the
  plan's deadline.
- :func:`check`: per question, each phone's row (its pid, from the cookie) against what it sent and was
  acknowledged for: lost, wrong, doubled, rows from nobody.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import secrets
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, func, select

from explorer.liveauth import cookie_name
from explorer.livestore import answers as answers_table
from explorer.livestore import participants as participants_table

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import running_nginx  # noqa: E402
from lightclient import Browser, HttpError, forms, state_of  # noqa: E402
from server import free_port, running_server  # noqa: E402

SERVER_ENV = {"EXPLORER_TILES": "offline", "EXPLORER_TRUSTED_PROXIES": "127.0.0.1"}


@dataclass
class Cluster:
    base: str  # nginx
    replicas: list  # bench/server.py's Server: base, pid, port
    database_url: str


@contextlib.contextmanager
def running_cluster(database_url: str, logs: Path, count: int = 2, env: dict[str, str] | None = None):
    """``count`` replicas on one database, behind nginx; yields a :class:`Cluster`. The replicas share the
    database's signing secret (made by the first to start) and a Streamlit cookie secret."""
    environment = {
        **SERVER_ENV,
        "EXPLORER_DATABASE_URL": database_url,
        "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
        **(env or {}),
    }
    ports = [free_port() for _ in range(count)]
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(running_server("serve.py", port=port, env=environment, log=logs / f"replica-{i + 1}.log"))
            for i, port in enumerate(ports)
        ]
        base = stack.enter_context(running_nginx(free_port(), ports))
        yield Cluster(base, servers, database_url)


@dataclass
class Plan:
    """What the phones do: the questions they answer (id -> think range in seconds after seeing it) and until
    when they keep trying."""

    code: str
    think: dict[str, tuple[float, float]] = field(default_factory=dict)
    until: float = float("inf")  # time.time() after which no phone tries again
    words: tuple[str, ...] = ("moss", "light", "bus", "soup", "night")
    ticket: str = ""  # the QR code's join ticket (``t=``): the phones scanned the screen


@dataclass
class Phone:
    number: int
    pid: str = ""
    cookie: str = ""
    joined: float | None = None  # time.time() when its page came back
    join_seconds: float | None = None
    first_view: int = 0  # bytes: the page and the files it links to
    pushed: dict[str, float] = field(default_factory=dict)  # question -> when the stream first said it is open
    shown: dict[str, float] = field(default_factory=dict)  # question -> when the page showing it was loaded again
    sent: dict[str, str] = field(default_factory=dict)  # question -> the value of its latest try
    acknowledged: dict[str, float] = field(default_factory=dict)  # question -> when the 303 came
    acked_value: dict[str, str] = field(default_factory=dict)
    answer_seconds: dict[str, float] = field(default_factory=dict)  # the acknowledged try: POST -> 303
    tries: Counter = field(default_factory=Counter)  # question -> tries
    refusals: list[tuple[str, str, str]] = field(default_factory=list)  # (question, status or error, what it said)
    cookies_seen: set[str] = field(default_factory=set)  # every participant cookie value it was given
    stream_opened: int = 0
    stream_servers: list[str] = field(default_factory=list)  # the replica behind each stream it opened
    stream_refused: list[int] = field(default_factory=list)
    stream_broken: int = 0
    wire: int = 0
    errors: list[str] = field(default_factory=list)
    ready: bool = False  # joined and its stream open
    done: bool = False


def said(html: str, limit: int = 160) -> str:
    """The page's note (what a person reads first), for the report."""
    start = html.rfind("<", 0, max(0, html.find('class="hx-phone-note')))
    if 'class="hx-phone-note' not in html:
        start = html.find("<main")
    text = html[start : start + 2000] if start >= 0 else html[:2000]
    out, inside = [], False
    for char in text:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
            out.append(" ")
        elif not inside:
            out.append(char)
    return " ".join("".join(out).split())[:limit]


def shown_question(html: str) -> str:
    """The question the page's answer form is for ("" when it shows none)."""
    for form in forms(html):
        if form.action.endswith("join/answer") and "question" in form.hidden:
            return form.hidden["question"]
    return ""


def choose(html: str, question: str, rng: random.Random, words: tuple[str, ...]) -> dict[str, str] | None:
    """The fields a tap sends for ``question``: the form's hidden fields and one of its choices (or a word)."""
    for form in forms(html):
        if not form.action.endswith("join/answer") or form.hidden.get("question") != question:
            continue
        fields = dict(form.hidden)
        if form.choices:
            name, value = rng.choice(form.choices)
            fields[name] = value
        elif form.text:
            fields[form.text[0]] = rng.choice(words)
        else:
            continue
        return fields
    return None


async def phone(
    person: Phone, base: str, plan: Plan, stop: asyncio.Event, *, local_address: str | None = None, fetch_files: bool = True
) -> None:
    """One person's phone through the room (see the module's docstring)."""
    rng = random.Random(person.number)
    browser = Browser(base, local_address)
    page_url = f"/join?{urlencode({'code': plan.code, **({'t': plan.ticket} if plan.ticket else {})})}"
    name = cookie_name(plan.code)
    news: asyncio.Queue = asyncio.Queue()
    stream = None
    try:
        start = time.perf_counter()
        for attempt in range(5):  # a refused first load: the person loads the page again
            try:
                response = await browser.get(page_url)
            except HttpError as exc:
                person.refusals.append(("join", "connection", str(exc)[:160]))
                response = None
            if response is not None and response.status == 200 and name in browser.cookies:
                break
            if response is not None:
                person.refusals.append(("join", str(response.status), said(response.text)))
            await asyncio.sleep(1 + attempt)
        else:
            person.errors.append("join: refused five times")
            return
        person.join_seconds = time.perf_counter() - start
        person.joined = time.time()
        page = response.text
        if fetch_files:
            await browser.files(page, "/join")
        person.first_view = browser.wire
        person.cookie = browser.cookies[name].value
        person.cookies_seen.add(person.cookie)
        person.pid = person.cookie.split(".", 1)[0]
        stream = browser.stream(
            f"/join/events?{urlencode({'code': plan.code})}", lambda kind, data, at: news.put_nowait((kind, data, at))
        ).start()
        waiting = asyncio.create_task(stop.wait())
        while not stop.is_set():
            getting = asyncio.create_task(news.get())
            await asyncio.wait({getting, waiting}, return_when=asyncio.FIRST_COMPLETED)
            if not getting.done():
                getting.cancel()
                break
            kind, data, at = getting.result()
            person.ready = True
            if kind != "state":
                continue
            state = state_of(data)
            question = str(state.get("question", ""))
            if state.get("state") != "open":
                continue
            person.pushed.setdefault(question, at)
            if question not in plan.think or question in person.acknowledged:
                continue
            if shown_question(page) != question:  # join.js loads the page again
                with contextlib.suppress(HttpError):
                    reloaded = await browser.get(page_url)
                    page = reloaded.text
                    if shown_question(page) == question:
                        person.shown[question] = reloaded.at
            await asyncio.sleep(rng.uniform(*plan.think[question]))
            page = await answer(person, browser, page, page_url, question, plan, rng, stop)
            if name in browser.cookies:
                person.cookies_seen.add(browser.cookies[name].value)
        waiting.cancel()
    except Exception as exc:  # noqa: BLE001 - a phone's failure is a figure, not the bench's end
        person.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        if stream is not None:
            person.stream_opened = stream.opened
            person.stream_servers = stream.servers
            person.stream_refused = stream.refused
            person.stream_broken = len(stream.broken)
        person.done = True
        with contextlib.suppress(Exception):
            await stop.wait()
        await browser.close()
        person.wire = browser.wire


def taken(response) -> bool:
    """Whether the answer to a posted answer acknowledges it: a 303 back to the page with ``sent=`` (the page then
    says "Answer sent"); a 303 without it sends a phone the server does not know back to the join page."""
    return response.status == 303 and "sent=" in (response.header("location") or "")


async def answer(
    person: Phone, browser: Browser, page: str, page_url: str, question: str, plan: Plan, rng: random.Random, stop: asyncio.Event
) -> str:
    """Tap until the answer is acknowledged (a 303), the question is no longer open, or the plan's time is up."""
    while not stop.is_set() and time.time() < plan.until:
        fields = choose(page, question, rng, plan.words)
        if fields is None:  # the page shows no form for it (a refusal page, an error): load it again
            with contextlib.suppress(HttpError):
                page = (await browser.get(page_url)).text
            fields = choose(page, question, rng, plan.words)
            if fields is None:
                person.refusals.append((question, "no form", said(page)))
                if shown_question(page) != question and "hx-phone-answer" not in page and person.tries[question]:
                    return page
                await asyncio.sleep(rng.uniform(1, 3))
                continue
        value = next((v for k, v in fields.items() if k == "value"), "")
        person.sent[question] = value
        person.tries[question] += 1
        chain: list = []
        start = time.perf_counter()
        try:
            await browser.post("/join/answer", fields, chain=chain)
        except HttpError as exc:
            if chain and taken(chain[0]):  # acknowledged; only the page after it broke
                person.acknowledged[question] = chain[0].at
                person.acked_value[question] = value
                person.answer_seconds[question] = time.perf_counter() - start
                return page
            person.refusals.append((question, "connection", str(exc)[:160]))
            await asyncio.sleep(rng.uniform(1, 3))
            continue
        first = chain[0]
        if taken(first):
            person.acknowledged[question] = first.at
            person.acked_value[question] = value
            person.answer_seconds[question] = time.perf_counter() - start
            return chain[-1].text
        person.refusals.append((question, str(first.status), said(first.text) or (first.header("location") or "")))
        page = chain[-1].text
        if first.status == 409:  # no longer open: nothing more to do for it
            return page
        await asyncio.sleep(rng.uniform(1, 3))
    return page


# --- the projector's stream --------------------------------------------------------------------------------------


class ScreenListener:
    """The projector's event stream (``/live/events`` with the screen key) heard by a client that, at each
    ``answers`` event, reads the question's row count from the database as the board would: (time, count) after
    each read. The lag "stored -> told and read" is the projector's own lag without its browser."""

    def __init__(self, base: str, code: str, screen: str, database_url: str):
        self.browser = Browser(base)
        self.target = f"/live/events?{urlencode({'code': code, 'screen': screen})}"
        self.engine = create_engine(database_url, pool_size=1, pool_pre_ping=True)
        self.failed = 0  # reads that failed (the database restarting)
        self.question = ""
        self.seen: list[tuple[str, float, int]] = []  # (question, time after the read, rows)
        self.events: list[tuple[float, str]] = []
        self.queue: asyncio.Queue = asyncio.Queue()
        self.task: asyncio.Task | None = None
        self.stream = None

    def start(self) -> None:
        self.stream = self.browser.stream(self.target, lambda kind, data, at: self.queue.put_nowait((kind, at))).start()
        self.task = asyncio.create_task(self._run())

    def count(self, question: str) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(answers_table).where(answers_table.c.question == question))

    async def _run(self) -> None:
        while True:
            kind, at = await self.queue.get()
            self.events.append((at, kind))
            while not self.queue.empty():  # a read covers every event heard before it
                kind, at = self.queue.get_nowait()
                self.events.append((at, kind))
            if self.question:
                question = self.question
                try:
                    rows = await asyncio.to_thread(self.count, question)
                except Exception:  # noqa: BLE001 - the database went: the next event reads again
                    self.failed += 1
                    continue
                self.seen.append((question, time.time(), rows))

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
        await self.browser.close()
        self.engine.dispose()

    def shown(self, question: str) -> list[tuple[float, int]]:
        return [(at, rows) for q, at, rows in self.seen if q == question]


# --- the checks --------------------------------------------------------------------------------------------------


@dataclass
class Checked:
    question: str
    phones: int = 0
    acknowledged: int = 0
    rows: int = 0
    lost: int = 0  # acknowledged, and no row holding the value acknowledged (or a later try's)
    wrong: int = 0  # ... of them, a row holding another value than any it sent
    doubled: int = 0
    strangers: int = 0  # rows from no phone of this run
    unanswered: int = 0  # phones never acknowledged
    answered_at: list[float] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def check(database_url: str, question: str, people: list[Phone]) -> Checked:
    """The question's rows against what the phones sent. A phone whose last try was refused after an
    acknowledged one may have either value stored (the later try may have been written before the store went):
    both count as kept; any other value, or none, is lost."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(answers_table.c.participant, answers_table.c.value, answers_table.c.answered_at).where(
                answers_table.c.question == question
            )
        ).all()
    engine.dispose()
    found = Checked(question, phones=len(people), rows=len(rows))
    per = Counter(r.participant for r in rows)
    values = {r.participant: r.value for r in rows}
    pids = {p.pid for p in people if p.pid}
    found.doubled = sum(1 for n in per.values() if n > 1)
    found.strangers = sum(1 for pid in per if pid not in pids)
    found.answered_at = sorted(r.answered_at for r in rows)
    for person in people:
        if question not in person.acknowledged:
            if question in person.sent or question in person.pushed:
                found.unanswered += 1
            continue
        found.acknowledged += 1
        stored = values.get(person.pid)
        if stored not in (person.acked_value[question], person.sent.get(question)):
            found.lost += 1
            if stored is not None:
                found.wrong += 1
            found.lines.append(
                f"phone {person.number} ({person.pid}): acknowledged {person.acked_value[question]!r}, stored {stored!r}"
            )
    return found


def joined_count(database_url: str, code: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = connection.scalar(select(func.count()).select_from(participants_table).where(participants_table.c.session == code))
    engine.dispose()
    return int(found or 0)


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"p50": ordered[len(ordered) // 2], "p95": p95, "max": ordered[-1], "n": len(ordered)}


def ms(values: dict[str, float]) -> str:
    if not values:
        return "–"
    return f"{values['p50'] * 1000:.0f} / {values['p95'] * 1000:.0f} / {values['max'] * 1000:.0f} ms (n={values['n']})"


def raise_open_files() -> None:
    """Thousands of phones, two connections each: as many descriptors as the system lets this process have."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def machine_note() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"
