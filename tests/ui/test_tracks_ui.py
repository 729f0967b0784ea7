"""Several audio tracks: import (undoable), edit all or the clicked one, play and export the mix."""
import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import audio_of, chirp, played_part, signal, write
from conftest import click, lane_point


@pytest.fixture
def two(window, open_loaded, tmp_path, qtbot):
    tab = open_loaded(write(tmp_path / "a.wav", signal(48000 * 2, 2, seed=1), 48000, "WAV", "FLOAT"))
    window.ctx.edits.import_audio(str(write(tmp_path / "b.wav", signal(48000 * 3, 1, seed=2), 48000, "WAV", "FLOAT")))
    qtbot.waitUntil(lambda: tab.worker is None, timeout=10000)
    return tab


def test_import_adds_a_track_and_undo_takes_it_out(window, two):
    doc = two.document
    assert [t.name for t in doc.tracks] == ["a.wav", "b.wav"]
    assert doc.duration == pytest.approx(3.0)
    assert [lane.kind for lane in two.timeline.lanes] == ["wave", "wave", "spec", "wave", "spec"]
    doc.history.undo()
    assert [t.name for t in doc.tracks] == ["a.wav"]


def test_edits_on_all_tracks_or_the_clicked_one(window, two, qtbot):
    doc = two.document
    a, b = doc.tracks
    doc.set_selection(0.5, 1.0)
    window.ctx.edits.silence_audio()
    assert np.all(audio_of(a).read(24000, 48000) == 0) and np.all(audio_of(b).read(24000, 48000) == 0)
    doc.history.undo()
    window.actions_by_id["select.all_tracks"].trigger()            # off: the clicked track only
    b_lane = next(lane for lane in two.timeline.lanes if lane.kind == "wave" and lane.track is b)
    click(two.timeline.graphics.viewport(), lane_point(b_lane, 1.5))
    assert doc.focused_track is b and b_lane.name.startswith("▶")
    doc.set_selection(0.5, 1.0)
    window.ctx.edits.silence_audio()
    assert np.all(audio_of(b).read(24000, 48000) == 0)
    assert np.abs(audio_of(a).read(24000, 48000)).max() > 0.1


def test_mixdown_plays_and_exports(window, open_loaded, tmp_path, qtbot, recorder):
    rate = 48000
    x = (0.3 * chirp(rate, rate, 300, 2000)).astype(np.float32)
    tab = open_loaded(write(tmp_path / "x.wav", np.stack([x, x], 1), rate, "WAV", "FLOAT"))
    y = (0.3 * chirp(rate, rate, 2000, 300)).astype(np.float32)
    window.ctx.edits.import_audio(str(write(tmp_path / "y.wav", y[:, None], rate, "WAV", "FLOAT")))
    qtbot.waitUntil(lambda: tab.worker is None, timeout=10000)
    mix = np.stack([x + y, x + y], 1)
    worker = window.ctx.files.export_audio(str(tmp_path / "mix.wav"), subtype="FLOAT")
    qtbot.waitUntil(worker.isFinished, timeout=10000)
    got, _ = sf.read(tmp_path / "mix.wav", dtype="float32")
    np.testing.assert_allclose(got, mix, atol=1e-6)
    rec = recorder()
    window.ctx.view.play()
    qtbot.waitUntil(lambda: not window.playback.playing, timeout=10000)
    heard, sent = played_part(rec.stop(), mix)
    np.testing.assert_allclose(heard, sent, atol=1e-5)


def test_project_with_two_tracks_reopens(window, two, tmp_path):
    window.ctx.files.save_as(path=tmp_path / "two.awproj")
    window.ctx.files.close_current()
    again = window.ctx.files.open_file(tmp_path / "two.awproj")
    assert [t.name for t in again.document.tracks] == ["a.wav", "b.wav"]


def test_drag_a_header_to_reorder_tracks(window, two, tmp_path, qtbot):
    """Drag the last track's header (by its background) above the first: a line shows where it
    lands; the drop is one undo step; a drag that ends where it began changes nothing."""
    from PySide6.QtCore import QPoint

    from conftest import drag

    window.ctx.edits.import_audio(str(write(tmp_path / "c.wav", signal(48000, 1, seed=3), 48000, "WAV", "FLOAT")))
    qtbot.waitUntil(lambda: two.worker is None, timeout=10000)
    doc, column = two.document, two.timeline.headers
    qtbot.waitUntil(lambda: len(column.spans) == 3, timeout=5000)
    a, b, c = doc.tracks
    header = column.headers[c.id]
    grab = next(QPoint(x, y) for y in range(4, header.height() - 4, 3) for x in range(4, header.width() - 4, 3)
                if header.childAt(QPoint(x, y)) is None)       # the background, not a control
    top_of_a = column.spans[a.id][0]
    target = header.mapFromParent(QPoint(grab.x(), top_of_a + 2))
    seen = []
    qtbot.waitUntil(lambda: header.isVisible(), timeout=2000)
    from conftest import send_mouse

    send_mouse(header, "press", grab)
    for step in range(1, 9):
        qtbot.wait(20)
        y = grab.y() + (target.y() - grab.y()) * step // 8
        send_mouse(header, "move", QPoint(grab.x(), y))
        seen.append(column.marker.isVisible())
    send_mouse(header, "release", target)
    assert seen[-1] and not column.marker.isVisible()
    assert [t.name for t in doc.tracks] == ["c.wav", "a.wav", "b.wav"]
    assert doc.history.undo_title == "Move track “c.wav”"
    doc.history.undo()
    assert [t.name for t in doc.tracks] == ["a.wav", "b.wav", "c.wav"]
    qtbot.waitUntil(lambda: column.headers.get(b.id) is not None and column.headers[b.id].isVisible(),
                    timeout=2000)
    steps = len(doc.history.titles)
    drag(column.headers[b.id], grab, grab + QPoint(0, 2))     # too short to be a drag
    assert [t.name for t in doc.tracks] == ["a.wav", "b.wav", "c.wav"] and len(doc.history.titles) == steps


