"""The timeline: overview strip, a ruler, one waveform lane per channel, a spectrogram lane, a
scrollbar.  This module keeps the layout, the one visible range and scrolling; the lanes
(``lanes.py``) map that range to their pixels and paint themselves.

It draws only what is on screen: each redraw asks the source's peak pyramid for the visible range
at the lane's pixel width (never more points than pixels), and asks the tile scheduler for the
spectrogram tiles that cover the view.  Every mouse gesture becomes a change of the document's
cursor or selection, or of the view range; the lanes follow the document's signals.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QScrollBar, QVBoxLayout, QWidget

from workbench.core.document import Document
from workbench.core.regions import LabelTrack
from workbench.core.timeline import AudioTrack
from workbench.core.tracks import audible, kind_of
from workbench.dsp import spectrogram as spec
from workbench.ui.theme import LIGHT, Theme
from workbench.ui.timeline.clips import ClipLaneHandler, ClipLayer
from workbench.ui.timeline.drops import DropTarget
from workbench.ui.timeline.lanes import LabelLane, Lane, Ruler, WaveLane
from workbench.ui.timeline.spectrum import COLORMAPS, SpectrogramLane, spectrum_rate  # noqa: F401
from workbench.ui.timeline.headers import TrackHeaders
from workbench.ui.timeline.overview import OverviewStrip
from workbench.ui.timeline.labels import RegionEditor

MIN_SAMPLES_IN_VIEW = 16         # deepest zoom: 16 samples across the lane
EDGE_GRAB_PX = 6                 # how close to a selection edge a drag grabs it
SCROLL_UNITS = 1_000_000
TILE_FLUSH_MS = 100              # a slow spectrogram view fills in at this pace


class _TileBridge(QObject):
    ready = Signal(object)


# the lane kinds: what makes each (timeline, track, which: a channel, a rate, running or not),
# and its share of the height; each kind owns its caches (lanes.Lane's interface)
LANES = {"wave": lambda view, track, channel: WaveLane(view, track, channel),
         "spec": lambda view, track, rate: SpectrogramLane.made(view, track, rate),
         "labels": lambda view, track, running: LabelLane(view, track, running=running)}
STRETCH = {"wave": 2, "spec": 3, "labels": 0}


def _audio_keys(view, track, rate: int, running: bool) -> list[tuple]:
    keys = []
    if view.mode in ("waveform", "split"):
        keys += [("wave", track.id, c) for c in range(track.channels)]
    if view.mode in ("spectrogram", "split"):
        # at the track's own top rate: nothing above the project's Nyquist is lost
        keys.append(("spec", track.id, spectrum_rate(track, rate)))
    return keys


# the lanes each kind of track (core/tracks.py) shows: (view, track, rate, running) -> keys
TRACK_LANES = {AudioTrack: _audio_keys,
               LabelTrack: lambda view, track, rate, running: [("labels", track.id, running)]}


class TimelineView(DropTarget, QWidget):
    """Everything that shows one document in time."""

    view_changed = Signal(float, float)
    message = Signal(str)          # something to tell the user (status bar)
    files_dropped = Signal(list, float, object)   # paths, time, the track under the drop (or None)
    generated_dropped = Signal(int, float, object)   # Generated entry id, time, track (or None)
    hover_time = Signal(float)
    spectrogram_done = Signal()    # every tile of the current view is on screen
    playhead_moved = Signal(object)   # where the playhead is drawn (None: hidden)

    def __init__(self, document: Document, params: spec.SpectrogramParams | None = None,
                 mode: str = "split", theme: Theme = LIGHT, parent=None) -> None:
        super().__init__(parent)
        self.doc = document
        self.params = params or spec.SpectrogramParams()
        self.mode = mode
        self.theme = theme
        self.lanes: list[Lane] = []
        self.ruler: Ruler | None = None
        self._range = (0.0, max(document.duration, 1e-3))
        self.playhead: float | None = None
        self._cursor_drawn = document.cursor
        self._drag_anchor: float | None = None
        self._syncing = False
        self._bridge = _TileBridge()
        self._bridge.ready.connect(self._tile_ready)
        self.tile_sink = self._bridge.ready.emit      # where a lane's tile workers say "done"
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(TILE_FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush_tiles)
        self._redraw_timer = QTimer(self)     # lanes resized by the layout: one redraw for all
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(0)
        self._redraw_timer.timeout.connect(self._settled)

        self.overview = OverviewStrip(self)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.ci.layout.setSpacing(2)
        self.graphics.ci.setContentsMargins(0, 0, 2, 0)
        self.graphics.scene().sigMouseMoved.connect(self._mouse_moved)
        self.scrollbar = QScrollBar(Qt.Orientation.Horizontal)
        self.scrollbar.setRange(0, 0)
        self.scrollbar.valueChanged.connect(self._scrolled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.overview)
        self.headers = TrackHeaders(document)
        middle = QHBoxLayout()
        middle.setContentsMargins(0, 0, 0, 0)
        middle.setSpacing(0)
        middle.addWidget(self.headers)
        middle.addWidget(self.graphics, 1)
        layout.addLayout(middle, 1)
        layout.addWidget(self.scrollbar)
        # drops on the lanes go up to the timeline, which knows their time and track
        self.setAcceptDrops(True)
        self.graphics.setAcceptDrops(False)
        self.graphics.viewport().setAcceptDrops(False)

        self.previews: dict = {}      # job -> LabelTrack shown while the job runs (not in the document)
        self.clip_drag = None         # (clip id, track id, start) while a clip is dragged
        self.holding_view = False     # True while a gesture edits: the range stays put till it ends
        self.pointer_scene_pos = None
        self.editor = RegionEditor(self.graphics)
        self.snap_to_zero = False
        # the evented track list: a track in, out or moved lays the lanes out again, keeping
        # every lane of the other tracks
        document.track_inserted.connect(lambda *_: self.rebuild())
        document.track_removed.connect(lambda *_: self.rebuild())
        document.track_moved.connect(lambda *_: self.rebuild())
        document.track_changed.connect(self._track_changed)
        document.changed_within.connect(self._audio_changed)
        document.rate_changed.connect(lambda _rate: self.rebuild(reuse=False))
        document.focus_changed.connect(lambda _t: [lane.show_name(self.doc) for lane in self.lanes
                                                   if isinstance(lane, WaveLane)])
        document.label_tracks_changed.connect(self.headers.rebuild)     # a label track renamed
        document.labels_changed.connect(self._labels_changed)
        document.region_selected.connect(lambda *_: self._refresh_layers())
        document.clip_selected.connect(lambda *_: self._refresh_clips())
        document.cursor_changed.connect(self._show_cursor)
        document.selection_changed.connect(self._show_selection)
        self.rebuild()

    # -- structure ------------------------------------------------------------------------------
    def rebuild(self, reuse: bool = True) -> None:
        """Lay the lanes out for the document's tracks (and the previews of running jobs).  A
        track that was there keeps its lanes, with their drawn images and spectrogram tiles;
        only the lanes of new tracks are made and those of gone tracks closed (a task's new
        label track made every lane again, twice).  ``reuse=False`` makes them all anew (a new
        view mode or project rate)."""
        view = self.view_range() if self.lanes else (0.0, max(self.doc.duration, 1e-3))
        old = {lane.key: lane for lane in self.lanes} if reuse else {}
        if not reuse:
            self._release(self.lanes)
        self.graphics.ci.clear()             # takes the lanes out of the layout, not apart
        self.lanes = []
        self.ruler = Ruler(self)
        self.graphics.addItem(self.ruler, row=0, col=0)
        self.graphics.ci.layout.setRowStretchFactor(0, 0)
        rate = self.doc.sample_rate
        running = {t.id for t in self.previews.values()}
        for track in self.doc.track_list + list(self.previews.values()):
            for k, key in enumerate(self._keys(track, rate, track.id in running)):
                lane = old.pop(key, None) or self._new_lane(track, key, first=k == 0)
                self._add_lane(lane, STRETCH[key[0]])
        self._release(old.values())
        # the layout squeezed itself around fewer rows: give it the whole view again
        self.graphics.ci.setGeometry(self.graphics.range)
        self.apply_theme(self.theme)
        self._show_selection(self.doc.selection)
        self.overview.refresh()
        self.headers.rebuild()
        self.set_view(*view)
        QTimer.singleShot(0, self._place_headers)   # once the new lanes have their sizes

    def _keys(self, track, rate: int, running: bool) -> list[tuple]:
        """The lanes a track has in this view mode, as (kind, track id, which)."""
        return TRACK_LANES[kind_of(track).type](self, track, rate, running)

    def _new_lane(self, track, key: tuple, first: bool) -> Lane:
        lane = LANES[key[0]](self, track, key[2])
        if audible(track):                  # clips drawn over it, dragged on it
            lane.clips = ClipLayer(self, track, bar=first)
            lane.clips.lane = lane
            lane.layers.append(lane.clips.paint)
            lane.handler = ClipLaneHandler(self, lane, lane.handler)
        lane.geometryChanged.connect(self.schedule_redraw)
        return lane

    @staticmethod
    def _release(lanes) -> None:
        for lane in lanes:
            lane.release()

    def _place_headers(self) -> None:
        self.headers.beside(self.lanes, self.graphics)

    def _add_lane(self, lane: Lane, stretch: int) -> None:
        row = len(self.lanes) + 1          # the ruler is row 0
        self.graphics.addItem(lane, row=row, col=0)
        self.graphics.ci.layout.setRowStretchFactor(row, stretch)
        self.lanes.append(lane)

    def schedule_redraw(self) -> None:
        """Redraw, and put the headers beside their lanes, once the layout has settled (lanes
        resized or moved together ask once)."""
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    def _settled(self) -> None:
        self.redraw()
        self._place_headers()

    def lane_at(self, scene_pos) -> Lane | None:
        if scene_pos is None:
            return None
        return next((lane for lane in self.lanes if lane.sceneBoundingRect().contains(scene_pos)), None)

    def time_at_scene(self, scene_pos) -> float:
        """The time under a scene position (any lane maps it the same way)."""
        lane = self.lanes[0] if self.lanes else self.ruler
        return lane.time_at(scene_pos)

    def _refresh_clips(self) -> None:
        for lane in self.lanes:
            if lane.clips is not None:
                lane.clips.refresh()

    def show_clip_drag(self, drag) -> None:
        """Outline where a dragged clip would land: (clip id, track id, start), or None."""
        self.clip_drag = drag
        self._refresh_clips()

    def track_at(self, scene_pos):
        """The track whose lane is under a scene position (None between lanes)."""
        lane = self.lane_at(scene_pos)
        return None if lane is None else lane.track

    def problem(self, text: str) -> None:
        self.message.emit(text)

    def _track_changed(self, track) -> None:
        """A track's name or mix settings changed: names on its lanes, the mix outline."""
        for lane in self.lanes:
            if lane.track is track and isinstance(lane, WaveLane):
                lane.show_name(self.doc)
        self.overview.refresh()

    def set_mode(self, mode: str) -> None:
        if mode != self.mode:
            self.mode = mode
            self.rebuild(reuse=False)

    def set_params(self, params: spec.SpectrogramParams) -> None:
        self.params = params
        for lane in self.lanes:
            lane.set_params(params)
        self.redraw()

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.graphics.setBackground(theme.background)
        self.overview.apply_theme(theme)
        for lane in self.lanes + [self.ruler]:
            lane.apply_theme(theme)

    def close(self) -> bool:
        self._release(self.lanes)
        return super().close()

    # -- the view range -------------------------------------------------------------------------
    def view_range(self) -> tuple[float, float]:
        return self._range

    def min_span(self) -> float:
        return MIN_SAMPLES_IN_VIEW / self.doc.sample_rate

    def set_view(self, t0: float, t1: float) -> None:
        duration = max(self.doc.duration, self.min_span())
        span = min(max(t1 - t0, self.min_span()), duration)
        t0 = min(max(0.0, t0), duration - span)
        self._range = (float(t0), float(t0 + span))
        self.redraw()

    def zoom(self, factor: float, anchor: float | None = None) -> None:
        t0, t1 = self.view_range()
        if anchor is None:
            cursor = self.doc.cursor
            anchor = cursor if t0 <= cursor <= t1 else (t0 + t1) / 2
        span = max((t1 - t0) / factor, self.min_span())
        frac = (anchor - t0) / (t1 - t0) if t1 > t0 else 0.5
        self.set_view(anchor - frac * span, anchor - frac * span + span)

    def zoom_in(self) -> None:
        self.zoom(2.0)

    def zoom_out(self) -> None:
        self.zoom(0.5)

    def zoom_normal(self) -> None:
        """Audacity's default zoom: about 86 pixels a second."""
        t0, _ = self.view_range()
        width = self.lanes[0].plot_width() if self.lanes else 800
        self.set_view(t0, t0 + width / 86.1)

    def fit(self) -> None:
        self.set_view(0.0, self.doc.duration)

    def zoom_to_selection(self) -> None:
        if self.doc.selection:
            self.set_view(*self.doc.selection)

    def scroll_by(self, fraction: float) -> None:
        t0, t1 = self.view_range()
        shift = (t1 - t0) * fraction
        self.set_view(t0 + shift, t1 + shift)

    def scroll_to(self, t: float) -> None:
        """Bring ``t`` into view, paging as a reader would (used to follow the playhead)."""
        t0, t1 = self.view_range()
        if not t0 <= t <= t1:
            self.set_view(t, t + (t1 - t0))

    def redraw(self) -> None:
        """Draw the visible range in every lane, the overview mark and the scrollbar."""
        self._redraw_timer.stop()
        t0, t1 = self.view_range()
        if self.ruler is not None:
            self.ruler.update()
        if not self.lanes:
            return
        for lane in self.lanes:
            lane.refresh(t0, t1)
        self.overview.show_range(t0, t1)
        self._sync_scrollbar(t0, t1)
        self.view_changed.emit(t0, t1)

    def _audio_changed(self, track, t0: float, t1: float) -> None:
        """An edit (or the end of decoding) changed a track over [t0, t1]: the tiles there go,
        the others stay; envelopes are drawn anew."""
        followed = [lane.audio_changed(t0, t1) for lane in self.lanes if lane.track is track]
        if not all(followed):
            self.rebuild()          # a clip of a higher rate arrived (or left): a new frequency axis
            return
        self.overview.refresh()
        if self.holding_view:   # mid-gesture: a trim that shortens the project must not zoom
            self.redraw()
        else:
            self.set_view(*self.view_range())

    def _refresh_layers(self, t0: float | None = None, t1: float | None = None) -> None:
        if t0 is None:
            t0, t1 = self.view_range()
        for lane in self.lanes:
            if lane.layer is not None:
                lane.layer.refresh(t0, t1)

    def _labels_changed(self, track_id: int) -> None:
        self._refresh_layers()
        for lane in self.lanes:  # a renamed track, or one whose lane is not built yet
            if isinstance(lane, LabelLane) and lane.track.id == track_id:
                break
        else:
            if any(t.id == track_id for t in self.doc.label_tracks):
                self.rebuild()

    def set_preview(self, key, name: str, regions) -> None:
        """Show a running job's results so far on a lane of their own (read-only)."""
        from workbench.core.regions import LabelTrack

        track = self.previews.get(key)
        if track is None:
            self.previews[key] = LabelTrack(f"{name} …", regions)
            self.rebuild()
            return
        for r in regions:
            track._insert(r)
        self._refresh_layers()

    def clear_preview(self, key) -> None:
        if self.previews.pop(key, None) is not None:
            self.rebuild()

    def label_lane(self, track_id: int) -> Lane | None:
        return next((lane for lane in self.lanes if isinstance(lane, LabelLane) and lane.track.id == track_id), None)

    def edit_region_text(self, track_id: int, region_id: int) -> None:
        """Open the inline editor over a region (scrolling it into view first)."""
        lane = self.label_lane(track_id)
        region = self.doc.label_track(track_id).get(region_id)
        if lane is None or region is None:
            return
        t0, t1 = self.view_range()
        if not (t0 <= region.start <= t1):
            self.scroll_to(region.start)
        view = self.graphics
        a = view.mapFromScene(lane.scene_point(region.start, 1.0))
        b = view.mapFromScene(lane.scene_point(region.end, 0.0))
        width = max(160, b.x() - a.x())
        self.editor.open_for(self.doc, track_id, region_id,
                             QRect(a.x(), a.y() + 4, width, max(22, b.y() - a.y() - 8)))

    def snap(self, t: float) -> float:
        """The nearest zero crossing of the first channel, when snapping is on."""
        if not self.snap_to_zero or not self.doc.tracks:
            return t
        from workbench.dsp.peaks import nearest_zero_crossing

        track = self.doc.focused_track if self.doc.focused_track in self.doc.tracks else self.doc.tracks[0]
        src = track.reader(self.doc.sample_rate)
        frame = nearest_zero_crossing(src.read, t * src.sample_rate, int(src.sample_rate * 0.01))
        return frame / src.sample_rate

    def _tile_ready(self, key) -> None:
        """A tile arrived from a worker.  Tiles are placed together once the view is complete
        (one repaint, not one per tile, leaving both cores to the workers) or every
        ``TILE_FLUSH_MS`` while a slow view is still computing, so it still fills in."""
        for lane in self.lanes:
            lane.tile_arrived(key)
        if all(lane.tiles_placed() for lane in self.lanes):
            self._flush_tiles()
        elif not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush_tiles(self) -> None:
        self._flush_timer.stop()
        t0, t1 = self.view_range()
        for lane in self.lanes:
            lane.place_arrived(t0, t1)
        if self.spectrogram_complete():
            self.spectrogram_done.emit()

    def spectrogram_complete(self) -> bool:
        """True when every tile the view needs is on screen (used by tests and benchmarks)."""
        return all(lane.complete() for lane in self.lanes)

    def _sync_scrollbar(self, t0: float, t1: float) -> None:
        duration = max(self.doc.duration, 1e-9)
        page = int(SCROLL_UNITS * min(1.0, (t1 - t0) / duration))
        self._syncing = True
        self.scrollbar.setRange(0, SCROLL_UNITS - page)
        self.scrollbar.setPageStep(max(1, page))
        self.scrollbar.setSingleStep(max(1, page // 10))
        self.scrollbar.setValue(int(SCROLL_UNITS * t0 / duration))
        self._syncing = False

    def _scrolled(self, value: int) -> None:
        if self._syncing:
            return
        t0, t1 = self.view_range()
        start = value / SCROLL_UNITS * self.doc.duration
        self.set_view(start, start + (t1 - t0))

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self.overview.refresh()
        self.redraw()
        QTimer.singleShot(0, self._place_headers)

    # -- cursor, selection, playhead ------------------------------------------------------------
    def click_at(self, t: float, extend: bool = False) -> None:
        doc = self.doc
        if extend:
            sel = doc.selection
            if sel is None:
                doc.set_selection(doc.cursor, t)
            elif abs(t - sel[0]) < abs(t - sel[1]):
                doc.set_selection(t, sel[1])
            else:
                doc.set_selection(sel[0], t)
            return
        doc.set_selection(None)
        doc.set_cursor(self.snap(t))

    def drag_start(self, t: float, seconds_per_pixel: float, track=None) -> None:
        """Begin a time selection; ``track``: the audio track the drag began on (a drag that
        moves onto other tracks selects just the tracks it spans, as in Audacity)."""
        self._drag_track = track
        sel = self.doc.selection
        grab = EDGE_GRAB_PX * seconds_per_pixel
        if sel and abs(t - sel[0]) <= grab:
            self._drag_anchor = sel[1]
        elif sel and abs(t - sel[1]) <= grab:
            self._drag_anchor = sel[0]
        else:
            self._drag_anchor = self.snap(t)

    def drag_to(self, t: float) -> None:
        if self._drag_anchor is None:
            return
        doc = self.doc
        doc.set_selection(self._drag_anchor, self.snap(t))
        if doc.selection:
            doc.set_cursor(doc.selection[0])
            start = getattr(self, "_drag_track", None)
            here = self.track_at(self.pointer_scene_pos)
            if start is not None and here is not None and audible(here) and here is not start:
                audio = doc.tracks
                i, j = sorted((audio.index(start), audio.index(here)))
                doc.select_tracks([t.id for t in audio[i:j + 1]])
            elif start is not None and not doc.edit_all_tracks:
                doc.select_tracks([start.id])
            else:
                doc.select_tracks(None)

    def _show_cursor(self, t: float) -> None:
        old, self._cursor_drawn = self._cursor_drawn, t
        for lane in self.lanes:
            lane.cursor_moved(old, t)

    def _show_selection(self, sel) -> None:
        chosen = self.doc.selected_tracks
        for lane in self.lanes:
            outside = chosen is not None and audible(lane.track) and lane.track.id not in chosen
            lane.show_selection(not (sel is None or outside))

    def show_playhead(self, t: float | None, follow: bool = True) -> None:
        old, self.playhead = self.playhead, t
        if t is not None and follow:
            self.scroll_to(t)
        for lane in self.lanes:
            lane.playhead_moved(old, t)
        self.playhead_moved.emit(t)

    def _mouse_moved(self, scene_pos) -> None:
        lane = self.lane_at(scene_pos)
        if lane is not None and lane.scene_plot_rect().contains(scene_pos):
            self.hover_time.emit(lane.time_at(scene_pos))
