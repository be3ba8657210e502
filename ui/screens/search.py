"""Search results for what is typed in the top bar, with category and language filters."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QListWidgetItem, QVBoxLayout

from companion.content.categories import SEARCH_CATEGORIES
from companion.i18n import _, format_number, ngettext, translated
from companion.library import HIGHLIGHT_END, HIGHLIGHT_START, Library, SearchHit
from ui.screens.base import Screen
from ui.screens.reader import language_name
from ui.widgets.rich_list import KEY_ROLE, RichList

ANY = ""


def highlighted(marked: str) -> str:
    """Escape the text, then turn the core's highlight markers into bold marks."""
    escaped = html.escape(marked)
    return escaped.replace(HIGHLIGHT_START, "<b><u>").replace(HIGHLIGHT_END, "</u></b>")


def plain(marked: str) -> str:
    return marked.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")


def hit_html(hit: SearchHit) -> str:
    details = f"{translated(SEARCH_CATEGORIES.get(hit.category, hit.category))} · {language_name(hit.language)}"
    return (f"<span style='font-size:large'>{highlighted(hit.title)}</span>"
            f"<br>{highlighted(hit.snippet)}<br><small>{html.escape(details)}</small>")


class SearchScreen(Screen):
    open_guide_requested = Signal(str, str)

    def __init__(self, library: Library, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("searchScreen")
        self.library = library
        self.query = ""
        self.last_duration_ms = 0.0
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.summary.setObjectName("searchSummary")
        self.summary.setWordWrap(True)
        self.category_label = QLabel()
        self.category_filter = QComboBox()
        self.category_filter.setObjectName("searchCategoryFilter")
        self.category_label.setBuddy(self.category_filter)
        self.language_label = QLabel()
        self.language_filter = QComboBox()
        self.language_filter.setObjectName("searchLanguageFilter")
        self.language_label.setBuddy(self.language_filter)
        self.results = RichList("searchResults")
        self.results.itemActivated.connect(self._open)
        self.category_filter.currentIndexChanged.connect(lambda _i: self.run())
        self.language_filter.currentIndexChanged.connect(lambda _i: self.run())

        filters = QHBoxLayout()
        filters.addWidget(self.category_label)
        filters.addWidget(self.category_filter)
        filters.addSpacing(12)
        filters.addWidget(self.language_label)
        filters.addWidget(self.language_filter)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(_("Search results"))
        self.results.setAccessibleName(_("Search results"))
        self.category_label.setText(_("&Category:"))
        self.language_label.setText(_("&Language:"))
        self.category_filter.setAccessibleName(_("Filter by category"))
        self.language_filter.setAccessibleName(_("Filter by language"))
        self._refill(self.category_filter, [(ANY, _("All categories"))] + [(k, translated(v)) for k, v in SEARCH_CATEGORIES.items()])
        self._refill(self.language_filter, [(ANY, _("All languages")), ("en", _("English")), ("fr", _("French"))])

    @staticmethod
    def _refill(combo: QComboBox, entries: list[tuple[str, str]]) -> None:
        combo.blockSignals(True)
        selected = combo.currentData()
        combo.clear()
        for key, label in entries:
            combo.addItem(label, key)
        combo.setCurrentIndex(max(combo.findData(selected), 0))
        combo.blockSignals(False)

    def refresh(self) -> None:
        self.run()

    def search(self, query: str) -> None:
        self.query = query
        self.run()

    def run(self) -> None:
        started = time.perf_counter()
        hits = self.library.search(self.query, self.category_filter.currentData() or None,
                                   self.language_filter.currentData() or None)
        self.results.clear()
        for hit in hits:
            self.results.add((hit.slug, hit.language), plain(hit.title), hit_html(hit))
        self.last_duration_ms = (time.perf_counter() - started) * 1000
        if not self.query.strip():
            self.summary.setText(_("Type a word in the search box above to search every guide."))
        elif hits:
            self.summary.setText(ngettext("{count} guide found for “{query}”", "{count} guides found for “{query}”",
                                          len(hits)).format(count=format_number(len(hits)), query=self.query))
            self.results.setCurrentRow(0)
        else:
            self.summary.setText(_("Nothing found for “{query}”. Try fewer or shorter words.").format(query=self.query))

    def _open(self, item: QListWidgetItem) -> None:
        slug, language = item.data(KEY_ROLE)
        self.open_guide_requested.emit(slug, language)
