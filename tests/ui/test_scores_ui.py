"""The Scores dock: after zero-shot labels it shows the track; the threshold and the ticks make
the regions again from the kept scores (no model call), a slider drag is one undo step."""
import numpy as np
import soundfile as sf
from PySide6.QtCore import Qt

from fake_clap import FakeClap
from workbench.tasks import registry
from workbench.tasks.understand import zeroshot as Z

RATE = 48000


def test_threshold_and_labels_from_the_scores_dock(window, open_loaded, qtbot, tmp_path, monkeypatch):
    fake = FakeClap()
    monkeypatch.setattr(Z, "load", lambda checkpoint, device: fake)
    t = np.arange(3 * RATE) / RATE
    x = np.concatenate([np.zeros(3 * RATE), 0.5 * np.sin(2 * np.pi * 1000 * t), np.zeros(3 * RATE),
                        0.3 * np.random.default_rng(0).standard_normal(3 * RATE), np.zeros(RATE)])
    sf.write(str(tmp_path / "scene.wav"), x.astype(np.float32), RATE)
    tab = open_loaded(tmp_path / "scene.wav")
    doc = tab.document
    job = window.ctx.tasks.run_task(registry.get("zeroshot"), {"prompts": "beep; hiss; quiet", "window_s": 1.0,
                                                     "hop_s": 0.5, "threshold": 0.6}, "file",
                          model=str(tmp_path))
    qtbot.waitUntil(lambda: job.state in ("done", "failed"), timeout=30000)
    assert job.state == "done", job.error
    dock = window.scores_dock
    assert dock.isVisible() and dock.track_box.currentText() == "Zero-shot labels"
    track = doc.label_tracks[-1]
    assert dock.spin.value() == 0.6 and dock.labels.count() == 3
    calls = fake.audio_calls
    before = len(track)
    steps = doc.history.undo_title
    dock.slider.sliderPressed.emit()
    for v in (70, 80, 95):
        dock.slider.setValue(v)
    dock.slider.sliderReleased.emit()
    assert track.scores.threshold == 0.95 and dock.spin.value() == 0.95
    assert doc.history.undo_title == "Threshold of “Zero-shot labels” to 0.95"
    doc.history.undo()
    assert doc.history.undo_title == steps and len(track) == before and dock.slider.value() == 60
    dock.labels.item(2).setCheckState(Qt.CheckState.Unchecked)          # hide "quiet"
    assert {r.text for r in track} == {"beep", "hiss"} and track.scores.hidden == ("quiet",)
    assert "regions from" in dock.summary.text()
    assert fake.audio_calls == calls                                   # no model run for any of it
    window.resize(1200, 700)
    dock.grab().save(str(tmp_path / "scores.png"))


def test_prompt_sets_fill_the_prompts_and_saved_ones_come_back(window, qtbot):
    from workbench.core.prompt_sets import BUILT_IN, read_sets

    panel = window.understand_panel
    panel.set_values("zeroshot", {})
    box = panel.sets_box
    i = box.findText("Animals")
    assert i > 0
    box.activated.emit(i)
    assert panel.widgets["prompts"].toPlainText() == BUILT_IN["Animals"]
    assert panel.values()["prompts"] == BUILT_IN["Animals"]
    assert panel.save_prompt_set("tram bell\nbus brakes", name="Street")
    assert read_sets()["Street"] == "tram bell\nbus brakes"
    panel.set_values("vad", {})
    panel.set_values("zeroshot", {})                     # the form is built again: the set is there
    j = panel.sets_box.findText("Street")
    assert j > 0
    panel.sets_box.activated.emit(j)
    assert panel.values()["prompts"] == "tram bell\nbus brakes"
