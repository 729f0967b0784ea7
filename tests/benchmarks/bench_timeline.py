"""Timeline speed: every figure of the timeline issue, each next to a baseline from the same run.

    .venv/bin/python tests/benchmarks/bench_timeline.py --json [--workdir DIR] [--quick]

Inputs are generated (and kept in --workdir for the next run): a 1-hour 48 kHz stereo 16-bit WAV,
the same hour as FLAC, and a 10-minute WAV for the naive pyqtgraph baseline (pyqtgraph given a
whole hour takes minutes a step; see shared/notes/environment.md).  --quick uses 10 minutes
everywhere, for a smoke run.  Not collected by pytest: it checks speed, not behaviour.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("WORKBENCH_CONFIG_DIR", tempfile.mkdtemp(prefix="bench-config-"))

RATE = 48000


# -- inputs ------------------------------------------------------------------------------------
def make_wav(path: Path, seconds: int, fmt: str = "WAV", subtype: str = "PCM_16") -> Path:
    """Speech-like bursts over noise, written in blocks (never the whole file in memory)."""
    import soundfile as sf

    if path.exists():
        return path
    tmp = path.with_suffix(".part" + path.suffix)
    rng = np.random.default_rng(0)
    block = RATE * 10
    with sf.SoundFile(str(tmp), "w", RATE, 2, subtype=subtype, format=fmt) as f:
        for start in range(0, seconds * RATE, block):
            t = (np.arange(block) + start) / RATE
            env = 0.5 * (1 + np.sin(2 * np.pi * 0.7 * t)) * (rng.uniform() > 0.3)
            tone = np.sin(2 * np.pi * (180 + 40 * np.sin(t)) * t)
            left = 0.6 * env * tone + 0.02 * rng.standard_normal(block)
            right = 0.5 * env * np.roll(tone, 37) + 0.02 * rng.standard_normal(block)
            f.write(np.stack([left, right], axis=1).astype(np.float32))
    tmp.rename(path)
    return path


def stats(values: list[float]) -> dict:
    arr = np.asarray(values) * 1000
    return {"median_ms": round(float(np.median(arr)), 2),
            "p95_ms": round(float(np.percentile(arr, 95)), 2),
            "max_ms": round(float(arr.max()), 2), "n": len(values)}


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


# -- figures -----------------------------------------------------------------------------------
def cold_start(runs: int = 3) -> dict:
    """Process start to the window's first paint, against a bare PySide6 window the same way."""
    bare = ("import time,sys; t=time.perf_counter();"
            "from PySide6.QtWidgets import QApplication, QMainWindow;"
            "from PySide6.QtCore import QTimer;"
            "app=QApplication(sys.argv); w=QMainWindow(); w.resize(1280,800); w.show();"
            "QTimer.singleShot(0, app.quit); app.exec(); print('shown')")

    def timed(cmd):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=60)
            assert "shown" in out.stdout, out.stderr[-2000:]
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    ours = timed([sys.executable, "-m", "workbench", "--exit-when-shown"])
    base = timed([sys.executable, "-c", bare])
    return {"cold_start_s": {"value": round(ours, 3), "target": "<= 1.5",
                             "baseline_bare_pyside6_window_s": round(base, 3),
                             "ratio_to_baseline": round(ours / base, 2), "meets": ours <= 1.5}}


def core_pyramid(wav: Path) -> dict:
    import soundfile as sf

    from workbench.core.audio import open_audio

    # warm the page cache once so both sides read from memory
    with open(wav, "rb") as f:
        while f.read(1 << 24):
            pass
    t = time.perf_counter()
    data, _ = sf.read(str(wav), dtype="int16")
    sf_s = time.perf_counter() - t
    del data
    gc.collect()
    t = time.perf_counter()
    src = open_audio(wav).load_all()
    pyr_s = time.perf_counter() - t
    src.close()
    ratio = pyr_s / sf_s
    return {"pyramid_s": {"value": round(pyr_s, 3), "baseline_libsndfile_int16_read_s": round(sf_s, 3),
                          "ratio_to_baseline": round(ratio, 2), "target": "ratio <= 1.5",
                          "meets": ratio <= 1.5}}


