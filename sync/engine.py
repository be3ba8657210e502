"""One sync of a laptop's local replica with a Companion server (docs/sync-protocol.md).

    engine = SyncEngine(replica, "https://sync.example.org", token)
    report = engine.sync()          # raises SyncError(code, detail) with a code users can be told about

A sync, in order:

1. ``GET /status`` (at the first sync of a process and every few minutes after): the
   protocol version, the server's clock (the replica's clock is corrected by the offset),
   the limits, the server's identity (another server, or one restored from a backup,
   means pulling everything again, merging);
2. ``GET /workspaces``: the heads. When every cursor equals its head and nothing is
   waiting to be sent, the sync is over: one request;
3. for each workspace, push before pull: the blobs the pending changes reference
   (resumable uploads), then the outbox in pages that fit the server's limits, each
   change acknowledged or set aside by its result;
4. pull pages from the stored cursor; each page and its cursor in one local transaction,
   so a cut sync resumes from the last stored page (``410``: pull from 0 again, merging,
   and push what the server lacks);
5. download the blobs the records reference and the laptop lacks (resumed from the
   ``.part`` file, hash checked, renamed);
6. compare the workspace digests: both sides must hold the same state.

Every network step is retried with backoff on cuts and timeouts while it makes progress,
then gives up politely with a ``SyncError`` whose ``code`` the window and the command line
turn into a sentence (``companion.sync_problems``). ``cancel`` (a threading.Event) stops
between steps and inside blob transfers; ``on_progress`` reports what is happening.
The engine uses only the replica API (companion.records.LocalReplica) and ``sync.client``.
"""

from __future__ import annotations

import errno
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests
import tenacity
import urllib3

from companion.replication import Change, Record
from sync import wire
from sync.client import BlobHashMismatch, MalformedAnswer, ProblemError, ProtocolError, SyncClient, VersionMismatch
from sync.credentials import remember_workspaces

log = logging.getLogger(__name__)

# Sync settings kept in the replica's local database (not synced).
SERVER_ID_KEY = "sync.server_id"
TEAMS_KEY = "sync.teams"
LAST_SYNC_KEY = "sync.last_success_ms"
LAST_ERROR_KEY = "sync.last_error"
UNAVAILABLE_BLOBS_KEY = "sync.unavailable_blobs"  # referenced, but the server never received them
STATUS_MAX_AGE_S = 10 * 60  # re-read /status (clock offset, limits) at most this often
BLOB_CHUNK_BYTES = 256 * 1024  # a cut on a 2G link loses little; the server keeps what arrived anyway
PAGE_BODY_BYTES = 4 * 1024 * 1024  # half the server's body limit: JSON estimates are rough
LARGE_OFFSET_MS = 24 * 3600 * 1000
MIN_PAGE = 10  # the smallest page a failing link shrinks pushes and pulls to


