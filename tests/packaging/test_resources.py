"""resources/: the icon in every size each platform wants, the desktop entry and AppStream
metadata (validated by the freedesktop tools when they are installed), the demo recording as its
README describes it, and the project's licence."""
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

RES = Path(__file__).resolve().parents[2] / "resources"


def test_the_icon_comes_in_every_size():
    from PIL import Image

    for size in (16, 24, 32, 48, 64, 128, 256, 512, 1024):
        with Image.open(RES / "icons" / f"audio-workbench-{size}.png") as im:
            assert im.size == (size, size) and im.mode == "RGBA"
            assert im.getpixel((0, 0))[3] == 0 and im.getpixel((size // 2, size // 2))[3] == 255
    with Image.open(RES / "icons" / "audio-workbench.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(RES / "icons" / "audio-workbench.icns") as icns:
        assert icns.format == "ICNS" and icns.size == (1024, 1024)


@pytest.mark.parametrize("tool, name", [
    (["desktop-file-validate"], "linux/org.audioworkbench.AudioWorkbench.desktop"),
    (["appstreamcli", "validate", "--no-net"], "linux/org.audioworkbench.AudioWorkbench.metainfo.xml")])
def test_the_linux_metadata_validates(tool, name):
    if shutil.which(tool[0]) is None:
        pytest.skip(f"{tool[0]} is not installed")
    out = subprocess.run(tool + [str(RES / name)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_desktop_entry_and_the_app_agree_on_the_id():
    from workbench.ui import application

    text = (RES / "linux" / "org.audioworkbench.AudioWorkbench.desktop").read_text()
    assert "Icon=org.audioworkbench.AudioWorkbench" in text
    assert 'setDesktopFileName("org.audioworkbench.AudioWorkbench")' in Path(application.__file__).read_text()


def test_the_demo_is_what_its_readme_says():
    from workbench.core.paths import demo_recording

    path = demo_recording()
    assert path == RES / "demo" / "demo.flac"
    x, rate = sf.read(str(path))
    assert rate == 22050 and x.ndim == 1 and abs(len(x) / rate - 23.66) < 0.01
    readme = (RES / "demo" / "README.md").read_text()
    assert "CC0" in readme and "make_demo.py" in readme
    # the quiet stretches between the events are where the README's table says
    for a, b in ((0.0, 0.5), (5.2, 5.8), (7.2, 7.8)):
        assert np.sqrt(np.mean(x[int(a * rate): int(b * rate)] ** 2)) < 0.005, (a, b)
    for a, b in ((1.0, 3.8), (5.93, 6.0), (15.0, 15.5), (18.4, 19.0)):
        assert np.sqrt(np.mean(x[int(a * rate): int(b * rate)] ** 2)) > 0.03, (a, b)


def test_the_project_licence_is_there():
    assert "MIT License" in (RES / "licenses" / "audio-workbench-MIT.txt").read_text()
