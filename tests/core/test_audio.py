"""Opening recordings: every container, rate, layout and sample format reads back exactly what
libsndfile reads, in place (WAV/AIFF) or via the decode cache; bad files get clear messages."""
from __future__ import annotations

import os

import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import signal, write
from workbench.core.audio import AudioOpenError, AudioSource, open_audio

CASES = [
    # container, subtype, extension, in place?
    ("WAV", "PCM_U8", "wav", True), ("WAV", "PCM_16", "wav", True), ("WAV", "PCM_24", "wav", True),
    ("WAV", "PCM_32", "wav", True), ("WAV", "FLOAT", "wav", True), ("WAV", "DOUBLE", "wav", True),
    ("WAVEX", "PCM_24", "wav", True), ("RF64", "PCM_16", "wav", True),
    ("AIFF", "PCM_16", "aiff", True), ("AIFF", "PCM_24", "aif", True),
    ("AIFF", "PCM_32", "aiff", True), ("AIFF", "FLOAT", "aifc", True),
    ("FLAC", "PCM_16", "flac", False), ("FLAC", "PCM_24", "flac", False),
    ("OGG", "VORBIS", "ogg", False), ("MP3", "MPEG_LAYER_III", "mp3", False),
    ("WAV", "ULAW", "wav", False),
]


@pytest.mark.parametrize("fmt,subtype,ext,in_place", CASES)
def test_reads_what_libsndfile_reads(tmp_path, fmt, subtype, ext, in_place):
    channels = 2 if fmt in ("OGG", "MP3") else 3
    path = write(tmp_path / f"x.{ext}", signal(12000, channels), 44100, fmt, subtype)
    src = open_audio(path, cache_dir=tmp_path / "cache")
    assert isinstance(src, AudioSource)
    assert (type(src) is AudioSource) == in_place
    src.load_all()
    ref, rate = sf.read(str(path), dtype="float32", always_2d=True)
    assert (src.sample_rate, src.channels, src.frames) == (rate, ref.shape[1], len(ref))
    np.testing.assert_array_equal(src.read(0, src.frames), ref)
    # random access in the middle, and past the ends reads as silence
    np.testing.assert_array_equal(src.read(5000, 5100), ref[5000:5100])
    edge = src.read(-10, 10)
    assert np.all(edge[:10] == 0) and np.array_equal(edge[10:], ref[:10])
    assert np.all(src.read(src.frames, src.frames + 5) == 0)
    src.close()


@pytest.mark.parametrize("rate", [8000, 11025, 22050, 44100, 96000, 192000])
def test_sample_rates(tmp_path, rate):
    path = write(tmp_path / "r.wav", signal(rate // 10, 1), rate, "WAV", "PCM_16")
    src = open_audio(path).load_all()
    assert src.sample_rate == rate and src.channels == 1
    assert src.frames == rate // 10 and src.duration == pytest.approx(0.1, abs=1 / rate)


def test_many_channels(tmp_path):
    data = signal(4800, 8)
    path = write(tmp_path / "octo.flac", data, 48000, "FLAC", "PCM_24")
    src = open_audio(path, cache_dir=tmp_path).load_all()
    assert src.channels == 8
    np.testing.assert_allclose(src.read(0, 4800), data, atol=2 ** -22)


def test_peaks_match_samples(tmp_path):
    data = signal(100_000, 2)
    path = write(tmp_path / "p.wav", data, 48000, "WAV", "FLOAT")
    src = open_audio(path).load_all()
    lo, hi = src.peaks.overall(1)
    assert lo == data[:, 1].min() and hi == data[:, 1].max()


def test_decoded_cache_is_removed_on_close(tmp_path):
    cache = tmp_path / "cache"
    path = write(tmp_path / "c.flac", signal(48000, 2), 48000, "FLAC", "PCM_16")
    src = open_audio(path, cache_dir=cache).load_all()
    assert len(list(cache.iterdir())) == 1
    src.close()
    assert list(cache.iterdir()) == []


def test_decoding_reports_progress_and_can_be_cancelled(tmp_path):
    from workbench.core.audio import LoadCancelled

    path = write(tmp_path / "long.flac", signal(48000 * 20, 1), 48000, "FLAC", "PCM_16")
    src = open_audio(path, cache_dir=tmp_path / "cache")
    steps = list(src.load())
    assert steps[-1] == 1.0 and len(steps) >= 3 and steps == sorted(steps)
    src2 = open_audio(path, cache_dir=tmp_path / "cache2")
    gen = src2.load(cancelled=lambda: True)
    with pytest.raises(LoadCancelled):
        next(gen)
    assert list((tmp_path / "cache2").iterdir()) == []


@pytest.mark.parametrize("content,expect", [
    (b"", "empty"),
    (b"this is a text file, not audio\n" * 4, "plain text"),
    (b"%PDF-1.7 not really" + bytes(200), "PDF"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00", "header"),
    (bytes(range(256)) * 4, "not in an audio format"),
])
def test_broken_files_get_a_clear_message(tmp_path, content, expect):
    path = tmp_path / "broken.wav"
    path.write_bytes(content)
    with pytest.raises(AudioOpenError) as err:
        open_audio(path)
    assert "broken.wav" in str(err.value) and expect in str(err.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(AudioOpenError, match="does not exist"):
        open_audio(tmp_path / "nope.wav")
    with pytest.raises(AudioOpenError, match="folder"):
        open_audio(tmp_path)


def test_mislabelled_audio_opens_by_content(tmp_path):
    """A FLAC named .wav is still audio: it opens (by content), not by its name."""
    path = write(tmp_path / "really_flac.wav", signal(4800, 2), 48000, "FLAC", "PCM_16")
    src = open_audio(path, cache_dir=tmp_path / "c").load_all()
    assert src.info.format == "FLAC" and src.frames == 4800


def test_truncated_wav_opens_what_is_there_with_a_warning(tmp_path):
    path = write(tmp_path / "full.wav", signal(48000, 2), 48000, "WAV", "PCM_16")
    cut = tmp_path / "cut.wav"
    cut.write_bytes(path.read_bytes()[: 44 + 2 * 2 * 12000 + 3])
    src = open_audio(cut).load_all()
    assert src.frames == 12000
    assert any("truncated" in w for w in src.info.warnings)


def test_truncated_flac_keeps_the_decodable_part(tmp_path):
    path = write(tmp_path / "full.flac", signal(48000 * 10, 2), 48000, "FLAC", "PCM_16")
    cut = tmp_path / "cut.flac"
    cut.write_bytes(path.read_bytes()[: os.path.getsize(path) // 3])
    src = open_audio(cut, cache_dir=tmp_path / "c").load_all()
    assert 48000 * 2 < src.frames < 48000 * 5
    assert src.info.warnings
    ref = sf.read(str(path), dtype="float32", always_2d=True)[0]
    np.testing.assert_array_equal(src.read(0, 48000), ref[:48000])


def test_header_only_wav_has_no_audio(tmp_path):
    path = write(tmp_path / "empty.wav", np.zeros((0, 2), np.float32), 48000, "WAV", "PCM_16")
    with pytest.raises(AudioOpenError, match="no audio"):
        open_audio(path)


def test_not_enough_disk_space_is_a_message(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    path = write(tmp_path / "x.flac", signal(48000, 2), 48000, "FLAC", "PCM_16")
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10, 10, 0))
    src = open_audio(path, cache_dir=tmp_path / "c")
    with pytest.raises(AudioOpenError, match="disk space"):
        src.load_all()
