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


def test_reused_heap_keeps_blocks_then_restores_the_load_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(heap, "_mallopt", lambda: lambda param, value: calls.append((param, value)) or 1)
    with pytest.raises(RuntimeError), heap.reused_heap():
        assert calls == [(-3, 32 * 2**20), (-1, 2**30)]  # M_MMAP_THRESHOLD 32 MiB, M_TRIM_THRESHOLD 1 GiB
        raise RuntimeError("a batch that fails")
    assert calls[2:] == [(-1, 128 * 1024), (-3, 4 * 2**20)]  # glibc's trim default, the load's 4 MiB


@pytest.mark.parametrize("size", [10, 2**20], ids=["small", "mapped"])
def test_filled_is_np_full(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    monkeypatch.setattr(heap, "POPULATE_FROM", 2**16)  # 1 Mi float64 cells: past it, mapped
    a = heap.filled((size, 1), float("nan"), float)
    assert a.shape == (size, 1) and a.dtype == float and a.flags.writeable and a.flags.c_contiguous
    a[0, 0] = 3.0
    assert a[0, 0] == 3.0 and all(x != x for x in a[1:8, 0])  # NaN elsewhere
    b = heap.filled((size,), 2, int)
    assert b.dtype == int and b.sum() == 2 * size
