#!/usr/bin/env bash
# Real key events (xdotool under the X server xvfb-run gives) pressed at a live window: after a
# click leaves the keyboard focus on A+ (whose right neighbour is Screenshot), Right then Space
# must open the next lesson and run it, and neither move the focus nor open the Screenshot
# dialog over the run. The app's own script checks that and exits 1 if not. Before it, a
# script with a bad line is refused with one error and exit status 2.
#   tests/gui_real_keys.sh PROCLAB        (run under xvfb-run; exit 77: xdotool is missing)
set -euo pipefail
proclab=$1
command -v xdotool >/dev/null || { echo "xdotool is missing: skipped"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export XDG_CONFIG_HOME=$dir/config
# First, a bad line: one clear error and exit status 2, before any window opens.
printf 'lesson shared-data\nset processes 4\ndance\n' >"$dir/bad.txt"
bad=0
"$proclab" --script "$dir/bad.txt" 2>"$dir/bad.err" || bad=$?
[ $bad -eq 2 ] || { echo "a bad script exited $bad, not 2"; exit 1; }
grep -qx "proclab: $dir/bad.txt: line 3: no step 'dance'" "$dir/bad.err" || { cat "$dir/bad.err"; exit 1; }
cat >"$dir/keys.txt" <<SCRIPT
pace 0.2
lesson processes
click bigger
# The driver below waits for this file before it types.
screenshot $dir/ready.png
expect lesson shared-data
expect running
expect no-dialog
expect nav-unmoved
stop
wait-run
quit
SCRIPT
"$proclab" --script "$dir/keys.txt" --size 1000x700 &
app=$!
for _ in $(seq 300); do
  [ -s "$dir/ready.png" ] && break
  kill -0 $app 2>/dev/null || break
  sleep 0.1
done
[ -s "$dir/ready.png" ] || { echo "the app never got ready"; kill $app 2>/dev/null; exit 1; }
window=$(xdotool search --sync --name '^ProcLab$' | head -1)
xdotool windowfocus --sync "$window"
xdotool key --delay 300 Right space
status=0
wait $app || status=$?
echo "proclab exited $status"
exit $status
