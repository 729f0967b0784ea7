"""Renders resources/icons/audio-workbench.svg into the sizes each platform wants:
PNGs for Linux (hicolor 16-512), a multi-size .ico for Windows and an .icns for macOS.

    .venv/bin/python packaging/make_icons.py

Qt's SVG renderer draws each size from the vector (so 16 px is drawn, not shrunk from 512);
Pillow writes the .ico and .icns containers.  The outputs are committed, so a build needs
neither; run this again after changing the SVG.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image                                   # noqa: E402
from PySide6.QtCore import QRectF, Qt                   # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer                  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(svg: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_RGBA8888)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    svg.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = bytes(image.constBits())
    return Image.frombuffer("RGBA", (size, size), data, "raw", "RGBA", image.bytesPerLine(), 1).copy()


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts, painting)
    svg = QSvgRenderer(str(ICONS / "audio-workbench.svg"))
    if not svg.isValid():
        print("the SVG did not load", file=sys.stderr)
        return 1
    images = {size: render(svg, size) for size in PNG_SIZES}
    for size, image in images.items():
        image.save(ICONS / f"audio-workbench-{size}.png", optimize=True)
    images[256].save(ICONS / "audio-workbench.ico", sizes=[(s, s) for s in ICO_SIZES],
                     append_images=[images[s] for s in ICO_SIZES])
    images[1024].save(ICONS / "audio-workbench.icns",
                      append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    print(f"wrote {len(images)} PNGs, an .ico and an .icns into {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
