"""Interface preferences kept between runs: text size, theme, window geometry, last folders.

They live in one QSettings INI file in the app's config folder (``Paths.settings_file``), not in the
database: they belong to this laptop's screen, not to the data that syncs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

_settings_file: Path | None = None


def use_settings_file(path: Path) -> None:
    """Called once at start (ui.app.start), before any preference is read."""
    global _settings_file
    _settings_file = path
    path.parent.mkdir(parents=True, exist_ok=True)


def settings() -> QSettings:
    if _settings_file is None:  # a widget used outside the app (a script): Qt's own default place
        return QSettings()
    return QSettings(str(_settings_file), QSettings.Format.IniFormat)


def value(key: str, default=None, kind: type | None = None):
    stored = settings().value(key, default)
    if kind is None or stored is None:
        return stored
    try:
        return kind(stored)
    except (TypeError, ValueError):  # a hand-edited or damaged file: the default, never a crash
        return default


def set_value(key: str, stored) -> None:
    prefs = settings()
    prefs.setValue(key, stored)
    prefs.sync()  # written now: a power cut must not lose it


# --- last used folders ------------------------------------------------------------------------------

def last_folder(kind: str) -> Path | None:
    """The folder last used for ``kind`` ("exports", "attachments", "bundles"), if it still exists."""
    stored = value(f"folders/{kind}")
    if not stored:
        return None
    folder = Path(str(stored))
    return folder if folder.is_dir() else None


def remember_folder(kind: str, folder: Path | str) -> None:
    set_value(f"folders/{kind}", str(folder))
