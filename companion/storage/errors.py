"""What a failed read or write of the data file looks like, in one place (the screens and the
crash handler classify it; they never look at SQLite or SQLAlchemy themselves)."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError

# Reading or writing the data failed: a full disk, a damaged or read-only file.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (DBAPIError, sqlite3.Error, OSError)


def is_storage_error(error: BaseException | None) -> bool:
    return isinstance(error, STORAGE_ERRORS)


def storage_problem(error: BaseException) -> str:
    """"full", "read-only", "damaged" or "other", from what the driver said."""
    text = str(getattr(error, "orig", None) or error).lower()
    if "full" in text or "no space" in text:
        return "full"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "read-only"
    if "malformed" in text or "not a database" in text:
        return "damaged"
    return "other"
