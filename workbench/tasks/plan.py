"""Planning a task run on a document: what it runs on (the whole mix, the selection, or each
region of a label track), and one run over several ranges with one progress and one result.
Shared by the window and anything else that runs tasks on a document.  No Qt."""
from __future__ import annotations

from workbench.tasks.events import Progress, TaskError, TaskResult
from workbench.tasks.runner import run_task


class NothingToRun(Exception):
    """The choice leaves nothing to run on; the message says what to do."""


FROM_REGIONS = "from regions"      # a parameter value: each region's own text (a language, a name)


class Span(tuple):
    """A range (start, end) that unpacks as a pair and remembers the text of the region it came
    from, for parameters taken "from regions"."""

    def __new__(cls, start: float, end: float, text: str = "", track: str = ""):
        span = super().__new__(cls, (start, end))
        span.text, span.track = text, track
        return span

    @property
    def link(self) -> str:
        """Where a result came from, kept in its regions' origin: "Speakers@12.500-15.250"."""
        return f"{self.track}@{self[0]:.3f}-{self[1]:.3f}"


def ranges_for(doc, what: str = "file") -> list[tuple[float, float]]:
    """The time ranges a task runs on: "file", "selection" or "regions:<label track id>"."""
    if what == "selection":
        if not doc.selection:
            raise NothingToRun("Select the audio to run on first (or choose Whole file)")
        return [doc.selection]
    if what and what.startswith("regions:"):
        track = doc.label_track(int(what.split(":", 1)[1]))
        ranges = [Span(r.start, r.end, r.text, track.name) for r in track if not r.is_point]
        if not ranges:
            raise NothingToRun(f"“{track.name}” has no regions to run on")
        return ranges
    if doc.duration <= 0:
        raise NothingToRun("There is no audio to run on")
    return [(0.0, doc.duration)]


def labels_for(doc, what: str = "labels") -> list:
    """The label tracks a task reads, as (name, regions): "labels" (every one) or
    "labels:<label track id>"."""
    tracks = doc.label_tracks if what == "labels" else [doc.label_track(int(what.split(":", 1)[1]))]
    if not tracks:
        raise NothingToRun("There are no label tracks to read: label some regions first (or import labels)")
    return [(t.name, list(t)) for t in tracks]


def run_over(spec, audio, params: dict, ranges, checkpoint=None, cancelled=lambda: False,
             channel: str = "mix", device: str = "auto"):
    """``run_task`` on each range in turn: progress over all of them (a download keeps its own),
    partial results as they come, and one TaskResult whose label tracks hold every range's
    regions, in the audio's time."""
    total = sum(b - a for a, b in ranges) or 1.0
    done = 0.0
    merged: dict[str, list] = {}
    seconds = 0.0
    notes: list[str] = []
    scores: dict = {}
    for span in ranges:
        a, b = span
        result = yield from _scaled(run_task(spec, audio, _for_region(params, span), a, b, checkpoint,
                                             cancelled, channel, device), done / total, (b - a) / total)
        done += b - a
        seconds += result.seconds
        notes += result.notes
        link = getattr(span, "link", None)
        for name, table in result.scores.items():
            table = table.from_source(link) if link else table   # refiltered regions keep it too
            scores[name] = scores[name].joined(table) if name in scores else table
        for name, regions in result.tracks:
            if link:       # each result keeps the region it was made from
                regions = [r.with_(origin=tuple(sorted(dict(r.origin or (), source=link).items())))
                           for r in regions]
            merged.setdefault(name, []).extend(regions)
    return TaskResult(list(merged.items()), seconds=seconds, notes=notes, scores=scores)


def _scaled(gen, base: float, share: float):
    while True:
        try:
            event = next(gen)
        except StopIteration as stop:
            return stop.value
        if isinstance(event, Progress) and not event.stage:   # a download is the model's own
            event.fraction = base + event.fraction * share
        yield event


def _for_region(params: dict, span) -> dict:
    """Parameters given as "from regions" take the text of the region being run on: a Language
    track's "de German" as the language to recognise, a renamed speaker as the voice to enroll."""
    taken = [k for k, v in params.items() if isinstance(v, str) and v.strip().lower() == FROM_REGIONS]
    if not taken:
        return params
    text = getattr(span, "text", None)
    if text is None:
        raise TaskError(f"“{taken[0]}” from regions takes each region's text: run on each region "
                        f"of a track (Run on: Regions of …)")
    return dict(params, **{k: text for k in taken})
