"""Non-destructive audio edits: a track's audio is a list of segments over untouched sources.

A ``Segment`` is ``length`` frames of a source starting at ``start`` (or silence when
``source`` is None), with a gain ramp from ``g0`` to ``g1`` across it.  ``EditedAudio`` is an
immutable tuple of segments with the same reading interface as an ``AudioSource`` (``read``,
``envelope``, ``frames``...), so drawing, spectrograms, playback and export read through the
edits and never copy an hour of audio.  Each edit returns a new ``EditedAudio``; undo swaps the
old one back.  No Qt.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from workbench.core.audio import AudioSource
from workbench.dsp.peaks import Envelope


@dataclass(frozen=True)
class Segment:
    source: AudioSource | None
    start: int
    length: int
    g0: float = 1.0
    g1: float = 1.0

    def gain_at(self, offset: float) -> float:
        if self.length <= 1:
            return self.g0
        return self.g0 + (self.g1 - self.g0) * offset / (self.length - 1)

    def split(self, at: int) -> tuple["Segment", "Segment"]:
        """Two segments: frames [0, at) and [at, length) of this one, gains interpolated."""
        g = self.gain_at(at)
        g_before = self.gain_at(at - 1) if at > 0 else self.g0
        left = replace(self, length=at, g1=g_before)
        right = replace(self, start=self.start + at, length=self.length - at, g0=g)
        return left, right

    @property
    def flat(self) -> bool:
        return self.g0 == self.g1


class EditedAudio:
    """What a track plays and shows: its segments, read as if they were one recording."""

    def __init__(self, segments, sample_rate: int, channels: int, info=None) -> None:
        self.segments: tuple[Segment, ...] = tuple(s for s in segments if s.length > 0)
        self.sample_rate = sample_rate
        self.channels = channels
        self.info = info
        ends = np.cumsum([s.length for s in self.segments]) if self.segments else np.zeros(0, np.int64)
        self._starts = np.concatenate([[0], ends[:-1]]).astype(np.int64) if len(ends) else ends
        self.frames = int(ends[-1]) if len(ends) else 0

    @classmethod
    def of(cls, source: AudioSource) -> "EditedAudio":
        return cls([Segment(source, 0, source.frames)], source.sample_rate, source.channels, source.info)

    def with_segments(self, segments) -> "EditedAudio":
        return EditedAudio(segments, self.sample_rate, self.channels, self.info)

    # -- the AudioSource interface ------------------------------------------------------------------
    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate

    @property
    def path(self):
        return self.info.path if self.info else None

    @property
    def sources(self) -> list[AudioSource]:
        seen = []
        for s in self.segments:
            if s.source is not None and s.source not in seen:
                seen.append(s.source)
        return seen

    @property
    def is_original(self) -> bool:
        """True while the track is exactly its one source (nothing edited)."""
        return (len(self.segments) == 1 and self.segments[0].start == 0 and self.segments[0].flat
                and self.segments[0].g0 == 1.0 and self.segments[0].source is not None
                and self.segments[0].length == self.segments[0].source.frames)

    def _overlapping(self, a: int, b: int):
        """(segment, its first frame on the timeline) for segments that overlap [a, b)."""
        if not self.segments or b <= a:
            return
        i = max(0, int(np.searchsorted(self._starts, a, side="right")) - 1)
        while i < len(self.segments) and self._starts[i] < b:
            yield self.segments[i], int(self._starts[i])
            i += 1

    def read(self, start: int, stop: int) -> np.ndarray:
        start, stop = int(start), int(stop)
        if 0 <= start < stop <= self.frames:   # one flat segment holds it all: read it straight
            i = int(np.searchsorted(self._starts, start, side="right")) - 1
            seg, pos = self.segments[i], int(self._starts[i])
            if (stop <= pos + seg.length and seg.source is not None and seg.flat
                    and seg.source.channels == self.channels):
                block = seg.source.read(seg.start + start - pos, seg.start + stop - pos)
                if seg.g0 != 1.0:
                    block *= seg.g0
                return block
        out = np.zeros((max(0, stop - start), self.channels), np.float32)
        for seg, pos in self._overlapping(max(0, start), min(stop, self.frames)):
            a = max(start, pos)
            b = min(stop, pos + seg.length)
            if seg.source is None or b <= a:
                continue
            block = seg.source.read(seg.start + a - pos, seg.start + b - pos)
            if block.shape[1] != self.channels:
                block = fit_channels(block, self.channels)
            if seg.flat:
                if seg.g0 != 1.0:
                    block *= seg.g0
            else:
                ramp = seg.gain_at(np.arange(a - pos, b - pos, dtype=np.float64))
                block *= ramp[:, None].astype(np.float32)
            out[a - start:b - start] = block
        return out

    def envelope(self, channel: int, start: float, stop: float, pixels: int) -> Envelope:
        """Min/max per pixel, from each segment's source pyramid (scaled by its gain)."""
        if self.is_original:
            seg = self.segments[0]
            return seg.source.peaks.query(channel, start, stop, pixels, seg.source.read, seg.source.frames)
        start, stop = max(0.0, float(start)), min(float(self.frames), float(stop))
        pixels = max(1, int(pixels))
        if stop <= start:
            empty = np.zeros(0, np.float32)
            return Envelope("minmax", np.zeros(0), empty, empty)
        spp = (stop - start) / pixels
        if spp < 2.0:  # sample level: read through the edits
            a, b = int(np.floor(start)), int(np.ceil(stop))
            x = self.read(a, b)[:, channel]
            return Envelope("samples", np.arange(a, a + len(x), dtype=np.float64), x, x)
        lo = np.full(pixels, np.inf, np.float32)
        hi = np.full(pixels, -np.inf, np.float32)
        for seg, pos in self._overlapping(int(start), int(np.ceil(stop))):
            a = max(start, pos)
            b = min(stop, pos + seg.length)
            p0 = int((a - start) / spp)
            p1 = min(pixels, max(p0 + 1, int(np.ceil((b - start) / spp))))
            if seg.source is None:
                seg_lo = seg_hi = np.zeros(p1 - p0, np.float32)
            else:
                src = seg.source
                env = src.peaks.query(min(channel, src.channels - 1), seg.start + a - pos,
                                      seg.start + b - pos, p1 - p0, src.read, src.frames)
                if env.kind == "samples":  # tiny segment: reduce its samples into its columns
                    vals = env.lo
                    idx = np.minimum((np.arange(len(vals)) * (p1 - p0)) // max(1, len(vals)), p1 - p0 - 1)
                    seg_lo = np.full(p1 - p0, np.inf, np.float32)
                    seg_hi = np.full(p1 - p0, -np.inf, np.float32)
                    np.minimum.at(seg_lo, idx, vals)
                    np.maximum.at(seg_hi, idx, vals)
                else:
                    seg_lo, seg_hi = env.lo, env.hi
                gain = max(abs(seg.g0), abs(seg.g1))
                if gain != 1.0:
                    seg_lo, seg_hi = seg_lo * gain, seg_hi * gain
                n = min(len(seg_lo), p1 - p0)
                seg_lo, seg_hi = seg_lo[:n], seg_hi[:n]
                p1 = p0 + n
            np.minimum(lo[p0:p1], seg_lo, out=lo[p0:p1])
            np.maximum(hi[p0:p1], seg_hi, out=hi[p0:p1])
        lo[~np.isfinite(lo)] = 0
        hi[~np.isfinite(hi)] = 0
        x = start + (np.arange(pixels) + 0.5) * spp
        return Envelope("minmax", x, lo, hi)

    # -- edits: each returns a new EditedAudio --------------------------------------------------------
    def _split_at(self, frame: int) -> list[Segment]:
        out = []
        for seg, pos in zip(self.segments, self._starts):
            if pos < frame < pos + seg.length:
                out.extend(seg.split(int(frame - pos)))
            else:
                out.append(seg)
        return out

    def _pieces(self, a: int, b: int) -> tuple[list[Segment], list[Segment], list[Segment]]:
        """Segments before a, within [a, b), from b on (split at a and b)."""
        a, b = max(0, min(a, self.frames)), max(0, min(b, self.frames))
        segs = self.with_segments(self._split_at(a))._split_at(b) if a != b else self._split_at(a)
        before, within, after, pos = [], [], [], 0
        for s in segs:
            if pos + s.length <= a:
                before.append(s)
            elif pos >= b:
                after.append(s)
            else:
                within.append(s)
            pos += s.length
        return before, within, after

    def slice(self, a: int, b: int) -> list[Segment]:
        return self._pieces(a, b)[1]

    def delete(self, a: int, b: int) -> "EditedAudio":
        before, _, after = self._pieces(a, b)
        return self.with_segments(before + after)

    def insert(self, at: int, segments) -> "EditedAudio":
        before, _, after = self._pieces(at, at)
        return self.with_segments(before + list(segments) + after)

    def insert_silence(self, at: int, length: int) -> "EditedAudio":
        return self.insert(at, [Segment(None, 0, int(length))])

    def silence(self, a: int, b: int) -> "EditedAudio":
        before, within, after = self._pieces(a, b)
        return self.with_segments(before + [Segment(None, 0, sum(s.length for s in within))] + after)

    def trim(self, a: int, b: int) -> "EditedAudio":
        return self.with_segments(self._pieces(a, b)[1])

    def ramp(self, a: int, b: int, gain_at) -> "EditedAudio":
        """Multiply [a, b) by gain_at(frame offset from a) (exact at segment ends, linear between)."""
        before, within, after = self._pieces(a, b)
        out, pos = [], 0
        for s in within:
            g_start, g_end = gain_at(pos), gain_at(pos + s.length - 1)
            out.append(replace(s, g0=s.g0 * g_start, g1=s.g1 * g_end))
            pos += s.length
        return self.with_segments(before + out + after)

    def gain(self, a: int, b: int, factor: float) -> "EditedAudio":
        return self.ramp(a, b, lambda _k: factor)

    def fade_in(self, a: int, b: int) -> "EditedAudio":
        n = max(1, b - a - 1)
        return self.ramp(a, b, lambda k: min(1.0, k / n))

    def fade_out(self, a: int, b: int) -> "EditedAudio":
        n = max(1, b - a - 1)
        return self.ramp(a, b, lambda k: max(0.0, 1.0 - k / n))

    def peak(self, a: int, b: int) -> float:
        """The largest absolute sample in [a, b), read in blocks."""
        best = 0.0
        for s in range(max(0, a), min(b, self.frames), 1 << 20):
            block = self.read(s, min(b, s + (1 << 20)))
            if block.size:
                best = max(best, float(np.abs(block).max()))
        return best

    def normalize(self, a: int, b: int, target: float = 10 ** (-1 / 20)) -> "EditedAudio":
        """Scale [a, b) so its peak is ``target`` (default -1 dBFS)."""
        peak = self.peak(a, b)
        return self if peak == 0 else self.gain(a, b, target / peak)

    # -- saving ---------------------------------------------------------------------------------------
    def to_list(self, source_index) -> list[dict]:
        return [{"source": None if s.source is None else source_index(s.source), "start": s.start,
                 "length": s.length, "g0": s.g0, "g1": s.g1} for s in self.segments]

    @classmethod
    def from_list(cls, items, sources, sample_rate: int, channels: int, info=None) -> "EditedAudio":
        segs = [Segment(None if d["source"] is None else sources[d["source"]], int(d["start"]),
                        int(d["length"]), float(d.get("g0", 1.0)), float(d.get("g1", 1.0)))
                for d in items]
        return cls(segs, sample_rate, channels, info)


def fit_channels(block: np.ndarray, channels: int) -> np.ndarray:
    """The one channel rule, wherever audio of one channel count meets another (a clip on a
    track, a segment pasted into a clip, the mix, playback): mono spreads to every channel, many
    fold to mono by their mean, otherwise the first channels are kept (and repeated when there
    are too few).  (Pasting used to keep the first channel where the mix averaged: the same
    stereo audio came out two ways.)"""
    have = block.shape[1]
    if have == channels:
        return block
    if channels == 1:
        return block.mean(axis=1, keepdims=True, dtype=np.float32)
    if have == 1:
        return np.repeat(block, channels, axis=1)
    if have > channels:
        return block[:, :channels]
    return block[:, [c % have for c in range(channels)]]
