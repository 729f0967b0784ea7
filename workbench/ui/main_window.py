"""The main window: tabs of open recordings, menus from the action table, status bar.  Wiring only."""
from __future__ import annotations

import time
import uuid
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QApplication, QFileDialog, QInputDialog, QLabel, QMainWindow, QMessageBox, QProgressBar,
                               QPushButton, QStackedWidget, QTabWidget, QVBoxLayout, QWidget)

from workbench import __version__
from workbench.core import project as projects
from workbench.core.audio import AudioOpenError, open_audio
from workbench.core.document import Document
from workbench.core.playback import output_devices
from workbench.core.settings import Settings
from workbench.dsp.spectrogram import SpectrogramParams
from workbench.ui import theme as themes
from workbench.ui.actions import ACTIONS
from workbench.ui.docks import HistoryDock, RegionListDock
from workbench.ui.jobs import Job, JobQueue, JobsDock
from workbench.ui.tasks_panel import TaskPanel
from workbench.ui.transcript import TranscriptDock
from workbench.ui.playback import PlaybackController
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


class WelcomePage(QWidget):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        title = QLabel("<h2>Audio Workbench</h2>")
        hint = QLabel("Open a recording to see its waveform and spectrogram.<br>"
                      "Drop audio files here, or press <b>Ctrl+O</b>.")
        button = QPushButton("Open a recording…")
        button.clicked.connect(window.open_dialog)
        for w in (title, hint):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(w)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, save_settings: bool = True) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self._save_settings = save_settings
        self.theme = themes.resolve(self.settings.theme)
        self.messages: list[QMessageBox] = []     # open notices (tests read them)
        self.setWindowTitle("Audio Workbench")
        self.resize(1280, 800)
        self.setAcceptDrops(True)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._current_changed)
        self.stack = QStackedWidget()
        self.stack.addWidget(WelcomePage(self))
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        self.status_text = QLabel()
        self.position_label = QLabel()
        self.info_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 1000)
        self.progress.hide()
        for label in (self.position_label, self.info_label):
            label.setContentsMargins(14, 0, 4, 0)
        bar = self.statusBar()
        bar.addWidget(self.status_text, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.position_label)
        bar.addPermanentWidget(self.info_label)

        self.regions_dock = RegionListDock(self)
        self.history_dock = HistoryDock(self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.regions_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.tabifyDockWidget(self.regions_dock, self.history_dock)
        self.regions_dock.raise_()
        self.regions_dock.hide()
        self.history_dock.hide()

        self.understand_panel = TaskPanel("understand", "Understand", self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.understand_panel)
        self.understand_panel.run_requested.connect(self.run_task)
        self.understand_panel.hide()
        self.transcript_dock = TranscriptDock(self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.transcript_dock)
        self.tabifyDockWidget(self.regions_dock, self.transcript_dock)
        self.transcript_dock.hide()
        self.job_queue = JobQueue(self)
        self.job_queue.finished.connect(self._job_finished)
        self.job_queue.partial.connect(self._job_partial)
        self.jobs_dock = JobsDock(self.job_queue, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.jobs_dock)
        self.jobs_dock.hide()

        self.playback = PlaybackController(self.settings.output_device, self)
        self.playback.problem.connect(lambda text: self.show_status(f"Playback: {text}"))
        self.actions_by_id: dict[str, QAction] = {}
        self._build_menus()
        self.actions_by_id["edit.sync_lock"].setChecked(True)
        self.actions_by_id["select.all_tracks"].setChecked(True)
        for dock, action_id in ((self.regions_dock, "view.regions"), (self.history_dock, "view.history"),
                                (self.understand_panel, "view.understand"), (self.jobs_dock, "view.jobs"),
                                (self.transcript_dock, "view.transcript")):
            dock.visibilityChanged.connect(self.actions_by_id[action_id].setChecked)
        self._sync_view_actions()
        self._apply_theme()
        self._follow_system_theme()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.timeout.connect(self.autosave)
        if self.settings.autosave_seconds > 0:
            self.autosave_timer.start(max(5, self.settings.autosave_seconds) * 1000)

    # -- construction -----------------------------------------------------------------------
    def _build_menus(self) -> None:
        menus: dict[str, object] = {}
        groups: dict[str, QActionGroup] = {}
        for spec in ACTIONS:
            menu = menus.get(spec.menu) or menus.setdefault(spec.menu, self.menuBar().addMenu(spec.menu))
            if spec.separator_before:
                menu.addSeparator()
            if spec.id == "file.recent":
                self.recent_menu = menu.addMenu(spec.title)
                self._rebuild_recent()
                continue
            action = QAction(spec.title, self)
            if spec.shortcut:
                action.setShortcuts([QKeySequence(k) for k in (spec.shortcut, *spec.more_shortcuts)])
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            if spec.checkable:
                action.setCheckable(True)
            if spec.tip:
                action.setStatusTip(spec.tip)
            if spec.group:
                action.setCheckable(True)
                groups.setdefault(spec.group, QActionGroup(self)).addAction(action)
            action.triggered.connect(getattr(self, spec.handler))
            menu.addAction(action)
            self.addAction(action)  # shortcuts work even when the menu bar is hidden
            self.actions_by_id[spec.id] = action
        self._update_enabled()

    def _rebuild_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_files([p]))
        self.recent_menu.setEnabled(bool(self.settings.recent_files))

    def _update_enabled(self) -> None:
        has_doc = self.current_tab() is not None
        for spec in ACTIONS:
            if spec.needs_document and spec.id in self.actions_by_id:
                self.actions_by_id[spec.id].setEnabled(has_doc)

    def _update_undo_actions(self) -> None:
        doc = self._doc() if hasattr(self, "tabs") else None
        undo, redo = self.actions_by_id["edit.undo"], self.actions_by_id["edit.redo"]
        undo.setEnabled(bool(doc and doc.history.can_undo))
        redo.setEnabled(bool(doc and doc.history.can_redo))
        undo.setText(f"&Undo {doc.history.undo_title}" if doc and doc.history.can_undo else "&Undo")
        redo.setText(f"&Redo {doc.history.redo_title}" if doc and doc.history.can_redo else "&Redo")

    def _sync_view_actions(self) -> None:
        self.actions_by_id[f"view.mode.{self.settings.view_mode}"].setChecked(True)
        self.actions_by_id[f"view.scale.{self.spectrogram_params().scale}"].setChecked(True)

    def _follow_system_theme(self) -> None:
        signal = getattr(QGuiApplication.styleHints(), "colorSchemeChanged", None)
        if signal is not None:
            signal.connect(lambda *_: self._apply_theme() if self.settings.theme == "system" else None)

    def _apply_theme(self) -> None:
        self.theme = themes.resolve(self.settings.theme)
        themes.apply_palette(QApplication.instance(), self.theme)
        for tab in self.all_tabs():
            tab.timeline.apply_theme(self.theme)

    # -- documents ----------------------------------------------------------------------------
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
            doc, missing = doc_missing or projects.load_project(path)
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

    def _offer_relink(self, tab: DocumentTab, missing: list[dict]) -> None:
        names = "\n".join(f"• {m['path']}" for m in missing)
        box = self.notify(QMessageBox.Icon.Warning, "Audio files are missing",
                          f"{len(missing)} audio file(s) of “{tab.document.title}” are not where the "
                          f"project says. The rest is open; these play as silence until you "
                          f"relink them:\n{names}")
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
        doc.history.changed.connect(self._update_undo_actions)
        timeline.view_changed.connect(self._update_position)
        timeline.hover_time.connect(self._hovered)
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

    def _start_load(self, tab: DocumentTab, track=None) -> None:
        track = track or tab.document.tracks[0]
        source = track.source
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
            tab.document.source_loaded(track)
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
            if track is tab.document.tracks[0]:
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

    # -- saving ------------------------------------------------------------------------------------
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
            start = str(Path(tab.document.tracks[0].source.path).with_suffix(".awproj")) if tab.document.tracks else ""
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

    # -- autosave and recovery -----------------------------------------------------------------------
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

    def _current_changed(self, _index: int) -> None:
        tab = self.current_tab()
        self.regions_dock.set_document(tab.document if tab else None, tab.timeline if tab else None)
        self.history_dock.set_history(tab.document.history if tab else None)
        self.understand_panel.set_document(tab.document if tab else None)
        self.transcript_dock.set_document(tab.document if tab else None, tab.timeline if tab else None)
        self._update_enabled()
        self._update_undo_actions()
        if tab is not None:
            self._update_title(tab)
        self._update_info()
        self._update_position()

    # -- messages and the status bar --------------------------------------------------------------
    def notify(self, icon, title: str, text: str, details: str = "") -> QMessageBox:
        """A non-blocking message: the window keeps working while it is open."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        if details:
            box.setDetailedText(details)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.finished.connect(lambda *_: self.messages.remove(box) if box in self.messages else None)
        self.messages.append(box)
        box.show()
        self.show_status(text)
        return box

    def show_status(self, text: str) -> None:
        self.status_text.setText(text)

    def _update_info(self) -> None:
        tab = self.current_tab()
        if tab is None:
            self.info_label.clear()
            return
        info = tab.document.tracks[0].source.info
        self.info_label.setText(f"{info.describe()}  ·  {format_time(info.duration)}")

    def _update_position(self, *_args) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        doc = tab.document
        if doc.selection:
            a, b = doc.selection
            self.position_label.setText(
                f"Selection {format_time(a)} – {format_time(b)} ({b - a:.3f} s)")
        else:
            self.position_label.setText(f"Cursor {format_time(doc.cursor)}")

    def _hovered(self, t: float) -> None:
        self.statusBar().showMessage(f"Pointer {format_time(t)}", 2000)

    # -- drag and drop ------------------------------------------------------------------------------
    def dragEnterEvent(self, ev) -> None:
        if ev.mimeData().hasUrls():
            ev.acceptProposedAction()

    def dropEvent(self, ev) -> None:
        paths = [u.toLocalFile() for u in ev.mimeData().urls() if u.isLocalFile()]
        if paths:
            ev.acceptProposedAction()
            self.open_files(paths)

    # -- action handlers (named in the action table) --------------------------------------------------
    def _timeline_call(self, name: str) -> None:
        timeline = self.current_timeline()
        if timeline is not None:
            getattr(timeline, name)()

    def zoom_in(self) -> None:
        self._timeline_call("zoom_in")

    def zoom_out(self) -> None:
        self._timeline_call("zoom_out")

    def zoom_normal(self) -> None:
        self._timeline_call("zoom_normal")

    def zoom_to_selection(self) -> None:
        self._timeline_call("zoom_to_selection")

    def fit(self) -> None:
        self._timeline_call("fit")

    def select_all(self) -> None:
        tab = self.current_tab()
        if tab:
            tab.document.set_selection(0.0, tab.document.duration)

    def select_none(self) -> None:
        tab = self.current_tab()
        if tab:
            tab.document.set_selection(None)

    def cursor_to_start(self) -> None:
        tab = self.current_tab()
        if tab:
            tab.document.set_selection(None)
            tab.document.set_cursor(0.0)
            tab.timeline.scroll_to(0.0)

    def cursor_to_end(self) -> None:
        tab = self.current_tab()
        if tab:
            tab.document.set_selection(None)
            tab.document.set_cursor(tab.document.duration)
            tab.timeline.scroll_to(tab.document.duration)

    def play_stop(self) -> None:
        timeline = self.current_timeline()
        if timeline is not None:
            self.playback.toggle(timeline)

    def play_looped(self) -> None:
        timeline = self.current_timeline()
        if timeline is not None:
            self.playback.toggle(timeline, loop=True)

    # -- labels and undo ------------------------------------------------------------------------
    def _doc(self):
        tab = self.current_tab()
        return tab.document if tab else None

    def undo(self) -> None:
        doc = self._doc()
        if doc and doc.history.undo():
            self.show_status(f"Undone: {doc.history.redo_title}")

    def redo(self) -> None:
        doc = self._doc()
        if doc and doc.history.redo():
            self.show_status(f"Redone: {doc.history.undo_title}")

    def _target_label_track(self, create: bool = True):
        """The track of the selected region, else the first label track (made if needed)."""
        doc = self._doc()
        if doc.selected_region:
            return doc.label_track(doc.selected_region[0])
        if doc.label_tracks:
            return doc.label_tracks[0]
        return doc.add_label_track() if create else None

    def add_label(self) -> None:
        doc = self._doc()
        if doc is None:
            return
        a, b = doc.selection if doc.selection else (doc.cursor, doc.cursor)
        with doc.history.group("Add label"):
            track = self._target_label_track()
            region = doc.add_region(track.id, a, b, "")
        doc.select_region(track.id, region.id)
        self.current_timeline().edit_region_text(track.id, region.id)

    def edit_label(self) -> None:
        doc = self._doc()
        if doc and doc.selected_region:
            self.current_timeline().edit_region_text(*doc.selected_region)

    def delete_label(self) -> None:
        """Delete: the selected label if there is one, else the selected audio (as Audacity)."""
        doc = self._doc()
        if doc and doc.selected_region:
            track_id, region_id = doc.selected_region
            doc.remove_regions(track_id, [region_id])
        elif doc and doc.selection:
            doc.delete_audio()

    # -- audio edits ----------------------------------------------------------------------------------
    def _edit(self, name: str, *args) -> None:
        doc = self._doc()
        if doc is None:
            return
        if not doc.selection and name not in ("insert_silence",):
            self.show_status("Select some audio first (drag over the waveform)")
            return
        getattr(doc, name)(*args)

    def cut_audio(self) -> None:
        doc = self._doc()
        if doc and doc.selection:
            self.clipboard = doc.copy_audio()
            doc.delete_audio("Cut")

    def copy_audio(self) -> None:
        doc = self._doc()
        if doc and doc.selection:
            self.clipboard = doc.copy_audio()
            self.show_status(f"Copied {doc.selection[1] - doc.selection[0]:.3f} s")

    def paste_audio(self) -> None:
        doc = self._doc()
        if doc and getattr(self, "clipboard", None):
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
            db, ok = QInputDialog.getDouble(self, "Gain", "Change the selection's level by (dB):",
                                            -6.0, -60.0, 30.0, 1)
            if not ok:
                return
        self._edit("gain_audio", db)

    def insert_silence(self, seconds: float | None = None) -> None:
        if seconds is None or isinstance(seconds, bool):
            seconds, ok = QInputDialog.getDouble(self, "Insert silence", "Seconds of silence at the cursor:",
                                                 1.0, 0.001, 36000.0, 3)
            if not ok:
                return
        self._edit("insert_silence", seconds)

    def toggle_all_tracks(self, on: bool) -> None:
        for tab in self.all_tabs():
            tab.document.edit_all_tracks = on
        self.show_status("Edits act on every track" if on else "Edits act on the track you last clicked")

    def import_audio(self, path=None) -> None:
        """Add a recording to the current document as a new track (undoable)."""
        tab = self.current_tab()
        if tab is None:
            return
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Import audio", "", AUDIO_FILTER)
            if not path:
                return
        try:
            source = open_audio(path)
        except AudioOpenError as exc:
            self.notify(QMessageBox.Icon.Warning, "Cannot import audio", str(exc))
            return
        track = tab.document.add_track(source, undoable=True)
        self._start_load(tab, track)

    def toggle_sync_lock(self, on: bool) -> None:
        for tab in self.all_tabs():
            tab.document.sync_lock = on

    def _step_label(self, forward: bool) -> None:
        doc = self._doc()
        track = self._target_label_track(create=False) if doc else None
        if track is None:
            return
        here = doc.cursor
        region = track.next_after(here) if forward else track.previous_before(here)
        if region is not None:
            doc.select_region(track.id, region.id)
            self.current_timeline().scroll_to(region.start)

    def next_label(self) -> None:
        self._step_label(True)

    def previous_label(self) -> None:
        self._step_label(False)

    def new_label_track(self) -> None:
        doc = self._doc()
        if doc:
            doc.add_label_track()

    def toggle_snap(self, on: bool) -> None:
        for tab in self.all_tabs():
            tab.timeline.snap_to_zero = on
        self._snap = on

    # -- tasks ------------------------------------------------------------------------------------
    def toggle_understand(self, on: bool) -> None:
        self.understand_panel.setVisible(on)

    def toggle_transcript(self, on: bool) -> None:
        self.transcript_dock.setVisible(on)
        if on:
            self.transcript_dock.raise_()

    def toggle_jobs(self, on: bool) -> None:
        self.jobs_dock.setVisible(on)

    def run_task(self, spec, params: dict, what: str = "file", model: str = "", channel: str = "mix"):
        """Queue a task on the current document: the whole file, the selection, or each region
        of a label track.  Returns the job (None when there is nothing to run on)."""
        doc = self._doc()
        if doc is None:
            return None
        if what == "selection":
            if not doc.selection:
                self.show_status("Select the audio to run on first (or choose Whole file)")
                return None
            ranges = [doc.selection]
        elif what and what.startswith("regions:"):
            track = doc.label_track(int(what.split(":", 1)[1]))
            ranges = [(r.start, r.end) for r in track if not r.is_point]
            if not ranges:
                self.show_status(f"“{track.name}” has no regions to run on")
                return None
        else:
            ranges = [(0.0, doc.duration)]
        try:
            params = spec.parse_params(params)
        except ValueError as exc:
            self.show_status(str(exc))
            return None
        if not self.jobs_dock.isVisible():
            self.jobs_dock.show()
            self.resizeDocks([self.jobs_dock], [120], Qt.Orientation.Vertical)
        job = self.job_queue.submit(Job(spec, doc, params, ranges, model, channel, device=self.settings.device))
        self.show_status(f"{spec.title}: queued" if job.state == "queued" else f"{spec.title}: running")
        return job

    def _tab_of(self, doc):
        return next((t for t in self.all_tabs() if t.document is doc), None)

    def _job_partial(self, job, regions) -> None:
        tab = self._tab_of(job.doc)
        if tab is not None:
            tab.timeline.set_preview(id(job), job.spec.output_track, regions)

    def _job_finished(self, job) -> None:
        tab = self._tab_of(job.doc)
        if tab is not None:
            tab.timeline.clear_preview(id(job))
        if job.state == "done" and job.spec.output_track == "Transcript":
            self.transcript_dock.show()
            self.transcript_dock.raise_()
            if self.current_tab() is tab:       # the new transcript, not the track shown before
                self.transcript_dock.show_track(job.track_id)
        if job.state == "done":
            self.show_status(f"{job.spec.title}: {job.found} regions on “{job.doc.label_track(job.track_id).name}”")
        elif job.state == "failed":
            box = self.notify(QMessageBox.Icon.Warning, f"{job.spec.title} failed", job.error, job.details)
            if job.out_of_memory and job.device != "cpu":
                box.cpu_button = box.addButton("Run on the CPU", QMessageBox.ButtonRole.AcceptRole)
                box.cpu_button.clicked.connect(lambda: self._rerun_on_cpu(job))
        elif job.state == "cancelled":
            self.show_status(f"{job.spec.title}: cancelled, nothing changed")

    def _rerun_on_cpu(self, job) -> None:
        """The same task, settings and ranges, on the CPU (offered when the GPU ran out of memory)."""
        if job.doc not in [t.document for t in self.all_tabs()]:
            return
        again = Job(job.spec, job.doc, job.params, job.ranges, job.model, job.channel, device="cpu")
        self.job_queue.submit(again)
        self.show_status(f"{job.spec.title}: running again on the CPU")

    def toggle_regions(self, on: bool) -> None:
        self.regions_dock.setVisible(on)
        if on:
            self.regions_dock.raise_()
            self.resizeDocks([self.regions_dock], [max(380, self.width() // 4)], Qt.Orientation.Horizontal)

    def toggle_history(self, on: bool) -> None:
        self.history_dock.setVisible(on)
        if on:
            self.history_dock.raise_()

    def import_labels(self, path=None) -> None:
        from workbench.formats.labels import LabelFormatError, read_labels

        doc = self._doc()
        if doc is None:
            return
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Import labels", "", LABEL_FILTER)
            if not path:
                return
        try:
            tracks = read_labels(path)
        except LabelFormatError as exc:
            self.notify(QMessageBox.Icon.Warning, "Cannot import labels", str(exc),
                        f"File: {exc.path}\nLine: {exc.line or '-'}\nProblem: {exc.problem}")
            return
        count = sum(len(regions) for _, regions in tracks)
        with doc.history.group(f"Import labels from {Path(path).name}"):
            for name, regions in tracks:
                doc.add_label_track(doc._free_name(name), regions)
        self.show_status(f"Imported {count} labels in {len(tracks)} track(s) from {Path(path).name}")

    def export_labels(self, path=None) -> None:
        from workbench.formats.labels import LabelFormatError, format_for, write_labels

        doc = self._doc()
        if doc is None or not doc.label_tracks:
            self.show_status("There are no labels to export")
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Export labels", "", LABEL_FILTER)
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
            self.notify(QMessageBox.Icon.Warning, "Cannot export labels", str(exc))
            return
        self.show_status(f"Exported {sum(len(r) for _, r in tracks)} labels to {Path(path).name} ({fmt.name})")

    def _set_mode(self, mode: str) -> None:
        self.settings.view_mode = mode
        for tab in self.all_tabs():
            tab.timeline.set_mode(mode)

    def show_waveform(self) -> None:
        self._set_mode("waveform")

    def show_spectrogram(self) -> None:
        self._set_mode("spectrogram")

    def show_split(self) -> None:
        self._set_mode("split")

    def _set_scale(self, scale: str) -> None:
        params = self.spectrogram_params().with_(scale=scale)
        default = SpectrogramParams().scale
        self.settings.spectrogram = {k: v for k, v in {**self.settings.spectrogram, "scale": scale}.items()
                                     if k != "scale" or scale != default}
        for tab in self.all_tabs():
            tab.timeline.set_params(params)

    def scale_linear(self) -> None:
        self._set_scale("linear")

    def scale_log(self) -> None:
        self._set_scale("log")

    def scale_mel(self) -> None:
        self._set_scale("mel")

    def show_preferences(self) -> None:
        from workbench.ui.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, output_devices(), self)
        self._preferences = dialog
        dialog.accepted.connect(lambda: self.apply_settings(dialog.result_settings()))
        dialog.open()

    def apply_settings(self, new: Settings) -> None:
        old = self.settings
        self.settings = replace(new, recent_files=old.recent_files)
        if new.output_device != old.output_device:
            self.playback.set_device(new.output_device)
        if new.theme != old.theme:
            self._apply_theme()
        params = self.spectrogram_params()
        for tab in self.all_tabs():
            tab.timeline.set_mode(new.view_mode)
            tab.timeline.set_params(params)
        self._sync_view_actions()
        self._persist()

    def show_models(self) -> None:
        from workbench.ui.dialogs.models import ModelsDialog

        dialog = ModelsDialog(self)
        self._models_dialog = dialog
        dialog.open()

    def show_about(self) -> None:
        QMessageBox.about(self, "About Audio Workbench",
                          f"<b>Audio Workbench</b> {__version__}<br>"
                          "Audio understanding and generation on one timeline.")

    # -- closing ---------------------------------------------------------------------------------------
    def _persist(self) -> None:
        if self._save_settings:
            try:
                self.settings.save()
            except OSError as exc:
                self.show_status(f"Preferences could not be saved: {exc}")

    def closeEvent(self, ev) -> None:
        for tab in self.all_tabs():
            self.tabs.setCurrentWidget(tab)
            if not self.close_tab(self.tabs.indexOf(tab)):
                ev.ignore()
                return
        self.playback.stop()
        self._persist()
        super().closeEvent(ev)


class _Restored:
    """A history step that marks restored work as unsaved (undoing it changes nothing)."""

    title = "Restored after a crash"
    merge_key = None

    def do(self, doc) -> None:
        pass

    def undo(self, doc) -> None:
        pass
