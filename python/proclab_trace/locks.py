"""multiprocessing's Lock and RLock, traced: wait, acquired and released events around the real
semaphore (the outermost acquire and release of an RLock only), a step gate before each
acquire. Only the locks the program makes are traced; the ones multiprocessing makes for its
own queues, pools and conditions stay as they are. A lock's id travels with it to a spawn child
in its pickled state.
"""

from multiprocessing import synchronize

from . import _native, names

_orig = {}


def _traced_init(kind, original):
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if _native.lane() < 0 or not names.made_by_program_here():
            return
        frame = names.creator_frame(1)
        lock_id = _native.new_id()
        _native.declare(_native.OBJ_LOCK, lock_id, names.name_for(kind, frame))
        self._proclab_id = lock_id
        self._make_methods()

    return __init__


def _make_methods(self):
    _orig["_make_methods"](self)
    lock_id = getattr(self, "_proclab_id", 0)
    if lock_id:
        ops = _native.LockOps(self._semlock, lock_id, self._semlock.kind == synchronize.RECURSIVE_MUTEX)
        self.acquire = ops.acquire
        self.release = ops.release


def __enter__(self):
    return self.acquire()


def __exit__(self, *args):
    return self.release()


def __getstate__(self):
    state = _orig["__getstate__"](self)
    lock_id = getattr(self, "_proclab_id", 0)
    return ("proclab", state, lock_id) if lock_id else state


def __setstate__(self, state):
    if isinstance(state, tuple) and len(state) == 3 and state[0] == "proclab":
        _, state, self._proclab_id = state
    _orig["__setstate__"](self, state)


def install():
    if _orig:
        return
    semlock = synchronize.SemLock
    for name in ("_make_methods", "__getstate__", "__setstate__"):
        _orig[name] = getattr(semlock, name)
    semlock._make_methods = _make_methods
    semlock.__enter__ = __enter__
    semlock.__exit__ = __exit__
    semlock.__getstate__ = __getstate__
    semlock.__setstate__ = __setstate__
    synchronize.Lock.__init__ = _traced_init("Lock", synchronize.Lock.__init__)
    synchronize.RLock.__init__ = _traced_init("RLock", synchronize.RLock.__init__)


install()  # on import: see proclab_trace._install
