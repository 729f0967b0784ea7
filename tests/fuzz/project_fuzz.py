"""Fuzz the project readers: seeded mutations of valid projects (format 2 and format 1
manifests, and a bundle), each opened in a forked child with a time limit and a memory cap.
Manifests are damaged both as data (values replaced by wrong types, huge, negative, NaN; keys
deleted; lists emptied or repeated) and as bytes; bundles as bytes and through their manifest.
Every input must open, or be refused with ProjectError; what opens must mix and save again.

    .venv/bin/python tests/fuzz/project_fuzz.py --count 10000 --seed 1     # the long run, by hand

tests/fuzz/test_project_fuzz.py runs a short seeded run of this harness in the suite, and the
data-level mutations in-process, many more of them.
"""
from __future__ import annotations

import copy
import io
import json
import random
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from audio_fuzz import ROOT, cap_memory, main, run  # noqa: E402,F401
from audio_fuzz import mutate as mutate_bytes  # noqa: E402

BAD = [None, "x", "", -1, -1e308, 1e308, 2 ** 70, float("nan"), float("inf"), True, [], {}, [[[[]]]],
       {"a": 1}, 0, 0.5, 10 ** 6, "../../../etc/passwd", "/etc/hostname", 10 ** 400]


def make_document(folder: Path):
    """A small document over two files written into ``folder``: two audio tracks at different
    rates (one clip with gain and a fade), a label track with scores, a cursor and a selection."""
    sys.path.insert(0, str(ROOT / "tests"))
    from audio_fixtures import signal, write
    from workbench.core.audio import open_audio
    from workbench.core.document import Document
    from workbench.core.regions import Region

    a = open_audio(write(folder / "a.wav", signal(4800, 2), 48000, "WAV", "PCM_16"),
                   cache_dir=folder / "seed-cache").load_all()
    b = open_audio(write(folder / "b.wav", signal(2205, 1), 22050, "WAV", "PCM_16"),
                   cache_dir=folder / "seed-cache").load_all()
    doc = Document()
    doc.add_track(a)
    doc.add_label_track("Words", [Region(0.01, 0.02, "x", confidence=0.5, speaker="Ann"),
                                  Region(0.05, 0.05, "a point"), Region(0.03, 0.04, "bird", low_hz=1e3, high_hz=4e3)])
    tb = doc.add_track(b, offset=0.2)
    doc.set_clip(tb.clips[0].id, gain=0.5, fade_in=0.01)
    doc.set_cursor(0.05)
    doc.set_selection(0.01, 0.03)
    return doc


def seeds(folder: Path) -> list[tuple[str, bytes]]:
    """A format-2 project and a bundle of the same document, and a format-1 project, as bytes;
    the audio they name is written into ``folder``, where the harness writes its cases."""
    from workbench.core import project as P

    doc = make_document(folder)
    v2 = json.dumps(P.to_manifest(doc, folder.absolute()), indent=1).encode()
    P.save_bundle(doc, folder / "seed.awbundle")
    bundle = (folder / "seed.awbundle").read_bytes()
    (folder / "seed.awbundle").unlink()
    v1 = json.dumps({
        "format": P.FORMAT, "version": 1,
        "sources": [{"path": "a.wav", "sample_rate": 48000, "channels": 2, "frames": 4800},
                    {"path": "b.wav", "sample_rate": 22050, "channels": 1, "frames": 2205}],
        "tracks": [{"source": 0, "name": "A", "offset": 0.0,
                    "edits": [{"source": 0, "start": 0, "length": 2400}, {"source": None, "start": 0, "length": 100},
                              {"source": 0, "start": 3000, "length": 1800, "g0": 0.5, "g1": 1.0}]},
                   {"source": 1, "name": "B", "offset": 0.1}],
        "label_tracks": [{"name": "L", "regions": [{"start": 0.01, "end": 0.02, "text": "y"}]}],
        "cursor": 0.01, "selection": [0.0, 0.02]}).encode()
    return [(".awproj", v2), (".awproj", v1), (".awbundle", bundle)]


def _paths(node, here=()):
    yield here
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, here + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, here + (i,))


def mutate_data(data, rng: random.Random):
    """One to three edits of the manifest as data: a value replaced from BAD, a key deleted, a
    list emptied or repeated."""
    data = copy.deepcopy(data)
    spots = [p for p in _paths(data) if p]
    for _ in range(rng.randint(1, 3)):
        where = rng.choice(spots)
        parent = data
        try:
            for key in where[:-1]:
                parent = parent[key]
            last = where[-1]
            roll = rng.random()
            if roll < 0.15 and isinstance(parent, dict):
                del parent[last]
            elif roll < 0.25 and isinstance(parent[last], list):
                parent[last] = parent[last] * rng.randint(0, 3)
            else:
                parent[last] = copy.deepcopy(rng.choice(BAD))    # never shared: no cycles
        except (KeyError, IndexError, TypeError):
            continue
    return data


def _dumps(data) -> bytes:
    return json.dumps(data, indent=1).encode()   # NaN and Infinity written as JSON's extension


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A manifest: damaged as data two times in three, else as bytes.  A bundle: as bytes, or
    rebuilt around a manifest damaged as data."""
    if data[:2] == b"PK":
        if rng.random() < 0.5:
            return mutate_bytes(data, rng)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = {m.filename: z.read(m) for m in z.infolist()}
        members["project.json"] = _dumps(mutate_data(json.loads(members["project.json"]), rng))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name, content in members.items():
                z.writestr(name, content)
        return out.getvalue()
    if rng.random() < 2 / 3:
        return _dumps(mutate_data(json.loads(data), rng))
    return mutate_bytes(data, rng)


def _child(path: str, cache: str, queue) -> None:
    cap_memory()
    from workbench.core import project as P

    try:
        doc, missing = P.load_project(path, cache_dir=Path(cache))
        mix = doc.mix()                       # what opened is usable: it mixes and saves again
        mix.read(0, min(4096, max(mix.frames, 1)))
        again = Path(cache) / "resaved.awproj"
        P.save_project(doc, again)
        P.load_project(again, cache_dir=Path(cache))
        queue.put(("ok", ""))
    except P.ProjectError as exc:
        problem = exc.problem
        queue.put(("refused", problem[:200]) if problem and "Traceback" not in problem
                  else ("escaped", f"a refusal that says nothing: {str(exc)[:200]}"))
    except BaseException as exc:   # noqa: BLE001 - what the fuzzer is looking for
        queue.put(("escaped", f"{type(exc).__name__}: {str(exc)[:200]}"))


def fuzz(count: int, seed: int, folder: Path, log=print) -> dict:
    from workbench.core import manifest

    manifest._models()       # built once here, so each forked child inherits it
    return run(count, seed, folder, log=log, base=seeds(folder), child_target=_child, mutator=mutate)


if __name__ == "__main__":
    sys.exit(main(fuzz, "mutated projects and bundles"))
