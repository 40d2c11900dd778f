#!/usr/bin/env bash
# ProcLab's Quick start: installs what is missing (Debian 12 packages), builds, then starts
# ProcLab, runs every test, or makes the Debian package.
#   ./quickstart.sh app      install, build, start the GUI (or list the lessons without a display)
#   ./quickstart.sh test     install, build, run every test (GUI tests under Xvfb, the install,
#                            relocation and package tests), then the sanitizer builds (ASan+UBSan,
#                            TSan; PROCLAB_SANITIZERS=0 skips them)
#   ./quickstart.sh package  install, build, make build/proclab_<version>_<arch>.deb (cpack)
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-app}
case "$mode" in app | test | package) ;; *)
  echo "usage: ./quickstart.sh app|test|package" >&2
  exit 2
  ;;
esac

packages=(cmake ninja-build g++ pkg-config libboost-dev nlohmann-json3-dev libcli11-dev catch2
  libimgui-dev libglfw3-dev libstb-dev libfreetype-dev libmd4c-dev libfontconfig-dev fonts-noto-cjk
  python3 python3-dev)
# python3-dev: the headers the Python tracer's native module is built with (proclab-cli trace);
# python3: what runs the traced programs (and the tests of them).
# Packaging: dpkg-shlibdeps (dpkg-dev) and file compute the package's Depends; the validators
# check the desktop entry and the AppStream metadata.
packaging=(dpkg-dev file desktop-file-utils appstream)
if [ "$mode" = test ]; then packages+=(xvfb xauth xdotool "${packaging[@]}"); fi
if [ "$mode" = package ]; then packages+=("${packaging[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing missing packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "All needed packages are installed."
fi

build=${PROCLAB_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)"

if [ "$mode" = test ]; then
  ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
  # Sanitizers (PROCLAB_SANITIZERS=0 skips them): the core, lesson and CLI tests under
  # AddressSanitizer + UndefinedBehaviorSanitizer, and the threaded ring, queue, lock and barrier
  # tests under ThreadSanitizer (it cannot follow fork, so only threads). Only the test programs
  # are built there. Any report fails the run.
  if [ "${PROCLAB_SANITIZERS:-1}" != 0 ]; then
    export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
    # -O1 -g1 (line tables), as the sanitizers' own documentation suggests: reports still name
    # file and line, and the build takes about half as long as -O2 -g (test_cli.cpp: 70 -> 38 s).
    sanitized_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
      "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" -DPROCLAB_GUI=OFF)
    asan=${PROCLAB_ASAN_DIR:-$build-asan}
    tsan=${PROCLAB_TSAN_DIR:-$build-tsan}
    echo "== AddressSanitizer + UndefinedBehaviorSanitizer: $asan"
    cmake -S . -B "$asan" -G Ninja -DPROCLAB_SANITIZE=address "${sanitized_flags[@]}" >/dev/null
    cmake --build "$asan" -j "$(nproc)" --target proclab-tests
    # Not the soak (ASan keeps freed memory in quarantine, so resident size grows by design), the
    # benchmarks, the lessons' deliberate crash ([crash]: UBSan reports its null store before
    # the kernel's SIGSEGV the test expects), or the large traces ([large]: minutes under ASan,
    # seconds in the plain build, which runs them), or the traced Python programs ([python]: the
    # tracer is not built there, since a sanitized module cannot load into python3).
    "$asan/bin/proclab-tests" "~[soak]~[bench]~[gui]~[crash]~[large]~[python]"
    echo "== ThreadSanitizer: $tsan"
    cmake -S . -B "$tsan" -G Ninja -DPROCLAB_SANITIZE=thread "${sanitized_flags[@]}" >/dev/null
    cmake --build "$tsan" -j "$(nproc)" --target proclab-thread-tests
    "$tsan/bin/proclab-thread-tests" "[tsan]"
  fi
  exit
fi

if [ "$mode" = package ]; then
  (cd "$build" && cpack -G DEB 2>&1) | tee "$build/cpack.log"
  deb=$(sed -n 's/^CPack: - package: \(.*\) generated\.$/\1/p' "$build/cpack.log")
  echo "Made $deb"
  echo "Install it with: sudo apt-get install $deb   (remove it with: sudo apt-get remove proclab)"
  exit
fi

if [ -x "$build/bin/proclab" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec "$build/bin/proclab"
fi
echo "No display here: the terminal front end runs the same lessons."
exec "$build/bin/proclab-cli" list
