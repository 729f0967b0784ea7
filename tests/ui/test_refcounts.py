"""PySide6 6.12.0 drops a reference to None on every QGraphicsObject paint and setPos; on
Python < 3.12 (None is not immortal) the interpreter aborts with "deallocating None" after a few
thousand redraws: seconds of playback.  pyproject excludes that release; this test catches the
next one that does the same."""
import sys

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsObject, QGraphicsScene, QGraphicsView


class _Item(QGraphicsObject):
    def boundingRect(self):
        return QRectF(0, 0, 10, 10)

    def paint(self, painter, option, widget=None):
        painter.drawRect(0, 0, 5, 5)


def test_painting_and_moving_items_does_not_drain_none(qtbot):
    scene = QGraphicsScene()
    view = QGraphicsView(scene)
    qtbot.addWidget(view)
    item = _Item()
    scene.addItem(item)
    view.show()
    view.grab()
    before = sys.getrefcount(None)
    for i in range(200):
        item.setPos(i, 0)
        view.grab()
    lost = before - sys.getrefcount(None)
    assert lost < 50, f"{lost} references to None lost in 200 paints: this PySide6 build will crash"


def test_a_playing_timeline_keeps_none_alive(window, open_loaded, tmp_path):
    from audio_fixtures import signal, write

    tab = open_loaded(write(tmp_path / "x.wav", signal(48000 * 5, 2), 48000, "WAV", "PCM_16"))
    tl = tab.timeline
    tl.grab()
    before = sys.getrefcount(None)
    for i in range(100):  # what 100 frames of playback do: move the playhead, scroll, repaint
        tl.show_playhead(i * 0.05)
        tl.set_view(i * 0.01, i * 0.01 + 1.0)
        tl.grab()
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"{lost} references to None lost in 100 frames"
