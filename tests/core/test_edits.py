"""Audio edits read exactly what the same edit on the samples would give, undo restores the
samples, and labels follow the audio (sync-lock)."""
import numpy as np
import pytest

from audio_fixtures import audio_of, signal, write
from workbench.core.audio import open_audio
from workbench.core.document import Document
from workbench.core.edits import EditedAudio
from workbench.core.regions import Region

SR = 8000


@pytest.fixture
def doc(tmp_path):
    data = signal(SR * 4, 2)
    src = open_audio(write(tmp_path / "a.wav", data, SR, "WAV", "FLOAT")).load_all()
    d = Document()
    d.add_track(src)
    d.ref = data.copy()
    yield d
    src.close()


def audio(doc):
    au = audio_of(doc.tracks[0])
    return au.read(0, au.frames)


def sec(x):
    return int(round(x * SR))


def test_delete_cut_paste(doc):
    ref = doc.ref
    doc.set_selection(1.0, 1.5)
    clip = doc.copy_audio()
    doc.delete_audio()
    np.testing.assert_array_equal(audio(doc), np.concatenate([ref[:sec(1)], ref[sec(1.5):]]))
    assert doc.cursor == 1.0 and doc.selection is None
    doc.set_cursor(3.0)
    doc.paste_audio(clip)
    expect = np.concatenate([ref[:sec(1)], ref[sec(1.5):sec(3.5)], ref[sec(1):sec(1.5)], ref[sec(3.5):]])
    np.testing.assert_array_equal(audio(doc), expect)
    doc.history.undo()
    doc.history.undo()
    np.testing.assert_array_equal(audio(doc), ref)


def test_silence_trim_insert(doc):
    ref = doc.ref
    doc.set_selection(0.5, 1.0)
    doc.silence_audio()
    got = audio(doc)
    assert np.all(got[sec(0.5):sec(1.0)] == 0)
    np.testing.assert_array_equal(got[sec(1.0):], ref[sec(1.0):])
    doc.set_cursor(2.0)
    doc.set_selection(None)
    doc.insert_silence(0.25)
    assert audio_of(doc.tracks[0]).frames == len(ref) + sec(0.25)
    doc.set_selection(1.0, 2.0)
    doc.trim_audio()
    np.testing.assert_array_equal(audio(doc), ref[sec(1.0):sec(2.0)])
    for _ in range(3):
        doc.history.undo()
    np.testing.assert_array_equal(audio(doc), ref)


def test_gain_fades_normalize(doc):
    ref = doc.ref
    doc.set_selection(1.0, 2.0)
    doc.gain_audio(-6.0)
    np.testing.assert_allclose(audio(doc)[sec(1):sec(2)], ref[sec(1):sec(2)] * 10 ** (-6 / 20), rtol=1e-6)
    doc.history.undo()
    doc.fade_in_audio()
    ramp = np.linspace(0, 1, sec(1))[:, None]
    np.testing.assert_allclose(audio(doc)[sec(1):sec(2)], ref[sec(1):sec(2)] * ramp, atol=1e-6)
    doc.history.undo()
    doc.fade_out_audio()
    np.testing.assert_allclose(audio(doc)[sec(1):sec(2)], ref[sec(1):sec(2)] * ramp[::-1], atol=1e-6)
    doc.history.undo()
    doc.normalize_audio(-1.0)
    peak = np.abs(audio(doc)[sec(1):sec(2)]).max()
    assert peak == pytest.approx(10 ** (-1 / 20), rel=1e-5)
    np.testing.assert_array_equal(audio(doc)[:sec(1)], ref[:sec(1)])


def test_envelope_through_edits_matches_the_samples(doc):
    doc.set_selection(1.0, 2.0)
    doc.delete_audio()
    doc.set_selection(0.2, 0.4)
    doc.gain_audio(-12)
    au = audio_of(doc.tracks[0])
    x = au.read(0, au.frames)[:, 0]
    env = au.envelope(0, 0, au.frames, 300)
    assert env.lo.min() == pytest.approx(x.min(), abs=1e-6)
    assert env.hi.max() == pytest.approx(x.max(), abs=1e-6)
    # column by column it brackets the true extremes (pyramid blocks may reach a little past)
    spp = au.frames / 300
    for i in (0, 50, 77, 150, 299):
        a, b = int(i * spp), int((i + 1) * spp)
        assert env.lo[i] <= x[a:b].min() + 1e-6 and env.hi[i] >= x[a:b].max() - 1e-6


def test_labels_follow_the_audio(doc):
    track = doc.add_label_track("w", [Region(0.2, 0.4, "before"), Region(1.1, 1.2, "inside"),
                                      Region(0.9, 1.3, "straddles"), Region(2.0, 2.5, "after")])
    doc.set_selection(1.0, 1.5)
    doc.delete_audio()
    got = {r.text: (round(r.start, 6), round(r.end, 6)) for r in track}
    assert got == {"before": (0.2, 0.4), "straddles": (0.9, 1.0), "after": (1.5, 2.0)}
    assert doc.history.undo_title == "Delete"
    doc.history.undo()
    assert len(track) == 4 and {r.text: r.start for r in track}["after"] == 2.0
    doc.set_cursor(1.0)
    doc.set_selection(None)
    doc.insert_silence(0.5)
    assert {r.text: r.start for r in track}["after"] == 2.5
    doc.sync_lock = False
    doc.set_selection(0.0, 0.5)
    doc.delete_audio()
    assert {r.text: r.start for r in track}["after"] == 2.5


def test_edits_never_copy_the_audio(doc):
    """An edit stores segments (a few numbers each), not samples."""
    (clip,) = doc.tracks[0].clips
    au = clip.audio
    for k in range(50):
        au = au.gain(k * 100, k * 100 + 50, 0.5)
    assert len(au.segments) <= 101
    assert all(s.source is doc.tracks[0].sources[0] for s in au.segments)
    assert isinstance(au, EditedAudio)
