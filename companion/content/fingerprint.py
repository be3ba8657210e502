"""Whether the bundled guides changed since they were imported.

Checked at every start, before the window shows, so this module imports nothing heavy: the
Markdown renderer and the YAML reader are loaded only when an import has something to do.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.orm import Session

from companion.storage.models import Setting

FINGERPRINT_KEY = "bundled_guides_fingerprint"


def bundle_fingerprint(guides_dir: Path) -> str:
    """A cheap digest of the bundled files, so start-up skips the import when nothing changed."""
    digest = hashlib.sha256()
    for path in sorted(guides_dir.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(guides_dir)).encode("utf-8"))
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def bundled_content_is_current(session: Session, guides_dir: Path) -> bool:
    stored = session.get(Setting, FINGERPRINT_KEY)
    return stored is not None and stored.value == bundle_fingerprint(guides_dir)
