"""pyannote.audio as an optional diarization backend.  The library and its gated models cannot
be had here, so a stand-in with pyannote's interface (Pipeline.from_pretrained, .to, a call with
waveform/sample_rate and num_speakers or max_speakers, an Annotation-like answer) checks what
the workbench does with it; and without the library, a clear message."""
import sys
import types

import numpy as np
import pytest

from audio_fixtures import direct, drain
from workbench.tasks import models
from workbench.tasks.understand import speakers

CHECKPOINT = "pyannote/speaker-diarization-3.1"


class Segment:
    def __init__(self, start, end):
        self.start, self.end = start, end


class Annotation:
    def __init__(self, turns):
        self.turns = turns

    def itertracks(self, yield_label=False):
        for k, (a, b, who) in enumerate(self.turns):
            yield (Segment(a, b), f"T{k}", who) if yield_label else (Segment(a, b), f"T{k}")


@pytest.fixture
def fake_pyannote(monkeypatch):
    calls = {}

    class Pipeline:
        @classmethod
        def from_pretrained(cls, checkpoint, token=None):
            calls["loaded"] = (checkpoint, token)
            return cls()

        def to(self, device):
            calls["device"] = str(device)

        def __call__(self, audio, **count):
            calls["audio"] = (tuple(audio["waveform"].shape), audio["sample_rate"])
            calls["count"] = count
            # pyannote's own labels, not in time order: the workbench numbers by first turn
            return types.SimpleNamespace(speaker_diarization=Annotation(
                [(4.0, 6.0, "SPEAKER_01"), (0.5, 3.5, "SPEAKER_07"), (6.5, 8.0, "SPEAKER_07")]))

    audio = types.ModuleType("pyannote.audio")
    audio.Pipeline = Pipeline
    monkeypatch.setitem(sys.modules, "pyannote", types.ModuleType("pyannote"))
    monkeypatch.setitem(sys.modules, "pyannote.audio", audio)
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    monkeypatch.setattr(models, "_cache", type(models._cache)())
    return calls


def test_pyannote_turns_become_numbered_speakers(fake_pyannote):
    x = np.zeros(16000 * 9, np.float32)
    events, _ = drain(direct(speakers.run, x, 16000, {"speakers": 2, "max_speakers": 8}, checkpoint=CHECKPOINT,
                                   device="cpu"))
    regions = [r for e in events if hasattr(e, "regions") for r in e.regions]
    assert [(r.start, r.end, r.text) for r in regions] == [
        (0.5, 3.5, "Speaker 1"), (4.0, 6.0, "Speaker 2"), (6.5, 8.0, "Speaker 1")]
    assert fake_pyannote["loaded"] == (CHECKPOINT, "hf_test_token")
    assert fake_pyannote["device"] == "cpu" and fake_pyannote["audio"] == ((1, 16000 * 9), 16000)
    assert fake_pyannote["count"] == {"num_speakers": 2}
    drain(direct(speakers.run, x, 16000, {"speakers": 0, "max_speakers": 5}, checkpoint=CHECKPOINT, device="cpu"))
    assert fake_pyannote["count"] == {"max_speakers": 5}


def test_the_task_leaves_fetching_to_pyannote(fake_pyannote, tmp_path):
    """No download of the gated pipeline by the workbench: pyannote fetches its own."""
    import soundfile as sf

    from workbench.core.audio import open_audio
    from workbench.tasks import registry
    from workbench.tasks.runner import run_task

    sf.write(str(tmp_path / "x.wav"), np.zeros(16000 * 9, np.float32), 16000)
    src = open_audio(tmp_path / "x.wav").load_all()
    _, result = drain(run_task(registry.get("diarize"), src, {}, checkpoint=CHECKPOINT))
    assert [r.text for r in result.tracks[0][1]] == ["Speaker 1", "Speaker 2", "Speaker 1"]


def test_without_pyannote_or_a_token_the_message_says_what_to_do(monkeypatch):
    from workbench.tasks.events import TaskError

    monkeypatch.setattr(models, "_cache", type(models._cache)())
    monkeypatch.setitem(sys.modules, "pyannote.audio", None)        # import fails
    x = np.zeros(16000, np.float32)
    with pytest.raises(TaskError, match="pip install pyannote.audio"):
        drain(direct(speakers.run, x, 16000, {}, checkpoint=CHECKPOINT, device="cpu"))


def test_without_a_token_the_message_says_log_in(fake_pyannote, monkeypatch):
    from workbench.tasks.events import TaskError

    monkeypatch.delenv("HF_TOKEN")
    monkeypatch.setattr("huggingface_hub.get_token", lambda: None)
    with pytest.raises(TaskError, match="hf auth login"):
        drain(direct(speakers.run, np.zeros(16000, np.float32), 16000, {}, checkpoint=CHECKPOINT, device="cpu"))


def test_a_batch_over_workers_does_not_fetch_pyannote_models_either(monkeypatch):
    from workbench.tasks import batch

    fetched = []

    def fetch(model, cancelled=lambda: False):
        fetched.append(model)
        return model
        yield                                   # a generator, as the real one

    monkeypatch.setattr(models, "fetch", fetch)
    batch.prefetch(batch.Settings("diarize", (), CHECKPOINT))
    batch.prefetch(batch.Settings("diarize", ()))                       # bundled by default
    assert fetched == []
    batch.prefetch(batch.Settings("diarize", (), "microsoft/wavlm-base-plus-sv"))
    assert fetched == ["microsoft/wavlm-base-plus-sv"]
