"""What every label format shares: the track list type, the refusal, and the small readers and
writers of numbers, clock times and lines.  No Qt."""
from __future__ import annotations

import re
from pathlib import Path

from workbench.formats.region import Region

Tracks = list[tuple[str, list[Region]]]


class LabelFormatError(Exception):
    def __init__(self, path, line: int | None, problem: str) -> None:
        self.path, self.line, self.problem = Path(path) if path else None, line, problem
        where = f" line {line}" if line else ""
        name = f"“{self.path.name}”" if self.path else "the labels"
        super().__init__(f"Cannot read {name},{where}: {problem}")


# -- numbers, clocks, lines ----------------------------------------------------------------------------------------
def number(text: str, path, line: int, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise LabelFormatError(path, line, f"expected {what} as a number of seconds, found “{text}”")
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
