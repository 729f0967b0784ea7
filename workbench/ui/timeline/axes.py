"""Rulers: time in h:mm:ss.mmm and frequency in Hz on linear / log / mel scales (where the
ticks go and what they say; the lanes paint them)."""
from __future__ import annotations

import math

import numpy as np

from workbench.dsp.spectrogram import hz_to_scale, scale_to_hz


def format_time(seconds: float, decimals: int = 3) -> str:
    """h:mm:ss.mmm (the hour is always shown, as in the status bar and exports)."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    scale = 10 ** decimals
    total = int(round(seconds * scale))
    whole, frac = divmod(total, scale)
    h, rem = divmod(whole, 3600)
    m, s = divmod(rem, 60)
    text = f"{sign}{h}:{m:02d}:{s:02d}"
    if decimals:
        text += f".{frac:0{decimals}d}"
    return text


# steps a ruler may use: seconds, then minutes and hours on a clock's divisions
_TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200]


def time_ticks(t0: float, t1: float, pixels: float, label_px: float = 110.0):
    """Ruler ticks for [t0, t1] over ``pixels``: (major times, minor times, decimals), with a
    labelled tick about every ``label_px`` pixels on a step a clock reader expects."""
    span = max(t1 - t0, 1e-12)
    raw = span * label_px / max(pixels, 1.0)
    if raw >= 1.0:
        step = next((s for s in _TIME_STEPS if s >= raw), _TIME_STEPS[-1] * math.ceil(raw / _TIME_STEPS[-1]))
    else:
        step = _nice_step(raw)
    minor = step / (5 if str(step)[0] in "15" or step < 1 else 2)
    decimals = 0 if step >= 1 else min(6, max(1, int(math.ceil(-math.log10(step) - 1e-9))))
    decimals = 3 if 0 < decimals <= 3 else decimals

    def grid(s: float) -> np.ndarray:
        first = math.ceil(t0 / s - 1e-9)
        last = math.floor(t1 / s + 1e-9)
        return np.arange(first, last + 1) * s if last - first < 10_000 else np.array([])

    return grid(step), grid(minor), decimals


_NICE_HZ = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 96000]


def frequency_ticks(scale: str, sample_rate: int, min_freq: float, pixels: float):
    """(position in [0, 1] from the bottom, label) for a spectrogram lane ``pixels`` high."""
    nyq = sample_rate / 2
    if scale == "linear":
        step = _nice_step(nyq / max(2, pixels / 40))
        hz = np.arange(0, nyq + 1, step)
    else:
        hz = np.array([f for f in _NICE_HZ if min_freq <= f <= nyq], dtype=float)
    pos = hz_to_scale(hz, scale, sample_rate, min_freq)
    keep = (pos >= -1e-9) & (pos <= 1 + 1e-9)
    shown = scale_to_hz(pos[keep], scale, sample_rate, min_freq)
    return [(float(y), f"{f / 1000:g}k" if f >= 1000 else f"{f:.0f}")
            for y, f in zip(pos[keep], np.round(shown, -1))]


def _nice_step(raw: float) -> float:
    exp = 10 ** math.floor(math.log10(max(raw, 1e-9)))
    for m in (1, 2, 5, 10):
        if m * exp >= raw:
            return m * exp
    return 10 * exp
