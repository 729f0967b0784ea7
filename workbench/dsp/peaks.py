"""Min/max pyramid of a long recording, queried for exactly the range and pixel width on screen.

Level 0 holds the min and max of every ``base`` frames of each channel; each level above reduces
the one below by ``factor``.  A query picks the coarsest level whose block still fits inside one
pixel, so the work per redraw is bounded by ``factor`` x pixels whatever the zoom; below ``base``
frames per pixel the samples themselves are read.  numpy only, no Qt.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass
class Envelope:
    """What a view draws for one channel.

    ``kind == "minmax"``: ``x`` are pixel-column centres in frames, ``lo``/``hi`` their extremes.
    ``kind == "samples"``: ``x`` are frame indices and ``lo`` (== ``hi``) the sample values.
    """

    kind: str
    x: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


class PeakPyramid:
    def __init__(self, channels: int, frames: int, base: int = 256, factor: int = 8) -> None:
        self.channels = channels
        self.base = base
        self.factor = factor
        self.frames = 0  # frames covered so far
        n = max(1, -(-frames // base))
        self._mins = [np.zeros((channels, n), np.float32)]
        self._maxs = [np.zeros((channels, n), np.float32)]
        self.complete = False

    # -- building -------------------------------------------------------------------------
    def _ensure(self, blocks: int) -> None:
        have = self._mins[0].shape[1]
        if blocks > have:
            grow = max(blocks, have * 2)
            for arrs in (self._mins, self._maxs):
                new = np.zeros((self.channels, grow), np.float32)
                new[:, :have] = arrs[0]
                arrs[0] = new

    def add(self, start: int, block: np.ndarray, scale: float = 1.0, offset: float = 0.0) -> None:
        """Fold in ``block`` (frames x channels, native dtype) that starts at frame ``start``.

        ``start`` must be a multiple of ``base``; every block but the last must hold a multiple of
        ``base`` frames.  Values are mapped to floats as ``(x - offset) * scale`` after the
        reduction, which is exact because that map is monotonic.
        """
        n = block.shape[0]
        if n == 0:
            return
        assert start % self.base == 0
        b0 = start // self.base
        whole = n // self.base
        nblocks = -(-n // self.base)
        self._ensure(b0 + nblocks)
        mins, maxs = self._mins[0], self._maxs[0]
        # Channel-major copies keep each reduction on contiguous memory (10x+ faster than
        # reducing the interleaved layout along a strided axis).
        planar = np.ascontiguousarray(block.T)
        with np.errstate(invalid="ignore", over="ignore"):
            if whole:
                body = planar[:, : whole * self.base].reshape(self.channels, whole, self.base)
                mins[:, b0:b0 + whole] = (body.min(axis=2) - offset) * scale
                maxs[:, b0:b0 + whole] = (body.max(axis=2) - offset) * scale
            if nblocks > whole:
                tail = planar[:, whole * self.base:]
                mins[:, b0 + whole] = (tail.min(axis=1) - offset) * scale
                maxs[:, b0 + whole] = (tail.max(axis=1) - offset) * scale
        if planar.dtype.kind == "f":     # NaN or inf samples in a float file: drawn as silence or full scale
            hi = b0 + nblocks
            np.nan_to_num(mins[:, b0:hi], copy=False, nan=0.0, posinf=1.0, neginf=-1.0)
            np.nan_to_num(maxs[:, b0:hi], copy=False, nan=0.0, posinf=1.0, neginf=-1.0)
        self.frames = max(self.frames, start + n)

    def finish(self) -> None:
        """Trim level 0 to the frames seen and build the coarser levels."""
        n = max(1, -(-self.frames // self.base))
        self._mins = [self._mins[0][:, :n].copy()]
        self._maxs = [self._maxs[0][:, :n].copy()]
        while self._mins[-1].shape[1] > 1:
            lo, hi = self._mins[-1], self._maxs[-1]
            m = lo.shape[1]
            whole = m // self.factor
            nxt = -(-m // self.factor)
            new_lo = np.empty((self.channels, nxt), np.float32)
            new_hi = np.empty((self.channels, nxt), np.float32)
            if whole:
                new_lo[:, :whole] = lo[:, : whole * self.factor].reshape(self.channels, whole, -1).min(2)
                new_hi[:, :whole] = hi[:, : whole * self.factor].reshape(self.channels, whole, -1).max(2)
            if nxt > whole:
                new_lo[:, whole] = lo[:, whole * self.factor:].min(1)
                new_hi[:, whole] = hi[:, whole * self.factor:].max(1)
            self._mins.append(new_lo)
            self._maxs.append(new_hi)
        self.complete = True

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._mins + self._maxs)

    def overall(self, channel: int) -> tuple[float, float]:
        top = -1 if self.complete else 0
        n = max(1, -(-self.frames // self.base))
        return float(self._mins[top][channel, :n].min()), float(self._maxs[top][channel, :n].max())

    # -- querying -------------------------------------------------------------------------
    def query(self, channel: int, start: float, stop: float, pixels: int,
              read: Callable[[int, int], np.ndarray], total_frames: int) -> Envelope:
        """Envelope of frames [start, stop) of ``channel`` for ``pixels`` columns.

        ``read(a, b)`` returns float32 samples (b - a) x channels; it is used only when fewer than
        ``base`` frames fall in one pixel.  Coordinates outside the file are clipped.
        """
        pixels = max(1, int(pixels))
        start = max(0.0, float(start))
        stop = min(float(total_frames), float(stop))
        if stop <= start:
            empty = np.zeros(0, np.float32)
            return Envelope("minmax", np.zeros(0), empty, empty)
        spp = (stop - start) / pixels
        if spp < self.base:
            a, b = int(np.floor(start)), int(np.ceil(stop))
            samples = np.asarray(read(a, b)[:, channel], np.float32)
            if spp < 2.0:
                x = np.arange(a, a + len(samples), dtype=np.float64)
                return Envelope("samples", x, samples, samples)
            edges = (start + np.arange(pixels) * spp).astype(np.int64) - a
            edges = np.clip(edges, 0, len(samples) - 1)
            lo = np.minimum.reduceat(samples, edges)
            hi = np.maximum.reduceat(samples, edges)
        else:
            level = 0
            size = self.base
            if self.complete:
                while level + 1 < len(self._mins) and size * self.factor <= spp:
                    level += 1
                    size *= self.factor
            mins, maxs = self._mins[level][channel], self._maxs[level][channel]
            first = int(start // size)
            last = min(len(mins), int(-(-stop // size)))
            edges = (start + np.arange(pixels) * spp) // size
            edges = np.clip(edges.astype(np.int64) - first, 0, max(0, last - first - 1))
            seg_lo, seg_hi = mins[first:last], maxs[first:last]
            lo = np.minimum.reduceat(seg_lo, edges)
            hi = np.maximum.reduceat(seg_hi, edges)
            # A block that straddles two columns belongs to both: fold the next column's first
            # block into each column, so no sample's extreme is ever dropped.
            lo[:-1] = np.minimum(lo[:-1], seg_lo[edges[1:]])
            hi[:-1] = np.maximum(hi[:-1], seg_hi[edges[1:]])
        x = start + (np.arange(pixels) + 0.5) * spp
        return Envelope("minmax", x, lo, hi)


def nearest_zero_crossing(read: Callable[[int, int], np.ndarray], frame: float, window: int) -> int:
    """The frame nearest ``frame`` (within ``window`` frames) where channel 0 changes sign."""
    centre = int(round(frame))
    a = max(0, centre - window)
    x = read(a, centre + window + 1)[:, 0]
    crossings = np.nonzero(np.signbit(x[:-1]) != np.signbit(x[1:]))[0] + 1 + a
    if len(crossings) == 0:
        return centre
    return int(crossings[np.argmin(np.abs(crossings - centre))])
