"""Signing in and out: the token in the system keyring, or a file only the user can read.

The token is a bearer secret: whoever has it is the user on that server until it is
revoked. It goes into the system keyring (Windows Credential Manager, macOS Keychain,
Secret Service) through the ``keyring`` package; where no keyring works (a headless
Linux, a locked-down Windows profile), into ``<data folder>/sync-token``, created with
mode 0600 before a byte is written. The server address, user name and user id are not
secret: they live in the replica's sync state, so the window can say who is signed in.

The keyring entry is named after this installation's device id, so two data folders on
one machine (a trainer's and a test's) never share a token.
"""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

# sync.client (requests, pydantic) is imported where a request is made: the window reads the
# account at start-up and should not pay for the HTTP stack until it syncs.

log = logging.getLogger(__name__)

KEYRING_SERVICE = "openIMIS Companion sync"
TOKEN_FILE = "sync-token"
ACCOUNT_KEY = "sync.account"  # {server_url, username, user_id, token_store}
TEAMS_KEY = "sync.teams"
WORKSPACES_KEY = "sync.workspaces"  # {id: {name, kind, role}} as the server last listed them
WRITING_ROLES = ("member", "editor", "admin")


class SignInError(Exception):
    """``code`` is one of companion.sync_problems (wrong-password, unreachable, ...)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Account:
    server_url: str
    username: str
    user_id: int
    token: str

    @property
    def personal(self) -> str:
        return f"personal-{self.user_id}"


def normalise_url(url: str) -> str:
    """``sync.example.org`` → ``https://sync.example.org``; refuses what cannot be a server address."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or " " in text:
        raise SignInError("bad-address", url)
    return text.rstrip("/")


class TokenStore:
    """Where this installation keeps its token: the keyring when one works, else a 0600 file."""

    def __init__(self, data_dir: Path, device_id: str) -> None:
        self.file = data_dir / TOKEN_FILE
        self.entry = f"{device_id}@companion"

    @staticmethod
    def _keyring():  # type: ignore[no-untyped-def]
        try:
            import keyring
            from keyring.backends import fail

            backend = keyring.get_keyring()
        except Exception:  # no backend can even be loaded
            return None
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
            return None
        return keyring

    def save(self, token: str) -> str:
        """Keep the token; returns where ("keyring" or "file")."""
        keyring = self._keyring()
        if keyring is not None:
            try:
                keyring.set_password(KEYRING_SERVICE, self.entry, token)
                self._remove_file()
                return "keyring"
            except Exception as error:  # a locked or broken keyring: fall back, never fail to sign in
                log.warning("the system keyring refused the token (%s); keeping it in %s", error, self.file)
        self._write_file(token)
        return "file"

    def load(self) -> str | None:
        keyring = self._keyring()
        if keyring is not None:
            try:
                token = keyring.get_password(KEYRING_SERVICE, self.entry)
            except Exception as error:
                log.warning("the system keyring could not be read (%s)", error)
                token = None
            if token:
                return token
        try:
            return self.file.read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def forget(self) -> None:
        keyring = self._keyring()
        if keyring is not None:
            try:
                keyring.delete_password(KEYRING_SERVICE, self.entry)
            except Exception:  # nothing stored there, or the keyring is locked: the file goes anyway
                pass
        self._remove_file()

    def _write_file(self, token: str) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.file.with_name(self.file.name + ".new")
        # Created 0600 before anything is written: never readable by others, even for a moment.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(token)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IRUSR | stat.S_IWUSR)  # an existing file keeps its old mode otherwise
        os.replace(temporary, self.file)

    def _remove_file(self) -> None:
        try:
            self.file.unlink()
        except FileNotFoundError:
            pass


def current_account(replica: Any, data_dir: Path) -> Account | None:
    """Who this laptop is signed in as, with the token; None when signed out."""
    saved = replica.get_sync_state(ACCOUNT_KEY)
    if not saved:
        return None
    token = TokenStore(data_dir, replica.device_id).load()
    if not token:
        return None
    return Account(saved["server_url"], saved["username"], int(saved["user_id"]), token)


