"""How the loader gets its memory: large temporary arrays given back to the system as soon as they are freed
while a dataset loads (glibc, `lean_heap`), a batch's arrays kept for the next (`reused_heap`), and the Inputs'
large arrays mapped in one call (`filled`).

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
import math
import mmap
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

import numpy as np

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
TRIM = 128 * 1024  # glibc's default M_TRIM_THRESHOLD
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


@contextmanager
def reused_heap() -> Iterator[None]:
    """Within: blocks below `AFTER` bytes come from the heap and stay there once freed, for the next (a file read in
    batches makes arrays of the same sizes for every batch, and fresh memory costs a page fault per 4 KiB: about a
    third of the time of reading the survey of a million units, in this project's machine). After: as before, within
    `lean_heap`."""
    mallopt = _mallopt()
    if mallopt is None:
        yield
        return
    mallopt(_M_MMAP_THRESHOLD, AFTER)
    mallopt(_M_TRIM_THRESHOLD, 1 << 30)
    try:
        yield
    finally:
        mallopt(_M_TRIM_THRESHOLD, TRIM)
        mallopt(_M_MMAP_THRESHOLD, LOADING)


POPULATE_FROM = 64 * 1024 * 1024  # bytes: arrays from this size are mapped with their pages at once (`filled`)


def filled(shape: tuple[int, ...], fill: float, dtype: type) -> np.ndarray:
    """`np.full(shape, fill, dtype)`; a large one (`POPULATE_FROM` bytes or more, Linux) is mapped with all its pages
    in one call (`MAP_POPULATE`) instead of one page fault per 4 KiB as the fill first touches each page: a
    million units' values (3.6 GB) in 1.4 s instead of 6.6 s on this project's machine, a virtual one."""
    size = math.prod(shape) * np.dtype(dtype).itemsize
    populate = getattr(mmap, "MAP_POPULATE", None)
    if size < POPULATE_FROM or populate is None:
        return np.full(shape, fill, dtype=dtype)
    block = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | populate)
    out: np.ndarray = np.frombuffer(block, dtype=dtype).reshape(shape)  # (keeps the mapping; unmapped with it)
    out.fill(fill)
    return out