class Gui:
    def __init__(self) -> None:
        import pyqtgraph as pg
        from PySide6.QtWidgets import QApplication

        pg.setConfigOptions(imageAxisOrder="row-major", antialias=False)
        self.app = QApplication.instance() or QApplication([])
        from workbench.core.settings import Settings
        from workbench.ui.main_window import MainWindow

        self.window = MainWindow(Settings(theme="light", view_mode="waveform"), save_settings=False)
        self.window.resize(1600, 900)
        self.window.show()
        self.pump(0.3)

    def pump(self, seconds: float = 0.0) -> None:
        end = time.perf_counter() + seconds
        self.app.processEvents()
        while time.perf_counter() < end:
            self.app.processEvents()
            time.sleep(0.001)

    def wait_signal(self, signal, done, timeout_ms: int = 30000) -> None:
        """Run the event loop (idle, as in real use) until ``signal`` fires or ``done()``."""
        from PySide6.QtCore import QEventLoop, QTimer

        if done():
            return
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)

    def wait(self, cond, timeout: float = 600) -> None:
        end = time.perf_counter() + timeout
        while not cond():
            if time.perf_counter() > end:
                raise TimeoutError
            self.app.processEvents()
            time.sleep(0.0005)


def open_and_memory(gui: Gui, wav: Path) -> tuple[dict, object]:
    before = rss_mb()
    t = time.perf_counter()
    tab = gui.window.ctx.files.open_file(wav)
    gui.wait(lambda: tab.loaded)
    tab.timeline.graphics.viewport().repaint()
    open_s = time.perf_counter() - t
    gui.pump(0.2)
    gc.collect()
    after = rss_mb()
    pcm_mb = tab.document.first_source.frames * 2 * 2 / 1e6
    figures = {
        "open_to_waveform_painted_s": {"value": round(open_s, 3), "target": "<= 1.5",
                                       "meets": open_s <= 1.5},
        "memory_after_open_mb": {"value": round(after, 1), "pcm_size_mb": round(pcm_mb, 1),
                                 "ratio_to_pcm": round(after / pcm_mb, 2),
                                 "before_open_mb": round(before, 1),
                                 "target": "ratio <= 1.5", "meets": after <= 1.5 * pcm_mb},
    }
    return figures, tab


def zoom_levels(duration: float) -> list[float]:
    spans = [duration, 600, 60, 10, 1, 0.1, 0.01, 0.001, 16 / RATE]
    return [s for s in spans if s <= duration]


def redraws(gui: Gui, tab, per_level: int = 12) -> dict:
    """Pan and zoom at every zoom level, timing set_view + a synchronous repaint."""
    tl = tab.timeline
    viewport = tl.graphics.viewport()
    duration = tab.document.duration
    rng = np.random.default_rng(1)
    pans, zooms, per = [], [], {}
    for span in zoom_levels(duration):
        level = []
        start = rng.uniform(0, max(0.0, duration - span))
        tl.set_view(start, start + span)
        viewport.repaint()
        for i in range(per_level):
            # pan by a third of the view (wrapping inside the file)
            start = (start + span / 3) % max(span, duration - span) if duration > span else 0.0
            t = time.perf_counter()
            tl.set_view(start, start + span)
            viewport.repaint()
            dt = time.perf_counter() - t
            pans.append(dt)
            level.append(dt)
            # zoom in then back out around the middle
            for factor in (2.0, 0.5):
                t = time.perf_counter()
                tl.zoom(factor, anchor=start + span / 2)
                viewport.repaint()
                dt = time.perf_counter() - t
                zooms.append(dt)
                level.append(dt)
            gui.app.processEvents()
        per[f"{span:g}s"] = stats(level)
    allv = pans + zooms
    s = stats(allv)
    return {"redraw_pan": stats(pans), "redraw_zoom": stats(zooms),
            "redraw_all": {**s, "target": "median <= 16 ms, p95 <= 33 ms",
                           "meets": s["median_ms"] <= 16 and s["p95_ms"] <= 33},
            "redraw_by_zoom_level": per}


