"""Questions for the guest in a full hall (issue 25): 500 phones ask 100 questions and cast 3,000 votes within 60 s
on two replicas with PostgreSQL; the same phones then change their answer to a place vote 3,000 times, the
existing answers path, as the baseline of the same run.

The room is ``bench/hall.py``'s: a throwaway PostgreSQL, two ``serve.py`` replicas behind nginx
(``bench/lightroom.py``), the session made with ``LiveStore`` in this process and its questions for the guest opened
with ``GuestBook.set_room(open=True, auto_publish=True)``: a question shows to everyone as soon as it is asked (a
moderator publishing by hand only adds their own delay). Servers listen on ports 9200-9299.

1. Guest questions, ``--over`` seconds (60). The phones arrive evenly over the first ``--arrive`` seconds (30): GET
   the QR code's link (``/join?code=…&t=…``: the cookie) and its files, then ``/join/guest`` (the page a phone taps
   through to) and an ``EventSource`` on ``/join/events``; on each ``guest`` event whose digest differs from the
   page's, the phone loads the page again after a random part of the event's ``spread``, as join.js does. One phone
   in five asks one question (``POST /join/guest/ask``, 2 to 10 s after arriving; a 303 with ``sent=`` is the
   acknowledgement). Every phone votes for 6 distinct published questions (``POST /join/guest/vote``, ``up=1``) at
   times spread from 3 s after its arrival to 3 s before the end, each time for a question its page shows and it has
   not voted for; one phone in ten takes its third vote back 1 to 3 s later and gives it again 1 to 3 s after that.
   A 303 with ``done=`` is the acknowledgement; anything else is a refusal, tried again 1 to 3 s later. A phone
   keeps trying until 30 s after the stage's end, so that a slow room shows how far behind it is.
2. Baseline, the answers path, ``--over`` seconds: the presenter opens a place vote (``store.move``); each phone,
   told by its stream, loads ``/join`` again and sends an answer 6 times (a different place each time) spread over
   the stage: 3,000 writes of the path the hall already uses.

The projector: a headless Chromium on the screen link (``/live?code=…&screen=…``) through nginx, recording when
``.hx-guest-total[data-votes]`` changes (when the projector has it; ``--projector listener`` skips it). Beside
it a listener on ``/live/events`` reads the rows (votes of the session; answers of the question) at each event: the
push and a read, without the browser. Lags:

- total (the issue's figure): for the k-th vote row kept (its ``voted_at``, taken as the request is handled, before
  the commit), the time the projector first showed a total ≥ k, minus that time (``live_load.tally_lag``);
- per write (the same for both paths, listener only): for each acknowledged write, the first read that holds it (its
  row with a time ≥ the POST's start) minus the row's time. A write already replaced by the phone's next one when
  first read is left out (counted as "replaced").

Checks: every acknowledged vote is in the database exactly once, nothing unacknowledged is there (a try that broke
before its answer may be either way), the 100 questions are stored; the answers path likewise (each phone's row holds
its last acknowledged value). Targets: 0 lost or doubled, all within ``--over`` s, the projector's p95 ≤ 1 s. Exits 1
when one is missed.

Run: .venv/bin/python bench/guest_hall.py [--phones 500] [--askers 100] [--votes 6] [--over 60] [--arrive 30]
     [--projector chromium|listener] [--reloads news|none] [--voting script|page] [--replica-src DIR] [--request-log] [--logs DIR]
     [--json FILE]
Needs Debian's postgresql, nginx and chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import random
import re
import socket
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from playwright.async_api import async_playwright
from sqlalchemy import create_engine, func, select

from explorer.gueststore import GuestBook, guest_questions
from explorer.gueststore import votes as votes_table
from explorer.live import place_question
from explorer.liveauth import cookie_name
from explorer.livestore import LiveStore
from explorer.livestore import answers as answers_table
from explorer.loader import load_content

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lightroom  # noqa: E402
import live_load  # noqa: E402
from hall import Usage, others, percent, wait_for, warm_up  # noqa: E402
from lightclient import Browser, HttpError, forms, state_of  # noqa: E402
from lightroom import ScreenListener, choose, machine_note, ms, percentiles, raise_open_files, running_cluster, said  # noqa: E402
from server import ROOT  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, FLAGS, LOCAL  # noqa: E402

PORTS = range(9200, 9300)  # this benchmark's servers (PostgreSQL, replicas, nginx)
LAG_TARGET = 1.0  # seconds, p95 of the projector's total
TAKE_BACK_EVERY = 10  # one phone in ten takes a vote back and gives it again
WORDS = ("Why Brussels?", "How long did the shoot take?", "Was the moss real?", "Who chose the soup?", "What comes next?")
GUEST_WATCH = """
(() => {
  window.__hxGuest = [];
  let last = null;
  const look = () => {
    const el = document.querySelector('.hx-guest-total[data-votes]');
    const found = el ? parseInt(el.getAttribute('data-votes'), 10) : -1;
    const value = Number.isNaN(found) ? -1 : found;
    if (value === last) return;
    last = value;
    window.__hxGuest.push([Date.now(), value]);
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
  setInterval(look, 100);
})();
"""
DIGEST = re.compile(r'data-guest="([^"]*)"')
COUNTS = re.compile(r'data-guest-counts="([^"]*)"')
COUNTS_EVERY = 20.0  # join.js: a page whose counts alone changed is loaded again only this long after it loaded

_handed: set[int] = set()


def bench_port() -> int:
    """A free port in ``PORTS`` not handed out before in this run (the machine is shared: each helper its range)."""
    for port in PORTS:
        if port in _handed:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed.add(port)
        return port
    raise SystemExit(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


# the room's pieces take their ports from this benchmark's range
lightroom.free_port = bench_port
live_load.free_port = bench_port


@dataclass
class Act:
    """One write a phone tried: a vote (``question``, ``up``) or an answer (``value``)."""

    question: str
    up: bool = True
    value: str = ""
    start: float = 0.0  # time.time() when the POST left
    acked: float = 0.0  # when the 303 came (0: never)
    broken: bool = False  # the connection broke before an answer: it may or may not be kept
    refused: str = ""


@dataclass
class GuestPhone:
    number: int
    pid: str = ""
    joined: float = 0.0
    join_seconds: float | None = None
    _page: str = ""
    loaded: float = 0.0  # when the guest page was last loaded (join.js's ``loaded``)
    reloads: int = 0
    events: int = 0
    asked: str = ""  # the acknowledged question's id
    ask_text: str = ""
    ask_seconds: float | None = None
    acts: list[Act] = field(default_factory=list)  # votes
    answers: list[Act] = field(default_factory=list)  # the baseline's answers
    pushed: float = 0.0  # the baseline: when its stream said the place vote is open
    refusals: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    guest_over: bool = False  # its part of the guest stage is done (or its time is up)
    wire: int = 0  # bytes received over the whole run
    wire_guest: int = 0  # ... by the end of the guest stage
    done: bool = False

    @property
    def page(self) -> str:
        """The guest page as last loaded (a reload, or the page an ask or a vote was sent back to)."""
        return self._page

    @page.setter
    def page(self, html: str) -> None:
        self._page, self.loaded = html, time.time()

    def votes_done(self) -> int:
        return len({a.question for a in self.acts if a.acked and a.up})


def digest(html: str) -> str:
    found = DIGEST.search(html)
    return found.group(1) if found else ""


def counts(html: str) -> str:
    found = COUNTS.search(html)
    return found.group(1) if found else ""


SCRIPT_VOTE = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]


def flipped(page: str, question: str, up: str) -> str:
    """The page as join.js leaves it after a vote in place: that question's form now sends ``up``."""

    def swap(found: re.Match) -> str:
        form = found.group(0)
        return re.sub(r'name="up" value="[01]"', f'name="up" value="{up}"', form) if f'value="{question}"' in form else form

    return VOTE_FORM.sub(swap, page)


VOTE_FORM = re.compile(r'<form [^>]*action="[^"]*join/guest/vote">(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def votable(html: str) -> list[dict[str, str]]:
    """The vote forms a tap can send on the guest page: their fields (``up=1`` to give a vote, none to take it back).
    Read with regular expressions, not ``lightclient.forms``: this one process parses a 65 KB page for each of 500
    phones' taps, and the HTML parser's time made every phone late (``explorer.guestpage`` writes these forms)."""
    found = []
    for inner in VOTE_FORM.findall(html):
        fields = {name: unescape(value) for name, value in HIDDEN.findall(inner)}
        if fields.get("question"):
            found.append(fields)
    if not found and "join/guest/vote" in html:  # the page's markup changed: the parser then
        found = [dict(f.hidden) for f in forms(html) if f.action.endswith("join/guest/vote") and f.hidden.get("question")]
    return found


def acknowledged(response, word: str) -> bool:
    location = response.header("location") or ""
    return response.status == 303 and f"{word}=" in urlsplit(location).query


class Hall:
    """The phones of one run and what they share: the room's address, the session, its ticket, the clock."""

    def __init__(self, base: str, code: str, ticket: str, args: argparse.Namespace):
        self.base, self.code, self.ticket, self.args = base, code, ticket, args
        self.t0 = 0.0  # the guest stage's start (time.time())
        self.stop = asyncio.Event()
        self.baseline = asyncio.Event()  # set when the place vote is open
        self.opened = 0.0
        self.question = ""  # the place vote

    async def run(self, person: GuestPhone) -> None:
        rng = random.Random(person.number)
        args = self.args
        browser = Browser(self.base)
        lock = asyncio.Lock()  # one request at a time on the phone's connection, as one tab
        stream = None
        pending: asyncio.Task | None = None  # a reload for new questions or states
        later: asyncio.Task | None = None  # a reload for new counts alone (join.js's ``countsLater``)
        guest_url = f"/join/guest?{urlencode({'code': self.code, 't': self.ticket})}"
        join_url = f"/join?{urlencode({'code': self.code, 't': self.ticket})}"
        name = cookie_name(self.code)
        spread = 0.0  # ms: the stream's "spread" with the place vote

        async def reload(after: float) -> None:
            await asyncio.sleep(after)
            async with lock:
                with contextlib.suppress(HttpError):
                    found = await browser.get(guest_url)
                    if found.status == 200:
                        person.page = found.text
                        person.reloads += 1

        def heard(kind: str, data: str, at: float) -> None:
            nonlocal pending, later, spread
            person.events += 1
            found = state_of(data)
            if (
                kind == "guest"
                and args.reloads == "news"
                and found.get("v")
                and found.get("v") != digest(person.page)
                and not self.baseline.is_set()
            ):
                if later is not None and not later.done():  # the page is loaded now, the counts with it
                    later.cancel()
                if pending is None or pending.done():
                    pending = asyncio.create_task(reload(rng.random() * min(float(found.get("spread") or 0), 3000) / 1000))
            elif (
                kind == "guest"
                and args.reloads == "news"
                and found.get("c")
                and found.get("c") != counts(person.page)
                and not self.baseline.is_set()
                and (later is None or later.done())
            ):  # join.js: the counts alone changed: loaded again COUNTS_EVERY after the last load, spread over half that
                wait = max(0.0, person.loaded + COUNTS_EVERY - time.time()) + rng.random() * COUNTS_EVERY / 2
                later = asyncio.create_task(reload(wait))
            elif kind == "state" and self.question and found.get("question") == self.question and found.get("state") == "open":
                person.pushed = person.pushed or at
                spread = spread or min(float(found.get("spread") or 0), 3000)

        try:
            await asyncio.sleep(args.arrive * person.number / max(1, args.phones - 1))
            start = time.perf_counter()
            for attempt in range(5):
                try:
                    response = await browser.get(join_url)
                    if response.status == 200 and name in browser.cookies:
                        break
                    person.refusals[f"join {response.status}"] += 1
                except HttpError:
                    person.refusals["join connection"] += 1
                await asyncio.sleep(1 + attempt)
            else:
                person.errors.append("join: refused five times")
                return
            await browser.files(response.text, "/join")
            person.pid = browser.cookies[name].value.split(".", 1)[0]
            async with lock:
                found = await browser.get(guest_url)
            if found.status != 200:
                person.errors.append(f"guest page: {found.status} {said(found.text)}")
                return
            person.page = found.text
            await browser.files(found.text, "/join/guest")
            person.join_seconds = time.perf_counter() - start
            person.joined = time.time()
            stream = browser.stream(f"/join/events?{urlencode({'code': self.code})}", heard).start()

            # --- the guest stage
            end = self.t0 + args.over - 3
            first = person.joined + 3
            times = sorted(rng.uniform(first, max(first, end)) for _ in range(args.votes))
            ask_at = person.joined + rng.uniform(2, 10) if self.asker(person) else None
            if ask_at is not None:
                times = sorted([*times, ask_at])
            for at in times:
                await asyncio.sleep(max(0.0, at - time.time()))
                if at == ask_at:
                    await self.ask(person, browser, lock, rng)
                else:
                    await self.vote(person, browser, lock, rng, self.t0 + args.over + 30)
                if person.number % TAKE_BACK_EVERY == 3 and person.votes_done() == 3 and not any(not a.up for a in person.acts):
                    chosen = next(a.question for a in reversed(person.acts) if a.acked and a.up)
                    await asyncio.sleep(rng.uniform(1, 3))
                    await self.vote(person, browser, lock, rng, self.t0 + args.over + 30, question=chosen, up=False)
                    await asyncio.sleep(rng.uniform(1, 3))
                    await self.vote(person, browser, lock, rng, self.t0 + args.over + 30, question=chosen)

            person.guest_over = True
            await self.baseline.wait()
            person.wire_guest = browser.wire

            # --- the baseline: the place vote, told by the stream
            if not await wait_for(lambda: bool(person.pushed), 30):
                person.errors.append("baseline: never told of the place vote")
                return
            await asyncio.sleep(rng.random() * spread / 1000)  # join.js: the next question loaded within the spread
            async with lock:
                page = (await browser.get(join_url)).text
            end = self.opened + args.over - 3
            for at in sorted(rng.uniform(self.opened + 2, end) for _ in range(args.votes)):
                await asyncio.sleep(max(0.0, at - time.time()))
                page = await self.answer(person, browser, lock, rng, page, join_url, self.opened + args.over + 30)
        except Exception as exc:  # noqa: BLE001 - a phone's failure is a figure, not the bench's end
            person.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            person.guest_over = person.done = True
            with contextlib.suppress(Exception):
                await self.stop.wait()
            if stream is not None:
                await stream.stop()
            await browser.close()
            person.wire = browser.wire

    def asker(self, person: GuestPhone) -> bool:
        """Whether this phone asks a question: ``--askers`` phones spread over the arrivals."""
        step = max(1, self.args.phones // self.args.askers)
        return person.number % step == 0 and person.number // step < self.args.askers

    async def ask(self, person: GuestPhone, browser: Browser, lock: asyncio.Lock, rng: random.Random) -> None:
        text = f"{rng.choice(WORDS)} (phone {person.number})"
        while time.time() < self.t0 + self.args.over + 30:
            form = next((f for f in forms(person.page) if f.action.endswith("join/guest/ask")), None)
            if form is None:
                person.refusals["ask: no form"] += 1
                await asyncio.sleep(rng.uniform(1, 3))
                async with lock:
                    with contextlib.suppress(HttpError):
                        person.page = (await browser.get(f"/join/guest?{urlencode({'code': self.code})}")).text
                continue
            fields = {**form.hidden, "text": text, "place": "", "scene": ""}
            chain: list = []
            start = time.perf_counter()
            try:
                async with lock:
                    response = await browser.post("/join/guest/ask", fields, chain=chain)
            except HttpError:
                if chain and acknowledged(chain[0], "sent"):
                    response = chain[0]
                else:
                    person.refusals["ask: connection"] += 1
                    await asyncio.sleep(rng.uniform(1, 3))
                    continue
            if chain and acknowledged(chain[0], "sent"):
                person.ask_seconds = time.perf_counter() - start
                person.asked = parse_qs(urlsplit(chain[0].header("location") or "").query).get("sent", [""])[0]
                person.ask_text = text
                if response.status == 200:
                    person.page = response.text
                return
            person.refusals[f"ask: {chain[0].status if chain else '?'}"] += 1
            if chain and chain[-1].status != 303:
                person.page = chain[-1].text
            await asyncio.sleep(rng.uniform(1, 3))

    async def vote(
        self,
        person: GuestPhone,
        browser: Browser,
        lock: asyncio.Lock,
        rng: random.Random,
        until: float,
        *,
        question: str = "",
        up: bool = True,
    ) -> None:
        """Tap a vote button (for ``question``, else any the phone has not voted for) until acknowledged."""
        while time.time() < until:
            given = {a.question for a in person.acts if a.acked and a.up}
            offered = [
                f for f in votable(person.page) if (f.get("up") == "1") == up and (f["question"] == question if question else True)
            ]
            if not question:
                offered = [f for f in offered if f["question"] not in given]
            if not offered:  # nothing to vote for on the page yet: the next question will come with the stream
                person.refusals["vote: nothing on the page"] += 1
                await asyncio.sleep(rng.uniform(1, 2))
                if self.args.reloads == "none":  # no news reloads it: the person pulls to refresh
                    async with lock:
                        with contextlib.suppress(HttpError):
                            person.page = (await browser.get(f"/join/guest?{urlencode({'code': self.code})}")).text
                continue
            fields = rng.choice(offered)
            act = Act(fields["question"], up, start=time.time())
            person.acts.append(act)
            chain: list = []
            if self.args.voting == "script":  # as join.js sends it: JSON back, the row updated in place, no page
                try:
                    async with lock:
                        response = await browser.send("POST", "/join/guest/vote", urlencode(fields).encode(), headers=SCRIPT_VOTE)
                except HttpError as exc:
                    act.broken, act.refused = True, str(exc)[:160]
                    person.refusals["vote: connection"] += 1
                    await asyncio.sleep(rng.uniform(1, 3))
                    continue
                if response.status == 200 and '"votes"' in response.text:
                    act.acked = response.at
                    person.page = flipped(person.page, fields["question"], "0" if up else "1")
                    return
                act.refused = f"{response.status} {response.text[:120]}"
                person.refusals[f"vote: {response.status}"] += 1
                await asyncio.sleep(rng.uniform(1, 3))
                continue
            try:
                async with lock:
                    response = await browser.post("/join/guest/vote", fields, chain=chain)
            except HttpError as exc:
                if chain and acknowledged(chain[0], "done"):
                    act.acked = chain[0].at
                    return
                act.broken, act.refused = True, str(exc)[:160]
                person.refusals["vote: connection"] += 1
                await asyncio.sleep(rng.uniform(1, 3))
                continue
            if acknowledged(chain[0], "done"):
                act.acked = chain[0].at
                if response.status == 200:
                    person.page = response.text
                return
            act.refused = f"{chain[0].status} {said(chain[0].text)}"
            person.refusals[f"vote: {chain[0].status}"] += 1
            if response.status != 303:
                person.page = response.text
            await asyncio.sleep(rng.uniform(1, 3))

    async def answer(
        self, person: GuestPhone, browser: Browser, lock: asyncio.Lock, rng: random.Random, page: str, url: str, until: float
    ) -> str:
        """Change the phone's answer to the place vote (another place than its last) until acknowledged."""
        last = next((a.value for a in reversed(person.answers) if a.acked), "")
        while time.time() < until:
            fields = None
            for _ in range(5):
                fields = choose(page, self.question, rng, ())
                if fields is None or fields.get("value") != last:
                    break
            if fields is None:
                person.refusals["answer: no form"] += 1
                async with lock:
                    with contextlib.suppress(HttpError):
                        page = (await browser.get(url)).text
                await asyncio.sleep(rng.uniform(1, 3))
                continue
            act = Act(self.question, value=fields.get("value", ""), start=time.time())
            person.answers.append(act)
            chain: list = []
            try:
                async with lock:
                    response = await browser.post("/join/answer", fields, chain=chain)
            except HttpError as exc:
                if chain and lightroom.taken(chain[0]):
                    act.acked = chain[0].at
                    return page
                act.broken, act.refused = True, str(exc)[:160]
                person.refusals["answer: connection"] += 1
                await asyncio.sleep(rng.uniform(1, 3))
                continue
            if lightroom.taken(chain[0]):
                act.acked = chain[0].at
                return response.text
            act.refused = f"{chain[0].status} {said(chain[0].text)}"
            person.refusals[f"answer: {chain[0].status}"] += 1
            page = response.text
            await asyncio.sleep(rng.uniform(1, 3))
        return page


# --- the projector -------------------------------------------------------------------------------------------------


class RowListener(ScreenListener):
    """``lightroom.ScreenListener`` reading rows, not a count: at each event of ``/live/events``, the session's
    votes ((question, participant) -> voted_at) or, for a question id, its answers (participant -> answered_at)."""

    def __init__(self, base: str, code: str, screen: str, database_url: str):
        super().__init__(base, code, screen, database_url)
        self.code = code

    def count(self, question: str):  # rows, for the per-write lag
        with self.engine.connect() as connection:
            if question == "guest":
                query = select(votes_table.c.question, votes_table.c.participant, votes_table.c.voted_at)
                rows = connection.execute(query.where(votes_table.c.session == self.code)).all()
                return {(r.question, r.participant): r.voted_at for r in rows}
            query = select(answers_table.c.participant, answers_table.c.answered_at).where(answers_table.c.question == question)
            return {r.participant: r.answered_at for r in connection.execute(query).all()}

    def totals(self, question: str) -> list[tuple[float, int]]:
        return [(at, len(rows)) for at, rows in self.shown(question)]


async def open_projector(browser, base: str, code: str, screen: str):
    context = await browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
    await context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    await context.add_init_script(GUEST_WATCH)
    page = await context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    await page.goto(f"{base}/live?{urlencode({'code': code, 'screen': screen})}", wait_until="commit")
    shown = True
    try:
        await page.wait_for_function("() => window.__hxGuest.some((t) => t[1] === 0)", timeout=60_000)
    except Exception:  # noqa: BLE001 - the projector has no guest total: said in the report
        shown = False
        problems.append("the projector never showed .hx-guest-total[data-votes] = 0 within 60 s")
    return context, page, problems, shown


def write_lags(acts: Sequence[tuple[Hashable, Act, float]], reads: Sequence[tuple[float, dict]]) -> tuple[list[float], int, int]:
    """Per acknowledged write (its row key, the act, the start of the phone's next write or inf): the first read
    holding the row with a time ≥ the POST's start, minus the row's time. Returns (lags, replaced, never read)."""
    lags, replaced, never = [], 0, 0
    for key, act, following in acts:
        for at, rows in reads:
            stamp = rows.get(key)
            if at >= act.start and stamp is not None and stamp >= act.start - 0.001:
                if stamp >= following:
                    replaced += 1
                else:
                    lags.append(at - stamp)
                break
        else:
            never += 1
    return lags, replaced, never


# --- the checks ------------------------------------------------------------------------------------------------


@dataclass
class VoteCheck:
    acknowledged_ups: int = 0  # acknowledged votes given
    acknowledged_backs: int = 0  # acknowledged votes taken back
    expected: int = 0  # votes that must be there (each phone's last acknowledged act per question is a vote given)
    rows: int = 0
    lost: int = 0  # expected and not there
    extra: int = 0  # there, and neither expected nor a broken try
    doubled: int = 0  # (question, participant) more than once (the primary key forbids it)
    strangers: int = 0  # rows from no phone of this run
    either: int = 0  # a broken try's outcome, kept or not
    lines: list[str] = field(default_factory=list)


def check_votes(database_url: str, code: str, people: list[GuestPhone]) -> tuple[VoteCheck, list[float]]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(votes_table.c.question, votes_table.c.participant, votes_table.c.voted_at).where(votes_table.c.session == code)
        ).all()
        doubled = connection.execute(
            select(votes_table.c.question, votes_table.c.participant)
            .where(votes_table.c.session == code)
            .group_by(votes_table.c.question, votes_table.c.participant)
            .having(func.count() > 1)
        ).all()
    engine.dispose()
    found = VoteCheck(rows=len(rows), doubled=len(doubled))
    kept = {(r.question, r.participant) for r in rows}
    pids = {p.pid for p in people if p.pid}
    found.strangers = sum(1 for _, pid in kept if pid not in pids)
    accounted = set()
    for person in people:
        last: dict[str, Act] = {}
        for act in person.acts:
            if act.acked:
                found.acknowledged_ups += act.up
                found.acknowledged_backs += not act.up
            if act.acked or act.broken:
                last[act.question] = act  # the latest act that may have reached the database
        for question, act in last.items():
            key = (question, person.pid)
            accounted.add(key)
            there = key in kept
            if act.broken:
                found.either += 1
                continue
            if act.up:
                found.expected += 1
                if not there:
                    found.lost += 1
                    found.lines.append(f"phone {person.number}: vote for {question} acknowledged, not kept")
            elif there:
                found.extra += 1
                found.lines.append(f"phone {person.number}: vote for {question} taken back (acknowledged), still kept")
    for key in kept - accounted:
        if key[1] in pids:
            found.extra += 1
            found.lines.append(f"{key}: kept, never acknowledged")
    return found, sorted(r.voted_at for r in rows)


@dataclass
class QuestionCheck:
    acknowledged: int = 0
    rows: int = 0
    lost: int = 0
    wrong: int = 0  # stored with another text
    extra: int = 0  # stored, never acknowledged
    published: int = 0


def check_questions(database_url: str, code: str, people: list[GuestPhone]) -> QuestionCheck:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(guest_questions.c.id, guest_questions.c.participant, guest_questions.c.text, guest_questions.c.state).where(
                guest_questions.c.session == code
            )
        ).all()
    engine.dispose()
    found = QuestionCheck(rows=len(rows), published=sum(1 for r in rows if r.state == "published"))
    stored = {r.id: r for r in rows}
    asked = {p.asked: p for p in people if p.asked}
    found.acknowledged = len(asked)
    for qid, person in asked.items():
        row = stored.get(qid)
        if row is None:
            found.lost += 1
        elif row.text != person.ask_text or row.participant != person.pid:
            found.wrong += 1
    found.extra = sum(1 for qid in stored if qid not in asked)
    return found


@dataclass
class AnswerCheck:
    acknowledged: int = 0  # acknowledged writes
    phones: int = 0  # phones with an acknowledged answer
    rows: int = 0
    lost: int = 0  # the row does not hold the last acknowledged value (nor a later broken try's)
    doubled: int = 0
    strangers: int = 0


def check_answers(database_url: str, question: str, people: list[GuestPhone]) -> AnswerCheck:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(answers_table.c.participant, answers_table.c.value).where(answers_table.c.question == question)
        ).all()
    engine.dispose()
    found = AnswerCheck(rows=len(rows))
    per = Counter(r.participant for r in rows)
    values = {r.participant: r.value for r in rows}
    pids = {p.pid for p in people if p.pid}
    found.doubled = sum(1 for n in per.values() if n > 1)
    found.strangers = sum(1 for pid in per if pid not in pids)
    for person in people:
        acked = [a for a in person.answers if a.acked]
        found.acknowledged += len(acked)
        if not acked:
            continue
        found.phones += 1
        last = acked[-1]
        allowed = {last.value} | {a.value for a in person.answers if a.broken and a.start > last.start}
        if values.get(person.pid) not in allowed:
            found.lost += 1
    return found


