"""A fault-injecting TCP proxy for the sync tests: latency, a bandwidth limit, cut connections.

    with FaultyProxy(("127.0.0.1", server_port)) as proxy:
        proxy.latency_s = 0.2            # one way, each direction (RTT = 2 x latency)
        proxy.bandwidth_bps = 250_000    # bits per second, each direction
        proxy.cut_after(1000, 50_000)    # every connection is cut after a random 1,000..50,000 bytes
        proxy.cut_next_at(12_345)        # or: the next 12,345 bytes relayed (all connections) cut the link once
        client = SyncClient(proxy.url)

Threads, no asyncio: each connection has a reader and a writer per direction; the writer
holds each chunk until its arrival time plus the latency, and paces by the bandwidth. A cut
closes both sockets with a reset (SO_LINGER 0), as a dropped 2G link looks to a client.
"""

from __future__ import annotations

import collections
import random
import socket
import struct
import threading
import time
from typing import Any


class _Pipe:
    """One direction of one connection: bytes read from ``source`` reach ``target`` late and slowly."""

    def __init__(self, proxy: "FaultyProxy", connection: "_Connection", source: socket.socket, target: socket.socket) -> None:
        self.proxy = proxy
        self.connection = connection
        self.source = source
        self.target = target
        self.queue: collections.deque[tuple[float, bytes]] = collections.deque()
        self.ready = threading.Condition()
        self.eof = False

    def read_loop(self) -> None:
        try:
            while not self.connection.closed:
                data = self.source.recv(16384)
                if not data:
                    break
                with self.ready:
                    self.queue.append((time.monotonic(), data))
                    self.ready.notify()
        except OSError:
            pass
        with self.ready:
            self.eof = True
            self.ready.notify()

    def write_loop(self) -> None:
        try:
            while True:
                with self.ready:
                    while not self.queue and not self.eof and not self.connection.closed:
                        self.ready.wait(0.5)
                    if self.connection.closed or (not self.queue and self.eof):
                        break
                    arrived, data = self.queue.popleft()
                due = arrived + self.proxy.latency_s
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                # Send in small slices so the bandwidth limit and a cut fall mid-chunk.
                for start in range(0, len(data), 1460):
                    piece = data[start:start + 1460]
                    allowed = self.proxy._take_budget(self.connection, len(piece))
                    if allowed < len(piece):
                        if allowed:
                            self.target.sendall(piece[:allowed])
                        self.connection.cut()
                        return
                    self.target.sendall(piece)
                    if self.proxy.bandwidth_bps:
                        time.sleep(len(piece) * 8 / self.proxy.bandwidth_bps)
        except OSError:
            pass
        if not self.connection.closed:
            try:
                self.target.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            self.connection.half_closed()


class _Connection:
    def __init__(self, proxy: "FaultyProxy", client: socket.socket, upstream: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream = upstream
        self.closed = False
        self.budget: int | None = proxy._new_budget()
        self._halves = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        for source, target in ((self.client, self.upstream), (self.upstream, self.client)):
            pipe = _Pipe(self.proxy, self, source, target)
            for loop in (pipe.read_loop, pipe.write_loop):
                threading.Thread(target=loop, daemon=True).start()

    def half_closed(self) -> None:
        with self._lock:
            self._halves += 1
            done = self._halves >= 2
        if done:
            self.close(reset=False)

    def cut(self) -> None:
        self.proxy.cuts += 1
        self.close(reset=True)

    def close(self, reset: bool) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True
        for sock in (self.client, self.upstream):
            try:
                if reset:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                # shutdown() wakes the threads blocked in recv() on it; close() alone would not,
                # and the connection would stay open under them.
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                sock.close()
            except OSError:
                pass
        self.proxy._forget(self)


class FaultyProxy:
    def __init__(self, upstream: tuple[str, int], seed: int | None = None) -> None:
        self.upstream = upstream
        self.latency_s = 0.0
        self.bandwidth_bps = 0
        self.random = random.Random(seed)
        self.cuts = 0
        self.bytes_relayed = 0
        self._cut_range: tuple[int, int] | None = None
        self._cut_at: int | None = None  # bytes left before a one-off cut, over all connections
        self._lock = threading.Lock()
        self._connections: set[_Connection] = set()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._running = True
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    # -- configuration -----------------------------------------------------------------------------

    def cut_after(self, low: int | None, high: int | None = None) -> None:
        """Cut every new connection after a random number of bytes in [low, high]; None: never."""
        self._cut_range = None if low is None else (low, high if high is not None else low)

    def cut_next_at(self, nbytes: int | None) -> None:
        """Cut whichever connection carries the byte number ``nbytes`` from now (once)."""
        with self._lock:
            self._cut_at = nbytes

    def cut_all(self) -> None:
        for connection in list(self._connections):
            connection.cut()

    # -- internals ---------------------------------------------------------------------------------

    def _new_budget(self) -> int | None:
        if self._cut_range is None:
            return None
        return self.random.randint(*self._cut_range)

    def _take_budget(self, connection: _Connection, wanted: int) -> int:
        """How many of ``wanted`` bytes may pass before a cut."""
        with self._lock:
            allowed = wanted
            if connection.budget is not None:
                allowed = min(allowed, connection.budget)
                connection.budget -= allowed
            if self._cut_at is not None:
                allowed = min(allowed, self._cut_at)
                self._cut_at -= allowed
                if self._cut_at <= 0 and allowed < wanted:
                    self._cut_at = None
            self.bytes_relayed += allowed
            return allowed

    def _forget(self, connection: _Connection) -> None:
        with self._lock:
            self._connections.discard(connection)

    def _accept_loop(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection = _Connection(self, client, upstream)
            with self._lock:
                self._connections.add(connection)
            connection.start()

    def start(self) -> "FaultyProxy":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._running = False
        try:
            self._listener.close()
        except OSError:
            pass
        for connection in list(self._connections):
            connection.close(reset=True)

    def __enter__(self) -> "FaultyProxy":
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()
