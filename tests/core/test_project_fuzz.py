"""Damaged project manifests: a seeded corpus of mutations of a valid format-2 manifest (values
replaced by wrong types, huge, negative, NaN; keys deleted; lists emptied or nested), each of
which must open or be refused with a ProjectError that says what is wrong, quickly and without
eating memory."""
import copy
import json
import math
import random
import time

import pytest

from audio_fixtures import signal, write
from workbench.core import project as P
from workbench.core.audio import open_audio
from workbench.core.document import Document
from workbench.core.regions import Region

BAD = [None, "x", "", -1, -1e308, 1e308, 2 ** 70, float("nan"), float("inf"), True, [], {}, [[[[]]]],
       {"a": 1}, 0, 0.5, 10 ** 6]


@pytest.fixture
def manifest(tmp_path):
    a = open_audio(write(tmp_path / "a.wav", signal(4800, 2), 48000, "WAV", "PCM_16")).load_all()
    b = open_audio(write(tmp_path / "b.wav", signal(2205, 1), 22050, "WAV", "PCM_16")).load_all()
    doc = Document()
    doc.add_track(a)
    doc.add_label_track("w", [Region(0.01, 0.02, "x", confidence=0.5)])
    tb = doc.add_track(b, offset=0.2)
    doc.set_clip(tb.clips[0].id, gain=0.5, fade_in=0.01)
    doc.set_cursor(0.05)
    doc.set_selection(0.01, 0.03)
    return P.to_manifest(doc, tmp_path), tmp_path


def paths(node, here=()):
    yield here
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, here + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, here + (i,))


def mutate(data, rng):
    data = copy.deepcopy(data)
    spots = [p for p in paths(data) if p]
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
                parent[last] = rng.choice(BAD)
        except (KeyError, IndexError, TypeError):
            continue
    return data


def test_damaged_manifests_open_or_are_refused_in_words(manifest):
    data, base = manifest
    doc, missing = P.from_manifest(copy.deepcopy(data), base)     # the valid one opens
    assert len(doc.tracks) == 2 and missing == []
    rng = random.Random(20261121)
    refused = opened = 0
    slowest = 0.0
    for case in range(1500):
        bad = mutate(data, rng)
        t = time.perf_counter()
        try:
            doc, _ = P.from_manifest(bad, base)
        except P.ProjectError as exc:
            refused += 1
            assert exc.problem and "Traceback" not in exc.problem
        except Exception as exc:   # noqa: BLE001 - the point of the test
            pytest.fail(f"case {case}: {type(exc).__name__}: {exc}\n{json.dumps(bad, default=str)[:2000]}")
        else:
            opened += 1
            # what opened is usable: it mixes and saves
            doc.mix().read(0, 1000)
            assert all(math.isfinite(c.start) for t in doc.tracks for c in t.clips)
        slowest = max(slowest, time.perf_counter() - t)
    assert refused > 300 and opened > 100, (refused, opened)
    assert slowest < 2.0, f"one manifest took {slowest:.1f} s"
