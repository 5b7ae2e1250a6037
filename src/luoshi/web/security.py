"""Sessions from cookies, CSRF checks, login throttling and the security headers of every answer."""

from __future__ import annotations

import hmac
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from luoshi.accounts.service import Accounts, User
from luoshi.messages import message

SESSION_COOKIE = "luoshi_session"
CSRF_HEADER = "X-CSRF-Token"

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds the CSP, nosniff, Referrer-Policy and frame headers to every answer, and
    ``Cache-Control: no-store`` to every answer that is not a static file (pages carry the
    session's CSRF token and the user's data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    h for h in message.get("headers", []) if h[0].lower() != b"cache-control" or static
                ]
                headers += HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def same_site(target: str | None, host: str | None, default: str = "/") -> str:
    """``target`` as a path on this site (with its query), or ``default`` when it names another
    site, another scheme, or is no path at all (``//evil``, ``/\\evil``, ``javascript:``…)."""
    if not target:
        return default
    try:
        parts = urlsplit(target)
    except ValueError:
        return default
    if parts.scheme and parts.scheme not in ("http", "https"):
        return default
    if parts.netloc and parts.netloc != host:
        return default
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//") or "\\" in path or any(ord(c) < 32 for c in path):
        return default
    return path + (f"?{parts.query}" if parts.query else "")


@dataclass
class _Failures:
    count: int = 0
    until: float = 0.0  # monotonic time before which attempts are refused
    last: float = 0.0


class LoginThrottle:
    """Failed logins slow down who makes them, never the office.

    Each (user name, client address) pair may fail ``free`` times; then it waits ``first``
    seconds, and every further failure doubles the wait (30 s, 60 s … at most ``longest``). A whole address (an office
    behind one gateway) is only slowed after ``address_free`` failures across all its names, and
    then with the same capped backoff; a user name tried from many addresses after
    ``account_free`` failures. A correct password from someone already logged in as that user
    (another tab) is never refused. Failures are forgotten ``window`` seconds after the last one.
    Memory stays bounded: at most ``capacity`` keys, the oldest forgotten first."""

    def __init__(
        self,
        free: int = 5,
        address_free: int = 50,
        account_free: int = 20,
        first: float = 30.0,
        longest: float = 300.0,
        window: float = 900.0,
        capacity: int = 100_000,
    ) -> None:
        self.free, self.address_free, self.account_free, self.first = free, address_free, account_free, first
        self.longest, self.window, self.capacity = longest, window, capacity
        self._keys: OrderedDict[str, _Failures] = OrderedDict()
        self._lock = threading.Lock()

    def _limits(self, address: str, name: str) -> list[tuple[str, int]]:
        return [
            (f"pair:{name}\x00{address}", self.free),
            (f"ip:{address}", self.address_free),
            (f"user:{name}", self.account_free),
        ]

    def _get(self, key: str, now: float) -> _Failures | None:
        f = self._keys.get(key)
        if f is not None and now - f.last > self.window:
            del self._keys[key]
            return None
        return f

    def wait(self, address: str, name: str) -> float:
        """Seconds before this address may try this name again (0: now)."""
        now = time.monotonic()
        with self._lock:
            waits = [f.until - now for key, _ in self._limits(address, name) if (f := self._get(key, now))]
        return max([0.0, *waits])

    def blocked(self, address: str, name: str) -> bool:
        return self.wait(address, name) > 0

    def failed(self, address: str, name: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key, free in self._limits(address, name):
                f = self._get(key, now) or _Failures()
                f.count += 1
                f.last = now
                if f.count >= free:
                    f.until = now + min(self.longest, self.first * 2.0 ** (f.count - free))
                self._keys[key] = f
                self._keys.move_to_end(key)
            while len(self._keys) > self.capacity:
                self._keys.popitem(last=False)

    def succeeded(self, address: str, name: str) -> None:
        with self._lock:
            for key in (f"pair:{name}\x00{address}", f"user:{name}"):
                self._keys.pop(key, None)


def client_address(request: Request) -> str:
    """The peer's address. ``X-Forwarded-For`` is not read here: the ASGI server replaces the
    peer with the forwarded address only for proxies named by ``--forwarded-allow-ips``."""
    return request.client.host if request.client else "?"


def current(request: Request) -> tuple[User, str] | None:
    accounts: Accounts = request.app.state.accounts
    return accounts.session(request.cookies.get(SESSION_COOKIE))


def check_csrf(expected: str, given: str | None) -> None:
    if not given or not hmac.compare_digest(expected, given):
        raise HTTPException(403, message("web.bad_csrf"))
