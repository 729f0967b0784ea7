"""Clips on tracks: the timeline model, after Audacity's WaveClip.  No Qt.

A ``Clip`` is content (a non-destructive edit list, ``EditedAudio``, at the clip's own rate and
channel count) placed at ``start`` seconds, with hidden trims at either end, a gain, fades and a
record of what made it.  Clips are immutable: every change makes a new one with the same id, and
undo swaps the old one back.  An ``AudioTrack`` holds clips sorted by start that never overlap,
plus its mix settings (gain, pan, mute, solo).  ``TrackReader`` reads a track as one signal at the
project rate (clips placed, resampled, with their gains and fades; gaps are silence): what its
waveform, spectrogram and the mix read.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from workbench.core.edits import EditedAudio, fit_channels  # noqa: F401  (the one channel rule)
from workbench.core.regions import new_id   # one id space for tracks, clips and regions
from workbench.dsp.peaks import Envelope

RESAMPLE_CONTEXT = 256      # input frames read either side of a resampled block (error < 1e-6)
TRACK_BIN = 1024            # frames per bin of a track's own min/max summary (zoomed-out drawing)
TRACK_FACTOR = 16           # its second level: 16 bins in one
MAX_PERIOD = 8192           # longest rate period aligned exactly on random reads


@dataclass(frozen=True)
class Clip:
    audio: EditedAudio                 # the content, at its own rate and channel count
    start: float = 0.0                 # seconds on the timeline of the first visible frame
    trim_start: int = 0                # hidden frames at the head (clip rate)
    trim_end: int = 0                  # hidden frames at the tail
    gain: float = 1.0
    fade_in: float = 0.0               # seconds
    fade_out: float = 0.0
    name: str = ""
    colour: str | None = None
    provenance: dict = field(default_factory=dict, compare=False)   # file, or task/model/params/seed
    id: int = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if self.trim_start < 0 or self.trim_end < 0 or self.trim_start + self.trim_end > self.audio.frames:
            raise ValueError("a clip's trims cannot hide more than its content")

    # -- geometry ---------------------------------------------------------------------------------
    @property
    def rate(self) -> int:
        return self.audio.sample_rate

    @property
    def channels(self) -> int:
        return self.audio.channels

    @property
    def frames(self) -> int:
        """Visible frames (the content less its trims)."""
        return self.audio.frames - self.trim_start - self.trim_end

    @property
    def duration(self) -> float:
        return self.frames / self.rate

    @property
    def end(self) -> float:
        return self.start + self.duration

    def frame_at(self, t: float) -> int:
        """The visible frame at timeline time ``t`` (not clamped)."""
        return int(round((t - self.start) * self.rate))

    def with_(self, **changes) -> "Clip":
        """A changed copy that keeps the id (the same clip, edited)."""
        return replace(self, **changes)

    def copy(self, **changes) -> "Clip":
        """A new clip (new id) with the same content and settings."""
        return replace(self, id=new_id(), **changes)

    # -- reading ------------------------------------------------------------------------------------
    def read(self, a: int, b: int) -> np.ndarray:
        """Visible frames [a, b) with the clip's gain and fades; outside the clip is silence."""
        a, b = int(a), int(b)
        lo, hi = max(a, 0), min(b, self.frames)
        if lo == a and hi == b and b > a:   # all inside the clip: no padding copy
            block = self.audio.read(self.trim_start + a, self.trim_start + b)
            env = self._envelope_gain(a, b)
            if env is not None:
                block *= env[:, None]
            elif self.gain != 1.0:
                block *= np.float32(self.gain)
            return block
        out = np.zeros((max(0, b - a), self.channels), np.float32)
        if hi <= lo:
            return out
        block = self.audio.read(self.trim_start + lo, self.trim_start + hi)
        env = self._envelope_gain(lo, hi)
        if env is not None:
            block *= env[:, None]
        elif self.gain != 1.0:
            block *= np.float32(self.gain)
        out[lo - a:hi - a] = block
        return out

    def _envelope_gain(self, lo: int, hi: int) -> np.ndarray | None:
        """Gain per frame over [lo, hi) when a fade touches it, else None."""
        fi = int(round(self.fade_in * self.rate))
        fo = int(round(self.fade_out * self.rate))
        if not ((fi and lo < fi) or (fo and hi > self.frames - fo)):
            return None
        k = np.arange(lo, hi, dtype=np.float64)
        g = np.full(hi - lo, self.gain, np.float64)
        if fi:
            g *= np.clip(k / fi, 0.0, 1.0)
        if fo:
            g *= np.clip((self.frames - 1 - k) / fo, 0.0, 1.0)
        return g.astype(np.float32)

    def envelope(self, channel: int, a: float, b: float, pixels: int) -> Envelope:
        """Min/max of visible frames [a, b) from the content's peak pyramids, scaled by the gain."""
        env = self.audio.envelope(min(channel, self.channels - 1), self.trim_start + a,
                                  self.trim_start + b, pixels)
        x = env.x - self.trim_start
        if not (self.fade_in or self.fade_out):
            if self.gain == 1.0:
                return Envelope(env.kind, x, env.lo, env.hi)
            g = np.float32(self.gain)
            return Envelope(env.kind, x, env.lo * g, env.hi * g)
        frames = np.clip(x, 0, max(0, self.frames - 1)).astype(np.int64)
        g = self._envelope_gain(0, self.frames)
        scale = (g[frames] if g is not None else np.full(len(x), self.gain, np.float32)).astype(np.float32)
        return Envelope(env.kind, x, env.lo * scale, env.hi * scale)

    # -- cutting ------------------------------------------------------------------------------------
    def split(self, frame: int) -> tuple["Clip", "Clip"]:
        """Two clips: visible frames [0, frame) (this clip's id) and [frame, end) (a new id).
        Both keep the whole content; the cut is a trim, so either edge can be dragged back."""
        frame = min(max(1, int(frame)), self.frames - 1)
        left = self.with_(trim_end=self.audio.frames - self.trim_start - frame, fade_out=0.0)
        right = self.copy(start=self.start + frame / self.rate, trim_start=self.trim_start + frame,
                          fade_in=0.0)
        return left, right

    def visible_audio(self) -> EditedAudio:
        """The visible content as an edit list of its own (trims applied)."""
        return self.audio.with_segments(self.audio.slice(self.trim_start, self.trim_start + self.frames))

    # -- saving ---------------------------------------------------------------------------------------
    def to_dict(self, source_index) -> dict:
        d: dict[str, Any] = {"name": self.name, "start": self.start, "rate": self.rate,
                             "channels": self.channels, "edits": self.audio.to_list(source_index)}
        for key, default in (("trim_start", 0), ("trim_end", 0), ("gain", 1.0), ("fade_in", 0.0),
                             ("fade_out", 0.0), ("colour", None)):
            value = getattr(self, key)
            if value != default:
                d[key] = value
        if self.provenance:
            d["provenance"] = self.provenance
        return d


