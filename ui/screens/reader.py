"""The reader: one guide, its table of contents, bookmark, other language, banners."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QSplitter, QStyle, QToolButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from companion.content.limits import MAX_HEADINGS
from companion.i18n import _, format_date, format_number, ngettext
from companion.i18n import language_name as i18n_language_name
from companion.library import GuideView, Library
from ui.icons import icon
from ui.screens.base import Screen
from ui.widgets.guide_browser import GuideBrowser
from ui.write_errors import WRITE_ERRORS, show_write_failure

POSITION_SAVE_DELAY_MS = 400
log = logging.getLogger(__name__)


def language_name(code: str, in_sentence: bool = False) -> str:
    """"French" / "Français" on its own, "français" in a French sentence (Babel's names)."""
    return i18n_language_name(code, in_sentence=in_sentence)


def read_in_label(code: str) -> str:
    return {"en": _("Read in English"), "fr": _("Read in French")}.get(code, code)


def origin_text(origin: str) -> str:
    """Where a guide's text came from, in words (a lesson is its training module's text)."""
    return {"bundled": _("Comes with the Companion"),
            "library": _("From the library server"),
            "user": _("Imported by you"),
            "training": _("A lesson of a training module")}.get(origin, origin)


class ContentsTree(QTreeWidget):
    """The guide's sections. Long headings wrap onto a second line in the narrow column instead of
    ending in "…"; each row is as tall as its wrapped heading at the present width."""

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit_rows()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # View > Larger text
            self.fit_rows()

    def fit_rows(self) -> None:
        # A tree view measures a row once, at whatever width it had then: each row is given its
        # height for the width it has now.
        metrics = self.fontMetrics()
        margin = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1)
        line = metrics.height()
        stack = [(self.topLevelItem(row), 1 if self.rootIsDecorated() else 0) for row in range(self.topLevelItemCount())]
        while stack:
            item, depth = stack.pop()
            width = max(40, self.viewport().width() - depth * self.indentation() - margin)
            height = metrics.boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, item.text(0)).height()
            item.setSizeHint(0, QSize(width, max(line, height) + 6))  # a little air between two wrapped headings
            stack.extend((item.child(row), depth + 1) for row in range(item.childCount()))
        self.scheduleDelayedItemsLayout()


