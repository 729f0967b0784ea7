"""Projects reopen exactly; moved folders, missing sources and bundles work; a kill -9 in the
middle of saving leaves the last good project and the recovery file readable."""
import json
import os
import shutil
import signal as sig
import subprocess
import sys
import time

import numpy as np
import pytest

from audio_fixtures import audio_of, signal, write
from workbench.core.audio import open_audio
from workbench.core.document import Document
from workbench.core import project as P
from workbench.core.regions import Region


def make_doc(folder):
    folder.mkdir(parents=True, exist_ok=True)
    src = open_audio(write(folder / "rec.flac", signal(48000 * 3, 2), 48000, "FLAC", "PCM_16"),
                     cache_dir=folder / "cache").load_all()
    doc = Document()
    doc.add_track(src)
    t = doc.add_label_track("Words", [Region(0.5, 1.0, "hi", confidence=0.75, origin=(("task", "asr"),)),
                                      Region(1.5, 1.5, "point"), Region(2.0, 2.5, "bird", low_hz=1000, high_hz=4000)])
    doc.add_label_track("Notes")
    doc.set_selection(1.0, 1.5)
    doc.gain_audio(-6)
    doc.set_selection(0.2, 0.4)
    doc.delete_audio()
    doc.set_cursor(0.7)
    doc.set_selection(0.7, 0.9)
    return doc, t


def snapshot(doc):
    au = audio_of(doc.tracks[0])
    return (au.read(0, au.frames), [(lt.name, [r.to_dict() for r in lt]) for lt in doc.label_tracks],
            doc.cursor, doc.selection)


def test_save_and_reopen_exactly(tmp_path):
    doc, _ = make_doc(tmp_path / "p")
    before = snapshot(doc)
    path = P.save_project(doc, tmp_path / "p" / "session")
    assert path.name == "session.awproj" and not doc.history.modified
    data = json.loads(path.read_text())
    assert data["format"] == "audio-workbench-project" and data["version"] == 2
    assert data["sources"][0]["path"] == "rec.flac"          # relative to the project
    again, missing = P.load_project(path, cache_dir=tmp_path / "c2")
    assert missing == []
    after = snapshot(again)
    np.testing.assert_array_equal(after[0], before[0])
    assert after[1:] == before[1:]
    assert again.title == "session" and not again.history.modified


def test_a_moved_folder_still_opens(tmp_path):
    doc, _ = make_doc(tmp_path / "a")
    P.save_project(doc, tmp_path / "a" / "s.awproj")
    shutil.move(tmp_path / "a", tmp_path / "b")
    again, missing = P.load_project(tmp_path / "b" / "s.awproj", cache_dir=tmp_path / "c")
    assert missing == [] and again.tracks[0].sources[0].path.parent == (tmp_path / "b")


def test_missing_source_opens_the_rest_and_can_be_relinked(tmp_path):
    doc, _ = make_doc(tmp_path / "a")
    before = snapshot(doc)
    path = P.save_project(doc, tmp_path / "a" / "s.awproj")
    moved = tmp_path / "elsewhere.flac"
    shutil.move(tmp_path / "a" / "rec.flac", moved)
    again, missing = P.load_project(path, cache_dir=tmp_path / "c")
    assert [m["path"] for m in missing] == [str(tmp_path / "a" / "rec.flac")]
    assert len(again.label_tracks) == 2 and audio_of(again.tracks[0]).frames == before[0].shape[0]
    assert np.all(audio_of(again.tracks[0]).read(0, 100) == 0)       # silent stand-in
    P.relink(again, missing[0]["source"], moved, cache_dir=tmp_path / "c")
    np.testing.assert_array_equal(snapshot(again)[0], before[0])


def test_relink_refuses_a_different_recording(tmp_path):
    doc, _ = make_doc(tmp_path / "a")
    path = P.save_project(doc, tmp_path / "a" / "s.awproj")
    os.unlink(tmp_path / "a" / "rec.flac")
    other = write(tmp_path / "mono.wav", signal(4800, 1), 16000, "WAV", "PCM_16")
    again, missing = P.load_project(path, cache_dir=tmp_path / "c")
    with pytest.raises(Exception, match="expects 48000 Hz"):
        P.relink(again, missing[0]["source"], other)


def test_bundle_carries_everything(tmp_path):
    doc, _ = make_doc(tmp_path / "a")
    before = snapshot(doc)
    bundle = P.save_bundle(doc, tmp_path / "out" / "take1")
    shutil.rmtree(tmp_path / "a")                                  # "another machine"
    again, missing = P.load_project(bundle, cache_dir=tmp_path / "c")
    assert missing == [] and again.title == "take1"
    np.testing.assert_array_equal(snapshot(again)[0], before[0])
    assert snapshot(again)[1] == before[1]


