"""RSS 2.0 and Atom feeds (feedgen), pure functions of the release.

>>> files = render_feeds(release, site)       # {"history.rss": b"<?xml ...", ...}

Feeds (outputs.md):

- ``history.rss`` / ``history.atom``: one entry per published public update
  (maintenance included), newest first, the last 50;
- ``components/<id>/history.rss`` / ``.atom``: the same, for incidents that touch
  that component;
- ``technical.rss`` / ``technical.atom``: one entry per published technical text
  or report revision, indicators defanged; each ends with links to the incident's
  machine-readable exports (:func:`statuskit.render.csaf.exports_of`).

Entry ids are ``<site_url>incidents/<id>/#update-<n>`` (technical:
``<site_url>incidents/<id>/technical/#update-<n>``), the same on every rebuild.
Every time comes from the content: an entry's time is its update's ``at``, and a
feed's ``updated``/``lastBuildDate`` is its newest entry's time (never the wall
clock). A feed with no entries takes the newest public update of the whole site,
or 1970-01-01T00:00:00Z on a site without any.

A withdrawn update (its retraction is published) keeps its entry id in the public
feeds (so readers that cached the original replace it), with "Update <n> was
withdrawn on <date>." and a link to the retraction (whose own entry carries its text),
never anything of its own: the entry is dated by the retraction (``published`` and ``updated``). Before its
retraction publishes, a retracted update is an ordinary entry. The technical feed
leaves withdrawn updates out entirely: the release does not say whether they ever
had a technical track. Technical text and
reports under a technical embargo are not in the release, so they cannot appear.
Updates without public text (technical-only) appear only in the technical feed.
"""

from __future__ import annotations

from typing import Any
from dataclasses import dataclass
from datetime import datetime, timezone

from feedgen.feed import FeedGenerator

from markupsafe import Markup

from ..version import __version__
from ..gate.release import PublishedIncident, PublishedUpdate, Release
from ..model.records import STATUS_LABELS
from .csaf import exports_of
from .i18n import Language, language
from .site import SiteInfo
from .templates import render
from .views import markdown_for, reference_hosts, update_view

__all__ = ["FEED_LIMIT", "render_feeds", "shown_in_public", "retraction_note", "human_time"]

FEED_LIMIT = 50
"""Entries per feed (the newest)."""
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
"""The time of a feed on a site with nothing published yet."""

@dataclass(frozen=True)
class Entry:
    """One feed entry, before feedgen."""

    id: str
    """Stable guid / Atom id."""
    link: str
    title: str
    published: datetime
    """The update's ``at``."""
    updated: datetime
    """``published`` (for a withdrawn update both are its retraction's time)."""
    html: str
    """Entry content (sanitised HTML)."""
    sort_key: tuple[Any, ...]
    """Newest first: (time, incident id, update id), descending."""


def shown_in_public(u: PublishedUpdate) -> bool:
    """Whether the public outputs (history feeds, JSON API) list this update: it has public
    text, or it was withdrawn (then only the withdrawn marker shows)."""
    return u.retracted or bool(u.public)


def human_time(dt: datetime, lang: Language | None = None) -> str:
    """``24 November 2026, 07:30 UTC`` (English unless ``lang`` is given)."""
    return (lang or language()).long_text(dt)


def retraction_note(inc: PublishedIncident, u: PublishedUpdate, lang: Language | None = None) -> str:
    """The one sentence shown in place of a withdrawn update (plain text), dated by its retraction
    (the JSON API's English words; feeds show the withdrawn partial)."""
    lang = lang or language()
    return lang.gettext("Update %(n)s was withdrawn on %(time)s.") % {
        "n": u.id, "time": human_time(inc.retraction(u).at, lang)}


def _names(release: Release) -> dict[str, str]:
    return {cv.id: cv.component.name for cv in release.components}


# public entries -------------------------------------------------------------------------------

def _public_entry(site: SiteInfo, release: Release, names: dict[str, str], inc: PublishedIncident,
                  u: PublishedUpdate) -> Entry:
    """One update as the incident page shows it (the same partial), links absolute."""
    lang = site.lang
    page = f"{site.url}incidents/{inc.id}/"
    updated = u.at
    if u.retracted:
        retraction = inc.retraction(u)
        updated = retraction.at
        title = lang.gettext("%(title)s: update %(n)s withdrawn") % {"title": retraction.state.title, "n": u.id}
    else:
        title = lang.gettext("%(title)s: %(status)s") % {
            "title": u.state.title, "status": lang.gettext(STATUS_LABELS.get(u.status, u.status))}
    view = update_view(lang, release, inc, u, markdown_for(inc), names=names, public_href=page,
                       technical_href=f"{page}technical/")
    return Entry(
        id=f"{page}#update-{u.id}", link=f"{page}#update-{u.id}", title=title, published=updated, updated=updated,
        html=render(site.env, "partials/update.html", update=view), sort_key=(updated, inc.id, u.id),
    )


def public_entries(release: Release, site: SiteInfo, component: str | None = None,
                   limit: int | None = None) -> list[Entry]:
    """Entries of every published public update (of incidents touching ``component``), newest first;
    only the newest ``limit`` are rendered when it is given."""
    shown = [  # a withdrawn update's ``at`` is already its retraction's (the release holds no other)
        ((u.at, inc.id, u.id), inc, u)
        for inc in release.incidents if component is None or component in inc.components
        for u in inc.updates if shown_in_public(u)
    ]
    shown.sort(key=lambda s: s[0], reverse=True)  # = Entry.sort_key, unique per update
    names = _names(release)
    return [_public_entry(site, release, names, inc, u) for _, inc, u in shown[:limit]]


