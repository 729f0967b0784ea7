"""The Review panel: a trained classifier's guesses, least confident first.  Space auditions a
guess, Enter accepts it, typing relabels it, Delete rejects it; each answer is a label on the
track the classifier learns from (one undo step, saved with the project), and Retrain learns
from the answers in seconds (the embeddings are cached)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDockWidget, QFormLayout, QHBoxLayout, QLineEdit,
                               QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from workbench.tasks.teach import review
from workbench.ui.elide import WrappedLabel

NEW = -1          # "Answers go to": a new track, made at the first answer


class GuessList(QListWidget):
    """The queue; the keys a reviewer keeps their hands on."""

    audition = Signal()
    accept = Signal()
    reject = Signal()
    relabel = Signal(str)              # the first letter typed

    KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Delete, Qt.Key.Key_Backspace)

    def event(self, ev) -> bool:
        """The window's own Space (play) and Delete must not take these keys from the list."""
        from PySide6.QtCore import QEvent

        if ev.type() == QEvent.Type.ShortcutOverride and (ev.key() in self.KEYS or (
                ev.text() and ev.text().isprintable() and not ev.modifiers() & ~Qt.KeyboardModifier.ShiftModifier)):
            ev.accept()
            return True
        return super().event(ev)

    def keyPressEvent(self, ev) -> None:      # noqa: N802
        key = ev.key()
        if key == Qt.Key.Key_Space:
            self.audition.emit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept.emit()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.reject.emit()
        elif ev.text() and ev.text().isprintable() and not ev.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
            self.relabel.emit(ev.text())
        else:
            super().keyPressEvent(ev)


