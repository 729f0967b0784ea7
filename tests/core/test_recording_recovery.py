"""A recording cut short by a crash is not lost: the raw take and its journal are found at the
next start and turned into FLAC; damaged journals are never trusted."""
import json
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.core import recording


@pytest.fixture(autouse=True)
def own_takes(tmp_path, monkeypatch):
    monkeypatch.setattr(recording, "takes_dir", lambda: tmp_path / "takes")
    return tmp_path / "takes"


def _left_by_a_crash(folder: Path, data: np.ndarray, rate: int, **note) -> Path:
    """What a Recorder leaves when the process dies mid-take: the raw float32 file and the journal."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / "Recording-1-20261122-101010.raw"
    raw.write_bytes(np.ascontiguousarray(data, np.float32).tobytes())
    journal = recording.takes_dir() / f"{raw.stem}-1234.json"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text(json.dumps({"raw": str(raw), "rate": rate, "channels": data.shape[1],
                                   "name": "Recording-1", "device": None, "started": "2026-11-22T10:10:10",
                                   **note}))
    old = time.time() - 60
    os.utime(raw, (old, old))
    return raw


def test_an_interrupted_take_is_found_and_recovered_sample_for_sample(tmp_path):
    rng = np.random.default_rng(3)
    data = (rng.uniform(-0.5, 0.5, (48000, 2))).astype(np.float32)
    raw = _left_by_a_crash(tmp_path / "song_audio", data, 48000, start=1.5, track="Recording 1")
    with open(raw, "ab") as f:                # the block the crash cut in half
        f.write(b"\x00" * 5)
    os.utime(raw, (time.time() - 60, time.time() - 60))
    (take,) = recording.interrupted_takes()
    assert take["frames"] == 48000 and take["rate"] == 48000 and take["start"] == 1.5
    source = recording.recover_take(take)
    assert source.path == raw.with_suffix(".flac") and not raw.exists()
    got, rate = sf.read(source.path, dtype="float32")
    assert rate == 48000 and got.shape == data.shape
    np.testing.assert_allclose(got, data, atol=2 ** -22)          # 24-bit FLAC
    assert recording.interrupted_takes() == []                      # its journal went


def test_a_take_still_being_written_is_left_alone(tmp_path):
    raw = _left_by_a_crash(tmp_path, np.zeros((4800, 1)), 16000)
    os.utime(raw, None)                         # written to just now: another window records it
    assert recording.interrupted_takes() == []
    assert len(recording.interrupted_takes(busy=0)) == 1


def test_journals_of_vanished_or_empty_takes_are_cleared(tmp_path, own_takes):
    raw = _left_by_a_crash(tmp_path, np.zeros((10, 2)), 48000)
    raw.unlink()
    assert recording.interrupted_takes() == [] and not list(own_takes.glob("*.json"))
    raw = _left_by_a_crash(tmp_path, np.zeros((0, 2)), 48000)
    assert recording.interrupted_takes() == [] and not raw.exists()


def test_damaged_journals_are_never_trusted(tmp_path, own_takes):
    """Mutated journals: each is refused (left alone) or read with sane values, never raises,
    and never points recovery at a file that is not a raw take."""
    _left_by_a_crash(tmp_path, np.zeros((100, 2)), 48000, start=0.5)
    (journal,) = own_takes.glob("*.json")
    valid = journal.read_bytes()
    bad_values = [None, -1, 0, 2 ** 70, 1e308, float("nan"), "48000", [], {}, True, "/etc/passwd"]
    rng = random.Random(5)
    for i in range(600):
        entry = json.loads(valid)
        if i % 3 == 0:
            key = rng.choice(list(entry))
            entry[key] = rng.choice(bad_values)
            text = json.dumps(entry).encode()
        elif i % 3 == 1:
            text = bytearray(valid)
            for _ in range(rng.randint(1, 8)):
                text[rng.randrange(len(text))] = rng.randrange(256)
            text = bytes(text)
        else:
            text = valid[: rng.randrange(len(valid))]
        journal.write_bytes(text)
        for take in recording.interrupted_takes():
            assert take["raw"].endswith(".raw") and 1 <= take["rate"] <= 768000
            assert 1 <= take["channels"] <= 64 and 0 <= take["start"] < 1e7
    journal.write_bytes(b"[" * 100000 + b"]" * 100000)
    assert recording.interrupted_takes() == []
    journal.write_bytes(b" " * (recording.JOURNAL_MAX + 1))
    assert recording.interrupted_takes() == []


def test_a_real_crash_mid_take_loses_nothing(tmp_path, own_takes, null_sink):
    """A process recording the null sink's monitor dies without stopping (os._exit); what it had
    written comes back."""
    script = textwrap.dedent(f"""
        import os, sys, time
        from pathlib import Path
        from workbench.core import recording
        recording.takes_dir = lambda: Path({str(own_takes)!r})
        r = recording.Recorder(Path({str(tmp_path / 'audio')!r}), 48000, 2, note={{"start": 2.0}})
        assert r.start(), r.problem
        while r.frames < 24000:
            time.sleep(0.01)
        print(r.path, flush=True)
        os._exit(9)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 9, done.stderr
    raw = Path(done.stdout.strip())
    assert raw.exists() and raw.stat().st_size >= 24000 * 8
    written = np.frombuffer(raw.read_bytes()[: raw.stat().st_size // 8 * 8], np.float32).reshape(-1, 2)
    (take,) = recording.interrupted_takes(busy=0)
    assert take["start"] == 2.0 and take["frames"] == len(written)
    source = recording.recover_take(take)
    got, _ = sf.read(source.path, dtype="float32")
    np.testing.assert_allclose(got, np.clip(written, -1, 1 - 2 ** -23), atol=2 ** -22)
