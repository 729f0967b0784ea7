"""Export Audio: where, which format and rate, the mixdown or the selection."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget)

from workbench.formats.export import CONTAINERS, SUBTYPES

RATES = (8000, 16000, 22050, 32000, 44100, 48000, 88200, 96000)
SUBTYPE_NAMES = {"PCM_16": "16-bit integer", "PCM_24": "24-bit integer", "FLOAT": "32-bit float",
                 "VORBIS": "Vorbis (lossy)"}


class ExportDialog(QDialog):
    def __init__(self, doc, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Audio")
        src = doc.first_source
        base = Path(src.path).with_suffix("") if src is not None else Path("export")
        self.path = QLineEdit(str(base) + "-export.wav")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.path)
        h.addWidget(browse)
        self.rate = QComboBox()
        self.rate.addItem(f"Project rate ({doc.sample_rate} Hz)", None)
        for r in RATES:
            self.rate.addItem(f"{r} Hz", r)
        self.subtype = QComboBox()
        self.selection_only = QCheckBox("Selection only")
        self.selection_only.setEnabled(doc.selection is not None)
        self.selection_only.setChecked(doc.selection is not None)
        self.path.textChanged.connect(self._format_changed)
        self._format_changed()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")   # says what it does
        self.setMinimumWidth(560)          # room for a whole path
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("File (.wav, .flac, .ogg)", row)
        form.addRow("Sample rate", self.rate)
        form.addRow("Sample format", self.subtype)
        form.addRow("", self.selection_only)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export audio", self.path.text(),
                                              "WAV (*.wav);;FLAC (*.flac);;Ogg Vorbis (*.ogg)")
        if path:
            self.path.setText(path)

    def _format_changed(self) -> None:
        container = CONTAINERS.get(Path(self.path.text()).suffix.lower(), "WAV")
        current = self.subtype.currentData()
        self.subtype.clear()
        for sub in SUBTYPES[container]:
            self.subtype.addItem(SUBTYPE_NAMES[sub], sub)
        idx = self.subtype.findData(current)
        if idx >= 0:
            self.subtype.setCurrentIndex(idx)

    def choices(self) -> dict:
        return {"path": self.path.text(), "selection_only": self.selection_only.isChecked(),
                "sample_rate": self.rate.currentData(), "subtype": self.subtype.currentData()}
