"""The Understand and Generate panels: every registered task of the panel, its parameter form
built from its spec, and Run (Understand: what it runs on) or Generate (where the clip goes).

Nothing here names a task: the list, the forms and the model choices come from the registry.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDockWidget, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from workbench.tasks import registry


def widget_for(param):
    """A form widget for a Param, and a function that reads its value."""
    if param.kind == "float":
        w = QDoubleSpinBox(decimals=3, singleStep=0.05)
        w.setRange(param.min if param.min is not None else -1e9, param.max if param.max is not None else 1e9)
        w.setValue(param.default)
        if param.unit:
            w.setSuffix(f" {param.unit}")
        return w, w.value
    if param.kind == "int":
        w = QSpinBox()
        w.setRange(int(param.min if param.min is not None else -1e9), int(param.max if param.max is not None else 1e9))
        w.setValue(param.default)
        if param.unit:
            w.setSuffix(f" {param.unit}")
        return w, w.value
    if param.kind == "bool":
        w = QCheckBox()
        w.setChecked(bool(param.default))
        return w, w.isChecked
    if param.kind == "choice":
        w = QComboBox()
        for c in param.choices:
            w.addItem(str(c), c)
        w.setCurrentIndex(max(0, w.findData(param.default)))
        return w, w.currentData
    if param.kind == "text":     # several lines (what to say, what to make)
        w = QPlainTextEdit(str(param.default))
        w.setTabChangesFocus(True)
        w.setMaximumHeight(72)
        return w, w.toPlainText
    w = QLineEdit(str(param.default))
    return w, w.text


def set_widget(w, value) -> None:
    """Put a value back into a widget made by widget_for."""
    if isinstance(w, (QDoubleSpinBox, QSpinBox)):
        w.setValue(value)
    elif isinstance(w, QCheckBox):
        w.setChecked(bool(value))
    elif isinstance(w, QComboBox):
        w.setCurrentIndex(max(0, w.findData(value)))
    elif isinstance(w, QPlainTextEdit):
        w.setPlainText(str(value))
    else:
        w.setText(str(value))


class TaskPanel(QDockWidget):
    """Pick a task, set its parameters, choose what it runs on, Run."""

    run_requested = Signal(object, dict, str, str, str)   # spec, params, input, model, channel

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
        box = QWidget()
        layout = QVBoxLayout(box)
        self.tasks.setMaximumHeight(160)
        layout.addWidget(self.tasks)
        layout.addWidget(self.description)
        layout.addWidget(self.form_box)
        layout.addWidget(self.run)
        layout.addStretch(1)
        self.setWidget(box)
        self.readers: dict[str, callable] = {}
        self.widgets: dict = {}
        self.doc = None
        if self.tasks.count():
            self.tasks.setCurrentRow(0)

    def current_spec(self):
        item = self.tasks.currentItem()
        return registry.get(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def set_document(self, doc) -> None:
        self.doc = doc
        self._fill_inputs()
        self.run.setEnabled(doc is not None)

    def _fill_inputs(self) -> None:
        if self.panel == "generate":
            return
        current = self.input.currentData()
        self.input.clear()
        self.input.addItem("Whole file", "file")
        self.input.addItem("Selection", "selection")
        tracks = self.doc.label_tracks if self.doc else []
        for track in tracks:
            self.input.addItem(f"Each region of “{track.name}”", f"regions:{track.id}")
        idx = self.input.findData(current)
        spec = self.current_spec()
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
        self.model = QComboBox(editable=True)
        for c in spec.checkpoints:
            self.model.addItem(c)
        self.model.setEnabled(spec.needs_model)
        if spec.needs_model or self.panel != "generate":
            browse = QPushButton("Browse…")
            browse.setToolTip("A model folder on this computer (a checkpoint saved with "
                              "save_pretrained, or a downloaded snapshot)")
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
            self.model_note = QLabel(wordWrap=True)
            self.model_note.setEnabled(False)          # drawn in the muted text colour
            self.model.editTextChanged.connect(self._show_model_status)
            self._show_model_status(self.model.currentText())
            self.form.addRow("", self.model_note)
        self.widgets = {}
        for p in spec.params:
            w, read = widget_for(p)
            w.setToolTip(p.help)
            if p.name == spec.extra.get("prompt_sets"):
                self.form.addRow("Prompt set", self._prompt_sets(w))
            self.form.addRow(p.title or p.name, w)
            self.readers[p.name] = read
            self.widgets[p.name] = w
        self.input = QComboBox()
        self.channel = QComboBox()
        if self.panel == "generate":   # where the clip goes, not what the task reads
            for text, key in (("At the cursor", "cursor"), ("On a new track", "new track"),
                              ("In place of the selection", "replace selection"),
                              ("Only in the Generated list", "dock")):
                self.input.addItem(text, key)
            self.input.setCurrentIndex(max(0, self.input.findData(self.where_choice)))
            self.input.currentIndexChanged.connect(
                lambda _i: setattr(self, "where_choice", self.input.currentData()))
            self.form.addRow("Put it", self.input)
            return
        self._fill_inputs()
        self.form.addRow("Run on", self.input)
        for c in ("mix", "left", "right"):
            self.channel.addItem(c.capitalize(), c)
        self.form.addRow("Channels", self.channel)

    def _show_model_status(self, checkpoint: str) -> None:
        spec = self.current_spec()
        if spec is None or not spec.needs_model:     # the first task shown at start-up needs none
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

        self.sets_box = QComboBox()
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
        return {name: read() for name, read in self.readers.items()}

    def _run(self) -> None:
        spec = self.current_spec()
        if spec is not None:
            model = self.model.currentText() if spec.needs_model else ""
            self.run_requested.emit(spec, self.values(), self.input.currentData(), model,
                                    self.channel.currentData())
