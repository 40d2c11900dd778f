// A shared-memory segment for one run: created exclusively with mode 0600 under a unique,
// hard-to-guess name (prefix, owner pid, random part), and removed by its owner on every exit
// path. Children open it by name. Stale segments of dead owners are swept at start-up.
#pragma once
#include <sys/types.h>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <cstddef>
#include <optional>
#include <string>

namespace proclab {

inline constexpr std::string_view kSegmentPrefix = "proclab-";

class Segment {
 public:
  // Creates a new segment owned by this process; throws SegmentError on failure.
  static Segment Create(size_t bytes);
  // Opens an existing segment (a child's view); throws SegmentError if it does not exist, or is
  // not owned by this user.
  static Segment Open(const std::string& name);

  Segment(Segment&&) noexcept;
  Segment& operator=(Segment&&) noexcept;
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;
  ~Segment();  // the owner removes the segment's name; children only unmap

  const std::string& name() const { return name_; }
  bool owner() const { return owner_; }
  boost::interprocess::managed_shared_memory& memory() { return memory_; }

  // Allocates `bytes` aligned to 64 and returns a handle children can turn back into an address.
  void* Allocate(size_t bytes, boost::interprocess::managed_shared_memory::handle_t* handle);
  void* FromHandle(boost::interprocess::managed_shared_memory::handle_t handle) {
    return memory_.get_address_from_handle(handle);
  }

  // Named shared objects (the lesson's Value, Array, lock, queue ...).
  template <class T, class... Args>
  T* Construct(const char* object_name, Args&&... args) {
    return memory_.construct<T>(object_name)(std::forward<Args>(args)...);
  }
  template <class T>
  T* ConstructArray(const char* object_name, size_t count) {
    return memory_.construct<T>(object_name)[count]();
  }
  template <class T>
  T* Find(const char* object_name) {
    return memory_.find<T>(object_name).first;
  }

 private:
  Segment() = default;
  void Release() noexcept;

  std::string name_;
  boost::interprocess::managed_shared_memory memory_;
  bool owner_ = false;
};

class SegmentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "proclab-<pid>-<16 hex digits from getrandom>".
std::string MakeSegmentName(pid_t owner);
// The owner pid encoded in one of our names, or nullopt for a name that is not ours.
std::optional<pid_t> SegmentOwner(std::string_view name);
// Removes segments carrying our prefix whose owner process is gone; returns how many it removed.
// Never touches a live owner's segment or a name that does not parse as ours.
int SweepStaleSegments();
// Names of our segments currently in /dev/shm (for tests and the soak check).
std::vector<std::string> ListSegments();

// Maps the pages of [address, address + bytes) for writing now, in one system call, instead of
// one page fault per 4 KiB page later: in a virtual machine each fault traps to the hypervisor.
// Best effort: before Linux 5.14 (no MADV_POPULATE_WRITE) the pages fault as usual.
void PrefaultPages(void* address, size_t bytes);

}  // namespace proclab