class SyncError(Exception):
    """A sync that could not finish; ``code`` is one of companion.sync_problems, ``detail`` is for the log."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class SyncCancelled(SyncError):
    def __init__(self) -> None:
        super().__init__("cancelled", "stopped on request")


@dataclass
class Progress:
    """What the sync is doing now: ``phase`` is status, push, pull, upload, download or verify."""

    phase: str
    workspace: str = ""
    done: int = 0
    total: int = 0


@dataclass
class WorkspaceReport:
    workspace: str
    pushed: int = 0
    set_aside: int = 0
    pulled: int = 0
    changed: int = 0
    conflicts: int = 0
    blobs_up: int = 0
    blobs_down: int = 0
    blobs_unavailable: list[str] = field(default_factory=list)
    restarted_from_zero: bool = False
    read_only_pending: int = 0
    local_digest: str = ""
    server_digest: str = ""
    agreed: bool | None = None  # None: not compared (nothing moved)
    by_type: dict[str, int] = field(default_factory=dict)


@dataclass
class SyncReport:
    workspaces: dict[str, WorkspaceReport] = field(default_factory=dict)
    requests: int = 0
    nothing_new: bool = False
    clock_offset_ms: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)  # {workspace, seq, error}
    notices: list[str] = field(default_factory=list)
    changed_types: set[str] = field(default_factory=set)

    @property
    def agreed(self) -> bool:
        """Both sides hold the same state for every workspace compared (and no comparison failed)."""
        return all(report.agreed is not False for report in self.workspaces.values())

    @property
    def changed(self) -> int:
        return sum(report.changed for report in self.workspaces.values())

    @property
    def conflicts(self) -> int:
        return sum(report.conflicts for report in self.workspaces.values())


def change_to_wire(change: Change) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, write in change.fields.items():
        item: dict[str, Any] = {"v": write.v, "t": write.t}
        if write.base is not None:
            item["base"] = write.base
        fields[name] = item
    return {"change_id": change.change_id, "record_id": change.record_id, "type": change.type, "fields": fields}


def record_from_wire(record: wire.RecordOut) -> Record:
    return Record(record.id, record.type, {name: {"v": value.v, "t": value.t} for name, value in record.fields.items()})


def _is_disk_full(error: BaseException) -> bool:
    while error is not None:
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        text = str(error).lower()
        if "database or disk is full" in text or "no space left" in text:
            return True
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return False


def _transient(error: BaseException) -> bool:
    """Worth another attempt: a cut, a timeout, a busy or restarting server."""
    if isinstance(error, (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
                          urllib3.exceptions.HTTPError, BlobHashMismatch)):
        # (urllib3's own errors reach us when a page body is read raw and the link drops mid-way)
        return True
    if isinstance(error, ProblemError):
        return error.status in (429, 500, 502, 503, 504) or error.type.endswith(":upload-cut") or (
            error.status == 409 and error.type.endswith(":upload-in-progress"))
    return False


class _StopWithoutProgress(tenacity.stop.stop_base):
    """Give up after ``attempts`` tries or ``seconds`` with no progress; any committed page or byte resets both."""

    def __init__(self, engine: "SyncEngine", attempts: int, seconds: float) -> None:
        self.engine = engine
        self.attempts = attempts
        self.seconds = seconds

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        engine = self.engine
        if engine._progress_mark != engine._mark_seen:
            engine._mark_seen = engine._progress_mark
            engine._tries_without_progress = 0
            engine._stalled_since = time.monotonic()
        engine._tries_without_progress += 1
        return (engine._tries_without_progress >= self.attempts
                or time.monotonic() - engine._stalled_since >= self.seconds)


class SyncEngine:
    def __init__(
        self,
        replica: Any,
        base_url: str,
        token: str | None,
        *,
        teams: Iterable[str] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
        timeout: tuple[float, float] = (10.0, 30.0),
        max_attempts: int = 6,
        max_stall_seconds: float = 60.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 8.0,
        wall: Callable[[], float] = time.time,
        session: requests.Session | None = None,
        page_limit: int = 1000,
    ) -> None:
        self.replica = replica
        self.client = SyncClient(base_url, token=token, session=session)
        self.client.timeout = timeout  # (connect, read): a dead link is noticed in seconds, not minutes
        self._teams = set(teams) if teams is not None else None
        self.on_progress = on_progress
        self.cancel = cancel or threading.Event()
        self.max_attempts = max_attempts
        self.max_stall_seconds = max_stall_seconds
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.wall = wall
        self.page_limit = page_limit  # records per pull page and changes per push (capped by the server's limits)
        self._page_now = page_limit  # halved after each failed push or pull, for the rest of this sync
        self._writable: dict[str, bool] = {}  # workspace -> may this user push there
        self._status: wire.Status | None = None
        self._status_at = 0.0
        self._progress_mark = 0
        self._mark_seen = 0
        self._tries_without_progress = 0
        self._stalled_since = time.monotonic()
        self._report = SyncReport()

    def close(self) -> None:
        self.client.close()

    # -- the public operation ----------------------------------------------------------------------

    def sync(self, verify: bool = False) -> SyncReport:
        """One sync; ``verify`` compares digests even when nothing moved (``companion sync`` does)."""
        self._report = report = SyncReport()
        self._page_now = self.page_limit
        try:
            self._sync(report, verify)
        except SyncError as error:
            self._remember_error(error.code, error.detail)
            raise
        except ProtocolError as error:
            code = self._protocol_code(error)
            self._remember_error(code, str(error))
            raise SyncError(code, str(error)) from error
        except ProblemError as error:
            code = self._problem_code(error)
            self._remember_error(code, str(error))
            raise SyncError(code, str(error)) from error
        except (requests.RequestException, urllib3.exceptions.HTTPError, BlobHashMismatch) as error:
            self._remember_error("unreachable", str(error))
            raise SyncError("unreachable", str(error)) from error
        except Exception as error:
            if _is_disk_full(error):
                self._remember_error("disk-full", str(error))
                raise SyncError("disk-full", str(error)) from error
            raise
        if report.refused:
            codes = {str(item["error"].get("type", "")).rsplit(":", 1)[-1] for item in report.refused}
            code = "clock-ahead" if "clock-ahead" in codes else "refused"
            self._remember_error(code, f"{len(report.refused)} changes refused")
            raise SyncError(code, "; ".join(str(item["error"].get("detail", "")) for item in report.refused[:3]))
        if not report.agreed:
            self._remember_error("disagree", "digests differ")
            raise SyncError("disagree", ", ".join(ws for ws, item in report.workspaces.items() if item.agreed is False))
        self.replica.set_sync_state(LAST_SYNC_KEY, int(time.time() * 1000))
        self.replica.set_sync_state(LAST_ERROR_KEY, None)
        return report

    def _remember_error(self, code: str, detail: str) -> None:
        try:
            self.replica.set_sync_state(LAST_ERROR_KEY, {"code": code, "detail": detail[:500], "at_ms": int(time.time() * 1000)})
        except Exception:  # a full disk may refuse even this; the caller still gets the error
            log.exception("could not record the sync error")

    @staticmethod
    def _protocol_code(error: ProtocolError) -> str:
        if isinstance(error, VersionMismatch):
            return "server-too-old" if error.server_version < wire.PROTOCOL_VERSION else "server-too-new"
        if isinstance(error, MalformedAnswer):
            return "server-error"  # it is a Companion server, and it is wrong: not the network's fault
        return "captive-portal"

    @staticmethod
    def _problem_code(error: ProblemError) -> str:
        if error.status == 401:
            return "signed-out"
        if error.status == 403:
            return "forbidden"
        if error.status == 429:
            return "server-error"
        return "server-error"

    # -- plumbing ----------------------------------------------------------------------------------

    def _tell(self, phase: str, workspace: str = "", done: int = 0, total: int = 0) -> None:
        if self.cancel.is_set():
            raise SyncCancelled()
        if self.on_progress is not None:
            self.on_progress(Progress(phase, workspace, done, total))

    def _progressed(self) -> None:
        self._progress_mark += 1

    def _sleep(self, seconds: float) -> None:
        if self.cancel.wait(seconds):
            raise SyncCancelled()

    def _wait(self, retry_state: tenacity.RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, ProblemError) and error.retry_after:
            return min(float(error.retry_after), self.backoff_max * 2)
        return tenacity.wait_exponential_jitter(multiplier=self.backoff_initial, max=self.backoff_max,
                                               jitter=self.backoff_initial)(retry_state)

    def _call(self, what: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One network step, retried while it keeps failing in a transient way (and progress resets the budget)."""
        self._stalled_since = time.monotonic()
        self._tries_without_progress = 0
        self._mark_seen = self._progress_mark
        retrying = tenacity.Retrying(
            stop=_StopWithoutProgress(self, self.max_attempts, self.max_stall_seconds),
            wait=self._wait,
            retry=tenacity.retry_if_exception(_transient),
            sleep=self._sleep,
            reraise=True,
            before_sleep=lambda state: self._before_retry(what, state),
        )
        for attempt in retrying:
            with attempt:
                if self.cancel.is_set():
                    raise SyncCancelled()
                self._report.requests += 1
                return function(*args, **kwargs)
        raise AssertionError("unreachable")

    def _before_retry(self, what: str, state: tenacity.RetryCallState) -> None:
        log.info("sync: %s failed (%s), retrying", what, state.outcome.exception() if state.outcome else "?")
        # A link that keeps dropping: ask for less at a time, so each request has a chance to
        # finish (and a cut costs less to send again).
        if what in ("push", "pull"):
            self._page_now = max(MIN_PAGE, self._page_now // 2)

    # -- the steps ---------------------------------------------------------------------------------

    def status(self, force: bool = False) -> wire.Status:
        if not force and self._status is not None and time.monotonic() - self._status_at < STATUS_MAX_AGE_S:
            return self._status
        self._tell("status")
        before = self.wall()
        status = self._call("status", self.client.status)
        after = self.wall()
        if status.protocol != wire.PROTOCOL_VERSION:
            raise SyncError("server-too-old" if status.protocol < wire.PROTOCOL_VERSION else "server-too-new",
                            f"server protocol {status.protocol}")
        # The answer was made somewhere between sending and receiving: assume half-way.
        offset = status.server_time_ms - int((before + after) / 2 * 1000)
        self.replica.set_server_offset(offset)
        self._report.clock_offset_ms = offset
        if abs(offset) > LARGE_OFFSET_MS:
            self._report.notices.append(f"clock-off:{offset}")
        self._status, self._status_at = status, time.monotonic()
        return status

    def set_teams(self, teams: Iterable[str] | None) -> None:
        """The team workspaces to keep on this laptop (None: those saved in the replica's sync state)."""
        self._teams = set(teams) if teams is not None else None

    def chosen_teams(self) -> set[str]:
        if self._teams is not None:
            return self._teams
        return set(self.replica.get_sync_state(TEAMS_KEY, []) or [])

    def _wanted(self, workspaces: Sequence[wire.WorkspaceInfo]) -> list[wire.WorkspaceInfo]:
        remember_workspaces(self.replica, list(workspaces))  # names and roles, for screens offline
        teams = self.chosen_teams()
        # The library first: it is what a new laptop needs most.
        order = {"library": 0, "personal": 1, "team": 2}
        chosen = [info for info in workspaces if info.kind in ("library", "personal") or info.id in teams]
        return sorted(chosen, key=lambda info: (order[info.kind], info.id))

    def _sync(self, report: SyncReport, verify: bool) -> None:
        if not self.client.token:
            raise SyncError("not-signed-in")
        status = self.status()
        # Edits made offline while this laptop's clock ran ahead: stamped again in server time
        # before they are sent (the server would refuse them, and they would win every conflict).
        restamped = self.replica.restamp_ahead(int(self.wall() * 1000) + self.replica.clock.offset_ms,
                                               status.limits.max_clock_ahead_ms)
        if restamped:
            report.notices.append(f"restamped:{restamped}")
        known_server = self.replica.get_sync_state(SERVER_ID_KEY)
        self._tell("status")
        infos = self._wanted(self._call("workspaces", self.client.workspaces))
        if known_server != status.server_id:
            # Another server, or this one restored under a new identity: our cursors mean
            # nothing there. Pull everything again (merging), then push what it lacks.
            for info in infos:
                if self.replica.cursor(info.id):
                    self.replica.reset_cursor(info.id)
                    report.workspaces.setdefault(info.id, WorkspaceReport(info.id)).restarted_from_zero = True
            self.replica.set_sync_state(SERVER_ID_KEY, status.server_id)
        unavailable = set(self.replica.get_sync_state(UNAVAILABLE_BLOBS_KEY, []) or [])
        idle = all(self.replica.cursor(info.id) == info.head and self.replica.pending_count(info.id) == 0
                   and not [ref for ref in self.replica.missing_blobs(info.id) if ref["blob"] not in unavailable]
                   for info in infos)
        if idle and not verify and not report.workspaces:
            report.nothing_new = True
            return
        for info in infos:
            self._sync_workspace(info, report, status, verify)

    def _sync_workspace(self, info: wire.WorkspaceInfo, report: SyncReport, status: wire.Status, verify: bool) -> None:
        workspace = info.id
        item = report.workspaces.setdefault(workspace, WorkspaceReport(workspace))
        self._writable[workspace] = wire.ROLE_ORDER[info.role] >= wire.ROLE_ORDER[
            "editor" if info.kind == "library" else "member"]
        moved = False
        caught_up = False
        if self.replica.pending_count(workspace):
            if not self._writable[workspace]:
                item.read_only_pending = self.replica.pending_count(workspace)
            else:
                caught_up = self._push(workspace, item, report, status, info.head)
                moved = True
        head = info.head
        if (self.replica.cursor(workspace) != head or moved or item.restarted_from_zero) and not caught_up:
            head = self._pull(workspace, item, report, status)
            moved = True
        if item.restarted_from_zero and self._writable[workspace]:
            self._push_everything(workspace, item, report, status)
        self._download_blobs(workspace, item)
        if moved or verify:
            self._verify(workspace, item, report, status)

    # -- push --------------------------------------------------------------------------------------

    def _push(self, workspace: str, item: WorkspaceReport, report: SyncReport, status: wire.Status,
              head_before: int) -> bool:
        """Send the outbox. Returns True when the server's new records are exactly ours, so there is
        nothing to pull back: the cursor was at the head, every change was applied as a plain write,
        no conflict was recorded, and the new sequence numbers are all ours (nobody else wrote).
        The digest comparison afterwards still proves both sides agree."""
        start = self.replica.cursor(workspace)
        ours: set[int] = set()
        clean = start == head_before
        final_head = head_before
        self._upload_blobs(workspace, item)
        per_push = min(status.limits.max_changes_per_push, self.page_limit)
        body_budget = min(PAGE_BODY_BYTES, status.limits.max_body_bytes // 2)
        total = self.replica.pending_count(workspace)
        sent = 0
        skipped: set[int] = set()
        while True:
            entries = [entry for entry in self.replica.pending(workspace, limit=per_push + len(skipped))
                       if entry.seq not in skipped][:per_push]
            if not entries:
                if clean and final_head > start and ours == set(range(start + 1, final_head + 1)):
                    self.replica.apply_pulled(workspace, [], final_head)  # the cursor, as if pulled
                    return True
                return False
            page, size = [], 2
            for entry in entries:
                body = change_to_wire(entry.change)
                cost = len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")) + 1
                if page and size + cost > body_budget:
                    break
                page.append((entry, body))
                size += cost
            self._tell("push", workspace, sent, total)

            def send_page() -> tuple[list[tuple[Any, dict[str, Any]]], wire.PushResponse]:
                chosen = page[:self._page_now]  # shrinks when the link keeps failing
                return chosen, self.client.push(workspace, [body for _, body in chosen])

            page, answer = self._call("push", send_page)
            by_id = {result.change_id: result for result in answer.results}
            done: list[int] = []
            final_head = answer.head
            clean = clean and answer.conflicts == 0
            for entry, body in page:
                result = by_id.get(body["change_id"])
                if result is None:
                    skipped.add(entry.seq)  # not answered: keep it for the next sync
                    clean = False
                elif result.status in ("applied", "duplicate"):
                    done.append(entry.seq)
                    if result.status == "applied" and result.seq is not None:
                        ours.add(result.seq)
                    else:
                        clean = False
                else:
                    error = result.error.model_dump() if result.error else {"type": "", "title": "", "detail": ""}
                    self.replica.set_aside(entry.seq, error)
                    clean = False
                    item.set_aside += 1
                    report.refused.append({"workspace": workspace, "seq": entry.seq, "error": error})
            self.replica.acknowledge(done)
            self._progressed()
            item.pushed += len(done)
            item.conflicts += answer.conflicts
            sent += len(page)

    def _push_everything(self, workspace: str, item: WorkspaceReport, report: SyncReport, status: wire.Status) -> None:
        """After pulling from 0: send every local record as whole state, so the server gets what it lacks.

        Records the server already holds in the same state change nothing there (same ``t``).
        """
        per_push = min(status.limits.max_changes_per_push, 1000)
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            if batch:
                self._tell("push", workspace)
                answer = self._call("push", self.client.push, workspace, list(batch))
                for result in answer.results:
                    if result.status == "rejected":
                        report.refused.append({"workspace": workspace, "seq": None,
                                               "error": result.error.model_dump() if result.error else {}})
                item.conflicts += answer.conflicts
                self._progressed()
                batch.clear()

        for change in self.replica.export_changes(workspace):
            batch.append(change_to_wire(change))
            if len(batch) >= per_push:
                flush()
        flush()

    def _upload_blobs(self, workspace: str, item: WorkspaceReport) -> None:
        wanted = list(dict.fromkeys(self.replica.pending_blobs(workspace)))
        for index, sha256 in enumerate(wanted):
            path = self.replica.blob_path(sha256)
            if not path.is_file():
                continue  # referenced but never stored here: nothing to send
            self._tell("upload", workspace, index, len(wanted))

            def chunk_sent(offset: int, size: int) -> None:
                self._progressed()
                self._tell("upload", workspace, index, len(wanted))

            result = self._call("upload", self.client.upload_blob, workspace, path, sha256,
                                chunk_bytes=BLOB_CHUNK_BYTES, on_progress=chunk_sent)
            if result.complete:
                item.blobs_up += 1
                self._progressed()

    # -- pull --------------------------------------------------------------------------------------

    def _pull(self, workspace: str, item: WorkspaceReport, report: SyncReport, status: wire.Status) -> int:
        limit = min(status.limits.max_pull_limit, self.page_limit)
        since = self.replica.cursor(workspace)

        def pull_from_cursor() -> int:
            """Every page after the stored cursor. The client fetches the next page while this
            one is stored; a cut raises here, and the retry starts after the last stored page."""
            nonlocal since
            self._tell("pull", workspace, item.pulled, 0)
            for page in self.client.pull_dicts(workspace, since, min(limit, self._page_now)):
                if self.cancel.is_set():
                    raise SyncCancelled()
                records = [Record(record["id"], record["type"], record["fields"]) for record in page["records"]]
                applied = self.replica.apply_pulled(workspace, records, page["next_since"])
                self._progressed()  # (the replica moved the clock past the page's stamps as it stored it)
                item.pulled += len(records)
                item.changed += applied.records
                item.conflicts += applied.conflicts
                for kind, count in applied.by_type.items():
                    item.by_type[kind] = item.by_type.get(kind, 0) + count
                    report.changed_types.add(kind)
                since = page["next_since"]
                self._tell("pull", workspace, item.pulled, 0)
            return since

        while True:
            try:
                return self._call("pull", pull_from_cursor)
            except ProblemError as error:
                if error.status != 410:
                    raise
                # The server has less than we saw (restored from a backup): start again from 0,
                # merging; what it lacks is pushed afterwards.
                self.replica.reset_cursor(workspace)
                item.restarted_from_zero = True
                since = 0

    def _download_blobs(self, workspace: str, item: WorkspaceReport) -> None:
        missing = self.replica.missing_blobs(workspace)
        unavailable = set(self.replica.get_sync_state(UNAVAILABLE_BLOBS_KEY, []) or [])
        try:
            self._download_each(workspace, item, missing, unavailable)
        finally:
            unavailable |= set(item.blobs_unavailable)
            self.replica.set_sync_state(UNAVAILABLE_BLOBS_KEY, sorted(unavailable)[-1000:])

    def _download_each(self, workspace: str, item: WorkspaceReport, missing: list[dict], unavailable: set[str]) -> None:
        for index, ref in enumerate(missing):
            sha256 = ref["blob"]
            destination = self.replica.blob_path(sha256)
            destination.parent.mkdir(parents=True, exist_ok=True)
            size = int(ref.get("size") or 0)
            self._tell("download", workspace, index, len(missing))

            def received(done: int) -> None:
                self._progressed()
                self._tell("download", workspace, index, len(missing))

            try:
                self._call("download", self.client.download_blob, workspace, sha256, destination, on_progress=received)
            except ProblemError as error:
                if error.status == 404:
                    item.blobs_unavailable.append(sha256)  # referenced, never uploaded by its author: not ours to fix
                    continue
                raise
            unavailable.discard(sha256)
            item.blobs_down += 1
            log.debug("blob %s (%d bytes) downloaded", sha256, size)

    # -- verify ------------------------------------------------------------------------------------

    def _verify(self, workspace: str, item: WorkspaceReport, report: SyncReport, status: wire.Status) -> None:
        for _round in range(3):
            if self.replica.pending_count(workspace):
                item.agreed = None  # edited during the sync: the next sync sends it
                return
            self._tell("verify", workspace)
            server: wire.DigestOut = self._call("digest", self.client.digest, workspace)
            item.server_digest = server.digest
            item.local_digest = self.replica.digest(workspace)
            if item.local_digest == server.digest:
                item.agreed = True
                return
            if server.head != self.replica.cursor(workspace):
                # Someone else wrote meanwhile: fetch it and compare again.
                self._pull(workspace, item, report, status)
                continue
            if item.restarted_from_zero or not self._writable.get(workspace, False):
                break
            # Same head, different state: the server lost records we hold (or we missed some).
            # Pull everything again, merging, and push everything back.
            item.restarted_from_zero = True
            self.replica.reset_cursor(workspace)
            self._pull(workspace, item, report, status)
            self._push_everything(workspace, item, report, status)
            self._pull(workspace, item, report, status)
        item.agreed = False
