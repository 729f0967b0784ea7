"""Keyword spotting with the real microWakeWord models inside the pymicro-wakeword wheel, on a
real voice (Piper's en_US joe): each word is found where it is said and nowhere else."""
import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import drain
from workbench.core.audio import open_audio
from workbench.tasks import registry
from workbench.tasks.runner import run_task

SAID = [("okay_nabu", "Okay Nabu, turn on the kitchen lights."),
        (None, "The quick brown fox jumps over the lazy dog."),
        ("hey_jarvis", "Hey Jarvis, what is the weather today?"),
        (None, "Please send the report to the office before noon."),
        ("alexa", "Alexa, play some music."),
        ("hey_mycroft", "Hey Mycroft, set a timer for ten minutes.")]


@pytest.fixture(scope="module")
def commands(tmp_path_factory):
    """The sentences one after another with a second between them; (path, [(word, start, end)])."""
    pytest.importorskip("pymicro_wakeword")
    import soxr
    from test_check import piper_speech

    parts, truth, t = [], [], 1.0
    parts.append(np.zeros(16000, np.float32))
    for word, text in SAID:
        x, rate = piper_speech(text)
        x = soxr.resample(x, rate, 16000).astype(np.float32)
        truth.append((word, t, t + len(x) / 16000))
        parts += [x, np.zeros(16000, np.float32)]
        t += len(x) / 16000 + 1.0
    path = tmp_path_factory.mktemp("kw") / "commands.wav"
    sf.write(str(path), np.concatenate(parts), 16000)
    return path, truth


def test_each_wake_word_is_found_in_its_sentence_and_nowhere_else(commands):
    path, truth = commands
    src = open_audio(path).load_all()
    spec = registry.get("keywords")
    _, result = drain(run_task(spec, src, {"keywords": "", "threshold": 0.8},
                               checkpoint="microwakeword (bundled)"))
    regions = result.tracks[0][1]
    table = result.scores["Keywords"]
    assert table.labels == ["okay_nabu", "hey_jarvis", "hey_mycroft", "alexa"]
    found = [(r.text, r.start, r.end) for r in regions]
    for word, a, b in truth:
        inside = [w for w, s, e in found if s < b and e > a]
        assert inside == ([word] if word else []), (word, a, b, found)
    for r in regions:                   # a region covers the word, not only where it was heard
        assert r.end - r.start >= 0.9 and r.confidence >= 0.8
    # choosing words hides the others; the scores of all four stay with the track
    _, only = drain(run_task(spec, src, {"keywords": "alexa", "threshold": 0.8},
                             checkpoint="microwakeword (bundled)"))
    assert {r.text for r in only.tracks[0][1]} == {"alexa"}
    assert set(only.scores["Keywords"].hidden) == {"okay_nabu", "hey_jarvis", "hey_mycroft"}


def test_an_unknown_word_names_the_words_there_are(commands):
    path, _ = commands
    src = open_audio(path).load_all()
    with pytest.raises(Exception, match="okay_nabu"):
        drain(run_task(registry.get("keywords"), src, {"keywords": "marvin"},
                       checkpoint="microwakeword (bundled)"))
