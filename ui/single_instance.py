"""One Companion per data folder: a second launch hands its request to the running one and exits.

The first process takes a lock file in the data folder (QLockFile: the operating system knows
when its owner died, so a crash never locks the user out) *before* it opens the database, so two
launches at once can never both create or upgrade it. The owner then listens on a local socket
(a named pipe on Windows) whose name is derived from the data folder. A later launch that finds
the lock taken connects to that socket and sends one JSON line: bring the window to the front,
and the ``.cbundle`` files it was asked to open. If the owner exits meanwhile, the later launch
takes the lock itself and becomes the running Companion.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger("companion.instance")

LOCK_NAME = "companion.lock"
WAIT_FOR_OWNER_S = 30.0  # the owner may be upgrading a large database before it answers
ANSWER = b"ok\n"


def socket_name(data_dir: Path) -> str:
    """The same for every launch on one data folder, for one user; short enough for any platform."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"openimis-companion-{digest}"


class SingleInstance(QObject):
    """Owns the data folder for this process, or passes requests to the process that does."""

    activation_requested = Signal()
    bundles_received = Signal(list)  # absolute paths of .cbundle files, as str

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.name = socket_name(data_dir)
        self._lock = QLockFile(str(data_dir / LOCK_NAME))
        self._lock.setStaleLockTime(0)  # held for as long as the app runs: only a dead owner makes it stale
        self._server: QLocalServer | None = None

    @property
    def owner(self) -> bool:
        return self._server is not None

    def _try_own(self) -> bool:
        if not self._lock.tryLock(0):
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        QLocalServer.removeServer(self.name)  # we hold the lock: a socket left there is a dead owner's
        if not server.listen(self.name):
            log.warning("single instance: cannot listen on %s: %s", self.name, server.errorString())
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def claim_or_hand_over(self, bundles: list[str]) -> bool:
        """True: this process owns the data folder (go on starting). False: the running Companion
        was asked to come to the front and open ``bundles`` (exit now). Raises TimeoutError when
        another process holds the lock but never answers."""
        deadline = time.monotonic() + WAIT_FOR_OWNER_S
        while True:
            if self._try_own():
                return True
            if self._hand_over(bundles, deadline):
                return False
            if time.monotonic() > deadline:
                raise TimeoutError(f"another Companion holds {self.data_dir / LOCK_NAME} but does not answer")
            time.sleep(0.1)

    def _hand_over(self, bundles: list[str], deadline: float) -> bool:
        _allow_owner_to_take_focus()
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(1000):
            return False  # the owner is not listening yet, or has just gone: try again
        message = json.dumps({"activate": True, "bundles": bundles}).encode("utf-8") + b"\n"
        socket.write(QByteArray(message))
        socket.waitForBytesWritten(3000)
        reply = b""
        # Sent once, then wait: the owner answers when its event loop runs (after a long upgrade,
        # perhaps). Sending again would open the bundle twice.
        while reply != ANSWER and time.monotonic() < deadline:
            if socket.waitForReadyRead(500):
                reply += bytes(socket.readAll().data())
            elif socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
                break  # the owner went away without answering: the lock may be free now
        socket.disconnectFromServer()
        return reply == ANSWER

    def _accept(self) -> None:
        while self._server is not None and self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()  # a child of the server, freed with it
            # The other launch writes its one line as soon as it is connected: read it here, briefly.
            line = bytearray()
            while b"\n" not in line and len(line) < 1_000_000 and connection.waitForReadyRead(2000):
                line.extend(bytes(connection.readAll().data()))
            if b"\n" in line:
                connection.write(QByteArray(ANSWER))
                connection.waitForBytesWritten(2000)
            connection.disconnectFromServer()
            if b"\n" in line:
                self._handle(bytes(line.split(b"\n", 1)[0]))

    def _handle(self, line: bytes) -> None:
        try:
            message = json.loads(line)
            bundles = [str(path) for path in message.get("bundles", []) if isinstance(path, str)]
        except (ValueError, AttributeError):
            log.warning("single instance: ignored a message that is not ours")
            return
        log.info("another launch asked for the window%s", f" and bundles {bundles}" if bundles else "")
        self.activation_requested.emit()
        if bundles:
            self.bundles_received.emit(bundles)

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock.isLocked():
            self._lock.unlock()


class FileOpenForwarder(QObject):
    """On macOS a document opened from the Finder reaches the running app as a FileOpen event."""

    file_opened = Signal(str)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.FileOpen and event.file():
            self.file_opened.emit(str(Path(event.file()).resolve()))
            return True
        return super().eventFilter(watched, event)


def _allow_owner_to_take_focus() -> None:
    """Windows lets only the foreground process give focus away: this launch is it, so allow it."""
    if os.name == "nt":
        import ctypes

        ASFW_ANY = -1
        ctypes.windll.user32.AllowSetForegroundWindow(ASFW_ANY)
