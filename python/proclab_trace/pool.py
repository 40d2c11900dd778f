"""multiprocessing's Pool, traced: what the program hands it (map, apply and their async and
star forms, with chunk sizes), which items each worker's task computed, the callbacks, and
close / terminate / join.

The pool's parent writes each job's chunk size into the run's shared memory before its tasks
reach the workers; a worker turns a task's chunk number into the input indices it computes.
Workers are the pool's own processes: their target is wrapped (a picklable object, so spawn
works too) to mark each task's start and end.
"""

import functools
import threading

from multiprocessing import pool as mpool

from . import _native, names

_orig = {}
_local = threading.local()


def _encode(value):
    if type(value) is int and -(1 << 63) <= value < (1 << 63):
        return value
    if isinstance(value, list):
        return len(value)
    return 0


class _PoolWorker:
    """A pool worker's target: multiprocessing's own worker, with each task marked."""

    def __init__(self, pool_id):
        self.pool_id = pool_id

    def __call__(self, inqueue, outqueue, *args, **kwargs):
        pool_id = self.pool_id
        get, put = inqueue.get, outqueue.put
        open_task = []

        def traced_get():
            task = get()
            if task is not None and _native.lane() >= 0:
                job, i, func, fargs, _ = task
                first, last = _items(pool_id, job, i, func, fargs)
                _native.emit(_native.TASK_JOB, pool_id, job)
                _native.emit(_native.TASK_START, pool_id, first, last)
                open_task[:] = [first, last]
            return task

        def traced_put(message):
            if open_task:
                ok = message[2][0] if isinstance(message, tuple) and len(message) == 3 else True
                _native.emit(_native.TASK_END if ok else _native.TASK_FAILED, pool_id, *open_task)
                open_task[:] = []
            return put(message)

        inqueue.get = traced_get
        outqueue.put = traced_put
        return mpool.worker(inqueue, outqueue, *args, **kwargs)


def _items(pool_id, job, i, func, fargs):
    """The input indices a task computes: a map chunk's, or the one item of apply and imap."""
    if func is mpool.mapstar or func is mpool.starmapstar:
        chunk = fargs[0][1]
        size = _native.job_chunksize(pool_id, job) or len(chunk)
        first = (i or 0) * size
        return first, first + len(chunk) - 1
    return (i or 0), (i or 0)


def _process_for_pool(pool_id, factory, ctx, *args, **kwargs):
    if kwargs.get("target") is mpool.worker:
        kwargs["target"] = _PoolWorker(pool_id)
    return factory(ctx, *args, **kwargs)


def _traced(call, method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        outer = getattr(_local, "call", None) is None
        if outer:
            _local.call = call
        try:
            return method(self, *args, **kwargs)
        finally:
            if outer:
                _local.call = None

    return wrapper


def _submitted(pool, job, default_call, items, chunksize):
    pool_id = getattr(pool, "_proclab_id", 0) if pool is not None else 0
    if not pool_id:
        return 0
    _native.job_set(pool_id, job, chunksize)
    call = getattr(_local, "call", None)
    _native.emit(_native.POOL_CALL, pool_id, default_call if call is None else call, chunksize)
    _native.emit(_native.POOL_SUBMIT, pool_id, job, items)
    return pool_id


def _wrap_callbacks(result, pool_id):
    callback, error_callback = result._callback, result._error_callback
    if callback is not None:
        def traced_callback(value):
            _native.emit(_native.POOL_CALLBACK, pool_id, _encode(value), 0)
            return callback(value)
        result._callback = traced_callback
    if error_callback is not None:
        def traced_error_callback(error):
            _native.emit(_native.POOL_CALLBACK, pool_id, 0, 1)
            return error_callback(error)
        result._error_callback = traced_error_callback


def _apply_result_init(self, pool, *args, **kwargs):
    _orig["ApplyResult"](self, pool, *args, **kwargs)
    if not isinstance(self, mpool.MapResult):
        pool_id = _submitted(pool, self._job, _native.CALL_APPLY_ASYNC, 1, 1)
        if pool_id:
            _wrap_callbacks(self, pool_id)


def _map_result_init(self, pool, chunksize, length, *args, **kwargs):
    _orig["MapResult"](self, pool, chunksize, length, *args, **kwargs)
    pool_id = _submitted(pool, self._job, _native.CALL_MAP_ASYNC, length, max(chunksize, 1))
    if pool_id:
        _wrap_callbacks(self, pool_id)


def _imap_init(self, pool, *args, **kwargs):
    _orig["IMapIterator"](self, pool, *args, **kwargs)
    size = getattr(_local, "chunksize", None) or 1
    _local.chunksize = None
    _submitted(pool, self._job, _native.CALL_IMAP, -1, size)


def _get_tasks(func, it, size):
    _local.chunksize = size
    return _orig["_get_tasks"](func, it, size)


def _pool_init(self, processes=None, *args, **kwargs):
    traced = (_native.lane() >= 0 and not isinstance(self, mpool.ThreadPool) and
              names.made_by_program_here())
    frame = names.creator_frame(1)
    if not traced:
        return _orig["Pool"](self, processes, *args, **kwargs)
    pool_id = _native.new_id()
    name = names.name_for("Pool", frame)
    self._proclab_id = pool_id
    self.Process = functools.partial(_process_for_pool, pool_id, type(self).Process)
    _orig["Pool"](self, processes, *args, **kwargs)
    _native.declare(_native.OBJ_POOL, pool_id, name, self._processes)
    _native.emit(_native.POOL_STATE, pool_id, _native.POOL_RUNNING)


def _state(state, method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        pool_id = getattr(self, "_proclab_id", 0)
        if pool_id:
            _native.emit(_native.POOL_STATE, pool_id, state)
        return result

    return wrapper


def install():
    if _orig:
        return
    Pool = mpool.Pool
    _orig["Pool"] = Pool.__init__
    _orig["ApplyResult"] = mpool.ApplyResult.__init__
    _orig["MapResult"] = mpool.MapResult.__init__
    _orig["IMapIterator"] = mpool.IMapIterator.__init__
    _orig["_get_tasks"] = Pool._get_tasks
    Pool.__init__ = _pool_init
    mpool.ApplyResult.__init__ = _apply_result_init
    mpool.MapResult.__init__ = _map_result_init
    mpool.IMapIterator.__init__ = _imap_init
    Pool._get_tasks = staticmethod(_get_tasks)
    for name, call in (("map", _native.CALL_MAP), ("map_async", _native.CALL_MAP_ASYNC),
                       ("apply", _native.CALL_APPLY), ("apply_async", _native.CALL_APPLY_ASYNC),
                       ("imap", _native.CALL_IMAP), ("imap_unordered", _native.CALL_IMAP_UNORDERED),
                       ("starmap", _native.CALL_STARMAP), ("starmap_async", _native.CALL_STARMAP_ASYNC)):
        setattr(Pool, name, _traced(call, getattr(Pool, name)))
    # Pool.__exit__ and the pool's finalizer call terminate(); join() follows close or terminate.
    Pool.close = _state(_native.POOL_CLOSED, Pool.close)
    Pool.terminate = _state(_native.POOL_TERMINATED, Pool.terminate)
    Pool.join = _state(_native.POOL_JOINED, Pool.join)


install()  # on import: see proclab_trace._install
