"""A plugin's code runs contained: its output goes to stderr, and its exit or interrupt is its own error.

credsup prints data on stdout (``run --json``, ``grade``'s CSV), so a plugin that prints, at import or in
a hook, would corrupt it; :func:`plugin_output` sends ``sys.stdout`` to ``sys.stderr`` while plugin code
runs. A plugin that calls ``sys.exit`` or raises ``KeyboardInterrupt`` would end the program or pass for
the user's Ctrl-C; :func:`plugin_failure` turns those into the plugin's error, unless the user really
pressed Ctrl-C while the plugin ran (:func:`interrupt_count` counts real SIGINTs, once
:func:`watch_interrupts` has been called in the main thread).

Output written below Python (``os.write(1, ...)``, a C library's printf) is not redirected.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

_lock = threading.Lock()
_depth = 0
_saved: Any = None
_sigints = 0
_watching = False


@contextlib.contextmanager
def plugin_output() -> Iterator[None]:
    """While the block runs, ``print`` and ``sys.stdout`` go to ``sys.stderr``.

    Reentrant and thread-safe: nested or concurrent blocks share one redirection, undone when the last
    one ends (so while any thread runs plugin code, all Python-level stdout goes to stderr).
    """
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = sys.stdout
            sys.stdout = sys.stderr
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                sys.stdout = _saved
                _saved = None


def _count_sigint(signum: int, frame: Any) -> None:
    global _sigints
    _sigints += 1
    signal.default_int_handler(signum, frame)  # raises KeyboardInterrupt, as Python's own handler does


def watch_interrupts() -> None:
    """Count real Ctrl-Cs (SIGINT), so that a plugin's ``raise KeyboardInterrupt`` can be told from the
    user's. Installs a handler that counts and then behaves as Python's default one; does nothing outside
    the main thread or when another handler is installed (a program that handles SIGINT itself)."""
    global _watching
    if _watching or threading.current_thread() is not threading.main_thread():
        return
    try:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _count_sigint)
        _watching = True
    except (ValueError, OSError):  # no signals here (an embedded interpreter)
        _watching = True


def interrupt_count() -> int:
    """How many real SIGINTs have arrived since :func:`watch_interrupts` (compare two readings)."""
    return _sigints


def plugin_failure(exc: BaseException, mark: int) -> str | None:
    """What a plugin did when its code raised ``exc`` (not an ``Exception``), in words; None when it is
    the user's own Ctrl-C (a SIGINT arrived since ``interrupt_count()`` read ``mark``), to be re-raised."""
    if isinstance(exc, KeyboardInterrupt) and interrupt_count() != mark:
        return None
    if isinstance(exc, SystemExit):
        return "called sys.exit()" if exc.code is None else f"called sys.exit({exc.code!r})"
    return f"raised {type(exc).__name__}" + (f": {exc}" if str(exc) else "")


__all__ = ["interrupt_count", "plugin_failure", "plugin_output", "watch_interrupts"]
