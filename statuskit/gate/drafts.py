"""A drafts preview: the release as if every pending update were approved, and what each one changes.

>>> d = drafts(content, at)
>>> d.release.assumed                      # the updates shown only by assumption
>>> [(p.incident, p.update, p.overall_before.description, p.overall_after.description) for p in d.pending]

"Before" is the release as a publishing build makes it now (no assumption); "after" is the
release with the pending update approved (and the pending updates before it in its incident,
which it needs). Times and embargoes still apply at T: what the assumption still cannot show
is listed in :attr:`Drafts.held`, with the time (``--at``) that would show it. Nothing here is
ever published: a release with :attr:`Release.assumed` is refused by every publishing path
(:func:`statuskit.gate.release.refuse_assumed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from ..model.records import ComponentStatus, Content, Incident
from .approvals import UpdateApprovals, all_approvals
from .release import GateReport, Held, Overall, Release, gate, pending_updates, regate_incident

__all__ = ["Drafts", "PendingChange", "StatusChange", "drafts"]


@dataclass(frozen=True)
class StatusChange:
    """A component whose status on the home page differs before and after."""

    component: str
    """Component id."""
    name: str
    """Its display name."""
    before: ComponentStatus
    after: ComponentStatus


@dataclass(frozen=True)
class PendingChange:
    """One update some required team has not approved yet, and what approving it changes at T."""

    incident: str
    update: int
    title: str
    """The incident's title as of this update (its id when it has none yet)."""
    missing: tuple[str, ...]
    """Required team ids without a valid approval."""
    held: Held | None
    """Why it still does not show at T although assumed approved (its time, an embargo, an earlier
    update held so), or None when the preview shows it."""
    overall_before: Overall
    overall_after: Overall
    components: tuple[StatusChange, ...]
    """Components whose status changes, in display order."""


@dataclass(frozen=True)
class Drafts:
    """The drafts preview of a content folder at T."""

    before: Release
    """What a publishing build publishes now."""
    release: Release
    """As if every pending update were approved (``release.assumed`` lists what only that shows)."""
    report: GateReport
    pending: tuple[PendingChange, ...]
    """Every pending update (incident id, then update id)."""
    held: tuple[Held, ...]
    """Pending parts the preview still cannot show at T (time, embargo, technical embargo)."""
    show_at: datetime | None
    """The earliest later T (``--at``) at which the preview would show more of them, or None."""


def _title(inc: Incident, k: int) -> str:
    title = None
    for u in inc.updates[:k]:
        title = u.title or title
    return title or inc.id


def _status_changes(before: Release, after: Release) -> tuple[StatusChange, ...]:
    old = {c.id: c.status for c in before.components}
    return tuple(StatusChange(c.id, c.component.name, old[c.id], c.status)
                 for c in after.components if old.get(c.id, c.status) != c.status)


def drafts(content: Content, at: datetime,
           approvals: Mapping[tuple[str, int], UpdateApprovals] | None = None) -> Drafts:
    """The drafts preview of ``content`` at ``at``."""
    if approvals is None:
        approvals = all_approvals(content)
    before, _ = gate(content, at, approvals)
    pending = pending_updates(content, approvals)
    release, report = gate(content, at, approvals, assume_approved=pending)
    still = {(h.incident, h.update): h for h in report.held}
    changes = []
    for inc in content.incidents:
        ids = [u.id for u in inc.updates if (inc.id, u.id) in pending]
        for uid in ids:
            # this update and the pending ones before it in its incident (it cannot publish without them)
            after = regate_incident(before, content, inc, approvals, frozenset((inc.id, v) for v in ids if v <= uid))
            changes.append(PendingChange(
                inc.id, uid, _title(inc, uid), approvals[(inc.id, uid)].missing, still.get((inc.id, uid)),
                before.overall, after.overall, _status_changes(before, after)))
    touched = {(iid, uid) for iid, uid in pending}
    held = tuple(h for h in report.held if (h.incident, h.update) in touched)
    later = [h.until for h in held if h.until is not None and h.until > at]
    return Drafts(before, release, report, tuple(changes), held, min(later, default=None))
