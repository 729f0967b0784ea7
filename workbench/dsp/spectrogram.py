"""Short-time Fourier transform in tiles, dB scaling and linear / log / mel frequency scales.

A view never asks for "the spectrogram of the file"; it asks for tiles of ``TILE_COLUMNS``
columns at an effective hop chosen from its zoom (``effective_hop``), so an hour-long file seen
whole costs about as many FFTs as there are pixels across the screen.  Column ``j`` of level hop
``h`` is centred on frame ``j * h`` (frames before 0 or past the end read as zeros), which is
``scipy.signal.stft(..., boundary="zeros")`` at ``noverlap = n_fft - h``.
numpy only, no Qt.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable

import numpy as np

TILE_COLUMNS = 128
CONTIGUOUS_READ_FRAMES = 1 << 22   # below this a tile reads its whole span at once
WINDOWS = ("hann", "hamming", "blackman", "rectangular")
SCALES = ("linear", "log", "mel")


@dataclass(frozen=True)
class SpectrogramParams:
    n_fft: int = 2048
    hop: int = 512
    window: str = "hann"
    db_range: float = 90.0      # dB shown below the top
    db_top: float = 0.0         # dBFS of the brightest colour
    scale: str = "log"          # linear | log | mel
    colormap: str = "inferno"
    min_freq: float = 20.0      # lowest frequency drawn on log / mel scales
    channel: int = -1           # -1 mixes all channels

    def with_(self, **changes) -> "SpectrogramParams":
        return replace(self, **changes)


def window(name: str, n: int) -> np.ndarray:
    """Periodic (DFT-even) windows, as scipy.signal.get_window returns them."""
    k = np.arange(n)
    if name == "hann":
        w = 0.5 - 0.5 * np.cos(2 * np.pi * k / n)
    elif name == "hamming":
        w = 0.54 - 0.46 * np.cos(2 * np.pi * k / n)
    elif name == "blackman":
        w = 0.42 - 0.5 * np.cos(2 * np.pi * k / n) + 0.08 * np.cos(4 * np.pi * k / n)
    elif name in ("rectangular", "boxcar"):
        w = np.ones(n)
    else:
        raise ValueError(f"unknown window {name!r}; choose one of {', '.join(WINDOWS)}")
    return w.astype(np.float32)


def effective_hop(params: SpectrogramParams, frames_per_pixel: float) -> int:
    """The hop for a zoom level: the user's hop times the power of two that gives at most one
    column a pixel (between a half and one), so work follows the screen, not the file."""
    if frames_per_pixel <= params.hop:
        return params.hop
    k = int(np.ceil(np.log2(frames_per_pixel / params.hop) - 1e-9))
    return params.hop * (2 ** max(0, k))


def stft(read: Callable[[int, int], np.ndarray], centres: np.ndarray,
         params: SpectrogramParams) -> tuple[np.ndarray, float]:
    """Complex STFT columns centred on ``centres`` (frames), shape (columns, bins), and sum(window).

    ``read(a, b)`` returns float32 samples (b - a) x channels, zeros outside the file.
    """
    n = params.n_fft
    half = n // 2
    w = window(params.window, n).astype(np.float64)
    centres = np.asarray(centres, dtype=np.int64)
    if len(centres) == 0:
        return np.zeros((0, half + 1), np.complex128), float(w.sum())
    step = int(centres[1] - centres[0]) if len(centres) > 1 else n
    if step * len(centres) <= CONTIGUOUS_READ_FRAMES:  # one read, then strided views
        span = _mono(read(int(centres[0]) - half, int(centres[-1]) - half + n), params.channel)
        frames = np.lib.stride_tricks.sliding_window_view(span, n)[::step][: len(centres)]
    else:  # zoomed far out: read only the samples each column needs
        frames = np.stack([_mono(read(int(c) - half, int(c) - half + n), params.channel)
                           for c in centres])
    # float64 on purpose: numpy's pocketfft is about twice as fast in double as in single here
    return np.fft.rfft(frames * w, axis=1), float(w.sum())


def stft_magnitude(read: Callable[[int, int], np.ndarray], centres: np.ndarray,
                   params: SpectrogramParams) -> np.ndarray:
    """|STFT| / sum(window), float32, shape (columns, bins): scipy.signal.stft's scaling."""
    spec, wsum = stft(read, centres, params)
    return (np.abs(spec) / wsum).astype(np.float32)


