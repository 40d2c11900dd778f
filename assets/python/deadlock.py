"""Lesson `deadlock`: two processes each need two locks and take them in opposite orders. Each
takes its first lock, pauses, and then waits for the second, which the other holds: neither can
go on, ever. Taking the locks in the same order (--order same) cannot deadlock.

With more processes (--processes N), process k takes lock k and then lock k+1 (the last one
wraps around to lock 0): a ring of N processes, each waiting for the next one's lock.

    python3 deadlock.py [--processes N] [--hold-ms MS] [--order opposite|same]
"""
# proclab-params: processes hold-ms order
import argparse
import time
from multiprocessing import Lock, Process, current_process


def take_two(locks, first, second, hold_ms):
    me = current_process().name
    with locks[first]:
        print("%s holds lock %d and now wants lock %d" % (me, first, second), flush=True)
        time.sleep(hold_ms / 1000)  # the other process takes its first lock meanwhile
        with locks[second]:
            print("%s holds both" % me, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--hold-ms", type=float, default=50)
    parser.add_argument("--order", choices=["opposite", "same"], default="opposite")
    args = parser.parse_args()

    locks = [Lock() for _ in range(args.processes)]
    workers = []
    for k in range(args.processes):
        first, second = k, (k + 1) % args.processes
        if args.order == "same" and first > second:
            first, second = second, first  # everybody takes the lower-numbered lock first
        workers.append(Process(target=take_two, args=(locks, first, second, args.hold_ms)))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print("every process finished")


if __name__ == "__main__":
    main()
