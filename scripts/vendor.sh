#!/usr/bin/env bash
# Installs the front-end assets from the npm registry into assets/vendor/ (git-ignored), so Beacon
# never loads anything from a CDN at run time. Versions are pinned here.
set -euo pipefail
cd "$(dirname "$0")/.."

BOOTSTRAP=bootstrap@5.3.8
ICONS=bootstrap-icons@1.13.2
INTER=@fontsource-variable/inter@5.3.0
# Persian (and Arabic-script) text, for the interface in Persian: Inter has no Arabic script.
VAZIRMATN=@fontsource-variable/vazirmatn@5.3.0
# plotly.js with the scatter and bar traces only (all Beacon draws), at the version plotly.py ships
# (plotly.offline.get_plotlyjs_version()), so a figure means the same to both; about a fifth of the full one.
PLOTLY=plotly.js-basic-dist-min@4.1.1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm install --prefix "$work" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  "$BOOTSTRAP" "$ICONS" "$INTER" "$VAZIRMATN" "$PLOTLY" >/dev/null
modules="$work/node_modules"

rm -rf assets/vendor.new
mkdir -p assets/vendor.new/fonts assets/vendor.new/inter/files assets/vendor.new/vazirmatn/files
# The left-to-right stylesheet and its right-to-left twin from the same package: a page links one of them
# (languages.py), by its language's direction.
cp "$modules/bootstrap/dist/css/bootstrap.min.css" "$modules/bootstrap/dist/css/bootstrap.rtl.min.css" assets/vendor.new/
cp "$modules/bootstrap-icons/font/bootstrap-icons.min.css" assets/vendor.new/
cp "$modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$modules/bootstrap-icons/font/fonts/bootstrap-icons.woff" \
  assets/vendor.new/fonts/
# Inter's variable upright face only: index.css references exactly these files.
cp "$modules/@fontsource-variable/inter/index.css" assets/vendor.new/inter/
cp "$modules"/@fontsource-variable/inter/files/inter-*-wght-normal.woff2 assets/vendor.new/inter/files/
# Vazirmatn's variable face, as Inter's: index.css and the files it references (Arabic script and Latin).
cp "$modules/@fontsource-variable/vazirmatn/index.css" assets/vendor.new/vazirmatn/
cp "$modules"/@fontsource-variable/vazirmatn/files/vazirmatn-*-wght-normal.woff2 assets/vendor.new/vazirmatn/files/
cp "$modules/plotly.js-basic-dist-min/plotly-basic.min.js" assets/vendor.new/plotly.min.js
echo "$BOOTSTRAP $ICONS $INTER $VAZIRMATN $PLOTLY" > assets/vendor.new/VERSIONS
rm -rf assets/vendor
mv assets/vendor.new assets/vendor
echo "vendored: $BOOTSTRAP $ICONS $INTER $VAZIRMATN $PLOTLY"
