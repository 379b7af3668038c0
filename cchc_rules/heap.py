"""Large temporary arrays given back to the system as soon as they are freed, while a dataset loads (glibc).

Loading makes many short-lived arrays of a few megabytes (a row's unit and leaf, a column's codes). glibc's
malloc maps such a block on its own only until the first one is freed; after that it raises its threshold
and serves them from its heap, where freed blocks stay in the process. On 10,000 units the loader's peak
was about 230 MB that way, 180 MB with `lean_heap`, for the same data. It fixes the threshold at 4 MiB for
the load (smaller blocks come from the heap: mapping each would cost page faults, and time) and sets it
after to glibc's own ceiling (32 MiB), where its sliding threshold ends up in a long-running process
anyway. Elsewhere (another C library, another system) it does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
LOADING = 4 * 1024 * 1024  # bytes: blocks from this size are mapped on their own while a dataset loads
AFTER = 32 * 1024 * 1024  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems


@cache
def _mallopt() -> Callable[[int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        mallopt: Callable[[int, int], int] = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return None
    return mallopt


@contextmanager
def lean_heap() -> Iterator[None]:
    """Within: blocks of `LOADING` bytes or more are freed back to the system at once."""
    mallopt = _mallopt()
    if mallopt is None:
        yield
        return
    mallopt(_M_MMAP_THRESHOLD, LOADING)
    try:
        yield
    finally:
        mallopt(_M_MMAP_THRESHOLD, AFTER)
