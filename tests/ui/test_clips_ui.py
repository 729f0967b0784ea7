"""Clips in the window, with real mouse events: drag a clip across tracks by its name bar, trim
an edge, split with Ctrl+I, delete a selected clip, drop a file onto a track position."""
import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from audio_fixtures import signal, write
from conftest import click, drag, lane_point
from workbench.core.audio import open_audio


@pytest.fixture
def two_tracks(window, open_loaded, tmp_path):
    """A (2 s, 48 kHz stereo) and, on a second track, B (1 s, 22.05 kHz mono) at 3.0 s."""
    a = write(tmp_path / "a.wav", signal(96000, 2, seed=1) * 0.5, 48000, "WAV", "PCM_16")
    b = write(tmp_path / "b.wav", signal(22050, 1, seed=2) * 0.5, 22050, "WAV", "PCM_16")
    tab = open_loaded(a)
    tab.document.add_track(open_audio(b).load_all(), offset=3.0, undoable=True)
    tab.timeline.set_view(0.0, 5.0)
    return tab


def bar_point(lane, t):
    """A point on the name bar of ``lane`` (its top 16 px) at time t."""
    p = lane_point(lane, t)
    top = lane.scene().views()[0].mapFromScene(lane.sceneBoundingRect().topLeft()).y()
    return QPoint(p.x(), top + 8)


def first_lane(tab, track):
    return next(lane for lane in tab.timeline.lanes if lane.track is track)


def test_drag_a_clip_by_its_name_bar_onto_another_track(window, two_tracks, qtbot):
    tab = two_tracks
    doc = tab.document
    ta, tb = doc.tracks
    (clip,) = tb.clips
    steps = len(doc.history.titles)
    viewport = tab.timeline.graphics.viewport()
    drag(viewport, bar_point(first_lane(tab, tb), 3.5), lane_point(first_lane(tab, ta), 2.75), steps=10)
    assert tb.clips == () and [c.id for c in ta.clips][-1] == clip.id
    moved = ta.clip(clip.id)
    assert moved.start == pytest.approx(2.25, abs=0.03)
    assert len(doc.history.titles) == steps + 1 and doc.history.undo_title.startswith("Move clip")
    # what plays moved with it: the 22.05 kHz clip now sounds at 2.25 s on A's track
    assert np.abs(doc.mix().read(int(moved.start * 48000) + 100, int(moved.start * 48000) + 4800)).max() > 0.05
    doc.history.undo()
    assert tb.clips[0].start == 3.0 and len(ta.clips) == 1


def test_a_drag_onto_another_clip_is_refused_with_a_message(window, two_tracks, qtbot):
    tab = two_tracks
    ta, tb = tab.document.tracks
    viewport = tab.timeline.graphics.viewport()
    drag(viewport, bar_point(first_lane(tab, tb), 3.5), lane_point(first_lane(tab, ta), 1.0), steps=10)
    assert tb.clips[0].start == 3.0 and len(ta.clips) == 1
    assert "would overlap" in window.status_text.text()


def test_trim_split_and_delete_a_clip(window, two_tracks, qtbot):
    tab = two_tracks
    doc = tab.document
    ta, tb = doc.tracks
    viewport = tab.timeline.graphics.viewport()
    spp = 5.0 / first_lane(tab, tb).plot_width()
    # the right end of B's bar, dragged left: the clip ends earlier, one undo step
    drag(viewport, bar_point(first_lane(tab, tb), 4.0 - 2 * spp), lane_point(first_lane(tab, tb), 3.6),
         steps=10)
    assert tb.clips[0].end == pytest.approx(3.6, abs=0.03) and tb.clips[0].trim_end > 0
    assert doc.history.undo_title.startswith("Trim clip")
    # Ctrl+I at the cursor splits A's clip
    doc.set_cursor(1.0)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert [round(c.end, 3) for c in ta.clips] == [1.0, 2.0]
    # click the second half's name bar: it is selected; Delete removes it
    click(viewport, bar_point(first_lane(tab, ta), 1.5))
    assert doc.selected_clip == ta.clips[1].id and doc.selection == (1.0, 2.0)
    qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert len(ta.clips) == 1 and ta.end == pytest.approx(1.0)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(ta.clips) == 2


def test_mute_and_solo_change_what_plays(window, two_tracks):
    doc = two_tracks.document
    ta, tb = doc.tracks
    at_b = doc.mix().read(3 * 48000, 3 * 48000 + 4800)
    doc.set_track(ta.id, solo=True)
    assert not doc.mix().read(3 * 48000, 3 * 48000 + 4800).any()      # only A sounds
    doc.set_track(ta.id, solo=False)
    doc.set_track(tb.id, mute=True)
    assert not doc.mix().read(3 * 48000, 3 * 48000 + 4800).any()
    doc.history.undo()
    np.testing.assert_array_equal(doc.mix().read(3 * 48000, 3 * 48000 + 4800), at_b)


