"""The transport toolbar, as in Audacity: play/stop, loop, skip to start/end, editable
h:mm:ss.mmm fields for the cursor and the selection, and a level meter of the playing mix
(peak and RMS per channel)."""
from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QLineEdit, QToolBar, QWidget

from workbench.ui.timeline.axes import format_time

_TIME = re.compile(r"^\s*(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d*)?)\s*$")


def parse_time(text: str) -> float:
    """Seconds from h:mm:ss.mmm, m:ss.mmm or plain seconds; ValueError when it is none of them."""
    m = _TIME.match(text.replace(",", "."))
    if not m:
        raise ValueError(f"“{text}” is not a time: type h:mm:ss.mmm, m:ss or seconds")
    h, mnt, s = m.groups()
    return int(h or 0) * 3600 + int(mnt or 0) * 60 + float(s)


class TimeField(QLineEdit):
    """A time the user can type; ``edited(seconds)`` on Enter, the old value back on a typo."""

    edited = Signal(float)

    def __init__(self, tip: str) -> None:
        super().__init__(format_time(0.0))
        self.setToolTip(tip)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("00:00:00.0000") + 16)
        self._value = 0.0
        self.returnPressed.connect(self._commit)

    def show_time(self, seconds: float | None) -> None:
        self._value = seconds
        if not self.hasFocus():
            self.setText("" if seconds is None else format_time(seconds))

    def _commit(self) -> None:
        try:
            value = parse_time(self.text())
        except ValueError:
            self.setText("" if self._value is None else format_time(self._value))
            self.setToolTip(f"{self.toolTip().split(' — ')[0]} — type h:mm:ss.mmm")
            return
        self.clearFocus()
        self.edited.emit(value)


class LevelMeter(QWidget):
    """Peak (bright) and RMS (dark) per channel, in dBFS from -60 to 0, with a peak hold."""

    FLOOR = -60.0

    def __init__(self) -> None:
        super().__init__()
        self.setToolTip("Level of what is playing: RMS (dark), peak (light), the loudest peak "
                        "held; red at 0 dBFS")
        self.peak = np.zeros(0)
        self.rms = np.zeros(0)
        self.hold = np.zeros(0)

    def sizeHint(self) -> QSize:
        return QSize(180, 22)

    def set_levels(self, peak, rms) -> None:
        self.peak, self.rms = np.asarray(peak, float), np.asarray(rms, float)
        if len(self.hold) != len(self.peak):
            self.hold = self.peak.copy()
        self.hold = np.maximum(self.hold * 0.97, self.peak)
        self.update()

    def clear(self) -> None:
        self.peak = self.rms = self.hold = np.zeros(0)
        self.update()

    def _x(self, amplitude: float, width: float) -> float:
        db = 20 * np.log10(max(amplitude, 1e-9))
        return width * min(1.0, max(0.0, (db - self.FLOOR) / -self.FLOOR))

    def paint(self, p: QPainter, rect: QRectF) -> None:
        n = max(1, len(self.peak))
        h = rect.height() / n
        p.fillRect(rect, QColor("#20242a"))
        for c in range(len(self.peak)):
            y = rect.top() + c * h + 1
            w = rect.width()
            p.fillRect(QRectF(rect.left(), y, self._x(self.peak[c], w), h - 2), QColor("#6fbf73"))
            p.fillRect(QRectF(rect.left(), y, self._x(self.rms[c], w), h - 2), QColor("#2e7d32"))
            x = rect.left() + self._x(self.hold[c], w)
            p.fillRect(QRectF(x - 1, y, 2, h - 2), QColor("#e53935" if self.hold[c] >= 0.999 else "#ffffff"))

    def paintEvent(self, ev) -> None:
        p = QPainter(self)
        self.paint(p, QRectF(self.rect()))
        p.end()


class TransportBar(QToolBar):
    """Buttons for the window's transport actions, the time fields and the meter."""

    def __init__(self, window) -> None:
        super().__init__("Transport", window)
        self.setObjectName("transport")
        self.window = window
        for action_id, text in (("transport.play", "▶ Play"), ("transport.loop", "⟲ Loop"),
                                ("select.start", "|◀ Start"), ("select.end", "End ▶|"),
                                ("transport.record", "● Record")):
            action = window.actions_by_id[action_id]
            button_action = self.addAction(text)
            button_action.setToolTip(f"{action.text().replace('&', '')} ({action.shortcut().toString()})")
            button_action.triggered.connect(action.trigger)
            if action_id == "transport.play":
                self.play_action = button_action
            if action_id == "transport.record":
                self.record_action = button_action
        self.addSeparator()
        self.addWidget(QLabel(" Cursor "))
        self.cursor_field = TimeField("Cursor: type a time and press Enter")
        self.addWidget(self.cursor_field)
        self.addWidget(QLabel("  Selection "))
        self.start_field = TimeField("Selection start: type a time and press Enter")
        self.end_field = TimeField("Selection end: type a time and press Enter")
        self.addWidget(self.start_field)
        self.addWidget(QLabel("–"))
        self.addWidget(self.end_field)
        self.addSeparator()
        self.addWidget(QLabel("  Level "))
        self.meter = LevelMeter()
        self.meter_action = self.addWidget(self.meter)
        self.cursor_field.edited.connect(self._cursor_typed)
        self.start_field.edited.connect(lambda t: self._selection_typed(t, None))
        self.end_field.edited.connect(lambda t: self._selection_typed(None, t))
        window.playback.state_changed.connect(self._playing)
        window.recorder.state_changed.connect(
            lambda on: self.record_action.setText("■ Stop recording" if on else "● Record"))
        window.playback.levels.connect(self.meter.set_levels)

    def _doc(self):
        tab = self.window.current_tab()
        return tab.document if tab else None

    def _cursor_typed(self, t: float) -> None:
        doc = self._doc()
        if doc is not None:
            doc.set_selection(None)
            doc.set_cursor(t)
            self.window.current_timeline().scroll_to(doc.cursor)

    def _selection_typed(self, start: float | None, end: float | None) -> None:
        doc = self._doc()
        if doc is None:
            return
        a, b = doc.selection or (doc.cursor, doc.cursor)
        a, b = (a if start is None else start), (b if end is None else end)
        doc.set_selection(a, b)
        if doc.selection:
            doc.set_cursor(doc.selection[0])
        self.show_document(doc)

    def show_document(self, doc) -> None:
        # nothing open: nothing to play, record into or measure, so the bar shows none of it
        for action in self.actions():
            action.setVisible(doc is not None)
        self.setVisible(doc is not None)
        if doc is None:
            for f in (self.cursor_field, self.start_field, self.end_field):
                f.show_time(None)
            return
        self.cursor_field.show_time(doc.cursor)
        a, b = doc.selection or (None, None)
        self.start_field.show_time(a)
        self.end_field.show_time(b)

    def _playing(self, on: bool) -> None:
        self.play_action.setText("■ Stop" if on else "▶ Play")
        if not on:
            self.meter.clear()
