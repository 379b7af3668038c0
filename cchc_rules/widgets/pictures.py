"""Altair charts as PNG pictures (drawn by vl-convert in the kernel: offline, the same everywhere)."""

from __future__ import annotations

import io
from typing import Any

import ipywidgets as w

SCALE = 2.0  # drawn at 2× ...
ZOOM = 1.3  # ... and shown at 1.3× their natural size: vega's 11 px labels read at ~14 px on a projector, still sharp


def png(chart: Any) -> bytes:
    buf = io.BytesIO()
    chart.save(buf, format="png", scale_factor=SCALE)
    return buf.getvalue()


def shown_width(data: bytes) -> int:
    """The width, in CSS pixels, at which a PNG drawn by `png` is shown (its pixel width is in its header)."""
    return int(int.from_bytes(data[16:20], "big") / SCALE * ZOOM)


def show_png(image: w.Image, data: bytes) -> None:
    image.value = data
    image.width = str(shown_width(data))
