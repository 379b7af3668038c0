"""Whether compiled passes run: numba installed (the optional `fast` extra) and `CCHC_KERNEL` not `numpy`.

Every compiled pass of the project has a numpy path that gives the same results (tests run both);
`CCHC_KERNEL=numpy` chooses the numpy paths, e.g. to compare them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Literal, TypeVar

try:  # the optional `fast` extra
    import numba
except ImportError:  # pragma: no cover - exercised where numba is absent
    numba = None  # type: ignore[assignment]  # checked by `available()`

F = TypeVar("F", bound=Callable[..., object])


def available() -> bool:
    """Whether the compiled passes are used: numba installed and `CCHC_KERNEL` not set to `numpy`."""
    return numba is not None and os.environ.get("CCHC_KERNEL", "").lower() != "numpy"


def compiled(function: F, error_model: Literal["python", "numpy"] = "python") -> F:
    """`function` compiled by numba (cached on disk, releasing the GIL; `error_model="numpy"`: 0 ÷ 0 is NaN, no
    exception), or as it is without numba."""
    if numba is None:  # pragma: no cover - exercised where numba is absent
        return function
    return numba.njit(function, cache=True, nogil=True, error_model=error_model)  # type: ignore[return-value]


def inlined(function: F, error_model: Literal["python", "numpy"] = "python") -> F:
    """`function` compiled into each compiled pass that calls it (numba `inline="always"`: a cell's helper in a
    loop costs no call), or as it is without numba."""
    if numba is None:  # pragma: no cover - exercised where numba is absent
        return function
    return numba.njit(function, inline="always", error_model=error_model)  # type: ignore[return-value]
