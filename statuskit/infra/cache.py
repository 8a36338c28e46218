"""Where statuskit keeps its per-user caches (never inside the repository).

- ``$STATUSKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/statuskit``, else ``~/.cache/statuskit``;
- ``STATUSKIT_CACHE=0`` turns every cache off.

Two caches live there: signatures already verified (:mod:`statuskit.ssh.verified`)
and ``check`` results per incident (:mod:`statuskit.workflow.check_cache`). Both are keyed
on every byte their answer depends on, so a stale entry is never found -- it is
simply not looked up again. CI starts with neither, so what CI checks is checked
in full.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

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


class Hash(Protocol):
    """What :func:`feed` needs of a hash object (``hashlib.sha256()``)."""

    def update(self, data: bytes, /) -> None: ...


def feed(h: Hash, *parts: bytes | None) -> None:
    """Add ``parts`` to the hash ``h`` unambiguously: each with its 8-byte length (None as all ones).

    Every cache key is built this way, so no two different inputs hash the same bytes.
    """
    for part in parts:
        if part is None:
            h.update(b"\xff" * 8)
        else:
            h.update(len(part).to_bytes(8, "big"))
            h.update(part)
