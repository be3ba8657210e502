"""Help > User manual (F1): the manual shipped with the app (resources/manual/<lang>/manual.md), in the
interface language, shown with the reader's own view. Nothing is fetched from the network."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from companion.config import manual_dir
from companion.content.render import render_markdown
from companion.i18n import DEFAULT_LANGUAGE, _, current_language
from ui.widgets.guide_browser import GuideBrowser


def manual_source(language: str) -> str:
    path = manual_dir() / language / "manual.md"
    if not path.is_file():
        path = manual_dir() / DEFAULT_LANGUAGE / "manual.md"
    return path.read_text(encoding="utf-8")


class ManualDialog(QDialog):
    open_guide_requested = Signal(str)  # a link to a guide of the library

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("manualDialog")
        self.language = ""
        self.contents = QTreeWidget()
        self.contents.setObjectName("manualContents")
        self.contents.setColumnCount(1)
        self.contents.itemActivated.connect(self._jump)
        self.contents.itemClicked.connect(self._jump)
        self.text = GuideBrowser()
        self.text.setObjectName("manualText")
        self.text.setTabChangesFocus(True)
        self.text.anchorClicked.connect(self._follow)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("manualSplitter")
        splitter.addWidget(self.contents)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 560])
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.setObjectName("manualButtons")
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("closeButton")
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        self.resize(900, 640)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(_("User manual — openIMIS Companion"))
        self.contents.setHeaderLabels([_("Contents")])
        self.contents.setAccessibleName(_("Contents of the manual"))
        self.text.setAccessibleName(_("User manual"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(_("Close"))
        if self.language != current_language():
            self.load(current_language())

    def load(self, language: str) -> None:
        self.language = language
        manual = render_markdown(manual_source(language))
        self.contents.clear()
        parents: list[tuple[int, QTreeWidgetItem]] = []
        for entry in manual.toc:
            while parents and parents[-1][0] >= entry.level:
                parents.pop()
            item = QTreeWidgetItem([entry.title])
            item.setData(0, Qt.ItemDataRole.UserRole, entry.anchor)
            if parents:
                parents[-1][1].addChild(item)
            else:
                self.contents.addTopLevelItem(item)
            parents.append((entry.level, item))
        self.contents.expandAll()
        self.text.show_html(manual.html)

    def section_titles(self) -> list[str]:
        titles = []
        for index in range(self.contents.topLevelItemCount()):
            item = self.contents.topLevelItem(index)
            titles.append(item.text(0))
            titles += [item.child(row).text(0) for row in range(item.childCount())]
        return titles

    def _jump(self, item: QTreeWidgetItem) -> None:
        self.text.scrollToAnchor(item.data(0, Qt.ItemDataRole.UserRole))

    def _follow(self, url: QUrl) -> None:
        if url.scheme() == "guide":
            self.open_guide_requested.emit(url.path())
        elif url.hasFragment() and not url.scheme():
            self.text.scrollToAnchor(url.fragment())
