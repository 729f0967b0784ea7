"""The task engine: specs as data, the runner's protocol, voice activity on real weights."""
import threading
import time

import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import drain

from workbench.core.audio import open_audio
from workbench.tasks import registry
from workbench.tasks.runner import Partial, Progress, TaskCancelled, load_input, run_task


def test_params_are_typed_and_checked():
    spec = registry.get("vad")
    assert spec.parse_params({"threshold": "0.7", "pad_ms": "10"})["threshold"] == 0.7
    with pytest.raises(ValueError, match="outside"):
        spec.parse_params({"threshold": "2"})
    with pytest.raises(ValueError, match="no parameter"):
        spec.parse_params({"beam": "5"})
    with pytest.raises(KeyError, match="unknown task"):
        registry.get("nope")
    assert [t.id for t in registry.all_tasks("understand")] == ["vad", "asr", "tag", "overview", "diarize", "language",
                                                                 "enroll", "identify", "zeroshot", "keywords", "classify",
                                                                 "train"]
    assert [t.id for t in registry.all_tasks("generate")] == ["tone", "chirp", "noise", "silence", "dtmf",
                                                               "click", "tts", "music", "sfx", "enhance"]


def test_input_is_resampled_and_mixed(tmp_path):
    t = np.arange(48000) / 48000
    left = np.sin(2 * np.pi * 440 * t).astype(np.float32)
    path = tmp_path / "x.wav"
    sf.write(str(path), np.stack([left, -left], 1), 48000, subtype="FLOAT")
    src = open_audio(path).load_all()
    assert np.abs(load_input(src, 0, 1, 16000, "mix")).max() < 1e-6   # L + (-L) = silence
    x = load_input(src, 0.25, 0.75, 16000, "left")
    assert len(x) == 8000 and np.abs(x).max() == pytest.approx(1.0, abs=0.01)


def test_vad_finds_the_speech(speech_file):
    path, truth = speech_file
    src = open_audio(path).load_all()
    events, result = drain(run_task(registry.get("vad"), src, {}))
    (name, regions), = result.tracks
    assert name == "Voice activity" and len(regions) == 2
    for r, (a, b) in zip(regions, truth):
        assert abs(r.start - a) < 0.2 and abs(r.end - b) < 0.2, (r, a, b)
        assert dict(r.origin)["task"] == "vad"
    assert any(isinstance(e, Progress) for e in events) and any(isinstance(e, Partial) for e in events)
    # the result says how long it took and holds no audio (the command line prints the seconds)
    assert result.audio == [] and result.seconds > 0


def test_vad_on_a_selection_keeps_timeline_times(speech_file):
    path, truth = speech_file
    src = open_audio(path).load_all()
    _, result = drain(run_task(registry.get("vad"), src, {}, start=5.0, end=src.duration))
    (r,) = result.tracks[0][1]
    assert abs(r.start - truth[1][0]) < 0.2 and abs(r.end - truth[1][1]) < 0.2


def test_speech_across_a_chunk_boundary_is_one_region(tmp_path, speech_file, monkeypatch):
    """VAD listens in chunks; speech cut by a chunk edge comes back as one region."""
    from workbench.tasks.understand import vad

    path, truth = speech_file
    a, b = truth[0]
    monkeypatch.setattr(vad, "CHUNK_SECONDS", (a + b) / 2)   # a chunk edge inside the first utterance
    src = open_audio(path).load_all()
    _, result = drain(run_task(registry.get("vad"), src, {}))
    regions = result.tracks[0][1]
    assert len(regions) == 2
    assert abs(regions[0].start - a) < 0.2 and abs(regions[0].end - b) < 0.2


def test_cancel_stops_within_a_second(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "long.wav"
    sf.write(str(path), (0.1 * rng.standard_normal(16000 * 300)).astype(np.float32), 16000)
    src = open_audio(path).load_all()
    flag = threading.Event()
    gen = run_task(registry.get("vad"), src, {}, cancelled=flag.is_set)
    next(gen)
    next(gen)                       # running now
    t = time.perf_counter()
    flag.set()
    with pytest.raises(TaskCancelled):
        drain(gen)
    assert time.perf_counter() - t < 1.0


def test_vad_streams_settled_regions_before_the_end(speech_file, monkeypatch):
    """Regions show as soon as they cannot change: the first utterance arrives as a partial
    result before the audio after it has been listened to; all partials add up to the result."""
    from workbench.tasks.understand import vad

    path, truth = speech_file
    monkeypatch.setattr(vad, "CHUNK_SECONDS", 1.0)
    src = open_audio(path).load_all()
    events, result = drain(run_task(registry.get("vad"), src, {}))
    partials = [k for k, e in enumerate(events) if isinstance(e, Partial)]
    progress_after_first = [e.fraction for e in events[partials[0]:] if isinstance(e, Progress)]
    assert len(partials) == 2 and progress_after_first and progress_after_first[0] < 0.9
    streamed = [r for e in events if isinstance(e, Partial) for r in e.regions]
    assert [(r.start, r.end) for r in streamed] == [(r.start, r.end) for r in result.tracks[0][1]]