def test_an_import_that_fails_while_the_user_edits_takes_back_only_itself(window, open_loaded, tmp_path,
                                                                          qtbot, monkeypatch):
    """Edit while a file decodes, then the decode fails: the import goes, the edit stays (it used
    to be "undo whatever is on top", which undid the user's edit and left the broken track)."""
    import threading

    from workbench.core.audio import DecodedSource

    tab = open_loaded(write(tmp_path / "a.wav", signal(48000 * 2, 2, seed=1), 48000, "WAV", "FLOAT"))
    doc = tab.document
    flac = write(tmp_path / "slow.flac", signal(48000 * 3, 1, seed=2), 48000, "FLAC", "PCM_16")
    go_on = threading.Event()
    real = DecodedSource.load

    def slow_then_broken(self, cancelled=lambda: False):
        if self.path.name != "slow.flac":
            return (yield from real(self, cancelled))
        yield 0.1
        go_on.wait(10)
        raise OSError("the disk went away")

    monkeypatch.setattr(DecodedSource, "load", slow_then_broken)
    window.ctx.edits.import_audio(str(flac))
    assert [t.name for t in doc.tracks] == ["a.wav", "slow.flac"] and tab.worker is not None
    labels = doc.add_label_track("Marks")                    # the user works on meanwhile
    doc.add_region(labels.id, 0.5, 1.0, "keep me")
    doc.set_track(doc.tracks[0].id, name="Interview")
    go_on.set()
    qtbot.waitUntil(lambda: tab.worker is None, timeout=10000)
    assert [t.name for t in doc.tracks] == ["Interview"]
    assert [r.text for r in doc.label_track(labels.id).regions] == ["keep me"]
    assert doc.history.titles == ["Add label track “Marks”", "Add label", "Set name of “a.wav”"]
    assert all(getattr(lane, "track", None) in (None, *doc.track_list) for lane in tab.timeline.lanes)


def test_adding_removing_or_moving_a_track_keeps_the_other_tracks_lanes(window, two, qtbot, tmp_path):
    """The evented track list: a structural change lays the lanes out again but keeps every
    lane of the other tracks, with its spectrogram tiles and drawn images (it made them all
    again, twice after a task: once for the new label track, once for the audio)."""
    doc, timeline = two.document, two.timeline
    a, b = doc.tracks
    before = {(lane.kind, lane.track.id, getattr(lane, "channel", 0)): lane for lane in timeline.lanes}
    tiles = {k: lane.tiles for k, lane in before.items() if k[0] == "spec"}

    def kept(*made_again):
        now = {(lane.kind, lane.track.id, getattr(lane, "channel", 0)): lane for lane in timeline.lanes}
        here = {t.id for t in doc.track_list} - {t.id for t in made_again}
        return all(now.get(k) is lane for k, lane in before.items() if k[1] in here)

    labels = doc.add_label_track("Marks")                   # add
    assert kept() and timeline.lanes[-1].kind == "labels" and timeline.lanes[-1].track is labels
    assert all(lane.tiles is tiles[k] and not lane.tiles.closed for k, lane in before.items() if k[0] == "spec")
    doc.move_track(b.id, 0)                                 # move
    assert kept() and list(dict.fromkeys(lane.track for lane in timeline.lanes)) == [b, a, labels]
    doc.remove_track(b.id)                                  # remove: its lanes go, its tiles stop
    assert kept() and all(lane.track is not b for lane in timeline.lanes)
    assert tiles[("spec", b.id, -1)].closed
    doc.history.undo()                                      # back: new lanes for it, the rest kept
    assert kept(b) and any(lane.track is b for lane in timeline.lanes)
    old_a = [lane for lane in timeline.lanes if lane.track is a]
    timeline.set_mode("waveform")
    assert all(lane not in timeline.lanes for lane in old_a if lane.kind == "spec")   # a new mode: made anew
