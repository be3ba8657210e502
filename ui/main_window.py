"""The one main window: navigation column, top bar (back/forward, search, language), screens."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QButtonGroup, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMainWindow,
                               QProgressBar, QStackedWidget, QToolButton, QVBoxLayout, QWidget)

from companion.content.categories import TOPICS
from companion.i18n import SUPPORTED_LANGUAGES, _, current_language, format_percent
from ui.icons import icon
from ui.navigation import History, Location
from ui.runner import run_in_background
from ui.screens.home import HomeScreen
from ui.translation import LanguageManager
from ui.undo import EditStack

if TYPE_CHECKING:
    # The data layer (SQLAlchemy, the models, the screens built on them) loads after the window
    # shows: see attach() and ui/app.py.
    from companion.home import HomeContent
    from companion.library import Library
    from companion.pilot.store import PilotStore
    from companion.training.store import TrainingStore
    from ui.screens.library import LibraryScreen
    from ui.screens.reader import ReaderScreen
    from ui.screens.search import SearchScreen
    from ui.screens.pilot.project import ProjectScreen
    from ui.screens.projects import ProjectsScreen
    from ui.screens.training.module import ModuleScreen
    from ui.screens.training.overview import TrainingScreen
    from ui.screens.training.session import SessionScreen

log = logging.getLogger("companion.ui")

SEARCH_DELAY_MS = 150  # wait for typing to pause before searching
LANGUAGE_SETTING = "language"
GEOMETRY_KEY = "window/geometry"


class MainWindow(QMainWindow):
    # A .cbundle file the user opened (double-click, "Open with", a second launch): the bundle
    # importer connects here and does the import. Emitted with the file's absolute path.
    bundle_open_requested = Signal(str)

    def __init__(self, library: Library | None, languages: LanguageManager, pilot: PilotStore | None, data_dir,
                 start_view: HomeContent | None = None) -> None:
        """Without ``library`` the window shows Home as ``start_view`` says (the last run's Home) and
        waits for attach(): what the user asks meanwhile (a guide, a screen, a search) is done then."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.library: Library | None = None  # given in attach()
        self.languages = languages
        self.pilot: PilotStore | None = None
        self._data_dir = data_dir
        self._training: TrainingStore | None = None  # made on first use: keeps start-up fast
        self._waiting_for_data: list = []  # what the user did before attach() that needs the data
        self._pending_go: tuple[Location, bool] | None = None  # where they asked to go meanwhile
        self.language_chosen_meanwhile: str | None = None
        self.history = History()
        # One undo history for every saved edit in the window (Ctrl+Z / Ctrl+Shift+Z); its record
        # layer is given in attach().
        self.undo_stack = EditStack(None, self)
        self.undo_stack.refused.connect(self._show_message)
        self.sharing = None  # ui/sharing.py, made in attach()
        self._refresh_pending = False
        self.resize(1280, 760)
        self.setMinimumSize(QSize(900, 600))

        # Navigation column: each entry is a screen that works today.
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(22, 22))
        self.navigation.setFixedWidth(190)
        self._nav_keys = ["home", "library", "projects", "training"]
        for key in self._nav_keys:
            item = QListWidgetItem(icon(key), "")
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(180, 40))
            self.navigation.addItem(item)
        self.navigation.itemActivated.connect(self._nav_activated)
        self.navigation.itemClicked.connect(self._nav_activated)

        # Top bar.
        self.back_button = self._tool_button("backButton", "back", self.go_back)
        self.forward_button = self._tool_button("forwardButton", "forward", self.go_forward)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search_field.setMinimumWidth(320)
        self.search_field.textEdited.connect(self._search_typed)
        self.search_field.returnPressed.connect(self._run_search_now)
        self.language_label = QLabel()
        self.language_buttons = QButtonGroup(self)
        self.language_buttons.setExclusive(True)
        language_box = QHBoxLayout()
        language_box.setSpacing(0)
        for code in SUPPORTED_LANGUAGES:
            button = QToolButton()
            button.setObjectName(f"language_{code}")
            button.setText(code.upper())
            button.setCheckable(True)
            button.setAutoRaise(False)
            button.setMinimumWidth(40)
            button.clicked.connect(lambda _checked=False, c=code: self.switch_language(c))
            self.language_buttons.addButton(button)
            language_box.addWidget(button)
        top_bar = QHBoxLayout()
        top_bar.addWidget(self.back_button)
        top_bar.addWidget(self.forward_button)
        top_bar.addWidget(self.search_field, 1)
        top_bar.addSpacing(16)
        top_bar.addWidget(self.language_label)
        top_bar.addLayout(language_box)
        self.top_bar = top_bar  # others add to it (the sync status: ui/sync_ui.py)

        # Screens: Home now; the others on first visit (keeps start-up fast).
        self.home = HomeScreen(start_view_dir=data_dir)
        self._library_screen: LibraryScreen | None = None
        self._reader: ReaderScreen | None = None
        self._search_screen: SearchScreen | None = None
        self._projects_screen: ProjectsScreen | None = None
        self._project_screen: ProjectScreen | None = None
        self._training_screen: TrainingScreen | None = None
        self._module_screen: ModuleScreen | None = None
        self._session_screen: SessionScreen | None = None
        self.stack = QStackedWidget()
        self.stack.setObjectName("screens")
        self.screens = {}
        self._add_screen("home", self.home)
        self.home.open_guide_requested.connect(self.open_guide)
        self.home.library_requested.connect(lambda: self.go(Location("library")))
        self.home.topics_requested.connect(lambda: self.go(Location("library", (TOPICS,))))
        self.home.open_project_requested.connect(self.open_project)
        self.home.open_session_requested.connect(self.open_session)

        main_area = QWidget()
        main_layout = QVBoxLayout(main_area)
        main_layout.addLayout(top_bar)
        main_layout.addWidget(self.stack, 1)
        central = QWidget()
        central_layout = QHBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.addWidget(self.navigation)
        central_layout.addWidget(main_area, 1)
        self.setCentralWidget(central)

        self.import_progress = QProgressBar()
        self.import_progress.setObjectName("importProgress")
        self.import_progress.setMaximumWidth(240)
        self.import_progress.hide()
        self.statusBar().addPermanentWidget(self.import_progress)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search_now)
        # One action per key (ui/menus.py): two on the same key would be ambiguous and neither would fire.
        self.undo_action = self.undo_stack.createUndoAction(self)
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = self.undo_stack.createRedoAction(self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addActions([self.undo_action, self.redo_action])
        from ui.menus import MainMenus

        self.menus = MainMenus(self)
        from ui.theme import appearance

        appearance().zoom_changed.connect(self._zoom_changed)

        self._mark_language(current_language())
        self.retranslate()
        self.restore_geometry()
        if start_view is not None:
            self.home.show_content(start_view)
        self.go(Location("home"))  # Home reads the data once it is attached
        if library is not None:
            self.attach(library, pilot)
            self.show_what_was_asked()

    def attach(self, library: Library, pilot: PilotStore) -> None:
        """The data is open: connect the undo history and sharing to it. Then (sync installed, say)
        show_what_was_asked() does what the user asked meanwhile and shows the live Home."""
        from companion.records import records_for
        from ui.changes import RecordChanges
        from ui.sharing import Sharing

        self.library, self.pilot = library, pilot
        records = records_for(library.engine)
        self.undo_stack.records = records
        self.sharing = Sharing(self)  # projects and sessions offer "Share with a team" once sync is installed
        # What changed in the core (an undo, a sync): the screen on view decides whether to re-read.
        self.changes = RecordChanges(records.bus, self)
        self.changes.changed.connect(self._records_changed)
        self.home.attach(library, pilot)

    def show_what_was_asked(self, home: HomeContent | None = None) -> None:
        """After attach(): what the user asked before the data was open, then the live Home (``home``
        when it was read already) if Home is on screen."""
        waiting, self._waiting_for_data = self._waiting_for_data, []
        pending, self._pending_go = self._pending_go, None
        if pending is not None:
            waiting.append(lambda: self.go(*pending))
        failed = None
        for action in waiting:  # each one, even when one fails (a full disk): then the first failure is raised
            try:
                action()
            except Exception as error:  # noqa: BLE001
                failed = failed or error
        if self.stack.currentWidget() is self.home:  # also when the screen asked for is gone since
            self.home.refresh(home)
        if failed is not None:
            raise failed

    def when_data_open(self, action) -> None:
        """Run ``action`` now when the data is open, else once it is (and sync is installed)."""
        if self.library is not None:
            action()
        else:
            self._waiting_for_data.append(action)

    @property
    def library_screen(self) -> LibraryScreen:
        if self._library_screen is None:
            from ui.screens.library import LibraryScreen as Screen

            self._library_screen = Screen(self.library)
            self._library_screen.open_guide_requested.connect(self.open_guide)
            self._add_screen("library", self._library_screen)
        return self._library_screen

    @property
    def reader(self) -> ReaderScreen:
        if self._reader is None:
            from ui.screens.reader import ReaderScreen as Screen

            self._reader = Screen(self.library)
            self._reader.open_guide_requested.connect(self.open_guide)
            self._reader.bookmarks_changed.connect(self.home.refresh)
            self._reader.present_requested.connect(self.present_lesson)
            self._add_screen("reader", self._reader)
        return self._reader

    @property
    def search_screen(self) -> SearchScreen:
        if self._search_screen is None:
            from ui.screens.search import SearchScreen as Screen

            self._search_screen = Screen(self.library)
            self._search_screen.open_guide_requested.connect(self.open_guide)
            self._add_screen("search", self._search_screen)
        return self._search_screen

    @property
    def data_dir(self):
        return self._data_dir

    # --- window size and place, kept between runs ------------------------------------------------

    def restore_geometry(self) -> None:
        from ui import preferences

        saved = preferences.value(GEOMETRY_KEY)
        if saved is not None and not saved.isEmpty():
            self.restoreGeometry(saved)

    def save_geometry(self) -> None:
        from ui import preferences

        preferences.set_value(GEOMETRY_KEY, self.saveGeometry())

    @property
    def projects_screen(self) -> ProjectsScreen:
        if self._projects_screen is None:
            from ui.screens.projects import ProjectsScreen as Screen

            self._projects_screen = Screen(self.pilot, self.undo_stack)
            self._projects_screen.open_project_requested.connect(self.open_project)
            self._projects_screen.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
            self._add_screen("projects", self._projects_screen)
        return self._projects_screen

    @property
    def project_screen(self) -> ProjectScreen:
        if self._project_screen is None:
            from ui.screens.pilot.project import ProjectScreen as Screen  # QtCharts loads here, not at start

            from ui.screens.pilot.base import PilotContext

            self._project_screen = Screen(PilotContext(self.pilot, self.pilot.templates, self.undo_stack,
                                                       self._data_dir, self.sharing))
            self._project_screen.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
            self._add_screen("project", self._project_screen)
        return self._project_screen

    @property
    def training(self) -> TrainingStore:
        if self._training is None:
            from companion.training.store import TrainingStore as Store

            self._training = Store(self.library.engine)
        return self._training

    def _training_context(self):
        from ui.screens.training.base import TrainingContext

        return TrainingContext(self.training, self.library, self.undo_stack, self.sharing)

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    @property
    def training_screen(self) -> TrainingScreen:
        if self._training_screen is None:
            from ui.screens.training.overview import TrainingScreen as Screen

            self._training_screen = Screen(self._training_context())
            self._training_screen.open_module_requested.connect(self.open_module)
            self._training_screen.open_session_requested.connect(self.open_session)
            self._training_screen.message.connect(self._show_message)
            self._add_screen("training", self._training_screen)
        return self._training_screen

    @property
    def module_screen(self) -> ModuleScreen:
        if self._module_screen is None:
            from ui.screens.training.module import ModuleScreen as Screen

            self._module_screen = Screen(self._training_context())
            self._module_screen.read_lesson_requested.connect(self.open_guide)
            self._module_screen.new_session_requested.connect(lambda module_id: self.training_screen.new_session(module_id))
            self._module_screen.copy_requested.connect(lambda module_id: self.training_screen.copy_module(module_id))
            self._module_screen.message.connect(self._show_message)
            self._module_screen.gone.connect(lambda: self._record_gone("module", _("This module no longer exists.")))
            self._add_screen("module", self._module_screen)
        return self._module_screen

    @property
    def session_screen(self) -> SessionScreen:
        if self._session_screen is None:
            from ui.screens.training.session import SessionScreen as Screen

            self._session_screen = Screen(self._training_context())
            self._session_screen.open_module_requested.connect(self.open_module)
            self._session_screen.message.connect(self._show_message)
            self._session_screen.gone.connect(lambda: self._record_gone("session", _("This session no longer exists.")))
            self._add_screen("session", self._session_screen)
        return self._session_screen

    def _record_gone(self, screen: str, text: str) -> None:
        """The module or session on screen was deleted (or its creation undone): back to Training."""
        if self.stack.currentWidget() is self.screens.get(screen):
            self.statusBar().showMessage(text, 8000)
            self.go(Location("training"))

    def _records_changed(self, event) -> None:
        # A screen's own edits refresh it where it chooses; undo, redo and sync come from
        # "elsewhere" and may change what any screen shows (the dashboard after Ctrl+Z in a tab).
        if event.local and not self.undo_stack.reverting:
            return
        current = self.stack.currentWidget()
        if self._refresh_pending or not event.touches(*getattr(current, "record_types", ())):
            return
        self._refresh_pending = True
        # Later, not now: an edit being pushed may still have a table cell editor open.
        QTimer.singleShot(0, self, self._refresh_current_screen)

    def _refresh_current_screen(self) -> None:
        self._refresh_pending = False
        current = self.stack.currentWidget()
        if current is not None and hasattr(current, "refresh"):
            current.refresh()

    def _add_screen(self, key: str, screen) -> None:
        self.screens[key] = screen
        self.stack.addWidget(screen)
        if self.stack.isVisible():
            # A screen built on first visit gets its size now, not when shown: what it lays out
            # first (a long guide, its pictures fitted to the width) is not laid out twice.
            screen.setGeometry(self.stack.contentsRect())
            if screen.layout() is not None:
                screen.layout().activate()

    def _tool_button(self, name: str, icon_name: str, slot) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setIcon(icon(icon_name))
        button.setIconSize(QSize(22, 22))
        button.clicked.connect(slot)
        return button

    # --- language ---------------------------------------------------------------------------

    def switch_language(self, language: str) -> None:
        if language == current_language():
            self._mark_language(language)
            return
        self.languages.apply(language)  # every widget receives LanguageChange
        if self.library is None:
            self.language_chosen_meanwhile = language  # wins over the setting the data is opened with
        self.when_data_open(lambda: self.library.set_setting(LANGUAGE_SETTING, language))
        self._mark_language(language)

    def _mark_language(self, language: str) -> None:
        for button in self.language_buttons.buttons():
            button.setChecked(button.objectName() == f"language_{language}")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(_("openIMIS Companion"))
        self._mark_language(current_language())  # whoever changed it (the buttons, the data's setting)
        labels = {"home": _("Home"), "library": _("Library"), "projects": _("Pilot projects"),
                  "training": _("Training")}
        for row, key in enumerate(self._nav_keys):
            item = self.navigation.item(row)
            item.setText(labels[key])
            item.setToolTip(labels[key])
        self._fit_navigation()
        self.navigation.setAccessibleName(_("Sections"))
        self.back_button.setToolTip(_("Back (Alt+Left)"))
        self.back_button.setAccessibleName(_("Back"))
        self.forward_button.setToolTip(_("Forward (Alt+Right)"))
        self.forward_button.setAccessibleName(_("Forward"))
        self.search_field.setPlaceholderText(_("Search the library (Ctrl+F)"))
        self.search_field.setAccessibleName(_("Search the library"))
        self.language_label.setText(_("Language:"))
        names = {"en": _("English interface"), "fr": _("French interface")}
        for button in self.language_buttons.buttons():
            code = button.objectName().removeprefix("language_")
            button.setAccessibleName(names[code])
            button.setToolTip(names[code])
        self.import_progress.setAccessibleName(_("Preparing the library"))
        self.menus.retranslate()

    def _zoom_changed(self, _zoom: int) -> None:
        QTimer.singleShot(0, self, self._fit_navigation)  # later: the new size reaches each widget through events

    def _fit_navigation(self) -> None:
        """The navigation column grows with larger text (View > Larger text), never below 190 px."""
        metrics = self.navigation.fontMetrics()
        widest = max(metrics.horizontalAdvance(self.navigation.item(row).text()) for row in range(self.navigation.count()))
        width = max(190, widest + self.navigation.iconSize().width() + 48)
        self.navigation.setFixedWidth(width)
        for row in range(self.navigation.count()):
            self.navigation.item(row).setSizeHint(QSize(width - 10, max(40, metrics.height() + 18)))

    # --- navigation -------------------------------------------------------------------------

    def go(self, location: Location, record: bool = True) -> None:
        if self.library is None:  # a moment after a fast start: the latest request wins
            if location.screen != "home":
                self._pending_go = (location, record)
                self._sync_navigation(location.screen)
                return
            self._pending_go = None  # back Home before the data came: stay there
        if location.screen == "reader":
            slug, language = location.params
            if not self.reader.show_guide(slug, language):
                self.statusBar().showMessage(_("This guide is not in the library."), 5000)
                return
            # The history remembers the language actually shown.
            location = Location("reader", (slug, self.reader.view.language))
        elif location.screen == "library":
            self.library_screen.refresh()
            if location.params:
                self.library_screen.show_category(location.params[0])
        elif location.screen == "search":
            query = location.params[0] if location.params else ""
            if self.search_field.text() != query:
                self.search_field.setText(query)
            self.search_screen.search(query)
        elif location.screen == "home":
            self.home.refresh()
        elif location.screen == "projects":
            self.projects_screen.refresh()
        elif location.screen == "project":
            if not self.project_screen.show_project(location.params[0]):
                self.statusBar().showMessage(_("This project no longer exists."), 5000)
                return
        elif location.screen == "training":
            self.training_screen.refresh()
        elif location.screen == "module":
            if not self.module_screen.show_module(location.params[0]):
                self.statusBar().showMessage(_("This module no longer exists."), 5000)
                return
        elif location.screen == "session":
            if not self.session_screen.show_session(location.params[0]):
                self.statusBar().showMessage(_("This session no longer exists."), 5000)
                return
        if record:
            if location.screen == "search" and self.history.current and self.history.current.screen == "search":
                self.history.replace(location)  # one history entry per search, not per key
            else:
                self.history.push(location)
        if location.screen != "search" and self.search_field.text():
            # Leaving the results empties the box (Back brings the query and its results back), so a
            # query typed long ago does not sit above every other screen.
            self._search_timer.stop()
            self.search_field.clear()
        self.stack.setCurrentWidget(self.screens[location.screen])
        self._sync_navigation(location.screen)

    def _sync_navigation(self, screen: str) -> None:
        self.navigation.blockSignals(True)
        section = {"project": "projects", "module": "training", "session": "training"}.get(screen, screen)
        if section in self._nav_keys:
            self.navigation.setCurrentRow(self._nav_keys.index(section))
        else:
            self.navigation.clearSelection()
            self.navigation.setCurrentItem(None)
        self.navigation.blockSignals(False)
        self.back_button.setEnabled(self.history.can_go_back())
        self.forward_button.setEnabled(self.history.can_go_forward())

    def _nav_activated(self, item: QListWidgetItem) -> None:
        self.go(Location(item.data(Qt.ItemDataRole.UserRole)))

    def open_guide(self, slug: str, language: str | None = None) -> None:
        self.go(Location("reader", (slug, language or current_language())))

    def open_project(self, project_id: str) -> None:
        self.go(Location("project", (project_id,)))

    def present_lesson(self, guide_slug: str, language: str):
        """Present a lesson read in the reader (its module screen does the presenting)."""
        found = self.training.lesson_for_guide(guide_slug, language)
        if found is None or not self.module_screen.show_module(found[0]):
            self.statusBar().showMessage(_("This module no longer exists."), 5000)
            return None
        return self.module_screen.present(found[1])

    def open_module(self, module_id: str) -> None:
        self.go(Location("module", (module_id,)))

    def open_session(self, session_id: str) -> None:
        self.go(Location("session", (session_id,)))

    def bring_to_front(self) -> None:
        """Another launch of the Companion asked for this window: show it, restored, in front."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def open_bundle(self, path: str) -> None:
        """The way in for a ``.cbundle`` file given on the command line or to a second launch.
        Bundle import hooks in here, through ``bundle_open_requested``."""
        log.info("bundle to open: %s", path)
        self.bring_to_front()
        self.bundle_open_requested.emit(path)

    def go_back(self) -> None:
        location = self.history.back()
        if location:
            self.go(location, record=False)

    def go_forward(self) -> None:
        location = self.history.forward()
        if location:
            self.go(location, record=False)

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def _search_typed(self, _text: str) -> None:
        self._search_timer.start()

    def _run_search_now(self) -> None:
        self._search_timer.stop()
        self.go(Location("search", (self.search_field.text(),)))

    # --- bundled content ----------------------------------------------------------------------

    def import_bundled_content(self) -> None:
        """First launch or a new release: import the bundled guides off the UI thread."""
        self.import_progress.setRange(0, 0)
        self.import_progress.show()
        self.statusBar().showMessage(_("Preparing the library…"))

        def progress(done: int, total: int) -> None:
            self.import_progress.setRange(0, total)
            self.import_progress.setValue(done)
            self.import_progress.setFormat(format_percent(done / total) if total else "")  # "45 %" in French

        def finished(report) -> None:
            self.import_progress.hide()
            self.statusBar().showMessage(_("The library is ready."), 4000)
            current = self.history.current
            if self._library_screen is not None:
                self._library_screen.refresh()
            if current is not None and current.screen != "reader":
                self.go(current, record=False)

        def failed(error: BaseException) -> None:
            self.import_progress.hide()
            self.statusBar().showMessage(_("The bundled guides could not be loaded: {error}").format(error=error))

        from companion.session import import_bundled_content

        run_in_background(lambda report: import_bundled_content(self.library, report),
                          on_success=finished, on_failure=failed, on_progress=progress)

    def closeEvent(self, event) -> None:
        if self._module_screen is not None:
            self._module_screen.close_presenter()  # a full-screen presenter never outlives the window
        if self._reader is not None:
            self._reader.save_position()
        self.save_geometry()
        super().closeEvent(event)
