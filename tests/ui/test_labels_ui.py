"""Labels in the window: create, edit, drag, delete, undo, the region list, import and export."""
import pytest
from PySide6.QtCore import Qt

from audio_fixtures import signal, write
from conftest import click, drag, lane_point
from workbench.core.regions import Region


@pytest.fixture
def tab(window, open_loaded, tmp_path):
    return open_loaded(write(tmp_path / "ten.wav", signal(48000 * 10, 2), 48000, "WAV", "PCM_16"))


def label_lane(tab):
    return next(lane for lane in tab.timeline.lanes if lane.kind == "labels")


def test_ctrl_b_labels_the_selection_and_the_editor_names_it(window, tab, qtbot):
    tab.document.set_selection(2.0, 3.0)
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    track = tab.document.label_tracks[0]
    (region,) = track.regions
    assert (region.start, region.end) == (2.0, 3.0)
    editor = tab.timeline.editor
    assert editor.isVisible()
    qtbot.keyClicks(editor, "first words")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert track.regions[0].text == "first words"
    assert not editor.isVisible()
    # one Ctrl+Z removes the text, the next the label (and its new track with it)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert track.regions[0].text == ""
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tab.document.label_tracks == []
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert len(tab.document.label_tracks[0]) == 1


def test_point_label_at_the_cursor(window, tab, qtbot):
    tab.document.set_cursor(4.5)
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(tab.timeline.editor, Qt.Key.Key_Escape)
    (region,) = tab.document.label_tracks[0].regions
    assert region.is_point and region.start == 4.5


def test_drag_on_a_label_lane_makes_a_label_and_edges_drag_as_one_step(window, tab, qtbot):
    doc = tab.document
    doc.add_label_track("Words")
    lane = label_lane(tab)
    view = tab.timeline.graphics.viewport()
    drag(view, lane_point(lane, 1.0), lane_point(lane, 2.0))
    (region,) = doc.label_tracks[0].regions
    assert region.start == pytest.approx(1.0, abs=0.05) and region.end == pytest.approx(2.0, abs=0.05)
    qtbot.keyClick(tab.timeline.editor, Qt.Key.Key_Escape)
    steps = len(doc.history.titles)
    drag(view, lane_point(lane, region.end), lane_point(lane, 3.0), steps=10)   # the end edge
    moved = doc.label_tracks[0].regions[0]
    assert moved.start == pytest.approx(region.start) and moved.end == pytest.approx(3.0, abs=0.05)
    assert len(doc.history.titles) == steps + 1 and doc.history.undo_title == "Resize label"
    drag(view, lane_point(lane, 2.0), lane_point(lane, 5.0), steps=10)          # the body
    body = doc.label_tracks[0].regions[0]
    assert body.start == pytest.approx(moved.start + 3.0, abs=0.05)
    assert body.length == pytest.approx(moved.length, abs=1e-9)
    doc.history.undo()
    doc.history.undo()
    assert doc.label_tracks[0].regions[0].end == pytest.approx(region.end)


def test_click_selects_a_region_and_its_time_and_delete_removes_it(window, tab, qtbot):
    doc = tab.document
    track = doc.add_label_track("Events", [Region(3.0, 4.0, "dog"), Region(6.0, 7.0, "cat")])
    lane = label_lane(tab)
    view = tab.timeline.graphics.viewport()
    click(view, lane_point(lane, 3.5))
    assert doc.selected_region == (track.id, track.regions[0].id)
    assert doc.selection == (3.0, 4.0)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert doc.selection == (6.0, 7.0)
    qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert [r.text for r in track] == ["dog"]
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [r.text for r in track] == ["dog", "cat"]


def test_double_click_edits_text(window, tab, qtbot):
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    doc = tab.document
    track = doc.add_label_track("Events", [Region(3.0, 4.0, "dog")])
    lane = label_lane(tab)
    view = tab.timeline.graphics.viewport()
    pos = QPointF(lane_point(lane, 3.5))
    glob = QPointF(view.mapToGlobal(pos.toPoint()))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    mods = Qt.KeyboardModifier.NoModifier
    for kind, buttons in ((QEvent.Type.MouseButtonPress, left), (QEvent.Type.MouseButtonRelease, none),
                          (QEvent.Type.MouseButtonDblClick, left), (QEvent.Type.MouseButtonRelease, none)):
        QApplication.sendEvent(view, QMouseEvent(kind, pos, glob, left, buttons, mods))
    editor = tab.timeline.editor
    qtbot.waitUntil(editor.isVisible, timeout=2000)
    assert editor.text() == "dog"
    editor.setText("barking dog")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert track.regions[0].text == "barking dog"


