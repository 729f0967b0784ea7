"""The open session: audio tracks on one timeline, the cursor and the selection.  No Qt."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.core import commands as cmd
from workbench.core.audio import AudioSource
from workbench.core.events import Signal
from workbench.core.history import History
from workbench.core.regions import LabelTrack, Region


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
        self.label_tracks: list[LabelTrack] = []
        self.cursor = 0.0
        self.selection: tuple[float, float] | None = None
        self.selected_region: tuple[int, int] | None = None   # (label track id, region id)
        self.tracks_changed = Signal()       # ()
        self.cursor_changed = Signal()       # (seconds)
        self.selection_changed = Signal()    # (start, end) or None
        self.label_tracks_changed = Signal() # () a label track was added, removed or renamed
        self.labels_changed = Signal()       # (label track id) its regions changed
        self.region_selected = Signal()      # (track id, region id) or (None, None)
        self.history = History(self)

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

    # -- label tracks and regions: every change is an undoable command -------------------------
    def label_track(self, track_id: int) -> LabelTrack:
        for t in self.label_tracks:
            if t.id == track_id:
                return t
        raise KeyError(f"no label track {track_id}")

    def add_label_track(self, name: str | None = None, regions=(), index: int | None = None,
                        ) -> LabelTrack:
        track = LabelTrack(name or self._free_name("Labels"), regions)
        self.history.push(cmd.AddLabelTrack(track, len(self.label_tracks) if index is None else index))
        return track

    def _free_name(self, base: str) -> str:
        names = {t.name for t in self.label_tracks}
        if base not in names:
            return base
        n = 2
        while f"{base} {n}" in names:
            n += 1
        return f"{base} {n}"

    def remove_label_track(self, track_id: int) -> None:
        track = self.label_track(track_id)
        if self.selected_region and self.selected_region[0] == track_id:
            self.select_region(None, None)
        self.history.push(cmd.RemoveLabelTrack(track, self.label_tracks.index(track)))

    def rename_label_track(self, track_id: int, name: str) -> None:
        track = self.label_track(track_id)
        if name and name != track.name:
            self.history.push(cmd.RenameLabelTrack(track, name))

    def add_regions(self, track_id: int, regions, title: str | None = None) -> list[Region]:
        regions = list(regions)
        if regions:
            title = title or ("Add label" if len(regions) == 1 else f"Add {len(regions)} labels")
            self.history.push(cmd.AddRegions(track_id, regions, title))
        return regions

    def add_region(self, track_id: int, start: float, end: float, text: str = "", **fields) -> Region:
        region = Region(start, end, text, **fields)
        self.add_regions(track_id, [region])
        return region

    def remove_regions(self, track_id: int, region_ids) -> None:
        track = self.label_track(track_id)
        regions = [r for r in (track.get(i) for i in region_ids) if r is not None]
        if self.selected_region and self.selected_region[1] in {r.id for r in regions}:
            self.select_region(None, None)
        if regions:
            title = "Delete label" if len(regions) == 1 else f"Delete {len(regions)} labels"
            self.history.push(cmd.RemoveRegions(track_id, regions, title))

    def update_region(self, track_id: int, region_id: int, gesture=None, title: str | None = None,
                      **changes) -> Region:
        """Change a region's fields; edits that share a ``gesture`` are one undo step."""
        old = self.label_track(track_id).get(region_id)
        if old is None:
            raise KeyError(f"no region {region_id}")
        new = old.with_(**changes)
        if (new.start, new.end) != (old.start, old.end) and new.end < new.start:
            new = new.with_(start=new.end, end=new.start)
        if new != old:
            if title is None:
                title = "Edit label text" if set(changes) == {"text"} else "Move label"
            self.history.push(cmd.UpdateRegion(track_id, old, new, title, gesture))
        return new

    def select_region(self, track_id: int | None, region_id: int | None) -> None:
        """Select a region: its time range becomes the selection (a point moves the cursor)."""
        if track_id is None or region_id is None:
            if self.selected_region is not None:
                self.selected_region = None
                self.region_selected.emit(None, None)
            return
        region = self.label_track(track_id).get(region_id)
        self.selected_region = (track_id, region_id)
        if region.is_point:
            self.set_selection(None)
        else:
            self.set_selection(region.start, region.end)
        self.set_cursor(region.start)
        self.region_selected.emit(track_id, region_id)

    def all_regions(self):
        """(track, region) for every region of every label track."""
        for track in self.label_tracks:
            for region in track:
                yield track, region

    def play_range(self) -> tuple[float, float]:
        """What Play plays: the selection, else from the cursor to the end."""
        if self.selection:
            return self.selection
        return self.cursor, self.duration

    def close(self) -> None:
        for t in self.tracks:
            t.source.close()
