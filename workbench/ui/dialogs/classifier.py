"""What a trained classifier learnt, shown: held-out scores per class, the confusion matrix as a
picture, the warnings, and where the model went, with the task that runs it one click away."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QFontMetrics, QPainter
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSizePolicy, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from workbench.ui.elide import WrappedLabel


class ConfusionMatrix(QWidget):
    """Rows: the truth; columns: the guess.  Each cell shaded by the share of its row, with its
    count written in it; the classes' names along both edges."""

    def __init__(self, labels: list[str], matrix: list[list[int]], parent=None) -> None:
        super().__init__(parent)
        self.labels, self.matrix = list(labels), [list(r) for r in matrix]
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Confusion matrix")

    def _margin(self) -> int:
        fm = QFontMetrics(self.font())
        return min(160, max((fm.horizontalAdvance(s) for s in self.labels), default=20) + 12)

    def sizeHint(self) -> QSize:            # noqa: N802
        n = max(1, len(self.labels))
        side = self._margin() + n * 44 + 24
        return QSize(side, side)

    def minimumSizeHint(self) -> QSize:     # noqa: N802
        n = max(1, len(self.labels))
        return QSize(self._margin() + n * 22 + 24, self._margin() // 3 + n * 22 + 24)

    def paintEvent(self, _ev) -> None:      # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = p.fontMetrics()
        n = len(self.labels)
        if not n:
            return
        left = self._margin()
        top = fm.height() * 2 + 6
        cell = max(8.0, min((self.width() - left - 8) / n, (self.height() - top - 8) / n))
        pal = self.palette()
        text = pal.windowText().color()
        p.setPen(text)
        p.drawText(QRectF(left, 0, cell * n, fm.height()), Qt.AlignmentFlag.AlignCenter, "guessed as")
        for j, name in enumerate(self.labels):         # the guesses along the top
            p.drawText(QRectF(left + j * cell, fm.height() + 2, cell, fm.height()), Qt.AlignmentFlag.AlignCenter,
                       fm.elidedText(name, Qt.TextElideMode.ElideRight, int(cell) - 2))
        for i, row in enumerate(self.matrix):
            total = max(1, sum(row))
            y = top + i * cell
            p.setPen(text)
            p.drawText(QRectF(0, y, left - 6, cell), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(self.labels[i], Qt.TextElideMode.ElideRight, left - 8))
            for j, count in enumerate(row):
                share = count / total
                hue = 120 if i == j else 0           # right: green; wrong: red
                colour = QColor.fromHsv(hue, int(40 + 180 * share), 255 - int(90 * share)) if count else pal.base().color()
                rect = QRectF(left + j * cell, y, cell - 2, cell - 2)
                p.fillRect(rect, colour)
                p.setPen(QColor("#202020") if count else pal.mid().color())
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
        p.end()


class ShareDialog(QDialog):
    """Where on the Hub, private or not, and whose token (the login's when left empty)."""

    def __init__(self, folder: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Share on the Hugging Face Hub")
        form = QFormLayout(self)
        try:
            from huggingface_hub import get_token

            logged_in = bool(get_token())
        except Exception:  # an unreadable token file: ask for one
            logged_in = False
        self.repo = QLineEdit(f"your-name/{Path(folder).name}")
        self.repo.setSelection(0, len("your-name"))          # typing your name replaces it
        self.repo.setToolTip("your-name/model-name (or an organisation you may write to)")
        self.private = QCheckBox("Private (only you see it; change it on the Hub later)")
        self.private.setChecked(True)
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("the token of `hf auth login`" if logged_in else
                                      "a token with write access (huggingface.co/settings/tokens)")
        form.addRow("Repository", self.repo)
        form.addRow("", self.private)
        form.addRow("Token", self.token)
        note = WrappedLabel("The folder goes up as it is: the weights, the config naming the backbone, "
                            "the model card with its scores. Nothing of your audio is uploaded.")
        note.setEnabled(False)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Share")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class ClassifierResult(QDialog):
    """The result view of a training run (a ``ModelOutput``)."""

    use_requested = Signal(str, str)        # the task that runs it, the model folder
    share_requested = Signal(str, str, str, bool)   # folder, repository, token ("": the login's), private

    def __init__(self, output, parent=None) -> None:
        super().__init__(parent)
        self.output = output
        m, data = output.metrics, output.summary
        self.setWindowTitle(f"Classifier: {Path(output.folder).name}")
        layout = QVBoxLayout(self)
        head = QLabel(f"<b>Held-out accuracy {m['accuracy']:.0%}</b>, macro-F1 {m['macro_f1']:.2f} — "
                      f"{data.get('held_out', 0)} of {data.get('examples', 0)} examples held out, "
                      f"split {data.get('split', '')}")
        head.setWordWrap(True)
        layout.addWidget(head)
        middle = QHBoxLayout()
        self.table = QTableWidget(len(output.classes), 5)
        self.table.setHorizontalHeaderLabels(["Class", "Examples", "Precision", "Recall", "F1"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, c in enumerate(output.classes):
            row = m["classes"].get(c, {})
            cells = [c, str(data.get("counts", {}).get(c, 0))] + [f"{row.get(k, 0):.2f}" for k in ("precision", "recall", "f1")]
            for k, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if k:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, k, item)
        self.table.resizeColumnsToContents()
        middle.addWidget(self.table, 1)
        self.matrix = ConfusionMatrix(m.get("labels", output.classes), m.get("confusion", []))
        middle.addWidget(self.matrix, 1)
        layout.addLayout(middle, 1)
        for w in data.get("warnings", []):
            warn = WrappedLabel(f"⚠ {w}")
            layout.addWidget(warn)
        where = WrappedLabel(f"Saved in {output.folder} (weights, config and a model card with these scores)")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        from workbench.tasks import registry

        self.uses = []
        for task_id in output.tasks:      # each task that runs it: Classify (regions), Sound events (time)
            spec = registry.get(task_id)
            button = QPushButton(f"Use in {spec.title}")
            button.setToolTip(f"Choose {spec.title} in its panel with this model: {spec.description}")
            button.clicked.connect(lambda _=False, t=task_id: self._use(t))
            self.uses.append(button)
        self.use = self.uses[0]
        self.share = QPushButton("Share on the Hub…")
        self.share.setToolTip("Upload the model folder to a repository of yours on the Hugging Face Hub")
        self.share.clicked.connect(self._share)
        self.open_folder = QPushButton("Open folder")
        self.open_folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(output.folder)))
        for button in self.uses:
            buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.share, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_folder, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 420)

    def _share(self) -> None:
        ask = ShareDialog(self.output.folder, self)
        self.share_dialog = ask                  # tests fill it in
        ask.accepted.connect(lambda: self.share_requested.emit(self.output.folder, ask.repo.text().strip(),
                                                               ask.token.text().strip(), ask.private.isChecked()))
        ask.open()

    def _use(self, task_id: str) -> None:
        self.use_requested.emit(task_id, self.output.folder)
        self.accept()
