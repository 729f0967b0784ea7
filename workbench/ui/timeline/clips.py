"""Clips on audio lanes: blocks with a name bar, and the mouse gestures that move and trim them.

``ClipLayer`` paints each visible clip of one audio track as a block edge with, on the track's
first lane, a name bar (Audacity's clip handle).  ``ClipLaneHandler`` adds to what the mouse does
on an audio lane: drag a name bar to move the clip (to another track too, snapping to the cursor,
the selection, labels and other clips' edges), drag a bar's ends to trim, click a bar to select
the clip.  Everything ends as a command on the document; the layer only listens.
"""
from __future__ import annotations

import itertools

import numpy as np

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen

from workbench.core.tracks import audible


BAR_PX = 16             # height of a clip's name bar
EDGE_PX = 6             # how close to a clip's end a press on its bar trims instead of moving
FEW = 12                # more clips than this in view: outlines and bars as blits
SNAP_PX = 8             # how close an edge snaps to a cursor, selection, label or clip edge
_gestures = itertools.count(1)


def _bar_text(clip) -> str:
    """A clip's name, and how well generated speech was understood when it was checked."""
    wer = clip.provenance.get("wer") if clip.provenance else None
    name = clip.name or "clip"
    return f"WER {wer * 100:.0f}% · {name}" if isinstance(wer, (int, float)) else name


class ClipLayer:
    """Paints the clips of one audio track on one of its lanes (name bars when ``bar``)."""

    def __init__(self, timeline, track, bar: bool) -> None:
        self.timeline = timeline
        self.lane = None            # the lane it paints on (set by the lane)
        self.track = track
        self.bar = bar
        self.font = QFont()
        self.font.setPointSizeF(8.5)
        self._style = None          # (theme name, pens and colours): made once, not per paint

    def refresh(self) -> None:
        if self.lane is not None:
            self.lane.update()

    def style(self):
        th = self.timeline.theme
        if self._style is None or self._style[0] != th.name:
            bar_fill = pg.mkColor(th.wave)
            bar_fill.setAlpha(120)
            bar_chosen = pg.mkColor(th.wave_selected)
            bar_chosen.setAlpha(200)
            self._style = (th.name, QPen(pg.mkColor(th.grid), 1), QPen(pg.mkColor(th.wave_selected), 2),
                           bar_fill, bar_chosen, QColor("#ffffff"), QFontMetrics(self.font),
                           QPen(pg.mkColor(th.cursor), 2, Qt.PenStyle.DashLine))
        return self._style[1:]

    def paint(self, p: QPainter, lane) -> None:
        """A few clips are drawn one by one; more than ``FEW`` at once, their outlines and name
        bars as a handful of image blits (hundreds of clips per lane cost a few numpy
        operations, not hundreds of paint calls).  The selected clip, coloured bars and the
        names that fit are always drawn one by one."""
        t0, t1 = self.timeline.view_range()
        starts, ends = self.track.clip_bounds()
        a = int(np.searchsorted(ends, t0, side="right"))
        b = int(np.searchsorted(starts, t1, side="left"))
        drag = self.timeline.clip_drag
        dragging = drag is not None and drag[1] == self.track.id
        if b <= a and not dragging:
            return
        height = lane.rect().height()
        doc = self.timeline.doc
        plain, chosen, bar_fill, bar_chosen, white, metrics, dashed = self.style()
        scale, shift = lane.mapping()
        clips = self.track.clips[a:b]
        area = lane.plot_rect()
        # just outside the lane at most: deep zooms put far edges millions of pixels away
        x0 = np.clip(scale * starts[a:b] + shift, area.left() - 4, area.right() + 4)
        x1 = np.clip(np.maximum(scale * ends[a:b] + shift, x0 + 1.0), area.left() - 4, area.right() + 4)
        chosen_at = next((i for i, c in enumerate(clips) if c.id == doc.selected_clip), -1) \
            if doc.selected_clip is not None else -1
        plain_ones = np.ones(len(clips), bool)
        if chosen_at >= 0:
            plain_ones[chosen_at] = False
        # on the lanes under the first, a sliver's edges add nothing the waveform's gaps don't show
        outline = plain_ones if self.bar else plain_ones & (x1 - x0 >= 6)
        covered = None
        if np.count_nonzero(outline) <= FEW:
            p.setPen(plain)
            p.setBrush(Qt.BrushStyle.NoBrush)
            for i in np.nonzero(outline)[0]:
                p.drawRect(QRectF(x0[i], 0.0, x1[i] - x0[i], height - 1))
        else:
            covered = _columns(x0[outline], x1[outline], area.left(), area.width())
            _paint_outlines(p, x0[outline], x1[outline], covered, area.left(), height, plain.color())
        several = len(self.track.clips) > 1 or len(doc.tracks) > 1
        if self.bar and (several or chosen_at >= 0):
            barred = plain_ones & (x1 - x0 >= 3) if several else ~plain_ones
            own = [i for i in np.nonzero(barred)[0] if clips[i].colour]     # few clips have a colour
            barred[own] = False
            if np.count_nonzero(barred) <= FEW:
                for i in np.nonzero(barred)[0]:
                    p.fillRect(QRectF(x0[i], 0.0, x1[i] - x0[i], BAR_PX), bar_fill)
            else:
                if covered is None or not np.array_equal(barred, outline):
                    covered = _columns(x0[barred], x1[barred], area.left(), area.width())
                _paint_strip(p, covered, area.left(), 0.0, BAR_PX, bar_fill)
            for i in own + ([chosen_at] if chosen_at >= 0 else []):
                clip = clips[i]
                fill = bar_chosen if i == chosen_at else bar_fill
                if clip.colour:
                    fill = pg.mkColor(clip.colour)
                    fill.setAlpha(200 if i == chosen_at else 120)
                p.fillRect(QRectF(x0[i], 0.0, x1[i] - x0[i], BAR_PX), fill)
            p.setFont(self.font)
            p.setPen(white)
            for i in np.nonzero(x1 - x0 > 20)[0]:       # names where they fit
                room = int(x1[i] - x0[i]) - 8
                p.drawText(QRectF(x0[i] + 4, 0.0, room, BAR_PX), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                           metrics.elidedText(_bar_text(clips[i]), Qt.TextElideMode.ElideRight, room))
        if chosen_at >= 0:
            p.setPen(chosen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(x0[chosen_at], 0.0, x1[chosen_at] - x0[chosen_at], height - 1))
        if dragging:
            clip_id, _, start = drag
            clip = doc.find_clip(clip_id)[1]
            x0 = scale * start + shift
            x1 = scale * (start + clip.duration) + shift
            p.setPen(dashed)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(x0, 1.0, max(1.0, x1 - x0), height - 2))


