// proclab_trace._native: the part of ProcLab's Python tracer that runs inside every process of a
// traced program. It attaches to the run's segment with the same checks as proclab-worker,
// claims a lane, and writes 32-byte events into that lane's ring. The Python half
// (python/proclab_trace) patches multiprocessing and calls in here.
//
// Built against CPython's limited API (abi3, 3.8+), so one build loads into any CPython 3.8 or
// later: Debian's /usr/bin/python3 and a pyenv build alike. The few calls outside the limited
// API (the C-level trace function) are looked up at run time with dlsym.
//
// Sections: state and checks · lanes · events and names · shared numbers (Cell, the Value
// descriptors) · locks (LockOps) · step gates · lines · the module.
#define Py_LIMITED_API 0x03080000
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <dlfcn.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/event_ring.hpp"
#include "core/facts/slot_facts.hpp"
#include "core/futex.hpp"
#include "core/python_area.hpp"
#include "core/run_header.hpp"
#include "core/segment.hpp"

namespace {

using proclab::Event;
using proclab::EventKind;
using proclab::ValueType;

// ------------------------------------------------------------------------ state and checks

struct Tracer {
  proclab::Segment* segment = nullptr;  // never unmapped: a fork child keeps using the mapping
  proclab::RunHeader* header = nullptr;
  proclab::PythonArea* area = nullptr;
  int lane = -1;                        // -1: untraced (not attached, or no lane left)
  proclab::EventRing* ring = nullptr;
  uint64_t generation = 1;              // changes at each claim: per-process caches reset
  int reserved = -1;                    // a lane reserved for the child about to be forked
  pid_t cli = 0;
};
Tracer g;

inline bool Active() { return g.ring != nullptr; }

inline void EmitAt(int64_t ticks, EventKind kind, uint32_t object, int64_t a, int64_t b,
                   ValueType type = ValueType::kInt) {
  if (g.ring == nullptr) return;
  g.ring->Push(Event{ticks, static_cast<uint16_t>(g.lane), kind, type, object, a, b});
}
inline void Emit(EventKind kind, uint32_t object, int64_t a = 0, int64_t b = 0,
                 ValueType type = ValueType::kInt) {
  EmitAt(proclab::TraceTicks(), kind, object, a, b, type);
}

pid_t ParentOf(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE* file = std::fopen(path, "r");
  if (file == nullptr) return 0;
  char buffer[512];
  const size_t n = std::fread(buffer, 1, sizeof buffer - 1, file);
  std::fclose(file);
  buffer[n] = '\0';
  const char* close = std::strrchr(buffer, ')');  // the name may hold spaces and parentheses
  int ppid = 0;
  if (close == nullptr || std::sscanf(close + 1, " %*c %d", &ppid) != 1) return 0;
  return ppid;
}

// `ancestor` is this process's parent, or its parent's parent ... (a Python program's processes
// descend from the ProcLab that started it; an orphan was reparented to it, its subreaper).
bool DescendsFrom(pid_t ancestor) {
  pid_t pid = getppid();
  for (int depth = 0; depth < 64 && pid > 1; ++depth) {
    if (pid == ancestor) return true;
    pid = ParentOf(pid);
  }
  return pid == ancestor;
}

PyObject* Fail(const std::string& why) {
  PyErr_SetString(PyExc_RuntimeError, why.c_str());
  return nullptr;
}

// ------------------------------------------------------------------------------------ lanes

void ResetTallies(int lane) {
  for (proclab::SharedSlotTally& tally : g.header->children[lane].tallies) {
    tally.slot_plus_one.store(0);
    tally.reads.store(0);
    tally.writes.store(0);
    tally.erased.store(0);
  }
}

// Takes `lane` (or the next free one when -1) for this process. false: every lane is taken.
bool Claim(int lane) {
  g.ring = nullptr;
  g.lane = -1;
  ++g.generation;
  if (g.area == nullptr) return false;
  if (lane < 0) {
    const uint32_t next = g.area->next_lane.fetch_add(1);
    if (next >= g.area->lanes) {
      g.area->untraced.fetch_add(1);
      return false;
    }
    lane = static_cast<int>(next);
  }
  if (lane >= static_cast<int>(g.area->lanes)) return false;
  g.lane = lane;
  g.ring = static_cast<proclab::EventRing*>(g.segment->FromHandle(g.header->children[lane].ring));
  ResetTallies(lane);
  g.area->lane[lane].parent_pid.store(getppid());
  g.area->lane[lane].pid.store(getpid());
  Emit(EventKind::kStarted, 0, getpid(), getppid());
  return true;
}

PyObject* PyAttach(PyObject*, PyObject* args) {
  const char* name = nullptr;
  long long cli = 0;
  int lane = -1;
  if (!PyArg_ParseTuple(args, "sLi", &name, &cli, &lane)) return nullptr;
  if (g.segment != nullptr) return PyLong_FromLong(g.lane);
  // The same checks proclab-worker makes: a name of ours, a segment of this user and mode 0600
  // (Segment::Open), a run header of this version, made by the ProcLab this process descends
  // from.
  if (cli <= 1 || !DescendsFrom(static_cast<pid_t>(cli)))
    return Fail("this process was not started by the ProcLab that owns the segment");
  std::unique_ptr<proclab::Segment> segment;
  try {
    segment = std::make_unique<proclab::Segment>(proclab::Segment::Open(name));
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
  auto* header = segment->Find<proclab::RunHeader>("header");
  if (header == nullptr || header->magic != proclab::RunHeader::kMagic ||
      header->version != proclab::RunHeader::kVersion)
    return Fail("the segment has no run header of this version");
  if (header->parent_pid != static_cast<pid_t>(cli)) return Fail("the segment belongs to another ProcLab");
  auto* area = segment->Find<proclab::PythonArea>(proclab::kPythonAreaName);
  if (area == nullptr || area->magic != proclab::PythonArea::kMagic ||
      area->version != proclab::PythonArea::kVersion)
    return Fail("the segment has no Python area of this version");
  // The program's main process dies with ProcLab (its descendants are in its process group,
  // which ProcLab ends); checked after the prctl, as proclab-worker does.
  if (getppid() == static_cast<pid_t>(cli)) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != static_cast<pid_t>(cli)) return Fail("ProcLab is gone");
  }
  proclab::UseTscForTrace(header->trace_uses_tsc != 0);
  g.segment = segment.release();
  g.header = header;
  g.area = area;
  g.cli = static_cast<pid_t>(cli);
  Claim(lane);
  return PyLong_FromLong(g.lane);
}

// Before fork (in the parent): the lane the child will take, so lanes number children in the
// order they were started. -1 when none is left (the child counts itself untraced).
PyObject* PyReserve(PyObject*, PyObject*) {
  g.reserved = -1;
  if (g.area != nullptr && Active()) {
    const uint32_t next = g.area->next_lane.fetch_add(1);
    if (next < g.area->lanes) g.reserved = static_cast<int>(next);
    else g.area->untraced.fetch_add(1);
  }
  return PyLong_FromLong(g.reserved);
}

// After fork, in the child: take the reserved lane (or none).
PyObject* PyAfterForkChild(PyObject*, PyObject*) {
  const int lane = g.reserved;
  g.reserved = -1;
  if (lane >= 0) Claim(lane);
  else {
    g.ring = nullptr;
    g.lane = -1;
    ++g.generation;
  }
  return PyLong_FromLong(g.lane);
}

PyObject* PyAfterForkParent(PyObject*, PyObject*) {
  g.reserved = -1;
  Py_RETURN_NONE;
}

PyObject* PyLane(PyObject*, PyObject*) { return PyLong_FromLong(g.lane); }