def with_regions(gui: Gui, tab, count: int = 10_000) -> dict:
    """The redraw figures again with ``count`` labels over the file (two label lanes)."""
    from workbench.core.regions import Region

    doc = tab.document
    rng = np.random.default_rng(5)
    duration = doc.duration
    starts = np.sort(rng.uniform(0, duration - 5, count))
    lengths = rng.uniform(0.2, 4.0, count)
    half = count // 2
    doc.add_label_track("Words", [Region(float(a), float(a + b), f"word {i}", confidence=float(c))
                                  for i, (a, b, c) in enumerate(zip(starts[:half], lengths[:half],
                                                                    rng.uniform(0, 1, half)))])
    doc.add_label_track("Events", [Region(float(a), float(a + b), f"event {i}")
                                   for i, (a, b) in enumerate(zip(starts[half:], lengths[half:]))])
    gui.pump(0.2)
    figures = redraws(gui, tab, per_level=8)
    s = figures["redraw_all"]
    return {f"regions_{count}_redraw_all": {**s, "label_lanes": 2,
                                             "target": "median <= 16 ms, p95 <= 33 ms",
                                             "meets": s["median_ms"] <= 16 and s["p95_ms"] <= 33},
            f"regions_{count}_redraw_by_zoom_level": figures["redraw_by_zoom_level"]}


def region_list(gui: Gui, rows: int = 100_000) -> dict:
    """The Regions dock with 100,000 rows: filling the model, scrolling, sorting, filtering."""
    from workbench.core.document import Document
    from workbench.core.regions import Region
    from PySide6.QtCore import Qt

    from workbench.ui.docks import RegionListDock

    doc = Document()
    doc.add_label_track("Many", [Region(i * 0.1, i * 0.1 + 0.05, f"label {i}") for i in range(rows)])
    dock = RegionListDock()
    dock.resize(500, 800)
    dock.show()
    t = time.perf_counter()
    dock.set_document(doc, None)
    dock.table.viewport().repaint()
    fill = time.perf_counter() - t
    bar = dock.table.verticalScrollBar()
    steps = []
    for k in range(40):
        t = time.perf_counter()
        bar.setValue(int(bar.maximum() * k / 39))
        dock.table.viewport().grab()   # renders the rows now visible
        steps.append(time.perf_counter() - t)
    t = time.perf_counter()
    dock.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    dock.table.viewport().repaint()
    sort_s = time.perf_counter() - t
    t = time.perf_counter()
    dock.search.setText("label 9999")
    dock.table.viewport().repaint()
    filter_s = time.perf_counter() - t
    matches = dock.model.rowCount()
    dock.close()
    sc = stats(steps)
    return {"region_list_100k": {"fill_ms": round(fill * 1000, 1), "scroll_step": sc,
                                 "sort_by_text_ms": round(sort_s * 1000, 1),
                                 "filter_ms": round(filter_s * 1000, 1), "filter_matches": matches,
                                 "target": "scroll step median <= 16 ms",
                                 "meets": sc["median_ms"] <= 16}}