def sign_in(replica: Any, data_dir: Path, url: str, username: str, password: str,
            device_name: str = "", timeout: float = 30.0):  # type: ignore[no-untyped-def]
    """Ask the server for a token, keep it, remember the account; returns the server's answer
    (its ``workspaces`` are what the sign-in dialog offers). Raises SignInError."""
    import requests

    from sync.client import ProblemError, ProtocolError, SyncClient, VersionMismatch
    from sync.engine import SERVER_ID_KEY

    server_url = normalise_url(url)
    previous = replica.get_sync_state(ACCOUNT_KEY)
    try:
        with SyncClient(server_url, timeout=timeout) as client:
            client.status()
            answer = client.sign_in(username.strip(), password, device_name or _device_name())
    except VersionMismatch as error:
        raise SignInError("server-too-old" if error.server_version < 1 else "server-too-new", str(error)) from error
    except ProtocolError as error:
        raise SignInError("captive-portal", str(error)) from error
    except ProblemError as error:
        if error.status == 401:
            raise SignInError("wrong-password", str(error)) from error
        if error.status == 429:
            raise SignInError("too-many-attempts", str(error)) from error
        raise SignInError("server-error", str(error)) from error
    except (requests.RequestException, ValueError) as error:
        raise SignInError("unreachable", str(error)) from error
    store = TokenStore(data_dir, replica.device_id)
    where = store.save(answer.token)
    if previous and (previous.get("server_url") != server_url or int(previous.get("user_id", -1)) != answer.user.id):
        # Another server or another person: the cursors and team choices were theirs.
        for workspace in replica.workspaces():
            replica.reset_cursor(workspace)
        replica.set_sync_state(SERVER_ID_KEY, None)
        replica.set_sync_state(TEAMS_KEY, [])
    replica.set_sync_state(ACCOUNT_KEY, {"server_url": server_url, "username": answer.user.username,
                                         "user_id": answer.user.id, "token_store": where})
    remember_workspaces(replica, answer.workspaces)
    return answer


def sign_out(replica: Any, data_dir: Path, timeout: float = 15.0) -> bool:
    """Revoke the token on the server (when it can be reached) and forget it here.
    Returns whether the server confirmed the revocation; the token is forgotten either way."""
    import requests

    from sync.client import ProblemError, SyncClient

    account = current_account(replica, data_dir)
    revoked = False
    if account is not None:
        try:
            with SyncClient(account.server_url, token=account.token, timeout=timeout) as client:
                client.sign_out()
            revoked = True
        except ProblemError as error:
            revoked = error.status == 401  # already revoked or unknown there: nothing left to revoke
        except (requests.RequestException, Exception) as error:  # offline: forget it here all the same
            log.warning("could not revoke the token on %s: %s", account.server_url, error)
    TokenStore(data_dir, replica.device_id).forget()
    replica.set_sync_state(ACCOUNT_KEY, None)
    return revoked


def set_teams(replica: Any, teams: list[str]) -> None:
    replica.set_sync_state(TEAMS_KEY, sorted(set(teams)))


def chosen_teams(replica: Any) -> list[str]:
    return list(replica.get_sync_state(TEAMS_KEY, []) or [])


def remember_workspaces(replica: Any, workspaces: list[Any]) -> None:
    """Keep the names and roles the server gives (a screen offering "share with a team" needs them offline)."""
    known = {info.id: {"name": info.name, "kind": info.kind, "role": info.role} for info in workspaces}
    if known != (replica.get_sync_state(WORKSPACES_KEY) or {}):
        replica.set_sync_state(WORKSPACES_KEY, known)


def shareable_teams(replica: Any) -> list[tuple[str, str]]:
    """(id, name) of the team workspaces kept on this laptop where this person may write, by name."""
    known = replica.get_sync_state(WORKSPACES_KEY) or {}
    teams = [(workspace, known[workspace]["name"]) for workspace in chosen_teams(replica)
             if workspace in known and known[workspace].get("kind") == "team"
             and known[workspace].get("role") in WRITING_ROLES]
    return sorted(teams, key=lambda team: team[1].casefold())


def workspace_name(replica: Any, workspace: str) -> str | None:
    """The team's name as the server gave it; None for a workspace this laptop knows no name for."""
    known = replica.get_sync_state(WORKSPACES_KEY) or {}
    return (known.get(workspace) or {}).get("name")


def _device_name() -> str:
    import platform

    return (platform.node() or "laptop")[:100]
