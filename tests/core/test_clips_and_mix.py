"""Clips on tracks and the one mix: sample-exact against numpy (soxr for other rates), every clip
command undoes and redoes exactly, projects with clips reopen, v1 projects migrate."""
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from audio_fixtures import signal, write
from workbench.core import project as P
from workbench.core.audio import open_audio
from workbench.core.document import Document
from workbench.core.edits import EditedAudio
from workbench.core.mix import Mix
from workbench.core.regions import Region
from workbench.core.timeline import Clip, fit_channels
from workbench.core.tracks import audible, kind_of
from workbench.formats.export import export_audio

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def files(tmp_path):
    """a: 48 kHz stereo 2 s; b: 48 kHz mono 1 s; c: 22.05 kHz mono 1 s."""
    a, b = signal(96000, 2, seed=1) * 0.5, signal(48000, 1, seed=2) * 0.5
    c = (signal(22050, 1, seed=3) * 0.5)
    out = {"a": (write(tmp_path / "a.wav", a, 48000, "WAV", "FLOAT"), a),
           "b": (write(tmp_path / "b.wav", b, 48000, "WAV", "FLOAT"), b),
           "c": (write(tmp_path / "c.wav", c, 22050, "WAV", "FLOAT"), c)}
    return {k: (open_audio(p).load_all(), d) for k, (p, d) in out.items()}


def clip_of(src, start=0.0, **kw):
    return Clip(EditedAudio.of(src), start=start, name=Path(src.path).stem, **kw)


def state(doc):
    """Everything a command may change, comparable."""
    return ([(t.id, kind_of(t).word, t.name) + ((t.clips, t.gain, t.pan, t.mute, t.solo) if audible(t)
                                       else (tuple((r.start, r.end, r.text) for r in t),))
             for t in doc.track_list], doc.project_rate)


def place(x, start, total):
    out = np.zeros((total, x.shape[1]), np.float32)
    out[start:start + len(x)] = x[: total - start]
    return out


def test_mix_is_the_numpy_sum_with_gain_pan_mute_solo(files):
    (sa, a), (sb, b) = files["a"], files["b"]
    doc = Document()
    ta = doc.add_track(sa)
    tb = doc.add_audio_track("B")
    doc.add_clip(tb.id, clip_of(sb, 0.25))
    doc.add_clip(tb.id, clip_of(sb, 1.5, gain=0.5))       # a gap from 1.25 s to 1.5 s
    n = 120000
    mono_b = place(b, 12000, n) + 0.5 * place(b, 72000, n)
    expect = place(a, 0, n) + np.repeat(mono_b, 2, axis=1)
    np.testing.assert_array_equal(doc.mix().read(0, n), expect)
    # any block reads the same frames
    np.testing.assert_array_equal(doc.mix().read(30011, 80017), expect[30011:80017])
    doc.set_track(tb.id, gain=0.25, pan=-0.5)
    expect = place(a, 0, n) + np.repeat(mono_b, 2, axis=1) * 0.25 * np.array([1.0, 0.5], np.float32)
    np.testing.assert_allclose(doc.mix().read(0, n), expect, atol=1e-7)
    doc.set_track(ta.id, mute=True)
    np.testing.assert_allclose(doc.mix().read(0, n), expect - place(a, 0, n), atol=1e-7)
    doc.set_track(ta.id, mute=False, solo=True)
    np.testing.assert_array_equal(doc.mix().read(0, n), place(a, 0, n))
    assert doc.mix().frames == 120000 and doc.duration == pytest.approx(2.5)


