"""The gate: the only place that decides what is public.

>>> release, report = gate(content, at)       # at: aware datetime (the build time T)
>>> [i.id for i in release.incidents]         # only what may be published at T
>>> report.held                               # what was held back, and why

A :class:`Release` holds copies of the updates with everything withheld
removed (embargoed technical text and reports and their digests, the raw
canonical form; of a withdrawn update only a stub with its id and its
retraction's time and status), so a renderer bug cannot leak what it was never
given. Only :func:`gate` builds a Release.

Publication rule, for a build at time T (content-format.md):
1. an update is approved when every required team has a valid approval from a
   distinct current member;
2. an incident publishes the longest prefix of updates that are approved, at or
   before T, and past their ``embargo_until``; without update 1 it does not exist;
3. ``technical`` and ``report`` wait for ``technical_embargo_until``;
4. a retraction takes effect when the retraction itself publishes (rule 2 applied
   to it); the chain then skips the update it retracts, which contributes nothing
   but a "withdrawn" marker dated by the retraction. Before that, the retracted
   update is an ordinary update.

A drafts preview (``statuskit build --drafts``) asks the gate for a release *as if* some updates
were approved: ``gate(content, at, assume_approved=pending_updates(content, approvals))``. The
assumption replaces rule 1 only (times and embargoes still apply at T), and a Release built with
it says so (:attr:`Release.assumed` is not empty); every publishing path refuses such a release
(:func:`refuse_assumed`), whatever the folder or option that asked for it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping, Protocol, Sequence, TypeVar

from ..model.fold import State, fold, is_active, is_upcoming, with_restated_title, worst
from ..model.records import FrozenDict, Component, ComponentStatus, Content, Incident, Kind, Update
from ..errors import StatuskitError
from .approvals import UpdateApprovals, all_approvals

TEAM_NAMES = {"comms": "Communications", "communications": "Communications", "security": "Security",
              "legal": "Legal", "pr": "Public relations", "it": "IT", "ops": "Operations"}


def team_name(team_id: str) -> str:
    """Display name of a team id ("comms" -> "Communications")."""
    return TEAM_NAMES.get(team_id, team_id.replace("-", " ").capitalize())


@dataclass(frozen=True)
class ComponentChange:
    """A component status changed by an update (from the fold)."""

    component: str
    old: ComponentStatus
    new: ComponentStatus


@dataclass(frozen=True)
class PublishedUpdate:
    """An update as it may be shown at T (withheld fields already removed)."""

    update: Update
    """The update, with embargoed or retracted fields set to None and no canonical form."""
    state: State
    """The incident's state after this update (published updates only)."""
    changes: tuple[ComponentChange, ...]
    """Component statuses that changed with this update, in the update's order."""
    digest: str | None
    """The approval digest of the update as stored; None while part of what it covers is withheld
    (technical embargo) and for a withdrawn update: a digest confirms guesses of the text it covers."""
    approved_by: tuple[str, ...]
    """Team ids whose approvals publish it (empty for a withdrawn update: its retraction's count)."""
    technical_pending: bool
    """It has technical text or a report still under technical embargo."""
    retracted: bool
    """Withdrawn by a published retraction: ``update`` is a stub (id, and the retraction's time and
    status); nothing of the update as written is in the release."""
    retracted_by: int | None
    """The published update that retracts it (set exactly when ``retracted``)."""
    corrected_by: tuple[int, ...]
    """Published updates that correct it."""
    assumed: bool = False
    """In a drafts preview only: shown as if approved, though teams are missing (never published)."""

    @property
    def id(self) -> int:
        return self.update.id

    @property
    def at(self) -> datetime:
        return self.update.at

    @property
    def status(self) -> str:
        return self.update.status

    @property
    def published_at(self) -> datetime:
        """When it became public: the later of its time and its embargo's end."""
        return max(self.update.at, self.update.embargo_until or self.update.at)

    @property
    def technical_published_at(self) -> datetime:
        """When its technical text and report became public: also after the technical embargo's end
        (meaningful once they are public, ``technical_pending`` false)."""
        return max(self.published_at, self.update.technical_embargo_until or self.update.at)

    @property
    def public(self) -> str | None:
        return self.update.public

    @property
    def technical(self) -> str | None:
        return self.update.technical

    @property
    def corrects(self) -> int | None:
        return self.update.corrects

    @property
    def retracts(self) -> int | None:
        return self.update.retracts


