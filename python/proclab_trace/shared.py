"""multiprocessing's Value and Array, traced.

A traced Value is the same ctypes object in the same shared memory, of a subclass whose
`value` is a descriptor of the native half: each read is an event with the value read, each
write an atomic exchange on the Value's own memory whose event carries the value written and
the one it replaced, so lost updates are exact (core/facts/slot_facts.hpp). The synchronized
wrapper takes the Value's lock around each access, as multiprocessing's does; that lock shows in
the run as "<name>.get_lock()", with events only when another process holds it. An Array is
one slot per element, read and written the same way. Names, types and initial values are
declared once, by the process that makes the object; a spawn child gets the slot ids with the
pickled object.
"""

import ctypes
import struct
import weakref

import multiprocessing
from multiprocessing import context, heap, sharedctypes

from . import _native, names

_MAX_ARRAY = 4096  # longer arrays are not traced (each element is a slot)
_traced_types = {}  # ctypes simple type -> traced subclass
_orig = {}
_made_here = []  # weak references to the cells this process made: their final values at exit


def _field(value, double):
    if double:
        return struct.unpack("<q", struct.pack("<d", float(value)))[0], _native.TYPE_DOUBLE
    return int(value), _native.TYPE_INT


def _typecode(type_):
    code = getattr(type_, "_type_", None)
    if not isinstance(code, str) or len(code) != 1 or code not in "bBhHiIlLqQfd":
        return None
    return code


def _make_simple_type(base):
    code = _typecode(base)

    def __repr__(self):
        return "%s(%r)" % (base.__name__, base.value.__get__(self))

    cls = type(base.__name__, (base,), {"value": _native.ValueField(False), "__repr__": __repr__,
                                        "__module__": __name__, "_proclab_code": code})
    cls.__qualname__ = "traced_" + base.__name__
    globals()[cls.__qualname__] = cls  # found by name when a spawn child unpickles it
    return cls


def _traced_type(base):
    if base in _traced_types:
        return _traced_types[base]
    if _typecode(base) is None:
        return None
    cls = _traced_types[base] = _make_simple_type(base)
    sharedctypes._ForkingPickler.register(cls, _reduce_value)
    return cls


