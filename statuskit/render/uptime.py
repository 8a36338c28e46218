"""Uptime: per component, 90 daily bars and the 90-day percentage, from the published statuses over time.

>>> record = uptime(release)["patient-portal"]
>>> record.percent_text, record.days[-1].worst
('99.95', <ComponentStatus.OPERATIONAL: 'operational'>)

The rule (reference/outputs.md, "Uptime"):

1. The window is the 90 UTC days ending with the day of T (day boundaries at 00:00 UTC); the last day
   ends at T.
2. A component's record starts at 00:00 UTC of its ``start_date`` (components.yml). A component without
   ``start_date`` has no record (no bars, ``uptime: null`` in the API); days before ``start_date`` have
   no data.
3. Its status at a time is what a build at that time would have shown, from the release at T: the worst
   status set by the incidents active then (an incident from its first update until resolved; a
   maintenance while in progress), each in the state of its latest published update at or before that
   time. Withdrawn updates contribute nothing, nor does anything the release withholds.
4. Each day: the seconds in each status (shown in whole minutes, rounded up) and the worst status of the
   day (of the statuses it spent time in).
5. Percentage = 1 - weighted downtime / time on record, over the window. ``major_outage`` counts in full,
   ``partial_outage`` at 30 % (Statuspage's weights); ``degraded_performance`` and ``under_maintenance``
   are not downtime. It is rounded down to hundredths, so any downtime shows below 100.00.

A pure function of the release: nothing reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from fractions import Fraction
from types import MappingProxyType
from typing import Mapping

from ..gate.release import PublishedIncident, Release
from ..model.fold import is_active, worst
from ..model.records import FrozenDict, ComponentStatus, Kind

__all__ = ["UPTIME_DAYS", "DOWNTIME_WEIGHTS", "DayUptime", "ComponentUptime", "uptime", "status_timeline"]

UPTIME_DAYS = 90
"""Days in the uptime window."""
DOWNTIME_WEIGHTS: Mapping[ComponentStatus, Fraction] = FrozenDict({
    ComponentStatus.MAJOR_OUTAGE: Fraction(1),
    ComponentStatus.PARTIAL_OUTAGE: Fraction(3, 10),
})
"""How much of a second in each status counts as downtime (statuses not listed: none)."""


@dataclass(frozen=True)
class DayUptime:
    """One UTC day of a component's record."""

    day: date
    recorded: int
    """Seconds of the day on record (0: no data: before ``start_date``)."""
    seconds: Mapping[ComponentStatus, int]
    """Seconds in each status that the day spent time in (statuses in order of severity)."""

    @property
    def worst(self) -> ComponentStatus | None:
        """The worst status of the day; None when the day has no data."""
        return worst(s for s, n in self.seconds.items() if n > 0) if self.recorded else None

    def minutes(self, status: ComponentStatus) -> int:
        """Whole minutes in ``status``, rounded up (a 20-second outage is 1 min, not 0)."""
        return -(-self.seconds.get(status, 0) // 60)

    @property
    def downtime(self) -> Fraction:
        """Weighted seconds of downtime."""
        return sum((DOWNTIME_WEIGHTS.get(s, Fraction(0)) * n for s, n in self.seconds.items()), Fraction(0))


@dataclass(frozen=True)
class ComponentUptime:
    """A component's record over the window."""

    component: str
    start_date: date
    days: tuple[DayUptime, ...]
    """Oldest first, :data:`UPTIME_DAYS` of them."""

    @property
    def recorded(self) -> int:
        return sum(d.recorded for d in self.days)

    @property
    def hundredths(self) -> int | None:
        """The percentage in hundredths, rounded down (9995: 99.95 %); None when nothing is on record."""
        if not self.recorded:
            return None
        up = 1 - sum((d.downtime for d in self.days), Fraction(0)) / self.recorded
        return int(up * 10000)  # floor: the value is never negative

    @property
    def percent(self) -> float | None:
        """The percentage (99.95), or None when nothing is on record."""
        h = self.hundredths
        return None if h is None else h / 100

    @property
    def percent_text(self) -> str | None:
        """``99.95``: two decimals, as the pages and the API write it."""
        h = self.hundredths
        return None if h is None else f"{h // 100}.{h % 100:02d}"


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=timezone.utc)


