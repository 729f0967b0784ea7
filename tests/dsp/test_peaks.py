import numpy as np
import pytest

from workbench.dsp.peaks import PeakPyramid


def build(data, base=256, factor=8, chunk=1 << 14):
    pyr = PeakPyramid(data.shape[1], len(data), base, factor)
    for s in range(0, len(data), chunk):
        pyr.add(s, data[s:s + chunk])
    pyr.finish()
    return pyr


def brute(data, ch, start, stop, pixels):
    spp = (stop - start) / pixels
    lo, hi = [], []
    for i in range(pixels):
        a = int(start + i * spp)
        b = max(a + 1, int(start + (i + 1) * spp))
        lo.append(data[a:b, ch].min())
        hi.append(data[a:b, ch].max())
    return np.array(lo), np.array(hi)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(1)
    n = 1_000_003
    x = np.cumsum(rng.standard_normal((n, 2)), axis=0)
    return (x / np.abs(x).max()).astype(np.float32)


def read_from(data):
    def read(a, b):
        out = np.zeros((b - a, data.shape[1]), np.float32)
        lo, hi = max(a, 0), min(b, len(data))
        out[lo - a:hi - a] = data[lo:hi]
        return out
    return read


@pytest.mark.parametrize("start,stop,pixels", [
    (0, 1_000_003, 1600), (12_345, 812_345, 1000), (500_000, 500_000 + 1600 * 300, 1600),
    (7, 7 + 10 * 1600, 1600), (990_000, 1_000_003, 700),
])
def test_envelope_brackets_the_true_extremes(data, start, stop, pixels):
    pyr = build(data)
    env = pyr.query(1, start, stop, pixels, read_from(data), len(data))
    assert env.kind == "minmax" and len(env.lo) == pixels
    lo, hi = brute(data, 1, start, stop, pixels)
    # each column covers its own samples (blocks may reach a little past the column edges)
    assert np.all(env.lo <= lo + 1e-7) and np.all(env.hi >= hi - 1e-7)
    # ... and no more than one block (or factor x pixel) beyond them
    spp = (stop - start) / pixels
    slack = int(max(256, spp)) + 1
    lo2, hi2 = [], []
    for i in range(pixels):
        a = max(0, int(start + i * spp) - slack)
        b = min(len(data), int(start + (i + 1) * spp) + slack)
        lo2.append(data[a:b, 1].min())
        hi2.append(data[a:b, 1].max())
    assert np.all(env.lo >= np.array(lo2) - 1e-7) and np.all(env.hi <= np.array(hi2) + 1e-7)


def test_whole_file_extremes_are_exact(data):
    pyr = build(data)
    env = pyr.query(0, 0, len(data), 1000, read_from(data), len(data))
    assert env.lo.min() == data[:, 0].min() and env.hi.max() == data[:, 0].max()


def test_sample_level_returns_the_samples(data):
    pyr = build(data)
    env = pyr.query(0, 100, 400, 1600, read_from(data), len(data))
    assert env.kind == "samples"
    np.testing.assert_array_equal(env.lo, data[100:400, 0])
    np.testing.assert_array_equal(env.x, np.arange(100, 400))


def test_points_never_exceed_pixels(data):
    pyr = build(data)
    for span in (len(data), 100_000, 5_000, 3_200):
        env = pyr.query(0, 0, span, 1600, read_from(data), len(data))
        assert len(env.x) <= 1600


def test_query_outside_the_file_is_clipped(data):
    pyr = build(data)
    env = pyr.query(0, -1000, 2_000_000, 800, read_from(data), len(data))
    assert len(env.lo) == 800 and env.x[0] >= 0


def test_integer_input_is_scaled(data):
    ints = (data * 32767).astype(np.int16)
    pyr = PeakPyramid(2, len(ints))
    pyr.add(0, ints, scale=1 / 32768)
    pyr.finish()
    assert pyr.overall(0) == pytest.approx((ints[:, 0].min() / 32768, ints[:, 0].max() / 32768))
