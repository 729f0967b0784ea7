"""What Help ▸ About says: versions of the parts that matter and the licences of what is installed
or bundled.  No Qt (the window adds Qt's own versions) and no torch import: versions come from
package metadata, so the box opens at once."""
from __future__ import annotations

import json
import re
import sys
from importlib import metadata
from pathlib import Path

from workbench.core.paths import resources_dir

# Wheels whose native libraries carry a licence their metadata does not state.
NOTES = {"av": ("its FFmpeg libraries include GPL codecs (x264, x265)", True),
         "pyside6-essentials": ("Qt under LGPL-3.0, as separate shared libraries", False),
         "soundfile": ("with libsndfile, LGPL-2.1", False),
         "soxr": ("with libsoxr, LGPL-2.1", False)}

KEY_PARTS = ("torch", "transformers", "diffusers", "huggingface_hub", "numpy", "pyqtgraph",
             "soundfile", "sounddevice", "ctranslate2", "onnxruntime")


def version_of(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, str]:
    return {"Python": sys.version.split()[0], **{name: version_of(name) for name in KEY_PARTS}}


def is_gpl(licence: str) -> bool:
    """GPL that binds a combined work: GPL (not LGPL, not with a runtime exception) in every
    alternative an OR offers."""
    options = [o.strip() for o in re.split(r"\bOR\b| / ", licence) if o.strip()]

    def binding(option: str) -> bool:
        return bool(re.search(r"(?<!L)GPL|General Public License", option)) and \
            not re.search(r"Lesser|Library|LGPL|exception", option, re.I)
    return bool(options) and all(binding(o) for o in options)


def licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    if meta.get("License-Expression"):
        return meta["License-Expression"].strip()
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) < 80:
        return text
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    if classifiers:
        return " / ".join(classifiers)
    return text.splitlines()[0][:80] if text else "not stated"


def _requirement_names(dist: metadata.Distribution) -> list[str]:
    names = []
    for req in dist.requires or ():
        if "extra ==" in req:
            continue
        names.append(re.split(r"[\s;<>=!~\[(]", req, maxsplit=1)[0])
    return names


def installed_components(root: str = "audio-workbench") -> list[dict]:
    """The workbench's dependencies, all the way down, as installed here (a source install)."""
    seen: dict[str, dict] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        licence = "MIT" if key == "audio-workbench" else licence_of(dist)
        note, gpl = NOTES.get(key, ("", False))
        seen[key] = {"name": dist.metadata["Name"], "version": dist.version, "license": licence,
                     "gpl": gpl or is_gpl(licence), **({"note": note} if note else {})}
        todo += _requirement_names(dist)
    return sorted(seen.values(), key=lambda c: (c["name"].lower() != "audio-workbench", c["name"].lower()))


def components() -> tuple[list[dict], str]:
    """(components, where the list comes from).  A bundle carries the inventory its build wrote
    (packaging/licences.py); a source install lists what pip installed."""
    folder = resources_dir()
    inventory = folder / "licenses" / "components.json" if folder is not None else None
    if getattr(sys, "frozen", False) and inventory is not None and inventory.is_file():
        try:
            if inventory.stat().st_size > 4_000_000:
                raise ValueError("too big for a licence list")
            found = _valid(json.loads(inventory.read_text(encoding="utf-8"))["components"])
            if found:
                return found, str(inventory.parent)
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            pass          # a damaged inventory: list what is installed instead
    return installed_components(), "the packages installed in this Python environment"


def _valid(entries) -> list[dict]:
    """The inventory's entries, each with a name, a version and a licence as text; anything
    else means the file is damaged (ValueError)."""
    if not isinstance(entries, list):
        raise ValueError("components is not a list")
    out = []
    for e in entries:
        if not (isinstance(e, dict) and isinstance(e.get("name"), str) and isinstance(e.get("license"), str)
                and isinstance(e.get("version", ""), str) and isinstance(e.get("note", ""), str)):
            raise ValueError(f"a damaged entry: {str(e)[:80]}")
        out.append({"name": e["name"], "version": e.get("version", ""), "license": e["license"],
                    "gpl": bool(e.get("gpl")), **({"note": e["note"]} if e.get("note") else {})})
    return out


def licence_folder() -> Path | None:
    folder = resources_dir()
    return folder / "licenses" if folder is not None and (folder / "licenses").is_dir() else None
