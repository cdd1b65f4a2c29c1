#!/usr/bin/env bash
# Installs the front-end assets from the npm registry into assets/vendor/ (git-ignored), so Beacon
# never loads anything from a CDN at run time. Versions are pinned here.
set -euo pipefail
cd "$(dirname "$0")/.."

BOOTSTRAP=bootstrap@5.3.8
ICONS=bootstrap-icons@1.13.2
INTER=@fontsource-variable/inter@5.3.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm install --prefix "$work" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  "$BOOTSTRAP" "$ICONS" "$INTER" >/dev/null
modules="$work/node_modules"

rm -rf assets/vendor.new
mkdir -p assets/vendor.new/fonts assets/vendor.new/inter/files
cp "$modules/bootstrap/dist/css/bootstrap.min.css" assets/vendor.new/
cp "$modules/bootstrap-icons/font/bootstrap-icons.min.css" assets/vendor.new/
cp "$modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$modules/bootstrap-icons/font/fonts/bootstrap-icons.woff" \
  assets/vendor.new/fonts/
# Inter's variable upright face only: index.css references exactly these files.
cp "$modules/@fontsource-variable/inter/index.css" assets/vendor.new/inter/
cp "$modules"/@fontsource-variable/inter/files/inter-*-wght-normal.woff2 assets/vendor.new/inter/files/
echo "$BOOTSTRAP $ICONS $INTER" > assets/vendor.new/VERSIONS
rm -rf assets/vendor
mv assets/vendor.new assets/vendor
echo "vendored: $BOOTSTRAP $ICONS $INTER"