# technical entries ----------------------------------------------------------------------------

def technical_entries(release: Release, site: SiteInfo, limit: int | None = None) -> list[Entry]:
    """One entry per published technical text or report revision, newest first (the technical page's
    update partial, with the report revision it published); only the newest ``limit`` are rendered
    when it is given."""
    shown = [((u.at, inc.id, u.id), inc, u) for inc in release.incidents for u in inc.updates
             if not u.retracted and (u.technical or u.update.report)]
    shown.sort(key=lambda s: s[0], reverse=True)  # = Entry.sort_key, unique per update
    lang, names, out = site.lang, _names(release), []
    for _, inc, u in shown[:limit]:
        public = f"{site.url}incidents/{inc.id}/"
        page = f"{public}technical/"
        revisions = [r.id for r in inc.updates if r.update.report is not None]
        report = u.update.report
        view = update_view(lang, release, inc, u, markdown_for(inc, reference_hosts(inc, site.url)), names=names,
                           track="technical",
                           public_href=public, technical_href=page, with_report=True,
                           report_revision=revisions.index(u.id) + 1 if report is not None else None)
        what = lang.gettext("technical report revised") if report is not None else lang.gettext("technical update")
        # linked in the entry's text: feedgen 1.0.0 writes no rel or type on an entry link, so a
        # rel="related" link would read as a second alternate link
        exports = exports_of(inc, site)
        html = render(site.env, "partials/update.html", update=view)
        if exports:  # both exports (CSAF, STIX) linked from every technical entry
            links = Markup(", ").join(Markup('<a href="%s" type="%s">%s</a>') % (site.url + e.path, e.type, e.title)
                                      for e in exports)
            html += "<p>" + str(Markup(lang.gettext("Machine-readable exports: %(links)s")) % {"links": links}) + "</p>"
        out.append(Entry(
            id=f"{page}#update-{u.id}", link=f"{page}#update-{u.id}",
            title=lang.gettext("%(title)s: %(what)s") % {"title": u.state.title, "what": what},
            published=u.at, updated=u.at, html=html, sort_key=(u.at, inc.id, u.id),
        ))
    return out


# feedgen --------------------------------------------------------------------------------------

def _feed(entries: list[Entry], *, site: SiteInfo, title: str, subtitle: str, link: str, path: str,
          fallback: datetime) -> dict[str, bytes]:
    """``path``.rss and ``path``.atom for ``entries`` (newest first; the first FEED_LIMIT kept)."""
    entries = entries[:FEED_LIMIT]
    newest = max((e.updated for e in entries), default=fallback)
    out = {}
    for ext in ("rss", "atom"):
        fg = FeedGenerator()
        fg.id(f"{site.url}{path}.{ext}")
        fg.title(title)
        fg.subtitle(subtitle)  # RSS description
        fg.author({"name": site.name})
        fg.link(href=f"{site.url}{path}.{ext}", rel="self",
                type="application/rss+xml" if ext == "rss" else "application/atom+xml")
        fg.link(href=link, rel="alternate", type="text/html")  # the last link is RSS's <link>
        fg.language(site.lang.feed_language)
        fg.generator("statuskit", version=__version__)  # no feedgen default: nothing varies but content
        # the content's times, never the wall clock (feedgen defaults both to now)
        fg.updated(newest)
        fg.lastBuildDate(newest)
        fg.pubDate(newest)
        for e in entries:
            fe = fg.add_entry(order="append")
            fe.id(e.id)
            fe.guid(e.id, permalink=True)
            fe.title(e.title)
            fe.link(href=e.link, rel="alternate", type="text/html")
            fe.content(e.html, type="html")
            fe.published(e.published)
            fe.updated(e.updated)
        data = fg.rss_str(pretty=True) if ext == "rss" else fg.atom_str(pretty=True)
        out[f"{path}.{ext}"] = data
    return out


def render_feeds(release: Release, site: SiteInfo) -> dict[str, bytes]:
    """Every feed of the site: relative path -> bytes."""
    # only the newest FEED_LIMIT entries of each feed are rendered (a feed keeps no more)
    _ = site.lang.gettext
    history = public_entries(release, site, limit=FEED_LIMIT)
    fallback = max((u.at for inc in release.incidents for u in inc.updates if shown_in_public(u)), default=EPOCH)
    out = _feed(history, site=site, title=_("%(site)s: history") % {"site": site.name},
                subtitle=_("Incidents and maintenance on %(site)s") % {"site": site.name}, link=f"{site.url}history/",
                path="history", fallback=fallback)
    for view in release.components:
        c = view.component
        out.update(_feed(public_entries(release, site, c.id, FEED_LIMIT), site=site,
                         title=_("%(site)s: %(component)s history") % {"site": site.name, "component": c.name},
                         subtitle=_("Incidents and maintenance affecting %(component)s") % {"component": c.name},
                         link=f"{site.url}components/{c.id}/", path=f"components/{c.id}/history",
                         fallback=fallback))
    out.update(_feed(technical_entries(release, site, FEED_LIMIT), site=site,
                     title=_("%(site)s: technical updates") % {"site": site.name},
                     subtitle=_("Technical details and reports for security teams (indicators defanged)"),
                     link=site.url, path="technical", fallback=fallback))
    return out
