"""A room of phones on the light page while a part of the cluster fails: no acknowledged answer may be lost.

Scenarios, each in a cluster of its own (``bench/lightroom.py``: a throwaway PostgreSQL, two ``serve.py``
replicas with ``EXPLORER_TRUSTED_PROXIES=127.0.0.1`` behind nginx, ``deploy/nginx.conf``):

- ``kill``: one replica is killed (``SIGKILL``, ``kill -9``) mid-room. Its phones' streams break; the
  ``EventSource`` opens again through nginx on the other replica, which knows the phone by its cookie (signed with
  the secret the replicas share); their answers go on through nginx.
- ``fast`` / ``immediate``: PostgreSQL is restarted mid-room (``pg_ctl restart -m fast``, or ``-m immediate``: no
  clean shutdown, recovery at start). Answers sent meanwhile are refused with a message (never acknowledged); the
  replicas' connections and their LISTEN come back.

In each: a scene pick is open; N phones (400) arrive over ``--arrive`` seconds (20) and answer it; the failure
comes when half of them have arrived. A refused answer is tapped again 1 to 3 s later (what a person does with
the message on screen). Once every phone is acknowledged (or ``--patience`` seconds passed), the presenter opens a
place vote: every phone must be told by its stream and vote, with the same identity. With ``--at votes`` the
failure comes 2.5 s after the place vote opened instead, in its burst of reloads and votes.

Checks, per question: every acknowledged answer (a 303) is in the database with the value acknowledged (or the
phone's later try's), none doubled, none from anyone else; every phone answered both questions; every phone kept
the one cookie it was given; every refusal was an answer with a status and a page (told), not a 303. Also: how
many answers were refused and how (status or broken connection), and the push's lag for the second question.

Targets (issue 23): acknowledged answers lost in (ii) and (iii): 0; the phones of the killed replica carry on
with the same identity. Exits 1 when one is missed.

Run: .venv/bin/python bench/failover.py [kill fast immediate] [--phones 400] [--arrive 20] [--logs DIR]
Needs Debian's postgresql and nginx.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from explorer.live import place_question, scene_question
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
from live_load import cpu_snapshot, running_postgres, tally_lag  # noqa: E402

FIRST = (0.5, 2.0)
SECOND = (1.0, 5.0)


@dataclass
class Outcome:
    scenario: str
    phones: int
    at: str = "arrivals"
    failed_at: float = 0.0  # seconds into the room
    recovered: str = ""
    joined: int = 0
    questions: list[dict] = field(default_factory=list)
    refusals: dict[str, int] = field(default_factory=dict)  # status (or "connection") -> count
    untold: int = 0  # refusals that came with no status and no page (never the case with a 303)
    acked_during: int = 0  # answers acknowledged between the failure and the recovery
    cookies_changed: int = 0  # phones given a second participant cookie
    affected: int = 0  # phones whose stream broke (kill: those on the killed replica)
    affected_carried_on: int = 0  # ... of them, told of the second question and acknowledged for it
    push: dict[str, float] = field(default_factory=dict)
    pushed: int = 0
    listener: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    machine: dict[str, float] = field(default_factory=dict)


def postgres_tools() -> tuple[Path, list[str]]:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    run = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return found[-1], run


def restart_postgres(store: LiveStore, mode: str) -> float:
    """``pg_ctl restart -m MODE`` on the store's (throwaway) server; seconds it took."""
    with store.engine.connect() as connection:
        data = Path(connection.execute(text("show data_directory")).scalar_one())
    binaries, run = postgres_tools()
    start = time.perf_counter()
    subprocess.run(
        [*run, str(binaries / "pg_ctl"), "-D", str(data), "-m", mode, "-l", str(data.parent / "log"), "-w", "restart"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=data.parent,
    )
    return time.perf_counter() - start


def problem_lines(logs: Path, limit: int = 12) -> list[str]:
    found = []
    for log in sorted(logs.glob("replica-*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if any(word in line for word in ("Traceback", "Error", "CRITICAL")):
                found.append(f"{log.name}: {line[:200]}")
    return found[:limit]


async def scenario(name: str, args: argparse.Namespace, content) -> Outcome:
    outcome = Outcome(name, args.phones, args.at)
    with contextlib.ExitStack() as stack:
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"hx-failover-{name}-")))
        url, postmaster = stack.enter_context(running_postgres())
        cluster = stack.enter_context(running_cluster(url, logs))
        store = LiveStore(url)
        session, _ = store.start_session(time.time())
        first = store.add_question(scene_question(content, session))
        second = store.add_question(place_question(content, session))
        store.move(first.id, "open")
        listener = ScreenListener(cluster.base, session.code, store.signer().screen_key(session.code), url)
        listener.question = first.id
        listener.start()
        plan = Plan(
            session.code, {first.id: FIRST}, time.time() + args.arrive + args.patience + 60, ticket=store.signer().ticket(session.code)
        )  # the phones scan the QR code
        stop = asyncio.Event()
        people = [Phone(i) for i in range(args.phones)]
        span = args.arrive

        async def arrive(person: Phone) -> None:
            await asyncio.sleep(span * person.number / max(1, args.phones - 1))
            await phone(person, cluster.base, plan, stop, fetch_files=False)

        gc.collect()
        gc.freeze()
        gc.disable()  # one process stands for every phone: no collection pausing them all at once
        before = cpu_snapshot([r.pid for r in cluster.replicas], postmaster)
        started = time.perf_counter()
        tasks = [asyncio.create_task(arrive(p)) for p in people]
        failure: dict[str, object] = {}

        async def fail() -> None:
            outcome.failed_at = time.perf_counter() - started
            failure["at"] = time.time()
            if name == "kill":
                victim = cluster.replicas[0]
                os.kill(victim.pid, signal.SIGKILL)
                failure["victim"] = f"127.0.0.1:{victim.port}"
                outcome.recovered = f"replica {victim.base} killed (SIGKILL) at {outcome.failed_at:.1f} s"
            else:
                took = await asyncio.to_thread(restart_postgres, store, name)
                outcome.recovered = f"PostgreSQL restarted (-m {name}) at {outcome.failed_at:.1f} s, up again {took:.1f} s later"
            failure["over"] = time.time()
            print(f"{name}: {outcome.recovered}", flush=True)

        if args.at == "arrivals":
            await asyncio.sleep(span / 2)
            await fail()
        deadline = time.perf_counter() + span + args.patience
        while time.perf_counter() < deadline and not all(first.id in p.acknowledged or p.done for p in people):
            await asyncio.sleep(0.2)

        # the presenter opens the next question: every phone must hear of it and vote
        plan.think[second.id] = SECOND
        plan.until = time.time() + SECOND[1] + args.patience
        listener.question = second.id
        opened = time.time()
        for attempt in range(10):  # the presenter presses again if the store was not back yet
            try:
                store.move(second.id, "open")
                break
            except Exception as exc:  # noqa: BLE001
                outcome.errors.append(f"presenter: {type(exc).__name__}: {exc}"[:200])
                await asyncio.sleep(1 + attempt)
        if args.at == "votes":  # in the burst: every phone reloading, then voting 1 to 5 s after the news
            await asyncio.sleep(2.5)
            await fail()
        deadline = time.perf_counter() + SECOND[1] + args.patience
        while time.perf_counter() < deadline and not all(second.id in p.acknowledged or p.done for p in people):
            await asyncio.sleep(0.2)
        await asyncio.sleep(1)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        gc.enable()
        gc.unfreeze()
        await listener.close()
        after = cpu_snapshot([r.pid for r in cluster.replicas], postmaster)
        elapsed = time.perf_counter() - started
        outcome.machine = {
            k: 100 * (after[k] - before[k]) / elapsed for k in ("machine busy", "stolen", "client", "replicas", "nginx")
        }

        for question in (first, second):
            checked = check(url, question.id, people)
            outcome.questions.append(
                {
                    "question": question.kind,
                    "acknowledged": checked.acknowledged,
                    "rows": checked.rows,
                    "lost": checked.lost,
                    "wrong": checked.wrong,
                    "doubled": checked.doubled,
                    "strangers": checked.strangers,
                    "unanswered": checked.unanswered,
                    "lines": checked.lines[:5],
                    "listener": percentiles(tally_lag(checked.answered_at, listener.shown(question.id))[0]),
                }
            )
        outcome.joined = joined_count(url, session.code)
        outcome.refusals = dict(Counter(status for p in people for _, status, _ in p.refusals))
        outcome.untold = sum(
            1 for p in people for _, status, what in p.refusals if status not in ("connection", "no form") and not what
        )
        failed, recovered, victim = failure.get("at", 0.0), failure.get("over", 0.0), failure.get("victim", "")
        outcome.acked_during = sum(1 for p in people for at in p.acknowledged.values() if failed <= at <= recovered + 5)
        outcome.cookies_changed = sum(1 for p in people if len(p.cookies_seen) > 1)
        if name == "kill":
            affected = [p for p in people if any(server == victim for server in p.stream_servers)]
        else:
            affected = [p for p in people if p.stream_opened > 1]
        outcome.affected = len(affected)
        outcome.affected_carried_on = sum(1 for p in affected if second.id in p.pushed and second.id in p.acknowledged)
        pushes = [p.pushed[second.id] - opened for p in people if second.id in p.pushed]
        outcome.push, outcome.pushed = percentiles(pushes), len(pushes)
        outcome.errors += [f"phone {p.number}: {e}" for p in people for e in p.errors]
        outcome.logs = problem_lines(logs)
        store.close()
    return outcome


