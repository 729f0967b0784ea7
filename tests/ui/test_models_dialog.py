"""The Models dialog over a Hugging Face cache laid out as the Hub client writes it."""
import os
from pathlib import Path

from workbench.tasks import models


def fake_cache(root: Path, repo: str, files: dict[str, bytes]) -> Path:
    """A repo as the Hub client stores it; commit hashes are unique per repo, as real ones are
    (huggingface_hub deletes revisions by hash across the whole cache)."""
    import hashlib

    commit = hashlib.sha1(repo.encode()).hexdigest()
    folder = root / ("models--" + repo.replace("/", "--"))
    (folder / "refs").mkdir(parents=True)
    (folder / "refs" / "main").write_text(commit)
    snap = folder / "snapshots" / commit
    snap.mkdir(parents=True)
    (folder / "blobs").mkdir()
    for k, (name, data) in enumerate(files.items()):
        blob = folder / "blobs" / f"{k:040d}"
        blob.write_bytes(data)
        os.symlink(os.path.relpath(blob, snap), snap / name)
    return folder


def test_lists_sizes_and_deletes(qtbot, tmp_path):
    from workbench.ui.dialogs.models import ModelsDialog

    fake_cache(tmp_path, "openai/whisper-tiny", {"config.json": b"{}", "model.safetensors": b"x" * 150_000})
    fake_cache(tmp_path, "MIT/ast-finetuned-audioset-10-10-0.4593", {"config.json": b"{}"})
    listed = models.cached_models(tmp_path)
    assert [m["id"] for m in listed] == ["MIT/ast-finetuned-audioset-10-10-0.4593", "openai/whisper-tiny"]
    assert listed[1]["size"] >= 150_000
    dialog = ModelsDialog(cache=str(tmp_path), confirm=lambda model_id, size: True)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2 and dialog.table.item(1, 1).text() == "150.0 KB"
    dialog.table.selectRow(1)
    freed = dialog.delete_selected()
    assert freed >= 150_000 and dialog.table.rowCount() == 1
    assert not (tmp_path / "models--openai--whisper-tiny").exists()


def test_an_empty_cache_says_what_happens(qtbot, tmp_path):
    from workbench.ui.dialogs.models import ModelsDialog

    dialog = ModelsDialog(cache=str(tmp_path / "none"))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0 and "No models downloaded yet" in dialog.total.text()
    assert not dialog.delete.isEnabled()
