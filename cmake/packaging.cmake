# The Debian package, made by CPack: `cpack -G DEB` in the build directory (or
# ./quickstart.sh package) writes proclab_<version>_<arch>.deb. It installs into /usr what
# `cmake --install` installs anywhere (the install rules are the only list of files); its
# Depends are computed by dpkg-shlibdeps (package dpkg-dev) from the programs' libraries.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME proclab)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Every install rule is in the default component; installing it by name writes
# install_manifest_Unspecified.txt, so packaging leaves alone the install_manifest.txt that a
# user's own `cmake --install` wrote (the README's uninstall list).
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};Unspecified;/")
set(CPACK_STRIP_FILES ON)  # the build is RelWithDebInfo; the package ships no debug info
set(PROCLAB_PACKAGE_MAINTAINER "ProcLab maintainers <proclab@example.org>" CACHE STRING
    "The Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${PROCLAB_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "learn Python-style multiprocessing by watching real child processes")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "ProcLab teaches multi-process programming by running real child processes and showing what
each one does while it happens, following the sections of a Python multiprocessing tutorial:
starting and joining processes, shared values and arrays, race conditions, locks, queues and
process pools, in English or Simplified Chinese. The desktop application (proclab) draws the
processes live; proclab-cli runs the same lessons in a terminal.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # proclab_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The Chinese font for the zh-CN texts (without it the app says so and shows English), and
# Python for the costs lesson's comparison.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-noto-cjk, python3")
include(CPack)
