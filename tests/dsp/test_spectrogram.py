"""The spectrogram against scipy.signal.stft, and the frequency scales."""
import numpy as np
import pytest
from scipy import signal as ss

from workbench.dsp import spectrogram as spec


def reader(x):
    def read(a, b):
        out = np.zeros((b - a, 1), np.float32)
        lo, hi = max(a, 0), min(b, len(x))
        if hi > lo:
            out[lo - a:hi - a, 0] = x[lo:hi]
        return out
    return read


@pytest.mark.parametrize("n_fft,hop,win", [(2048, 512, "hann"), (1024, 256, "hamming"),
                                           (512, 512, "blackman"), (256, 1024, "hann"),
                                           (512, 128, "rectangular")])
def test_magnitude_matches_scipy_stft(n_fft, hop, win):
    rng = np.random.default_rng(3)
    sr = 16000
    t = np.arange(sr) / sr
    x = (0.5 * np.sin(2 * np.pi * 1000 * t) + 0.1 * rng.standard_normal(sr)).astype(np.float32)
    params = spec.SpectrogramParams(n_fft=n_fft, hop=hop, window=win)
    if hop <= n_fft:
        _, _, Z = ss.stft(x, sr, window="boxcar" if win == "rectangular" else win, nperseg=n_fft,
                          noverlap=n_fft - hop, boundary="zeros", padded=True)
        ref = np.abs(Z).T
    else:  # scipy cannot hop further than a window: compare column by column
        cols = []
        for c in range(0, len(x), hop):
            seg = np.zeros(n_fft)
            a, b = c - n_fft // 2, c + n_fft // 2
            seg[max(0, -a):n_fft - max(0, b - len(x))] = x[max(0, a):min(len(x), b)]
            w = ss.get_window(win, n_fft)
            cols.append(np.abs(np.fft.rfft(seg * w)) / w.sum())
        ref = np.array(cols)
    centres = np.arange(len(ref)) * hop
    ours = spec.stft_magnitude(reader(x), centres, params)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, atol=2e-6, rtol=1e-4)


def test_full_scale_sine_is_zero_db():
    sr = 48000
    t = np.arange(sr) / sr
    x = np.sin(2 * np.pi * 3000 * t).astype(np.float32)  # on a bin centre for n_fft=2048? near
    params = spec.SpectrogramParams(n_fft=4800, hop=2400, scale="linear")
    tile = spec.tile(reader(x), params, sr, 2400, 0)
    peak_row = tile[5].argmax()
    assert peak_row * sr / 4800 == pytest.approx(3000, abs=10)
    assert tile[5].max() == pytest.approx(0.0, abs=0.1)


@pytest.mark.parametrize("scale", ["linear", "log", "mel"])
def test_scales_round_trip(scale):
    y = np.linspace(0, 1, 11)
    f = spec.scale_to_hz(y, scale, 44100, 20)
    np.testing.assert_allclose(spec.hz_to_scale(f, scale, 44100, 20), y, atol=1e-9)
    assert f[-1] == pytest.approx(22050)


@pytest.mark.parametrize("scale", ["log", "mel"])
def test_rows_put_a_tone_at_its_frequency(scale):
    sr = 48000
    t = np.arange(sr) / sr
    x = (0.5 * np.sin(2 * np.pi * 5000 * t)).astype(np.float32)
    params = spec.SpectrogramParams(scale=scale)
    tile = spec.tile(reader(x), params, sr, 512, 0)
    row = tile[20].argmax()
    freq = spec.scale_to_hz((row + 0.5) / spec.rows_for(params), scale, sr, params.min_freq)
    assert freq == pytest.approx(5000, rel=0.03)
    # the band average keeps the level of a pure tone close to the linear-scale peak
    assert tile[20].max() > -12


def test_effective_hop_follows_zoom():
    p = spec.SpectrogramParams(hop=512)
    assert spec.effective_hop(p, 10) == 512
    assert spec.effective_hop(p, 512 * 8) == 512 * 8
    assert spec.effective_hop(p, 512 * 11) == 512 * 16   # never more columns than pixels
    assert spec.effective_hop(p, 513) == 1024


def test_unknown_window_and_scale_say_so():
    with pytest.raises(ValueError, match="window"):
        spec.window("kaiser-ish", 16)
    with pytest.raises(ValueError, match="scale"):
        spec.scale_to_hz([0.5], "bark", 16000, 20)
