"""Opening recordings and projects, loading, saving, bundles, audio export, autosave and crash
recovery, closing tabs: the file controller (it uses the window's tabs, settings, status bar and
messages)."""
from __future__ import annotations

import time
import uuid
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QVBoxLayout, QWidget

from workbench.core import project as projects
from workbench.core.audio import AudioOpenError, open_audio
from workbench.core.document import Document
from workbench.ui.controllers.base import Controller
from workbench.ui.timeline.axes import format_time
from workbench.ui.timeline.view import TimelineView
from workbench.ui.workers import GeneratorWorker

AUDIO_FILTER = ("Audio and projects (*.wav *.wave *.flac *.ogg *.oga *.opus *.mp3 *.aif *.aiff *.aifc "
                "*.rf64 *.w64 *.caf *.au *.awproj *.awbundle);;Projects (*.awproj *.awbundle);;All files (*)")
PROJECT_FILTER = "Audio Workbench project (*.awproj)"
BUNDLE_FILTER = "Audio Workbench bundle (*.awbundle)"
LABEL_FILTER = ("Labels (*.txt *.srt *.vtt *.TextGrid *.eaf *.csv *.json *.raven);;"
                "Audacity labels (*.txt);;SubRip (*.srt);;WebVTT (*.vtt);;Praat TextGrid (*.TextGrid);;"
                "ELAN (*.eaf);;CSV (*.csv);;JSON (*.json);;Raven selection table (*.selections.txt)")
LOAD_REDRAW_S = 0.25


class DocumentTab(QWidget):
    """One open recording: its document, its timeline and the job that scans or decodes it."""

    def __init__(self, document: Document, timeline: TimelineView) -> None:
        super().__init__()
        self.document = document
        self.timeline = timeline
        self.worker: GeneratorWorker | None = None
        self.loaded = False
        self.key = uuid.uuid4().hex          # names its recovery file
        self.autosaved_at = -1               # history length at the last autosave
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(timeline)