def _columns(x0: np.ndarray, x1: np.ndarray, left: float, width: float) -> np.ndarray:
    """Which pixel columns of a lane ``width`` wide the spans [x0, x1] cover (bool per column)."""
    w = max(1, int(np.ceil(width)))
    a = np.clip(np.floor(x0 - left).astype(np.int64), 0, w)
    b = np.clip(np.ceil(x1 - left).astype(np.int64), 0, w)
    diff = np.bincount(a, minlength=w + 1) - np.bincount(b, minlength=w + 1)
    return np.cumsum(diff[:w]) > 0


def premultiplied(colour: QColor) -> np.uint32:
    """A colour as a premultiplied ARGB32 pixel (what the raster engine blends fastest)."""
    a = colour.alpha()
    r, g, b = (round(v * a / 255) for v in (colour.red(), colour.green(), colour.blue()))
    return np.uint32((a << 24) | (r << 16) | (g << 8) | b)


def _paint_strip(p: QPainter, columns: np.ndarray, left: float, top: float, height: float,
                 colour: QColor) -> None:
    """Fill the chosen pixel columns from ``top`` down ``height`` pixels: one image row
    stretched to the height (one blit, however many clips made it)."""
    w = len(columns)
    row = np.where(columns, premultiplied(colour), np.uint32(0)).reshape(1, w)
    p.drawImage(QRectF(left, top, w, height),
                QImage(row.data, w, 1, 4 * w, QImage.Format.Format_ARGB32_Premultiplied))


def _paint_outlines(p: QPainter, x0: np.ndarray, x1: np.ndarray, covered: np.ndarray, left: float,
                    height: float, colour: QColor) -> None:
    """Outlines of many clips in three blits: their edges, and the columns they cover along
    the top and the bottom (``covered``, from ``_columns``)."""
    if not len(x0):
        return
    w = len(covered)
    edges = np.zeros(w, bool)
    for x in (x0, x1 - 1):
        i = np.floor(x - left).astype(np.int64)
        edges[i[(i >= 0) & (i < w)]] = True
    _paint_strip(p, edges, left, 0.0, height, colour)
    _paint_strip(p, covered, left, 0.0, 1.0, colour)
    _paint_strip(p, covered, left, height - 1.0, 1.0, colour)


