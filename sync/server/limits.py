"""What keeps one client from harming the others: body caps, connection guards, a bounded log.

- Request bodies from callers without a token are capped at a few KiB, before
  and after gzip (``POST /auth/token`` is the only anonymous endpoint that takes
  a body): an 8 KB gzip body that expands to millions of JSON objects never
  reaches the parser. JSON is parsed on a worker thread, never on the event loop.
- Connections (uvicorn's HTTP protocol, subclassed): a client must finish a
  request's headers within ``header_timeout`` of connecting (or of its previous
  answer); a request whose body stops arriving, or whose answer the client stops
  reading, for ``stall_timeout`` is cut; one client address holds at most
  ``per_address`` connections. Half-open connections therefore never pile up.
- The log: a message that repeats (same logger, level and text template) is
  written at most ``burst`` times a minute, then counted and summarised, so a
  flood of broken connections cannot write thousands of tracebacks.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool

ANONYMOUS_BODY_BYTES = 4 * 1024


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout_s: float = 20.0
    stall_timeout_s: float = 30.0
    per_address: int = 64
    # uvicorn's limit_concurrency: past this many connections or running requests, new requests get 503.
    concurrency: int = 1000
    keep_alive_s: int = 15


def body_limit(headers: dict[bytes, bytes], is_blob: bool, max_body_bytes: int, max_blob_bytes: int) -> int:
    """How many bytes (after decompression) this request's body may have."""
    if b"authorization" not in headers:
        return ANONYMOUS_BODY_BYTES
    return max_blob_bytes if is_blob else max_body_bytes


def refuse_before_reading(path: str, headers: dict[bytes, bytes]) -> bool:
    """Whether a Content-Length past the limit is refused (413) before the app sees the request.

    An anonymous request to an endpoint that needs a token is left to the app,
    which answers 401 without reading the body: "sign in" is the useful answer.
    """
    return b"authorization" in headers or path.endswith("/auth/token")


# -- JSON, off the event loop -------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number out of range: {text}")
    return value


# Python's JSON parser holds the GIL, so a body of millions of tiny values stalls every
# thread, not only its own, however it is scheduled. A real push (1000 changes) has a few
# tens of thousands of objects and arrays; counting brackets (strings included, so it
# over-counts) is a fast upper bound.
MAX_JSON_CONTAINERS = 500_000


def parse_json(body: bytes) -> Any:
    """Strict JSON: no NaN or Infinity, no numbers out of range. Raises ValueError or RecursionError."""
    if len(body) > MAX_JSON_CONTAINERS and body.count(b"[") + body.count(b"{") > MAX_JSON_CONTAINERS:
        raise ValueError(f"more than {MAX_JSON_CONTAINERS} objects and arrays")
    return json.loads(body, parse_constant=_reject_constant, parse_float=_parse_float)


async def parse_json_off_loop(body: bytes) -> Any:
    # A large body holds the parser for a while: other clients keep being served meanwhile.
    if len(body) < 64 * 1024:  # well under a millisecond: cheaper than a worker-thread hop
        return parse_json(body)
    return await run_in_threadpool(parse_json, body)


# -- connections ------------------------------------------------------------------------------------------


def guarded_protocol(limits: ConnectionLimits, trusted_proxies: Iterable[str] = ()) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol (httptools when installed, else h11) with the connection guards above."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    trusted = {address for address in trusted_proxies if address and address != "*"}
    open_per_address: dict[str, int] = {}
    busy_answer = (
        b"HTTP/1.1 503 Service Unavailable\r\ncompanion-protocol: 1\r\nretry-after: 10\r\n"
        b"content-length: 0\r\nconnection: close\r\n\r\n"
    )

    class GuardedHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._guard_peer = self.client[0] if self.client else ""
            count = open_per_address.get(self._guard_peer, 0) + 1
            open_per_address[self._guard_peer] = count
            now = self.loop.time()
            self._guard_idle_since = now
            self._guard_last_data = now
            self._guard_paused_since: float | None = None
            if count > limits.per_address and self._guard_peer not in trusted:
                transport.write(busy_answer)
                transport.close()
                self._guard_timer = None
                return
            self._guard_timer = self.loop.call_later(1.0, self._guard_check)

        def connection_lost(self, exc: Exception | None) -> None:
            remaining = open_per_address.get(self._guard_peer, 1) - 1
            if remaining > 0:
                open_per_address[self._guard_peer] = remaining
            else:
                open_per_address.pop(self._guard_peer, None)
            if self._guard_timer is not None:
                self._guard_timer.cancel()
                self._guard_timer = None
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            self._guard_last_data = self.loop.time()
            super().data_received(data)

        def on_response_complete(self) -> None:
            self._guard_idle_since = self.loop.time()
            super().on_response_complete()

        def pause_writing(self) -> None:
            self._guard_paused_since = self.loop.time()
            super().pause_writing()

        def resume_writing(self) -> None:
            self._guard_paused_since = None
            super().resume_writing()

        def _guard_check(self) -> None:
            self._guard_timer = None
            if self.transport.is_closing():
                return
            now = self.loop.time()
            cycle = self.cycle
            if cycle is None or cycle.response_complete:
                stalled = now - self._guard_idle_since > limits.header_timeout_s  # no complete request headers yet
            elif cycle.more_body and not self._guard_paused_since:
                stalled = now - self._guard_last_data > limits.stall_timeout_s  # the body stopped coming
            else:
                stalled = self._guard_paused_since is not None and now - self._guard_paused_since > limits.stall_timeout_s
            if stalled:
                # abort(), not close(): nothing more is owed to a client that stopped talking or listening.
                self.transport.abort()
                return
            self._guard_timer = self.loop.call_later(1.0, self._guard_check)

    GuardedHTTPProtocol.__name__ = f"Guarded{AutoHTTPProtocol.__name__}"
    return GuardedHTTPProtocol


def raise_open_files_limit(wanted: int = 8192) -> None:
    """Each connection is a file descriptor: a soft limit of 1024 is reached by a modest crowd."""
    try:
        import resource
    except ImportError:  # Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


# -- the log ------------------------------------------------------------------------------------------------


class FloodFilter(logging.Filter):
    """Lets a repeating message through ``burst`` times per ``period_s``, then counts it."""

    def __init__(self, burst: int = 10, period_s: float = 60.0, min_level: int = logging.WARNING, clock=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.burst = burst
        self.period_s = period_s
        self.min_level = min_level
        self._clock = clock
        self._windows: dict[tuple[str, int, str], list[float | int]] = {}  # key -> [window start, passed, dropped]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < self.min_level:
            return True
        key = (record.name, record.levelno, str(record.msg)[:200])
        now = self._clock()
        window = self._windows.get(key)
        if window is None or now - window[0] >= self.period_s:
            dropped = int(window[2]) if window is not None else 0
            if len(self._windows) > 1000:
                self._windows.clear()  # many different messages: start counting afresh, memory stays bounded
            self._windows[key] = [now, 1, 0]
            if dropped:
                record.msg = f"{record.msg} [{dropped} more like this were not logged in the last {self.period_s:.0f} s]"
            return True
        if window[1] < self.burst:
            window[1] = int(window[1]) + 1
            return True
        window[2] = int(window[2]) + 1
        return False


def install_flood_filter(logger_names: Iterable[str] = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "asyncio")) -> FloodFilter:
    flood = FloodFilter()
    for name in logger_names:
        for handler in logging.getLogger(name).handlers:
            handler.addFilter(flood)
    return flood
