"""The build time T: the one rule every command and the MkDocs plugin use.

>>> resolve_time(None)     # --at not given: $STATUSKIT_AT, else $SOURCE_DATE_EPOCH, else now
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from ..errors import StatuskitError
from ..model.validate import parse_time

__all__ = ["resolve_time"]


def resolve_time(at: datetime | None = None) -> datetime:
    """T, by the one rule: ``at`` (``--at``), else $STATUSKIT_AT, else $SOURCE_DATE_EPOCH, else now
    (UTC, whole seconds). Every command and the plugin get T from here, once, at the edge."""
    if at is not None:
        return at
    value = os.environ.get("STATUSKIT_AT")
    if value:
        try:
            return parse_time(value)
        except ValueError as exc:
            raise StatuskitError(f"$STATUSKIT_AT: {exc}") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise StatuskitError(f"SOURCE_DATE_EPOCH must be an integer number of seconds, got {epoch!r}") from None
    return datetime.now(timezone.utc).replace(microsecond=0)
