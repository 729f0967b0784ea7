"""microWakeWord: the four wake-word models (okay nabu, hey jarvis, hey mycroft, alexa) that ship
inside the pymicro-wakeword wheel (Apache-2.0, TensorFlow Lite), as an offline keyword-spotting
backend.  One feature stream (pymicro-features' 40-band front end, every 10 ms) feeds every
model; each says, every 30 ms, how sure it is that its word has just been said.  No Qt."""
from __future__ import annotations

import numpy as np

from workbench.tasks.events import TaskCancelled, TaskError

MICRO = "microwakeword (bundled)"
REACH_S = 1.0      # a score speaks for the second before it: the word it has just heard


def _package():
    try:
        import pymicro_wakeword
    except ImportError as exc:
        raise TaskError("the bundled wake words need pymicro-wakeword: pip install pymicro-wakeword, "
                        "or choose a keyword classifier such as MIT/ast-finetuned-speech-commands-v2") from exc
    return pymicro_wakeword


def words() -> list[str]:
    """The wake words, as the models name them ("okay_nabu", ...)."""
    return [m.value for m in _package().Model]


def scores(samples: np.ndarray, rate: int, cancelled=lambda: False):
    """(labels, spans, values): every model's probability every 30 ms of 16 kHz mono audio;
    each row's span is the second of audio that ends where the score was made."""
    package = _package()
    if rate != 16000:
        raise TaskError(f"the wake-word models take 16 kHz audio, not {rate} Hz")
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    frames = list(package.MicroWakeWordFeatures().process_streaming(pcm))
    labels = words()
    rows: list[list[float]] = []
    ends: list[float] = []
    for column, name in enumerate(labels):
        if cancelled():
            raise TaskCancelled()
        model = package.MicroWakeWord.from_builtin(package.Model(name))
        try:
            n = 0
            for k, feature in enumerate(frames):
                p = model.process_streaming_prob(feature)
                if (k + 1) % model.stride:          # a score comes every stride frames
                    continue
                if column == 0:
                    rows.append([0.0] * len(labels))
                    ends.append(min(len(samples) / rate, (k + 1) * 0.010 + 0.020))
                if n < len(rows):
                    rows[n][column] = float(p or 0.0)
                n += 1
        finally:
            model.close()
    ends_a = np.array(ends, np.float64)
    spans = np.stack([np.maximum(0.0, ends_a - REACH_S), ends_a], axis=1) if len(ends) else np.zeros((0, 2))
    return labels, spans, np.array(rows, np.float32).reshape(len(ends), len(labels))
