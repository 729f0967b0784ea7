"""The small JSON stores this program keeps beside its settings (which local model folders tasks
used; which projects may read audio outside their folder): damaged in every way, reading them
never fails and never trusts too much (a damaged trust store asks again)."""
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from audio_fuzz import mutate  # noqa: E402


def test_a_damaged_list_of_local_model_folders_reads_as_what_is_left(tmp_path):
    from workbench.tasks import models

    models.note_local(str(tmp_path))
    good = models._local_file().read_bytes()
    rng = random.Random(3)
    for _ in range(1000):
        models._local_file().write_bytes(mutate(good, rng))
        seen = models._local_folders()
        assert all(isinstance(k, str) and isinstance(v, float) for k, v in seen.items())
        models.other_models()                  # the dialog's list still builds
    for bad in (b"[]", b"{\"a\": true}", b"\"x\"", b"{" * 100_000, b"\xff\xfe"):
        models._local_file().write_bytes(bad)
        assert models._local_folders() == {}


def test_a_damaged_trust_store_trusts_nothing_new(tmp_path):
    from workbench.core import trust as P
    from workbench.core.trust import trust_file

    files = [tmp_path / "a.wav"]
    P.trust(tmp_path / "p.awproj", files)
    good = trust_file().read_bytes()
    rng = random.Random(4)
    for _ in range(1000):
        trust_file().write_bytes(mutate(good, rng))
        assert not P.is_trusted(tmp_path / "other.awproj", files)     # never a project it was not told
        P.is_trusted(tmp_path / "p.awproj", files)                    # and never an exception
    trust_file().write_bytes(json.dumps({"keys": [1, None, {"k": 2}]}).encode())
    assert not P.is_trusted(tmp_path / "p.awproj", files)


def test_damaged_training_recipes_are_forgotten_never_an_error(tmp_path):
    """Retrain's memory (trainings.json): whatever the damage, reading gives recipes of the
    right types or none; a deep or huge file is not read; writing again makes it whole."""
    from workbench.tasks.teach import recipes

    recipes.remember(recipes.Recipe(str(tmp_path / "m"), {"name": "m", "held_out": 0.25, "background": True},
                                    "train", "yamnet (bundled)", "cpu", str(tmp_path / "home.awproj"), ["Calls"],
                                    {str(tmp_path / "away.awproj"): ["Reviewed"]}))
    good = recipes._file().read_bytes()
    rng = random.Random(6)
    for _ in range(1000):
        recipes._file().write_bytes(mutate(good, rng))
        for r in recipes.load():
            assert isinstance(r.folder, str) and all(isinstance(t, str) for t in r.tracks)
            assert all(isinstance(v, list) for v in r.answered.values())
        recipes.find(tmp_path / "home.awproj", [str(tmp_path / "m")])
    for bad in (b"[]", b"{\"trainings\": [1, null, {\"folder\": 2}]}", b"[" * 100_000, b"\xff\xfe",
                b"{\"trainings\": [{\"folder\": \"f\", \"params\": {\"a\": [1]}}]}"):
        recipes._file().write_bytes(bad)
        assert recipes.load() == []
    recipes._file().write_bytes(b" " * (recipes.MAX_BYTES + 1))
    assert recipes.load() == []
    assert recipes.remember(recipes.Recipe(str(tmp_path / "m"), {})) and len(recipes.load()) == 1
