"""Lesson `pool`: start worker processes once and hand them work: map() splits the inputs into
chunks, apply() runs one call, and their _async forms return at once and run a callback in the
parent when the result is there. close() takes no more work; join() waits for the workers.

    python3 pool.py [--workers N] [--items N] [--chunksize N] [--task cube|square|slow|fail]
                    [--delay-ms MS] [--mode map|apply|map_async|apply_async]
"""
# proclab-params: workers items chunksize task delay-ms mode
import argparse
import os
import time
from multiprocessing import Pool

SETTINGS = {"task": "cube", "delay_ms": 100, "fail_at": -1}


def configure(task, delay_ms, fail_at):
    SETTINGS.update(task=task, delay_ms=delay_ms, fail_at=fail_at)


def compute(x):
    task = SETTINGS["task"]
    if task == "slow":
        time.sleep(SETTINGS["delay_ms"] / 1000)
    if task == "fail" and x == SETTINGS["fail_at"]:
        raise ValueError("no result for %d" % x)
    return x * x if task == "square" else x * x * x


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--chunksize", type=int, default=0)
    parser.add_argument("--task", choices=["cube", "square", "slow", "fail"], default="cube")
    parser.add_argument("--delay-ms", type=float, default=100)
    parser.add_argument("--mode", choices=["map", "apply", "map_async", "apply_async"], default="map")
    args = parser.parse_args()

    numbers = range(args.items)
    chunksize = args.chunksize or None  # None: Pool chooses, about items / (4 x workers)
    initargs = (args.task, args.delay_ms, args.items // 2)
    pool = Pool(args.workers, initializer=configure, initargs=initargs)
    try:
        if args.mode == "map":
            result = pool.map(compute, numbers, chunksize)
        elif args.mode == "apply":
            result = [pool.apply(compute, (x,)) for x in numbers]
        elif args.mode == "map_async":
            done = pool.map_async(compute, numbers, chunksize,
                                  callback=lambda values: print("callback: %d results" % len(values)))
            result = done.get()
        else:
            pending = [pool.apply_async(compute, (x,), callback=lambda value: print("callback:", value))
                       for x in numbers]
            result = [p.get() for p in pending]
        print(result)
    except ValueError as error:
        print("a task failed:", error)
    pool.close()  # no more work
    pool.join()   # waits for the workers to finish and exit


if __name__ == "__main__":
    main()