def test_region_list_sorts_filters_and_jumps(window, tab, qtbot):
    doc = tab.document
    doc.add_label_track("A", [Region(5.0, 5.5, "zebra", confidence=0.2), Region(1.0, 3.0, "apple", confidence=0.9)])
    doc.add_label_track("B", [Region(8.0, 8.1, "mango", confidence=0.5)])
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dock = window.regions_dock
    assert dock.isVisible()
    texts = lambda: [dock.model.index(i, 4).data() for i in range(dock.model.rowCount())]  # noqa: E731
    assert texts() == ["apple", "zebra", "mango"]          # by time
    dock.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    assert texts() == ["apple", "mango", "zebra"]          # by confidence
    dock.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert texts() == ["mango", "zebra", "apple"]          # by length
    dock.search.setText("AN")
    assert texts() == ["mango"]
    dock._clicked(dock.model.index(0, 0))
    assert doc.selection == pytest.approx((8.0, 8.1))
    t0, t1 = tab.timeline.view_range()
    assert t0 <= 8.0 and 8.1 <= t1
    # editing text in the list is the same command as on the timeline
    dock.model.setData(dock.model.index(0, 4), "papaya")
    assert doc.label_tracks[1].regions[0].text == "papaya" and doc.history.undo_title == "Edit label text"
    # and selecting on the timeline selects the row
    dock.search.clear()
    doc.select_region(doc.label_tracks[0].id, doc.label_tracks[0].regions[1].id)
    rows = dock.table.selectionModel().selectedRows()
    assert rows and dock.model.index(rows[0].row(), 4).data() == "zebra"


def test_history_dock_goes_back_to_any_step(window, tab, qtbot):
    doc = tab.document
    track = doc.add_label_track()
    for i in range(3):
        doc.add_region(track.id, i, i + 0.5, f"r{i}")
    window.ctx.view.show_dock("history", True)
    dock = window.history_dock
    assert dock.list.count() == 5 and dock.list.currentRow() == 4
    dock._clicked(dock.list.item(2))
    assert [r.text for r in track] == ["r0"]
    assert window.actions_by_id["edit.redo"].text() == "&Redo Add label"


def test_import_and_export_labels(window, tab, tmp_path):
    doc = tab.document
    src = tmp_path / "in.srt"
    src.write_text("1\n00:00:01,000 --> 00:00:02,000\nhello\n\n2\n00:00:03,000 --> 00:00:04,500\nthere\n")
    window.ctx.edits.import_labels(src)
    assert [t.name for t in doc.label_tracks] == ["Subtitles"]
    assert [r.text for r in doc.label_tracks[0]] == ["hello", "there"]
    assert "Imported 2 labels" in window.status_text.text()
    window.ctx.edits.export_labels(tmp_path / "out.TextGrid")
    from praatio import textgrid

    tg = textgrid.openTextgrid(str(tmp_path / "out.TextGrid"), includeEmptyIntervals=False)
    assert [e.label for e in tg.getTier("Subtitles").entries] == ["hello", "there"]
    assert tg.maxTimestamp == pytest.approx(10.0)
    doc.history.undo()
    assert doc.label_tracks == []


