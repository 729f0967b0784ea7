"""The architecture's one hard line, checked: nothing outside workbench/ui imports Qt, and the
command line and start-up stay light."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ["workbench.core.audio", "workbench.core.document", "workbench.core.events",
        "workbench.core.playback", "workbench.core.settings", "workbench.core.tiles",
        "workbench.dsp.peaks", "workbench.dsp.spectrogram", "workbench.formats.pcm",
        "workbench.formats.labels", "workbench.formats.export", "workbench.core.project",
        "workbench.core.edits", "workbench.core.history", "workbench.core.regions",
        "workbench.core.mix", "workbench.core.timeline", "workbench.core.clip_edits", "workbench.core.audio_edits", "workbench.formats.atomic", "workbench.cli"]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return set(out.split())


def test_import_linter_contract():
    """The forbidden-import contract in pyproject.toml (the same check napari runs)."""
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_runs_without_qt():
    mods = _modules_after("\n".join(f"import {m}" for m in CORE))
    assert not {m for m in mods if m.split(".")[0] in ("PySide6", "pyqtgraph", "qasync", "shiboken6")}


def test_no_source_file_outside_ui_mentions_qt():
    """Also catches imports that the linter cannot see (inside functions, via importlib)."""
    offenders = []
    for path in (ROOT / "workbench").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("workbench/ui/"):
            continue
        text = path.read_text()
        if any(f"import {q}" in text or f"from {q}" in text for q in ("PySide6", "pyqtgraph", "qasync")):
            offenders.append(rel)
    assert offenders == []


def test_version_and_help_need_no_qt_or_torch():
    out = subprocess.run([sys.executable, "-m", "workbench", "--version"], capture_output=True,
                         text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.startswith("Audio Workbench ")
    mods = _modules_after("import workbench.cli")
    assert "PySide6" not in mods and "torch" not in mods


def test_window_start_imports_no_torch_or_transformers(tmp_path):
    """Cold start to the first paint, checked with Python's own import log."""
    env = {"QT_QPA_PLATFORM": "offscreen", "WORKBENCH_CONFIG_DIR": str(tmp_path),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "workbench", "--exit-when-shown"],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "shown" in out.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in out.stderr.splitlines()
                if line.startswith("import time:")}
    assert "PySide6" in imported
    assert not imported & {"torch", "transformers", "scipy"}


def test_command_line_opens_files(tmp_path):
    """`workbench FILE...` opens each file; a broken one is reported and the rest still open."""
    sys.path.insert(0, str(ROOT / "tests"))
    from audio_fixtures import signal, write

    good = write(tmp_path / "one.flac", signal(48000, 2), 48000, "FLAC", "PCM_16")
    bad = tmp_path / "bad.wav"
    bad.write_text("not audio")
    env = {"QT_QPA_PLATFORM": "offscreen", "WORKBENCH_CONFIG_DIR": str(tmp_path / "cfg"),
           "WORKBENCH_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "workbench", str(good), str(bad), "--exit-when-shown"],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "opened one.flac: FLAC PCM_16, 48000 Hz, stereo, 1.000 s" in out.stdout
    assert "message: Cannot open “bad.wav”" in out.stdout


def test_short_reads_given_on_the_command_line_are_messages_not_crashes(tmp_path):
    """MP3 and AU files cut short, given to the window on the command line (the issue saw SIGSEGV
    there, 10 runs in 10): each is opened or refused in words, and the window stays up."""
    import numpy as np
    import soundfile as sf

    x = (0.3 * np.sin(np.arange(48000 * 2) / 48000 * 2 * np.pi * 440)).astype("float32")
    sf.write(str(tmp_path / "full.mp3"), x, 48000, format="MP3")
    sf.write(str(tmp_path / "full.au"), x, 48000, format="AU", subtype="PCM_16")
    files = []
    for ext, cuts in ((".mp3", (100, 417, 3000)), (".au", (20, 30, 1001))):
        data = (tmp_path / f"full{ext}").read_bytes()
        for n in cuts:
            (tmp_path / f"cut{n}{ext}").write_bytes(data[:n])
            files.append(str(tmp_path / f"cut{n}{ext}"))
    env = {"QT_QPA_PLATFORM": "offscreen", "WORKBENCH_CONFIG_DIR": str(tmp_path / "cfg"),
           "WORKBENCH_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "workbench", *files, "--exit-when-shown"],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "message: Cannot open “cut100.mp3”: its audio could not be decoded: the file is cut short" \
        in out.stdout
    assert "possibly a pipe" not in out.stdout
    for f in files:
        assert Path(f).name in out.stdout
