"""Every path the Companion uses, in one place.

The data folder is, in order of precedence: ``--data-dir``, the ``COMPANION_DATA_DIR``
environment variable, then the platform's user data folder (platformdirs).
Bundled content and catalogs are found inside the installed package
(``companion/_bundled``) or, in a checkout, at the repository's top level.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "openIMIS Companion"
APP_AUTHOR = "openIMIS"
DATA_DIR_ENV = "COMPANION_DATA_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    installed = _PACKAGE_DIR / "_bundled" / name
    if installed.exists():
        return installed
    return _PACKAGE_DIR.parent / name


def license_file() -> Path:
    """The GNU AGPL v3 text the Companion is distributed under (shown in Help > About)."""
    return _bundled("LICENSE")


def manual_dir() -> Path:
    """The offline user manual: ``<dir>/<lang>/manual.md``."""
    return resources_dir() / "manual"


def resources_dir() -> Path:
    """Bundled guides, templates, images and icons."""
    return _bundled("resources")


def guides_dir() -> Path:
    return resources_dir() / "guides"


def training_dir() -> Path:
    return resources_dir() / "training"


def bundled_image(name: str) -> Path | None:
    """A picture shipped for guides or lessons, by file name; nothing outside those folders."""
    for folder in (guides_dir() / "images", training_dir() / "images"):
        path = (folder / name).resolve()
        if path.parent == folder.resolve() and path.is_file():
            return path
    return None


def translations_dir() -> Path:
    """gettext catalogs: ``<dir>/<lang>/LC_MESSAGES/companion.mo``."""
    return _bundled("translations")


def migrations_dir() -> Path:
    return _PACKAGE_DIR / "storage" / "migrations"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir  # imported here: only needed without an override

    return Path(user_data_dir(APP_NAME, APP_AUTHOR, roaming=True))


@dataclass(frozen=True)
class Paths:
    """The user's data folder and what lives in it."""

    data_dir: Path
    # Where interface preferences live (zoom, theme, window size, last folders): the platform's
    # config folder for the default data folder; beside the data for --data-dir (portable, tests).
    config_dir: Path | None = None

    @classmethod
    def resolve(cls, cli_data_dir: str | os.PathLike[str] | None = None) -> "Paths":
        chosen = cli_data_dir or os.environ.get(DATA_DIR_ENV)
        if chosen:
            return cls(Path(chosen).expanduser().resolve())
        from platformdirs import user_config_dir

        return cls(default_data_dir().expanduser().resolve(),
                   Path(user_config_dir(APP_NAME, APP_AUTHOR, roaming=True)))

    @property
    def settings_file(self) -> Path:
        return (self.config_dir or self.data_dir) / "settings.ini"

    @property
    def database(self) -> Path:
        return self.data_dir / "companion.sqlite3"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs_dir / "companion.log"

    @property
    def blobs_dir(self) -> Path:
        """Content-addressed store for attachments (SHA-256 named files)."""
        return self.data_dir / "blobs"

    def ensure(self) -> "Paths":
        for folder in (self.data_dir, self.backups_dir, self.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self
