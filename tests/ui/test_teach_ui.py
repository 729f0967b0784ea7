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
    choose(panel, "tag")                                # offered at once by the tasks that run it
    assert folder in [panel.model.itemText(i) for i in range(panel.model.count())]
    choose(panel, "train")
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


def test_review_the_least_confident_guesses_then_retrain(window, open_loaded, tmp_path, qtbot):
    """Label the first half, train, tag the second half over time with the model, answer the
    guesses from the keyboard (each answer a label, each one undo step), Retrain."""
    from panels import choose
    from PySide6.QtCore import Qt

    x, regions = calls(3, seconds=40.0)
    sf.write(tmp_path / "long.wav", x, RATE)
    tab = open_loaded(str(tmp_path / "long.wav"))
    doc = tab.document
    calls_track = doc.add_label_track("Calls", [r for r in regions if r.end < 20.0])
    panel = window.understand_panel
    choose(panel, "train")
    panel.widgets["background"].setChecked(True)
    with qtbot.waitSignal(window.job_queue.finished, timeout=60000):
        panel.run.click()
    trainedjob = window.job_queue.jobs[-1]
    assert trainedjob.state == "done", trainedjob.error
    folder = trainedjob.result.models[0].folder
    for box in list(window.messages):
        box.close()
    choose(panel, "tag")
    panel.model.setEditText(folder)
    for name, value in (("window_s", 1.0), ("hop_s", 0.5), ("threshold", 0.0), ("top_k", 1)):
        panel.widgets[name].setValue(value)
    doc.set_selection(20.0, 40.0)
    panel.input.setCurrentIndex(panel.input.findData("selection"))
    with qtbot.waitSignal(window.job_queue.finished, timeout=60000):
        panel.run.click()
    job = window.job_queue.jobs[-1]
    assert job.state == "done", job.error
    dock = window.review_dock
    assert dock.isVisible() and dock.guesses.currentData() == job.track_id
    assert dock.answers.currentData() == calls_track.id
    shown = [dock.list.item(i).text() for i in range(dock.list.count())]
    confidences = [float(s.split()[0]) for s in shown]
    assert len(shown) >= 10 and confidences == sorted(confidences)
    guesses = doc.label_track(job.track_id)
    before = len(calls_track), len(guesses)
    first = dock.current()
    dock.list.setFocus()
    qtbot.keyClick(dock.list, Qt.Key.Key_Space)                 # audition: selected, played
    assert doc.selection == (first.start, first.end)
    qtbot.keyClick(dock.list, Qt.Key.Key_Return)                # right
    assert len(calls_track) == before[0] + 1 and len(guesses) == before[1] - 1
    assert any(r.start == first.start and r.text == first.text and r.confidence is None for r in calls_track)
    assert doc.history.undo_title == f"Accept “{first.text}”"
    second = dock.current()
    qtbot.keyClick(dock.list, Qt.Key.Key_Delete)               # wrong
    assert len(guesses) == before[1] - 2 and not any(r.id == second.id for r in guesses)
    third = dock.current()
    qtbot.keyClicks(dock.list, "c")                             # typing relabels it
    assert dock.text.text() == "c"
    qtbot.keyClicks(dock.text, "hirp")
    qtbot.keyClick(dock.text, Qt.Key.Key_Return)
    assert any(r.start == third.start and r.text == "chirp" for r in calls_track)
    assert doc.history.undo_title == f"Relabel “{third.text}” as “chirp”"
    doc.history.undo()
    assert not any(r.text == "chirp" for r in calls_track) and guesses.get(third.id) is not None
    doc.history.redo()
    # Retrain: the same settings and folder, with the answers; a guess track is never read.  A
    # class of one example is refused in words, and nothing else changes
    assert dock.retrain.isEnabled()
    with qtbot.waitSignal(window.job_queue.finished, timeout=60000):
        dock.retrain.click()
    refused = window.job_queue.jobs[-1]
    assert refused.state == "failed" and "chirp has fewer than two examples" in refused.error
    for box in list(window.messages):
        box.close()
    doc.history.undo()                                          # not chirp after all
    with qtbot.waitSignal(window.job_queue.finished, timeout=60000):
        dock.retrain.click()
    again = window.job_queue.jobs[-1]
    assert again.state == "done", again.error
    assert [name for name, _ in again.labels] == ["Calls"]
    model = again.result.models[0]
    assert model.folder == folder and model.summary["counts"][first.text] == \
        trainedjob.result.models[0].summary["counts"][first.text] + 1


