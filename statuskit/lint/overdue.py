"""``cadence-overdue``: a published "next update by …" that has passed at T with no newer published update.

The other lints read an incident's words; this one depends on T and on what is published.
It reads one :class:`Promise` per update -- what the gate needs to know whether the update is
public at some T, and the time it promised -- which does not depend on T (``check`` caches them
with the rest of an incident's findings), and judges them at T with the gate's own prefix rule.

>>> promises = incident_promises(inc, {1: True, 2: False})   # update id -> approved
>>> overdue(inc.file, promises, T, config)       # (update id, Problem), or None
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping, Sequence

from ..errors import Problem
from ..gate.release import withdrawn_updates
from ..model.records import Incident
from ..model.validate import format_time
from .config import LintConfig

RULE = "cadence-overdue"


@dataclass(frozen=True)
class Promise:
    """One update, as far as publication at T and its promised next update go."""

    id: int
    at: datetime
    embargo_until: datetime | None
    retracts: int | None
    approved: bool
    """Both teams approved it (as ``check`` and the gate verify it)."""
    next_update_at: datetime | None
    line: int | None
    """Line of its ``next_update_at`` (else of the update)."""
    acknowledged: bool = False
    """The update lists cadence-overdue under ``acknowledge``."""


def incident_promises(inc: Incident, approved: Mapping[int, bool]) -> tuple[Promise, ...]:
    """Each update of ``inc`` as a :class:`Promise`; ``approved``: update id -> both teams approved it."""
    return tuple(Promise(u.id, u.at, u.embargo_until, u.retracts, approved.get(u.id, False), u.next_update_at,
                         u.field_lines.get("next_update_at", u.line), RULE in u.acknowledge) for u in inc.updates)


def promise_rows(promises: Sequence[Promise]) -> list[list]:
    """``promises`` as JSON-ready rows (times as ``YYYY-MM-DDTHH:MM:SSZ``), as ``check`` caches them."""
    return [[p.id, format_time(p.at), p.embargo_until and format_time(p.embargo_until), p.retracts, p.approved,
             p.next_update_at and format_time(p.next_update_at), p.line, p.acknowledged] for p in promises]


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


def from_rows(rows: Sequence[list]) -> tuple[Promise, ...]:
    """The promises of :func:`promise_rows` (a malformed row raises TypeError or ValueError)."""
    out = []
    for uid, at, embargo, retracts, approved, promised, line, acknowledged in rows:
        when = _time(at)
        if when is None:
            raise ValueError("an update without a time")
        out.append(Promise(uid, when, _time(embargo), retracts, bool(approved), _time(promised), line,
                           bool(acknowledged)))
    return tuple(out)


def overdue_rows(file: str, rows: Sequence[list], at: datetime, config: LintConfig) -> tuple[int, Problem] | None:
    """:func:`overdue` of cached rows, reading them only when the cheap test cannot tell: when every
    update is approved and due by ``at``, the newest update is the one to ask, and the times compare
    as text (one format, whole seconds; ``at`` cut to its second)."""
    if not rows or config.severity.get(RULE) is None:
        return None
    t = format_time(at)
    if all(r[4] and r[1] <= t and (r[2] is None or r[2] <= t) for r in rows):
        promised = rows[-1][5]
        if promised is None or promised > t:
            return None
    return overdue(file, from_rows(rows), at, config)


def overdue_since(promises: Sequence[Promise], at: datetime) -> tuple[int, datetime] | None:
    """(index, promised time) of the newest update published at ``at`` when the next update it
    promised is before ``at`` (and, being the newest, nothing newer is published); else None."""
    # the published prefix, by the gate's rule: approved, due and past its embargo (retractions included)
    n, _ = withdrawn_updates(promises, lambda p: p.approved and p.at <= at
                             and (p.embargo_until is None or p.embargo_until <= at))
    if n == 0:
        return None
    promised = promises[n - 1].next_update_at
    if promised is None or promised >= at:
        return None
    return n - 1, promised


def late_by(delta: timedelta) -> str:
    """``1 h 15 min``, ``30 min``, ``2 days 3 h``: how late, in whole minutes (at least one)."""
    minutes = max(1, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = ([f"{days} day{'s' if days != 1 else ''}"] if days else []) + ([f"{hours} h"] if hours else [])
    if mins and not days:
        parts.append(f"{mins} min")
    return " ".join(parts)


def overdue(file: str, promises: Sequence[Promise], at: datetime, config: LintConfig) -> tuple[int, Problem] | None:
    """(update id, the cadence-overdue warning) for one incident at ``at``, if its promise has passed."""
    severity = config.severity.get(RULE)
    if severity is None:
        return None
    found = overdue_since(promises, at)
    if found is None:
        return None
    i, promised = found
    p = promises[i]
    if p.acknowledged:
        return None
    return p.id, Problem(file, p.line, f"updates[{i}].next_update_at",
                   f"update {p.id} promised the next update by {format_time(promised)}; at {format_time(at)} it is "
                   f"{late_by(at - promised)} late and no newer update is published: publish one, and say when "
                   f"the next comes (an update still waiting for approval, its time or its embargo does not count)",
                   severity, RULE)
