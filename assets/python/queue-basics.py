"""Lesson `queue-basics`: a queue is first in, first out. Three numbers go in at the back; the
first get() returns the one that has waited longest, at the front.

    python3 queue-basics.py
"""
# proclab-params:
from multiprocessing import Queue


def main():
    q = Queue()
    for number in (1, 2, 3):
        q.put(number)  # joins the back of the queue: front -> 1 2 3 <- back
    first = q.get()    # leaves from the front
    print(first)
    print("still waiting in the queue:", [q.get() for _ in range(2)])


if __name__ == "__main__":
    main()
