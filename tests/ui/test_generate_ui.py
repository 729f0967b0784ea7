"""The Generate panel: pick a generator, set it, Generate; the clip lands where chosen, as one
undo step, and plays and saves like any clip."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from audio_fixtures import signal, write
from panels import choose


@pytest.fixture
def tab(window, open_loaded, tmp_path):
    return open_loaded(write(tmp_path / "a.wav", signal(48000 * 2, 1, seed=1) * 0.5, 48000, "WAV", "PCM_16"))


def test_generate_a_tone_at_the_cursor_then_on_a_new_track(window, tab, qtbot):
    doc = tab.document
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    panel = window.generate_panel
    assert panel.isVisible() and panel.run.text() == "Generate"
    assert [panel.tasks.item(r).text() for r in range(panel.tasks.count())] == [
        "Tone", "Chirp", "Noise", "Silence", "DTMF tones", "Click track", "Speech", "Music", "Sound effect",
        "Enhance speech"]
    choose(panel, "tone")
    labels = [panel.form.itemAt(r, panel.form.ItemRole.LabelRole).widget().text()
              for r in range(panel.form.rowCount())]
    assert labels == ["Waveform", "Frequency", "Sweep to", "Amplitude", "Duration", "Put it"]
    doc.set_cursor(2.0)                                     # the end of the file: it fits there
    panel.input.setCurrentIndex(panel.input.findData("cursor"))
    qtbot.mouseClick(panel.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(doc.tracks[0].clips) == 2, timeout=5000)
    clip = doc.tracks[0].clips[1]
    assert clip.start == pytest.approx(2.0) and clip.name == "Tone 440 Hz"
    assert clip.provenance["task"] == "tone" and clip.duration == pytest.approx(5.0)
    x = doc.mix().read(2 * 48000, 3 * 48000)[:, 0]
    assert np.abs(x).max() == pytest.approx(0.8, abs=1e-3)
    assert doc.history.undo_title == "Tone"
    assert "at 2.000 s on “a.wav”" in window.status_text.text()
    # on a new track, remembered for next time
    panel.input.setCurrentIndex(panel.input.findData("new track"))
    qtbot.mouseClick(panel.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(doc.tracks) == 2, timeout=5000)
    assert doc.tracks[1].clips[0].start == pytest.approx(2.0)
    assert window.settings.generate_where == "new track"
    doc.history.undo()
    doc.history.undo()
    assert len(doc.tracks) == 1 and len(doc.tracks[0].clips) == 1


def test_replacing_without_a_selection_says_what_to_do(window, tab, qtbot):
    window.generate_panel.show()
    choose(window.generate_panel, "noise")
    panel = window.generate_panel
    panel.input.setCurrentIndex(panel.input.findData("replace selection"))
    qtbot.mouseClick(panel.run, Qt.MouseButton.LeftButton)
    assert "Select the audio to replace first" in window.status_text.text()
    tab.document.set_selection(0.5, 1.0)
    qtbot.mouseClick(panel.run, Qt.MouseButton.LeftButton)
    doc = tab.document
    qtbot.waitUntil(lambda: len(doc.tracks[0].clips) == 3, timeout=5000)
    assert [round(c.start, 3) for c in doc.tracks[0].clips] == [0.0, 0.5, 5.5]   # room was made
