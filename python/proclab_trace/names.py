"""Which code is the program's own, and what the program calls the objects it makes.

An object is named after the variable it is assigned to where that can be read from the
creating line's bytecode (``shared_number = Value('i', 0)`` -> "shared_number"), else by kind
and number ("Value#1"). Files are the program's when they lie under the program's directory and
not in the interpreter's library, a site-packages directory or this tracer.
"""

import os
import sys
import threading

from . import _native

_settings = {}
_program_dir = ""
_excluded = ()
_file_ids = {}  # real path -> file id (0: not the program's)
_library = ()   # directories whose frames are multiprocessing's or ours, not the program's
_ours = ()      # this tracer's own directory
_CONTEXT = os.sep + os.path.join("multiprocessing", "context.py")
_local = threading.local()

KIND_NUMBERS = {"Value": 0, "Array": 1, "Lock": 2, "RLock": 3, "Queue": 4, "Pool": 5,
                "JoinableQueue": 6}


def setup(settings):
    global _settings, _program_dir, _excluded, _library, _ours
    _settings = settings
    _program_dir = os.path.realpath(settings.get("program_dir") or os.getcwd())
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, getattr(sys, "base_exec_prefix", sys.prefix)}
    here = os.path.dirname(os.path.realpath(__file__))
    excluded = [os.path.realpath(p) for p in prefixes if p]
    excluded.append(here)
    excluded.append(os.path.dirname(here))  # the directory holding sitecustomize.py
    _excluded = tuple(p.rstrip(os.sep) + os.sep for p in excluded)
    stdlib = os.path.dirname(os.path.realpath(os.__file__))
    _library = (os.path.join(stdlib, "multiprocessing") + os.sep, here + os.sep)
    _ours = (here + os.sep,)


def _is_program_path(path):
    if not path or path.startswith("<"):
        return False
    real = os.path.realpath(path)
    if not (real == _program_dir or real.startswith(_program_dir.rstrip(os.sep) + os.sep)):
        return False
    if real.startswith(_excluded):
        return False
    parts = real.split(os.sep)
    return "site-packages" not in parts and "dist-packages" not in parts


def file_id(path):
    """The id of a program file (declared on first sight), or 0 for any other file."""
    known = _file_ids.get(path)
    if known is not None:
        return known
    fid = 0
    if _is_program_path(path):
        fid = _native.new_id()
        _native.declare(_native.OBJ_FILE, fid, os.path.realpath(path))
    _file_ids[path] = fid
    return fid


def _classify(code):
    return file_id(code.co_filename)


def lines_on():
    gated = sys.version_info < (3, 12)
    _native.lines_on(_classify, gated)
    if gated:
        import builtins

        builtins.__import__ = _native.ImportGate(builtins.__import__)


def after_fork():
    pass  # file ids are global to the run: a fork child keeps its parent's


# ------------------------------------------------------------------------------------- names

_SKIP = {"CACHE", "PRECALL", "EXTENDED_ARG", "NOP", "DUP_TOP", "COPY", "BEFORE_WITH",
         "SETUP_WITH", "RESUME", "POP_TOP"}
_STORES = {"STORE_NAME", "STORE_FAST", "STORE_GLOBAL", "STORE_DEREF", "STORE_ATTR"}
_names_by_code = {}


def creator_frame(depth=2):
    """The first frame above ours that belongs to neither multiprocessing nor this tracer."""
    frame = sys._getframe(depth)
    while frame is not None and frame.f_code.co_filename.startswith(_library):
        frame = frame.f_back
    return frame


def made_by_program_here():
    """True when the object being made is the program's own: the first frame above this tracer
    and multiprocessing's context indirection (ctx.Lock()) is not multiprocessing itself (a
    Queue's or a Pool's own locks) nor the standard library."""
    frame = sys._getframe(1)
    while frame is not None:
        path = frame.f_code.co_filename
        if not (path.startswith(_ours) or path.endswith(_CONTEXT)):
            break
        frame = frame.f_back
    if frame is not None and frame.f_code.co_filename.startswith(_library):
        return False
    return made_by_program(frame)


def made_by_program(frame):
    """True when the object is made by the program (or a library of its own), not by the
    standard library (a concurrent.futures pool's queues, ...)."""
    if frame is None:
        return False
    path = frame.f_code.co_filename
    if path.startswith("<"):
        return True  # python -c, exec()
    real = os.path.realpath(path)
    parts = real.split(os.sep)
    if "site-packages" in parts or "dist-packages" in parts:
        return True
    return not real.startswith(_excluded)


def _assigned_name(frame):
    """The variable the call running in `frame` is assigned to, if the next instruction stores it."""
    code = frame.f_code
    table = _names_by_code.get(code)
    if table is None:
        import dis

        # Each call instruction, by the offsets it covers (its inline caches included: f_lasti
        # points into them on 3.11), with the name stored right after it.
        table = []
        instructions = list(dis.get_instructions(code))
        for k, instruction in enumerate(instructions):
            if not instruction.opname.startswith("CALL"):
                continue
            end = instructions[k + 1].offset if k + 1 < len(instructions) else instruction.offset + 2
            after = [i for i in instructions[k + 1:k + 6] if i.opname not in _SKIP]
            if after and after[0].opname in _STORES:
                table.append((instruction.offset, end, after[0].argval))
        _names_by_code[code] = table
    lasti = frame.f_lasti
    for begin, end, name in table:
        if begin <= lasti < end:
            return name
    return None


def name_for(kind, frame=None):
    """A name for a new object of `kind` ("Value", "Lock" ...) made in `frame`."""
    override = getattr(_local, "name", None)
    if override is not None:
        _local.name = None
        return override
    name = None
    if frame is not None:
        try:
            name = _assigned_name(frame)
        except Exception:
            name = None
    if not name:
        name = "%s#%d" % (kind, _native.number(KIND_NUMBERS.get(kind, 7)))
    return name


def name_next(name):
    """The next object made in this thread takes `name` (a Value's own lock)."""
    _local.name = name
