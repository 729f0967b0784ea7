"""Which column is which: asked when a table's column names are not ones the workbench knows
(a CSV from another tool), instead of importing it with its text empty."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel


class ColumnsDialog(QDialog):
    def __init__(self, name: str, header: list[str], problem: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Which column is which?")
        form = QFormLayout(self)
        note = QLabel(f"“{name}”: {problem}. Choose the columns that hold the times and the text.")
        note.setWordWrap(True)
        form.addRow(note)
        self.boxes: dict[str, QComboBox] = {}
        lower = [h.lower() for h in header]
        for what, title, guess in (("start", "Start (seconds)", ("start", "onset", "begin")),
                                   ("end", "End (seconds)", ("end", "offset", "stop")),
                                   ("text", "Text", ())):
            box = QComboBox()
            if what == "text":
                box.addItem("(none: regions without text)", "")
            for h in header:
                box.addItem(h, h)
            hit = next((i for i, h in enumerate(lower) if any(g in h for g in guess)), None)
            if hit is not None:
                box.setCurrentIndex(hit + (1 if what == "text" else 0))
            elif what == "end" and len(header) > 1:
                box.setCurrentIndex(1)
            elif what == "text" and len(header) > 2:
                box.setCurrentIndex(3)
            form.addRow(title, box)
            self.boxes[what] = box
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choices(self) -> dict:
        """what -> column name; text "" when the table has none (regions without text)."""
        return {what: box.currentData() for what, box in self.boxes.items()}
