import errno

import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import audio_of, signal, write
from workbench.core.audio import open_audio
from workbench.core.document import Document
from workbench.formats.export import ExportError, export_audio


@pytest.fixture
def doc(tmp_path):
    src = open_audio(write(tmp_path / "in.wav", signal(48000 * 3, 2), 48000, "WAV", "FLOAT")).load_all()
    d = Document()
    d.add_track(src)
    return d


def run(gen):
    steps = list(gen)
    assert steps[-1] == 1.0
    return steps


def test_mixdown_wav_is_what_plays(doc, tmp_path):
    doc.set_selection(1.0, 2.0)
    doc.gain_audio(-6)
    run(export_audio(doc, tmp_path / "out.wav", subtype="FLOAT"))
    got, rate = sf.read(tmp_path / "out.wav", dtype="float32")
    au = audio_of(doc.tracks[0])
    assert rate == 48000
    np.testing.assert_array_equal(got, au.read(0, au.frames))


def test_selection_to_flac_24(doc, tmp_path):
    run(export_audio(doc, tmp_path / "sel.flac", 0.5, 1.25, subtype="PCM_24"))
    info = sf.info(tmp_path / "sel.flac")
    assert info.subtype == "PCM_24" and info.frames == 36000
    got, _ = sf.read(tmp_path / "sel.flac", dtype="float32")
    np.testing.assert_allclose(got, audio_of(doc.tracks[0]).read(24000, 60000), atol=2 ** -22)


def test_resampled_wav_matches_soxr_on_the_whole(doc, tmp_path):
    """Streaming block by block gives what one-shot resampling of the whole gives."""
    import soxr

    run(export_audio(doc, tmp_path / "low.wav", sample_rate=16000, subtype="FLOAT"))
    got, rate = sf.read(tmp_path / "low.wav", dtype="float32")
    ref = soxr.resample(audio_of(doc.tracks[0]).read(0, 144000), 48000, 16000)
    assert rate == 16000 and abs(len(got) - 48000) <= 1
    n = min(len(got), len(ref)) - 200
    np.testing.assert_allclose(got[200:n], ref[200:n], atol=2e-3)


def test_ogg_vorbis(doc, tmp_path):
    run(export_audio(doc, tmp_path / "v.ogg", sample_rate=44100))
    info = sf.info(tmp_path / "v.ogg")
    assert (info.format, info.samplerate, info.channels) == ("OGG", 44100, 2)
    assert abs(info.frames - 3 * 44100) <= 1


def test_cancel_leaves_no_file(doc, tmp_path):
    calls = []
    gen = export_audio(doc, tmp_path / "x.wav", cancelled=lambda: len(calls) > 0)
    next(gen)
    calls.append(1)
    with pytest.raises(ExportError, match="cancelled"):
        list(gen)
    assert list(tmp_path.glob("*x.wav*")) == []


def test_full_disk_is_a_message(doc, tmp_path, monkeypatch):
    import soundfile

    real = soundfile.SoundFile.write

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(soundfile.SoundFile, "write", full)
    with pytest.raises(ExportError, match="disk is full"):
        list(export_audio(doc, tmp_path / "x.wav"))
    assert list(tmp_path.glob("*x.wav*")) == []
    monkeypatch.setattr(soundfile.SoundFile, "write", real)


def test_bad_requests(doc, tmp_path):
    with pytest.raises(ExportError, match="not an export format"):
        list(export_audio(doc, tmp_path / "x.mp4"))
    with pytest.raises(ExportError, match="cannot store"):
        list(export_audio(doc, tmp_path / "x.flac", subtype="FLOAT"))