def spectrogram(gui: Gui, tab, n: int = 12) -> dict:
    """From a new view range to every tile of it painted, for pans by a third of the view (tiles
    already computed are reused) and for jumps to new ground (nothing cached).  Baseline: scipy's
    STFT of the visible range, which is what drawing it without tiles would have to compute."""
    from scipy import signal as ss

    tl = tab.timeline
    tl.set_mode("spectrogram")
    gui.pump(0.2)
    src = tab.document.first_source
    viewport = tl.graphics.viewport()
    p = tl.params

    def show(a, b) -> float:
        t = time.perf_counter()
        tl.set_view(a, b)
        gui.wait_signal(tl.spectrogram_done, tl.spectrogram_complete)
        viewport.repaint()
        return time.perf_counter() - t

    pans, idle_pans, jumps, base = [], [], [], []
    spans = [10.0, 30.0, 60.0]
    start = 100.0
    for i in range(n):
        span = spans[i % len(spans)]
        start += span * 2
        jumps.append(show(start, start + span))
        for k in (1, 2, 3):
            pans.append(show(start + k * span / 3, start + k * span / 3 + span))
        gui.pump(0.5)            # a reader's pause: the tiles either side are computed meanwhile
        idle_pans.append(show(start + 4 * span / 3, start + 7 * span / 3))
        t = time.perf_counter()
        x = src.read(int(start * RATE), int((start + span) * RATE)).mean(axis=1)
        ss.stft(x, RATE, window=p.window, nperseg=p.n_fft, noverlap=p.n_fft - p.hop)
        base.append(time.perf_counter() - t)
    pn, jn, b, ip = stats(pans), stats(jumps), stats(base), stats(idle_pans)
    tl.set_mode("waveform")
    return {"spectrogram_redraw_pan": {**pn, "baseline_scipy_stft_of_visible_range": b,
                                       "ratio_to_baseline_median": round(pn["median_ms"] / b["median_ms"], 2),
                                       "target": "median <= 50 ms", "meets": pn["median_ms"] <= 50},
            "spectrogram_redraw_pan_after_a_pause": {**ip, "ratio_to_baseline_median":
                                                     round(ip["median_ms"] / b["median_ms"], 2)},
            "spectrogram_redraw_new_ground": {**jn, "ratio_to_baseline_median":
                                              round(jn["median_ms"] / b["median_ms"], 2),
                                              "target": "median <= 50 ms",
                                              "meets": jn["median_ms"] <= 50}}


def loop_latency_during_decode(gui: Gui, flac: Path) -> dict:
    """A 10 ms QTimer probe: how late it fires while an hour of FLAC decodes, vs when idle."""
    from PySide6.QtCore import QTimer

    def probe(seconds: float | None, until=None) -> list[float]:
        late = []
        last = [time.perf_counter()]

        def tick():
            now = time.perf_counter()
            late.append(max(0.0, now - last[0] - 0.010))
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        timer.start()
        end = time.perf_counter() + (seconds or 1e9)
        while time.perf_counter() < end and not (until and until()):
            gui.app.processEvents()
            time.sleep(0.001)
        timer.stop()
        return late

    idle = probe(2.0)
    t = time.perf_counter()
    tab = gui.window.ctx.files.open_file(flac)
    late = probe(None, until=lambda: tab.loaded)
    decode_s = time.perf_counter() - t
    p99 = float(np.percentile(np.asarray(late) * 1000, 99))
    p99_idle = float(np.percentile(np.asarray(idle) * 1000, 99))
    gui.window.ctx.files.close_current()
    return {"event_loop_latency_while_decoding_flac": {
        "p99_ms": round(p99, 2), "median_ms": round(float(np.median(late) * 1000), 2),
        "max_ms": round(float(max(late) * 1000), 2), "samples": len(late),
        "decode_s": round(decode_s, 2), "baseline_idle_p99_ms": round(p99_idle, 2),
        "target": "p99 <= 50 ms", "meets": p99 <= 50}}


