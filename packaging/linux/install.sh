#!/bin/sh
# Installs Audio Workbench for this user: the program in ~/.local/opt/audio-workbench, the
# command `audio-workbench` in ~/.local/bin, and its menu entry and icon.  No root, no Python.
#   ./install.sh            install (or update) from this folder
#   ./install.sh --remove   uninstall (your projects, settings and downloaded models stay)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
prefix=$HOME/.local/opt/audio-workbench
bin=$HOME/.local/bin
id=org.audioworkbench.AudioWorkbench

remove() {
  rm -rf "$prefix" "$bin/audio-workbench" "$data/applications/$id.desktop" "$data/metainfo/$id.metainfo.xml"
  find "$data/icons/hicolor" -name "$id.*" -delete 2>/dev/null || true
}
if [ "${1:-}" = "--remove" ]; then remove; echo "Audio Workbench removed."; exit 0; fi

remove
mkdir -p "$prefix" "$bin" "$data/applications" "$data/metainfo"
cp -R "$here/." "$prefix/"
ln -sf "$prefix/audio-workbench" "$bin/audio-workbench"
sed "s|^Exec=audio-workbench|Exec=$prefix/audio-workbench|" "$here/share/applications/$id.desktop" \
  > "$data/applications/$id.desktop"
cp "$here/share/metainfo/$id.metainfo.xml" "$data/metainfo/"
cp -R "$here/share/icons" "$data/"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "Audio Workbench is installed: find it in your applications menu, or run $bin/audio-workbench"
echo "Check it with: $bin/audio-workbench --self-test"
