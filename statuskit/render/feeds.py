"""RSS 2.0 and Atom feeds (feedgen), pure functions of the release.

>>> files = render_feeds(release, site)       # {"history.rss": b"<?xml ...", ...}

Feeds (outputs.md):

- ``history.rss`` / ``history.atom``: one entry per published public update
  (maintenance included), newest first, the last 50;
- ``components/<id>/history.rss`` / ``.atom``: the same, for incidents that touch
  that component;
- ``technical.rss`` / ``technical.atom``: one entry per published technical text
  or report revision, indicators defanged.

Entry ids are ``<site_url>incidents/<id>/#update-<n>`` (technical:
``<site_url>incidents/<id>/technical/#update-<n>``), the same on every rebuild.
Every time comes from the content: an entry's time is its update's ``at``, and a
feed's ``updated``/``lastBuildDate`` is its newest entry's time (never the wall
clock). A feed with no entries takes the newest public update of the whole site,
or 1970-01-01T00:00:00Z on a site without any.

A withdrawn update (its retraction is published) keeps its entry id in the public
feeds (so readers that cached the original replace it), with "Update <n> was
withdrawn on <date>." and the retraction's public text, never anything of its own:
the entry is dated by the retraction (``published`` and ``updated``). Before its
retraction publishes, a retracted update is an ordinary entry. The technical feed
leaves withdrawn updates out entirely: the release does not say whether they ever
had a technical track. Technical text and
reports under a technical embargo are not in the release, so they cannot appear.
Updates without public text (technical-only) appear only in the technical feed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timezone

from feedgen.feed import FeedGenerator

from ..version import __version__
from ..gate.release import PublishedIncident, PublishedUpdate, Release
from ..model.records import STATUS_LABELS, Indicator, Kind, Report
from .defang import defang, defang_text
from .markdown import render_markdown
from .site import SiteInfo

__all__ = ["FEED_LIMIT", "render_feeds", "shown_in_public", "retraction_note", "human_time"]

FEED_LIMIT = 50
"""Entries per feed (the newest)."""
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
"""The time of a feed on a site with nothing published yet."""

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


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
    sort_key: tuple
    """Newest first: (time, incident id, update id), descending."""


def shown_in_public(u: PublishedUpdate) -> bool:
    """Whether the public outputs (history feeds, JSON API) list this update: it has public
    text, or it was withdrawn (then only the withdrawn marker shows)."""
    return u.retracted or bool(u.public)


def human_time(dt: datetime) -> str:
    """``24 November 2026, 07:30 UTC`` (locale-independent)."""
    dt = dt.astimezone(timezone.utc)
    return f"{dt.day} {_MONTHS[dt.month - 1]} {dt.year}, {dt:%H:%M} UTC"


def retraction_note(inc: PublishedIncident, u: PublishedUpdate) -> str:
    """The one sentence shown in place of a withdrawn update (plain text), dated by its retraction."""
    return f"Update {u.id} was withdrawn on {human_time(inc.update(u.retracted_by).at)}."


def _ref(inc: PublishedIncident, n: int) -> str:
    """Update ``n`` in words: by its time, or by its number once withdrawn (it has no time of its own)."""
    c = inc.update(n)
    return f"update {c.id}" if c.retracted else f"the update of {_time_html(c.at)}"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _time_html(dt: datetime) -> str:
    iso = dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f'<time datetime="{iso}">{_esc(human_time(dt))}</time>'


def _label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


# public entries -------------------------------------------------------------------------------

def _public_entry(site: SiteInfo, inc: PublishedIncident, u: PublishedUpdate) -> Entry:
    page = f"{site.url}incidents/{inc.id}/"
    head = f"<p><strong>{_esc(_label(u.status))}</strong> · {_time_html(u.at)}</p>"
    updated = u.at
    if u.retracted:
        retraction = inc.update(u.retracted_by)
        updated = retraction.at
        title = f"{retraction.state.title}: update {u.id} withdrawn"
        parts = [f"<p><strong>Withdrawn</strong> · {_time_html(retraction.at)}</p>",
                 f"<p>{_esc(retraction_note(inc, u))}</p>"]
        if retraction.public:
            parts.append(render_markdown(retraction.public))
    else:
        title = f"{u.state.title}: {_label(u.status)}"
        parts = [head]
        if u.corrects is not None:
            parts.append(f"<p>This update corrects {_ref(inc, u.corrects)}.</p>")
        if u.retracts is not None:
            parts.append(f"<p>This update withdraws {_ref(inc, u.retracts)}.</p>")
        parts.append(render_markdown(u.public))
        window = u.update.scheduled
        if inc.kind is Kind.MAINTENANCE and window is not None:
            parts.append(f"<p>Planned window: {_time_html(window.start)} to {_time_html(window.end)}.</p>")
    return Entry(
        id=f"{page}#update-{u.id}", link=f"{page}#update-{u.id}", title=title, published=updated, updated=updated,
        html="\n".join(p for p in parts if p), sort_key=(updated, inc.id, u.id),
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
    return [_public_entry(site, inc, u) for _, inc, u in shown[:limit]]


# technical entries ----------------------------------------------------------------------------

def _indicators(inc: PublishedIncident) -> list[Indicator]:
    """Every indicator of the incident's published report revisions."""
    seen: dict[tuple[str, str], Indicator] = {}
    for u in inc.updates:
        if u.update.report is not None:
            for i in u.update.report.indicators:
                seen.setdefault((i.type, i.value), i)
    return list(seen.values())


