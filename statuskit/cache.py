"""Where statuskit keeps its per-user caches (never inside the repository).

- ``$STATUSKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/statuskit``, else ``~/.cache/statuskit``;
- ``STATUSKIT_CACHE=0`` turns every cache off.

Two caches live there: signatures already verified (:mod:`statuskit.gate.verified`)
and ``check`` results per incident (:mod:`statuskit.check_cache`). Both are keyed
on every byte their answer depends on, so a stale entry is never found -- it is
simply not looked up again. CI starts with neither, so what CI checks is checked
in full.
"""

from __future__ import annotations

import os
from pathlib import Path

OFF = ("0", "no", "off", "false")


def cache_dir() -> Path | None:
    """The cache folder for this user, or None when caching is turned off."""
    if os.environ.get("STATUSKIT_CACHE", "1").strip().lower() in OFF:
        return None
    base = os.environ.get("STATUSKIT_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "statuskit"
