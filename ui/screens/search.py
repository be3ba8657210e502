"""Search results for what is typed in the top bar, with category and language filters."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QListWidgetItem, QPushButton, QVBoxLayout

from companion.content.categories import LESSON_CATEGORY, SEARCH_CATEGORIES
from companion.i18n import _, format_number, ngettext, translated
from companion.content.highlight import END as HIGHLIGHT_END
from companion.content.highlight import START as HIGHLIGHT_START
from companion.library import Library, SearchHit
from ui.screens.base import Screen
from ui.screens.reader import language_name
from ui.widgets.rich_list import KEY_ROLE, RichList

ANY = ""
SEARCH_LIMIT = 20  # results shown: the closest matches, best first


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


def found_summary(hits: list[SearchHit], query: str, limit: int) -> str:
    """“Results for “x”: 12 guides, 3 training lessons”: lessons are counted as lessons, not guides."""
    lessons = sum(1 for hit in hits if hit.category == LESSON_CATEGORY)
    guides = len(hits) - lessons
    counts = []
    if guides:
        counts.append(ngettext("{count} guide", "{count} guides", guides).format(count=format_number(guides)))
    if lessons:
        counts.append(ngettext("{count} training lesson", "{count} training lessons", lessons)
                      .format(count=format_number(lessons)))
    text = _("Results for “{query}”: {counts}").format(query=query, counts=", ".join(counts))
    if len(hits) >= limit:
        text += " " + _("(the {count} closest matches)").format(count=format_number(limit))
    return text


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
        # Nothing found with a filter set: one click searches everywhere.
        self.widen_button = QPushButton()
        self.widen_button.setObjectName("searchEverywhereButton")
        self.widen_button.clicked.connect(self.search_everywhere)
        self.widen_button.hide()
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
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary, 1)
        summary_row.addWidget(self.widen_button)
        layout.addLayout(summary_row)
        layout.addWidget(self.results, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(_("Search results"))
        self.results.setAccessibleName(_("Search results"))
        self.category_label.setText(_("&Category:"))
        self.language_label.setText(_("&Language:"))
        self.category_filter.setAccessibleName(_("Filter by category"))
        self.language_filter.setAccessibleName(_("Filter by language"))
        self.widen_button.setText(_("Search every category and language"))
        self.widen_button.setAccessibleName(_("Search every category and language"))
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
                                   self.language_filter.currentData() or None, limit=SEARCH_LIMIT)
        self.results.clear()
        for hit in hits:
            self.results.add((hit.slug, hit.language), plain(hit.title), hit_html(hit))
        self.last_duration_ms = (time.perf_counter() - started) * 1000
        if not self.query.strip():
            self.summary.setText(_("Type a word in the search box above to search every guide."))
        elif hits:
            self.summary.setText(found_summary(hits, self.query, SEARCH_LIMIT))
            self.results.setCurrentRow(0)
        else:
            self.summary.setText(_("Nothing found for “{query}”. Try fewer or shorter words.").format(query=self.query))
        filtered = bool(self.category_filter.currentData() or self.language_filter.currentData())
        self.widen_button.setVisible(bool(self.query.strip()) and not hits and filtered)

    def search_everywhere(self) -> None:
        for combo in (self.category_filter, self.language_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.run()

    def _open(self, item: QListWidgetItem) -> None:
        slug, language = item.data(KEY_ROLE)
        self.open_guide_requested.emit(slug, language)
