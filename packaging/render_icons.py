"""Render the app's icons from Material Design Icons (via qtawesome) into resources/icons/.

Run after changing ui/icons.py's NAMES:  python packaging/render_icons.py
Shipping rendered PNGs keeps start-up fast (qtawesome loads every icon font on first use).
Two variants per icon: dark glyphs for light palettes, light glyphs for dark ones.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import qtawesome  # noqa: E402
from PySide6.QtCore import QSize  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ui.icons import ICON_DIR, NAMES  # noqa: E402

VARIANTS = {"dark": "#202124", "light": "#f1f3f4"}
SIZE = 48

if __name__ == "__main__":
    app = QApplication([])
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    for name, glyph in NAMES.items():
        for variant, colour in VARIANTS.items():
            icon = qtawesome.icon(glyph, color=QColor(colour))
            icon.pixmap(QSize(SIZE, SIZE)).save(str(ICON_DIR / f"{name}-{variant}.png"))
    print(f"rendered {len(NAMES) * len(VARIANTS)} icons into {ICON_DIR}")
