"""The hostile client of issue 23, after the change: what a script can still do to a live session.

Two setups, one after the other, each with sessions made by ``LiveStore`` in this process:

- **bare**: one ``serve.py`` on 127.0.0.1 as README starts it (no proxy, ``trusted_proxies`` empty, its SQLite
  store); the attacker on 127.0.0.1 too, as the issue's was.
- **cluster**: two replicas (``EXPLORER_TRUSTED_PROXIES=127.0.0.1``) behind nginx with PostgreSQL
  (``bench/lightroom.py``). The attacker connects from other loopback addresses (127.0.0.2 and up: Linux routes all
  of 127.0.0.0/8 to itself), so that nginx, trusted, names it in the ``X-Forwarded-For`` it appends, as it would
  name a phone's public address.

The attacks (a fresh source address for each, since the limiters remember addresses):

1. **Forged and foreign tokens.** A phone joins and answers; then answers are posted for the same question with a
   cookie the server did not sign: made-up ids with made-up signatures, the victim's id with a made-up, altered,
   cut or missing signature, a cookie signed for another session, malformed values; the old ``me=`` token in
   the address and in the form; and the victim's own link without its cookie (a stranger who saw it). Accepted =
   a row under an id the attacker made up, or the victim's answer changed. Target: 0.
2. **Forged X-Forwarded-For.** Wrong codes (``POST /join``) as fast as the server answers, until every answer is
   "too many" (or ``--attempts``): once with no header, once with a fresh made-up address in each request's
   ``X-Forwarded-For``. Extra guesses bought = the wrong codes looked up with the header minus without. Target: 0.
   In the cluster also straight to a replica (past nginx) with the header: the replica does not trust that peer;
   and with a QR code's ticket (``t=``) in each guess, made up or another session's real one: a ticket lets a
   phone past a blocked address only for the session it was made for.
3. **The presenter after the block** (cluster): from the blocked address, the presenter's link (a Streamlit tab
   through nginx) must show the controls, the screen link the board, the projector's stream must open, a phone
   already in the session must still be served, and so must a new phone by the QR code's link (its ticket). A
   new phone typing the right code from that address is reported (it counts as guessing there).
4. **Session flood.** The start page's "Start a live session" pressed again and again from one address (a
   Streamlit tab each time, ``bench/stclient.py``), with and without made-up ``X-Forwarded-For``; sessions kept
   in the database. Target: at most ``SESSIONS_PER_HOUR`` per address.
5. **Scripted voters.** A script joining as a new phone (no cookie) and answering, four at a time, for
   ``--seconds`` or until refused as full 40 times; the session's cap set to ``--cap``. Target: at most the cap.
   Also with the default cap (cluster): how fast a script fills it.

Exits 1 when a target is missed.

Run: .venv/bin/python bench/hostile.py [--seconds 20] [--cap 50] [--attempts 600] [--setups bare cluster]
Needs Debian's postgresql and nginx.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import random
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import websockets
from sqlalchemy import func, select

from explorer.i18n import t
from explorer.live import (
    CODE_ALPHABET,
    CODE_LENGTH,
    SESSIONS_PER_HOUR,
    TOO_MANY_SESSIONS,
    TOO_MANY_TRIES,
    scene_question,
)
from explorer.liveauth import Signer, cookie_name
from explorer.livestore import LiveStore, sqlite_url
from explorer.livestore import answers as answers_table
from explorer.livestore import participants as participants_table
from explorer.livestore import sessions as sessions_table
from explorer.loader import load_content

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lightclient import Browser, Cookie, HttpError, forms  # noqa: E402
from lightroom import running_cluster  # noqa: E402
from live_load import running_postgres  # noqa: E402
from server import running_server  # noqa: E402
from stclient import Tab  # noqa: E402

FORM = ("Content-Type", "application/x-www-form-urlencoded")


class Addresses:
    """A fresh loopback address for each attack."""

    def __init__(self) -> None:
        self.next = 2

    def take(self) -> str:
        self.next += 1
        return f"127.0.0.{self.next}"


def made_up_address(rng: random.Random) -> str:
    return f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def random_code(rng: random.Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# --- 1. forged and foreign tokens -----------------------------------------------------------------------------------


@dataclass
class Tokens:
    tried: Counter = field(default_factory=Counter)  # kind -> tries
    answers: Counter = field(default_factory=Counter)  # kind -> "status[+sent]" of each try
    made_up_rows: int = 0  # rows under ids the attacker made up
    victim_changed: bool = False
    victim_participants: int = 0  # ids in live_participants equal to the victim's but made by someone else (never)
    stranger_rows: int = 0  # rows of strangers who opened the victim's link (new participants: allowed)

    @property
    def accepted(self) -> int:
        return self.made_up_rows + int(self.victim_changed)


async def join_and_answer(
    base: str, local: str | None, code: str, question: str, pick: int = 0, browser: Browser | None = None
) -> tuple[Browser, str, str, int, str]:
    """A phone joins and answers: (its browser, its pid, the value sent, the POST's status, its Location)."""
    browser = browser or Browser(base, local)
    page = await browser.get(f"/join?{urlencode({'code': code})}")
    pid = browser.cookies[cookie_name(code)].value.split(".")[0] if cookie_name(code) in browser.cookies else ""
    form = next((f for f in forms(page.text) if f.hidden.get("question") == question), None)
    if form is None or not form.choices:
        return browser, pid, "", page.status, ""
    name, value = form.choices[pick % len(form.choices)]
    chain: list = []
    await browser.post("/join/answer", {**form.hidden, name: value}, chain=chain, follow=False)
    return browser, pid, value, chain[0].status, chain[0].header("location") or ""


async def forged_tokens(
    base: str, local: str, store: LiveStore, code: str, question, other_code: str, per_kind: int, rng: random.Random
) -> Tokens:
    found = Tokens()
    victim, victim_pid, victim_value, status, _ = await join_and_answer(base, local, code, question.id, pick=0)
    if status != 303:
        raise RuntimeError(f"the victim's answer was not taken ({status})")
    victim_cookie = victim.cookies[cookie_name(code)].value
    other, _, _, _, _ = await join_and_answer(base, local, other_code, "", pick=0)
    foreign = other.cookies[cookie_name(other_code)].value  # signed, for another session
    attacker_choice = question.choices[-1] if question.choices[-1] != victim_value else question.choices[-2]
    signature = victim_cookie.split(".", 1)[1]
    made_up: set[str] = set()

    def pid() -> str:
        value = secrets.token_urlsafe(16)
        made_up.add(value)
        return value

    kinds = {
        "made-up id and signature": lambda: f"{pid()}.{b64(secrets.token_bytes(32))}",
        "victim's id, made-up signature": lambda: f"{victim_pid}.{b64(secrets.token_bytes(32))}",
        "victim's id, signature altered": lambda: f"{victim_pid}.{flip(signature, rng)}",
        "victim's id, signature cut": lambda: f"{victim_pid}.{signature[: rng.randint(0, len(signature) - 1)]}",
        "victim's id alone": lambda: victim_pid,
        "made-up id, the victim's signature": lambda: f"{pid()}.{signature}",
        "another session's cookie": lambda: foreign,
        "signed with another secret": lambda: Signer(secrets.token_hex(32)).issue(code),
        "malformed": lambda: rng.choice(
            [
                "",
                ".",
                "..",
                f"{victim_pid}..{signature}",
                "x" * 5000,
                f"{victim_pid}.{signature}\u200b",
                "%00",
                f"{victim_pid} .{signature}",
                f"{victim_pid}.{signature}.{signature}",
                "é.é",
            ]
        ),
    }
    fields = {"code": code, "question": question.id, "value": attacker_choice}
    for kind, make in kinds.items():
        for _ in range(per_kind):
            browser = Browser(base, local)
            value = make()
            if kind.startswith("signed with another secret"):
                made_up.add(value.split(".")[0])
            browser.cookies[cookie_name(code)] = Cookie(value, "/join")
            chain: list = []
            try:
                await browser.post("/join/answer", fields, chain=chain, follow=False)
                location = chain[0].header("location") or ""
                found.answers[f"{kind}: {chain[0].status}{' sent' if 'sent=' in location else ''}"] += 1
            except HttpError as exc:
                found.answers[f"{kind}: {type(exc).__name__}"] += 1
            found.tried[kind] += 1
            await browser.close()
    # the old token in the address and in the form, without a cookie; and the victim's link opened by a stranger
    for _ in range(per_kind):
        browser = Browser(base, local)
        chain = []
        with contextlib.suppress(HttpError):
            await browser.get(f"/join?{urlencode({'code': code, 'me': victim_pid})}", chain=chain)
            await browser.post("/join/answer", {**fields, "me": victim_pid}, chain=chain, follow=False)
            found.answers[f"old me= token: {chain[-1].status}"] += 1
        found.tried["old me= token (address and form)"] += 1
        await browser.close()
    strangers = set()
    for _ in range(per_kind):
        browser, stranger, _, status, _ = await join_and_answer(base, local, code, question.id, pick=rng.randrange(99))
        strangers.add(stranger)
        found.tried["the victim's link, no cookie (a stranger)"] += 1
        found.answers[f"the victim's link: {status}"] += 1
        await browser.close()
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(answers_table.c.participant, answers_table.c.value).where(answers_table.c.question == question.id)
        ).all()
        joined = connection.execute(select(participants_table.c.token).where(participants_table.c.session == code)).scalars().all()
    values = {r.participant: r.value for r in rows}
    found.made_up_rows = sum(1 for r in rows if r.participant in made_up)
    found.made_up_rows += sum(1 for token in joined if token in made_up)
    found.victim_changed = values.get(victim_pid) != victim_value
    found.stranger_rows = sum(1 for r in rows if r.participant in strangers)
    await victim.close()
    await other.close()
    return found


