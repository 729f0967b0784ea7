"""A Hub that lies (tests/hubmirror.py taught to): commit ids, file names and ETags that would
become paths outside the cache, checksums that cannot be verified, and a link planted in the
cache.  Each is refused with a message, and nothing is written outside the cache."""
import json

import pytest

from hubmirror import HubMirror
from workbench.tasks import downloads
from workbench.tasks.runner import TaskError, drive

REPO = "test-org/tiny-model"


@pytest.fixture
def hub(tmp_path):
    repo = tmp_path / "remote" / REPO
    repo.mkdir(parents=True)
    (repo / "config.json").write_text(json.dumps({"model_type": "test"}))
    (repo / "model.safetensors").write_bytes(bytes(range(256)) * 64)       # served like LFS
    with HubMirror(tmp_path / "remote") as mirror:
        yield mirror


def fetch(hub, cache):
    return drive(downloads.download(REPO, cache_dir=cache, endpoint=hub.endpoint, backoff_s=0.01))


def outside_untouched(tmp_path, before):
    now = {p for p in tmp_path.rglob("*") if "cache" not in p.parts and "remote" not in p.parts}
    assert now == before, now - before


def snapshot_of(tmp_path):
    return {p for p in tmp_path.rglob("*") if "cache" not in p.parts and "remote" not in p.parts}


def test_a_commit_id_that_is_a_path(hub, tmp_path):
    before = snapshot_of(tmp_path)
    hub.lie_commit = "../../../../outside"
    with pytest.raises(TaskError, match="commit id that is not one"):
        fetch(hub, tmp_path / "cache")
    outside_untouched(tmp_path, before)
    assert not list((tmp_path / "cache").rglob("snapshots/*")) if (tmp_path / "cache").exists() else True


@pytest.mark.parametrize("name", ["../../../../evil.json", "ABSOLUTE", "a/../../x.json",
                                  "C:/x.json", "a\\b.json", ""])
def test_file_names_that_leave_the_snapshot(hub, tmp_path, name):
    # an absolute path inside this test's folder: were the check ever lost, the test writes
    # nothing into the system
    name = str(tmp_path / "abs" / "evil.json") if name == "ABSOLUTE" else name
    before = snapshot_of(tmp_path)
    hub.lie_names = {"config.json": name}
    with pytest.raises(TaskError, match="not safe to write"):
        fetch(hub, tmp_path / "cache")
    outside_untouched(tmp_path, before)


@pytest.mark.parametrize("etag", ["../../../../pwned", "not-a-checksum", "ABCDEF" * 7])
def test_etags_that_are_paths_or_cannot_be_verified(hub, tmp_path, etag):
    before = snapshot_of(tmp_path)
    hub.lie_etag = etag
    with pytest.raises(TaskError, match="cannot be verified"):
        fetch(hub, tmp_path / "cache")
    outside_untouched(tmp_path, before)
    assert not list((tmp_path / "cache").rglob("pwned"))


def test_a_link_planted_in_the_cache_is_not_followed(hub, tmp_path):
    cache = tmp_path / "cache"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    snap = downloads.storage_folder(REPO, cache) / "snapshots" / hub.commit(REPO)
    snap.parent.mkdir(parents=True)
    snap.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(TaskError, match="leads outside"):
        fetch(hub, cache)
    assert list(elsewhere.iterdir()) == []


def test_an_honest_hub_still_works(hub, tmp_path):
    folder = fetch(hub, tmp_path / "cache")
    assert json.loads((tmp_path / "cache" / folder / "config.json").read_text()) == {"model_type": "test"}
