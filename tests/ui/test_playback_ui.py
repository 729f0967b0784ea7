"""Space plays through the null sink with a moving playhead; no device is a status message."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from audio_fixtures import chirp, played_part, write


@pytest.fixture
def tone_file(tmp_path):
    rate = 48000
    left = 0.5 * chirp(rate * 3, rate, 200, 2000)
    data = np.stack([left, -left], axis=1)
    return write(tmp_path / "tone.wav", data, rate, "WAV", "FLOAT"), data


def test_space_plays_the_selection_with_a_moving_playhead(window, open_loaded, tone_file, qtbot,
                                                          recorder):
    """Checked against the audio clock, not the wall clock: on a busy machine the GUI thread's
    ticks come late and unevenly, but the playhead must still start where playback starts, only
    move forward, never run ahead of the samples handed to the device, and never lag behind
    them by more than the device's buffering."""
    path, data = tone_file
    tab = open_loaded(path)
    tab.document.set_selection(1.0, 2.0)
    tab.timeline.set_view(0.0, 1.5)   # the playhead must leave this view: it should follow
    rec = recorder()
    player = window.playback.player
    positions = []   # (playhead, seconds handed to the device when it was drawn)
    tab.timeline.playhead_moved.connect(lambda t: t is None or positions.append((t, player._pos / 48000)))
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.playback.playing
    qtbot.waitUntil(lambda: not window.playback.playing, timeout=10000)
    got = rec.stop()
    values = np.array([p[0] for p in positions])
    delivered = np.array([p[1] for p in positions])
    # shown at the selection's start the moment Space was pressed, then only forward, to the end
    assert values[0] == pytest.approx(1.0, abs=1e-9)
    assert np.all(np.diff(values) >= 0)
    assert values.max() == pytest.approx(2.0, abs=0.05)
    # it moved in many small steps (60 a second on an idle machine), not a few jumps
    moving = np.unique(values[values < 1.999])
    assert len(moving) >= 15, f"the playhead moved only {len(moving)} times in 1 s of audio"
    # it follows the audio clock: never ahead of what the device was given, and behind it by no
    # more than the stream's buffering (latency plus two blocks)
    slack = (player.blocksize * 2) / 48000 + 0.25
    ahead = values - np.minimum(delivered, 2.0)
    assert ahead.max() <= 1e-3, f"the playhead ran {ahead.max():.3f} s ahead of the audio"
    behind = np.minimum(delivered, 2.0)[1:] - values[1:]
    assert behind.max() <= slack, f"the playhead lagged {behind.max():.3f} s behind the audio"
    t0, t1 = tab.timeline.view_range()
    assert t0 <= 1.9 <= t1, "the view followed the playhead"
    assert tab.timeline.playhead is None
    # and the right samples came out: the selection, both channels
    heard, sent = played_part(got, data[48000:96000])
    np.testing.assert_allclose(heard, sent, atol=1e-6)


def test_space_again_stops(window, open_loaded, tone_file, qtbot, null_sink):
    tab = open_loaded(tone_file[0])
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.playback.playing
    qtbot.wait(200)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.playback.playing
    assert tab.timeline.playhead is None


def test_looped_playback_wraps(window, open_loaded, tone_file, qtbot, null_sink):
    tab = open_loaded(tone_file[0])
    tab.document.set_selection(0.5, 0.7)
    qtbot.keyClick(window, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    qtbot.wait(1500)
    assert window.playback.playing  # still going after several passes
    pos = window.playback.player.position()
    assert 0.5 <= pos <= 0.7
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.playback.playing


def test_no_output_device_is_said_once_and_nothing_else_breaks(window, open_loaded, tone_file,
                                                                qtbot):
    tab = open_loaded(tone_file[0])
    window.playback.set_device("no such device 1234")
    messages = []
    window.playback.problem.connect(messages.append)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert len(messages) == 1 and "no audio output device" in messages[0]
    assert window.status_text.text().startswith("Playback: no audio output device")
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    t0, t1 = tab.timeline.view_range()
    assert t1 - t0 == pytest.approx(1.5)