def flip(signature: str, rng: random.Random) -> str:
    at = rng.randrange(len(signature))
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return signature[:at] + rng.choice(letters.replace(signature[at], "")) + signature[at + 1 :]


# --- 2. wrong codes, with and without a forged X-Forwarded-For ------------------------------------------------------


@dataclass
class Guesses:
    label: str
    sent: int = 0
    looked_up: int = 0  # answered "no such session" (404): a guess that counted as one
    blocked: int = 0  # answered "too many" (429)
    other: Counter = field(default_factory=Counter)
    seconds: float = 0.0


async def wrong_codes(
    label: str,
    base: str,
    local: str | None,
    forge: bool,
    attempts: int,
    seconds: float,
    rng: random.Random,
    ticket: Callable[[], str] | None = None,
) -> Guesses:
    """Wrong codes until every answer is "too many" for a while (40 in a row), ``attempts`` or ``seconds``; with
    ``ticket``, each carrying the ticket it makes (``t=``, as the QR code's link carries one)."""
    found = Guesses(label)
    browser = Browser(base, local)
    streak = 0
    start = time.perf_counter()
    while found.sent < attempts and time.perf_counter() - start < seconds and streak < 40:
        headers = [FORM, ("X-Forwarded-For", made_up_address(rng))] if forge else [FORM]
        body = urlencode({"code": random_code(rng), **({"t": ticket()} if ticket else {})}).encode()
        found.sent += 1
        try:
            response = await browser.send("POST", "/join", body, headers=headers, follow=False)
        except HttpError as exc:
            found.other[type(exc).__name__] += 1
            continue
        if response.status == 404:
            found.looked_up += 1
            streak = 0
        elif response.status == 429:
            found.blocked += 1
            streak += 1
        else:
            found.other[str(response.status)] += 1
    found.seconds = time.perf_counter() - start
    await browser.close()
    return found


