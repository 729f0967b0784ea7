"""The commands that change a document: regions, tracks (audio and labels), clips, the project
rate.  Each addresses what it changes by id and knows how to do and undo itself."""
from __future__ import annotations

from workbench.core.history import Command
from workbench.core.regions import Region
from workbench.core.tracks import kind_of


class AddRegions(Command):
    def __init__(self, track_id: int, regions: list[Region], title: str = "Add label") -> None:
        self.track_id, self.regions, self.title = track_id, list(regions), title

    def do(self, doc) -> None:
        doc.label_track(self.track_id)._insert_many(self.regions)
        doc.labels_changed.emit(self.track_id)

    def undo(self, doc) -> None:
        doc.label_track(self.track_id)._remove_many(r.id for r in self.regions)
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


class Refilter(Command):
    """A scored track's regions made again at another threshold (its kept scores, no model);
    the steps of one slider drag are one undo step."""

    def __init__(self, track_id: int, old: list[Region], new: list[Region], old_view: tuple,
                 new_view: tuple, title: str, gesture=None) -> None:
        self.track_id, self.old, self.new, self.title = track_id, list(old), list(new), title
        self.old_view, self.new_view = old_view, new_view      # (threshold, hidden labels)
        self.merge_key = ("refilter", track_id, gesture) if gesture is not None else None

    def _swap(self, doc, gone, come, view) -> None:
        track = doc.label_track(self.track_id)
        track._remove_many(r.id for r in gone)
        track._insert_many(come)
        track.scores.threshold, track.scores.hidden = view
        doc.labels_changed.emit(self.track_id)

    def do(self, doc) -> None:
        self._swap(doc, self.old, self.new, self.new_view)

    def undo(self, doc) -> None:
        self._swap(doc, self.new, self.old, self.old_view)

    def merge(self, newer: "Refilter") -> bool:
        self.new, self.new_view, self.title = newer.new, newer.new_view, newer.title
        return True


class InsertTrack(Command):
    """Put a track (audio or labels) into the document's ordered list at ``index``."""

    def __init__(self, track, index: int, title: str | None = None) -> None:
        self.track, self.index = track, index
        self.title = title or f"Add {kind_of(track).called} “{track.name}”"

    def do(self, doc) -> None:
        doc.raw_insert_track(self.index, self.track)

    def undo(self, doc) -> None:
        doc.raw_remove_track(self.track)

    def created(self) -> set:
        return {("track", self.track.id)}

    def forget(self, gone: set):
        return None if ("track", self.track.id) in gone else self


class RemoveTrack(InsertTrack):
    def __init__(self, track, index: int, title: str | None = None) -> None:
        super().__init__(track, index, title or f"Delete {kind_of(track).called} “{track.name}”")

    def created(self) -> set:
        return set()

    def do(self, doc) -> None:
        InsertTrack.undo(self, doc)

    def undo(self, doc) -> None:
        InsertTrack.do(self, doc)


class MoveTrack(Command):
    def __init__(self, track_id: int, old: int, new: int, title: str = "Move track") -> None:
        self.track_id, self.old, self.new, self.title = track_id, old, new, title

    def do(self, doc) -> None:
        doc.raw_move_track(doc.track(self.track_id), self.new)

    def undo(self, doc) -> None:
        doc.raw_move_track(doc.track(self.track_id), self.old)


class SetTrackFields(Command):
    """Change a track's name or mix settings; changes in one gesture (a slider drag) merge."""

    def __init__(self, track_id: int, old: dict, new: dict, title: str, gesture=None) -> None:
        self.track_id, self.old, self.new, self.title = track_id, old, new, title
        self.merge_key = ("track", track_id, tuple(sorted(new)), gesture) if gesture is not None else None

    def do(self, doc) -> None:
        doc.raw_track_fields(doc.track(self.track_id), self.new)

    def undo(self, doc) -> None:
        doc.raw_track_fields(doc.track(self.track_id), self.old)

    def merge(self, newer: "SetTrackFields") -> bool:
        self.new = newer.new
        return True


class SetClips(Command):
    """Swap a track's clip tuple (clips are immutable: undo swaps the old tuple back).  Every
    clip command (add, remove, move, trim, split, join, gain, fades, range edits) is one of
    these per track; changes in one gesture (a drag) merge into one step."""

    def __init__(self, track_id: int, old: tuple, new: tuple, title: str, gesture=None) -> None:
        self.track_id, self.old, self.new, self.title = track_id, tuple(old), tuple(new), title
        self.merge_key = ("clips", track_id, gesture) if gesture is not None else None

    def do(self, doc) -> None:
        doc.raw_clips(doc.track(self.track_id), self.new)

    def undo(self, doc) -> None:
        doc.raw_clips(doc.track(self.track_id), self.old)

    def merge(self, newer: "SetClips") -> bool:
        self.new = newer.new
        return True

    def created(self) -> set:
        before = {c.id for c in self.old}
        return {("clip", self.track_id, c.id) for c in self.new if c.id not in before}

    def forget(self, gone: set):
        if ("track", self.track_id) in gone:
            return None
        keep = lambda clips: tuple(c for c in clips if ("clip", self.track_id, c.id) not in gone)
        self.old, self.new = keep(self.old), keep(self.new)
        return self if self.old != self.new else None


class SetProjectRate(Command):
    def __init__(self, old: int | None, new: int) -> None:
        self.old, self.new = old, new
        self.title = f"Project rate {new} Hz"

    def do(self, doc) -> None:
        doc.raw_rate(self.new)

    def undo(self, doc) -> None:
        doc.raw_rate(self.old)
