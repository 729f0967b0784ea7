"""Recording from an input device into a file as it goes.  No Qt.

PortAudio's callback only copies each block onto a queue; a writer thread appends it to a raw
float32 file in the project's audio folder (so a crash keeps everything recorded up to the last
block) and folds it into the peak pyramid.  While recording, ``source`` is readable like any
source and grows, so the timeline can draw the take live.  ``stop()`` turns the raw file into a
FLAC file beside it and returns that file opened as a source.

A raw file has no header, so each take also writes a small journal (rate, channels, where it
goes) into the cache's ``takes`` folder while it records, removed when the take ends.  After a
crash, ``interrupted_takes()`` finds what was left and ``recover_take()`` turns it into FLAC, so
nothing recorded is lost.
"""
from __future__ import annotations

import json
import os
import queue
import threading
import time
from pathlib import Path

import numpy as np

from workbench.core.audio import AudioInfo, AudioSource, _RawReader
from workbench.core.playback import _describe, _sounddevice
from workbench.formats.pcm import PcmLayout

PEAK_BASE = 256
JOURNAL_MAX = 64 * 1024          # a journal bigger than this is not one of ours


def takes_dir() -> Path:
    from workbench.core.paths import cache_dir

    return cache_dir() / "takes"


class RecordingSource(AudioSource):
    """The take so far: the raw file read in place; ``available_frames`` grows as it is written."""

    owned = True

    def __init__(self, path: Path, rate: int, channels: int) -> None:
        layout = PcmLayout(0, 0, 0, channels, rate, 4, "float", False, "raw")
        info = AudioInfo(path, "RAW", "FLOAT", rate, channels, 0)
        super().__init__(info, _RawReader(path, layout))
        self.loaded = True


class Recorder:
    def __init__(self, folder, rate: int = 48000, channels: int = 2, device=None,
                 name: str = "Recording", blocksize: int = 1024, note: dict | None = None) -> None:
        self.folder = Path(folder)
        self.name = name
        self.note = dict(note or {})        # kept in the journal: where the take goes (start, project)
        self.rate, self.channels, self.device = int(rate), int(channels), device
        self.blocksize = blocksize
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.path = self.folder / f"{name}-{stamp}.raw"
        self.journal = takes_dir() / f"{self.path.stem}-{os.getpid()}.json"
        self.source: RecordingSource | None = None
        self.problem: str | None = None
        self.dropped = 0                    # blocks PortAudio reported as overflowed
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._stream = None
        self._writer: threading.Thread | None = None
        self._fd: int | None = None

    @property
    def frames(self) -> int:
        return self.source.available_frames if self.source is not None else 0

    def start(self) -> bool:
        """Open the device and begin; False (and ``problem`` in words) when that fails."""
        try:
            sd = _sounddevice()
            info = sd.query_devices(self.device, "input")
            self.channels = max(1, min(self.channels, int(info["max_input_channels"]) or 1))
            self.folder.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            self._write_journal()
            self.source = RecordingSource(self.path, self.rate, self.channels)
            self._writer = threading.Thread(target=self._write, name="recorder", daemon=True)
            self._writer.start()
            self._stream = sd.InputStream(samplerate=self.rate, channels=self.channels, dtype="float32",
                                          device=self.device, blocksize=self.blocksize,
                                          callback=self._callback)
            self._stream.start()
        except Exception as exc:
            self.problem = _describe(exc, self.device, "input")
            self._close_quietly()
            return False
        return True

    def _write_journal(self) -> None:
        from workbench.formats import atomic

        entry = {"raw": str(self.path), "rate": self.rate, "channels": self.channels, "name": self.name,
                 "device": self.device, "started": time.strftime("%Y-%m-%dT%H:%M:%S"), **self.note}
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(self.journal, json.dumps(entry))

    def _callback(self, indata, frames, time_info, status) -> None:   # PortAudio's thread
        if status and status.input_overflow:
            self.dropped += 1
        self._queue.put(indata.copy())

    def _write(self) -> None:   # the writer thread
        pending = np.zeros((0, self.channels), np.float32)
        src = self.source
        while True:
            block = self._queue.get()
            if block is None:
                break
            os.write(self._fd, np.ascontiguousarray(block, np.float32).tobytes())
            pending = np.concatenate([pending, block])
            whole = len(pending) // PEAK_BASE * PEAK_BASE
            if whole:
                src.peaks.add(src.peaks.frames, pending[:whole])
                pending = pending[whole:]
            src.available_frames += len(block)
            src.info.frames = src.available_frames
        if len(pending):
            src.peaks.add(src.peaks.frames, pending)

    def stop(self, fmt: str = "FLAC") -> AudioSource | None:
        """End the take; the recording as a FLAC (or WAV) file beside the raw one, opened.  None
        when nothing was recorded."""
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except Exception:
                pass
            self._stream = None
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join()
            self._writer = None
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None
        src = self.source
        if src is None or src.available_frames == 0:
            self._close_quietly()
            return None
        target = _finish(src, self.path, self.rate, self.channels, fmt)
        _forget(self.journal)
        return target

    def _close_quietly(self) -> None:
        if self._writer is not None:     # a start that failed after the writer began
            self._queue.put(None)
            self._writer.join()
            self._writer = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self.source is not None:
            self.source.close()
        _forget(self.path)
        _forget(self.journal)