@dataclass(frozen=True)
class PublishedIncident:
    """An incident or maintenance with its published updates."""

    id: str
    kind: Kind
    updates: tuple[PublishedUpdate, ...]
    """Oldest first."""
    state: State
    """State after the last published update."""
    active: bool
    """Open incident, or maintenance in progress at T: it sets component statuses now."""
    upcoming: bool
    """Maintenance announced for later."""

    @property
    def title(self) -> str:
        return self.state.title

    @property
    def live(self) -> tuple[PublishedUpdate, ...]:
        """The updates that are not withdrawn (the data of the incident), oldest first."""
        return tuple(u for u in self.updates if not u.retracted)

    @property
    def started_at(self) -> datetime:
        """The first update's time; the first update not withdrawn, when update 1 is."""
        return self.live[0].at

    @property
    def updated_at(self) -> datetime:
        return self.live[-1].at

    @property
    def closed(self) -> bool:
        return self.state.closed

    def first_at(self, *statuses: str) -> datetime | None:
        """Time of the first update with one of ``statuses``."""
        return next((u.at for u in self.live if u.status in statuses), None)

    @property
    def resolved_at(self) -> datetime | None:
        if not self.closed:
            return None
        return self.first_at("resolved", "postmortem", "completed")

    @property
    def components(self) -> tuple[str, ...]:
        """Every component the incident touched."""
        return tuple(self.state.components)

    @property
    def has_technical(self) -> bool:
        """Whether the technical page exists (some technical text or report is public)."""
        return any(u.technical or u.update.report for u in self.updates)

    @property
    def technical_pending(self) -> bool:
        return any(u.technical_pending for u in self.updates)

    def update(self, n: int) -> PublishedUpdate:
        return self.updates[n - 1]

    def retraction(self, u: PublishedUpdate) -> PublishedUpdate:
        """The published retraction that withdrew ``u`` (``u.retracted`` must be true)."""
        if u.retracted_by is None:
            raise ValueError(f"update {u.id} of {self.id} is not withdrawn")
        return self.update(u.retracted_by)


@dataclass(frozen=True)
class ComponentView:
    """A component with its current status at T."""

    component: Component
    status: ComponentStatus

    @property
    def id(self) -> str:
        return self.component.id


@dataclass(frozen=True)
class Overall:
    """The page's overall status (Statuspage's ``status`` object)."""

    indicator: str
    """none | minor | major | critical."""
    description: str


_INDICATOR_ORDER = ("none", "minor", "major", "critical")
_COMPONENT_INDICATOR = {
    ComponentStatus.OPERATIONAL: "none",
    ComponentStatus.UNDER_MAINTENANCE: "none",
    ComponentStatus.DEGRADED_PERFORMANCE: "minor",
    ComponentStatus.PARTIAL_OUTAGE: "major",
    ComponentStatus.MAJOR_OUTAGE: "critical",
}
_DESCRIPTIONS = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
}


@dataclass(frozen=True)
class Release:
    """Everything that may be published at time ``at``; built only by :func:`gate`."""

    at: datetime
    """The build time T."""
    components: tuple[ComponentView, ...]
    """Display order."""
    incidents: tuple[PublishedIncident, ...]
    """Newest first (by first update time, then id)."""
    team_names: Mapping[str, str]
    """Team id -> display name, for "approved by"."""
    assumed: tuple[tuple[str, int], ...] = ()
    """(incident, update) shown only because the gate was asked to assume them approved (a drafts
    preview); empty in every release that may be published (:func:`refuse_assumed`)."""

    def incident(self, iid: str) -> PublishedIncident:
        for inc in self.incidents:
            if inc.id == iid:
                return inc
        raise KeyError(iid)

    @property
    def overall(self) -> Overall:
        """Worst of: component statuses (degraded -> minor, partial -> major, major outage ->
        critical) and the impact of open incidents; "Service Under Maintenance" when
        nothing is wrong but maintenance is in progress."""
        levels = [_COMPONENT_INDICATOR[c.status] for c in self.components]
        levels += [i.state.impact for i in self.incidents if i.active and i.kind is Kind.INCIDENT]
        indicator = max(levels, key=_INDICATOR_ORDER.index, default="none")
        if indicator == "none" and any(i.active and i.kind is Kind.MAINTENANCE for i in self.incidents):
            return Overall("none", "Service Under Maintenance")
        return Overall(indicator, _DESCRIPTIONS[indicator])


