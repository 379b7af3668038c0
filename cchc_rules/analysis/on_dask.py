"""Running an analysis's pieces on a Dask cluster: the shared state sent once, the pieces as tasks.

`map_shared(client, fn, shared, pieces)` scatters `shared` (the compiled rulebook, the baseline
and the parsed inputs an analysis prepared) to every worker once, submits `fn(shared, piece)` for
each piece (a range of draws, a variant's rulebook) and yields `(position, result)` as tasks
finish, with a progress bar. A task that raised raises here, as it would have locally. Nothing
here imports an analysis: the analyses import this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from cchc_rules.cluster import as_done

if TYPE_CHECKING:
    from distributed import Client

S = TypeVar("S")
P = TypeVar("P")
R = TypeVar("R")


def map_shared(client: Client, fn: Callable[[S, P], R], shared: S, pieces: Sequence[P], show: bool = False,
               desc: str = "tasks") -> Iterator[tuple[int, R]]:
    """`fn(shared, piece)` for every piece on the cluster, `shared` sent to each worker once; results as they
    finish, with their position in `pieces`. `shared` may be a Future the caller scattered (then reused)."""
    from distributed import Future

    own = not isinstance(shared, Future)  # a Future: already scattered by the caller, who releases it
    handle = client.scatter([shared], broadcast=True, hash=False)[0] if own else shared  # one object, not its items
    futures = [client.submit(fn, handle, piece, pure=False) for piece in pieces]
    try:
        for i, future in as_done(futures, show, desc):
            result = future.result()
            future.release()
            yield i, result
    finally:
        for future in futures:
            future.cancel()
        if own:
            handle.release()  # type: ignore[union-attr]  # `own`: the scatter made a Future
