"""Accounts, sessions, CSRF tokens, sign-in rate limits and the role check used by every route.

Passwords are hashed with argon2 and kept in the store's `web_users` table. A session is a random
id held server-side (in memory) and sent in a signed, HttpOnly, SameSite=Lax cookie; signing in
always starts a new session, so an id planted before sign-in is worthless. Every session carries its
own CSRF token, which every POST must return (form field `csrf_token` or header `X-CSRF-Token`).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeSerializer

from clientload.errors import ClientloadError
from clientload.messages import Message
from clientload.web.store import rows, store
from clientload.workspace import Workspace

ROLES = ("admin", "analyst", "manager")
# A higher rank can do everything a lower one can; managers are further limited to their clients.
ROLE_RANK = {"manager": 1, "analyst": 2, "admin": 3}
SESSION_COOKIE = "clientload_session"
LOGIN_CSRF_COOKIE = "clientload_login_csrf"
SESSION_SECONDS = 12 * 3600
ACCOUNT_CHECK_SECONDS = 2.0
ACCOUNT_GRACE_SECONDS = 60.0

_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    username: str
    role: str
    manager_name: str | None = None
    # the account's password hash when signed in: a replaced account (new hash) ends its sessions
    stamp: str = field(default="", compare=False, repr=False)

    def can(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def sees_all_clients(self) -> bool:
        return self.can("analyst")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def add_user(ws: Workspace, username: str, password: str, role: str,
             manager_name: str | None = None) -> User:
    """Create or replace an account; the role must be one of ROLES."""
    if role not in ROLES:
        raise ClientloadError(Message("role {role!r} is not known; use one of {roles}",
                                      role=role, roles=", ".join(ROLES)))
    if not username or not username.strip() or len(username) > 64:
        raise ClientloadError(Message("user name must be 1 to 64 characters"))
    if len(password) < 8:
        raise ClientloadError(Message("password must be at least 8 characters"))
    if role == "manager" and not manager_name:
        manager_name = username
    with store(ws, write=True) as con:
        con.execute("DELETE FROM web_users WHERE username = ?", [username])
        con.execute(
            "INSERT INTO web_users (username, password_hash, role, manager_name) "
            "VALUES (?, ?, ?, ?)",
            [username, hash_password(password), role, manager_name],
        )
    return User(username, role, manager_name)


def list_users(ws: Workspace) -> list[dict]:
    with store(ws) as con:
        return rows(con, "SELECT username, role, manager_name, created_at FROM web_users "
                    "ORDER BY username")


def check_password(ws: Workspace, username: str, password: str) -> User | None:
    """The user when the password matches; None otherwise (same work done either way)."""
    with store(ws) as con:
        found = rows(con, "SELECT * FROM web_users WHERE username = ?", [username])
    stored = found[0]["password_hash"] if found else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if not found:
        return None
    return User(found[0]["username"], found[0]["role"], found[0]["manager_name"], stored)


def account_stamp(ws: Workspace, username: str) -> str | None:
    """The account's current password hash; None when the account is gone."""
    with store(ws) as con:
        found = con.execute(
            "SELECT password_hash FROM web_users WHERE username = ?", [username]
        ).fetchone()
    return found[0] if found else None


_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))


@dataclass
class Session:
    user: User
    csrf_token: str
    expires: float
    checked: float = 0.0  # when the account was last seen unchanged in the store


