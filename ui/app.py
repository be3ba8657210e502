"""Start the desktop app: ``companion`` (see ``companion --help``)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from companion.cli import parse_args
from companion.config import APP_AUTHOR, APP_NAME, Paths

_started = time.perf_counter()


@dataclass
class RunningApp:
    window: "MainWindow"  # noqa: F821 - imported lazily with Qt
    data: "OpenedData"  # noqa: F821
    languages: "LanguageManager"  # noqa: F821
    sync: "SyncUI | None" = None  # noqa: F821

    def close(self) -> None:
        from PySide6.QtCore import QThreadPool

        if self.sync is not None:
            self.sync.shutdown()  # a running sync stops at its next step; what it stored is kept
        self.window.close()
        QThreadPool.globalInstance().waitForDone()  # let a running import finish its transaction
        self.languages.uninstall()
        self.data.close()


def ensure_qt_application():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setDesktopFileName("org.openimis.Companion")  # Wayland and docks match the window to its .desktop entry
    if app.windowIcon().isNull():
        from PySide6.QtGui import QIcon

        from companion.config import resources_dir

        app_icon = QIcon()
        for png in sorted((resources_dir() / "icons" / "app").glob("openimis-companion-*.png")):
            app_icon.addFile(str(png))  # read when first drawn, at the size needed
        app.setWindowIcon(app_icon)
    return app


def start(paths: Paths, language: str | None = None) -> RunningApp:
    """Open the data, pick the language, show the main window. Raises MigrationError."""
    from companion.pilot.store import PilotStore
    from companion.session import bundled_content_needs_import, open_data
    from ui.main_window import LANGUAGE_SETTING, MainWindow
    from ui.translation import LanguageManager

    app = ensure_qt_application()
    from ui import preferences
    from ui.theme import appearance

    preferences.use_settings_file(paths.settings_file)
    appearance().restore()  # text size and theme first: the window is built with them
    languages = LanguageManager(app)
    data = open_data(paths)
    chosen = language or data.library.setting(LANGUAGE_SETTING) or LanguageManager.system_language()
    languages.apply(chosen)  # before any widget exists: they are built in this language
    pilot = PilotStore(data.library.engine, None, paths.blobs_dir)  # templates are read on first use
    window = MainWindow(data.library, languages, pilot, paths.data_dir)
    window.show()
    if bundled_content_needs_import(data.library):
        window.import_bundled_content()
    from companion.records import LocalReplica
    from ui.sync_ui import install_sync

    sync = install_sync(window, LocalReplica(data.library.engine, paths.blobs_dir), paths.data_dir)
    # Everything built so far lives as long as the window: keep it out of the garbage collector's
    # full passes. Otherwise one full pass, triggered by a sync's many new objects on its worker
    # thread, scans the whole heap holding the GIL, and the window stalls for a third of a second.
    import gc

    gc.freeze()
    return RunningApp(window, data, languages, sync)


def hand_requests_to(window, instance) -> None:
    """What later launches ask for (see ui/single_instance.py) goes to the main window, and so do
    files macOS's Finder opens with the running app (a FileOpen event, not a second launch)."""
    from ui.single_instance import FileOpenForwarder

    instance.activation_requested.connect(window.bring_to_front)
    instance.bundles_received.connect(lambda bundles: [window.open_bundle(path) for path in bundles])
    forwarder = FileOpenForwarder(window)
    forwarder.file_opened.connect(window.open_bundle)
    from PySide6.QtWidgets import QApplication

    QApplication.instance().installEventFilter(forwarder)


def _migration_details(error) -> str:
    from companion.i18n import _

    details = str(error)
    if getattr(error, "backup", None):
        details += "\n\n" + _("A copy of your data is also kept here: {path}").format(path=error.backup)
    return details


def migration_error_text(error) -> str:
    """The same words as the dialog, for --no-crash-dialog (scripts, installers' checks)."""
    from companion.i18n import _

    return "\n".join([_("Your data could not be opened"), _MIGRATION_FAILED(), _migration_details(error)])


def _MIGRATION_FAILED() -> str:
    from companion.i18n import _

    return _("The Companion could not update its database to this version. "
             "Nothing was lost: your previous data file is kept as it was.")


def show_migration_error(error) -> None:
    from PySide6.QtWidgets import QMessageBox

    from companion.i18n import _

    box = QMessageBox(QMessageBox.Icon.Critical, _("Your data could not be opened"), _MIGRATION_FAILED())
    box.setDetailedText(_migration_details(error))
    box.exec()


def check_writable(folder) -> None:
    """Raise OSError when nothing can be written in ``folder`` (read-only, full, gone)."""
    import tempfile

    with tempfile.TemporaryFile(dir=folder):
        pass


def report_unwritable_folder(folder, error: OSError, show_dialog: bool) -> None:
    from companion.i18n import _

    title = _("The Companion cannot write in its data folder")
    text = _("It keeps your work in {folder}, but nothing can be written there ({reason}). Check that the disk "
             "is connected, not full, and that you may write in this folder; or start the Companion with another "
             "folder: companion --data-dir FOLDER").format(folder=folder, reason=error.strerror or error)
    if not show_dialog:
        print(f"{title}: {text}", file=sys.stderr)
        return
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, title, text)
    box.setObjectName("unwritableFolderDialog")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def recover_damaged_data(error, show_dialog: bool) -> bool:
    """Ask what to do with a damaged data file and do it; False when the user quits (or cannot be asked)."""
    from companion.storage import recovery
    from ui.dialogs.damaged_data_dialog import AFRESH, RESTORE, DamagedDataDialog, damaged_data_text

    if not show_dialog:
        print(damaged_data_text(error) + f"\n({error.problem})", file=sys.stderr)
        return False
    choice = DamagedDataDialog(error).choose()
    if choice == RESTORE:
        recovery.restore_backup(error.database, error.backup)
    elif choice == AFRESH:
        recovery.start_afresh(error.database)
    return choice in (RESTORE, AFRESH)


