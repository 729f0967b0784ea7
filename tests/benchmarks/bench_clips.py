"""Clips-timeline speed: the figures of the clips issue, each next to a baseline from the same run.

    .venv/bin/python tests/benchmarks/bench_clips.py --json [--workdir DIR] [--quick]

- redraw at every zoom of 16 tracks x 200 clips over an hour (waveform lanes), against one track
  holding the whole hour as one clip, measured the same way in the same window;
- export of an 8-track hour (each track a clip of the hour) to a 16-bit WAV, against libsndfile
  reading the same 8 sources in blocks;
- playback start: Space to the first block handed to the device, with 8 tracks, against the
  same with 1 track (needs PulseAudio; the null sink is started as the tests do);
- memory: RSS with the 16 x 200 document open, against one track's PCM size.

The inputs are generated once into --workdir (the 1-hour WAV of bench_timeline.py).  --quick
uses 10 minutes.  Not collected by pytest: it checks speed, not behaviour.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_timeline import RATE, Gui, make_wav, redraws, rss_mb, stats  # noqa: E402


def clips_document(src, tracks: int, clips: int, duration: float):
    """``tracks`` tracks of ``clips`` clips each, spread over ``duration`` with gaps between,
    every clip a different stretch of ``src``."""
    from workbench.core.document import Document
    from workbench.core.edits import EditedAudio
    from workbench.core.timeline import AudioTrack, Clip

    doc = Document()
    doc.project_rate = src.sample_rate
    rng = np.random.default_rng(0)
    slot = duration / clips
    content = EditedAudio.of(src)
    for k in range(tracks):
        made = []
        for j in range(clips):
            length = int(slot * 0.8 * src.sample_rate)
            first = int(rng.integers(0, max(1, src.frames - length)))
            made.append(Clip(content, start=j * slot + rng.uniform(0, slot * 0.15), trim_start=first,
                             trim_end=src.frames - first - length, name=f"clip {k}.{j}",
                             gain=float(rng.uniform(0.5, 1.0))))
        doc.raw_insert_track(len(doc.track_list), AudioTrack(f"Track {k + 1}", made))
    return doc


def redraw_figures(gui, src, quick: bool) -> dict:
    from workbench.core.document import Document

    window = gui.window
    base_doc = Document()
    base_doc.add_track(src)
    base_tab = window.ctx.files._add_document(base_doc, Path(src.path))
    base_tab.loaded = True
    gui.pump(0.3)
    base = redraws(gui, base_tab, per_level=6 if quick else 12)
    doc = clips_document(src, 16, 200, src.duration)
    tab = window.ctx.files._add_document(doc, Path(src.path))
    tab.loaded = True
    gui.pump(0.3)
    ours = redraws(gui, tab, per_level=6 if quick else 12)
    s, b = ours["redraw_all"], base["redraw_all"]
    figure = {"redraw_16_tracks_200_clips": {
        **{k: s[k] for k in ("median_ms", "p95_ms", "max_ms", "n")},
        "baseline_one_track_one_clip": {k: b[k] for k in ("median_ms", "p95_ms")},
        "ratio_median_to_baseline": round(s["median_ms"] / max(b["median_ms"], 1e-6), 2),
        "target": "median <= 16 ms, p95 <= 33 ms",
        "meets": s["median_ms"] <= 16 and s["p95_ms"] <= 33,
        "by_zoom_level": ours["redraw_by_zoom_level"]}}
    gc.collect()
    pcm = src.frames * src.channels * 2 / 1e6
    rss = rss_mb()
    figure["memory_16x200_open_mb"] = {"value": round(rss, 1), "one_track_pcm_mb": round(pcm, 1),
                                       "ratio_to_pcm": round(rss / pcm, 2), "target": "ratio <= 1.5",
                                       "meets": rss <= 1.5 * pcm}
    return figure, tab


def export_figure(src, work: Path) -> dict:
    import soundfile as sf

    from workbench.core.document import Document
    from workbench.formats.export import export_audio

    doc = Document()
    for k in range(8):
        doc.add_track(src, name=f"Track {k + 1}", offset=0.0)
    t = time.perf_counter()
    for _ in range(8):       # libsndfile reading the 8 sources once each, in the same blocks
        with sf.SoundFile(str(src.path)) as f:
            while len(f.read(2 * RATE, dtype="float32")):
                pass
    base = time.perf_counter() - t
    out = work / "export-8-tracks.wav"
    t = time.perf_counter()
    for _ in export_audio(doc, out, subtype="PCM_16"):
        pass
    ours = time.perf_counter() - t
    out.unlink()
    return {"export_8_track_mix_s": {"value": round(ours, 2), "baseline_libsndfile_read_8_sources_s":
                                     round(base, 2), "ratio_to_baseline": round(ours / base, 2),
                                     "target": "ratio <= 1.5", "meets": ours <= 1.5 * base}}


def playback_figure(gui, src) -> dict:
    from conftest import start_null_sink

    from workbench.core.document import Document

    problem = start_null_sink()
    if problem:
        return {"playback_start_ms": {"skipped": problem}}

    def start_ms(tracks: int) -> list[float]:
        doc = Document()
        for k in range(tracks):
            doc.add_track(src, name=f"Track {k + 1}", offset=0.25 * k)
        tab = gui.window.ctx.files._add_document(doc, Path(src.path))
        tab.loaded = True
        gui.pump(0.2)
        player = gui.window.playback.player
        times = []
        for i in range(7):
            doc.set_cursor(60.0 * i)
            t = time.perf_counter()
            gui.window.playback.play(tab.timeline)
            gui.wait(lambda: player._marks is not None, timeout=10)
            times.append(time.perf_counter() - t)
            gui.window.playback.stop()
            gui.pump(0.1)
        return times

    one, eight = start_ms(1), start_ms(8)
    s8, s1 = stats(eight), stats(one)
    return {"playback_start_8_tracks": {"median_ms": s8["median_ms"], "max_ms": s8["max_ms"],
                                        "baseline_1_track_median_ms": s1["median_ms"],
                                        "target": "<= 100 ms", "meets": s8["max_ms"] <= 100}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "workbench-bench"))
    parser.add_argument("--quick", action="store_true", help="10-minute inputs (smoke run)")
    args = parser.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    seconds = 600 if args.quick else 3600
    log = (lambda *a: print(*a, file=sys.stderr, flush=True))
    log("input in", work)
    wav = make_wav(work / f"long_{seconds}s.wav", seconds)
    from workbench.core.audio import open_audio

    src = open_audio(wav).load_all()
    results: dict = {"machine": {"cpus": os.cpu_count()}, "input": f"{seconds} s, 48 kHz, stereo, 16-bit"}
    gui = Gui()
    log("redraws and memory")
    figures, _ = redraw_figures(gui, src, args.quick)
    results.update(figures)
    log("export")
    results.update(export_figure(src, work))
    log("playback start")
    results.update(playback_figure(gui, src))
    print(json.dumps(results, indent=2) if args.json else results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
