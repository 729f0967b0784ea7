"""All audio tracks summed, read like one source (what Play plays).  No Qt.

Tracks at the first track's rate are read directly; others are read at their own rate and
resampled per block with soxr (export uses soxr's streaming resampler instead, for seamless
block edges in the file).
"""
from __future__ import annotations

import numpy as np


class Mixdown:
    def __init__(self, tracks) -> None:
        self.tracks = list(tracks)
        self.sample_rate = self.tracks[0].audio.sample_rate if self.tracks else 48000
        self.channels = max((t.audio.channels for t in self.tracks), default=1)
        end = max((t.end for t in self.tracks), default=0.0)
        self.frames = int(round(end * self.sample_rate))

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate

    def read(self, start: int, stop: int) -> np.ndarray:
        out = np.zeros((max(0, stop - start), self.channels), np.float32)
        for t in self.tracks:
            au = t.audio
            if au.sample_rate == self.sample_rate:
                off = int(round(t.offset * self.sample_rate))
                block = au.read(start - off, stop - off)
            else:
                import soxr

                ratio = au.sample_rate / self.sample_rate
                a = int(np.floor((start / self.sample_rate - t.offset) * au.sample_rate))
                raw = au.read(a, a + int(np.ceil((stop - start) * ratio)) + 1)
                block = soxr.resample(raw, au.sample_rate, self.sample_rate)[: stop - start]
                if len(block) < stop - start:
                    block = np.pad(block, ((0, stop - start - len(block)), (0, 0)))
            if block.shape[1] < self.channels:
                block = np.repeat(block[:, :1], self.channels, axis=1)
            out += block[:, : self.channels]
        return out
