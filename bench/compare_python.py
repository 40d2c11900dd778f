#!/usr/bin/env python3
"""Measure Python's multiprocessing next to ProcLab's primitives and the machine's own limits.

For each figure that `proclab-cli bench` reports, this script measures the same operation with
Python's own `multiprocessing` (fork context), runs `proclab-cli bench --json` (which measures
ProcLab's figure and, in turn with it, the machine's limit for the same work), and prints the
three side by side: Python | ProcLab | limit, with how many times better ProcLab is than Python
and how much of the limit it reaches:

    x Python (larger is better): ProcLab / Python for rates, Python / ProcLab for times
    of limit (100% = at the limit): ProcLab / limit for rates, limit / ProcLab for times

Each Python figure is the median of --repeats measurements, after one short warm-up round.
Only the standard library is used. It says which Python it ran on: results differ between
builds (Debian's /usr/bin/python3 and a pyenv build, say), so run it with each you care about.

    bench/compare_python.py                 # full comparison, text table
    bench/compare_python.py --quick --json  # about a tenth of the items, one JSON object
    bench/compare_python.py --python-only   # Python's figures only, as JSON (used by `costs`)
    bench/compare_python.py --runs 5        # five whole runs, then medians and ranges (README)
    bench/compare_python.py --tracing       # what ProcLab's tracer costs a Python program:
                                            # each lesson's program and a tight v.value += 1
                                            # loop, untraced and traced (proclab-cli bench --python)
    /usr/bin/python3 bench/compare_python.py

Exit status: 0 on success, 1 if proclab-cli cannot be found or fails (the Python figures are
still printed), 2 on bad arguments.
"""

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

CTX = multiprocessing.get_context("fork")
CPUS = os.cpu_count() or 1

# (key, unit, larger_is_better), in the order proclab-cli reports them.
FIGURES = [
    ("spawn_join_ms_per_proc", "ms", False),
    ("unlocked_increments_per_s", "/s", True),
    ("locked_increments_per_s", "/s", True),
    ("atomic_increments_per_s", "/s", True),
    ("queue_items_per_s", "/s", True),
    ("pool_map_items_per_s", "/s", True),
    ("pool_apply_async_tasks_per_s", "/s", True),
    ("trace_ns_per_event", "ns", False),
    ("trace_drain_events_per_s", "/s", True),
]

# The targets (issue 14), each against Python ("python": ProcLab at least `need` times better)
# or against the machine's limit ("limit": ProcLab reaches at least `need` of it).
# Start + join <= 0.5x Python's time is "x Python >= 2"; <= 1.3x the limit's is "of limit >= 1/1.3".
TARGETS = [
    ("spawn_join_ms_per_proc", "python", 2.0, "<= 0.5x Python"),
    ("spawn_join_ms_per_proc", "limit", 1 / 1.3, "<= 1.3x limit"),
    ("locked_increments_per_s", "python", 20.0, ">= 20x Python"),
    ("locked_increments_per_s", "limit", 0.5, ">= 50% of limit"),
    ("queue_items_per_s", "python", 25.0, ">= 25x Python"),
    ("pool_map_items_per_s", "python", 10.0, ">= 10x Python"),
    ("pool_map_items_per_s", "limit", 0.3, ">= 30% of limit"),
    ("pool_apply_async_tasks_per_s", "python", 10.0, ">= 10x Python"),
]


class Sizes:
    """How many items each measurement uses: enough for roughly a second per Python sample on
    a 2-core machine (a multiprocessing.Queue moves only some 30,000 items a second there);
    --quick uses a tenth. The figures are rates, so the sizes need not match ProcLab's."""

    def __init__(self, quick):
        scale = 10 if quick else 1
        self.spawn_rounds = 3 if quick else 20
        self.unlocked_increments_per_proc = 1_000_000 // scale
        self.locked_increments_per_proc = 200_000 // scale
        self.queue_items = 40_000 // scale
        self.map_items = 1_000_000 // scale
        self.apply_tasks = 20_000 // scale


def progress(message):
    """Progress goes to stderr, and only when someone is watching a terminal."""
    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def median_after_warmup(key, repeats, measure, warmup):
    """Run warmup() once, then measure() `repeats` times; return the median."""
    progress(f"measuring {key} ...")
    warmup()
    return statistics.median(measure() for _ in range(repeats))


