"""The kinds of track, in one table: the type that holds each kind, the word a project file
calls it, what the undo history calls it, whether it sounds (mix, playback, export, clips) and
how a project writes and reads it.  The window's lanes and headers come from the same types
(``ui/timeline/view.py``: ``TRACK_LANES``).  Code asks the table or the type, never compares
kind strings (a structure test checks it).  No Qt.

A new kind of track is a type, one row here, and its lanes in the view's table.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from workbench.core.edits import EditedAudio
from workbench.core.regions import LabelTrack, Region
from workbench.core.scores import ScoreTable
from workbench.core.timeline import AudioTrack, Clip


@dataclass(frozen=True)
class TrackKind:
    type: type
    word: str                       # what a project file calls it ("kind")
    called: str                     # what the undo history and messages call it
    audible: bool                   # holds clips: mixed, played, exported, edited with the audio
    write: Callable                 # (track, source_index) -> dict for the project file
    read: Callable                  # (dict, sources) -> track, every number checked (ValueError)


def number(value, what: str, lo: float, hi: float, kind=float):
    """``value`` as ``kind`` within [lo, hi], or ValueError in words."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} is not a number")
    if not math.isfinite(value) or not lo <= value <= hi or (kind is int and value != int(value)):
        raise ValueError(f"{what} ({value!r}) is outside {lo:g}–{hi:g}")
    return kind(value)


def edit_list(items, sources: list) -> list:
    """A clip's edit list, every number checked (a source index points at a listed file)."""
    if not isinstance(items, list):
        raise ValueError("a clip's edit list is not a list")
    for d in items:
        if d["source"] is not None and not 0 <= d["source"] < len(sources):
            raise ValueError(f"an edit names audio file {d['source'] + 1}, and the project lists "
                             f"{len(sources)}")
        number(d["start"], "an edit's start", 0, 2 ** 40, int)
        number(d["length"], "an edit's length", 0, 2 ** 40, int)
        for key in ("g0", "g1"):
            number(d.get(key, 1.0), "an edit's gain", -1e6, 1e6)
    return items


def _write_audio(t: AudioTrack, source_index) -> dict:
    d = {"kind": "audio", "name": t.name, "clips": [c.to_dict(source_index) for c in t.clips]}
    for key, default in (("gain", 1.0), ("pan", 0.0), ("mute", False), ("solo", False),
                         ("height", None)):
        if getattr(t, key) != default:
            d[key] = getattr(t, key)
    return d


def _write_labels(t: LabelTrack, _source_index) -> dict:
    d = {"kind": "labels", "name": t.name, "regions": [r.to_dict() for r in t]}
    if t.scores is not None:          # what the model said of every window: re-filter after reopening
        d["scores"] = t.scores.to_dict()
    return d


def _read_labels(t: dict, _sources) -> LabelTrack:
    scores = ScoreTable.from_dict(t["scores"]) if t.get("scores") is not None else None
    return LabelTrack(str(t.get("name", "Labels")), [Region.from_dict(r) for r in t.get("regions", [])],
                      scores=scores)


def _read_audio(t: dict, sources: list) -> AudioTrack:
    clips = []
    for c in t.get("clips", []):
        rate = number(c["rate"], "a clip's sample rate", 1, 768000, int)
        channels = number(c["channels"], "a clip's channel count", 1, 64, int)
        audio = EditedAudio.from_list(edit_list(c["edits"], sources), sources, rate, channels)
        first = next((s.source for s in audio.segments if s.source is not None), None)
        audio.info = first.info if first is not None else None
        colour = c.get("colour")
        clips.append(Clip(audio, start=number(c.get("start", 0.0), "a clip's start", 0, 1e9),
                          trim_start=number(c.get("trim_start", 0), "a clip's trim", 0, 2 ** 40, int),
                          trim_end=number(c.get("trim_end", 0), "a clip's trim", 0, 2 ** 40, int),
                          gain=number(c.get("gain", 1.0), "a clip's gain", 0, 1e6),
                          fade_in=number(c.get("fade_in", 0.0), "a clip's fade", 0, 1e9),
                          fade_out=number(c.get("fade_out", 0.0), "a clip's fade", 0, 1e9),
                          name=str(c.get("name", "")), colour=str(colour) if colour else None,
                          provenance=dict(c.get("provenance") or {})))
    track = AudioTrack(str(t.get("name", "Audio")), clips,
                       gain=number(t.get("gain", 1.0), "a track's gain", 0, 1e6),
                       pan=number(t.get("pan", 0.0), "a track's pan", -1, 1),
                       mute=bool(t.get("mute", False)), solo=bool(t.get("solo", False)),
                       height=None)
    for a, b in zip(track.clips, track.clips[1:]):
        if b.start < a.end - 1e-6:
            raise ValueError(f"two clips overlap on track “{track.name[:60]}”")
    return track


KINDS: tuple[TrackKind, ...] = (
    TrackKind(AudioTrack, "audio", "audio track", True, _write_audio, _read_audio),
    TrackKind(LabelTrack, "labels", "label track", False, _write_labels, _read_labels),
)


def kind_of(track) -> TrackKind:
    """The table's row for ``track`` (a preview or a subclass counts as its type)."""
    for row in KINDS:
        if isinstance(track, row.type):
            return row
    raise TypeError(f"{type(track).__name__} is not a kind of track ({', '.join(r.word for r in KINDS)})")


def audible(track) -> bool:
    """Whether ``track`` holds clips that sound (audio tracks; not label tracks)."""
    return kind_of(track).audible


def write(track, source_index) -> dict:
    """``track`` as a project file writes it."""
    return kind_of(track).write(track, source_index)


def read(data: dict, sources: list):
    """A track from a project file's entry, by the kind it names (ValueError in words)."""
    word = data.get("kind")
    row = next((r for r in KINDS if r.word == word), None)
    if row is None:
        raise ValueError(f"a track of unknown kind ({str(word)[:40]})")
    return row.read(data, sources)
