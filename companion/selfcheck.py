"""``companion --self-check``: can this installation run? Checks without a screen."""

from __future__ import annotations

from companion import i18n
from companion.config import Paths, guides_dir, translations_dir
from companion.session import import_bundled_content, open_data
from companion.storage.migrate import MigrationError


def run_self_check(paths: Paths) -> tuple[bool, list[str]]:
    lines: list[str] = []
    ok = True

    def check(passed: bool, message: str) -> None:
        nonlocal ok
        ok = ok and passed
        lines.append(("ok   " if passed else "FAIL ") + message)

    check(guides_dir().is_dir(), f"bundled guides folder: {guides_dir()}")
    for language in i18n.SUPPORTED_LANGUAGES:
        check(i18n.catalog_found(language), f"translation catalog for '{language}' in {translations_dir()}")
    i18n.set_language("fr")
    check(i18n._("Library") != "Library", "French interface strings load")
    i18n.set_language("en")
    from companion.storage.migrate import SCHEMA_HEAD, known_revisions

    revisions = known_revisions()
    check(SCHEMA_HEAD in revisions, f"schema migrations: {len(revisions)} scripts, up to {SCHEMA_HEAD}")
    try:
        import openpyxl  # noqa: F401  (Excel exports)

        check(True, "Excel export (openpyxl)")
    except ImportError:
        check(False, "Excel export: openpyxl is not installed (install openimis-companion[desktop])")
    try:
        from sync import coding

        page = b'{"records":[]}' * 100
        check(all(coding.decompress(name, _packed(name, page), len(page)) == page for name in (coding.ZSTD, coding.GZIP)),
              "sync: zstd and gzip answers")
    except ImportError as error:
        check(False, f"sync: {error} (install openimis-companion[desktop])")
    try:
        data = open_data(paths)
    except MigrationError as error:  # a damaged file, a schema from a newer release: a report, not a traceback
        check(False, f"database {paths.database}: {error}")
        return ok, lines
    try:
        check(True, f"database {paths.database} ({data.migration.action})")
        report = import_bundled_content(data.library)
        counts = data.library.category_counts()
        total = data.library.guide_count()
        check(total > 0, f"{total} guides in the library ({report.added} added, {report.updated} updated)")
        check(bool(data.library.search("openimis")), "full-text search answers")
        check(bool(data.library.search("interoperabilite", language="fr")), "accent-insensitive search in French")
        check(all(counts.values()), "every category has guides: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    finally:
        data.close()
    return ok, lines


def _packed(coding_name: str, data: bytes) -> bytes:
    from sync import coding

    compressor = coding.compressor(coding_name)
    return compressor.compress(data) + compressor.flush()
