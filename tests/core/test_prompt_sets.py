"""Saved prompt sets: kept across sessions, built-in ones from the start, and a damaged file
refused in words and never overwritten."""
import json
import random

import pytest

from workbench.core import prompt_sets as PS


def test_saved_sets_come_back_beside_the_built_in_ones(tmp_path):
    path = tmp_path / "sets.json"
    assert PS.read_sets(path) == {} and "Animals" in PS.all_sets(path)
    PS.save_set("Birds", "blackbird\nrobin\nwren", path)
    PS.save_set("Animals", "dog bark\nhowl", path)            # the user's own wins over the built-in
    assert PS.read_sets(path) == {"Birds": "blackbird\nrobin\nwren", "Animals": "dog bark\nhowl"}
    assert PS.all_sets(path)["Animals"] == "dog bark\nhowl" and "Broadcast" in PS.all_sets(path)
    assert PS.remove_set("Birds", path) and not PS.remove_set("Birds", path)
    for name, text in (("", "x"), ("x" * 101, "x"), ("ok", "  "), ("ok", "x" * 20001)):
        with pytest.raises(ValueError):
            PS.save_set(name, text, path)


def test_a_damaged_file_is_refused_and_kept(tmp_path):
    path = tmp_path / "sets.json"
    good = json.dumps({"format": PS.FORMAT, "sets": {"A": "x\ny", "B": "z"}}).encode()
    rng = random.Random(5)
    for _ in range(300):
        b = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(b))
            b[i:i + rng.randint(0, 3)] = bytes([rng.randrange(256)]) * rng.randint(0, 2)
        path.write_bytes(bytes(b))
        try:
            sets = PS.read_sets(path)
        except PS.PromptSetsError:
            with pytest.raises(PS.PromptSetsError):
                PS.save_set("C", "w", path)
            assert path.read_bytes() == bytes(b)                  # left as it was
            assert "Animals" in PS.all_sets(path)                  # the built-in ones still offered
            continue
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in sets.items())
    path.write_bytes(b"[" * 50000)
    with pytest.raises(PS.PromptSetsError):
        PS.read_sets(path)
