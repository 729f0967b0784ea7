"""Composition root of the GUI: builds the application, the settings and the window, then runs
the loop.  It lives under ui/ because it is where Qt starts; the CLI imports it only for the window."""
from __future__ import annotations

import os
import sys
import time


def run_gui(files: list[str], theme: str | None = None, exit_when_shown: bool = False) -> int:
    t0 = time.perf_counter()
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        print("workbench: no display: run it in a desktop session, or set QT_QPA_PLATFORM=offscreen "
              "to run it without one (the command line works anywhere: workbench run --help)",
              file=sys.stderr)
        return 2
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg

    from workbench.core.settings import Settings
    from workbench.ui.main_window import MainWindow

    # Row-major float images with fixed levels are pyqtgraph's fast path for spectrogram tiles.
    pg.setConfigOptions(imageAxisOrder="row-major", antialias=False)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Audio Workbench")
    app.setOrganizationName("Audio Workbench")
    app.setDesktopFileName("org.audioworkbench.AudioWorkbench")
    settings = Settings.load()
    if theme:
        settings.theme = theme
    window = MainWindow(settings, save_settings=not exit_when_shown)

    if exit_when_shown:
        # Start-up benchmark and installer smoke test: report the first paint, then (when files
        # were given) what opened, and quit.
        class FirstPaint(QObject):
            def eventFilter(self, obj, ev):
                if ev.type() == QEvent.Type.Paint:
                    print(f"shown {time.perf_counter() - t0:.3f} s after main()", flush=True)
                    obj.removeEventFilter(self)
                    QTimer.singleShot(0, report_when_loaded)
                return False

        def report_when_loaded():
            tabs = window.all_tabs()
            if any(not tab.loaded for tab in tabs):
                QTimer.singleShot(20, report_when_loaded)
                return
            for tab in tabs:
                info = tab.document.first_source.info
                print(f"opened {info.path.name}: {info.describe()}, {info.duration:.3f} s", flush=True)
            for box in window.messages:
                print(f"message: {box.text()}", flush=True)
            app.quit()

        window.first_paint = FirstPaint(window)
        window.installEventFilter(window.first_paint)
    if files:  # opened before the first paint, so the window never shows an empty state first
        window.ctx.files.open_files(files)
    window.show()
    if not exit_when_shown:  # after a crash: offer the work the last session did not save
        QTimer.singleShot(0, window.ctx.files.offer_recovery)
    code = app.exec()
    if exit_when_shown:
        os._exit(code)  # skip interpreter teardown: the figure is the time to the first paint
    return code
