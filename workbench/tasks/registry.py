"""The registry: every task is declared here once; nothing else lists tasks."""
from __future__ import annotations

from workbench.tasks.spec import TaskSpec

_TASKS: dict[str, TaskSpec] = {}


def register(spec: TaskSpec) -> TaskSpec:
    if spec.id in _TASKS:
        raise ValueError(f"task {spec.id!r} is registered twice")
    _TASKS[spec.id] = spec
    return spec


def get(task_id: str) -> TaskSpec:
    _load_builtin()
    try:
        return _TASKS[task_id]
    except KeyError:
        raise KeyError(f"unknown task “{task_id}”; known: {', '.join(sorted(_TASKS))}") from None


def all_tasks(panel: str | None = None) -> list[TaskSpec]:
    _load_builtin()
    return [t for t in _TASKS.values() if panel is None or t.panel == panel]


_loaded = False


def _load_builtin() -> None:
    """The built-in task declarations (light modules: no torch, no transformers)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from workbench.tasks.generate import declarations as generate
    from workbench.tasks.teach import declarations as teach
    from workbench.tasks.understand import declarations as understand

    for spec in understand.TASKS + generate.TASKS + teach.TASKS:
        register(spec)
