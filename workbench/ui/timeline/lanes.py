"""The rows of the timeline.  A lane is one light graphics item (no view box, no axis items):
a waveform channel, a spectrogram (``spectrum.py``) or a label track.  Every lane kind has the
same interface:

- it maps time to x (``x_of``, ``t_of``) and its own values to y (``y_of``) from the
  timeline's one visible range, so panning moves no per-lane state;
- it paints, in order, its gutter (the left ruler), its content layers and the overlays every
  lane shares (selection, cursor, playhead), in device pixels;
- ``refresh(t0, t1)`` prepares what the visible range shows (the envelope, the tiles, the
  regions) and repaints;
- the mouse goes to a handler (audio lanes and label lanes differ) as click / drag / wheel
  in seconds.

What a layer paints is prepared by the timeline on a redraw (the envelope for the visible range,
the tiles that cover it); painting itself reads no audio.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy

from workbench.ui.theme import Theme
from workbench.ui.timeline.axes import format_time, time_ticks
from workbench.ui.timeline.clips import premultiplied
from workbench.ui.timeline.labels import LabelLaneHandler, RegionLayer

AXIS_WIDTH = 40     # the gutter: value ticks and the channel's name (the track's is in its header)
RULER_PX = 24
WAVE_RANGE = (-1.08, 1.08)      # a waveform lane's y range: full scale and a little air


class Lane(pg.GraphicsWidget):
    """One row of the timeline (see the module's docstring)."""

    kind = ""
    y_range = (0.0, 1.0)

    def __init__(self, timeline, track, channel: int = -1) -> None:
        super().__init__()
        self.timeline, self.track, self.channel = timeline, track, channel
        self.handler = AudioLaneHandler(timeline, track)
        self.layers: list = []          # painters: each a callable (painter, lane)
        self.clips = None               # an audio lane's clip layer
        self.layer = None               # a lane's region layer (labels), if it has one
        self.press_pos = None
        self.selection_shown = False
        self._gutter = None             # (what it shows, its picture)
        self.text_font = QFont()
        self.text_font.setPointSizeF(8)
        self.metrics = QFontMetrics(self.text_font)
        self.apply_theme(timeline.theme)
        self.setFlag(self.GraphicsItemFlag.ItemClipsToShape, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setPreferredHeight(400)      # the layout shares the height out by stretch

    # -- what the timeline asks of every kind of lane (each owns its caches) --------------------
    @property
    def key(self) -> tuple:
        """Which lane of which track: what a layout change keeps."""
        return (self.kind, self.track.id, self.channel)

    def release(self) -> None:
        """Let go of what it holds outside itself (workers): the lane leaves the timeline."""

    def set_params(self, params) -> None:
        """New spectrogram settings."""

    def audio_changed(self, t0: float, t1: float) -> bool:
        """Its track's audio changed over [t0, t1]; False when this lane cannot follow and must
        be made again."""
        return True

    def tile_arrived(self, key) -> None:
        """A spectrogram tile a worker finished (every lane hears of every tile)."""

    def tiles_placed(self) -> bool:
        """Whether every tile it waits for is placed or has arrived."""
        return True

    def place_arrived(self, t0: float, t1: float) -> None:
        """Place the tiles that arrived (together: one repaint)."""

    def complete(self) -> bool:
        """Whether everything the view needs from it is on screen."""
        return True

    # -- geometry: time <-> x, value <-> y, in this item's pixels ----------------------------------
    def plot_rect(self) -> QRectF:
        r = self.rect()
        return QRectF(AXIS_WIDTH, 0.0, max(1.0, r.width() - AXIS_WIDTH), r.height())

    def plot_width(self) -> float:
        return self.plot_rect().width()

    def scene_plot_rect(self) -> QRectF:
        return self.mapRectToScene(self.plot_rect())

    def mapping(self) -> tuple[float, float]:
        """(scale, shift): x = scale * t + shift for the timeline's visible range."""
        t0, t1 = self.timeline.view_range()
        scale = self.plot_width() / max(t1 - t0, 1e-12)
        return scale, AXIS_WIDTH - scale * t0

    def x_of(self, t: float) -> float:
        scale, shift = self.mapping()
        return scale * t + shift

    def t_of(self, x: float) -> float:
        scale, shift = self.mapping()
        return (x - shift) / scale

    def y_of(self, v: float) -> float:
        lo, hi = self.y_range
        return self.rect().height() * (hi - v) / (hi - lo)

    def scene_point(self, t: float, v: float | None = None) -> QPointF:
        """The scene position of time ``t`` at value ``v`` (the middle of the lane by default)."""
        y = self.rect().height() / 2 if v is None else self.y_of(v)
        return self.mapToScene(QPointF(self.x_of(t), y))

    def time_at(self, scene_pos) -> float:
        return self.t_of(self.mapFromScene(scene_pos).x())

    def seconds_per_pixel(self) -> float:
        t0, t1 = self.timeline.view_range()
        return (t1 - t0) / max(1.0, self.plot_width())

    # -- the mouse: left drag selects, click places the cursor, wheel scrolls, Ctrl+wheel zooms --
    def mouseClickEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        self.press_pos = ev.scenePos()
        if ev.double():
            self.handler.double_click(self.time_at(ev.scenePos()), self.seconds_per_pixel())
            return
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.handler.click(self.time_at(ev.scenePos()), self.seconds_per_pixel(), shift)

    def mouseDragEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        self.timeline.pointer_scene_pos = ev.scenePos()
        if ev.isStart():
            self.press_pos = ev.buttonDownScenePos()
            self.handler.drag_start(self.time_at(ev.buttonDownScenePos()), self.seconds_per_pixel())
        self.handler.drag_to(self.time_at(ev.scenePos()), ev.isFinish())

    def wheelEvent(self, ev) -> None:
        ev.accept()
        delta = ev.delta() / 120.0
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.timeline.zoom(2.0 ** (delta / 2.0), anchor=self.time_at(ev.scenePos()))
        else:
            sign = 1 if ev.orientation() == Qt.Orientation.Horizontal else -1
            self.timeline.scroll_by(sign * delta * 0.1)

    # -- what the visible range shows ------------------------------------------------------------
    def refresh(self, t0: float, t1: float) -> None:
        """Prepare what [t0, t1] shows (each kind adds its own), then repaint."""
        if self.layer is not None:
            self.layer.refresh(t0, t1)
        self.update()

    # -- the overlays every lane shares --------------------------------------------------------
    def show_selection(self, shown: bool) -> None:
        self.selection_shown = shown
        self.update()

    def playhead_moved(self, old: float | None, new: float | None) -> None:
        """Repaint only the strips the playhead left and entered (it moves 60 times a second)."""
        h = self.rect().height()
        for t in (old, new):
            if t is not None:
                self.update(QRectF(self.x_of(t) - 3, 0, 6, h))

    def cursor_moved(self, old: float, new: float) -> None:
        h = self.rect().height()
        for t in (old, new):
            self.update(QRectF(self.x_of(t) - 2, 0, 4, h))

    # -- painting ------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self._gutter = None
        veil = pg.mkColor(theme.spectrogram_selection if self.kind == "spec" else theme.selection)
        edge = pg.mkColor("#ffffff" if self.kind == "spec" else theme.wave_selected)
        self.colours = {"background": pg.mkColor(theme.label_lane if isinstance(self, LabelLane) else theme.lane),
                      "page": pg.mkColor(theme.background), "text": pg.mkColor(theme.foreground),
                      "veil": veil, "edge": QPen(edge, 1), "cursor": QPen(pg.mkColor(theme.cursor), 1),
                      "playhead": QPen(pg.mkColor(theme.playhead), 2)}
        if self.layer is not None:
            self.layer.theme = theme
        self.update()

    def background_colour(self) -> QColor:
        return self.colours["background"]

    def paint(self, p: QPainter, *args) -> None:
        area = self.plot_rect()
        p.fillRect(area, self.colours["background"])
        p.drawPixmap(0, 0, self._gutter_pixmap(p, area))
        p.save()
        try:
            p.setClipRect(area)
            for layer in self.layers:
                layer(p, self)
            self.paint_overlays(p, area)
        finally:
            p.restore()

    def gutter_key(self):
        """What the gutter shows besides the lane's height and theme (its picture is kept
        until this changes)."""
        return None

    def _gutter_pixmap(self, p: QPainter, area: QRectF) -> QPixmap:
        ratio = p.device().devicePixelRatioF() if p.device() is not None else 1.0
        key = (self.gutter_key(), int(area.height()), self.theme.name, ratio)
        if self._gutter is None or self._gutter[0] != key:
            pixmap = QPixmap(int(AXIS_WIDTH * ratio), int(max(1.0, area.height()) * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(self.colours["page"])
            painter = QPainter(pixmap)
            painter.setFont(self.text_font)
            painter.setPen(self.colours["text"])
            self.paint_gutter(painter, area)
            painter.end()
            self._gutter = (key, pixmap)
        return self._gutter[1]

    def paint_gutter(self, p: QPainter, area: QRectF) -> None:
        """The left ruler: what the lane's y means (each kind says)."""

    def gutter_ticks(self, p: QPainter, area: QRectF, ticks) -> None:
        """Tick marks and labels at (value, text), skipping those that would collide."""
        last = -1e9
        right = AXIS_WIDTH - 2
        for v, text in ticks:
            y = self.y_of(v)
            if abs(y - last) < self.metrics.height() + 1 or y < -1 or y > area.height() + 1:
                continue
            last = y
            p.drawLine(QPointF(right - 4, y), QPointF(right, y))
            ty = min(max(y - self.metrics.height() / 2, 0), area.height() - self.metrics.height())
            p.drawText(QRectF(12, ty, right - 16, self.metrics.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        p.drawLine(QPointF(right, 0), QPointF(right, area.height()))

    def paint_overlays(self, p: QPainter, area: QRectF) -> None:
        doc, s = self.timeline.doc, self.colours
        if self.selection_shown and doc.selection is not None:
            a, b = (self.x_of(t) for t in doc.selection)
            p.fillRect(QRectF(a, 0, max(b - a, 0.0), area.height()), s["veil"])
            p.setPen(s["edge"])
            for x in (a, b):
                p.drawLine(QPointF(x, 0), QPointF(x, area.height()))
        p.setPen(s["cursor"])
        x = self.x_of(doc.cursor)
        p.drawLine(QPointF(x, 0), QPointF(x, area.height()))
        t = self.timeline.playhead
        if t is not None:
            p.setPen(s["playhead"])
            x = self.x_of(t)
            p.drawLine(QPointF(x, 0), QPointF(x, area.height()))


class WaveLane(Lane):
    """One channel of an audio track: the envelope (min and max per pixel) of the visible range,
    or the samples themselves, with dots, when there are fewer of them than pixels."""

    kind = "wave"
    y_range = WAVE_RANGE

    def __init__(self, timeline, track, channel: int) -> None:
        super().__init__(timeline, track, channel)
        self.setMinimumHeight(18)
        self.xs = self.ys = np.zeros(0)
        self.dots = False
        self.envelope = None
        self.name = ""
        self.show_name(timeline.doc)
        self.layers = [self._paint_wave]

    def refresh(self, t0: float, t1: float) -> None:
        """The envelope of [t0, t1] from the track's peak pyramid at this lane's pixel width
        (never more points than pixels), or the samples when they are fewer than pixels."""
        sr = self.timeline.doc.sample_rate
        src = self.track.reader(sr)
        width = self.plot_width()
        a, b = max(t0, 0.0), min(t1, src.duration)
        if b <= a:
            self.set_data(np.zeros(0), np.zeros(0))
        else:
            pixels = max(1, int(round(width * (b - a) / (t1 - t0))))
            env = src.envelope(self.channel, a * sr, b * sr, pixels)
            if env.kind == "samples":
                x = env.x / sr
                # few samples: each one a dot (samples in a gap between clips are NaN)
                self.set_data(x, env.lo, dots=len(x) * 6 <= width and bool(np.isfinite(env.lo).any()))
            else:
                self.set_envelope(env.x / sr, env.lo, env.hi)
        super().refresh(t0, t1)

    def set_data(self, x: np.ndarray, y: np.ndarray, dots: bool = False) -> None:
        """Samples: ``x`` in seconds, ``y`` in full scale; NaN where there is no clip (left
        undrawn)."""
        self.xs, self.ys, self.dots, self.envelope = x, y, dots, None
        self.update()

    def set_envelope(self, x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        """The lowest and highest value in each pixel column starting at ``x`` seconds."""
        self.envelope, self.dots = (x, lo, hi), False
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        """What is drawn, as a line would go: samples, or each column's low then high value."""
        if self.envelope is None:
            return self.xs, self.ys
        x, lo, hi = self.envelope
        y = np.empty(2 * len(lo), np.float32)
        y[0::2], y[1::2] = lo, hi
        return np.repeat(x, 2), y

    def show_name(self, doc) -> None:
        channels = self.track.channels
        name = {0: "L", 1: "R"}.get(self.channel, "") if channels == 2 else f"Ch {self.channel + 1}"
        name = "Mono" if channels == 1 else name
        if len(doc.tracks) > 1 and doc.focused_track is self.track:   # the header has the name
            name = f"▶ {name}"
        self.name = name
        self.update()

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.colours.update(wave=QPen(pg.mkColor(theme.wave), 1), grid=QPen(pg.mkColor(theme.grid), 1),
                          dot=pg.mkColor(theme.wave))

    def gutter_key(self):
        return self.name

    def paint_gutter(self, p: QPainter, area: QRectF) -> None:
        ticks = [(v, f"{v:g}") for v in (0.0, 1.0, -1.0, 0.5, -0.5)]
        self.gutter_ticks(p, area, sorted(ticks, key=lambda k: -k[0]) if area.height() > 90 else ticks[:3])
        p.save()                  # the channel's name, turned, as an axis label
        p.translate(8, area.height() / 2)
        p.rotate(-90)
        width = area.height()
        p.drawText(QRectF(-width / 2, -6, width, 12), Qt.AlignmentFlag.AlignCenter,
                   self.metrics.elidedText(self.name, Qt.TextElideMode.ElideRight, int(width)))
        p.restore()

    def _paint_wave(self, p: QPainter, lane) -> None:
        s, area = self.colours, self.plot_rect()
        p.setPen(s["grid"])
        zero = self.y_of(0.0)
        p.drawLine(QPointF(area.left(), zero), QPointF(area.right(), zero))
        if self.envelope is not None:
            self._paint_envelope(p, area)
            return
        if not len(self.xs):
            return
        scale, shift = self.mapping()
        px = scale * self.xs + shift
        k = area.height() / (WAVE_RANGE[1] - WAVE_RANGE[0])
        py = (WAVE_RANGE[1] - self.ys) * k
        p.setPen(s["wave"])
        p.drawPath(pg.arrayToQPath(px, py, connect="finite"))
        if self.dots:
            inside = np.isfinite(py)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(s["dot"])
            for x, y in zip(px[inside], py[inside]):
                p.drawEllipse(QPointF(x, y), 2.5, 2.5)


    def _paint_envelope(self, p: QPainter, area: QRectF) -> None:
        """Each pixel column filled from its low to its high value, joined to the next column
        as a line through the samples would be, painted as one image (a blit per lane, not a
        path of thousands of points)."""
        x, lo, hi = self.envelope
        if not len(x):
            return
        ratio = p.device().devicePixelRatioF() if p.device() is not None else 1.0   # crisp on HiDPI
        w, h = max(1, int(np.ceil(area.width() * ratio))), max(1, int(np.ceil(area.height() * ratio)))
        scale, shift = self.mapping()
        with np.errstate(invalid="ignore"):
            lo2 = np.fmin(lo, np.append(hi[1:], np.nan))       # reach down to the next column
            hi2 = np.fmax(hi, np.append(lo[1:], np.nan))       # or up to it
        # which envelope column each device pixel column shows (several, on a HiDPI screen)
        centres = (scale * x + shift - area.left()) * ratio
        half = (centres[1] - centres[0]) / 2 if len(centres) > 1 else ratio / 2
        dev = np.arange(w) + 0.5
        idx = np.searchsorted(centres - half, dev, side="right") - 1
        shown = (idx >= 0) & (dev <= centres[-1] + half)
        idx = np.clip(idx, 0, len(x) - 1)
        shown &= ~np.isnan(lo[idx])                            # a gap between clips: nothing
        k = h / (WAVE_RANGE[1] - WAVE_RANGE[0])
        tops = np.where(shown, np.floor((WAVE_RANGE[1] - hi2[idx]) * k), h + 1)
        bottoms = np.where(shown, np.floor((WAVE_RANGE[1] - lo2[idx]) * k), -1)
        rows = np.arange(h, dtype=np.int32)[:, None]
        image = np.where((rows >= tops) & (rows <= bottoms), premultiplied(self.colours["wave"].color()),
                         np.uint32(0))
        picture = QImage(image.data, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied)
        picture.setDevicePixelRatio(ratio)
        p.drawImage(QRectF(area.left(), 0.0, w / ratio, h / ratio), picture)


class LabelLane(Lane):
    """A label track: its regions, editable with the mouse."""

    kind = "labels"

    def __init__(self, timeline, track, running: bool = False) -> None:
        super().__init__(timeline, track)
        self.setMinimumHeight(34)
        self.setMaximumHeight(46)
        self.setPreferredHeight(40)
        self.layer = RegionLayer(timeline, track)
        self.layer.lane = self
        self.layers = [self.layer.paint]
        self.handler = LabelLaneHandler(timeline, self)
        self.setToolTip(track.name)
        self.setAcceptHoverEvents(True)
        self.running = running
        if running:        # results still coming in: look, don't touch
            self.handler = AudioLaneHandler(timeline)
            self.setToolTip(f"{track.name}: still running")

    @property
    def key(self) -> tuple:
        return ("labels", self.track.id, self.running)

    def hoverMoveEvent(self, ev) -> None:   # noqa: N802
        """The whole text of the region under the pointer (a short region shows it cut)."""
        region = None
        if not self.running and self.plot_rect().contains(ev.pos()):
            region, _ = self.handler.hit(self.time_at(ev.scenePos()), self.seconds_per_pixel())
        self.setToolTip(self.region_tip(region))

    def region_tip(self, region) -> str:
        if region is None:
            return self.track.name if not self.running else f"{self.track.name}: still running"
        conf = "" if region.confidence is None else f" · {region.confidence:.2f}"
        return (f"{region.text or '(no text)'}\n{format_time(region.start)} – {format_time(region.end)}"
                f"{conf}\n{self.track.name}")

    def gutter_key(self):
        return self.track.name

    def paint_gutter(self, p: QPainter, area: QRectF) -> None:
        """Nothing: the track's name is in the header column beside the lane, wrapped."""


class Ruler(Lane):
    """The time ruler above the lanes, in h:mm:ss.mmm."""

    kind = "ruler"

    def __init__(self, timeline) -> None:
        super().__init__(timeline, None)
        self.setMinimumHeight(RULER_PX)
        self.setMaximumHeight(RULER_PX)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.colours["background"] = self.colours["page"]

    def paint(self, p: QPainter, *args) -> None:
        area = self.plot_rect()
        p.fillRect(self.rect(), self.colours["page"])
        p.setFont(self.text_font)
        p.setPen(self.colours["text"])
        t0, t1 = self.timeline.view_range()
        major, minor, decimals = time_ticks(t0, t1, area.width())
        scale, shift = self.mapping()
        h = area.height()
        for t in minor:
            x = scale * t + shift
            p.drawLine(QPointF(x, h - 4), QPointF(x, h))
        for t in major:
            x = scale * t + shift
            p.drawLine(QPointF(x, h - 9), QPointF(x, h))
            p.drawText(QRectF(x - 60, 0, 120, h - 9), Qt.AlignmentFlag.AlignCenter, format_time(t, decimals))
        p.drawLine(QPointF(AXIS_WIDTH, h - 0.5), QPointF(area.right(), h - 0.5))

    def mouseClickEvent(self, ev) -> None:
        ev.ignore()

    def mouseDragEvent(self, ev) -> None:
        ev.ignore()


class AudioLaneHandler:
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
