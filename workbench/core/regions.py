"""Label tracks: regions kept sorted by start, so a view can ask for just the visible ones in
O(log n + visible).  No Qt.  ``Region`` itself, the value every label file holds, is defined in
``formats/region.py``, below the core, so the format readers and writers need nothing above them.
"""
from __future__ import annotations

import bisect

from workbench.formats.region import Region, new_id  # noqa: F401  (the value type lives with the formats)

class LabelTrack:
    """Regions of one label track (its kind, and how a project writes it: core/tracks.py)."""

    def __init__(self, name: str = "Labels", regions=(), track_id: int | None = None,
                 scores=None) -> None:
        self.id = track_id or new_id()
        self.name = name
        self.scores = scores      # a ScoreTable (core/scores.py) when a model scored every window
        self._regions: list[Region] = []
        self._starts: list[float] = []
        self._max_len = 0.0
        self._insert_many(regions)

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

    def _insert_many(self, regions) -> None:
        """Many at once in O(n log n) (one sort), not one list insert each: 400,000 regions from
        a label file or a task.  Equal starts keep their order, as one by one they would."""
        regions = list(regions)
        if len(regions) < 8:
            for r in regions:
                self._insert(r)
            return
        merged = sorted(self._regions + regions, key=lambda r: r.start)
        self._regions = merged
        self._starts = [r.start for r in merged]
        self._max_len = max(self._max_len, max(r.length for r in regions))

    def _remove_many(self, region_ids) -> None:
        ids = set(region_ids)
        if len(ids) < 8:
            for i in ids:
                self._remove(i)
            return
        kept = [r for r in self._regions if r.id not in ids]
        self._regions = kept
        self._starts = [r.start for r in kept]

    def _remove(self, region_id: int) -> Region:
        i = self.index_of(region_id)
        self._starts.pop(i)
        return self._regions.pop(i)

    def _replace(self, region: Region) -> Region:
        old = self._remove(region.id)
        self._insert(region)
        return old