# --- Streamlit tabs from a given address -------------------------------------------------------------------------


async def open_tab(
    base: str, query: str, page: str, local: str | None = None, headers: dict[str, str] | None = None
) -> tuple[Tab, object]:
    """A Streamlit tab (``stclient.Tab``) whose websocket leaves from ``local`` with extra handshake headers."""
    tab = Tab(base, page=page)
    tab.query_string = query
    start = time.perf_counter()
    tab._socket = await asyncio.wait_for(
        websockets.connect(
            tab.ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            compression=None,
            origin=tab.base_url,
            additional_headers=headers or None,
            local_addr=(local, 0) if local else None,
        ),
        tab.timeout,
    )
    tab._reader = asyncio.create_task(tab._read())
    run = await tab._rerun([], "", start)
    return tab, run


# --- 3. the presenter after the block ----------------------------------------------------------------------------


@dataclass
class Presenter:
    blocked_first: Guesses | None = None
    wrong_keys: int = 0  # presenter links with a wrong key opened before the page said "too many" (0: not tried)
    controls: bool = False  # the presenter's link shows the controls
    presenter_alerts: list[str] = field(default_factory=list)
    screen: bool = False  # the screen link shows the board, without the "too many" warning
    screen_alerts: list[str] = field(default_factory=list)
    stream: int = 0  # status of /live/events with the presenter's key
    phone_in: int = 0  # a phone already in the session: its page's status
    new_phone: int = 0  # a new phone typing the right code, from the blocked address
    scanned: int = 0  # a new phone by the QR code's link (code and ticket), from the blocked address


