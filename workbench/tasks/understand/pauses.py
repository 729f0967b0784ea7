"""Where the speech is, by an energy scan that takes milliseconds: pauses to cut windows at (so
no word is split), speech spans, long pauses shortened (``Squeezed``), segment edges snapped to
speech.  Shared by speech recognition and language identification.  No Qt.
"""
from __future__ import annotations

import numpy as np

from workbench.core.regions import Region

WINDOW_S = 30.0          # Whisper's own window
MIN_GAP_S = 0.25         # a pause at least this long may end a window


SQUEEZE_FROM_S = 0.6     # pauses at least this long are shortened ...
KEEP_PAUSE_S = 0.3       # ... to this
TOKENS_PER_S = 8.0       # a generous ceiling on Whisper's tokens per second of audio
FRAME_S = 0.02
EDGE_PAD_S = 0.08        # kept around speech when a segment edge is snapped to it


def energy(samples: np.ndarray, rate: int, frame_s: float = FRAME_S):
    """RMS per frame and the level below which a frame counts as quiet."""
    frame = max(1, int(frame_s * rate))
    n = len(samples) // frame
    if n == 0:
        return np.zeros(0), frame, 0.0
    rms = np.sqrt(np.mean(samples[: n * frame].reshape(n, frame).astype(np.float64) ** 2, axis=1))
    return rms, frame, max(1e-4, 0.05 * float(np.percentile(rms, 95)))


