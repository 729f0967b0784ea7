"""How each classifier was trained, remembered in the data folder, so that Retrain works after
the projects close: a model trained in one project and reviewed in another retrains the next
day from either, reading the project files that are not open.  No Qt.

``trainings.json`` holds one recipe per model folder (the newest 100): the Train form's
values, the backbone, the project file whose tracks it read and their names, and the other
project files whose answers tracks (by name) it reads too.  A damaged file is forgotten, never
an error: Retrain then asks for a Train, as it did before.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

FILE = "trainings.json"
KEEP = 100
MAX_BYTES = 4_000_000          # a file this large is not ours: forget it, never read it


@dataclass
class Recipe:
    folder: str                    # the model folder it writes
    params: dict                   # the Train form's values
    task: str = "train"            # the task that trained it (its id)
    model: str = ""                # the backbone, as chosen
    device: str = "auto"
    home: str = ""                 # the project file whose label tracks it read ("" until saved)
    tracks: list = field(default_factory=list)           # their names
    answered: dict = field(default_factory=dict)         # another project file -> its answers tracks' names

    def mentions(self, project) -> bool:
        return bool(project) and _key(project) in {_key(self.home)} | {_key(p) for p in self.answered}

    def note(self, project, names, answered: bool = False) -> None:
        """The tracks ``names`` of the project file ``project`` are read: as its home's (the
        project it was trained in; also a project saved for the first time, or when the home's
        file is gone) or, with ``answered`` or while another home's file is there, as answers.
        An unsaved project (no file) is noted when it is saved."""
        if not project:
            return
        names = set(names)
        if same_file(self.home, project) or (not answered and (not self.home or not os.path.exists(self.home))):
            self.home, self.tracks = str(project), sorted(set(self.tracks) | names)
        elif names:
            key = next((p for p in self.answered if same_file(p, project)), str(project))
            self.answered[key] = sorted(set(self.answered.get(key, [])) | names)


def _key(path) -> str:
    return os.path.normcase(os.path.abspath(str(path))) if path else ""


def _file() -> Path:
    from workbench.core.paths import data_dir

    return data_dir() / FILE


def _parse(entry) -> Recipe | None:
    """One entry as written, or None for anything else (a hand-edited or damaged file)."""
    if not isinstance(entry, dict):
        return None
    folder, params = entry.get("folder"), entry.get("params")
    answered = entry.get("answered", {})
    tracks = entry.get("tracks", [])
    texts = (entry.get("task", "train"), entry.get("model", ""), entry.get("device", "auto"),
             entry.get("home", ""))
    if (not isinstance(folder, str) or not folder or not isinstance(params, dict)
            or not all(isinstance(t, str) for t in texts)
            or not isinstance(tracks, list) or not all(isinstance(t, str) for t in tracks)
            or not isinstance(answered, dict)
            or not all(isinstance(k, str) and isinstance(v, list) and all(isinstance(n, str) for n in v)
                       for k, v in answered.items())
            or not all(isinstance(k, str) and isinstance(v, (str, int, float, bool)) for k, v in params.items())):
        return None
    return Recipe(folder, dict(params), *texts, list(tracks), {k: list(v) for k, v in answered.items()})


def load() -> list[Recipe]:
    """Every remembered recipe, newest first; [] when there is none or the file is damaged."""
    path = _file()
    try:
        if path.stat().st_size > MAX_BYTES:
            return []
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return []
    entries = data.get("trainings") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    return [r for r in map(_parse, entries) if r is not None]


def remember(recipe: Recipe) -> bool:
    """Keep ``recipe`` (in place of the folder's older one), atomically; False when the data
    folder cannot be written (Retrain then lasts while the window is open, as before)."""
    from workbench.formats.atomic import write_text

    recipe.params = {k: v for k, v in recipe.params.items() if isinstance(v, (str, int, float, bool))}
    global _written
    _written += 1
    kept = [r for r in load() if _key(r.folder) != _key(recipe.folder)]
    entries = [asdict(recipe)] + [asdict(r) for r in kept[:KEEP - 1]]
    try:
        _file().parent.mkdir(parents=True, exist_ok=True)
        write_text(_file(), json.dumps({"trainings": entries}, indent=1, default=str))
    except OSError:
        return False
    return True


_written = 0                   # remember() calls in this process


def stamp() -> tuple:
    """Which state of the recipes this is (written here since, or changed on disk by another
    window): a cache of what was read checks it."""
    try:
        st = _file().stat()
    except OSError:
        return (_written, 0, 0)
    return (_written, st.st_mtime_ns, st.st_size)


def of_folder(folder) -> Recipe | None:
    return next((r for r in load() if _key(r.folder) == _key(folder)), None)


def find(project=None, folders=()) -> Recipe | None:
    """The newest recipe that read ``project`` (its home or an answered project) or that wrote
    one of ``folders`` (the models whose guesses or answers the project holds)."""
    wanted = {_key(f) for f in folders if f}
    return next((r for r in load() if r.mentions(project) or _key(r.folder) in wanted), None)


def same_file(a, b) -> bool:
    return bool(a) and bool(b) and _key(a) == _key(b)