def test_share_from_the_result_view_asks_first_and_uploads_with_the_token(window, open_loaded, tmp_path,
                                                                        qtbot, monkeypatch):
    from huggingface_hub import constants
    from hubmirror import HubMirror
    from panels import choose

    from workbench.ui.dialogs.classifier import ClassifierResult

    x, regions = calls(2)
    sf.write(tmp_path / "a.wav", x, RATE)
    doc = open_loaded(str(tmp_path / "a.wav")).document
    doc.add_label_track("Calls", regions)
    choose(window.understand_panel, "train")
    window.understand_panel.widgets["name"].setText("calls")
    with qtbot.waitSignal(window.job_queue.finished, timeout=60000):
        window.understand_panel.run.click()
    view = next(m for m in window.messages if isinstance(m, ClassifierResult))
    hub = tmp_path / "hub"
    hub.mkdir()
    with HubMirror(hub) as mirror:
        monkeypatch.setattr(constants, "ENDPOINT", mirror.endpoint)
        view.share.click()
        ask = view.share_dialog
        assert ask.private.isChecked() and not list(hub.iterdir())     # nothing goes up unasked
        ask.repo.setText("me/calls")
        ask.token.setText(mirror.token)
        with qtbot.waitSignal(window.job_queue.finished, timeout=60000):
            ask.accept()
        qtbot.waitUntil(lambda: window.status_text.text().startswith("Shared as me/calls"), timeout=5000)
    assert (hub / "me" / "calls" / "README.md").exists() and mirror.private["me/calls"]


def test_epochs_show_only_when_fine_tuning(window, open_loaded, tmp_path):
    from panels import choose

    x, _ = calls(0)
    sf.write(tmp_path / "a.wav", x, RATE)
    open_loaded(str(tmp_path / "a.wav"))
    panel = window.understand_panel
    window.ctx.view.show_dock("understand", True)
    choose(panel, "train")
    form = panel.form
    assert not form.isRowVisible(panel.widgets["epochs"]) and "epochs" not in panel.values()
    assert not form.isRowVisible(panel.channel)          # it reads label tracks: no channel to choose
    panel.widgets["mode"].setCurrentIndex(panel.widgets["mode"].findData("fine-tune"))
    assert form.isRowVisible(panel.widgets["epochs"]) and panel.values()["epochs"] == 10


def test_answers_to_a_new_track_make_it_in_the_first_answer_s_undo_step(window, open_loaded, tmp_path, qtbot):
    """"Answers go to: a new track": the first answer makes the track and its label as one undo
    step (undo takes both away), and the list offers that track once, chosen, for the next."""
    from PySide6.QtCore import Qt

    from workbench.core.regions import Region
    from workbench.ui.review import NEW

    x, _ = calls(4)
    sf.write(tmp_path / "g.wav", x, RATE)
    doc = open_loaded(str(tmp_path / "g.wav")).document
    doc.add_label_track("Guesses", [Region(1.0 + 2 * i, 2.0 + 2 * i, "tone", confidence=0.5 + 0.1 * i)
                                    for i in range(3)])
    dock = window.review_dock
    dock.answers.setCurrentIndex(dock.answers.findData(NEW))
    tracks = len(doc.label_tracks)
    steps = len(list(doc.history.titles))
    dock.list.setFocus()
    qtbot.keyClick(dock.list, Qt.Key.Key_Return)
    made = [t for t in doc.label_tracks if t.name == "Reviewed"]
    assert len(doc.label_tracks) == tracks + 1 and len(made) == 1 and len(made[0]) == 1
    assert len(list(doc.history.titles)) == steps + 1 and doc.history.undo_title == "Accept “tone”"
    names = [dock.answers.itemText(i) for i in range(dock.answers.count())]
    assert names.count("Reviewed") == 1 and dock.answers.currentData() == made[0].id
    qtbot.keyClick(dock.list, Qt.Key.Key_Return)                # the next answer joins it
    assert len(made[0]) == 2 and len(doc.label_tracks) == tracks + 1
    doc.history.undo()
    doc.history.undo()                                          # the first answer and its track
    assert len(doc.label_tracks) == tracks and len(doc.label_track(doc.label_tracks[0].id)) == 3


def _run(window, qtbot, click):
    """Click (Run, Retrain) and wait: the job, done, its result views closed."""
    with qtbot.waitSignal(window.job_queue.finished, timeout=60000):
        click()
    job = window.job_queue.jobs[-1]
    assert job.state == "done", job.error
    for box in list(window.messages):
        box.close()
    return job


