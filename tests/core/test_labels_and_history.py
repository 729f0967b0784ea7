import pytest

from workbench.core.document import Document
from workbench.core.regions import LabelTrack, Region


def test_visible_regions_are_found_in_order():
    track = LabelTrack("t", [Region(i, i + 0.5, str(i)) for i in range(1000)] + [Region(10, 900, "long")])
    vis = track.visible(500.2, 502.1)
    assert [r.text for r in vis] == ["long", "500", "501", "502"]
    assert track.next_after(500.0).text == "501"
    assert track.previous_before(500.0).text == "499"
    assert track.visible(2000, 3000) == []


def test_every_label_change_undoes_and_redoes():
    doc = Document()
    assert not doc.history.modified
    track = doc.add_label_track()
    a = doc.add_region(track.id, 1.0, 2.0, "a")
    doc.add_region(track.id, 3.0, 3.0, "point")
    doc.update_region(track.id, a.id, text="renamed")
    doc.remove_regions(track.id, [a.id])
    doc.rename_label_track(track.id, "Words")
    assert doc.history.titles == ["Add label track “Labels”", "Add label", "Add label",
                                  "Edit label text", "Delete label", "Rename label track to “Words”"]
    assert [r.text for r in track] == ["point"] and track.name == "Words"
    for _ in range(3):  # rename, delete, edit
        doc.history.undo()
    assert [r.text for r in track] == ["a", "point"] and track.name == "Labels"
    for _ in range(3):  # the two additions and the track
        doc.history.undo()
    assert doc.label_tracks == [] and not doc.history.modified and not doc.history.can_undo
    doc.history.go_to(6)
    assert doc.label_tracks == [track] and [r.text for r in track] == ["point"]
    assert doc.history.modified


def test_one_drag_is_one_undo_step():
    doc = Document()
    track = doc.add_label_track()
    r = doc.add_region(track.id, 1.0, 2.0, "x")
    for k in range(1, 20):
        doc.update_region(track.id, r.id, gesture="drag-1", end=2.0 + k * 0.1)
    doc.update_region(track.id, r.id, gesture="drag-2", start=0.5)
    assert track.get(r.id).end == pytest.approx(3.9) and track.get(r.id).start == 0.5
    doc.history.undo()
    assert track.get(r.id).start == 1.0 and track.get(r.id).end == pytest.approx(3.9)
    doc.history.undo()
    assert (track.get(r.id).start, track.get(r.id).end) == (1.0, 2.0)


def test_a_group_is_one_step_and_a_failed_group_changes_nothing():
    doc = Document()
    track = doc.add_label_track()
    with doc.history.group("Transcribe"):
        for i in range(100):
            doc.add_region(track.id, i, i + 0.5, f"w{i}")
    assert len(track) == 100 and doc.history.undo_title == "Transcribe"
    doc.history.undo()
    assert len(track) == 0
    with pytest.raises(RuntimeError):
        with doc.history.group("Broken"):
            doc.add_region(track.id, 1, 2, "partial")
            raise RuntimeError("pipeline failed")
    assert len(track) == 0 and doc.history.undo_title == "Add label track “Labels”"


def test_saved_state_tracks_undo():
    doc = Document()
    track = doc.add_label_track()
    doc.history.mark_clean()
    assert not doc.history.modified
    doc.add_region(track.id, 1, 2)
    assert doc.history.modified
    doc.history.undo()
    assert not doc.history.modified


def test_selecting_a_region_selects_its_time():
    doc = Document()
    track = doc.add_label_track()
    r = doc.add_region(track.id, 1.0, 2.0, "x")
    p = doc.add_region(track.id, 3.0, 3.0, "p")
    doc._clamp = lambda t: t  # no audio in this document
    doc.select_region(track.id, r.id)
    assert doc.selection == (1.0, 2.0) and doc.cursor == 1.0
    doc.select_region(track.id, p.id)
    assert doc.selection is None and doc.cursor == 3.0
    doc.remove_regions(track.id, [p.id])
    assert doc.selected_region is None


def test_signals_tell_views_what_changed():
    doc = Document()
    seen = []
    doc.labels_changed.connect(lambda tid: seen.append(("labels", tid)))
    doc.label_tracks_changed.connect(lambda: seen.append("tracks"))
    track = doc.add_label_track()
    doc.add_region(track.id, 1, 2)
    doc.history.undo()
    assert seen == ["tracks", ("labels", track.id), ("labels", track.id)]


def test_many_regions_at_once_keep_order_and_undo_in_one_step():
    """Bulk insert (one sort) orders like one-by-one inserts: by start, equal starts in the order
    given; adding and undoing 50,000 regions is one step each way."""
    from workbench.core.document import Document
    from workbench.core.regions import LabelTrack, Region

    few = [Region(2.0, 3.0, "b"), Region(1.0, 1.5, "a"), Region(2.0, 2.5, "c")]
    one_by_one = LabelTrack("x")
    for r in few:
        one_by_one._insert(r)
    many = few + [Region(5.0 + k, 5.5 + k, f"r{k}") for k in range(20)]
    bulk = LabelTrack("y", many)
    assert [r.text for r in bulk][:3] == [r.text for r in one_by_one] == ["a", "b", "c"]
    doc = Document()
    track = doc.add_label_track("Big", [])
    regions = [Region(k * 0.01, k * 0.01 + 0.005, str(k)) for k in range(50_000)][::-1]
    doc.add_regions(track.id, regions)
    assert len(track) == 50_000 and track.regions[0].text == "0" and track.visible(1.0, 1.02)
    doc.history.undo()
    assert len(track) == 0
    doc.history.redo()
    assert len(track) == 50_000 and [r.text for r in track.visible(0.0, 0.02)] == ["0", "1", "2"]
