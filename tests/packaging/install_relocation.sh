#!/usr/bin/env bash
# Installs the build into a temporary prefix and uses it as a user would: the installed
# proclab-cli runs every lesson, the installed proclab runs one under Xvfb and saves a screenshot;
# then the installed tree is moved to another directory and all of it runs again (relocation).
#   install_relocation.sh BUILD_DIR
# Without xvfb-run the GUI part is skipped (status 77 at the end), except under CI=true.
set -euo pipefail
build=$1
work=$(mktemp -d /tmp/proclab-install-XXXXXX)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/config  # the user's settings are left alone

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Small parameters where a lesson is slow at its defaults; a lesson not named here runs at its
# defaults.
lesson_args() {
  case $1 in
    shared-data | locks | lock-guard) echo "--iterations 10 --sleep-ms 1" ;;
    costs) echo "--size quick" ;;
  esac
}

gui_skipped=0
check_tree() {
  local prefix=$1
  echo "== installed tree at $prefix"
  [ ! -e "$prefix/bin/proclab-worker" ] || fail "proclab-worker is on PATH ($prefix/bin)"
  [ -x "$prefix/libexec/proclab/proclab-worker" ] || fail "no $prefix/libexec/proclab/proclab-worker"
  local cli=$prefix/bin/proclab-cli
  "$cli" --version
  local ids
  ids=$("$cli" list --json | sed -n 's/^ *"id": "\([^"]*\)",*$/\1/p')
  [ -n "$ids" ] || fail "proclab-cli list --json gave no lesson ids"
  for id in $ids; do
    # shellcheck disable=SC2046  # the arguments are words on purpose
    out=$("$cli" run "$id" $(lesson_args "$id") 2>&1) || fail "proclab-cli run $id: $out"
    case $out in *"could not start"* | *"was not found"*) fail "proclab-cli run $id: $out" ;; esac
    echo "proclab-cli run $id $(lesson_args "$id"): ok, $(echo "$out" | tail -n 1)"
  done

  if ! command -v xvfb-run >/dev/null; then
    [ "${CI:-}" = true ] && fail "xvfb-run is not installed (Debian: xvfb)"
    gui_skipped=1
    return
  fi
  local shot=$work/shot-$RANDOM.png err=$work/gui.err
  xvfb-run -a -s "-screen 0 1280x800x24" "$prefix/bin/proclab" --lesson processes --run \
    --screenshot "$shot" --size 1000x700 2>"$err" || fail "installed proclab: $(cat "$err")"
  [ -s "$shot" ] || fail "installed proclab saved no screenshot"
  ! grep -q . "$err" || fail "installed proclab said: $(cat "$err")"
  echo "proclab --lesson processes --run --screenshot: ok, $(stat -c %s "$shot") bytes"
  # The texts come from this tree, not from the source tree: hide one and the app names the
  # path it looked for.
  local text=$prefix/share/proclab/lessons/en/queue-basics.md
  mv "$text" "$text.hidden"
  xvfb-run -a -s "-screen 0 1280x800x24" "$prefix/bin/proclab" --lesson queue-basics --lang en \
    --screenshot "$shot" --size 1000x700 2>"$err" || fail "installed proclab: $(cat "$err")"
  mv "$text.hidden" "$text"
  grep -q "cannot read $text" "$err" || fail "the installed proclab did not read $text: $(cat "$err")"
  echo "proclab reads its lesson texts from $prefix/share/proclab: ok"
}

# A component install writes install_manifest_Unspecified.txt, not the install_manifest.txt a
# user's own `cmake --install` left in the build directory (the README's uninstall uses it).
cmake --install "$build" --component Unspecified --prefix "$work/first" >/dev/null
check_tree "$work/first"
mkdir -p "$work/moved"
mv "$work/first" "$work/moved/elsewhere"
check_tree "$work/moved/elsewhere"
[ "$gui_skipped" = 0 ] || { echo "xvfb-run is not installed: the installed GUI was not checked"; exit 77; }