def _cell_for(obj, code, slot, length):
    return _native.Cell(ctypes.addressof(obj), code, ctypes.sizeof(obj) // length, slot, length)


def _new_raw(type_):
    wrapper = heap.BufferWrapper(ctypes.sizeof(type_))
    obj = type_.from_buffer(wrapper.create_memoryview())
    obj._wrapper = wrapper
    return obj


# --------------------------------------------------------------------------------- a Value

def _reduce_value(obj):
    context.assert_spawning(obj)
    return _rebuild_value, (type(obj), obj._wrapper, obj._proclab_cell_slot)


def _rebuild_value(type_, wrapper, slot):
    obj = type_.from_buffer(wrapper.create_memoryview())
    obj._wrapper = wrapper
    obj._proclab_cell_slot = slot
    obj._proclab_cell = _cell_for(obj, type_._proclab_code, slot, 1)
    return obj


def _declare_value(obj, code, name):
    slot = _native.new_id()
    plain = type(obj).__mro__[1].value.__get__(obj)  # the ctypes base's own getter: no event
    initial, kind = _field(plain, code in "fd")
    _native.declare(_native.OBJ_SLOT, slot, name, initial, kind)
    _native.declare(_native.OBJ_TYPECODE, slot, "", ord(code))
    obj._proclab_cell_slot = slot
    obj._proclab_cell = _cell_for(obj, code, slot, 1)
    _made_here.append(weakref.ref(obj))
    return obj


def _tracing():
    return _native.lane() >= 0


def RawValue(typecode_or_type, *args):
    return _raw_value(None, typecode_or_type, *args)


def _raw_value(name, typecode_or_type, *args):
    type_ = sharedctypes.typecode_to_type.get(typecode_or_type, typecode_or_type)
    traced = _traced_type(type_) if _tracing() and isinstance(type_, type) else None
    if traced is None:
        return _orig["RawValue"](typecode_or_type, *args)
    if name is None:
        name = names.name_for("Value", names.creator_frame(1))
    obj = _new_raw(traced)
    ctypes.memset(ctypes.addressof(obj), 0, ctypes.sizeof(obj))
    obj.__init__(*args)
    return _declare_value(obj, traced._proclab_code, name)


def Value(typecode_or_type, *args, lock=True, ctx=None):
    if not _tracing():
        return _orig["Value"](typecode_or_type, *args, lock=lock, ctx=ctx)
    name = names.name_for("Value", names.creator_frame(1))
    return _with_lock(_raw_value(name, typecode_or_type, *args), name, lock, ctx)


def _with_lock(obj, name, lock, ctx):
    """Value's and Array's lock argument, as multiprocessing takes it; its own lock is named
    after the object ("shared_number.get_lock()")."""
    if lock is False:
        return obj
    if lock in (True, None):
        ctx = ctx or multiprocessing.get_context()
        names.name_next(name + ".get_lock()")
        lock = ctx.RLock()
    if not hasattr(lock, "acquire"):
        raise AttributeError("%r has no method 'acquire'" % lock)
    return synchronized(obj, lock, ctx=ctx)


# --------------------------------------------------------------------------------- an Array

def _array_class(base, length):
    code = _typecode(base)

    def __getitem__(self, key):
        return self._proclab_cell.get(key)

    def __setitem__(self, key, value):
        self._proclab_cell.set(key, value)

    return type("%s_Array_%d" % (base.__name__, length), (base * length,),
                {"__getitem__": __getitem__, "__setitem__": __setitem__, "__module__": __name__,
                 "_proclab_code": code, "_proclab_base": base})


def _reduce_array(obj):
    context.assert_spawning(obj)
    return _rebuild_array, (obj._proclab_base, obj._length_, obj._wrapper, obj._proclab_cell_slot)


def _rebuild_array(base, length, wrapper, slot):
    cls = _array_class(base, length)
    sharedctypes._ForkingPickler.register(cls, _reduce_array)
    obj = cls.from_buffer(wrapper.create_memoryview())
    obj._wrapper = wrapper
    obj._proclab_cell_slot = slot
    obj._proclab_cell = _cell_for(obj, cls._proclab_code, slot, length)
    return obj


def RawArray(typecode_or_type, size_or_initializer):
    return _raw_array(None, typecode_or_type, size_or_initializer)


def _raw_array(name, typecode_or_type, size_or_initializer):
    type_ = sharedctypes.typecode_to_type.get(typecode_or_type, typecode_or_type)
    if isinstance(size_or_initializer, int):
        length, initial = size_or_initializer, None
    else:
        initial = list(size_or_initializer)
        length = len(initial)
    if not _tracing() or not isinstance(type_, type) or _typecode(type_) is None or not 0 < length <= _MAX_ARRAY:
        return _orig["RawArray"](typecode_or_type, size_or_initializer)
    if name is None:
        name = names.name_for("Array", names.creator_frame(1))
    cls = _array_class(type_, length)
    sharedctypes._ForkingPickler.register(cls, _reduce_array)
    obj = _new_raw(cls)
    ctypes.memset(ctypes.addressof(obj), 0, ctypes.sizeof(obj))
    if initial is not None:  # as ctypes converts them, without events
        plain_copy = (type_ * length)(*initial)
        ctypes.memmove(ctypes.addressof(obj), ctypes.addressof(plain_copy), ctypes.sizeof(obj))
    code = cls._proclab_code
    first = _native.new_ids(length)
    plain = (type_ * length).__getitem__
    for i in range(length):
        field, kind = _field(plain(obj, i), code in "fd")
        _native.declare(_native.OBJ_SLOT, first + i, "%s[%d]" % (name, i), field, kind)
    _native.declare(_native.OBJ_ARRAY, first, name, length)
    _native.declare(_native.OBJ_TYPECODE, first, "", ord(code))
    obj._proclab_cell_slot = first
    obj._proclab_cell = _cell_for(obj, code, first, length)
    _made_here.append(weakref.ref(obj))
    return obj


def Array(typecode_or_type, size_or_initializer, *, lock=True, ctx=None):
    if not _tracing():
        return _orig["Array"](typecode_or_type, size_or_initializer, lock=lock, ctx=ctx)
    name = names.name_for("Array", names.creator_frame(1))
    return _with_lock(_raw_array(name, typecode_or_type, size_or_initializer), name, lock, ctx)


# ----------------------------------------------------------------- the synchronized wrappers

class Synchronized(sharedctypes.Synchronized):
    value = _native.ValueField(True)


class SynchronizedArray(sharedctypes.SynchronizedArray):
    def __getitem__(self, key):
        return self._proclab_cell.get(key, True)

    def __setitem__(self, key, value):
        self._proclab_cell.set(key, value, True)


def synchronized(obj, lock=None, ctx=None):
    cell = getattr(obj, "_proclab_cell", None)
    if cell is None:
        return _orig["synchronized"](obj, lock, ctx)
    ctx = ctx or multiprocessing.get_context()
    cls = SynchronizedArray if isinstance(obj, ctypes.Array) else Synchronized
    wrapper = cls(obj, lock, ctx)
    wrapper._proclab_cell = cell
    semlock = getattr(wrapper._lock, "_semlock", None)
    if semlock is not None:
        cell.set_lock(semlock, getattr(wrapper._lock, "_proclab_id", 0))
    else:  # a lock that is not multiprocessing's: fall back to its own methods
        wrapper.__class__ = cls.__mro__[1]
        wrapper.__dict__.pop("_proclab_cell", None)
    return wrapper



def report_finals():
    """The values at the end of every Value and Array this process made (at its exit)."""
    for ref in _made_here:
        obj = ref()
        if obj is not None:
            obj._proclab_cell.report_final()


def after_fork():
    del _made_here[:]  # the parent reports its own


def install():
    if _orig:
        return
    for name in ("Value", "Array", "RawValue", "RawArray", "synchronized"):
        _orig[name] = getattr(sharedctypes, name)
    sharedctypes.Value = Value
    sharedctypes.Array = Array
    sharedctypes.RawValue = RawValue
    sharedctypes.RawArray = RawArray
    sharedctypes.synchronized = synchronized
    for base in set(sharedctypes.typecode_to_type.values()):
        _traced_type(base)


install()  # on import: see proclab_trace._install
