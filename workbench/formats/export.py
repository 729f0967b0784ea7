"""Audio export: the mixdown or the selection, to WAV, FLAC or Ogg Vorbis, at any sample rate.

Reads through every track's edits in blocks, resamples with soxr's streaming resampler (one per
track, so block edges are seamless), sums, and writes to a temporary file that replaces the
target only when complete.  A generator: it yields progress and stops when ``cancelled()``.
"""
from __future__ import annotations

import errno
from pathlib import Path

import numpy as np

from workbench.core import atomic

BLOCK_SECONDS = 2.0
CONTAINERS = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".oga": "OGG"}
SUBTYPES = {"WAV": ("PCM_16", "PCM_24", "FLOAT"), "FLAC": ("PCM_16", "PCM_24"), "OGG": ("VORBIS",)}


class ExportError(Exception):
    pass


def export_audio(doc, path, start: float | None = None, end: float | None = None,
                 sample_rate: int | None = None, subtype: str | None = None,
                 cancelled=lambda: False):
    import soundfile as sf
    import soxr

    path = Path(path)
    container = CONTAINERS.get(path.suffix.lower())
    if container is None:
        raise ExportError(f"“{path.suffix}” is not an export format; use .wav, .flac or .ogg")
    subtype = subtype or SUBTYPES[container][0]
    if subtype not in SUBTYPES[container]:
        raise ExportError(f"{container} cannot store {subtype}; choose {', '.join(SUBTYPES[container])}")
    if not doc.tracks:
        raise ExportError("there is no audio to export")
    start = 0.0 if start is None else max(0.0, start)
    end = doc.duration if end is None else min(end, doc.duration)
    if end <= start:
        raise ExportError("the range to export is empty")
    rate = int(sample_rate or doc.sample_rate)
    channels = max(t.audio.channels for t in doc.tracks)
    total = int(round((end - start) * rate))
    resamplers = {id(t): soxr.ResampleStream(t.audio.sample_rate, rate, channels, dtype="float32")
                  if t.audio.sample_rate != rate else None for t in doc.tracks}
    positions = {id(t): int(round((start - t.offset) * t.audio.sample_rate)) for t in doc.tracks}
    pending = {id(t): np.zeros((0, channels), np.float32) for t in doc.tracks}
    written = 0
    try:
        with atomic.replacing(path) as tmp, sf.SoundFile(str(tmp), "w", rate, channels, subtype=subtype,
                                                         format=container) as out:
            block = int(BLOCK_SECONDS * rate)
            while written < total:
                if cancelled():
                    raise ExportError("the export was cancelled")
                n = min(block, total - written)
                mix = np.zeros((n, channels), np.float32)
                for t in doc.tracks:
                    key, au = id(t), t.audio
                    buf = pending[key]
                    while len(buf) < n:
                        want = int(np.ceil((n - len(buf)) * au.sample_rate / rate)) + 64
                        pos = positions[key]
                        raw = au.read(pos, pos + want)
                        positions[key] = pos + want
                        if raw.shape[1] < channels:
                            raw = np.repeat(raw[:, :1], channels, axis=1)
                        rs = resamplers[key]
                        buf = np.concatenate([buf, raw if rs is None else rs.resample_chunk(raw)])
                    mix += buf[:n]
                    pending[key] = buf[n:]
                out.write(mix)
                written += n
                yield written / total
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ExportError(f"the disk is full: {path.parent} has no room for the export") from exc
        raise ExportError(f"cannot write “{path.name}”: {exc.strerror or exc}") from exc
    return path
