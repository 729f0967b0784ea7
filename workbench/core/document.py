"""The open session: one ordered list of tracks (audio and labels) on one timeline at one
project rate, the cursor and the selection.  No Qt.

Every change is a command on the history, addressed by track and clip id.  Views subscribe to
plain events: ``track_inserted(track, index)``, ``track_removed(track, index)``,
``track_moved(track, old, new)``, ``track_changed(track)`` (name or mix settings) and
``changed_within(track, t0, t1)`` (its audio changed over that time range), so they update what
changed instead of rebuilding.
"""
from __future__ import annotations

from pathlib import Path

from workbench.core import commands as cmd
from workbench.core.audio import AudioSource
from workbench.core.audio_edits import AudioEditing, Clipboard  # noqa: F401  (Clipboard: re-exported)
from workbench.core.edits import EditedAudio
from workbench.core.events import Signal
from workbench.core.history import History
from workbench.core.regions import LabelTrack, Region
from workbench.core.timeline import AudioTrack, Clip

DEFAULT_RATE = 48000


class Document(AudioEditing):
    """Tracks plus the time cursor and selection, in seconds.  Views subscribe to the signals."""

    def __init__(self) -> None:
        self.track_list: list[AudioTrack | LabelTrack] = []
        self.project_rate: int | None = None   # set by the first file added, or by the user
        self.cursor = 0.0
        self.selection: tuple[float, float] | None = None
        self.selected_region: tuple[int, int] | None = None   # (label track id, region id)
        self.selected_clip: int | None = None
        self.selected_tracks: frozenset[int] | None = None   # the selection's tracks; None: all
        self.track_inserted = Signal()       # (track, index)
        self.track_removed = Signal()        # (track, index)
        self.track_moved = Signal()          # (track, old index, new index)
        self.track_changed = Signal()        # (track) name or mix settings
        self.changed_within = Signal()       # (audio track, t0, t1) its audio changed there
        self.rate_changed = Signal()         # (rate)
        self.tracks_changed = Signal()       # () audio tracks added, removed or moved
        self.label_tracks_changed = Signal() # () label tracks added, removed, moved or renamed
        self.cursor_changed = Signal()       # (seconds)
        self.selection_changed = Signal()    # (start, end) or None
        self.labels_changed = Signal()       # (label track id) its regions changed
        self.region_selected = Signal()      # (track id, region id) or (None, None)
        self.clip_selected = Signal()        # (clip id or None)
        self.focus_changed = Signal()        # (audio track or None) the clicked track
        self.history = History(self)
        self.sync_lock = True                # labels move with the audio they label
        self.ripple = True                   # range deletes close the gap, inserts open one
        self.path = None                     # the project file, once saved
        self.focused_track: AudioTrack | None = None
        self.edit_all_tracks = True          # edits act on every track, or the focused one
        self.bundle = None                   # the bundle it was opened from, if any
        self._previews: set[int] = set()     # ids of tracks shown outside the history

    # -- tracks ---------------------------------------------------------------------------------
    @property
    def tracks(self) -> list[AudioTrack]:
        """The audio tracks, in timeline order."""
        return [t for t in self.track_list if isinstance(t, AudioTrack)]

    @property
    def label_tracks(self) -> list[LabelTrack]:
        return [t for t in self.track_list if isinstance(t, LabelTrack)]

    def track(self, track_id: int):
        for t in self.track_list:
            if t.id == track_id:
                return t
        raise KeyError(f"no track {track_id}")

    def find_clip(self, clip_id: int) -> tuple[AudioTrack, Clip]:
        for t in self.tracks:
            c = t.clip(clip_id)
            if c is not None:
                return t, c
        raise KeyError(f"no clip {clip_id}")

    @property
    def first_source(self) -> AudioSource | None:
        """The file the first audio track came from (it names exports and new projects)."""
        return next((s for t in self.tracks for s in t.sources), None)

    @property
    def duration(self) -> float:
        return max((t.end for t in self.tracks), default=0.0)

    @property
    def sample_rate(self) -> int:
        """The project rate: what the mix, playback and export run at."""
        return self.project_rate or DEFAULT_RATE

    @property
    def title(self) -> str:
        if self.path is not None:
            return Path(self.path).stem
        if self.bundle is not None:
            return Path(self.bundle).stem
        return self.tracks[0].name if self.tracks else "Untitled"

    def mix(self, rate: int | None = None):
        from workbench.core.mix import Mix

        return Mix(self.track_list, rate or self.sample_rate)

    def add_track(self, source: AudioSource, name: str | None = None, offset: float = 0.0,
                  undoable: bool = False) -> AudioTrack:
        """A new audio track holding one clip of ``source``.  Opening a file is not an edit;
        importing one into an open document is (``undoable``), so Ctrl+Z takes it out again."""
        name = name or Path(source.path).name
        clip = Clip(EditedAudio.of(source), start=float(offset), name=name,
                    provenance={"file": str(source.path)})
        track = AudioTrack(name, [clip])
        if self.project_rate is None:
            self.project_rate = source.sample_rate
        if undoable:
            self.history.push(cmd.InsertTrack(track, len(self.track_list), f"Import audio “{name}”"))
        else:
            self.raw_insert_track(len(self.track_list), track)
        return track

    def add_audio_track(self, name: str | None = None, clips=(), index: int | None = None,
                        title: str | None = None) -> AudioTrack:
        names = {t.name for t in self.tracks}
        base, n = name or "Audio", 2
        name = base
        while name in names:
            name, n = f"{base} {n}", n + 1
        track = AudioTrack(name, clips)
        self.history.push(cmd.InsertTrack(track, len(self.track_list) if index is None else index, title))
        return track

    def remove_track(self, track_id: int) -> None:
        track = self.track(track_id)
        if isinstance(track, LabelTrack):
            return self.remove_label_track(track_id)
        self.history.push(cmd.RemoveTrack(track, self.track_list.index(track)))

    def move_track(self, track_id: int, index: int) -> None:
        track = self.track(track_id)
        old = self.track_list.index(track)
        index = min(max(0, index), len(self.track_list) - 1)
        if index != old:
            self.history.push(cmd.MoveTrack(track_id, old, index, f"Move track “{track.name}”"))

    def set_track(self, track_id: int, gesture=None, **fields) -> None:
        """Name, gain, pan, mute, solo or height of an audio track, as one undoable step."""
        track = self.track(track_id)
        bad = set(fields) - set(AudioTrack.MIX_FIELDS)
        if bad:
            raise ValueError(f"not a track setting: {', '.join(sorted(bad))}")
        if "pan" in fields:
            fields["pan"] = min(1.0, max(-1.0, float(fields["pan"])))
        if "gain" in fields:
            fields["gain"] = max(0.0, float(fields["gain"]))
        old = {k: getattr(track, k) for k in fields}
        if old != fields:
            what = ", ".join(sorted(fields))
            self.history.push(cmd.SetTrackFields(track_id, old, dict(fields),
                                                 f"Set {what} of “{track.name}”", gesture))

    def set_sample_rate(self, rate: int) -> None:
        rate = int(rate)
        if not 1000 <= rate <= 768000:
            raise ValueError(f"{rate} Hz is not a usable project rate (1 kHz to 768 kHz)")
        if rate != self.project_rate:
            self.history.push(cmd.SetProjectRate(self.project_rate, rate))

    # -- a preview: shown, never recorded (a take while it records) -----------------------------
    def show_preview(self, track: AudioTrack) -> None:
        """Show ``track`` after the others, outside the undo history (the live take while it
        records): the views draw it like any track; ``end_preview`` takes it out again, and
        the finished take is added as an ordinary, undoable step."""
        self._previews.add(track.id)
        self.raw_insert_track(len(self.track_list), track)

    def update_preview(self, track: AudioTrack, clips) -> None:
        """New clips for a preview track (the take grew): redrawn, not recorded."""
        if track.id not in self._previews:
            raise ValueError(f"“{track.name}” is not a preview")
        self.raw_clips(track, tuple(clips))

    def end_preview(self, track: AudioTrack) -> None:
        if track.id in self._previews:
            self._previews.discard(track.id)
            if track in self.track_list:
                self.raw_remove_track(track)

    # the raw changes (what the commands' do and undo call; nothing is recorded): change, then
    # tell the views.  Change the document through its other methods, which push commands.
    def raw_insert_track(self, index: int, track) -> None:
        self.track_list.insert(index, track)
        self.track_inserted.emit(track, index)
        self._structure_changed(track)

    def raw_remove_track(self, track) -> None:
        index = self.track_list.index(track)
        self.track_list.remove(track)
        if self.focused_track is track:
            self.focused_track = None
        if isinstance(track, AudioTrack) and self.selected_clip is not None and track.clip(self.selected_clip):
            self.select_clip(None)
        self.track_removed.emit(track, index)
        self._structure_changed(track)

    def raw_move_track(self, track, index: int) -> None:
        old = self.track_list.index(track)
        self.track_list.pop(old)
        self.track_list.insert(index, track)
        self.track_moved.emit(track, old, index)
        self._structure_changed(track)

    def raw_withdraw(self, gone: set) -> None:
        """Take withdrawn things out (``History.withdraw``): ("track", id), ("clip", track, clip)."""
        for what in gone:
            track = next((t for t in self.track_list if t.id == what[1]), None)
            if track is None:
                continue
            if what[0] == "track":
                self.raw_remove_track(track)
            elif what[0] == "clip" and isinstance(track, AudioTrack):
                self.raw_clips(track, tuple(c for c in track.clips if c.id != what[2]))

    def _structure_changed(self, track) -> None:
        (self.label_tracks_changed if isinstance(track, LabelTrack) else self.tracks_changed).emit()

    def raw_track_fields(self, track, fields: dict) -> None:
        for k, v in fields.items():
            setattr(track, k, v)
        self.track_changed.emit(track)
        if isinstance(track, LabelTrack):
            self.label_tracks_changed.emit()

    def raw_clips(self, track: AudioTrack, clips: tuple) -> None:
        old = {c.id: c for c in track.clips}
        new = {c.id: c for c in clips}
        changed = [c for k, c in old.items() if new.get(k) is not c] + \
                  [c for k, c in new.items() if old.get(k) is not c]
        track.clips = tuple(sorted(clips, key=lambda c: c.start))
        if self.selected_clip in old and self.selected_clip not in new:
            self.selected_clip = None
            self.clip_selected.emit(None)
        if changed:
            self.changed_within.emit(track, min(c.start for c in changed), max(c.end for c in changed))

    def raw_rate(self, rate: int | None) -> None:
        self.project_rate = rate
        self.rate_changed.emit(self.sample_rate)

    def focus_track(self, track: AudioTrack | None) -> None:
        """The track the user last clicked: edits go there when ``edit_all_tracks`` is off."""
        if track is not self.focused_track:
            self.focused_track = track
            self.focus_changed.emit(track)

    @property
    def edit_tracks(self) -> list[AudioTrack]:
        """The tracks an edit of the selection acts on: those the selection spans when it was
        dragged over some tracks; else every track, or the focused one (Edit All Tracks off)."""
        if self.selected_tracks is not None:
            chosen = [t for t in self.tracks if t.id in self.selected_tracks]
            if chosen:
                return chosen
        if self.edit_all_tracks or self.focused_track not in self.tracks:
            return list(self.tracks)
        return [self.focused_track]

    def select_tracks(self, track_ids) -> None:
        """Limit the selection to these tracks (None: all of them)."""
        chosen = None if track_ids is None else frozenset(track_ids)
        if chosen != self.selected_tracks:
            self.selected_tracks = chosen
            self.selection_changed.emit(self.selection)

    def sync_group(self, tracks) -> list[LabelTrack]:
        """Label tracks that move with edits of ``tracks`` (sync-lock): those below each edited
        audio track down to the next audio track, as in Audacity; every label track when every
        audio track is edited."""
        if set(map(id, tracks)) >= set(map(id, self.tracks)):
            return self.label_tracks
        out, inside = [], False
        for t in self.track_list:
            if isinstance(t, AudioTrack):
                inside = any(t is e for e in tracks)
            elif inside:
                out.append(t)
        return out

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
        if sel is None:
            self.selected_tracks = None
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
                        scores=None) -> LabelTrack:
        track = LabelTrack(name or self.free_name("Labels"), regions, scores=scores)
        self.history.push(cmd.InsertTrack(track, len(self.track_list) if index is None else index))
        return track

    def free_name(self, base: str) -> str:
        names = {t.name for t in self.label_tracks}
        if base not in names:
            return base
        n = 2
        while f"{base} {n}" in names:
            n += 1
        return f"{base} {n}"

    def refilter(self, track_id: int, threshold: float, labels=None, gesture=None) -> list[Region]:
        """A scored track's regions at a new threshold (and only ``labels``, when given), from
        its kept scores: no model runs.  Regions edited by hand on the track are made anew."""
        track = self.label_track(track_id)
        if track.scores is None:
            raise ValueError(f"“{track.name}” keeps no scores to re-filter")
        table = track.scores
        hidden = table.hidden if labels is None else tuple(n for n in table.labels if n not in set(labels))
        new = table.regions(threshold, [n for n in table.labels if n not in hidden])
        if self.selected_region and self.selected_region[0] == track_id:
            self.select_region(None, None)
        self.history.push(cmd.Refilter(track_id, track.regions, new, (table.threshold, table.hidden),
                                       (threshold, hidden), f"Threshold of “{track.name}” to {threshold:.2f}",
                                       gesture))
        return new

    def remove_label_track(self, track_id: int) -> None:
        track = self.label_track(track_id)
        if self.selected_region and self.selected_region[0] == track_id:
            self.select_region(None, None)
        self.history.push(cmd.RemoveTrack(track, self.track_list.index(track)))

    def rename_label_track(self, track_id: int, name: str) -> None:
        track = self.label_track(track_id)
        if name and name != track.name:
            self.history.push(cmd.SetTrackFields(track_id, {"name": track.name}, {"name": name},
                                                 f"Rename label track to “{name}”"))

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

    def source_loaded(self, source: AudioSource) -> None:
        """A source finished scanning or decoding: its true length is known now, and the clips
        that show all of it grow (or shrink) to match.  Not an edit: nothing to undo."""
        for track in self.tracks:
            clips = tuple(c.with_(audio=EditedAudio.of(source)) if _whole(c, source) else c
                          for c in track.clips)
            if clips != track.clips:
                self.raw_clips(track, clips)

    def play_range(self) -> tuple[float, float]:
        """What Play plays: the selection, else from the cursor to the end."""
        if self.selection:
            return self.selection
        return self.cursor, self.duration

    def close(self) -> None:
        for t in self.tracks:
            for src in t.sources:
                src.close()


def _whole(clip: Clip, source: AudioSource) -> bool:
    segs = clip.audio.segments
    return (len(segs) == 1 and segs[0].source is source and segs[0].start == 0 and segs[0].flat
            and segs[0].g0 == 1.0 and not clip.trim_start and not clip.trim_end)
