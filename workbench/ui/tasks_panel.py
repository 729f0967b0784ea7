"""The Understand and Generate panels: every registered task of the panel, its parameter form
built from its spec, and Run (Understand: what it runs on) or Generate (where the clip goes).

Nothing here names a task: the list, the forms and the model choices come from the registry.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDockWidget, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMenu, QPlainTextEdit, QPushButton, QScrollArea,
                               QSpinBox, QStyle, QVBoxLayout, QWidget)

from workbench.tasks import registry
from workbench.tasks.plan import NothingToRun, labels_for
from workbench.ui.elide import WrappedLabel


def decimals_for(param) -> int:
    """The precision a number shows: the param's own, or what its default and least value need
    (440 Hz, not 440.000 Hz), with two places for small ranges (a threshold of 0.50)."""
    if param.decimals is not None:
        return param.decimals

    def needed(v) -> int:
        text = f"{float(v):.3f}".rstrip("0")
        return len(text.split(".")[1]) if "." in text else 0

    dec = min(3, max(needed(param.default), needed(param.min or 0)))
    span = (param.max if param.max is not None else 1e9) - (param.min if param.min is not None else -1e9)
    return max(dec, 2) if span <= 10 else dec


@dataclass
class RunRequest:
    """What Run asks for: the task, its settings and model, the channels it hears; ``reads``:
    what an Understand task runs on ("file", "selection", "regions:<id>", "labels..."); ``where``:
    where a Generate task's clip goes ("cursor", "new track", ...)."""
    spec: object
    params: dict
    model: str = ""
    channel: str = "mix"
    reads: str = ""
    where: str = ""


def widget_for(param):
    """A form widget for a Param, and a function that reads its value."""
    if param.kind == "float":
        dec = decimals_for(param)
        w = QDoubleSpinBox(decimals=dec)
        w.setRange(param.min if param.min is not None else -1e9, param.max if param.max is not None else 1e9)
        span = w.maximum() - w.minimum()
        w.setSingleStep(min(5 * 10 ** -dec if dec >= 2 else 10 ** -dec, span / 10) or 10 ** -dec)
        w.setValue(param.default)
        if param.unit:
            w.setSuffix(f" {param.unit}")
        if param.zero and w.minimum() == 0:
            w.setSpecialValueText(param.zero)      # 0 means "none"/"off" in words
        return w, w.value
    if param.kind == "int":
        w = QSpinBox()
        w.setRange(int(param.min if param.min is not None else -1e9), int(param.max if param.max is not None else 1e9))
        w.setValue(param.default)
        if param.unit:
            w.setSuffix(f" {param.unit}")
        if param.zero and w.minimum() == 0:
            w.setSpecialValueText(param.zero)      # "Speakers: estimate", not "0"
        return w, w.value
    if param.kind == "bool":
        w = QCheckBox()
        w.setChecked(bool(param.default))
        return w, w.isChecked
    if param.kind == "choice":
        w = narrow(QComboBox())
        for c in param.choices:
            w.addItem(str(c), c)
        w.setCurrentIndex(max(0, w.findData(param.default)))
        return w, w.currentData
    if param.kind == "text":     # several lines (what to say, what to make)
        w = QPlainTextEdit(str(param.default))
        w.setTabChangesFocus(True)
        w.setMaximumHeight(72)
        return w, w.toPlainText
    if param.kind == "paths":    # files and folders, typed or browsed for, separated by ";"
        w = PathsField(str(param.default))
        return w, w.text
    if param.suggestions:        # typed, or picked from the model family's list
        w = narrow(QComboBox(editable=True))
        w.setEditText(str(param.default))
        return w, w.currentText
    w = QLineEdit(str(param.default))
    return w, w.text


