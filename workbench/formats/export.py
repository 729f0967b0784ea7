"""Audio export: the mix or the selection, to WAV, FLAC or Ogg Vorbis, at any sample rate.

Reads the document's one mix (``core/mix.py``: what playback plays) in blocks at the export rate
and writes to a temporary file that replaces the target only when complete.  ``metadata`` (title,
comment, software...) goes into the file's tags: WAV INFO chunks, FLAC/Ogg Vorbis comments.
A generator: it yields progress and stops when ``cancelled()``.
"""
from __future__ import annotations

import errno
from pathlib import Path

from workbench.formats import atomic

BLOCK_SECONDS = 2.0
CONTAINERS = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".oga": "OGG"}
TAGS = ("title", "artist", "comment", "software", "date", "album", "genre")
SUBTYPES = {"WAV": ("PCM_16", "PCM_24", "FLOAT"), "FLAC": ("PCM_16", "PCM_24"), "OGG": ("VORBIS",)}


class ExportError(Exception):
    pass


def export_audio(doc, path, start: float | None = None, end: float | None = None,
                 sample_rate: int | None = None, subtype: str | None = None,
                 cancelled=lambda: False, metadata: dict | None = None):
    import soundfile as sf

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
    mix = doc.mix(rate)          # each clip resampled once, straight to the export rate
    first = int(round(start * rate))
    total = int(round((end - start) * rate))
    written = 0
    try:
        with atomic.replacing(path) as tmp, sf.SoundFile(str(tmp), "w", rate, mix.channels, subtype=subtype,
                                                         format=container) as out:
            for key, value in (metadata or {}).items():
                if key in TAGS and value:
                    setattr(out, key, str(value)[:2000])
            block = int(BLOCK_SECONDS * rate)
            while written < total:
                if cancelled():
                    raise ExportError("the export was cancelled")
                n = min(block, total - written)
                out.write(mix.read(first + written, first + written + n))
                written += n
                yield written / total
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ExportError(f"the disk is full: {path.parent} has no room for the export") from exc
        raise ExportError(f"cannot write “{path.name}”: {exc.strerror or exc}") from exc
    return path
