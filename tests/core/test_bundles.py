"""Hostile bundles: a zip bomb, paths out of the folder, audio named outside the bundle, damaged
or encrypted data, too many entries.  Each is refused in words and leaves nothing behind."""
import json
import zipfile

import pytest

from audio_fixtures import signal, write
from workbench.core import project as P
from workbench.core.audio import open_audio
from workbench.core.document import Document


@pytest.fixture
def good_bundle(tmp_path):
    doc = Document()
    doc.add_track(open_audio(write(tmp_path / "a.wav", signal(4800, 1), 48000, "WAV", "PCM_16")).load_all())
    return P.save_bundle(doc, tmp_path / "good.awbundle")


def nothing_left(cache):
    folder = cache / "bundles"
    return not folder.exists() or not any(folder.iterdir())


def refuse(path, cache, match):
    with pytest.raises(P.ProjectError, match=match):
        P.load_bundle(path, cache_dir=cache)
    assert nothing_left(cache)


def test_a_good_bundle_opens(good_bundle, tmp_path):
    doc, missing = P.load_bundle(good_bundle, cache_dir=tmp_path / "c")
    assert missing == [] and doc.tracks[0].end == pytest.approx(0.1)


def test_a_zip_bomb_is_refused_before_it_fills_the_disk(tmp_path):
    bomb = tmp_path / "bomb.awbundle"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.json", "{}")
        z.writestr("audio/zeros.wav", b"\0" * (100 << 20))
    assert bomb.stat().st_size < 1 << 20
    refuse(bomb, tmp_path / "c", "claims far more")


def test_paths_out_of_the_folder_and_sources_outside_the_bundle(good_bundle, tmp_path):
    evil = tmp_path / "evil.awbundle"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("project.json", "{}")
        z.writestr("../escaped.txt", "x")
    refuse(evil, tmp_path / "c", "unsafe path")
    assert not (tmp_path / "c" / "escaped.txt").exists() and not (tmp_path / "escaped.txt").exists()
    with zipfile.ZipFile(good_bundle) as z:
        data = json.loads(z.read("project.json"))
        audio = {n: z.read(n) for n in z.namelist() if n != "project.json"}
    for bad_path in ("../../../etc/passwd", "/etc/passwd"):
        data["sources"][0]["path"] = bad_path
        sneaky = tmp_path / "sneaky.awbundle"
        with zipfile.ZipFile(sneaky, "w") as z:
            z.writestr("project.json", json.dumps(data))
            for n, b in audio.items():
                z.writestr(n, b)
        with pytest.raises(P.ProjectError, match="outside the bundle"):
            P.load_bundle(sneaky, cache_dir=tmp_path / "c2")
        sneaky.unlink()


def test_damaged_encrypted_and_crowded_bundles(good_bundle, tmp_path):
    raw = bytearray(good_bundle.read_bytes())
    damaged = tmp_path / "damaged.awbundle"
    damaged.write_bytes(bytes(raw[: len(raw) // 2]))
    refuse(damaged, tmp_path / "c1", "damaged")
    enc = tmp_path / "enc.awbundle"
    with zipfile.ZipFile(enc, "w") as z:
        z.writestr("project.json", "{}")
    data = bytearray(enc.read_bytes())
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):        # set the 'encrypted' flag in both headers
        i = data.find(sig)
        flag_at = i + (6 if sig == b"PK\x03\x04" else 8)
        data[flag_at] |= 1
    enc.write_bytes(bytes(data))
    refuse(enc, tmp_path / "c2", "encrypted")
    crowded = tmp_path / "crowded.awbundle"
    with zipfile.ZipFile(crowded, "w") as z:
        for k in range(P.MAX_BUNDLE_ENTRIES + 1):
            z.writestr(f"x/{k}", "")
    refuse(crowded, tmp_path / "c3", "at most")
