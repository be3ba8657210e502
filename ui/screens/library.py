"""The library: categories on the left, their guides on the right, a language filter."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QSizePolicy,
                               QSplitter, QVBoxLayout, QWidget)

from companion.content.categories import CATEGORIES
from companion.i18n import _, current_language, format_date, format_number, ngettext, translated
from companion.library import GuideSummary, Library
from ui.screens.base import Screen
from ui.screens.reader import language_name
from ui.widgets.rich_list import KEY_ROLE, RichList
from ui.changes import READING_TYPES

ALL = ""
SUMMARY_CHARS = 110  # one or two lines: every row the same height, so long lists stay fast


def guide_item_html(guide: GuideSummary) -> str:
    words = ngettext("{count} word", "{count} words", guide.word_count).format(count=format_number(guide.word_count))
    details = f"{language_name(guide.language)} · {words} · {format_date(guide.updated_at)}"
    summary = guide.summary if len(guide.summary) <= SUMMARY_CHARS else guide.summary[:SUMMARY_CHARS].rstrip() + "…"
    return (f"<b>{html.escape(guide.title)}</b><br>{html.escape(summary)}"
            f"<br><small>{html.escape(details)}</small>")


class LibraryScreen(Screen):
    record_types = READING_TYPES
    open_guide_requested = Signal(str, str)

    def __init__(self, library: Library, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryScreen")
        self.library = library
        self.heading = QLabel()
        self.heading.setObjectName("libraryHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)

        self.categories = QListWidget()
        self.categories.setObjectName("categoryList")
        self.categories.setStyleSheet("QListWidget#categoryList::item { padding: 6px 4px; }")
        for key in CATEGORIES:
            item = QListWidgetItem()
            item.setData(KEY_ROLE, key)
            self.categories.addItem(item)
        self.categories.currentRowChanged.connect(lambda _row: self.refresh_guides())

        self.language_label = QLabel()
        self.language_filter = QComboBox()
        self.language_filter.setObjectName("libraryLanguageFilter")
        self.language_label.setBuddy(self.language_filter)
        self.language_filter.currentIndexChanged.connect(lambda _index: self.refresh_guides())
        self.guides = RichList("guideList")
        self.guides.setUniformItemSizes(True)
        self.guides.itemActivated.connect(self._open)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("libraryEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        # Nothing in the languages chosen: one click shows the guides in any language.
        self.every_language_button = QPushButton()
        self.every_language_button.setObjectName("libraryEveryLanguageButton")
        self.every_language_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.every_language_button.clicked.connect(lambda: self.language_filter.setCurrentIndex(0))
        self.every_language_button.hide()

        filters = QHBoxLayout()
        filters.addWidget(self.heading, 1)
        filters.addWidget(self.language_label)
        filters.addWidget(self.language_filter)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(filters)
        right_layout.addWidget(self.empty_label)
        right_layout.addWidget(self.every_language_button)
        right_layout.addWidget(self.guides, 1)
        splitter = QSplitter()
        splitter.addWidget(self.categories)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 740])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.categories.blockSignals(True)  # guides are loaded when the screen is first shown
        self.categories.setCurrentRow(0)
        self.categories.blockSignals(False)
        self.retranslate()

    def show_category(self, category: str | None) -> None:
        keys = list(CATEGORIES)
        self.categories.setCurrentRow(keys.index(category) if category in keys else 0)

    def current_category(self) -> str:
        item = self.categories.currentItem()
        return item.data(KEY_ROLE) if item else next(iter(CATEGORIES))

    def retranslate(self) -> None:
        self.setAccessibleName(_("Library"))
        self.categories.setAccessibleName(_("Categories"))
        self.guides.setAccessibleName(_("Guides in this category"))
        self.language_label.setText(_("&Show:"))
        self.language_filter.setAccessibleName(_("Languages shown"))
        self.every_language_button.setText(_("Show guides in every language"))
        self.every_language_button.setAccessibleName(_("Show guides in every language"))
        self.language_filter.blockSignals(True)
        selected = self.language_filter.currentData()
        self.language_filter.clear()
        self.language_filter.addItem(_("My language, else the original"), ALL)
        self.language_filter.addItem(_("English only"), "en")
        self.language_filter.addItem(_("French only"), "fr")
        index = self.language_filter.findData(selected)
        self.language_filter.setCurrentIndex(max(index, 0))
        self.language_filter.blockSignals(False)

    def refresh(self) -> None:
        counts = self.library.category_counts()
        for row, (key, label) in enumerate(CATEGORIES.items()):
            item = self.categories.item(row)
            item.setText(f"{translated(label)} ({format_number(counts.get(key, 0))})")
            item.setToolTip(translated(label))
        self.refresh_guides()

    def refresh_guides(self) -> None:
        category = self.current_category()
        self.heading.setText(translated(CATEGORIES[category]))
        guides = self.library.guides(category, current_language(), self.language_filter.currentData() or None)
        self.guides.clear()
        for guide in guides:
            self.guides.add((guide.slug, guide.language), guide.title, guide_item_html(guide))
        self.empty_label.setVisible(not guides)
        self.empty_label.setText(_("No guides here in the languages you chose."))
        self.every_language_button.setVisible(not guides and self.language_filter.currentIndex() != 0)
        if guides:
            self.guides.setCurrentRow(0)

    def _open(self, item: QListWidgetItem) -> None:
        slug, language = item.data(KEY_ROLE)
        self.open_guide_requested.emit(slug, language)
