"""Speakers on the document and in the files: renaming a speaker renames all its turns and lines
in one undo step, transcript lines take the speaker they overlap most, and SRT, WebVTT, TextGrid,
ELAN, CSV, JSON and plain text carry the names."""
import pytest

from workbench.core.document import Document
from workbench.core.speakers import assign_speakers, rename_speaker, speakers
from workbench.formats.labels import read_labels, write_labels
from workbench.formats.region import Region

DIARIZE = (("model", "resemblyzer (bundled)"), ("task", "diarize"))


@pytest.fixture
def doc():
    d = Document()
    turns = [Region(0.0, 4.0, "Speaker 1", origin=DIARIZE), Region(4.0, 9.0, "Speaker 2", origin=DIARIZE),
             Region(9.5, 12.0, "Speaker 1", origin=DIARIZE)]
    lines = [Region(0.2, 3.8, "good morning"), Region(3.9, 8.5, "thanks, shall we start"),
             Region(9.6, 11.5, "yes please"), Region(20.0, 21.0, "after everyone left")]
    d.spk = d.add_label_track("Speakers", turns)
    d.tr = d.add_label_track("Transcript", lines)
    return d


def test_lines_take_the_speaker_they_overlap_most_in_one_undo_step(doc):
    assert assign_speakers(doc, doc.tr.id, doc.spk.id) == 3
    assert [r.speaker for r in doc.tr] == ["Speaker 1", "Speaker 2", "Speaker 1", None]
    assert speakers(doc, doc.tr.id) == ["Speaker 1", "Speaker 2"]
    assert speakers(doc, doc.spk.id) == ["Speaker 1", "Speaker 2"]
    assert doc.history.undo_title == "Assign speakers"
    doc.history.undo()
    assert all(r.speaker is None for r in doc.tr)
    doc.history.redo()
    assert [r.speaker for r in doc.tr][:3] == ["Speaker 1", "Speaker 2", "Speaker 1"]
    assert assign_speakers(doc, doc.tr.id, doc.spk.id) == 0          # nothing left to change


def test_renaming_a_speaker_renames_every_turn_and_line(doc):
    assign_speakers(doc, doc.tr.id, doc.spk.id)
    assert rename_speaker(doc, "Speaker 1", "Ann") == 4          # two turns, two lines
    assert [r.text for r in doc.spk] == ["Ann", "Speaker 2", "Ann"]
    assert [r.speaker for r in doc.tr][:3] == ["Ann", "Speaker 2", "Ann"]
    assert [r.text for r in doc.tr][0] == "good morning"          # the words stay
    assert doc.history.undo_title == "Rename speaker “Speaker 1” to “Ann”"
    doc.history.undo()
    assert [r.text for r in doc.spk] == ["Speaker 1", "Speaker 2", "Speaker 1"]
    assert rename_speaker(doc, "Speaker 2", "  ") == 0 and rename_speaker(doc, "Nobody", "X") == 0


def test_the_names_travel_in_every_format(doc, tmp_path):
    assign_speakers(doc, doc.tr.id, doc.spk.id)
    rename_speaker(doc, "Speaker 2", "Bob")
    tracks = [("Transcript", doc.tr.regions)]
    srt = write_labels(tmp_path / "t.srt", tracks) and (tmp_path / "t.srt").read_text()
    assert "Bob: thanks, shall we start" in srt and "Speaker 1: good morning" in srt
    write_labels(tmp_path / "t.vtt", tracks)
    assert "<v Bob>thanks, shall we start" in (tmp_path / "t.vtt").read_text()
    ((_, back),) = read_labels(tmp_path / "t.vtt")
    assert [(r.speaker, r.text) for r in back][:2] == [("Speaker 1", "good morning"), ("Bob", "thanks, shall we start")]
    write_labels(tmp_path / "t.eaf", tracks)
    eaf = dict(read_labels(tmp_path / "t.eaf"))
    assert [r.text for r in eaf["Transcript - Bob"]] == ["thanks, shall we start"]
    assert {r.speaker for r in eaf["Transcript - Bob"]} == {"Bob"} and "PARTICIPANT=\"Bob\"" in (tmp_path / "t.eaf").read_text()
    assert [r.text for r in eaf["Transcript"]] == ["after everyone left"]       # no speaker: own tier
    write_labels(tmp_path / "t.TextGrid", tracks)
    grid = dict(read_labels(tmp_path / "t.TextGrid"))
    assert set(grid) == {"Transcript", "Transcript - Speaker 1", "Transcript - Bob"}
    praatio = pytest.importorskip("praatio.textgrid")
    assert set(praatio.openTextgrid(str(tmp_path / "t.TextGrid"), False).tierNames) == set(grid)
    for ext in (".csv", ".json", ".transcript.txt"):
        write_labels(tmp_path / f"t{ext}", tracks)
        ((_, back),) = read_labels(tmp_path / f"t{ext}")
        assert [r.speaker for r in back] == ["Speaker 1", "Bob", "Speaker 1", None], ext
        assert [r.text for r in back] == [r.text for r in doc.tr], ext
    text = (tmp_path / "t.transcript.txt").read_text()
    assert text.splitlines()[1] == "[0:00:03.9] Bob: thanks, shall we start"


def test_the_plain_transcript_refuses_what_it_cannot_read(tmp_path):
    from workbench.formats.labels import LabelFormatError

    bad = tmp_path / "x.transcript.txt"
    bad.write_text("[0:00:01.0] fine\nno time here\n")
    with pytest.raises(LabelFormatError, match="line 2"):
        read_labels(bad)
    bad.write_text("[0:00:02.0] Note: a colon inside\n[0:00:01.0] earlier\n")
    ((_, back),) = read_labels(bad)
    assert all(r.end >= r.start for r in back)


def test_a_project_keeps_the_speakers(doc, tmp_path):
    from workbench.core.project import load_project, save_project

    assign_speakers(doc, doc.tr.id, doc.spk.id)
    again, _ = load_project(save_project(doc, tmp_path / "p"))
    tr = next(t for t in again.label_tracks if t.name == "Transcript")
    assert [r.speaker for r in tr] == ["Speaker 1", "Speaker 2", "Speaker 1", None]


def test_typing_over_a_turn_renames_the_speaker_or_moves_that_turn(doc):
    from workbench.core.speakers import edit_turn

    assign_speakers(doc, doc.tr.id, doc.spk.id)
    first, second, third = doc.spk.regions
    edit_turn(doc, doc.spk.id, first.id, "Ann")                    # a new name: everywhere
    assert [r.text for r in doc.spk] == ["Ann", "Speaker 2", "Ann"] and doc.tr.regions[2].speaker == "Ann"
    edit_turn(doc, doc.spk.id, third.id, "Speaker 2")              # a known name: this turn only
    assert [r.text for r in doc.spk] == ["Ann", "Speaker 2", "Speaker 2"]
    edit_turn(doc, doc.tr.id, doc.tr.regions[0].id, "Ann")         # a transcript line: its text
    assert doc.tr.regions[0].text == "Ann" and doc.tr.regions[0].speaker == "Ann"
