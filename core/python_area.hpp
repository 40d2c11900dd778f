// The part of a run's segment that a traced Python program shares with ProcLab (the object
// named "python" in the segment, beside the RunHeader). Built by PythonRun (core/python_run.cpp)
// before the program starts; read and written by the tracer inside every Python process of
// the program (python/native/trace_module.cpp), which is built from the same source, so the
// layout always matches.
//
// Lanes: every Python process writes its events into its own lane's ring, RunHeader::children[
// lane].ring, preallocated here for `lanes` lanes (a process cannot safely allocate in the
// segment). A lane is claimed with one atomic increment: by the parent just before fork (so
// lanes number the children in the order they were started), or by a fresh interpreter when it
// starts (spawn, forkserver, a subprocess). A process that finds every lane taken runs
// untraced and is counted.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "core/run_header.hpp"

namespace proclab {

inline constexpr int kQueueDepthCounters = 256;
inline constexpr int kPoolJobSlots = 1024;
inline constexpr size_t kPathBytes = 4096;
inline constexpr const char* kPythonAreaName = "python";

struct PythonLane {
  std::atomic<int32_t> pid{0};         // the process on this lane (0: not claimed yet)
  std::atomic<int32_t> parent_pid{0};
  // Its current line, also written here: exact even when its ring dropped the line events.
  std::atomic<uint64_t> line{0};       // file id << 32 | line number
};

// What a pool's parent says about a job before its tasks reach the workers: the chunk size a
// worker needs to turn a chunk number into item numbers.
struct PoolJobSlot {
  std::atomic<uint64_t> key{0};  // pool id << 32 | (job + 1); 0: free
  std::atomic<int64_t> chunksize{1};
};

struct PythonArea {
  static constexpr uint32_t kMagic = 0x50595452;  // "PYTR"
  static constexpr uint32_t kVersion = 1;
  uint32_t magic = kMagic;
  uint32_t version = kVersion;
  uint32_t lanes = 0;      // lanes with a ring: RunHeader::children[0 .. lanes)
  uint32_t lines = 1;      // 1: line events (--lines on)
  std::atomic<uint32_t> next_lane{0};
  std::atomic<uint32_t> untraced{0};     // processes that found every lane taken
  std::atomic<uint32_t> next_object{1};  // ids of slots, locks, queues, pools, files
  std::atomic<uint32_t> numbers[8] = {};  // per kind of object: the N of "Value#N", "Lock#N" ...
  std::atomic<uint32_t> next_depth_counter{0};
  std::atomic<int64_t> queue_depth[kQueueDepthCounters] = {};  // items in each queue, exact:
                                                               // changed under the queue's locks
  PoolJobSlot jobs[kPoolJobSlots];
  char program[kPathBytes] = {};      // the program's real path
  char program_dir[kPathBytes] = {};  // files under it (not the interpreter's) are the program's
  char python_version[64] = {};       // written by the main process: "3.11.7"
  PythonLane lane[kMaxLanes];
};

// The frames every traced Python process writes its sys.stdout and sys.stderr through, on one
// pipe (the descriptor kOutputFd in every process of the program): a header, then `length`
// bytes of what the process wrote. A frame is one write() of at most PIPE_BUF bytes, so frames
// of different processes never mix and their order is the order they were written in.
struct OutputFrameHeader {
  static constexpr uint32_t kMagic = 0x314f4c50;  // "PLO1"
  uint32_t magic = kMagic;
  int32_t pid = 0;
  uint16_t length = 0;
  uint8_t stream = 1;  // 1 stdout, 2 stderr
  uint8_t reserved = 0;
  uint32_t reserved2 = 0;
};
static_assert(sizeof(OutputFrameHeader) == 16);
inline constexpr size_t kOutputFrameBytes = 4096;  // PIPE_BUF on Linux: one atomic write
inline constexpr int kOutputFd = 1000;             // where the frames go, in the program

}  // namespace proclab