# --- the work the child processes do --------------------------------------------------------

def noop():
    pass


def cube(x):
    return x * x * x


def increment_locked(v, n, times, slot):
    """`with v.get_lock(): v.value += 1`, n times; records when the loop started and ended."""
    times[2 * slot] = time.monotonic()
    for _ in range(n):
        with v.get_lock():
            v.value += 1
    times[2 * slot + 1] = time.monotonic()


def increment_unlocked(v, n, times, slot):
    """`v.value += 1` on a RawValue, n times: fast, and it loses updates."""
    times[2 * slot] = time.monotonic()
    for _ in range(n):
        v.value += 1
    times[2 * slot + 1] = time.monotonic()


def produce(q, n, go):
    """Put n small integers into the queue once the parent says go."""
    go.wait()
    for i in range(n):
        q.put(i)


# --- one function per figure ---------------------------------------------------------------

def spawn_join_ms_per_proc(rounds, procs=CPUS):
    """Start `procs` processes running noop(), then join them all: milliseconds per process.
    One round takes only a few milliseconds, so a sample averages `rounds` of them."""
    start = time.perf_counter()
    for _ in range(rounds):
        children = [CTX.Process(target=noop) for _ in range(procs)]
        for p in children:
            p.start()
        for p in children:
            p.join()
    return (time.perf_counter() - start) * 1000.0 / (rounds * procs)


def _two_incrementers(target, v, n):
    """Two processes run target(v, n); the rate is 2n over the span from the first child's
    first increment to the last child's last one (process start and exit are left out, as
    ProcLab does: they are what spawn_join_ms_per_proc measures)."""
    times = CTX.RawArray("d", 4)
    children = [CTX.Process(target=target, args=(v, n, times, slot)) for slot in range(2)]
    for p in children:
        p.start()
    for p in children:
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"an increment child exited with status {p.exitcode}")
    span = max(times[1], times[3]) - min(times[0], times[2])
    return 2 * n / span


def locked_increments_per_s(n):
    """Two processes, each `with v.get_lock(): v.value += 1` n times on one Value('i')."""
    v = CTX.Value("i", 0)
    rate = _two_incrementers(increment_locked, v, n)
    if v.value != 2 * n:
        raise RuntimeError(f"the locked counter reached {v.value}, not {2 * n}")
    return rate


def unlocked_increments_per_s(n):
    """Two processes, each `v.value += 1` n times on one RawValue('i') (no lock at all)."""
    return _two_incrementers(increment_unlocked, CTX.RawValue("i", 0), n)


def atomic_increments_per_s():
    """Python's multiprocessing has no atomic fetch_add on a shared Value: there is nothing to
    measure, so the figure is None (null in JSON). The nearest thing is the locked increment."""
    return None


def queue_items_per_s(n):
    """One producer process puts n small ints into a multiprocessing.Queue; the parent gets
    them all. The clock starts when the (already started) producer is told to go."""
    q = CTX.Queue()
    go = CTX.Event()
    producer = CTX.Process(target=produce, args=(q, n, go))
    producer.start()
    start = time.perf_counter()
    go.set()
    for i in range(n):
        if q.get(timeout=60) != i:
            raise RuntimeError("the queue lost or reordered an item")
    seconds = time.perf_counter() - start
    producer.join()
    return n / seconds


def pool_map_items_per_s(pool, n):
    """p.map(cube, range(n)) with the automatic chunk size, on a pool that is already started."""
    start = time.perf_counter()
    cubes = pool.map(cube, range(n))
    seconds = time.perf_counter() - start
    if len(cubes) != n or cubes[-1] != cube(n - 1):
        raise RuntimeError("Pool.map returned wrong results")
    return n / seconds


def pool_apply_async_tasks_per_s(pool, n):
    """n x apply_async(cube, (i,)), then .get() of each, on a pool that is already started."""
    start = time.perf_counter()
    handles = [pool.apply_async(cube, (i,)) for i in range(n)]
    for i, h in enumerate(handles):
        if h.get(timeout=60) != cube(i):
            raise RuntimeError("apply_async returned a wrong result")
    return n / (time.perf_counter() - start)


# --- putting it together -------------------------------------------------------------------

