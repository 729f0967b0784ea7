"""Task engine speed, each figure next to a baseline from the same run:

    .venv/bin/python tests/benchmarks/bench_tasks.py --json

- workbench speech recognition (transformers engine) vs a plain ``transformers.pipeline`` call on
  the same audio and checkpoint (OpenAI's tiny.en weights, built offline by
  ../shared/tools/real-whisper; beam 1; 2 threads), on ~86 s of espeak-ng speech with pauses;
- the fastest peer side by side, beam 5: plain faster-whisper (float32 on the CPU, its default
  for these float16 weights, on the CTranslate2 folder the tool unpacks) vs the workbench's
  CTranslate2 engine (stored float16, computed float32, converted by the workbench from the
  transformers checkpoint) vs a plain transformers pipeline;
- how soon a second run of the same task starts (model cached) vs the first;
- GUI event-loop latency (a 10 ms QTimer probe) while the task runs on the worker.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("WORKBENCH_THREADS", "2")      # the CTranslate2 engine, as torch below
os.environ.setdefault("WORKBENCH_CONFIG_DIR", tempfile.mkdtemp())
os.environ.setdefault("WORKBENCH_CACHE_DIR", tempfile.mkdtemp())   # the first run converts anew
TOOL = ROOT.parent / "shared" / "tools" / "real-whisper" / "make_real_whisper.sh"
SENTENCES = ["The quick brown fox jumps over the lazy dog.",
             "Audio Workbench puts the whole audio toolbox on one timeline.",
             "Analysts and sound designers can see, hear and label their recordings.",
             "Speech recognition turns each sentence into a labelled region."]


def make_speech(folder: Path, seconds: float = 86.0) -> Path:
    import soundfile as sf
    import soxr

    path = folder / "speech86.wav"
    if path.exists():
        return path
    parts, total = [], 0.0
    k = 0
    while total < seconds:
        wav = folder / f"s{k % len(SENTENCES)}.wav"
        if not wav.exists():
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav),
                            SENTENCES[k % len(SENTENCES)]], check=True)
        x, sr = sf.read(str(wav))
        x = soxr.resample(x, sr, 16000)
        parts += [np.zeros(int(0.8 * 16000)), x]
        total += 0.8 + len(x) / 16000
        k += 1
    sf.write(str(path), np.concatenate(parts).astype(np.float32), 16000)
    return path


def drain(gen):
    first_work = None
    t0 = time.perf_counter()
    while True:
        try:
            ev = next(gen)
        except StopIteration as stop:
            return stop.value, first_work
        if first_work is None and getattr(ev, "message", "") == "Finding speech":
            first_work = time.perf_counter() - t0


def own_process(which: str, beams: int, speech: Path, model: str) -> float:
    """Seconds for one transcription of ``speech`` at ``beams`` by the plain pipeline or the
    workbench's transformers engine, in a fresh process (best of two after a warm-up)."""
    out = subprocess.run([sys.executable, __file__, "--child", which, str(beams), str(speech), model],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def child(which: str, beams: int, speech: str, model: str) -> None:
    import torch

    torch.set_num_threads(2)
    from workbench.core.audio import open_audio
    from workbench.tasks import registry
    from workbench.tasks.runner import load_input, run_task

    src = open_audio(speech).load_all()
    if which == "plain":
        from transformers import pipeline

        plain = pipeline("automatic-speech-recognition", model=model, device="cpu")
        x = load_input(src, 0, src.duration, 16000)

        def once():
            plain({"raw": x, "sampling_rate": 16000}, return_timestamps=True,
                  generate_kwargs={"num_beams": beams})
    else:
        spec = registry.get("asr")

        def once():
            drain(run_task(spec, src, {"engine": "transformers", "beams": beams}, checkpoint=model))
    once()
    times = []
    for _ in range(2):
        t = time.perf_counter()
        once()
        times.append(time.perf_counter() - t)
    print(min(times))


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "workbench-bench-tasks"))
    args = ap.parse_args()
    import torch

    torch.set_num_threads(2)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    model = subprocess.run(["bash", str(TOOL)], capture_output=True, text=True,
                           check=True).stdout.strip().splitlines()[-1]
    speech = make_speech(work)
    from workbench.core.audio import open_audio
    from workbench.tasks import registry
    from workbench.tasks.runner import load_input, run_task

    src = open_audio(speech).load_all()
    spec = registry.get("asr")
    results: dict = {"audio_s": round(src.duration, 1), "model": "whisper tiny.en (real weights)",
                     "threads": torch.get_num_threads()}

    # the baseline: one plain pipeline call on the whole audio (Whisper's own long-form)
    from transformers import pipeline

    t = time.perf_counter()
    pipeline("automatic-speech-recognition", model=model, device="cpu")
    plain_load = time.perf_counter() - t
    x = load_input(src, 0, src.duration, 16000)

    # the workbench vs the plain pipeline, each in a process of its own (torch's OpenMP slows
    # every thread once two threads of one process have used it: a baseline run in this process
    # would slow the workbench's decoding thread), interleaved, the best of two runs each after
    # a warm-up (this machine's noise is +-5%, the size of the target)
    ref = {"engine": "transformers", "beams": 1}      # beam 1, as the plain call below
    _, first_start = drain(run_task(spec, src, ref, checkpoint=model))
    result, second_start = drain(run_task(spec, src, ref, checkpoint=model))
    plain_s, second_s = own_process("plain", 1, speech, model), own_process("workbench", 1, speech, model)
    plain_s, second_s = min(plain_s, own_process("plain", 1, speech, model)), \
        min(second_s, own_process("workbench", 1, speech, model))
    results["asr_vs_plain_pipeline"] = {
        "workbench_s": round(second_s, 2), "plain_pipeline_s": round(plain_s, 2),
        "ratio": round(second_s / plain_s, 3), "real_time_factor": round(second_s / src.duration, 3),
        "segments": len(result.tracks[0][1]), "target": "overhead <= 5% (ratio <= 1.05)",
        "meets": second_s / plain_s <= 1.05,
        "note": "the workbench shortens long pauses, cuts windows at pauses and skips silent ones"}
    results["second_run_start"] = {"second_s": round(second_start, 3), "first_s": round(first_start, 3),
                                   "plain_pipeline_load_s": round(plain_load, 3),
                                   "target": "<= 0.3 s", "meets": second_start <= 0.3}

    # the fastest peer, beam 5 (its default), side by side on the same weights
    from faster_whisper import WhisperModel

    # the compute type the workbench uses on the CPU (float32, as faster-whisper's own default
    # for these float16 weights): the same arithmetic, so the ratio is the engine's overhead
    from workbench.tasks.understand.whisper_ct2 import compute_type

    fw = WhisperModel(str(Path(model).parent / "faster-whisper-tiny.en"), device="cpu",
                      compute_type=compute_type("cpu"), cpu_threads=2)
    list(fw.transcribe(x[: 16000 * 5], beam_size=5)[0])              # warm-up, as the others get
    fast = {"engine": "ctranslate2", "beams": 5}
    t = time.perf_counter()
    drain(run_task(spec, src, fast, checkpoint=model))                # converts once, loads
    fast_first = time.perf_counter() - t
    fw_times, fast_times = [], []
    for _ in range(2):                                                # interleaved, best of two
        t = time.perf_counter()
        fw_segments = list(fw.transcribe(x, beam_size=5)[0])
        fw_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        fast_result, _ = drain(run_task(spec, src, fast, checkpoint=model))
        fast_times.append(time.perf_counter() - t)
    fw_s, fast_s = min(fw_times), min(fast_times)
    plain5_s, ours5_s = own_process("plain", 5, speech, model), own_process("workbench", 5, speech, model)
    results["asr_cpu_vs_faster_whisper_beam5"] = {
        "workbench_ctranslate2_s": round(fast_s, 2), "faster_whisper_s": round(fw_s, 2),
        "plain_transformers_pipeline_s": round(plain5_s, 2),
        "workbench_transformers_engine_s": round(ours5_s, 2),
        "transformers_engine_overhead_beam5": round(ours5_s / plain5_s, 3),
        "workbench_rtf": round(fast_s / src.duration, 3), "faster_whisper_rtf": round(fw_s / src.duration, 3),
        "ratio_to_faster_whisper": round(fast_s / fw_s, 3),
        "speedup_over_transformers": round(plain5_s / fast_s, 2),
        "first_run_with_conversion_s": round(fast_first, 2),
        "segments": {"workbench": len(fast_result.tracks[0][1]), "faster_whisper": len(fw_segments)},
        "target": "reach faster-whisper's real-time factor (ratio <= 1.05)", "meets": fast_s / fw_s <= 1.05}

    # GUI event loop while the task runs on the worker
    from gui_probe import lateness_while, window_with

    app, w, _ = window_with(speech)
    late, job = lateness_while(app, lambda: w.ctx.tasks.run_task(spec, {"engine": "transformers", "beams": 1}, "file", model))
    p99 = float(np.percentile(np.asarray(late) * 1000, 99))
    results["event_loop_latency_during_asr"] = {
        "p99_ms": round(p99, 2), "median_ms": round(float(np.median(late)) * 1000, 2),
        "max_ms": round(max(late) * 1000, 2), "samples": len(late), "job": job.state,
        "target": "p99 <= 50 ms", "meets": p99 <= 50}
    print(json.dumps(results, indent=2) if args.json else results)
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
