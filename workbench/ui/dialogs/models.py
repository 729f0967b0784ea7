"""Models: what the shared Hugging Face cache holds, how big, where; fetch a model by Hub id
(per-file progress, Cancel, and a stopped download continues where it stopped); delete what you
no longer use."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMessageBox, QProgressBar,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from workbench.tasks import downloads, models
from workbench.tasks.downloads import human
from workbench.tasks.runner import TaskCancelled
from workbench.ui.workers import GeneratorWorker


class ModelsDialog(QDialog):
    def __init__(self, parent=None, cache=None, confirm=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(760, 420)
        self.cache = cache or models.cache_dir()
        self.confirm = confirm or self._confirm
        from workbench.tasks.model_status import hub_reachable

        hub = hub_reachable()
        reach = ("  ·  offline (HF_HUB_OFFLINE): only models that are here can run" if models.offline()
                 else "  ·  the Hub cannot be reached from this computer now: nothing can be "
                      "downloaded; bundled models and model folders work" if hub is False else "")
        where = QLabel(f"Cache: {self.cache}{reach}")
        where.setWordWrap(True)
        self.hub_unreachable = hub is False or models.offline()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(("Model", "Size", "Last used", "Folder"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # fixed widths, the folder elided in the middle: the dialog fits a laptop screen whatever
        # the names (ResizeToContents made it 1408 px wide); the whole of each cell on hover
        header = self.table.horizontalHeader()
        for col, width in ((0, 300), (1, 90), (2, 90)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setWordWrap(False)
        self.total = QLabel()
        self.total.setWordWrap(True)
        self.delete = QPushButton("Delete")
        self.delete.clicked.connect(self.delete_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.delete, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        # fetching a model by Hub id
        self.model_id = QLineEdit()
        self.model_id.setPlaceholderText("Hub id to download, e.g. openai/whisper-small")
        self.model_id.returnPressed.connect(self.start_download)
        self.get = QPushButton("Download")
        self.get.clicked.connect(self.start_download)
        self.stop = QPushButton("Cancel")
        self.stop.setEnabled(False)
        self.stop.clicked.connect(self.cancel_download)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        fetch = QHBoxLayout()
        fetch.addWidget(self.model_id, 1)
        fetch.addWidget(self.get)
        fetch.addWidget(self.stop)
        self.worker: GeneratorWorker | None = None
        self.downloaded: str | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(self.table)
        layout.addWidget(self.total)
        layout.addLayout(fetch)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.refresh()

    # -- downloads ----------------------------------------------------------------------------
    def start_download(self) -> None:
        model_id = self.model_id.text().strip()
        if self.worker is not None or not model_id:
            return
        if not downloads.is_hub_id(model_id):
            self.status.setText(f"“{model_id}” is not a Hub id (owner/name). A model folder on this "
                                "computer needs no download: choose it with Browse… beside a task's Model box.")
            return
        if models.offline():
            self.status.setText("Offline (HF_HUB_OFFLINE is set): nothing can be downloaded. On a "
                                f"connected machine run “workbench download {model_id}”.")
            return
        cache = self.cache
        worker = GeneratorWorker(lambda cancelled: downloads.download(model_id, cache_dir=cache,
                                                                      cancelled=cancelled), self)
        worker.progress.connect(lambda f: self.bar.setValue(int(f * 1000)))
        worker.message.connect(self.status.setText)
        worker.done.connect(lambda folder: self._download_ended(f"{model_id} is ready: {folder}", folder))
        worker.failed.connect(lambda exc, tb: self._download_ended(
            "Stopped; Download again continues where it stopped." if isinstance(exc, TaskCancelled)
            else f"Download failed: {exc}"))
        worker.cancelled.connect(lambda: self._download_ended(
            f"{model_id}: cancelled. What arrived is kept: Download again continues from there."))
        self.worker = worker
        self.get.setEnabled(False)
        self.stop.setEnabled(True)
        self.bar.setValue(0)
        self.bar.show()
        worker.start()

    def cancel_download(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _download_ended(self, text: str, folder: str | None = None) -> None:
        if self.worker is not None:
            self.worker.wait(2000)
        self.worker = None
        self.downloaded = folder
        self.status.setText(text)
        self.get.setEnabled(True)
        self.stop.setEnabled(False)
        self.bar.setVisible(folder is not None)
        self.refresh()

    def done(self, result: int) -> None:  # closing the dialog stops a download; it can go on later
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait(5000)
        super().done(result)

    def refresh(self) -> None:
        hub, others = models.cached_models(self.cache), models.other_models()
        self.entries = hub + others
        self.table.setRowCount(len(self.entries))
        for row, m in enumerate(self.entries):
            used = time.strftime("%Y-%m-%d", time.localtime(m["last_used"])) if m["last_used"] else ""
            size = human(m["size"])
            if m.get("partial"):
                size += f" + {human(m['partial'])} of a stopped download (Download continues it)"
            for col, text in enumerate((m["id"], size, used, m["path"])):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        count = len(hub)
        text = (f"{count} model{'s' if count != 1 else ''}, {human(sum(m['size'] for m in hub))} in the cache."
                if hub else "No models downloaded yet. Models are fetched when a task first uses them "
                "(or below), into this cache, shared with other tools" + (
                    "; the Hub cannot be reached now, so use the bundled models or a model folder."
                    if self.hub_unreachable else "."))
        if others:
            text += (f" Also here: {len(others)} bundled, converted or your own folders "
                     f"({human(sum(m['size'] for m in others))}); your folders are used where they are.")
        self.total.setText(text)
        self.delete.setEnabled(any(m.get("kind") not in ("bundled", "local") for m in self.entries))

    def _confirm(self, model_id: str, size: int) -> bool:
        return QMessageBox.question(self, "Delete model", f"Delete {model_id} ({human(size)}) from "
                                    "the cache? Tasks download it again when they need it.") \
            == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> int:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        freed = 0
        for row in rows:
            m = self.entries[row]
            if m.get("kind") == "bundled":
                self.status.setText(f"{m['id']} ships with the program: it cannot be deleted here")
                continue
            if m.get("kind") == "local":
                self.status.setText(f"{m['path']} is a folder of yours: it is used where it is, and is "
                                    "not deleted from here")
                continue
            if self.confirm(m["id"], m["size"]):
                freed += (models.delete_other(m) if m.get("kind") == "ctranslate2"
                          else models.delete_cached(m["id"], self.cache))
        self.refresh()
        return freed
