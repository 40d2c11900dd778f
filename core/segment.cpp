#include "core/segment.hpp"

#include <dirent.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/interprocess/shared_memory_object.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <vector>

namespace proclab {
namespace bip = boost::interprocess;

std::string MakeSegmentName(pid_t owner) {
  unsigned char random[8];
  size_t got = 0;
  while (got < sizeof random) {
    const ssize_t n = getrandom(random + got, sizeof random - got, 0);
    if (n < 0 && errno != EINTR) throw SegmentError("cannot read random bytes for a segment name");
    if (n > 0) got += static_cast<size_t>(n);
  }
  char hex[sizeof random * 2 + 1];
  for (size_t i = 0; i < sizeof random; ++i) std::snprintf(hex + 2 * i, 3, "%02x", random[i]);
  return std::string(kSegmentPrefix) + std::to_string(owner) + "-" + hex;
}

std::optional<pid_t> SegmentOwner(std::string_view name) {
  if (!name.starts_with(kSegmentPrefix)) return std::nullopt;
  name.remove_prefix(kSegmentPrefix.size());
  const size_t dash = name.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash > 9) return std::nullopt;
  pid_t pid = 0;
  for (char c : name.substr(0, dash)) {
    if (c < '0' || c > '9') return std::nullopt;
    pid = pid * 10 + (c - '0');
  }
  const std::string_view random = name.substr(dash + 1);
  if (random.size() != 16) return std::nullopt;
  for (char c : random)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  if (pid <= 0) return std::nullopt;
  return pid;
}

Segment Segment::Create(size_t bytes) {
  Segment segment;
  segment.name_ = MakeSegmentName(getpid());
  bip::permissions mode;
  mode.set_permissions(0600);
  try {
    segment.memory_ =
        bip::managed_shared_memory(bip::create_only, segment.name_.c_str(), bytes, nullptr, mode);
  } catch (const bip::interprocess_exception& e) {
    throw SegmentError("cannot create shared memory segment " + segment.name_ + ": " + e.what());
  }
  segment.owner_ = true;
  return segment;
}

Segment Segment::Open(const std::string& name) {
  if (!SegmentOwner(name)) throw SegmentError("not a ProcLab segment name: " + name);
  // A worker refuses a segment that another user created: it would run that user's lesson.
  struct stat info;
  const std::string path = "/dev/shm/" + name;
  if (stat(path.c_str(), &info) != 0)
    throw SegmentError("shared memory segment " + name + " does not exist");
  if (info.st_uid != geteuid())
    throw SegmentError("shared memory segment " + name + " belongs to another user");
  Segment segment;
  segment.name_ = name;
  try {
    segment.memory_ = bip::managed_shared_memory(bip::open_only, name.c_str());
  } catch (const bip::interprocess_exception& e) {
    throw SegmentError("cannot open shared memory segment " + name + ": " + e.what());
  }
  return segment;
}

Segment::Segment(Segment&& other) noexcept
    : name_(std::move(other.name_)), memory_(std::move(other.memory_)), owner_(other.owner_) {
  other.owner_ = false;
  other.name_.clear();
}

Segment& Segment::operator=(Segment&& other) noexcept {
  if (this != &other) {
    Release();
    name_ = std::move(other.name_);
    memory_ = std::move(other.memory_);
    owner_ = other.owner_;
    other.owner_ = false;
    other.name_.clear();
  }
  return *this;
}

Segment::~Segment() { Release(); }

void Segment::Release() noexcept {
  memory_ = bip::managed_shared_memory();  // unmap first
  if (owner_ && !name_.empty()) bip::shared_memory_object::remove(name_.c_str());
  owner_ = false;
}

void* Segment::Allocate(size_t bytes, bip::managed_shared_memory::handle_t* handle) {
  void* memory = memory_.allocate_aligned(bytes, 64, std::nothrow);
  if (memory == nullptr)
    throw SegmentError("shared memory segment too small for " + std::to_string(bytes) + " bytes");
  *handle = memory_.get_handle_from_address(memory);
  return memory;
}

std::vector<std::string> ListSegments() {
  std::vector<std::string> names;
  DIR* dir = opendir("/dev/shm");
  if (dir == nullptr) return names;
  while (const dirent* entry = readdir(dir)) {
    if (SegmentOwner(entry->d_name)) names.emplace_back(entry->d_name);
  }
  closedir(dir);
  return names;
}

int SweepStaleSegments() {
  int removed = 0;
  for (const std::string& name : ListSegments()) {
    const pid_t owner = *SegmentOwner(name);
    struct stat info;
    const std::string path = "/dev/shm/" + name;
    if (stat(path.c_str(), &info) != 0 || info.st_uid != geteuid()) continue;
    // EPERM means the pid is alive (another user's process): leave it.
    if (kill(owner, 0) == 0 || errno != ESRCH) continue;
    if (bip::shared_memory_object::remove(name.c_str())) ++removed;
  }
  return removed;
}

void PrefaultPages(void* address, size_t bytes) {
  if (bytes == 0) return;
  constexpr int kPopulateWrite = 23;  // MADV_POPULATE_WRITE (Linux 5.14)
  static const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t begin = reinterpret_cast<uintptr_t>(address) & ~(page - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(address) + bytes;
  madvise(reinterpret_cast<void*>(begin), end - begin, kPopulateWrite);
}

}  // namespace proclab