PyObject* PySettings(PyObject*, PyObject*) {
  if (g.area == nullptr) Py_RETURN_NONE;
  return Py_BuildValue("{s:O,s:O,s:s,s:s,s:i}", "lines", g.area->lines ? Py_True : Py_False,
                       "step_mode", g.header->step_mode.load() ? Py_True : Py_False, "program",
                       g.area->program, "program_dir", g.area->program_dir, "lanes",
                       static_cast<int>(g.area->lanes));
}

PyObject* PySetPythonVersion(PyObject*, PyObject* args) {
  const char* text = nullptr;
  if (!PyArg_ParseTuple(args, "s", &text)) return nullptr;
  if (g.area != nullptr) std::snprintf(g.area->python_version, sizeof g.area->python_version, "%s", text);
  Py_RETURN_NONE;
}

// ------------------------------------------------------------------------ events and names

PyObject* PyEmit(PyObject*, PyObject* args) {
  int kind = 0, type = 0;
  unsigned int object = 0;
  long long a = 0, b = 0;
  if (!PyArg_ParseTuple(args, "iI|LLi", &kind, &object, &a, &b, &type)) return nullptr;
  if (kind < 0 || kind >= static_cast<int>(EventKind::kCount)) return Fail("no such event kind");
  Emit(static_cast<EventKind>(kind), object, a, b, static_cast<ValueType>(type));
  Py_RETURN_NONE;
}

// An event stamped at an earlier moment (a queue get is stamped under the queue's lock, its
// value known only once unpickled).
PyObject* PyEmitAt(PyObject*, PyObject* args) {
  long long ticks = 0, a = 0, b = 0;
  int kind = 0, type = 0;
  unsigned int object = 0;
  if (!PyArg_ParseTuple(args, "LiI|LLi", &ticks, &kind, &object, &a, &b, &type)) return nullptr;
  if (kind < 0 || kind >= static_cast<int>(EventKind::kCount)) return Fail("no such event kind");
  EmitAt(ticks, static_cast<EventKind>(kind), object, a, b, static_cast<ValueType>(type));
  Py_RETURN_NONE;
}

PyObject* PyTicks(PyObject*, PyObject*) { return PyLong_FromLongLong(proclab::TraceTicks()); }

PyObject* PyNewId(PyObject*, PyObject*) {
  if (g.area == nullptr) return PyLong_FromLong(0);
  return PyLong_FromUnsignedLong(g.area->next_object.fetch_add(1));
}

// `count` consecutive ids (an Array's elements).
PyObject* PyNewIds(PyObject*, PyObject* args) {
  unsigned int count = 1;
  if (!PyArg_ParseTuple(args, "I", &count)) return nullptr;
  if (g.area == nullptr) return PyLong_FromLong(0);
  return PyLong_FromUnsignedLong(g.area->next_object.fetch_add(count));
}

// The N of "Value#N": numbered per kind of object across every process of the program.
PyObject* PyNumber(PyObject*, PyObject* args) {
  unsigned int kind = 0;
  if (!PyArg_ParseTuple(args, "I", &kind)) return nullptr;
  if (g.area == nullptr || kind >= 8) return PyLong_FromLong(0);
  return PyLong_FromUnsignedLong(g.area->numbers[kind].fetch_add(1) + 1);
}

void EmitName(uint32_t id, const char* name, size_t length) {
  for (size_t at = 0; at < length; at += 16) {
    char text[16] = {};
    std::memcpy(text, name + at, std::min<size_t>(16, length - at));
    int64_t a = 0, b = 0;
    std::memcpy(&a, text, 8);
    std::memcpy(&b, text + 8, 8);
    Emit(EventKind::kName, id, a, b);
  }
}

// declare(kind, id, name, initial=0, type=0): a kDeclare and its kName chunks.
PyObject* PyDeclare(PyObject*, PyObject* args) {
  long long kind = 0, initial = 0;
  unsigned int id = 0;
  const char* name = nullptr;
  Py_ssize_t length = 0;
  int type = 0;
  if (!PyArg_ParseTuple(args, "LIs#|Li", &kind, &id, &name, &length, &initial, &type)) return nullptr;
  Emit(EventKind::kDeclare, id, kind, initial, static_cast<ValueType>(type));
  EmitName(id, name, static_cast<size_t>(length));
  Py_RETURN_NONE;
}

PyObject* PyReportError(PyObject*, PyObject* args) {
  const char* text = nullptr;
  Py_ssize_t length = 0;
  if (!PyArg_ParseTuple(args, "s#", &text, &length)) return nullptr;
  if (!Active()) Py_RETURN_NONE;
  char* slot = g.header->children[g.lane].error;
  const size_t n = std::min<size_t>(static_cast<size_t>(length), proclab::kErrorTextBytes - 1);
  std::memcpy(slot, text, n);
  slot[n] = '\0';
  Emit(EventKind::kFailed, 0, 1);
  Py_RETURN_NONE;
}

PyObject* PyDepthCounter(PyObject*, PyObject*) {
  if (g.area == nullptr) return PyLong_FromLong(-1);
  const uint32_t index = g.area->next_depth_counter.fetch_add(1);
  return PyLong_FromLong(index < proclab::kQueueDepthCounters ? static_cast<long>(index) : -1);
}

// Adds `delta` to a queue's depth counter; returns the depth after (-1 without a counter).
PyObject* PyDepthAdd(PyObject*, PyObject* args) {
  int index = -1, delta = 0;
  if (!PyArg_ParseTuple(args, "ii", &index, &delta)) return nullptr;
  if (g.area == nullptr || index < 0 || index >= proclab::kQueueDepthCounters) return PyLong_FromLong(-1);
  return PyLong_FromLongLong(g.area->queue_depth[index].fetch_add(delta) + delta);
}

uint64_t JobKey(uint32_t pool, long long job) { return (uint64_t{pool} << 32) | static_cast<uint32_t>(job + 1); }

PyObject* PyJobSet(PyObject*, PyObject* args) {
  unsigned int pool = 0;
  long long job = 0, chunksize = 1;
  if (!PyArg_ParseTuple(args, "ILL", &pool, &job, &chunksize)) return nullptr;
  if (g.area == nullptr) Py_RETURN_NONE;
  proclab::PoolJobSlot& slot = g.area->jobs[static_cast<size_t>(job) % proclab::kPoolJobSlots];
  slot.chunksize.store(chunksize);
  slot.key.store(JobKey(pool, job), std::memory_order_release);
  Py_RETURN_NONE;
}

PyObject* PyJobChunksize(PyObject*, PyObject* args) {
  unsigned int pool = 0;
  long long job = 0;
  if (!PyArg_ParseTuple(args, "IL", &pool, &job)) return nullptr;
  if (g.area == nullptr) Py_RETURN_NONE;
  const proclab::PoolJobSlot& slot = g.area->jobs[static_cast<size_t>(job) % proclab::kPoolJobSlots];
  if (slot.key.load(std::memory_order_acquire) != JobKey(pool, job)) Py_RETURN_NONE;
  return PyLong_FromLongLong(slot.chunksize.load());
}

// ------------------------------------------------------------------------------ step gates

// Before a shared read (0), a shared write (1) or a lock acquire (2): in step mode, a child
// process waits here until the learner's schedule lets it go. An acquire waits for the same
// grant as the read or write after it (the schedule names reads and writes only). The main
// process (lane 0) runs freely.
void StepGate(int what) {
  if (!Active() || g.lane == 0 || g.header->step_mode.load(std::memory_order_relaxed) == 0) return;
  proclab::StepGate& gate = g.header->children[g.lane].step;
  const uint32_t step = gate.taken.load() + 1;
  if (gate.granted.load(std::memory_order_acquire) < step) {
    Emit(EventKind::kStepWait, 0, what == 1 ? 1 : 0);
    PyThreadState* state = PyEval_SaveThread();
    while (true) {
      const uint32_t granted = gate.granted.load(std::memory_order_acquire);
      if (granted >= step || g.header->step_mode.load() == 0 || g.header->stop.load() != 0) break;
      proclab::FutexWait(gate.granted, granted, 100'000'000);
      if (kill(g.cli, 0) != 0) break;  // ProcLab is gone: stop waiting for it
    }
    PyEval_RestoreThread(state);
  }
  if (what != 2) gate.taken.store(step);
}

