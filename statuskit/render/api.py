"""The Statuspage public API v2, as static JSON files (pure functions of the release).

>>> files = render_api(release, site)          # {"api/v2/summary.json": b'{"page":...}', ...}

Field names, enums, nesting and key order are Statuspage's (compare
``shared/reference/statuspage-v2-summary.githubstatus-2022-11-25.json``), so
clients written for a Statuspage-hosted page work unchanged. Decisions where
Statuspage's behaviour had to be mapped:

- **Ids** are 12 lowercase base32 characters of ``sha256("<kind>:<content id>")``
  (kinds ``component``, ``group``, ``incident``, ``incident_update`` with key
  ``<incident id>#<n>``): stable across rebuilds and sites.
- **Times** are UTC with milliseconds and ``Z`` (``2026-11-24T07:30:00.000Z``), all
  from the content: ``created_at``/``display_at`` of an update is its ``at``; a
  withdrawn update has only its retraction's time.
- **Groups**: each component ``group`` becomes a component with ``group: true``,
  ``components: [ids]`` and the worst status of its members; members carry its
  ``group_id``. The list is in display order (a group comes just before its
  members, where its first member is in components.yml); ``position`` numbers the
  top-level entries (groups and ungrouped components) from 1 and, as on Statuspage,
  restarts at 1 for the members inside each group.
- ``created_at`` of a component is the time of the site's first published update
  (statuskit does not record when a component was added); its ``updated_at`` is the
  last time its status changed, and ``page.updated_at`` the last time anything did
  (1970-01-01T00:00:00.000Z on an empty site).
- **incidents.json lists incidents and maintenances**, newest first, the last 50, as
  Statuspage does (a maintenance there has impact ``maintenance`` and
  ``scheduled_for``/``scheduled_until``); ``incidents/unresolved.json`` lists open
  incidents only. ``scheduled-maintenances*.json`` list maintenances, latest window
  first; ``upcoming`` = announced and not started, ``active`` = in progress at T.
- A maintenance whose window has opened (or closed) without an update saying so gets
  Statuspage's automatic status ``in_progress`` (``completed``), with no invented
  update text.
- ``incident_updates`` (newest first, by time then update number) lists the updates with public text, and
  withdrawn updates (their retraction is published) with the body "Update <n> was
  withdrawn on <date>.", the retraction's status and every time the retraction's
  (nothing of their own). Technical-only updates are not listed; a component change they made
  is reported on the next listed update. ``affected_components`` is null when the
  update changes no component.
- ``body`` is plain text, as Statuspage sends it: the update's Markdown with soft line
  breaks joined, paragraphs apart by a blank line, list items on their own lines, no
  emphasis marks, links as ``text (url)``, and indicators of compromise defanged as on
  the pages (:func:`statuskit.render.markdown.render_plain`).
- ``status`` is :attr:`Release.overall`, except that ``indicator`` is ``maintenance``
  (as Statuspage sends) when a maintenance is in progress and nothing else is wrong.
- **Uptime** (statuskit): a component with ``start_date`` in components.yml has Statuspage's
  ``start_date`` (``YYYY-MM-DD``) and ``showcase: true`` (Statuspage's switch for the uptime bars), and an
  ``uptime`` object Statuspage has not got: the 90-day percentage and one entry per UTC day
  (:func:`uptime_json`). Without ``start_date`` they stay ``null``, ``false`` and ``null``; groups have
  ``uptime: null``. The rule is :mod:`statuskit.render.uptime`'s.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..gate.release import ComponentChange, PublishedIncident, PublishedUpdate, Release
from ..model.fold import worst
from ..model.records import ComponentStatus, Kind
from .feeds import EPOCH, retraction_note, shown_in_public
from .markdown import render_plain
from .site import SiteInfo
from .uptime import UPTIME_DAYS, ComponentUptime, uptime
from .views import IncidentMarkdown, markdown_for

__all__ = ["API_LIMIT", "render_api", "statuspage_id", "api_time", "uptime_json"]

API_LIMIT = 50
"""Incidents in incidents.json and scheduled-maintenances.json (Statuspage's 50 most recent)."""


def statuspage_id(kind: str, key: str) -> str:
    """A Statuspage-style id: 12 lowercase alphanumerics, stable for ``kind`` and ``key``.

    >>> statuspage_id("component", "scheduling") == statuspage_id("component", "scheduling")
    True
    """
    digest = hashlib.sha256(f"{kind}:{key}".encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:12]


def api_time(dt: datetime | None) -> str | None:
    """``2026-11-24T07:30:00.000Z`` (UTC, milliseconds), or None."""
    if dt is None:
        return None
    dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class _Timing:
    """An incident's times as Statuspage reports them."""

    status: str
    resolved_at: datetime | None
    updated_at: datetime
    effects: tuple[datetime, ...]
    """Times at or before T when it changed component statuses by itself (a window opening or closing)."""


def _timing(inc: PublishedIncident, at: datetime) -> _Timing:
    status, resolved, effects = inc.state.status, inc.resolved_at, []
    window = inc.state.scheduled
    if inc.kind is Kind.MAINTENANCE and window is not None:
        started = inc.first_at("in_progress", "verifying")
        start = min(t for t in (started, window.start) if t is not None)
        if start <= at:
            effects.append(start)
        if not inc.closed:
            if at >= window.end:  # nobody marked it complete: the window's end closes it
                status, resolved = "completed", window.end
            elif inc.active and status == "scheduled":
                status = "in_progress"
        if resolved is not None:
            effects.append(resolved)
    updated = max([inc.updated_at, *effects])
    return _Timing(status, resolved, updated, tuple(effects))


class _Api:
    """One build of the API: the release, the site and derived lookups."""

    def __init__(self, release: Release, site: SiteInfo) -> None:
        self.release, self.site = release, site
        self.timing = {inc.id: _timing(inc, release.at) for inc in release.incidents}
        self.views = {v.id: v for v in release.components}
        self.uptime = uptime(release)
        first = min((inc.started_at for inc in release.incidents), default=None)
        self.created = first or EPOCH
        self.page_updated = max((t.updated_at for t in self.timing.values()), default=EPOCH)
        self.components = self._components()
        self.by_id = {c["id"]: c for c in self.components}
        self.markdown: dict[str, IncidentMarkdown] = {}

    # components ---------------------------------------------------------------------------

    def _component_updated(self, cid: str) -> datetime:
        times = []
        for inc in self.release.incidents:
            if cid not in inc.components:
                continue
            effects = self.timing[inc.id].effects
            changed = [u.at for u in inc.updates if any(ch.component == cid for ch in u.changes)]
            if inc.kind is Kind.MAINTENANCE:  # its statuses count only while it is in progress
                changed = [t for t in changed if effects and effects[0] <= t <= effects[-1]]
            times += changed + list(effects)
        return max((t for t in times if t <= self.release.at), default=self.created)

    def _component(self, cid: str, position: int, group_id: str | None) -> dict[str, Any]:
        view = self.views[cid]
        c = view.component
        return {
            "id": statuspage_id("component", cid),
            "name": c.name,
            "status": view.status.value,
            "created_at": api_time(self.created),
            "updated_at": api_time(self._component_updated(cid)),
            "position": position,
            "description": c.description,
            "showcase": c.start_date is not None,
            "start_date": c.start_date.isoformat() if c.start_date else None,
            "group_id": group_id,
            "page_id": self.site.page_id,
            "group": False,
            "only_show_if_degraded": False,
            "uptime": uptime_json(self.uptime[cid]) if cid in self.uptime else None,
        }

    def _components(self) -> list[dict[str, Any]]:
        """Components and groups in display order; a group just before its members."""
        groups: dict[str, list[str]] = {}
        for v in self.release.components:
            if v.component.group:
                groups.setdefault(v.component.group, []).append(v.id)
        out: list[dict[str, Any]] = []
        done: set[str] = set()
        top = 0  # position among the top-level entries; a group's members count from 1 inside it
        for v in self.release.components:
            name = v.component.group
            if name is None:
                top += 1
                out.append(self._component(v.id, top, None))
                continue
            if name in done:
                continue
            done.add(name)
            gid = statuspage_id("group", name)
            members = groups[name]
            top += 1
            group = {
                "id": gid,
                "name": name,
                "status": worst(self.views[m].status for m in members).value,
                "created_at": api_time(self.created),
                "updated_at": None,
                "position": top,
                "description": None,
                "showcase": False,
                "start_date": None,
                "group_id": None,
                "page_id": self.site.page_id,
                "group": True,
                "only_show_if_degraded": False,
                "components": [statuspage_id("component", m) for m in members],
                "uptime": None,
            }
            out.append(group)
            children = [self._component(m, i + 1, gid) for i, m in enumerate(members)]
            group["updated_at"] = max(c["updated_at"] for c in children)
            out += children
        return out

    # incidents ----------------------------------------------------------------------------

    def _affected(self, changes: list[ComponentChange]) -> list[dict[str, str]] | None:
        if not changes:
            return None
        return [{
            "code": statuspage_id("component", ch.component),
            "name": self.views[ch.component].component.name,
            "old_status": ch.old.value,
            "new_status": ch.new.value,
        } for ch in changes if ch.component in self.views] or None

    def _updates(self, inc: PublishedIncident, iid: str) -> list[dict[str, Any]]:
        out = []
        carried: dict[str, list[ComponentStatus]] = {}  # changes of unlisted (technical-only) updates
        for u in inc.updates:
            if u.retracted:  # the withdrawn marker changes nothing (and carries no one else's change)
                out.append(((u.at, u.id), self._update(inc, iid, u, [])))
                continue
            for ch in u.changes:
                carried.setdefault(ch.component, [ch.old, ch.new])[1] = ch.new
            if not shown_in_public(u):
                continue
            changes = [ComponentChange(cid, old, new) for cid, (old, new) in carried.items()]
            carried = {}
            out.append(((u.at, u.id), self._update(inc, iid, u, changes)))
        # newest first; a withdrawn update's marker is dated by its retraction, so it sorts with it
        return [doc for _, doc in sorted(out, key=lambda o: o[0], reverse=True)]

    def _plain(self, inc: PublishedIncident, text: str | None) -> str:
        """Public Markdown as Statuspage's plain-text ``body``, indicators defanged as on the pages."""
        md = self.markdown.get(inc.id)
        if md is None:
            md = self.markdown[inc.id] = markdown_for(inc)
        return render_plain(md.defanged(text))

    def _update(self, inc: PublishedIncident, iid: str, u: PublishedUpdate, changes: list[ComponentChange]
                ) -> dict[str, Any]:
        updated = u.at  # a withdrawn update's is already its retraction's
        body = retraction_note(inc, u) if u.retracted else self._plain(inc, u.public)
        return {
            "id": statuspage_id("incident_update", f"{inc.id}#{u.id}"),
            "status": u.status,
            "body": body,
            "incident_id": iid,
            "created_at": api_time(u.at),
            "updated_at": api_time(updated),
            "display_at": api_time(u.at),
            "affected_components": self._affected(changes),
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
        }

    def incident(self, inc: PublishedIncident) -> dict[str, Any]:
        iid = statuspage_id("incident", inc.id)
        t = self.timing[inc.id]
        out: dict[str, Any] = {
            "id": iid,
            "name": inc.title,
            "status": t.status,
            "created_at": api_time(inc.started_at),
            "updated_at": api_time(t.updated_at),
            "monitoring_at": api_time(inc.first_at("monitoring")),
            "resolved_at": api_time(t.resolved_at),
            "impact": inc.state.impact,
            "shortlink": f"{self.site.url}incidents/{inc.id}/",
            "started_at": api_time(inc.started_at),
            "page_id": self.site.page_id,
            "incident_updates": self._updates(inc, iid),
            "components": [self.by_id[statuspage_id("component", v.id)]
                           for v in self.release.components if v.id in inc.components],
        }
        if inc.kind is Kind.MAINTENANCE:
            window = inc.state.scheduled
            out["scheduled_for"] = api_time(window.start if window else None)
            out["scheduled_until"] = api_time(window.end if window else None)
        return out

    # documents ----------------------------------------------------------------------------

    def page(self) -> dict[str, Any]:
        return {
            "id": self.site.page_id,
            "name": self.site.name,
            "url": self.site.url.rstrip("/"),
            "time_zone": self.site.time_zone,
            "updated_at": api_time(self.page_updated),
        }

    def status(self) -> dict[str, str]:
        overall = self.release.overall
        maintenance = overall.indicator == "none" and any(
            i.active and i.kind is Kind.MAINTENANCE for i in self.release.incidents)
        return {"indicator": "maintenance" if maintenance else overall.indicator, "description": overall.description}

    def maintenances(self) -> list[PublishedIncident]:
        """Maintenances, latest window first."""
        ms = [i for i in self.release.incidents if i.kind is Kind.MAINTENANCE]
        return sorted(ms, key=lambda i: (i.state.scheduled.start if i.state.scheduled else i.started_at, i.id),
                      reverse=True)

    def documents(self) -> dict[str, dict[str, Any]]:
        incidents = self.release.incidents
        unresolved = [self.incident(i) for i in incidents if i.kind is Kind.INCIDENT and not i.closed]
        maint = self.maintenances()
        upcoming = [self.incident(i) for i in maint if i.upcoming]
        active = [self.incident(i) for i in maint if i.active]
        page = self.page()
        return {
            "summary.json": {"page": page, "components": self.components, "incidents": unresolved,
                             "scheduled_maintenances": active + upcoming,
                             "status": self.status()},
            "status.json": {"page": page, "status": self.status()},
            "components.json": {"page": page, "components": self.components},
            "incidents.json": {"page": page, "incidents": [self.incident(i) for i in incidents[:API_LIMIT]]},
            "incidents/unresolved.json": {"page": page, "incidents": unresolved},
            "scheduled-maintenances.json": {"page": page, "scheduled_maintenances":
                                            [self.incident(i) for i in maint[:API_LIMIT]]},
            "scheduled-maintenances/upcoming.json": {"page": page, "scheduled_maintenances": upcoming},
            "scheduled-maintenances/active.json": {"page": page, "scheduled_maintenances": active},
        }


def uptime_json(record: ComponentUptime) -> dict[str, Any]:
    """A component's ``uptime``: ``percent`` (rounded down to hundredths; null while nothing is on
    record), the window and, per UTC day oldest first, its worst ``status`` (null: no data) and the
    whole ``minutes`` (rounded up) spent in each status."""
    return {
        "days": UPTIME_DAYS,
        "from": record.days[0].day.isoformat(),
        "until": record.days[-1].day.isoformat(),
        "percent": record.percent,
        "daily": [{"date": d.day.isoformat(), "status": d.worst.value if d.worst else None,
                   "minutes": {s.value: d.minutes(s) for s in d.seconds}} for d in record.days],
    }


def _dump(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def render_api(release: Release, site: SiteInfo) -> dict[str, bytes]:
    """The eight ``api/v2/*.json`` files: relative path -> bytes."""
    return {f"api/v2/{name}": _dump(doc) for name, doc in _Api(release, site).documents().items()}
