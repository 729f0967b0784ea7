"""GUI event-loop lateness while a job runs, shared by the benchmarks: a window with a file open,
a 10 ms QTimer, and how late each of its ticks came while the job was queued or running."""
from __future__ import annotations

import time


def window_with(path):
    """(application, window, tab) with ``path`` open and loaded."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from workbench.core.settings import Settings
    from workbench.ui.main_window import MainWindow

    window = MainWindow(Settings(autosave_seconds=0), save_settings=False)
    window.ctx.files.ask_unsaved = lambda doc: "discard"
    window.show()
    tab = window.ctx.files.open_file(str(path))
    while not tab.loaded:
        app.processEvents()
        time.sleep(0.005)
    return app, window, tab


def lateness_while(app, start) -> tuple[list[float], object]:
    """Seconds each 10 ms tick came late while the job ``start()`` returns runs; and the job."""
    from PySide6.QtCore import QTimer

    late, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        late.append(max(0.0, now - last[0] - 0.010))
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    job = start()
    while job.state in ("queued", "running"):
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    return late, job
