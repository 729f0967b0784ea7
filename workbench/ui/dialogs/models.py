"""Models: what the shared Hugging Face cache holds, how big, where; delete what you no longer use."""
from __future__ import annotations

import time

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel,
                               QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from workbench.tasks import models


def human(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return ""


class ModelsDialog(QDialog):
    def __init__(self, parent=None, cache=None, confirm=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(760, 420)
        self.cache = cache or models.cache_dir()
        self.confirm = confirm or self._confirm
        where = QLabel(f"Cache: {self.cache}" + ("  ·  offline (HF_HUB_OFFLINE): only cached models "
                                                 "can run" if models.offline() else ""))
        where.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(("Model", "Size", "Last used", "Folder"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.total = QLabel()
        self.delete = QPushButton("Delete")
        self.delete.clicked.connect(self.delete_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.delete, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(self.table)
        layout.addWidget(self.total)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.entries = models.cached_models(self.cache)
        self.table.setRowCount(len(self.entries))
        for row, m in enumerate(self.entries):
            used = time.strftime("%Y-%m-%d", time.localtime(m["last_used"])) if m["last_used"] else ""
            for col, text in enumerate((m["id"], human(m["size"]), used, m["path"])):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.total.setText(f"{len(self.entries)} models, {human(sum(m['size'] for m in self.entries))}"
                           if self.entries else "No models downloaded yet. Models are fetched when a "
                           "task first uses them, into this cache, shared with other tools.")
        self.delete.setEnabled(bool(self.entries))

    def _confirm(self, model_id: str, size: int) -> bool:
        return QMessageBox.question(self, "Delete model", f"Delete {model_id} ({human(size)}) from "
                                    "the cache? Tasks download it again when they need it.") \
            == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> int:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        freed = 0
        for row in rows:
            m = self.entries[row]
            if self.confirm(m["id"], m["size"]):
                freed += models.delete_cached(m["id"], self.cache)
        self.refresh()
        return freed
