"""Generators that need no model: the right signal, the same samples for the same settings (in
any block size), Cancel at once; clips with provenance in the document and in files."""
import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import drain
from workbench.core import project as P
from workbench.core.document import Document
from workbench.tasks import registry
from workbench.tasks.apply import apply_result
from workbench.tasks.events import AudioOutput, TaskCancelled
from workbench.tasks.generate import signals
from workbench.tasks.generate.run import run_generate

RATE = 16000


def make(task, rate=RATE, **params):
    _, result = drain(run_generate(registry.get(task), params, rate))
    (out,) = result.audio
    assert out.samples.dtype == np.float32 and out.samples.shape[1] == 1 and out.rate == rate
    return out


def peak_hz(x, rate):
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spectrum)]


def band_db(x, rate, lo, hi):
    f = np.fft.rfftfreq(len(x), 1 / rate)
    p = np.abs(np.fft.rfft(x)) ** 2
    return 10 * np.log10(p[(f >= lo) & (f < hi)].sum())


def test_tone_waveforms_frequency_amplitude_and_sweep():
    for shape in ("sine", "square", "sawtooth", "triangle"):
        out = make("tone", waveform=shape, frequency=440.0, amplitude=0.5, duration=1.0)
        x = out.samples[:, 0]
        assert len(x) == RATE and np.abs(x).max() == pytest.approx(0.5, abs=1e-3)
        assert peak_hz(x, RATE) == pytest.approx(440, abs=1.5), shape
    sweep = make("tone", frequency=200.0, sweep_to=2000.0, duration=2.0).samples[:, 0]
    assert peak_hz(sweep[:3200], RATE) < 400 and peak_hz(sweep[-3200:], RATE) > 1700
    assert out.provenance["task"] == "tone" and out.provenance["params"]["frequency"] == 440.0
    with pytest.raises(ValueError, match="half the sample rate"):
        make("tone", frequency=9000.0)


def test_log_chirp_spends_equal_time_per_octave():
    x = make("chirp", start_frequency=100.0, end_frequency=6400.0, scale="log", duration=6.0).samples[:, 0]
    # six octaves in six seconds: the middle of second k sits near 100 * 2**(k + 0.5)
    for k in range(5):
        mid = x[int((k + 0.25) * RATE):int((k + 0.75) * RATE)]
        assert peak_hz(mid, RATE) == pytest.approx(100 * 2 ** (k + 0.5), rel=0.12)


def test_noise_colours_have_their_slopes_and_seeds_repeat():
    slopes = {}
    for colour in ("white", "pink", "brown"):
        x = make("noise", colour=colour, duration=8.0, seed=7).samples[:, 0].astype(np.float64)
        assert np.abs(x).max() <= 0.5 + 1e-6
        slopes[colour] = band_db(x, RATE, 2000, 4000) - band_db(x, RATE, 250, 500)   # 3 octaves up
    assert slopes["white"] == pytest.approx(9.0, abs=1.5)     # +3 dB an octave per band's width
    assert slopes["pink"] == pytest.approx(0.0, abs=1.5)      # equal energy per octave
    assert slopes["brown"] == pytest.approx(-9.0, abs=2.0)    # -3 dB an octave
    a = make("noise", colour="pink", duration=2.0, seed=1).samples
    b = make("noise", colour="pink", duration=2.0, seed=1).samples
    c = make("noise", colour="pink", duration=2.0, seed=2).samples
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_samples_do_not_depend_on_the_length_or_the_block_size(monkeypatch):
    """Every sample is a function of its position: 3 s begins with the same 1 s."""
    for task, params in (("noise", {"colour": "brown", "seed": 3}), ("tone", {"frequency": 523.0}),
                         ("click", {"tempo": 100.0})):
        long = make(task, **params, **({"duration": 3.0} if task != "click" else {"beats": 6}))
        monkeypatch.setattr(signals, "BLOCK", 1000)
        short = make(task, **params, **({"duration": 1.0} if task != "click" else {"beats": 2}))
        monkeypatch.undo()
        np.testing.assert_allclose(short.samples, long.samples[:len(short.samples)], atol=1e-6)


