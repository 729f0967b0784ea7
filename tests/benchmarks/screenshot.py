"""Screenshots of the window as users see it (offscreen):

    .venv/bin/python tests/benchmarks/screenshot.py AUDIO OUT.png [--theme dark]
        [--view START END] [--select START END] [--mode split|waveform|spectrogram] [--scale log]
        [--run TASK[@MODEL] ...] [--panel] [--add AUDIO@SECONDS ...]

--run queues tasks through the window (as the Understand panel's Run does) and waits for them,
so the regions they made are in the picture; --panel shows the Understand panel and Jobs dock.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("WORKBENCH_CONFIG_DIR", tempfile.mkdtemp())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("audio")
    ap.add_argument("out")
    ap.add_argument("--theme", default="light")
    ap.add_argument("--mode", default="split")
    ap.add_argument("--scale", default="log")
    ap.add_argument("--view", nargs=2, type=float)
    ap.add_argument("--select", nargs=2, type=float)
    ap.add_argument("--cursor", type=float)
    ap.add_argument("--size", nargs=2, type=int, default=(1400, 850))
    ap.add_argument("--run", action="append", default=[], metavar="TASK[@MODEL]")
    ap.add_argument("--panel", action="store_true")
    ap.add_argument("--generate", metavar="TASK", help="show the Generate panel and run TASK onto a new track")
    ap.add_argument("--split", type=float, help="split the first track's clip here, select the right half")
    ap.add_argument("--add", action="append", default=[], metavar="AUDIO@SECONDS",
                    help="another file as a clip on a new track, starting at SECONDS")
    args = ap.parse_args()

    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    pg.setConfigOptions(imageAxisOrder="row-major", antialias=False)
    app = QApplication([])
    from workbench.core.settings import Settings
    from workbench.ui.main_window import MainWindow

    w = MainWindow(Settings(theme=args.theme, view_mode=args.mode,
                            spectrogram={"scale": args.scale}), save_settings=False)
    w.resize(*args.size)
    w.show()
    tab = w.ctx.files.open_file(args.audio)

    def pump(cond, timeout=60):
        end = time.time() + timeout
        while not cond() and time.time() < end:
            app.processEvents()
            time.sleep(0.01)

    pump(lambda: tab.loaded)
    from workbench.core.audio import open_audio

    for item in args.add:
        path, _, at = item.rpartition("@")
        tab.document.add_track(open_audio(path).load_all(), offset=float(at), undoable=True)
    if args.view:
        tab.timeline.set_view(*args.view)
    if args.select:
        tab.document.set_selection(*args.select)
    if args.cursor is not None:
        tab.document.set_cursor(args.cursor)
    from workbench.tasks import registry

    for item in args.run:
        task, _, model = item.partition("@")
        job = w.ctx.tasks.run_task(registry.get(task), {}, "file", model)
        pump(lambda: job.state not in ("queued", "running"), 600)
        print(task, job.state, job.found, job.error)
    if args.split is not None:
        tab.document.set_cursor(args.split)
        tab.document.split_clips()
        track = tab.document.tracks[0]
        tab.document.select_clip(track.clips[-1].id)
    if args.panel:
        w.ctx.view.show_dock("understand", True)
    if args.generate:
        from workbench.tasks import registry as reg

        w.ctx.view.show_dock("generate", True)
        job = w.ctx.tasks.generate(reg.get(args.generate), {}, "new track")
        pump(lambda: job.state not in ("queued", "running"), 60)
        print(args.generate, job.state, job.error)
    pump(tab.timeline.spectrogram_complete, 30)
    pump(lambda: False, 0.3)
    w.grab().save(args.out)
    print("saved", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
