"""What every label format shares: the track list type, the refusal, and the small readers and
writers of numbers, clock times and lines.  No Qt."""
from __future__ import annotations

import re
from pathlib import Path

from workbench.formats.region import Region

Tracks = list[tuple[str, list[Region]]]


class LabelFormatError(Exception):
    def __init__(self, path, line: int | None, problem: str, header: list[str] | None = None) -> None:
        self.path, self.line, self.problem = Path(path) if path else None, line, problem
        self.header = header      # a table's columns, when the trouble is which column is which
        where = f", line {line}" if line else ""
        name = f"“{self.path.name}”" if self.path else "the labels"
        super().__init__(f"Cannot read {name}{where}: {problem}")


# -- numbers, clocks, lines ----------------------------------------------------------------------------------------
def number(text: str, path, line: int, what: str, unit: str = "a number of seconds") -> float:
    try:
        value = float(text)
    except ValueError:
        raise LabelFormatError(path, line, f"expected {what} as {unit}, found “{text}”")
    if value != value or value in (float("inf"), float("-inf")):
        raise LabelFormatError(path, line, f"expected {what} as a number, found “{text}”")
    return value


def fixed(t: float) -> str:
    return f"{t:.6f}"


def clock(t: float, sep: str) -> str:
    ms = int(round(max(0.0, t) * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})$")


def parse_clock(text: str, path, line: int) -> float:
    m = CLOCK.match(text.strip())
    if not m:
        raise LabelFormatError(path, line, f"expected a time like 00:01:02,500, found “{text.strip()}”")
    h, mi, s, frac = m.groups()
    return int(h or 0) * 3600 + int(mi) * 60 + int(s) + int(frac.ljust(3, "0")) / 1000


# byte-order marks, longest first (UTF-32 LE's starts with UTF-16 LE's)
BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
FALLBACK = "cp1252"      # what a file that is not Unicode is read as: Windows' Western encoding


def decode(raw: bytes) -> tuple[str, str]:
    """The text of a label file and the encoding it was read in: its byte-order mark's (UTF-8,
    UTF-16 or UTF-32, as Windows tools write them), else UTF-8, else UTF-16 without a mark (every
    other byte zero), else Windows-1252 (Latin-1 for the bytes it leaves undefined)."""
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise UnicodeError(f"it starts with a {encoding.upper()} byte-order mark but is not "
                                   f"{encoding.upper()} text (byte {exc.start + len(bom)})") from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if len(raw) >= 4 and len(raw) % 2 == 0:
        even, odd = raw[0::2], raw[1::2]
        for zeros, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
            if zeros.count(0) > 0.9 * len(zeros):
                try:
                    return raw.decode(encoding), encoding
                except UnicodeDecodeError:
                    break
    try:
        return raw.decode(FALLBACK), FALLBACK
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def lines_of(text: str) -> list[str]:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ").replace("\t", " ")


def by_speaker(tracks: Tracks) -> list[tuple[str, list[Region], str | None]]:
    """Tracks whose regions have speakers split into one tier per speaker (ELAN and Praat keep
    a speaker per tier): (tier name, regions, speaker); regions without a speaker stay on the
    track's own tier."""
    out = []
    for name, regions in tracks:
        names = list(dict.fromkeys(r.speaker for r in regions if r.speaker))
        if not names:
            out.append((name, regions, None))
            continue
        rest = [r for r in regions if not r.speaker]
        if rest:
            out.append((name, rest, None))
        out += [(f"{name} - {who}", [r for r in regions if r.speaker == who], who) for who in names]
    return out