def test_dtmf_digits_have_their_two_tones_and_click_track_its_beats():
    out = make("dtmf", digits="19#", tone=0.1, gap=0.05, amplitude=0.8)
    x = out.samples[:, 0]
    assert len(x) == int(round(0.4 * RATE))
    for k, (lo, hi) in enumerate(((697, 1209), (852, 1477), (941, 1477))):
        piece = x[int(k * 0.15 * RATE):int((k * 0.15 + 0.1) * RATE)]
        t = np.arange(len(piece)) / RATE
        power = {f: abs(np.dot(piece, np.exp(-2j * np.pi * f * t)))
                 for f in signals.DTMF_LOW + signals.DTMF_HIGH}
        assert sorted(sorted(power, key=power.get)[-2:]) == [lo, hi]     # the digit's two tones
    assert not x[int(0.11 * RATE):int(0.14 * RATE)].any()                  # the gap is silent
    with pytest.raises(ValueError, match="not a DTMF digit"):
        make("dtmf", digits="12x")
    clicks = make("click", tempo=120.0, beats=8, beats_per_bar=4).samples[:, 0]
    onsets = np.nonzero(np.abs(clicks) > 0.05)[0]
    starts = onsets[np.concatenate([[True], np.diff(onsets) > RATE // 10])] / RATE
    np.testing.assert_allclose(starts, np.arange(8) * 0.5, atol=0.002)


def test_cancel_stops_within_one_block():
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    gen = run_generate(registry.get("noise"), {"duration": 3600.0}, 48000, cancelled)
    with pytest.raises(TaskCancelled):
        drain(gen)
    assert len(calls) == 3          # checked before each block: two blocks made, not an hour


def test_a_generated_clip_lands_at_the_cursor_and_saves_with_the_project(tmp_path):
    doc = Document()
    doc.set_sample_rate(RATE)
    doc.add_audio_track("Voice")
    _, result = drain(run_generate(registry.get("tone"), {"frequency": 440.0, "duration": 1.0}, RATE))
    doc.set_cursor(0.0)
    (track,) = apply_result(doc, result, "cursor", folder=tmp_path / "gen")
    (clip,) = track.clips
    assert clip.name == "Tone 440 Hz" and clip.provenance["task"] == "tone"
    np.testing.assert_array_equal(doc.mix().read(0, RATE)[:, 0], result.audio[0].samples[:, 0])
    assert doc.history.undo_title == "Tone 440 Hz"
    path = P.save_project(doc, tmp_path / "proj" / "p.awproj")
    stored = list((tmp_path / "proj" / "p_audio").glob("*.flac"))
    assert len(stored) == 1
    again, missing = P.load_project(path)
    assert missing == [] and again.tracks[0].clips[0].provenance["params"]["frequency"] == 440.0
    np.testing.assert_allclose(again.mix().read(0, RATE), doc.mix().read(0, RATE), atol=2 ** -22)
    doc.history.undo()
    assert all(not t.clips for t in doc.tracks)


def test_workbench_run_tone_writes_audio_with_its_provenance(tmp_path):
    out = tmp_path / "tone.flac"
    cli = [sys.executable, "-m", "workbench.cli", "run"]
    done = subprocess.run(cli + ["tone", "-o", str(out), "--param", "frequency=440", "--param",
                                 "duration=0.5", "--rate", "22050"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    x, rate = sf.read(str(out), dtype="float32")
    assert rate == 22050 and len(x) == 11025 and peak_hz(x, rate) == pytest.approx(440, abs=3)
    with sf.SoundFile(str(out)) as f:
        tags = json.loads(f.comment)
        assert f.title == "Tone 440 Hz" and tags["task"] == "tone" and tags["params"]["frequency"] == 440.0
    bad = subprocess.run(cli + ["tone", "-o", str(tmp_path / "x.txt")], capture_output=True, text=True)
    assert bad.returncode == 2 and "writes audio" in bad.stderr
    bad = subprocess.run(cli + ["noise", "-o", str(out), "--param", "colour=purple"], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "choose one of" in bad.stderr


def test_exported_files_carry_the_provenance_of_the_generated_clips_they_hold(tmp_path):
    from workbench.core.mix import export_tags
    from workbench.formats.export import export_audio

    doc = Document()
    doc.set_sample_rate(48000)
    for frequency, at in ((440.0, 0.0), (880.0, 1.0)):      # the cursor stops at the end: 1 s
        _, result = drain(run_generate(registry.get("tone"), {"frequency": frequency, "duration": 1.0}, 48000))
        doc.set_cursor(at)
        apply_result(doc, result, "new track", folder=tmp_path)

    def tags_of(path):
        with sf.SoundFile(str(path)) as f:
            return f.title, json.loads(f.comment)

    # the first second holds one clip: its provenance, as `workbench run` writes it
    one = tmp_path / "one.flac"
    drain(export_audio(doc, one, 0.0, 1.0, metadata=export_tags(doc.tracks, 0.0, 1.0)))
    title, comment = tags_of(one)
    assert title == "Tone 440 Hz" and comment["task"] == "tone" and comment["params"]["frequency"] == 440.0
    # one writer: the same clip's tags are what `workbench run` writes for that output
    from workbench.tasks.generate.run import metadata

    clip = doc.tracks[0].clips[0]
    assert export_tags(doc.tracks, 0.0, 1.0) == metadata(AudioOutput(clip.name, np.zeros((1, 1)), 48000,
                                                                     clip.provenance))
    later = tmp_path / "later.wav"
    drain(export_audio(doc, later, 1.5, None, metadata=export_tags(doc.tracks, 1.5, doc.duration)))
    assert tags_of(later)[1]["params"]["frequency"] == 880.0
    # the whole mix holds both, each with where it starts in the file
    both = tmp_path / "both.wav"
    drain(export_audio(doc, both, metadata=export_tags(doc.tracks, 0.0, doc.duration)))
    _, comment = tags_of(both)
    assert [(g["name"], g["at"]) for g in comment["generated"]] == [("Tone 440 Hz", 0.0), ("Tone 880 Hz", 1.0)]
    assert comment["more"] == 0
    doc.tracks[0].mute = True             # what is not heard is not claimed
    assert "440" not in export_tags(doc.tracks, 0.0, doc.duration).get("comment", "")