# --- the run -----------------------------------------------------------------------------------------------------


@dataclass
class Stage:
    name: str
    wall: float = 0.0  # from the stage's start to its last acknowledgement
    cpu: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)
    checked: dict = field(default_factory=dict)
    questions: dict = field(default_factory=dict)
    posts: int = 0  # POSTs sent (tries)
    post: dict[str, float] = field(default_factory=dict)  # acknowledged POST -> 303
    refusals: dict[str, int] = field(default_factory=dict)
    projector: dict[str, float] = field(default_factory=dict)  # the figure: total ≥ k, Chromium
    projector_never: int = 0
    listener_total: dict[str, float] = field(default_factory=dict)
    listener_total_never: int = 0
    listener_write: dict[str, float] = field(default_factory=dict)  # per write, listener
    replaced: int = 0
    never_read: int = 0
    reads: int = 0
    heard: dict[str, int] = field(default_factory=dict)  # the listener's events by kind during the stage
    client_lag: dict[str, float] = field(default_factory=dict)  # this client's event loop: a 50 ms sleep's overshoot


@dataclass
class Run:
    phones: int
    over: float
    machine_start: str = ""
    machine_end: str = ""
    joined: int = 0
    join: dict[str, float] = field(default_factory=dict)
    reloads: dict[str, float] = field(default_factory=dict)
    wire_guest: dict[str, float] = field(default_factory=dict)  # bytes per phone, the guest stage (joining included)
    wire_base: dict[str, float] = field(default_factory=dict)  # ... the baseline stage
    ask: dict[str, float] = field(default_factory=dict)
    stages: list[Stage] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    projector: str = ""  # "chromium", or why not
    projector_errors: list[str] = field(default_factory=list)
    projector_final: int = -1
    db_votes: int = 0


