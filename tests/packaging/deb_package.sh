#!/usr/bin/env bash
# Builds the Debian package with CPack and checks it as an admin would before installing it:
# its file list, its control fields (Depends computed by dpkg-shlibdeps, Recommends), its
# desktop and AppStream metadata (the validators), and that the extracted tree runs a lesson
# from wherever it was extracted.
#   deb_package.sh BUILD_DIR SOURCE_DIR
# Without cpack's DEB tools (dpkg-deb, dpkg-shlibdeps: dpkg-dev) the test is skipped (77),
# except under CI=true.
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d /tmp/proclab-deb-XXXXXX)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

for tool in cpack dpkg-deb dpkg-shlibdeps file; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool is not installed (Debian: cmake, dpkg, dpkg-dev, file)"
    [ "${CI:-}" = true ] && exit 1
    exit 77
  fi
done

# Into a directory of the test's own: the build directory's packages are left alone.
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  fail "cpack -G DEB: $(cat "$work/cpack.log")"
debs=("$work"/out/proclab_*.deb)
[ ${#debs[@]} = 1 ] && [ -f "${debs[0]}" ] || fail "cpack made no single proclab_*.deb: ${debs[*]}"
deb=${debs[0]}
echo "== $(basename "$deb"), $(stat -c %s "$deb") bytes"

# The files a user needs, at the paths Debian expects.
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$work/files"
expected=(
  /usr/bin/proclab /usr/bin/proclab-cli /usr/libexec/proclab/proclab-worker
  /usr/share/applications/org.proclab.ProcLab.desktop
  /usr/share/metainfo/org.proclab.ProcLab.metainfo.xml
  /usr/share/icons/hicolor/scalable/apps/proclab.svg
  /usr/share/man/man1/proclab.1.gz /usr/share/man/man1/proclab-cli.1.gz
  /usr/share/proclab/compare_python.py /usr/share/proclab/ui/proclab.png
)
for size in 16 22 24 32 48 64 128 256 512; do
  expected+=("/usr/share/icons/hicolor/${size}x${size}/apps/proclab.png")
done
for text in "$source"/assets/lessons/*/*.md; do
  expected+=("/usr/share/proclab/lessons/${text#"$source"/assets/lessons/}")
done
for path in "${expected[@]}"; do
  grep -qxF "$path" "$work/files" || fail "the package lacks $path"
done
! grep -v -e '^/usr/' -e '^/$' "$work/files" || fail "files outside /usr (above)"
! grep -q '^/usr/bin/proclab-worker$' "$work/files" || fail "proclab-worker is on PATH"
echo "dpkg-deb -c: the ${#expected[@]} expected files are there, all under /usr"

# Control fields: Depends computed from the libraries the programs link, Recommends given.
depends=$(dpkg-deb -f "$deb" Depends)
recommends=$(dpkg-deb -f "$deb" Recommends)
echo "Depends: $depends"
echo "Recommends: $recommends"
for library in libc6 libstdc++6 libglfw3 libfontconfig1 libmd4c0; do
  [[ ", $depends" == *", $library (>= "* ]] || fail "Depends has no versioned $library"
done
[ "$recommends" = "fonts-noto-cjk, python3" ] || fail "Recommends is '$recommends'"
[ "$(dpkg-deb -f "$deb" Package)" = proclab ] || fail "the package is not named proclab"

# Extracted anywhere, the tree works: the metadata validates, a lesson runs.
dpkg-deb -x "$deb" "$work/root"
"$source/tests/packaging/validate_metadata.sh" \
  "$work/root/usr/share/applications/org.proclab.ProcLab.desktop" \
  "$work/root/usr/share/metainfo/org.proclab.ProcLab.metainfo.xml"
for program in proclab proclab-cli; do
  ! file "$work/root/usr/bin/$program" | grep -q "not stripped" || fail "$program is not stripped"
done
out=$("$work/root/usr/bin/proclab-cli" run processes 2>&1) || fail "proclab-cli run processes: $out"
echo "$out" | grep -q "children joined" || fail "unexpected transcript: $out"
echo "extracted proclab-cli run processes: $(echo "$out" | tail -n 1)"
for page in proclab proclab-cli; do
  zgrep -q '^\.TH PROCLAB' "$work/root/usr/share/man/man1/$page.1.gz" || fail "$page.1.gz is no man page"
done
