"""Answering a modal dialog from a test: the answer runs as soon as the dialog is open, however
long the machine takes to open it (no fixed delay)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

_waiting: list[QTimer] = []


def when_dialog_opens(action: Callable[[], None], give_up_after_ms: int = 30_000) -> None:
    """Run ``action`` once a modal dialog is shown (it finds the dialog with activeModalWidget())."""
    timer = QTimer()
    timer.setInterval(5)
    waited = [0]

    def check() -> None:
        dialog = QApplication.activeModalWidget()
        waited[0] += timer.interval()
        if dialog is not None and dialog.isVisible():
            timer.stop()
            _waiting.remove(timer)
            try:
                action()
            except BaseException:
                # A failed answer must fail the test, not leave the dialog's exec() waiting forever.
                # done(), not reject(): a dialog may ask "Stop?" in its own reject.
                if isinstance(dialog, QDialog) and dialog.isVisible():
                    dialog.done(QDialog.DialogCode.Rejected.value)
                elif dialog.isVisible():
                    dialog.close()
                raise
        elif waited[0] > give_up_after_ms:
            timer.stop()
            _waiting.remove(timer)
            raise AssertionError("no dialog opened")

    timer.timeout.connect(check)
    _waiting.append(timer)
    timer.start()
