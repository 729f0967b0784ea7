"""One task contract (issue 27): a new kind of task, declared in one place and written as one
function (tests/tasks/contract_example.py, the README's worked example), runs as a plain Job
into a document (one undo step), on the command line, and (tests/ui/test_tasks_ui.py) from the
Understand panel, with nothing else touched."""
import pytest

from audio_fixtures import drain
from contract_example import SPEC
from workbench.core.document import Document
from workbench.core.regions import Region
from workbench.tasks import registry
from workbench.tasks.events import OutOfMemory, TaskCancelled, TaskError
from workbench.tasks.job import Job, out_of_memory


@pytest.fixture
def example(monkeypatch):
    registry.all_tasks()                                   # the built-in ones first
    monkeypatch.setitem(registry._TASKS, SPEC.id, SPEC)
    return SPEC


def birds():
    return [("Birds", [Region(0.0, 1.0, "wren"), Region(2.0, 2.5, "wren"), Region(3.0, 4.0, "robin")]),
            ("More", [Region(5.0, 6.0, "wren")])]


def test_a_new_kind_of_task_runs_as_a_job_and_lands_as_one_undo_step(example):
    doc = Document()
    for name, regions in birds():
        doc.add_label_track(name, regions)
    steps = len(doc.history.titles)
    job = Job(example, {}, doc=doc, labels=[(t.name, list(t)) for t in doc.label_tracks])
    events, result = drain(job.events())
    assert [e.message for e in events] == ["1 of 2 tracks read", "2 of 2 tracks read"]
    job.finish(result)
    assert job.state == "done" and job.notes == ["2 labels of 4 regions"]
    summary = doc.label_track(job.track_id)
    assert summary.name == "Summary" and [r.text for r in summary] == ["wren: 3 × 0.83 s", "robin: 1 × 1.00 s"]
    assert len(doc.history.titles) == steps + 1
    doc.history.undo()
    assert [t.name for t in doc.label_tracks] == ["Birds", "More"]


def test_its_parameters_are_checked_and_cancel_ends_it(example):
    job = Job(example, {"min_count": 2}, labels=birds())
    _, result = drain(job.events())
    assert [r.text for r in result.tracks[0][1]] == ["wren: 3 × 0.83 s"]
    with pytest.raises(ValueError, match="min_count"):
        drain(Job(example, {"min_count": 0}, labels=birds()).events())
    job = Job(example, {}, labels=birds())
    gen = job.events(cancelled=lambda: True)
    with pytest.raises(TaskCancelled):
        drain(gen)
    job.fail(TaskCancelled())
    assert job.state == "cancelled"


def test_on_the_command_line_it_reads_regions_and_writes_its_labels(example, tmp_path, capsys):
    from workbench.cli import main
    from workbench.formats.labels import read_labels, write_labels

    labels = tmp_path / "birds.json"
    write_labels(labels, birds())
    out = tmp_path / "summary.csv"
    assert main(["run", "label-summary", "--regions", str(labels), "--param", "min_count=2", "-o", str(out)]) == 0
    [(name, rows)] = read_labels(out)
    assert [r.text for r in rows] == ["wren: 3 × 0.83 s"]
    assert "1 regions on “Summary”" in capsys.readouterr().err


def test_out_of_memory_is_told_by_the_exception_type_not_its_words():
    import torch

    assert out_of_memory(OutOfMemory("no room"))
    assert out_of_memory(torch.cuda.OutOfMemoryError("CUDA out of memory"))
    try:
        try:
            raise torch.cuda.OutOfMemoryError("x")
        except Exception as exc:
            raise TaskError("the model failed") from exc
    except TaskError as wrapped:
        assert out_of_memory(wrapped)
    assert not out_of_memory(RuntimeError("CUDA out of memory"))    # words alone are not the type
    job = Job(SPEC, {})
    job.fail(OutOfMemory("no room"), "details")
    assert job.state == "failed" and job.out_of_memory and "CPU" in job.error
