"""Audio sources: a recording on disk that can be read at any frame without loading it whole.

* Uncompressed WAV / RF64 / AIFF / AIFC are read in place with ``os.pread`` (no copy in memory).
* Everything else libsndfile can read (FLAC, Ogg Vorbis/Opus, MP3, ...) is decoded once, in the
  background, into a raw cache file next to the user's cache; after that it reads the same way.

``open_audio`` only reads headers and returns at once; ``source.load()`` is a generator that does
the long work (decoding, building the peak pyramid) and yields its progress as a fraction, so the
GUI can run it on a worker thread and the CLI can run it inline.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import struct
import sys
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from workbench.dsp.peaks import PeakPyramid
from workbench.formats.pcm import PcmLayout, parse_pcm_layout, sniff

SCAN_BLOCK = 1 << 18  # frames per block while scanning/decoding (~5 s at 48 kHz): short GIL holds


_fd2 = threading.Lock()
# lines the decoders inside libsndfile print (libmpg123: "Note: Illegal Audio-MPEG-Header ...",
# "[src/libmpg123/parse.c:wetwork():1349] error: Giving up resync ...")
_DECODER_LINE = re.compile(r"^(?:Note: |Warning: |Error: |\[src/lib\w+/[^\]]*\] (?:\w+: )?)(.*)$")


@contextmanager
def decoder_messages(into: list[str]):
    """What a C decoder prints to the process's stderr during the block, as warnings in ``into``
    instead of text on the terminal (libmpg123 writes straight to file descriptor 2 on a damaged
    MP3, past Python).  Anything else written meanwhile is passed on to the real stderr.  Where
    there is no descriptor 2 (a windowed program on Windows) nothing is captured."""
    with _fd2:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):
            yield
            return
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                sink.seek(0)
                text = sink.read(1 << 16).decode("utf-8", "replace")
    other = []
    for line in text.splitlines():
        m = _DECODER_LINE.match(line.strip())
        if m is None:
            other.append(line)
            continue
        said = m.group(1).strip().rstrip(".")
        if said and said not in into and len(into) < 8 and not said.startswith(("Trying to resync", "Skipped ")):
            into.append(said)
    if other:
        sys.stderr.write("\n".join(other) + "\n")


class AudioOpenError(Exception):
    """A file that cannot be opened, with a message a user can act on."""

    def __init__(self, path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"Cannot open “{self.path.name}”: {problem}")


class LoadCancelled(Exception):
    pass


@dataclass
class AudioInfo:
    path: Path
    format: str             # container: WAV, FLAC, OGG, MP3, AIFF, ...
    subtype: str            # PCM_16, PCM_24, FLOAT, VORBIS, ...
    sample_rate: int
    channels: int
    frames: int
    warnings: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0

    def describe(self) -> str:
        ch = {1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels} ch")
        return f"{self.format} {self.subtype}, {self.sample_rate} Hz, {ch}"


class _RawReader:
    """Random access to interleaved samples in a file region, converted to float32."""

    def __init__(self, path: Path, layout: PcmLayout) -> None:
        self.layout = layout
        self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        dtype = layout.numpy_dtype()
        self._dtype = dtype
        if layout.kind == "float":
            self.scale, self.offset = 1.0, 0.0
        elif layout.kind == "uint":
            self.scale, self.offset = 1.0 / 128.0, 128.0
        else:
            self.scale, self.offset = 1.0 / float(2 ** (8 * layout.sample_width - 1)), 0.0

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def read_native(self, start: int, stop: int, buffer: bytearray | None = None) -> np.ndarray:
        """Frames [start, stop) as stored (24-bit widened to int32), shape (n, channels)."""
        lay = self.layout
        n = max(0, stop - start)
        nbytes = n * lay.frame_bytes
        if buffer is not None and len(buffer) >= nbytes:
            view = memoryview(buffer)[:nbytes]
            got = os.preadv(self._fd, [view], lay.data_offset + start * lay.frame_bytes)
            raw = view[:got]
        else:
            raw = os.pread(self._fd, nbytes, lay.data_offset + start * lay.frame_bytes)
        got_frames = len(raw) // lay.frame_bytes
        raw = raw[: got_frames * lay.frame_bytes]
        if self._dtype is not None:
            arr = np.frombuffer(raw, dtype=self._dtype).reshape(got_frames, lay.channels)
        else:  # packed 24-bit: widen to int32, keeping the value (not left-justified)
            b = np.frombuffer(raw, dtype=np.uint8).reshape(got_frames, lay.channels, 3)
            if lay.big_endian:
                b = b[..., ::-1]
            arr = (b[..., 0].astype(np.int32) | (b[..., 1].astype(np.int32) << 8)
                   | (b[..., 2].astype(np.int8).astype(np.int32) << 16))
        return arr

    def read(self, start: int, stop: int) -> np.ndarray:
        native = self.read_native(start, stop)
        if native.dtype == np.float32 and native.dtype.isnative:
            return native.copy()
        out = native.astype(np.float32)
        if self.offset:
            out -= self.offset
        if self.scale != 1.0:
            out *= self.scale
        return out


class AudioSource:
    """A recording: metadata, random-access reads and (after ``load``) a peak pyramid."""

    def __init__(self, info: AudioInfo, reader: _RawReader | None, peak_base: int = 256) -> None:
        self.info = info
        self._reader = reader
        self._lock = threading.Lock()
        self.available_frames = 0   # frames readable now (grows while decoding)
        self.peaks = PeakPyramid(info.channels, info.frames, base=peak_base)
        self.loaded = False

    # -- metadata --------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return self.info.path

    @property
    def sample_rate(self) -> int:
        return self.info.sample_rate

    @property
    def channels(self) -> int:
        return self.info.channels

    @property
    def frames(self) -> int:
        return self.info.frames

    @property
    def duration(self) -> float:
        return self.info.duration

    # -- reading ---------------------------------------------------------------------------
    def read(self, start: int, stop: int) -> np.ndarray:
        """Float32 samples of frames [start, stop), shape (stop - start, channels).

        Frames outside the file (or not decoded yet) read as silence, so callers never need to
        clip ranges themselves.
        """
        start, stop = int(start), int(stop)
        n = max(0, stop - start)
        a, b = max(0, start), min(stop, self.available_frames)
        if a == start and b == stop and n and self._reader is not None:   # all there: no copy
            data = self._reader.read(a, b)
            if len(data) == n:
                return data
        out = np.zeros((n, self.channels), np.float32)
        if b > a and self._reader is not None:
            data = self._reader.read(a, b)
            out[a - start: a - start + len(data)] = data
        return out

    def envelope(self, channel: int, start: float, stop: float, pixels: int):
        return self.peaks.query(channel, start, stop, pixels, self.read, self.frames)

    # -- the long work ---------------------------------------------------------------------
    def load(self, cancelled=lambda: False) -> Iterator[float]:
        """Scan the file once and build the peak pyramid; yields progress in [0, 1]."""
        reader = self._reader
        total = self.frames
        buf = bytearray(SCAN_BLOCK * reader.layout.frame_bytes)
        for start in range(0, total, SCAN_BLOCK):
            if cancelled():
                raise LoadCancelled()
            block = reader.read_native(start, min(total, start + SCAN_BLOCK), buf)
            self.peaks.add(start, block, reader.scale, reader.offset)
            self.available_frames = start + len(block)
            yield self.available_frames / max(1, total)
        self.available_frames = total
        self.peaks.finish()
        self.loaded = True
        yield 1.0

    def load_all(self) -> "AudioSource":
        for _ in self.load():
            pass
        return self

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()


class DecodedSource(AudioSource):
    """A compressed file decoded once into a raw cache file, then read like a WAV."""

    def __init__(self, info: AudioInfo, cache_dir: Path) -> None:
        super().__init__(info, None)
        self._cache_dir = cache_dir
        self._cache_path: Path | None = None

    def _cache_dtype(self) -> tuple[np.dtype, str, int]:
        sub = self.info.subtype
        if sub in ("PCM_16", "PCM_S8", "PCM_U8", "ULAW", "ALAW"):
            return np.dtype("<i2"), "int16", 2
        if sub in ("PCM_24", "PCM_32"):
            return np.dtype("<i4"), "int32", 4
        return np.dtype("<f4"), "float32", 4

    def load(self, cancelled=lambda: False) -> Iterator[float]:
        import soundfile as sf

        dtype, sf_dtype, width = self._cache_dtype()
        ch = self.channels
        need = self.frames * ch * width
        self._cache_dir.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(self._cache_dir).free
        if need > free:
            raise AudioOpenError(
                self.path, f"not enough disk space to decode it: needs {need / 1e6:.0f} MB in "
                           f"{self._cache_dir}, {free / 1e6:.0f} MB free")
        fd, name = tempfile.mkstemp(prefix="decoded-", suffix=".raw", dir=self._cache_dir)
        self._cache_path = Path(name)
        kind = "float" if dtype.kind == "f" else "int"
        layout = PcmLayout(0, 0, 0, ch, self.sample_rate, width, kind, False, "raw")
        said: list[str] = []          # what the decoder printed, said once as one warning
        try:
            with decoder_messages(said):
                f = sf.SoundFile(str(self.path))
            with f:
                reader = _RawReader(self._cache_path, layout)
                self._reader = reader
                pos = 0
                damaged = False
                while True:
                    if cancelled():
                        raise LoadCancelled()
                    try:
                        with decoder_messages(said):
                            block = _read_on(f, SCAN_BLOCK, sf_dtype)
                    except Exception as exc:  # a damaged frame: salvage up to it, then stop
                        with decoder_messages(said):
                            block = _salvage(f, pos, sf_dtype)
                        self.info.warnings.append(
                            f"decoding stopped at {(pos + len(block)) / self.sample_rate:.1f} s: "
                            f"{str(exc).strip() or type(exc).__name__}")
                        damaged = True
                    if len(block) == 0:
                        break
                    os.pwrite(fd, np.ascontiguousarray(block, dtype).tobytes(), pos * ch * width)
                    self.peaks.add(pos, block, reader.scale, reader.offset)
                    pos += len(block)
                    self.available_frames = pos
                    if pos > self.info.frames:
                        self.info.frames = pos
                    yield min(0.999, pos / max(1, self.info.frames))
                    if damaged:
                        break
            if said:
                self.info.warnings.append(f"the {self.info.format} decoder reported damage: "
                                          f"{'; '.join(said[:3])}")
            if pos == 0:
                raise AudioOpenError(self.path, "no audio could be decoded from it (the file is "
                                                "damaged or truncated)")
            if pos < self.info.frames * 0.999 and not self.info.warnings:
                self.info.warnings.append(
                    f"the file ends early: the header announced {self.info.duration:.1f} s, "
                    f"{pos / self.sample_rate:.1f} s could be decoded")
            self.info.frames = pos
            self.available_frames = pos
            self._reader.layout = PcmLayout(0, pos, pos, ch, self.sample_rate, width, kind,
                                            False, "raw")
        except BaseException:
            os.close(fd)
            self.close()
            raise
        os.close(fd)
        self.peaks.finish()
        self.loaded = True
        yield 1.0

    def close(self) -> None:
        super().close()
        if self._cache_path is not None:
            try:
                self._cache_path.unlink()
            except OSError:
                pass
            self._cache_path = None


_CTYPES = {"int16": "short", "int32": "int", "float32": "float", "float64": "double"}


def _read_on(f, frames: int, dtype: str) -> np.ndarray:
    """The next ``frames`` of an open SoundFile, read straight on (libsndfile's sf_readf_*).
    SoundFile.read seeks to where it thinks it stopped after every read, and that seek fails on
    a file whose header gives no length (a FLAC with 0 samples in STREAMINFO): the audio is there,
    the bookkeeping is not."""
    import soundfile as sf

    out = np.empty((frames, f.channels), dtype=dtype)
    ctype = _CTYPES[dtype]
    n = getattr(sf._snd, f"sf_readf_{ctype}")(f._file, sf._ffi.cast(f"{ctype} *", out.ctypes.data), frames)
    if f._errorcode:
        raise RuntimeError(sf._ffi.string(sf._snd.sf_error_number(f._errorcode)).decode("utf-8", "replace"))
    return out[:n]


def _salvage(f, pos: int, dtype: str, step: int = 1024) -> np.ndarray:
    """After a failed read at ``pos``, read small steps to keep everything before the damage."""
    pieces = []
    try:
        f.seek(pos)
        while True:
            piece = f.read(step, dtype=dtype, always_2d=True)
            if len(piece) == 0:
                break
            pieces.append(piece)
    except Exception:
        pass
    if not pieces:
        return np.zeros((0, f.channels), dtype)
    return np.concatenate(pieces)


def default_cache_dir() -> Path:
    from workbench.core.paths import cache_dir

    return cache_dir() / "decoded"


# what sniff() calls the containers this program reads
AUDIO_LOOKS = ("a RIFF/WAV file", "an RF64 file", "an AIFF file", "a FLAC file", "an Ogg file", "an MP3 file",
               "an MPEG audio stream")
_FRIENDLY = {  # libsndfile's wording (lower case) -> what a user can act on
    "format not recognised": "its contents are not in an audio format this program reads",
    "unknown format": "its contents are not in an audio format this program reads",
    "malformed": "its header is damaged",
    "error in wav": "its WAV header is damaged",
    "error in aiff": "its AIFF header is damaged",
    "unsupported": "it uses an encoding this program cannot decode",
    "unimplemented format": "it is damaged, or uses an encoding this program cannot decode",
    "sf_info struct incomplete": "its header gives no sample rate or no channels (it is damaged)",
    # said of a regular file (checked above) that libsndfile could not parse, e.g. an MP3 cut short
    "not a regular file": "its audio could not be decoded: the file is cut short or damaged",
    "unexpected end of file": "the file ends before its audio begins (it is cut short)",
}


MAX_FRAMES_PER_BYTE = 1 << 14   # FLAC of pure silence packs ~3,000 frames in a byte; beyond this, a lie
MAX_RATE = 768000       # Hz: the fastest converters; a header claiming more is damaged
MAX_CHANNELS = 64       # 7th-order ambisonics and multitrack rigs fit; 65535 is a lie


def _check_shape(path: Path, rate: int, channels: int) -> None:
    """Refuse a header's absurd rate or channel count before anything is sized by it."""
    if not 1 <= rate <= MAX_RATE:
        raise AudioOpenError(path, f"its header gives a sample rate of {rate} Hz; this program "
                                   f"opens 1 Hz to {MAX_RATE // 1000} kHz (the file is probably damaged)")
    if not 1 <= channels <= MAX_CHANNELS:
        raise AudioOpenError(path, f"its header gives {channels} channels; this program opens 1 to "
                                   f"{MAX_CHANNELS} (the file is probably damaged)")


def open_audio(path, cache_dir: Path | None = None) -> AudioSource:
    """Open a recording for reading; raises AudioOpenError with a readable reason.

    Reads only headers: call ``load()`` (or ``load_all()``) to scan or decode the audio.
    """
    path = Path(path)
    if not path.exists():
        raise AudioOpenError(path, "the file does not exist")
    if path.is_dir():
        raise AudioOpenError(path, "it is a folder, not a file")
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):    # opening a pipe would wait for a writer for ever
            raise AudioOpenError(path, "it is not a regular file (a pipe, device or socket): save "
                                       "the stream to a file first")
        size = st.st_size
        with open(path, "rb") as f:
            head = f.read(64)
    except OSError as exc:
        raise AudioOpenError(path, f"it cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        raise AudioOpenError(path, "the file is empty (0 bytes)")

    try:
        layout = parse_pcm_layout(path, size)
    except (struct.error, OverflowError, ValueError, MemoryError) as exc:   # a header that lies
        raise AudioOpenError(path, f"its header is damaged ({type(exc).__name__}: {exc})") from exc
    if layout is not None:
        _check_shape(path, layout.sample_rate, layout.channels)
        if layout.frames == 0:
            raise AudioOpenError(path, "it contains no audio (0 samples)")
        info = AudioInfo(path, layout.container, layout.subtype, layout.sample_rate,
                         layout.channels, layout.frames)
        if layout.frames < layout.declared_frames:
            info.warnings.append(
                f"the file is truncated: its header announces {layout.declared_frames / layout.sample_rate:.1f} s, "
                f"it holds {layout.frames / layout.sample_rate:.1f} s; the part that is there was opened")
        src = AudioSource(info, _RawReader(path, layout))
        return src

    import soundfile as sf

    said: list[str] = []
    try:
        with decoder_messages(said):
            sfi = sf.info(str(path))
    except Exception as exc:  # libsndfile's own wording, made readable
        text = str(exc).split(":")[-1].strip().rstrip(".") if str(exc) else type(exc).__name__
        reason = next((v for k, v in _FRIENDLY.items() if k in str(exc).lower()), text) or \
            "its audio could not be decoded (the file is damaged or in an unknown format)"
        what = sniff(head)
        ext = path.suffix.lstrip(".").upper() or "no extension"
        if reason == _FRIENDLY["unknown format"] and what in AUDIO_LOOKS:
            # it looks like audio: saying "not an audio format" would contradict the next words
            raise AudioOpenError(path, f"it looks like {what}, but its header could not be read (it is "
                                       f"damaged, or a variant this program does not read)") from exc
        raise AudioOpenError(path, f"{reason} (name says {ext}, contents look like {what})") from exc
    _check_shape(path, int(sfi.samplerate), int(sfi.channels))
    if sfi.frames <= 0:
        raise AudioOpenError(path, "it contains no audio (0 samples)")
    frames = int(sfi.frames)
    warnings = []
    if frames > size * MAX_FRAMES_PER_BYTE:     # "unknown length" or a damaged count: decode and see
        warnings.append(f"its header gives an impossible length ({frames:,} samples in "
                        f"{size:,} bytes); the length is what could be decoded")
        frames = size * MAX_FRAMES_PER_BYTE // 64      # a first guess: the pyramid grows as needed
    info = AudioInfo(path, sfi.format, sfi.subtype, int(sfi.samplerate), int(sfi.channels), frames)
    info.warnings.extend(warnings)
    return DecodedSource(info, Path(cache_dir) if cache_dir else default_cache_dir())
