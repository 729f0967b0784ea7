"""Recordings made by the tests themselves: known signals in every format and layout we open."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf


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
