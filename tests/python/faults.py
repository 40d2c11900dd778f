# A program that goes wrong in the way its first argument says, for ProcLab's fault tests.
#   python3 faults.py raise|exit3|sigterm|megabytes|loop|many N|orphan|child-raises|import-error
import multiprocessing as mp
import os
import signal
import sys
import time


def spin():
    while True:
        pass


def sleep_a_while():
    time.sleep(0.3)


def child_raises():
    raise ValueError("a child's own error")


def main():
    what = sys.argv[1]
    if what == "raise":
        print("about to raise")
        raise RuntimeError("the program's own error")
    if what == "exit3":
        print("leaving with os._exit(3)", flush=True)
        os._exit(3)
    if what == "sigterm":
        print("sending myself SIGTERM", flush=True)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    if what == "megabytes":
        line = "x" * 99 + "\n"
        for _ in range(50_000):  # 5 MB
            sys.stdout.write(line)
    if what == "loop":
        print("spinning", flush=True)
        child = mp.Process(target=spin)
        child.start()
        spin()
    if what == "many":
        workers = [mp.Process(target=sleep_a_while) for _ in range(int(sys.argv[2]))]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        print("all", len(workers), "ended")
    if what == "orphan":
        child = mp.Process(target=sleep_a_while)
        child.start()
        print("leaving my child behind", flush=True)
        os._exit(0)
    if what == "import-error":  # a failed import caught by the program, as libraries do
        try:
            import no_such_module_here  # noqa: F401
        except ImportError as error:
            print("caught", type(error).__name__)
    if what == "child-raises":
        child = mp.Process(target=child_raises)
        child.start()
        child.join()
        print("child exit code", child.exitcode)


if __name__ == "__main__":
    main()