@dataclass(frozen=True)
class Held:
    """An update held back from the release, and why."""

    incident: str
    update: int
    reason: str
    """unapproved | embargoed | scheduled | after-held | technical-embargo"""
    detail: str
    until: datetime | None = None
    """When it can publish on its own (embargo or scheduled time), if it is approved."""


@dataclass(frozen=True)
class GateReport:
    """What the gate held back (never rendered into the site)."""

    held: tuple[Held, ...]
    approvals: Mapping[tuple[str, int], UpdateApprovals]
    next_change: datetime | None
    """The next time after T at which a rebuild would publish more (an embargo lifts, a
    scheduled update comes due, a maintenance window opens or closes), or None."""


def pending_updates(content: Content, approvals: Mapping[tuple[str, int], UpdateApprovals]
                    ) -> frozenset[tuple[str, int]]:
    """(incident, update) of every update some required team has not approved yet."""
    return frozenset((inc.id, u.id) for inc in content.incidents for u in inc.updates
                     if not approvals[(inc.id, u.id)].approved)


def refuse_assumed(release: Release) -> None:
    """Raise unless ``release`` is one the gate decided without assumptions: the publishing paths call
    it before they write anything (a drafts preview is never published)."""
    if release.assumed:
        shown = ", ".join(f"{iid} update {uid}" for iid, uid in release.assumed[:5])
        more = f" and {len(release.assumed) - 5} more" if len(release.assumed) > 5 else ""
        raise StatuskitError(f"refusing to publish a drafts preview: it shows updates as if approved that are not "
                             f"({shown}{more}); build drafts only with `statuskit build --drafts --site-dir DIR`")


def gate(content: Content, at: datetime, approvals: Mapping[tuple[str, int], UpdateApprovals] | None = None,
         *, assume_approved: frozenset[tuple[str, int]] = frozenset()) -> tuple[Release, GateReport]:
    """Decide what is public at ``at``. ``assume_approved`` (a drafts preview only): these updates count as
    approved; the release lists those it shows in :attr:`Release.assumed`, and no publishing path takes it."""
    if approvals is None:
        approvals = all_approvals(content)
    if assume_approved:
        approvals = _assuming(approvals, assume_approved)
    held: list[Held] = []
    future: list[datetime] = []
    published: list[PublishedIncident] = []
    for inc in content.incidents:
        p = _gate_incident(inc, at, approvals, held, future)
        if p is not None:
            published.append(p)
    release = _assemble(content, at, published, future)
    return release, GateReport(tuple(held), approvals, min(future, default=None))


def _assemble(content: Content, at: datetime, published: list[PublishedIncident], future: list[datetime]
              ) -> Release:
    """The release of the gated incidents: component statuses at T, newest first (adds to ``future``
    the maintenance windows still to open or close)."""
    statuses: dict[str, list[ComponentStatus]] = {}
    for p in published:
        if p.active:
            for cid, st in p.state.components.items():
                statuses.setdefault(cid, []).append(st)
        if p.kind is Kind.MAINTENANCE and p.state.scheduled and not p.closed:
            future += [t for t in (p.state.scheduled.start, p.state.scheduled.end) if t > at]
    views = tuple(ComponentView(c, worst(statuses.get(c.id, ()))) for c in content.components)
    published.sort(key=lambda p: (p.started_at, p.id), reverse=True)
    names = {t: team_name(t) for t in content.teams.required_teams}
    assumed = tuple(sorted((p.id, u.id) for p in published for u in p.updates if u.assumed))
    return Release(at, views, tuple(published), FrozenDict(names), assumed)