class ClipLaneHandler:
    """The mouse on an audio lane: clip bars move and trim clips, elsewhere selects time."""

    def __init__(self, timeline, lane, base) -> None:
        self.timeline = timeline
        self.lane = lane
        self.base = base            # the plain audio-lane behaviour (cursor, selection)
        self._drag = None

    @property
    def doc(self):
        return self.timeline.doc

    def hit(self, t: float, spp: float):
        """(clip, part) under the press when it is on this lane's name bars: part is "start",
        "end" or "move"; else (None, None)."""
        layer = getattr(self.lane, "clips", None)
        pos = self.lane.press_pos
        if layer is None or not layer.bar or pos is None:
            return None, None
        if pos.y() - self.lane.sceneBoundingRect().top() > BAR_PX:
            return None, None
        grab = EDGE_PX * spp
        for clip in self.lane.track.clips_within(t - grab, t + grab):
            if abs(t - clip.start) <= grab and t >= clip.start:
                return clip, "start"
            if abs(t - clip.end) <= grab and t <= clip.end:
                return clip, "end"
            if clip.start <= t <= clip.end:
                return clip, "move"
        return None, None

    def click(self, t: float, spp: float, extend: bool) -> None:
        clip, _ = self.hit(t, spp)
        if clip is None or extend:
            self.doc.select_clip(None)
            self.base.click(t, spp, extend)
            return
        self.doc.select_region(None, None)
        self.doc.focus_track(self.lane.track)
        self.doc.select_clip(clip.id)
        self.doc.set_selection(clip.start, clip.end)
        self.doc.set_cursor(clip.start)

    def double_click(self, t: float, spp: float) -> None:
        self.base.double_click(t, spp)

    def drag_start(self, t: float, spp: float) -> None:
        clip, part = self.hit(t, spp)
        if clip is None:
            self._drag = None
            self.doc.select_clip(None)
            self.base.drag_start(t, spp)
            return
        self.doc.select_clip(clip.id)
        self.doc.focus_track(self.lane.track)
        self._drag = (part, clip.id, t - clip.start, next(_gestures), spp)
        self.timeline.holding_view = True

    def drag_to(self, t: float, finished: bool) -> None:
        if self._drag is None:
            self.base.drag_to(t, finished)
            return
        part, clip_id, grip, gesture, spp = self._drag
        timeline, doc = self.timeline, self.doc
        track, clip = doc.find_clip(clip_id)
        if finished:
            self._drag = None
            timeline.holding_view = False
        if part in ("start", "end"):
            doc.trim_clip(clip_id, part, snap_edge(timeline, t, spp, exclude=clip_id), gesture)
            if finished:
                timeline.set_view(*timeline.view_range())
            return
        start = max(0.0, t - grip)
        start = snap_clip(timeline, start, clip.duration, spp, exclude=clip_id)
        dest = timeline.track_at(timeline.pointer_scene_pos) or track
        if not audible(dest):
            dest = track
        if not finished:
            timeline.show_clip_drag((clip_id, dest.id, start))
            return
        timeline.show_clip_drag(None)
        if (dest is track and abs(start - clip.start) < 1e-9) or doc.move_clip(clip_id, start, dest.id):
            return
        timeline.problem(f"“{clip.name or 'The clip'}” would overlap another clip on “{dest.name}”; "
                         f"it stays where it was")


def _snap_targets(timeline, exclude: int | None) -> list[float]:
    doc = timeline.doc
    targets = [doc.cursor] + list(doc.selection or ())
    t0, t1 = timeline.view_range()
    for track in doc.tracks:
        for c in track.clips_within(t0, t1):
            if c.id != exclude:
                targets += [c.start, c.end]
    for lt in doc.label_tracks:
        for r in lt.visible(t0, t1):
            targets += [r.start, r.end]
    return targets


def snap_edge(timeline, t: float, spp: float, exclude: int | None = None) -> float:
    """``t``, or the nearest cursor, selection, label or clip edge within SNAP_PX."""
    best = min(_snap_targets(timeline, exclude), key=lambda x: abs(x - t), default=t)
    return best if abs(best - t) <= SNAP_PX * spp else t


def snap_clip(timeline, start: float, duration: float, spp: float, exclude: int | None = None) -> float:
    """A moved clip's start, snapped by whichever of its edges is nearer a target."""
    a = snap_edge(timeline, start, spp, exclude)
    b = snap_edge(timeline, start + duration, spp, exclude) - duration
    return a if abs(a - start) <= abs(b - start) else b
