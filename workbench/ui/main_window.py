"""The main window: tabs of open recordings, menus from the action table, docks, status bar.

It builds the widgets and the menus, and shows state (titles, the status bar, which actions are
enabled).  What the commands do lives in the controllers (``ui/controllers``: files, edits, tasks,
view), reached through ``window.ctx``; the menus are built from ``ui/actions.py``, whose callbacks
take that context."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QMainWindow, QMenu, QMessageBox, QProgressBar,
                               QPushButton, QStackedWidget, QTabWidget, QVBoxLayout, QWidget)

from workbench.core.settings import Settings
from workbench.tasks.models import set_audience
from workbench.ui import theme as themes
from workbench.ui.recording import RecordController
from workbench.ui.transport import TransportBar
from workbench.ui.actions import ACTIONS
from workbench.ui.controllers.context import Context
from workbench.ui.controllers.files import DocumentTab
from workbench.ui.docks import HistoryDock, RegionListDock
from workbench.ui.elide import ElidedLabel
from workbench.ui.generated import GeneratedDock
from workbench.ui.jobs import JobQueue, JobsDock, JobsIndicator
from workbench.ui.playback import PlaybackController
from workbench.ui.tasks_panel import TaskPanel, check_hub_then
from workbench.ui.timeline.axes import format_time
from workbench.ui.scores import ScoresDock
from workbench.ui.transcript import TranscriptDock


def collect_garbage_on_gui_thread() -> None:
    """Python's cyclic garbage collector runs in whichever thread happens to allocate; when it
    frees a Qt object in a worker thread, Qt's destructor there takes Qt locks and then wants the
    GIL, while the GUI thread may hold the GIL and wait for those locks: the workbench froze in
    the test suite that way (a job's thread deleting a closed window's objects).  pyqtgraph's
    GarbageCollector turns automatic collection off and collects on a GUI-thread timer instead."""
    app = QApplication.instance()
    if app is not None and getattr(app, "_workbench_gc", None) is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        app._workbench_gc = GarbageCollector(interval=0.5)

def for_window(text: str) -> str:
    """A message as the window shows it: no Markdown backticks (quotes instead), and a model id
    or a path never broken at its slashes when the line wraps."""
    import re

    text = re.sub(r"`([^`]+)`", "“\\1”", text)
    return re.sub(r"(?<=\S)/(?=\S)", "/\u2060", text)


class WelcomePage(QWidget):
    """What an empty window says: how to open a recording, the demo to try things on, and where
    the two panels are."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        title = QLabel("<h2>Audio Workbench</h2>")
        hint = QLabel("Open a recording to see its waveform and spectrogram.<br>"
                      "Drop audio files here, or press <b>Ctrl+O</b>.")
        panels = QLabel("<b>Understand</b> (Ctrl+U) finds speech, words, speakers and sounds and puts "
                        "them on label tracks; <b>Generate</b> (Ctrl+G) makes speech, music, sound "
                        "effects and tones as clips. Both open in the panel on the right, also from "
                        "the View menu.")
        panels.setWordWrap(True)
        panels.setFixedWidth(520)        # a fixed width: the wrapped height is then right
        button = QPushButton("Open a recording…")
        button.clicked.connect(window.ctx.files.open_dialog)
        self.demo = QPushButton("Try the demo recording")
        self.demo.setToolTip("A short spoken recording that ships with the workbench: try the panels on it")
        self.demo.clicked.connect(window.ctx.files.open_demo)
        from workbench.core.paths import demo_recording

        self.demo.setVisible(demo_recording() is not None)
        for w in (title, hint):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(w)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(button)
        buttons.addWidget(self.demo)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addSpacing(12)
        panels.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panels)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(3)


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, save_settings: bool = True) -> None:
        super().__init__()
        collect_garbage_on_gui_thread()
        self.settings = settings or Settings()
        self.ctx = Context(self)
        set_audience("window")             # messages speak of the Model box, not of --model
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
        self.tabs.tabCloseRequested.connect(self.ctx.files.close_tab)
        self.tabs.currentChanged.connect(self._current_changed)
        self.stack = QStackedWidget()
        self.stack.addWidget(WelcomePage(self))
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        self.status_text = ElidedLabel(mode=Qt.TextElideMode.ElideRight)   # the whole on hover
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

        # One side panel: every dock on the right, tabbed, at one width that does not follow the
        # task shown (docks can still float or be dragged elsewhere, and the layout is remembered)
        self.setTabPosition(Qt.DockWidgetArea.RightDockWidgetArea, QTabWidget.TabPosition.North)
        self.setDockOptions(QMainWindow.DockOption.AllowTabbedDocks | QMainWindow.DockOption.AnimatedDocks)
        self.understand_panel = TaskPanel("understand", "Understand", self)
        self.understand_panel.run_requested.connect(
            lambda r: self.ctx.tasks.run_task(r.spec, r.params, r.reads, r.model, r.channel))
        self.generate_panel = TaskPanel("generate", "Generate", self, where=self.settings.generate_where)
        self.generate_panel.run_requested.connect(
            lambda r: self.ctx.tasks.generate(r.spec, r.params, r.where, r.model))
        self.regions_dock = RegionListDock(self)
        self.history_dock = HistoryDock(self)
        self.transcript_dock = TranscriptDock(self)
        self.scores_dock = ScoresDock(self)
        from workbench.ui.review import ReviewDock

        self.review_dock = ReviewDock(self)
        self.review_dock.play_requested.connect(self.ctx.view.play_range)
        self.review_dock.retrain_requested.connect(self.ctx.tasks.retrain)
        self.review_dock.can_retrain = self.ctx.tasks.can_retrain
        self.review_dock.learns_from = self.ctx.tasks.learns_from
        self.job_queue = JobQueue(self)
        self.job_queue.finished.connect(self.ctx.tasks._job_finished)
        self.job_queue.partial.connect(self.ctx.tasks._job_partial)
        self.jobs_dock = JobsDock(self.job_queue, self)
        from workbench.core.playback import Player

        self.generated_dock = GeneratedDock(Player(self.settings.output_device), self)
        self.jobs_indicator = JobsIndicator(self.job_queue, lambda: self.ctx.view.show_dock("jobs"))
        self.statusBar().insertPermanentWidget(1, self.jobs_indicator)
        self.side_docks = [self.understand_panel, self.generate_panel, self.regions_dock,
                           self.generated_dock, self.transcript_dock, self.scores_dock,
                           self.review_dock, self.jobs_dock, self.history_dock]
        for dock in self.side_docks:
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            if dock is not self.understand_panel:
                self.tabifyDockWidget(self.understand_panel, dock)
            dock.hide()
        self.default_layout = self.saveState()
        check_hub_then(self, lambda: [p.refresh_model_status() for p in (self.understand_panel, self.generate_panel)])
        tasks = self.ctx.tasks
        self.generated_dock.insert_requested.connect(tasks.insert_generated)
        self.generated_dock.again_requested.connect(tasks.generate_again)
        self.generated_dock.settings_requested.connect(tasks.use_generated_settings)
        self.generated_dock.check_requested.connect(tasks.check_generated)
        self.job_queue.generated.connect(tasks._job_generated)

        self.playback = PlaybackController(self.settings.output_device, self)
        self.playback.problem.connect(lambda text: self.show_status(f"Playback: {text}"))
        self.recorder = RecordController(self)
        self.recorder.problem.connect(self.show_status)
        self.actions_by_id: dict[str, QAction] = {}
        self._build_menus()
        self._build_tasks_menu()
        self.actions_by_id["edit.sync_lock"].setChecked(True)
        self.actions_by_id["select.all_tracks"].setChecked(True)
        self.actions_by_id["clip.ripple"].setChecked(True)
        self.transport = TransportBar(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.transport)
        for dock, action_id in ((self.regions_dock, "view.regions"), (self.history_dock, "view.history"),
                                (self.understand_panel, "view.understand"), (self.jobs_dock, "view.jobs"),
                                (self.generate_panel, "view.generate"),
                                (self.generated_dock, "view.generated"),
                                (self.transcript_dock, "view.transcript"),
                                (self.scores_dock, "view.scores"), (self.review_dock, "view.review")):
            dock.visibilityChanged.connect(self.actions_by_id[action_id].setChecked)
        self.sync_view_actions()
        self.transport.show_document(None)
        self.ctx.view.restore_layout(self.settings.layout)
        self.apply_theme()
        self._follow_system_theme()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.timeout.connect(self.ctx.files.autosave)
        if self.settings.autosave_seconds > 0:
            self.autosave_timer.start(max(5, self.settings.autosave_seconds) * 1000)

    # -- construction -----------------------------------------------------------------------
    def _build_menus(self) -> None:
        menus: dict[str, object] = {}
        groups: dict[str, QActionGroup] = {}
        for item in ACTIONS:
            menu = menus.get(item.menu) or menus.setdefault(item.menu, self.menuBar().addMenu(item.menu))
            if item.separator_before:
                menu.addSeparator()
            if item.id == "file.recent":
                self.recent_menu = menu.addMenu(item.title)
                self.rebuild_recent()
                continue
            action = QAction(item.title, self)
            if item.shortcut:
                action.setShortcuts([QKeySequence(k) for k in (item.shortcut, *item.more_shortcuts)])
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            if item.checkable:
                action.setCheckable(True)
            if item.tip:
                action.setStatusTip(item.tip)
            if item.group:
                action.setCheckable(True)
                groups.setdefault(item.group, QActionGroup(self)).addAction(action)
            action.triggered.connect(self._runner(item))
            menu.addAction(action)
            self.addAction(action)  # shortcuts work even when the menu bar is hidden
            self.actions_by_id[item.id] = action
        self.update_enabled()

    def _build_tasks_menu(self) -> None:
        """Tasks: every task of the two panels (Audacity's Analyze and Generate menus), from the
        registry; each opens its panel with that task chosen, ready to Run."""
        from workbench.tasks import registry

        menu = QMenu("&Tasks", self)
        help_menu = next((a for a in self.menuBar().actions() if a.text() == "&Help"), None)
        if help_menu is not None:
            self.menuBar().insertMenu(help_menu, menu)
        else:
            self.menuBar().addMenu(menu)
        self.tasks_menu = menu
        for panel, title in (("understand", "Understand"), ("generate", "Generate")):
            menu.addSection(title)
            for spec in registry.all_tasks(panel):
                action = menu.addAction(f"{spec.title}…")
                action.setStatusTip(spec.description.split(". ")[0])
                action.triggered.connect(lambda _=False, p=panel, t=spec.id: self.ctx.tasks.choose_task(p, t))
                self.actions_by_id[f"tasks.{spec.id}"] = action

    def _runner(self, spec):
        """The slot of an action: its callback with the context (and the checked state when it is
        checkable); one that needs a document does nothing without one."""
        def run(checked: bool = False):
            if spec.needs_document and self.ctx.document is None:
                return None
            return spec.callback(self.ctx, checked) if spec.checkable else spec.callback(self.ctx)
        return run

    def trigger(self, action_id: str) -> None:
        """Run a command by its id, as its menu item or shortcut would."""
        self.actions_by_id[action_id].trigger()

    def rebuild_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.ctx.files.open_files([p]))
        self.recent_menu.setEnabled(bool(self.settings.recent_files))

    def update_enabled(self) -> None:
        has_doc = self.current_tab() is not None
        for spec in ACTIONS:
            if spec.needs_document and spec.id in self.actions_by_id:
                self.actions_by_id[spec.id].setEnabled(has_doc)

    def update_undo_actions(self) -> None:
        doc = self.ctx.document if hasattr(self, "tabs") else None
        undo, redo = self.actions_by_id["edit.undo"], self.actions_by_id["edit.redo"]
        undo.setEnabled(bool(doc and doc.history.can_undo))
        redo.setEnabled(bool(doc and doc.history.can_redo))
        undo.setText(f"&Undo {doc.history.undo_title}" if doc and doc.history.can_undo else "&Undo")
        redo.setText(f"&Redo {doc.history.redo_title}" if doc and doc.history.can_redo else "&Redo")

    def sync_view_actions(self) -> None:
        self.actions_by_id[f"view.mode.{self.settings.view_mode}"].setChecked(True)
        self.actions_by_id[f"view.scale.{self.ctx.view.spectrogram_params().scale}"].setChecked(True)

    def _follow_system_theme(self) -> None:
        signal = getattr(QGuiApplication.styleHints(), "colorSchemeChanged", None)
        if signal is not None:
            signal.connect(lambda *_: self.apply_theme() if self.settings.theme == "system" else None)

    def apply_theme(self) -> None:
        self.theme = themes.resolve(self.settings.theme)
        themes.apply_palette(QApplication.instance(), self.theme)
        for tab in self.all_tabs():
            tab.timeline.apply_theme(self.theme)


    # -- tabs -------------------------------------------------------------------------------------
    def all_tabs(self) -> list[DocumentTab]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def current_tab(self) -> DocumentTab | None:
        return self.tabs.currentWidget()

    def current_timeline(self):
        tab = self.current_tab()
        return tab.timeline if tab else None

    def update_title(self, tab: DocumentTab) -> None:
        idx = self.tabs.indexOf(tab)
        if idx < 0:
            return
        doc = tab.document
        mark = " •" if doc.history.modified else ""
        self.tabs.setTabText(idx, doc.title + mark)
        if tab is self.current_tab():
            self.setWindowTitle(f"{doc.title}{mark} — Audio Workbench")

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not getattr(self, "_shown_once", False):     # a restored layout, now it has sizes
            self._shown_once = True
            QTimer.singleShot(0, self.ctx.view.fit_side_panel)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if getattr(self, "_shown_once", False):
            self.ctx.view.fit_side_panel()

    def dragEnterEvent(self, ev) -> None:
        if ev.mimeData().hasUrls():
            ev.acceptProposedAction()

    def dropEvent(self, ev) -> None:
        paths = [u.toLocalFile() for u in ev.mimeData().urls() if u.isLocalFile()]
        if paths:
            ev.acceptProposedAction()
            self.ctx.files.open_files(paths)

    def _current_changed(self, _index: int) -> None:
        tab = self.current_tab()
        self.regions_dock.set_document(tab.document if tab else None, tab.timeline if tab else None)
        self.history_dock.set_history(tab.document.history if tab else None)
        self.understand_panel.set_document(tab.document if tab else None)
        self.generate_panel.set_document(tab.document if tab else None)
        self.transcript_dock.set_document(tab.document if tab else None, tab.timeline if tab else None)
        self.scores_dock.set_document(tab.document if tab else None)
        self.review_dock.set_document(tab.document if tab else None)
        self.update_enabled()
        self.update_undo_actions()
        if tab is not None:
            self.update_title(tab)
        self.update_info()
        self.update_position()

    # -- messages and the status bar --------------------------------------------------------------
    def notify(self, icon, title: str, text: str, details: str = "") -> QMessageBox:
        """A non-blocking message: the window keeps working while it is open."""
        text = for_window(text)
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

    def update_info(self) -> None:
        tab = self.current_tab()
        if tab is None:
            self.info_label.clear()
            return
        doc = tab.document
        src = doc.first_source
        if src is not None and len(doc.tracks) == 1 and len(doc.tracks[0].clips) == 1:
            rate = "" if src.sample_rate == doc.sample_rate else f"  ·  project {doc.sample_rate} Hz"
            self.info_label.setText(f"{src.info.describe()}  ·  {format_time(src.info.duration)}{rate}")
        else:
            self.info_label.setText(f"{len(doc.tracks)} tracks  ·  project {doc.sample_rate} Hz  ·  "
                                    f"{format_time(doc.duration)}")

    def update_position(self, *_args) -> None:
        tab = self.current_tab()
        self.transport.show_document(tab.document if tab else None)
        if tab is None:
            return
        doc = tab.document
        if doc.selection:
            a, b = doc.selection
            self.position_label.setText(
                f"Selection {format_time(a)} – {format_time(b)} ({b - a:.3f} s)")
        else:
            self.position_label.setText(f"Cursor {format_time(doc.cursor)}")

    def hovered(self, t: float) -> None:
        self.statusBar().showMessage(f"Pointer {format_time(t)}", 2000)


    # -- closing ---------------------------------------------------------------------------------------
    def persist(self) -> None:
        self.settings.layout = self.ctx.view.save_layout()
        if self._save_settings:
            try:
                self.settings.save()
            except OSError as exc:
                self.show_status(f"Preferences could not be saved: {exc}")

    def closeEvent(self, ev) -> None:
        for tab in self.all_tabs():
            self.tabs.setCurrentWidget(tab)
            if not self.ctx.files.close_tab(self.tabs.indexOf(tab)):
                ev.ignore()
                return
        self.playback.stop()
        self.persist()
        super().closeEvent(ev)
