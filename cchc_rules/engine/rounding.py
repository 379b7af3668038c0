"""Nano-points and decimal half-up publication rounding, vectorised with integer arithmetic.

Every score inside the engine is an int64 count of nano-points (10⁻⁹ point): a leaf's points
are rounded to 9 decimals once, after which sums are exact and do not depend on the order of
addition (spec §3). Publication rounds those integers half up to `display.decimals`, so 9.415
is published as "9.42" (a binary-float `round(9.415, 2)` gives 9.41).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

NANO = 1_000_000_000


def nano(x: ArrayLike, inplace: bool = False) -> np.ndarray:
    """Values in points → int64 nano-points, rounded to the nearest (9 decimals).

    `inplace=True` uses a float64 array `x` as scratch space (saves two temporaries on big arrays).
    """
    if inplace:
        np.multiply(x, NANO, out=x)
        return np.rint(x, out=x).astype(np.int64)
    return np.rint(np.asarray(x, dtype=np.float64) * NANO).astype(np.int64)


def nano1(x: float) -> int:
    """One value in points → nano-points."""
    return int(nano(x))


def points(n: ArrayLike) -> np.ndarray:
    """Nano-points → float points (the nearest double to the 9-decimal value)."""
    return np.asarray(n, dtype=np.int64) / NANO


def half_up(n: ArrayLike, decimals: int) -> np.ndarray:
    """Nano-points rounded half up (away from zero) to `decimals`, as integers in units of 10^-decimals."""
    if not 0 <= decimals <= 9:
        raise ValueError("decimals must be within 0..9")
    n = np.asarray(n, dtype=np.int64)
    q = 10 ** (9 - decimals)
    mag = (np.abs(n) + q // 2) // q
    return np.where(n < 0, -mag, mag)


def published_nano(n: ArrayLike, decimals: int) -> np.ndarray:
    """The published figure, back in nano-points (for ranking on the published figure)."""
    return half_up(n, decimals) * 10 ** (9 - decimals)


def publish(n: ArrayLike, decimals: int) -> np.ndarray:
    """Nano-points → published texts with a decimal point ("86.14"), half up; an object array."""
    r = half_up(n, decimals)
    neg = r < 0
    mag = np.abs(r)
    scale = 10**decimals
    whole = (mag // scale).astype(str).astype(object)
    sign = np.where(neg, "-", "").astype(object)
    if decimals == 0:
        return sign + whole
    frac = np.char.zfill((mag % scale).astype(str), decimals).astype(object)
    return sign + whole + "." + frac


def publish1(x: float, decimals: int) -> str:
    """One value in points → its published text."""
    return str(publish(nano(x).reshape(1), decimals)[0])