class AudioTrack:
    """A lane of clips with its mix settings.  Change it through the document's commands.
    (Its kind, and how a project writes it: core/tracks.py.)"""

    def __init__(self, name: str, clips=(), gain: float = 1.0, pan: float = 0.0,
                 mute: bool = False, solo: bool = False, height: int | None = None,
                 track_id: int | None = None) -> None:
        self.id = track_id or new_id()
        self.name = name
        self.clips: tuple[Clip, ...] = tuple(sorted(clips, key=lambda c: c.start))
        self.gain, self.pan, self.mute, self.solo, self.height = gain, pan, mute, solo, height
        self._readers: dict[int, TrackReader] = {}

    MIX_FIELDS = ("name", "gain", "pan", "mute", "solo", "height")

    # -- what it holds --------------------------------------------------------------------------------
    @property
    def start(self) -> float:
        return self.clips[0].start if self.clips else 0.0

    def _index(self) -> tuple[list[float], list[float]]:
        """Starts and ends of the clips, in order (clips never overlap, so both are sorted);
        rebuilt when the clip tuple is swapped."""
        if getattr(self, "_indexed", None) is not self.clips:
            self._starts_ends = ([c.start for c in self.clips], [c.end for c in self.clips])
            self._indexed = self.clips
        return self._starts_ends

    def clip_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Starts and ends of the clips as arrays, for drawing hundreds of clips at once."""
        if getattr(self, "_bounds_of", None) is not self.clips:
            starts, ends = self._index()
            self._bounds = (np.asarray(starts, dtype=np.float64), np.asarray(ends, dtype=np.float64))
            self._bounds_of = self.clips
        return self._bounds

    @property
    def end(self) -> float:
        ends = self._index()[1]
        return ends[-1] if ends else 0.0

    @property
    def channels(self) -> int:
        return max((c.channels for c in self.clips), default=1)

    @property
    def sources(self) -> list:
        seen = []
        for c in self.clips:
            for s in c.audio.sources:
                if s not in seen:
                    seen.append(s)
        return seen

    def clip(self, clip_id: int) -> Clip | None:
        return next((c for c in self.clips if c.id == clip_id), None)

    def clips_within(self, t0: float, t1: float) -> list[Clip]:
        """Clips that overlap [t0, t1) (a clip that ends at t0 does not), found by bisection."""
        starts, ends = self._index()
        a = bisect.bisect_right(ends, t0)
        b = bisect.bisect_left(starts, t1, lo=a)
        return list(self.clips[a:b])

    def fits(self, clip: Clip, ignore: int | None = None, tolerance: float = 1e-9) -> bool:
        """True when ``clip`` overlaps no other clip of this track (``ignore``: its own id)."""
        return clip.start >= -tolerance and all(
            c.id == ignore or c.end <= clip.start + tolerance or c.start >= clip.end - tolerance
            for c in self.clips)

    def reader(self, rate: int) -> "TrackReader":
        """This track's clips as one signal at ``rate`` (cached until the clips change)."""
        r = self._readers.get(rate)
        if r is None or r.clips is not self.clips:
            r = self._readers[rate] = TrackReader(self.clips, rate, self.channels)
        return r

    def __repr__(self) -> str:
        return f"AudioTrack({self.name!r}, {len(self.clips)} clips)"


