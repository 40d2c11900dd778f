# ProcLab's tracer enters every Python process of a traced program here: proclab-cli trace puts
# this directory first on PYTHONPATH, so the main process, and every child a fork, spawn or
# forkserver start method (or a subprocess) makes, loads it before the program's own code.
# Outside a ProcLab run (no PROCLAB_SEGMENT) it does nothing but hand over to the next
# sitecustomize on the path (Debian ships one), as if it were not there.
import os
import sys


def _proclab_start():
    if "PROCLAB_SEGMENT" not in os.environ:
        return
    if sys.version_info < (3, 8) or sys.implementation.name != "cpython":
        sys.stderr.write(
            "proclab: ProcLab traces CPython 3.8 or later; this is %s %s\n"
            % (sys.implementation.name, sys.version.split()[0])
        )
        sys.stderr.flush()
        os._exit(2)
    import proclab_trace

    proclab_trace.start()


def _next_sitecustomize():
    """Runs the sitecustomize this one shadows (the first one later on sys.path), if any: as a
    plain sitecustomize.py is run (importlib.util would cost a few ms on every start)."""
    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        directory = os.path.abspath(entry or ".")
        if directory == here:
            continue
        path = os.path.join(directory, "sitecustomize.py")
        if os.path.isfile(path):
            with open(path, "rb") as source:
                code = compile(source.read(), path, "exec")
            exec(code, {"__name__": "sitecustomize", "__file__": path, "__builtins__": __builtins__})
            return


_proclab_start()
_next_sitecustomize()
