"""Process-parallel map for the per-incident work of large sites.

Checking 10,000 incidents means 50,000 YAML documents parsed and 100,000
signatures verified: CPU-bound and independent per incident. ``pmap`` spreads
that over the machine's cores with fork()ed workers, which inherit the shared
state (teams, components) instead of receiving it pickled. It falls back to a
plain loop for small inputs, where a fork costs more than it saves, when fork
is unavailable, and when other threads run (fork with threads can deadlock,
e.g. under ``mkdocs serve``). ``STATUSKIT_JOBS=1`` turns it off.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from typing import Any, Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 200
"""Below this many items, a plain loop is faster than forking."""

_job: tuple[Callable[[Any, Any], Any], Any] | None = None


def jobs() -> int:
    """Worker count: STATUSKIT_JOBS, else the number of usable cores."""
    env = os.environ.get("STATUSKIT_JOBS", "")
    if re.fullmatch(r"[0-9]{1,4}", env) and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _run_chunk(chunk: Sequence[Any]) -> list[Any]:
    assert _job is not None
    fn, shared = _job
    return [fn(shared, item) for item in chunk]


def pmap(fn: Callable[[Any, T], R], items: Sequence[T], shared: Any = None) -> list[R]:
    """``[fn(shared, x) for x in items]``, in order, over several processes when worthwhile."""
    global _job
    n = jobs()
    if (n <= 1 or len(items) < MIN_ITEMS or threading.active_count() > 1
            or "fork" not in multiprocessing.get_all_start_methods()):
        return [fn(shared, x) for x in items]
    size = max(1, len(items) // (n * 8))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    _job = (fn, shared)
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            parts = pool.map(_run_chunk, chunks, chunksize=1)
    finally:
        _job = None
    return [r for part in parts for r in part]
