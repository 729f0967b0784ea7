"""Rulers: time in h:mm:ss.mmm and frequency in Hz on linear / log / mel scales."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

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


class TimeAxis(pg.AxisItem):
    def tickStrings(self, values, scale, spacing):
        decimals = 0 if spacing >= 1 else min(6, max(1, int(math.ceil(-math.log10(spacing)))))
        decimals = 3 if 0 < decimals <= 3 else decimals
        return [format_time(v, decimals) for v in values]


_NICE_HZ = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 96000]


class FrequencyAxis(pg.AxisItem):
    """The spectrogram lane draws y in [0, 1]; this axis labels those positions in Hz."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scale_name = "log"
        self.sample_rate = 48000
        self.min_freq = 20.0

    def configure(self, scale: str, sample_rate: int, min_freq: float) -> None:
        self.scale_name, self.sample_rate, self.min_freq = scale, sample_rate, min_freq
        self.picture = None
        self.update()

    def tickValues(self, minVal, maxVal, size):
        nyq = self.sample_rate / 2
        if self.scale_name == "linear":
            step = _nice_step(nyq / max(2, size / 40))
            hz = np.arange(0, nyq + 1, step)
        else:
            hz = np.array([f for f in _NICE_HZ if self.min_freq <= f <= nyq])
        pos = hz_to_scale(hz, self.scale_name, self.sample_rate, self.min_freq)
        keep = (pos >= minVal - 1e-9) & (pos <= maxVal + 1e-9)
        return [(1.0, list(pos[keep]))]

    def tickStrings(self, values, scale, spacing):
        hz = scale_to_hz(np.asarray(values), self.scale_name, self.sample_rate, self.min_freq)
        return [f"{f / 1000:g}k" if f >= 1000 else f"{f:.0f}" for f in np.round(hz, -1)]


def _nice_step(raw: float) -> float:
    exp = 10 ** math.floor(math.log10(max(raw, 1e-9)))
    for m in (1, 2, 5, 10):
        if m * exp >= raw:
            return m * exp
    return 10 * exp
