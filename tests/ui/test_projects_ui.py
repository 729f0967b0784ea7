"""Projects in the window: save, reopen exactly, unsaved-changes prompt, missing files and
relink, autosave and restore after a crash, audio export."""
import json
import os
import shutil
import signal as sig
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from audio_fixtures import audio_of, signal, write
from workbench.core.regions import Region


def labels_in(manifest):
    return [t for t in manifest["tracks"] if t["kind"] == "labels"]


@pytest.fixture
def tab(window, open_loaded, tmp_path):
    return open_loaded(write(tmp_path / "rec.wav", signal(48000 * 4, 2), 48000, "WAV", "PCM_16"))


def test_save_reopen_exactly(window, tab, tmp_path, qtbot):
    doc = tab.document
    doc.add_label_track("Words", [Region(0.5, 1.0, "one", confidence=0.5)])
    doc.set_selection(2.0, 2.5)
    doc.silence_audio()
    assert window.tabs.tabText(0).endswith("•")
    assert window.ctx.files.save_as(path=tmp_path / "session.awproj")
    assert window.tabs.tabText(0) == "session" and "•" not in window.windowTitle()
    audio_before = audio_of(doc.tracks[0]).read(0, audio_of(doc.tracks[0]).frames)
    window.ctx.files.close_current()
    assert window.tabs.count() == 0
    reopened = window.ctx.files.open_file(tmp_path / "session.awproj")
    d2 = reopened.document
    np.testing.assert_array_equal(audio_of(d2.tracks[0]).read(0, audio_of(d2.tracks[0]).frames), audio_before)
    assert [(r.start, r.end, r.text, r.confidence) for r in d2.label_tracks[0]] == [(0.5, 1.0, "one", 0.5)]
    assert not d2.history.modified
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(reopened.timeline.editor, Qt.Key.Key_Escape)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)   # saves in place
    assert len(labels_in(json.loads((tmp_path / "session.awproj").read_text()))[0]["regions"]) == 2


def test_closing_with_unsaved_changes_asks(window, tab, tmp_path):
    doc = tab.document
    doc.add_label_track()
    asked = []
    window.ctx.files.ask_unsaved = lambda d: asked.append(d) or "cancel"
    window.ctx.files.close_current()
    assert asked == [doc] and window.tabs.count() == 1           # cancel keeps it open
    window.ctx.files.ask_unsaved = lambda d: "save"
    window.ctx.files.save_as = lambda tab=None, path=None: window.ctx.files._save_to(tab or window.current_tab(),
                                                                 tmp_path / "saved.awproj")
    window.ctx.files.close_current()
    assert window.tabs.count() == 0 and (tmp_path / "saved.awproj").exists()


def test_missing_audio_opens_the_rest_and_relinks(window, tab, tmp_path, qtbot):
    tab.document.add_label_track("Keep me", [Region(1, 2, "x")])
    window.ctx.files.save_as(path=tmp_path / "p" / "proj.awproj")
    window.ctx.files.close_current()
    shutil.move(tmp_path / "rec.wav", tmp_path / "moved.wav")
    again = window.ctx.files.open_file(tmp_path / "p" / "proj.awproj")
    assert again is not None and again.document.label_tracks[0].name == "Keep me"
    box = window.messages[-1]
    assert "rec.wav" in box.text() and "missing" in box.windowTitle()
    window.ctx.files.relink(again, [m for m in _missing(again)], chooser=lambda old: str(tmp_path / "moved.wav"))
    assert "All audio files found" in window.status_text.text()
    au = audio_of(again.document.tracks[0])
    assert np.abs(au.read(0, 48000)).max() > 0.1


def _missing(tab):
    from workbench.core.project import MissingSource

    return [{"path": str(t.sources[0].path), "source": t.sources[0]} for t in tab.document.tracks
            if isinstance(t.sources[0], MissingSource)]