def test_a_malformed_label_file_is_a_message_and_nothing_is_imported(window, tab, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("1.0\t2.0\tfine\n3.0\toops\tbroken\n")
    window.ctx.edits.import_labels(bad)
    assert tab.document.label_tracks == []
    box = window.messages[-1]
    assert "line 2" in box.text() and "bad.txt" in box.text()


def test_spectral_labels_draw_on_the_spectrogram(window, tab, qtbot):
    doc = tab.document
    doc.add_label_track("Birds", [Region(2.0, 3.0, "chirp", low_hz=2000, high_hz=6000)])
    spec_lane = next(lane for lane in tab.timeline.lanes if lane.kind == "spec")
    assert [r.text for _, r in spec_lane.layer.visible] == ["chirp"]
    tab.timeline.grab()   # paints without error


def test_snap_to_zero_crossings(window, tab, qtbot):
    window.actions_by_id["edit.snap"].trigger()
    tl = tab.timeline
    t = tl.snap(1.23456)
    src = tab.document.tracks[0].sources[0]
    frame = int(round(t * 48000))
    x = src.read(frame - 1, frame + 1)[:, 0]
    assert (x[0] < 0) != (x[1] < 0) and abs(t - 1.23456) < 0.01


def test_transcript_view_reads_seeks_and_edits(window, tab, qtbot):
    doc = tab.document
    t = doc.add_label_track("Transcript", [Region(1.0, 2.0, "hello there"), Region(8.5, 9.5, "late words")])
    window.ctx.view.show_dock("transcript", True)
    dock = window.transcript_dock
    assert dock.track_box.currentText() == "Transcript"
    assert [dock.line(i).text(2) for i in range(dock.lines.topLevelItemCount())] == ["hello there", "late words"]
    assert [dock.line(i).text(0) for i in range(2)] == ["0:00:01.000", "0:00:08.500"]   # each line's start
    tab.timeline.set_view(0, 3)
    dock._clicked(dock.line(1))                        # click-to-seek
    assert doc.selection == (8.5, 9.5) and tab.timeline.view_range()[0] <= 8.5 <= tab.timeline.view_range()[1]
    dock.line(0).setText(2, "hello world")             # an edit is a region edit
    assert t.regions[0].text == "hello world" and doc.history.undo_title == "Edit label text"
    doc.history.undo()
    assert dock.line(0).text(2) == "hello there"


def test_transcript_speakers_assigned_renamed_and_saved_as_text(window, tab, qtbot, tmp_path):
    doc = tab.document
    origin = (("model", "resemblyzer (bundled)"), ("task", "diarize"))
    turns = doc.add_label_track("Speakers", [Region(0.0, 5.0, "Speaker 1", origin=origin),
                                             Region(5.0, 10.0, "Speaker 2", origin=origin)])
    lines = doc.add_label_track("Transcript", [Region(1.0, 2.0, "hello there"), Region(6.0, 7.5, "hi"),
                                               Region(8.0, 9.0, "how are you")])
    window.ctx.view.show_dock("transcript", True)
    dock = window.transcript_dock
    dock.show_track(lines.id)
    assert dock.speakers_box.currentData() == turns.id and dock.assign_button.isEnabled()
    dock.assign_button.click()
    assert [dock.line(i).text(1) for i in range(3)] == ["Speaker 1", "Speaker 2", "Speaker 2"]
    dock.line(1).setText(1, "Bob")                     # renaming one line's speaker renames them all
    assert [r.speaker for r in lines] == ["Speaker 1", "Bob", "Bob"]
    assert [r.text for r in turns] == ["Speaker 1", "Bob"]
    assert doc.history.undo_title.startswith("Rename speaker")
    path = dock.save_text(str(tmp_path / "talk"))
    assert path.endswith("talk.transcript.txt")
    assert open(path).read().splitlines() == ["[0:00:01.0] Speaker 1: hello there", "[0:00:06.0] Bob: hi",
                                             "[0:00:08.0] Bob: how are you"]
    doc.history.undo()
    assert [dock.line(i).text(1) for i in range(3)] == ["Speaker 1", "Speaker 2", "Speaker 2"]
    dock.resize(700, 300)
    dock.grab().save(str(tmp_path / "transcript.png"))


def test_a_table_with_unknown_column_names_asks_which_is_which(window, tab, tmp_path):
    """Issue 26: a CSV whose columns the workbench cannot tell is not imported with empty text;
    the window asks (the dialog is replaced here), and a cancel imports nothing."""
    src = tmp_path / "odd.csv"
    src.write_text("t0,t1,thing\n1,2,dog\n3,4,cat\n")
    asked = []

    def answer(name, header, problem):
        asked.append((name, header))
        return {"start": "t0", "end": "t1", "text": "thing"}

    window.ctx.edits.ask_columns = answer
    window.ctx.edits.import_labels(src)
    assert asked == [("odd.csv", ["t0", "t1", "thing"])]
    assert [r.text for r in tab.document.label_tracks[0]] == ["dog", "cat"]
    tab.document.history.undo()
    window.ctx.edits.ask_columns = lambda *a: {}                # cancelled
    window.ctx.edits.import_labels(src)
    assert tab.document.label_tracks == [] and not window.messages


def test_the_columns_dialog_guesses_and_answers(qtbot):
    from workbench.ui.dialogs.columns import ColumnsDialog

    dialog = ColumnsDialog("odd.csv", ["onset_ms", "offset_ms", "thing"], "which column is the text?")
    qtbot.addWidget(dialog)
    assert dialog.choices() == {"start": "onset_ms", "end": "offset_ms", "text": "thing"}
    dialog.boxes["text"].setCurrentIndex(0)
    assert dialog.choices()["text"] == ""                       # regions without text, said so