def naive_baseline(gui: Gui, wav: Path, steps: int = 4) -> dict:
    """pyqtgraph given each whole channel with its own peak downsampling, vs the workbench,
    both on the same 10-minute file, same window size, same pans and zooms."""
    import pyqtgraph as pg
    import soundfile as sf

    data, _ = sf.read(str(wav), dtype="float32")
    x = np.arange(len(data), dtype=np.float64) / RATE
    duration = len(data) / RATE
    win = pg.GraphicsLayoutWidget()
    win.resize(1600, 700)
    plots = []
    t = time.perf_counter()
    for c in range(data.shape[1]):
        p = win.addPlot(row=c, col=0)
        p.setDownsampling(auto=True, mode="peak")
        p.plot(x, data[:, c])
        if plots:
            p.setXLink(plots[0])
        plots.append(p)
    win.show()
    gui.app.processEvents()
    win.viewport().repaint()
    naive_first = time.perf_counter() - t

    def step(fn):
        t = time.perf_counter()
        fn()
        win.viewport().repaint()
        return time.perf_counter() - t

    vb = plots[0].getViewBox()
    naive_pan = [step(lambda i=i: vb.setXRange(30 * (i + 1), 30 * (i + 2), padding=0)) for i in range(steps)]
    naive_zoom = [step(lambda: vb.setXRange(0, duration, padding=0)),
                  step(lambda: vb.setXRange(100, 130, padding=0))] * (steps // 2)
    win.close()
    plots = data = x = None  # free the naive curves before measuring ours
    gc.collect()

    # the workbench on the same file, same steps
    tab = gui.window.ctx.files.open_file(wav)
    t = time.perf_counter()
    gui.wait(lambda: tab.loaded)
    tab.timeline.graphics.viewport().repaint()
    ours_first = time.perf_counter() - t
    tl = tab.timeline
    viewport = tl.graphics.viewport()

    def ours_step(a, b):
        t = time.perf_counter()
        tl.set_view(a, b)
        viewport.repaint()
        return time.perf_counter() - t

    ours_pan = [ours_step(30 * (i + 1), 30 * (i + 2)) for i in range(steps)]
    ours_zoom = [ours_step(0, duration), ours_step(100, 130)] * (steps // 2)
    gui.window.ctx.files.close_current()
    mp, mz = statistics.median(naive_pan), statistics.median(naive_zoom)
    op, oz = statistics.median(ours_pan), statistics.median(ours_zoom)
    return {"naive_pyqtgraph_baseline_10min": {
        "note": "10-minute stereo file (the hour takes pyqtgraph minutes per step)",
        "naive_first_paint_s": round(naive_first, 3), "ours_open_to_paint_s": round(ours_first, 3),
        "naive_pan_median_ms": round(mp * 1000, 1), "ours_pan_median_ms": round(op * 1000, 2),
        "naive_zoom_median_ms": round(mz * 1000, 1), "ours_zoom_median_ms": round(oz * 1000, 2),
        "speedup_first_paint": round(naive_first / ours_first, 1),
        "speedup_pan": round(mp / op, 1), "speedup_zoom": round(mz / oz, 1)}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "workbench-bench"))
    parser.add_argument("--quick", action="store_true", help="10-minute inputs (smoke run)")
    parser.add_argument("--only", choices=["spectrogram", "regions"],
                        help="open the long file, then measure this alone")
    args = parser.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    long_s = 600 if args.quick else 3600
    log = (lambda *a: print(*a, file=sys.stderr, flush=True))
    log("generating inputs in", work)
    wav = make_wav(work / f"long_{long_s}s.wav", long_s)
    if not args.only:
        flac = make_wav(work / f"long_{long_s}s.flac", long_s, "FLAC", "PCM_16")
        ten = make_wav(work / "ten_minutes.wav", 600)

    results: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                     "input": f"{long_s} s, 48 kHz, stereo, 16-bit"}
    if not args.only:
        log("cold start")
        results.update(cold_start())
        log("pyramid")
        results.update(core_pyramid(wav))
    gui = Gui()
    log("open + memory")
    figs, tab = open_and_memory(gui, wav)
    results.update(figs)
    if args.only:
        results.update(spectrogram(gui, tab) if args.only == "spectrogram" else with_regions(gui, tab))
        print(json.dumps(results, indent=2))
        return 0
    log("redraws")
    results.update(redraws(gui, tab))
    log("spectrogram")
    results.update(spectrogram(gui, tab))
    log("10,000 regions")
    results.update(with_regions(gui, tab))
    gui.window.ctx.files.ask_unsaved = lambda doc: "discard"
    gui.window.ctx.files.close_current()
    log("region list, 100,000 rows")
    results.update(region_list(gui))
    log("event loop during FLAC decode")
    results.update(loop_latency_during_decode(gui, flac))
    log("naive baseline")
    results.update(naive_baseline(gui, ten))
    import PySide6
    import pyqtgraph

    results["machine"].update({"pyside6": PySide6.__version__, "pyqtgraph": pyqtgraph.__version__})
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for k, v in results.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
