#!/usr/bin/env bash
# Remakes the README's screenshots from a build (default: build/), on its own Xvfb server.
#   docs/screenshots/remake.sh [BUILD_DIR]
# Needs xvfb and xdotool (the hovered Python picture moves the mouse). The self-test makes the
# pictures of states it reaches (presenter mode, the queue's replay, the pool's crash, step
# mode); the others are one run each with --screenshot.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
out=docs/screenshots
shots=$(mktemp -d)
export XDG_CONFIG_HOME=$shots/config  # start from defaults; leave the user's settings alone
# (each picture names its language: the app remembers the last one)
display=:$((100 + RANDOM % 800))
Xvfb "$display" -screen 0 1920x1080x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$shots"' EXIT
export DISPLAY=$display
sleep 1

"$build/bin/proclab" --selftest "$shots" >/dev/null
for name in presenter-en queue-replay pool-crash shared-data-stepped; do
  cp "$shots/$name.png" "$out/$name.png"
done

app() { "$build/bin/proclab" --size 1280x720 "$@"; }
app --lang en --lesson shared-data --run --screenshot "$out/shared-data-en.png"
app --lesson locks --lang zh-CN --run --screenshot "$out/locks-zh-CN.png"
app --lang zh-CN --python tests/python/syntax_error.py --run --view console \
  --screenshot "$out/python-syntax-error-zh-CN.png"

# A live Python run, the mouse over Process-1's lane: its line and events at that moment.
"$build/bin/proclab" --lang en --size 1600x900 --lesson shared-data --engine python --sleep-ms 40 --run \
  --screenshot "$out/python-live-hover.png" --screenshot-live 3500 &
app_pid=$!
sleep 2.5
xdotool mousemove 1300 560
wait $app_pid
echo "Remade: $(ls "$out"/*.png | wc -l) pictures in $out"
