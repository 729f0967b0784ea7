#!/usr/bin/env bash
# macOS: "Audio Workbench.app" (PyInstaller's BUNDLE step in workbench.spec) in a disk image.
#   bash packaging/macos/build.sh [--fresh]   ->  dist/AudioWorkbench-VERSION-ARCH.dmg
# Build on the architecture you ship (arm64 on Apple silicon, x86_64 on Intel); torch from PyPI is
# the CPU+MPS build on macOS.  Signing and notarisation are separate steps, run when the
# variables are set (see the README, "Signing the installers"):
#   MACOS_SIGN_IDENTITY="Developer ID Application: Name (TEAMID)"
#   MACOS_NOTARY_PROFILE=profile-made-with-`xcrun notarytool store-credentials`
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
"$PYTHON" packaging/build_bundle.py "$@"
app="dist/Audio Workbench.app"
version=$("$PYTHON" -c "import re; print(re.search(r'__version__ = \"([^\"]+)\"', open('workbench/__init__.py').read()).group(1))")

QT_QPA_PLATFORM=offscreen "$app/Contents/MacOS/audio-workbench" --self-test

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --deep --force --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$app"
  codesign --verify --deep --strict "$app"
fi
staging=$(mktemp -d)
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
cp dist/audio-workbench/_internal/resources/licenses/THIRD-PARTY-LICENSES.txt "$staging/" 2>/dev/null || true
dmg="dist/AudioWorkbench-$version-$(uname -m).dmg"
rm -f "$dmg"
hdiutil create -volname "Audio Workbench" -srcfolder "$staging" -ov -format UDZO "$dmg"
rm -rf "$staging"
if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  codesign --sign "$MACOS_SIGN_IDENTITY" --timestamp "$dmg"
  xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
  xcrun stapler staple "$dmg"
fi
echo "disk image: $dmg"