PyObject* PyStepGate(PyObject*, PyObject* args) {
  int what = 0;
  if (!PyArg_ParseTuple(args, "i", &what)) return nullptr;
  StepGate(what);
  Py_RETURN_NONE;
}

// ----------------------------------------------------- shared numbers: Cell and descriptors

PyObject* s_cell;         // "_proclab_cell"
PyObject* s_acquire;      // "acquire"
PyObject* s_release;      // "release"
PyObject* s_f_trace_lines;
PyObject* s_f_code;
PyObject* s_f_back;
PyObject* s_count;        // "_count"
PyObject* s_is_mine;      // "_is_mine"

enum class Number : uint8_t { kSigned, kUnsigned, kFloat };

struct Format {
  Number number;
  int size;  // bytes
};

bool FormatOf(char typecode, int size, Format* out) {
  switch (typecode) {
    case 'b': case 'h': case 'i': case 'l': case 'q': *out = {Number::kSigned, size}; break;
    case 'B': case 'H': case 'I': case 'L': case 'Q': *out = {Number::kUnsigned, size}; break;
    case 'f': case 'd': *out = {Number::kFloat, size}; break;
    default: return false;
  }
  return size == 1 || size == 2 || size == 4 || size == 8;
}

// Reads the element at `p` (relaxed atomic load) as an event field.
int64_t LoadField(const void* p, const Format& f) {
  switch (f.size) {
    case 1: {
      const uint8_t v = __atomic_load_n(static_cast<const uint8_t*>(p), __ATOMIC_RELAXED);
      return f.number == Number::kSigned ? static_cast<int8_t>(v) : v;
    }
    case 2: {
      const uint16_t v = __atomic_load_n(static_cast<const uint16_t*>(p), __ATOMIC_RELAXED);
      return f.number == Number::kSigned ? static_cast<int16_t>(v) : v;
    }
    case 4: {
      const uint32_t v = __atomic_load_n(static_cast<const uint32_t*>(p), __ATOMIC_RELAXED);
      if (f.number == Number::kFloat) return std::bit_cast<int64_t>(static_cast<double>(std::bit_cast<float>(v)));
      return f.number == Number::kSigned ? static_cast<int32_t>(v) : v;
    }
    default:
      return static_cast<int64_t>(__atomic_load_n(static_cast<const uint64_t*>(p), __ATOMIC_RELAXED));
  }
}

// Stores `field` at `p` with an atomic exchange; returns the replaced value as a field.
int64_t ExchangeField(void* p, const Format& f, int64_t field) {
  switch (f.size) {
    case 1: {
      const uint8_t old = __atomic_exchange_n(static_cast<uint8_t*>(p), static_cast<uint8_t>(field), __ATOMIC_RELAXED);
      return f.number == Number::kSigned ? static_cast<int8_t>(old) : old;
    }
    case 2: {
      const uint16_t old = __atomic_exchange_n(static_cast<uint16_t*>(p), static_cast<uint16_t>(field), __ATOMIC_RELAXED);
      return f.number == Number::kSigned ? static_cast<int16_t>(old) : old;
    }
    case 4: {
      uint32_t bits = static_cast<uint32_t>(field);
      if (f.number == Number::kFloat) bits = std::bit_cast<uint32_t>(static_cast<float>(std::bit_cast<double>(field)));
      const uint32_t old = __atomic_exchange_n(static_cast<uint32_t*>(p), bits, __ATOMIC_RELAXED);
      if (f.number == Number::kFloat) return std::bit_cast<int64_t>(static_cast<double>(std::bit_cast<float>(old)));
      return f.number == Number::kSigned ? static_cast<int32_t>(old) : old;
    }
    default:
      return static_cast<int64_t>(
          __atomic_exchange_n(static_cast<uint64_t*>(p), static_cast<uint64_t>(field), __ATOMIC_RELAXED));
  }
}

ValueType TypeOf(const Format& f) { return f.number == Number::kFloat ? ValueType::kDouble : ValueType::kInt; }

PyObject* ToPython(int64_t field, const Format& f) {
  if (f.number == Number::kFloat) return PyFloat_FromDouble(std::bit_cast<double>(field));
  if (f.number == Number::kUnsigned && f.size == 8) return PyLong_FromUnsignedLongLong(static_cast<uint64_t>(field));
  return PyLong_FromLongLong(field);
}

// The conversions ctypes makes when a Value is assigned, with its messages: an int type takes
// anything with __index__ (wrapping like C), a float type anything with __float__.
bool FromPython(PyObject* value, const Format& f, int64_t* field) {
  if (f.number == Number::kFloat) {
    const double x = PyFloat_AsDouble(value);
    if (x == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();
      PyErr_Format(PyExc_TypeError, "must be real number, not %s", Py_TYPE(value) == nullptr ? "?" : "object");
      return false;
    }
    *field = std::bit_cast<int64_t>(f.size == 4 ? static_cast<double>(static_cast<float>(x)) : x);
    return true;
  }
  if (PyFloat_Check(value)) {
    PyErr_SetString(PyExc_TypeError, "int expected instead of float");
    return false;
  }
  PyObject* index = PyNumber_Index(value);
  if (index == nullptr) return false;
  const unsigned long long bits = PyLong_AsUnsignedLongLongMask(index);
  Py_DECREF(index);
  if (bits == static_cast<unsigned long long>(-1) && PyErr_Occurred()) return false;
  const int shift = 64 - 8 * f.size;
  int64_t v = static_cast<int64_t>(bits << shift);
  v = f.number == Number::kSigned ? v >> shift : static_cast<int64_t>(static_cast<uint64_t>(v) >> shift);
  *field = v;
  return true;
}

// One traced element: its own read-before-write memory (per process) and this process's tally.
struct ElementState {
  int64_t last_read = 0;
  bool has_read = false;
  uint64_t generation = 0;
  proclab::SharedSlotTally* tally = nullptr;
};

proclab::SharedSlotTally* TallyFor(uint32_t slot) {
  for (proclab::SharedSlotTally& tally : g.header->children[g.lane].tallies) {
    const uint32_t claimed = tally.slot_plus_one.load(std::memory_order_relaxed);
    if (claimed == slot + 1) return &tally;
    if (claimed == 0) {
      tally.slot_plus_one.store(slot + 1, std::memory_order_relaxed);
      return &tally;
    }
  }
  return nullptr;  // more slots than a lane tallies: its events still count
}

ElementState& Fresh(ElementState& state, uint32_t slot) {
  if (state.generation != g.generation) {  // first use in this process (or since a fork)
    state = ElementState{};
    state.generation = g.generation;
    if (Active()) state.tally = TallyFor(slot);
  }
  return state;
}