def report(outcomes: list[Outcome]) -> list[tuple[str, bool]]:
    checks = []
    for o in outcomes:
        busy = o.machine
        print()
        print(
            f"{o.scenario.upper()} ({o.at}): {o.phones} phones; {o.recovered}; machine busy {busy.get('machine busy', 0):.0f}% "
            f"of a core (replicas {busy.get('replicas', 0):.0f}, nginx {busy.get('nginx', 0):.0f}, this client "
            f"{busy.get('client', 0):.0f}), stolen {busy.get('stolen', 0):.0f}"
        )
        print(f"  joined {o.joined}; phones given a second cookie {o.cookies_changed}")
        for q in o.questions:
            print(
                f"  {q['question']}: acknowledged {q['acknowledged']}, rows {q['rows']}; acknowledged and lost "
                f"{q['lost']} (wrong value {q['wrong']}), doubled {q['doubled']}, from nobody {q['strangers']}, "
                f"never acknowledged {q['unanswered']}; tally (stream + read) {ms(q['listener'])}"
            )
            for line in q["lines"]:
                print("     ", line)
        print(
            f"  refused tries, by answer: {o.refusals or 'none'}; refusals without a page {o.untold}; "
            f"acknowledged in the 5 s after the failure began {o.acked_during}"
        )
        print(
            f"  phones whose stream broke{' (on the killed replica)' if o.scenario == 'kill' else ''}: {o.affected}; "
            f"told of the next question and acknowledged for it: {o.affected_carried_on}"
        )
        print(f"  the next question pushed: {ms(o.push)}; {o.pushed} of {o.phones} phones told")
        for line in o.errors[:6] + o.logs[:6]:
            print("   ", line)
        lost = sum(q["lost"] + q["doubled"] + q["strangers"] for q in o.questions)
        checks.append((f"{o.scenario}: 0 acknowledged answers lost, none doubled", lost == 0))
        checks.append(
            (
                f"{o.scenario}: every phone carried on (both questions acknowledged, same cookie)",
                all(q["acknowledged"] == o.phones for q in o.questions) and o.cookies_changed == 0 and o.joined == o.phones,
            )
        )
        checks.append((f"{o.scenario}: every refusal told (a status and a page)", o.untold == 0))
    print()
    for label, ok in checks:
        print(f"{'met' if ok else 'MISSED'}: {label}")
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help="kill, fast, immediate (default: all three)")
    parser.add_argument("--phones", type=int, default=400)
    parser.add_argument("--arrive", type=float, default=20.0, help="seconds over which the phones arrive")
    parser.add_argument("--patience", type=float, default=45.0, help="seconds the phones go on trying after that")
    parser.add_argument(
        "--at",
        choices=("arrivals", "votes"),
        default="arrivals",
        help="when the failure comes: halfway through the arrivals (answers to the first question "
        "coming in), or 2.5 s after the second question opened (its burst of reloads and votes)",
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.scenarios if name not in ("kill", "fast", "immediate")]
    if unknown:
        parser.error(f"unknown scenarios {unknown}: kill, fast or immediate")
    raise_open_files()
    content = load_content()
    outcomes = []
    print(f"{machine_note()}; {args.phones} phones over {args.arrive:.0f} s", flush=True)
    for name in args.scenarios or ("kill", "fast", "immediate"):
        outcomes.append(asyncio.run(scenario(name, args, content)))
    checks = report(outcomes)
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
