"""Opening recordings and projects, loading, saving, bundles, audio export, autosave and crash
recovery, closing tabs, dropping files: the MainWindow's file handling (a mixin: it uses the
window's tabs, settings, status bar and messages)."""
from __future__ import annotations

import time
import uuid
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QVBoxLayout, QWidget

from workbench.core import project as projects
from workbench.core.audio import AudioOpenError, open_audio
from workbench.core.document import Document
from workbench.dsp.spectrogram import SpectrogramParams
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


class FilesMixin:
    def all_tabs(self) -> list[DocumentTab]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def current_tab(self) -> DocumentTab | None:
        return self.tabs.currentWidget()

    def current_timeline(self) -> TimelineView | None:
        tab = self.current_tab()
        return tab.timeline if tab else None

    def spectrogram_params(self) -> SpectrogramParams:
        return SpectrogramParams(**self.settings.spectrogram)

    def open_dialog(self) -> None:
        start = str(Path(self.settings.recent_files[0]).parent) if self.settings.recent_files else ""
        paths, _ = QFileDialog.getOpenFileNames(self, "Open recordings", start, AUDIO_FILTER)
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
            self.notify(QMessageBox.Icon.Warning, "Cannot open file", str(exc),
                        f"File: {exc.path}\nProblem: {exc.problem}")
            return None
        doc = Document()
        doc.add_track(source)
        doc.history.mark_clean()
        tab = self._add_document(doc, path)
        self._start_load(tab)
        return tab

    def open_project(self, path, doc_missing=None) -> DocumentTab | None:
        path = Path(path)
        try:
            doc, missing = doc_missing or projects.load_project(path, outside=self.ask_outside)
        except (projects.ProjectError, AudioOpenError, OSError) as exc:
            self.notify(QMessageBox.Icon.Warning, "Cannot open project", str(exc))
            return None
        tab = self._add_document(doc, path)
        tab.loaded = True
        self._update_info()
        self.show_status(f"Opened project {doc.title}")
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
                          f"Without them the rest opens, and you can relink them later.", parent=self)
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
        box = self.notify(QMessageBox.Icon.Warning, "Audio files are missing",
                          f"{len(missing)} audio file(s) of “{tab.document.title}” {why}. The rest is "
                          f"open; these play as silence until you relink them:\n{names}")
        button = box.addButton("Relink…", QMessageBox.ButtonRole.ActionRole)
        button.clicked.connect(lambda: self.relink(tab, missing))

    def relink(self, tab: DocumentTab, missing: list[dict], chooser=None) -> None:
        """Ask where each missing file went (``chooser(old_path) -> new path or None``)."""
        chooser = chooser or (lambda old: QFileDialog.getOpenFileName(
            self, f"Where is {Path(old).name}?", str(Path(old).parent), AUDIO_FILTER)[0])
        for m in list(missing):
            new = chooser(m["path"])
            if not new:
                continue
            try:
                projects.relink(tab.document, m["source"], new)
                missing.remove(m)
            except AudioOpenError as exc:
                self.notify(QMessageBox.Icon.Warning, "Cannot relink", str(exc))
        tab.timeline.rebuild()
        if not missing:
            self.show_status("All audio files found")

    def _add_document(self, doc: Document, path: Path) -> DocumentTab:
        timeline = TimelineView(doc, self.spectrogram_params(), self.settings.view_mode, self.theme)
        timeline.snap_to_zero = self.actions_by_id["edit.snap"].isChecked()
        doc.sync_lock = self.actions_by_id["edit.sync_lock"].isChecked()
        doc.edit_all_tracks = self.actions_by_id["select.all_tracks"].isChecked()
        doc.ripple = self.actions_by_id["clip.ripple"].isChecked()
        doc.history.changed.connect(self._update_undo_actions)
        doc.tracks_changed.connect(self._update_info)
        doc.rate_changed.connect(lambda _rate: self._update_info())
        timeline.view_changed.connect(self._update_position)
        timeline.hover_time.connect(self._hovered)
        timeline.message.connect(self.show_status)
        timeline.files_dropped.connect(lambda paths, t, track: [self.import_audio(p, t, track) for p in paths])
        timeline.generated_dropped.connect(self.drop_generated)
        doc.cursor_changed.connect(self._update_position)
        doc.selection_changed.connect(self._update_position)
        tab = DocumentTab(doc, timeline)
        self.tabs.addTab(tab, doc.title)
        self.tabs.setTabToolTip(self.tabs.indexOf(tab), str(path))
        doc.history.changed.connect(lambda: self._update_title(tab))
        self.tabs.setCurrentWidget(tab)
        self.stack.setCurrentIndex(1)
        self._update_enabled()
        self.settings.add_recent(path)
        self._rebuild_recent()
        self._update_title(tab)
        return tab

    def _update_title(self, tab: DocumentTab) -> None:
        idx = self.tabs.indexOf(tab)
        if idx < 0:
            return
        doc = tab.document
        mark = " •" if doc.history.modified else ""
        self.tabs.setTabText(idx, doc.title + mark)
        if tab is self.current_tab():
            self.setWindowTitle(f"{doc.title}{mark} — Audio Workbench")

    def _start_load(self, tab: DocumentTab, source=None) -> None:
        """Scan or decode ``source`` (the tab's first file when None) on a worker; when it
        fails, the tab closes (its first file) or the import is undone (a later one)."""
        first = source is None
        source = source or tab.document.first_source
        worker = GeneratorWorker(source.load, self)
        tab.worker = worker
        started = time.monotonic()
        last = [0.0]

        def progressed(fraction: float) -> None:
            if tab is self.current_tab():
                self.progress.setValue(int(fraction * 1000))
                self.progress.show()
            now = time.monotonic()
            if now - last[0] >= LOAD_REDRAW_S:  # let the waveform grow while decoding
                last[0] = now
                tab.timeline.overview.refresh()
                tab.timeline.redraw()

        def finished(_result) -> None:
            tab.loaded = True
            tab.worker = None
            self.progress.hide()
            tab.document.source_loaded(source)
            tab.timeline.rebuild()
            tab.timeline.fit()
            info = source.info
            self.show_status(f"Opened {source.path.name}: {info.describe()}, "
                             f"{format_time(info.duration)} (in {time.monotonic() - started:.2f} s)")
            self._update_info()
            if info.warnings:
                self.notify(QMessageBox.Icon.Warning, "File opened with problems",
                            f"“{source.path.name}” was opened, but: " + "; ".join(info.warnings),
                            f"File: {source.path}")

        def failed(exc, details: str) -> None:
            self.progress.hide()
            tab.worker = None
            if first:
                self._remove_tab(tab)
            else:  # an imported track that failed: take it out again, leave the rest
                tab.loaded = True
                tab.document.history.undo()
            problem = str(exc) if isinstance(exc, AudioOpenError) else \
                f"Cannot open “{source.path.name}”: {exc}"
            self.notify(QMessageBox.Icon.Warning, "Cannot open file", problem, details)

        worker.progress.connect(progressed)
        worker.done.connect(finished)
        worker.failed.connect(failed)
        worker.cancelled.connect(lambda: self.progress.hide())
        worker.start()

    def close_current(self) -> None:
        if self.current_tab() is not None:
            self.close_tab(self.tabs.currentIndex())

    def close_tab(self, index: int) -> bool:
        tab = self.tabs.widget(index)
        if tab is None:
            return True
        if self.recorder.recording and self.recorder.doc is tab.document:
            self.recorder.stop()          # the take becomes an edit, so the prompt below covers it
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
                          | QMessageBox.StandardButton.Cancel, self)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")

    def save(self, tab=None) -> bool:
        tab = tab if isinstance(tab, DocumentTab) else self.current_tab()
        if tab is None:
            return False
        if tab.document.path is None:
            return self.save_as(tab)
        return self._save_to(tab, tab.document.path)

    def save_as(self, tab=None, path=None) -> bool:
        tab = tab if isinstance(tab, DocumentTab) else self.current_tab()
        if tab is None:
            return False
        if not path:
            src = tab.document.first_source
            start = str(Path(src.path).with_suffix(".awproj")) if src is not None else ""
            path, _ = QFileDialog.getSaveFileName(self, "Save project", start, PROJECT_FILTER)
            if not path:
                return False
        return self._save_to(tab, Path(path))

    def _save_to(self, tab: DocumentTab, path: Path) -> bool:
        try:
            saved = projects.save_project(tab.document, path)
        except OSError as exc:
            why = "the disk is full" if exc.errno == 28 else (exc.strerror or str(exc))
            self.notify(QMessageBox.Icon.Critical, "Project not saved",
                        f"“{Path(path).name}” could not be saved: {why}. Your work is still open "
                        f"and the last saved version is untouched.")
            return False
        projects.remove_recovery(tab.key)
        self.settings.add_recent(saved)
        self._rebuild_recent()
        self._update_title(tab)
        self.tabs.setTabToolTip(self.tabs.indexOf(tab), str(saved))
        self.show_status(f"Saved {saved}")
        return True

    def save_bundle(self, path=None) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Save as bundle", "", BUNDLE_FILTER)
            if not path:
                return
        try:
            saved = projects.save_bundle(tab.document, path)
        except OSError as exc:
            self.notify(QMessageBox.Icon.Critical, "Bundle not saved", f"{Path(path).name}: {exc}")
            return
        self.show_status(f"Saved bundle {saved} ({saved.stat().st_size / 1e6:.1f} MB)")

    def export_audio_dialog(self) -> None:
        from workbench.ui.dialogs.export import ExportDialog

        tab = self.current_tab()
        if tab is None:
            return
        dialog = ExportDialog(tab.document, self)
        self._export_dialog = dialog
        dialog.accepted.connect(lambda: self.export_audio(**dialog.choices()))
        dialog.open()

    def export_audio(self, path, selection_only=False, sample_rate=None, subtype=None) -> GeneratorWorker | None:
        from workbench.formats.export import ExportError, export_audio

        doc = self._doc()
        if doc is None:
            return None
        start, end = doc.selection if (selection_only and doc.selection) else (None, None)
        worker = GeneratorWorker(lambda cancelled: export_audio(doc, path, start, end, sample_rate,
                                                                subtype, cancelled), self)
        self.progress.show()
        worker.progress.connect(lambda f: self.progress.setValue(int(f * 1000)))

        def done(_):
            self.progress.hide()
            self.show_status(f"Exported {Path(path).name}")

        def failed(exc, details):
            self.progress.hide()
            text = str(exc) if isinstance(exc, ExportError) else f"The export failed: {exc}"
            self.notify(QMessageBox.Icon.Warning, "Export failed", text, details)

        worker.done.connect(done)
        worker.failed.connect(failed)
        worker.cancelled.connect(lambda: self.progress.hide())
        self._export_worker = worker
        worker.start()
        return worker

    def autosave(self) -> int:
        """Write a recovery file for every tab changed since the last one; returns how many."""
        written = 0
        for tab in self.all_tabs():
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
                    self.show_status(f"Autosave failed: {exc}")
            elif not doc.history.modified:
                projects.remove_recovery(tab.key)
        return written

    def offer_recovery(self, ask=None) -> int:
        """After a crash: offer the work the last session did not save.  Returns tabs restored."""
        entries = projects.list_recoveries()
        if not entries:
            return 0
        names = "\n".join(f"• {e['title']} (autosaved {e['saved']})" for e in entries)
        ask = ask or (lambda: QMessageBox.question(
            self, "Restore unsaved work?",
            f"Audio Workbench did not close normally. Restore the unsaved work?\n{names}")
            == QMessageBox.StandardButton.Yes)
        restored = 0
        if ask():
            for e in entries:
                try:
                    doc, missing = projects.restore_recovery(e)
                except Exception as exc:  # noqa: BLE001 - a damaged recovery file is reported
                    self.notify(QMessageBox.Icon.Warning, "Cannot restore", f"{e['title']}: {exc}")
                    continue
                tab = self.open_project(e["file"], (doc, missing))
                if tab is not None:
                    doc.history.push(_Restored())
                    restored += 1
        for e in entries:
            projects.remove_recovery(e["key"])
        return restored

    def _remove_tab(self, tab: DocumentTab) -> None:
        self.job_queue.cancel_all(tab.document)
        if self.playback.timeline is tab.timeline:
            self.playback.stop()
        if tab.worker is not None:
            tab.worker.cancel()
            tab.worker.wait(5000)
        idx = self.tabs.indexOf(tab)
        if idx >= 0:
            self.tabs.removeTab(idx)
        tab.timeline.close()
        tab.document.close()
        tab.deleteLater()
        if self.tabs.count() == 0:
            self.setWindowTitle("Audio Workbench")
            self.stack.setCurrentIndex(0)
            self.info_label.clear()
            self.position_label.clear()
        self._update_enabled()

    def dragEnterEvent(self, ev) -> None:
        if ev.mimeData().hasUrls():
            ev.acceptProposedAction()

    def dropEvent(self, ev) -> None:
        paths = [u.toLocalFile() for u in ev.mimeData().urls() if u.isLocalFile()]
        if paths:
            ev.acceptProposedAction()
            self.open_files(paths)


class _Restored:
    """A history step that marks restored work as unsaved (undoing it changes nothing)."""

    title = "Restored after a crash"
    merge_key = None

    def do(self, doc) -> None:
        pass

    def undo(self, doc) -> None:
        pass