def measure_python(sizes, repeats):
    """Every Python figure, with the same key names as `proclab-cli bench --json`."""
    r = repeats
    unlocked, locked = sizes.unlocked_increments_per_proc, sizes.locked_increments_per_proc
    items = sizes.queue_items
    figures = {
        "spawn_join_ms_per_proc": median_after_warmup(
            "spawn_join_ms_per_proc", r, lambda: spawn_join_ms_per_proc(sizes.spawn_rounds),
            lambda: spawn_join_ms_per_proc(1)),
        "unlocked_increments_per_s": median_after_warmup(
            "unlocked_increments_per_s", r, lambda: unlocked_increments_per_s(unlocked),
            lambda: unlocked_increments_per_s(unlocked // 10)),
        "locked_increments_per_s": median_after_warmup(
            "locked_increments_per_s", r, lambda: locked_increments_per_s(locked),
            lambda: locked_increments_per_s(locked // 10)),
        "atomic_increments_per_s": atomic_increments_per_s(),
        "queue_items_per_s": median_after_warmup(
            "queue_items_per_s", r, lambda: queue_items_per_s(items),
            lambda: queue_items_per_s(items // 10)),
    }
    # The pool is started once, before any timing, and shared by both pool figures; it is
    # created last so that no Process above is forked from a parent running the pool's threads.
    with CTX.Pool(CPUS) as pool:
        figures["pool_map_items_per_s"] = median_after_warmup(
            "pool_map_items_per_s", r, lambda: pool_map_items_per_s(pool, sizes.map_items),
            lambda: pool_map_items_per_s(pool, sizes.map_items))  # warm: as proclab-cli bench
        figures["pool_apply_async_tasks_per_s"] = median_after_warmup(
            "pool_apply_async_tasks_per_s", r,
            lambda: pool_apply_async_tasks_per_s(pool, sizes.apply_tasks),
            lambda: pool_apply_async_tasks_per_s(pool, sizes.apply_tasks // 10))
    return figures


def find_cli(explicit):
    """--cli PATH, else ../build/bin/proclab-cli beside this script, else proclab-cli on PATH."""
    if explicit:
        return explicit
    beside = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          os.pardir, "build", "bin", "proclab-cli")
    if os.access(beside, os.X_OK):
        return os.path.normpath(beside)
    return shutil.which("proclab-cli")


def measure_proclab(cli, quick):
    """Run `proclab-cli bench --json [--quick]`; return (figures, None) or (None, why not)."""
    if not cli:
        return None, "proclab-cli not found (build it, or pass --cli PATH)"
    command = [cli, "bench", "--json"] + (["--quick"] if quick else [])
    progress("running " + " ".join(command) + " ...")
    try:
        done = subprocess.run(command, capture_output=True, text=True,
                              timeout=120 if quick else 900)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"could not run {cli}: {e}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return None, f"{cli} bench failed with status {done.returncode}: {last}"
    try:
        figures = json.loads(done.stdout)
    except json.JSONDecodeError:
        return None, f"{cli} bench --json printed something that is not JSON"
    if not isinstance(figures, dict):
        return None, f"{cli} bench --json did not print a JSON object"
    return figures, None


def run_tracing(cli, quick, as_json):
    """`proclab-cli bench --python`: the programs' wall times and the tight loop's cost per
    iteration, untraced and traced (lines on and off), medians with their ranges. The
    measurement lives in proclab-cli (it runs the tracer); this prints what it says."""
    if not cli:
        print("proclab-cli not found (build it, or pass --cli PATH)", file=sys.stderr)
        return 1
    command = [cli, "bench", "--python"] + (["--quick"] if quick else []) + (["--json"] if as_json else [])
    progress("running " + " ".join(command) + " ...")
    return subprocess.run(command).returncode


def ratio(key, larger_is_better, python, proclab):
    """How many times better ProcLab is: C++/Python for rates, Python/C++ for times."""
    p, c = python.get(key), (proclab or {}).get(key)
    if not isinstance(p, (int, float)) or not isinstance(c, (int, float)) or p <= 0 or c <= 0:
        return None
    return c / p if larger_is_better else p / c


def of_limit(key, proclab):
    """How much of the machine's limit ProcLab reaches, as proclab-cli bench computed it."""
    value = (proclab or {}).get(key + "_of_limit")
    return value if isinstance(value, (int, float)) else None


def compare(python, proclab):
    ratios = {key: ratio(key, better, python, proclab) for key, _, better in FIGURES
              if key in python}
    of_limits = {key: of_limit(key, proclab) for key, _, _ in FIGURES}
    targets_met = []
    for key, against, need, text in TARGETS:
        have = ratios.get(key) if against == "python" else of_limits.get(key)
        targets_met.append({"figure": key, "target": text, "value": have,
                            "met": None if have is None else have >= need})
    return ratios, of_limits, targets_met


def number(value, unit):
    """12,345,678 /s or 1.234 ms; '-' when there is nothing."""
    if value is None:
        return "-"
    if unit == "/s":
        return f"{value:,.0f} /s"
    return f"{value:,.3f} {unit}" if value < 100 else f"{value:,.1f} {unit}"


def print_table(python, proclab, ratios, of_limits, targets_met):
    suspect = set((proclab or {}).get("limit_suspect", []))
    rows = [("figure", "Python", "ProcLab", "limit", "x Python", "of limit", "target")]
    for key, unit, _ in FIGURES:
        r, o = ratios.get(key), of_limits.get(key)
        targets = "; ".join(f"{t['target']}: " + {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
                            for t in targets_met if t["figure"] == key)
        rows.append((key,
                     number(python.get(key), unit) if key in python else "(not in Python)",
                     number((proclab or {}).get(key), unit),
                     number((proclab or {}).get("limit_" + key), unit) + (" (!)" if key in suspect else ""),
                     "-" if r is None else f"{r:,.1f}x",
                     "-" if o is None else f"{o * 100:.0f}%",
                     targets))
    widths = [max(len(row[i]) for row in rows) for i in range(7)]
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in range(1, 6)]
        print(" | ".join(cells + [row[6]]).rstrip())
        if n == 0:
            print("-+-".join("-" * w for w in widths))
    print("x Python = how many times better ProcLab is (C++/Python for rates, Python/C++ for times).")
    print("of limit = how much of the machine's limit ProcLab reaches; the limit is the same work with")
    print("nothing of ProcLab's in the way, measured by proclab-cli bench in turn with ProcLab's figure.")
    if suspect:
        print("(!) ProcLab beat this limit in every sample: the machine was busy. Measure again.")
    print("Python's multiprocessing has no atomic fetch_add on a shared Value: no Python figure.")


def python_line():
    return f"python: {sys.executable} (Python {platform.python_version()}, {platform.python_implementation()})"


def machine_line():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (f"machine: {platform.system()} {platform.release()} {platform.machine()}, "
            f"{cpu}, {CPUS} CPUs, Python {platform.python_version()}")


def load_average():
    """The 1-minute load average, or None where /proc/loadavg is missing."""
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def spread(values, fmt):
    """'median (min-max)' of the values that are numbers, or '-'."""
    values = [v for v in values if isinstance(v, (int, float))]
    if not values:
        return "-"
    m = statistics.median(values)
    return f"{fmt(m)} ({fmt(min(values))}-{fmt(max(values))})" if len(values) > 1 else fmt(m)


def summarise_runs(runs):
    """Medians and ranges over several whole runs, as a Markdown table; targets on the median."""
    def unit_fmt(unit):
        if unit == "/s":
            return lambda v: (f"{v / 1e9:.2f} G" if v >= 1e9 else f"{v / 1e6:.2f} M" if v >= 1e6
                              else f"{v / 1e3:.1f} k" if v >= 1e3 else f"{v:.0f} ")
        return lambda v: f"{v:.3f}" if v < 10 else f"{v:.1f}"
    lines = ["| figure | Python | ProcLab | limit | x Python | of limit | target |",
             "|---|---|---|---|---|---|---|"]
    for key, unit, _ in FIGURES:
        fmt = unit_fmt(unit)
        u = " ms" if unit == "ms" else " ns" if unit == "ns" else "/s"

        def col(get):
            text = spread([get(r) for r in runs], fmt)
            return text if text == "-" else text + u
        targets = []
        for tkey, against, need, text in TARGETS:
            if tkey != key:
                continue
            values = [(r["ratios"] if against == "python" else r["of_limit"]).get(key) for r in runs]
            values = [v for v in values if isinstance(v, (int, float))]
            met = None if not values else statistics.median(values) >= need
            targets.append(f"{text}: " + {True: "met", False: "missed", None: "n/a"}[met])
        lines.append("| " + " | ".join([
            key,
            col(lambda r: r["python"].get(key)),
            col(lambda r: (r["proclab"] or {}).get(key)),
            col(lambda r: (r["proclab"] or {}).get("limit_" + key)),
            spread([r["ratios"].get(key) for r in runs], lambda v: f"{v:.1f}x"),
            spread([r["of_limit"].get(key) for r in runs], lambda v: f"{v * 100:.0f}%"),
            "; ".join(targets)]) + " |")
    loads = [x for r in runs for x in (r["load_before"], r["load_after"]) if x is not None]
    lines.append("")
    lines.append(f"{len(runs)} runs, each value the median (min-max) over the runs; 1-minute load "
                 f"average {min(loads):.2f}-{max(loads):.2f} during them." if loads else
                 f"{len(runs)} runs, each value the median (min-max) over the runs.")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(
        description="Measure Python's multiprocessing next to `proclab-cli bench`.")
    parser.add_argument("--quick", action="store_true",
                        help="about a tenth of the items (also passed to proclab-cli bench)")
    parser.add_argument("--json", action="store_true",
                        help='print one JSON object {"python", "proclab", "ratios", "targets_met"}')
    parser.add_argument("--python-only", action="store_true",
                        help="measure only Python and print its figures as one JSON object")
    parser.add_argument("--repeats", type=int, default=3,
                        help="measurements per figure; the median is reported (default 3)")
    parser.add_argument("--runs", type=int, default=1,
                        help="repeat the whole comparison N times, then print the median and "
                             "range of every column over the runs as a Markdown table (default 1)")
    parser.add_argument("--cli", metavar="PATH",
                        help="proclab-cli to run (default: ../build/bin/proclab-cli beside this "
                             "script, else proclab-cli on PATH)")
    parser.add_argument("--tracing", action="store_true",
                        help="what tracing costs a Python program (runs proclab-cli bench --python)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.tracing:
        return run_tracing(find_cli(args.cli), args.quick, args.json)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.runs > 1:
        if args.python_only:
            parser.error("--runs and --python-only do not go together")
        return repeated_runs(args)

    python = measure_python(Sizes(args.quick), args.repeats)
    if args.python_only:
        print(json.dumps(python, indent=2, sort_keys=True))
        return 0

    proclab, problem = measure_proclab(find_cli(args.cli), args.quick)
    ratios, of_limits, targets_met = compare(python, proclab)
    if args.json:
        print(json.dumps({"python": python, "proclab": proclab, "ratios": ratios,
                          "of_limit": of_limits, "targets_met": targets_met,
                          "python_executable": sys.executable,
                          "python_version": platform.python_version()}, indent=2, sort_keys=True))
    else:
        print(python_line())
        print_table(python, proclab, ratios, of_limits, targets_met)
        print(machine_line())
    if problem:
        print(f"note: no ProcLab figures to compare: {problem}",
              file=sys.stderr if args.json else sys.stdout)
        return 1
    return 0


def repeated_runs(args):
    """--runs N: N whole comparisons (Python, then proclab-cli bench), each printed, then the
    summary table; the load average before and after each run is kept beside it."""
    runs = []
    for n in range(args.runs):
        before = load_average()
        python = measure_python(Sizes(args.quick), args.repeats)
        proclab, problem = measure_proclab(find_cli(args.cli), args.quick)
        if problem:
            print(f"note: no ProcLab figures to compare: {problem}", file=sys.stderr)
            return 1
        ratios, of_limits, targets_met = compare(python, proclab)
        runs.append({"python": python, "proclab": proclab, "ratios": ratios, "of_limit": of_limits,
                     "targets_met": targets_met, "load_before": before, "load_after": load_average()})
        if args.json:
            continue
        print(f"run {n + 1} of {args.runs} (load average {before} before, {runs[-1]['load_after']} after)")
        print_table(python, proclab, ratios, of_limits, targets_met)
        print()
    if args.json:
        print(json.dumps({"runs": runs, "python_executable": sys.executable,
                          "python_version": platform.python_version()}, indent=2, sort_keys=True))
        return 0
    print(python_line())
    print(machine_line())
    print(summarise_runs(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
