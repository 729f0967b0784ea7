"""Clips on audio lanes: blocks with a name bar, and the mouse gestures that move and trim them.

``ClipLayer`` paints each visible clip of one audio track as a block edge with, on the track's
first lane, a name bar (Audacity's clip handle).  ``ClipLaneHandler`` adds to what the mouse does
on an audio lane: drag a name bar to move the clip (to another track too, snapping to the cursor,
the selection, labels and other clips' edges), drag a bar's ends to trim, click a bar to select
the clip.  Everything ends as a command on the document; the layer only listens.
"""
from __future__ import annotations

import itertools

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen

from workbench.ui.timeline.layer import ViewLayer

BAR_PX = 16             # height of a clip's name bar
EDGE_PX = 6             # how close to a clip's end a press on its bar trims instead of moving
SNAP_PX = 8             # how close an edge snaps to a cursor, selection, label or clip edge
_gestures = itertools.count(1)


def _bar_text(clip) -> str:
    """A clip's name, and how well generated speech was understood when it was checked."""
    wer = clip.provenance.get("wer") if clip.provenance else None
    name = clip.name or "clip"
    return f"WER {wer * 100:.0f}% · {name}" if isinstance(wer, (int, float)) else name


class ClipLayer(ViewLayer):
    """Paints the clips of one audio track on one of its lanes (name bars when ``bar``)."""

    def __init__(self, timeline, track, bar: bool) -> None:
        super().__init__(z=6)
        self.timeline = timeline
        self.track = track
        self.bar = bar
        self.font = QFont()
        self.font.setPointSizeF(8.5)
        self._style = None          # (theme name, pens and colours): made once, not per paint

    def refresh(self) -> None:
        self.prepareGeometryChange()
        self.update()

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

    def paint(self, p: QPainter, *args) -> None:
        vb = self.getViewBox()
        if vb is None:
            return
        (t0, t1), (_, y1) = vb.viewRange()
        visible = self.track.clips_within(t0, t1)
        drag = self.timeline.clip_drag
        if not visible and (drag is None or drag[1] != self.track.id):
            return
        world = p.transform()
        p.resetTransform()          # device pixels: crisp edges, unscaled text
        top = world.map(QPointF(0, y1)).y()
        height = vb.height()
        doc = self.timeline.doc
        several = len(self.track.clips) > 1 or len(doc.tracks) > 1
        plain, chosen, bar_fill, bar_chosen, white, metrics, dashed = self.style()
        p.setFont(self.font)
        p.setBrush(Qt.BrushStyle.NoBrush)
        # one transform for every clip: x = scale * t + shift (device pixels)
        scale, shift = world.m11(), world.dx()
        p.setPen(plain)
        for clip in visible:
            x0 = scale * clip.start + shift
            x1 = scale * clip.end + shift
            selected = clip.id == doc.selected_clip
            if x1 - x0 < 6 and not selected and not self.bar:
                continue            # a sliver: the waveform's gaps already show where it ends
            if selected:
                p.setPen(chosen)
            p.drawRect(QRectF(x0, top, max(1.0, x1 - x0), height - 1))
            if selected:
                p.setPen(plain)
            if self.bar and (several or selected) and x1 - x0 >= 3:
                bar = QRectF(x0, top, x1 - x0, BAR_PX)
                if clip.colour:
                    fill = pg.mkColor(clip.colour)
                    fill.setAlpha(200 if selected else 120)
                else:
                    fill = bar_chosen if selected else bar_fill
                p.fillRect(bar, fill)
                room = int(bar.width()) - 8
                if room > 12:
                    p.setPen(white)
                    p.drawText(bar.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                               metrics.elidedText(_bar_text(clip), Qt.TextElideMode.ElideRight, room))
                    p.setPen(plain)
        if drag is not None and drag[1] == self.track.id:
            clip_id, _, start = drag
            clip = doc.find_clip(clip_id)[1]
            x0 = world.map(QPointF(start, 0)).x()
            x1 = world.map(QPointF(start + clip.duration, 0)).x()
            p.setPen(dashed)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(x0, top + 1, max(1.0, x1 - x0), height - 2))


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
        vb = self.lane.vb
        pos = getattr(vb, "press_pos", None)
        if layer is None or not layer.bar or pos is None:
            return None, None
        if pos.y() - vb.sceneBoundingRect().top() > BAR_PX:
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
        if dest.kind != "audio":
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
