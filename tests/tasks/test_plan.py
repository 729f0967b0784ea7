"""Planning a run on a document: what it runs on, one progress over several ranges, one result
with every range's regions in the document's time."""
import numpy as np
import pytest

from audio_fixtures import drain, signal, write
from workbench.core.audio import open_audio
from workbench.core.document import Document
from workbench.core.regions import Region
from workbench.tasks.events import Partial, Progress
from workbench.tasks.plan import NothingToRun, ranges_for, run_over
from workbench.tasks.spec import TaskSpec

SPEC = TaskSpec(id="loud", title="Loud parts", panel="understand", description="", sample_rate=8000,
                run="test_plan:loudest_second", needs_model=False, output_track="Loud")


def loudest_second(inputs, values, context):
    """A stand-in task: one region over the loudest second of what it was given."""
    samples, rate = inputs.samples, inputs.rate
    yield Progress(0.5)
    power = [float(np.mean(samples[i:i + rate] ** 2)) for i in range(0, len(samples) - rate + 1, rate)]
    k = int(np.argmax(power))
    yield Partial([Region(k, k + 1, "loud")])


@pytest.fixture
def doc(tmp_path):
    x = signal(48000 * 6, 1) * 0.01
    x[48000 * 2:48000 * 3] *= 50          # loud from 2 to 3 s
    x[48000 * 5:] *= 50                   # and from 5 s on
    d = Document()
    d.add_track(open_audio(write(tmp_path / "a.wav", x, 48000, "WAV", "FLOAT")).load_all())
    return d


def test_what_a_run_is_on(doc):
    assert ranges_for(doc, "file") == [(0.0, 6.0)]
    with pytest.raises(NothingToRun, match="Select the audio"):
        ranges_for(doc, "selection")
    doc.set_selection(1.0, 2.5)
    assert ranges_for(doc, "selection") == [(1.0, 2.5)]
    empty = doc.add_label_track("Empty", [Region(1.0, 1.0, "point")])
    with pytest.raises(NothingToRun, match="no regions"):
        ranges_for(doc, f"regions:{empty.id}")
    with pytest.raises(NothingToRun, match="no audio"):
        ranges_for(Document(), "file")


def test_one_run_over_each_region_of_a_track(doc):
    spans = doc.add_label_track("Spans", [Region(1.0, 4.0), Region(4.0, 6.0)])
    events, result = drain(run_over(SPEC, doc.mix(), {}, ranges_for(doc, f"regions:{spans.id}")))
    fractions = [e.fraction for e in events if isinstance(e, Progress)]
    assert fractions == sorted(fractions) and fractions[-1] <= 1.0
    partials = [r for e in events if isinstance(e, Partial) for r in e.regions]
    ((name, regions),) = result.tracks
    assert name == "Loud" and [(r.start, r.end) for r in regions] == [(2.0, 3.0), (5.0, 6.0)]
    assert [(r.start, r.end) for r in partials] == [(2.0, 3.0), (5.0, 6.0)]   # in the document's time
