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
    kind: str                      # float | int | bool | choice | str | text (several lines)
    default: Any
    title: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple = ()
    help: str = ""
    unit: str = ""

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
    id: str
    title: str
    panel: str                              # understand | generate
    description: str
    run: str                                # "module:function", imported only when the task runs
    sample_rate: int | None = 16000         # the rate the model wants (None: the file's own)
    inputs: tuple[str, ...] = ("file", "selection", "regions")
    params: tuple[Param, ...] = ()
    checkpoints: tuple[str, ...] = ()       # suggestions; any Hub id or local folder works
    needs_model: bool = True
    output_track: str = "Results"
    extra: dict = field(default_factory=dict)

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.params}

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
