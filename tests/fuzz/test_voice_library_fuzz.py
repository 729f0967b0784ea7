"""The voice library reader under mutated files: each loads into something usable or is refused
with VoiceLibraryError; nothing else escapes."""
from __future__ import annotations

import random

import numpy as np

from workbench.formats.voices import VoiceLibrary, VoiceLibraryError, read_library


def unit(v):
    v = np.asarray(v, np.float64)
    return v / np.linalg.norm(v)


def test_mutated_libraries_load_or_are_refused_never_crash(tmp_path):
    lib = VoiceLibrary()
    for k, name in enumerate(["Ann", "Bob", "Cal"]):
        lib.enroll("resemblyzer (bundled)", name, unit(np.arange(16) + k), 5, 7.5)
    text = lib.to_json().encode()
    rng = random.Random(7)
    refused = 0
    for n in range(400):
        b = bytearray(text)
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(b))
            op = rng.random()
            if op < 0.4:
                b[i] = rng.randrange(256)
            elif op < 0.7:
                del b[i:i + rng.randint(1, 40)]
            else:
                b[i:i] = rng.choice([b"[", b"{", b"\"", b"-", b"1e400", b"null", b"true", b","])
        path = tmp_path / f"{n}.json"
        path.write_bytes(bytes(b))
        try:
            got = read_library(path)
        except VoiceLibraryError:
            refused += 1
            continue
        for table in got.models.values():        # what loads is usable as it stands
            dims = {len(v.vector) for v in table.values()}
            assert len(dims) <= 1 and all(np.isfinite(v.vector).all() and v.windows >= 1
                                          for v in table.values())
    assert refused > 200
