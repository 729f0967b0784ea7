"""Saved prompt sets for zero-shot labels: named lists of prompts the user reuses, kept as JSON
in the config folder, with a few built in so the panel has good ones from the start.  The reader
refuses a damaged file with a reason (it is left for the user).  No Qt."""
from __future__ import annotations

import json
from pathlib import Path

from workbench.formats.atomic import replacing

FORMAT = "audio-workbench prompt sets"
FILE = "prompt-sets.json"
MAX_BYTES = 1 << 20
MAX_NAME = 100
MAX_TEXT = 20000

BUILT_IN = {
    "Everyday sounds": "speech\nmusic\ndog bark\ncar horn\nsiren\ndoor knock\nfootsteps\napplause\nsilence",
    "Animals": "dog bark\ncat meow\nbird song\nrooster crow\ncow moo\nfrog croak\ninsects buzzing\nsilence",
    "Broadcast": "speech\nmusic\nlaughter\napplause\njingle\nphone ringing\nsilence",
    "Field recording": "wind\nrain\nthunder\nflowing water\nbirds\ninsects\ntraffic\naeroplane\nsilence",
}


class PromptSetsError(Exception):
    pass


def sets_path() -> Path:
    from workbench.core import paths

    return paths.config_dir() / FILE


def read_sets(path=None) -> dict[str, str]:
    """The user's saved sets (not the built-in ones); {} when there is no file yet."""
    path = Path(path or sets_path())
    try:
        if path.stat().st_size > MAX_BYTES:
            raise PromptSetsError(f"{path.name} is too big for a file of prompt sets")
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PromptSetsError(f"{path.name} cannot be read ({type(exc).__name__})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("sets"), dict):
        raise PromptSetsError(f"{path.name} is not a file of prompt sets")
    out = {}
    for name, text in data["sets"].items():
        if not isinstance(text, str) or not name.strip() or len(name) > MAX_NAME or len(text) > MAX_TEXT:
            raise PromptSetsError(f"{path.name}: the set “{str(name)[:40]}” is damaged")
        out[name] = text
    return out


def all_sets(path=None) -> dict[str, str]:
    """Built-in sets, then the user's (a saved set of the same name wins)."""
    try:
        saved = read_sets(path)
    except PromptSetsError:
        saved = {}
    return {**BUILT_IN, **saved}


def save_set(name: str, text: str, path=None) -> None:
    name = str(name).strip()
    if not name or len(name) > MAX_NAME:
        raise ValueError(f"a prompt set needs a name of 1–{MAX_NAME} characters")
    if not str(text).strip() or len(text) > MAX_TEXT:
        raise ValueError(f"a prompt set needs 1–{MAX_TEXT} characters of prompts")
    path = Path(path or sets_path())
    sets = read_sets(path)             # a damaged file raises: it is not overwritten
    sets[name] = str(text)
    _write(path, sets)


def _write(path: Path, sets: dict) -> None:
    with replacing(path) as tmp:
        Path(tmp).write_text(json.dumps({"format": FORMAT, "sets": sets}, indent=1), encoding="utf-8")


def remove_set(name: str, path=None) -> bool:
    path = Path(path or sets_path())
    sets = read_sets(path)
    if sets.pop(name, None) is None:
        return False
    _write(path, sets)
    return True
