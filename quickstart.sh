#!/usr/bin/env bash
# ProcLab's Quick start: installs what is missing (Debian 12 packages), builds, then either starts
# ProcLab or runs every test.
#   ./quickstart.sh app    install, build, start the GUI (or list the lessons without a display)
#   ./quickstart.sh test   install, build, run every test (GUI tests under Xvfb)
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-app}
case "$mode" in app | test) ;; *)
  echo "usage: ./quickstart.sh app|test" >&2
  exit 2
  ;;
esac

packages=(cmake ninja-build g++ pkg-config libboost-dev nlohmann-json3-dev libcli11-dev catch2
  libimgui-dev libglfw3-dev libstb-dev libfreetype-dev libmd4c-dev libfontconfig-dev fonts-noto-cjk)
if [ "$mode" = test ]; then packages+=(xvfb xauth xdotool python3); fi

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
  exit
fi

if [ -x "$build/bin/proclab" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec "$build/bin/proclab"
fi
echo "No display here: the terminal front end runs the same lessons."
exec "$build/bin/proclab-cli" list
