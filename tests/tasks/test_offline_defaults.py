"""Offline first: every task that has a bundled model defaults to it, and runs from the command
line with its default model, with the Hub switched off (HF_HUB_OFFLINE=1) and an empty Hugging
Face cache, as on a fresh install without internet."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.tasks import registry
from workbench.tasks.model_status import status
from workbench.tasks.spec import is_bundled

ROOT = Path(__file__).resolve().parents[2]
WITH_BUNDLED = [s for s in registry.all_tasks() if any(is_bundled(c) for c in s.checkpoints)]


def test_a_task_with_a_bundled_model_offers_it_first():
    assert {s.id for s in WITH_BUNDLED} >= {"vad", "tag", "overview", "keywords", "tts", "enhance",
                                            "diarize", "enroll", "identify"}
    for spec in WITH_BUNDLED:
        assert is_bundled(spec.checkpoints[0]), (spec.id, spec.checkpoints)
        assert status(spec.checkpoints[0], spec).ready, spec.id


def run(tmp_path, *args):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "empty-hf"),
           "WORKBENCH_CONFIG_DIR": str(tmp_path / "config")}
    return subprocess.run([sys.executable, "-m", "workbench", "run", *args], capture_output=True,
                          text=True, env=env, timeout=600, cwd=ROOT)


def test_every_bundled_default_runs_offline_from_the_command_line(speech_file, tmp_path):
    """One process per task, no --model: each uses its default, which must be here."""
    path, truth = speech_file
    (tmp_path / "voices.srt").write_text(
        f"1\n00:00:{truth[0][0]:06.3f} --> 00:00:{truth[0][1]:06.3f}\nAnn\n\n".replace(".", ","),
        encoding="utf-8")
    done = {}
    for spec in WITH_BUNDLED:
        if spec.panel == "generate":
            out = tmp_path / f"{spec.id}.wav"
            args = [spec.id, str(path), "-o", str(out)] if spec.inputs else [spec.id, "-o", str(out)]
            if spec.id == "tts":
                args += ["--text", "Ready when you are."]
        elif spec.id == "enroll":
            out = None
            args = [spec.id, str(path), "--regions", str(tmp_path / "voices.srt")]
        elif spec.kind == "task" and "labels" in spec.inputs:     # train: two classes, two each
            halves = [(a, (a + b) / 2) for a, b in truth[:2]] + [((a + b) / 2, b) for a, b in truth[:2]]
            (tmp_path / "two.txt").write_text("".join(f"{a:.3f}\t{b:.3f}\t{'ab'[k % 2]}\n"
                                                      for k, (a, b) in enumerate(halves)), encoding="utf-8")
            out = tmp_path / f"{spec.id}-model"
            args = [spec.id, str(path), "--regions", str(tmp_path / "two.txt"), "-o", str(out)]
        else:
            out = tmp_path / f"{spec.id}.csv"
            args = [spec.id, str(path), "-o", str(out)]
        result = run(tmp_path, *args)
        done[spec.id] = result
        assert result.returncode == 0, (spec.id, result.stderr[-2000:])
        assert out is None or out.exists(), spec.id
        assert "Traceback" not in result.stderr, spec.id
    assert set(done) == {s.id for s in WITH_BUNDLED}


@pytest.mark.parametrize("task", ["asr"])
def test_a_hub_default_offline_says_what_to_do_on_the_command_line(speech_file, tmp_path, task):
    """A task with no bundled model fails offline with words for the command line (no
    backticks, no talk of a Model box)."""
    path, _ = speech_file
    result = run(tmp_path, task, str(path), "-o", str(tmp_path / "x.srt"))
    assert result.returncode == 1
    assert "--model FOLDER" in result.stderr and "`" not in result.stderr
    assert "Browse" not in result.stderr and "Model box" not in result.stderr
