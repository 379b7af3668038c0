"""Run a callback once after a burst of calls (a slider dragged, checkboxes clicked in a row)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

Schedule = Callable[[float, Callable[[], None]], Callable[[], Any]]


def default_schedule(delay: float, callback: Callable[[], None]) -> Callable[[], Any]:
    """Call `callback` after `delay` seconds; returns a function that cancels it.

    On the kernel's event loop when one runs (widget callbacks do), else on a timer thread.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        timer = threading.Timer(delay, callback)
        timer.daemon = True
        timer.start()
        return timer.cancel
    return loop.call_later(delay, callback).cancel


class Debouncer:
    """`trigger()` asks for a run; the callback runs once, `delay` seconds after the last ask.

    A delay of 0 runs at once (headless runs, tests). `schedule` is injectable for tests.
    """

    def __init__(self, callback: Callable[[], None], delay: float = 0.15, schedule: Schedule = default_schedule):
        self.callback = callback
        self.delay = delay
        self.schedule = schedule
        self._cancel: Callable[[], Any] | None = None

    def trigger(self) -> None:
        if self.delay <= 0:
            self.callback()
            return
        if self._cancel is not None:
            self._cancel()
        self._cancel = self.schedule(self.delay, self._fire)

    def _fire(self) -> None:
        self._cancel = None
        self.callback()