class PathsField(QLineEdit):
    """Paths separated by ";", with a button that adds files or a folder by browsing."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setPlaceholderText("Projects, or folders of audio with label files beside it")
        browse = self.addAction(self.style().standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon),
                                QLineEdit.ActionPosition.TrailingPosition)
        browse.setToolTip("Add projects or audio files, or a folder…")
        browse.triggered.connect(self.browse)
        self.menu = QMenu(self)
        self.menu.addAction("Add projects or audio files…", self.add_files)
        self.menu.addAction("Add a folder…", self.add_folder)

    def browse(self) -> None:
        self.menu.popup(self.mapToGlobal(self.rect().bottomRight()))

    def add(self, paths) -> None:
        have = [p for p in self.text().split(";") if p.strip()]
        self.setText(";".join(have + [p for p in paths if p not in have]))

    def add_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Learn from these too", "",
                                                "Projects and audio (*.awproj *.awbundle *.wav *.flac *.mp3 "
                                                "*.ogg *.aiff *.aif);;All files (*)")
        self.add(paths)

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "A folder of audio with label files beside it")
        if folder:
            self.add([folder])


def suggest(w, param, family: str) -> None:
    """Fill a suggestions box with the values ``family`` offers when the family changes: the
    text stays when it is one of them (or the family offers none), else it becomes the family's
    first value (which may be "")."""
    if w.property("family") == family:    # the same family: the list and what was typed stay
        return
    w.setProperty("family", family)
    pairs = [v if isinstance(v, tuple) else (v, "") for v in param.suggested(family)]
    values = [v for v, _ in pairs]
    text = w.currentText()
    w.blockSignals(True)
    w.clear()
    for v, note in pairs:            # the value, and in its tooltip what it is (its language...)
        w.addItem(v)
        if note:
            w.setItemData(w.count() - 1, note, Qt.ItemDataRole.ToolTipRole)
    if values and text not in values:
        text = values[0]
    w.setEditText(text)
    w.blockSignals(False)


def scrolling(content: QWidget) -> QScrollArea:
    """``content`` in a vertical scroll area as wide as the dock: a panel keeps the width the
    user gave it whatever its form holds, and scrolls when it is taller than the window."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    return area


