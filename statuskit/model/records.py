"""Typed, frozen records of the content model (content format version 1).

Only :mod:`statuskit.model.validate` builds these, from documents read by
:mod:`statuskit.model.load`; everything after that trusts them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Mapping, NoReturn


class FrozenDict(dict[Any, Any]):
    """A read-only dict that pickles (records cross process boundaries in parallel loads)."""

    __slots__ = ()

    def _readonly(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("FrozenDict is read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _readonly  # a dict's mutators, each refusing

    def __reduce__(self) -> tuple[type[FrozenDict], tuple[dict[Any, Any]]]:
        return (FrozenDict, (dict(self),))


class Kind(str, enum.Enum):
    """What an incident file describes."""

    INCIDENT = "incident"
    """Something went wrong."""
    MAINTENANCE = "maintenance"
    """Planned work in a window."""


class ComponentStatus(str, enum.Enum):
    """Statuspage's five component statuses, in order of severity (worst last)."""

    OPERATIONAL = "operational"
    """Working normally."""
    UNDER_MAINTENANCE = "under_maintenance"
    """Planned work is under way."""
    DEGRADED_PERFORMANCE = "degraded_performance"
    """Working, slower or less reliably than usual."""
    PARTIAL_OUTAGE = "partial_outage"
    """Some users or some functions cannot use it."""
    MAJOR_OUTAGE = "major_outage"
    """Unavailable."""

    @property
    def severity(self) -> int:
        return _COMPONENT_ORDER[self]

    @property
    def label(self) -> str:
        return _COMPONENT_LABELS[self]


_COMPONENT_ORDER = {s: i for i, s in enumerate(ComponentStatus)}
_COMPONENT_LABELS = {
    ComponentStatus.OPERATIONAL: "Operational",
    ComponentStatus.UNDER_MAINTENANCE: "Under maintenance",
    ComponentStatus.DEGRADED_PERFORMANCE: "Degraded performance",
    ComponentStatus.PARTIAL_OUTAGE: "Partial outage",
    ComponentStatus.MAJOR_OUTAGE: "Major outage",
}

INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved", "postmortem")
"""Statuses of an incident update, Statuspage's names."""
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "verifying", "completed")
"""Statuses of a maintenance update, Statuspage's names."""
CLOSED_STATUSES = frozenset({"resolved", "postmortem", "completed"})
"""Statuses after which an incident or maintenance is no longer open."""
INCIDENT_IMPACTS = ("none", "minor", "major", "critical")
"""Impact levels of an incident; a maintenance's impact is ``maintenance``."""
INDICATOR_TYPES = ("ipv4", "ipv6", "domain", "url", "email", "sha256", "sha1", "md5", "filename", "other")
"""Types of an indicator of compromise."""
DATA_EXPOSURE = ("none", "under_investigation", "confirmed")
"""Values of the shared fact ``data_exposure``."""

STATUS_LABELS = {
    "investigating": "Investigating",
    "identified": "Identified",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
    "postmortem": "Postmortem",
    "scheduled": "Scheduled",
    "in_progress": "In progress",
    "verifying": "Verifying",
    "completed": "Completed",
}
"""Words shown for each update status."""


@dataclass(frozen=True)
class Component:
    """A part of the service whose status the page shows."""

    id: str
    """Identifier, ``^[a-z0-9][a-z0-9-]{0,79}$``."""
    name: str
    """Display name."""
    description: str | None
    """Optional one-line description."""
    group: str | None
    """Optional display group."""
    position: int
    """1-based order in components.yml (display order)."""
    line: int | None = None
    """Line in components.yml."""
    start_date: date | None = None
    """``start_date``: the UTC day its uptime record starts (None: no uptime record is shown)."""


@dataclass(frozen=True)
class Member:
    """A person who may approve updates."""

    id: str
    """Identifier used in approval file names."""
    name: str
    """Full name."""
    keys: tuple[str, ...]
    """OpenSSH public key lines."""
    github: str | None = None
    """Optional forge login."""


@dataclass(frozen=True)
class Teams:
    """The approval registry (teams.yml)."""

    namespace: str
    """SSH signature namespace."""
    required_teams: tuple[str, ...]
    """Teams that must each approve every update."""
    members: Mapping[str, Member]
    """Members by id."""
    teams: Mapping[str, tuple[str, ...]]
    """Team id -> member ids."""
    revoked_keys: tuple[str, ...] = ()
    """Public key lines whose signatures never count."""
    file: str = "teams.yml"
    """Where it was read from."""


@dataclass(frozen=True)
class Window:
    """A maintenance window."""

    start: datetime
    """``from``: when the work begins."""
    end: datetime
    """``until``: when it is planned to end."""


@dataclass(frozen=True)
class TimelineEntry:
    """One event of a technical report's timeline."""

    at: datetime
    """When it happened (UTC)."""
    event: str
    """What happened (Markdown)."""


@dataclass(frozen=True)
class Indicator:
    """An indicator of compromise."""

    type: str
    """One of :data:`INDICATOR_TYPES`."""
    value: str
    """The raw value; renderers defang it."""
    context: str | None = None
    """What it is (e.g. "C2 server")."""


