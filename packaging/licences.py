"""The licence inventory of a bundle: which distributions and native libraries went in, under
which licence, with their licence texts, and which of them are GPL.

workbench.spec calls `write_inventory` with PyInstaller's analysis, so the list is what was
actually collected, not what happens to be installed.  It writes into the bundle's
resources/licenses/: components.json (Help > About reads it), one folder of licence files per
distribution, and THIRD-PARTY-LICENSES.txt (all of them in one file, for installers).

    python packaging/licences.py DIST_FOLDER     # re-check a built bundle: prints the GPL list
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from workbench.core.about import is_gpl, licence_of  # noqa: E402  (one rule for the bundle and About)

PROJECT_LICENCE = ROOT / "resources" / "licenses" / "audio-workbench-MIT.txt"

# Native libraries that wheels carry inside them, whose licence is not the wheel's own.
NATIVE = [
    (r"^libQt6|^Qt6|^libicu|^qt\.conf", "Qt 6", "LGPL-3.0-only (used as separate shared libraries)"),
    (r"^libsndfile", "libsndfile", "LGPL-2.1-or-later"),
    (r"^libportaudio", "PortAudio", "MIT"),
    (r"^libsoxr", "libsoxr", "LGPL-2.1-or-later"),
    (r"^libgomp", "GNU OpenMP runtime", "GPL-3.0-or-later WITH GCC-exception-3.1"),
    (r"^libgfortran", "GNU Fortran runtime", "GPL-3.0-or-later WITH GCC-exception-3.1"),
    (r"^libquadmath", "GCC quad-precision maths", "LGPL-2.1-or-later"),
    (r"^libstdc\+\+|^libgcc_s", "GCC C++ runtime", "GPL-3.0-or-later WITH GCC-exception-3.1"),
    (r"^libopenblas|^libscipy_openblas", "OpenBLAS", "BSD-3-Clause"),
    (r"^libiomp5", "Intel OpenMP runtime", "BSD-3-Clause (LLVM OpenMP) or Intel Simplified Software License"),
    (r"^libonnxruntime", "ONNX Runtime", "MIT"),
    (r"^libtensorflowlite", "TensorFlow Lite", "Apache-2.0"),
    (r"^libdf|^libdeep_filter", "DeepFilterNet", "MIT OR Apache-2.0"),
    (r"^libpython", "Python", "PSF-2.0"),
    (r"^libssl|^libcrypto", "OpenSSL", "Apache-2.0"),
    (r"^libffi", "libffi", "MIT"),
    (r"^libz\.|^libzstd|^libbz2|^liblzma", "compression libraries (zlib, zstd, bzip2, xz)", "Zlib / BSD-3-Clause / bzip2-1.0.6 / 0BSD"),
]

PYINSTALLER = {"name": "PyInstaller bootloader", "version": "", "license": "GPL-2.0-or-later WITH Bootloader-exception",
               "note": "the exception allows bundles under any licence", "files": [], "gpl": False}


def _owners() -> dict[str, metadata.Distribution]:
    """Every installed file's resolved path -> its distribution."""
    owners = {}
    for dist in metadata.distributions():
        for f in dist.files or ():
            try:
                owners[str(Path(dist.locate_file(f)).resolve())] = dist
            except (OSError, ValueError):
                pass
    return owners


def _licence_files(dist: metadata.Distribution) -> list[Path]:
    """The licence texts a wheel ships in its .dist-info folder (also under licenses/)."""
    found = []
    for f in dist.files or ():
        in_info = bool(f.parts) and f.parts[0].endswith(".dist-info")
        named = f.name.upper().startswith(("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS"))
        if in_info and (named or "licenses" in f.parts):
            path = Path(dist.locate_file(f))
            if path.is_file():
                found.append(path)
    return found


def inventory(entries) -> list[dict]:
    """Components for (name, source path, type) entries as PyInstaller's TOC lists them."""
    owners = _owners()
    dists: dict[str, metadata.Distribution] = {}
    natives: dict[str, dict] = {}
    for _, source, _kind in entries:
        if not source:
            continue
        path = str(Path(source).resolve())
        dist = owners.get(path)
        if dist is not None and dist.metadata["Name"].lower() == "pyinstaller":
            dist = None          # its bootloader and runtime hooks: the PYINSTALLER entry below
        if dist is not None:
            dists[dist.metadata["Name"]] = dist
        base = os.path.basename(path)
        for pattern, name, licence in NATIVE:
            if re.search(pattern, base):
                carrier = dist.metadata["Name"] if dist is not None else "the system"
                entry = natives.setdefault(name, {"name": name, "version": "", "license": licence,
                                                  "note": f"inside {carrier}", "files": [], "native": []})
                if base not in entry["native"]:
                    entry["native"].append(base)
                break
    out = []
    for name in sorted(dists, key=str.lower):
        dist = dists[name]
        licence = licence_of(dist)
        out.append({"name": name, "version": dist.version, "license": licence,
                    "files": [str(p) for p in _licence_files(dist)], "gpl": is_gpl(licence)})
    python_licence = Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "LICENSE.txt"
    out.append({"name": "Python", "version": sys.version.split()[0], "license": "PSF-2.0",
                "files": [str(python_licence)] if python_licence.is_file() else [], "gpl": False})
    for entry in natives.values():
        entry["gpl"] = is_gpl(entry["license"])
        out.append(entry)
    out.append(dict(PYINSTALLER))
    return out


def write_inventory(analysis, dest: Path) -> list[dict]:
    """Called by workbench.spec after COLLECT: writes components.json and the licence texts."""
    entries = list(analysis.pure) + list(analysis.binaries) + list(analysis.datas)
    components = inventory(entries)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    own = {"name": "Audio Workbench", "version": _own_version(), "license": "MIT",
           "files": [str(PROJECT_LICENCE)], "gpl": False}
    joined = []
    for entry in [own] + components:
        copied = []
        for i, f in enumerate(entry.get("files", [])):
            folder = dest / re.sub(r"[^A-Za-z0-9._-]+", "_", entry["name"])
            folder.mkdir(exist_ok=True)
            target = folder / (Path(f).name if i == 0 else f"{i}-{Path(f).name}")
            shutil.copyfile(f, target)
            copied.append(str(target.relative_to(dest)))
            joined.append(f"==== {entry['name']} {entry.get('version', '')}: {Path(f).name} ====\n"
                          + target.read_text(encoding="utf-8", errors="replace"))
        entry["files"] = copied
    summary = {"bundle_license": "MIT for Audio Workbench's own code; each component keeps its own licence",
               "gpl": [c["name"] for c in components if c["gpl"]], "components": [own] + components}
    (dest / "components.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    (dest / "THIRD-PARTY-LICENSES.txt").write_text(
        "Audio Workbench and the components inside this bundle, with their licences.\n"
        + "\n".join(f"- {c['name']} {c.get('version', '')}: {c['license']}"
                    + (f" ({c['note']})" if c.get("note") else "") for c in [own] + components)
        + "\n\n" + "\n\n".join(joined), encoding="utf-8")
    print(f"licences: {len(components)} components; GPL: {', '.join(summary['gpl']) or 'none'}")
    return components


def _own_version() -> str:
    text = (ROOT / "workbench" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist" / "audio-workbench"
    data = json.loads((folder / "_internal" / "resources" / "licenses" / "components.json").read_text())
    for c in data["components"]:
        print(f"{c['name']:32s} {c.get('version', ''):14s} {c['license']}")
    print(f"GPL: {', '.join(data['gpl']) or 'none'}")
