"""Nano-points and decimal half-up publication rounding."""

import numpy as np

from cchc_rules.engine.rounding import half_up, nano, nano1, points, publish, publish1, published_nano


def test_published_figures_round_half_up_decimally():
    # Kon Tum 2023: 9.415 is published as 9.42 (binary round(9.415, 2) gives 9.41).
    assert round(9.415, 2) == 9.41
    assert publish1(9.415, 2) == "9.42"
    # Bà Rịa–Vũng Tàu style: 86.145 → 86.15; 86.144999 → 86.14.
    assert publish1(86.145, 2) == "86.15"
    assert publish1(86.144999, 2) == "86.14"


def test_publish_pads_and_handles_zero_decimals():
    assert list(publish(nano([100, 0, 5.5, 0.005]), 2)) == ["100.00", "0.00", "5.50", "0.01"]
    assert list(publish(nano([2.5, 3.49]), 0)) == ["3", "3"]
    assert list(publish(nano([-1.005]), 2)) == ["-1.01"]  # half away from zero


def test_half_up_and_published_nano_are_integers():
    # 86.145 → 8615 hundredths → 86.15 in nano-points
    assert half_up(nano1(86.145), 2) == 8615
    assert published_nano(nano1(86.145), 2) == 86_150_000_000


def test_nano_sums_are_exact():
    # 0.1 + 0.2 in floats is 0.30000000000000004; in nano-points it is 300_000_000 exactly.
    assert 0.1 + 0.2 != 0.3
    total = nano([0.1, 0.2]).sum()
    assert total == nano1(0.3) == 300_000_000
    assert points(total) == 0.3
    assert np.array_equal(nano([1 / 3]), [333_333_333])
