"""The rows of the timeline: a lane is one plot (a waveform channel, a spectrogram or a label
track) with its view box, whose mouse gestures a handler turns into document changes.  No drawing
of data happens here: the timeline asks each lane's sources for what the screen shows.
"""
from __future__ import annotations


import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from workbench.core.tiles import SpectrogramTiles
from workbench.ui.theme import Theme
from workbench.ui.timeline.labels import LabelLaneHandler, RegionLayer


AXIS_WIDTH = 72


class _LaneViewBox(pg.ViewBox):
    """Left drag selects, click places the cursor, wheel scrolls, Ctrl+wheel zooms.  What a
    click or drag means is up to the lane's handler (audio lanes and label lanes differ)."""

    def __init__(self, timeline) -> None:
        super().__init__(enableMenu=False, defaultPadding=0.0)
        self.timeline = timeline
        self.handler = _AudioLaneHandler(timeline)
        self.setMouseEnabled(x=False, y=False)

    def _t(self, scene_pos) -> float:
        return self.mapSceneToView(scene_pos).x()

    def seconds_per_pixel(self) -> float:
        (t0, t1), _ = self.viewRange()
        return (t1 - t0) / max(1.0, self.width())

    def mouseClickEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        self.press_pos = ev.scenePos()
        if ev.double():
            self.handler.double_click(self._t(ev.scenePos()), self.seconds_per_pixel())
            return
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.handler.click(self._t(ev.scenePos()), self.seconds_per_pixel(), shift)

    def mouseDragEvent(self, ev, axis=None) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        self.timeline.pointer_scene_pos = ev.scenePos()
        if ev.isStart():
            self.press_pos = ev.buttonDownScenePos()
            self.handler.drag_start(self._t(ev.buttonDownScenePos()), self.seconds_per_pixel())
        self.handler.drag_to(self._t(ev.scenePos()), ev.isFinish())

    def wheelEvent(self, ev, axis=None) -> None:
        ev.accept()
        delta = ev.delta() / 120.0
        mods = ev.modifiers()
        if mods & Qt.KeyboardModifier.ControlModifier:
            self.timeline.zoom(2.0 ** (delta / 2.0), anchor=self._t(ev.scenePos()))
        else:
            horizontal = ev.orientation() == Qt.Orientation.Horizontal
            sign = 1 if horizontal else -1
            self.timeline.scroll_by(sign * delta * 0.1)


class _AudioLaneHandler:
    def __init__(self, timeline, track=None) -> None:
        self.timeline = timeline
        self.track = track

    def click(self, t: float, spp: float, extend: bool) -> None:
        self.timeline.doc.select_region(None, None)
        if self.track is not None and len(self.timeline.doc.tracks) > 1:
            self.timeline.doc.focus_track(self.track)
        self.timeline.click_at(t, extend)

    def double_click(self, t: float, spp: float) -> None:
        pass

    def drag_start(self, t: float, spp: float) -> None:
        self.timeline.doc.select_region(None, None)
        if self.track is not None and len(self.timeline.doc.tracks) > 1:
            self.timeline.doc.focus_track(self.track)
        self.timeline.drag_start(t, spp, self.track)

    def drag_to(self, t: float, finished: bool) -> None:
        self.timeline.drag_to(t)