void Bump(std::atomic<int64_t>& counter, int64_t by) {
  counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

// The caller has passed the step gate (StepGate(0) / (1)) before it took the Value's lock: a
// process waiting for its step must not hold the lock the others need for theirs.
int64_t ReadElement(void* p, const Format& f, uint32_t slot, ElementState& state) {
  const int64_t field = LoadField(p, f);
  Emit(EventKind::kRead, slot, field, 0, TypeOf(f));
  ElementState& s = Fresh(state, slot);
  s.last_read = field;
  s.has_read = true;
  if (s.tally != nullptr) Bump(s.tally->reads, 1);
  return field;
}

void WriteElement(void* p, const Format& f, uint32_t slot, ElementState& state, int64_t field) {
  const int64_t replaced = ExchangeField(p, f, field);
  Emit(EventKind::kWrite, slot, field, replaced, TypeOf(f));
  ElementState& s = Fresh(state, slot);
  if (s.tally != nullptr) {
    Bump(s.tally->writes, 1);
    // The fact layer's rule (core/facts/slot_facts.hpp): a write with no read before it erases
    // nothing. The two agree whenever no event was dropped.
    if (s.has_read) {
      const ValueType type = TypeOf(f);
      Bump(s.tally->erased, proclab::ErasedBy({s.last_read, type}, {field, type}, {replaced, type}));
    }
  }
  s.has_read = false;
}

// The lock a synchronized Value or Array takes around each access, taken quietly: no events
// unless another process holds it, and then a wait, an acquire and a release on its id.
struct QuietLock {
  PyObject* acquire = nullptr;  // the SemLock's bound methods
  PyObject* release = nullptr;
  uint32_t id = 0;
  bool contended = false;
};

bool QuietAcquire(QuietLock& lock) {
  if (lock.acquire == nullptr) return true;
  PyObject* got = PyObject_CallFunctionObjArgs(lock.acquire, Py_False, nullptr);
  if (got == nullptr) return false;
  const bool mine = got == Py_True;
  Py_DECREF(got);
  lock.contended = false;
  if (mine) return true;
  if (lock.id != 0) Emit(EventKind::kLockWait, lock.id);
  got = PyObject_CallFunctionObjArgs(lock.acquire, nullptr);
  if (got == nullptr) return false;
  Py_DECREF(got);
  if (lock.id != 0) {
    Emit(EventKind::kLockAcquired, lock.id);
    lock.contended = true;
  }
  return true;
}

bool QuietRelease(QuietLock& lock) {
  if (lock.release == nullptr) return true;
  if (lock.contended) Emit(EventKind::kLockReleased, lock.id);
  lock.contended = false;
  PyObject* done = PyObject_CallFunctionObjArgs(lock.release, nullptr);
  if (done == nullptr) return false;
  Py_DECREF(done);
  return true;
}

// Cell(address, typecode, size, first_slot, length): `length` numbers in shared memory at
// `address` (a Value: 1; an Array: its length), slots first_slot .. first_slot + length - 1.
struct Cell {
  PyObject_HEAD
  char* address;
  Format format;
  uint32_t slot;
  Py_ssize_t length;
  QuietLock lock;
  ElementState* states;  // one per element
  PyObject* keep;        // the ctypes object whose memory this is
};

void CellDealloc(PyObject* self) {
  Cell* cell = reinterpret_cast<Cell*>(self);
  Py_XDECREF(cell->lock.acquire);
  Py_XDECREF(cell->lock.release);
  Py_XDECREF(cell->keep);
  delete[] cell->states;
  PyTypeObject* type = Py_TYPE(self);
  auto free = reinterpret_cast<freefunc>(PyType_GetSlot(type, Py_tp_free));
  free(self);
  Py_DECREF(type);
}

PyObject* CellNew(PyTypeObject* type, PyObject* args, PyObject*) {
  unsigned long long address = 0;
  const char* typecode = nullptr;
  int size = 0;
  unsigned int slot = 0;
  Py_ssize_t length = 1;
  PyObject* keep = Py_None;
  if (!PyArg_ParseTuple(args, "KsiIn|O", &address, &typecode, &size, &slot, &length, &keep)) return nullptr;
  Format format{};
  if (typecode[0] == '\0' || !FormatOf(typecode[0], size, &format))
    return Fail(std::string("typecode ") + typecode + " is not traced");
  if (length < 1) return Fail("a cell holds at least one number");
  auto alloc = reinterpret_cast<allocfunc>(PyType_GetSlot(type, Py_tp_alloc));
  Cell* cell = reinterpret_cast<Cell*>(alloc(type, 0));
  if (cell == nullptr) return nullptr;
  cell->address = reinterpret_cast<char*>(address);
  cell->format = format;
  cell->slot = slot;
  cell->length = length;
  cell->lock = QuietLock{};
  cell->states = new ElementState[static_cast<size_t>(length)];
  Py_INCREF(keep);
  cell->keep = keep;
  return reinterpret_cast<PyObject*>(cell);
}

// set_lock(semlock, lock_id): the lock its synchronized wrapper takes around each access.
PyObject* CellSetLock(PyObject* self, PyObject* args) {
  Cell* cell = reinterpret_cast<Cell*>(self);
  PyObject* semlock = nullptr;
  unsigned int id = 0;
  if (!PyArg_ParseTuple(args, "OI", &semlock, &id)) return nullptr;
  PyObject* acquire = PyObject_GetAttr(semlock, s_acquire);
  if (acquire == nullptr) return nullptr;
  PyObject* release = PyObject_GetAttr(semlock, s_release);
  if (release == nullptr) {
    Py_DECREF(acquire);
    return nullptr;
  }
  Py_XDECREF(cell->lock.acquire);
  Py_XDECREF(cell->lock.release);
  cell->lock.acquire = acquire;
  cell->lock.release = release;
  cell->lock.id = id;
  Py_RETURN_NONE;
}

inline char* At(Cell* cell, Py_ssize_t i) { return cell->address + i * cell->format.size; }

PyObject* ReadOne(Cell* cell, Py_ssize_t i, bool locked) {
  StepGate(0);
  if (locked && !QuietAcquire(cell->lock)) return nullptr;
  const int64_t field = ReadElement(At(cell, i), cell->format, cell->slot + static_cast<uint32_t>(i), cell->states[i]);
  if (locked && !QuietRelease(cell->lock)) return nullptr;
  return ToPython(field, cell->format);
}

bool WriteOne(Cell* cell, Py_ssize_t i, PyObject* value, bool locked) {
  int64_t field = 0;
  if (!FromPython(value, cell->format, &field)) return false;
  StepGate(1);
  if (locked && !QuietAcquire(cell->lock)) return false;
  WriteElement(At(cell, i), cell->format, cell->slot + static_cast<uint32_t>(i), cell->states[i], field);
  return !locked || QuietRelease(cell->lock);
}

bool IndexOf(Cell* cell, PyObject* key, Py_ssize_t* index) {
  Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) return false;
  if (i < 0) i += cell->length;
  if (i < 0 || i >= cell->length) {
    PyErr_SetString(PyExc_IndexError, "invalid index");
    return false;
  }
  *index = i;
  return true;
}

// get(key, locked): an element, or a list for a slice (each element read is an event).
PyObject* CellGetItem(Cell* cell, PyObject* key, bool locked) {
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return nullptr;
    const Py_ssize_t n = PySlice_AdjustIndices(cell->length, &start, &stop, step);
    PyObject* list = PyList_New(n);
    if (list == nullptr) return nullptr;
    StepGate(0);  // a slice is one step
    if (locked && !QuietAcquire(cell->lock)) {
      Py_DECREF(list);
      return nullptr;
    }
    for (Py_ssize_t k = 0, i = start; k < n; ++k, i += step) {
      const int64_t field = ReadElement(At(cell, i), cell->format, cell->slot + static_cast<uint32_t>(i), cell->states[i]);
      PyList_SetItem(list, k, ToPython(field, cell->format));
    }
    if (locked && !QuietRelease(cell->lock)) {
      Py_DECREF(list);
      return nullptr;
    }
    return list;
  }
  Py_ssize_t i = 0;
  if (!IndexOf(cell, key, &i)) return nullptr;
  return ReadOne(cell, i, locked);
}

