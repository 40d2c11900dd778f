"""sys.stdout and sys.stderr through ProcLab's output frames.

Each write the streams make reaches ProcLab as frames on one pipe (descriptor OUTPUT_FD in
every process of the program): a 16-byte header with this process's pid and the stream, then
the bytes. A frame is one write() of at most PIPE_BUF bytes, so frames of different processes
never mix and arrive in the order they were written. The text and its encoding, buffering and
error handling are those of the streams they replace, so what the program prints is unchanged
byte for byte. Without the descriptor (a process started with its descriptors closed) the
bytes go to the stream's own file descriptor, as before.
"""

import io
import os
import struct
import sys

from . import _native

_HEADER = struct.Struct("=IiHBBI")
_MAX = _native.OUTPUT_FRAME_BYTES - _HEADER.size
_pid = [os.getpid()]


class FramedRaw(io.RawIOBase):
    def __init__(self, stream, fileno):
        super().__init__()
        self._stream = stream
        self._fileno = fileno

    def writable(self):
        return True

    def fileno(self):
        return self._fileno

    def isatty(self):
        return False

    def write(self, data):
        data = bytes(data)
        at = 0
        while at < len(data):
            chunk = data[at:at + _MAX]
            header = _HEADER.pack(_native.OUTPUT_MAGIC, _pid[0], len(chunk), self._stream, 0, 0)
            try:
                os.write(_native.OUTPUT_FD, header + chunk)
            except OSError:
                _write_all(self._fileno, data[at:])
                return len(data)
            at += len(chunk)
        return len(data)


def _write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


def _wrap(stream, number):
    if stream is None:
        return stream
    try:
        fileno = stream.fileno()
        buffer = stream.buffer
    except (AttributeError, OSError, ValueError):
        return stream  # not a real file: leave it as the program found it
    raw = FramedRaw(number, fileno)
    binary = io.BufferedWriter(raw) if isinstance(buffer, io.BufferedWriter) else raw
    return io.TextIOWrapper(binary, encoding=stream.encoding, errors=stream.errors,
                            line_buffering=stream.line_buffering,
                            write_through=getattr(stream, "write_through", False))


def _has_frame_pipe():
    try:
        os.fstat(_native.OUTPUT_FD)
        return True
    except OSError:
        return False


def install():
    if not _has_frame_pipe():
        return
    for name, number in (("stdout", 1), ("stderr", 2)):
        old = getattr(sys, name)
        new = _wrap(old, number)
        if new is old:
            continue
        old.flush()
        setattr(sys, name, new)
        if getattr(sys, "__%s__" % name) is old:
            setattr(sys, "__%s__" % name, new)


def after_fork():
    _pid[0] = os.getpid()
