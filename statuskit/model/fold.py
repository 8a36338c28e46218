"""Folding: an incident's state after each update, and component status at a time.

An incident's state after update *n* is the fold of updates 1..n: the latest
``title``, ``impact``, ``status``, component statuses, ``report`` and shared
facts win. Resolving returns every component the incident touched to
``operational`` unless the resolving update names another status. Updates in
``retracted`` contribute nothing: not their title, status, impact, component
statuses, window, next update time, report or facts. The state after a
retracted update is the state before it; whatever still holds, the retraction
restates.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable, Mapping, Sequence

from .records import FrozenDict, CLOSED_STATUSES, ComponentStatus, Facts, Kind, Report, Update, Window


@dataclass(frozen=True)
class State:
    """An incident after some update."""

    update: int
    """The last update folded in (0: none yet)."""
    title: str
    """The latest title set ("" while none is: update 1's was withdrawn and nothing restated it yet)."""
    impact: str
    status: str
    components: Mapping[str, ComponentStatus]
    """Every component the incident has touched so far, with its status (first-touch order)."""
    report: Report | None
    report_update: int | None
    """The update whose report is current."""
    scheduled: Window | None
    facts: Facts
    next_update_at: datetime | None
    """From the last update only (a promise is not carried forward)."""

    @property
    def closed(self) -> bool:
        return self.status in CLOSED_STATUSES


def fold(updates: Sequence[Update], retracted: Iterable[int] = ()) -> list[State]:
    """The state after each of ``updates`` (oldest first); a state for each, retracted ones included."""
    retracted = set(retracted)
    out: list[State] = []
    title = ""
    impact = "none"
    comps: dict[str, ComponentStatus] = {}
    report: Report | None = None
    report_update: int | None = None
    scheduled: Window | None = None
    facts = Facts()
    status = ""
    next_at: datetime | None = None
    last = 0
    for u in updates:
        if u.id in retracted:  # skipped entirely: the state before it stands
            out.append(State(last, title, impact, status, FrozenDict(dict(comps)), report,
                             report_update, scheduled, facts, next_at))
            continue
        last, status, next_at = u.id, u.status, u.next_update_at
        if u.title is not None:
            title = u.title
        if u.impact is not None:
            impact = u.impact
        if u.status in CLOSED_STATUSES:
            for cid in comps:
                comps[cid] = ComponentStatus.OPERATIONAL
        for cid, st in u.components.items():
            comps[cid] = st
        if u.report is not None:
            report, report_update = u.report, u.id
        if u.scheduled is not None:
            scheduled = u.scheduled
        facts = facts.merged(u.facts)
        out.append(State(u.id, title, impact, status, FrozenDict(dict(comps)), report,
                         report_update, scheduled, facts, next_at))
    return out


def with_restated_title(states: Sequence[State]) -> list[State]:
    """``states`` with the latest title in place of "" (update 1's title was withdrawn and a later
    retraction restated it): the incident reads under its current title everywhere."""
    title = states[-1].title if states else ""
    return [st if st.title else replace(st, title=title) for st in states]


def is_active(kind: Kind, updates: Sequence[Update], state: State, at: datetime) -> bool:
    """Whether the incident (or maintenance) sets component statuses at time ``at``.

    ``updates`` are the published updates and ``state`` the fold of all of them.
    An incident is active until resolved. A maintenance is active from
    ``scheduled.from`` (or an earlier ``in_progress``/``verifying`` update) until
    ``completed`` (or ``scheduled.until`` if no update completes it).
    """
    if state.closed:
        return False
    if kind is Kind.INCIDENT:
        return True
    started = any(u.status in ("in_progress", "verifying") for u in updates)
    window = state.scheduled
    if window is None:
        return started
    if at >= window.end:  # nobody marked it complete: the window's end closes it
        return False
    return started or at >= window.start


def is_upcoming(kind: Kind, updates: Sequence[Update], state: State, at: datetime) -> bool:
    """A maintenance announced for the future that has not started."""
    if kind is not Kind.MAINTENANCE or state.closed or state.scheduled is None:
        return False
    started = any(u.status in ("in_progress", "verifying") for u in updates)
    return not started and at < state.scheduled.start


def worst(statuses: Iterable[ComponentStatus]) -> ComponentStatus:
    """The most severe status, or operational for none."""
    return max(statuses, key=lambda s: s.severity, default=ComponentStatus.OPERATIONAL)
