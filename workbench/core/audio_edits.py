"""The document's audio commands: range edits over the selection and clip commands by id.

A mixin of ``Document`` (kept apart so neither file grows past a screenful of screens).  Every
method pushes commands (``SetClips`` per changed track, grouped into one undo step) and, with
sync-lock on, moves the labels of the edited tracks' sync group.  No Qt.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from workbench.core import clip_edits as ce
from workbench.core import commands as cmd
from workbench.core.timeline import AudioTrack, Clip

WHERE = ("cursor", "new track", "replace selection")


@dataclass
class Clipboard:
    """What Copy took: per track, the clips of the range placed relative to its start."""
    length: float
    tracks: list[list[Clip]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.length > 0 and any(self.tracks)


class AudioEditing:
    # -- range edits over the selection ------------------------------------------------------------
    def _edit_range(self, title: str, edit, labels=None) -> None:
        """``edit(clips, t0, t1) -> clips`` on every edit track over the selection, one undo step;
        ``labels(label_tracks, t0, t1)`` then moves the sync-locked labels."""
        if not self.selection or not self.tracks:
            return
        a, b = self.selection
        targets = self.edit_tracks
        with self.history.group(title):
            for track in targets:
                self._push_clips(track, edit(track.clips, a, b), title)
            if labels is not None and self.sync_lock:
                labels(self.sync_group(targets), a, b)

    def _push_clips(self, track: AudioTrack, new, title: str, gesture=None) -> None:
        new = tuple(new)
        if new != track.clips:
            self.history.push(cmd.SetClips(track.id, track.clips, new, title, gesture))

    def delete_audio(self, title: str = "Delete") -> None:
        a_b = self.selection
        ripple = self.ripple
        self._edit_range(title, lambda clips, a, b: ce.delete_range(clips, a, b, ripple),
                         self._labels_after_delete if ripple else None)
        if a_b:
            self.set_selection(None)
            self.set_cursor(a_b[0])

    def silence_audio(self) -> None:
        self._edit_range("Silence", lambda clips, a, b: ce.edit_within(
            clips, a, b, lambda au, x, y: au.silence(x, y)))

    def trim_audio(self) -> None:
        if not self.selection:
            return
        a, b = self.selection
        end, ripple = self.duration, self.ripple

        def shift(tracks, a, b):
            self._labels_after_delete(tracks, b, max(b, end))
            self._labels_after_delete(tracks, 0.0, a)

        self._edit_range("Trim", lambda clips, a, b: ce.keep_only(clips, a, b, ripple),
                         shift if ripple else None)
        if ripple:
            self.set_selection(0.0, b - a)

    def gain_audio(self, db: float) -> None:
        factor = 10 ** (db / 20)
        self._edit_range(f"Gain {db:+.1f} dB", lambda clips, a, b: ce.ramp(clips, a, b, lambda u: factor))

    def fade_in_audio(self) -> None:
        self._edit_range("Fade in", lambda clips, a, b: ce.ramp(clips, a, b, lambda u: u))

    def fade_out_audio(self) -> None:
        self._edit_range("Fade out", lambda clips, a, b: ce.ramp(clips, a, b, lambda u: 1.0 - u))

    def normalize_audio(self, peak_db: float = -1.0) -> None:
        target = 10 ** (peak_db / 20)

        def normalize(clips, a, b):
            peak = ce.peak(clips, a, b)
            return clips if peak == 0 else ce.ramp(clips, a, b, lambda u: target / peak)

        self._edit_range("Normalize", normalize)

    def copy_audio(self) -> Clipboard:
        """The selection of every edit track, for the clipboard (clips keep their own rates)."""
        if not self.selection:
            return Clipboard(0.0)
        a, b = self.selection
        return Clipboard(b - a, [ce.copy_range(t.clips, a, b) for t in self.edit_tracks])

    def paste_audio(self, clipboard: Clipboard, title: str = "Paste") -> None:
        """Insert the clipboard at the cursor (replacing the selection, if any); each clip keeps
        its own rate, so 0.5 s pasted is 0.5 s whatever the tracks' rates."""
        if not clipboard:
            return
        with self.history.group(title):
            if not self.tracks:
                self.add_audio_track()
            if self.selection:
                self.delete_audio(title)
            at, length = self.cursor, clipboard.length
            targets = self.edit_tracks
            pieces = clipboard.tracks * (len(targets) // len(clipboard.tracks) + 1)
            for track, clips in zip(targets, pieces):
                self._push_clips(track, ce.insert(track.clips, at, clips, length, self.ripple), title)
            if self.sync_lock and self.ripple:
                self._labels_after_insert(self.sync_group(targets), at, length)
        self.set_selection(at, at + length)

    def insert_silence(self, seconds: float) -> None:
        if not self.tracks or seconds <= 0:
            return
        at = self.cursor
        title = f"Insert {seconds:g} s of silence"
        with self.history.group(title):
            targets = self.edit_tracks
            for track in targets:
                self._push_clips(track, ce.insert_silence(track.clips, at, seconds, self.ripple), title)
            if self.sync_lock and self.ripple:
                self._labels_after_insert(self.sync_group(targets), at, seconds)
        self.set_selection(at, at + seconds)

    # -- clips, by id ----------------------------------------------------------------------------------
    def add_clip(self, track_id: int, clip: Clip, title: str | None = None) -> Clip:
        track = self.track(track_id)
        if not track.fits(clip):
            raise ValueError(f"“{clip.name or 'the clip'}” would overlap another clip on “{track.name}”")
        if self.project_rate is None:
            self.raw_rate(clip.rate)
        self._push_clips(track, track.clips + (clip,), title or f"Add clip “{clip.name}”")
        return clip

    def place_clip(self, clip: Clip, where: str = "cursor", title: str | None = None,
                   at: float | None = None) -> AudioTrack:
        """Drop a new clip (generated, recorded, imported) onto the timeline: at the cursor on the
        focused track (a new track when it does not fit there), on a new track at the cursor, or
        in place of the selection.  One undo step; returns the track it landed on."""
        if where not in WHERE:
            raise ValueError(f"“{where}” is not one of {', '.join(WHERE)}")
        title = title or f"Add “{clip.name or 'clip'}”"
        with self.history.group(title):
            target = self.focused_track if self.focused_track in self.tracks else (
                self.tracks[0] if self.tracks else None)
            if where == "replace selection" and self.selection and target is not None:
                at, end = self.selection
                self._push_clips(target, ce.delete_range(target.clips, at, end, ripple=False), title)
                clip = clip.with_(start=at)
                if clip.end > end:   # longer than the selection: make room after it
                    self._push_clips(target, ce.insert(target.clips, end, [], clip.end - end, True), title)
            else:
                clip = clip.with_(start=self.cursor if at is None else max(0.0, float(at)))
            if target is None or where == "new track" or not target.fits(clip):
                target = self.add_audio_track(clip.name or "Audio")
            self.add_clip(target.id, clip, title)
        return target

    def drop_clip(self, clip: Clip, at: float, track_id: int | None = None, title: str | None = None) -> AudioTrack:
        """A clip dragged onto the timeline: at ``at`` on that track where it fits, else on a
        new track at ``at``.  One undo step; returns the track it landed on."""
        title = title or f"Add “{clip.name or 'clip'}”"
        clip = clip.with_(start=max(0.0, float(at)))
        target = self.track(track_id) if track_id is not None else None
        with self.history.group(title):
            if target is None or not isinstance(target, AudioTrack) or not target.fits(clip):
                target = self.add_audio_track(clip.name or "Audio")
            self.add_clip(target.id, clip, title)
        return target

    def remove_clip(self, clip_id: int) -> None:
        track, clip = self.find_clip(clip_id)
        self._push_clips(track, tuple(c for c in track.clips if c.id != clip_id),
                         f"Delete clip “{clip.name}”")

    def move_clip(self, clip_id: int, start: float, track_id: int | None = None, gesture=None) -> bool:
        """Move a clip to ``start`` (and to another track); False, and nothing changes, where it
        would overlap a clip.  Clip moves never ripple."""
        track, clip = self.find_clip(clip_id)
        dest = self.track(track_id) if track_id is not None else track
        if not isinstance(dest, AudioTrack):
            return False
        moved = clip.with_(start=max(0.0, float(start)))
        if not dest.fits(moved, ignore=clip_id):
            return False
        title = f"Move clip “{clip.name}”"
        if dest is track:
            self._push_clips(track, tuple(moved if c.id == clip_id else c for c in track.clips), title,
                             gesture)
        else:
            with self.history.group(title):
                self._push_clips(track, tuple(c for c in track.clips if c.id != clip_id), title)
                self._push_clips(dest, dest.clips + (moved,), title)
        return True

    def trim_clip(self, clip_id: int, edge: str, t: float, gesture=None) -> None:
        """Drag a clip's ``edge`` ("start" or "end") to time ``t``: hidden audio comes back or
        more is hidden; never past the content, a neighbour, or down to nothing."""
        track, clip = self.find_clip(clip_id)
        others = [c for c in track.clips if c.id != clip_id]
        if edge == "start":
            floor = max([c.end for c in others if c.end <= clip.start + 1e-9] + [0.0])
            delta = clip.frame_at(max(t, floor))
            delta = max(-clip.trim_start, min(delta, clip.frames - 1))
            new = clip.with_(start=clip.start + delta / clip.rate, trim_start=clip.trim_start + delta)
        elif edge == "end":
            ceiling = min([c.start for c in others if c.start >= clip.end - 1e-9] + [float("inf")])
            delta = clip.frame_at(min(t, ceiling)) - clip.frames
            delta = max(-(clip.frames - 1), min(delta, clip.trim_end))
            new = clip.with_(trim_end=clip.trim_end - delta)
        else:
            raise ValueError(f"a clip has a start and an end edge, not “{edge}”")
        self._push_clips(track, tuple(new if c.id == clip_id else c for c in track.clips),
                         f"Trim clip “{clip.name}”", gesture)

    def split_clips(self) -> None:
        """Ctrl+I: cut the clips under the cursor (or at both selection edges) on the edit tracks."""
        points = list(self.selection) if self.selection else [self.cursor]
        with self.history.group("Split"):
            for track in self.edit_tracks:
                clips = track.clips
                for t in points:
                    clips = ce.split_at(clips, t)
                self._push_clips(track, clips, "Split")

    def join_clips(self) -> None:
        """Ctrl+J: the clips within the selection on each edit track become one."""
        self._edit_range("Join", lambda clips, a, b: ce.join(clips, a, b))

    def duplicate_clip(self, clip_id: int) -> Clip:
        """A copy right after the original, or on a new track when that place is taken."""
        track, clip = self.find_clip(clip_id)
        dup = clip.copy(start=clip.end, name=clip.name)
        title = f"Duplicate clip “{clip.name}”"
        with self.history.group(title):
            if not track.fits(dup):
                track = self.add_audio_track(f"{track.name} copy")
            self._push_clips(track, track.clips + (dup,), title)
        return dup

    def duplicate_selection(self) -> list[AudioTrack]:
        """Audacity's Ctrl+D: the selection of each edit track, at the same time, on new tracks."""
        if not self.selection:
            return []
        a, b = self.selection
        made = []
        with self.history.group("Duplicate"):
            for track in self.edit_tracks:
                pieces = [c.with_(start=c.start + a) for c in ce.copy_range(track.clips, a, b)]
                if pieces:
                    made.append(self.add_audio_track(f"{track.name} copy", pieces))
        return made

    def set_clip(self, clip_id: int, gesture=None, **fields) -> Clip:
        """Gain, fades, name or colour of a clip."""
        allowed = {"gain", "fade_in", "fade_out", "name", "colour"}
        if set(fields) - allowed:
            raise ValueError(f"not a clip setting: {', '.join(sorted(set(fields) - allowed))}")
        track, clip = self.find_clip(clip_id)
        for key in ("fade_in", "fade_out"):
            if key in fields:
                fields[key] = min(max(0.0, float(fields[key])), clip.duration)
        new = clip.with_(**fields)
        self._push_clips(track, tuple(new if c.id == clip_id else c for c in track.clips),
                         f"Set {', '.join(sorted(fields))} of clip “{clip.name}”", gesture)
        return new

    def select_clip(self, clip_id: int | None) -> None:
        if clip_id != self.selected_clip:
            self.selected_clip = clip_id
            self.clip_selected.emit(clip_id)

    # -- sync-lock: labels follow the audio they label ---------------------------------------------------
    def _labels_after_delete(self, label_tracks, a: float, b: float) -> None:
        """Sync-lock: labels after a deleted range move back; labels inside it go; labels that
        straddle it shrink."""
        gone = b - a
        if gone <= 0:
            return
        for track in label_tracks:
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

    def _labels_after_insert(self, label_tracks, at: float, length: float) -> None:
        for track in label_tracks:
            for r in track.regions:
                if r.start >= at:
                    self.update_region(track.id, r.id, start=r.start + length, end=r.end + length)
                elif r.end > at:
                    self.update_region(track.id, r.id, end=r.end + length)

