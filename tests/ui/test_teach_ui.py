"""Teach in the window (issue 28): label regions, Train from the Understand panel, see the
scores and the confusion matrix, Use in Classify on another recording."""
import sys
from pathlib import Path

import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasks"))
from test_teach import RATE, calls  # noqa: E402


def test_train_from_labels_then_classify_another_recording(window, open_loaded, tmp_path, qtbot):
    from panels import choose

    from workbench.ui.dialogs.classifier import ClassifierResult

    x, regions = calls(1)
    sf.write(tmp_path / "first.wav", x, RATE)
    y, truth = calls(7)
    sf.write(tmp_path / "second.wav", y, RATE)
    tab = open_loaded(str(tmp_path / "first.wav"))
    doc = tab.document
    doc.add_label_track("Calls", regions)
    panel = window.understand_panel
    window.ctx.view.show_dock("understand", True)
    choose(panel, "train")
    assert [panel.input.itemText(i) for i in range(panel.input.count())] == ["Every label track",
                                                                            "Label track “Calls”"]
    counts = panel.label_counts.text()
    assert counts.startswith("Labels: ") and "tone ×" in counts and "noise ×" in counts
    doc.add_label_track("More", [regions[0].with_(text="tone")])      # the counts follow the labels
    assert panel.label_counts.text() != counts
    doc.history.undo()
    panel.widgets["name"].setText("calls")
    panel.widgets["background"].setChecked(True)
    steps = list(doc.history.titles)
    with qtbot.waitSignal(window.job_queue.finished, timeout=60000):
        panel.run.click()
    job = window.job_queue.jobs[-1]
    assert job.state == "done", job.error
    assert list(doc.history.titles) == steps          # training changes nothing in the project
    view = next(m for m in window.messages if isinstance(m, ClassifierResult))
    assert view.table.rowCount() == 3 and view.matrix.labels == ["background", "noise", "tone"]
    assert sum(map(sum, view.matrix.matrix)) == job.result.models[0].summary["held_out"]
    picture = view.matrix.grab()
    assert picture.width() > 100 and not picture.toImage().isNull()
    folder = job.result.models[0].folder
    view.use.click()
    assert panel.current_spec().id == "classify" and panel.model.currentText() == folder
    second = open_loaded(str(tmp_path / "second.wav"))
    track = second.document.add_label_track("Unknown", [r.with_(text="?") for r in truth])
    panel.input.setCurrentIndex(panel.input.findData(f"regions:{track.id}"))
    with qtbot.waitSignal(window.job_queue.finished, timeout=60000):
        panel.run.click()
    job = window.job_queue.jobs[-1]
    assert job.state == "done", job.error
    said = [r.text for r in second.document.label_track(job.track_id)]
    right = sum(a == b.text for a, b in zip(said, truth))
    assert right >= 0.9 * len(truth), (said, [r.text for r in truth])
