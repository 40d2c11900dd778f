// Where the programs find the worker and their data: beside themselves in a build tree, under
// <prefix>/libexec/proclab and <prefix>/share/proclab when installed, wherever the prefix is.
#include <catch2/catch.hpp>
#include <filesystem>

#include "core/install_layout.hpp"
#include "core/run.hpp"
#include "support.hpp"

using namespace proclab;
namespace fs = std::filesystem;

TEST_CASE("an installed program finds the worker in libexec/proclab and its data in share/proclab, "
          "under any prefix") {
  test::TempDir dir;
  for (const fs::path& prefix : {fs::path(dir.File("usr")), fs::path(dir.File("moved/elsewhere"))}) {
    INFO(prefix);
    fs::create_directories(prefix / "share/proclab");
    const InstallLayout layout = LayoutFor(prefix / "bin/proclab-cli");
    CHECK(layout.installed);
    CHECK(layout.worker == prefix / "libexec/proclab/proclab-worker");
    CHECK(layout.assets_dir == prefix / "share/proclab");
    CHECK(layout.bench_script == prefix / "share/proclab/compare_python.py");
    CHECK(layout.python_dir == prefix / "share/proclab/python");
    CHECK(layout.python_programs == prefix / "share/proclab/programs");
  }
}

TEST_CASE("a program with no share/proclab above it is in a build tree: the worker beside it, "
          "the data in the source tree") {
  test::TempDir dir;
  const InstallLayout layout = LayoutFor(fs::path(dir.File("build/bin")) / "proclab");
  CHECK_FALSE(layout.installed);
  CHECK(layout.worker == fs::path(dir.File("build/bin")) / "proclab-worker");
  CHECK(layout.assets_dir == fs::path(PROCLAB_SOURCE_DIR) / "assets");
  CHECK(layout.bench_script == fs::path(PROCLAB_SOURCE_DIR) / "bench/compare_python.py");
  CHECK(layout.python_dir == fs::path(dir.File("build")) / "python");  // built: it has a compiled module
  CHECK(layout.python_programs == fs::path(PROCLAB_SOURCE_DIR) / "assets/python");
}

TEST_CASE("the test program itself runs from the build tree and finds the built worker") {
  CHECK_FALSE(ThisInstall().installed);
  CHECK(Run::DefaultWorkerPath() == test::BinPath("proclab-worker"));
  CHECK(fs::exists(ThisInstall().bench_script));
  CHECK(fs::is_directory(ThisInstall().assets_dir / "lessons"));
}
