"""Builds the one-folder bundle every platform's installer wraps: a clean build environment with
the CPU torch, then PyInstaller on packaging/workbench.spec.  The platform recipes call it:

    packaging/linux/build.sh        -> dist/audio-workbench-VERSION-linux-x86_64.tar.gz
    packaging/windows/build.ps1     -> dist/AudioWorkbench-VERSION-setup.exe (Inno Setup)
    packaging/macos/build.sh        -> dist/AudioWorkbench-VERSION.dmg

    python3 packaging/build_bundle.py [--fresh] [--venv build/venv]

The Python that runs this must be a shared-library build (the default on Windows, macOS and
Debian/Ubuntu's python3; pyenv needs PYTHON_CONFIGURE_OPTS=--enable-shared).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CPU_TORCH_INDEX = "https://download.pytorch.org/whl/cpu"


def run(*cmd, **kw) -> subprocess.CompletedProcess:
    print("+", " ".join(map(str, cmd)), flush=True)
    return subprocess.run(list(map(str, cmd)), check=kw.pop("check", True), **kw)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def torch_pin() -> str:
    for line in (ROOT / "constraints-ci.txt").read_text().splitlines():
        if line.strip().startswith("torch=="):
            return line.strip()
    return "torch"


def install_cpu_torch(py: Path) -> None:
    """PyPI's torch is the CPU build on Windows and macOS; on Linux it is the CUDA build
    (gigabytes), so the bundle takes the CPU wheel: from pip's local wheels when this machine
    has one (a build farm's mirror), else from PyTorch's CPU index."""
    pin = torch_pin()
    if sys.platform.startswith("linux"):
        local = run(py, "-m", "pip", "install", "-q", "--dry-run", "--no-index", "--no-deps", pin,
                    check=False, capture_output=True)
        extra = [] if local.returncode == 0 else ["--index-url", CPU_TORCH_INDEX,
                                                  "--extra-index-url", "https://pypi.org/simple"]
        run(py, "-m", "pip", "install", "-q", pin, *extra)
    else:
        run(py, "-m", "pip", "install", "-q", pin)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--venv", default=str(ROOT / "build" / "venv"), help="the build environment")
    p.add_argument("--fresh", action="store_true", help="make the build environment from scratch")
    args = p.parse_args(argv)
    if not sysconfig.get_config_var("Py_ENABLE_SHARED") and os.name != "nt" and sys.platform != "darwin":
        print("This Python has no shared library, which PyInstaller needs: use the system python3 or "
              "a pyenv build with PYTHON_CONFIGURE_OPTS=--enable-shared", file=sys.stderr)
        return 2
    venv = Path(args.venv)
    if args.fresh and venv.exists():
        shutil.rmtree(venv)
    t0 = time.monotonic()
    if not venv_python(venv).exists():
        run(sys.executable, "-m", "venv", venv)
    py = venv_python(venv)
    run(py, "-m", "pip", "install", "-q", "--upgrade", "pip")
    install_cpu_torch(py)
    run(py, "-m", "pip", "install", "-q", "-c", ROOT / "constraints-ci.txt", ROOT, "pyinstaller>=6.10")
    # resemblyzer's weights (Apache-2.0) for offline "who spoke when"; its code is not bundled
    run(py, "-m", "pip", "install", "-q", "--no-deps", "resemblyzer>=0.1.4")
    run(py, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", ROOT / "dist", "--workpath", ROOT / "build" / "pyinstaller",
        ROOT / "packaging" / "workbench.spec")
    folder = ROOT / "dist" / "audio-workbench"
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
    print(f"bundle: {folder} ({size / 1e6:.0f} MB) in {time.monotonic() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