class TrackReader:
    """A track's clips read as one signal at the project rate, with the ``AudioSource`` reading
    interface (``read``, ``envelope``, ``frames``, ``sample_rate``, ``channels``), so drawing,
    spectrogram tiles, the mix and task input all read through it.

    Clips at the project rate read sample for sample.  Others are resampled with soxr per block,
    from an anchor where the two rates line up exactly (input frames that are a multiple of the
    rates' period) with ``RESAMPLE_CONTEXT`` frames either side, so any block equals the same
    frames of the whole clip resampled at once (measured error < 1e-6) and blocks join seamlessly.
    """

    def __init__(self, clips, rate: int, channels: int) -> None:
        self.clips = clips
        self.sample_rate = int(rate)
        self.channels = int(channels)
        self._starts = [int(round(c.start * rate)) for c in clips]
        self._lengths = [c.frames if c.rate == rate else int(round(c.frames * rate / c.rate)) for c in clips]
        self.frames = max((s + n for s, n in zip(self._starts, self._lengths)), default=0)
        self._summary: list[tuple[np.ndarray, np.ndarray]] | None = None

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate

    def placed(self, a: int, b: int):
        """(clip, first frame at the project rate, length at the project rate) overlapping [a, b)."""
        for clip, s, n in zip(self.clips, self._starts, self._lengths):
            if s < b and s + n > a:
                yield clip, s, n

    def read(self, start: int, stop: int) -> np.ndarray:
        start, stop = int(start), int(stop)
        placed = list(self.placed(start, stop))
        if len(placed) == 1:   # one clip at the project rate covers the block: its samples as read
            clip, s, n = placed[0]
            if clip.rate == self.sample_rate and s <= start and stop <= s + n:
                return fit_channels(clip.read(start - s, stop - s), self.channels)
        out = np.zeros((max(0, stop - start), self.channels), np.float32)
        for clip, s, n in placed:
            a, b = max(start, s), min(stop, s + n)
            if clip.rate == self.sample_rate:
                block = clip.read(a - s, b - s)
            else:
                block = resampled(clip.read, clip.rate, self.sample_rate, a - s, b - s)
            out[a - start:b - start] = fit_channels(block, self.channels)   # never summed twice
        return out

    def summary(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The track's own min/max per TRACK_BIN frames and per TRACK_BIN * TRACK_FACTOR, per
        channel (NaN where no clip is), built once per clip layout from the clips' pyramids, so
        a zoomed-out view of hundreds of clips is one reduction, not one query per clip."""
        if self._summary is None:
            bins = max(1, -(-self.frames // TRACK_BIN))
            lo = np.full((self.channels, bins), np.nan, np.float32)
            hi = np.full((self.channels, bins), np.nan, np.float32)
            for clip, s, n in zip(self.clips, self._starts, self._lengths):
                b0, b1 = s // TRACK_BIN, -(-(s + n) // TRACK_BIN)
                for c in range(self.channels):
                    c_lo, c_hi = _columns(clip.envelope(c, 0, clip.frames, b1 - b0), b1 - b0)
                    np.fmin(lo[c, b0:b1], c_lo, out=lo[c, b0:b1])
                    np.fmax(hi[c, b0:b1], c_hi, out=hi[c, b0:b1])
            levels = [(lo, hi)]
            edges = np.arange(0, bins, TRACK_FACTOR)
            with np.errstate(invalid="ignore"):
                levels.append((np.fmin.reduceat(lo, edges, axis=1), np.fmax.reduceat(hi, edges, axis=1)))
            self._summary = levels
        return self._summary

    def _from_summary(self, channel: int, start: float, stop: float, pixels: int, spp: float):
        level, size = 0, TRACK_BIN
        if spp >= TRACK_BIN * TRACK_FACTOR:
            level, size = 1, TRACK_BIN * TRACK_FACTOR
        mins, maxs = (a[min(channel, self.channels - 1)] for a in self.summary()[level])
        first = min(int(start // size), max(0, len(mins) - 1))
        last = max(first + 1, min(len(mins), int(-(-stop // size))))
        bins = ((start + np.arange(pixels) * spp) // size).astype(np.int64)
        edges = np.clip(bins - first, 0, max(0, last - first - 1))
        seg_lo, seg_hi = mins[first:last], maxs[first:last]
        lo = np.fmin.reduceat(seg_lo, edges)
        hi = np.fmax.reduceat(seg_hi, edges)
        # a bin that straddles two columns belongs to both (as in the clips' own pyramids)
        lo[:-1] = np.fmin(lo[:-1], seg_lo[edges[1:]])
        hi[:-1] = np.fmax(hi[:-1], seg_hi[edges[1:]])
        # columns past the track's end hold nothing (clipping them to its last bin drew that
        # bin to the end of a longer view: a 5 s clip as a block to the end of the file)
        past = bins >= len(mins)
        lo[past], hi[past] = np.nan, np.nan
        return lo, hi

    def envelope(self, channel: int, start: float, stop: float, pixels: int) -> Envelope:
        """Min/max per pixel over [start, stop) frames; gaps between clips are NaN (not drawn)."""
        start, stop = max(0.0, float(start)), float(stop)
        pixels = max(1, int(pixels))
        if stop <= start:
            empty = np.zeros(0, np.float32)
            return Envelope("minmax", np.zeros(0), empty, empty)
        spp = (stop - start) / pixels
        if spp >= TRACK_BIN and self.clips:
            lo, hi = self._from_summary(channel, start, stop, pixels, spp)
            return Envelope("minmax", start + (np.arange(pixels) + 0.5) * spp, lo, hi)
        if spp < 2.0:  # sample level: read the samples themselves
            a, b = int(np.floor(start)), int(np.ceil(stop))
            x = self.read(a, b)[:, min(channel, self.channels - 1)]
            frames = np.arange(a, a + len(x), dtype=np.float64)
            inside = np.zeros(len(x), bool)
            for clip, s, n in self.placed(a, b):
                inside[max(0, s - a):max(0, min(b, s + n) - a)] = True
            x = np.where(inside, x, np.nan).astype(np.float32)
            return Envelope("samples", frames, x, x)
        lo = np.full(pixels, np.nan, np.float32)
        hi = np.full(pixels, np.nan, np.float32)
        for clip, s, n in self.placed(int(start), int(np.ceil(stop))):
            a, b = max(start, s), min(stop, s + n)
            p0 = int((a - start) / spp)
            p1 = min(pixels, max(p0 + 1, int(np.ceil((b - start) / spp))))
            ratio = clip.rate / self.sample_rate
            c_lo, c_hi = _columns(clip.envelope(channel, (a - s) * ratio, (b - s) * ratio, p1 - p0), p1 - p0)
            m = min(len(c_lo), p1 - p0)
            seg_lo, seg_hi = lo[p0:p0 + m], hi[p0:p0 + m]
            np.fmin(seg_lo, c_lo[:m], out=seg_lo)
            np.fmax(seg_hi, c_hi[:m], out=seg_hi)
        x = start + (np.arange(pixels) + 0.5) * spp
        return Envelope("minmax", x, lo, hi)


def _columns(env: Envelope, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """An envelope as ``cols`` min/max columns (samples, when there are fewer samples than
    columns, are spread over the columns)."""
    if env.kind != "samples":
        return env.lo, env.hi
    idx = np.minimum((np.arange(len(env.lo)) * cols) // max(1, len(env.lo)), cols - 1)
    lo = np.full(cols, np.inf, np.float32)
    hi = np.full(cols, -np.inf, np.float32)
    np.minimum.at(lo, idx, env.lo)
    np.maximum.at(hi, idx, env.hi)
    lo[~np.isfinite(lo)] = 0
    hi[~np.isfinite(hi)] = 0
    return lo, hi


def _pad(block: np.ndarray, n: int) -> np.ndarray:
    if len(block) >= n:
        return block[:n]
    return np.concatenate([block, np.zeros((n - len(block), block.shape[1]), block.dtype)])


def resampled(read, rate_in: int, rate_out: int, a: int, b: int) -> np.ndarray:
    """Frames [a, b) at ``rate_out`` of a signal at ``rate_in`` read by ``read(i0, i1)`` (which
    reads silence outside the signal)."""
    import soxr

    g = math.gcd(int(rate_in), int(rate_out))
    p_in, p_out = rate_in // g, rate_out // g
    if p_in <= MAX_PERIOD:   # an anchor where both rates meet on a whole frame
        k = -(-RESAMPLE_CONTEXT // p_in)
        anchor_out = (a // p_out - k) * p_out
        anchor_in = anchor_out // p_out * p_in
    else:                    # no short period: the nearest input frame (sub-sample alignment)
        anchor_in = int(math.floor(a * rate_in / rate_out)) - RESAMPLE_CONTEXT
        anchor_out = int(round(anchor_in * rate_out / rate_in))
    stop_in = int(math.ceil(b * rate_in / rate_out)) + RESAMPLE_CONTEXT
    y = soxr.resample(read(anchor_in, stop_in), rate_in, rate_out)
    return _pad(y[a - anchor_out:], b - a)
