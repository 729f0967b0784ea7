#!/usr/bin/env bash
# Checks a built Linux (or macOS) bundle the way a user without Python would run it, and prints
# the figures for the release note next to the same figures for the source install:
#   - the self-test, offscreen, in a clean environment: `env -i`, a new empty HOME (so no
#     settings, no model cache: a first run), and a PATH with no python on it;
#   - a first run without internet: the window starts, and asking for a Hub model says what it
#     would download and where, without hanging;
#   - bundle size, cold start to the window shown (median of 3), and the self-test's time.
#
#   bash packaging/check_bundle.sh [BUNDLE_FOLDER] [SOURCE_VENV]
#   (defaults: dist/audio-workbench and .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=${1:-dist/audio-workbench}
venv=${2:-.venv}
exe="$bundle/audio-workbench"
[ -x "$exe" ] || { echo "no bundle at $bundle (build it: bash packaging/linux/build.sh)" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/empty-bin"
clean() {   # a first run: nothing but the bundle, a fresh home, no python anywhere on PATH
  local home="$scratch/home-$RANDOM"
  mkdir -p "$home"
  timeout "${LIMIT:-300}" env -i HOME="$home" PATH="$scratch/empty-bin" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
      HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-0}" "$@"
}
if clean sh -c 'command -v python3 || command -v python' >/dev/null 2>&1; then
  echo "the clean environment still has a python on PATH" >&2; exit 1
fi

fail=0
echo "== self-test of the bundle in a clean environment"
t0=$(date +%s.%N)
if clean "$(realpath "$exe")" --self-test; then bundle_selftest=$(printf '%.2f' "$(echo "$(date +%s.%N) - $t0" | bc)"); else fail=1; fi

echo "== first run without internet: a Hub model says what it would download"
out=$(HF_HUB_OFFLINE=1 LIMIT=120 clean "$(realpath "$exe")" run asr "$(realpath resources/demo/demo.flac)" \
      -o "$scratch/demo.srt" 2>&1) && { echo "it ran?"; fail=1; } || true
echo "$out" | tail -1
echo "$out" | grep -q "would download about 967.0 MB, into .*/huggingface/hub" || { echo "no download note" >&2; fail=1; }
tasks=$(LIMIT=60 clean "$(realpath "$exe")" tasks)
echo "$tasks" | grep -q "silero-vad (bundled)" || { echo "workbench tasks failed" >&2; fail=1; }
echo "$tasks" | grep -c "not downloaded yet" | sed 's/^/models that say what they would download: /'

echo "== every model family through the bundle (PyInstaller cannot see lazy imports)"
# Real Whisper tiny.en (both engines) when the shared tool is beside the checkout, and tiny
# random models of each other family, built by the source install (tests/tinygen.py).
models="$scratch/models"
whisper_tool=../shared/tools/real-whisper/make_real_whisper.sh
demo=$(realpath resources/demo/demo.flac)
check() {   # check NAME COMMAND...: runs the bundle, shows its last line, fails the check on error
  local name=$1; shift
  if out=$(clean "$(realpath "$exe")" "$@" 2>&1); then echo "ok   $name: $(echo "$out" | tail -1 | tr '\r' '\n' | tail -1)"
  else echo "FAIL $name: $(echo "$out" | tail -3)"; fail=1; fi
}
if [ -f "$whisper_tool" ]; then
  whisper=$(bash "$whisper_tool" 2>/dev/null | tail -1)
  for engine in ctranslate2 transformers; do
    check "speech recognition, real Whisper tiny.en, $engine" run asr "$demo" --model "$whisper" \
      --param engine=$engine -o "$scratch/demo-$engine.txt"
    grep -qi "welcome" "$scratch/demo-$engine.txt" || { echo "FAIL: $engine did not hear “welcome”"; fail=1; }
  done
