"""Lesson `queue`: two producer processes put numbers on one queue, the parent takes them off.
One puts the squares of 1..N, the other their negatives; each producer's items come out in the
order it put them, the two interleaved as they happened to run.

Joining a producer before draining the queue can deadlock: a process that put items on a queue
does not end until they have been handed over, and a full queue (--capacity) makes put() wait.
--join-before-drain on waits for the producers first, as the tutorial does.

    python3 queue.py [--items N] [--capacity N] [--consumer-delay-ms MS]
                     [--join-before-drain off|on]
"""
# proclab-params: items capacity consumer-delay-ms join-before-drain
import argparse
import time
from multiprocessing import Process, Queue


def put_squares(numbers, q):
    for n in numbers:
        q.put(n * n)


def put_negatives(numbers, q):
    for n in numbers:
        q.put(-n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--capacity", type=int, default=0)
    parser.add_argument("--consumer-delay-ms", type=float, default=0)
    parser.add_argument("--join-before-drain", choices=["off", "on"], default="off")
    args = parser.parse_args()

    numbers = range(1, args.items + 1)
    q = Queue(args.capacity)  # 0: no limit
    producers = [Process(target=put_squares, args=(numbers, q)),
                 Process(target=put_negatives, args=(numbers, q))]
    for p in producers:
        p.start()
    if args.join_before_drain == "on":
        for p in producers:
            p.join()  # waits for producers that may be waiting for us to take their items
    for _ in range(2 * args.items):
        print(q.get())  # blocks until an item is there
        time.sleep(args.consumer_delay_ms / 1000)
    for p in producers:
        p.join()
    print("end main")


if __name__ == "__main__":
    main()
