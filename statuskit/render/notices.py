"""Announcements of published updates: plain-text messages, a pure function of the release.

>>> [n.key for n in notices(release, site)]
['public:2024-07-31-outage:1', 'technical:2024-07-31-outage:2']
>>> notices(release, site)[0].subject
'[Northbridge Health status] API outage — Investigating'

One :class:`Notice` per published update and track (``statuskit notify`` decides which
of them are new and sends them):

- ``public``: every published update with public text, for customer channels, linking
  to ``incidents/<id>/#update-<n>``;
- ``technical``: every published update whose technical text or report revision is public
  (past its technical embargo), for peer channels, linking to the technical page
  ``incidents/<id>/technical/#update-<n>``.

A withdrawn update has no notice (the release holds nothing of it; its retraction, an
update of its own, is announced). The text is the one the pages show: Markdown rendered and
sanitised by :func:`statuskit.render.views.markdown_for` (indicators of compromise defanged,
on both tracks as on the pages), then turned into plain text: paragraphs, ``- `` list items,
links as ``text (URL)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..gate.release import PublishedIncident, PublishedUpdate, Release
from ..model.records import STATUS_LABELS
from .markdown import html_text
from .site import SiteInfo
from .views import markdown_for, reference_hosts

__all__ = ["Notice", "notices", "plain_text", "TRACKS"]

TRACKS = ("public", "technical")
"""The two audience tracks: customers (public) and peers (technical)."""


@dataclass(frozen=True)
class Notice:
    """One announcement of one published update on one track."""

    key: str
    """``<track>:<incident id>:<update id>``: the same on every run (the delivery ledger's key)."""
    track: str
    """``public`` or ``technical``."""
    incident: str
    """The incident id."""
    update: int
    """The update id."""
    components: tuple[str, ...]
    """Every component the incident touched (for routing by component)."""
    subject: str
    """``[Site name] Incident title — Status``."""
    body: str
    """Plain text: the update's text, then the link."""
    link: str
    """The update on the incident page (public) or on the technical page (technical)."""


def plain_text(html: str) -> str:
    """Sanitised HTML as plain text (:func:`statuskit.render.markdown.html_text`, as the API's bodies)."""
    return html_text(html)


def _notice(release: Release, site: SiteInfo, inc: PublishedIncident, u: PublishedUpdate, track: str) -> Notice:
    lang = site.lang
    _ = lang.gettext
    page = f"{site.url}incidents/{inc.id}/"
    status = _(STATUS_LABELS.get(u.status, u.status))
    words = {"site": site.name, "title": u.state.title, "status": status}
    # as on its page: the technical track also defangs the indicators its prose names without listing them
    md = markdown_for(inc) if track == "public" else markdown_for(inc, reference_hosts(inc, site.url))
    parts: list[str] = []
    if track == "public":
        link = f"{page}#update-{u.id}"
        subject = _("[%(site)s] %(title)s — %(status)s") % words
        parts.append(plain_text(str(md(u.public))))
        parts.append(_("Full update: %(url)s") % {"url": link})
    else:
        link = f"{page}technical/#update-{u.id}"
        subject = _("[%(site)s] %(title)s — %(status)s (technical details)") % words
        if u.technical:
            parts.append(plain_text(str(md(u.technical))))
        if u.update.report is not None:
            parts.append(_("The technical report was revised with this update; read it on the technical page "
                           "(indicators defanged)."))
        parts.append(_("Technical page: %(url)s") % {"url": link})
    body = "\n\n".join(p for p in parts if p)
    return Notice(f"{track}:{inc.id}:{u.id}", track, inc.id, u.id, inc.components, subject, body, link)


def notices(release: Release, site: SiteInfo) -> list[Notice]:
    """Every announcement the release allows, oldest update first (then incident id, update id;
    public before technical)."""
    shown: list[tuple[tuple[datetime, str, int, int], PublishedIncident, PublishedUpdate, str]] = []
    for inc in release.incidents:
        for u in inc.updates:
            if u.retracted:
                continue  # withdrawn: nothing of it is in the release; its retraction is announced
            if u.public and u.public.strip():
                shown.append(((u.at, inc.id, u.id, 0), inc, u, "public"))
            if u.technical or u.update.report is not None:
                shown.append(((u.at, inc.id, u.id, 1), inc, u, "technical"))
    shown.sort(key=lambda s: s[0])
    return [_notice(release, site, inc, u, track) for _, inc, u, track in shown]
