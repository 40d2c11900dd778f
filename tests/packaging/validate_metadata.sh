#!/usr/bin/env bash
# The desktop entry and the AppStream metadata pass Debian's validators:
#   validate_metadata.sh FILE.desktop FILE.metainfo.xml
# desktop-file-validate (desktop-file-utils) and appstreamcli validate --no-net (appstream).
# A missing validator skips the test (status 77), except under CI=true, where it fails.
set -euo pipefail
desktop=$1
metainfo=$2
for tool in desktop-file-validate appstreamcli; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool is not installed (Debian: desktop-file-utils, appstream)"
    [ "${CI:-}" = true ] && exit 1
    exit 77
  fi
done
# desktop-file-validate exits 0 on hints; a hint is still worth fixing, so any output fails.
out=$(desktop-file-validate "$desktop" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then echo "$out"; exit 1; fi
echo "desktop-file-validate: $desktop is clean"
# Errors, warnings and infos fail (--strict); pedantic notes (upper case in the id) do not.
appstreamcli validate --no-net --strict --no-color "$metainfo"
