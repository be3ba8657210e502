"""Users, passwords and tokens (sign-in throttling is in sync/server/throttle.py).

Passwords are hashed with Argon2id (argon2-cffi's defaults: memory-hard). Tokens
are 32 random bytes (URL-safe base64, prefixed ``cst_``); only their SHA-256 is
stored, so a copy of the database hands out no working token. Tokens are
revoked, never deleted, so ``token list`` shows a device's history.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from companion.replication.digest import EMPTY_DIGEST
from sync.server import models
from sync.server.db import driver_fetch, now_ms

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
    # One query per authenticated request (it runs on every sync, "nothing new" included).
    found = session.execute(_TOKEN_LOOKUP, {"token_hash": token_digest(token)}).first()
    if found is None:
        return None
    user, row = found
    if row.revoked_ms is not None or user.disabled:
        return None
    return user, row


# Built once (building the statement cost more than running it); SQLAlchemy caches its compiled form.
_TOKEN_LOOKUP = (
    select(models.User, models.Token)
    .join(models.Token, models.Token.user_id == models.User.id)
    .where(models.Token.token_hash == bindparam("token_hash"))
)


class TokenOwner(NamedTuple):
    token_id: int
    user_id: int
    is_admin: bool


_TOKEN_OWNER_SQL = (
    f"SELECT t.id, t.user_id, u.is_admin FROM {models.Token.__tablename__} t JOIN {models.User.__tablename__} u ON u.id = t.user_id "
    "WHERE t.token_hash = ? AND t.revoked_ms IS NULL AND u.disabled = ?"
)


def token_owner(connection: Connection, token: str) -> TokenOwner | None:
    """``user_for_token`` in plain columns, on the driver's cursor: the hot path of the "nothing new" sync."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    rows = driver_fetch(connection, _TOKEN_OWNER_SQL, (token_digest(token), False))
    return TokenOwner(rows[0][0], rows[0][1], bool(rows[0][2])) if rows else None


def revoke_token(session: Session, token_id: int) -> bool:
    row = session.get(models.Token, token_id)
    if row is None:
        return False
    if row.revoked_ms is None:
        row.revoked_ms = now_ms()
    return True
