"""`heap.lean_heap`: glibc's mmap threshold low while a dataset loads, glibc's ceiling after (errors included)."""

from __future__ import annotations

import pytest

from cchc_rules import heap


def test_threshold_low_within_and_the_ceiling_after(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(heap, "_mallopt", lambda: lambda param, value: calls.append((param, value)) or 1)
    with pytest.raises(RuntimeError), heap.lean_heap():
        assert calls == [(-3, 4 * 2**20)]  # M_MMAP_THRESHOLD, 4 MiB
        raise RuntimeError("a load that fails")
    assert calls == [(-3, 4 * 2**20), (-3, 32 * 2**20)]


def test_nothing_without_mallopt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_mallopt", lambda: None)
    with heap.lean_heap():
        pass  # no C library to ask: the load runs as it would


def test_glibc_accepts_the_setting() -> None:
    mallopt = heap._mallopt()
    if mallopt is None:
        pytest.skip("not glibc on Linux")
    assert mallopt(-3, heap.LOADING) == 1 and mallopt(-3, heap.AFTER) == 1  # mallopt returns 1 on success
