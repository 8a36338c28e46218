"""Pages of the status site, as finished HTML bodies: a pure function of the release.

>>> pages = render_pages(release, SiteInfo("Northbridge Health status", "https://status.example.org/"))
>>> [p.url for p in pages][:2]
['', 'history/']
>>> pages[0].markdown()          # front matter + HTML body, for any static site generator

Each :class:`Page` carries a finished HTML body wrapped in one
``<div class="statuskit">`` block, so Python-Markdown (and most other Markdown
processors) pass it through untouched; the MkDocs adapter skips Markdown
altogether and hands the body to the theme. Page paths follow outputs.md:
``/``, ``/history/``, ``/incidents/<id>/``, ``/incidents/<id>/technical/`` and
``/components/<id>/``; links between pages are relative, so the site works
under any base URL and from ``mkdocs serve``.

What the reader sees (and never by colour alone): statuses are an icon, a
word and a colour; every time is UTC in a ``<time datetime>``; every update
says which teams approved it. Text fields are Markdown rendered by
:func:`statuskit.render.markdown.render_markdown` (raw HTML is shown as text;
links only http/https/mailto/relative); titles and names are escaped.
Indicators of compromise are defanged wherever they appear in an incident's
text, so none is ever a live link. Search: navigation, approval lines and
subscription blocks carry ``data-search-exclude``; the home and history pages,
which only repeat other pages, are left out of the search index.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping

from markupsafe import Markup

from ..gate.release import ComponentView as ComponentState, PublishedIncident, PublishedUpdate, Release
from ..model.records import STATUS_LABELS, ComponentStatus, Kind
from .badges import badge_width, site_badge_text
from .calendar import calendar_path, component_calendar_path
from .csaf import exports_of
from .facts import render_facts
from .i18n import N_, Language
from .site import SiteInfo
from .templates import render
from .uptime import ComponentUptime, uptime
from .views import (Markdown, ComponentGroupView, ComponentPageView, ComponentView, HistoryPageView, HomePageView,
                    IncidentPageView, LinkView, MonthView, RevisionView, TechnicalPageView, attack_url, cve_url,
                    ExportView, indicators_of, markdown_for, reference_hosts, report_view, status_view, time_view,
                    update_view, uptime_view)

__all__ = ["Page", "Feed", "render_pages", "SITE_FEEDS", "TECHNICAL_FEEDS", "component_feeds",
           "attack_url", "cve_url"]

RSS = "application/rss+xml"
ATOM = "application/atom+xml"


@dataclass(frozen=True)
class Feed:
    """A feed a page advertises with ``<link rel="alternate">``."""

    title: str
    href: str
    """Path relative to the site root, e.g. ``history.rss``."""
    type: str
    """MIME type (RSS or Atom)."""


SITE_FEEDS = (Feed(N_("All updates (RSS)"), "history.rss", RSS), Feed(N_("All updates (Atom)"), "history.atom", ATOM))
"""Advertised on every page (titles are messages: translated where they are shown)."""
TECHNICAL_FEEDS = (Feed(N_("Technical updates for security teams (RSS)"), "technical.rss", RSS),
                   Feed(N_("Technical updates for security teams (Atom)"), "technical.atom", ATOM))
"""Advertised on technical pages."""


def _translated(lang: Language, feeds: tuple[Feed, ...]) -> tuple[Feed, ...]:
    return tuple(Feed(lang.gettext(f.title), f.href, f.type) for f in feeds)


def component_feeds(component_id: str, name: str, lang: Language | None = None) -> tuple[Feed, ...]:
    """The feeds of one component."""
    g = lang.gettext if lang is not None else (lambda m: m)
    return (Feed(g("%(name)s: updates (RSS)") % {"name": name}, f"components/{component_id}/history.rss", RSS),
            Feed(g("%(name)s: updates (Atom)") % {"name": name}, f"components/{component_id}/history.atom", ATOM))


@dataclass(frozen=True)
class Page:
    """One generated page."""

    src: str
    """Source path as a Markdown file in a docs folder, e.g. ``incidents/<id>.md``."""
    url: str
    """URL relative to the site root, directory style: ``""``, ``history/``, ``incidents/<id>/``."""
    title: str
    """Plain-text page title."""
    body: str
    """Finished, safe HTML."""
    description: str = ""
    """Plain text for ``<meta name="description">``."""
    feeds: tuple[Feed, ...] = ()
    """Feeds specific to this page (the site-wide ones are added by the theme)."""
    in_nav: bool = False
    """Whether the page belongs in the navigation (home and history only)."""
    searchable: bool = True
    """Whether search engines inside the site (Material's search) index it."""
    updated: datetime | None = None
    """When what the page shows last changed: its latest update's publication, embargoes counted
    (the sitemap's ``lastmod``); None when it shows no update (a component no incident has involved)."""

    def meta(self, *, escaped: bool = False) -> dict[str, Any]:
        """Front matter for the page (Material understands ``hide`` and ``search``).

        ``escaped``: title and description as HTML text, for themes that print them unescaped
        (MkDocs templates do not autoescape: Material prints ``page.meta.title`` as it is)."""
        e = html.escape if escaped else (lambda text: text)
        out: dict[str, Any] = {"title": e(self.title), "hide": ["navigation", "toc"]}
        if self.description:
            out["description"] = e(self.description)
        if not self.searchable:
            out["search"] = {"exclude": True}
        out["statuskit"] = {
            "url": self.url,
            "feeds": [{"title": f.title, "href": f.href, "type": f.type} for f in self.feeds],
        }
        return out

    def markdown(self) -> str:
        """The page as a Markdown file: YAML front matter, then the HTML body."""
        import json

        # JSON is YAML: a deterministic, safely quoted front matter without a YAML dumper
        lines = ["---"] + [f"{k}: {json.dumps(v, ensure_ascii=False, sort_keys=True)}" for k, v in self.meta().items()]
        return "\n".join(lines) + "\n---\n\n" + self.body + "\n"


# --- small HTML helpers ------------------------------------------------------------------------

esc = html.escape


def _rel(src_url: str, dst_url: str) -> str:
    """A relative link from page ``src_url`` to ``dst_url`` (both relative to the site root)."""
    return "../" * src_url.count("/") + dst_url or "./"


_SVG = ('<svg class="sk-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" '
        'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{}</svg>')
ICONS = {
    "operational": _SVG.format('<circle cx="12" cy="12" r="9.5"/><path d="M7.5 12.5l3 3 6-6.5"/>'),
    "degraded": _SVG.format('<circle cx="12" cy="12" r="9.5"/><path d="M12 7v6M12 16.5v.5"/>'),
    "partial": _SVG.format('<path d="M12 3L2.5 20.5h19z"/><path d="M12 10v4.5M12 17.5v.2"/>'),
    "major": _SVG.format('<path d="M8 2.5h8l5.5 5.5v8L16 21.5H8L2.5 16V8z"/><path d="M9 9l6 6M15 9l-6 6"/>'),
    "maintenance": _SVG.format('<path d="M14.5 3.5a5 5 0 0 0-4.8 6.6L3.5 16.3a2 2 0 0 0 2.9 2.9l6.2-6.2'
                               'a5 5 0 0 0 6.6-4.8l-2.9 2.9-2.8-.7-.7-2.8z"/>'),
}
_STATUS_ICON = {
    ComponentStatus.OPERATIONAL: "operational",
    ComponentStatus.UNDER_MAINTENANCE: "maintenance",
    ComponentStatus.DEGRADED_PERFORMANCE: "degraded",
    ComponentStatus.PARTIAL_OUTAGE: "partial",
    ComponentStatus.MAJOR_OUTAGE: "major",
}
_INDICATOR_ICON = {"none": "operational", "minor": "degraded", "major": "partial", "critical": "major"}
IMPACT_LABELS = {"none": N_("No impact"), "minor": N_("Minor impact"), "major": N_("Major impact"),
                 "critical": N_("Critical impact"), "maintenance": N_("Planned maintenance")}


# --- the pages ----------------------------------------------------------------------------------

def render_pages(release: Release, site: SiteInfo) -> list[Page]:
    """Every page of the site, in a stable order: home, history, components, then per incident
    (newest first) its public page and, when it exists, its technical page."""
    ctx = _Context(release, site)
    pages = [_home(ctx), _history(ctx)]
    pages += [_component(ctx, cv) for cv in release.components]
    for inc in release.incidents:
        md = markdown_for(inc)
        pages.append(_incident(ctx, inc, md))
        if inc.has_technical:
            pages.append(_technical(ctx, inc, markdown_for(inc, reference_hosts(inc, site.url))))
    return pages


@dataclass
class _Context:
    release: Release
    site: SiteInfo
    names: dict[str, str] = field(default_factory=dict)
    by_component: dict[str, list[PublishedIncident]] = field(default_factory=dict)
    uptime: Mapping[str, ComponentUptime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.uptime = uptime(self.release)
        self.names = {cv.id: cv.component.name for cv in self.release.components}
        self.by_component = {cv.id: [] for cv in self.release.components}
        for inc in self.release.incidents:  # one pass, newest first
            for cid in inc.components:
                self.by_component.setdefault(cid, []).append(inc)
        self.lang = self.site.lang
        self.env = self.site.env
        self._ = self.lang.gettext

    def component_name(self, cid: str) -> str:
        return self.names.get(cid, cid)

    def time_html(self, dt: datetime) -> str:
        """A UTC time for readers, machine-readable in ``datetime`` (and the display time zone, if any)."""
        return str(time_view(self.lang, dt).html)

    def range_html(self, start: datetime, end: datetime) -> str:
        """A span of time: the date once when both ends fall on the same UTC day."""
        if start.date() == end.date() and not self.lang.time_zone:
            return self._("%(start)s to %(end)s UTC") % {
                "start": f'<time datetime="{start.strftime("%Y-%m-%dT%H:%M:%SZ")}">'
                         f'{esc(self.lang.format(start, "d MMM yyyy, HH:mm"))}</time>',
                "end": f'<time datetime="{end.strftime("%Y-%m-%dT%H:%M:%SZ")}">'
                       f'{esc(self.lang.format(end, "HH:mm"))}</time>'}
        return self._("%(start)s to %(end)s") % {"start": self.time_html(start), "end": self.time_html(end)}

    def label(self, status: str) -> str:
        return self._(STATUS_LABELS.get(status, status))

    def impact(self, impact: str) -> str:
        return self._(IMPACT_LABELS.get(impact, impact))

    def status_pill(self, status: ComponentStatus) -> str:
        """A component status: icon + words + colour (the class)."""
        return self.render("partials/status.html", status=status_view(self.lang, status, ICONS, _STATUS_ICON[status]))

    def render(self, name: str, **kw: Any) -> str:
        return render(self.env, name, **kw)

    def update_html(self, inc: PublishedIncident, u: PublishedUpdate, md: Markdown, **kw: Any) -> str:
        return self.render("partials/update.html",
                           update=update_view(self.lang, self.release, inc, u, md, names=self.names, **kw))


def incident_url(iid: str) -> str:
    return f"incidents/{iid}/"


def technical_url(iid: str) -> str:
    return f"incidents/{iid}/technical/"


def component_url(cid: str) -> str:
    return f"components/{cid}/"


def _crumbs(ctx: _Context, here: str, items: Iterable[tuple[str, str]]) -> str:
    lis = "".join(f'<li><a href="{esc(_rel(here, url))}">{esc(text)}</a></li>' for text, url in items)
    return f'<nav class="sk-crumbs" aria-label="{esc(ctx._("Breadcrumb"))}" data-search-exclude><ol>{lis}</ol></nav>'


def _latest_public(inc: PublishedIncident) -> PublishedUpdate | None:
    for u in reversed(inc.updates):
        if u.public and not u.retracted:
            return u
    return None


def _kind_label(ctx: _Context, inc: PublishedIncident) -> str:
    return ctx._("Maintenance") if inc.kind is Kind.MAINTENANCE else ctx._("Incident")


def _window(ctx: _Context, inc: PublishedIncident) -> str:
    w = inc.state.scheduled
    return ctx.range_html(w.start, w.end) if w else ""


def _component_links(ctx: _Context, here: str, cids: Iterable[str]) -> str:
    return ", ".join(f'<a href="{esc(_rel(here, component_url(c)))}">{esc(ctx.component_name(c))}</a>' for c in cids)


def _summary_line(ctx: _Context, inc: PublishedIncident) -> str:
    """Kind, impact and status in words (for lists)."""
    bits = [_kind_label(ctx, inc)]
    if inc.kind is Kind.INCIDENT:
        bits.append(ctx.impact(inc.state.impact))
    bits.append(ctx.label(inc.state.status))
    return " · ".join(esc(b) for b in bits)


def _list_item(ctx: _Context, here: str, inc: PublishedIncident) -> str:
    when = ctx.time_html(inc.started_at)
    if inc.kind is Kind.MAINTENANCE and inc.state.scheduled:
        when = _window(ctx, inc)
    elif inc.resolved_at is not None:
        when = ctx.range_html(inc.started_at, inc.resolved_at)
    return (f'<li class="sk-list-item sk-impact-{esc(inc.state.impact)}">'
            f'<a class="sk-list-title" href="{esc(_rel(here, incident_url(inc.id)))}">{esc(inc.title)}</a>'
            f'<span class="sk-list-meta">{_summary_line(ctx, inc)} · {when}</span></li>')


# home ---------------------------------------------------------------------------------------------

RECENT = 5
"""How many past incidents the home page lists."""


def _home(ctx: _Context) -> Page:
    r, here, _ = ctx.release, "", ctx._
    overall = r.overall
    maint_now = overall.description == "Service Under Maintenance"
    active = [i for i in r.incidents if i.active and i.kind is Kind.INCIDENT]
    maint = [i for i in r.incidents if i.kind is Kind.MAINTENANCE and (i.active or i.upcoming)]
    maint.sort(key=lambda i: (not i.active, i.state.scheduled.start if i.state.scheduled else i.started_at, i.id))
    groups: dict[str | None, list[ComponentView]] = {}
    for cv in r.components:
        groups.setdefault(cv.component.group, []).append(
            ComponentView(cv.id, cv.component.name, cv.component.description or "", cv.component.group,
                          _rel(here, component_url(cv.id)),
                          status_view(ctx.lang, cv.status, ICONS, _STATUS_ICON[cv.status])))
    recent = []
    for inc in r.incidents:  # newest first: stop after RECENT
        if not inc.active and not inc.upcoming:
            recent.append(inc)
            if len(recent) == RECENT:
                break
    view = HomePageView(
        indicator="maintenance" if maint_now else overall.indicator,
        icon=Markup(ICONS["maintenance" if maint_now else _INDICATOR_ICON[overall.indicator]]),
        description=_(overall.description), at=time_view(ctx.lang, r.at),
        active=tuple(Markup(_card(ctx, here, inc)) for inc in active),
        maintenance=tuple(Markup(_card(ctx, here, inc)) for inc in maint),
        groups=tuple(ComponentGroupView(g, tuple(cs)) for g, cs in groups.items()),
        recent=tuple(Markup(_list_item(ctx, here, i)) for i in recent),
        footer=_home_footer(ctx),
        uptime=tuple(uptime_view(ctx.lang, rec, ctx.component_name(cid), _rel(here, component_url(cid)))
                     for cid, rec in ctx.uptime.items()),
        badge_width=badge_width(*site_badge_text(r)))
    return Page("index.md", "", _("Current status"), ctx.render("pages/home.html", page=view),
                description=f"{ctx.site.name}: {_(overall.description)}", in_nav=True, searchable=False,
                updated=_latest(r.incidents))


def _published(inc: PublishedIncident, technical: bool = False) -> datetime:
    """When the incident's page last changed: its latest update's publication (the later of its time
    and its embargo's end; on the technical page also its technical embargo's end, once past)
    (:attr:`PublishedUpdate.published_at`, :attr:`~PublishedUpdate.technical_published_at`)."""
    times = [inc.updated_at]
    for u in inc.updates:
        times.append(u.technical_published_at if technical and not u.technical_pending else u.published_at)
    return max(times)


def _latest(incidents: Iterable[PublishedIncident]) -> datetime | None:
    """When the latest of ``incidents`` last changed (None for none)."""
    return max((_published(inc) for inc in incidents), default=None)


def _home_footer(ctx: _Context) -> tuple[LinkView, ...]:
    """The CSAF provider metadata and security.txt, when the site writes them (links from the root)."""
    from .csaf import PROVIDER_METADATA, SECURITY_TXT

    out = []
    if ctx.site.csaf is not None:
        out.append(LinkView(PROVIDER_METADATA, ctx._("Security advisories (CSAF provider metadata)")))
    if ctx.site.security_txt is not None and ctx.site.security_txt.contact:
        out.append(LinkView(SECURITY_TXT, ctx._("Security contact (security.txt)")))
    return tuple(out)


def _card(ctx: _Context, here: str, inc: PublishedIncident) -> str:
    _ = ctx._
    parts = [f'<article class="sk-card sk-impact-{esc(inc.state.impact)}">',
             f'<h3><a href="{esc(_rel(here, incident_url(inc.id)))}">{esc(inc.title)}</a></h3>']
    meta = [f'<span class="sk-pill">{esc(ctx.label(inc.state.status))}</span>']
    if inc.kind is Kind.INCIDENT:
        meta.append(esc(ctx.impact(inc.state.impact)))
    else:
        meta.append((_("In progress: %(window)s") if inc.active else _("Scheduled: %(window)s"))
                    % {"window": _window(ctx, inc)})
    if inc.components:
        meta.append(_("Affects %(components)s") % {"components": _component_links(ctx, here, inc.components)})
    parts.append('<p class="sk-card-meta">' + " · ".join(meta) + "</p>")
    latest = _latest_public(inc)
    if latest is not None:
        parts.append(f'<div class="sk-latest"><p class="sk-when">'
                     f'{_("Latest update, %(time)s:") % {"time": ctx.time_html(latest.at)}}</p>'
                     f'{markdown_for(inc)(latest.public)}</div>')
    if inc.state.next_update_at is not None and not inc.closed:
        parts.append(f'<p class="sk-next">'
                     f'{_("Next update expected by %(time)s.") % {"time": ctx.time_html(inc.state.next_update_at)}}</p>')
    parts.append(f'<p class="sk-more"><a href="{esc(_rel(here, incident_url(inc.id)))}">'
                 + _("All updates<span class=\"sk-sr\"> on %(title)s</span>") % {"title": esc(inc.title)}
                 + "</a></p></article>")
    return "\n".join(parts)


# history ------------------------------------------------------------------------------------------

def history_time(inc: PublishedIncident) -> datetime:
    """When the history page files ``inc``: an incident when it started (its first update's time), a
    maintenance when its window starts (not when it was announced)."""
    if inc.kind is Kind.MAINTENANCE and inc.state.scheduled is not None:
        return inc.state.scheduled.start
    return inc.started_at


def _history(ctx: _Context) -> Page:
    here, _ = "history/", ctx._
    months: dict[str, tuple[datetime, list[Markup]]] = {}
    for inc in sorted(ctx.release.incidents, key=lambda i: (history_time(i), i.id), reverse=True):  # newest first
        when = history_time(inc)
        months.setdefault(when.strftime("%Y-%m"), (when, []))[1].append(Markup(_list_item(ctx, here, inc)))
    view = HistoryPageView(
        crumbs=(LinkView(_rel(here, ""), _("Current status")),),
        months=tuple(MonthView(key, ctx.lang.format(first, "LLLL yyyy"), tuple(items))
                     for key, (first, items) in months.items()))
    return Page("history.md", here, _("History"), ctx.render("pages/history.html", page=view),
                description=_("%(site)s: every published incident and maintenance") % {"site": ctx.site.name},
                in_nav=True, searchable=False, updated=_latest(ctx.release.incidents))


# component ----------------------------------------------------------------------------------------

def _component(ctx: _Context, cv: ComponentState) -> Page:
    c, _ = cv.component, ctx._
    here = component_url(c.id)
    incs = ctx.by_component.get(c.id, [])
    view = ComponentPageView(
        id=c.id, name=c.name, description=c.description or "", group=c.group,
        status=status_view(ctx.lang, cv.status, ICONS, _STATUS_ICON[cv.status]),
        crumbs=(LinkView(_rel(here, ""), _("Current status")), LinkView(_rel(here, "history/"), _("History"))),
        now=tuple(Markup(_card(ctx, here, i)) for i in incs if i.active or i.upcoming),
        history=tuple(Markup(_list_item(ctx, here, i)) for i in incs),
        uptime=uptime_view(ctx.lang, ctx.uptime[c.id], c.name, "") if c.id in ctx.uptime else None,
        badge_width=badge_width(c.name, cv.status.label))
    return Page(f"components/{c.id}.md", here, c.name, ctx.render("pages/component.html", page=view),
                description=f"{c.name}: {ctx._(cv.status.label)}", feeds=component_feeds(c.id, c.name, ctx.lang),
                updated=_latest(incs))


# incident (public) --------------------------------------------------------------------------------

def _incident_header(ctx: _Context, here: str, inc: PublishedIncident, *, kicker: str) -> list[str]:
    _ = ctx._
    rows = [f'<dt>{esc(_("Status"))}</dt><dd><span class="sk-pill">{esc(ctx.label(inc.state.status))}</span></dd>']
    if inc.kind is Kind.INCIDENT:
        rows.append(f'<dt>{esc(_("Impact"))}</dt><dd>{esc(ctx.impact(inc.state.impact))}</dd>')
    if inc.state.scheduled is not None:
        rows.append(f"<dt>{esc(_('Scheduled'))}</dt><dd>{_window(ctx, inc)}</dd>")
    rows.append(f"<dt>{esc(_('First posted'))}</dt><dd>{ctx.time_html(inc.started_at)}</dd>")
    if inc.resolved_at is not None:
        word = _("Completed") if inc.kind is Kind.MAINTENANCE else _("Resolved")
        rows.append(f"<dt>{esc(word)}</dt><dd>{ctx.time_html(inc.resolved_at)}</dd>")
    if inc.components:
        items = "".join(
            f'<li><a href="{esc(_rel(here, component_url(cid)))}">{esc(ctx.component_name(cid))}</a> '
            f"{ctx.status_pill(st) if inc.active else ''}</li>"
            for cid, st in inc.state.components.items())
        label = _("Components") if inc.kind is Kind.MAINTENANCE else _("Affected")
        rows.append(f'<dt>{esc(label)}</dt><dd><ul class="sk-inline">{items}</ul></dd>')
    return [f'<header class="sk-page-head"><p class="sk-kicker">{esc(kicker)}</p>',
            f'<h1>{esc(inc.title)}</h1>',
            '<dl class="sk-summary" data-search-exclude>' + "".join(rows) + "</dl></header>"]


def _incident(ctx: _Context, inc: PublishedIncident, md: Markdown) -> Page:
    here, _ = incident_url(inc.id), ctx._
    kicker = _("Scheduled maintenance") if inc.kind is Kind.MAINTENANCE else _("Incident")
    note = ""
    if inc.has_technical:
        note = _('Technical details for security teams are on the <a href="%(href)s">technical page</a>.') % {
            "href": "technical/"}
        if inc.technical_pending:
            note += " " + _("A further technical report will follow.")
    elif inc.technical_pending:
        note = esc(_("A technical report for security teams will follow."))
    view = IncidentPageView(
        id=inc.id, title=inc.title, kicker=kicker,
        crumbs=(LinkView(_rel(here, ""), _("Current status")), LinkView(_rel(here, "history/"), _("History"))),
        header=Markup("\n".join(_incident_header(ctx, here, inc, kicker=kicker))), technical_note=Markup(note),
        facts=Markup(render_facts(inc.state.facts, md, ctx.lang)),
        next_update=time_view(ctx.lang, inc.state.next_update_at)
        if not inc.closed and inc.state.next_update_at is not None else None,
        updates=tuple(update_view(ctx.lang, ctx.release, inc, u, md, names=ctx.names) for u in reversed(inc.updates)),
        calendars=_calendars(ctx, here, inc))
    out = [ctx.render("pages/incident.html", page=view)]
    latest = _latest_public(inc)
    description = _("%(kind)s: %(title)s (%(status)s)") % {"kind": kicker, "title": inc.title,
                                                          "status": ctx.label(inc.state.status)}
    if latest:
        description = _("%(description)s, last update %(time)s") % {
            "description": description, "time": ctx._("%(time)s UTC") % {
                "time": ctx.lang.format(latest.at, "d MMM yyyy HH:mm")}}
    return Page(f"incidents/{inc.id}.md", here, inc.title, "\n".join(out), description=description,
                updated=_published(inc))


def _calendars(ctx: _Context, here: str, inc: PublishedIncident) -> tuple[LinkView, ...]:
    """A maintenance page's calendars: the site's, then each of its components' (none for an incident)."""
    if inc.kind is not Kind.MAINTENANCE or inc.state.scheduled is None:
        return ()
    return (LinkView(_rel(here, calendar_path()), ctx._("all planned maintenance")),
            *(LinkView(_rel(here, component_calendar_path(cid)), ctx.component_name(cid)) for cid in inc.components))


# technical ----------------------------------------------------------------------------------------

def _technical(ctx: _Context, inc: PublishedIncident, md: Markdown) -> Page:
    here, _ = technical_url(inc.id), ctx._
    state = inc.state
    indicators = indicators_of(inc)
    published = [u for u in inc.updates if u.update.report is not None]
    revisions = tuple(RevisionView(n, ru.id == state.report_update, ru.id, time_view(ctx.lang, ru.at),
                                   report_view(ctx.lang, ru.update.report, md, indicators))
                      for n, ru in enumerate(published, start=1) if ru.update.report is not None)
    rev_no = {r.update_id: r.n for r in revisions}
    current = None
    if state.report is not None and state.report_update is not None:
        ru = inc.update(state.report_update)
        current = RevisionView(len(revisions), True, ru.id, time_view(ctx.lang, ru.at),
                               report_view(ctx.lang, state.report, md, indicators))
    view = TechnicalPageView(
        id=inc.id, title=inc.title,
        crumbs=(LinkView(_rel(here, ""), _("Current status")), LinkView(_rel(here, "history/"), _("History")),
                LinkView(_rel(here, incident_url(inc.id)), inc.title)),
        header=Markup("\n".join(_incident_header(ctx, here, inc, kicker=_("Technical details for security teams")))),
        pending=inc.technical_pending, facts=Markup(render_facts(state.facts, md, ctx.lang)),
        report=current, revisions=revisions,
        updates=tuple(update_view(ctx.lang, ctx.release, inc, u, md, names=ctx.names, track="technical",
                                  public_href="../", technical_href="", report_revision=rev_no.get(u.id))
                      for u in reversed(inc.updates) if u.retracted or u.technical or u.update.report is not None),
        exports=tuple(ExportView(_rel(here, e.path), e.title, e.type) for e in exports_of(inc, ctx.site)))
    return Page(f"incidents/{inc.id}/technical.md", here, _("Technical details: %(title)s") % {"title": inc.title},
                ctx.render("pages/technical.html", page=view),
                description=_("Technical details for security teams: %(title)s") % {"title": inc.title},
                feeds=_translated(ctx.lang, TECHNICAL_FEEDS),
                updated=_published(inc, technical=True))
