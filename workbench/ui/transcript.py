"""The transcript view: a label track read as text, one line per region with its time.
Click a line to jump there and play it with Space; double-click to edit: the edit is the same
region command as on the timeline (one undo step)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDockWidget, QListWidget,
                               QListWidgetItem, QVBoxLayout, QWidget)

from workbench.ui.timeline.axes import format_time

ROLE = Qt.ItemDataRole.UserRole


class TranscriptDock(QDockWidget):
    def __init__(self, parent=None) -> None:
        super().__init__("Transcript", parent)
        self.setObjectName("transcript-dock")
        self.track_box = QComboBox()
        self.track_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.lines = QListWidget()
        self.lines.setWordWrap(True)
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.lines.itemClicked.connect(self._clicked)
        self.lines.itemChanged.connect(self._edited)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.track_box)
        layout.addWidget(self.lines)
        self.setWidget(box)
        self.doc = None
        self.timeline = None
        self._filling = False

    def set_document(self, doc, timeline) -> None:
        if self.doc is not None:
            for sig, slot in ((self.doc.labels_changed, self._changed),
                              (self.doc.label_tracks_changed, self._tracks_changed),
                              (self.doc.region_selected, self._selected)):
                sig.disconnect(slot)
        self.doc, self.timeline = doc, timeline
        if doc is not None:
            doc.labels_changed.connect(self._changed)
            doc.label_tracks_changed.connect(self._tracks_changed)
            doc.region_selected.connect(self._selected)
        self._tracks_changed()

    def _tracks_changed(self) -> None:
        current = self.track_box.currentData()
        self._filling = True
        self.track_box.clear()
        for t in (self.doc.label_tracks if self.doc else []):
            self.track_box.addItem(t.name, t.id)
        # prefer the track that was shown, else a transcript, else the first
        idx = self.track_box.findData(current)
        if idx < 0:
            idx = max(0, self.track_box.findText("Transcript", Qt.MatchFlag.MatchStartsWith))
        self.track_box.setCurrentIndex(idx)
        self._filling = False
        self.refresh()

    def show_track(self, track_id) -> None:
        idx = self.track_box.findData(track_id)
        if idx >= 0:
            self.track_box.setCurrentIndex(idx)

    def track(self):
        tid = self.track_box.currentData()
        try:
            return self.doc.label_track(tid) if self.doc and tid is not None else None
        except KeyError:
            return None

    def refresh(self) -> None:
        if self._filling:
            return
        self._filling = True
        self.lines.clear()
        track = self.track()
        for r in (track.regions if track else []):
            item = QListWidgetItem(r.text)
            item.setData(ROLE, r.id)
            item.setToolTip(f"{format_time(r.start)} – {format_time(r.end)}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.lines.addItem(item)
        self._filling = False

    def _changed(self, track_id) -> None:
        track = self.track()
        if track is not None and track.id == track_id:
            self.refresh()

    def _clicked(self, item) -> None:
        track = self.track()
        region = track.get(item.data(ROLE)) if track else None
        if region is None:
            return
        self.doc.select_region(track.id, region.id)
        if self.timeline is not None:
            self.timeline.scroll_to(region.start)

    def _edited(self, item) -> None:
        if self._filling:
            return
        track = self.track()
        if track is not None and track.get(item.data(ROLE)) is not None:
            self.doc.update_region(track.id, item.data(ROLE), text=item.text())

    def _selected(self, track_id, region_id) -> None:
        track = self.track()
        if track is None or track_id != track.id:
            return
        for row in range(self.lines.count()):
            if self.lines.item(row).data(ROLE) == region_id:
                self.lines.setCurrentRow(row)
                self.lines.scrollToItem(self.lines.item(row))
                return