async def presenter_after_block(
    base: str,
    local: str | None,
    code: str,
    key: str,
    screen: str,
    ticket: str,
    phone: Browser,
    attempts: int,
    rng: random.Random,
    wrong_keys: bool = False,
) -> Presenter:
    """Block the address with wrong codes on /join (and, with ``wrong_keys``, with presenter links holding wrong
    keys, as the presenter's page counts them), then try what must still work from it."""
    found = Presenter()
    found.blocked_first = await wrong_codes("to block the address", base, local, False, attempts, 120, rng)
    blocked = t(TOO_MANY_TRIES, "en")
    while wrong_keys and found.wrong_keys < 200:
        found.wrong_keys += 1
        tab, _ = await open_tab(base, urlencode({"code": code, "key": secrets.token_urlsafe(16)}), "live", local)
        said = [text for _, text in tab.alerts]
        await tab.close()
        if blocked in said:
            break
    tab, _ = await open_tab(base, urlencode({"code": code, "key": key}), "live", local)
    found.presenter_alerts = [text[:120] for _, text in tab.alerts]
    found.controls = any(w.user_key == "live-add" for w in tab.widgets.values()) and blocked not in found.presenter_alerts
    await tab.close()
    tab, _ = await open_tab(base, urlencode({"code": code, "screen": screen}), "live", local)
    found.screen_alerts = [text[:120] for _, text in tab.alerts]
    found.screen = blocked not in found.screen_alerts and not any(e.startswith("exception") for e in tab.errors)
    await tab.close()
    events = Browser(base, local)
    with contextlib.suppress(HttpError):
        head, _ = await events.connection.start(
            "GET", f"/live/events?{urlencode({'code': code, 'key': key})}", [("Accept", "text/event-stream")]
        )
        found.stream = head.status_code
    await events.close()
    if local is not None:
        phone.local_address = local
        await phone.connection.close()
        phone.connection.local_address = local
    found.phone_in = (await phone.get(f"/join?{urlencode({'code': code})}")).status
    newcomer = Browser(base, local)
    found.new_phone = (await newcomer.get(f"/join?{urlencode({'code': code})}")).status
    await newcomer.close()
    newcomer = Browser(base, local)
    found.scanned = (await newcomer.get(f"/join?{urlencode({'code': code, 't': ticket})}")).status
    await newcomer.close()
    return found


# --- 4. session flood --------------------------------------------------------------------------------------------


@dataclass
class Flood:
    label: str
    pressed: int = 0
    started: int = 0  # the address got a session (the tab's address gained a code)
    refused: int = 0  # the page said "too many sessions"
    kept: int = 0  # sessions in the database made during the flood
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


async def flood(label: str, base: str, local: str | None, forge: bool, presses: int, store: LiveStore, rng: random.Random) -> Flood:
    found = Flood(label)
    refused = t(TOO_MANY_SESSIONS, "en")
    since = time.time()
    start = time.perf_counter()
    for _ in range(presses):
        headers = {"X-Forwarded-For": made_up_address(rng)} if forge else None
        try:
            tab, _ = await open_tab(base, "", "live", local, headers)
            seen = len(tab.alerts)
            await tab.click("live-start")
            found.pressed += 1
            if "code=" in tab.query_string:
                found.started += 1
            if any(text.startswith(refused[:40]) for _, text in tab.alerts[seen:]):
                found.refused += 1
            await tab.close()
        except Exception as exc:  # noqa: BLE001
            found.errors.append(f"{type(exc).__name__}: {exc}"[:160])
    found.seconds = time.perf_counter() - start
    with store.engine.connect() as connection:
        found.kept = connection.scalar(select(func.count()).select_from(sessions_table).where(sessions_table.c.created >= since))
    return found


# --- 5. scripted voters ------------------------------------------------------------------------------------------


