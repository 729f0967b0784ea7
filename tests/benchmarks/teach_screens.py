"""Screenshots of Teach, step by step as a user takes it, to look at:

    xvfb-run -s "-screen 0 1280x720x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python tests/benchmarks/teach_screens.py OUT_DIR [--size 1280 720]

A 40 s recording of tone calls and noise bursts: the first half labelled (a "Calls" track), the
Train form with the label counts, the result view with its confusion matrix, the Sound events
form with the trained folder over the unlabelled second half, the Review panel with its guesses
least confident first, three answers given from the keyboard, and the result after Retrain;
then the Tasks menu, and the model over a second recording in another tab, reviewed there, and
Retrain reading both projects; then both saved and closed, the second reopened alone, and Retrain
reading the first from its project file.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE), str(HERE.parent), str(HERE.parent / "tasks")]


def main() -> int:
    from workspace import screenshot_args

    args, out = screenshot_args(("CONFIG", "CACHE", "DATA"))
    import soundfile as sf
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from panels import choose
    from test_teach import RATE, calls
    from workspace import pump, shooter, working_window

    app = QApplication.instance() or QApplication([])
    from workbench.ui.dialogs.classifier import ClassifierResult

    x, regions = calls(3, seconds=40.0)
    wav = Path(tempfile.mkdtemp()) / "calls.wav"
    sf.write(wav, x, RATE)
    w, tab = working_window(app, args.size, wav)
    shot, shots = shooter(app, w, out, 0.4)
    doc = tab.document
    doc.add_label_track("Calls", [r for r in regions if r.end < 20.0])
    panel = w.understand_panel
    w.ctx.view.show_dock("understand")
    choose(panel, "train")
    panel.widgets["background"].setChecked(True)
    panel.widgets["name"].setText("calls")
    shot("50-teach-1-labels-and-train-form")

    def run() -> object:
        panel.run.click()
        job = w.job_queue.jobs[-1]
        pump(app, until=lambda: job.state not in ("queued", "running"), timeout=300)
        print(job.spec.id, job.state, job.error)
        return job

    job = run()
    view = next(m for m in w.messages if isinstance(m, ClassifierResult))
    shot("50-teach-2-result-view", view)
    shot("50-teach-2-result-over-the-window")
    view.uses[1].click()                        # Use in Sound events
    for name, value in (("window_s", 1.0), ("hop_s", 0.5), ("threshold", 0.0), ("top_k", 1)):
        panel.widgets[name].setValue(value)
    doc.set_selection(20.0, 40.0)
    panel.input.setCurrentIndex(panel.input.findData("selection"))
    shot("50-teach-3-sound-events-with-the-model")
    run()
    shot("50-teach-4-review-panel")
    dock = w.review_dock
    dock.list.setFocus()
    QTest.keyClick(dock.list, Qt.Key.Key_Return)          # right
    QTest.keyClick(dock.list, Qt.Key.Key_Delete)          # wrong
    QTest.keyClicks(dock.list, "n")                       # it is something else
    QTest.keyClicks(dock.text, "oise")
    shot("50-teach-5-relabelling")
    QTest.keyClick(dock.text, Qt.Key.Key_Return)
    shot("50-teach-6-answered")
    def retrain(name: str) -> None:
        for box in list(w.messages):
            box.close()
        dock.retrain.click()
        again = w.job_queue.jobs[-1]
        pump(app, until=lambda: again.state not in ("queued", "running"), timeout=300)
        print(name, again.state, again.error, again.notes[:1])
        view = next((m for m in w.messages if isinstance(m, ClassifierResult)), None)
        if view is not None:
            shot(name, view)

    retrain("50-teach-7-after-retrain")
    # the Tasks menu, open (a popup is a window of its own: the screen is grabbed)
    for box in list(w.messages):
        box.close()
    bar = w.menuBar()
    at = bar.actionGeometry(w.tasks_menu.menuAction()).bottomLeft()
    w.tasks_menu.popup(bar.mapToGlobal(at))
    pump(app, 0.4)
    app.primaryScreen().grabWindow(0).save(str(out / "50-teach-8-tasks-menu.png"))
    shots.append("50-teach-8-tasks-menu.png")
    w.tasks_menu.hide()
    # a second recording in another tab: Classify each "?" region with the model, review there,
    # Retrain with both projects
    y, truth = calls(8)
    second = wav.with_name("second.wav")
    sf.write(second, y, RATE)
    w.ctx.files.open_files([str(second)])
    pump(app, until=lambda: w.current_tab() is not tab and w.current_tab().document.tracks, timeout=60)
    other = w.current_tab().document
    unknown = other.add_label_track("Unknown", [r.with_(text="?") for r in truth])
    choose(panel, "classify")
    panel.model.setEditText(job.result.models[0].folder)
    panel.input.setCurrentIndex(panel.input.findData(f"regions:{unknown.id}"))
    run()
    dock.list.setFocus()
    for _ in range(3):
        QTest.keyClick(dock.list, Qt.Key.Key_Return)
    shot("50-teach-9-review-in-a-second-project")
    retrain("50-teach-10-after-retrain-with-both")
    # the next day: both saved and closed, the second reopened alone, Retrain still offered
    for box in list(w.messages):
        box.close()
    files = w.ctx.files
    saved = {t.document: wav.with_name(f"{Path(t.document.title).stem}.awproj") for t in w.all_tabs()}
    for t in list(w.all_tabs()):
        files.save_as(t, saved[t.document])
    while w.tabs.count():
        files.close_tab(0)
    files.open_project(saved[other])
    pump(app, until=lambda: w.current_tab() is not None and w.current_tab().document.tracks, timeout=60)
    w.ctx.view.show_dock("review", True)
    shot("50-teach-11-reopened-alone-retrain-offered")
    retrain("50-teach-12-after-retrain-from-the-saved-files")
    print("\n".join(shots))
    print(job.notes[:1])
    w.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
