"""Spectrogram tiles computed on a background thread for whatever the view shows now.

The view calls ``want(keys)`` with the tiles it needs, most important first; a previous wish that
has not started is dropped, so scrolling fast never builds a queue of stale work.  Finished tiles
stay in a bounded LRU cache and ``on_ready(key)`` is called from the worker thread (a UI re-posts
it to its own thread).  No Qt.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable

import numpy as np

from workbench.core.audio import AudioSource
from workbench.dsp import spectrogram as spec

TileKey = tuple  # (hop, index)


class SpectrogramTiles:
    def __init__(self, source: AudioSource, params: spec.SpectrogramParams,
                 on_ready: Callable[[Hashable], None] | None = None,
                 max_bytes: int = 256 << 20, workers: int = 2,
                 lut: np.ndarray | None = None) -> None:
        self.source = source
        self.params = params
        self.lut = lut  # (256, 3) uint8: tiles come out as RGB, ready to blit, when given
        self.on_ready = on_ready or (lambda key: None)
        self.max_bytes = max_bytes
        self._cache: OrderedDict[TileKey, np.ndarray] = OrderedDict()
        self._bytes = 0
        self._wanted: list[TileKey] = []
        self._cond = threading.Condition()
        self._closed = False
        self._generation = 0
        self._running: set[TileKey] = set()
        # numpy's FFT releases the GIL: two workers use both cores while the GUI waits.
        self._threads = [threading.Thread(target=self._run, name="spectrogram-tiles", daemon=True)
                         for _ in range(max(1, workers))]
        for thread in self._threads:
            thread.start()

    # -- called from the view ---------------------------------------------------------------
    def set_params(self, params: spec.SpectrogramParams, lut: np.ndarray | None = None) -> None:
        with self._cond:
            self.params = params
            if lut is not None:
                self.lut = lut
            self._cache.clear()
            self._bytes = 0
            self._wanted = []
            self._running.clear()
            self._generation += 1

    def set_source(self, source, t0: float, t1: float) -> list[TileKey]:
        """Read from ``source`` from now on, which differs from the old one only within
        [t0, t1] seconds: the tiles that reach into that range go (returned), the rest stay."""
        sr = self.source.sample_rate
        reach = self.params.n_fft               # a tile's columns read half a window either side
        f0, f1 = t0 * sr - reach, t1 * sr + reach
        with self._cond:
            self.source = source
            gone = [k for k in self._cache if _span(k)[0] < f1 and _span(k)[1] > f0]
            for k in gone:
                self._bytes -= self._cache.pop(k).nbytes
            self._wanted = []
            self._running.clear()
            self._generation += 1               # tiles being computed now read the old source
        return gone

    def _finish(self, db: np.ndarray, params: spec.SpectrogramParams, lut) -> np.ndarray:
        """(columns, rows) dB -> (rows, columns) dB, or (rows, columns, 3) RGB with a LUT."""
        image = db.T
        if lut is None:
            return np.ascontiguousarray(image)
        lo = params.db_top - params.db_range
        index = (image - lo) * (255.0 / max(params.db_range, 1e-6))
        np.clip(index, 0, 255, out=index)
        return lut[index.astype(np.uint8)]

    def get(self, key: TileKey) -> np.ndarray | None:
        with self._cond:
            arr = self._cache.get(key)
            if arr is not None:
                self._cache.move_to_end(key)
            return arr

    def want(self, keys: list[TileKey]) -> None:
        with self._cond:
            self._wanted = [k for k in keys if k not in self._cache and k not in self._running]
            self._cond.notify_all()

    def keys_for(self, t0: float, t1: float, pixels: int) -> tuple[int, list[TileKey]]:
        """The hop and tiles covering [t0, t1] seconds at ``pixels`` columns, centre first."""
        sr = self.source.sample_rate
        hop = spec.effective_hop(self.params, (t1 - t0) * sr / max(1, pixels))
        span = hop * spec.TILE_COLUMNS
        first = max(0, int((t0 * sr + hop / 2) // span))
        last_frame = min(t1 * sr, self.source.frames + hop)
        last = max(first, int((last_frame + hop / 2) // span))
        idx = list(range(first, last + 1))
        mid = (first + last) / 2
        idx.sort(key=lambda i: abs(i - mid))
        return hop, [(hop, i) for i in idx]

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # -- worker thread -------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and not self._wanted:
                    self._cond.wait()
                if self._closed:
                    return
                key = self._wanted.pop(0)
                params, lut, generation = self.params, self.lut, self._generation
                if key in self._cache or key in self._running:
                    continue
                self._running.add(key)
            try:
                hop, index = key
                data = self._finish(
                    spec.tile(self.source.read, params, self.source.sample_rate, hop, index),
                    params, lut)
            except Exception:  # a tile that fails stays blank; the view keeps working
                data = None
            with self._cond:
                self._running.discard(key)
                if data is None or generation != self._generation:
                    continue
                self._cache[key] = data
                self._bytes += data.nbytes
                while self._bytes > self.max_bytes and len(self._cache) > 1:
                    _, old = self._cache.popitem(last=False)
                    self._bytes -= old.nbytes
                if self._closed:
                    return
            try:
                self.on_ready(key)
            except RuntimeError:   # the view went away while this tile was computed (Qt says so)
                return


def _span(key: TileKey) -> tuple[float, float]:
    """Frames a tile's columns are centred on: [first, last)."""
    hop, index = key
    return (index * spec.TILE_COLUMNS - 0.5) * hop, ((index + 1) * spec.TILE_COLUMNS + 0.5) * hop
