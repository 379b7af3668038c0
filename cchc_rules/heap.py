"""Large temporary arrays given back to the system as soon as they are freed, while a dataset loads (glibc).

Loading makes many short-lived arrays of a few megabytes (a column's codes, a row's unit and leaf). glibc's
malloc maps such a block on its own only until the first one is freed; after that it raises its threshold
and serves them from its heap, where freed blocks stay in the process (measured on 10,000 units: the
loader's peak rose from about 190 MB to 230 MB, for the same data). `lean_heap` fixes the threshold low for
the load and sets it after to glibc's own ceiling (32 MiB), where its sliding threshold ends up in a
long-running process anyway. Elsewhere (another C library, another system) it does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
LOADING = 4 * 1024 * 1024  # bytes: blocks from this size are mapped on their own while a dataset loads
AFTER = 32 * 1024 * 1024  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems


def _mallopt() -> ctypes._CFuncPtr | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return None


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
