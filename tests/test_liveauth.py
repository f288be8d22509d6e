"""Participant cookies and screen keys: only what the server signed, for that session, is anyone."""

from __future__ import annotations

import base64

import pytest

from explorer.live import TOKEN, new_code
from explorer.liveauth import Signer, cookie_name

HOSTILE_VALUES = [
    None,
    7,
    b"x.y",
    "",
    ".",
    "..",
    "a.b.c",
    "x" * 5000,
    "é" * 22 + ".abc",
    "<script>.alert(1)",
    "A" * 22 + ".",
    "." + "A" * 43,
    "A" * 22 + ".A" + "\u0000" * 42,
    "A" * 22 + ".ẞ" * 10,
    "../../etc/passwd.x",
    " " + "A" * 22 + ".abc",
]


def test_an_issued_value_names_its_participant_for_that_session_only():
    signer = Signer("a secret")
    code, other = new_code(), new_code()
    value = signer.issue(code)
    pid = signer.participant(code, value)
    assert pid is not None and TOKEN.fullmatch(pid) and len(pid) == 22
    assert value.startswith(pid + ".") and "=" not in value
    assert signer.participant(other, value) is None  # another session's cookie is nobody here
    assert Signer("another secret").participant(code, value) is None  # another server's cookie is nobody
    assert signer.issue(code) != value  # each phone its own


def test_a_made_up_or_altered_value_is_nobody():
    signer = Signer("a secret")
    code = new_code()
    pid, signature = signer.issue(code).split(".")
    assert signer.participant(code, f"{pid}.{signature[:-1]}") is None
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert signer.participant(code, f"{pid}.{flipped}") is None
    other_pid = "B" * 22
    assert signer.participant(code, f"{other_pid}.{signature}") is None  # someone else's signature on my id
    padded = base64.urlsafe_b64encode(base64.urlsafe_b64decode(signature + "=")).decode()
    assert signer.participant(code, f"{pid}.{padded}") is None  # the same bytes spelt otherwise are not ours
    for value in HOSTILE_VALUES:
        assert signer.participant(code, value) is None, value


def test_a_token_alone_as_the_old_pages_carried_it_is_nobody():
    signer = Signer("a secret")
    code = new_code()
    pid = signer.participant(code, signer.issue(code))
    assert signer.participant(code, pid) is None


def test_screen_keys_are_per_session_and_checked_exactly():
    signer = Signer("a secret")
    code, other = new_code(), new_code()
    key = signer.screen_key(code)
    assert len(key) == 22 and TOKEN.fullmatch(key)
    assert signer.is_screen(code, key) and signer.screen_key(code) == key  # the same on every replica
    assert not signer.is_screen(other, key)
    assert not Signer("another secret").is_screen(code, key)
    for wrong in [key[:-1], key + "A", key.lower() if key != key.lower() else key.upper(), "", None, 5, "é" * 22]:
        assert not signer.is_screen(code, wrong), wrong


def test_hostile_session_codes_neither_crash_nor_share_signatures():
    signer = Signer("a secret")
    for code in ["\ud800", "x" * 10_000, "ABC234\u0000", "<script>", ""]:
        value = signer.issue(code)
        assert signer.participant(code, value) is not None and signer.participant("ABC234", value) is None
        assert signer.is_screen(code, signer.screen_key(code)) and not signer.is_screen("ABC234", signer.screen_key(code))


def test_a_signer_needs_a_secret_and_cookies_are_named_per_session():
    with pytest.raises(ValueError):
        Signer("")
    assert cookie_name("ABC234") == "hx_join_ABC234"
    assert cookie_name("ABC234") != cookie_name("ABC235")


def test_join_tickets_are_per_session_short_and_checked_exactly():
    signer = Signer("a secret")
    code, other = new_code(), new_code()
    ticket = signer.ticket(code)
    assert len(ticket) == 16 and all(c.isalnum() or c in "-_" for c in ticket)
    assert signer.is_ticket(code, ticket) and Signer("a secret").ticket(code) == ticket  # the same on every replica
    assert not signer.is_ticket(other, ticket)  # another session's ticket
    assert not Signer("another secret").is_ticket(code, ticket)
    assert not signer.is_ticket(code, signer.screen_key(code)) and not signer.is_screen(code, ticket)
    assert not signer.is_ticket(code, signer.screen_key(code)[:16])  # a screen key cut short is no ticket
    changed = ticket[:-1] + ("A" if ticket[-1] != "A" else "B")
    for wrong in [
        ticket[:-1],
        ticket[:8],
        ticket + "A",
        ticket + "\u0000",
        changed,
        " " + ticket,
        ticket.swapcase(),
        "é" * 16,
        ticket[:-1] + "é",
        "\ud800" * 16,
        *HOSTILE_VALUES,
    ]:
        assert not signer.is_ticket(code, wrong), wrong


def test_hostile_session_codes_have_tickets_of_their_own():
    signer = Signer("a secret")
    for code in ["\ud800", "x" * 10_000, "ABC234\u0000", "<script>", ""]:
        assert signer.is_ticket(code, signer.ticket(code)) and not signer.is_ticket("ABC234", signer.ticket(code))
