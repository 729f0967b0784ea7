"""Label tracks and their regions.  No Qt.

A region is a time range with text; a point has ``start == end``.  Optional fields carry what
tasks and spectral labels need: a confidence, a frequency band, and the origin (which task and
model made it).  Tracks keep regions sorted by start so a view can ask for just the visible
ones in O(log n + visible).
"""
from __future__ import annotations

import bisect
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
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Region":
        origin = d.get("origin")
        return cls(float(d["start"]), float(d["end"]), str(d.get("text", "")),
                   _opt(d.get("confidence")), _opt(d.get("low_hz")), _opt(d.get("high_hz")),
                   tuple(sorted((str(k), str(v)) for k, v in origin.items())) if origin else None)


def _opt(value):
    return None if value is None or value == "" else float(value)


class LabelTrack:
    kind = "labels"

    def __init__(self, name: str = "Labels", regions=(), track_id: int | None = None) -> None:
        self.id = track_id or new_id()
        self.name = name
        self._regions: list[Region] = []
        self._starts: list[float] = []
        self._max_len = 0.0
        for r in regions:
            self._insert(r)

    # -- reading -----------------------------------------------------------------------------
    @property
    def regions(self) -> list[Region]:
        return list(self._regions)

    def __len__(self) -> int:
        return len(self._regions)

    def __iter__(self):
        return iter(self._regions)

    def get(self, region_id: int) -> Region | None:
        for r in self._regions:
            if r.id == region_id:
                return r
        return None

    def index_of(self, region_id: int) -> int:
        for i, r in enumerate(self._regions):
            if r.id == region_id:
                return i
        raise KeyError(region_id)

    def visible(self, t0: float, t1: float) -> list[Region]:
        """Regions that overlap [t0, t1] (points inside it included)."""
        lo = bisect.bisect_left(self._starts, t0 - self._max_len)
        hi = bisect.bisect_right(self._starts, t1)
        return [r for r in self._regions[lo:hi] if r.end >= t0]

    def next_after(self, t: float) -> Region | None:
        i = bisect.bisect_right(self._starts, t + 1e-9)
        return self._regions[i] if i < len(self._regions) else None

    def previous_before(self, t: float) -> Region | None:
        i = bisect.bisect_left(self._starts, t - 1e-9)
        return self._regions[i - 1] if i > 0 else None

    # -- changing (the Document's commands call these; nothing else should) ---------------------
    def _insert(self, region: Region) -> None:
        i = bisect.bisect_right(self._starts, region.start)
        self._regions.insert(i, region)
        self._starts.insert(i, region.start)
        self._max_len = max(self._max_len, region.length)

    def _remove(self, region_id: int) -> Region:
        i = self.index_of(region_id)
        self._starts.pop(i)
        return self._regions.pop(i)

    def _replace(self, region: Region) -> Region:
        old = self._remove(region.id)
        self._insert(region)
        return old