def pauses(samples: np.ndarray, rate: int, min_gap: float = MIN_GAP_S):
    """Sample positions in the middle of quiet stretches at least ``min_gap`` long (numpy energy:
    milliseconds for an hour, where a VAD model would take a minute), and the quiet threshold."""
    rms, frame, threshold = energy(samples, rate)
    if not len(rms):
        return np.zeros(0, np.int64), threshold
    quiet = np.concatenate([[False], rms < threshold, [False]])
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    long = (ends - starts) * frame / rate >= min_gap
    return ((starts[long] + ends[long]) // 2 * frame).astype(np.int64), threshold


def snap_to_speech(regions: list[Region], rms, frame: int, rate: int, threshold: float,
                   spans: list[tuple[float, float]] | None = None) -> list[Region]:
    """Whisper starts a window's first segment at 0 s, lets segments run into pauses, and may
    start one where the last ended: move each edge to the speech the region really holds (the
    stretches of speech it covers a good part of, not a neighbour's last syllable: ``spans``, by
    default the energy scan's), else to its loud frames.  A segment with no loud frame at all is
    text made up over silence, and is left out."""
    if spans is None:
        spans = speech_spans(rms, frame, rate, threshold) if regions else []
    out = []
    for r in regions:
        held = [(a, b) for a, b in spans if min(b, r.end) - max(a, r.start) >= min(0.5 * (b - a), 0.25)]
        if held:
            start = max(r.start, held[0][0] - EDGE_PAD_S)
            end = min(r.end, held[-1][1] + EDGE_PAD_S)
            out.append(r.with_(start=start, end=max(start, end)))
            continue
        a, b = int(r.start * rate / frame), int(np.ceil(r.end * rate / frame))
        loud = np.flatnonzero(rms[a:b] >= threshold)
        if not len(loud):
            continue  # text over silence: Whisper's "Thank you." at a window's end, not speech
        start = max(r.start, (a + loud[0]) * frame / rate - EDGE_PAD_S)
        end = min(r.end, (a + loud[-1] + 1) * frame / rate + EDGE_PAD_S)
        out.append(r.with_(start=start, end=max(start, end)))
    return out


def speech_spans(rms, frame: int, rate: int, threshold: float, bridge_s: float = 0.3,
                 min_s: float = 0.3) -> list[tuple[float, float]]:
    """Stretches of loud frames (pauses shorter than ``bridge_s`` bridged), in seconds."""
    loud = np.concatenate([[False], rms >= threshold, [False]])
    edges = np.flatnonzero(np.diff(loud.astype(np.int8)))
    spans: list[list[float]] = []
    for a, b in zip(edges[0::2] * frame / rate, edges[1::2] * frame / rate):
        if spans and a - spans[-1][1] < bridge_s:
            spans[-1][1] = b
        else:
            spans.append([a, b])
    return [(a, b) for a, b in spans if b - a >= min_s]


def voiced_spans(samples: np.ndarray, rate: int) -> list[tuple[float, float]] | None:
    """Speech by the silero VAD model that faster-whisper carries (ONNX, offline: 0.2 s for 90 s
    on two cores), in seconds; None without faster-whisper.  It holds in noise where the energy
    scan does not: in pink noise 5 dB under the speech every frame is loud, segments were left
    running over the pauses, and 7 of 20 sentence edges were within 0.5 s; with these spans 17
    (bench_asr.py)."""
    try:
        from faster_whisper.vad import VadOptions, get_speech_timestamps
    except ImportError:
        return None
    if rate != 16000:
        import soxr

        samples = soxr.resample(samples, rate, 16000)
    found = get_speech_timestamps(np.ascontiguousarray(samples, np.float32),
                                  VadOptions(min_silence_duration_ms=300, speech_pad_ms=0))
    return [(d["start"] / 16000, d["end"] / 16000) for d in found]


def missed(spans, regions: list[Region]) -> list[tuple[float, float]]:
    """Speech that regions cover less than half of: Whisper sometimes ends a window early and
    the rest of it is never read (a last sentence simply missing)."""
    def covered(a, b):
        return sum(max(0.0, min(b, r.end) - max(a, r.start)) for r in regions)

    return [(a, b) for a, b in spans if covered(a, b) < 0.5 * (b - a)]


class Squeezed:
    """The audio with long pauses shortened to ``keep_s`` (Whisper still hears a break), so fewer
    30 s windows hold the same speech, and the map from its times back to the original's.  The
    idea of faster-whisper's VAD filter, with a numpy energy scan instead of a model."""

    def __init__(self, samples: np.ndarray, rate: int, rms, frame: int, threshold: float,
                 min_pause_s: float | None = None, keep_s: float | None = None) -> None:
        min_pause_s = SQUEEZE_FROM_S if min_pause_s is None else min_pause_s
        keep_s = KEEP_PAUSE_S if keep_s is None else keep_s
        quiet = np.concatenate([[False], rms < threshold, [False]])
        edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
        half = int(keep_s * rate / 2)
        cut = [(a * frame + half, b * frame - half) for a, b in zip(edges[0::2], edges[1::2])
               if (b - a) * frame >= min_pause_s * rate]
        keep, pos = [], 0                               # (original start, original end) kept
        for a, b in cut:
            keep.append((pos, a))
            pos = b
        keep.append((pos, len(samples)))
        self.orig = np.array([a for a, _ in keep], np.int64)
        lengths = np.array([b - a for a, b in keep], np.int64)
        self.comp = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        self.samples = samples if len(keep) == 1 else np.concatenate([samples[a:b] for a, b in keep])
        self.rate = rate

    def original(self, t: float, end: bool = False) -> float:
        """A time in the squeezed audio on the original timeline (an end at a joint stays in
        the piece before it)."""
        x = t * self.rate
        i = max(0, int(np.searchsorted(self.comp, x, side="left" if end else "right")) - 1)
        return float(self.orig[i] + (x - self.comp[i])) / self.rate

    def region(self, r: Region) -> Region:
        return r.with_(start=self.original(r.start), end=self.original(r.end, end=True))


def windows(samples: np.ndarray, rate: int, max_s: float = WINDOW_S, min_s: float = 5.0):
    """Sample ranges of at most ``max_s`` covering the audio, cut in the middle of pauses (the
    last pause before the limit), so no word is split.  Silent windows are left out."""
    n = len(samples)
    cuts, threshold = pauses(samples, rate)
    out, start = [], 0
    while start < n:
        limit = start + int(max_s * rate)
        if limit >= n:
            end = n
        else:
            ok = cuts[(cuts > start + int(min_s * rate)) & (cuts <= limit)]
            end = int(ok[-1]) if len(ok) else limit
        piece = samples[start:end]
        if len(piece) and np.sqrt(np.mean(piece.astype(np.float64) ** 2)) >= threshold * 0.5:
            out.append((start, end))
        start = end
    return out