def import_the_core_before_qt() -> None:
    """Import the pure-Python modules that start-up needs before anything imports PySide6.

    Once PySide6 is imported, it reads the source file of every module imported after it (its
    ``__feature__`` check): the core, SQLAlchemy and the rest took about a third longer to import
    that way (0.25 s of CPU here). A module that fails to import here is imported again below,
    after the crash hook is in place, which reports the error as any other.

    The garbage collector waits meanwhile: imports make many objects and almost no garbage, and
    its passes over them took a tenth of the import time."""
    import gc

    gc.disable()
    try:
        import html  # noqa: F401
        import logging.handlers  # noqa: F401
        import tempfile  # noqa: F401

        import sqlalchemy.dialects.sqlite.pysqlite  # noqa: F401 - loaded when the engine is made

        import companion.content.categories  # noqa: F401
        import companion.content.fingerprint  # noqa: F401
        import companion.content.highlight  # noqa: F401
        import companion.content.limits  # noqa: F401
        import companion.i18n  # noqa: F401
        import companion.logs  # noqa: F401
        import companion.pilot.store  # noqa: F401
        import companion.session  # noqa: F401
        import companion.storage.migrate  # noqa: F401
        import companion.sync_problems  # noqa: F401
        import companion.training.common  # noqa: F401
        import sync.credentials  # noqa: F401
    except Exception:  # noqa: BLE001
        pass
    finally:
        gc.enable()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if getattr(args, "command", None):
        from sync.commands import run_command  # no Qt: sign-in, sync and bundles from a script

        return run_command(args)
    paths = Paths.resolve(args.data_dir)
    if args.self_check:
        from companion.selfcheck import run_self_check

        ok, lines = run_self_check(paths)
        ok_qt, qt_lines = qt_self_check()
        print("\n".join(lines + qt_lines))
        return 0 if ok and ok_qt else 1

    import_the_core_before_qt()
    from companion import i18n
    from companion.logs import setup_logging
    from companion.storage.migrate import DamagedDatabaseError, MigrationError
    from ui.crash_dialog import install_crash_hook
    from ui.translation import LanguageManager

    # The crash hook first: anything below, opening the log included, may fail.
    install_crash_hook(paths.log_file, show_dialog=not args.no_crash_dialog)
    app = ensure_qt_application()

    def speak_the_users_language() -> None:  # the data (and the language chosen in it) is not open
        LanguageManager(app).apply(args.language or LanguageManager.system_language())

    try:
        paths.ensure()
        check_writable(paths.data_dir)
    except OSError as error:
        speak_the_users_language()
        report_unwritable_folder(paths.data_dir, error, show_dialog=not args.no_crash_dialog)
        return 1
    try:
        setup_logging(paths.log_file)
    except OSError as error:  # the log only: the app works without it
        print(f"companion: no log file ({error}); logging to the console", file=sys.stderr)
    # One Companion per data folder, decided before the database is opened (ui/single_instance.py).
    bundles = [str(Path(args.bundle).expanduser().resolve())] if args.bundle else []
    from ui.single_instance import SingleInstance

    instance = SingleInstance(paths.data_dir)
    try:
        if not instance.claim_or_hand_over(bundles):
            return 0  # the running Companion came to the front and took the bundle
    except TimeoutError as error:
        speak_the_users_language()
        message = i18n._("The Companion is already running with this data folder but does not answer. "
                         "Close it (or end it in the task manager), then start the Companion again.")
        print(f"{message}\n{error}", file=sys.stderr)
        if not args.no_crash_dialog:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(None, i18n._("openIMIS Companion"), message)
        return 1
    for _attempt in range(3):
        try:
            running = start(paths, args.language)
            break
        except DamagedDatabaseError as error:
            speak_the_users_language()
            if not recover_damaged_data(error, show_dialog=not args.no_crash_dialog):
                instance.release()
                return 1
        except MigrationError as error:
            speak_the_users_language()
            if args.no_crash_dialog:
                print(migration_error_text(error), file=sys.stderr)
            else:
                show_migration_error(error)
            instance.release()
            return 1
    else:
        instance.release()
        return 1
    hand_requests_to(running.window, instance)
    for path in bundles:
        running.window.open_bundle(path)
    if args.quit_when_ready:
        from PySide6.QtCore import QTimer

        def ready() -> None:
            print(f"READY {time.perf_counter() - _started:.3f}", flush=True)
            app.quit()

        QTimer.singleShot(0, ready)
    code = app.exec()
    running.close()
    instance.release()
    return code


def qt_self_check() -> tuple[bool, list[str]]:
    """The Qt side of ``--self-check``: Qt's own French strings can be found."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    found = QTranslator().load("qtbase_fr", folder)
    return found, [("ok   " if found else "FAIL ") + f"Qt's French translations (qtbase_fr) in {folder}"]