bool CellSetItem(Cell* cell, PyObject* key, PyObject* value, bool locked) {
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return false;
    const Py_ssize_t n = PySlice_AdjustIndices(cell->length, &start, &stop, step);
    PyObject* items = PySequence_Fast(value, "can only assign an iterable");
    if (items == nullptr) return false;
    if (PySequence_Size(items) != n) {
      Py_DECREF(items);
      PyErr_SetString(PyExc_ValueError, "Can only assign sequence of same size");
      return false;
    }
    StepGate(1);  // a slice is one step
    bool ok = !locked || QuietAcquire(cell->lock);
    for (Py_ssize_t k = 0, i = start; ok && k < n; ++k, i += step) {
      PyObject* item = PySequence_GetItem(items, k);
      int64_t field = 0;
      ok = item != nullptr && FromPython(item, cell->format, &field);
      Py_XDECREF(item);
      if (ok) WriteElement(At(cell, i), cell->format, cell->slot + static_cast<uint32_t>(i), cell->states[i], field);
    }
    if (locked) ok = QuietRelease(cell->lock) && ok;
    Py_DECREF(items);
    return ok;
  }
  Py_ssize_t i = 0;
  if (!IndexOf(cell, key, &i)) return false;
  return WriteOne(cell, i, value, locked);
}

PyObject* CellRead(PyObject* self, PyObject*) { return ReadOne(reinterpret_cast<Cell*>(self), 0, false); }
PyObject* CellWrite(PyObject* self, PyObject* value) {
  if (!WriteOne(reinterpret_cast<Cell*>(self), 0, value, false)) return nullptr;
  Py_RETURN_NONE;
}
PyObject* CellGet(PyObject* self, PyObject* args) {
  PyObject* key = nullptr;
  int locked = 0;
  if (!PyArg_ParseTuple(args, "O|p", &key, &locked)) return nullptr;
  return CellGetItem(reinterpret_cast<Cell*>(self), key, locked != 0);
}
PyObject* CellSet(PyObject* self, PyObject* args) {
  PyObject *key = nullptr, *value = nullptr;
  int locked = 0;
  if (!PyArg_ParseTuple(args, "OO|p", &key, &value, &locked)) return nullptr;
  if (!CellSetItem(reinterpret_cast<Cell*>(self), key, value, locked != 0)) return nullptr;
  Py_RETURN_NONE;
}

// The value of every element now, as it is at the end of the run (kFinalValue, no read event).
PyObject* CellReportFinal(PyObject* self, PyObject*) {
  Cell* cell = reinterpret_cast<Cell*>(self);
  for (Py_ssize_t i = 0; i < cell->length; ++i)
    Emit(EventKind::kFinalValue, cell->slot + static_cast<uint32_t>(i), LoadField(At(cell, i), cell->format), 0,
         TypeOf(cell->format));
  Py_RETURN_NONE;
}

PyMethodDef kCellMethods[] = {
    {"read", CellRead, METH_NOARGS, "Read the value (an event)."},
    {"write", CellWrite, METH_O, "Write the value: an atomic exchange (an event)."},
    {"get", CellGet, METH_VARARGS, "get(index_or_slice, locked=False)"},
    {"set", CellSet, METH_VARARGS, "set(index_or_slice, value, locked=False)"},
    {"set_lock", CellSetLock, METH_VARARGS, "set_lock(semlock, lock_id)"},
    {"report_final", CellReportFinal, METH_NOARGS, "Emit every element's value as final."},
    {nullptr, nullptr, 0, nullptr}};
PyType_Slot kCellSlots[] = {{Py_tp_new, reinterpret_cast<void*>(CellNew)},
                            {Py_tp_dealloc, reinterpret_cast<void*>(CellDealloc)},
                            {Py_tp_methods, kCellMethods},
                            {0, nullptr}};
PyType_Spec kCellSpec = {"proclab_trace._native.Cell", sizeof(Cell), 0, Py_TPFLAGS_DEFAULT, kCellSlots};
PyTypeObject* g_cell_type = nullptr;

// The `value` of a traced Value: a data descriptor that finds the object's Cell and reads or
// writes through it, with no Python frame. ValueField(locked): locked for the synchronized
// wrapper (it takes the Value's lock around each access, as multiprocessing does).
struct ValueField {
  PyObject_HEAD
  int locked;
};

Cell* CellOf(PyObject* object) {
  PyObject* cell = PyObject_GetAttr(object, s_cell);
  if (cell == nullptr) return nullptr;
  if (Py_TYPE(cell) != g_cell_type) {
    Py_DECREF(cell);
    PyErr_SetString(PyExc_TypeError, "not a traced shared value");
    return nullptr;
  }
  return reinterpret_cast<Cell*>(cell);  // a new reference
}

PyObject* ValueFieldGet(PyObject* self, PyObject* object, PyObject*) {
  if (object == nullptr || object == Py_None) {
    Py_INCREF(self);
    return self;
  }
  Cell* cell = CellOf(object);
  if (cell == nullptr) return nullptr;
  PyObject* value = ReadOne(cell, 0, reinterpret_cast<ValueField*>(self)->locked != 0);
  Py_DECREF(reinterpret_cast<PyObject*>(cell));
  return value;
}

int ValueFieldSet(PyObject* self, PyObject* object, PyObject* value) {
  if (value == nullptr) {
    PyErr_SetString(PyExc_AttributeError, "cannot delete a shared value");
    return -1;
  }
  Cell* cell = CellOf(object);
  if (cell == nullptr) return -1;
  const bool ok = WriteOne(cell, 0, value, reinterpret_cast<ValueField*>(self)->locked != 0);
  Py_DECREF(reinterpret_cast<PyObject*>(cell));
  return ok ? 0 : -1;
}

PyObject* ValueFieldNew(PyTypeObject* type, PyObject* args, PyObject*) {
  int locked = 0;
  if (!PyArg_ParseTuple(args, "|p", &locked)) return nullptr;
  auto alloc = reinterpret_cast<allocfunc>(PyType_GetSlot(type, Py_tp_alloc));
  PyObject* self = alloc(type, 0);
  if (self != nullptr) reinterpret_cast<ValueField*>(self)->locked = locked;
  return self;
}

PyType_Slot kValueFieldSlots[] = {{Py_tp_new, reinterpret_cast<void*>(ValueFieldNew)},
                                  {Py_tp_descr_get, reinterpret_cast<void*>(ValueFieldGet)},
                                  {Py_tp_descr_set, reinterpret_cast<void*>(ValueFieldSet)},
                                  {0, nullptr}};
PyType_Spec kValueFieldSpec = {"proclab_trace._native.ValueField", sizeof(ValueField), 0,
                               Py_TPFLAGS_DEFAULT, kValueFieldSlots};

// -------------------------------------------------------------------------- locks: LockOps

// LockOps(semlock, lock_id, recursive): the acquire and release a traced multiprocessing Lock
// or RLock gets: wait, acquired and released events (only the outermost of an RLock's), with a
// step gate before each acquire.
struct LockOps {
  PyObject_HEAD
  PyObject* semlock;
  PyObject* acquire;
  PyObject* release;
  uint32_t id;
  int recursive;
};

void LockOpsDealloc(PyObject* self) {
  LockOps* ops = reinterpret_cast<LockOps*>(self);
  Py_XDECREF(ops->semlock);
  Py_XDECREF(ops->acquire);
  Py_XDECREF(ops->release);
  PyTypeObject* type = Py_TYPE(self);
  reinterpret_cast<freefunc>(PyType_GetSlot(type, Py_tp_free))(self);
  Py_DECREF(type);
}

PyObject* LockOpsNew(PyTypeObject* type, PyObject* args, PyObject*) {
  PyObject* semlock = nullptr;
  unsigned int id = 0;
  int recursive = 0;
  if (!PyArg_ParseTuple(args, "OIp", &semlock, &id, &recursive)) return nullptr;
  PyObject* acquire = PyObject_GetAttr(semlock, s_acquire);
  PyObject* release = acquire != nullptr ? PyObject_GetAttr(semlock, s_release) : nullptr;
  if (release == nullptr) {
    Py_XDECREF(acquire);
    return nullptr;
  }
  LockOps* ops = reinterpret_cast<LockOps*>(reinterpret_cast<allocfunc>(PyType_GetSlot(type, Py_tp_alloc))(type, 0));
  if (ops == nullptr) return nullptr;
  Py_INCREF(semlock);
  ops->semlock = semlock;
  ops->acquire = acquire;
  ops->release = release;
  ops->id = id;
  ops->recursive = recursive;
  return reinterpret_cast<PyObject*>(ops);
}

