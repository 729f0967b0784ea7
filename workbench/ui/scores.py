"""The Scores dock: for a label track that keeps its model's scores (zero-shot labels), a
threshold slider and a tick per label.  Moving either makes the track's regions again from the
kept scores at once, with no model run; one slider drag is one undo step."""
from __future__ import annotations

import itertools

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (QComboBox, QDockWidget, QDoubleSpinBox, QHBoxLayout, QLabel,
                               QListWidget, QListWidgetItem, QSlider, QVBoxLayout, QWidget)

_gestures = itertools.count(1)


class ScoresDock(QDockWidget):
    def __init__(self, parent=None) -> None:
        super().__init__("Scores", parent)
        self.setObjectName("scores-dock")
        self.track_box = QComboBox()
        self.track_box.setToolTip("A track whose model scores are kept (zero-shot labels)")
        self.track_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setToolTip("Scores at or above the threshold become regions")
        self.spin = QDoubleSpinBox()
        self.spin.setRange(0.0, 1.0)
        self.spin.setSingleStep(0.01)
        self.spin.setDecimals(2)
        self.slider.sliderPressed.connect(lambda: setattr(self, "_gesture", ("scores", next(_gestures))))
        self.slider.sliderReleased.connect(lambda: setattr(self, "_gesture", None))
        self.slider.valueChanged.connect(lambda v: self.apply(v / 100))
        self.spin.valueChanged.connect(lambda v: self.apply(v))
        self.labels = QListWidget()
        self.labels.setToolTip("Untick a label to hide its regions")
        self.labels.itemChanged.connect(lambda _item: self.apply(self.spin.value()))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        for combo in (self.track_box,):       # the panel's width, not the longest track name
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.slider.setMinimumWidth(40)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.track_box)
        row = QHBoxLayout()
        row.addWidget(QLabel("Threshold"))
        row.addWidget(self.slider, 1)
        row.addWidget(self.spin)
        layout.addLayout(row)
        layout.addWidget(self.labels, 1)
        layout.addWidget(self.summary)
        self.setWidget(box)
        self.doc = None
        self._gesture = None
        self._filling = False

    def set_document(self, doc) -> None:
        if self.doc is not None:
            self.doc.labels_changed.disconnect(self._changed)
            self.doc.label_tracks_changed.disconnect(self._tracks_changed)
        self.doc = doc
        if doc is not None:
            doc.labels_changed.connect(self._changed)
            doc.label_tracks_changed.connect(self._tracks_changed)
        self._tracks_changed()

    def _tracks_changed(self) -> None:
        current = self.track_box.currentData()
        with QSignalBlocker(self.track_box):
            self.track_box.clear()
            for t in (self.doc.label_tracks if self.doc else []):
                if t.scores is not None:
                    self.track_box.addItem(t.name, t.id)
            self.track_box.setCurrentIndex(max(0, self.track_box.findData(current)))
        self.refresh()

    def show_track(self, track_id) -> None:
        self._tracks_changed()
        i = self.track_box.findData(track_id)
        if i >= 0:
            self.track_box.setCurrentIndex(i)

    def track(self):
        tid = self.track_box.currentData()
        if self.doc is None or tid is None:
            return None
        try:
            return self.doc.label_track(tid)
        except KeyError:
            return None

    def _changed(self, track_id) -> None:
        if not self._filling and track_id == self.track_box.currentData():
            self.refresh()

    def refresh(self) -> None:
        """The controls from the track (after undo too), without sending anything back."""
        track = self.track()
        self._filling = True
        try:
            with QSignalBlocker(self.slider), QSignalBlocker(self.spin), QSignalBlocker(self.labels):
                self.labels.clear()
                if track is None:
                    self.summary.setText("No track keeps scores yet: run Zero-shot labels")
                    return
                table = track.scores
                self.slider.setValue(round(table.threshold * 100))
                self.spin.setValue(table.threshold)
                counts = {name: 0 for name in table.labels}
                for r in track:
                    if r.text in counts:
                        counts[r.text] += 1
                for k, name in enumerate(table.labels):
                    best = float(table.values[:, k].max()) if len(table) else 0.0
                    item = QListWidgetItem(f"{name}  ({counts[name]}, best {best:.2f})")
                    item.setData(Qt.ItemDataRole.UserRole, name)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    ticked = name not in table.hidden
                    item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
                    self.labels.addItem(item)
                self.summary.setText(f"{len(track)} regions from {len(table)} windows ({table.kind} scores)")
        finally:
            self._filling = False

    def ticked(self) -> set[str]:
        return {self.labels.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.labels.count())
                if self.labels.item(i).checkState() == Qt.CheckState.Checked}

    def apply(self, threshold: float) -> None:
        track = self.track()
        if track is None or self._filling:
            return
        threshold = round(float(threshold), 2)
        labels = self.ticked()
        self._filling = True
        try:
            with QSignalBlocker(self.slider), QSignalBlocker(self.spin):
                self.slider.setValue(round(threshold * 100))
                self.spin.setValue(threshold)
            self.doc.refilter(track.id, threshold, labels, gesture=self._gesture)
        finally:
            self._filling = False
        self.refresh()
