"""Speech from several real voices with known turns, for diarization and speaker tests.

eSpeak NG (Debian's espeak-ng) in three clearly different voices: an en-GB male at low pitch, an
en-US female variant at high pitch, and an en-US male on the Klatt synthesiser at middle pitch.  All three
come out at 16 kHz mono; the meeting is built from turns with known start and end times.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import IN_CI

RATE = 16000
VOICES = {"Ann": ("en-us+f3", 75), "Bob": ("en-gb", 25), "Cal": ("en-us+klatt", 50),
          "Fay": ("en-us+f2", 55)}     # Fay is in no meeting: the stranger for identification


def espeak(text: str, voice: str, pitch: int, speed: int = 160) -> np.ndarray:
    """One utterance at 16 kHz, silence trimmed."""
    import soxr

    if not shutil.which("espeak-ng"):
        if IN_CI:
            pytest.fail("CI must have espeak-ng (apt-get install espeak-ng)")
        pytest.skip("espeak-ng is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "u.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "-w", str(out), text],
                       check=True)
        x, sr = sf.read(str(out), dtype="float32")
    x = soxr.resample(x, sr, RATE).astype(np.float32)
    loud = np.flatnonzero(np.abs(x) > 0.01)
    return x[loud[0]: loud[-1] + 1]


def say(who: str, text: str) -> np.ndarray:
    voice, pitch = VOICES[who]
    return espeak(text, voice, pitch)


MEETING = [   # (speaker, pause before the turn in seconds, text)
    ("Ann", 0.5, "Good morning everyone, thank you for coming to the planning meeting today."),
    ("Bob", 0.6, "Thanks Ann. I would like to start with the budget, if nobody minds."),
    ("Cal", 0.5, "That is fine with me, but we must keep it short because of the deadline."),
    ("Ann", 0.7, "Agreed. Bob, how much money is left for the second half of the year?"),
    ("Bob", 0.4, "About forty thousand, most of it already promised to the new studio."),
    ("Cal", 0.8, "Then we cannot buy the microphones we talked about last month."),
    ("Bob", 0.5, "We could rent them instead, which costs far less for a short project."),
    ("Ann", 0.6, "Good idea. Let us write that down and move on to the schedule."),
    ("Cal", 0.5, "The schedule is tight, but the recording sessions can start next week."),
]


SECOND_MEETING = [   # other words, and one voice nobody enrolled
    ("Bob", 0.5, "Let us begin with the results from the listening tests of last week."),
    ("Fay", 0.6, "I am new here, so please tell me which recordings you compared."),
    ("Ann", 0.5, "We compared the old microphones with the ones we rented for the project."),
    ("Cal", 0.7, "The rented ones were clearly better in the noisy room downstairs."),
    ("Fay", 0.5, "That matches what I heard when I tried them on my own this morning."),
    ("Bob", 0.6, "Then we should keep renting them until the budget allows buying."),
]


def meeting(turns=MEETING, tail: float = 0.5):
    """(samples at 16 kHz, [(start, end, speaker)]) for the turns, in order."""
    parts, truth, t = [], [], 0.0
    for who, pause, text in turns:
        parts.append(np.zeros(int(pause * RATE), np.float32))
        t += int(pause * RATE) / RATE
        x = say(who, text)
        parts.append(x)
        truth.append((t, t + len(x) / RATE, who))
        t += len(x) / RATE
    parts.append(np.zeros(int(tail * RATE), np.float32))
    return np.concatenate(parts), truth
