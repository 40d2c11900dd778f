"""Lesson `lock-guard`: the lock as a context manager. `with lock:` releases the lock however the
block is left, an exception included; a manual acquire() and release() does not: if the code
between them raises, the lock stays taken and every other process waits for it forever.

    python3 lock-guard.py [--style guard|manual] [--fail-inside off|on] [--processes N]
                          [--iterations N] [--sleep-ms MS]
"""
# proclab-params: style fail-inside processes iterations sleep-ms
import argparse
import time
from multiprocessing import Lock, Process, Value


def add_to_value(number, lock, iterations, sleep_ms, style, fail):
    for i in range(iterations):
        time.sleep(sleep_ms / 1000)
        if style == "guard":
            with lock:  # released on the way out of the block, whatever happens in it
                number.value += 1
                if fail and i == iterations // 2:
                    raise RuntimeError("failed inside the critical section")
        else:
            lock.acquire()
            number.value += 1
            if fail and i == iterations // 2:
                raise RuntimeError("failed inside the critical section")  # release() is skipped
            lock.release()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--style", choices=["guard", "manual"], default="guard")
    parser.add_argument("--fail-inside", choices=["off", "on"], default="off")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--sleep-ms", type=float, default=10)
    args = parser.parse_args()

    lock = Lock()
    shared_number = Value("i", 0)
    print("Value at beginning:", shared_number.value)
    workers = []
    for index in range(args.processes):
        fail = args.fail_inside == "on" and index == 0  # only the first one fails
        workers.append(Process(target=add_to_value,
                               args=(shared_number, lock, args.iterations, args.sleep_ms, args.style, fail)))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print("Value at end:", shared_number.value)


if __name__ == "__main__":
    main()
