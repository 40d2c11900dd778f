"""Processes: a lane for every child, its name, its whole job, its exit code, and joins.

- Before any fork the parent reserves the child's lane (os.register_at_fork), so lanes number
  the children in the order they were started; a spawn child gets its lane through the
  environment (PROCLAB_LANE), and keeps the output pipe through the descriptors it is given.
- A multiprocessing child names its lane ("Process-1"), marks its target's run as its task
  (pool 0), reports an exception it raised, and its exit code.
- A parent tells what it learnt of a child's end (Popen.poll: kChildExit) and its joins.
"""

import os
import sys

from . import _native, lazy, names, output

_installed = False


def _before_fork():
    _native.reserve()


def _shared():
    return sys.modules.get(__package__ + ".shared")  # loaded once the program made a Value


def _after_fork_child():
    lane = _native.after_fork_child()
    output.after_fork()
    if _shared() is not None:
        _shared().after_fork()
    if lane < 0:
        _native.lines_off()
        return
    process = sys.modules.get("multiprocessing.process")
    parent = process.current_process().name if process is not None else "MainProcess"
    _native.declare(_native.OBJ_PROCESS, lane, "os.fork() child of " + parent)


def _after_fork_parent():
    _native.after_fork_parent()


def _describe(error):
    import traceback

    where = ""
    tb = error.__traceback__
    frames = traceback.extract_tb(tb) if tb is not None else []
    for frame in reversed(frames):
        if names.file_id(frame.filename):
            where = " (%s, line %d)" % (os.path.basename(frame.filename), frame.lineno)
            break
    text = str(error)
    if isinstance(error, SyntaxError) and error.lineno:
        text = error.msg  # str() of a SyntaxError already says where
        where = " (%s, line %d)" % (os.path.basename(error.filename or "?"), error.lineno)
    return "%s: %s%s" % (type(error).__name__, text, where)


def _report(error):
    try:
        _native.report_error(_describe(error))
        if isinstance(error, SyntaxError) and error.filename and error.lineno:
            fid = names.file_id(error.filename)
            if fid:
                _native.emit(_native.LINE, fid, error.lineno)  # the line the code pane marks
    except Exception:
        pass


def install_excepthook():
    previous = sys.excepthook

    def excepthook(kind, value, tb):
        if value is not None and not isinstance(value, KeyboardInterrupt):
            _report(value)
        previous(kind, value, tb)

    sys.excepthook = excepthook


def _traced_bootstrap(original):
    def _bootstrap(self, *args, **kwargs):
        lane = _native.lane()
        if lane >= 0:
            _native.declare(_native.OBJ_PROCESS, lane, self.name)
            run = self.run

            def traced_run():
                _native.emit(_native.TASK_START, 0, 0, 0)
                try:
                    run()
                except SystemExit:
                    _native.emit(_native.TASK_END, 0, 0, 0)
                    raise
                except BaseException as error:
                    _report(error)
                    _native.emit(_native.TASK_FAILED, 0, 0, 0)
                    raise
                _native.emit(_native.TASK_END, 0, 0, 0)

            self.run = traced_run
        try:
            code = original(self, *args, **kwargs)
        finally:
            self.__dict__.pop("run", None)
        if lane >= 0:
            if _shared() is not None:
                _shared().report_finals()
            _native.emit(_native.FINISHED, 0, code if isinstance(code, int) else 1)
        return code

    return _bootstrap


def _traced_poll(original):
    def poll(self, *args, **kwargs):
        before = self.returncode
        code = original(self, *args, **kwargs)
        if before is None and code is not None:
            _native.emit(_native.CHILD_EXIT, 0, self.pid, code)
        return code

    return poll


def _traced_join(original):
    def join(self, timeout=None):
        popen = getattr(self, "_popen", None)
        pid = popen.pid if popen is not None else 0
        if pid:
            _native.emit(_native.PROCESS_JOIN, 0, pid)
        try:
            return original(self, timeout)
        finally:
            if pid:
                code = popen.returncode
                _native.emit(_native.PROCESS_JOINED, 0, pid,
                             _native.STILL_RUNNING if code is None else code)

    return join


def _traced_launch(original):
    # spawn: the child is a fresh interpreter; it learns its lane from the environment.
    def _launch(self, process_obj):
        lane = _native.reserve()
        if lane >= 0:
            os.environ["PROCLAB_LANE"] = str(lane)
        try:
            return original(self, process_obj)
        finally:
            os.environ.pop("PROCLAB_LANE", None)

    return _launch


def _traced_spawnv_passfds(original):
    # A spawned interpreter keeps only the descriptors it is given: give it the output pipe too.
    def spawnv_passfds(path, args, passfds):
        try:
            os.fstat(_native.OUTPUT_FD)
            passfds = sorted(set(passfds) | {_native.OUTPUT_FD})
        except OSError:
            pass
        return original(path, args, passfds)

    return spawnv_passfds


def _patch_process(process):
    process.BaseProcess._bootstrap = _traced_bootstrap(process.BaseProcess._bootstrap)
    process.BaseProcess.join = _traced_join(process.BaseProcess.join)


def _patch_poll(module):
    module.Popen.poll = _traced_poll(module.Popen.poll)


def _patch_spawn(module):
    module.Popen._launch = _traced_launch(module.Popen._launch)


def _patch_util(util):
    util.spawnv_passfds = _traced_spawnv_passfds(util.spawnv_passfds)


def install():
    global _installed
    if _installed:
        return
    _installed = True
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_child,
                        after_in_parent=_after_fork_parent)
    lazy.when_imported("multiprocessing.process", _patch_process)
    lazy.when_imported("multiprocessing.popen_fork", _patch_poll)
    lazy.when_imported("multiprocessing.popen_forkserver", _patch_poll)
    lazy.when_imported("multiprocessing.popen_spawn_posix", _patch_spawn)
    lazy.when_imported("multiprocessing.util", _patch_util)
