"""The README's worked example of a new kind of task (Development ▸ Adding a kind of task): label
tracks in, a summary track out.  Kept here, word for word, so that a test runs it in the window,
on the command line and as a plain Job."""
from workbench.core.regions import Region
from workbench.tasks.events import Progress, TaskResult
from workbench.tasks.spec import Param, TaskSpec

SPEC = TaskSpec(
    id="label-summary", title="Label summary", panel="understand", kind="task",
    description="How many regions each label has and how long they last, as one region per "
                "label over the stretch it spans.",
    run="contract_example:summarise", inputs=("labels",), needs_model=False, sample_rate=None,
    output_track="Summary",
    params=(Param("min_count", "int", 1, "At least", 1, 10000, help="Leave out rarer labels"),))


def summarise(inputs, params, context):
    """The contract: typed inputs, parsed params, a context; yields events, returns a TaskResult."""
    seen: dict[str, list[Region]] = {}
    for k, (_name, regions) in enumerate(inputs.labels):
        if context.cancelled():
            return TaskResult()
        for r in regions:
            seen.setdefault(r.text, []).append(r)
        yield Progress((k + 1) / len(inputs.labels), f"{k + 1} of {len(inputs.labels)} tracks read")
    rows = []
    for text, regions in sorted(seen.items()):
        if len(regions) >= params["min_count"]:
            total = sum(r.end - r.start for r in regions)
            rows.append(Region(min(r.start for r in regions), max(r.end for r in regions),
                               f"{text}: {len(regions)} × {total / len(regions):.2f} s"))
    return TaskResult(tracks=[("Summary", rows)],
                      notes=[f"{len(rows)} labels of {sum(map(len, seen.values()))} regions"])
