"""The spectrogram lane: tiles computed by workers, blitted as images, at the track's own top
rate (so nothing above the project's Nyquist is lost), with the spectral label boxes over them."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QRegion

from workbench.core.tiles import SpectrogramTiles
from workbench.dsp import spectrogram as spec
from workbench.ui.timeline.axes import frequency_ticks
from workbench.ui.timeline.labels import RegionLayer
from workbench.ui.timeline.lanes import Lane


class TileImage:
    """A spectrogram tile ready to blit: the RGB rows turned upright, where it goes in time."""

    def __init__(self, data: np.ndarray, start: float, span: float) -> None:
        self.data = data                                   # (rows, columns, 3), low rows first
        upright = np.ascontiguousarray(data[::-1])
        h, w = upright.shape[:2]
        self._keep = upright                               # QImage borrows this memory
        self.image = QImage(upright.data, w, h, 3 * w, QImage.Format.Format_RGB888)
        self.start, self.span, self.current = start, span, True


class SpectrogramLane(Lane):
    """A track's spectrogram, from tiles computed by workers, at the track's own top rate."""

    kind = "spec"

    def __init__(self, timeline, track, rate: int, params, tiles: SpectrogramTiles | None) -> None:
        super().__init__(timeline, track)
        self.setMinimumHeight(30)
        self.rate, self.params, self.tiles = rate, params, tiles
        self.images: dict[tuple, TileImage] = {}
        self.arrived: set[tuple] = set()     # computed, waiting to be placed together
        self.layer = RegionLayer(timeline, None, spectral=True)
        self.layer.rate, self.layer.lane = rate, self
        self.layers = [self._paint_tiles, self.layer.paint]

    @classmethod
    def made(cls, timeline, track, rate: int) -> "SpectrogramLane":
        """A lane with its own tiles: workers computing ``track`` at ``rate``, each finished
        tile announced through ``timeline.tile_sink`` (a queued signal to the GUI thread)."""
        params = timeline.params
        return cls(timeline, track, rate, params, SpectrogramTiles(
            track.reader(rate), params, timeline.tile_sink, lut=_lut(params.colormap)))

    @property
    def key(self) -> tuple:
        return ("spec", self.track.id, self.rate)

    def release(self) -> None:
        if self.tiles is not None:
            self.tiles.close()

    def set_params(self, params) -> None:
        self.images.clear()
        self.params = params
        self.tiles.set_params(params, _lut(params.colormap))

    def audio_changed(self, t0: float, t1: float) -> bool:
        """The tiles over [t0, t1] go, the others stay; a clip of a higher rate arriving (or
        leaving) needs a new frequency axis: a new lane."""
        if self.rate != spectrum_rate(self.track, self.timeline.doc.sample_rate):
            return False
        for key in self.tiles.set_source(self.track.reader(self.rate), t0, t1):
            self.images.pop(key, None)
        return True

    def tile_arrived(self, key) -> None:
        if key in getattr(self, "wanted", ()) and key not in self.images:
            self.arrived.add(key)

    def tiles_placed(self) -> bool:
        wanted = getattr(self, "wanted", None)
        return wanted is None or wanted.issubset(self.images.keys() | self.arrived)

    def place_arrived(self, t0: float, t1: float) -> None:
        wanted = getattr(self, "wanted", None)
        if wanted is None:
            return
        for key in self.arrived:
            data = self.tiles.get(key)
            if data is not None and key in wanted and key not in self.images:
                self.place(key, data)
        self.arrived.clear()
        if wanted.issubset(self.images):
            self.show_tiles(t0, t1)  # drop the stand-ins of the previous zoom

    def complete(self) -> bool:
        wanted = getattr(self, "wanted", None)
        return wanted is not None and wanted.issubset(self.images)

    def refresh(self, t0: float, t1: float) -> None:
        self.show_tiles(t0, t1)
        super().refresh(t0, t1)

    def show_tiles(self, t0: float, t1: float) -> None:
        """Place the cached tiles that cover [t0, t1] and ask the workers for the missing ones
        (an old zoom's tiles stand in meanwhile); when none is missing, the neighbours."""
        tiles = self.tiles
        a, b = max(t0, 0.0), min(t1, tiles.source.duration)
        if b <= a:
            return
        pixels = max(1, int(self.plot_width() * (b - a) / (t1 - t0)))
        hop, keys = tiles.keys_for(a, b, pixels)
        self.wanted = set(keys)
        missing = []
        for key in keys:
            if key not in self.images:
                data = tiles.get(key)
                if data is None:
                    missing.append(key)
                else:
                    self.place(key, data)
        for key, item in list(self.images.items()):
            if key in self.wanted:
                item.current = True
            elif not missing or len(self.images) > 4 * len(keys) + 16:
                del self.images[key]
            else:
                item.current = False  # an old zoom level stands in until the new tiles arrive
        # Idle (the view complete): compute a view's width either side, nearest first, so the
        # next pan finds its tiles ready.  A later wish of the view replaces this one at once.
        tiles.want(missing or neighbours(tiles, a, b, pixels, hop))

    def place(self, key: tuple, data: np.ndarray) -> None:
        hop, index = key
        start = (index * spec.TILE_COLUMNS - 0.5) * hop / self.rate
        self.images[key] = TileImage(data, start, spec.TILE_COLUMNS * hop / self.rate)
        self.update()

    def _paint_tiles(self, p: QPainter, lane) -> None:
        h = self.rect().height()
        scale, shift = self.mapping()
        p.save()
        # only where the track has audio: a tile reaches past a clip's end (or into a gap
        # between clips) with silence, which the colour map would paint as a black block
        t0, t1 = self.timeline.view_range()
        where = QRegion()
        for clip in self.track.clips:
            end = clip.start + clip.duration
            if end >= t0 and clip.start <= t1:
                a, b = scale * clip.start + shift, scale * end + shift
                where = where.united(QRect(int(np.floor(a)), 0, int(np.ceil(b - np.floor(a))), int(h) + 1))
        p.setClipRegion(where, Qt.ClipOperation.IntersectClip)
        # an old zoom's tiles stand in (under the new ones) until the new tiles arrive
        for current in (False, True):
            for tile in self.images.values():
                if tile.current is current:
                    x = scale * tile.start + shift
                    p.drawImage(QRectF(x, 0, scale * tile.span, h), tile.image)
        p.restore()
        if self.computing() and not any(tile.start < t1 and tile.start + tile.span > t0
                                        for tile in self.images.values()):
            # nothing to show yet (a long file's first tiles take a while): say so
            text = "Computing the spectrogram…"
            box = QRectF(self.plot_rect().left() + 6, 4, self.metrics.horizontalAdvance(text) + 12,
                         self.metrics.height() + 6)
            p.fillRect(box, QColor(0, 0, 0, 150))
            p.setPen(QColor(255, 255, 255))
            p.setFont(self.text_font)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def computing(self) -> bool:
        """Tiles the view needs are still being computed."""
        wanted = getattr(self, "wanted", None)
        return bool(wanted) and not wanted.issubset(self.images.keys())

    def gutter_key(self):
        return self.params.scale, self.rate, self.params.min_freq

    def paint_gutter(self, p: QPainter, area: QRectF) -> None:
        ticks = frequency_ticks(self.params.scale, self.rate, self.params.min_freq, area.height())
        self.gutter_ticks(p, area, ticks[::-1])
        p.save()
        p.translate(8, area.height() / 2)
        p.rotate(-90)
        p.drawText(QRectF(-20, -6, 40, 12), Qt.AlignmentFlag.AlignCenter, "Hz")
        p.restore()


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