class ReaderScreen(Screen):
    open_guide_requested = Signal(str, str)  # slug, language
    bookmarks_changed = Signal()
    present_requested = Signal(str, str)  # a lesson's slug, language

    def __init__(self, library: Library, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("readerScreen")
        self.library = library
        self.view: GuideView | None = None
        self._restoring = False

        self.title_label = QLabel()
        self.title_label.setObjectName("guideTitle")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)  # a guide's title is text, never markup
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title_label.setFont(font)
        self.meta_label = QLabel()
        self.meta_label.setObjectName("guideDetails")
        self.meta_label.setWordWrap(True)  # long French details wrap rather than push the buttons off
        # Where this text came from (issue 11): bundled, the library server, imported by the user.
        self.origin_label = QLabel()
        self.origin_label.setObjectName("guideOrigin")
        self.origin_label.setTextFormat(Qt.TextFormat.PlainText)
        self.origin_label.setWordWrap(True)
        small = self.origin_label.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.origin_label.setFont(small)

        self.bookmark_button = QToolButton()
        self.bookmark_button.setObjectName("bookmarkButton")
        self.bookmark_button.setCheckable(True)
        self.bookmark_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.bookmark_button.toggled.connect(self._bookmark_toggled)
        self.other_language_button = QPushButton()
        self.other_language_button.setObjectName("otherLanguageButton")
        self.other_language_button.setIcon(icon("translate"))
        self.other_language_button.clicked.connect(self._open_other_language)
        # Lessons of the training modules are read here too; they can be presented from here.
        self.present_button = QPushButton()
        self.present_button.setObjectName("presentFromReaderButton")
        self.present_button.setIcon(icon("present"))
        self.present_button.clicked.connect(lambda: self.view and self.present_requested.emit(self.view.slug,
                                                                                              self.view.language))
        self.present_button.hide()
        self.contents_button = QToolButton()
        self.contents_button.setObjectName("contentsToggle")
        self.contents_button.setCheckable(True)
        self.contents_button.setChecked(True)
        self.contents_button.setIcon(icon("contents"))
        self.contents_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

        details = QVBoxLayout()
        details.setSpacing(0)
        details.addWidget(self.meta_label)
        details.addWidget(self.origin_label)
        actions = QHBoxLayout()
        actions.addLayout(details, 1)
        actions.addWidget(self.present_button)
        actions.addWidget(self.contents_button)
        actions.addWidget(self.bookmark_button)
        actions.addWidget(self.other_language_button)

        self.banner = QFrame()
        self.banner.setObjectName("translationBanner")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setStyleSheet("#translationBanner { background: palette(alternate-base); border-left: 4px solid #c77700; }")
        self.banner_icon = QLabel()
        self.banner_icon.setPixmap(icon("warning").pixmap(20, 20))
        self.banner_text = QLabel()
        self.banner_text.setObjectName("translationBannerText")
        self.banner_text.setWordWrap(True)
        self.banner_button = QPushButton()
        self.banner_button.setObjectName("readOriginalButton")
        self.banner_button.clicked.connect(self._open_original)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_icon, 0, Qt.AlignmentFlag.AlignTop)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.banner_button)
        self.banner.hide()

        self.toc = ContentsTree()
        self.toc.setObjectName("tableOfContents")
        self.toc.setHeaderHidden(True)  # hidden, but named: a screen reader reads it (else "1")
        # Long French headings wrap in the narrow column instead of ending in "…" (issue 12).
        self.toc.setWordWrap(True)
        self.toc.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.toc.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.toc.itemActivated.connect(self._toc_activated)
        self.toc.itemClicked.connect(self._toc_activated)
        self.browser = GuideBrowser()
        self.browser.setObjectName("guideText")
        self.browser.anchorClicked.connect(self.follow_link)
        self.browser.document_ready.connect(self._document_ready)
        self._pending_anchor = ""
        self.contents_button.toggled.connect(self.toc.setVisible)

        splitter = QSplitter()
        splitter.setObjectName("readerSplitter")
        splitter.addWidget(self.toc)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 760])

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(actions)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)

        self._save_timer = QTimer(self, singleShot=True, interval=POSITION_SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_position)
        self.browser.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.browser.verticalScrollBar().rangeChanged.connect(lambda _low, _high: self._restore_position())
        self._restore_timer = QTimer(self, singleShot=True, interval=250)
        self._restore_timer.timeout.connect(self._finish_restoring)
        QShortcut(QKeySequence("Ctrl+D"), self, self.bookmark_button.toggle)
        self.retranslate()

    # --- showing a guide --------------------------------------------------------------------

    def show_guide(self, slug: str, language: str) -> bool:
        self.save_position()
        view = self.library.open_guide(slug, language)
        if view is None:
            return False
        self.view = view
        self.present_button.setVisible(view.slug.startswith("lesson/"))
        try:
            self.library.mark_opened(view.slug, view.language)
        except WRITE_ERRORS as error:  # "recently opened" is not worth stopping the reader
            log.warning("%s was not marked as opened: %s", view.slug, error)
        self._restoring = True
        self._restore_timer.stop()
        self._pending_anchor = ""
        self._fill_toc(view)
        self.browser.show_html(view.html)  # a long guide arrives later, from a pool thread
        self._show_labels()
        # Reading starts in the text (keys scroll it, Tab goes from link to link), not on the
        # first button; a widget not yet shown takes the focus when it is.
        self.browser.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _document_ready(self) -> None:
        if self.browser.too_large():
            log.warning("%s (%s) is shown as plain text: %s", self.view.slug, self.view.language,
                        self.browser.too_large())
            self.toc.clear()  # plain text has no sections to jump to
            self._show_banner(self.view)
        if self._pending_anchor:
            self.browser.scrollToAnchor(self._pending_anchor)
            self._pending_anchor = ""
            self._restoring = False
            return
        # The scroll range is known only once Qt has laid the text out at the view's width:
        # restore on every range change until then, and stop after a short while.
        self._restore_position()
        self._restore_timer.start()

    def scroll_to_section(self, anchor: str) -> None:
        """Jump to ``anchor`` now, or as soon as the guide being opened is in the view."""
        if self.browser.loading:
            self._pending_anchor = anchor
        else:
            self.browser.scrollToAnchor(anchor)

    def _fill_toc(self, view: GuideView) -> None:
        self.toc.clear()
        parents: list[tuple[int, QTreeWidgetItem]] = []
        # A guide imported today has at most MAX_HEADINGS; one from elsewhere may have 10,000,
        # which would take seconds to list (and it is then shown as plain text, without sections).
        for level, anchor, title in view.toc[:MAX_HEADINGS]:
            while parents and parents[-1][0] >= level:
                parents.pop()
            item = QTreeWidgetItem([title])
            item.setToolTip(0, title)
            item.setData(0, Qt.ItemDataRole.UserRole, anchor)
            if parents:
                parents[-1][1].addChild(item)
            else:
                self.toc.addTopLevelItem(item)
            parents.append((level, item))
        self.toc.expandAll()
        self.toc.fit_rows()

    def _restore_position(self) -> None:
        if self._restoring and self.view is not None and not self.browser.loading:
            bar = self.browser.verticalScrollBar()
            bar.setValue(round(self.view.position * bar.maximum()))

    def _finish_restoring(self) -> None:
        self._restore_position()
        self._restoring = False

    def current_position(self) -> float:
        bar = self.browser.verticalScrollBar()
        return bar.value() / bar.maximum() if bar.maximum() > 0 else 0.0

    def _scrolled(self) -> None:
        if not self._restoring:
            self._save_timer.start()

    def save_position(self) -> None:
        self._save_timer.stop()
        if self.view is not None and not self._restoring:
            try:
                self.library.save_position(self.view.slug, self.view.language, self.current_position())
            except WRITE_ERRORS as error:  # a reading position is not worth interrupting the reader
                log.warning("the reading position was not saved: %s", error)

    def hideEvent(self, event) -> None:
        self.save_position()
        super().hideEvent(event)

    # --- labels -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setAccessibleName(_("Guide reader"))
        self.present_button.setText(_("Present"))
        self.present_button.setAccessibleName(_("Present the lesson"))
        self.contents_button.setText(_("Contents"))
        self.contents_button.setToolTip(_("Show or hide the table of contents"))
        self.contents_button.setAccessibleName(_("Table of contents"))
        self.toc.setAccessibleName(_("Table of contents"))
        self.toc.setHeaderLabels([_("Contents")])
        self.browser.setAccessibleName(_("Guide text"))
        self.bookmark_button.setAccessibleName(_("Bookmark this guide"))
        self.other_language_button.setAccessibleName(_("Read this guide in the other language"))
        self.banner_button.setAccessibleName(_("Read the original"))
        self._show_labels()

    def refresh(self) -> None:
        pass  # the text itself does not change with the interface language

    def _show_labels(self) -> None:
        view = self.view
        if view is None:
            return
        self.title_label.setText(view.title)
        words = ngettext("{count} word", "{count} words", view.word_count).format(count=format_number(view.word_count))
        self.meta_label.setText(
            _("{language} · revision {revision} · {words} · updated {date}").format(
                language=language_name(view.language), revision=view.revision, words=words,
                date=format_date(view.updated_at))
        )
        self.origin_label.setText(origin_text(view.origin))
        self._show_bookmark(view.bookmarked)
        other = [code for code in view.translation.available if code != view.language]
        self.other_language_button.setEnabled(bool(other))
        self.other_language_button.setText(read_in_label(other[0]) if other else _("No translation yet"))
        self._show_banner(view)

    def _show_bookmark(self, on: bool) -> None:
        self.bookmark_button.blockSignals(True)
        self.bookmark_button.setChecked(on)
        self.bookmark_button.blockSignals(False)
        self.bookmark_button.setIcon(icon("bookmarked" if on else "bookmark"))
        self.bookmark_button.setText(_("Bookmarked") if on else _("Bookmark"))
        self.bookmark_button.setToolTip(_("Add or remove this guide from your bookmarks (Ctrl+D)"))

    def _show_banner(self, view: GuideView | None) -> None:
        if view is None:
            return
        state = view.translation
        original = language_name(state.original_language, in_sentence=True)
        if self.browser.too_large() and not self.browser.loading:
            self.banner_text.setText(_("This guide is too large to be shown with its layout (very long tables, or "
                                       "too many sections or levels), so only its text is shown."))
            self.banner_button.hide()
        elif state.requested_missing:
            self.banner_text.setText(
                _("This guide is not available in {language} yet. You are reading the original, in {original}.")
                .format(language=language_name(state.requested_missing, in_sentence=True), original=original))
            self.banner_button.hide()
        elif state.outdated:
            self.banner_text.setText(
                _("This translation was made from an older version of the original, which has changed since. "
                  "Some parts may be missing or out of date."))
            self.banner_button.setText(_("Read the original ({language})").format(language=original))
            self.banner_button.show()
        else:
            self.banner.hide()
            return
        self.banner.show()

    # --- actions ----------------------------------------------------------------------------

    def _bookmark_toggled(self, on: bool) -> None:
        if self.view is None:
            return
        try:
            self.library.set_bookmark(self.view.slug, on)
        except WRITE_ERRORS as error:
            self._show_bookmark(self._stored_bookmark())  # the button shows what is stored, not what was asked
            show_write_failure(self, _("The bookmark was not saved.") if on else _("The bookmark was not removed."),
                               error)
            return
        self._show_bookmark(on)
        self.bookmarks_changed.emit()

    def _stored_bookmark(self) -> bool:
        try:
            return self.library.is_bookmarked(self.view.slug)
        except WRITE_ERRORS:  # not even readable: what was read when the guide opened
            return self.view.bookmarked

    def _open_other_language(self) -> None:
        if self.view is None:
            return
        other = [code for code in self.view.translation.available if code != self.view.language]
        if other:
            self.open_guide_requested.emit(self.view.slug, other[0])

    def _open_original(self) -> None:
        if self.view is not None:
            self.open_guide_requested.emit(self.view.slug, self.view.translation.original_language)

    def _toc_activated(self, item: QTreeWidgetItem) -> None:
        anchor = item.data(0, Qt.ItemDataRole.UserRole)
        if anchor:
            self.scroll_to_section(anchor)

    def follow_link(self, url: QUrl) -> None:
        """Guides open here, sections scroll, web and mail addresses are shown first."""
        scheme = url.scheme()
        if scheme == "guide":
            slug = url.path()
            language = self.view.language if self.view else "en"
            self.open_guide_requested.emit(slug, language)
            if url.fragment():
                QTimer.singleShot(0, lambda: self.scroll_to_section(url.fragment()))
        elif not scheme and url.hasFragment():
            self.scroll_to_section(url.fragment())
        elif scheme in ("http", "https", "mailto"):
            if self.confirm_external_link(url):
                QDesktopServices.openUrl(url)

    def confirm_external_link(self, url: QUrl) -> bool:
        box = QMessageBox(self)
        box.setObjectName("externalLinkDialog")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Open an external link?"))
        box.setText(_("This link leaves the Companion and opens in your web browser:"))
        box.setInformativeText(url.toDisplayString())
        box.setStandardButtons(QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Open
