"""Sessions from cookies, CSRF checks and login rate limiting."""

from __future__ import annotations

import hmac
import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request

from luoshi.accounts.service import Accounts, User

SESSION_COOKIE = "luoshi_session"
CSRF_HEADER = "X-CSRF-Token"


class LoginThrottle:
    """At most ``attempts`` failed logins per client address and per user name in ``window``
    seconds; further attempts are refused until the window has passed."""

    def __init__(self, attempts: int = 5, window: float = 300.0) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        q = self._failures[key]
        now = time.monotonic()
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, address: str, name: str) -> bool:
        return any(len(self._recent(k)) >= self.attempts for k in (f"ip:{address}", f"user:{name}"))

    def failed(self, address: str, name: str) -> None:
        now = time.monotonic()
        for key in (f"ip:{address}", f"user:{name}"):
            self._recent(key).append(now)

    def succeeded(self, address: str, name: str) -> None:
        for key in (f"ip:{address}", f"user:{name}"):
            self._failures.pop(key, None)


def current(request: Request) -> tuple[User, str] | None:
    accounts: Accounts = request.app.state.accounts
    return accounts.session(request.cookies.get(SESSION_COOKIE))


def check_csrf(expected: str, given: str | None) -> None:
    if not given or not hmac.compare_digest(expected, given):
        raise HTTPException(403, "missing or wrong CSRF token")
