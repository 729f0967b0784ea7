"""Record: a take from the input device (the null sink's monitor, while the test plays a known
chirp into the sink) lands as a new clip at the cursor, grows live, streams to disk as it goes,
and is one undo step."""
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from audio_fixtures import chirp, played_part, signal, write


@pytest.fixture
def tab(window, open_loaded, tmp_path):
    return open_loaded(write(tmp_path / "a.wav", signal(48000 * 2, 2, seed=1) * 0.2, 48000, "WAV", "FLOAT"))


def test_record_the_monitor_while_a_chirp_plays(window, tab, qtbot, null_sink):
    import sounddevice as sd

    doc = tab.document
    doc.set_cursor(0.5)
    known = 0.5 * chirp(48000, 48000, 300, 3000)
    qtbot.keyClick(window, Qt.Key.Key_R)
    rec = window.recorder
    assert rec.recording and window.transport.record_action.text() == "■ Stop recording"
    live = rec.track
    qtbot.waitUntil(lambda: rec.recorder.frames > 4800, timeout=10000)   # the device is live
    raw = rec.recorder.path
    # a silent tail: ALSA's Pulse plugin drops what it still holds when a stream stops
    sent = np.concatenate([known, np.zeros(14400, np.float32)])
    sd.play(np.stack([sent, sent], axis=1), 48000, device="pulse", blocking=False)
    qtbot.wait(1500)
    assert raw.exists() and raw.stat().st_size > 48000 * 4          # streamed to disk as it goes
    from workbench.core.recording import takes_dir

    journal = rec.recorder.journal                                   # what a crash would recover
    assert journal.parent == takes_dir() and json.loads(journal.read_text())["start"] == 0.5
    assert live.clips[0].frames > 48000                                # drawn while it records
    sd.wait()
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert not rec.recording
    take = doc.tracks[-1]
    assert take.name == "Recording 1" and live not in doc.tracks
    (clip,) = take.clips
    assert clip.start == pytest.approx(0.5) and clip.provenance["recorded"] == "default input"
    assert str(clip.audio.sources[0].path).endswith(".flac") and not raw.exists()
    assert not journal.exists()
    heard, sent = played_part(clip.read(0, clip.frames), np.stack([known, known], axis=1))
    np.testing.assert_allclose(heard, sent, atol=1e-4)                 # the chirp, sample for sample
    assert doc.history.undo_title == "Record “Recording 1”"
    doc.history.undo()
    assert [t.name for t in doc.tracks] == ["a.wav"]


def test_no_input_device_is_a_message(window, tab, qtbot):
    window.settings.input_device = "no such device 4321"
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert not window.recorder.recording
    assert window.status_text.text().startswith("Cannot record: no audio input device")
    assert len(tab.document.tracks) == 1


def test_the_input_device_is_chosen_in_preferences(window, tab, qtbot, monkeypatch):
    """Preferences lists the devices that can record; the choice is what Record opens, and a
    device that is unplugged stays chosen (marked) rather than being silently dropped."""
    import workbench.ui.controllers.view as view

    monkeypatch.setattr(view, "input_devices", lambda: ["Built-in Microphone", "USB Mic"])
    dialog = window.ctx.view.show_preferences()
    names = [dialog.input.itemText(i) for i in range(dialog.input.count())]
    assert names == ["System default", "Built-in Microphone", "USB Mic"]
    dialog.input.setCurrentIndex(dialog.input.findData("USB Mic"))
    dialog.accept()
    assert window.settings.input_device == "USB Mic"
    opened = []
    monkeypatch.setattr(window.recorder, "start", lambda doc, device=None: opened.append(device))
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert opened == ["USB Mic"]
    monkeypatch.setattr(view, "input_devices", lambda: ["Built-in Microphone"])
    dialog = window.ctx.view.show_preferences()
    assert dialog.input.currentText() == "USB Mic (not connected)"
    dialog.reject()


def test_a_take_cut_short_by_a_crash_comes_back_into_its_project(window, tab, qtbot, tmp_path, monkeypatch):
    """The next start offers the interrupted take with the unsaved work; yes puts it back as a
    track of its project, at the time it started, as one undo step."""
    import json
    import os
    import time

    import soundfile as sf

    from workbench.core import recording

    monkeypatch.setattr(recording, "takes_dir", lambda: tmp_path / "takes")
    project = tmp_path / "song.awproj"
    assert window.ctx.files.save_as(path=project)
    raw = tmp_path / "song_audio" / "Recording-1-x.raw"
    raw.parent.mkdir(exist_ok=True)
    data = (0.25 * np.sin(np.arange(24000) / 7.0)).astype(np.float32)
    raw.write_bytes(np.stack([data, -data], axis=1).tobytes())
    os.utime(raw, (time.time() - 60, time.time() - 60))
    (tmp_path / "takes").mkdir()
    (tmp_path / "takes" / "x.json").write_text(json.dumps(
        {"raw": str(raw), "rate": 48000, "channels": 2, "name": "Recording-1", "start": 0.75,
         "track": "Recording 1", "project": str(project), "started": "2026-11-22T10:00:00"}))
    window.ctx.files.close_current()
    asked = []
    assert window.ctx.files.offer_recovery(ask=lambda: asked.append(1) or True) == 1
    doc = window.current_tab().document
    assert asked and doc.path == project
    take = doc.tracks[-1]
    assert take.name == "Recording 1" and take.clips[0].start == pytest.approx(0.75)
    assert take.clips[0].provenance["recovered"] is True
    got = take.clips[0].read(0, 24000)
    np.testing.assert_allclose(got[:, 0], data, atol=1e-6)
    assert sf.info(str(raw.with_suffix(".flac"))).frames == 24000 and not raw.exists()
    assert doc.history.modified
    doc.history.undo()
    assert [t.name for t in doc.tracks] == ["a.wav"]
    assert window.ctx.files.offer_recovery(ask=lambda: True) == 0      # offered once
