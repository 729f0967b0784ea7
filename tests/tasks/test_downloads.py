"""Model downloads: the real download code against a Hub on 127.0.0.1 (tests/hubmirror.py),
including a cancelled and resumed download, dropped connections, 503s, and the cache layout
huggingface_hub itself reads."""
import hashlib
import json
import re
import time
from pathlib import Path

import numpy as np
import pytest

from hubmirror import HubMirror
from workbench.tasks import downloads
from workbench.tasks.runner import Progress, TaskCancelled, TaskError, drive

REPO = "test-org/tiny-model"


@pytest.fixture
def hub(tmp_path):
    root = tmp_path / "remote"
    repo = root / REPO
    repo.mkdir(parents=True)
    rng = np.random.default_rng(1)
    (repo / "config.json").write_text(json.dumps({"model_type": "test", "hidden": 8}))
    (repo / "tokenizer.json").write_text(json.dumps({"vocab": list("abcdefgh")}))
    (repo / "model.safetensors").write_bytes(rng.bytes(1_500_000))
    (repo / "pytorch_model.bin").write_bytes(rng.bytes(200_000))    # skipped: safetensors exist
    (repo / "tf_model.h5").write_bytes(rng.bytes(100_000))          # skipped: TensorFlow
    (repo / "onnx").mkdir()
    (repo / "onnx" / "model.onnx").write_bytes(rng.bytes(50_000))   # skipped: ONNX
    (repo / "README.md").write_text("# a model card")
    with HubMirror(root) as mirror:
        yield mirror


def fetch(hub, cache, **kw):
    events = []
    kw.setdefault("backoff_s", 0.01)
    path = drive(downloads.download(REPO, cache_dir=cache, endpoint=hub.endpoint, **kw), events.append)
    return path, events


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_needed_files_and_hub_ids():
    names = ["config.json", "model.safetensors", "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack",
             "onnx/model.onnx", "README.md", "tokenizer.json", "modeling_x.py", "spiece.model"]
    assert downloads.needed(names) == ["config.json", "model.safetensors", "tokenizer.json", "spiece.model"]
    assert "pytorch_model.bin" in downloads.needed(["config.json", "pytorch_model.bin"])
    assert downloads.is_hub_id("openai/whisper-small") and downloads.is_hub_id("gpt2")
    assert not downloads.is_hub_id("/models/whisper") and not downloads.is_hub_id("a/b/c")
    assert not downloads.is_hub_id("../x")


def test_download_lays_out_the_huggingface_cache(hub, tmp_path):
    from huggingface_hub import scan_cache_dir, snapshot_download, try_to_load_from_cache

    cache = tmp_path / "hf"
    snapshot, events = fetch(hub, cache)
    remote = hub.root / REPO
    assert sorted(p.name for p in Path(snapshot).iterdir()) == ["config.json", "model.safetensors",
                                                                "tokenizer.json"]
    assert sha256(Path(snapshot) / "model.safetensors") == sha256(remote / "model.safetensors")
    assert (Path(snapshot) / "model.safetensors").is_symlink()
    storage = downloads.storage_folder(REPO, cache)
    assert (storage / "refs" / "main").read_text() == Path(snapshot).name == hub.commit(REPO)
    assert (storage / "blobs" / sha256(remote / "model.safetensors")).exists()  # LFS: named by sha256
    assert not list((storage / "blobs").glob("*.part"))
    # huggingface_hub (and so transformers, and the hf command) finds it as its own
    assert try_to_load_from_cache(REPO, "config.json", cache_dir=cache) == str(Path(snapshot) / "config.json")
    assert snapshot_download(REPO, cache_dir=cache, local_files_only=True) == snapshot
    [repo] = scan_cache_dir(cache).repos
    assert repo.repo_id == REPO and repo.size_on_disk >= 1_500_000
    assert downloads.cached_snapshot(REPO, cache_dir=cache) == snapshot
    # progress: by bytes over all files, rising to 1, naming the file and its size
    fractions = [e.fraction for e in events if isinstance(e, Progress)]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("model.safetensors" in e.message and "of 1.5 MB" in e.message for e in events)
    # the skipped files were never asked for
    asked = {path for _, path, _ in hub.log}
    assert not any(name in p for p in asked for name in ("pytorch_model.bin", "tf_model.h5", "onnx/"))


def test_second_download_fetches_nothing(hub, tmp_path):
    fetch(hub, tmp_path / "hf")
    hub.log.clear()
    fetch(hub, tmp_path / "hf")
    assert not any("/resolve/" in p or p.startswith("/cdn/") for _, p, _ in hub.log), hub.log


