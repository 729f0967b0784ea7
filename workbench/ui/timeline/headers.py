"""Track headers: a column left of the lanes, one header per audio track beside its lanes, with
its name (editable), mute, solo, gain and pan, remove, and move up/down.  Drag a header by its
background (as in Audacity) to put the track somewhere else: a line shows where it will land.

Every control becomes a command on the document (a slider drag is one undo step); the headers
follow the document's events, so undo moves the controls back.
"""
from __future__ import annotations

import itertools

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (QApplication, QFrame, QGridLayout, QLabel, QSlider, QToolButton,
                               QWidget)

from workbench.core.tracks import audible
from workbench.ui.elide import NameEdit

WIDTH = 96         # compact, as Audacity's: the lanes get the room
_gestures = itertools.count(1)


def db_of(gain: float) -> float:
    import math

    return -60.0 if gain <= 0.001 else 20 * math.log10(gain)


class TrackHeader(QFrame):
    def __init__(self, doc, track, parent=None) -> None:
        super().__init__(parent)
        self.doc, self.track = doc, track
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("trackHeader")
        self.setToolTip("Drag here to move the track")
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self._press_y: float | None = None      # where a press on the background began (drag to move)
        grid = QGridLayout(self)
        grid.setContentsMargins(3, 3, 3, 3)
        grid.setHorizontalSpacing(1)
        grid.setVerticalSpacing(2)
        self.name = NameEdit(track.name)
        self.name.editingFinished.connect(self._renamed)
        self.remove = self._button("✕", "Remove this track (Ctrl+Z brings it back)")
        self.remove.clicked.connect(lambda: doc.remove_track(track.id))
        self.mute = self._button("M", "Mute: this track is not heard, exported or given to tasks", True)
        self.solo = self._button("S", "Solo: only soloed tracks are heard", True)
        self.mute.toggled.connect(lambda on: doc.set_track(track.id, mute=on))
        self.solo.toggled.connect(lambda on: doc.set_track(track.id, solo=on))
        self.up = self._button("▲", "Move the track up")
        self.down = self._button("▼", "Move the track down")
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(+1))
        self.gain = self._slider(-60, 12, "Gain (dB)")
        self.pan = self._slider(-100, 100, "Pan: left ← → right")
        self.gain_label, self.pan_label = QLabel(), QLabel()
        small = self.font()
        small.setPointSizeF(max(6.5, small.pointSizeF() - 1))
        for label in (self.gain_label, self.pan_label):
            label.setFont(small)
            label.setMinimumWidth(30)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._gesture = None
        for slider in (self.gain, self.pan):
            slider.sliderPressed.connect(self._press)
            slider.sliderReleased.connect(lambda: setattr(self, "_gesture", None))
        self.gain.valueChanged.connect(lambda v: self._set(gain=0.0 if v <= -60 else 10 ** (v / 20)))
        self.pan.valueChanged.connect(lambda v: self._set(pan=v / 100))
        grid.addWidget(self.name, 0, 0, 1, 5)
        grid.addWidget(self.mute, 1, 0)
        grid.addWidget(self.solo, 1, 1)
        grid.addWidget(self.up, 1, 2)
        grid.addWidget(self.down, 1, 3)
        grid.addWidget(self.remove, 1, 4)
        grid.addWidget(self.gain, 2, 0, 1, 3)
        grid.addWidget(self.gain_label, 2, 3, 1, 2)
        grid.addWidget(self.pan, 3, 0, 1, 3)
        grid.addWidget(self.pan_label, 3, 3, 1, 2)
        grid.setRowStretch(4, 1)
        self.rows = [[self.mute, self.solo, self.up, self.down, self.remove], [self.gain, self.gain_label],
                     [self.pan, self.pan_label]]
        self.show_values()

    def _button(self, text: str, tip: str, checkable: bool = False) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setCheckable(checkable)
        b.setAutoRaise(True)
        b.setFixedWidth(17)
        return b

    def _slider(self, lo: int, hi: int, tip: str) -> QSlider:
        s = QSlider(Qt.Orientation.Horizontal)
        s.setRange(lo, hi)
        s.setToolTip(tip)
        return s

    def _press(self) -> None:
        self._gesture = ("header", next(_gestures))

    def _set(self, **fields) -> None:
        self.doc.set_track(self.track.id, gesture=self._gesture, **fields)

    def _renamed(self) -> None:
        text = self.name.text().strip()
        if text and text != self.track.name:
            self.doc.set_track(self.track.id, name=text)
        else:
            self.name.setText(self.track.name)

    def _move(self, step: int) -> None:
        """Past the next audio track up or down (label tracks between them move along)."""
        order = self.doc.track_list
        audio = [i for i, t in enumerate(order) if audible(t)]
        here = order.index(self.track)
        k = audio.index(here) + step
        if 0 <= k < len(audio):
            self.doc.move_track(self.track.id, audio[k])

    # -- drag to reorder (presses on the controls never get here: they take them) --------------
    def mousePressEvent(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            self._press_y = ev.position().y()
            ev.accept()
            return
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev) -> None:
        column = self.parent()
        if self._press_y is not None and isinstance(column, TrackHeaders):
            if column.dragging is None and abs(ev.position().y() - self._press_y) < \
                    QApplication.startDragDistance():
                return
            column.drag_to(self.track, self.mapToParent(ev.position().toPoint()).y())
            ev.accept()
            return
        super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev) -> None:
        column = self.parent()
        if self._press_y is not None and isinstance(column, TrackHeaders) and column.dragging is not None:
            column.drop(self.mapToParent(ev.position().toPoint()).y())
        self._press_y = None
        super().mouseReleaseEvent(ev)

    def show_values(self) -> None:
        """The track's settings into the controls (after undo too), without sending them back."""
        t = self.track
        blockers = [QSignalBlocker(w) for w in (self.mute, self.solo, self.gain, self.pan)]
        if not self.name.hasFocus():
            self.name.setText(t.name)
            self.name.setCursorPosition(0)
        self.mute.setChecked(t.mute)
        self.solo.setChecked(t.solo)
        self.gain.setValue(round(db_of(t.gain)))
        self.pan.setValue(round(t.pan * 100))
        del blockers
        self.gain_label.setText("−∞ dB" if t.gain <= 0.001 else f"{db_of(t.gain):+.0f} dB")
        self.pan_label.setText("C" if t.pan == 0 else f"{abs(t.pan) * 100:.0f} {'L' if t.pan < 0 else 'R'}")

    def fit(self, height: int) -> None:
        """Show as many rows as the track's lanes leave room for."""
        room = height - 30
        for row in self.rows:
            visible = room >= 24
            for w in row:
                w.setVisible(visible)
            room -= 26


