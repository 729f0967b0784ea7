"""Task specifications: declared once, read by the GUI panels, the menus and the CLI.  No Qt."""
from __future__ import annotations

import importlib
import math
from dataclasses import dataclass, field
from typing import Any, Callable


BUNDLED = " (bundled)"     # the suffix of a model whose weights ship inside a Python package


def is_bundled(checkpoint: str | None) -> bool:
    """A built-in model (silero-vad, resemblyzer...): nothing to fetch, nothing to download."""
    return bool(checkpoint) and checkpoint.endswith(BUNDLED)


@dataclass(frozen=True)
class Param:
    """A typed parameter with a default, a range and help text; forms and --param use it."""

    name: str
    kind: str                      # float | int | bool | choice | str | text (several lines) | paths (";")
    default: Any
    title: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple = ()
    help: str = ""
    unit: str = ""
    families: tuple[str, ...] = ()  # the model families it applies to (empty: every model)
    zero: str = ""                 # what 0 means, in words, when it means something else ("estimate")
    suggestions: tuple = ()        # ((family, (value, ...)), ...): values offered in a list per family
    decimals: int | None = None    # the precision a form shows (None: from the step and the range)
    when: tuple = ()               # (another param, its value): it means something only then

    def suggested(self, family: str) -> tuple:
        return next((values for f, values in self.suggestions if f == family), ())

    def parse(self, value: Any) -> Any:
        """A value from a form or the command line, checked against the range; ValueError if bad."""
        if self.kind == "bool":
            if isinstance(value, str):
                low = value.strip().lower()
                if low not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                    raise ValueError(f"{self.name}: expected true or false, got “{value}”")
                return low in ("1", "true", "yes", "on")
            return bool(value)
        if self.kind in ("float", "int"):
            try:
                v = float(value) if self.kind == "float" else int(float(value))
            except (TypeError, ValueError, OverflowError):
                raise ValueError(f"{self.name}: expected a number, got “{value}”") from None
            if not math.isfinite(v):
                raise ValueError(f"{self.name}: expected a finite number, got “{value}”")
            if self.min is not None and v < self.min or self.max is not None and v > self.max:
                raise ValueError(f"{self.name}: {v} is outside {self.min}–{self.max}")
            return v
        if self.kind == "choice":
            if value not in self.choices:
                raise ValueError(f"{self.name}: choose one of {', '.join(map(str, self.choices))}")
            return value
        return str(value)


@dataclass(frozen=True)
class TaskSpec:
    """A task, declared once: what it reads and makes, its parameters and models.  ``kind`` says
    how it runs (tasks/job.py: analyse, render, or the general ``task`` contract); ``panel`` only
    where the window lists it."""
    id: str
    title: str
    panel: str                              # presentation: the palette panel that lists it
    description: str
    run: str                                # "module:function", imported only when the task runs
    sample_rate: int | None = 16000         # the rate the model wants (None: the file's own)
    inputs: tuple[str, ...] = ("file", "selection", "regions")   # what it can run on
    params: tuple[Param, ...] = ()
    checkpoints: tuple[str, ...] = ()       # suggestions; any Hub id or local folder works
    needs_model: bool = True
    output_track: str = "Results"
    kind: str = "analyse"                   # analyse | render | task (tasks/job.py)
    reads_selection: bool = False           # a render task that reads the selection (a voice)
    fetched_by: tuple[str, ...] = ()        # id prefixes whose own library fetches the model
    prompt_sets: str = ""                   # the parameter the panel offers saved prompt sets for
    speaks_text: bool = False               # its audio says a text: a check can transcribe it
    view: str = ""                          # the view that shows its result ("transcript")
    runs_trained: bool = False              # its Model box offers the classifiers trained here

    families: dict = field(default_factory=dict)   # family -> words in a checkpoint's id that name it

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.params}

    def family(self, checkpoint: str | None) -> str:
        """The model family of ``checkpoint`` as this task's params name them ("" when it cannot
        be told: every param applies).  A model folder's (or cached snapshot's) config.json
        says it; a Hub id or a bundled name by the words in it.  No network, no torch."""
        if not self.families or not checkpoint:
            return ""
        from pathlib import Path

        folder = Path(checkpoint).expanduser()
        if folder.is_dir():
            import json

            try:
                kind = str(json.loads((folder / "config.json").read_text(encoding="utf-8")).get("model_type", ""))
            except (OSError, ValueError, AttributeError):
                kind = ""
            return kind if kind in self.families else ""
        name = checkpoint.lower()
        return next((f for f, words in self.families.items() if any(w in name for w in words)), "")

    def applies(self, param: Param, checkpoint: str | None, values: dict | None = None) -> bool:
        """Whether ``param`` means anything for ``checkpoint``'s family (and, given the form's
        ``values``, with the value its ``when`` names: Epochs only when fine-tuning)."""
        if param.when and values is not None and values.get(param.when[0]) != param.when[1]:
            return False
        family = self.family(checkpoint)
        return not param.families or not family or family in param.families

    def applicable(self, values: dict, checkpoint: str | None) -> dict:
        """``values`` without the params that do not apply to ``checkpoint`` (what provenance keeps)."""
        known = {p.name: p for p in self.params}
        return {k: v for k, v in values.items() if k not in known or self.applies(known[k], checkpoint)}

    def parse_params(self, given: dict) -> dict:
        """Defaults overridden by ``given`` (strings from the CLI are fine)."""
        known = {p.name: p for p in self.params}
        unknown = set(given) - set(known)
        if unknown:
            raise ValueError(f"{self.id} has no parameter {', '.join(sorted(unknown))}; it takes "
                             f"{', '.join(known) or 'none'}")
        values = self.defaults()
        for name, value in given.items():
            values[name] = known[name].parse(value)
        return values

    def runner(self) -> Callable:
        module, _, name = self.run.partition(":")
        return getattr(importlib.import_module(module), name)
