"""A project from elsewhere cannot make the program read (and Save as Bundle copy) any file on
this machine without the user's say-so: audio outside the project's folder is asked about once;
projects this machine saved, and answers already given, are remembered."""
import json
import os
import zipfile

from audio_fixtures import signal, write
from workbench.core import project as P
from workbench.core.audio import open_audio
from workbench.core.document import Document
from workbench.core.trust import trust_file


def foreign_project(tmp_path, names):
    """A manifest written by someone else: in tmp_path/proj, naming ``names`` (relative to it,
    or absolute) as its audio."""
    folder = tmp_path / "proj"
    folder.mkdir(exist_ok=True)
    sources = [{"path": n, "sample_rate": 16000, "channels": 1, "frames": 1600} for n in names]
    tracks = [{"kind": "audio", "name": f"t{k}", "clips": [{"rate": 16000, "channels": 1, "edits": [
        {"source": k, "start": 0, "length": 1600}]}]} for k in range(len(names))]
    path = folder / "from-elsewhere.awproj"
    path.write_text(json.dumps({"format": P.FORMAT, "version": 2, "sources": sources, "tracks": tracks}))
    return path


class Asker:
    def __init__(self, answer):
        self.answer, self.asked = answer, []

    def __call__(self, project, files):
        self.asked.append((project, list(files)))
        return self.answer


def test_audio_outside_the_folder_is_not_read_without_a_yes(tmp_path):
    secret = write(tmp_path / "secret.wav", signal(1600, 1), 16000, "WAV", "PCM_16")
    write(tmp_path / "proj-inside.wav", signal(1600, 1), 16000, "WAV", "PCM_16")
    (tmp_path / "proj").mkdir()
    inside = write(tmp_path / "proj" / "inside.wav", signal(1600, 1), 16000, "WAV", "PCM_16")
    path = foreign_project(tmp_path, ["inside.wav", "../secret.wav"])

    no = Asker(False)
    doc, missing = P.load_project(path, cache_dir=tmp_path / "c", outside=no)
    assert no.asked == [(path, [secret.resolve()])]          # asked once, about that file only
    assert [m["index"] for m in missing] == [1] and missing[0]["declined"]
    assert doc.tracks[0].clips[0].audio.sources[0].path == inside
    # saving a bundle of it does not carry the file the user refused
    bundle = P.save_bundle(doc, tmp_path / "out.awbundle")
    with zipfile.ZipFile(bundle) as z:
        assert not any("secret" in n for n in z.namelist())

    # a no is not remembered: the next open asks again; a yes is, for exactly these files
    yes = Asker(True)
    doc, missing = P.load_project(path, cache_dir=tmp_path / "c", outside=yes)
    assert len(yes.asked) == 1 and missing == []
    again = Asker(False)
    P.load_project(path, cache_dir=tmp_path / "c", outside=again)
    assert again.asked == []


def test_a_changed_list_of_outside_files_asks_again(tmp_path):
    write(tmp_path / "a.wav", signal(1600, 1), 16000, "WAV", "PCM_16")
    write(tmp_path / "b.wav", signal(1600, 1), 16000, "WAV", "PCM_16")
    path = foreign_project(tmp_path, ["../a.wav"])
    P.load_project(path, outside=Asker(True))
    path = foreign_project(tmp_path, ["../a.wav", str(tmp_path / "b.wav")])   # same project, one more
    ask = Asker(True)
    P.load_project(path, outside=ask)
    assert len(ask.asked) == 1 and len(ask.asked[0][1]) == 2


def test_a_link_inside_the_folder_to_a_file_outside_counts_as_outside(tmp_path):
    secret = write(tmp_path / "secret.wav", signal(1600, 1), 16000, "WAV", "PCM_16")
    (tmp_path / "proj").mkdir()
    os.symlink(secret, tmp_path / "proj" / "innocent.wav")
    ask = Asker(False)
    _, missing = P.load_project(foreign_project(tmp_path, ["innocent.wav"]), outside=ask)
    assert ask.asked and ask.asked[0][1] == [secret.resolve()] and len(missing) == 1


def test_projects_this_machine_saved_never_ask(tmp_path):
    (tmp_path / "recordings").mkdir()
    rec = open_audio(write(tmp_path / "recordings" / "r.wav", signal(1600, 1), 16000, "WAV", "PCM_16")).load_all()
    doc = Document()
    doc.add_track(rec)
    (tmp_path / "projects").mkdir()
    path = P.save_project(doc, tmp_path / "projects" / "mine.awproj")
    ask = Asker(False)
    doc2, missing = P.load_project(path, outside=ask)
    assert ask.asked == [] and missing == []


def test_inside_only_never_asks_and_a_damaged_memory_asks_again(tmp_path):
    (tmp_path / "proj").mkdir()
    write(tmp_path / "proj" / "in.wav", signal(1600, 1), 16000, "WAV", "PCM_16")
    ask = Asker(True)
    P.load_project(foreign_project(tmp_path, ["in.wav"]), outside=ask)
    assert ask.asked == []

    write(tmp_path / "out.wav", signal(1600, 1), 16000, "WAV", "PCM_16")
    path = foreign_project(tmp_path, ["../out.wav"])
    P.load_project(path, outside=Asker(True))
    trust_file().write_bytes(b"\x00{not json")
    ask = Asker(True)
    P.load_project(path, outside=ask)
    assert len(ask.asked) == 1