def test_a_clip_at_another_rate_is_resampled_like_soxr_does_it_whole(files):
    sc, c = files["c"]
    doc = Document()
    doc.set_sample_rate(48000)
    t = doc.add_audio_track("C")
    doc.add_clip(t.id, clip_of(sc, 0.5))
    # reference: the whole clip resampled at once, after 1 s of silence (so both start the same way)
    ref = soxr.resample(np.concatenate([np.zeros((22050, 1), np.float32), c]), 22050, 48000)[48000:]
    got = doc.mix().read(24000, 24000 + len(ref))[:, 0]
    assert np.abs(got - ref[:, 0]).max() < 1e-5
    assert doc.mix().frames == 24000 + 48000
    # random blocks join seamlessly: they equal the same frames of a whole read
    whole = doc.mix().read(0, 72000)[:, 0]
    for a in (0, 23999, 30001, 47999, 60000):
        np.testing.assert_allclose(doc.mix().read(a, a + 4321)[:, 0], np.pad(whole, (0, 9000))[a:a + 4321],
                                   atol=1e-6)


def test_half_a_second_from_22k_pasted_into_48k_is_half_a_second(files):
    """Found by a new user: 11,025 frames (0.23 s) arrived, read in source frames."""
    (sa, a), (sc, c) = files["a"], files["c"]
    doc = Document()
    ta = doc.add_track(sa)
    tc = doc.add_audio_track("C")
    doc.add_clip(tc.id, clip_of(sc))
    doc.focus_track(tc)
    doc.edit_all_tracks = False
    doc.set_selection(0.25, 0.75)
    board = doc.copy_audio()
    assert board.length == pytest.approx(0.5)
    doc.focus_track(ta)
    doc.set_selection(None)
    doc.set_cursor(1.0)
    doc.paste_audio(board)
    assert doc.tracks[0].end == pytest.approx(2.5)               # 0.5 s arrived
    pasted = doc.tracks[0].reader(48000).read(48000, 72000)[:, 0]
    piece = np.concatenate([np.zeros((22050, 1), np.float32), c[5512:5512 + 11025]])
    ref = soxr.resample(piece, 22050, 48000)[48000:72000, 0]
    assert np.abs(pasted - ref).max() < 1e-5                      # the same sound, at 48 kHz
    np.testing.assert_array_equal(doc.tracks[0].reader(48000).read(72000, 120000), a[48000:])


def test_range_edits_act_on_the_clips_they_touch(files):
    (sa, a), (sb, b) = files["a"], files["b"]
    doc = Document()
    t = doc.add_track(sa)
    doc.add_clip(t.id, clip_of(sb, 2.5))                          # 2.0-2.5 s is a gap
    doc.set_selection(1.0, 1.25)
    doc.delete_audio()                                            # ripple (the default)
    assert [round(c.start, 6) for c in t.clips] == [0.0, 2.25]
    doc.history.undo()
    doc.ripple = False
    doc.set_selection(1.0, 1.25)
    doc.delete_audio()                                            # a hole: two clips and a gap
    assert [(round(c.start, 6), round(c.end, 6)) for c in t.clips] == [(0.0, 1.0), (1.25, 2.0), (2.5, 3.5)]
    got = t.reader(48000).read(0, 96000)
    np.testing.assert_array_equal(got[:48000], a[:48000])
    assert not got[48000:60000].any()
    np.testing.assert_array_equal(got[60000:], a[60000:])
    doc.set_selection(1.5, 3.0)                                   # across a clip, a gap and a clip
    doc.fade_out_audio()
    x = t.reader(48000).read(0, 168000)
    ramp = 1 - np.arange(72000) / 71999
    np.testing.assert_allclose(x[72000:96000], a[72000:96000] * ramp[:24000, None], atol=1e-6)
    np.testing.assert_allclose(x[120000:144000, 0], b[:24000, 0] * ramp[48000:], atol=1e-6)