def test_cancelled_download_resumes_where_it_stopped(hub, tmp_path):
    cache = tmp_path / "hf"
    hub.rate = 600_000                     # bytes a second: the 1.5 MB file takes 2.5 s
    state = {"cancel": False, "at": None}

    def on_event(event):
        got = re.search(r"model\.safetensors: ([\d.]+) KB of", event.message)
        if got and float(got[1]) > 200 and state["at"] is None:
            state["cancel"], state["at"] = True, time.monotonic()

    gen = downloads.download(REPO, cache_dir=cache, endpoint=hub.endpoint, cancelled=lambda: state["cancel"])
    with pytest.raises(TaskCancelled):
        drive(gen, on_event)
    assert time.monotonic() - state["at"] < 1.0          # Cancel answered within a second
    storage = downloads.storage_folder(REPO, cache)
    [part] = (storage / "blobs").glob("*.part")
    kept = part.stat().st_size
    assert 200_000 < kept < 1_500_000
    assert downloads.cached_snapshot(REPO, cache_dir=cache) is None or \
        not (Path(downloads.cached_snapshot(REPO, cache_dir=cache)) / "model.safetensors").exists()

    hub.rate, hub.log[:] = None, []
    snapshot, _ = fetch(hub, cache)
    ranges = [r for m, p, r in hub.log if m == "GET" and p.startswith("/cdn/")]
    assert ranges == [f"bytes={kept}-"]                  # asked only for the rest
    assert sha256(Path(snapshot) / "model.safetensors") == sha256(hub.root / REPO / "model.safetensors")
    assert not list((storage / "blobs").glob("*.part"))


def test_dropped_connections_and_busy_server_are_retried(hub, tmp_path):
    hub.fail_next = 2                      # the first two requests (the file list) answer 503
    hub.cut_after = [300_000, 300_000]     # the big file's body drops twice
    snapshot, _ = fetch(hub, tmp_path / "hf")
    cdn = [r for m, p, r in hub.log if m == "GET" and p.startswith("/cdn/")]
    assert len(cdn) == 3 and cdn[0] is None and cdn[1].startswith("bytes=") and cdn[2].startswith("bytes=")
    assert sha256(Path(snapshot) / "model.safetensors") == sha256(hub.root / REPO / "model.safetensors")


def test_giving_up_keeps_what_arrived(hub, tmp_path):
    # drops that bring bytes each time are not failures; three in a row that bring nothing are
    hub.cut_after = [100_000, 200_000] + [0] * 10
    with pytest.raises(TaskError, match="continues from there"):
        fetch(hub, tmp_path / "hf", retries=2)
    [part] = (downloads.storage_folder(REPO, tmp_path / "hf") / "blobs").glob("*.part")
    assert part.stat().st_size >= 300_000               # what arrived is kept
    # two drops after progress, then the 2 retries allowed after the last useful attempt
    assert len([p for m, p, _ in hub.log if p.startswith("/cdn/")]) == 2 + 2
    hub.cut_after = []
    snapshot, _ = fetch(hub, tmp_path / "hf")
    assert sha256(Path(snapshot) / "model.safetensors") == sha256(hub.root / REPO / "model.safetensors")


def test_damaged_file_is_not_cached(tmp_path):
    part = tmp_path / "x.part"
    part.write_bytes(b"not what the hub said")
    with pytest.raises(TaskError, match="damaged"):
        downloads._verify(part, hashlib.sha256(b"something else").hexdigest(), None, "x")
    assert not part.exists()
    part.write_bytes(b"abc")
    downloads._verify(part, hashlib.sha1(b"blob 3\0abc").hexdigest(), 3, "x")   # git blob id: fine


def test_unknown_model_and_unreachable_hub_say_what_to_do(hub, tmp_path):
    with pytest.raises(TaskError, match="no model “test-org/nothing”"):
        drive(downloads.download("test-org/nothing", cache_dir=tmp_path, endpoint=hub.endpoint))
    with pytest.raises(TaskError, match="could not be reached"):
        drive(downloads.download(REPO, cache_dir=tmp_path, endpoint="http://127.0.0.1:9"))


