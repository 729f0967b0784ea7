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
    # a CTranslate2 copy this program converted: listed beside them, deletable
    ct2 = models.ct2_cache_root() / "whisper-tiny-int8-0123"
    ct2.mkdir(parents=True)
    (ct2 / "model.bin").write_bytes(b"y" * 50_000)
    others = models.other_models()
    dialog = ModelsDialog(cache=str(tmp_path), confirm=lambda model_id, size: True)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2 + len(others) and dialog.table.item(1, 1).text() == "150.0 KB"
    shown = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert "silero-vad (bundled)" in shown
    assert "resemblyzer (bundled): voice vectors" in shown
    # every bundled model is listed, Kokoro with the model joined into the cache counted
    for name in ("yamnet (bundled)", "microwakeword (bundled)", "DeepFilterNet3 (bundled)", "kokoro (bundled)"):
        assert any(s.startswith(name) for s in shown), name
    kokoro = next(m for m in others if m["id"].startswith("kokoro"))
    assert kokoro["size"] > 80e6
    # it fits a 1280x720 screen
    assert dialog.sizeHint().width() <= 1240 and dialog.width() <= 1240
    assert "whisper-tiny-int8-0123 (CTranslate2 copy)" in shown
    dialog.table.selectRow(1)
    freed = dialog.delete_selected()
    assert freed >= 150_000 and dialog.table.rowCount() == 1 + len(others)
    assert not (tmp_path / "models--openai--whisper-tiny").exists()
    # the bundled model stays (and says why); the converted copy goes
    rows = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    dialog.table.selectRow(rows.index("silero-vad (bundled)"))
    assert dialog.delete_selected() == 0 and "ships with the program" in dialog.status.text()
    rows = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    dialog.table.selectRow(rows.index("whisper-tiny-int8-0123 (CTranslate2 copy)"))
    assert dialog.delete_selected() == 50_000 and not ct2.exists()


def test_local_model_folders_a_task_used_are_listed_and_never_deleted(qtbot, tmp_path):
    """A task run from a local folder (the Model box's Browse…) puts it in the dialog with its
    size and when it was last used; Delete leaves the user's own folder alone."""
    from workbench.tasks import registry
    from workbench.tasks.runner import run_task
    from workbench.ui.dialogs.models import ModelsDialog
    from audio_fixtures import drain
    from tinygen import tiny_ctc
    from workbench.core.audio import open_audio
    from audio_fixtures import signal, write

    folder = Path(tiny_ctc(tmp_path / "my-ctc"))
    src = open_audio(write(tmp_path / "a.wav", signal(16000, 1), 16000, "WAV", "PCM_16")).load_all()
    drain(run_task(registry.get("asr"), src, {"engine": "transformers"}, checkpoint=str(folder)))
    dialog = ModelsDialog(cache=str(tmp_path / "hf"), confirm=lambda model_id, size: True)
    qtbot.addWidget(dialog)
    rows = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    row = rows.index("my-ctc (your folder)")
    assert dialog.table.item(row, 3).text() == str(folder.absolute()) and dialog.table.item(row, 2).text()
    dialog.table.selectRow(row)
    assert dialog.delete_selected() == 0 and folder.is_dir()
    assert "a folder of yours" in dialog.status.text()


def test_an_empty_cache_says_what_happens(qtbot, tmp_path):
    from workbench.ui.dialogs.models import ModelsDialog

    dialog = ModelsDialog(cache=str(tmp_path / "none"))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == len(models.other_models())
    assert "No models downloaded yet" in dialog.total.text()


def test_download_cancel_and_continue_from_the_dialog(qtbot, tmp_path, monkeypatch):
    """A model by Hub id from a Hub on 127.0.0.1: progress names the file and sizes, Cancel
    stops it, Download again asks only for the rest, and the model is listed."""
    import json
    import re

    from huggingface_hub import constants

    from hubmirror import HubMirror
    from workbench.ui.dialogs.models import ModelsDialog

    repo = tmp_path / "remote" / "test-org" / "tiny"
    repo.mkdir(parents=True)
    (repo / "config.json").write_text(json.dumps({"model_type": "test"}))
    (repo / "model.safetensors").write_bytes(os.urandom(1_200_000))
    with HubMirror(tmp_path / "remote") as hub:
        monkeypatch.setattr(constants, "ENDPOINT", hub.endpoint)
        hub.rate = 400_000
        dialog = ModelsDialog(cache=str(tmp_path / "hf"))
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.model_id.setText("test-org/tiny")
        dialog.get.click()
        assert not dialog.get.isEnabled() and dialog.stop.isEnabled() and dialog.bar.isVisible()
        qtbot.waitUntil(lambda: bool(re.search(r"model\.safetensors: [\d.]+ KB of 1\.2 MB",
                                               dialog.status.text())), timeout=10000)
        dialog.stop.click()
        qtbot.waitUntil(lambda: dialog.worker is None, timeout=3000)
        assert "cancelled" in dialog.status.text()
        assert dialog.table.item(0, 0).text() == "test-org/tiny"
        assert re.search(r"\+ [\d.]+ KB of a stopped download", dialog.table.item(0, 1).text())
        hub.rate, hub.log[:] = None, []
        dialog.get.click()
        qtbot.waitUntil(lambda: dialog.worker is None, timeout=10000)
        assert dialog.status.text().startswith("test-org/tiny is ready")
        assert [r for m, p, r in hub.log if p.startswith("/cdn/")][0].startswith("bytes=")
        assert dialog.table.rowCount() == 1 + len(models.other_models()) and dialog.table.item(0, 0).text() == "test-org/tiny"
        assert "stopped" not in dialog.table.item(0, 1).text() and dialog.total.text().startswith("1 model,")
        dialog.model_id.setText("/some/folder")
        dialog.get.click()
        assert "not a Hub id" in dialog.status.text()