@dataclass(frozen=True)
class CvssScore:
    """The CVSS v3 base vector of one of a report's CVEs, for the product it scores."""

    cve: str
    """A CVE id listed in the report's ``cves``."""
    vector: str
    """A CVSS 3.0 or 3.1 vector string (``CVSS:3.1/AV:N/...``), checked by the ``cvss`` library."""
    product: str
    """The product the score applies to, e.g. "Palo Alto Networks PAN-OS (GlobalProtect)" (one line)."""
    cpe: str | None = None
    """The product's CPE name (CSAF ``product_identification_helper.cpe``), optional."""


@dataclass(frozen=True)
class Report:
    """A complete technical report revision; a later one replaces it."""

    summary: str | None = None
    root_cause: str | None = None
    timeline: tuple[TimelineEntry, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    attack_techniques: tuple[str, ...] = ()
    cves: tuple[str, ...] = ()
    cvss: tuple[CvssScore, ...] = ()
    """CVSS scores of some of ``cves`` (at most one per CVE), in the report's order."""
    detection: str | None = None
    remediation: str | None = None
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class CustomerAction:
    """Something customers should do, shown identically on both tracks."""

    id: str
    """Stable identifier."""
    text: str
    """The action, in plain words (Markdown)."""


@dataclass(frozen=True)
class Facts:
    """Shared facts: one source for both the public and the technical page.

    Each field is None (or empty) when the update does not set it; folding
    carries the latest set value forward.
    """

    data_exposure: str | None = None
    """none | under_investigation | confirmed."""
    data_categories: tuple[str, ...] | None = None
    """Kinds of data involved (e.g. "appointment details")."""
    customer_actions: tuple[CustomerAction, ...] | None = None
    """What customers should do."""
    affected_customers: str | None = None
    """Who is affected, in words."""
    detected_at: datetime | None = None
    """When the incident was detected."""
    contained_at: datetime | None = None
    """When it was contained."""
    security_incident: bool | None = None
    """Whether this is a security incident (``security_incident: true``): the security lints
    (``cadence-title-date``) read only those. Not shown as a fact."""

    def merged(self, later: "Facts") -> "Facts":
        """These facts with every field ``later`` sets replaced."""
        return Facts(**{
            name: getattr(later, name) if getattr(later, name) is not None else getattr(self, name)
            for name in self.__dataclass_fields__
        })

    def is_empty(self) -> bool:
        """Whether no fact to show is set (the security_incident flag is not shown)."""
        return all(getattr(self, n) is None for n in self.__dataclass_fields__ if n != "security_incident")


@dataclass(frozen=True)
class Update:
    """One version of an incident: what the authors wrote for it."""

    id: int
    """1, 2, 3, ... in file order."""
    at: datetime
    """Display time (UTC)."""
    status: str
    """Incident or maintenance status."""
    title: str | None = None
    impact: str | None = None
    components: Mapping[str, ComponentStatus] = field(default_factory=lambda: FrozenDict({}))
    """Component statuses this update sets (file order)."""
    scheduled: Window | None = None
    next_update_at: datetime | None = None
    public: str | None = None
    """Markdown for customers."""
    technical: str | None = None
    """Markdown for industry peers."""
    report: Report | None = None
    embargo_until: datetime | None = None
    technical_embargo_until: datetime | None = None
    corrects: int | None = None
    retracts: int | None = None
    facts: Facts = field(default_factory=Facts)
    acknowledge: tuple[str, ...] = ()
    """Lint rule ids this update knowingly breaks (approved with it)."""
    canonical: Mapping[str, Any] = field(default_factory=lambda: FrozenDict({}), repr=False, compare=False)
    """The update as written, normalised (UTC times, NFC, ``\\n``): the input of the approval digest."""
    line: int | None = None
    """Line of the update in its file."""
    field_lines: Mapping[str, int] = field(default_factory=lambda: FrozenDict({}), repr=False, compare=False)
    """Line of each top-level key of the update (for lint messages)."""


@dataclass(frozen=True)
class Incident:
    """An incident or maintenance file."""

    id: str
    kind: Kind
    updates: tuple[Update, ...]
    file: str
    """Path used in messages."""

    def update(self, n: int) -> Update:
        return self.updates[n - 1]


@dataclass(frozen=True)
class ApprovalFile:
    """An approval signature file found under content/approvals/."""

    incident: str
    update: int
    team: str
    member: str
    file: str
    data: bytes


@dataclass(frozen=True)
class Content:
    """Everything under content/, validated."""

    root: str
    components: tuple[Component, ...]
    teams: Teams
    incidents: tuple[Incident, ...]
    """Sorted by id."""
    approvals: Mapping[tuple[str, int], tuple[ApprovalFile, ...]]
    """(incident id, update id) -> approval files, sorted by path."""

    def component(self, cid: str) -> Component:
        return self._components_by_id[cid]

    @property
    def _components_by_id(self) -> dict[str, Component]:
        cache = self.__dict__.get("_cby")
        if cache is None:
            cache = {c.id: c for c in self.components}
            object.__setattr__(self, "_cby", cache)
        return cache

    def incident(self, iid: str) -> Incident:
        for inc in self.incidents:
            if inc.id == iid:
                return inc
        raise KeyError(iid)
