"""The commands that change a document's labels (audio edits live in core/edits.py)."""
from __future__ import annotations

from workbench.core.history import Command
from workbench.core.regions import LabelTrack, Region


class AddRegions(Command):
    def __init__(self, track_id: int, regions: list[Region], title: str = "Add label") -> None:
        self.track_id, self.regions, self.title = track_id, list(regions), title

    def do(self, doc) -> None:
        track = doc.label_track(self.track_id)
        for r in self.regions:
            track._insert(r)
        doc.labels_changed.emit(self.track_id)

    def undo(self, doc) -> None:
        track = doc.label_track(self.track_id)
        for r in self.regions:
            track._remove(r.id)
        doc.labels_changed.emit(self.track_id)


class RemoveRegions(Command):
    def __init__(self, track_id: int, regions: list[Region], title: str = "Delete label") -> None:
        self.track_id, self.regions, self.title = track_id, list(regions), title

    def do(self, doc) -> None:
        AddRegions.undo(self, doc)

    def undo(self, doc) -> None:
        AddRegions.do(self, doc)


class UpdateRegion(Command):
    """Replace a region by an edited copy (same id).  Edits in one gesture merge."""

    def __init__(self, track_id: int, old: Region, new: Region, title: str, gesture=None) -> None:
        self.track_id, self.old, self.new, self.title = track_id, old, new, title
        self.merge_key = ("region", track_id, new.id, gesture) if gesture is not None else None

    def do(self, doc) -> None:
        doc.label_track(self.track_id)._replace(self.new)
        doc.labels_changed.emit(self.track_id)

    def undo(self, doc) -> None:
        doc.label_track(self.track_id)._replace(self.old)
        doc.labels_changed.emit(self.track_id)

    def merge(self, newer: "UpdateRegion") -> bool:
        self.new = newer.new
        return True


class AddLabelTrack(Command):
    def __init__(self, track: LabelTrack, index: int) -> None:
        self.track, self.index = track, index
        self.title = f"Add label track “{track.name}”"

    def do(self, doc) -> None:
        doc.label_tracks.insert(self.index, self.track)
        doc.label_tracks_changed.emit()

    def undo(self, doc) -> None:
        doc.label_tracks.remove(self.track)
        doc.label_tracks_changed.emit()


class RemoveLabelTrack(Command):
    def __init__(self, track: LabelTrack, index: int) -> None:
        self.track, self.index = track, index
        self.title = f"Delete label track “{track.name}”"

    def do(self, doc) -> None:
        AddLabelTrack.undo(self, doc)

    def undo(self, doc) -> None:
        AddLabelTrack.do(self, doc)


class RenameLabelTrack(Command):
    def __init__(self, track: LabelTrack, name: str) -> None:
        self.track, self.old, self.new = track, track.name, name
        self.title = f"Rename label track to “{name}”"

    def do(self, doc) -> None:
        self.track.name = self.new
        doc.label_tracks_changed.emit()

    def undo(self, doc) -> None:
        self.track.name = self.old
        doc.label_tracks_changed.emit()


class EditAudio(Command):
    """Swap a track's edit list (the lists are immutable: undo swaps the old one back)."""

    def __init__(self, track, old, new, title: str) -> None:
        self.track, self.old, self.new, self.title = track, old, new, title

    def do(self, doc) -> None:
        self.track.audio = self.new
        doc.audio_changed.emit(self.track)

    def undo(self, doc) -> None:
        self.track.audio = self.old
        doc.audio_changed.emit(self.track)


class AddAudioTrack(Command):
    def __init__(self, track, index: int) -> None:
        self.track, self.index = track, index
        self.title = f"Import audio “{track.name}”"

    def do(self, doc) -> None:
        doc.tracks.insert(self.index, self.track)
        doc.tracks_changed.emit()

    def undo(self, doc) -> None:
        doc.tracks.remove(self.track)
        if doc.focused_track is self.track:
            doc.focused_track = None
        doc.tracks_changed.emit()