def _train_here_classify_there(window, open_loaded, tmp_path, qtbot):
    """Train on “Calls” in home.wav, then Classify each “?” region of away.wav with the
    model (the Review panel then shows its guesses there)."""
    from panels import choose

    x, regions = calls(5)
    sf.write(tmp_path / "home.wav", x, RATE)
    y, truth = calls(6)
    sf.write(tmp_path / "away.wav", y, RATE)
    home = open_loaded(str(tmp_path / "home.wav"))
    home.document.add_label_track("Calls", regions)
    panel = window.understand_panel
    choose(panel, "train")
    first = _run(window, qtbot, panel.run.click)
    folder = first.result.models[0].folder
    away = open_loaded(str(tmp_path / "away.wav"))
    unknown = away.document.add_label_track("Unknown", [r.with_(text="?") for r in truth])
    choose(panel, "classify")
    panel.model.setEditText(folder)
    panel.input.setCurrentIndex(panel.input.findData(f"regions:{unknown.id}"))
    _run(window, qtbot, panel.run.click)
    return home, away, first, len(truth)


def _answer(dock, qtbot, count: int) -> None:
    from PySide6.QtCore import Qt

    dock.list.setFocus()
    for _ in range(count):
        qtbot.keyClick(dock.list, Qt.Key.Key_Return)


def test_retrain_reads_answers_given_in_another_open_project(window, open_loaded, tmp_path, qtbot):
    """Train in one project, run the model over a second recording in another tab, answer its
    guesses there: Retrain (from either tab) reads the first project's labels and the second's
    answers, each with its own audio."""
    from workbench.ui.review import NEW

    home_tab, away_tab, first, guessed = _train_here_classify_there(window, open_loaded, tmp_path, qtbot)
    home, away, folder = home_tab.document, away_tab.document, first.result.models[0].folder
    dock = window.review_dock
    assert dock.doc is away and dock.list.count() == guessed
    assert dock.retrain.isEnabled()                 # trained in the other tab: Retrain is offered here
    assert dock.answers.currentData() == NEW         # not the “?” track it classified
    _answer(dock, qtbot, 3)
    reviewed = away.label_track(dock.answers.currentData())
    assert len(reviewed) == 3
    assert "3 labels to learn from here" in dock.summary.text()     # the answers: not the “?” regions
    again = _run(window, qtbot, dock.retrain.click)
    before, after = first.result.models[0].summary, again.result.models[0].summary
    assert again.result.models[0].folder == folder
    assert after["examples"] == before["examples"] + 3 and after["recordings"] == 2
    # from the first tab, the answers in the second are still read
    third = _run(window, qtbot, lambda: window.ctx.tasks.retrain(home))
    assert third.result.models[0].summary["examples"] == after["examples"]


def test_retrain_after_the_projects_close_reads_the_saved_files(window, open_loaded, tmp_path, qtbot):
    """Train in a project, answer guesses in another, save and close both (or quit): Retrain
    from either, reopened alone, reads the other's labels from its project file."""
    files = window.ctx.files
    home_tab, away_tab, first, _ = _train_here_classify_there(window, open_loaded, tmp_path, qtbot)
    folder = first.result.models[0].folder
    assert files.save_as(home_tab, tmp_path / "home.awproj")   # saved after training: still its home
    dock = window.review_dock
    _answer(dock, qtbot, 3)
    assert files.save_as(away_tab, tmp_path / "away.awproj")   # answered, saved, never retrained
    while window.tabs.count():
        assert files.close_tab(0)

    away = files.open_project(tmp_path / "away.awproj").document
    assert dock.doc is away and dock.retrain.isEnabled()       # remembered, not only while open
    again = _run(window, qtbot, dock.retrain.click)
    before, after = first.result.models[0].summary, again.result.models[0].summary
    assert again.result.models[0].folder == folder
    assert after["examples"] == before["examples"] + 3 and after["recordings"] == 2
    assert files.close_tab(0)

    home = files.open_project(tmp_path / "home.awproj").document
    assert dock.doc is home and dock.retrain.isEnabled()
    third = _run(window, qtbot, lambda: window.ctx.tasks.retrain(home))
    assert third.result.models[0].summary["examples"] == after["examples"]
    assert third.result.models[0].summary["recordings"] == 2