fi
if [ -x "$venv/bin/python" ] && (cd tests && "../$venv/bin/python" - "$models" <<'PY' >/dev/null 2>&1
import sys
from pathlib import Path
import tinygen
base = Path(sys.argv[1])
for make in ("vits", "musicgen", "audioldm2", "stable_audio", "clap", "ctc"):
    getattr(tinygen, f"tiny_{make}")(base / make)
PY
); then
  check "CTC speech recognition (transformers pipeline)" run asr "$demo" --model "$models/ctc" -o "$scratch/ctc.txt"
  check "zero-shot labels (CLAP)" run zeroshot "$demo" --model "$models/clap" -o "$scratch/clap.txt"
  check "speech (VITS)" run tts --model "$models/vits" --text "hello there" -o "$scratch/tts.wav"
  check "music (MusicGen)" run music --model "$models/musicgen" --param duration=0.5 -o "$scratch/music.wav"
  check "sound effect (AudioLDM 2, diffusers)" run sfx --model "$models/audioldm2" --param duration=1 \
    --param steps=2 -o "$scratch/sfx.wav"
  check "sound effect (Stable Audio, diffusers)" run sfx --model "$models/stable_audio" --param duration=1 \
    --param steps=2 -o "$scratch/stable.wav"
fi
check "voice activity (silero, bundled)" run vad "$demo" -o "$scratch/vad.txt"
check "who spoke when (resemblyzer, bundled)" run diarize "$demo" -o "$scratch/who.txt"
check "keyword spotting (microWakeWord, bundled)" run keywords "$demo" --model "microwakeword (bundled)" -o "$scratch/kw.txt"
check "speech enhancement (DeepFilterNet, bundled)" run enhance "$demo" -o "$scratch/clean.wav"
# Teach: a classifier from two made-up classes over the speech found above, then run by Classify
awk -F'\t' '{print $1"\t"$2"\t"(NR%2?"a":"b")}' "$scratch/vad.txt" > "$scratch/two.txt"
check "train a classifier (resemblyzer, bundled)" train "$demo" --labels "$scratch/two.txt" \
  --backbone "resemblyzer (bundled)" -o "$scratch/classifier"
check "classify with the trained folder" run classify "$demo" --model "$scratch/classifier" \
  --regions "$scratch/two.txt" -o "$scratch/classes.txt"
check "speech, the local voice (Kokoro, bundled)" run tts --model "kokoro (bundled)" \
  --text "It costs 12 dollars." -o "$scratch/kokoro.wav"

drop_caches() {   # a cold start reads the files from disk, not from the page cache (root only)
  sync; { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null || true
}
wall() {   # median wall time of three whole runs, process start to exit after the first paint
  for _ in 1 2 3; do
    drop_caches
    local a; a=$(date +%s.%N); clean "$@" --exit-when-shown >/dev/null; echo "$(date +%s.%N) - $a" | bc
  done | sort -n | sed -n 2p
}
echo "== figures (this machine, same run)"
bundle_size=$(du -sb "$bundle" | cut -f1)
bundle_wall=$(wall "$(realpath "$exe")")
echo "bundle: $(echo "$bundle_size / 1000000" | bc) MB in $(find "$bundle" -type f | wc -l) files"
for f in dist/*.tar.gz; do [ -f "$f" ] && echo "archive: $f $(du -b "$f" | cut -f1 | sed 's/$/ bytes/')"; done
if [ -x "$venv/bin/workbench" ]; then
  src_site=$("$venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
  src_size=$(du -sb "$venv" | cut -f1)
  t0=$(date +%s.%N)
  if QT_QPA_PLATFORM=offscreen HOME="$scratch/src-home" "$venv/bin/workbench" --self-test >/dev/null; then
    src_selftest=$(printf '%.2f' "$(echo "$(date +%s.%N) - $t0" | bc)")
  else src_selftest=failed; fi
  src_wall=$(wall "$(realpath "$venv/bin/workbench")")
  printf '%-34s %14s %14s\n' "" "bundle" "source install"
  printf '%-34s %14s %14s\n' "size on disk (MB)" "$(echo "$bundle_size / 1000000" | bc)" "$(echo "$src_size / 1000000" | bc) (.venv, dev tools too)"
  [ -d build/venv ] && printf '%-34s %14s %14s\n' "" "" "$(echo "$(du -sb build/venv | cut -f1) / 1000000" | bc) (build/venv: the app's own dependencies)"
  printf '%-34s %14.2f %14.2f\n' "cold start to window shown (s)" "$bundle_wall" "$src_wall"
  printf '%-34s %14s %14s\n' "self-test, whole run (s)" "${bundle_selftest:-failed}" "$src_selftest"
  [ -w /proc/sys/vm/drop_caches ] && how="page cache dropped before each" || how="page cache warm: not root"
  echo "(cold start: median of 3 whole runs, process start to exit right after the first paint, $how;"
  echo " the source install's packages: $src_site)"
fi
[ "$fail" = 0 ] && echo "bundle check passed" || echo "bundle check FAILED"
exit $fail