@pytest.mark.parametrize("content,expect", [
    ("{not json", "damaged"), ('{"format": "something-else"}', "not an Audio Workbench project"),
    ('{"format": "audio-workbench-project", "version": 99}', "newer Audio Workbench"),
])
def test_broken_project_files_say_why(tmp_path, content, expect):
    path = tmp_path / "x.awproj"
    path.write_text(content)
    with pytest.raises(P.ProjectError, match=expect):
        P.load_project(path)


def test_recovery_files(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    doc, _ = make_doc(tmp_path / "a")
    P.write_recovery(doc, "doc1")
    file = tmp_path / "data" / "recovery" / "doc1.json"
    data = json.loads(file.read_text())
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        data["recovery"]["pid"] = other.pid          # another workbench still running owns it
        file.write_text(json.dumps(data))
        assert P.list_recoveries() == []
    finally:
        other.kill()
        other.wait()
    (entry,) = P.list_recoveries()                   # its owner is gone: offered
    again, missing = P.restore_recovery(entry, cache_dir=tmp_path / "c")
    assert snapshot(again)[1] == snapshot(doc)[1]
    P.remove_recovery("doc1")
    assert P.list_recoveries() == []


KILLER = r"""
import sys, json
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + "/tests")
from pathlib import Path
from workbench.core.audio import open_audio
from workbench.core.document import Document
from workbench.core import project as P
from workbench.core.regions import Region
folder = Path(sys.argv[2])
doc = Document()
doc.add_track(open_audio(folder / "rec.wav").load_all())
t = doc.add_label_track("L")
i = 0
while True:
    i += 1
    doc.add_regions(t.id, [Region(k * 0.001, k * 0.001 + 0.0005, f"label {i} {k} " + "x" * 40) for k in range(3000)])
    P.save_project(doc, folder / "p.awproj")
    P.write_recovery(doc, "victim")
    print(i, flush=True)
"""


def test_kill_during_save_leaves_the_last_good_project_and_recovery(tmp_path):
    write(tmp_path / "rec.wav", signal(4800, 1), 48000, "WAV", "PCM_16")
    script = tmp_path / "victim.py"
    script.write_text(KILLER)
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path / "data")}
    root = str(__import__("pathlib").Path(__file__).resolve().parents[2])
    for delay in (0.0, 0.013, 0.031, 0.057, 0.089):
        proc = subprocess.Popen([sys.executable, str(script), root, str(tmp_path)], env=env,
                                stdout=subprocess.PIPE, text=True)
        saved = 0
        while saved < 2:                     # at least one complete save before the kill
            saved = int(proc.stdout.readline())
        time.sleep(delay)
        proc.send_signal(sig.SIGKILL)
        proc.wait()
        data = json.loads((tmp_path / "p.awproj").read_text())       # whole, never half
        n = len([t for t in data["tracks"] if t["kind"] == "labels"][0]["regions"])
        assert n % 3000 == 0 and n >= 3000 * saved
        rec = json.loads((tmp_path / "data" / "recovery" / "victim.json").read_text())
        assert len([t for t in rec["tracks"] if t["kind"] == "labels"][0]["regions"]) % 3000 == 0
        doc, missing = P.load_project(tmp_path / "p.awproj")
        assert missing == [] and len(doc.label_tracks[0]) == n


def test_owned_audio_is_stored_as_flac_beside_the_project(tmp_path):
    """Generated or recorded audio (a source the project owns) travels with the project."""
    data = signal(48000, 1)
    temp = write(tmp_path / "tmp" / "generated-123.wav", data, 48000, "WAV", "PCM_16") \
        if (tmp_path / "tmp").mkdir() is None else None
    src = open_audio(temp).load_all()
    src.owned = True
    doc = Document()
    doc.add_track(src)
    path = P.save_project(doc, tmp_path / "proj" / "gen.awproj")
    stored = tmp_path / "proj" / "gen_audio" / "generated-123.flac"
    assert stored.exists()
    assert json.loads(path.read_text())["sources"][0]["path"] == "gen_audio/generated-123.flac"
    os.unlink(temp)
    again, missing = P.load_project(path, cache_dir=tmp_path / "c")
    assert missing == []
    np.testing.assert_allclose(audio_of(again.tracks[0]).read(0, 48000)[:, 0], data[:, 0], atol=2 ** -15)
    P.save_project(doc, path)                    # saving again does not copy it again
    assert len(list((tmp_path / "proj" / "gen_audio").iterdir())) == 1


def test_saving_keeps_the_files_mode_and_new_files_follow_the_umask(tmp_path):
    """Found by a hostile user: saves turned a 0644 project into 0600 whatever the umask."""
    from workbench.formats import atomic

    target = tmp_path / "p.awproj"
    old = os.umask(0o022)
    try:
        atomic.write_text(target, "{}")
        assert target.stat().st_mode & 0o777 == 0o644            # new: what the umask gives
        os.chmod(target, 0o640)
        atomic.write_text(target, "{} ")
        assert target.stat().st_mode & 0o777 == 0o640            # existing: its own mode stays
    finally:
        os.umask(old)
