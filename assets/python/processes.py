"""Lesson `processes`: start child processes, wait for each, and read how each one ended.

Every child squares a run of numbers; the parent starts them all, then waits for them one by
one with join() and reads each exit code (negative: the signal that ended it).

    python3 processes.py [--processes N] [--work N] [--fail none|exit|crash]
"""
# proclab-params: processes work fail
import argparse
import os
import signal
import sys
from multiprocessing import Process


def square_numbers(work, fail):
    total = 0
    for number in range(work):
        total += number * number
    if fail == "exit":
        sys.exit(3)  # ends this child with exit code 3
    if fail == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)  # dies as a crash would


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=int, default=1000)
    parser.add_argument("--fail", choices=["none", "exit", "crash"], default="none")
    args = parser.parse_args()

    children = []
    for index in range(args.processes):
        fail = args.fail if index == args.processes - 1 else "none"  # only the last one fails
        children.append(Process(target=square_numbers, args=(args.work, fail)))
    for child in children:
        child.start()
    for child in children:
        child.join()  # the parent waits here until this child has ended
    for child in children:
        if child.exitcode is not None and child.exitcode < 0:
            how = "was killed by %s" % signal.Signals(-child.exitcode).name
        else:
            how = "exited with code %s" % child.exitcode
        print("%s (pid %d) %s" % (child.name, child.pid, how))
    print("all %d processes have ended" % len(children))


if __name__ == "__main__":
    main()