// For an RLock: how many times this thread holds it now (0: not at all).
long HeldCount(LockOps* ops) {
  PyObject* count = PyObject_CallMethodObjArgs(ops->semlock, s_count, nullptr);
  if (count == nullptr) {
    PyErr_Clear();
    return 0;
  }
  const long n = PyLong_AsLong(count);
  Py_DECREF(count);
  return n;
}

PyObject* LockOpsAcquire(PyObject* self, PyObject* args, PyObject* kwargs) {
  LockOps* ops = reinterpret_cast<LockOps*>(self);
  const bool outermost = !ops->recursive || HeldCount(ops) == 0;
  if (outermost && Active()) {
    StepGate(2);
    PyObject* timeout = nullptr;
    if (kwargs != nullptr) timeout = PyDict_GetItemString(kwargs, "timeout");
    if (timeout == nullptr && PyTuple_Size(args) > 1) timeout = PyTuple_GetItem(args, 1);
    Emit(EventKind::kLockWait, ops->id, 0, timeout != nullptr && timeout != Py_None ? 1 : 0);
  }
  PyObject* got = PyObject_Call(ops->acquire, args, kwargs);
  if (outermost && Active()) {
    const bool acquired = got != nullptr && PyObject_IsTrue(got) == 1;
    Emit(acquired ? EventKind::kLockAcquired : EventKind::kLockGaveUp, ops->id);
  }
  return got;
}

PyObject* LockOpsRelease(PyObject* self, PyObject*) {
  LockOps* ops = reinterpret_cast<LockOps*>(self);
  if (Active() && (!ops->recursive || HeldCount(ops) == 1)) Emit(EventKind::kLockReleased, ops->id);
  return PyObject_CallFunctionObjArgs(ops->release, nullptr);
}

PyMethodDef kLockOpsMethods[] = {
    {"acquire", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(LockOpsAcquire)),
     METH_VARARGS | METH_KEYWORDS, "acquire(block=True, timeout=None)"},
    {"release", LockOpsRelease, METH_NOARGS, "release()"},
    {nullptr, nullptr, 0, nullptr}};
PyType_Slot kLockOpsSlots[] = {{Py_tp_new, reinterpret_cast<void*>(LockOpsNew)},
                               {Py_tp_dealloc, reinterpret_cast<void*>(LockOpsDealloc)},
                               {Py_tp_methods, kLockOpsMethods},
                               {0, nullptr}};
PyType_Spec kLockOpsSpec = {"proclab_trace._native.LockOps", sizeof(LockOps), 0, Py_TPFLAGS_DEFAULT,
                            kLockOpsSlots};

// ------------------------------------------------------------------------------------ lines

// A C-level trace function (PyEval_SetTrace, found with dlsym: it is outside the limited API
// but has kept its signature since Python 2). It emits a line event when a process's line
// changes, for the program's own files only.
//
// Gated (CPython before 3.12): while any trace function is set, CPython 3.11 runs every
// instruction of every frame through its tracing path, the standard library's included. So a C
// profile function, which sees only calls and returns, turns the trace function on while a
// frame of the program runs and off while any other code runs (imports, multiprocessing
// itself). From 3.12 on, setting a trace function re-instruments the code, so it stays on and
// other files' frames have their line events turned off (f_trace_lines) instead.
using TraceFunc = int (*)(PyObject*, PyObject*, int, PyObject*);
using SetTraceFn = void (*)(TraceFunc, PyObject*);
using FrameGetCodeFn = PyObject* (*)(PyObject*);
using FrameGetBackFn = PyObject* (*)(PyObject*);
SetTraceFn g_set_trace = nullptr;
SetTraceFn g_set_profile = nullptr;
FrameGetCodeFn g_frame_code = nullptr;  // PyFrame_GetCode (3.9+)
FrameGetBackFn g_frame_back = nullptr;  // PyFrame_GetBack (3.9+)
constexpr int kTraceCall = 0, kTraceLine = 2, kTraceReturn = 3;

struct Lines {
  bool on = false;
  bool gated = false;
  PyObject* files = nullptr;     // dict: code object -> file id (0: not the program's)
  PyObject* classify = nullptr;  // Python callable: code -> file id (declares new files)
  uint32_t file = 0;
  int line = -1;
  uint64_t generation = 0;
};
Lines g_lines;
thread_local bool t_tracing = false;  // gated: this thread's trace function is set now
thread_local bool t_gated = false;    // gated: this thread's profile function is set

PyObject* CodeOf(PyObject* frame) {
  if (g_frame_code != nullptr) return g_frame_code(frame);
  return PyObject_GetAttr(frame, s_f_code);
}

// The file id of `code` (0: not the program's): cached per code object.
uint32_t FileOf(PyObject* code) {
  PyObject* known = PyDict_GetItem(g_lines.files, code);  // borrowed
  if (known != nullptr) return static_cast<uint32_t>(PyLong_AsUnsignedLong(known));
  PyObject* id = PyObject_CallFunctionObjArgs(g_lines.classify, code, nullptr);
  if (id == nullptr) {
    PyErr_Clear();
    id = PyLong_FromLong(0);
  }
  PyDict_SetItem(g_lines.files, code, id);
  const uint32_t file = static_cast<uint32_t>(PyLong_AsUnsignedLong(id));
  Py_DECREF(id);
  if (PyErr_Occurred()) PyErr_Clear();
  return file;
}

void LineOf(PyObject* frame, uint32_t file) {
  if (!Active()) return;
  const int line = PyFrame_GetLineNumber(reinterpret_cast<PyFrameObject*>(frame));
  if (g_lines.generation != g.generation) {  // a new process (fork): say where it is at once
    g_lines.generation = g.generation;
    g_lines.line = -1;
  }
  if (line == g_lines.line && file == g_lines.file) return;
  g_lines.line = line;
  g_lines.file = file;
  Emit(EventKind::kLine, file, line);
  g.area->lane[g.lane].line.store((uint64_t{file} << 32) | static_cast<uint32_t>(line), std::memory_order_relaxed);
}

int TraceLines(PyObject*, PyObject* frame, int what, PyObject*);

void TraceNow(bool on) {
  if (on == t_tracing) return;
  t_tracing = on;
  g_set_trace(on ? TraceLines : nullptr, nullptr);
}

uint32_t FileOfFrame(PyObject* frame) {
  PyObject* code = CodeOf(frame);
  if (code == nullptr) {
    PyErr_Clear();
    return 0;
  }
  const uint32_t file = FileOf(code);
  Py_DECREF(code);
  return file;
}

// Gated mode's profile function: lines are traced exactly while a frame of the program runs.
int GateLines(PyObject*, PyObject* frame, int what, PyObject*) {
  if (what == kTraceCall) {
    TraceNow(FileOfFrame(frame) != 0);
    return 0;
  }
  if (what != kTraceReturn) return 0;  // C calls: the calling frame goes on
  PyObject* back = g_frame_back != nullptr ? g_frame_back(frame) : PyObject_GetAttr(frame, s_f_back);
  if (back == nullptr) PyErr_Clear();
  const uint32_t file = back != nullptr && back != Py_None ? FileOfFrame(back) : 0;
  TraceNow(file != 0);
  if (file != 0) LineOf(back, file);  // back on the caller's line
  Py_XDECREF(back);
  return 0;
}

