"""Recording from an input device into a file as it goes.  No Qt.

PortAudio's callback only copies each block onto a queue; a writer thread appends it to a raw
float32 file in the project's audio folder (so a crash keeps everything recorded up to the last
block) and folds it into the peak pyramid.  While recording, ``source`` is readable like any
source and grows, so the timeline can draw the take live.  ``stop()`` turns the raw file into a
FLAC file beside it and returns that file opened as a source.
"""
from __future__ import annotations

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
                 name: str = "Recording", blocksize: int = 1024) -> None:
        self.folder = Path(folder)
        self.rate, self.channels, self.device = int(rate), int(channels), device
        self.blocksize = blocksize
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.path = self.folder / f"{name}-{stamp}.raw"
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
        import soundfile as sf

        from workbench.core.audio import open_audio
        from workbench.formats import atomic

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
        target = self.path.with_suffix(".flac" if fmt == "FLAC" else ".wav")
        with atomic.replacing(target) as tmp, sf.SoundFile(str(tmp), "w", self.rate, self.channels,
                                                           subtype="PCM_24" if fmt == "FLAC" else "FLOAT",
                                                           format=fmt) as f:
            for a in range(0, src.available_frames, 1 << 18):
                f.write(src.read(a, min(src.available_frames, a + (1 << 18))))
        src.close()
        self.path.unlink()
        done = open_audio(target).load_all()
        done.owned = True
        return done

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
        try:
            self.path.unlink()
        except OSError:
            pass
