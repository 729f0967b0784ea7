"""Label lanes: regions drawn over time, and the mouse gestures that edit them.

One ``RegionLayer`` item per lane paints the visible regions in a single pass (text in device
pixels, elided to fit).  When a view holds thousands of regions it paints a coverage strip per
pixel column instead of boxes, so an hour with 10,000 labels draws as fast as an empty one.
Every gesture becomes a command on the document; the layer only listens.
"""
from __future__ import annotations

import itertools

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QLineEdit

from workbench.core.regions import LabelTrack, Region
from workbench.dsp.spectrogram import hz_to_scale

DENSE = 300             # above this many visible regions, paint coverage instead of boxes
MIN_TEXT_PX = 24        # narrower boxes get no elided text (eliding costs more than it shows)
EDGE_PX = 6


def shown_text(metrics, text: str, room: int) -> str:
    """What a box ``room`` pixels wide shows of ``text``: all of it where it fits (a "?" or an
    "A" in a narrow box), else elided where there is room to say something, else nothing."""
    if not text or room <= 0:
        return ""
    if room < MIN_TEXT_PX:
        return text if metrics.horizontalAdvance(text) <= room else ""
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)


_gestures = itertools.count(1)


class RegionLayer:
    """Paints the visible regions of one label track (or the bands of all tracks on a
    spectrogram lane, when ``spectral`` is set) on its lane."""

    def __init__(self, timeline, track: LabelTrack | None, spectral: bool = False) -> None:
        self.timeline = timeline
        self.track = track
        self.spectral = spectral
        self.lane = None                  # the lane it paints on (set by the lane)
        self.rate: int | None = None      # a spectrogram lane's rate (its frequency axis)
        self.visible: list[tuple[LabelTrack, Region]] = []
        self.theme = timeline.theme
        self.font = QFont()
        self.font.setPointSizeF(9)

    def refresh(self, t0: float, t1: float) -> None:
        doc = self.timeline.doc
        if self.spectral:
            self.visible = [(tr, r) for tr in doc.label_tracks for r in tr.visible(t0, t1)
                            if r.low_hz is not None or r.high_hz is not None]
        else:
            self.visible = [(self.track, r) for r in self.track.visible(t0, t1)]
        if self.lane is not None:
            self.lane.update()

    def paint(self, p: QPainter, lane) -> None:
        if not self.visible:
            return
        height = lane.rect().height()
        top = 0.0
        sel = self.timeline.doc.selected_region
        th = self.theme
        if len(self.visible) > DENSE:
            self._paint_density(p, lane, top, height)
            return
        metrics = QFontMetrics(self.font)
        p.setFont(self.font)
        for track, r in self.visible:
            x0 = lane.x_of(r.start)
            x1 = lane.x_of(r.end)
            selected = sel is not None and sel[1] == r.id
            if self.spectral:
                scale = self.timeline.params
                sr = self.rate or self.timeline.doc.sample_rate
                lo = hz_to_scale(r.low_hz or scale.min_freq, scale.scale, sr, scale.min_freq)
                hi = hz_to_scale(r.high_hz or sr / 2, scale.scale, sr, scale.min_freq)
                y0 = lane.y_of(float(hi))
                y1 = lane.y_of(float(lo))
                p.setPen(QPen(QColor("#ffffff" if selected else "#e8e8e8"), 2 if selected else 1))
                p.setBrush(QBrush(QColor(255, 255, 255, 40)))
                p.drawRect(QRectF(x0, y0, max(1.0, x1 - x0), y1 - y0))
                continue
            if r.is_point:
                p.setPen(QPen(pg.mkColor(th.label_edge_selected if selected else th.label_edge), 2))
                p.drawLine(QPointF(x0, top + 2), QPointF(x0, top + height - 2))
                p.setBrush(QBrush(pg.mkColor(th.label_edge_selected if selected else th.label_edge)))
                p.drawPolygon([QPointF(x0, top + 2), QPointF(x0 + 7, top + 6), QPointF(x0, top + 10)])
                text_rect = QRectF(x0 + 9, top + 1, 400, height - 2)
            else:
                rect = QRectF(x0, top + 2, max(1.0, x1 - x0), height - 4)
                fill = pg.mkColor(th.label_fill_selected if selected else th.label_fill)
                if r.confidence is not None:  # confidence shows as how solid the box is
                    fill.setAlphaF(fill.alphaF() * (0.35 + 0.65 * max(0.0, min(1.0, r.confidence))))
                p.setBrush(QBrush(fill))
                p.setPen(QPen(pg.mkColor(th.label_edge_selected if selected else th.label_edge),
                              2 if selected else 1))
                p.drawRoundedRect(rect, 3, 3)
                text_rect = rect.adjusted(4, 0, -3, 0)
            text = r.text.replace("\n", " ")
            room = int(text_rect.width())
            if r.confidence is not None:  # the score only where the words still fit beside it
                scored = f"{text} ({r.confidence:.2f})"
                if metrics.horizontalAdvance(scored) <= room:
                    text = scored
            shown = shown_text(metrics, text, room)
            if shown:
                p.setPen(pg.mkColor(th.label_text))
                p.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)

    def _paint_density(self, p: QPainter, lane, top: float, height: float) -> None:
        """Thousands of regions in view: how much of each pixel column is labelled."""
        scale, shift = lane.mapping()
        x0 = scale * self.visible[0][1].start + shift
        starts = np.array([r.start for _, r in self.visible])
        ends = np.array([r.end for _, r in self.visible])
        a = scale * starts + shift
        b = scale * ends + shift
        left = int(max(0, min(a.min(), x0)))
        width = int(min(lane.rect().width() + 200, b.max() - left + 2)) + 1
        cover = np.zeros(max(1, width), np.float64)
        ia = np.clip((a - left).astype(int), 0, width - 1)
        ib = np.clip(np.maximum((b - left).astype(int), ia + 1), 0, width)  # >= 1 px each
        diff = np.zeros(width + 1, np.float64)
        np.add.at(diff, ia, 1)
        np.add.at(diff, ib, -1)
        cover = np.cumsum(diff)[:width]
        color = pg.mkColor(self.theme.label_edge)  # theme colours are #RRGGBBAA
        p.setPen(Qt.PenStyle.NoPen)
        level = np.minimum(np.ceil(cover).astype(int), 4)   # 1..4 overlapping: four shades
        for shade in range(1, 5):
            xs = np.nonzero(level == shade)[0]
            if not len(xs):
                continue
            color.setAlphaF(0.3 + 0.17 * shade)
            p.setBrush(QBrush(color))
            p.drawRects([QRectF(left + x, top + height * 0.3, 1, height * 0.4) for x in xs])