@dataclass
class Sessions:
    """Server-side sessions keyed by a random id; the cookie carries the id, signed."""

    secret_key: str
    _by_id: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def _signer(self) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret_key, salt="session")

    def start(self, user: User) -> str:
        """A new session (never reusing an old id); returns the signed cookie value."""
        sid = secrets.token_urlsafe(32)
        with self._lock:
            expires = time.time() + SESSION_SECONDS
            # the password was checked against the store just now
            self._by_id[sid] = Session(user, secrets.token_urlsafe(32), expires, time.time())
        return self._signer.dumps(sid)

    def get(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            sid = self._signer.loads(cookie)
        except BadSignature:
            return None
        with self._lock:
            session = self._by_id.get(sid)
            if session and session.expires < time.time():
                del self._by_id[sid]
                return None
            return session

    def account_unchanged(self, session: Session, stamp: Callable[[], str | None]) -> bool:
        """False once the session's account was replaced or removed (`clientload user add`, the
        admin page, another process): a changed password or role must not leave old sessions
        working. The store is asked at most every ACCOUNT_CHECK_SECONDS per session; when it
        cannot be asked (another process holds it) the session stands until it can."""
        now = time.time()
        if now - session.checked < ACCOUNT_CHECK_SECONDS:
            return True
        try:
            current = stamp()
        except Exception:
            # The store busy (an import or run in another process): the session stands for a
            # while, then its requests wait with "try again" rather than run unchecked.
            if now - session.checked < ACCOUNT_GRACE_SECONDS:
                return True
            from clientload.web.store import StoreBusy

            raise StoreBusy() from None
        if current is None or current != session.user.stamp:
            return False
        session.checked = now
        return True

    def end(self, cookie: str | None) -> None:
        if not cookie:
            return
        try:
            sid = self._signer.loads(cookie)
        except BadSignature:
            return
        with self._lock:
            self._by_id.pop(sid, None)

    def login_csrf(self) -> tuple[str, str]:
        """A token for the sign-in form and its signed cookie (double submit: no session yet)."""
        token = secrets.token_urlsafe(24)
        return token, URLSafeSerializer(self.secret_key, salt="login").dumps(token)

    def check_login_csrf(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token:
            return False
        try:
            expected = URLSafeSerializer(self.secret_key, salt="login").loads(cookie)
        except BadSignature:
            return False
        return secrets.compare_digest(str(expected), token)


class LoginLimiter:
    """At most `attempts` failed sign-ins per user name and address, and `address_attempts` per
    address whatever the names tried (password spraying), within `window` seconds. Failures older
    than the window are forgotten, keys and all, so the record cannot grow without end."""

    def __init__(self, attempts: int = 5, window: float = 60.0, address_attempts: int = 20):
        self.attempts = attempts
        self.address_attempts = address_attempts
        self.window = window
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._by_address: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._pruned = 0.0

    def _prune(self, now: float) -> None:
        """Drop every key whose failures are all older than the window (at most once a window)."""
        if now - self._pruned < self.window:
            return
        self._pruned = now
        records: tuple[dict[Any, deque[float]], ...] = (self._failures, self._by_address)
        for record in records:
            for key in [k for k, times in record.items() if not times or
                        times[-1] < now - self.window]:
                del record[key]

    def _recent(self, times: deque[float], now: float) -> deque[float]:
        while times and times[0] < now - self.window:
            times.popleft()
        return times

    def blocked(self, username: str, address: str) -> bool:
        with self._lock:
            now = time.time()
            self._prune(now)
            pair = self._failures.get((username, address))
            by_address = self._by_address.get(address)
            return ((pair is not None and len(self._recent(pair, now)) >= self.attempts)
                    or (by_address is not None
                        and len(self._recent(by_address, now)) >= self.address_attempts))

    def failed(self, username: str, address: str) -> None:
        with self._lock:
            now = time.time()
            self._prune(now)
            self._recent(self._failures[(username, address)], now).append(now)
            self._recent(self._by_address[address], now).append(now)

    def succeeded(self, username: str, address: str) -> None:
        """A right password clears that name's failures; the address's count stays, so one
        account the guesser owns cannot reset the spraying limit."""
        with self._lock:
            self._failures.pop((username, address), None)

    def keys(self) -> int:
        """How many (name, address) pairs and addresses are remembered (for tests)."""
        with self._lock:
            return len(self._failures) + len(self._by_address)
