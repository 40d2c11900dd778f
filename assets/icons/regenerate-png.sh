#!/usr/bin/env bash
# Renders the PNG sizes of the hicolor icon from the SVG. Run after editing the SVG and commit the
# PNGs: the build does not need rsvg-convert (Debian package librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/hicolor"
for size in 16 22 24 32 48 64 128 256 512; do
  mkdir -p "${size}x${size}/apps"
  rsvg-convert -w "$size" -h "$size" scalable/apps/proclab.svg -o "${size}x${size}/apps/proclab.png"
done