class ReviewDock(QDockWidget):
    play_requested = Signal(float, float)       # audition [start, end)
    retrain_requested = Signal(object, int)     # the document, the answers track

    def __init__(self, parent=None) -> None:
        super().__init__("Review", parent)
        self.setObjectName("review-dock")
        self.guesses = QComboBox()
        self.guesses.setToolTip("A track of a classifier's guesses (each with its confidence): run "
                                "Classify or Sound events with a model you trained")
        self.answers = QComboBox()
        self.answers.setToolTip("Where each answer goes as a label: the track the classifier learns from")
        for combo in (self.guesses, self.answers):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.guesses.currentIndexChanged.connect(lambda _i: self.refresh())
        self.answers.currentIndexChanged.connect(lambda _i: self.refresh())     # the count it says
        self.list = GuessList()
        self.list.setToolTip("Space: listen · Enter: right · type: it is something else · Delete: wrong")
        self.list.audition.connect(self.audition)
        self.list.accept.connect(lambda: self.answer())
        self.list.reject.connect(self.reject)
        self.list.relabel.connect(self._start_relabel)
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.text = QLineEdit()
        self.text.setPlaceholderText("Type the right label, then Enter")
        self.text.returnPressed.connect(lambda: self.answer(self.text.text()))
        self.accept_button = QPushButton("Right")
        self.accept_button.setToolTip("Enter: a label with this text on the answers track")
        self.accept_button.clicked.connect(lambda: self.answer())
        self.reject_button = QPushButton("Wrong")
        self.reject_button.setToolTip("Delete: take the guess out")
        self.reject_button.clicked.connect(self.reject)
        self.retrain = QPushButton("Retrain")
        self.retrain.setToolTip("Train again, with the answers: the embeddings are cached, so it takes seconds")
        self.retrain.clicked.connect(lambda: self.retrain_requested.emit(self.doc, self.answers.currentData()))
        self.summary = WrappedLabel()
        self.summary.setEnabled(False)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.addRow("Guesses", self.guesses)
        form.addRow("Answers go to", self.answers)
        layout.addLayout(form)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        for b in (self.accept_button, self.reject_button, self.retrain):
            row.addWidget(b)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        self.setWidget(box)
        self.doc = None
        self.can_retrain = lambda doc: False
        self.learns_from = lambda doc: set()       # the names of the tracks its training read
        self._enable()

    # -- the document ----------------------------------------------------------------------------
    def set_document(self, doc) -> None:
        for signal in ("labels_changed", "label_tracks_changed"):
            if self.doc is not None:
                getattr(self.doc, signal).disconnect(self._changed)
            if doc is not None:
                getattr(doc, signal).connect(self._changed)
        self.doc = doc
        self._fill_tracks()

    def _changed(self, *_args) -> None:
        self._fill_tracks()

    def _fill_tracks(self) -> None:
        keep_g, keep_a = self.guesses.currentData(), self.answers.currentData()
        for combo in (self.guesses, self.answers):
            combo.blockSignals(True)
            combo.clear()
        tracks = self.doc.label_tracks if self.doc is not None else []
        for t in tracks:
            if review.is_guesses(t):
                self.guesses.addItem(t.name, t.id)
        for t in tracks:
            if not review.is_guesses(t):
                self.answers.addItem(t.name, t.id)
        self.answers.addItem("A new track “Reviewed”", NEW)
        newest = self.guesses.count() - 1            # the newest guesses, unless one was chosen
        self.guesses.setCurrentIndex(max(0, self.guesses.findData(keep_g)) if keep_g is not None
                                     and self.guesses.findData(keep_g) >= 0 else newest)
        if keep_a not in (None, NEW) and self.answers.findData(keep_a) >= 0:
            self.answers.setCurrentIndex(self.answers.findData(keep_a))
        else:    # a track the classifier learnt from; else a new one (not the "?" it classified)
            learnt = self.learns_from(self.doc) if self.doc is not None else set()
            mine = [t.id for t in tracks if t.name in learnt and not review.is_guesses(t)]
            self.answers.setCurrentIndex(self.answers.findData(mine[0] if mine else NEW))
        for combo in (self.guesses, self.answers):
            combo.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        row = max(0, self.list.currentRow())
        self.list.clear()
        track = self._guesses()
        queue = review.queue(track) if track is not None else []
        for r in queue:
            item = QListWidgetItem(f"{r.confidence:.2f}   {r.text}   {r.start:.2f}–{r.end:.2f} s")
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.list.addItem(item)
        if queue:
            self.list.setCurrentRow(min(row, len(queue) - 1))
        # what Retrain would read here: the tracks it learns from and the answers track (not a
        # track of "?" regions that Classify ran over)
        learnt = self.learns_from(self.doc) if self.doc is not None else set()
        aid = self.answers.currentData()
        answered = sum(len(t) for t in self.doc.label_tracks if not review.is_guesses(t)
                       and (t.name in learnt or t.id == aid)) if self.doc else 0
        self.summary.setText(f"{len(queue)} guesses to review, least confident first; {answered} labels to "
                             f"learn from here" if track is not None else
                             "No guesses yet: train a classifier, then run Classify or Sound events with it")
        self._enable()

    def _guesses(self):
        gid = self.guesses.currentData()
        return self.doc.label_track(gid) if self.doc is not None and gid is not None else None

    def _enable(self) -> None:
        on = self.list.currentItem() is not None
        for w in (self.accept_button, self.reject_button, self.text):
            w.setEnabled(on)
        self.retrain.setEnabled(self.doc is not None and self.can_retrain(self.doc))

    # -- answers -----------------------------------------------------------------------------------
    def current(self):
        item = self.list.currentItem()
        track = self._guesses()
        if item is None or track is None:
            return None
        return track.get(item.data(Qt.ItemDataRole.UserRole))

    def audition(self) -> None:
        r = self.current()
        if r is not None:
            self.play_requested.emit(r.start, r.end)

    def answer(self, text: str | None = None) -> None:
        r = self.current()
        if r is None:
            return
        aid = self.answers.currentData()
        _answer, made = review.accept(self.doc, self._guesses().id, r.id, None if aid == NEW else aid,
                                      text or None)
        if aid == NEW:              # the track made with the first answer is the answers track now
            self.answers.blockSignals(True)
            if self.answers.findData(made) < 0:        # (the track list's signal usually listed it)
                self.answers.insertItem(self.answers.count() - 1, self.doc.label_track(made).name, made)
            self.answers.setCurrentIndex(self.answers.findData(made))
            self.answers.blockSignals(False)
        self.text.clear()
        self.list.setFocus()

    def reject(self) -> None:
        r = self.current()
        if r is not None:
            review.reject(self.doc, self._guesses().id, r.id)
            self.list.setFocus()

    def _start_relabel(self, first: str) -> None:
        if self.current() is None:
            return
        self.text.setText(first)
        self.text.setFocus()