def _finish(src: AudioSource, raw: Path, rate: int, channels: int, fmt: str = "FLAC") -> AudioSource:
    """The raw take as a FLAC (or WAV) file beside it, opened; the raw file is then removed."""
    import soundfile as sf

    from workbench.core.audio import open_audio
    from workbench.formats import atomic

    target = raw.with_suffix(".flac" if fmt == "FLAC" else ".wav")
    frames = src.available_frames
    with atomic.replacing(target) as tmp, sf.SoundFile(str(tmp), "w", rate, channels,
                                                       subtype="PCM_24" if fmt == "FLAC" else "FLOAT",
                                                       format=fmt) as f:
        for a in range(0, frames, 1 << 18):
            f.write(src.read(a, min(frames, a + (1 << 18))))
    src.close()
    raw.unlink()
    done = open_audio(target).load_all()
    done.owned = True
    return done


def _forget(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _read_journal(path: Path) -> dict | None:
    """A journal's entry, or None when it is not one this program wrote (damaged, too big, wrong
    types): such a file is left alone, never trusted."""
    try:
        if path.stat().st_size > JOURNAL_MAX:
            return None
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("raw"), str) or not entry["raw"].endswith(".raw"):
        return None
    rate, channels = entry.get("rate"), entry.get("channels")
    if type(rate) is not int or not 1 <= rate <= 768000 or type(channels) is not int or not 1 <= channels <= 64:
        return None
    start = entry.get("start", 0.0)
    entry["start"] = float(start) if type(start) in (int, float) and 0 <= start < 1e7 else 0.0
    if not isinstance(entry.get("name"), str):
        entry["name"] = "Recording"
    if not isinstance(entry.get("project"), (str, type(None))):
        entry["project"] = None
    return {**entry, "journal": str(path)}


def interrupted_takes(busy: float = 5.0) -> list[dict]:
    """Takes a crash left behind: journals whose raw file still holds audio and has not been
    written to for ``busy`` seconds (a take another window is recording is left alone).
    Journals whose raw file is gone are removed."""
    found = []
    folder = takes_dir()
    if not folder.is_dir():
        return found
    for journal in sorted(folder.glob("*.json")):
        entry = _read_journal(journal)
        if entry is None:
            continue
        raw = Path(entry["raw"])
        try:
            st = raw.stat()
        except OSError:
            _forget(journal)
            continue
        if time.time() - st.st_mtime < busy:
            continue
        frame = 4 * entry["channels"]
        entry["frames"] = st.st_size // frame
        if entry["frames"] == 0:
            _forget(raw)
            _forget(journal)
            continue
        found.append(entry)
    return found


def recover_take(entry: dict, fmt: str = "FLAC") -> AudioSource:
    """An interrupted take as FLAC beside its raw file (whole frames only: a block cut short by
    the crash is dropped), opened; its journal is removed.  Raises OSError when it cannot be."""
    raw = Path(entry["raw"])
    src = RecordingSource(raw, entry["rate"], entry["channels"])
    src.available_frames = src.info.frames = raw.stat().st_size // (4 * entry["channels"])
    done = _finish(src, raw, entry["rate"], entry["channels"], fmt)
    _forget(Path(entry["journal"]))
    return done


def discard_take(entry: dict) -> None:
    """The user does not want it: the raw file and its journal go."""
    _forget(Path(entry["raw"]))
    _forget(Path(entry["journal"]))
