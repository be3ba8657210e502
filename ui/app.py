"""Start the desktop app: ``companion`` (see ``companion --help``)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from companion.cli import parse_args
from companion.config import APP_AUTHOR, APP_NAME, Paths

_started = time.perf_counter()


class RunningApp:
    """The window and the data it shows. After a fast start (see start()) the data is still being
    opened on a worker thread for a moment: ``data`` then waits for it."""

    def __init__(self, window, languages, data=None) -> None:
        self.window = window
        self.languages = languages
        self.sync = None  # ui/sync_ui.py's SyncUI, once the data is open
        self._data = data
        self._opening = False  # the data is being opened on a pool thread
        self._opened = None  # what it opened (data, read ahead), for the UI thread
        self._when_ready: list = []

    @property
    def data(self):
        if self._data is None and self._opening:
            self._wait_for_data()
        return self._data

    @property
    def ready(self) -> bool:
        return self._data is not None

    def when_ready(self, action) -> None:
        """Run ``action`` once the data is open and sync installed (now, when it is)."""
        if self.ready:
            action()
        else:
            self._when_ready.append(action)

    def open_data_behind(self, paths: Paths, outcome, language: str | None) -> None:
        """Open the data on a pool thread (the window shows meanwhile), then finish on this one."""
        from ui.runner import run_in_background

        self._paths, self._language = paths, language

        def open_data(_progress) -> None:
            from companion.session import connect_data

            data = connect_data(paths, outcome)
            try:
                _import_the_rest_of_the_window()
                # What the window reads first, read here: the UI thread then only draws it.
                self._opened = data, _read_ahead(data, paths, language)
            except BaseException:
                data.close()
                raise

        self._opening = True
        run_in_background(open_data, on_success=lambda _none: self._finish_opening(), on_failure=self._not_opened)

    def _wait_for_data(self) -> None:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone()  # the opening (a test asked for the data at once)
        self._finish_opening()

    def _not_opened(self, error: BaseException) -> None:
        """The file was checked before opening: a disk gone, memory short... A window without its
        data is of no use: the crash dialog (its report logged), then the app ends."""
        from PySide6.QtWidgets import QApplication

        from ui.crash_dialog import EXIT_CRASHED

        sys.excepthook(type(error), error, error.__traceback__)
        QApplication.instance().exit(EXIT_CRASHED)

    def _finish_opening(self) -> None:
        if self._data is not None or self._opened is None:
            return  # done already, or the opening failed (see _not_opened)
        self._data, ahead = self._opened
        try:
            _connect_window(self, self._paths, self._language, ahead)
        finally:
            waiting, self._when_ready = self._when_ready, []
            for action in waiting:
                action()

    def close(self) -> None:
        from PySide6.QtCore import QThreadPool

        if self.sync is not None:
            self.sync.shutdown()  # a running sync stops at its next step; what it stored is kept
        self.window.close()
        QThreadPool.globalInstance().waitForDone()  # let a running import, or the data's opening, finish
        if self._data is None and self._opened is not None:
            self._data = self._opened[0]  # closed while the data was opening: close it properly
        self.languages.uninstall()
        if self._data is not None:
            self._data.close()


def _import_the_rest_of_the_window() -> None:
    """What the window needs once the data is open, imported on the worker thread that opened it."""
    import companion.pilot.store  # noqa: F401
    import companion.records  # noqa: F401
    import companion.storage.training_models  # noqa: F401 - else the first guide opened waits 30 ms for it
    import ui.changes  # noqa: F401
    import ui.screens.reader  # noqa: F401 - the first guide opened would wait 40 ms to import it
    import ui.sharing  # noqa: F401
    import ui.sync_ui  # noqa: F401


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


def start(paths: Paths, language: str | None = None, fast: bool = False) -> RunningApp:
    """Open the data, pick the language, show the main window. Raises MigrationError.

    With ``fast`` (the app itself), when the database needs no upgrade and the last run left Home's
    content (companion/home.py), the window shows that Home at once while the data layer (SQLAlchemy
    and the models, half the start-up time) loads on a pool thread; the window takes the live data
    a moment later, and what the user asked meanwhile is done then. Otherwise all is opened first."""
    from companion import __version__
    from companion.home import load_start_view
    from companion.session import connect_data, prepare_data
    from ui.main_window import MainWindow
    from ui.translation import LanguageManager

    app = ensure_qt_application()
    from ui import preferences
    from ui.theme import appearance

    preferences.use_settings_file(paths.settings_file)
    appearance().restore()  # text size and theme first: the window is built with them
    languages = LanguageManager(app)
    outcome = prepare_data(paths)  # a damaged or old file is found here, before any window
    start_view = load_start_view(paths.data_dir, __version__) if fast and outcome.action == "current" else None
    if start_view is not None and (language == start_view.language
                                   or language is None and not start_view.language_asked):
        languages.apply(start_view.language)  # the language Home was last shown in
        window = MainWindow(None, languages, None, paths.data_dir, start_view=start_view)
        window.home.language_asked = language is not None
        window.show()
        running = RunningApp(window, languages)
        from PySide6.QtCore import QTimer

        # Once the event loop runs (normally after the first paint): the worker shares the interpreter.
        QTimer.singleShot(0, lambda: running.open_data_behind(paths, outcome, language))
        return running
    data = connect_data(paths, outcome)
    languages.apply(_chosen_language(data, language))  # before any widget exists: they are built in it
    window = MainWindow(None, languages, None, paths.data_dir)
    window.home.language_asked = language is not None
    running = RunningApp(window, languages, data)
    _connect_window(running, paths, language)
    window.show()
    return running


def _chosen_language(data, language: str | None) -> str:
    """--language, else the user's choice kept in the data, else the system's."""
    from ui.main_window import LANGUAGE_SETTING
    from ui.translation import LanguageManager

    return language or data.library.setting(LANGUAGE_SETTING) or LanguageManager.system_language()


@dataclass
class _ReadAhead:
    """What the window needs from the data before it can be used, read off the UI thread."""
    language: str
    pilot: "PilotStore"  # noqa: F821
    home: "HomeContent | None"  # noqa: F821 - None when Home will be read in another language
    needs_import: bool


def _read_ahead(data, paths: Paths, language: str | None) -> _ReadAhead:
    import datetime as dt

    from companion.home import read_home
    from companion.i18n import current_language
    from companion.pilot.store import PilotStore
    from companion.session import bundled_content_needs_import

    chosen = _chosen_language(data, language)
    pilot = PilotStore(data.library.engine, None, paths.blobs_dir)  # templates are read on first use
    shown = current_language()
    home = read_home(data.library, pilot, shown, dt.date.today()) if chosen == shown else None
    return _ReadAhead(chosen, pilot, home, bundled_content_needs_import(data.library))


def _connect_window(running: RunningApp, paths: Paths, language: str | None, ahead: _ReadAhead | None = None) -> None:
    """Give the window its data, import the bundled content if new, install sync."""
    from companion.i18n import current_language

    data, window = running.data, running.window
    ahead = ahead or _read_ahead(data, paths, language)
    if ahead.language != current_language() and window.language_chosen_meanwhile is None:
        running.languages.apply(ahead.language)  # the setting changed since Home was last shown (a sync)
    window.attach(data.library, ahead.pilot)
    try:
        if ahead.needs_import:
            window.import_bundled_content()
        from companion.records import LocalReplica
        from ui.sync_ui import install_sync

        running.sync = install_sync(window, LocalReplica(data.library.engine, paths.blobs_dir), paths.data_dir)
    finally:
        window.show_what_was_asked(ahead.home)  # raises what a queued request met (a full disk, say)
    # Everything built so far lives as long as the window: keep it out of the garbage collector's
    # full passes. Otherwise one full pass, triggered by a sync's many new objects on its worker
    # thread, scans the whole heap holding the GIL, and the window stalls for a third of a second.
    import gc

    gc.freeze()


def hand_requests_to(window, instance, running: RunningApp | None = None) -> None:
    """What later launches ask for (see ui/single_instance.py) goes to the main window, and so do
    files macOS's Finder opens with the running app (a FileOpen event, not a second launch).
    A bundle that comes while the data is still opening waits for it."""
    from ui.single_instance import FileOpenForwarder

    def when_ready(action) -> None:
        running.when_ready(action) if running is not None else action()

    instance.activation_requested.connect(window.bring_to_front)
    instance.bundles_received.connect(
        lambda bundles: when_ready(lambda: [window.open_bundle(path) for path in bundles]))
    forwarder = FileOpenForwarder(window)
    forwarder.file_opened.connect(lambda path: when_ready(lambda: window.open_bundle(path)))
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
    if choice in (RESTORE, AFRESH):
        from companion.home import forget_start_view

        forget_start_view(error.database.parent)  # it showed the damaged file's Home
    if choice == RESTORE:
        recovery.restore_backup(error.database, error.backup)
    elif choice == AFRESH:
        recovery.start_afresh(error.database)
    return choice in (RESTORE, AFRESH)


def import_the_core_before_qt(data_layer: bool = True) -> None:
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

        import companion.content.categories  # noqa: F401
        import companion.content.highlight  # noqa: F401
        import companion.content.limits  # noqa: F401
        import companion.home  # noqa: F401
        import companion.i18n  # noqa: F401
        import companion.logs  # noqa: F401
        import companion.session  # noqa: F401
        import companion.storage.migrate  # noqa: F401
        import companion.sync_problems  # noqa: F401
        import sync.credentials  # noqa: F401

        if data_layer:  # not when Home can be shown first (see start()): then it loads behind the window
            import sqlalchemy.dialects.sqlite.pysqlite  # noqa: F401 - loaded when the engine is made

            import companion.content.fingerprint  # noqa: F401
            import companion.pilot.store  # noqa: F401
            import companion.training.common  # noqa: F401
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

    from companion.home import start_view_file

    import_the_core_before_qt(data_layer=not start_view_file(paths.data_dir).is_file())
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
            running = start(paths, args.language, fast=True)
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
    hand_requests_to(running.window, instance, running)
    running.when_ready(lambda: [running.window.open_bundle(path) for path in bundles])
    if args.quit_when_ready:
        from PySide6.QtCore import QTimer

        def ready() -> None:  # the window is shown: READY; its data is open and sync installed: LOADED
            print(f"READY {time.perf_counter() - _started:.3f}", flush=True)

            def loaded() -> None:
                print(f"LOADED {time.perf_counter() - _started:.3f}", flush=True)
                app.quit()

            running.when_ready(loaded)

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
