"""Users, roles and sessions. Passwords are argon2-hashed; session tokens are stored hashed."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import delete, insert, select, update

from luoshi.accounts.schema import SessionRow, UserRow
from luoshi.errors import AccountError
from luoshi.store import Store, registry
from luoshi.store.schema import UnitRow

ROLES = ("admin", "supervisor", "unit", "viewer")
IDLE_HOURS = 8.0  # a session unused this long ends (``Accounts(idle_hours=…)``)
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    unit_id: int | None
    unit: str | None

    @property
    def can_supervise(self) -> bool:
        return self.role in ("admin", "supervisor")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, store: Store, idle_hours: float = IDLE_HOURS) -> None:
        self.store = store
        self.idle = timedelta(hours=idle_hours)
        self._cache: dict[str, tuple[float, tuple[User, str]]] = {}

    def add(self, name: str, password: str, role: str, unit: str | None = None) -> User:
        if role not in ROLES:
            raise AccountError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
        if role == "unit" and not unit:
            raise AccountError("a unit member needs --unit")
        if len(password) < 8:
            raise AccountError("passwords need at least 8 characters")
        password_hash = _hasher.hash(password)  # before the write lock: hashing takes a while
        with self.store.transaction() as conn:
            if conn.scalar(select(UserRow.id).where(UserRow.name == name)):
                raise AccountError(f"user {name!r} exists already")
            unit_id = registry.unit_id(conn, unit, actor="accounts") if unit else None
            conn.execute(
                insert(UserRow).values(name=name, password_hash=password_hash, role=role, unit_id=unit_id)
            )
            registry.audit(
                conn, "accounts", "user", None, "create", None, {"name": name, "role": role, "unit": unit}
            )
        user = self.get(name)
        assert user is not None
        return user

    def set_password(self, name: str, password: str, keep_session: str | None = None) -> None:
        """A new password; every session of the user ends except ``keep_session`` (the token of
        the session the change was made from, if any)."""
        if len(password) < 8:
            raise AccountError("passwords need at least 8 characters")
        self._update(name, password_hash=_hasher.hash(password))
        kept = _token_hash(keep_session) if keep_session else ""
        with self.store.transaction() as conn:
            user_id = conn.scalar(select(UserRow.id).where(UserRow.name == name))
            conn.execute(
                delete(SessionRow).where(SessionRow.user_id == user_id, SessionRow.token_hash != kept)
            )
        self._cache = {k: v for k, v in self._cache.items() if k == kept or v[1][0].name != name}

    def set_role(self, name: str, role: str, unit: str | None = None) -> None:
        if role not in ROLES:
            raise AccountError(f"unknown role {role!r}")
        values: dict[str, object] = {"role": role}
        if unit:
            with self.store.transaction() as conn:
                values["unit_id"] = registry.unit_id(conn, unit)
        self._update(name, **values)

    def _update(self, name: str, **values: object) -> None:
        with self.store.transaction() as conn:
            done = conn.execute(update(UserRow).where(UserRow.name == name).values(**values))
            if not done.rowcount:
                raise AccountError(f"no user {name!r}")
            shown = {k: v for k, v in values.items() if k != "password_hash"} or {"password": "changed"}
            registry.audit(conn, "accounts", "user", None, "update", None, {"name": name, **shown})

    def get(self, name: str) -> User | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(UserRow.id, UserRow.name, UserRow.role, UserRow.unit_id, UnitRow.name)
                .outerjoin(UnitRow, UnitRow.id == UserRow.unit_id)
                .where(UserRow.name == name)
            ).first()
        return User(*row) if row else None

    def authenticate(self, name: str, password: str) -> User | None:
        with self.store.engine.connect() as conn:
            stored = conn.scalar(select(UserRow.password_hash).where(UserRow.name == name))
        try:
            if stored is None:
                _hasher.hash(password)  # same work whether or not the user exists
                return None
            _hasher.verify(stored, password)
        except (VerifyMismatchError, InvalidHashError):
            return None
        return self.get(name)

    def open_session(self, user: User) -> tuple[str, str]:
        """A new session: (token for the cookie, CSRF token for forms and API calls)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.store.transaction() as conn:
            conn.execute(
                insert(SessionRow).values(
                    token_hash=_token_hash(token),
                    user_id=user.id,
                    csrf=csrf,
                    expires=datetime.now(UTC) + self.idle,
                )
            )
        return token, csrf

    CACHE_SECONDS = 5.0  # how long a process may reuse a session lookup (logout elsewhere: ≤ 5 s)

    def session(self, token: str | None) -> tuple[User, str] | None:
        if not token:
            return None
        key = _token_hash(token)
        cached = self._cache.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        found = self._session(token)
        if found:
            self._cache[key] = (time.monotonic() + self.CACHE_SECONDS, found)
        return found

    def _session(self, token: str) -> tuple[User, str] | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(SessionRow.csrf, SessionRow.expires, UserRow.name)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.token_hash == _token_hash(token))
            ).first()
        if row is None:
            return None
        expires = row.expires if row.expires.tzinfo else row.expires.replace(tzinfo=UTC)
        now = datetime.now(UTC)
        if expires < now:
            return None
        if expires < now + self.idle - min(
            timedelta(minutes=1), self.idle / 4
        ):  # used: the deadline moves on
            with self.store.transaction() as conn:
                conn.execute(
                    update(SessionRow)
                    .where(SessionRow.token_hash == _token_hash(token))
                    .values(expires=now + self.idle)
                )
        user = self.get(row.name)
        return (user, row.csrf) if user else None

    def close_session(self, token: str) -> None:
        self._cache.pop(_token_hash(token), None)
        with self.store.transaction() as conn:
            conn.execute(delete(SessionRow).where(SessionRow.token_hash == _token_hash(token)))
