import gc

import pytest

pytest.importorskip("PySide6")
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent, QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.core.settings import Settings  # noqa: E402

pg.setConfigOptions(imageAxisOrder="row-major", antialias=False)


@pytest.fixture
def window(qtbot):
    from workbench.ui.main_window import MainWindow

    w = MainWindow(Settings(theme="light"), save_settings=False)
    w.ctx.files.ask_unsaved = lambda doc: "discard"     # tests that check the prompt replace this
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    yield w
    w.playback.stop()
    for box in list(w.messages):
        box.close()
    w.job_queue.cancel_all()
    gc.collect()      # this window's cycles go now, on the GUI thread (never in a worker's)


@pytest.fixture
def open_loaded(window, qtbot):
    def open_(path):
        tab = window.ctx.files.open_file(path)
        assert tab is not None
        qtbot.waitUntil(lambda: tab.loaded, timeout=20000)
        return tab
    return open_


def lane_point(lane, t: float, y: float | None = None) -> QPoint:
    """Widget coordinates (of the graphics view's viewport) of time t in a lane."""
    scene = lane.scene_point(t, y)      # y: the lane's own value (the middle when None)
    view = lane.scene().views()[0]
    return view.mapFromScene(scene)


def send_mouse(widget, kind, pos: QPoint, buttons=Qt.MouseButton.LeftButton,
               button=Qt.MouseButton.LeftButton, mods=Qt.KeyboardModifier.NoModifier):
    types = {"press": QEvent.Type.MouseButtonPress, "move": QEvent.Type.MouseMove,
             "release": QEvent.Type.MouseButtonRelease}
    if kind == "move":
        button = Qt.MouseButton.NoButton
    if kind == "release":
        buttons = Qt.MouseButton.NoButton
    global_pos = QPointF(widget.mapToGlobal(pos))
    ev = QMouseEvent(types[kind], QPointF(pos), global_pos, button, buttons, mods)
    QApplication.sendEvent(widget, ev)


def drag(widget, a: QPoint, b: QPoint, steps: int = 8, mods=Qt.KeyboardModifier.NoModifier):
    """Press, move in steps, release; moves are spaced like a real mouse's (pyqtgraph drops
    move events that come faster than its frame rate)."""
    from PySide6.QtTest import QTest

    send_mouse(widget, "press", a, mods=mods)
    for i in range(1, steps + 1):
        QTest.qWait(20)
        p = QPoint(a.x() + (b.x() - a.x()) * i // steps, a.y() + (b.y() - a.y()) * i // steps)
        send_mouse(widget, "move", p, mods=mods)
    send_mouse(widget, "release", b, mods=mods)


def click(widget, pos: QPoint, mods=Qt.KeyboardModifier.NoModifier):
    send_mouse(widget, "press", pos, mods=mods)
    send_mouse(widget, "release", pos, mods=mods)


def wheel(widget, pos: QPoint, delta: int, mods=Qt.KeyboardModifier.NoModifier):
    ev = QWheelEvent(QPointF(pos), QPointF(widget.mapToGlobal(pos)), QPoint(0, 0), QPoint(0, delta),
                     Qt.MouseButton.NoButton, mods, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, ev)
