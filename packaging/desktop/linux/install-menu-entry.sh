#!/bin/sh
# Add the openIMIS Companion to this user's application menu (and open .cbundle files with it),
# from the unpacked tarball. Run it again after moving the folder; nothing needs root.
#   ./install-menu-entry.sh            add      ./install-menu-entry.sh --remove   take it away
# Your data (~/.local/share/openIMIS Companion) is never touched.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
ID=org.openimis.Companion
if [ "${1:-}" = "--remove" ]; then
    rm -f "$DATA/applications/$ID.desktop" "$DATA/metainfo/$ID.metainfo.xml" "$DATA/mime/packages/$ID.xml"
    find "$DATA/icons/hicolor" -name "$ID.png" -delete 2>/dev/null || true
else
    mkdir -p "$DATA/applications" "$DATA/metainfo" "$DATA/mime/packages"
    sed "s|^Exec=openIMIS-Companion|Exec=\"$HERE/openIMIS-Companion\"|" "$HERE/share/applications/$ID.desktop" \
        > "$DATA/applications/$ID.desktop"
    cp "$HERE/share/metainfo/$ID.metainfo.xml" "$DATA/metainfo/"
    cp "$HERE/share/mime/packages/$ID.xml" "$DATA/mime/packages/"
    (cd "$HERE/share" && find icons -name "$ID.png" | while read -r icon; do
        mkdir -p "$DATA/$(dirname "$icon")" && cp "$icon" "$DATA/$icon"; done)
fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$DATA/applications" || true
command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$DATA/mime" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
echo "done"
