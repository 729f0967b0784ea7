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
                 max_bytes: int = 256 << 20) -> None:
        self.source = source
        self.params = params
        self.on_ready = on_ready or (lambda key: None)
        self.max_bytes = max_bytes
        self._cache: OrderedDict[TileKey, np.ndarray] = OrderedDict()
        self._bytes = 0
        self._wanted: list[TileKey] = []
        self._cond = threading.Condition()
        self._closed = False
        self._generation = 0
        self._thread = threading.Thread(target=self._run, name="spectrogram-tiles", daemon=True)
        self._thread.start()

    # -- called from the view ---------------------------------------------------------------
    def set_params(self, params: spec.SpectrogramParams) -> None:
        with self._cond:
            self.params = params
            self._cache.clear()
            self._bytes = 0
            self._wanted = []
            self._generation += 1

    def invalidate(self) -> None:
        """Forget every tile (e.g. more of the file has been decoded)."""
        self.set_params(self.params)

    def get(self, key: TileKey) -> np.ndarray | None:
        with self._cond:
            arr = self._cache.get(key)
            if arr is not None:
                self._cache.move_to_end(key)
            return arr

    def want(self, keys: list[TileKey]) -> None:
        with self._cond:
            self._wanted = [k for k in keys if k not in self._cache]
            self._cond.notify()

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

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()

    # -- worker thread -------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and not self._wanted:
                    self._cond.wait()
                if self._closed:
                    return
                key = self._wanted.pop(0)
                params, generation = self.params, self._generation
                if key in self._cache:
                    continue
            try:
                hop, index = key
                data = spec.tile(self.source.read, params, self.source.sample_rate, hop, index)
                data = np.ascontiguousarray(data.T)  # (rows, columns): row-major for the image
            except Exception:  # a tile that fails stays blank; the view keeps working
                continue
            with self._cond:
                if generation != self._generation:
                    continue
                self._cache[key] = data
                self._bytes += data.nbytes
                while self._bytes > self.max_bytes and len(self._cache) > 1:
                    _, old = self._cache.popitem(last=False)
                    self._bytes -= old.nbytes
            self.on_ready(key)