@dataclass
class Voters:
    label: str
    cap: int
    tried: int = 0
    joined: int = 0  # new participant cookies given
    acknowledged: int = 0  # answers taken (303 with the page's "sent")
    refused: Counter = field(default_factory=Counter)
    rows: int = 0
    participants: int = 0
    seconds: float = 0.0
    filling: float = 0.0  # seconds until the last answer taken

    @property
    def per_minute(self) -> float:
        return 60 * self.acknowledged / self.filling if self.filling else 0.0


async def voters(
    label: str,
    base: str,
    local: str | None,
    code: str,
    question,
    cap: int,
    seconds: float,
    store: LiveStore,
    rng: random.Random,
    parallel: int = 4,
) -> Voters:
    found = Voters(label, cap)
    start = time.perf_counter()

    async def script() -> None:
        while time.perf_counter() - start < seconds and found.refused["403"] < 40:  # 403: the session is full
            found.tried += 1
            try:
                browser, pid, _, status, location = await join_and_answer(base, local, code, question.id, pick=rng.randrange(99))
            except (HttpError, KeyError) as exc:
                found.refused[type(exc).__name__] += 1
                continue
            await browser.close()
            if pid:
                found.joined += 1
            if status == 303 and "sent=" in location:
                found.acknowledged += 1
                found.filling = time.perf_counter() - start
            else:
                found.refused[str(status)] += 1
                if status in (403, 429):  # full, or too many new participants: the script waits a little
                    await asyncio.sleep(0.2)

    await asyncio.gather(*(script() for _ in range(parallel)))
    found.seconds = time.perf_counter() - start
    with store.engine.connect() as connection:
        found.rows = connection.scalar(select(func.count()).select_from(answers_table).where(answers_table.c.question == question.id))
        found.participants = connection.scalar(
            select(func.count()).select_from(participants_table).where(participants_table.c.session == code)
        )
    return found


# --- the setups --------------------------------------------------------------------------------------------------


@dataclass
class Setup:
    name: str
    tokens: Tokens | None = None
    guesses: list[Guesses] = field(default_factory=list)
    presenter: Presenter | None = None
    floods: list[Flood] = field(default_factory=list)
    voters: list[Voters] = field(default_factory=list)


async def attack(name: str, base: str, store: LiveStore, args: argparse.Namespace, direct: str | None = None) -> Setup:
    rng = random.Random(23)
    content = load_content()
    found = Setup(name)
    addresses = Addresses()
    bare = name == "bare"
    here = (lambda: None) if bare else addresses.take  # the bare setup: the issue's attacker, on 127.0.0.1

    def session_with_question(cap: int | None = None):
        session, key = store.start_session(time.time())
        if cap is not None:
            store.set_cap(session.code, cap)
        question = store.add_question(scene_question(content, session))
        store.move(question.id, "open")
        return session, key, question

    session, key, question = session_with_question()
    other, _, _ = session_with_question()
    print(f"{name}: forged and foreign tokens", flush=True)
    found.tokens = await forged_tokens(base, here() or "127.0.0.1", store, session.code, question, other.code, args.per_kind, rng)

    print(f"{name}: wrong codes", flush=True)
    first = addresses.take() if not bare else None
    found.guesses.append(await wrong_codes("without X-Forwarded-For", base, first, False, args.attempts, 120, rng))
    if bare:  # the same address again would be blocked already: the server must be fresh for each
        return found
    found.guesses.append(
        await wrong_codes("a made-up X-Forwarded-For each time", base, addresses.take(), True, args.attempts, 120, rng)
    )
    if direct:
        found.guesses.append(
            await wrong_codes(
                "straight to a replica, made-up X-Forwarded-For", direct, addresses.take(), True, args.attempts, 120, rng
            )
        )
    found.guesses.append(
        await wrong_codes(
            "a made-up ticket (t=) each time",
            base,
            addresses.take(),
            False,
            args.attempts,
            120,
            rng,
            ticket=lambda: b64(secrets.token_bytes(12)),
        )
    )
    found.guesses.append(
        await wrong_codes(
            "another session's real ticket each time",
            base,
            addresses.take(),
            False,
            args.attempts,
            120,
            rng,
            ticket=lambda: store.signer().ticket(other.code),
        )
    )

    print(f"{name}: the presenter after the block", flush=True)
    in_session, _, _, _, _ = await join_and_answer(base, addresses.take(), session.code, question.id)
    found.presenter = await presenter_after_block(
        base,
        addresses.take(),
        session.code,
        key,
        store.signer().screen_key(session.code),
        store.signer().ticket(session.code),
        in_session,
        args.attempts,
        rng,
    )
    await in_session.close()

    print(f"{name}: session flood", flush=True)
    found.floods.append(await flood("one address", base, addresses.take(), False, args.presses, store, rng))
    found.floods.append(await flood("a made-up X-Forwarded-For each time", base, addresses.take(), True, args.presses, store, rng))

    print(f"{name}: scripted voters", flush=True)
    capped, _, capped_question = session_with_question(cap=args.cap)
    found.voters.append(
        await voters(f"cap {args.cap}", base, addresses.take(), capped.code, capped_question, args.cap, args.seconds, store, rng)
    )
    default, _, default_question = session_with_question()
    found.voters.append(
        await voters("default cap", base, addresses.take(), default.code, default_question, default.cap, 90, store, rng)
    )
    return found


