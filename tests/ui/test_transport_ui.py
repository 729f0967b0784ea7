"""The transport toolbar: typed times move the cursor and the selection; the meter shows the
playing mix's level; the play button follows playback."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from audio_fixtures import write
from workbench.ui.transport import parse_time


@pytest.fixture
def tab(window, open_loaded, tmp_path):
    t = np.arange(48000 * 3) / 48000
    data = np.stack([0.5 * np.sin(2 * np.pi * 440 * t), 0.25 * np.sin(2 * np.pi * 440 * t)], axis=1)
    return open_loaded(write(tmp_path / "tone.wav", data.astype(np.float32), 48000, "WAV", "FLOAT"))


def test_parse_time_reads_what_people_type():
    assert parse_time("1:02:03.5") == pytest.approx(3723.5)
    assert parse_time("2:03.25") == pytest.approx(123.25)
    assert parse_time("7,5") == pytest.approx(7.5)
    for bad in ("", "abc", "1:2:3:4", "-1", "1:99x"):
        with pytest.raises(ValueError, match="not a time"):
            parse_time(bad)


def test_typed_times_move_the_cursor_and_the_selection(window, tab, qtbot):
    bar = window.transport
    doc = tab.document
    bar.cursor_field.setText("0:00:01.250")
    qtbot.keyClick(bar.cursor_field, Qt.Key.Key_Return)
    assert doc.cursor == pytest.approx(1.25) and doc.selection is None
    bar.start_field.setText("0.5")
    qtbot.keyClick(bar.start_field, Qt.Key.Key_Return)
    bar.end_field.setText("0:02.000")
    qtbot.keyClick(bar.end_field, Qt.Key.Key_Return)
    assert doc.selection == (pytest.approx(0.5), pytest.approx(2.0))
    assert bar.start_field.text() == "0:00:00.500" and bar.end_field.text() == "0:00:02.000"
    bar.cursor_field.setText("nonsense")
    qtbot.keyClick(bar.cursor_field, Qt.Key.Key_Return)
    assert bar.cursor_field.text() == "0:00:00.500"            # a typo puts the value back
    doc.set_selection(None)
    doc.set_cursor(2.5)                                         # and the fields follow the document
    assert bar.cursor_field.text() == "0:00:02.500" and bar.start_field.text() == ""


def test_meter_shows_the_playing_level(window, tab, qtbot, null_sink):
    bar = window.transport
    seen = []
    window.playback.levels.connect(lambda peak, rms: seen.append((peak.copy(), rms.copy())))
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert bar.play_action.text() == "■ Stop"
    qtbot.waitUntil(lambda: len(seen) >= 10, timeout=5000)
    peak, rms = seen[-1]
    np.testing.assert_allclose(peak, [0.5, 0.25], atol=0.01)
    np.testing.assert_allclose(rms, [0.5 / np.sqrt(2), 0.25 / np.sqrt(2)], atol=0.01)
    assert bar.meter.peak[0] == pytest.approx(0.5, abs=0.01)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert bar.play_action.text() == "▶ Play" and len(bar.meter.peak) == 0


def test_project_rate_is_set_in_preferences_and_undoes(window, tab, qtbot):
    doc = tab.document
    window.ctx.view.show_preferences()
    dialog = window.ctx.view._preferences
    dialog.rate.setCurrentIndex(dialog.rate.findData(44100))
    dialog.accept()
    assert doc.sample_rate == 44100 and doc.mix().sample_rate == 44100
    assert doc.mix().frames == 3 * 44100                      # the clip is resampled, same length
    assert "44100 Hz" in window.info_label.text()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.sample_rate == 48000
