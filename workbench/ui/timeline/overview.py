"""The overview strip: the whole mix, small, with the visible range marked."""
from __future__ import annotations


import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy

from workbench.core.mix import audible
from workbench.ui.theme import Theme


class OverviewStrip(pg.PlotWidget):
    """The whole file, small, with the visible range marked; drag it or click to jump."""

    def __init__(self, timeline) -> None:
        vb = pg.ViewBox(enableMenu=False, defaultPadding=0.0)
        super().__init__(viewBox=vb)
        self.timeline = timeline
        self.setFixedHeight(54)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.plotItem.hideAxis("bottom")
        self.plotItem.hideAxis("left")
        self.plotItem.hideButtons()
        self.plotItem.setMenuEnabled(False)
        vb.setMouseEnabled(x=False, y=False)
        vb.setYRange(-1, 1, padding=0.05)
        self.curve = pg.PlotCurveItem(connect="all", skipFiniteCheck=True)
        self.addItem(self.curve)
        self.region = pg.LinearRegionItem(movable=True)
        self.region.setZValue(10)
        self.addItem(self.region, ignoreBounds=True)
        self.region.sigRegionChanged.connect(self._dragged)
        self._updating = False
        vb.mouseClickEvent = self._clicked

    def _clicked(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            t = self.getViewBox().mapSceneToView(ev.scenePos()).x()
            t0, t1 = self.timeline.view_range()
            self.timeline.set_view(t - (t1 - t0) / 2, t + (t1 - t0) / 2)

    def _dragged(self) -> None:
        if not self._updating:
            t0, t1 = self.region.getRegion()
            self.timeline.set_view(t0, t1)

    def show_range(self, t0: float, t1: float) -> None:
        self._updating = True
        self.region.setRegion((t0, t1))
        self._updating = False

    def refresh(self) -> None:
        doc = self.timeline.doc
        if not doc.tracks:
            self.curve.setData([], [])
            return
        # the mix's outline: every audible track's envelope, scaled by its gain
        sr = doc.sample_rate
        px = max(100, int(self.width()))
        frames = max(1, int(round(doc.duration * sr)))
        lo = np.zeros(px, np.float32)
        hi = np.zeros(px, np.float32)
        x = None
        for track in audible(doc.tracks):
            reader = track.reader(sr)
            for c in range(reader.channels):
                env = reader.envelope(c, 0, frames, px)
                if env.kind != "minmax" or len(env.lo) != px:
                    continue
                x = env.x
                np.fmin(lo, np.nan_to_num(env.lo) * track.gain, out=lo)
                np.fmax(hi, np.nan_to_num(env.hi) * track.gain, out=hi)
        if x is None:
            self.curve.setData([], [])
            return
        x = np.repeat(x / sr, 2)
        y = np.empty(2 * len(lo), np.float32)
        y[0::2], y[1::2] = lo, hi
        self.curve.setData(x, y)
        self.getViewBox().setXRange(0, max(doc.duration, 1e-3), padding=0)

    def apply_theme(self, theme: Theme) -> None:
        self.setBackground(theme.background)
        self.curve.setPen(pg.mkPen(theme.wave, width=1))
        self.region.setBrush(pg.mkBrush(theme.overview_region))
        for line in self.region.lines:
            line.setPen(pg.mkPen(theme.wave_selected, width=2))
