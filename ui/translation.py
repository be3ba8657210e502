"""Switching the interface language at run time (Frescobaldi / Picard style).

Our strings come from gettext (companion.i18n); Qt's own dialogs and buttons from Qt's
``qtbase_<lang>.qm``. Installing or removing that QTranslator makes Qt send a
``LanguageChange`` event to every widget, and each widget re-labels itself.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from companion import i18n


class LanguageManager:
    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._qt_translator: QTranslator | None = None

    @staticmethod
    def system_language() -> str:
        return i18n.supported_language(QLocale.system().name())

    def apply(self, language: str) -> str:
        language = i18n.set_language(language)
        # Qt writes figures as Babel does: International English (weeks from Monday, day first).
        QLocale.setDefault(QLocale(i18n.format_locale_name(language)))
        changed_translator = False
        if self._qt_translator is not None:
            self._app.removeTranslator(self._qt_translator)
            self._qt_translator = None
            changed_translator = True
        if language != i18n.DEFAULT_LANGUAGE:
            translator = QTranslator(self._app)
            folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if translator.load(f"qtbase_{language}", folder):
                self._app.installTranslator(translator)
                self._qt_translator = translator
                changed_translator = True
        if not changed_translator:
            # No Qt catalog changed (e.g. English → English): still ask widgets to re-label.
            for widget in self._app.topLevelWidgets():
                QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.LanguageChange))
        return language

    def uninstall(self) -> None:
        if self._qt_translator is not None:
            self._app.removeTranslator(self._qt_translator)
            self._qt_translator = None

    @property
    def qt_catalog_loaded(self) -> bool:
        return self._qt_translator is not None
