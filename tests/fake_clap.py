"""A stand-in for a CLAP model whose answers are known: zero-shot tests check timing, kept
scores and re-filtering against it, and the real transformers path separately (tinygen)."""
import numpy as np

RATE = 48000


class FakeClap:
    """Vectors by what the audio is: loud 1 kHz tone -> "beep", noise -> "hiss", else quiet.
    The real class's interface and call counters, so the task's own code runs around it."""
    rate, scale = RATE, 20.0

    def __init__(self):
        self.audio_calls = self.text_calls = 0

    def text(self, prompts):
        self.text_calls += 1
        table = {"the sound of beep": [1, 0, 0], "the sound of hiss": [0, 1, 0], "the sound of quiet": [0, 0, 1]}
        return np.array([table[p] for p in prompts], np.float32)

    def audio(self, pieces):
        self.audio_calls += 1
        out = []
        for x in pieces:
            spectrum = np.abs(np.fft.rfft(x))
            tone = spectrum[int(1000 * len(x) / RATE)] / (spectrum.sum() + 1e-9)
            loud = np.sqrt(np.mean(x ** 2))
            v = np.array([tone * 50, (loud > 0.05) * (1 - tone * 50), 0.05], np.float32)
            out.append(v / np.linalg.norm(v))
        return np.array(out)