int TraceLines(PyObject*, PyObject* frame, int what, PyObject*) {
  if (g_lines.gated) {  // calls and returns are the profile function's
    if (what == kTraceLine) {
      const uint32_t file = FileOfFrame(frame);
      if (file != 0) LineOf(frame, file);
    }
    return 0;
  }
  if (what != kTraceCall && what != kTraceLine && what != kTraceReturn) return 0;
  PyObject* code = CodeOf(frame);
  if (code == nullptr) {
    PyErr_Clear();
    return 0;
  }
  const uint32_t file = FileOf(code);
  Py_DECREF(code);
  if (what == kTraceCall) {
    if (file == 0 && PyObject_SetAttr(frame, s_f_trace_lines, Py_False) != 0) PyErr_Clear();
    return 0;
  }
  if (file == 0) {
    if (what == kTraceLine && PyObject_SetAttr(frame, s_f_trace_lines, Py_False) != 0) PyErr_Clear();
    return 0;
  }
  if (what == kTraceLine) {
    LineOf(frame, file);
    return 0;
  }
  // A function of the program returns: its caller, if it is the program's, is back on its line.
  PyObject* back = g_frame_back != nullptr ? g_frame_back(frame) : PyObject_GetAttr(frame, s_f_back);
  if (back == nullptr) {
    PyErr_Clear();
    return 0;
  }
  if (back != Py_None) {
    PyObject* back_code = CodeOf(back);
    if (back_code != nullptr) {
      const uint32_t back_file = FileOf(back_code);
      Py_DECREF(back_code);
      if (back_file != 0) LineOf(back, back_file);
    } else {
      PyErr_Clear();
    }
  }
  Py_DECREF(back);
  return 0;
}

void StartThisThread() {
  if (g_lines.gated) {
    t_tracing = true;  // whatever it was: TraceNow(false) clears it for sure
    TraceNow(false);
    g_set_profile(GateLines, nullptr);
    t_gated = true;
  } else {
    g_set_trace(TraceLines, nullptr);
  }
}

// lines_on(classify, gated): traces this thread's lines from now on; `classify(code)` returns
// a file id for the program's own code, 0 for any other. `gated`: see above (CPython < 3.12).
PyObject* PyLinesOn(PyObject*, PyObject* args) {
  PyObject* classify = nullptr;
  int gated = 0;
  if (!PyArg_ParseTuple(args, "O|p", &classify, &gated)) return nullptr;
  if (g_set_trace == nullptr) return Fail("this Python has no PyEval_SetTrace");
  if (g_lines.files == nullptr) g_lines.files = PyDict_New();
  if (g_lines.classify != classify) {
    Py_XDECREF(g_lines.classify);
    Py_INCREF(classify);
    g_lines.classify = classify;
  }
  g_lines.gated = gated != 0 && g_set_profile != nullptr;
  g_lines.on = true;
  StartThisThread();
  Py_RETURN_NONE;
}

PyObject* PyLinesOff(PyObject*, PyObject*) {
  if (g_set_trace != nullptr) g_set_trace(nullptr, nullptr);
  if (g_lines.gated && g_set_profile != nullptr) g_set_profile(nullptr, nullptr);
  t_tracing = false;
  t_gated = false;
  g_lines.on = false;
  Py_RETURN_NONE;
}

// A thread's first trace call (threading.settrace): traces its lines with the C functions.
PyObject* PyLinesThreadStart(PyObject*, PyObject*) {
  if (g_lines.on && g_set_trace != nullptr) {
    t_tracing = true;  // threading's hook is this thread's trace function now
    if (g_lines.gated) StartThisThread();
    else g_set_trace(TraceLines, nullptr);
  }
  Py_RETURN_NONE;
}

// ImportGate(import): builtins.__import__ while lines are gated. An import runs with neither
// the profile nor the trace function: even a profile function costs a frame object per call, and
// importing the standard library makes thousands of calls. (So an imported module's own
// top-level lines are not traced; its functions are, when they run.)
struct ImportGate {
  PyObject_HEAD
  PyObject* import;
};

void ImportGateDealloc(PyObject* self) {
  Py_XDECREF(reinterpret_cast<ImportGate*>(self)->import);
  PyTypeObject* type = Py_TYPE(self);
  reinterpret_cast<freefunc>(PyType_GetSlot(type, Py_tp_free))(self);
  Py_DECREF(type);
}

PyObject* ImportGateNew(PyTypeObject* type, PyObject* args, PyObject*) {
  PyObject* import = nullptr;
  if (!PyArg_ParseTuple(args, "O", &import)) return nullptr;
  auto* gate = reinterpret_cast<ImportGate*>(reinterpret_cast<allocfunc>(PyType_GetSlot(type, Py_tp_alloc))(type, 0));
  if (gate == nullptr) return nullptr;
  Py_INCREF(import);
  gate->import = import;
  return reinterpret_cast<PyObject*>(gate);
}

PyObject* ImportGateCall(PyObject* self, PyObject* args, PyObject* kwargs) {
  PyObject* import = reinterpret_cast<ImportGate*>(self)->import;
  if (!t_gated || !g_lines.on) return PyObject_Call(import, args, kwargs);
  g_set_profile(nullptr, nullptr);  // no exception is set here: this is a call
  TraceNow(false);
  t_gated = false;
  PyObject* module = PyObject_Call(import, args, kwargs);
  // The import may have failed (try: import x / except ImportError): setting the functions must
  // not lose its exception.
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  t_gated = true;
  g_set_profile(GateLines, nullptr);
  PyFrameObject* frame = PyEval_GetFrame();  // the frame that imported: traced if it is the program's
  if (frame != nullptr && FileOfFrame(reinterpret_cast<PyObject*>(frame)) != 0) TraceNow(true);
  PyErr_Restore(type, value, traceback);
  return module;
}

PyType_Slot kImportGateSlots[] = {{Py_tp_new, reinterpret_cast<void*>(ImportGateNew)},
                                  {Py_tp_dealloc, reinterpret_cast<void*>(ImportGateDealloc)},
                                  {Py_tp_call, reinterpret_cast<void*>(ImportGateCall)},
                                  {0, nullptr}};
PyType_Spec kImportGateSpec = {"proclab_trace._native.ImportGate", sizeof(ImportGate), 0, Py_TPFLAGS_DEFAULT,
                               kImportGateSlots};

// -------------------------------------------------------------------------------- the module

PyMethodDef kMethods[] = {
    {"attach", PyAttach, METH_VARARGS, "attach(segment, proclab_pid, lane) -> lane (-1: untraced)"},
    {"reserve", PyReserve, METH_NOARGS, "Before fork: reserve the child's lane."},
    {"after_fork_child", PyAfterForkChild, METH_NOARGS, "After fork, in the child: take the lane."},
    {"after_fork_parent", PyAfterForkParent, METH_NOARGS, "After fork, in the parent."},
    {"lane", PyLane, METH_NOARGS, "This process's lane (-1: untraced)."},
    {"settings", PySettings, METH_NOARGS, "The run's settings, or None."},
    {"set_python_version", PySetPythonVersion, METH_VARARGS, "Tell ProcLab the Python version."},
    {"emit", PyEmit, METH_VARARGS, "emit(kind, object, a=0, b=0, type=0)"},
    {"emit_at", PyEmitAt, METH_VARARGS, "emit_at(ticks, kind, object, a=0, b=0, type=0)"},
    {"ticks", PyTicks, METH_NOARGS, "The trace clock now."},
    {"new_id", PyNewId, METH_NOARGS, "A new object id, unique in the run."},
    {"new_ids", PyNewIds, METH_VARARGS, "new_ids(count) -> the first of `count` consecutive ids"},
    {"number", PyNumber, METH_VARARGS, "number(kind) -> the next N of 'Value#N'"},
    {"declare", PyDeclare, METH_VARARGS, "declare(kind, id, name, initial=0, type=0)"},
    {"report_error", PyReportError, METH_VARARGS, "What went wrong in this process."},
    {"depth_counter", PyDepthCounter, METH_NOARGS, "A queue depth counter index, or -1."},
    {"depth_add", PyDepthAdd, METH_VARARGS, "depth_add(counter, delta) -> depth after"},
    {"job_set", PyJobSet, METH_VARARGS, "job_set(pool, job, chunksize)"},
    {"job_chunksize", PyJobChunksize, METH_VARARGS, "job_chunksize(pool, job) -> int or None"},
    {"step_gate", PyStepGate, METH_VARARGS, "step_gate(0 read | 1 write | 2 acquire)"},
    {"lines_on", PyLinesOn, METH_VARARGS, "lines_on(classify, gated=False)"},
    {"lines_off", PyLinesOff, METH_NOARGS, "Stop tracing lines in this thread."},
    {"lines_thread_start", reinterpret_cast<PyCFunction>(PyLinesThreadStart), METH_VARARGS,
     "For threading.settrace."},
    {nullptr, nullptr, 0, nullptr}};

