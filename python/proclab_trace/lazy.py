"""Patches applied when the program first imports the module they patch.

Importing multiprocessing's submodules up front (sharedctypes pulls in ctypes, pool pulls in
queues and threads) would cost every traced program time it does not spend untraced. A finder
first on sys.meta_path lets the usual finders find the module, and runs the patch right after
the module's own code: the program sees only the patched module.
"""

import sys
import threading

_hooks = {}  # module name -> [patch(module)]
_lock = threading.Lock()


def when_imported(name, patch):
    """Runs patch(module) once `name` is imported (now, if it already is)."""
    module = sys.modules.get(name)
    if module is not None and getattr(module, "__spec__", None) is not None and \
            not getattr(module.__spec__, "_initializing", False):
        patch(module)
        return
    with _lock:
        _hooks.setdefault(name, []).append(patch)


class _Finder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name not in _hooks:
            return None
        for finder in sys.meta_path:
            if isinstance(finder, _Finder) or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module):
            run(module)
            with _lock:
                patches = _hooks.pop(name, [])
            for patch in patches:
                patch(module)

        loader.exec_module = exec_module
        return spec


def install():
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
