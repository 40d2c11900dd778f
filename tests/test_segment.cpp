#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/interprocess/shared_memory_object.hpp>
#include <catch2/catch.hpp>

#include "core/segment.hpp"
#include "support.hpp"

using namespace proclab;

namespace {
bool InDevShm(const std::string& name) {
  struct stat info;
  return stat(("/dev/shm/" + name).c_str(), &info) == 0;
}
}  // namespace

TEST_CASE("a segment name carries our prefix, the owner pid and 16 random hex digits") {
  const std::string a = MakeSegmentName(1234);
  const std::string b = MakeSegmentName(1234);
  CHECK(a.starts_with("proclab-1234-"));
  CHECK(a.size() == std::string("proclab-1234-").size() + 16);
  CHECK(a != b);
  CHECK(SegmentOwner(a) == 1234);
  CHECK_FALSE(SegmentOwner("proclab-1234-zz"));
  CHECK_FALSE(SegmentOwner("other-1234-0123456789abcdef"));
  CHECK_FALSE(SegmentOwner("proclab-x-0123456789abcdef"));
}

TEST_CASE("a created segment exists with mode 0600 and is removed when its owner lets go") {
  std::string name;
  {
    Segment segment = Segment::Create(64 * 1024);
    name = segment.name();
    struct stat info;
    REQUIRE(stat(("/dev/shm/" + name).c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(SegmentOwner(name) == getpid());
    int* value = segment.Construct<int>("value", 42);
    REQUIRE(value != nullptr);
    Segment view = Segment::Open(name);
    CHECK(*view.Find<int>("value") == 42);
  }  // the child's view unmaps; the owner removes
  CHECK_FALSE(InDevShm(name));
}

TEST_CASE("a segment is removed when an exception unwinds past it") {
  std::string name;
  try {
    Segment segment = Segment::Create(64 * 1024);
    name = segment.name();
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  CHECK_FALSE(name.empty());
  CHECK_FALSE(InDevShm(name));
}

TEST_CASE("moving a segment moves ownership: it is removed once") {
  Segment first = Segment::Create(64 * 1024);
  const std::string name = first.name();
  Segment second = std::move(first);
  CHECK(second.owner());
  CHECK(InDevShm(name));
  second = Segment::Create(64 * 1024);
  CHECK_FALSE(InDevShm(name));
}

TEST_CASE("opening a segment that does not exist is a clear error") {
  CHECK_THROWS_WITH(Segment::Open(MakeSegmentName(getpid())),
                    Catch::Contains("does not exist"));
  CHECK_THROWS_WITH(Segment::Open("not-ours"), Catch::Contains("not a ProcLab segment name"));
}

TEST_CASE("the sweep removes segments of dead owners only, and never foreign names") {
  // A pid that surely is dead: a child we started and reaped.
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);

  namespace bip = boost::interprocess;
  const std::string stale = MakeSegmentName(dead);
  const std::string live = MakeSegmentName(getpid());
  const std::string foreign = "proclabx-" + std::to_string(dead) + "-0123456789abcdef";
  for (const std::string& name : {stale, live, foreign}) {
    bip::shared_memory_object shm(bip::create_only, name.c_str(), bip::read_write);
    shm.truncate(4096);
  }
  CHECK(SweepStaleSegments() >= 1);
  CHECK_FALSE(InDevShm(stale));
  CHECK(InDevShm(live));
  CHECK(InDevShm(foreign));
  bip::shared_memory_object::remove(live.c_str());
  bip::shared_memory_object::remove(foreign.c_str());
}
