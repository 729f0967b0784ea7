"""The open session: audio tracks on one timeline, the cursor and the selection.  No Qt."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.core import commands as cmd
from workbench.core.audio import AudioSource
from workbench.core.edits import EditedAudio, Segment
from workbench.core.events import Signal
from workbench.core.history import History
from workbench.core.regions import LabelTrack, Region


@dataclass
class AudioTrack:
    name: str
    source: AudioSource                  # the file as opened (never changed)
    offset: float = 0.0                  # seconds from the timeline's start
    audio: EditedAudio | None = None     # what plays and shows: the edits over the sources

    def __post_init__(self) -> None:
        if self.audio is None:
            self.audio = EditedAudio.of(self.source)

    @property
    def end(self) -> float:
        return self.offset + self.audio.duration


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
        self.audio_changed = Signal()        # (audio track) its edits changed
        self.focus_changed = Signal()        # (audio track or None) the clicked track
        self.history = History(self)
        self.sync_lock = True                # labels move with the audio they label
        self.path = None                     # the project file, once saved
        self.focused_track: AudioTrack | None = None
        self.edit_all_tracks = True          # edits act on every track, or the focused one
        self.bundle = None                   # the bundle it was opened from, if any

    @property
    def duration(self) -> float:
        return max((t.end for t in self.tracks), default=0.0)

    @property
    def sample_rate(self) -> int:
        return self.tracks[0].source.sample_rate if self.tracks else 48000

    @property
    def title(self) -> str:
        if self.path is not None:
            return Path(self.path).stem
        if self.bundle is not None:
            return Path(self.bundle).stem
        return self.tracks[0].name if self.tracks else "Untitled"

    def add_track(self, source: AudioSource, name: str | None = None, offset: float = 0.0,
                  undoable: bool = False) -> AudioTrack:
        """A new audio track.  Opening a file is not an edit; importing one into an open
        document is (``undoable``), so Ctrl+Z takes it out again."""
        track = AudioTrack(name or Path(source.path).name, source, offset)
        if undoable:
            self.history.push(cmd.AddAudioTrack(track, len(self.tracks)))
        else:
            self.tracks.append(track)
            self.tracks_changed.emit()
        return track

    def focus_track(self, track: AudioTrack | None) -> None:
        """The track the user last clicked: edits go there when ``edit_all_tracks`` is off."""
        if track is not self.focused_track:
            self.focused_track = track
            self.focus_changed.emit(track)

    @property
    def edit_tracks(self) -> list[AudioTrack]:
        if self.edit_all_tracks or self.focused_track not in self.tracks:
            return list(self.tracks)
        return [self.focused_track]

    def mixdown(self):
        from workbench.core.mixdown import Mixdown

        return Mixdown(self.tracks)

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

    # -- audio edits: non-destructive, undoable, labels follow when sync-lock is on ------------------
    def source_loaded(self, track: AudioTrack) -> None:
        """The source finished scanning/decoding: its true length is known now."""
        if len(track.audio.segments) <= 1:
            track.audio = EditedAudio.of(track.source)
            self.audio_changed.emit(track)

    def _frames(self, track: AudioTrack, t: float) -> int:
        return int(round((t - track.offset) * track.audio.sample_rate))

    def _edit_all(self, title: str, make, shift=None) -> None:
        """Apply ``make(audio, a_frame, b_frame) -> EditedAudio`` to every track over the
        selection, as one undo step; ``shift`` moves the labels (sync-lock)."""
        if not self.selection or not self.tracks:
            return
        a, b = self.selection
        with self.history.group(title):
            for track in self.edit_tracks:
                new = make(track.audio, self._frames(track, a), self._frames(track, b))
                if new is not track.audio:
                    self.history.push(cmd.EditAudio(track, track.audio, new, title))
            if shift is not None and self.sync_lock:
                shift(a, b)

    def delete_audio(self, title: str = "Delete") -> None:
        a_b = self.selection
        self._edit_all(title, lambda au, a, b: au.delete(a, b), self._labels_after_delete)
        if a_b:
            self.set_selection(None)
            self.set_cursor(a_b[0])

    def silence_audio(self) -> None:
        self._edit_all("Silence", lambda au, a, b: au.silence(a, b))

    def trim_audio(self) -> None:
        if not self.selection:
            return
        a, b = self.selection
        end = self.duration

        def shift(a, b):
            self._labels_after_delete(b, max(b, end))
            self._labels_after_delete(0.0, a)

        self._edit_all("Trim", lambda au, fa, fb: au.trim(fa, fb), shift)
        self.set_selection(0.0, b - a)

    def gain_audio(self, db: float) -> None:
        factor = 10 ** (db / 20)
        self._edit_all(f"Gain {db:+.1f} dB", lambda au, a, b: au.gain(a, b, factor))

    def fade_in_audio(self) -> None:
        self._edit_all("Fade in", lambda au, a, b: au.fade_in(a, b))

    def fade_out_audio(self) -> None:
        self._edit_all("Fade out", lambda au, a, b: au.fade_out(a, b))

    def normalize_audio(self, peak_db: float = -1.0) -> None:
        target = 10 ** (peak_db / 20)
        self._edit_all("Normalize", lambda au, a, b: au.normalize(a, b, target))

    def copy_audio(self) -> list[list[Segment]]:
        """The selection of every track, for the clipboard."""
        if not self.selection:
            return []
        a, b = self.selection
        return [t.audio.slice(self._frames(t, a), self._frames(t, b)) for t in self.edit_tracks]

    def paste_audio(self, clip: list[list[Segment]], title: str = "Paste") -> None:
        """Insert the clipboard at the cursor (replacing the selection, if any)."""
        if not clip or not self.tracks:
            return
        with self.history.group(title):
            if self.selection:
                self.delete_audio(title)
            at = self.cursor
            length = 0.0
            targets = self.edit_tracks
            for track, segs in zip(targets, clip * len(targets)):
                new = track.audio.insert(self._frames(track, at), segs)
                length = max(length, sum(s.length for s in segs) / track.audio.sample_rate)
                self.history.push(cmd.EditAudio(track, track.audio, new, title))
            if self.sync_lock:
                self._labels_after_insert(at, length)
        self.set_selection(at, at + length)

    def insert_silence(self, seconds: float) -> None:
        if not self.tracks or seconds <= 0:
            return
        at = self.cursor
        title = f"Insert {seconds:g} s of silence"
        with self.history.group(title):
            for track in self.edit_tracks:
                new = track.audio.insert_silence(self._frames(track, at),
                                                 int(round(seconds * track.audio.sample_rate)))
                self.history.push(cmd.EditAudio(track, track.audio, new, title))
            if self.sync_lock:
                self._labels_after_insert(at, seconds)
        self.set_selection(at, at + seconds)

    def _labels_after_delete(self, a: float, b: float) -> None:
        """Sync-lock: labels after a deleted range move back; labels inside it go; labels that
        straddle it shrink."""
        gone = b - a
        if gone <= 0:
            return
        for track in self.label_tracks:
            removed = []
            for r in track.regions:
                if r.end < a or (r.end == a and r.start < a):
                    continue
                if r.start >= b:
                    self.update_region(track.id, r.id, start=r.start - gone, end=r.end - gone)
                elif r.start >= a and r.end <= b:
                    removed.append(r.id)
                else:
                    start = r.start if r.start < a else a
                    end = max(start, r.end - gone if r.end > b else a)
                    self.update_region(track.id, r.id, start=start, end=end)
            if removed:
                self.remove_regions(track.id, removed)

    def _labels_after_insert(self, at: float, length: float) -> None:
        for track in self.label_tracks:
            for r in track.regions:
                if r.start >= at:
                    self.update_region(track.id, r.id, start=r.start + length, end=r.end + length)
                elif r.end > at:
                    self.update_region(track.id, r.id, end=r.end + length)

    def play_range(self) -> tuple[float, float]:
        """What Play plays: the selection, else from the cursor to the end."""
        if self.selection:
            return self.selection
        return self.cursor, self.duration

    def close(self) -> None:
        for t in self.tracks:
            t.source.close()