def _md(text: str | None, indicators: list[Indicator]) -> str:
    return render_markdown(defang_text(text, indicators)) if text else ""


def _inline(fragment: str) -> str:
    """A one-paragraph fragment without its ``<p>`` wrapper."""
    if fragment.startswith("<p>") and fragment.endswith("</p>") and fragment.count("<p>") == 1:
        return fragment[3:-4]
    return fragment


def _attack_url(technique: str) -> str:
    return "https://attack.mitre.org/techniques/" + technique.replace(".", "/") + "/"


def _link(href: str, text: str) -> str:
    return f'<a href="{_esc(href)}" rel="nofollow noopener">{_esc(text)}</a>'


def _report_html(report: Report, indicators: list[Indicator]) -> str:
    parts = ["<h3>Technical report (revised with this update)</h3>"]

    def section(title: str, body: str) -> None:
        if body:
            parts.append(f"<h4>{_esc(title)}</h4>\n{body}")

    section("Summary", _md(report.summary, indicators))
    section("Root cause", _md(report.root_cause, indicators))
    if report.timeline:
        items = "".join(f"<li>{_time_html(t.at)}: {_inline(_md(t.event, indicators))}</li>" for t in report.timeline)
        section("Timeline (UTC)", f"<ul>{items}</ul>")
    if report.indicators:
        items = "".join(
            f"<li><code>{_esc(defang(i.type, i.value))}</code> ({_esc(i.type)})"
            + (f": {_esc(defang_text(i.context, indicators))}" if i.context else "") + "</li>"
            for i in report.indicators
        )
        section("Indicators (defanged)", f"<ul>{items}</ul>")
    if report.attack_techniques:
        items = "".join(f"<li>{_link(_attack_url(t), t)}</li>" for t in report.attack_techniques)
        section("ATT&CK techniques", f"<ul>{items}</ul>")
    if report.cves:
        items = "".join(f"<li>{_link('https://www.cve.org/CVERecord?id=' + c, c)}</li>" for c in report.cves)
        section("CVEs", f"<ul>{items}</ul>")
    section("Detection", _md(report.detection, indicators))
    section("Remediation", _md(report.remediation, indicators))
    if report.references:
        items = "".join(f"<li>{_link(r, r)}</li>" for r in report.references)
        section("References", f"<ul>{items}</ul>")
    return "\n".join(parts)


def technical_entries(release: Release, site: SiteInfo, limit: int | None = None) -> list[Entry]:
    """One entry per published technical text or report revision, newest first; only the newest
    ``limit`` are rendered when it is given."""
    shown = [((u.at, inc.id, u.id), inc, u) for inc in release.incidents for u in inc.updates
             if not u.retracted and (u.technical or u.update.report)]
    shown.sort(key=lambda s: s[0], reverse=True)  # = Entry.sort_key, unique per update
    out = []
    for _, inc, u in shown[:limit]:
        page = f"{site.url}incidents/{inc.id}/technical/"
        indicators = _indicators(inc)
        report = u.update.report
        parts = [f"<p><strong>{_esc(_label(u.status))}</strong> · {_time_html(u.at)}</p>",
                 _md(u.technical, indicators)]
        if report is not None:
            parts.append(_report_html(report, indicators))
        what = "technical report revised" if report is not None else "technical update"
        out.append(Entry(
            id=f"{page}#update-{u.id}", link=f"{page}#update-{u.id}", title=f"{u.state.title}: {what}",
            published=u.at, updated=u.at, html="\n".join(p for p in parts if p), sort_key=(u.at, inc.id, u.id),
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
        fg.language("en")
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
    history = public_entries(release, site, limit=FEED_LIMIT)
    fallback = max((u.at for inc in release.incidents for u in inc.updates if shown_in_public(u)), default=EPOCH)
    out = _feed(history, site=site, title=f"{site.name}: history",
                subtitle=f"Incidents and maintenance on {site.name}", link=f"{site.url}history/",
                path="history", fallback=fallback)
    for view in release.components:
        c = view.component
        out.update(_feed(public_entries(release, site, c.id, FEED_LIMIT), site=site,
                         title=f"{site.name}: {c.name} history",
                         subtitle=f"Incidents and maintenance affecting {c.name}",
                         link=f"{site.url}components/{c.id}/", path=f"components/{c.id}/history",
                         fallback=fallback))
    out.update(_feed(technical_entries(release, site, FEED_LIMIT), site=site, title=f"{site.name}: technical updates",
                     subtitle="Technical details and reports for security teams (indicators defanged)",
                     link=site.url, path="technical", fallback=fallback))
    return out