def narrow(combo: QComboBox) -> QComboBox:
    """A combo box whose width follows the panel, not its longest item (whole on its list)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)
    return combo


def set_widget(w, value) -> None:
    """Put a value back into a widget made by widget_for."""
    if isinstance(w, (QDoubleSpinBox, QSpinBox)):
        w.setValue(value)
    elif isinstance(w, QComboBox) and w.isEditable():
        w.setEditText(str(value))
    elif isinstance(w, QCheckBox):
        w.setChecked(bool(value))
    elif isinstance(w, QComboBox):
        w.setCurrentIndex(max(0, w.findData(value)))
    elif isinstance(w, QPlainTextEdit):
        w.setPlainText(str(value))
    else:
        w.setText(str(value))


def check_hub_then(owner: QObject, callback) -> None:
    """Ask once, off the GUI thread, whether the Hub can be reached; then ``callback()`` on the
    GUI thread (the Model boxes' notes say so before anyone presses Run).  No Qt object crosses
    threads: a daemon thread asks, a timer of ``owner`` looks for the answer."""
    import threading

    from PySide6.QtCore import QTimer

    from workbench.tasks.model_status import check_hub, hub_reachable

    if hub_reachable() is not None:
        callback()
        return
    threading.Thread(target=check_hub, name="hub-check", daemon=True).start()
    timer = QTimer(owner)
    timer.setInterval(250)
    tries = iter(range(40))

    def look() -> None:
        if hub_reachable() is not None or next(tries, None) is None:
            timer.stop()
            callback()

    timer.timeout.connect(look)
    timer.start()


class TaskPanel(QDockWidget):
    """Pick a task, set its parameters, choose what it runs on, Run."""

    run_requested = Signal(object)       # a RunRequest: each field means one thing, in either panel

    def __init__(self, panel: str = "understand", title: str = "Understand", parent=None,
                 where: str = "cursor") -> None:
        super().__init__(title, parent)
        self.panel = panel
        self.where_choice = where
        self.setObjectName(f"{panel}-panel")
        self.tasks = QListWidget()
        for spec in registry.all_tasks(panel):
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.id)
            item.setToolTip(spec.description)
            self.tasks.addItem(item)
        self.tasks.currentItemChanged.connect(lambda *_: self._build_form())
        self.description = QLabel(wordWrap=True)
        self.form_box = QWidget()
        self.form = QFormLayout(self.form_box)
        self.input = QComboBox()
        self.model = QComboBox(editable=True)
        self.model.setToolTip("A Hub id (org/name) or a local folder; the suggestions work well")
        self.channel = QComboBox()
        for c in ("mix", "left", "right"):
            self.channel.addItem(c.capitalize(), c)
        self.run = QPushButton("Generate" if panel == "generate" else "Run")
        self.run.setDefault(True)
        self.run.clicked.connect(self._run)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 6, 6)
        self.tasks.setMaximumHeight(160)
        layout.addWidget(self.tasks)
        layout.addWidget(self.description)
        layout.addWidget(self.form_box)
        layout.addStretch(1)
        # the form scrolls; Run stays in sight below it, however long the form
        outer = QWidget()
        column = QVBoxLayout(outer)
        column.setContentsMargins(0, 0, 0, 6)
        column.setSpacing(4)
        self.scroller = scrolling(box)
        column.addWidget(self.scroller, 1)
        run_row = QHBoxLayout()
        run_row.setContentsMargins(6, 0, 6, 0)
        run_row.addWidget(self.run)
        column.addLayout(run_row)
        self.setWidget(outer)
        self.readers: dict[str, callable] = {}
        self.widgets: dict = {}
        self.params: dict = {}
        self.doc = None
        self.run.setEnabled(False)
        self.run.setToolTip("Open a recording first (File ▸ Open, or the demo)")
        if self.tasks.count():
            self.tasks.setCurrentRow(0)

    def resizeEvent(self, ev) -> None:        # noqa: N802
        """Narrow (the side panel's default width): each label above its field, so nothing is
        cut; wider: labels beside the fields."""
        super().resizeEvent(ev)
        policy = (QFormLayout.RowWrapPolicy.WrapAllRows if self.width() < 330
                  else QFormLayout.RowWrapPolicy.WrapLongRows)
        if self.form.rowWrapPolicy() != policy:
            self.form.setRowWrapPolicy(policy)

    def current_spec(self):
        item = self.tasks.currentItem()
        return registry.get(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def set_document(self, doc) -> None:
        # "Run on" follows the label tracks (a new one is offered at once), the counts their labels
        for signal, slot in (("labels_changed", self._labels_changed),
                             ("label_tracks_changed", self._label_tracks_changed)):
            if self.doc is not None:
                getattr(self.doc, signal).disconnect(slot)
            if doc is not None:
                getattr(doc, signal).connect(slot)
        self.doc = doc
        self._fill_inputs()
        self.count_labels()
        if self.panel != "generate":
            self._fill_channels()
        self.run.setEnabled(doc is not None)
        self.run.setToolTip("" if doc is not None else "Open a recording first (File ▸ Open, or the demo)")

    def _labels_changed(self, *_args) -> None:
        self.count_labels()

    def _label_tracks_changed(self, *_args) -> None:
        if self.panel != "generate":
            self._fill_inputs()
        self.count_labels()

    def _fill_inputs(self) -> None:
        if self.panel == "generate":
            return
        current = self.input.currentData()
        self.input.clear()
        spec = self.current_spec()
        reads = spec.inputs if spec is not None else ("file", "selection", "regions")
        tracks = self.doc.label_tracks if self.doc else []
        if set(reads) & {"file", "selection", "regions"}:
            self.input.addItem("Whole file", "file")
            self.input.addItem("Selection", "selection")
            for track in tracks:
                self.input.addItem(f"Each region of “{track.name}”", f"regions:{track.id}")
        if "labels" in reads:          # a task that reads label tracks (their regions, their texts)
            self.input.addItem("Every label track", "labels")
            for track in tracks:
                self.input.addItem(f"Label track “{track.name}”", f"labels:{track.id}")
        idx = self.input.findData(current)
        if spec is not None and spec.inputs[0] == "regions" and tracks and (current or "file") == "file":
            # a task made for regions (enrolling named voices) starts on the speaker track
            track = next((t for t in tracks if t.name.startswith("Speakers")), tracks[0])
            idx = self.input.findData(f"regions:{track.id}")
        self.input.setCurrentIndex(max(0, idx))

    def _build_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        spec = self.current_spec()
        self.readers = {}
        if spec is None:
            return
        self.description.setText(spec.description)
        self.model = narrow(QComboBox(editable=True))
        offered = list(spec.checkpoints)
        if spec.runs_trained:          # the classifiers trained here, newest first, after the suggestions
            from workbench.tasks.teach.train import trained_folders

            offered += [f for f in trained_folders() if f not in offered]
        for c in offered:
            self.model.addItem(c, c)
            self.model.setItemData(self.model.count() - 1, c, Qt.ItemDataRole.ToolTipRole)
        self.model.setEnabled(spec.needs_model)
        # a long id shows its start (the organisation), not its end cut
        self.model.lineEdit().setCursorPosition(0)
        self.model.currentIndexChanged.connect(lambda _i: self.model.lineEdit().setCursorPosition(0))
        self.model.editTextChanged.connect(self.model.setToolTip)
        self.model.setToolTip(self.model.currentText())
        if spec.needs_model or spec.checkpoints or self.panel != "generate":
            browse = QPushButton("…")           # narrow: the model's name gets the room
            browse.setAccessibleName("Browse…")
            browse.setFixedWidth(30)
            browse.setToolTip("Browse… for a model folder on this computer (a checkpoint saved "
                              "with save_pretrained, or a downloaded snapshot)")
            browse.setEnabled(spec.needs_model)
            browse.clicked.connect(self._browse_model)
            row = QWidget()
            h = QHBoxLayout(row)
            h.setContentsMargins(0, 0, 0, 0)
            h.addWidget(self.model, 1)
            h.addWidget(browse)
            self.browse = browse
            self.form.addRow("Model", row)
            # what the model needs from the network: bundled, downloaded, or what it would fetch
            self.model_note = WrappedLabel()
            self.model_note.setEnabled(False)          # drawn in the muted text colour
            self.model.editTextChanged.connect(self._show_model_status)
            self.model.editTextChanged.connect(self._show_family)
            self._show_model_status(self.model.currentText())
            self.form.addRow(self.model_note)      # the whole width: it wraps, never overlaps
        self.widgets = {}
        self.params = {}
        for p in spec.params:
            w, read = widget_for(p)
            w.setToolTip(p.help)
            if p.name == spec.prompt_sets:
                self.form.addRow("Prompt set", self._prompt_sets(w))
            self.form.addRow(p.title or p.name, w)
            self.readers[p.name] = read
            self.widgets[p.name] = w
            self.params[p.name] = p
        for p in spec.params:                 # a field that means something only with another's value
            if p.when and p.when[0] in self.widgets:
                other = self.widgets[p.when[0]]
                changed = getattr(other, "currentIndexChanged", None) or getattr(other, "toggled", None)
                if changed is not None:
                    changed.connect(lambda *_: self._show_family())
        self.input = narrow(QComboBox())
        self.channel = narrow(QComboBox())
        if self.panel == "generate":   # where the clip goes, not what the task reads
            for text, key in (("At the cursor", "cursor"), ("On a new track", "new track"),
                              ("In place of the selection", "replace selection"),
                              ("Only in the Generated list", "dock")):
                self.input.addItem(text, key)
            self.input.setCurrentIndex(max(0, self.input.findData(self.where_choice)))
            self.input.currentIndexChanged.connect(
                lambda _i: setattr(self, "where_choice", self.input.currentData()))
            self.form.addRow("Put it", self.input)
            self._show_family()
            return
        self._fill_inputs()
        self.form.addRow("Run on", self.input)
        self.label_counts = None
        if "labels" in spec.inputs:     # what it will read: each label's count, before Run
            self.label_counts = WrappedLabel()
            self.label_counts.setEnabled(False)
            self.form.addRow(self.label_counts)
            self.input.currentIndexChanged.connect(lambda _i: self.count_labels())
            self.count_labels()
        self.form.addRow("Channels", self.channel)
        # a task that reads label tracks only hears the mix: no channel to choose
        self.form.setRowVisible(self.channel, bool(set(spec.inputs) & {"file", "selection", "regions"}))
        self._fill_channels()
        self._show_family()

    def count_labels(self) -> None:
        """“tone ×12, noise ×9”: the labels the chosen tracks hold, most first."""
        if getattr(self, "label_counts", None) is None:
            return
        what = self.input.currentData() or ""
        if self.doc is None or not what.startswith("labels"):
            self.label_counts.setText("")
            return
        from collections import Counter

        try:
            tracks = labels_for(self.doc, what)
        except (NothingToRun, KeyError):
            self.label_counts.setText("No label tracks yet: label some regions first")
            return
        counts = Counter(r.text.strip() for _, regions in tracks for r in regions if r.text.strip())
        shown = ", ".join(f"{text if len(text) <= 24 else text[:23] + '…'} ×{n}"
                          for text, n in counts.most_common(12))
        more = f" and {len(counts) - 12} more" if len(counts) > 12 else ""
        self.label_counts.setText(f"Labels: {shown}{more}" if counts else "These tracks hold no labelled regions")

    def _show_family(self, *_args) -> None:
        """Only the fields that apply to the chosen model's family (Kokoro has no seed, YAMNet
        no window), and the values that family offers in its lists."""
        spec = self.current_spec()
        if spec is None:
            return
        checkpoint = self.model.currentText().strip()
        family = spec.family(checkpoint)
        values = {name: read() for name, read in self.readers.items()}
        for name, w in self.widgets.items():
            p = self.params[name]
            self.form.setRowVisible(w, spec.applies(p, checkpoint, values))
            if p.suggestions:
                suggest(w, p, family)

    def _fill_channels(self) -> None:
        """Mix, and Left and Right only when the document has a track with two channels."""
        current = self.channel.currentData()
        self.channel.clear()
        stereo = self.doc is not None and any(t.channels >= 2 for t in self.doc.tracks)
        for c in ("mix", "left", "right") if stereo else ("mix",):
            self.channel.addItem(c.capitalize(), c)
        self.channel.setCurrentIndex(max(0, self.channel.findData(current)))
        self.channel.setEnabled(stereo)
        self.channel.setToolTip("" if stereo else "The recording has one channel")

    def refresh_model_status(self) -> None:
        if getattr(self, "model_note", None) is not None:
            self._show_model_status(self.model.currentText())

    def _show_model_status(self, checkpoint: str) -> None:
        spec = self.current_spec()
        from workbench.tasks.spec import is_bundled

        if spec is None or not (spec.needs_model or is_bundled(checkpoint)):   # tone, noise...: none
            self.model_note.setText("")
            return
        from workbench.tasks.model_status import status

        self.model_note.setText(status(checkpoint.strip(), spec).text)

    def _browse_model(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Model folder", self.model.currentText()
                                                  if Path(self.model.currentText()).is_dir() else "")
        if folder:
            self.model.setEditText(folder)

    def _prompt_sets(self, text) -> QWidget:
        """A chooser of saved (and built-in) prompt sets over the prompts box, and Save."""
        from workbench.core.prompt_sets import all_sets

        self.sets_box = narrow(QComboBox())
        self.sets_box.setToolTip("Put a saved set of prompts into the box below")
        self.sets_box.addItem("Choose a set…", None)
        for name, prompts in all_sets().items():
            self.sets_box.addItem(name, prompts)
        self.sets_box.activated.connect(
            lambda i: self.sets_box.itemData(i) and text.setPlainText(self.sets_box.itemData(i)))
        save = QPushButton("Save…")
        save.setToolTip("Keep the prompts below as a named set, for this and later sessions")
        save.clicked.connect(lambda: self.save_prompt_set(text.toPlainText()))
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.sets_box, 1)
        h.addWidget(save)
        return row

    def save_prompt_set(self, prompts: str, name: str | None = None) -> bool:
        from PySide6.QtWidgets import QInputDialog, QMessageBox

        from workbench.core.prompt_sets import PromptSetsError, save_set

        if name is None:
            name, ok = QInputDialog.getText(self, "Save prompt set", "Name of the set:")
            if not ok:
                return False
        try:
            save_set(name, prompts)
        except (ValueError, PromptSetsError, OSError) as exc:
            QMessageBox.warning(self, "Prompt set not saved", str(exc))
            return False
        i = self.sets_box.findText(name.strip())
        if i < 0:
            self.sets_box.addItem(name.strip(), prompts)
        else:
            self.sets_box.setItemData(i, prompts)
        return True

    def set_values(self, task_id: str, params: dict, model: str = "") -> None:
        """Choose a task and fill its form (a Generated clip's settings, copied back)."""
        for row in range(self.tasks.count()):
            if self.tasks.item(row).data(Qt.ItemDataRole.UserRole) == task_id:
                self.tasks.setCurrentRow(row)
        for name, value in params.items():
            if name in self.widgets:
                set_widget(self.widgets[name], value)
        if model:
            self.model.setEditText(model)

    def values(self) -> dict:
        """The form's values; a field hidden for this model keeps its default (not shown, not
        the user's choice)."""
        spec = self.current_spec()
        checkpoint = self.model.currentText().strip()
        shown = {name: read() for name, read in self.readers.items()}
        return {name: value for name, value in shown.items()
                if spec is None or name not in self.params or spec.applies(self.params[name], checkpoint, shown)}

    def _run(self) -> None:
        spec = self.current_spec()
        if spec is not None:
            model = self.model.currentText() if spec.needs_model else ""
            chosen = self.input.currentData() or ""
            generate = self.panel == "generate"       # there the list says where the clip goes
            self.run_requested.emit(RunRequest(spec, self.values(), model, self.channel.currentData() or "mix",
                                               reads="" if generate else chosen,
                                               where=chosen if generate else ""))
