"""PySide6 6.12.0 drops a reference to None on every QGraphicsObject paint and setPos; on
Python < 3.12 (None is not immortal) the interpreter aborts with "deallocating None" after a few
thousand redraws: seconds of playback.  pyproject excludes that release; this test catches the
next one that does the same."""
import sys

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
    """Steady state of playback: the playhead moves and the lanes repaint, frame after frame.
    Freed items legitimately release references, so the check is a rate: 6.12.0 loses more
    than 20 a frame, a sound build none once warmed up."""
    import gc

    from audio_fixtures import signal, write

    tab = open_loaded(write(tmp_path / "x.wav", signal(48000 * 5, 2), 48000, "WAV", "PCM_16"))
    tl = tab.timeline
    tl.set_view(0.0, 5.0)

    def frames(n):
        for i in range(n):
            tl.show_playhead(i * 5.0 / n)
            tl.grab()

    frames(50)
    gc.collect()
    before = sys.getrefcount(None)
    frames(300)
    gc.collect()
    lost = before - sys.getrefcount(None)
    assert lost < 300, f"{lost} references to None lost in 300 frames"
