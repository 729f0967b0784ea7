"""Playback for real: the null sink plays, its monitor is recorded, the samples are compared."""
import time

import numpy as np
import pytest

from audio_fixtures import chirp, played_part, write
from workbench.core.audio import open_audio
from workbench.core.playback import Player, output_devices


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


def test_without_portaudio_playback_says_so(known, monkeypatch):
    """The sounddevice wheel has no PortAudio on Linux: importing it raises OSError."""
    import builtins

    real_import = builtins.__import__

    def no_portaudio(name, *args, **kwargs):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_portaudio)
    monkeypatch.delitem(__import__("sys").modules, "sounddevice", raising=False)
    src, _ = known
    player = Player()
    assert player.play(src, 0, 1) is False
    assert "PortAudio is not installed" in player.problem
    assert output_devices() == []
