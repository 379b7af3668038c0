"""Charts in their reader's number notation: the Vega format locale of the chart's language.

`localized` wraps a function that makes an altair chart and takes `lang`: the chart it returns
carries `config.locale.number` (decimal comma and thousands dot in Vietnamese), so that axes,
labels and tooltips formatted by Vega read like the tables beside them, in the notebook, the
HTML page (vl-convert) and the workbench alike.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

from cchc_rules.display import vega_locale


class Configurable(Protocol):
    def configure(self, **kwargs: object) -> Configurable: ...


P = ParamSpec("P")
C = TypeVar("C", bound=Configurable)


def localized(make: Callable[P, C]) -> Callable[P, C]:
    """`make`'s chart configured with the number locale of its `lang` argument (Vietnamese by default)."""
    signature = inspect.signature(make)

    @functools.wraps(make)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> C:
        lang = signature.bind(*args, **kwargs).arguments.get("lang")
        chart = make(*args, **kwargs)
        return chart.configure(locale={"number": vega_locale(lang if isinstance(lang, str) else None)})  # type: ignore[return-value]

    return wrapper
