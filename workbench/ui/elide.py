"""Text that does not fit: shown elided in the middle (the start and the end of a name are what
tell names apart), with the whole text in a tooltip, and never pushing its window wider."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QLineEdit, QSizePolicy, QStyle, QStyleOptionFrame


class ElidedLabel(QLabel):
    """A one-line label that elides what does not fit (in the middle by default) and shows the
    whole text as its tooltip when it is cut.  Its minimum width is small, so a long message in
    the status bar or a long track name never widens the window."""

    def __init__(self, text: str = "", mode=Qt.TextElideMode.ElideMiddle, parent=None) -> None:
        super().__init__(parent)
        self.mode = mode
        self.full = ""
        self.own_tip = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:   # noqa: N802 (Qt's name)
        self.full = text or ""
        self._fit()

    def text(self) -> str:                   # what it says, whole
        return self.full

    def setToolTip(self, tip: str) -> None:  # noqa: N802
        self.own_tip = tip
        self._fit()

    def minimumSizeHint(self) -> QSize:      # noqa: N802
        return QSize(16, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:             # noqa: N802
        return QSize(self.fontMetrics().horizontalAdvance(self.full) + 8, super().sizeHint().height())

    def resizeEvent(self, ev) -> None:       # noqa: N802
        super().resizeEvent(ev)
        self._fit()

    def is_elided(self) -> bool:
        return super().text() != self.full

    def _fit(self) -> None:
        room = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self.full, self.mode, room) if room else self.full
        QLabel.setText(self, shown)
        tip = self.own_tip
        if shown != self.full:
            tip = self.full if not tip else f"{self.full}\n{tip}"
        QLabel.setToolTip(self, tip)


class WrappedLabel(QLabel):
    """A word-wrapped label that asks for the height its text needs at the width it was given:
    a form row sized a wrapped label by its hint for another width and cut its first and last
    lines off (the Model note of a long download message in a narrow side panel)."""

    def __init__(self, text: str = "", parent=None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def setText(self, text: str) -> None:   # noqa: N802 (Qt's name)
        super().setText(text)
        self._fit()

    def resizeEvent(self, ev) -> None:       # noqa: N802
        super().resizeEvent(ev)
        self._fit()

    def _fit(self) -> None:
        width = self.contentsRect().width()
        need = self.heightForWidth(width) if width > 0 and self.text() else 0
        if need >= 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)


class NameEdit(QLineEdit):
    """A name box that, when it is not being edited, shows a name too long for it elided in the
    middle (a plain line edit shows its end, or its start, cut), with the whole name on hover."""

    def __init__(self, text: str = "", parent=None) -> None:
        super().__init__(text, parent)
        self.textChanged.connect(lambda t: self.setToolTip(f"{t}\nType to rename"))
        self.setToolTip(f"{text}\nType to rename")

    def shown_text(self) -> str:
        """What is on screen when it is not focused."""
        room = self._room().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, room)

    def _room(self) -> QRect:
        opt = QStyleOptionFrame()
        self.initStyleOption(opt)
        return self.style().subElementRect(QStyle.SubElement.SE_LineEditContents, opt, self).adjusted(2, 0, -2, 0)

    def paintEvent(self, ev) -> None:        # noqa: N802
        if self.hasFocus() or self.shown_text() == self.text():
            super().paintEvent(ev)
            return
        p = QPainter(self)
        opt = QStyleOptionFrame()
        self.initStyleOption(opt)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelLineEdit, opt, p, self)
        p.setPen(self.palette().color(self.foregroundRole()))
        p.drawText(self._room(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                   self.shown_text())
        p.end()
