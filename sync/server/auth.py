"""Users, passwords, tokens and the failed-login limiter.

Passwords are hashed with Argon2id (argon2-cffi's defaults: memory-hard). Tokens
are 32 random bytes (URL-safe base64, prefixed ``cst_``); only their SHA-256 is
stored, so a copy of the database hands out no working token. Tokens are
revoked, never deleted, so ``token list`` shows a device's history.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.replication.digest import EMPTY_DIGEST
from sync.server import models
from sync.server.db import now_ms

TOKEN_PREFIX = "cst_"
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
_USERNAME_RE = re.compile(USERNAME_PATTERN)
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()
# Verified against when the username does not exist, so a wrong username costs
# the same time as a wrong password (no user enumeration by timing).
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AuthError(ValueError):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def personal_workspace_id(user_id: int) -> str:
    return f"personal-{user_id}"


def validate_username(username: str) -> str:
    if not _USERNAME_RE.fullmatch(username):
        raise AuthError(
            f"invalid user name {username!r}: 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
        )
    return username


def create_user(session: Session, username: str, password: str, is_admin: bool = False) -> models.User:
    validate_username(username)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalars(select(models.User).where(models.User.username == username)).first() is not None:
        raise AuthError(f"user {username!r} already exists")
    user = models.User(
        username=username, password_hash=hash_password(password), is_admin=is_admin, disabled=False, created_ms=now_ms()
    )
    session.add(user)
    session.flush()  # assigns user.id, needed for the personal workspace's id
    session.add(
        models.Workspace(
            id=personal_workspace_id(user.id), name=f"Personal ({username})", kind="personal", owner_id=user.id,
            head=0, digest=EMPTY_DIGEST, record_count=0, created_ms=now_ms(),
        )
    )
    return user


def find_user(session: Session, username: str) -> models.User | None:
    return session.scalars(select(models.User).where(models.User.username == username)).first()


def issue_token(session: Session, user: models.User, device_name: str) -> tuple[models.Token, str]:
    token = new_token()
    row = models.Token(user_id=user.id, token_hash=token_digest(token), device_name=device_name, created_ms=now_ms())
    session.add(row)
    session.flush()
    return row, token


def authenticate(session: Session, username: str, password: str) -> models.User | None:
    user = find_user(session, username)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or user.disabled:
        return None
    return user


def user_for_token(session: Session, token: str) -> tuple[models.User, models.Token] | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalars(select(models.Token).where(models.Token.token_hash == token_digest(token))).first()
    if row is None or row.revoked_ms is not None:
        return None
    user = session.get(models.User, row.user_id)
    if user is None or user.disabled:
        return None
    return user, row


def revoke_token(session: Session, token_id: int) -> bool:
    row = session.get(models.Token, token_id)
    if row is None:
        return False
    if row.revoked_ms is None:
        row.revoked_ms = now_ms()
    return True


@dataclass(frozen=True)
class LoginLimits:
    """Failed logins allowed per window, per user name and per client address."""

    per_username: int = 5
    per_address: int = 50
    window_s: float = 15 * 60


class LoginLimiter:
    """Counts failed logins in a sliding window (in memory: one server process).

    Past the limit every attempt (right or wrong) is refused with 429 until the
    oldest counted failure leaves the window; ``Retry-After`` says when.
    """

    def __init__(self, limits: LoginLimits = LoginLimits(), clock=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        self.limits = limits
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _window(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.limits.window_s:
            failures.popleft()
        return failures

    def retry_after(self, username: str, address: str) -> int | None:
        """Seconds to wait, or None when an attempt is allowed now."""
        now = self._clock()
        waits: list[float] = []
        with self._lock:
            for key, limit in ((f"u:{username.lower()}", self.limits.per_username), (f"a:{address}", self.limits.per_address)):
                failures = self._window(key, now)
                if len(failures) >= limit:
                    waits.append(failures[len(failures) - limit] + self.limits.window_s - now)
        return max(1, int(max(waits) + 0.999)) if waits else None

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            for key in (f"u:{username.lower()}", f"a:{address}"):
                self._window(key, now).append(now)
            if len(self._failures) > 100_000:  # bounded memory under a spray of made-up names
                for key in [key for key, failures in self._failures.items() if not failures]:
                    del self._failures[key]

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(f"u:{username.lower()}", None)
