"""Damaged projects: a short seeded run of the forked harness (tests/fuzz/project_fuzz.py) over
format-2 and format-1 manifests and bundles, and many more data-level mutations in-process.
Each must open (and then mix and save), or be refused with a ProjectError that says where and
what is wrong in words: never a Python error's text."""
import copy
import json
import math
import random
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from project_fuzz import fuzz, make_document, mutate_data, seeds  # noqa: E402
from workbench.core import project as P  # noqa: E402

PYTHON_TALK = ("object", "NoneType", "subscriptable", "operand", "argument", "index out of range",
               "invalid literal", "could not convert", "iterable", "Traceback")


def test_mutated_projects_and_bundles_open_or_are_refused_cleanly(tmp_path):
    result = fuzz(300, seed=5, folder=tmp_path, log=None)
    assert result["ok"] + result["refused"] == 300, {k: result[k] for k in ("escaped", "crashed", "hung")}
    assert result["refused"] > 100 and result["ok"] > 10


@pytest.mark.parametrize("which", [0, 1], ids=["format 2", "format 1"])
def test_damaged_manifests_are_refused_in_words(tmp_path, which):
    data = json.loads(seeds(tmp_path)[which][1])
    doc, missing = P.from_manifest(copy.deepcopy(data), tmp_path)     # the valid one opens
    assert len(doc.track_list) == 3 and missing == []
    rng = random.Random(20261122 + which)
    refused = opened = 0
    slowest = 0.0
    for case in range(1500):
        bad = mutate_data(data, rng)
        t = time.perf_counter()
        try:
            doc, _ = P.from_manifest(bad, tmp_path)
        except P.ProjectError as exc:
            refused += 1
            assert exc.problem and not any(w in exc.problem for w in PYTHON_TALK), \
                f"case {case}: {exc.problem}\n{json.dumps(bad, default=str)[:2000]}"
        except Exception as exc:   # noqa: BLE001 - the point of the test
            pytest.fail(f"case {case}: {type(exc).__name__}: {exc}\n{json.dumps(bad, default=str)[:2000]}")
        else:
            opened += 1
            doc.mix().read(0, 1000)                 # what opened is usable
            assert all(math.isfinite(c.start) for t in doc.tracks for c in t.clips)
        slowest = max(slowest, time.perf_counter() - t)
    assert refused > 300 and opened > 50, (refused, opened)
    assert slowest < 2.0, f"one manifest took {slowest:.1f} s"


@pytest.mark.parametrize("change,expect", [
    (lambda d: d["tracks"][0]["clips"][0].update(rate=2.5), "track 1, clip 1, rate should be a whole number (it is 2.5)"),
    (lambda d: d["tracks"][1]["regions"][0].update(start=float("nan")), "track 2, region 1, start should be a finite number"),
    (lambda d: d["sources"][1].update(channels=65), "audio file 2, channels is above 64 (it is 65)"),
    (lambda d: d["tracks"][2].update(kind="video"), "track 3, kind is not one this program knows (it is 'video')"),
    (lambda d: d["tracks"][0]["clips"][0]["edits"][0].pop("start"), "track 1, clip 1, edit 1, start is missing"),
    (lambda d: d.update(selection=[0.1, -1]), "selection, item 2 is below 0 (it is -1)"),
    (lambda d: d["tracks"][0]["clips"][0]["edits"][0].update(source=7), "names audio file 8, and the project lists 2"),
])
def test_a_refusal_says_where_and_what(tmp_path, change, expect):
    data = json.loads(json.dumps(P.to_manifest(make_document(tmp_path), tmp_path)))
    change(data)
    with pytest.raises(P.ProjectError) as err:
        P.from_manifest(data, tmp_path, tmp_path / "song.awproj")
    assert expect in str(err.value) and "“song.awproj”" in str(err.value)
