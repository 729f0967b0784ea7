"""The Regions dock (every label of the document, sortable and searchable, in sync with the
timeline) and the History dock (every undo step; click one to go back to it)."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QDockWidget, QHeaderView, QLineEdit, QListWidget,
                               QTableView, QVBoxLayout, QWidget)

from workbench.ui.timeline.axes import format_time

COLUMNS = ("Track", "Start", "End", "Length", "Text", "Confidence")


def short_time(seconds: float) -> str:
    """m:ss.mmm under an hour (h:mm:ss.mmm past it): the Regions list's times fit a narrow panel."""
    if seconds >= 3600:
        return format_time(seconds)
    m, s = divmod(round(seconds, 3), 60)
    return f"{int(m)}:{s:06.3f}"


# the order columns give way in when the panel is narrow: the text stays, then start, end...
PRIORITY = (4, 1, 2, 5, 0, 3)
SAMPLES = {0: "Track nam", 1: "00:00.000", 2: "00:00.000", 3: "00.000", 4: "Some text", 5: "0.00"}


class RegionTableModel(QAbstractTableModel):
    """One row per region of every label track, sorted and filtered here (not by a proxy:
    a proxy calls back into Python for every comparison, seconds for 100,000 rows).  Edits go
    through the document's commands."""

    def __init__(self) -> None:
        super().__init__()
        self.doc = None
        self.all_rows: list[tuple] = []   # (track, region)
        self.rows: list[tuple] = []       # what is shown: filtered and sorted
        self.filter = ""
        self.sort_column, self.sort_order = 1, Qt.SortOrder.AscendingOrder

    def set_document(self, doc) -> None:
        self.doc = doc
        self.reload()

    def reload(self, *_args) -> None:
        self.beginResetModel()
        self.all_rows = list(self.doc.all_regions()) if self.doc else []
        self._apply()
        self.endResetModel()

    def _apply(self) -> None:
        needle = self.filter.lower()
        rows = [row for row in self.all_rows if needle in row[1].text.lower()] if needle else list(self.all_rows)
        key = _SORT_KEYS[self.sort_column]
        rows.sort(key=key, reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        self.rows = rows

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self.filter = text
        self._apply()
        self.endResetModel()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.sort_column, self.sort_order = column, order
        self._apply()
        self.layoutChanged.emit()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        track, r = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return track.name
            if col in (1, 2):
                return short_time(r.start if col == 1 else r.end)
            if col == 3:
                return f"{r.length:.3f}"
            if col == 4:
                return r.text
            return "" if r.confidence is None else f"{r.confidence:.2f}"
        if role == Qt.ItemDataRole.ToolTipRole:     # the whole row, whatever columns fit
            conf = "" if r.confidence is None else f"\nconfidence {r.confidence:.2f}"
            return (f"{r.text}\n{track.name}\n{format_time(r.start)} – {format_time(r.end)} "
                    f"({r.length:.3f} s){conf}")
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (1, 2, 3, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 4 else base

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if index.column() != 4 or role != Qt.ItemDataRole.EditRole:
            return False
        track, r = self.rows[index.row()]
        self.doc.update_region(track.id, r.id, text=str(value))
        return True

    def row_of(self, region_id: int) -> int:
        return next((i for i, (_, r) in enumerate(self.rows) if r.id == region_id), -1)


_SORT_KEYS = [
    lambda row: (row[0].name, row[1].start),
    lambda row: (row[1].start, row[1].end),
    lambda row: (row[1].end, row[1].start),
    lambda row: (row[1].length, row[1].start),
    lambda row: (row[1].text.lower(), row[1].start),
    lambda row: (-1.0 if row[1].confidence is None else row[1].confidence, row[1].start),
]


class RegionListDock(QDockWidget):
    def __init__(self, parent=None) -> None:
        super().__init__("Regions", parent)
        self.setObjectName("regions-dock")
        self.model = RegionTableModel()
        self.search = QLineEdit(placeholderText="Search label text…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.model.set_filter)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(30)
        # the text first, then the times: what a narrow panel shows
        header.moveSection(4, 0)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.viewport().installEventFilter(self)
        self.table.clicked.connect(self._clicked)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self.setWidget(box)
        self.doc = None
        self.timeline = None
        self._connections = []

    def eventFilter(self, obj, ev) -> bool:   # noqa: N802
        if obj is self.table.viewport() and ev.type() == ev.Type.Resize:
            self.fit_columns()
        return False

    def fit_columns(self) -> None:
        """The columns that fit the width, in PRIORITY order (fixed widths: no pass over the
        rows); the text takes what is left.  A hidden column's value is in each row's tooltip."""
        fm = self.table.fontMetrics()
        widths = {c: max(fm.horizontalAdvance(SAMPLES[c]), fm.horizontalAdvance(COLUMNS[c]) + 14) + 10
                  for c in SAMPLES}
        room = self.table.viewport().width()
        several_tracks = self.doc is not None and len(self.doc.label_tracks) > 1
        shown, used = [], 0
        for col in PRIORITY:
            if col == 0 and not several_tracks:
                continue
            if used + widths[col] <= room or not shown:
                shown.append(col)
                used += widths[col]
        for col in range(len(COLUMNS)):
            self.table.setColumnHidden(col, col not in shown)
            if col in shown and col != 4:
                self.table.setColumnWidth(col, widths[col])
        self.table.setColumnWidth(4, max(widths[4], room - used + widths[4]))

    def set_document(self, doc, timeline) -> None:
        for sig, slot in self._connections:
            sig.disconnect(slot)
        self.doc, self.timeline = doc, timeline
        self._connections = []
        if doc is not None:
            self._connections = [(doc.labels_changed, self.model.reload),
                                 (doc.label_tracks_changed, self.model.reload),
                                 (doc.label_tracks_changed, self.fit_columns),
                                 (doc.region_selected, self._show_selected)]
            for sig, slot in self._connections:
                sig.connect(slot)
        self.model.set_document(doc)
        self.fit_columns()

    def _clicked(self, index) -> None:
        track, region = self.model.rows[index.row()]
        self.doc.select_region(track.id, region.id)
        if self.timeline is not None:
            t0, t1 = self.timeline.view_range()
            if region.end - region.start > t1 - t0:
                self.timeline.set_view(region.start, region.end)
            elif not (t0 <= region.start and region.end <= t1):
                span = t1 - t0
                self.timeline.set_view(region.start - 0.1 * span, region.start + 0.9 * span)

    def _show_selected(self, track_id, region_id) -> None:
        if region_id is None:
            self.table.clearSelection()
            return
        row = self.model.row_of(region_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))


class HistoryDock(QDockWidget):
    def __init__(self, parent=None) -> None:
        super().__init__("History", parent)
        self.setObjectName("history-dock")
        self.list = QListWidget()
        self.list.itemClicked.connect(self._clicked)
        self.setWidget(self.list)
        self.history = None

    def set_history(self, history) -> None:
        if self.history is not None:
            self.history.changed.disconnect(self.refresh)
        self.history = history
        if history is not None:
            history.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        if self.history is None:
            return
        self.list.addItem("Opened")
        for title in self.history.titles:
            self.list.addItem(title)
        for row in range(self.list.count()):
            item = self.list.item(row)
            if row > self.history.index:  # undone steps are greyed
                item.setForeground(self.list.palette().color(self.list.palette().ColorRole.PlaceholderText))
        self.list.setCurrentRow(self.history.index)

    def _clicked(self, item) -> None:
        self.history.go_to(self.list.row(item))