class _Lane:
    """One plot row: a waveform channel or the spectrogram of a track."""

    def __init__(self, timeline, track, kind: str, channel: int,
                 left_axis: pg.AxisItem, top_axis: pg.AxisItem | None) -> None:
        self.track, self.kind, self.channel = track, kind, channel
        self.clips = None           # an audio lane's clip layer, added by the timeline
        axes = {"left": left_axis}
        if top_axis is not None:
            axes["top"] = top_axis
        self.vb = _LaneViewBox(timeline)
        self.plot = pg.PlotItem(viewBox=self.vb, axisItems=axes)
        self.plot.hideButtons()
        self.plot.hideAxis("bottom")
        if top_axis is not None:
            self.plot.showAxis("top")
        left_axis.setWidth(AXIS_WIDTH)
        self.plot.setMenuEnabled(False)
        self.selection = pg.LinearRegionItem(movable=False)
        self.selection.setZValue(5)
        self.selection.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        for line in self.selection.lines:
            line.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.selection.hide()
        self.cursor = pg.InfiniteLine(0, movable=False)
        self.playhead = pg.InfiniteLine(0, movable=False)
        self.playhead.hide()
        for item in (self.selection, self.cursor, self.playhead):
            self.plot.addItem(item, ignoreBounds=True)
        self.cursor.setZValue(10)
        self.playhead.setZValue(11)
        self.layer = None
        if kind == "labels":  # the track's name, horizontal, where the other lanes have ticks
            name = track.name if len(track.name) <= 10 else track.name[:9] + "…"
            left_axis.setTicks([[(0.5, name)]])
            left_axis.setStyle(tickLength=0)
            left_axis.setToolTip(track.name)
            self.vb.setYRange(0.0, 1.0, padding=0.0)
            self.plot.setMinimumHeight(34)
            self.plot.setMaximumHeight(46)
            self.layer = RegionLayer(timeline, track)
            self.plot.addItem(self.layer, ignoreBounds=True)
            self.vb.handler = LabelLaneHandler(timeline, self)
            return
        self.vb.handler = _AudioLaneHandler(timeline, track)
        if kind == "wave":
            self.show_name(timeline.doc)
        else:
            left_axis.setLabel("Hz")
        if kind == "wave":
            self.vb.setYRange(-1.0, 1.0, padding=0.04)
            left_axis.setTicks([[(v, f"{v:g}") for v in (-1, -0.5, 0, 0.5, 1)]])
            self.zero = pg.InfiniteLine(0, angle=0, movable=False)
            self.plot.addItem(self.zero, ignoreBounds=True)
            # gaps between clips are NaN: "finite" leaves them undrawn
            self.curve = pg.PlotCurveItem(connect="finite", antialias=False)
            self.plot.addItem(self.curve)
            self.dots = pg.ScatterPlotItem(size=5, pxMode=True)
            self.dots.hide()
            self.plot.addItem(self.dots)
        else:
            self.vb.setYRange(0.0, 1.0, padding=0.0)
            self.layer = RegionLayer(timeline, None, spectral=True)
            self.plot.addItem(self.layer, ignoreBounds=True)
            self.images: dict[tuple, pg.ImageItem] = {}
            self.arrived: set[tuple] = set()     # computed, waiting to be placed together
            self.tiles: SpectrogramTiles | None = None

    def show_name(self, doc) -> None:
        channels = self.track.channels
        name = {0: "L", 1: "R"}.get(self.channel, "") if channels == 2 else f"Ch {self.channel + 1}"
        name = "Mono" if channels == 1 else name
        if len(doc.tracks) > 1 and doc.focused_track is self.track:   # the header has the name
            name = f"▶ {name}"
        self.plot.getAxis("left").setLabel(name)

    def apply_theme(self, theme: Theme) -> None:
        self.vb.setBackgroundColor(theme.label_lane if self.kind == "labels" else theme.lane)
        if self.layer is not None:
            self.layer.theme = theme
            self.layer.update()
        for name in ("left", "top"):
            axis = self.plot.getAxis(name)
            axis.setPen(theme.foreground)
            axis.setTextPen(theme.foreground)
        veil = theme.spectrogram_selection if self.kind == "spec" else theme.selection
        self.selection.setBrush(pg.mkBrush(veil))
        for line in self.selection.lines:
            line.setPen(pg.mkPen("#ffffff" if self.kind == "spec" else theme.wave_selected, width=1))
        self.cursor.setPen(pg.mkPen(theme.cursor, width=1))
        self.playhead.setPen(pg.mkPen(theme.playhead, width=2))
        if self.kind == "wave":
            self.zero.setPen(pg.mkPen(theme.grid, width=1))
            self.curve.setPen(pg.mkPen(theme.wave, width=1))
            self.dots.setBrush(pg.mkBrush(theme.wave))
            self.dots.setPen(None)


def spectrum_rate(track, project_rate: int) -> int:
    """The rate a track's spectrogram is computed at: the project's, or its highest clip's when
    that is higher, so a 96 kHz recording in a 48 kHz project still shows what is above 24 kHz."""
    return max([int(project_rate)] + [int(c.rate) for c in track.clips])



def neighbours(tiles: SpectrogramTiles, a: float, b: float, pixels: int, hop: int) -> list:
    """Tiles of the same zoom a view's width before and after [a, b] seconds, nearest first,
    alternating after and before (people mostly move forward); the cached ones left out."""
    span = b - a
    _, after = tiles.keys_for(b, min(b + span, tiles.source.duration), pixels)
    _, before = tiles.keys_for(max(0.0, a - span), a, pixels)
    after.sort(key=lambda k: k[1])
    before.sort(key=lambda k: -k[1])
    order = [k for pair in zip(after, before) for k in pair] + after[len(before):] + before[len(after):]
    seen, out = set(), []
    for k in order:
        if k[0] == hop and k not in seen and tiles.get(k) is None:
            seen.add(k)
            out.append(k)
    return out


_LUTS: dict[str, np.ndarray] = {}


def _lut(name: str) -> np.ndarray:
    if name not in _LUTS:
        try:
            cmap = pg.colormap.get(name)
        except Exception:
            cmap = pg.colormap.get("inferno")
        _LUTS[name] = cmap.getLookupTable(0.0, 1.0, 256, alpha=False)
    return _LUTS[name]


COLORMAPS = ("inferno", "magma", "viridis", "plasma", "cividis", "CET-L1")
