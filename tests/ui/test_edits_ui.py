"""Audio edits from the keyboard: the lanes redraw the edited audio, undo restores it, and
playback plays the edits."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from audio_fixtures import audio_of, chirp, played_part, signal, write
from workbench.core.regions import Region


@pytest.fixture
def tab(window, open_loaded, tmp_path):
    return open_loaded(write(tmp_path / "ten.wav", signal(48000 * 10, 2), 48000, "WAV", "PCM_16"))


def test_cut_and_paste_with_shortcuts(window, tab, qtbot):
    doc = tab.document
    doc.add_label_track("w", [Region(8.0, 9.0, "late")])
    ctrl = Qt.KeyboardModifier.ControlModifier
    doc.set_selection(2.0, 4.0)
    qtbot.keyClick(window, Qt.Key.Key_X, ctrl)
    assert doc.duration == pytest.approx(8.0)
    assert doc.label_tracks[0].regions[0].start == pytest.approx(6.0)       # sync-lock
    assert tab.timeline.view_range()[1] <= 8.0 + 1e-9
    doc.set_cursor(0.0)
    qtbot.keyClick(window, Qt.Key.Key_V, ctrl)
    assert doc.duration == pytest.approx(10.0)
    assert doc.label_tracks[0].regions[0].start == pytest.approx(8.0)
    qtbot.keyClick(window, Qt.Key.Key_Z, ctrl)
    qtbot.keyClick(window, Qt.Key.Key_Z, ctrl)
    src = doc.tracks[0].sources[0]
    np.testing.assert_array_equal(audio_of(doc.tracks[0]).read(0, src.frames), src.read(0, src.frames))


def test_silence_redraws_the_waveform_and_delete_key_deletes_audio(window, tab, qtbot):
    doc = tab.document
    doc.set_selection(0.0, 5.0)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    tab.timeline.fit()
    x, y = tab.timeline.lanes[0].getData()
    first_half = y[::2][x[::2] < 4.9]
    assert np.all(first_half == 0) and y.max() > 0.5
    doc.set_selection(5.0, 6.0)
    qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert doc.duration == pytest.approx(9.0)


def test_effects_menu_and_gain_dialog_value(window, tab):
    doc = tab.document
    doc.set_selection(1.0, 2.0)
    window.ctx.edits.gain_audio(-20.0)
    window.actions_by_id["effect.fade_in"].trigger()
    window.actions_by_id["effect.normalize"].trigger()
    assert doc.history.titles[-3:] == ["Gain -20.0 dB", "Fade in", "Normalize"]
    window.ctx.edits.insert_silence(0.5)
    assert doc.duration == pytest.approx(10.5)


def test_without_a_selection_edits_say_what_to_do(window, tab):
    window.actions_by_id["edit.silence"].trigger()
    assert "Select some audio first" in window.status_text.text()
    assert not tab.document.history.can_undo


def test_playback_plays_the_edits(window, open_loaded, tmp_path, qtbot, recorder):
    rate = 48000
    tone = 0.5 * chirp(rate * 2, rate, 300, 3000)
    data = np.stack([tone, tone], axis=1)
    tab = open_loaded(write(tmp_path / "tone.wav", data, rate, "WAV", "FLOAT"))
    doc = tab.document
    doc.set_selection(0.0, 1.0)
    doc.delete_audio()          # what remains is the second second of the chirp
    doc.set_selection(0.0, 0.5)
    doc.gain_audio(-6.0)
    doc.set_selection(None)
    doc.set_cursor(0.0)
    rec = recorder()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.playback.playing, timeout=10000)
    got = rec.stop()
    expect = data[rate:].copy()
    expect[: rate // 2] *= np.float32(10 ** (-6 / 20))
    heard, sent = played_part(got, expect)
    np.testing.assert_allclose(heard, sent, atol=1e-5)