def test_a_file_dropped_on_a_track_lands_there(window, two_tracks, tmp_path, qtbot):
    tab = two_tracks
    doc = tab.document
    ta, tb = doc.tracks
    c = write(tmp_path / "c.wav", signal(24000, 1, seed=3) * 0.5, 48000, "WAV", "PCM_16")
    viewport = tab.timeline.graphics.viewport()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(c))])
    # Qt delivers drops only during a real drag (a window system's), so the timeline's handler
    # is called as the window would call it, at the widget position of B's lane at 1.0 s
    pos = viewport.mapTo(tab.timeline, lane_point(first_lane(tab, tb), 1.0))
    ev = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                    Qt.KeyboardModifier.NoModifier)
    assert tab.timeline.acceptDrops() and not viewport.acceptDrops()   # drops reach the timeline
    tab.timeline.dropEvent(ev)
    qtbot.waitUntil(lambda: len(tb.clips) == 2 and all(s.loaded for s in tb.sources), timeout=5000)
    new = tb.clips[0]
    assert new.name == "c.wav" and new.start == pytest.approx(1.0, abs=0.02)
    assert doc.history.undo_title == "Import audio “c.wav”"


def test_track_headers_mute_solo_gain_pan_rename_move_remove(window, two_tracks, qtbot):
    tab = two_tracks
    doc = tab.document
    ta, tb = doc.tracks
    headers = tab.timeline.headers.headers
    hb = headers[tb.id]
    qtbot.waitUntil(lambda: hb.isVisible() and hb.height() > 40)
    # beside its own lanes: B's header starts where B's first lane does
    lane_top = tab.timeline.graphics.viewport().mapToGlobal(tab.timeline.graphics.mapFromScene(
        first_lane(tab, tb).sceneBoundingRect().topLeft())).y()
    assert abs(hb.mapToGlobal(hb.rect().topLeft()).y() - lane_top) <= 2
    qtbot.mouseClick(hb.mute, Qt.MouseButton.LeftButton)
    assert tb.mute and doc.history.undo_title.startswith("Set mute")
    qtbot.mouseClick(hb.solo, Qt.MouseButton.LeftButton)
    assert tb.solo
    doc.history.undo()
    doc.history.undo()
    assert not tb.mute and not hb.mute.isChecked()              # undo moves the controls back
    steps = doc.history.index
    hb.gain.sliderPressed.emit()
    for v in (-1, -3, -6):                                      # one drag: one undo step
        hb.gain.setValue(v)
    hb.gain.sliderReleased.emit()
    assert tb.gain == pytest.approx(10 ** (-6 / 20)) and doc.history.index == steps + 1
    assert hb.gain_label.text() == "-6 dB"
    hb.pan.setValue(-50)
    assert tb.pan == -0.5 and hb.pan_label.text() == "50 L"
    hb.name.setText("Birds")
    hb.name.editingFinished.emit()
    assert tb.name == "Birds"
    qtbot.mouseClick(hb.up, Qt.MouseButton.LeftButton)
    assert [t.name for t in doc.tracks] == ["Birds", "a.wav"]
    qtbot.mouseClick(tab.timeline.headers.headers[tb.id].remove, Qt.MouseButton.LeftButton)
    assert [t.name for t in doc.tracks] == ["a.wav"]
    doc.history.undo()
    assert [t.name for t in doc.tracks] == ["Birds", "a.wav"]


def test_a_drag_over_some_tracks_selects_just_those(window, two_tracks, tmp_path, qtbot):
    tab = two_tracks
    doc = tab.document
    c = write(tmp_path / "c.wav", signal(48000 * 5, 1, seed=4) * 0.5, 48000, "WAV", "PCM_16")
    tc = doc.add_track(open_audio(c).load_all(), undoable=True)
    ta, tb = doc.tracks[:2]
    viewport = tab.timeline.graphics.viewport()
    qtbot.wait(50)
    drag(viewport, lane_point(first_lane(tab, ta), 0.5), lane_point(first_lane(tab, tb), 1.5))
    assert doc.selection == (pytest.approx(0.5, abs=0.03), pytest.approx(1.5, abs=0.03))
    assert doc.selected_tracks == {ta.id, tb.id}
    assert [lane.selection_shown for lane in tab.timeline.lanes if lane.track is tc] == [False, False]
    c_audio = tc.reader(48000).read(0, 48000 * 5)
    doc.delete_audio()
    np.testing.assert_array_equal(tc.reader(48000).read(0, 48000 * 5), c_audio)   # C untouched
    assert ta.end == pytest.approx(1.0, abs=0.03)
    # a drag within one track, Edit All Tracks on: the time range of every track
    doc.history.undo()
    drag(viewport, lane_point(first_lane(tab, ta), 0.2), lane_point(first_lane(tab, ta), 0.4))
    assert doc.selected_tracks is None and len(doc.edit_tracks) == 3
    click(viewport, lane_point(first_lane(tab, ta), 1.0))
    assert doc.selection is None and doc.selected_tracks is None