class FileController(Controller):
    def open_demo(self):
        """Help ▸ Open the Demo Recording: the short recording that ships with the workbench."""
        from workbench.core.paths import demo_recording

        demo = demo_recording()
        if demo is None:
            self.window.show_status("The demo recording is not part of this install (resources/demo)")
            return None
        tabs = self.open_files([str(demo)])
        return tabs[0] if tabs else None

    def open_dialog(self) -> None:
        start = str(Path(self.window.settings.recent_files[0]).parent) if self.window.settings.recent_files else ""
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Open recordings", start, AUDIO_FILTER)
        self.open_files(paths)

    def open_files(self, paths) -> list[DocumentTab]:
        return [tab for tab in (self.open_file(p) for p in paths) if tab is not None]

    def open_file(self, path) -> DocumentTab | None:
        """Open a recording or a project in a new tab; what cannot be opened gets a message."""
        path = Path(path)
        if path.suffix.lower() in (projects.PROJECT_SUFFIX, projects.BUNDLE_SUFFIX):
            return self.open_project(path)
        try:
            source = open_audio(path)
        except AudioOpenError as exc:
            self.window.notify(QMessageBox.Icon.Warning, "Cannot open file", str(exc),
                        f"File: {exc.path}\nProblem: {exc.problem}")
            return None
        doc = Document()
        doc.add_track(source)
        doc.history.mark_clean()
        tab = self._add_document(doc, path)
        self.start_load(tab)
        return tab

    def open_project(self, path, doc_missing=None) -> DocumentTab | None:
        path = Path(path)
        try:
            doc, missing = doc_missing or projects.load_project(path, outside=self.ask_outside)
        except (projects.ProjectError, AudioOpenError, OSError) as exc:
            self.window.notify(QMessageBox.Icon.Warning, "Cannot open project", str(exc))
            return None
        tab = self._add_document(doc, path)
        tab.loaded = True
        self.window.update_info()
        self.window.show_status(f"Opened project {doc.title}")
        if missing:
            self._offer_relink(tab, missing)
        return tab

    def ask_outside(self, project: Path, files: list[Path]) -> bool:
        """Before a project reads audio from outside its own folder, the first time (projects
        this machine saved are remembered).  True: read them (tests replace this method)."""
        shown = "\n".join(f"• {f}" for f in files[:12]) + (f"\n… and {len(files) - 12} more"
                                                            if len(files) > 12 else "")
        box = QMessageBox(QMessageBox.Icon.Question, "Read files outside the project?",
                          f"“{project.name}” reads audio from outside its own folder:\n{shown}\n\n"
                          f"Read these files only if you trust where the project came from. "
                          f"Without them the rest opens, and you can relink them later.", parent=self.window)
        read = box.addButton("Read Them", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Open Without Them", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(read)
        box.exec()
        return box.clickedButton() is read

    def _offer_relink(self, tab: DocumentTab, missing: list[dict]) -> None:
        names = "\n".join(f"• {m['path']}" for m in missing)
        why = ("are outside the project's folder and were not read" if all(m.get("declined") for m in missing)
               else "are not where the project says or were not read")
        if not any(m.get("declined") for m in missing):
            why = "are not where the project says"
        box = self.window.notify(QMessageBox.Icon.Warning, "Audio files are missing",
                          f"{len(missing)} audio file(s) of “{tab.document.title}” {why}. The rest is "
                          f"open; these play as silence until you relink them:\n{names}")
        button = box.addButton("Relink…", QMessageBox.ButtonRole.ActionRole)
        button.clicked.connect(lambda: self.relink(tab, missing))

    def relink(self, tab: DocumentTab, missing: list[dict], chooser=None) -> None:
        """Ask where each missing file went (``chooser(old_path) -> new path or None``)."""
        chooser = chooser or (lambda old: QFileDialog.getOpenFileName(
            self.window, f"Where is {Path(old).name}?", str(Path(old).parent), AUDIO_FILTER)[0])
        for m in list(missing):
            new = chooser(m["path"])
            if not new:
                continue
            try:
                projects.relink(tab.document, m["source"], new)
                missing.remove(m)
            except AudioOpenError as exc:
                self.window.notify(QMessageBox.Icon.Warning, "Cannot relink", str(exc))
        tab.timeline.rebuild()
        if not missing:
            self.window.show_status("All audio files found")

    def _add_document(self, doc: Document, path: Path) -> DocumentTab:
        timeline = TimelineView(doc, self.ctx.view.spectrogram_params(), self.window.settings.view_mode, self.window.theme)
        timeline.snap_to_zero = self.window.actions_by_id["edit.snap"].isChecked()
        doc.sync_lock = self.window.actions_by_id["edit.sync_lock"].isChecked()
        doc.edit_all_tracks = self.window.actions_by_id["select.all_tracks"].isChecked()
        doc.ripple = self.window.actions_by_id["clip.ripple"].isChecked()
        doc.history.changed.connect(self.window.update_undo_actions)
        doc.tracks_changed.connect(self.window.update_info)
        doc.rate_changed.connect(lambda _rate: self.window.update_info())
        timeline.view_changed.connect(self.window.update_position)
        timeline.hover_time.connect(self.window.hovered)
        timeline.message.connect(self.window.show_status)
        timeline.files_dropped.connect(lambda paths, t, track: [self.ctx.edits.import_audio(p, t, track) for p in paths])
        timeline.generated_dropped.connect(self.ctx.tasks.drop_generated)
        doc.cursor_changed.connect(self.window.update_position)
        doc.selection_changed.connect(self.window.update_position)
        tab = DocumentTab(doc, timeline)
        self.window.tabs.addTab(tab, doc.title)
        self.window.tabs.setTabToolTip(self.window.tabs.indexOf(tab), str(path))
        doc.history.changed.connect(lambda: self.window.update_title(tab))
        self.window.tabs.setCurrentWidget(tab)
        self.window.stack.setCurrentIndex(1)
        self.window.update_enabled()
        self.window.settings.add_recent(path)
        self.window.rebuild_recent()
        self.window.update_title(tab)
        return tab

    def start_load(self, tab: DocumentTab, source=None, step: int = 0) -> None:
        """Scan or decode ``source`` (the tab's first file when None) on a worker; when it
        fails, the tab closes (its first file) or the import, history step ``step``, is
        withdrawn (a later one): only it, whatever the user did meanwhile."""
        first = source is None
        source = source or tab.document.first_source
        worker = GeneratorWorker(source.load, self.window)
        tab.worker = worker
        started = time.monotonic()
        last = [0.0]

        def progressed(fraction: float) -> None:
            if tab is self.window.current_tab():
                self.window.progress.setValue(int(fraction * 1000))
                self.window.progress.show()
            now = time.monotonic()
            if now - last[0] >= LOAD_REDRAW_S:  # let the waveform grow while decoding
                last[0] = now
                tab.timeline.overview.refresh()
                tab.timeline.redraw()

        def finished(_result) -> None:
            tab.loaded = True
            tab.worker = None
            self.window.progress.hide()
            tab.document.source_loaded(source)
            tab.timeline.rebuild()
            tab.timeline.fit()
            info = source.info
            self.window.show_status(f"Opened {source.path.name}: {info.describe()}, "
                             f"{format_time(info.duration)} (in {time.monotonic() - started:.2f} s)")
            self.window.update_info()
            if info.warnings:
                self.window.notify(QMessageBox.Icon.Warning, "File opened with problems",
                            f"“{source.path.name}” was opened, but: " + "; ".join(info.warnings),
                            f"File: {source.path}")

        def failed(exc, details: str) -> None:
            self.window.progress.hide()
            tab.worker = None
            if first:
                self._remove_tab(tab)
            else:  # an imported track or clip that failed: take it out again, leave the rest
                tab.loaded = True
                tab.document.history.withdraw(step)
            problem = str(exc) if isinstance(exc, AudioOpenError) else \
                f"Cannot open “{source.path.name}”: {exc}"
            self.window.notify(QMessageBox.Icon.Warning, "Cannot open file", problem, details)

        worker.progress.connect(progressed)
        worker.done.connect(finished)
        worker.failed.connect(failed)
        worker.cancelled.connect(lambda: self.window.progress.hide())
        worker.start()

    def close_current(self) -> None:
        if self.window.current_tab() is not None:
            self.close_tab(self.window.tabs.currentIndex())

    def close_tab(self, index: int) -> bool:
        tab = self.window.tabs.widget(index)
        if tab is None:
            return True
        if self.window.recorder.recording and self.window.recorder.doc is tab.document:
            self.window.recorder.stop()          # the take becomes an edit, so the prompt below covers it
        if tab.document.history.modified:
            answer = self.ask_unsaved(tab.document)
            if answer == "cancel":
                return False
            if answer == "save" and not self.save(tab):
                return False
        projects.remove_recovery(tab.key)
        self._remove_tab(tab)
        return True

    def ask_unsaved(self, doc) -> str:
        """"save", "discard" or "cancel" (tests replace this method)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          f"Save the changes to “{doc.title}” before closing?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self.window)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")

    def save(self, tab=None) -> bool:
        tab = tab if isinstance(tab, DocumentTab) else self.window.current_tab()
        if tab is None:
            return False
        if tab.document.path is None:
            return self.save_as(tab)
        return self._save_to(tab, tab.document.path)

    def save_as(self, tab=None, path=None) -> bool:
        tab = tab if isinstance(tab, DocumentTab) else self.window.current_tab()
        if tab is None:
            return False
        if not path:
            src = tab.document.first_source
            start = str(Path(src.path).with_suffix(".awproj")) if src is not None else ""
            path, _ = QFileDialog.getSaveFileName(self.window, "Save project", start, PROJECT_FILTER)
            if not path:
                return False
        return self._save_to(tab, Path(path))

    def _save_to(self, tab: DocumentTab, path: Path) -> bool:
        try:
            saved = projects.save_project(tab.document, path)
        except OSError as exc:
            why = "the disk is full" if exc.errno == 28 else (exc.strerror or str(exc))
            self.window.notify(QMessageBox.Icon.Critical, "Project not saved",
                        f"“{Path(path).name}” could not be saved: {why}. Your work is still open "
                        f"and the last saved version is untouched.")
            return False
        projects.remove_recovery(tab.key)
        self.ctx.tasks.document_saved(tab.document)     # Retrain's recipes name the file now
        self.window.settings.add_recent(saved)
        self.window.rebuild_recent()
        self.window.update_title(tab)
        self.window.tabs.setTabToolTip(self.window.tabs.indexOf(tab), str(saved))
        self.window.show_status(f"Saved {saved}")
        return True

    def save_bundle(self, path=None) -> None:
        tab = self.window.current_tab()
        if tab is None:
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(self.window, "Save as bundle", "", BUNDLE_FILTER)
            if not path:
                return
        try:
            saved = projects.save_bundle(tab.document, path)
        except OSError as exc:
            self.window.notify(QMessageBox.Icon.Critical, "Bundle not saved", f"{Path(path).name}: {exc}")
            return
        self.window.show_status(f"Saved bundle {saved} ({saved.stat().st_size / 1e6:.1f} MB)")

    def export_audio_dialog(self) -> None:
        from workbench.ui.dialogs.export import ExportDialog

        tab = self.window.current_tab()
        if tab is None:
            return
        dialog = ExportDialog(tab.document, self.window)
        self._export_dialog = dialog
        dialog.accepted.connect(lambda: self.export_audio(**dialog.choices()))
        dialog.open()

    def export_audio(self, path, selection_only=False, sample_rate=None, subtype=None) -> GeneratorWorker | None:
        from workbench.core.mix import export_tags
        from workbench.formats.export import ExportError, export_audio

        doc = self.ctx.document
        if doc is None:
            return None
        start, end = doc.selection if (selection_only and doc.selection) else (None, None)
        tags = export_tags(doc.tracks, start or 0.0, doc.duration if end is None else end)
        worker = GeneratorWorker(lambda cancelled: export_audio(doc, path, start, end, sample_rate,
                                                                subtype, cancelled, tags), self.window)
        self.window.progress.show()
        worker.progress.connect(lambda f: self.window.progress.setValue(int(f * 1000)))

        def done(_):
            self.window.progress.hide()
            self.window.show_status(f"Exported {Path(path).name}")

        def failed(exc, details):
            self.window.progress.hide()
            text = str(exc) if isinstance(exc, ExportError) else f"The export failed: {exc}"
            self.window.notify(QMessageBox.Icon.Warning, "Export failed", text, details)

        worker.done.connect(done)
        worker.failed.connect(failed)
        worker.cancelled.connect(lambda: self.window.progress.hide())
        self._export_worker = worker
        worker.start()
        return worker

    def autosave(self) -> int:
        """Write a recovery file for every tab changed since the last one; returns how many."""
        written = 0
        for tab in self.window.all_tabs():
            doc = tab.document
            if not tab.loaded:
                continue
            state = (len(doc.history.titles), doc.history.index)
            if doc.history.modified and state != tab.autosaved_at:
                try:
                    projects.write_recovery(doc, tab.key)
                    tab.autosaved_at = state
                    written += 1
                except OSError as exc:
                    self.window.show_status(f"Autosave failed: {exc}")
            elif not doc.history.modified:
                projects.remove_recovery(tab.key)
        return written

    def offer_recovery(self, ask=None) -> int:
        """After a crash: offer the work the last session did not save, and any recording it
        was making (its raw take).  Returns how many tabs and takes were restored."""
        from workbench.core import recording

        entries = projects.list_recoveries()
        takes = recording.interrupted_takes()
        if not entries and not takes:
            return 0
        names = "\n".join([f"• {e['title']} (autosaved {e['saved']})" for e in entries]
                          + [f"• {t.get('track') or t['name']}: a recording cut short, "
                             f"{format_time(t['frames'] / t['rate'])} (started {str(t.get('started', '?')).replace('T', ' ')})"
                             for t in takes])
        ask = ask or (lambda: QMessageBox.question(
            self.window, "Restore unsaved work?",
            f"Audio Workbench did not close normally. Restore the unsaved work?\n{names}")
            == QMessageBox.StandardButton.Yes)
        restored = 0
        restore = ask()
        if restore:
            for e in entries:
                try:
                    doc, missing = projects.restore_recovery(e)
                except Exception as exc:  # noqa: BLE001 - a damaged recovery file is reported
                    self.window.notify(QMessageBox.Icon.Warning, "Cannot restore", f"{e['title']}: {exc}")
                    continue
                tab = self.open_project(e["file"], (doc, missing))
                if tab is not None:
                    doc.history.push(_Restored())
                    restored += 1
        # a take the user did not want back is still kept on disk as FLAC, where they can find it
        restored += sum(self._restore_take(t, place=restore) for t in takes)
        for e in entries:
            projects.remove_recovery(e["key"])
        return restored

    def _restore_take(self, take: dict, place: bool = True) -> bool:
        """An interrupted take as FLAC; placed (``place``) as a new track at the time it started,
        in its project's tab (opened if needed), else in a tab of its own."""
        from workbench.core import recording

        try:
            source = recording.recover_take(take)
        except (OSError, AudioOpenError, RuntimeError) as exc:
            self.window.notify(QMessageBox.Icon.Warning, "Cannot restore the recording",
                               f"“{take['raw']}” could not be read back: {exc}. The raw file is left "
                               f"where it is ({take['rate']} Hz, {take['channels']} channels, float32).")
            return False
        if not place:
            self.window.show_status(f"The interrupted recording is kept as {source.path}")
            return False
        project = take.get("project")
        tab = next((t for t in self.window.all_tabs() if project and t.document.path is not None
                    and Path(t.document.path) == Path(project)), None)
        if tab is None and project and Path(project).is_file():
            tab = self.open_project(Path(project))
        if tab is None:
            return self.open_file(source.path) is not None
        from workbench.ui.recording import take_clip

        name = take.get("track") or source.path.stem
        clip = take_clip(source, float(take.get("start", 0.0)), name, take.get("device"), take.get("started"),
                         recovered=True)
        tab.document.add_audio_track(name, [clip], title=f"Restore the interrupted recording “{name}”")
        self.window.show_status(f"Restored the interrupted recording “{name}” ({source.path.name})")
        return True

    def _remove_tab(self, tab: DocumentTab) -> None:
        self.window.job_queue.cancel_all(tab.document)
        if self.window.playback.timeline is tab.timeline:
            self.window.playback.stop()
        if tab.worker is not None:
            tab.worker.cancel()
            tab.worker.wait(5000)
        idx = self.window.tabs.indexOf(tab)
        if idx >= 0:
            self.window.tabs.removeTab(idx)
        tab.timeline.close()
        tab.document.close()
        tab.deleteLater()
        if self.window.tabs.count() == 0:
            self.window.setWindowTitle("Audio Workbench")
            self.window.stack.setCurrentIndex(0)
            self.window.info_label.clear()
            self.window.position_label.clear()
        self.window.update_enabled()


class _Restored:
    """A history step that marks restored work as unsaved (undoing it changes nothing)."""

    title = "Restored after a crash"
    merge_key = None

    def do(self, doc) -> None:
        pass

    def undo(self, doc) -> None:
        pass