def test_every_clip_command_undoes_and_redoes_exactly(files):
    (sa, _), (sb, _), (sc, _) = files["a"], files["b"], files["c"]
    doc = Document()
    ta = doc.add_track(sa)
    labels = doc.add_label_track("Words", [Region(0.5, 0.7, "w")])
    tb = doc.add_audio_track("B")
    clip = doc.add_clip(tb.id, clip_of(sb, 0.5))
    steps = [
        lambda: doc.add_clip(tb.id, clip_of(sc, 3.0)),
        lambda: doc.move_clip(clip.id, 1.75),
        lambda: doc.move_clip(clip.id, 2.5, track_id=ta.id),
        lambda: doc.trim_clip(clip.id, "start", 2.75),
        lambda: doc.trim_clip(clip.id, "end", 1.25),
        lambda: (doc.set_cursor(1.0), doc.split_clips()),
        lambda: (doc.set_selection(0.0, 2.0), doc.join_clips()),
        lambda: doc.duplicate_clip(clip.id),
        lambda: doc.set_clip(clip.id, gain=0.5, fade_in=0.1, fade_out=0.2),
        lambda: doc.remove_clip(clip.id),
        lambda: doc.set_track(tb.id, gain=0.5, pan=0.25, mute=True, solo=True, name="Bee"),
        lambda: doc.move_track(tb.id, 0),
        lambda: doc.remove_track(ta.id),
        lambda: doc.set_sample_rate(44100),
        lambda: (doc.set_selection(0.2, 0.4), doc.delete_audio()),
        lambda: doc.remove_track(labels.id),
    ]
    for k, step in enumerate(steps):
        before = state(doc)
        mix_before = doc.mix().read(0, 48000 * 4)
        step()
        after = state(doc)
        assert after != before, k
        doc.history.undo()
        assert state(doc) == before
        np.testing.assert_array_equal(doc.mix().read(0, 48000 * 4), mix_before)
        doc.history.redo()
        assert state(doc) == after


def test_clips_never_overlap_and_trims_give_back_hidden_audio(files):
    (sa, a), (sb, _b) = files["a"], files["b"]
    doc = Document()
    t = doc.add_track(sa)
    other = doc.add_clip(t.id, clip_of(sb, 3.0))
    assert not doc.move_clip(other.id, 1.5)                       # onto the first clip: refused
    assert t.clip(other.id).start == 3.0
    with pytest.raises(ValueError, match="overlap"):
        doc.add_clip(t.id, clip_of(sb, 0.5))
    first = t.clips[0]
    doc.set_cursor(1.0)
    doc.split_clips()
    left, right = t.clips[:2]
    assert (left.id, left.end, right.start) == (first.id, pytest.approx(1.0), pytest.approx(1.0))
    doc.trim_clip(left.id, "end", 0.5)                            # hides 0.5 s
    assert t.clip(left.id).end == pytest.approx(0.5)
    doc.trim_clip(left.id, "end", 99.0)                           # stops at the right clip...
    assert t.clip(left.id).end == pytest.approx(1.0)              # ...and all it hid is back
    np.testing.assert_array_equal(t.reader(48000).read(0, 96000), a)
    doc.move_clip(right.id, 1.5)
    doc.trim_clip(right.id, "start", 0.0)                         # back to the left clip's end
    r = t.clip(right.id)
    assert r.start == pytest.approx(1.0) and r.trim_start == 24000
    np.testing.assert_array_equal(t.reader(48000).read(48000, 72000), a[24000:48000])
    doc.trim_clip(other.id, "end", 99.0)                          # cannot grow past its content
    assert t.clip(other.id).end == pytest.approx(4.0)


def test_sync_lock_moves_only_the_edited_tracks_labels(files):
    """Found by a new user: editing only the focused track moved every label track."""
    (sa, _), (sb, _) = files["a"], files["b"]
    doc = Document()
    ta = doc.add_track(sa)
    la = doc.add_label_track("A words", [Region(1.5, 1.8, "a")])
    tb = doc.add_track(sb, name="b")
    lb = doc.add_label_track("B words", [Region(0.8, 0.9, "b")])
    doc.edit_all_tracks = False
    doc.focus_track(tb)
    doc.set_selection(0.1, 0.3)
    doc.delete_audio()
    assert [r.start for r in la] == [1.5] and [r.start for r in lb] == [pytest.approx(0.6)]
    assert ta.end == 2.0 and tb.end == pytest.approx(0.8)


