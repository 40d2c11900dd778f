"""Lesson `shared-data`: two processes add 1 to a shared Value, two more to every element of a
shared Array, with no lock: updates get lost.

`number.value += 1` is a read of the shared memory and then a write of it. When two processes
read the same value before either writes, one increment overwrites the other. On CPython the
read and the write are only a few hundred nanoseconds apart, so with a 10 ms sleep between
increments the processes rarely collide: ProcLab measured 0 to 2 lost updates of 200 with
CPython 3.11 on a 2-core machine. --window-us widens the gap between the read and the write
(0: a time.sleep(0), which lets the other process run) so the race shows.

    python3 shared-data.py [--processes N] [--array-processes N] [--iterations N]
                           [--sleep-ms MS] [--window-us US]
"""
# proclab-params: processes array-processes iterations sleep-ms window-us
import argparse
import time
from multiprocessing import Array, Process, Value


def pause_between(window_us):
    """The gap between reading a shared number and writing it back."""
    if window_us is not None:
        time.sleep(window_us / 1e6)


def add_to_value(number, iterations, sleep_ms, window_us):
    for _ in range(iterations):
        time.sleep(sleep_ms / 1000)
        if window_us is None:
            number.value += 1  # read, add, write back: two steps, not one
        else:
            seen = number.value
            pause_between(window_us)
            number.value = seen + 1


def add_to_array(numbers, iterations, sleep_ms, window_us):
    for _ in range(iterations):
        time.sleep(sleep_ms / 1000)
        for i in range(len(numbers)):
            if window_us is None:
                numbers[i] += 1
            else:
                seen = numbers[i]
                pause_between(window_us)
                numbers[i] = seen + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--array-processes", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--sleep-ms", type=float, default=10)
    parser.add_argument("--window-us", type=float, default=None)
    args = parser.parse_args()

    shared_number = Value("i", 0)
    shared_array = Array("d", [0.0, 100.0, 200.0])
    print("Value at beginning:", shared_number.value)
    print("Array at beginning:", shared_array[:])

    workers = [Process(target=add_to_value, args=(shared_number, args.iterations, args.sleep_ms, args.window_us))
               for _ in range(args.processes)]
    workers += [Process(target=add_to_array, args=(shared_array, args.iterations, args.sleep_ms, args.window_us))
                for _ in range(args.array_processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    expected = args.processes * args.iterations
    print("Value at end:", shared_number.value)
    print("Array at end:", shared_array[:])
    print("%d of %d updates to the Value were lost" % (expected - shared_number.value, expected))


if __name__ == "__main__":
    main()
