"""How much of the window the timeline's lanes get, as a user working on a laptop sees it:

    .venv/bin/python tests/benchmarks/workspace.py [--size W H ...] [--shots DIR] [--json]

It builds the real main window at each size (1280x720, 1366x768 and 1920x1080 by default),
opens the demo recording, shows what a user has open while working (the Understand panel, the
Regions list and the Jobs) and prints the share of the window's width and height that the lanes'
plotting area (where the audio is drawn, without gutters and headers) gets.  The issue's floor
is 70% of the width and 55% of the height; tests/ui/test_workspace.py checks it at 1280x720.
Under ``xvfb-run`` (QT_QPA_PLATFORM=xcb) it is a real X window; ``--shots DIR`` saves a
screenshot of each size.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SIZES = ((1280, 720), (1366, 768), (1920, 1080))
FLOOR = {"width": 0.70, "height": 0.55}


def pump(app, seconds: float = 0.3, until=None, timeout: float = 30.0) -> None:
    end = time.time() + (timeout if until else seconds)
    while time.time() < end:
        app.processEvents()
        if until is not None and until():
            break
        time.sleep(0.01)


def working_window(app, size, path=None):
    """The main window at ``size`` with the demo (or ``path``) open and the panels a user works
    with shown; returns (window, tab)."""
    from workbench.core.paths import demo_recording
    from workbench.core.settings import Settings
    from workbench.ui.main_window import MainWindow

    window = MainWindow(Settings(autosave_seconds=0), save_settings=False)
    window.ctx.files.ask_unsaved = lambda doc: "discard"
    window.resize(*size)
    window.show()
    tab = window.ctx.files.open_file(str(path or demo_recording()))
    pump(app, until=lambda: tab.loaded)
    for name in ("regions", "jobs", "understand"):    # the task panel last: it is the one in front
        window.ctx.view.show_dock(name, True)
    pump(app, 0.5)
    return window, tab


def screenshot_args(folders=("CONFIG",)):
    """OUT and --size from the command line, Qt offscreen unless told otherwise, and private
    workbench folders (``folders``: CONFIG, CACHE, DATA); returns (args, the OUT folder)."""
    import argparse
    import os
    import tempfile
    from pathlib import Path

    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--size", nargs=2, type=int, default=(1280, 720))
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for name in folders:
        os.environ.setdefault(f"WORKBENCH_{name}_DIR", tempfile.mkdtemp())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    return args, out


def shooter(app, window, out, settle: float = 0.3):
    """``shot(name, widget=None)`` saves ``widget`` (the window) as OUT/name.png once the events
    have settled; the names taken so far are in the list returned with it."""
    shots: list[str] = []

    def shot(name: str, widget=None) -> None:
        pump(app, settle)
        path = out / f"{name}.png"
        (widget or window).grab().save(str(path))
        shots.append(path.name)

    return shot, shots


def shares(window, tab) -> dict:
    """The lanes' plotting area as fractions of the window's width and height."""
    from PySide6.QtCore import QRect

    graphics = tab.timeline.graphics
    viewport = graphics.viewport()
    visible = QRect(viewport.mapTo(window, viewport.rect().topLeft()), viewport.size())
    rects = []
    for lane in tab.timeline.lanes:
        r = graphics.mapFromScene(lane.scene_plot_rect()).boundingRect()
        r = QRect(viewport.mapTo(window, r.topLeft()), r.size()).intersected(visible)
        if not r.isEmpty():
            rects.append(r)
    if not rects:
        return {"width": 0.0, "height": 0.0, "lanes_px": [0, 0]}
    width = max(r.width() for r in rects)
    height = sum(r.height() for r in rects)
    return {"width": width / window.width(), "height": height / window.height(),
            "lanes_px": [width, height], "window_px": [window.width(), window.height()]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", nargs=2, type=int, action="append", metavar=("W", "H"))
    ap.add_argument("--shots", metavar="DIR")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("WORKBENCH_CONFIG_DIR", tempfile.mkdtemp())
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    results = []
    for size in args.size or SIZES:
        window, tab = working_window(app, tuple(size))
        figures = shares(window, tab)
        figures["size"] = f"{size[0]}x{size[1]}"
        results.append(figures)
        if args.shots:
            Path(args.shots).mkdir(parents=True, exist_ok=True)
            window.grab().save(str(Path(args.shots) / f"workspace-{size[0]}x{size[1]}.png"))
        window.close()
        pump(app, 0.2)
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print(f"lanes' share of the window (floor: width {FLOOR['width']:.0%}, height {FLOOR['height']:.0%})")
        for r in results:
            print(f"  {r['size']:>9}: width {r['width']:.1%} ({r['lanes_px'][0]} px), "
                  f"height {r['height']:.1%} ({r['lanes_px'][1]} px)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
