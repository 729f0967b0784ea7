"""Generators that need no model: Audacity's Generate menu.  Pure numpy, no Qt.

Each ``render_*`` function is a task runner (``(inputs, values, context)``, as every task's):
a generator that yields ``Progress`` as it goes (one block a second of audio at most, so Cancel
answers at once even for an hour) and returns a ``Rendered`` of float32 samples, shape
(frames, 1), at ``inputs.rate``.  Every sample is
a function of its absolute position (and the seed), so the result does not depend on how it was
cut into blocks: the same settings always give the same samples.
"""
from __future__ import annotations

import numpy as np

from workbench.tasks.events import Progress, TaskCancelled

BLOCK = 1 << 16                 # frames per step
DTMF_ROWS = {"1": 0, "2": 0, "3": 0, "A": 0, "4": 1, "5": 1, "6": 1, "B": 1,
             "7": 2, "8": 2, "9": 2, "C": 2, "*": 3, "0": 3, "#": 3, "D": 3}
DTMF_COLS = {"1": 0, "4": 0, "7": 0, "*": 0, "2": 1, "5": 1, "8": 1, "0": 1,
             "3": 2, "6": 2, "9": 2, "#": 2, "A": 3, "B": 3, "C": 3, "D": 3}
DTMF_LOW = (697.0, 770.0, 852.0, 941.0)
DTMF_HIGH = (1209.0, 1336.0, 1477.0, 1633.0)


def _render(rate: int, frames: int, block_fn, cancelled, what: str):
    """Fill ``frames`` samples block by block with ``block_fn(a, b) -> float64 array``: one
    ``Rendered`` piece at ``rate``."""
    from workbench.tasks.generate.engine import Rendered

    out = np.zeros((frames, 1), np.float32)
    for a in range(0, frames, BLOCK):
        if cancelled():
            raise TaskCancelled()
        b = min(frames, a + BLOCK)
        out[a:b, 0] = block_fn(a, b)
        yield Progress(b / max(1, frames), what)
    return Rendered(out, rate)


def _frames(values: dict, rate: int) -> int:
    return max(1, int(round(float(values["duration"]) * rate)))


def _wave(shape: str, phase: np.ndarray) -> np.ndarray:
    """One of the classic waveforms at ``phase`` (in cycles)."""
    frac = phase - np.floor(phase)
    if shape == "sine":
        return np.sin(2 * np.pi * frac)
    if shape == "square":
        return np.where(frac < 0.5, 1.0, -1.0)
    if shape == "sawtooth":
        return 2.0 * frac - 1.0
    if shape == "triangle":
        return 1.0 - 4.0 * np.abs(frac - 0.5)
    raise ValueError(f"unknown waveform “{shape}”")


def _sweep_phase(t: np.ndarray, f0: float, f1: float, total: float, scale: str) -> np.ndarray:
    """Phase in cycles at times t of a sweep from f0 to f1 over ``total`` seconds."""
    if f1 == f0 or total <= 0:
        return f0 * t
    if scale == "log" and f0 > 0 and f1 > 0:
        k = np.log(f1 / f0) / total
        return f0 * np.expm1(k * t) / k
    return f0 * t + 0.5 * (f1 - f0) / total * t * t


def render_tone(inputs, values: dict, context):
    """Tone: a waveform at a frequency (optionally sweeping to another)."""
    rate, cancelled = inputs.rate, context.cancelled
    frames = _frames(values, rate)
    total = frames / rate
    f0, f1 = float(values["frequency"]), float(values.get("sweep_to") or values["frequency"])
    amp = float(values["amplitude"])
    shape = values["waveform"]
    nyquist = rate / 2
    if max(f0, f1) >= nyquist:
        raise ValueError(f"{max(f0, f1):g} Hz is above half the sample rate ({nyquist:g} Hz)")
    return (yield from _render(rate, frames, lambda a, b: amp * _wave(
        shape, _sweep_phase(np.arange(a, b) / rate, f0, f1, total, "linear")), cancelled,
        "Tone"))


def render_chirp(inputs, values: dict, context):
    """Chirp: a sine sweeping from one frequency to another, linearly or logarithmically."""
    rate, cancelled = inputs.rate, context.cancelled
    frames = _frames(values, rate)
    total = frames / rate
    f0, f1 = float(values["start_frequency"]), float(values["end_frequency"])
    amp, scale = float(values["amplitude"]), values["scale"]
    if max(f0, f1) >= rate / 2:
        raise ValueError(f"{max(f0, f1):g} Hz is above half the sample rate ({rate / 2:g} Hz)")
    return (yield from _render(rate, frames, lambda a, b: amp * np.sin(
        2 * np.pi * _sweep_phase(np.arange(a, b) / rate, f0, f1, total, scale)), cancelled,
        "Chirp"))