def regate_incident(release: Release, content: Content, inc: Incident,
                    approvals: Mapping[tuple[str, int], UpdateApprovals],
                    assume_approved: frozenset[tuple[str, int]]) -> Release:
    """``release`` (made by :func:`gate` from ``content``) with only ``inc`` gated again, assuming
    ``assume_approved`` (a drafts preview): the same as a whole :func:`gate` with that assumption when
    it names only updates of ``inc``, without gating every other incident again."""
    own: dict[tuple[str, int], UpdateApprovals] = {}  # the incident's updates are all it looks up
    for u in inc.updates:
        ap = approvals[(inc.id, u.id)]
        own[(inc.id, u.id)] = _Assumed(ap) if (inc.id, u.id) in assume_approved and not ap.approved else ap
    p = _gate_incident(inc, release.at, own, [], [])
    published = [q for q in release.incidents if q.id != inc.id] + ([p] if p is not None else [])
    return _assemble(content, release.at, published, [])


class _Assumed(UpdateApprovals):
    """An update's approvals with the missing teams assumed (drafts preview); ``really_missing`` keeps
    who has not approved."""

    def __init__(self, ap: UpdateApprovals) -> None:
        super().__init__(ap.digest, ap.valid, ap.rejected, (), ())
        object.__setattr__(self, "really_missing", ap.missing)

    really_missing: tuple[str, ...]


def _assuming(approvals: Mapping[tuple[str, int], UpdateApprovals], keys: frozenset[tuple[str, int]]
              ) -> dict[tuple[str, int], UpdateApprovals]:
    return {k: (_Assumed(ap) if k in keys and not ap.approved else ap) for k, ap in approvals.items()}


class _Retractable(Protocol):
    """What :func:`withdrawn_updates` reads of an update."""

    @property
    def id(self) -> int: ...
    @property
    def retracts(self) -> int | None: ...


_U = TypeVar("_U", bound=_Retractable)


def withdrawn_updates(updates: Sequence[_U], ready: Callable[[_U], bool]) -> tuple[int, set[int]]:
    """The published prefix of ``updates`` and the updates its retractions withdraw.

    ``ready(u)``: u is approved, due and past its embargo. Returns (n, withdrawn): updates[:n]
    publish, and ``withdrawn`` are those among them retracted by a retraction among them (rule 4).
    A withdrawn update need not be ready itself; any other update of the prefix is.
    """
    by_id = {u.id: u for u in updates}
    retraction: dict[int, int] = {}
    for u in updates:
        if u.retracts is not None:
            retraction.setdefault(u.retracts, u.id)  # validation allows one retraction per update
    cache: dict[int, bool] = {}

    def ok(uid: int) -> bool:
        if uid not in cache:
            cache[uid] = ready(by_id[uid])
        return cache[uid]

    # a retraction counts only if it is itself in the prefix; shrink the candidates to a fixpoint
    withdrawn = {k for k, r in retraction.items() if k in by_id and ok(r)}
    while True:
        n = 0
        for u in updates:
            if u.id not in withdrawn and not ok(u.id):
                break
            n += 1
        published = {u.id for u in updates[:n]}
        kept = {k for k in withdrawn if retraction[k] in published}
        if kept == withdrawn:
            return n, withdrawn
        withdrawn = kept


