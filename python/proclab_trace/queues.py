"""multiprocessing's Queue, traced: puts, gets, and the times a process blocked on it.

A put is stamped when its item enters the pipe, in the feeder thread, under the queue's write
lock; a get when it leaves it, under the read lock: so the events' order is the queue's own
order, and the k-th get took the k-th put's item (core/facts/queue_facts.hpp). The depth is what
qsize() says: the items put and not yet got, a counter in the run's shared memory; a put's event
carries the depth its put() left. Values are shown for numbers and strings of up to 8 bytes.
"""

import collections
import struct

from multiprocessing import queues

from . import _native, names

_orig = {}


def value_of(obj):
    """(type, field) of a value as an event carries it."""
    kind = type(obj)
    if kind is int or kind is bool:
        if -(1 << 63) <= obj < (1 << 63):
            return _native.TYPE_INT, int(obj)
    elif kind is float:
        return _native.TYPE_DOUBLE, struct.unpack("<q", struct.pack("<d", obj))[0]
    elif kind is str:
        data = obj.encode("utf-8", "replace")
        if len(data) <= 8:
            return _native.TYPE_TEXT, int.from_bytes(data.ljust(8, b"\0"), "little", signed=True)
    return _native.TYPE_OPAQUE, 0


def _wrap(self):
    """Wraps this process's ends of the queue's pipe (after __init__, unpickling and fork)."""
    qid = self._proclab_id
    counter = self._proclab_depth
    infos = self._proclab_infos = collections.deque()
    send, recv = self._send_bytes, self._recv_bytes
    on_error = self._on_queue_feeder_error

    def send_bytes(data, *args):
        if infos:
            kind, field, depth = infos.popleft()
        else:  # put by a method this tracer does not wrap (JoinableQueue.put)
            kind, field, depth = _native.TYPE_OPAQUE, 0, _native.depth_add(counter, 1)
        _native.emit(_native.QUEUE_PUT, qid, field, depth, kind)
        return send(data, *args)

    def recv_bytes(*args):
        data = recv(*args)
        self._proclab_got = (_native.ticks(), _native.depth_add(counter, -1))
        return data

    def on_queue_feeder_error(error, obj):
        if infos:
            infos.popleft()  # that item never reaches the pipe
            _native.depth_add(counter, -1)
        return on_error(error, obj)

    self._send_bytes = send_bytes
    self._recv_bytes = recv_bytes
    self._on_queue_feeder_error = on_queue_feeder_error


def __init__(self, *args, **kwargs):
    _orig["__init__"](self, *args, **kwargs)
    if _native.lane() < 0 or not names.made_by_program_here():
        return
    frame = names.creator_frame(1)
    self._proclab_id = _native.new_id()
    self._proclab_depth = _native.depth_counter()
    kind = "JoinableQueue" if isinstance(self, queues.JoinableQueue) else "Queue"
    _native.declare(_native.OBJ_QUEUE, self._proclab_id, names.name_for(kind, frame))
    _wrap(self)


def _reset(self, *args, **kwargs):
    _orig["_reset"](self, *args, **kwargs)
    if getattr(self, "_proclab_id", 0):
        _wrap(self)


def __getstate__(self):
    state = _orig["__getstate__"](self)
    if getattr(self, "_proclab_id", 0):
        return ("proclab", state, self._proclab_id, self._proclab_depth)
    return state


def __setstate__(self, state):
    if isinstance(state, tuple) and len(state) == 4 and state[0] == "proclab":
        _, state, self._proclab_id, self._proclab_depth = state
    _orig["__setstate__"](self, state)


def put(self, obj, block=True, timeout=None):
    qid = getattr(self, "_proclab_id", 0)
    if not qid or self._closed:
        return _orig["put"](self, obj, block, timeout)
    if not self._sem.acquire(False):
        if not block:
            raise queues.Full
        _native.emit(_native.QUEUE_BLOCKED, qid, 0)
        try:
            got = self._sem.acquire(True, timeout)
        finally:
            _native.emit(_native.QUEUE_UNBLOCKED, qid, 0)
        if not got:
            raise queues.Full
    with self._notempty:
        if self._thread is None:
            self._start_thread()
        self._proclab_infos.append(value_of(obj) + (_native.depth_add(self._proclab_depth, 1),))
        self._buffer.append(obj)
        self._notempty.notify()


def get(self, block=True, timeout=None):
    qid = getattr(self, "_proclab_id", 0)
    if not qid or self._closed:
        return _orig["get"](self, block, timeout)
    self._proclab_got = None
    if block and not self._poll():
        _native.emit(_native.QUEUE_BLOCKED, qid, 1)
        try:
            obj = _orig["get"](self, block, timeout)
        finally:
            _native.emit(_native.QUEUE_UNBLOCKED, qid, 1)
    else:
        obj = _orig["get"](self, block, timeout)
    got = self._proclab_got
    if got is not None:
        kind, field = value_of(obj)
        _native.emit_at(got[0], _native.QUEUE_GET, qid, field, got[1], kind)
    return obj


def install():
    if _orig:
        return
    cls = queues.Queue
    for name in ("__init__", "_reset", "__getstate__", "__setstate__", "put", "get"):
        _orig[name] = getattr(cls, name)
    cls.__init__ = __init__
    cls._reset = _reset
    cls.__getstate__ = __getstate__
    cls.__setstate__ = __setstate__
    cls.put = put
    cls.get = get


install()  # on import: see proclab_trace._install
