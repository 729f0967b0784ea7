"""A region: a time range with text; a point has ``start == end``.  Optional fields carry what
tasks and spectral labels need: a confidence, a frequency band, the origin (which task and
model made it) and the speaker (who says a transcript line).  The value type of every label format; label tracks (core/regions.py) hold them.
Ids come from one counter shared by regions, tracks and clips.  No Qt.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

_ids = itertools.count(1)


def new_id() -> int:
    return next(_ids)


@dataclass(frozen=True)
class Region:
    start: float
    end: float
    text: str = ""
    confidence: float | None = None
    low_hz: float | None = None
    high_hz: float | None = None
    origin: tuple[tuple[str, str], ...] | None = None   # e.g. (("task", "asr"), ("model", "..."))
    speaker: str | None = None      # who says it (a transcript line given a speaker by diarization)
    id: int = field(default_factory=new_id, compare=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            s, e = self.end, self.start
            object.__setattr__(self, "start", s)
            object.__setattr__(self, "end", e)

    @property
    def is_point(self) -> bool:
        return self.start == self.end

    @property
    def length(self) -> float:
        return self.end - self.start

    def with_(self, **changes) -> "Region":
        """A changed copy that keeps the id (an edit of the same region)."""
        return replace(self, **changes)

    def to_dict(self) -> dict:
        d = {"start": self.start, "end": self.end, "text": self.text}
        for key in ("confidence", "low_hz", "high_hz"):
            if getattr(self, key) is not None:
                d[key] = getattr(self, key)
        if self.origin:
            d["origin"] = dict(self.origin)
        if self.speaker:
            d["speaker"] = self.speaker
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Region":
        origin = d.get("origin")
        return cls(float(d["start"]), float(d["end"]), str(d.get("text", "")),
                   _opt(d.get("confidence")), _opt(d.get("low_hz")), _opt(d.get("high_hz")),
                   tuple(sorted((str(k), str(v)) for k, v in origin.items())) if origin else None,
                   str(d["speaker"]) if d.get("speaker") else None)


def _opt(value):
    return None if value is None or value == "" else float(value)
