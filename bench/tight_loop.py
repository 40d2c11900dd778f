"""A tight `v.value += 1` loop on a multiprocessing Value, in one process: prints the cost of one
iteration in nanoseconds (the median of --repeats timed loops). ProcLab's bench runs it untraced
and traced, with lines on and off, to measure what tracing costs.

    python3 tight_loop.py [--iterations N] [--repeats N]
"""
import argparse
import statistics
import time
from multiprocessing import Value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    v = Value("i", 0)
    costs = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(args.iterations):
            v.value += 1
        costs.append((time.perf_counter() - start) / args.iterations * 1e9)
    print("%.1f" % statistics.median(costs))


if __name__ == "__main__":
    main()