def test_autosave_writes_recovery_and_save_clears_it(window, tab, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    assert window.ctx.files.autosave() == 0                                  # nothing changed yet
    tab.document.add_label_track("L", [Region(1, 2, "unsaved")])
    assert window.ctx.files.autosave() == 1
    assert window.ctx.files.autosave() == 0                                  # nothing new since
    rec = tmp_path / "data" / "recovery" / f"{tab.key}.json"
    assert labels_in(json.loads(rec.read_text()))[0]["regions"][0]["text"] == "unsaved"
    window.ctx.files.save_as(path=tmp_path / "x.awproj")
    assert not rec.exists()


CRASHER = r"""
import os, sys, time
sys.path.insert(0, sys.argv[1])
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
app = QApplication([])
from workbench.core.settings import Settings
from workbench.core.regions import Region
from workbench.ui.main_window import MainWindow
w = MainWindow(Settings(autosave_seconds=0), save_settings=False)
tab = w.ctx.files.open_file(sys.argv[2])
while not tab.loaded:
    app.processEvents(); time.sleep(0.01)
tab.document.add_label_track("Work", [Region(1.0, 2.0, "precious")])
w.ctx.files.autosave()
print("autosaved", flush=True)
time.sleep(60)
"""


def test_restore_after_kill_9(window, tmp_path, monkeypatch, qtbot):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    wav = write(tmp_path / "a.wav", signal(48000, 2), 48000, "WAV", "PCM_16")
    script = tmp_path / "crasher.py"
    script.write_text(CRASHER)
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data"),
           "WORKBENCH_CONFIG_DIR": str(tmp_path / "cfg")}
    root = str(Path(__file__).resolve().parents[2])
    proc = subprocess.Popen([sys.executable, str(script), root, str(wav)], env=env,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "autosaved"
    proc.send_signal(sig.SIGKILL)
    proc.wait()
    restored = window.ctx.files.offer_recovery(ask=lambda: True)
    assert restored == 1
    doc = window.current_tab().document
    assert [r.text for r in doc.label_tracks[0]] == ["precious"]
    assert doc.history.modified                                    # restored work is unsaved
    assert window.ctx.files.offer_recovery(ask=lambda: True) == 0            # offered once


def test_export_audio_from_the_window(window, tab, tmp_path, qtbot):
    doc = tab.document
    doc.set_selection(1.0, 2.0)
    window.ctx.files.export_audio(str(tmp_path / "sel.flac"), selection_only=True, subtype="PCM_24")
    # the worker thread can finish before Qt delivers its queued "done": wait for what users see
    qtbot.waitUntil(lambda: "Exported sel.flac" in window.status_text.text(), timeout=10000)
    info = sf.info(tmp_path / "sel.flac")
    assert info.frames == 48000 and info.subtype == "PCM_24"
    from workbench.ui.dialogs.export import ExportDialog

    dialog = ExportDialog(doc, window)
    dialog.path.setText(str(tmp_path / "x.ogg"))
    assert [dialog.subtype.itemData(i) for i in range(dialog.subtype.count())] == ["VORBIS"]
    assert dialog.choices()["selection_only"] is True


def test_a_project_from_elsewhere_asks_before_reading_audio_outside_its_folder(window, tmp_path, qtbot,
                                                                                monkeypatch):
    secret = write(tmp_path / "private.wav", signal(16000, 1), 16000, "WAV", "PCM_16")
    (tmp_path / "p").mkdir()
    path = tmp_path / "p" / "received.awproj"
    path.write_text(json.dumps({"format": "audio-workbench-project", "version": 2,
                                "sources": [{"path": "../private.wav", "sample_rate": 16000, "channels": 1,
                                             "frames": 16000}],
                                "tracks": [{"kind": "audio", "clips": [{"rate": 16000, "channels": 1, "edits": [
                                    {"source": 0, "start": 0, "length": 16000}]}]}]}))
    asked = []
    monkeypatch.setattr(window.ctx.files, "ask_outside", lambda project, files: asked.append(files) or False)
    tab = window.ctx.files.open_file(path)
    assert asked == [[secret.resolve()]] and tab is not None
    box = window.messages[-1]
    assert "outside the project's folder and were not read" in box.text() and "private.wav" in box.text()
    assert float(np.abs(audio_of(tab.document.tracks[0]).read(0, 16000)).max()) == 0.0   # not read


def test_the_question_names_the_files_and_reads_them_on_yes(window, tmp_path, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    answers = []

    def answer():
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        answers.append(box.text())
        box.grab().save(str(tmp_path / "question.png"))
        next(b for b in box.buttons() if b.text() == "Read Them").click()

    QTimer.singleShot(200, answer)
    assert window.ctx.files.ask_outside(tmp_path / "x.awproj", [tmp_path / "a.wav", Path("/data/b.wav")]) is True
    assert "“x.awproj” reads audio from outside its own folder" in answers[0] and "/data/b.wav" in answers[0]
