"""Labels, undo and audio edits, clips and tracks, label import and export: the edit controller
(it acts on the current document)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from workbench.core.audio import AudioOpenError, open_audio
from workbench.core.tracks import audible
from workbench.ui.controllers.base import Controller
from workbench.ui.controllers.files import AUDIO_FILTER, LABEL_FILTER


class EditController(Controller):
    clipboard = None        # what Copy or Cut took: a list of clips per track
    def undo(self) -> None:
        doc = self.ctx.document
        if doc and doc.history.undo():
            self.window.show_status(f"Undone: {doc.history.redo_title}")

    def redo(self) -> None:
        doc = self.ctx.document
        if doc and doc.history.redo():
            self.window.show_status(f"Redone: {doc.history.undo_title}")

    def _target_label_track(self, create: bool = True):
        """The track of the selected region, else the first label track (made if needed)."""
        doc = self.ctx.document
        if doc.selected_region:
            return doc.label_track(doc.selected_region[0])
        if doc.label_tracks:
            return doc.label_tracks[0]
        return doc.add_label_track() if create else None

    def add_label(self) -> None:
        doc = self.ctx.document
        if doc is None:
            return
        a, b = doc.selection if doc.selection else (doc.cursor, doc.cursor)
        with doc.history.group("Add label"):
            track = self._target_label_track()
            region = doc.add_region(track.id, a, b, "")
        doc.select_region(track.id, region.id)
        self.window.current_timeline().edit_region_text(track.id, region.id)

    def edit_label(self) -> None:
        doc = self.ctx.document
        if doc and doc.selected_region:
            self.window.current_timeline().edit_region_text(*doc.selected_region)

    def delete_label(self) -> None:
        """Delete: the selected label if there is one, else the selected clip, else the selected
        audio (as Audacity)."""
        doc = self.ctx.document
        if doc and doc.selected_region:
            track_id, region_id = doc.selected_region
            doc.remove_regions(track_id, [region_id])
        elif doc and doc.selected_clip is not None:
            doc.remove_clip(doc.selected_clip)
            doc.set_selection(None)
        elif doc and doc.selection:
            doc.delete_audio()

    def _edit(self, name: str, *args) -> None:
        doc = self.ctx.document
        if doc is None:
            return
        if not doc.selection and name not in ("insert_silence",):
            self.window.show_status("Select some audio first (drag over the waveform)")
            return
        getattr(doc, name)(*args)

    def cut_audio(self) -> None:
        doc = self.ctx.document
        if doc and doc.selection:
            self.clipboard = doc.copy_audio()
            doc.delete_audio("Cut")

    def copy_audio(self) -> None:
        doc = self.ctx.document
        if doc and doc.selection:
            self.clipboard = doc.copy_audio()
            self.window.show_status(f"Copied {doc.selection[1] - doc.selection[0]:.3f} s")

    def paste_audio(self) -> None:
        doc = self.ctx.document
        if doc and self.clipboard:
            doc.paste_audio(self.clipboard)

    def delete_audio(self) -> None:
        self._edit("delete_audio")

    def silence_audio(self) -> None:
        self._edit("silence_audio")

    def trim_audio(self) -> None:
        self._edit("trim_audio")

    def fade_in_audio(self) -> None:
        self._edit("fade_in_audio")

    def fade_out_audio(self) -> None:
        self._edit("fade_out_audio")

    def normalize_audio(self) -> None:
        self._edit("normalize_audio", -1.0)

    def gain_audio(self, db: float | None = None) -> None:
        if db is None or isinstance(db, bool):
            db, ok = QInputDialog.getDouble(self.window, "Gain", "Change the selection's level by (dB):",
                                            -6.0, -60.0, 30.0, 1)
            if not ok:
                return
        self._edit("gain_audio", db)

    def insert_silence(self, seconds: float | None = None) -> None:
        if seconds is None or isinstance(seconds, bool):
            seconds, ok = QInputDialog.getDouble(self.window, "Insert silence", "Seconds of silence at the cursor:",
                                                 1.0, 0.001, 36000.0, 3)
            if not ok:
                return
        self._edit("insert_silence", seconds)

    def split_clips(self) -> None:
        doc = self.ctx.document
        if doc:
            doc.split_clips()

    def join_clips(self) -> None:
        self._edit("join_clips")

    def duplicate(self) -> None:
        doc = self.ctx.document
        if doc is None:
            return
        if doc.selected_clip is not None:
            dup = doc.duplicate_clip(doc.selected_clip)
            doc.select_clip(dup.id)
        elif doc.selection:
            doc.duplicate_selection()
        else:
            self.window.show_status("Select a clip (click its name bar) or some audio first")

    def new_audio_track(self) -> None:
        doc = self.ctx.document
        if doc:
            doc.add_audio_track()

    def remove_focused_track(self) -> None:
        doc = self.ctx.document
        if doc and doc.focused_track in doc.tracks:
            doc.remove_track(doc.focused_track.id)
        elif doc:
            self.window.show_status("Click a track first: its lanes mark it with ▶")

    def toggle_ripple(self, on: bool) -> None:
        for tab in self.window.all_tabs():
            tab.document.ripple = on
        self.window.show_status("Deletes close the gap" if on else "Deletes leave a gap; later clips stay put")

    def toggle_all_tracks(self, on: bool) -> None:
        for tab in self.window.all_tabs():
            tab.document.edit_all_tracks = on
        self.window.show_status("Edits act on every track" if on else "Edits act on the track you last clicked")

    def import_audio(self, path=None, at: float = 0.0, track=None) -> None:
        """Add a recording to the current document (undoable): as a clip at ``at`` on ``track``
        where it fits there, else on a new track starting at ``at``."""
        tab = self.window.current_tab()
        if tab is None:
            return
        if not path:
            path, _ = QFileDialog.getOpenFileName(self.window, "Import audio", "", AUDIO_FILTER)
            if not path:
                return
        try:
            source = open_audio(path)
        except AudioOpenError as exc:
            self.window.notify(QMessageBox.Icon.Warning, "Cannot import audio", str(exc))
            return
        doc = tab.document
        if track is not None and audible(track):
            from workbench.core.edits import EditedAudio
            from workbench.core.timeline import Clip

            clip = Clip(EditedAudio.of(source), start=max(0.0, at), name=Path(path).name,
                        provenance={"file": str(source.path)})
            if track.fits(clip):
                doc.add_clip(track.id, clip, f"Import audio “{clip.name}”")
                self.ctx.files.start_load(tab, source, doc.history.top_id)
                return
        doc.add_track(source, offset=max(0.0, at), undoable=True)
        self.ctx.files.start_load(tab, source, doc.history.top_id)

    def toggle_sync_lock(self, on: bool) -> None:
        for tab in self.window.all_tabs():
            tab.document.sync_lock = on

    def _step_label(self, forward: bool) -> None:
        doc = self.ctx.document
        track = self._target_label_track(create=False) if doc else None
        if track is None:
            return
        here = doc.cursor
        region = track.next_after(here) if forward else track.previous_before(here)
        if region is not None:
            doc.select_region(track.id, region.id)
            self.window.current_timeline().scroll_to(region.start)

    def next_label(self) -> None:
        self._step_label(True)

    def previous_label(self) -> None:
        self._step_label(False)

    def new_label_track(self) -> None:
        doc = self.ctx.document
        if doc:
            doc.add_label_track()

    def toggle_snap(self, on: bool) -> None:
        for tab in self.window.all_tabs():
            tab.timeline.snap_to_zero = on
        self._snap = on

    def ask_columns(self, name: str, header: list[str], problem: str) -> dict | None:
        """Which columns of a table hold the start, end and text ({} when cancelled).  Tests
        replace it."""
        from workbench.ui.dialogs.columns import ColumnsDialog

        dialog = ColumnsDialog(name, header, problem, self.window)
        return dialog.choices() if dialog.exec() else {}

    def import_labels(self, path=None) -> None:
        from workbench.formats.labels import LabelFormatError, read_labels

        doc = self.ctx.document
        if doc is None:
            return
        if not path:
            path, _ = QFileDialog.getOpenFileName(self.window, "Import labels", "", LABEL_FILTER)
            if not path:
                return
        columns = None
        while True:
            try:
                tracks = read_labels(path, columns)
                break
            except LabelFormatError as exc:
                if exc.header and columns is None:    # a table whose columns are not named as we know
                    columns = self.ask_columns(Path(path).name, exc.header, exc.problem)
                    if columns:
                        continue
                    if columns is not None:       # the user cancelled: nothing imported, no message
                        return
                self.window.notify(QMessageBox.Icon.Warning, "Cannot import labels", str(exc),
                            f"File: {exc.path}\nLine: {exc.line or '-'}\nProblem: {exc.problem}")
                return
        count = sum(len(regions) for _, regions in tracks)
        with doc.history.group(f"Import labels from {Path(path).name}"):
            for name, regions in tracks:
                doc.add_label_track(doc.free_name(name), regions)
        self.window.show_status(f"Imported {count} labels in {len(tracks)} track(s) from {Path(path).name}")

    def export_labels(self, path=None) -> None:
        from workbench.formats.labels import LabelFormatError, format_for, write_labels

        doc = self.ctx.document
        if doc is None or not doc.label_tracks:
            self.window.show_status("There are no labels to export")
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(self.window, "Export labels", "", LABEL_FILTER)
            if not path:
                return
        try:
            fmt = format_for(path)
            tracks = [(t.name, t.regions) for t in doc.label_tracks]
            if not fmt.multi_track:
                first = self._target_label_track(create=False)
                tracks = [(first.name, first.regions)]
            options = {"duration": doc.duration} if fmt.name == "Praat TextGrid" else {}
            write_labels(path, tracks, **options)
        except (LabelFormatError, OSError) as exc:
            self.window.notify(QMessageBox.Icon.Warning, "Cannot export labels", str(exc))
            return
        self.window.show_status(f"Exported {sum(len(r) for _, r in tracks)} labels to {Path(path).name} ({fmt.name})")
