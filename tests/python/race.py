# Two processes add 1 to one shared Value, under a start method given on the command line.
#   python3 race.py fork|spawn|forkserver ITERATIONS
import multiprocessing as mp
import sys


def add(number, iterations):
    for _ in range(iterations):
        number.value += 1


if __name__ == "__main__":
    method, iterations = sys.argv[1], int(sys.argv[2])
    ctx = mp.get_context(method)
    counter = ctx.Value("i", 0)
    workers = [ctx.Process(target=add, args=(counter, iterations)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("final", counter.value, "of", 2 * iterations)
