"""Help ▸ About: the version, the versions of Qt, torch and transformers, and the licences of
every component (the bundle's inventory, or what pip installed), with the GPL ones named."""
from __future__ import annotations

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from workbench import __version__
from workbench.core import about


class AboutDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Audio Workbench")
        self.resize(720, 560)
        versions = about.versions()
        shown = {"Qt": qVersion(), "PySide6": pyside_version, **versions}
        components, source = about.components()
        gpl = [c["name"] for c in components if c.get("gpl")]
        head = QLabel(
            f"<h2>Audio Workbench {__version__}</h2>"
            "<p>See, hear, label and generate audio with AI models on one timeline.<br>"
            "Audio Workbench's own code is under the MIT licence; each component below keeps its own.</p>"
            "<p>" + " · ".join(f"{k} {v}" for k, v in shown.items() if v != "not installed") + "</p>"
            f"<p><b>GPL components:</b> {', '.join(gpl) if gpl else 'none'}. "
            "Qt and libsndfile are LGPL, used as separate shared libraries you may replace.</p>")
        head.setWordWrap(True)
        head.setTextInteractionFlags(head.textInteractionFlags() | head.textInteractionFlags().TextSelectableByMouse)
        self.table = QTableWidget(len(components), 3, self)
        self.table.setHorizontalHeaderLabels(["Component", "Version", "Licence"])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, c in enumerate(components):
            licence = c["license"] + (f" ({c['note']})" if c.get("note") else "")
            for col, text in enumerate((c["name"], c.get("version", ""), licence)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        where = QLabel(f"{len(components)} components, from {source}.")
        where.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.licence_folder = about.licence_folder()
        if self.licence_folder is not None:
            button = buttons.addButton("Licence Texts…", QDialogButtonBox.ButtonRole.ActionRole)
            button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.licence_folder))))
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.table, 1)
        layout.addWidget(where)
        layout.addWidget(buttons)
        self.gpl = gpl
        self.shown_versions = shown
