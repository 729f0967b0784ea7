"""A failed import is taken back by its own step (History.withdraw), never by "undo whatever is on
top": the user keeps editing while a file decodes, and those edits survive the failure (issue 27)."""
import pytest

from audio_fixtures import signal, write
from workbench.core.audio import open_audio
from workbench.core.document import Document
from workbench.core.edits import EditedAudio
from workbench.core.timeline import Clip

SR = 8000


@pytest.fixture
def files(tmp_path):
    paths = [write(tmp_path / f"{k}.wav", signal(SR * 2, 1, seed=k), SR, "WAV", "FLOAT") for k in range(3)]
    sources = [open_audio(p).load_all() for p in paths]
    yield sources
    for s in sources:
        s.close()


def names(doc):
    return [t.name for t in doc.track_list]


def test_an_import_withdrawn_leaves_the_edits_made_after_it(files):
    doc = Document()
    first = doc.add_track(files[0])
    doc.add_track(files[1], name="imported", undoable=True)
    step = doc.history.top_id
    # while it decodes, the user works on
    labels = doc.add_label_track("Birds")
    doc.add_region(labels.id, 0.2, 0.6, "wren")
    doc.set_track(first.id, name="Field")
    assert doc.history.withdraw(step)
    assert names(doc) == ["Field", "Birds"]
    assert [r.text for r in labels.regions] == ["wren"]
    assert doc.history.titles == ["Add label track “Birds”", "Add label", f"Set name of “{files[0].path.name}”"]
    # every remaining step still undoes and redoes, and never brings the failed track back
    while doc.history.undo():
        assert "imported" not in names(doc)
    assert names(doc) == [first.name]
    while doc.history.redo():
        assert "imported" not in names(doc)
    assert names(doc) == ["Field", "Birds"]
    assert not doc.history.withdraw(step)       # once only


def test_edits_on_the_failed_track_itself_go_with_it(files):
    doc = Document()
    doc.add_track(files[0])
    track = doc.add_track(files[1], name="imported", undoable=True)
    step = doc.history.top_id
    doc.set_track(track.id, name="renamed while decoding")
    doc.set_track(track.id, gain=0.5)
    labels = doc.add_label_track("Notes")
    doc.history.withdraw(step)
    assert names(doc) == [files[0].path.name, "Notes"]
    assert doc.history.titles == ["Add label track “Notes”"]
    assert doc.history.undo() and names(doc) == [files[0].path.name]
    assert doc.history.redo() and labels in doc.track_list


def test_a_clip_imported_onto_a_track_is_taken_out_and_the_track_s_other_edits_stay(files):
    doc = Document()
    track = doc.add_track(files[0])
    kept = track.clips[0]
    clip = Clip(EditedAudio.of(files[1]), start=5.0, name="late.wav")
    doc.add_clip(track.id, clip, "Import audio “late.wav”")
    step = doc.history.top_id
    assert doc.move_clip(kept.id, 0.5)
    moved = doc.track(track.id).clips
    assert [c.start for c in moved] == [0.5, 5.0]
    doc.history.withdraw(step)
    assert [(c.id, c.start) for c in doc.track(track.id).clips] == [(kept.id, 0.5)]
    assert doc.history.undo()                   # the move undoes, without the withdrawn clip
    assert [(c.id, c.start) for c in doc.track(track.id).clips] == [(kept.id, 0.0)]
    assert not doc.history.can_undo
    assert doc.history.redo()
    assert [(c.id, c.start) for c in doc.track(track.id).clips] == [(kept.id, 0.5)]


def imported(files):
    """A document of one file, and a second imported (undoable), with the import's step id."""
    doc = Document()
    doc.add_track(files[0])
    doc.add_track(files[1], name="imported", undoable=True)
    return doc, doc.history.top_id


def test_an_import_the_user_already_undid_leaves_the_redo_list(files):
    doc, step = imported(files)
    doc.history.undo()
    assert doc.history.redo_title.startswith("Import")
    doc.history.withdraw(step)
    assert not doc.history.can_redo and names(doc) == [files[0].path.name]


def test_withdrawing_a_step_the_saved_file_had_marks_the_document_modified(files):
    doc, step = imported(files)
    doc.history.mark_clean()
    assert not doc.history.modified
    doc.history.withdraw(step)
    assert doc.history.modified


def test_a_step_inside_a_group_is_withdrawn_alone(files):
    doc = Document()
    doc.add_track(files[0])
    from workbench.core.commands import InsertTrack
    from workbench.core.timeline import AudioTrack

    one = AudioTrack("one", [Clip(EditedAudio.of(files[1]))])
    two = AudioTrack("two", [Clip(EditedAudio.of(files[2]))])
    with doc.history.group("Two imports"):
        inner = doc.history.push(InsertTrack(one, 1))
        doc.history.push(InsertTrack(two, 2))
    assert doc.history.top_id not in (0, inner)
    doc.history.withdraw(inner)
    assert names(doc) == [files[0].path.name, "two"]
    assert doc.history.undo() and names(doc) == [files[0].path.name]
