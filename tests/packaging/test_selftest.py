"""`workbench --self-test`: the end-to-end check installers run on a built bundle, here on the
source install.  It must pass, and it must name the step that breaks."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[2]


def self_test(env_extra=None, timeout=300):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "workbench", "--self-test"], capture_output=True,
                          text=True, env=env, timeout=timeout, cwd=ROOT)


def test_the_self_test_passes_and_reports_every_step(tmp_path):
    home = tmp_path / "home"
    out = self_test({"HOME": str(home), "WORKBENCH_CONFIG_DIR": "", "WORKBENCH_DATA_DIR": ""})
    assert out.returncode == 0, out.stdout + out.stderr
    steps = [line for line in out.stdout.splitlines() if line.startswith("ok ")]
    assert [s.split(":")[0] for s in steps] == [
        "ok 1 start the window", "ok 2 open the demo recording", "ok 3 draw the timeline offscreen",
        "ok 4 run voice activity", "ok 5 generate a tone", "ok 6 save the project",
        "ok 7 reopen the project", "ok 8 list the licences"]
    assert "self-test passed" in out.stdout
    assert not home.exists() or not any(home.rglob("settings.json"))   # it leaves no settings behind


def _resources_with(tmp_path, demo_samples, rate=22050):
    folder = tmp_path / "resources"
    (folder / "demo").mkdir(parents=True)
    sf.write(str(folder / "demo" / "demo.flac"), demo_samples, rate)
    return folder


def test_a_demo_without_speech_fails_at_voice_activity(tmp_path):
    quiet = np.random.default_rng(0).normal(0, 0.01, 22050 * 24).astype(np.float32)
    out = self_test({"WORKBENCH_RESOURCES": str(_resources_with(tmp_path, quiet))})
    assert out.returncode == 1
    assert "self-test failed at step 4 (run voice activity): no speech found near 0.6 s" in out.stderr


def test_a_damaged_demo_fails_at_opening_it(tmp_path):
    folder = _resources_with(tmp_path, np.zeros(22050 * 24, np.float32))
    path = folder / "demo" / "demo.flac"
    path.write_bytes(path.read_bytes()[:200])             # cut inside the first frame
    out = self_test({"WORKBENCH_RESOURCES": str(folder)})
    assert out.returncode == 1
    assert "self-test failed at step 2 (open the demo recording)" in out.stderr