def _incident_status(inc: PublishedIncident, cid: str, at: datetime) -> ComponentStatus | None:
    """What ``inc`` sets ``cid`` to at time ``at`` (None: nothing), from its published updates then."""
    live = [u for u in inc.live if u.at <= at]
    if not live:
        return None
    state = live[-1].state
    st = state.components.get(cid)
    if st is None or not is_active(inc.kind, [u.update for u in live], state, at):
        return None
    return st


def _breakpoints(inc: PublishedIncident) -> set[datetime]:
    """Times at which what ``inc`` sets can change: its updates, and the windows it announced."""
    times = {u.at for u in inc.live}
    if inc.kind is Kind.MAINTENANCE:
        for u in inc.live:
            if u.state.scheduled is not None:
                times |= {u.state.scheduled.start, u.state.scheduled.end}
    return times


def status_timeline(release: Release, cid: str, start: datetime) -> list[tuple[datetime, ComponentStatus]]:
    """The status of ``cid`` from ``start`` to T: (time, status) steps, each holding until the next
    (the first at ``start``; the last until T). Rule 3 of the module docstring."""
    incs, times = [], {start}
    for inc in release.incidents:
        if cid not in inc.components:
            continue
        later = {t for t in _breakpoints(inc) if start < t <= release.at}
        # an incident that sets nothing at ``start`` and changes nothing after it sets nothing in the window
        if later or _incident_status(inc, cid, start) is not None:
            incs.append(inc)
            times |= later
    out: list[tuple[datetime, ComponentStatus]] = []
    for t in sorted(times):
        st = worst(s for s in (_incident_status(inc, cid, t) for inc in incs) if s is not None)
        if not out or out[-1][1] is not st:
            out.append((t, st))
    return out


def _component_uptime(release: Release, cid: str, start_date: date) -> ComponentUptime:
    at = release.at
    last = at.date()
    first = last - timedelta(days=UPTIME_DAYS - 1)
    record_start = max(_day_start(start_date), _day_start(first))
    steps = status_timeline(release, cid, record_start) if record_start < at else []
    days = []
    i = 0
    for n in range(UPTIME_DAYS):
        d = first + timedelta(days=n)
        lo, hi = max(_day_start(d), record_start), min(_day_start(d + timedelta(days=1)), at)
        seconds: dict[ComponentStatus, int] = {}
        if lo < hi:
            while i + 1 < len(steps) and steps[i + 1][0] <= lo:
                i += 1
            j = i
            while j < len(steps) and steps[j][0] < hi:
                s_lo = max(steps[j][0], lo)
                s_hi = min(steps[j + 1][0], hi) if j + 1 < len(steps) else hi
                seconds[steps[j][1]] = seconds.get(steps[j][1], 0) + int((s_hi - s_lo).total_seconds())
                j += 1
        ordered = FrozenDict({s: seconds[s] for s in ComponentStatus if seconds.get(s)})
        days.append(DayUptime(d, int((hi - lo).total_seconds()) if lo < hi else 0, ordered))
    return ComponentUptime(cid, start_date, tuple(days))


_last: list[tuple[Release, Mapping[str, ComponentUptime]]] = []
"""The last release's records: the pages and the API of one build ask for the same release."""


def uptime(release: Release) -> Mapping[str, ComponentUptime]:
    """The record of every component with a ``start_date``, by component id (display order); worked out
    once per release."""
    if _last and _last[0][0] is release:
        return _last[0][1]
    records = MappingProxyType({cv.id: _component_uptime(release, cv.id, cv.component.start_date)
                                for cv in release.components if cv.component.start_date is not None})
    _last[:] = [(release, records)]
    return records
