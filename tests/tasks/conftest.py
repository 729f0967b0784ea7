import os
import shutil
import subprocess

import numpy as np
import pytest
import soundfile as sf

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def speak(text: str, path) -> np.ndarray:
    if not shutil.which("espeak-ng"):
        if IN_CI:
            pytest.fail("CI must have espeak-ng (apt-get install espeak-ng)")
        pytest.skip("espeak-ng is not installed")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text], check=True)
    x, sr = sf.read(str(path))
    assert sr == 22050
    idx = np.nonzero(np.abs(x) > 0.02)[0]
    return x[idx[0]: idx[-1] + 1].astype(np.float32)


@pytest.fixture
def speech_file(tmp_path):
    """Speech with known silences: returns (path, [(start, end), ...] true speech in seconds)."""
    sr = 22050
    a = speak("Voice activity detection finds where people speak.", tmp_path / "a.wav")
    b = speak("And it leaves the silence alone.", tmp_path / "b.wav")
    parts, truth, t = [], [], 0.0
    for gap, utter in ((1.0, a), (2.0, b), (1.5, None)):
        parts.append(np.zeros(int(gap * sr), np.float32))
        t += int(gap * sr) / sr
        if utter is not None:
            parts.append(utter)
            truth.append((t, t + len(utter) / sr))
            t += len(utter) / sr
    path = tmp_path / "speech.wav"
    sf.write(str(path), np.concatenate(parts), sr)
    return path, truth