class _ShapedNoise:
    """White noise shaped to 1/f (pink) or 1/f² (brown) power: blocks of white noise seeded by
    (seed, block), shaped in the frequency domain and overlap-added with power-complementary
    windows, so the noise runs seamlessly for any length and any sample is reproducible."""

    def __init__(self, colour: str, seed: int, size: int = BLOCK * 2) -> None:
        self.colour, self.seed, self.size = colour, int(seed), size
        self.hop = size // 2
        f = np.fft.rfftfreq(size)
        f[0] = f[1]
        self.shape = {"white": np.ones_like(f), "pink": f ** -0.5, "brown": 1.0 / f}[colour]
        self.window = np.sin(np.pi * (np.arange(size) + 0.5) / size)     # sin² + cos² = 1
        self._cache: dict[int, np.ndarray] = {}

    def _block(self, k: int) -> np.ndarray:
        if k not in self._cache:
            white = np.random.default_rng([self.seed, k]).standard_normal(self.size)
            x = np.fft.irfft(np.fft.rfft(white) * self.shape, self.size)
            x /= max(x.std(), 1e-12)
            self._cache = {k: x * self.window, **{j: v for j, v in self._cache.items() if j >= k - 1}}
        return self._cache[k]

    def read(self, a: int, b: int) -> np.ndarray:
        out = np.zeros(b - a)
        # block k covers [k*hop - hop, k*hop + hop)
        for k in range(a // self.hop, (b - 1) // self.hop + 2):
            lo = k * self.hop - self.hop
            s, e = max(a, lo), min(b, lo + self.size)
            if e > s:
                out[s - a:e - a] += self._block(k)[s - lo:e - lo]
        return out


def render_noise(inputs, values: dict, context):
    """Noise: white, pink or brown, at an RMS a third of the amplitude (peaks stay below it)."""
    rate, cancelled = inputs.rate, context.cancelled
    frames = _frames(values, rate)
    amp = float(values["amplitude"])
    noise = _ShapedNoise(values["colour"], int(values["seed"]))
    return (yield from _render(rate, frames, lambda a, b: np.clip(noise.read(a, b) * amp / 3, -amp, amp),
                               cancelled, "Noise"))


def render_silence(inputs, values: dict, context):
    rate, cancelled = inputs.rate, context.cancelled
    return (yield from _render(rate, _frames(values, rate), lambda a, b: np.zeros(b - a), cancelled,
                               "Silence"))


def dtmf_plan(digits: str, tone: float, gap: float) -> list[tuple[float, float, str]]:
    """(start, end, digit) of each tone."""
    plan, t = [], 0.0
    for d in digits.upper():
        if d not in DTMF_ROWS:
            raise ValueError(f"“{d}” is not a DTMF digit (0-9, *, #, A-D)")
        plan.append((t, t + tone, d))
        t += tone + gap
    return plan


def render_dtmf(inputs, values: dict, context):
    """DTMF: telephone keypad tones, one per digit, with gaps between."""
    rate, cancelled = inputs.rate, context.cancelled
    tone, gap, amp = float(values["tone"]), float(values["gap"]), float(values["amplitude"])
    plan = dtmf_plan(values["digits"], tone, gap)
    if not plan:
        raise ValueError("type at least one digit")
    frames = max(1, int(round((plan[-1][1]) * rate)))

    def block(a, b):
        t = np.arange(a, b) / rate
        out = np.zeros(b - a)
        for start, end, d in plan:
            inside = (t >= start) & (t < end)
            if inside.any():
                tt = t[inside] - start
                out[inside] = amp / 2 * (np.sin(2 * np.pi * DTMF_LOW[DTMF_ROWS[d]] * tt)
                                         + np.sin(2 * np.pi * DTMF_HIGH[DTMF_COLS[d]] * tt))
        return out

    return (yield from _render(rate, frames, block, cancelled, "DTMF"))


def render_click(inputs, values: dict, context):
    """Click track: a short click on every beat at a tempo, the first of each bar higher."""
    rate, cancelled = inputs.rate, context.cancelled
    bpm, beats, per_bar = float(values["tempo"]), int(values["beats"]), int(values["beats_per_bar"])
    amp = float(values["amplitude"])
    period = 60.0 / bpm
    length = 0.015
    frames = max(1, int(round(beats * period * rate)))

    def block(a, b):
        t = np.arange(a, b) / rate
        beat = np.floor(t / period).astype(np.int64)
        since = t - beat * period
        accent = (per_bar > 0) & (beat % max(1, per_bar) == 0)
        freq = np.where(accent, 1500.0, 1000.0)
        env = np.where(since < length, np.exp(-since / (length / 5)), 0.0)
        return amp * env * np.sin(2 * np.pi * freq * since)

    return (yield from _render(rate, frames, block, cancelled, "Click track"))
