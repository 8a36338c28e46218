"""The build time T: the one rule every command and the MkDocs plugin use.

>>> resolve_time(None)     # --at not given: $STATUSKIT_AT, else $SOURCE_DATE_EPOCH, else now
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from ..errors import StatuskitError
from ..model.validate import parse_time

__all__ = ["resolve_time", "LATEST"]

LATEST = datetime(2106, 2, 7, 6, 28, 15, tzinfo=timezone.utc)
"""The latest build time: the site's files carry T as a 32-bit count of seconds (the gzip header
of ``sitemap.xml.gz``), which ends here."""


def resolve_time(at: datetime | None = None) -> datetime:
    """T, by the one rule: ``at`` (``--at``), else $STATUSKIT_AT, else $SOURCE_DATE_EPOCH, else now
    (UTC, whole seconds). Every command and the plugin get T from here, once, at the edge."""
    if at is not None:
        return _bounded(at, "--at")
    value = os.environ.get("STATUSKIT_AT")
    if value:
        try:
            return _bounded(parse_time(value), "$STATUSKIT_AT")
        except ValueError as exc:
            raise StatuskitError(f"$STATUSKIT_AT: {exc}") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            when = datetime.fromtimestamp(int(epoch), timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise StatuskitError(f"SOURCE_DATE_EPOCH must be an integer number of seconds, got {epoch!r}") from None
        return _bounded(when, "$SOURCE_DATE_EPOCH")
    return datetime.now(timezone.utc).replace(microsecond=0)


def _bounded(t: datetime, source: str) -> datetime:
    if t > LATEST:
        raise StatuskitError(f"{source}: the build time {t:%Y-%m-%dT%H:%M:%SZ} is after {LATEST:%Y-%m-%dT%H:%M:%SZ}, "
                             "the latest time a site's files can carry; give an earlier time")
    return t