async def loop_lag(found: list[float], step: float = 0.05) -> None:
    """How late this client's event loop wakes from a ``step`` sleep: when it is late, every phone's clock is too
    (the phones' waits would then be this client's, not the room's)."""
    while True:
        start = time.perf_counter()
        await asyncio.sleep(step)
        found.append(time.perf_counter() - start - step)


def post_seconds(acts: list[Act]) -> dict[str, float]:
    return percentiles([a.acked - a.start for a in acts if a.acked])


async def guest_run(args: argparse.Namespace, logs: Path) -> Run:
    content = load_content()
    run = Run(args.phones, args.over, machine_start=machine_note())
    use_chromium = args.projector == "chromium"
    if use_chromium and not any("hx-guest-total" in p.read_text(errors="replace") for p in (ROOT / "src").rglob("*.py")):
        run.projector = "listener only: the projector has no .hx-guest-total yet"
        use_chromium = False
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS) if use_chromium else None
        replica_env = {"PYTHONPATH": str(args.replica_src)} if args.replica_src else {}
        if args.request_log:  # each replica's log (in --logs) says each request's route, status and milliseconds
            replica_env["EXPLORER_REQUEST_LOG"] = "true"
        with live_load.running_postgres() as (url, postmaster), running_cluster(url, logs, env=replica_env) as cluster:
            store = LiveStore(url)
            book = GuestBook(store)
            print(f"guest hall: nginx {cluster.base}, replicas {', '.join(r.base for r in cluster.replicas)}", flush=True)
            await warm_up(cluster, store, content, chromium)
            for replica in cluster.replicas:  # the guest page's code, once per process
                warm, _ = store.start_session(time.time())
                book.set_room(warm.code, open=True, auto_publish=True)
                one = Browser(replica.base)
                await one.get(f"/join/guest?{urlencode({'code': warm.code, 't': store.signer().ticket(warm.code)})}")
                await one.close()
            session, _ = store.start_session(time.time())
            store.set_cap(session.code, max(args.phones, 10))
            book.set_room(session.code, open=True, auto_publish=True)
            screen = store.signer().screen_key(session.code)
            page = None
            shown = False
            if chromium is not None:
                context, page, run.projector_errors, shown = await open_projector(chromium, cluster.base, session.code, screen)
                run.projector = "chromium" if shown else "listener only: " + "; ".join(run.projector_errors[-1:])
            listener = RowListener(cluster.base, session.code, screen, url)
            listener.question = "guest"
            listener.start()
            hall = Hall(cluster.base, session.code, store.signer().ticket(session.code), args)
            people = [GuestPhone(i) for i in range(args.phones)]

            # --- 1. the guest stage. One process stands for 500 phones: its collector kept from pausing them all
            gc.collect()
            gc.freeze()
            gc.disable()
            usage = Usage(cluster.replicas, postmaster)
            lags: list[float] = []
            lagging = asyncio.create_task(loop_lag(lags))
            hall.t0 = time.time()
            tasks = [asyncio.create_task(hall.run(person)) for person in people]

            await wait_for(lambda: all(p.guest_over for p in people), args.over + 60, 0.25)
            stage = Stage(f"guest questions: {args.phones} phones, {args.askers} ask, {args.votes} votes each")
            acts = [a for p in people for a in p.acts]
            stage.wall = max((a.acked for a in acts if a.acked), default=hall.t0) - hall.t0
            expected_total = sum(1 for p in people for a in p.acts if a.acked and a.up) - sum(
                1 for p in people for a in p.acts if a.acked and not a.up
            )
            await wait_for(lambda: bool(listener.totals("guest")) and listener.totals("guest")[-1][1] >= expected_total, 15)
            stage.cpu, stage.parts, elapsed = usage.done()
            stage.cpu_seconds = sum(stage.cpu) * elapsed / 100
            stage.client_lag, lags[:] = percentiles(lags), []
            await asyncio.sleep(2)  # the projector's last total
            guest_shown: list[tuple[float, int]] = []
            if page is not None and shown:
                guest_shown = [(t / 1000, n) for t, n in await page.evaluate("window.__hxGuest") if n >= 0]
                run.projector_final = guest_shown[-1][1] if guest_shown else -1
            print(f"guest stage done in {stage.wall:.0f} s: {sum(p.votes_done() for p in people)} votes standing", flush=True)

            # --- 2. the baseline: a place vote, each phone changing its answer
            question = store.add_question(place_question(content, session))
            hall.question = question.id
            listener.question = question.id
            usage = Usage(cluster.replicas, postmaster)
            hall.opened = time.time()
            hall.baseline.set()
            store.move(question.id, "open")
            await wait_for(
                lambda: (
                    time.time() > hall.opened + args.over - 3
                    and all(p.done or sum(1 for a in p.answers if a.acked) >= args.votes for p in people)
                ),
                args.over + 60,
                0.25,
            )
            base = Stage(f"baseline, the answers path: {args.phones} phones change a place vote {args.votes} times")
            answers = [a for p in people for a in p.answers]
            base.wall = max((a.acked for a in answers if a.acked), default=hall.opened) - hall.opened
            await asyncio.sleep(2)
            base.cpu, base.parts, elapsed = usage.done()
            base.cpu_seconds = sum(base.cpu) * elapsed / 100
            base.client_lag = percentiles(lags)
            lagging.cancel()
            hall.stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            gc.enable()
            gc.unfreeze()
            await listener.close()
            if chromium is not None:
                await context.close()
            run.joined = lightroom.joined_count(url, session.code)
            run.db_votes = book.vote_count(session.code)

            # --- figures
            checked, voted_at = check_votes(url, session.code, people)
            stage.checked = asdict(checked)
            stage.questions = asdict(check_questions(url, session.code, people))
            stage.posts = len(acts) + sum(1 for p in people if p.ask_text or p.refusals.get("ask: 409"))
            stage.post = post_seconds(acts)
            stage.refusals = dict(
                sum((Counter({k: v for k, v in p.refusals.items() if not k.startswith("answer")}) for p in people), Counter())
            )
            if guest_shown:
                lags, stage.projector_never = live_load.tally_lag(voted_at, [s for s in guest_shown if s[0] >= hall.t0 - 1])
                stage.projector = percentiles(lags)
            totals = listener.totals("guest")
            lags, stage.listener_total_never = live_load.tally_lag(voted_at, totals)
            stage.listener_total = percentiles(lags)
            stage.heard = dict(Counter(kind for at, kind in listener.events if hall.t0 <= at < hall.opened))
            reads = [(at, rows) for at, rows in listener.shown("guest")]
            stage.reads = len(reads)
            keyed: list[tuple[Hashable, Act, float]] = []
            for person in people:
                ordered = sorted(person.acts, key=lambda a: a.start)
                for i, act in enumerate(ordered):
                    if act.acked and act.up:
                        following = next((b.start for b in ordered[i + 1 :] if b.question == act.question), float("inf"))
                        keyed.append(((act.question, person.pid), act, following))
            lags, stage.replaced, stage.never_read = write_lags(keyed, reads)
            stage.listener_write = percentiles(lags)
            run.stages.append(stage)

            base.checked = asdict(check_answers(url, question.id, people))
            base.posts = len(answers)
            base.post = post_seconds(answers)
            base.refusals = dict(
                sum((Counter({k: v for k, v in p.refusals.items() if k.startswith("answer")}) for p in people), Counter())
            )
            reads = listener.shown(question.id)
            base.reads = len(reads)
            base.heard = dict(Counter(kind for at, kind in listener.events if at >= hall.opened))
            answered: list[tuple[Hashable, Act, float]] = []
            for person in people:
                ordered = sorted(person.answers, key=lambda a: a.start)
                for i, act in enumerate(ordered):
                    if act.acked:
                        following = ordered[i + 1].start if i + 1 < len(ordered) else float("inf")
                        answered.append((person.pid, act, following))
            lags, base.replaced, base.never_read = write_lags(answered, reads)
            base.listener_write = percentiles(lags)
            run.stages.append(base)

            run.join = percentiles([p.join_seconds for p in people if p.join_seconds is not None])
            run.reloads = percentiles([float(p.reloads) for p in people])
            run.wire_guest = percentiles([float(p.wire_guest) for p in people if p.wire_guest])
            run.wire_base = percentiles([float(p.wire - p.wire_guest) for p in people if p.wire_guest])
            run.ask = percentiles([p.ask_seconds for p in people if p.ask_seconds is not None])
            run.errors = [f"phone {p.number}: {e}" for p in people for e in p.errors]
            run.machine_end = machine_note()
            store.close()
        if chromium is not None:
            await chromium.close()
    return run


