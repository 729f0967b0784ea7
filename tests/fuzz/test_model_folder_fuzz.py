"""The readers Teach added: a trained model folder (config.json and the head's safetensors) and
the embedding cache (frames .npy, regions heard alone .npz, each with its own hash).  Damaged in
every way: a folder is loaded or refused with a TaskError in words, never another exception; a
damaged cache file is embedded again, never trusted (a changed byte changes the hash)."""
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from audio_fuzz import mutate  # noqa: E402


@pytest.fixture
def folder(tmp_path):
    from workbench.tasks.teach import head as hd

    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 8)).astype(np.float32)
    y = ["a"] * 20 + ["b"] * 20
    x[:20] += 2
    h = hd.fit(x, y)
    return hd.save(tmp_path / "model", h, {"id": "yamnet (bundled)", "revision": "0"}, {}, hd.measure(y, y, h.classes))


def test_a_damaged_model_folder_is_refused_in_words(folder):
    from workbench.tasks.events import TaskError
    from workbench.tasks.understand import trained

    rng = random.Random(5)
    files = {name: (folder / name).read_bytes() for name in ("config.json", "model.safetensors")}
    for k in range(600):
        name = ("config.json", "model.safetensors")[k % 2]
        (folder / name).write_bytes(mutate(files[name], rng))
        t0 = time.monotonic()
        try:
            head, _config = trained.load(folder)
            assert head.weight.shape == (len(head.classes), len(head.mean))
        except TaskError as exc:
            assert str(exc)
        assert time.monotonic() - t0 < 2.0
        trained.is_head(folder)                # never raises
        (folder / name).write_bytes(files[name])
    for bad in ({"classes": "ab"}, {"classes": [1, 2]}, {"classes": []}, [], "x", {"classes": ["a"] * 100000}):
        (folder / "config.json").write_text(json.dumps({"workbench": "classifier-head", **bad}
                                                       if isinstance(bad, dict) else bad))
        with pytest.raises(TaskError):
            trained.load(folder)


def test_a_damaged_cache_file_is_embedded_again():
    from workbench.tasks.understand import embeddings as bb

    model = bb.backbone(bb.YAMNET)
    samples = (0.1 * np.random.default_rng(1).standard_normal(16000)).astype(np.float32)
    good, _ = bb.embed(model, samples)
    path = bb.cache_folder(model) / f"{bb.content_key(samples)}.npy"
    clips = bb.clip_vectors(model, samples, [(0.1, 0.6)])
    npz = bb.cache_folder(model) / f"{bb.content_key(samples)}-clips.npz"
    raw, raw_npz = path.read_bytes(), npz.read_bytes()
    rng = random.Random(6)
    for _ in range(150):
        bb._memory.clear()
        path.write_bytes(mutate(raw, rng))
        frames, hit = bb.embed(model, samples)
        assert np.array_equal(frames, good)          # read back whole, or embedded again
        npz.write_bytes(mutate(raw_npz, rng))
        again = bb.clip_vectors(model, samples, [(0.1, 0.6)])
        assert np.allclose(again, clips, atol=1e-6)