def run_bare(args: argparse.Namespace) -> Setup:
    """One server per attack from 127.0.0.1 (each attack leaves the address blocked or counted)."""
    found = Setup("bare")
    with tempfile.TemporaryDirectory(prefix="hx-hostile-") as folder:
        env = {"EXPLORER_TILES": "offline", "EXPLORER_LIVE_DIR": folder}
        with running_server("serve.py", env=env) as server:
            store = LiveStore(sqlite_url(Path(folder)))
            first = asyncio.run(attack("bare", server.base, store, args))
            found.tokens, found.guesses = first.tokens, first.guesses
            store.close()
    for forge, label in ((True, "a made-up X-Forwarded-For each time"),):
        with (
            tempfile.TemporaryDirectory(prefix="hx-hostile-") as folder,
            running_server("serve.py", env={"EXPLORER_TILES": "offline", "EXPLORER_LIVE_DIR": folder}) as server,
        ):
            found.guesses.append(asyncio.run(wrong_codes(label, server.base, None, forge, args.attempts, 120, random.Random(5))))
    with (
        tempfile.TemporaryDirectory(prefix="hx-hostile-") as folder,
        running_server("serve.py", env={"EXPLORER_TILES": "offline", "EXPLORER_LIVE_DIR": folder}) as server,
    ):
        store = LiveStore(sqlite_url(Path(folder)))
        rng = random.Random(7)

        async def rest() -> None:
            found.floods.append(await flood("one tab's address", server.base, None, False, args.presses, store, rng))
            found.floods.append(await flood("a made-up X-Forwarded-For each time", server.base, None, True, args.presses, store, rng))
            content = load_content()
            session, _ = store.start_session(time.time())
            store.set_cap(session.code, args.cap)
            question = store.add_question(scene_question(content, session))
            store.move(question.id, "open")
            found.voters.append(
                await voters(f"cap {args.cap}", server.base, None, session.code, question, args.cap, args.seconds, store, rng)
            )
            # the presenter: the address blocked by wrong codes on /join and wrong keys on the presenter's page
            session, key = store.start_session(time.time())
            question = store.add_question(scene_question(content, session))
            store.move(question.id, "open")
            phone, _, _, _, _ = await join_and_answer(server.base, None, session.code, question.id)
            found.presenter = await presenter_after_block(
                server.base,
                None,
                session.code,
                key,
                store.signer().screen_key(session.code),
                store.signer().ticket(session.code),
                phone,
                args.attempts,
                rng,
                wrong_keys=True,
            )
            await phone.close()

        asyncio.run(rest())
        store.close()
    return found


def run_cluster(args: argparse.Namespace) -> Setup:
    with (
        tempfile.TemporaryDirectory(prefix="hx-hostile-") as folder,
        running_postgres() as (url, _),
        running_cluster(url, Path(folder)) as cluster,
    ):
        store = LiveStore(url)
        direct = cluster.replicas[1].base
        found = asyncio.run(attack("cluster", cluster.base, store, args, direct=direct))
        store.close()
    return found


# --- the report --------------------------------------------------------------------------------------------------