def _wrapped(text: str, metrics, width: int, lines: int) -> str:
    """``text`` in at most ``lines`` lines of ``width`` pixels: words wrap, and what is left
    over is elided in the middle of the last line."""
    words, rows = text.split(), []
    while words and len(rows) < lines - 1:
        row = words.pop(0)
        while words and metrics.horizontalAdvance(f"{row} {words[0]}") <= width:
            row += " " + words.pop(0)
        if metrics.horizontalAdvance(row) > width:
            row = metrics.elidedText(row, Qt.TextElideMode.ElideMiddle, width)
        rows.append(row)
    if words:
        rows.append(metrics.elidedText(" ".join(words), Qt.TextElideMode.ElideMiddle, width))
    return "\n".join(rows)


class TrackHeaders(QWidget):
    """The column of headers; the timeline tells it where each track's lanes are."""

    def __init__(self, doc, parent=None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setFixedWidth(WIDTH)
        self.headers: dict[int, TrackHeader] = {}
        self.spans: dict[int, tuple[int, int]] = {}
        self.label_headers: dict[int, QLabel] = {}   # a label track's name beside its lane
        self.label_spans: dict = {}
        self.dragging = None             # the track whose header is being dragged
        self.marker = QFrame(self)       # where it would land
        self.marker.setFrameShape(QFrame.Shape.HLine)
        self.marker.setStyleSheet("background: palette(highlight); border: none")
        self.marker.hide()
        doc.track_changed.connect(self._changed)

    def _changed(self, track) -> None:
        header = self.headers.get(track.id)
        if header is not None:
            header.show_values()

    def rebuild(self) -> None:
        for header in self.headers.values():   # out of sight now, deleted by Qt (its parent) later
            header.hide()
            header.deleteLater()
        for label in self.label_headers.values():
            label.hide()
            label.deleteLater()
        self.headers = {t.id: TrackHeader(self.doc, t, self) for t in self.doc.tracks}
        self.label_headers = {}
        self.place({tid: span for tid, span in self.spans.items() if tid in self.headers})

    def beside(self, lanes, graphics) -> None:
        """Each header beside its track's lanes (``graphics``: the view the lanes are in)."""
        spans: dict[int, tuple[int, int]] = {}
        viewport = graphics.viewport()

        def y(point) -> int:
            return self.mapFromGlobal(viewport.mapToGlobal(graphics.mapFromScene(point))).y()

        labels: dict = {}
        for lane in lanes:
            if not audible(lane.track):
                rect = lane.sceneBoundingRect()
                labels[lane.track] = (y(rect.topLeft()), y(rect.bottomLeft()))
                continue
            rect = lane.sceneBoundingRect()
            top, bottom = y(rect.topLeft()), y(rect.bottomLeft())
            a, b = spans.get(lane.track.id, (top, bottom))
            spans[lane.track.id] = (min(a, top), max(b, bottom))
        self.place(spans)
        self.place_labels(labels)

    def place_labels(self, spans: dict) -> None:
        """A label track's name (wrapped, the whole of it on hover) beside its lane."""
        keep = {id(track) for track in spans}
        for key in [k for k in self.label_headers if k not in keep]:
            self.label_headers.pop(key).deleteLater()
        self.label_spans = spans
        for track, (top, bottom) in spans.items():
            label = self.label_headers.get(id(track))
            if label is None:
                label = self.label_headers[id(track)] = QLabel(self)
                label.setWordWrap(True)
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                label.setContentsMargins(2, 0, 4, 0)
            height = max(14, bottom - top)
            metrics = label.fontMetrics()
            lines = max(1, height // metrics.lineSpacing())
            label.setText(_wrapped(track.name, metrics, WIDTH - 8, lines))
            label.setToolTip(track.name)
            label.setGeometry(0, top, WIDTH - 2, height)
            label.show()

    def landing(self, track, y: float) -> tuple[int, int]:
        """Where a dragged track would go for a pointer at ``y``: (its new index in the
        document's track list, the y of the line that shows it)."""
        others = sorted(((span, tid) for tid, span in self.spans.items() if tid != track.id))
        rest = [t for t in self.doc.track_list if t is not track]
        for (top, bottom), tid in others:
            if y < (top + bottom) / 2:
                return rest.index(self.doc.track(tid)), top - 1
        if not others:
            return self.doc.track_list.index(track), 0
        (_, bottom), tid = others[-1]
        return rest.index(self.doc.track(tid)) + 1, bottom + 1

    def drag_to(self, track, y: float) -> None:
        self.dragging = track
        _, line = self.landing(track, y)
        self.marker.setGeometry(0, max(0, line - 2), WIDTH - 2, 4)
        self.marker.show()
        self.marker.raise_()

    def drop(self, y: float) -> None:
        """The dragged track moves to where the line was (one undo step; nothing when it is
        where it was)."""
        track, self.dragging = self.dragging, None
        self.marker.hide()
        if track is not None and track in self.doc.track_list:
            index, _ = self.landing(track, y)
            self.doc.move_track(track.id, index)

    def place(self, spans: dict[int, tuple[int, int]]) -> None:
        """``spans``: track id -> (top, bottom) in this widget's coordinates."""
        self.spans = dict(spans)
        for track_id, header in self.headers.items():
            span = spans.get(track_id)
            if span is None:
                header.hide()
                continue
            top, bottom = span
            header.setGeometry(0, top, WIDTH - 2, max(20, bottom - top))
            header.fit(bottom - top)
            header.show()
