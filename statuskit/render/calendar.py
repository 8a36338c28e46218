"""Maintenance calendars (RFC 5545): ``maintenance.ics`` and ``components/<id>/maintenance.ics``.

>>> files = render_calendars(release, site)
>>> sorted(files)[:2]
['components/partner-api/maintenance.ics', 'components/patient-portal/maintenance.ics']

One ``VEVENT`` per published maintenance with a window (reference/outputs.md, "Maintenance calendars"):

- ``UID``: ``<incident id>@<site host>``, stable for the life of the maintenance;
- ``DTSTART``/``DTEND``: its current window, in UTC;
- ``SEQUENCE``: how many published updates after the first changed the window or the status (see
  :func:`sequence`): it grows with each such change and never goes down, not even when a retraction
  publishes;
- ``STATUS``: ``CANCELLED`` for a cancelled maintenance (completed before its window opened without
  ever starting: see :func:`cancelled`), otherwise ``CONFIRMED``; a completed one says so in its
  ``SUMMARY`` and ``DESCRIPTION`` (RFC 5545 has no completed status for events);
- ``DTSTAMP`` and ``LAST-MODIFIED``: its latest published update, ``CREATED``: its first, so the bytes
  depend only on the release, never on the clock.

Only the release is read: embargoed, unapproved and withdrawn updates never reach a calendar.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from ..gate.release import PublishedIncident, Release
from ..model.records import Kind
from .markdown import render_plain
from .site import SiteInfo
from .views import markdown_for

__all__ = ["render_calendars", "calendar_path", "component_calendar_path", "event_uid", "sequence", "cancelled"]

PRODID = "-//statuskit//maintenance calendar//EN"


def calendar_path() -> str:
    """The site-wide calendar, relative to the site root."""
    return "maintenance.ics"


def component_calendar_path(cid: str) -> str:
    """A component's calendar, relative to the site root."""
    return f"components/{cid}/maintenance.ics"


def event_uid(inc: PublishedIncident, site: SiteInfo) -> str:
    """``<incident id>@<site host>``: the same for every build of the maintenance."""
    return f"{inc.id}@{urlsplit(site.url).hostname or 'statuskit'}"


def cancelled(inc: PublishedIncident) -> bool:
    """A maintenance is cancelled when it was completed before its window opened and never started
    (no ``in_progress`` or ``verifying`` update): that is how statuskit content says "called off"."""
    window = inc.state.scheduled
    done = inc.resolved_at
    if inc.kind is not Kind.MAINTENANCE or window is None or done is None:
        return False
    started = any(u.status in ("in_progress", "verifying") for u in inc.live)
    return not started and done < window.start


def sequence(inc: PublishedIncident) -> int:
    """The event's ``SEQUENCE``: the published updates after the first whose window or status differs
    from the update before them (withdrawn updates left out), plus, for each withdrawn update, one for
    every update from it to its retraction. Before the retraction published, each of those may have
    changed the event once (what the withdrawn update set is no longer in the release to compare with),
    so counting them keeps ``SEQUENCE`` from going down when the retraction publishes."""
    n = 0
    prev = None
    for u in inc.updates:
        if u.retracted:
            assert u.retracted_by is not None
            n += u.retracted_by - u.id + 1
            continue
        if prev is not None and (u.state.scheduled != prev.state.scheduled or u.status != prev.status):
            n += 1
        prev = u
    return n


def _event(inc: PublishedIncident, site: SiteInfo) -> Event:
    _ = site.lang.gettext
    window = inc.state.scheduled
    assert window is not None  # callers pass maintenance with a window only
    latest = next((u for u in reversed(inc.live) if u.public), None)
    title = inc.title
    if cancelled(inc):
        status, note = "CANCELLED", _("This maintenance was cancelled.")
        title = _("Cancelled: %(title)s") % {"title": title}
    elif inc.closed:
        status, note = "CONFIRMED", _("This maintenance is completed.")
        title = _("Completed: %(title)s") % {"title": title}
    else:
        status, note = "CONFIRMED", ""
    url = f"{site.url}incidents/{inc.id}/"
    # the update as plain text, as the API's bodies: a calendar shows no Markdown
    public = render_plain(markdown_for(inc).defanged(latest.public)) if latest and latest.public else ""
    text = "\n\n".join(t for t in (note, public, url) if t)
    ev = Event()
    ev.add("uid", event_uid(inc, site))
    ev.add("dtstamp", inc.updated_at)
    ev.add("created", inc.started_at)
    ev.add("last-modified", inc.updated_at)
    ev.add("sequence", sequence(inc))
    ev.add("status", status)
    ev.add("summary", title)
    ev.add("dtstart", window.start)
    ev.add("dtend", window.end)
    ev.add("description", text)
    ev.add("url", url)
    ev.add("transp", "TRANSPARENT")
    return ev


def _calendar(incs: list[PublishedIncident], site: SiteInfo, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for inc in sorted(incs, key=lambda i: (_start(i), i.id)):
        cal.add_component(_event(inc, site))
    return bytes(cal.to_ical())


def _start(inc: PublishedIncident) -> datetime:
    assert inc.state.scheduled is not None
    return inc.state.scheduled.start


def render_calendars(release: Release, site: SiteInfo) -> dict[str, bytes]:
    """The site's calendar and one per component: relative path -> bytes (every component has one,
    empty when no maintenance involved it, so a subscription never breaks)."""
    _ = site.lang.gettext
    maint = [i for i in release.incidents if i.kind is Kind.MAINTENANCE and i.state.scheduled is not None]
    out = {calendar_path(): _calendar(maint, site, _("%(site)s: planned maintenance") % {"site": site.name})}
    for cv in release.components:
        mine = [i for i in maint if cv.id in i.components]
        out[component_calendar_path(cv.id)] = _calendar(
            mine, site, _("%(site)s: maintenance of %(name)s") % {"site": site.name, "name": cv.component.name})
    return out
