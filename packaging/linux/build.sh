#!/usr/bin/env bash
# Linux: the one-folder bundle as a tarball with the desktop entry, icons, AppStream file and an
# installer script for the user's own account (no root, no Python needed on the target machine).
#   bash packaging/linux/build.sh [--fresh]    ->  dist/audio-workbench-VERSION-linux-ARCH.tar.gz
# Then it runs the bundle's self-test in a clean environment (packaging/check_bundle.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
"$PYTHON" packaging/build_bundle.py "$@"

version=$("$PYTHON" -c "import re; print(re.search(r'__version__ = \"([^\"]+)\"', open('workbench/__init__.py').read()).group(1))")
arch=$(uname -m)
bundle=dist/audio-workbench
share="$bundle/share"
rm -rf "$share"
mkdir -p "$share/applications" "$share/metainfo" "$share/icons/hicolor/scalable/apps"
cp resources/linux/org.audioworkbench.AudioWorkbench.desktop "$share/applications/"
cp resources/linux/org.audioworkbench.AudioWorkbench.metainfo.xml "$share/metainfo/"
cp resources/icons/audio-workbench.svg "$share/icons/hicolor/scalable/apps/org.audioworkbench.AudioWorkbench.svg"
for size in 16 24 32 48 64 128 256 512; do
  mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
  cp "resources/icons/audio-workbench-$size.png" "$share/icons/hicolor/${size}x${size}/apps/org.audioworkbench.AudioWorkbench.png"
done
cp packaging/linux/install.sh packaging/linux/README.txt "$bundle/"
cp "$bundle/_internal/resources/licenses/THIRD-PARTY-LICENSES.txt" "$bundle/"

name="audio-workbench-$version-linux-$arch"
rm -f "dist/$name.tar.gz"
tar -C dist --transform "s,^audio-workbench,$name," -czf "dist/$name.tar.gz" audio-workbench
echo "archive: dist/$name.tar.gz ($(du -h "dist/$name.tar.gz" | cut -f1))"
bash packaging/check_bundle.sh "$bundle"
