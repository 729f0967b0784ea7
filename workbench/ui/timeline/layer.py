"""The base of the items that paint over a lane's visible range (labels, clips)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt


class ViewLayer(pg.GraphicsObject):
    """Covers exactly what its view box shows, takes no mouse buttons (the lane's handler
    does), and paints in device pixels itself."""

    def __init__(self, z: float) -> None:
        super().__init__()
        self.setZValue(z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        vb = self.getViewBox()
        if vb is None:
            return QRectF()
        (x0, x1), (y0, y1) = vb.viewRange()
        return QRectF(x0, y0, x1 - x0, y1 - y0)