# --- the report ------------------------------------------------------------------------------------------------


def report(run: Run, args: argparse.Namespace) -> list[tuple[str, bool]]:
    guest, base = run.stages
    v, q, a = guest.checked, guest.questions, base.checked
    print()
    print(
        f"QUESTIONS FOR THE GUEST: {run.phones} phones, two replicas + PostgreSQL behind nginx ({run.machine_start} at the "
        f"start, {run.machine_end} at the end)"
    )
    print(
        f"  joined {run.joined}; join (QR link, its files, the guest page) p50/p95/max {ms(run.join)}; phone errors {len(run.errors)}"
    )
    for line in run.errors[:8]:
        print("   ", line)
    print(
        "  guest page loaded again on the stream's news, per phone p50/p95/max: "
        + " / ".join(f"{run.reloads.get(k, 0):.0f}" for k in ("p50", "p95", "max"))
    )
    for label, wire in (("guest stage (joining included)", run.wire_guest), ("baseline stage", run.wire_base)):
        kb = {k: v / 1024 for k, v in wire.items() if k != "n"}
        print(f"  bytes per phone, {label}: p50 {kb.get('p50', 0):.0f} KB, p95 {kb.get('p95', 0):.0f} KB")
    for stage in run.stages:
        print(f"  {stage.name}: last acknowledgement {stage.wall:.1f} s after the start")
        print(f"    POSTs {stage.posts}, acknowledged POST -> 303 p50/p95/max {ms(stage.post)}; refusals {stage.refusals or 0}")
        if stage is guest:
            print(
                f"    votes: acknowledged given {v['acknowledged_ups']}, taken back {v['acknowledged_backs']}; expected in the "
                f"database {v['expected']}, rows {v['rows']}; lost {v['lost']}, kept though not acknowledged {v['extra']}, doubled "
                f"{v['doubled']}, from nobody {v['strangers']}, broken tries (either way) {v['either']}"
            )
            for line in v["lines"][:5]:
                print("     ", line)
            print(
                f"    questions: asked and acknowledged {q['acknowledged']}, rows {q['rows']} ({q['published']} published); lost "
                f"{q['lost']}, wrong {q['wrong']}, not acknowledged {q['extra']}; ask POST -> 303 {ms(run.ask)}"
            )
            print(
                f"    projector total (Chromium, k-th vote's voted_at -> total ≥ k): {ms(stage.projector)}"
                + (f", {stage.projector_never} never shown" if stage.projector_never else "")
                + f"; its last total {run.projector_final} (database {run.db_votes})"
            )
            print(
                f"    listener total (/live/events + a read, same definition): {ms(stage.listener_total)}"
                + (f", {stage.listener_total_never} never read" if stage.listener_total_never else "")
            )
        else:
            print(
                f"    answers: acknowledged {a['acknowledged']} from {a['phones']} phones, rows {a['rows']}; lost {a['lost']}, "
                f"doubled {a['doubled']}, from nobody {a['strangers']}"
            )
        print(
            f"    per write (listener: the row's time -> the first read holding it): {ms(stage.listener_write)}; replaced before "
            f"read {stage.replaced}, never read {stage.never_read}; reads {stage.reads}, events heard {stage.heard}"
        )
        print(f"    this client's event loop, late from a 50 ms sleep p50/p95/max: {ms(stage.client_lag)}")
        print(
            f"    replicas' CPU (% of a core): {percent(stage.cpu)}, {stage.cpu_seconds:.1f} s in all; PostgreSQL "
            f"{stage.parts.get('PostgreSQL', 0):.0f}, nginx {stage.parts.get('nginx', 0):.0f}, this client "
            f"{stage.parts.get('client', 0):.0f}, Chromium {stage.parts.get('browser', 0):.0f}; machine busy "
            f"{stage.parts.get('machine busy', 0):.0f} (others {others(stage.parts, sum(stage.cpu)):.0f}), stolen "
            f"{stage.parts.get('stolen', 0):.0f}"
        )
    print(f"  projector: {run.projector}")
    for line in run.projector_errors[:5]:
        print("   ", line)

    figure = guest.projector or guest.listener_total
    which = "Chromium" if guest.projector else "listener"
    checks = [
        (f"{run.phones} phones joined", run.joined == run.phones and not run.errors),
        (
            f"{args.askers} questions asked and stored (acknowledged {q['acknowledged']}, rows {q['rows']})",
            q["acknowledged"] == args.askers and q["rows"] == args.askers and q["lost"] == 0 and q["wrong"] == 0,
        ),
        (
            f"{args.phones * args.votes} votes standing, within {args.over:.0f} s (expected {v['expected']}, last "
            f"acknowledged at {guest.wall:.1f} s)",
            v["expected"] == args.phones * args.votes and guest.wall <= args.over,
        ),
        (
            "0 votes lost or doubled, none kept unacknowledged",
            v["lost"] == 0 and v["doubled"] == 0 and v["extra"] == 0 and v["strangers"] == 0,
        ),
        (
            f"projector p95 ≤ {LAG_TARGET:.1f} s ({which}: {figure.get('p95', float('nan')):.3f} s)",
            bool(figure)
            and figure["p95"] <= LAG_TARGET
            and (guest.projector_never if guest.projector else guest.listener_total_never) == 0,
        ),
        (
            f"baseline: 0 answers lost or doubled ({a['acknowledged']} acknowledged)",
            a["lost"] == 0 and a["doubled"] == 0 and a["strangers"] == 0 and a["phones"] == run.phones,
        ),
    ]
    print()
    print(
        f"per write, listener p95: guest votes {guest.listener_write.get('p95', float('nan')) * 1000:.0f} ms, answers (baseline) "
        f"{base.listener_write.get('p95', float('nan')) * 1000:.0f} ms; replicas' CPU {sum(guest.cpu):.0f}% against "
        f"{sum(base.cpu):.0f}%"
    )
    for label, ok in checks:
        print(f"{'met' if ok else 'MISSED'}: {label}")
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument("--askers", type=int, default=100)
    parser.add_argument("--votes", type=int, default=6, help="votes each phone gives (and answers it sends in the baseline)")
    parser.add_argument("--over", type=float, default=60.0, help="seconds of each stage")
    parser.add_argument("--arrive", type=float, default=30.0, help="seconds over which the phones arrive")
    parser.add_argument("--projector", choices=("chromium", "listener"), default="chromium")
    parser.add_argument(
        "--reloads",
        choices=("news", "none"),
        default="news",
        help="news: a phone loads the guest page again on each guest event with a new digest, as join.js does; none: "
        "not on news (a what-if: a phone then gets the pages after its own asks and votes, and loads the page again "
        "itself when it shows nothing to vote for)",
    )
    parser.add_argument(
        "--replica-src",
        type=Path,
        help="a what-if: the replicas import the explorer from this folder (the src/ of a patched checkout) instead of this one",
    )
    parser.add_argument(
        "--voting",
        choices=("script", "page"),
        default="script",
        help="script: votes sent as join.js sends them (JSON back, the row updated in place); page: as a form without script",
    )
    parser.add_argument("--request-log", action="store_true", help="the replicas log every request (see --logs)")
    parser.add_argument("--logs", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not 0 < args.askers <= args.phones:
        parser.error(f"--askers must be between 1 and --phones ({args.phones}), not {args.askers}")
    raise_open_files()
    with contextlib.ExitStack() as stack:
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            logs = args.logs
        else:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hx-guest-hall-")))
        print(
            f"{machine_note()}; {args.phones} phones, {args.askers} questions, {args.votes} votes each, {args.over:.0f} s, "
            f"reloads: {args.reloads}",
            flush=True,
        )
        run = asyncio.run(guest_run(args, logs))
        checks = report(run, args)
        if args.json:
            args.json.write_text(json.dumps(asdict(run), indent=1, default=str))
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
