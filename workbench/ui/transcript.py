"""The transcript view: a label track read as text, one line per region with its start time and
speaker.  Click a line to jump there and play it with Space; double-click the text to edit it
(the same region command as on the timeline: one undo step), or the speaker to rename that
speaker everywhere.  "Assign speakers" gives each line the speaker of a diarization track it
overlaps most; "Save as text…" writes “[h:mm:ss.s] Speaker: text” lines."""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDockWidget, QFileDialog, QHBoxLayout,
                               QStyledItemDelegate,
                               QHeaderView, QLabel, QMessageBox, QPushButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from workbench.core import speakers as spk
from workbench.ui.timeline.axes import format_time

ROLE = Qt.ItemDataRole.UserRole
TIME, SPEAKER, TEXT = range(3)


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their text wrapped at its column's width (a tree view's own delegate
    does not know the width, so long lines were elided, not wrapped)."""

    def __init__(self, view) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option, index):        # noqa: N802
        size = super().sizeHint(option, index)
        width = self.view.columnWidth(index.column()) - 8
        text = index.data() or ""
        if width > 20 and text:
            rect = option.fontMetrics.boundingRect(QRect(0, 0, width, 100_000),
                                                   int(Qt.TextFlag.TextWordWrap), text)
            size.setHeight(max(size.height(), rect.height() + 6))
        return size


class TranscriptDock(QDockWidget):
    def __init__(self, parent=None) -> None:
        super().__init__("Transcript", parent)
        self.setObjectName("transcript-dock")
        self.track_box = QComboBox()
        self.track_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.lines = QTreeWidget()
        self.lines.setColumnCount(3)
        self.lines.setHeaderLabels(["Time", "Speaker", "Text"])
        self.lines.setRootIsDecorated(False)
        self.lines.setWordWrap(True)
        self.lines.setUniformRowHeights(False)
        self.lines.header().setSectionResizeMode(TIME, QHeaderView.ResizeMode.ResizeToContents)
        self.lines.header().setSectionResizeMode(SPEAKER, QHeaderView.ResizeMode.ResizeToContents)
        self.lines.header().setStretchLastSection(True)
        self.lines.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.lines.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lines.setItemDelegate(WrappingDelegate(self.lines))
        # a new width wraps the lines anew
        self.lines.header().sectionResized.connect(lambda *_: self.lines.doItemsLayout())
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.itemClicked.connect(self._clicked)
        self.lines.itemDoubleClicked.connect(self._edit)
        self.lines.itemChanged.connect(self._edited)
        self.speakers_box = QComboBox()
        for combo in (self.track_box, self.speakers_box):   # the panel's width, not the longest name
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.speakers_box.setToolTip("The track of speaker turns (from “Who spoke when”)")
        self.assign_button = QPushButton("Assign speakers")
        self.assign_button.setToolTip("Give each line the speaker whose turns it overlaps most")
        self.assign_button.clicked.connect(self.assign)
        self.save_button = QPushButton("Save as text…")
        self.save_button.setToolTip("“[h:mm:ss.s] Speaker: text” lines, for reading and word processors")
        self.save_button.clicked.connect(lambda: self.save_text())
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.track_box)
        layout.addWidget(self.lines)
        row = QHBoxLayout()              # two rows: they fit a narrow side panel
        row.addWidget(QLabel("Speakers from"))
        row.addWidget(self.speakers_box, 1)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.assign_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
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
        turns = self.speakers_box.currentData()
        self._filling = True
        self.track_box.clear()
        self.speakers_box.clear()
        for t in (self.doc.label_tracks if self.doc else []):
            self.track_box.addItem(t.name, t.id)
            if spk.is_speaker_track(self.doc, t.id):
                self.speakers_box.addItem(t.name, t.id)
        # prefer the track that was shown, else a transcript, else the first
        idx = self.track_box.findData(current)
        if idx < 0:
            idx = max(0, self.track_box.findText("Transcript", Qt.MatchFlag.MatchStartsWith))
        self.track_box.setCurrentIndex(idx)
        self.speakers_box.setCurrentIndex(max(0, self.speakers_box.findData(turns)))
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
        items = []
        for r in (track.regions if track else []):
            item = QTreeWidgetItem([format_time(r.start), r.speaker or "", r.text])
            item.setData(TIME, ROLE, r.id)
            item.setToolTip(TIME, f"{format_time(r.start)} – {format_time(r.end)}")
            item.setToolTip(SPEAKER, "Double-click to rename this speaker everywhere")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            items.append(item)
        self.lines.addTopLevelItems(items)
        has_turns = self.speakers_box.count() > 0
        self.assign_button.setEnabled(has_turns and track is not None and len(track) > 0)
        self.speakers_box.setEnabled(has_turns)
        self.save_button.setEnabled(track is not None and len(track) > 0)
        self._filling = False

    def line(self, row: int) -> QTreeWidgetItem:
        return self.lines.topLevelItem(row)

    def _changed(self, track_id) -> None:
        track = self.track()
        if track is not None and (track.id == track_id or spk.is_speaker_track(self.doc, track_id)):
            self.refresh()

    def _region(self, item):
        track = self.track()
        region = track.get(item.data(TIME, ROLE)) if track and item is not None else None
        return track, region

    def _clicked(self, item, _column=0) -> None:
        track, region = self._region(item)
        if region is None:
            return
        self.doc.select_region(track.id, region.id)
        if self.timeline is not None:
            self.timeline.scroll_to(region.start)

    def _edit(self, item, column) -> None:
        if column in (SPEAKER, TEXT):
            self.lines.editItem(item, column)

    def _edited(self, item, column) -> None:
        if self._filling:
            return
        track, region = self._region(item)
        if region is None:
            return
        if column == TEXT and item.text(TEXT) != region.text:
            self.doc.update_region(track.id, region.id, text=item.text(TEXT))
        elif column == SPEAKER:
            self.set_speaker(region, item.text(SPEAKER))

    def set_speaker(self, region, name: str) -> None:
        """A line's speaker typed over: a new name renames that speaker everywhere; a line
        without one, or a name already in use, changes just this line."""
        name = name.strip()
        track = self.track()
        if region.speaker and name and name not in spk.speakers(self.doc, track.id):
            spk.rename_speaker(self.doc, region.speaker, name)
        elif (name or None) != region.speaker:
            self.doc.update_region(track.id, region.id, speaker=name or None, title="Set speaker")
        else:
            self.refresh()

    def assign(self) -> int:
        track, turns = self.track(), self.speakers_box.currentData()
        if track is None or turns is None:
            return 0
        return spk.assign_speakers(self.doc, track.id, turns)

    def save_text(self, path: str | None = None) -> str | None:
        """Write the shown track as a plain-text transcript; returns the path written."""
        from workbench.formats.labels import write_labels

        track = self.track()
        if track is None:
            return None
        if path is None:
            base = str(self.doc.path.with_suffix("")) if getattr(self.doc, "path", None) else track.name
            path, _ = QFileDialog.getSaveFileName(self, "Save transcript as text",
                                                  base + ".transcript.txt", "Transcript text (*.transcript.txt)")
            if not path:
                return None
        if not path.lower().endswith(".transcript.txt"):
            path += ".transcript.txt"
        try:
            write_labels(path, [(track.name, track.regions)])
        except OSError as exc:
            QMessageBox.warning(self, "Save transcript", str(exc))
            return None
        return path

    def _selected(self, track_id, region_id) -> None:
        track = self.track()
        if track is None or track_id != track.id:
            return
        for row in range(self.lines.topLevelItemCount()):
            if self.line(row).data(TIME, ROLE) == region_id:
                self.lines.setCurrentItem(self.line(row))
                self.lines.scrollToItem(self.line(row))
                return
