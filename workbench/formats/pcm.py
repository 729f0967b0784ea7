"""Find the raw sample data inside uncompressed WAV / RF64 / AIFF / AIFC files.

When a file stores plain PCM or IEEE float samples we read them straight from disk in blocks
(``os.pread``) instead of decoding the whole file into memory; this module only reads headers.
Anything it does not recognise returns ``None`` and the caller decodes with libsndfile instead.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PcmLayout:
    """Where the samples are and how each one is encoded."""

    data_offset: int        # byte offset of the first frame
    frames: int             # whole frames actually present in the file
    declared_frames: int    # frames the header claims (differs when the file is truncated)
    channels: int
    sample_rate: int
    sample_width: int       # bytes per sample: 1, 2, 3, 4 or 8
    kind: str               # "int" (signed), "uint" (8-bit WAV) or "float"
    big_endian: bool
    container: str          # "WAV", "RF64", "AIFF", "AIFC"

    @property
    def frame_bytes(self) -> int:
        return self.channels * self.sample_width

    @property
    def subtype(self) -> str:
        if self.kind == "float":
            return f"FLOAT{self.sample_width * 8}"
        return f"PCM_{self.sample_width * 8}"

    def numpy_dtype(self) -> np.dtype | None:
        """The dtype of one sample as stored, or None for packed 24-bit."""
        if self.sample_width == 3:
            return None
        order = ">" if self.big_endian else "<"
        letter = {"int": "i", "uint": "u", "float": "f"}[self.kind]
        return np.dtype(f"{order}{letter}{self.sample_width}")


_WAVE_FORMAT_PCM = 0x0001
_WAVE_FORMAT_FLOAT = 0x0003
_WAVE_FORMAT_EXTENSIBLE = 0xFFFE


def _layout(kind, width, big_endian, channels, rate, offset, declared, file_size, container):
    if channels <= 0 or rate <= 0 or width not in (1, 2, 3, 4, 8):
        return None
    if kind == "float" and width not in (4, 8):
        return None
    if kind == "int" and width == 8:
        return None
    frame_bytes = channels * width
    present = max(0, (file_size - offset) // frame_bytes)
    frames = min(declared, present) if declared is not None else present
    return PcmLayout(offset, int(frames), int(declared if declared is not None else present), channels,
                     int(rate), width, kind, big_endian, container)


def _parse_wav(f, file_size: int, riff: bytes) -> PcmLayout | None:
    fmt = None
    ds64_data_size = None
    pos = 12
    while pos + 8 <= file_size:
        f.seek(pos)
        header = f.read(8)
        if len(header) < 8:
            break
        cid, size = header[:4], struct.unpack("<I", header[4:])[0]
        body = pos + 8
        if cid == b"ds64":
            ds64 = f.read(min(size, 28))
            if len(ds64) >= 16:
                ds64_data_size = struct.unpack("<Q", ds64[8:16])[0]
        elif cid == b"fmt ":
            raw = f.read(min(size, 40))
            if len(raw) < 16:
                return None
            tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", raw[:16])
            if tag == _WAVE_FORMAT_EXTENSIBLE and len(raw) >= 26:
                tag = struct.unpack("<H", raw[24:26])[0]
            fmt = (tag, channels, rate, bits)
        elif cid == b"data":
            if fmt is None:
                return None
            tag, channels, rate, bits = fmt
            if bits % 8:
                return None
            width = bits // 8
            if tag == _WAVE_FORMAT_PCM:
                kind = "uint" if width == 1 else "int"
            elif tag == _WAVE_FORMAT_FLOAT:
                kind = "float"
            else:
                return None  # ADPCM, mu-law, ...: let libsndfile decode it
            if riff == b"RF64" and size == 0xFFFFFFFF and ds64_data_size is not None:
                size = ds64_data_size
            declared = size // (channels * width) if channels and width else 0
            return _layout(kind, width, False, channels, rate, body, declared, file_size,
                           "RF64" if riff == b"RF64" else "WAV")
        if size == 0xFFFFFFFF:
            return None
        pos = body + size + (size & 1)
    return None


def _extended_to_float(b: bytes) -> float:
    """IEEE 754 80-bit extended (AIFF sample rate) to float."""
    exponent = struct.unpack(">H", b[:2])[0]
    mantissa = struct.unpack(">Q", b[2:10])[0]
    sign = -1.0 if exponent & 0x8000 else 1.0
    exponent &= 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 0.0
    if exponent == 0x7FFF or exponent - 16383 > 1023:   # inf, nan, or past any double
        return float("inf")
    return sign * mantissa * 2.0 ** (exponent - 16383 - 63)


def _parse_aiff(f, file_size: int, form_type: bytes) -> PcmLayout | None:
    comm = None
    pos = 12
    while pos + 8 <= file_size:
        f.seek(pos)
        header = f.read(8)
        if len(header) < 8:
            break
        cid, size = header[:4], struct.unpack(">I", header[4:])[0]
        body = pos + 8
        if cid == b"COMM":
            raw = f.read(min(size, 64))
            if len(raw) < 18:
                return None
            channels, frames, bits = struct.unpack(">HIH", raw[:8])
            rate = _extended_to_float(raw[8:18])
            compression = raw[18:22] if form_type == b"AIFC" and len(raw) >= 22 else b"NONE"
            comm = (channels, frames, bits, rate, compression)
        elif cid == b"SSND":
            if comm is None:
                return None
            channels, frames, bits, rate, compression = comm
            offset = struct.unpack(">I", f.read(4))[0]
            big_endian, kind = True, "int"
            if compression in (b"NONE", b"twos"):
                pass
            elif compression == b"sowt":
                big_endian = False
            elif compression in (b"fl32", b"FL32"):
                kind, bits = "float", 32
            elif compression in (b"fl64", b"FL64"):
                kind, bits = "float", 64
            else:
                return None
            if bits % 8 or rate != int(rate):
                return None
            return _layout(kind, bits // 8, big_endian, channels, int(rate), body + 8 + offset,
                           frames, file_size, form_type.decode())
        pos = body + size + (size & 1)
    return None


def parse_pcm_layout(path, file_size: int) -> PcmLayout | None:
    """The layout of an uncompressed WAV/RF64/AIFF/AIFC file, or None if it is something else."""
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12:
            return None
        if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE":
            return _parse_wav(f, file_size, head[:4])
        if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
            return _parse_aiff(f, file_size, head[8:12])
    return None


def sniff(head: bytes) -> str:
    """A human name for what the first bytes of a file look like."""
    signatures = [
        (b"RIFF", "a RIFF/WAV file"), (b"RF64", "an RF64 file"), (b"FORM", "an AIFF file"),
        (b"fLaC", "a FLAC file"), (b"OggS", "an Ogg file"), (b"ID3", "an MP3 file"),
        (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"), (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"), (b"{", "JSON text"), (b"<", "XML/HTML text"),
    ]
    for magic, name in signatures:
        if head.startswith(magic):
            return name
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "an MPEG audio stream"
    if head and all(32 <= b < 127 or b in (9, 10, 13) for b in head[:64]):
        return "plain text"
    return "unrecognised binary data"
