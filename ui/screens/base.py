"""What every screen of the main window shares: re-labelling on language change."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QWidget


class Screen(QWidget):
    """A page of the main window. Subclasses set their texts in ``retranslate()``
    (called at creation and on every language switch) and reload data in ``refresh()``.
    ``record_types``: the synced record types the screen shows; when records of those types
    change elsewhere (an undo, a sync), the window asks the screen on view to ``refresh()``."""

    record_types: frozenset[str] = frozenset()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.refresh()
        super().changeEvent(event)

    def retranslate(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload what the screen shows from the core; cheap screens just re-query."""
