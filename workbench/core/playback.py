"""Audio output through sounddevice/PortAudio, without Qt.

The player reads straight from the source in its audio callback (block reads from disk, no copy
of the file in memory) and keeps the DAC time of each block, so ``position()`` can be asked as
often as a view repaints and moves smoothly.  When PortAudio or a device is missing, ``problem``
says why in words and everything else keeps working.
"""
from __future__ import annotations

import threading
import time


from workbench.core.events import Signal
from workbench.core.timeline import fit_channels

TAIL_SECONDS = 0.25


def _sounddevice():
    try:
        import sounddevice as sd
    except OSError as exc:  # the wheel does not ship PortAudio on Linux
        raise RuntimeError(f"audio output is unavailable: PortAudio is not installed ({exc})") from exc
    return sd


def output_devices() -> list[str]:
    """Names of the devices that can play, or [] when there is no audio system."""
    return _devices("max_output_channels")


def input_devices() -> list[str]:
    """Names of the devices that can record, or [] when there is no audio system."""
    return _devices("max_input_channels")


def _devices(channels: str) -> list[str]:
    try:
        sd = _sounddevice()
        return [d["name"] for d in sd.query_devices() if d[channels] > 0]
    except Exception:
        return []


class Player:
    def __init__(self, device: str | None = None, blocksize: int = 1024) -> None:
        self.device = device
        self.blocksize = blocksize
        self.finished = Signal()      # emitted from the audio thread; UIs re-post it
        self._stream = None
        self._lock = threading.Lock()
        self._source = None   # anything with read/sample_rate/frames/channels (the mix)
        self._pos = 0
        self._start = 0
        self._end = 0
        self._loop = False
        self._marks: tuple[float, int] | None = None   # (dac time, frame) of the last block
        self.problem: str | None = None

    @property
    def source(self):
        """What is playing (the mix), or None."""
        return self._source if self._stream is not None else None

    @property
    def playing(self) -> bool:
        return self._stream is not None and self._stream.active

    def play(self, source, start_s: float, end_s: float, loop: bool = False) -> bool:
        """Play [start_s, end_s) of ``source``; returns False (and sets ``problem``) on failure."""
        self.stop()
        sr = source.sample_rate
        self._source = source
        self._start = max(0, int(start_s * sr))
        self._end = min(source.frames, int(end_s * sr))
        if self._end <= self._start:
            self._start, self._end = 0, source.frames
        self._pos = self._start
        self._loop = loop
        self._marks = None
        self._tail = int(TAIL_SECONDS * sr)
        self._tail_played = 0
        try:
            sd = _sounddevice()
            info = sd.query_devices(self.device, "output")
            channels = min(source.channels, max(1, int(info["max_output_channels"])))
            self._channels = channels
            self._stream = sd.OutputStream(
                samplerate=sr, channels=channels, dtype="float32", device=self.device,
                blocksize=self.blocksize, callback=self._callback,
                finished_callback=self._on_finished)
            self._stream.start()
        except Exception as exc:
            self._stream = None
            self.problem = _describe(exc, self.device)
            return False
        self.problem = None
        return True

    def _callback(self, out, frames, time_info, status) -> None:
        import sounddevice as sd

        filled = 0
        while filled < frames:
            n = min(frames - filled, self._end - self._pos)
            if n <= 0:
                if self._loop:
                    self._pos = self._start
                    continue
                # Play a short silent tail before stopping: some back-ends (ALSA's Pulse plugin)
                # drop whatever they still hold when the stream stops, which would cut the end.
                out[filled:] = 0
                if filled == 0:  # the tail's frames count on past the end, so time runs forward
                    self._mark(time_info, self._end + self._tail_played)
                self._tail_played += frames - filled
                self._tail -= frames - filled
                if self._tail <= 0:
                    raise sd.CallbackStop
                return
            block = self._source.read(self._pos, self._pos + n)
            out[filled:filled + n] = fit_channels(block, self._channels)
            if filled == 0:
                self._mark(time_info, self._pos)
            self._pos += n
            filled += n

    def _mark(self, time_info, frame: int) -> None:
        """Remember which frame the buffer being filled starts with and when it will be heard."""
        dac = getattr(time_info, "outputBufferDacTime", 0.0) or 0.0
        with self._lock:
            self._marks = (dac, frame, time.monotonic())

    def _on_finished(self) -> None:
        self.finished.emit()

    def position(self) -> float | None:
        """Seconds of the sample now leaving the speaker, or None when stopped."""
        if self._stream is None or self._source is None:
            return None
        sr = self._source.sample_rate
        with self._lock:
            marks = self._marks
        if marks is None:
            return self._start / sr
        dac, frame, wall = marks
        try:
            now = self._stream.time
        except Exception:
            now = 0.0
        if dac and now:
            elapsed = now - dac
        else:
            latency = getattr(self._stream, "latency", 0.0) or 0.0
            elapsed = time.monotonic() - wall - latency
        pos = frame + elapsed * sr
        if self._loop and self._end > self._start:
            pos = self._start + (pos - self._start) % (self._end - self._start)
        return min(max(pos, self._start), self._end) / sr

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:
                pass


def _describe(exc: Exception, device, direction: str = "output") -> str:
    """PortAudio's error in words, for an ``output`` or ``input`` device."""
    text = str(exc)
    if "PortAudio" in text and "unavailable" in text:
        return text
    if any(k in text for k in ("No such device", "Error querying device", "No output device",
                               "No input device", "Invalid device", "-1")):
        where = f"“{device}”" if device else f"the default {direction}"
        return f"no audio {direction} device ({where} is not available)"
    return f"audio {direction} failed: {text}"