def _gate_incident(inc: Incident, at: datetime, approvals: Mapping[tuple[str, int], UpdateApprovals],
                   held: list[Held], future: list[datetime]
                   ) -> PublishedIncident | None:
    ups = inc.updates

    def due(u: Update) -> bool:
        return u.at <= at and (u.embargo_until is None or u.embargo_until <= at)

    # 2. and 4. the longest published prefix; the updates its retractions withdraw
    n, withdrawn = withdrawn_updates(ups, lambda u: approvals[(inc.id, u.id)].approved and due(u))
    retraction = {u.retracts: u.id for u in ups[:n] if u.retracts in withdrawn}
    if n < len(ups):
        u = ups[n]
        if not approvals[(inc.id, u.id)].approved:
            missing = ", ".join(approvals[(inc.id, u.id)].missing)
            held.append(Held(inc.id, u.id, "unapproved", f"missing approval from: {missing}"))
        elif u.at > at:
            held.append(Held(inc.id, u.id, "scheduled", "its time is in the future", u.at))
            future.append(u.at)
        else:
            held.append(Held(inc.id, u.id, "embargoed", "embargoed", u.embargo_until))
            if u.embargo_until is not None:  # (approved and at or before T: held only by its embargo)
                future.append(u.embargo_until)
        for v in ups[n + 1:]:
            # an approved retraction coming due may let the chain continue past the update it retracts
            if v.retracts is not None and approvals[(inc.id, v.id)].approved and not due(v):
                when = max(v.at, v.embargo_until or v.at)
                future.append(when)
                if v.retracts == u.id:
                    held.append(Held(inc.id, v.id, "after-held", f"waits for update {u.id} until its own time "
                                     f"{when:%Y-%m-%dT%H:%M:%SZ}; then it publishes and withdraws update {u.id}", when))
                    continue
            held.append(Held(inc.id, v.id, "after-held", f"waits for update {u.id}"))
    if n == 0:
        return None

    # strip what is withheld, then fold only what is published and not withdrawn
    shown: list[Update] = []
    pending: dict[int, bool] = {}
    for u in ups[:n]:
        if u.id in withdrawn:
            continue
        changes: dict[str, Any] = {"canonical": FrozenDict({})}
        if u.technical_embargo_until is not None and u.technical_embargo_until > at and (u.technical or u.report):
            changes.update(technical=None, report=None)
            pending[u.id] = True
            held.append(Held(inc.id, u.id, "technical-embargo", "technical text and report embargoed",
                             u.technical_embargo_until))
            future.append(u.technical_embargo_until)
        else:
            pending[u.id] = False
        shown.append(dataclasses.replace(u, **changes))
    # a title withdrawn with update 1 is restated by its retraction: earlier states take the latest
    states = with_restated_title(fold(shown))
    final = states[-1]
    state_of = {u.id: st for u, st in zip(shown, states, strict=True)}
    update_of = {u.id: u for u in shown}

    corrected: dict[int, list[int]] = {}
    for u in shown:
        if u.corrects is not None and u.corrects not in withdrawn:
            corrected.setdefault(u.corrects, []).append(u.id)
    out: list[PublishedUpdate] = []
    prev = None
    for orig in ups[:n]:
        if orig.id in withdrawn:
            # the withdrawn marker: dated by its retraction, nothing of the update as written
            r = update_of[retraction[orig.id]]
            stub = Update(id=orig.id, at=r.at, status=r.status)
            out.append(PublishedUpdate(
                update=stub, state=state_of[r.id], changes=(), digest=None, approved_by=(),
                technical_pending=False, retracted=True, retracted_by=r.id, corrected_by=(),
            ))
            continue
        u, st = update_of[orig.id], state_of[orig.id]
        changes_ = []
        for cid in st.components:
            old = prev.components.get(cid, ComponentStatus.OPERATIONAL) if prev else ComponentStatus.OPERATIONAL
            new = st.components[cid]
            if cid in u.components or old != new:
                changes_.append(ComponentChange(cid, old, new))
        ap = approvals[(inc.id, u.id)]
        out.append(PublishedUpdate(
            update=u, state=st, changes=tuple(changes_), digest=None if pending[u.id] else ap.digest,
            approved_by=ap.approved_by, technical_pending=pending[u.id],
            retracted=False, retracted_by=None, corrected_by=tuple(corrected.get(u.id, ())),
            assumed=isinstance(ap, _Assumed),
        ))
        prev = st
    return PublishedIncident(
        inc.id, inc.kind, tuple(out), final,
        active=is_active(inc.kind, shown, final, at),
        upcoming=is_upcoming(inc.kind, shown, final, at),
    )
