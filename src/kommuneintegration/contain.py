"""Plugin code contained: its printing off the output, its time bounded, its text guarded.

A plugin that prints (at import, in a hook, in a rule) would otherwise write
into the middle of ``compare -f json``. While plugin code runs, Python's
``sys.stdout`` and ``sys.stderr`` are a buffer. Writes to the file descriptors
themselves (``os.write(1, ...)``) are not caught here.

:func:`time_limit` bounds plugin code by a clock (SIGALRM, in the main thread,
where the command line runs it); :func:`safe_text` turns anything a plugin
hands over into text without letting its ``__str__`` or ``__repr__`` end the
run; :data:`INTERRUPTED` is set by the command line's Ctrl-C handler, so that a
KeyboardInterrupt raised by plugin code itself is that plugin's fault while a
real Ctrl-C still stops the run.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any, Final, TextIO

from kommuneintegration.errors import KommuneintegrationError

__all__ = [
    "INTERRUPTED",
    "PluginTimeoutError",
    "contained_output",
    "plugin_interrupt",
    "plugin_seconds",
    "private_stdout",
    "safe_text",
    "time_limit",
    "watch_interrupts",
]

#: Set when the user pressed Ctrl-C (the handler :func:`watch_interrupts` installs).
INTERRUPTED: Final = threading.Event()
_WATCHING: Final = threading.Event()
#: The command line's own standard error (a duplicate, while it runs): plugin code has its
#: descriptor 2 pointed elsewhere, but the watchdog's last words must reach the user.
_STDERR: Final[list[int]] = []
#: The environment variable that sets the time limit of plugin code, in seconds.
TIMEOUT_ENV: Final = "KOMMUNEINTEGRATION_PLUGIN_TIMEOUT"
_DEFAULT_SECONDS: Final = 30.0
#: How long past its limit plugin code that the limit cannot stop may run before the
#: command line ends the program (at most the limit itself again).
_GRACE_SECONDS: Final = 5.0


class PluginTimeoutError(KommuneintegrationError):
    """Plugin code ran past its time limit (a plugin's fault, never the run's)."""


def plugin_seconds() -> float:
    """The time limit of one hook call or rule, from KOMMUNEINTEGRATION_PLUGIN_TIMEOUT (30 s)."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, "") or _DEFAULT_SECONDS)
    except ValueError:
        return _DEFAULT_SECONDS
    return value if value > 0 else _DEFAULT_SECONDS


@contextlib.contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise :class:`PluginTimeoutError` in the block after ``seconds`` (main thread only)."""
    limit = plugin_seconds() if seconds is None else seconds
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expired(_signum: int, _frame: Any) -> None:
        raise PluginTimeoutError(f"plugin code ran past its time limit of {limit:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, limit)
    hard = _WATCHING.is_set() and bool(_STDERR)
    if hard:
        # What the signal cannot stop (code stuck in C, holding the interpreter, or a plugin
        # that swallows PluginTimeoutError) ends the program: faulthandler's watchdog runs
        # without the interpreter, prints where the code was stuck and exits with status 1.
        import faulthandler

        faulthandler.dump_traceback_later(
            limit + min(limit, _GRACE_SECONDS), exit=True, file=_STDERR[0]
        )
    try:
        yield
    finally:
        if hard:
            import faulthandler

            faulthandler.cancel_dump_traceback_later()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def safe_text(value: object, limit: int = 200) -> str:
    """``str(value)``, or what can be said of it when its ``__str__`` raises; at most ``limit``."""
    try:
        text = str(value)
    except BaseException:
        try:
            text = f"<{type(value).__name__} that cannot be shown>"
        except BaseException:
            text = "<a value that cannot be shown>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextlib.contextmanager
def contained_output() -> Iterator[io.StringIO]:
    """Run a block with ``print`` going to a buffer, which the block's caller may read after.

    Under the command line (:func:`watch_interrupts`), the file descriptors 1 and 2
    are pointed at a scratch file too, so ``os.write(1, ...)`` from plugin code
    cannot reach the output either; a library caller's streams are left alone there,
    since descriptors belong to the whole process.
    """
    buffer = io.StringIO()
    saved = sys.stdout, sys.stderr
    with _descriptors_aside():
        sys.stdout = sys.stderr = buffer
        try:
            yield buffer
        finally:
            sys.stdout, sys.stderr = saved


@contextlib.contextmanager
def _descriptors_aside() -> Iterator[None]:
    if not _WATCHING.is_set():
        yield
        return
    import tempfile

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()  # what the command wrote so far goes where it belongs
    try:
        saved = (os.dup(1), os.dup(2))
    except OSError:  # a closed descriptor: nothing to protect
        yield
        return
    with tempfile.TemporaryFile() as scratch:
        os.dup2(scratch.fileno(), 1)
        os.dup2(scratch.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


@contextlib.contextmanager
def watch_interrupts() -> Iterator[None]:
    """Tell a real Ctrl-C from a KeyboardInterrupt raised by plugin code (the command line).

    Outside this block every KeyboardInterrupt is taken as the user's.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def pressed(_signum: int, _frame: Any) -> None:
        INTERRUPTED.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, pressed)
    INTERRUPTED.clear()
    _WATCHING.set()
    with contextlib.suppress(OSError):
        _STDERR.append(os.dup(2))
    try:
        yield
    finally:
        _WATCHING.clear()
        while _STDERR:
            with contextlib.suppress(OSError):
                os.close(_STDERR.pop())
        signal.signal(signal.SIGINT, previous)


def plugin_interrupt() -> bool:
    """Whether a KeyboardInterrupt just caught came from plugin code, not from the user."""
    return _WATCHING.is_set() and not INTERRUPTED.is_set()


def private_stdout() -> TextIO | None:
    """The command's own standard output, on a private descriptor, for the program only.

    Plugin code can outlive its hooks: a thread it started prints later, an atexit
    handler prints as the process ends, or it writes to or closes descriptor 1. So the
    command line writes its output through a duplicate of descriptor 1 that no plugin
    knows of, and points descriptor 1 and ``sys.stdout`` at the standard error: whatever
    else is printed lands there, never inside a JSON document. None when the standard
    output is not the process's own (a test's buffer) or cannot be duplicated.
    """
    stream: TextIO | None = sys.stdout
    if stream is None or stream is not sys.__stdout__:
        return None
    assert stream is not None
    try:
        if stream.fileno() != 1:
            return None
        stream.flush()
        private = os.dup(1)  # not inherited by child processes
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    out = open(  # noqa: SIM115  open for the rest of the process
        private,
        "w",
        encoding=stream.encoding,
        errors=stream.errors,
        closefd=True,
    )
    try:
        os.dup2(2, 1)
    except OSError:
        with contextlib.suppress(OSError):
            os.close(1)
    sys.stdout = sys.stderr
    return out
