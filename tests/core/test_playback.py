"""Playback for real: the null sink plays, its monitor is recorded, the samples are compared."""
import time

import numpy as np
import pytest

from audio_fixtures import chirp, write
from workbench.core.audio import open_audio
from workbench.core.playback import Player, output_devices


def find(recording: np.ndarray, reference: np.ndarray) -> tuple[int, float]:
    """Offset of ``reference`` in ``recording`` and the normalised correlation there."""
    n = len(recording) + len(reference)
    size = 1 << (n - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(recording, size) * np.conj(np.fft.rfft(reference, size)), size)
    lag = int(np.argmax(corr[: len(recording)]))
    seg = recording[lag: lag + len(reference)]
    denom = np.linalg.norm(seg) * np.linalg.norm(reference[: len(seg)]) or 1.0
    return lag, float(np.dot(seg, reference[: len(seg)]) / denom)


@pytest.fixture
def known(tmp_path):
    rate = 48000
    left = 0.5 * chirp(rate, rate)
    right = (0.3 * np.random.default_rng(7).uniform(-1, 1, rate)).astype(np.float32)
    data = np.stack([left, right], axis=1)
    path = write(tmp_path / "known.wav", data, rate, "WAV", "FLOAT")
    src = open_audio(path).load_all()
    yield src, data
    src.close()


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


def test_the_right_samples_come_out(known, recorder):
    src, data = known
    rec = recorder()
    player = Player()
    assert player.play(src, 0.0, src.duration), player.problem
    deadline = time.monotonic() + 10
    while player.playing and time.monotonic() < deadline:
        time.sleep(0.05)
    got = rec.stop()
    player.stop()
    heard, sent = played_part(got, data)
    assert len(heard) == len(sent) and len(sent) > 0.9 * len(data), "played through to the end"
    np.testing.assert_allclose(heard, sent, atol=1e-6)  # both channels, in order, bit-exact


def test_a_range_plays_only_that_range(known, recorder):
    src, data = known
    rec = recorder()
    player = Player()
    assert player.play(src, 0.25, 0.5)
    deadline = time.monotonic() + 10
    while player.playing and time.monotonic() < deadline:
        time.sleep(0.05)
    got = rec.stop()
    part = data[12000:24000]
    heard, sent = played_part(got, part)
    np.testing.assert_allclose(heard, sent, atol=1e-6)
    loud = np.abs(got[:, 1]) > 1e-6
    assert 0.15 * 48000 < loud.sum() <= 0.25 * 48000, "nothing outside the range was played"


def test_position_advances_in_real_time(known, null_sink):
    src, _ = known
    player = Player()
    assert player.play(src, 0.0, src.duration)
    time.sleep(0.1)
    p0, t0 = player.position(), time.monotonic()
    time.sleep(0.4)
    p1, t1 = player.position(), time.monotonic()
    player.stop()
    assert p1 - p0 == pytest.approx(t1 - t0, abs=0.1)
    assert player.position() is None


def test_devices_are_listed(null_sink):
    assert output_devices()


def test_a_missing_device_is_a_message_not_a_crash(known):
    src, _ = known
    player = Player(device="no such device 1234")
    assert player.play(src, 0, 1) is False
    assert "no audio output device" in player.problem or "unavailable" in player.problem
    assert not player.playing
