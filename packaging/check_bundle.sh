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
  env -i HOME="$home" PATH="$scratch/empty-bin" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
      HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-0}" "$@"
}
if clean sh -c 'command -v python3 || command -v python' >/dev/null 2>&1; then
  echo "the clean environment still has a python on PATH" >&2; exit 1
fi

fail=0
echo "== self-test of the bundle in a clean environment"
t0=$(date +%s.%N)
if clean "$(realpath "$exe")" --self-test; then bundle_selftest=$(echo "$(date +%s.%N) - $t0" | bc); else fail=1; fi

echo "== first run without internet: a Hub model says what it would download"
out=$(HF_HUB_OFFLINE=1 clean timeout 120 "$(realpath "$exe")" run asr "$(realpath resources/demo/demo.flac)" \
      -o "$scratch/demo.srt" 2>&1) && { echo "it ran?"; fail=1; } || true
echo "$out" | tail -1
echo "$out" | grep -q "would download about 967.0 MB, into .*/huggingface/hub" || { echo "no download note" >&2; fail=1; }
tasks=$(clean timeout 60 "$(realpath "$exe")" tasks)
echo "$tasks" | grep -q "silero-vad (bundled)" || { echo "workbench tasks failed" >&2; fail=1; }
echo "$tasks" | grep -c "not downloaded yet" | sed 's/^/models that say what they would download: /'

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
    src_selftest=$(echo "$(date +%s.%N) - $t0" | bc)
  else src_selftest=failed; fi
  src_wall=$(wall "$(realpath "$venv/bin/workbench")")
  printf '%-34s %14s %14s\n' "" "bundle" "source install"
  printf '%-34s %14s %14s\n' "size on disk (MB)" "$(echo "$bundle_size / 1000000" | bc)" "$(echo "$src_size / 1000000" | bc) (.venv, dev tools too)"
  printf '%-34s %14.2f %14.2f\n' "cold start to window shown (s)" "$bundle_wall" "$src_wall"
  printf '%-34s %14s %14s\n' "self-test, whole run (s)" "${bundle_selftest:-failed}" "$src_selftest"
  [ -w /proc/sys/vm/drop_caches ] && how="page cache dropped before each" || how="page cache warm: not root"
  echo "(cold start: median of 3 whole runs, process start to exit right after the first paint, $how;"
  echo " the source install's packages: $src_site)"
fi
[ "$fail" = 0 ] && echo "bundle check passed" || echo "bundle check FAILED"
exit $fail
