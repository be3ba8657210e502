"""Text from content or from users, shown as the characters typed: never as markup.

A QLabel, a QMessageBox or a tooltip takes text for HTML when it starts like a tag, and
Qt then lays it out and loads the pictures it names (local files included). Labels that
show such text set ``Qt.TextFormat.PlainText``; tooltips have no such switch, so the text
is escaped inside a paragraph that keeps its line breaks.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QByteArray, QUrl
from PySide6.QtGui import QTextDocument


def plain_tooltip(text: str) -> str:
    if not text:
        return ""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


class InertTextDocument(QTextDocument):
    """A document for markup we build ourselves (lists, summaries): it loads nothing, ever.
    A plain QTextDocument reads local files named by <img src> by itself."""

    def loadResource(self, kind: int, url: QUrl):
        return QByteArray()