def test_a_task_with_a_hub_id_downloads_then_runs_then_works_offline(tmp_path):
    """The command line end to end: ``workbench download`` and ``workbench run --model ORG/NAME``
    against the local Hub (HF_ENDPOINT), then the same run offline from the cache."""
    import os
    import subprocess
    import sys

    import soundfile as sf

    from test_tag import tiny_ast

    root = tmp_path / "remote"
    (root / "test-org").mkdir(parents=True)
    tiny_ast(root / "test-org" / "tiny-ast")
    wav = tmp_path / "noise.wav"
    sf.write(str(wav), (0.2 * np.random.default_rng(0).standard_normal(16000 * 6)).astype(np.float32), 16000)
    with HubMirror(root) as hub:
        env = {**os.environ, "HF_ENDPOINT": hub.endpoint, "HF_HOME": str(tmp_path / "hf")}

        def workbench(*args, **extra):
            return subprocess.run([sys.executable, "-m", "workbench", *map(str, args)], capture_output=True,
                                  text=True, timeout=300, env={**env, **extra})

        out = workbench("run", "tag", wav, "--model", "test-org/tiny-ast", "--param", "threshold=0",
                        "-o", tmp_path / "a.json")
        assert out.returncode == 0, out.stderr
        assert "Downloading test-org/tiny-ast: file" in out.stderr and "model.safetensors" in out.stderr
        labels = json.loads((tmp_path / "a.json").read_text())
        assert labels and "test-org/tiny-ast" in json.dumps(labels)      # provenance names the Hub id
        hub.log.clear()
        out = workbench("run", "tag", wav, "--model", "test-org/tiny-ast", "--param", "threshold=0",
                        "-o", tmp_path / "b.json", HF_HUB_OFFLINE="1")
        assert out.returncode == 0, out.stderr
        assert hub.log == [] and (tmp_path / "b.json").read_text() == (tmp_path / "a.json").read_text()
        out = workbench("download", "test-org/tiny-ast")
        assert out.returncode == 0 and "models--test-org--tiny-ast" in out.stderr
        # all there: the file list is asked for, no file is
        assert not any("/resolve/" in p or p.startswith("/cdn/") for _, p, _ in hub.log), hub.log
        out = workbench("download", "test-org/none")
        assert out.returncode == 1 and "no model “test-org/none”" in out.stderr


def test_a_full_disk_is_a_message_not_a_traceback(hub, tmp_path, monkeypatch):
    import errno
    import shutil as _shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(_shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(TaskError, match="the disk is full for test-org/tiny-model/model.safetensors"):
        fetch(hub, tmp_path / "hf")
    monkeypatch.undo()
    # space runs out mid-file: said so, and the part stays for the next try
    real_open = open
    written = {"n": 0}

    class Filling:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            written["n"] += len(data)
            if written["n"] > 500_000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.fh.write(data)

        def tell(self):
            return self.fh.tell()

    def fake_open(path, mode="r", *args, **kw):
        fh = real_open(path, mode, *args, **kw)
        return Filling(fh) if str(path).endswith(".part") and mode in ("ab", "wb") else fh

    monkeypatch.setattr("builtins.open", fake_open)
    with pytest.raises(TaskError, match="the disk filled up .* continues from the"):
        fetch(hub, tmp_path / "hf2")
    monkeypatch.undo()
    snapshot, _ = fetch(hub, tmp_path / "hf2")
    assert sha256(Path(snapshot) / "model.safetensors") == sha256(hub.root / REPO / "model.safetensors")


def test_an_expired_cdn_address_is_renewed_and_the_download_goes_on(hub, tmp_path):
    """A CDN's signed address lasts about an hour: a 403 from it mid-file gets a fresh address
    from the Hub, and the download continues from where it was."""
    hub.cut_after = [300_000]
    hub.expire_next = 0
    state = {"armed": False}
    original = hub.by_sha256

    def expire_after_the_first_body(sha):
        if state["armed"] is False:
            state["armed"] = True
            hub.expire_next = 1          # the reconnect after the drop is refused once
        return original(sha)

    hub.by_sha256 = expire_after_the_first_body
    snapshot, _ = fetch(hub, tmp_path / "hf")
    heads = [p for m, p, _ in hub.log if m == "HEAD" and p.endswith("model.safetensors")]
    cdn = [r for m, p, r in hub.log if m == "GET" and p.startswith("/cdn/")]
    assert len(heads) == 2                                  # asked the Hub again for an address
    assert cdn[0] is None and all(r and r.startswith("bytes=") for r in cdn[1:]) and len(cdn) == 3
    assert sha256(Path(snapshot) / "model.safetensors") == sha256(hub.root / REPO / "model.safetensors")
    hub.expire_next = 10
    with pytest.raises(TaskError, match="keeps refusing"):
        fetch(hub, tmp_path / "hf2")


def test_a_cached_diffusers_pipeline_is_found_offline(tmp_path):
    """A diffusers pipeline (AudioLDM 2, Stable Audio) has model_index.json and no config.json at
    its top: offline, its cached snapshot must still be found, as the Models dialog finds it."""
    storage = downloads.storage_folder("cvssp/audioldm2", tmp_path)
    commit = "a" * 40
    (storage / "refs").mkdir(parents=True)
    (storage / "refs" / "main").write_text(commit)
    snapshot = storage / "snapshots" / commit
    snapshot.mkdir(parents=True)
    assert downloads.cached_snapshot("cvssp/audioldm2", cache_dir=tmp_path) is None      # nothing there yet
    (snapshot / "model_index.json").write_text('{"_class_name": "AudioLDM2Pipeline"}')
    assert downloads.cached_snapshot("cvssp/audioldm2", cache_dir=tmp_path) == str(snapshot)