def report(setups: list[Setup], args: argparse.Namespace) -> list[tuple[str, bool]]:
    checks = []
    for s in setups:
        print()
        print(
            f"{s.name.upper()}: "
            + (
                "one serve.py on 127.0.0.1, no proxy, trusted_proxies empty, SQLite; the attacker on 127.0.0.1"
                if s.name == "bare"
                else "two replicas behind nginx (trusted_proxies 127.0.0.1), PostgreSQL; the attacker on 127.0.0.x, x ≥ 3"
            )
        )
        if s.tokens:
            tk = s.tokens
            print(
                f"  1. forged and foreign tokens: {sum(tk.tried.values())} tries; accepted {tk.accepted} "
                f"(rows under made-up ids {tk.made_up_rows}, the victim's answer changed: "
                f"{'YES' if tk.victim_changed else 'no'}); strangers with the victim's link answered as new "
                f"participants: {tk.stranger_rows}"
            )
            for kind, n in sorted(tk.answers.items()):
                print(f"       {kind}: {n}")
            checks.append((f"{s.name}: forged or foreign tokens accepted: 0", tk.accepted == 0))
            checks.append((f"{s.name}: a stranger holding a phone's link changes nothing", not tk.victim_changed))
        for g in s.guesses:
            print(
                f"  2. wrong codes, {g.label}: {g.sent} sent in {g.seconds:.1f} s; looked up {g.looked_up}, "
                f"refused as too many {g.blocked}" + (f", other {dict(g.other)}" if g.other else "")
            )
        base = s.guesses[0].looked_up if s.guesses else 0
        for g in s.guesses[1:]:
            extra = g.looked_up - base
            checks.append((f"{s.name}: 0 extra guesses bought by {g.label} ({extra:+d})", extra <= 0))
        if s.presenter:
            p = s.presenter
            keys = f"; {p.wrong_keys} presenter links with wrong keys until the page said too many" if p.wrong_keys else ""
            print(
                f"  3. the address blocked ({p.blocked_first.looked_up} wrong codes looked up, then "
                f"{p.blocked_first.blocked} refused{keys}); from it: presenter's controls shown "
                f"{'yes' if p.controls else 'NO'}, screen link's board {'yes' if p.screen else 'NO'}, projector's "
                f"stream {p.stream}, a phone already in {p.phone_in}, a new phone by the QR code's link {p.scanned}, a new "
                f"phone typing the right code {p.new_phone}"
            )
            for alert in p.presenter_alerts[:3]:
                print(f"       presenter's page says: {alert}")
            checks.append(
                (f"{s.name}: the presenter is never locked out", p.controls and p.screen and p.stream == 200 and p.phone_in == 200)
            )
            checks.append(
                (
                    f"{s.name}: phones in the room and phones scanning the QR code are not locked out either",
                    p.phone_in == 200 and p.scanned == 200,
                )
            )
        for f in s.floods:
            print(
                f"  4. session starts, {f.label}: {f.pressed} presses in {f.seconds:.0f} s; started {f.started}, "
                f"refused with the message {f.refused}; kept in the database {f.kept}"
                + (f"; errors {f.errors[:2]}" if f.errors else "")
            )
            checks.append(
                (
                    f"{s.name}: at most {SESSIONS_PER_HOUR} sessions an hour per address ({f.label}: {f.kept})",
                    f.kept <= SESSIONS_PER_HOUR and f.pressed > SESSIONS_PER_HOUR,
                )
            )
        for v in s.voters:
            print(
                f"  5. scripted voters, {v.label} ({v.cap}): {v.tried} tries in {v.seconds:.0f} s; answers taken "
                f"{v.acknowledged} in {v.filling:.1f} s ({v.per_minute:.0f} a minute until then), rows {v.rows}, "
                f"participants {v.participants}; refused {dict(v.refused)}"
            )
            checks.append(
                (
                    f"{s.name}: a scripted client adds at most the cap ({v.label}: {v.rows} rows, {v.participants} participants)",
                    v.rows <= v.cap and v.participants <= v.cap,
                )
            )
    print()
    for label, ok in checks:
        print(f"{'met' if ok else 'MISSED'}: {label}")
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setups", nargs="+", choices=("bare", "cluster"), default=["bare", "cluster"])
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of scripted voting")
    parser.add_argument("--cap", type=int, default=50)
    parser.add_argument("--attempts", type=int, default=600, help="wrong codes at most per attack")
    parser.add_argument("--presses", type=int, default=30, help="presses of Start a live session per flood")
    parser.add_argument("--per-kind", type=int, default=20, help="tries of each kind of forged token")
    args = parser.parse_args(argv)
    setups = []
    if "bare" in args.setups:
        setups.append(run_bare(args))
    if "cluster" in args.setups:
        setups.append(run_cluster(args))
    checks = report(setups, args)
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
