"""ProcLab's tracer inside a Python process.

start() runs once per interpreter (from sitecustomize): it attaches to the run's shared memory
(the native half checks it as proclab-worker does), claims this process's lane, sends
sys.stdout and sys.stderr through ProcLab's output frames, patches multiprocessing (Value,
Array, Lock, RLock, Queue, Pool, Process) so their use becomes events, and traces the program's
own lines. A fork child takes the lane its parent reserved for it just before the fork.

Modules: names (what a variable is called, which files are the program's), output, processes,
shared (Value, Array), locks, queues, pool.
"""

import atexit
import os
import sys
import threading

from . import _native

_started = False


def _role():
    """What this interpreter is: the program's main process, a multiprocessing helper, or a child."""
    argv = getattr(sys, "orig_argv", None) or sys.argv or []
    text = " ".join(argv)
    if "multiprocessing.resource_tracker" in text:
        return "resource_tracker"
    if "multiprocessing.forkserver" in text:
        return "forkserver"
    if "--multiprocessing-fork" in argv or "multiprocessing.spawn" in text:
        return "spawned"
    return "program"


def _name_for(role, main):
    if main:
        return "MainProcess"
    if role in ("resource_tracker", "forkserver"):
        return role
    if role == "spawned":
        return "spawned process"
    return "python " + " ".join(sys.argv[:2])


def _install(name):
    """Imports one of the patch modules: each patches multiprocessing as it is imported (here,
    or first by a spawn child unpickling one of its classes)."""
    import importlib

    importlib.import_module("." + name, __name__)


def _report_finals():
    shared = sys.modules.get(__name__ + ".shared")
    if shared is not None:
        shared.report_finals()


def start():
    global _started
    if _started:
        return
    _started = True
    segment = os.environ.get("PROCLAB_SEGMENT", "")
    try:
        cli = int(os.environ.get("PROCLAB_PARENT", "0"))
    except ValueError:
        cli = 0
    lane_text = os.environ.pop("PROCLAB_LANE", None)  # set by the parent that spawned us
    main = lane_text is None and os.getppid() == cli
    lane = 0 if main else int(lane_text) if lane_text not in (None, "") else -1
    try:
        lane = _native.attach(segment, cli, lane)
    except RuntimeError as error:
        sys.stderr.write("proclab: this process is not traced: %s\n" % error)
        return
    settings = _native.settings() or {}
    role = _role()
    from . import lazy, names, output, processes

    names.setup(settings)
    output.install()
    lazy.install()
    processes.install()  # registers the fork hooks now, patches multiprocessing as it is imported
    lazy.when_imported("multiprocessing.sharedctypes", lambda module: _install("shared"))
    lazy.when_imported("multiprocessing.synchronize", lambda module: _install("locks"))
    lazy.when_imported("multiprocessing.queues", lambda module: _install("queues"))
    lazy.when_imported("multiprocessing.pool", lambda module: _install("pool"))
    if lane < 0:
        return  # every lane is taken: this process runs untraced (ProcLab counts it)
    if main:
        _native.set_python_version("%d.%d.%d" % sys.version_info[:3])
    _native.declare(_native.OBJ_PROCESS, lane, _name_for(role, main))
    processes.install_excepthook()
    atexit.register(_report_finals)
    if settings.get("lines") and role in ("program", "spawned"):
        names.lines_on()
        threading.settrace(_native.lines_thread_start)