class LabelLaneHandler:
    """What the mouse does on a label lane; empty space behaves like the audio lanes."""

    def __init__(self, timeline, lane) -> None:
        self.timeline = timeline
        self.lane = lane
        self._drag = None

    @property
    def doc(self):
        return self.timeline.doc

    def hit(self, t: float, spp: float):
        """(region, part) under time t: part is "start", "end" or "body"; or (None, None)."""
        grab = EDGE_PX * spp
        track = self.lane.track
        best = None
        for r in track.visible(t - grab, t + grab):
            if r.is_point:
                if abs(t - r.start) <= grab:
                    return r, "body"
                continue
            if abs(t - r.start) <= grab:
                best = best or (r, "start")
            elif abs(t - r.end) <= grab:
                best = best or (r, "end")
            elif r.start <= t <= r.end:
                best = best or (r, "body")
        return best or (None, None)

    def click(self, t: float, spp: float, extend: bool) -> None:
        region, _ = self.hit(t, spp)
        if region is not None and not extend:
            self.doc.select_region(self.lane.track.id, region.id)
        else:
            self.doc.select_region(None, None)
            self.timeline.click_at(t, extend)

    def double_click(self, t: float, spp: float) -> None:
        region, _ = self.hit(t, spp)
        if region is not None:
            self.doc.select_region(self.lane.track.id, region.id)
            self.timeline.edit_region_text(self.lane.track.id, region.id)

    def drag_start(self, t: float, spp: float) -> None:
        region, part = self.hit(t, spp)
        if region is None:
            self._drag = ("select", None, None, None)
            self.doc.select_region(None, None)
            self.timeline.drag_start(t, spp)
            return
        self.doc.select_region(self.lane.track.id, region.id)
        self._drag = (part, region.id, t - region.start, next(_gestures))

    def drag_to(self, t: float, finished: bool) -> None:
        if self._drag is None:
            return
        part, rid, offset, gesture = self._drag
        tid = self.lane.track.id
        if part == "select":
            self.timeline.drag_to(t)
            if finished and self.doc.selection:  # a drag on a label lane makes a label
                a, b = self.doc.selection
                region = self.doc.add_region(tid, a, b, "")
                self.doc.select_region(tid, region.id)
                self.timeline.edit_region_text(tid, region.id)
        else:
            t = self.timeline.snap(t)
            r = self.lane.track.get(rid)
            if r is not None:
                if part == "start":
                    changes = {"start": min(t, r.end)}
                elif part == "end":
                    changes = {"end": max(t, r.start)}
                else:
                    start = self.timeline.snap(max(0.0, t - offset))
                    changes = {"start": start, "end": start + r.length}
                title = "Move label" if part == "body" else "Resize label"
                self.doc.update_region(tid, rid, gesture=gesture, title=title, **changes)
                self.doc.select_region(tid, rid)
        if finished:
            self._drag = None


class RegionEditor(QLineEdit):
    """Inline text editor placed over a region: Enter keeps the text, Escape drops it."""

    def __init__(self, parent) -> None:
        super().__init__(parent)
        self.hide()
        self.target = None
        self.returnPressed.connect(self.commit)
        self.editingFinished.connect(self.commit)

    def open_for(self, doc, track_id: int, region_id: int, rect) -> None:
        self.doc = doc
        self.target = (track_id, region_id)
        region = doc.label_track(track_id).get(region_id)
        self.setText(region.text)
        self.setGeometry(rect)
        self.show()
        self.raise_()
        self.setFocus()
        self.selectAll()

    def commit(self) -> None:
        if self.target is None:
            return
        target, self.target = self.target, None
        self.hide()
        tid, rid = target
        try:
            region = self.doc.label_track(tid).get(rid)
        except KeyError:
            return
        if region is not None and self.text() != region.text:
            from workbench.core.speakers import edit_turn

            edit_turn(self.doc, tid, rid, self.text())
        self.parent().setFocus()

    def keyPressEvent(self, ev) -> None:
        if ev.key() == Qt.Key.Key_Escape:
            self.target = None
            self.hide()
            self.parent().setFocus()
            return
        super().keyPressEvent(ev)
