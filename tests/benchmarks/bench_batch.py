"""Batch throughput: 40 files x 30 s of speech, voice activity then speech recognition (OpenAI's
tiny.en weights, built offline by ../shared/tools/real-whisper), in files per minute:

    .venv/bin/python tests/benchmarks/bench_batch.py --json

- the baseline: the single-process run (every file in this process, one after another, with all
  the cores' threads), measured in the same run;
- 1 worker process (what the pool itself costs: spawning, sending jobs, results back);
- 2 worker processes, the cores shared between them.
Each run writes its labels into its own folder; the outputs must be identical across the three.
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
TOOL = ROOT.parent / "shared" / "tools" / "real-whisper" / "make_real_whisper.sh"
SENTENCES = ["The quick brown fox jumps over the lazy dog.",
             "Audio Workbench puts the whole audio toolbox on one timeline.",
             "Analysts and sound designers can see, hear and label their recordings.",
             "Speech recognition turns each sentence into a labelled region.",
             "A batch of recordings runs on every core of the machine."]


def make_files(folder: Path, count: int, seconds: float) -> list[Path]:
    """``count`` recordings of ``seconds`` s: the sentences in a different order in each, with
    pauses of different lengths."""
    import soundfile as sf
    import soxr

    voices = []
    for k, text in enumerate(SENTENCES):
        wav = folder / f"sentence{k}.wav"
        if not wav.exists():
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), text], check=True)
        x, sr = sf.read(str(wav))
        voices.append(soxr.resample(x, sr, 16000).astype(np.float32))
    files = []
    rng = np.random.default_rng(7)
    for n in range(count):
        path = folder / "in" / f"take{n:02d}.wav"
        files.append(path)
        if path.exists():
            continue
        parts, total, k = [], 0, n
        while total < seconds * 16000:
            gap = np.zeros(int(rng.uniform(0.3, 1.5) * 16000), np.float32)
            parts += [gap, voices[k % len(voices)]]
            total += len(gap) + len(voices[k % len(voices)])
            k += 1
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(str(path), np.concatenate(parts)[: int(seconds * 16000)], 16000)
    return files


def run(mode: str, files: list[Path], out: Path, model: str) -> float:
    """Seconds for voice activity then speech recognition over every file."""
    from workbench.tasks import batch, registry

    t = time.perf_counter()
    for task, ext, checkpoint in (("vad", ".csv", None), ("asr", ".srt", model)):
        spec = registry.get(task)
        settings = batch.Settings(task, tuple(spec.parse_params({}).items()), checkpoint)
        jobs, _ = batch.plan([(f, out / (f.stem + ext)) for f in files], redo=True)
        meter = batch.Meter(jobs)
        records: list = []
        if mode == "single process":
            batch.run_inline(jobs, settings, meter, records.append)
        else:
            batch.run_pool(jobs, settings, int(mode.split()[0]), meter, records.append)
        failed = [r for r in records if r.status != "done"]
        if failed:
            raise SystemExit(f"{mode}: {failed[0].file}: {failed[0].error}")
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "workbench-bench-batch"))
    args = ap.parse_args()
    os.environ.setdefault("WORKBENCH_CONFIG_DIR", tempfile.mkdtemp())
    os.environ.setdefault("WORKBENCH_CACHE_DIR", tempfile.mkdtemp())
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    model = subprocess.run(["bash", str(TOOL)], capture_output=True, text=True,
                           check=True).stdout.strip().splitlines()[-1]
    files = make_files(work, args.files, args.seconds)
    cores = os.cpu_count() or 1
    results: dict = {"files": len(files), "seconds_each": args.seconds, "cores": cores,
                     "tasks": "vad then asr (whisper tiny.en, real weights, default settings: CTranslate2, beam 5, float32 here)"}
    outputs = {}
    for mode in ("single process", "1 worker", "2 workers"):
        out = work / mode.replace(" ", "-")
        seconds = run(mode, files, out, model)
        outputs[mode] = {p.name: p.read_text() for p in sorted(out.iterdir())}
        results[mode] = {"seconds": round(seconds, 1), "files_per_minute": round(len(files) * 60 / seconds, 2)}
    base = results["single process"]["files_per_minute"]
    for mode in ("1 worker", "2 workers"):
        results[mode]["vs_single_process"] = round(results[mode]["files_per_minute"] / base, 3)
    for mode in ("1 worker", "2 workers"):     # same threads per process: the same bytes; one
        same = sum(outputs[mode].get(k) == v for k, v in outputs["single process"].items())
        results[mode]["outputs_same_as_single_process"] = f"{same}/{len(outputs['single process'])}"
    results["note"] = ("2 workers run 1 thread each, the single process 2: sums in another "
                       "order can change a word, so compare bytes only at equal threads")
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        for mode in ("single process", "1 worker", "2 workers"):
            r = results[mode]
            print(f"{mode:15s} {r['files_per_minute']:7.2f} files/min  ({r['seconds']:.1f} s)"
                  + (f"  x{r['vs_single_process']:.2f} of the single process" if "vs_single_process" in r else ""))
        for mode in ("1 worker", "2 workers"):
            print(f"{mode}: outputs the same as the single process's: "
                  f"{results[mode]['outputs_same_as_single_process']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