PyModuleDef kModule = {PyModuleDef_HEAD_INIT, "_native", "ProcLab's tracer, inside each Python process.", -1,
                       kMethods, nullptr, nullptr, nullptr, nullptr};

bool AddType(PyObject* module, const char* name, PyType_Spec* spec, PyTypeObject** out = nullptr) {
  PyObject* type = PyType_FromSpec(spec);
  if (type == nullptr) return false;
  if (out != nullptr) {
    Py_INCREF(type);
    *out = reinterpret_cast<PyTypeObject*>(type);
  }
  return PyModule_AddObject(module, name, type) == 0;
}

}  // namespace

PyMODINIT_FUNC PyInit__native() {
  PyObject* module = PyModule_Create(&kModule);
  if (module == nullptr) return nullptr;
  s_cell = PyUnicode_InternFromString("_proclab_cell");
  s_acquire = PyUnicode_InternFromString("acquire");
  s_release = PyUnicode_InternFromString("release");
  s_f_trace_lines = PyUnicode_InternFromString("f_trace_lines");
  s_f_code = PyUnicode_InternFromString("f_code");
  s_f_back = PyUnicode_InternFromString("f_back");
  s_count = PyUnicode_InternFromString("_count");
  s_is_mine = PyUnicode_InternFromString("_is_mine");
  g_set_trace = reinterpret_cast<SetTraceFn>(dlsym(RTLD_DEFAULT, "PyEval_SetTrace"));
  g_set_profile = reinterpret_cast<SetTraceFn>(dlsym(RTLD_DEFAULT, "PyEval_SetProfile"));
  g_frame_code = reinterpret_cast<FrameGetCodeFn>(dlsym(RTLD_DEFAULT, "PyFrame_GetCode"));
  g_frame_back = reinterpret_cast<FrameGetBackFn>(dlsym(RTLD_DEFAULT, "PyFrame_GetBack"));
  if (!AddType(module, "Cell", &kCellSpec, &g_cell_type) ||
      !AddType(module, "ValueField", &kValueFieldSpec) || !AddType(module, "LockOps", &kLockOpsSpec) ||
      !AddType(module, "ImportGate", &kImportGateSpec)) {
    Py_DECREF(module);
    return nullptr;
  }
  // Event kinds and object kinds by name, so the Python half never hard-codes a number.
  struct Named {
    const char* name;
    long value;
  };
  const Named constants[] = {
      {"STARTED", static_cast<long>(EventKind::kStarted)},
      {"FINISHED", static_cast<long>(EventKind::kFinished)},
      {"DECLARE", static_cast<long>(EventKind::kDeclare)},
      {"LOCK_WAIT", static_cast<long>(EventKind::kLockWait)},
      {"LOCK_ACQUIRED", static_cast<long>(EventKind::kLockAcquired)},
      {"LOCK_RELEASED", static_cast<long>(EventKind::kLockReleased)},
      {"QUEUE_PUT", static_cast<long>(EventKind::kQueuePut)},
      {"QUEUE_GET", static_cast<long>(EventKind::kQueueGet)},
      {"QUEUE_BLOCKED", static_cast<long>(EventKind::kQueueBlocked)},
      {"QUEUE_UNBLOCKED", static_cast<long>(EventKind::kQueueUnblocked)},
      {"TASK_START", static_cast<long>(EventKind::kTaskStart)},
      {"TASK_END", static_cast<long>(EventKind::kTaskEnd)},
      {"TASK_FAILED", static_cast<long>(EventKind::kTaskFailed)},
      {"POOL_STATE", static_cast<long>(EventKind::kPoolState)},
      {"POOL_CALLBACK", static_cast<long>(EventKind::kPoolCallback)},
      {"LINE", static_cast<long>(EventKind::kLine)},
      {"CHILD_EXIT", static_cast<long>(EventKind::kChildExit)},
      {"PROCESS_JOIN", static_cast<long>(EventKind::kProcessJoin)},
      {"PROCESS_JOINED", static_cast<long>(EventKind::kProcessJoined)},
      {"POOL_CALL", static_cast<long>(EventKind::kPoolCall)},
      {"POOL_SUBMIT", static_cast<long>(EventKind::kPoolSubmit)},
      {"TASK_JOB", static_cast<long>(EventKind::kTaskJob)},
      {"OBJ_SLOT", static_cast<long>(proclab::ObjectKind::kSlot)},
      {"OBJ_LOCK", static_cast<long>(proclab::ObjectKind::kLock)},
      {"OBJ_QUEUE", static_cast<long>(proclab::ObjectKind::kQueue)},
      {"OBJ_POOL", static_cast<long>(proclab::ObjectKind::kPool)},
      {"OBJ_PROCESS", static_cast<long>(proclab::ObjectKind::kProcess)},
      {"OBJ_FILE", static_cast<long>(proclab::ObjectKind::kFile)},
      {"OBJ_ARRAY", static_cast<long>(proclab::ObjectKind::kArray)},
      {"OBJ_TYPECODE", static_cast<long>(proclab::ObjectKind::kTypecode)},
      {"TYPE_INT", static_cast<long>(ValueType::kInt)},
      {"TYPE_DOUBLE", static_cast<long>(ValueType::kDouble)},
      {"TYPE_TEXT", static_cast<long>(ValueType::kText)},
      {"TYPE_OPAQUE", static_cast<long>(ValueType::kOpaque)},
      {"STILL_RUNNING", 0},  // replaced below: INT64_MIN does not fit a long everywhere
      {"POOL_RUNNING", static_cast<long>(proclab::PoolState::kRunning)},
      {"POOL_CLOSED", static_cast<long>(proclab::PoolState::kClosed)},
      {"POOL_TERMINATED", static_cast<long>(proclab::PoolState::kTerminated)},
      {"POOL_JOINED", static_cast<long>(proclab::PoolState::kJoined)},
      {"CALL_MAP", static_cast<long>(proclab::PoolCall::kMap)},
      {"CALL_MAP_ASYNC", static_cast<long>(proclab::PoolCall::kMapAsync)},
      {"CALL_APPLY", static_cast<long>(proclab::PoolCall::kApply)},
      {"CALL_APPLY_ASYNC", static_cast<long>(proclab::PoolCall::kApplyAsync)},
      {"CALL_IMAP", static_cast<long>(proclab::PoolCall::kImap)},
      {"CALL_IMAP_UNORDERED", static_cast<long>(proclab::PoolCall::kImapUnordered)},
      {"CALL_STARMAP", static_cast<long>(proclab::PoolCall::kStarmap)},
      {"CALL_STARMAP_ASYNC", static_cast<long>(proclab::PoolCall::kStarmapAsync)},
      {"FINAL_VALUE", static_cast<long>(proclab::EventKind::kFinalValue)},
      {"OUTPUT_FD", proclab::kOutputFd},
      {"OUTPUT_MAGIC", static_cast<long>(proclab::OutputFrameHeader::kMagic)},
      {"OUTPUT_FRAME_BYTES", static_cast<long>(proclab::kOutputFrameBytes)},
  };
  for (const Named& c : constants) PyModule_AddIntConstant(module, c.name, c.value);
  PyModule_AddObject(module, "STILL_RUNNING", PyLong_FromLongLong(proclab::kStillRunning));
  return module;
}