def test_a_project_with_clips_saves_reopens_and_exports_identically(files, tmp_path):
    (sa, _), (sb, _), (sc, _) = files["a"], files["b"], files["c"]
    doc = Document()
    ta = doc.add_track(sa)
    doc.add_label_track("Words", [Region(0.1, 0.2, "x")])
    tb = doc.add_audio_track("B")
    doc.add_clip(tb.id, clip_of(sc, 0.5, gain=0.7, fade_in=0.05,
                                provenance={"task": "tone", "seed": 3, "params": {"freq": 440}}))
    doc.add_clip(tb.id, clip_of(sb, 2.0))
    doc.set_cursor(1.0)
    doc.split_clips()
    doc.trim_clip(ta.clips[1].id, "start", 1.2)
    doc.set_track(tb.id, gain=0.8, pan=0.3, solo=False, mute=False)
    doc.set_track(ta.id, pan=-1.0)
    path = P.save_project(doc, tmp_path / "p.awproj")
    again, missing = P.load_project(path)
    assert missing == [] and state(again)[1] == 48000
    assert [kind_of(t).word for t in again.track_list] == ["audio", "labels", "audio"]
    assert again.tracks[1].clips[0].provenance == {"task": "tone", "seed": 3, "params": {"freq": 440}}
    n = 48000 * 3
    np.testing.assert_array_equal(again.mix().read(0, n), doc.mix().read(0, n))
    for d, name in ((doc, "a.wav"), (again, "b.wav")):
        for _ in export_audio(d, tmp_path / name):
            pass
    x, _ = sf.read(str(tmp_path / "a.wav"), dtype="float32")
    y, _ = sf.read(str(tmp_path / "b.wav"), dtype="float32")
    np.testing.assert_array_equal(x, y)
    np.testing.assert_allclose(x, doc.mix().read(0, len(x)), atol=2 ** -15)   # the export is the mix


def test_a_v1_project_opens_as_one_clip_per_track(tmp_path):
    """tests/data/v1 was saved by the code before clips (a gain and a delete on an 8 kHz track, an
    11.025 kHz track at a 0.5 s offset); .npy holds what each track read as then."""
    folder = tmp_path / "v1"
    shutil.copytree(DATA / "v1", folder)
    assert json.loads((folder / "written-by-v1.awproj").read_text())["version"] == 1
    doc, missing = P.load_project(folder / "written-by-v1.awproj")
    assert missing == [] and doc.sample_rate == 8000
    assert [(kind_of(t).word, t.name) for t in doc.track_list] == [
        ("audio", "speech.wav"), ("audio", "birds.flac"), ("labels", "Words")]
    (one,), (two,) = doc.tracks[0].clips, doc.tracks[1].clips
    assert (one.start, one.rate, two.start, two.rate) == (0.0, 8000, 0.5, 11025)
    t0 = np.load(folder / "expect-track0.npy")
    t1 = np.load(folder / "expect-track1.npy")
    np.testing.assert_array_equal(doc.tracks[0].reader(8000).read(0, len(t0)), t0)
    np.testing.assert_array_equal(doc.tracks[1].reader(11025).read(5512, 5512 + len(t1)), np.pad(t1, ((0, 0), (0, 0))))
    assert [(r.start, r.text) for r in doc.label_tracks[0]] == [(0.25, "one")]
    assert doc.cursor == 0.3 and doc.selection == (0.3, 0.6)
    # saved again, it is a v2 project that reads the same
    again, _ = P.load_project(P.save_project(doc, folder / "v2.awproj"))
    np.testing.assert_array_equal(again.mix().read(0, 16000), doc.mix().read(0, 16000))


