"""The open session: audio tracks on one timeline, the cursor and the selection.  No Qt."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.core.audio import AudioSource
from workbench.core.events import Signal


@dataclass
class AudioTrack:
    name: str
    source: AudioSource
    offset: float = 0.0   # seconds from the timeline's start

    @property
    def end(self) -> float:
        return self.offset + self.source.duration


class Document:
    """Tracks plus the time cursor and selection, in seconds.  Views subscribe to the signals."""

    def __init__(self) -> None:
        self.tracks: list[AudioTrack] = []
        self.cursor = 0.0
        self.selection: tuple[float, float] | None = None
        self.tracks_changed = Signal()       # ()
        self.cursor_changed = Signal()       # (seconds)
        self.selection_changed = Signal()    # (start, end) or None

    @property
    def duration(self) -> float:
        return max((t.end for t in self.tracks), default=0.0)

    @property
    def sample_rate(self) -> int:
        return self.tracks[0].source.sample_rate if self.tracks else 48000

    @property
    def title(self) -> str:
        return self.tracks[0].name if self.tracks else "Untitled"

    def add_track(self, source: AudioSource, name: str | None = None) -> AudioTrack:
        track = AudioTrack(name or Path(source.path).name, source)
        self.tracks.append(track)
        self.tracks_changed.emit()
        return track

    def _clamp(self, t: float) -> float:
        return min(max(0.0, float(t)), self.duration)

    def set_cursor(self, t: float) -> None:
        t = self._clamp(t)
        if t != self.cursor:
            self.cursor = t
            self.cursor_changed.emit(t)

    def set_selection(self, start: float | None, end: float | None = None) -> None:
        """Select [start, end] (either order); ``None`` or an empty range clears it."""
        sel = None
        if start is not None and end is not None:
            a, b = sorted((self._clamp(start), self._clamp(end)))
            if b > a:
                sel = (a, b)
        if sel != self.selection:
            self.selection = sel
            self.selection_changed.emit(sel)

    def play_range(self) -> tuple[float, float]:
        """What Play plays: the selection, else from the cursor to the end."""
        if self.selection:
            return self.selection
        return self.cursor, self.duration

    def close(self) -> None:
        for t in self.tracks:
            t.source.close()
