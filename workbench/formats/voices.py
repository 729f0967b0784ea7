"""The voice library: named voices a speaker model has heard, kept as JSON in the user's data
folder so that the people enrolled in one recording are found by name in the next.  No Qt.

Voices belong to the model that made their vectors (vectors of two models cannot be compared),
so the file holds one table per model.  A voice keeps the *mean* of its unit window vectors and
how many windows made it, so enrolling more speech later is an exact running mean, not an
average of averages.  The reader trusts nothing: a damaged or hostile file is refused with a
message, never half read; the writer replaces the file atomically.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from workbench.formats.atomic import replacing

FORMAT = "audio-workbench voice library"
VERSION = 1
MAX_BYTES = 32 << 20           # thousands of voices fit in a few MB; more is not a library
MAX_DIM = 4096
MAX_NAME = 200


class VoiceLibraryError(Exception):
    """The file is not a voice library this version can read; the message says why."""


@dataclass
class Voice:
    name: str
    vector: list[float]        # mean of unit vectors (not itself unit length)
    windows: int
    seconds: float
    updated: str = ""

    def to_dict(self) -> dict:
        return {"vector": [round(v, 7) for v in self.vector], "windows": self.windows,
                "seconds": round(self.seconds, 3), "updated": self.updated}


@dataclass
class VoiceLibrary:
    models: dict[str, dict[str, Voice]] = field(default_factory=dict)

    def voices(self, model: str) -> dict[str, Voice]:
        return dict(self.models.get(model, {}))

    def names(self) -> list[tuple[str, str]]:
        """(model, name) of every voice."""
        return [(m, n) for m, table in self.models.items() for n in table]

    def enroll(self, model: str, name: str, mean, windows: int, seconds: float) -> Voice:
        """Add speech to ``name`` (a new voice, or more of one already here): the running mean
        of both sets of window vectors."""
        name = check_name(name)
        mean = [float(v) for v in mean]
        if windows < 1 or not all(math.isfinite(v) for v in mean):
            raise ValueError("a voice needs at least one window of finite numbers")
        table = self.models.setdefault(model, {})
        old = table.get(name)
        if old is not None:
            if len(old.vector) != len(mean):
                raise ValueError(f"“{name}” was enrolled with {len(old.vector)}-number vectors, "
                                 f"not {len(mean)}")
            n = old.windows + windows
            mean = [(a * old.windows + b * windows) / n for a, b in zip(old.vector, mean)]
            windows, seconds = n, old.seconds + seconds
        voice = Voice(name, mean, windows, seconds, time.strftime("%Y-%m-%dT%H:%M:%S"))
        table[name] = voice
        return voice

    def remove(self, name: str, model: str | None = None) -> int:
        """Forget ``name`` (under one model, or under all); how many voices went."""
        gone = 0
        for m in [model] if model else list(self.models):
            if self.models.get(m, {}).pop(name, None) is not None:
                gone += 1
            if m in self.models and not self.models[m]:
                del self.models[m]
        return gone

    def rename(self, old: str, new: str) -> int:
        new = check_name(new)
        moved = 0
        for table in self.models.values():
            if old in table:
                if new in table:
                    raise ValueError(f"there is already a voice called “{new}”")
                voice = table.pop(old)
                voice.name = new
                table[new] = voice
                moved += 1
        return moved

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": VERSION,
                           "models": {m: {n: v.to_dict() for n, v in table.items()}
                                      for m, table in self.models.items()}}, indent=1)


def check_name(name) -> str:
    name = str(name).strip()
    if not name or len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise ValueError(f"a voice needs a name of 1–{MAX_NAME} printable characters")
    return name


def read_library(path) -> VoiceLibrary:
    """The library at ``path``; an empty one if there is no file yet; VoiceLibraryError if the
    file is damaged (it is left as it is, for the user to keep or remove)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return VoiceLibrary()
    except OSError as exc:
        raise VoiceLibraryError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size > MAX_BYTES:
        raise VoiceLibraryError(f"{path} is {size >> 20} MB, too big for a voice library")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise VoiceLibraryError(f"{path} is not valid JSON ({type(exc).__name__})") from None
    except OSError as exc:
        raise VoiceLibraryError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_library(data, path.name)


def parse_library(data, where: str = "the voice library") -> VoiceLibrary:
    def bad(why: str) -> VoiceLibraryError:
        return VoiceLibraryError(f"{where}: {why}")

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise bad("not an Audio Workbench voice library")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= VERSION:
        raise bad(f"version {version!r} is not one this Audio Workbench reads (up to {VERSION})")
    models = data.get("models")
    if not isinstance(models, dict):
        raise bad("“models” must be a table of models")
    library = VoiceLibrary()
    for model, table in models.items():
        if not isinstance(table, dict):
            raise bad(f"the voices of “{model}” must be a table")
        dim = None
        for name, v in table.items():
            try:
                name = check_name(name)
            except ValueError as exc:
                raise bad(str(exc)) from None
            if not isinstance(v, dict):
                raise bad(f"voice “{name}” must be a table")
            vector, windows, seconds = v.get("vector"), v.get("windows"), v.get("seconds", 0.0)
            if (not isinstance(vector, list) or not 1 <= len(vector) <= MAX_DIM
                    or not all(_finite(x) for x in vector)):
                raise bad(f"voice “{name}” needs a vector of 1–{MAX_DIM} finite numbers")
            if dim is not None and len(vector) != dim:
                raise bad(f"voice “{name}” has {len(vector)} numbers where the others of "
                          f"“{model}” have {dim}")
            dim = len(vector)
            if not isinstance(windows, int) or isinstance(windows, bool) or windows < 1:
                raise bad(f"voice “{name}” needs a positive whole number of windows")
            if not _finite(seconds) or seconds < 0:
                raise bad(f"voice “{name}” has a bad length in seconds")
            updated = v.get("updated", "")
            library.models.setdefault(str(model), {})[name] = Voice(
                name, [float(x) for x in vector], windows, float(seconds),
                updated if isinstance(updated, str) else "")
    return library


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def write_library(path, library: VoiceLibrary) -> None:
    with replacing(path) as tmp:
        Path(tmp).write_text(library.to_json(), encoding="utf-8")