def test_place_clip_at_the_cursor_on_a_new_track_or_over_the_selection(files):
    (sa, _a), (sb, b) = files["a"], files["b"]
    doc = Document()
    ta = doc.add_track(sa)
    doc.set_cursor(0.5)
    where = doc.place_clip(clip_of(sb), "cursor")                 # taken: lands on a new track
    assert where is not ta and where.clips[0].start == 0.5
    doc.history.undo()
    assert len(doc.tracks) == 1
    doc.set_selection(0.5, 1.0)
    doc.place_clip(clip_of(sb), "replace selection")              # 1 s into 0.5 s: room is made
    assert [(round(c.start, 6), round(c.end, 6)) for c in ta.clips] == [(0.0, 0.5), (0.5, 1.5), (1.5, 2.5)]
    np.testing.assert_array_equal(ta.reader(48000).read(24000, 72000), np.repeat(b, 2, axis=1))
    doc.place_clip(clip_of(sb), "new track")
    assert len(doc.tracks) == 2 and doc.history.undo_title.startswith("Add")


def test_fit_channels_is_the_one_rule():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    assert fit_channels(x, 1).shape == (4, 1) and fit_channels(x, 1)[1, 0] == pytest.approx(4.0)
    np.testing.assert_array_equal(fit_channels(x[:, :1], 2), np.repeat(x[:, :1], 2, axis=1))
    np.testing.assert_array_equal(fit_channels(x, 2), x[:, :2])
    np.testing.assert_array_equal(fit_channels(x[:, :2], 4), x[:, [0, 1, 0, 1]])
    assert Mix([], 48000).read(0, 10).shape == (10, 1)


@pytest.mark.parametrize("pixels", [60, 100, 200, 400, 1000])
def test_a_short_track_drawn_over_a_longer_view_ends_where_its_audio_ends(pixels, tmp_path):
    """The overview asks each track for the whole document's width: a 5 s tone from 2 s in a
    24 s document has nothing after 7 s at any column count (it was drawn to the end of the file
    at 100-400 columns, where the track's own summary is read)."""
    from workbench.core.timeline import TrackReader

    rate = 22050
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(5 * rate) / rate)).astype(np.float32)[:, None]
    clip = clip_of(open_audio(write(tmp_path / "tone.wav", tone, rate, "WAV", "FLOAT")).load_all(), 2.0)
    reader = TrackReader([clip], rate, 1)
    env = reader.envelope(0, 0, 24 * rate, pixels)
    t = env.x / rate
    drawn = np.nan_to_num(env.hi) > 0.01
    assert drawn[(t > 2.3) & (t < 6.7)].all()
    assert not drawn[t > 7.0 + 24 / pixels].any(), t[drawn].max()


def test_stereo_audio_pasted_into_mono_reads_as_the_same_stereo_audio_placed_on_a_mono_track(files):
    """One channel rule (fit_channels: many fold to mono by their mean): a stereo segment pasted
    into a mono clip and a stereo clip heard in mono read alike.  Pasting kept the first
    channel where the track reader averaged, so the same audio came out two ways."""
    from workbench.core.edits import Segment

    (sa, a), (sb, _) = files["a"], files["b"]
    mono = EditedAudio.of(sb)                                   # 1 s of mono at 48 kHz
    pasted = mono.insert(mono.frames, [Segment(sa, 0, 48000)])  # then 1 s of the stereo file
    doc = Document()
    track = doc.add_audio_track("Mono")
    doc.add_clip(track.id, Clip(EditedAudio.of(sb), start=0.0))
    doc.add_clip(track.id, Clip(EditedAudio.of(sa), start=1.0, trim_end=48000))
    from workbench.core.timeline import TrackReader

    via_paste = pasted.read(0, 96000)
    via_track = TrackReader(track.clips, 48000, 1).read(0, 96000)     # the track heard in mono
    np.testing.assert_allclose(via_paste, via_track, atol=1e-6)
    np.testing.assert_allclose(via_paste[48000:, 0], a[:48000].mean(axis=1), atol=1e-6)
