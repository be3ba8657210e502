"""Render the application icon at the standard sizes, and the Windows .ico and macOS .icns.

    python packaging/desktop/render_app_icon.py

A white "book" glyph from Material Design Icons (the set the app uses, via qtawesome) on a
rounded square of openIMIS blue. PNGs go to resources/icons/app/ (the running app uses them for
its windows; the Linux packages install them under hicolor/NxN/apps); the .ico and .icns are
written to packaging/desktop/icons/ from the same PNGs (both formats can hold PNG images).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import qtawesome  # noqa: E402
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
BLUE, WHITE = QColor("#1f5fa8"), QColor("#ffffff")
GLYPH = "mdi6.book-open-page-variant-outline"
APP_ICONS = ROOT / "resources" / "icons" / "app"
PACKAGE_ICONS = ROOT / "packaging" / "desktop" / "icons"
NAME = "openimis-companion"


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    margin = size * 0.06
    square = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    path = QPainterPath()
    path.addRoundedRect(square, size * 0.2, size * 0.2)
    painter.fillPath(path, BLUE)
    glyph = int(size * (0.78 if size <= 24 else 0.66))  # small sizes: a bigger glyph stays readable
    pixmap = qtawesome.icon(GLYPH, color=WHITE).pixmap(glyph, glyph)
    painter.drawPixmap(int((size - glyph) / 2), int((size - glyph) / 2 + size * 0.02), pixmap)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """ICO with PNG-compressed entries (Windows Vista and later)."""
    sizes = [size for size in sorted(pngs) if size <= 256]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        data = pngs[size]
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(data), offset + len(blobs))
        blobs += data
    return header + entries + blobs


def icns(pngs: dict[int, bytes]) -> bytes:
    """ICNS with PNG entries (macOS 10.7 and later)."""
    types = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for size, kind in types.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


if __name__ == "__main__":
    app = QApplication([])
    APP_ICONS.mkdir(parents=True, exist_ok=True)
    PACKAGE_ICONS.mkdir(parents=True, exist_ok=True)
    pngs = {}
    for size in SIZES:
        pngs[size] = png_bytes(render(size))
        (APP_ICONS / f"{NAME}-{size}.png").write_bytes(pngs[size])
    (PACKAGE_ICONS / f"{NAME}.ico").write_bytes(ico(pngs))
    (PACKAGE_ICONS / f"{NAME}.icns").write_bytes(icns(pngs))
    print(f"rendered {len(SIZES)} sizes into {APP_ICONS}, and {NAME}.ico / {NAME}.icns into {PACKAGE_ICONS}")
