"""Who a phone is in a live session, and which screen may show it: values the server signs, never ones it believes.

A participant is a random id (``pid``) that the server makes when a phone joins and signs with the store's secret
for that one session: the phone keeps ``"<pid>.<signature>"`` in an HttpOnly cookie (``cookie_name``), never in an
address, so a link copied from someone's phone does not make you them, and a value the server did not sign (a
made-up id, another session's cookie, a forged signature) is nobody. The database keeps only the pid.
The projector's read-only screen key is a signature of the session's code: it shows the room, it steers nothing.
The join ticket in the QR code's link is another signature of the code: a phone carrying it has seen the screen,
so the wrong-code limiter neither blocks nor counts it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from explorer.live import TOKEN

SCREEN_KEY_LENGTH = 22  # characters of a screen key (132 bits)
TICKET_LENGTH = 16  # characters of a join ticket (96 bits): short enough for a QR code
COOKIE_PREFIX = "hx_join_"
COOKIE_PATH = "/join"


def cookie_name(code: str) -> str:
    """The participant cookie's name for a session: one cookie per session, so joining two keeps both."""
    return f"{COOKIE_PREFIX}{code}"


def _b64(digest: bytes) -> str:
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class Signer:
    """Signs and checks participant cookies and screen keys with one secret (HMAC-SHA256), the same on every
    replica, so any replica recognises a phone another one let in."""

    def __init__(self, secret: str):
        if not secret:
            raise ValueError("a signer needs a secret")
        self._key = secret.encode("utf-8")

    def _sign(self, message: str) -> str:
        return _b64(hmac.new(self._key, message.encode("utf-8", "surrogatepass"), hashlib.sha256).digest())

    def issue(self, code: str) -> str:
        """A new participant's cookie value for session ``code``: ``"<pid>.<signature>"``."""
        pid = secrets.token_urlsafe(16)
        return f"{pid}.{self._sign(f'participant:{code}:{pid}')}"

    def participant(self, code: str, value: object) -> str | None:
        """The pid in a cookie value signed by us for session ``code``; None for anything else (malformed, made
        up, signed for another session, or not a text at all)."""
        if not isinstance(value, str) or len(value) > 200 or value.count(".") != 1:
            return None
        pid, signature = value.split(".")
        if not TOKEN.fullmatch(pid) or not signature.isascii():
            return None
        expected = self._sign(f"participant:{code}:{pid}")
        return pid if hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii")) else None

    def screen_key(self, code: str) -> str:
        """The projector's read-only key for session ``code``."""
        return self._sign(f"screen:{code}")[:SCREEN_KEY_LENGTH]

    def is_screen(self, code: str, key: object) -> bool:
        """Whether ``key`` is session ``code``'s screen key (compared in constant time)."""
        if not isinstance(key, str) or not key.isascii():
            return False
        return hmac.compare_digest(self.screen_key(code).encode("ascii"), key.encode("ascii"))

    def ticket(self, code: str) -> str:
        """The join ticket for session ``code`` carried by the QR code's link (``/join?code=...&t=<ticket>``)."""
        return self._sign(f"join:{code}")[:TICKET_LENGTH]

    def is_ticket(self, code: str, value: object) -> bool:
        """Whether ``value`` is session ``code``'s join ticket (compared in constant time; anything else is False)."""
        if not isinstance(value, str) or not value.isascii():
            return False
        return hmac.compare_digest(self.ticket(code).encode("ascii"), value.encode("ascii"))
