"""Lesson `locks`: the same increments as `shared-data`, each one inside lock.acquire() and
lock.release(): no process can read the shared number while another is between its read and
its write, so no update is lost and the totals are exact every time.

    python3 locks.py [--processes N] [--array-processes N] [--iterations N] [--sleep-ms MS]
                     [--window-us US]
"""
# proclab-params: processes array-processes iterations sleep-ms window-us
import argparse
import time
from multiprocessing import Array, Lock, Process, Value


def add_to_value(number, lock, iterations, sleep_ms, window_us):
    for _ in range(iterations):
        time.sleep(sleep_ms / 1000)
        lock.acquire()  # waits while another process holds the lock
        seen = number.value
        if window_us is not None:
            time.sleep(window_us / 1e6)  # the others wait: the lock is held
        number.value = seen + 1
        lock.release()  # always give it back, or the others wait forever


def add_to_array(numbers, lock, iterations, sleep_ms, window_us):
    for _ in range(iterations):
        time.sleep(sleep_ms / 1000)
        for i in range(len(numbers)):
            lock.acquire()
            seen = numbers[i]
            if window_us is not None:
                time.sleep(window_us / 1e6)
            numbers[i] = seen + 1
            lock.release()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--array-processes", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--sleep-ms", type=float, default=10)
    parser.add_argument("--window-us", type=float, default=None)
    args = parser.parse_args()

    lock = Lock()
    shared_number = Value("i", 0)
    shared_array = Array("d", [0.0, 100.0, 200.0])
    print("Value at beginning:", shared_number.value)
    print("Array at beginning:", shared_array[:])

    workers = [Process(target=add_to_value, args=(shared_number, lock, args.iterations, args.sleep_ms, args.window_us))
               for _ in range(args.processes)]
    workers += [Process(target=add_to_array, args=(shared_array, lock, args.iterations, args.sleep_ms, args.window_us))
                for _ in range(args.array_processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    print("Value at end:", shared_number.value)
    print("Array at end:", shared_array[:])


if __name__ == "__main__":
    main()