def _mono(block: np.ndarray, channel: int) -> np.ndarray:
    """One channel, or the mean of all; column sums, since mean(axis=1) over interleaved
    frames is a strided reduction and costs 20x more."""
    if channel >= 0:
        return np.ascontiguousarray(block[:, channel])
    out = block[:, 0].astype(np.float64)
    for c in range(1, block.shape[1]):
        out += block[:, c]
    if block.shape[1] > 1:
        out *= 1.0 / block.shape[1]
    return out


# -- frequency scales -------------------------------------------------------------------------
def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (np.asarray(m, dtype=np.float64) / 2595.0) - 1.0)


def scale_to_hz(y, scale: str, sample_rate: int, min_freq: float):
    """Map positions y in [0, 1] (bottom to top of the view) to frequencies in Hz."""
    y = np.asarray(y, dtype=np.float64)
    nyq = sample_rate / 2.0
    lo = min(max(min_freq, 1.0), nyq / 2)
    if scale == "linear":
        return y * nyq
    if scale == "log":
        return lo * (nyq / lo) ** y
    if scale == "mel":
        m0, m1 = hz_to_mel(lo), hz_to_mel(nyq)
        return mel_to_hz(m0 + y * (m1 - m0))
    raise ValueError(f"unknown frequency scale {scale!r}; choose one of {', '.join(SCALES)}")


def hz_to_scale(f, scale: str, sample_rate: int, min_freq: float):
    f = np.asarray(f, dtype=np.float64)
    nyq = sample_rate / 2.0
    lo = min(max(min_freq, 1.0), nyq / 2)
    if scale == "linear":
        return f / nyq
    if scale == "log":
        return np.log(np.maximum(f, 1e-9) / lo) / np.log(nyq / lo)
    if scale == "mel":
        m0, m1 = hz_to_mel(lo), hz_to_mel(nyq)
        return (hz_to_mel(f) - m0) / (m1 - m0)
    raise ValueError(f"unknown frequency scale {scale!r}")


def rows_for(params: SpectrogramParams) -> int:
    return params.n_fft // 2 + 1 if params.scale == "linear" else 512


@lru_cache(maxsize=32)
def _row_map(scale: str, rows: int, bins: int, n_fft: int, sample_rate: int, min_freq: float):
    """Where each display row's band starts, in bin-edge units: index, fraction, width."""
    edges_hz = scale_to_hz(np.linspace(0.0, 1.0, rows + 1), scale, sample_rate, min_freq)
    pos = np.clip(edges_hz / (sample_rate / n_fft) + 0.5, 0.0, bins)
    i = np.minimum(pos.astype(np.int64), bins - 1)
    return i, pos - i, np.maximum(np.diff(pos), 1e-9)


def to_rows(power: np.ndarray, params: SpectrogramParams, sample_rate: int) -> np.ndarray:
    """Resample power (columns, bins) onto the display rows of the chosen frequency scale.

    Each row is the average power over the frequency band it covers (bins treated as constant
    across their width), so narrow peaks survive at the top of a log scale and low rows of a
    log scale repeat their bin instead of inventing detail.
    """
    if params.scale == "linear":
        return power
    bins = power.shape[1]
    i, frac, width = _row_map(params.scale, rows_for(params), bins, params.n_fft, sample_rate,
                              float(params.min_freq))
    cum = np.empty((power.shape[0], bins + 1), np.float64)
    cum[:, 0] = 0.0
    np.cumsum(power, axis=1, out=cum[:, 1:])  # float64: low bins beside loud ones keep their level
    c0 = cum[:, i]
    at = c0 + frac * (cum[:, i + 1] - c0)
    return np.diff(at, axis=1) / width


def to_db(magnitude: np.ndarray) -> np.ndarray:
    """Magnitude (|X| / sum(w)) to dBFS: a full-scale sine reads 0 dB."""
    return (20.0 * np.log10(np.maximum(2.0 * magnitude, 1e-10))).astype(np.float32)


def tile(read: Callable[[int, int], np.ndarray], params: SpectrogramParams, sample_rate: int,
         hop: int, index: int) -> np.ndarray:
    """Tile ``index`` at hop ``hop``: dBFS, float32, shape (TILE_COLUMNS, rows)."""
    centres = (np.arange(TILE_COLUMNS) + index * TILE_COLUMNS) * hop
    z, wsum = stft(read, centres, params)
    power = z.real ** 2 + z.imag ** 2
    power *= 4.0 / (wsum * wsum)          # a full-scale sine peaks at 1.0 (0 dBFS)
    power = to_rows(power, params, sample_rate)
    np.maximum(power, 1e-20, out=power)
    return (10.0 * np.log10(power)).astype(np.float32)
