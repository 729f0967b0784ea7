"""The mix: every audible track summed at the project rate, read like one source.  No Qt.

The one mixer.  Playback, export, task input, the overview and the level meter all read it, so
what is heard is what is exported is what a model hears.  Per track: its clips at the project
rate (``TrackReader``), the channel rule of ``fit_channels``, gain, then pan; mute and solo decide
which tracks sound (when any track is soloed, only soloed tracks do).
"""
from __future__ import annotations

import numpy as np

from workbench.core.timeline import AudioTrack, fit_channels


def pan_gains(pan: float, channels: int) -> np.ndarray | None:
    """Per-channel gains for a pan in [-1, 1] (Audacity's rule: the far side is turned down
    linearly, the near side stays), or None when nothing changes."""
    if channels != 2 or pan == 0:
        return None
    pan = min(max(float(pan), -1.0), 1.0)
    return np.array([1.0 - max(pan, 0.0), 1.0 + min(pan, 0.0)], np.float32)


def audible(tracks) -> list[AudioTrack]:
    tracks = [t for t in tracks if isinstance(t, AudioTrack)]
    if any(t.solo for t in tracks):
        return [t for t in tracks if t.solo and not t.mute]
    return [t for t in tracks if not t.mute]


class Mix:
    """What plays: ``read(a, b)`` frames of the summed tracks at ``sample_rate``."""

    def __init__(self, tracks, sample_rate: int, channels: int | None = None) -> None:
        tracks = [t for t in tracks if isinstance(t, AudioTrack)]
        self.sample_rate = int(sample_rate)
        self.tracks = audible(tracks)
        self.channels = channels or max((t.channels for t in tracks), default=1)
        self._readers = [(t, t.reader(self.sample_rate)) for t in self.tracks]
        self.frames = max((t.reader(self.sample_rate).frames for t in tracks), default=0)

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate

    def read(self, start: int, stop: int) -> np.ndarray:
        start, stop = int(start), int(stop)
        out = None
        for track, reader in self._readers:
            if not any(True for _ in reader.placed(start, stop)):
                continue
            block = fit_channels(reader.read(start, stop), self.channels)
            gains = pan_gains(track.pan, self.channels)
            if track.gain != 1.0:
                gains = np.float32(track.gain) if gains is None else gains * np.float32(track.gain)
            if out is None:      # the first track's block is the sum so far (it is ours to keep)
                out = block if gains is None else block * gains
                if not out.flags.writeable or out.base is not None:
                    out = out.copy()
            elif gains is None:
                out += block
            else:
                out += block * gains
        if out is None:
            out = np.zeros((max(0, stop - start), self.channels), np.float32)
        return out

    def levels(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Peak and RMS per channel of [start, stop) (the level meter's reading)."""
        block = self.read(start, stop)
        if not len(block):
            z = np.zeros(self.channels, np.float32)
            return z, z
        return np.abs(block).max(axis=0), np.sqrt(np.mean(block.astype(np.float64) ** 2, axis=0)).astype(np.float32)


COMMENT_LIMIT = 2000     # export.py keeps a tag to this many characters


def provenance_tags(name: str, provenance: dict, software: str = "") -> dict:
    """The one provenance-to-tags writer: a generated sound's name as the title, the program as
    software, its provenance (task, model, seed, prompt, settings) as JSON in the comment; what
    ``export_tags`` writes for one clip and ``workbench run`` for its output."""
    import json

    return {"title": name, "software": software or provenance.get("software", ""),
            "comment": json.dumps(_facts(provenance), ensure_ascii=False, sort_keys=True)}


def _facts(provenance: dict) -> dict:
    return {k: v for k, v in provenance.items() if k != "software"}


def export_tags(tracks, start: float, end: float, software: str = "") -> dict:
    """Tags for a file exported from ``start`` to ``end`` of the mix (WAV INFO / FLAC and Ogg
    Vorbis comments): each generated clip heard there keeps its provenance (task, model, seed,
    prompt and settings) in the comment as JSON.  One clip: its provenance, its name as the
    title, as `workbench run` writes them; several: a list with where each starts in the file,
    as many as fit in a tag."""
    import json

    made = [c for t in audible(tracks) for c in t.clips
            if c.provenance.get("task") and c.end > start and c.start < end]
    made.sort(key=lambda c: c.start)
    tags = {"software": software or next((c.provenance.get("software", "") for c in made), "")}
    if not made:
        return tags

    if len(made) == 1:
        return provenance_tags(made[0].name, made[0].provenance, tags["software"])
    listed: list = []
    for i, clip in enumerate(made):
        entry = dict(_facts(clip.provenance), name=clip.name, at=round(max(0.0, clip.start - start), 3))
        text = json.dumps({"generated": listed + [entry], "more": len(made) - i - 1}, ensure_ascii=False,
                          sort_keys=True)
        if len(text) > COMMENT_LIMIT:
            break
        listed.append(entry)
    return dict(tags, comment=json.dumps({"generated": listed, "more": len(made) - len(listed)},
                                         ensure_ascii=False, sort_keys=True))
