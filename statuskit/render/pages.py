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

import functools
import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable

from ..gate.release import PublishedIncident, PublishedUpdate, Release
from ..model.records import STATUS_LABELS, ComponentStatus, Indicator, Kind, Report
from .defang import defang, defang_text
from .facts import render_facts
from .markdown import render_markdown
from .site import SiteInfo

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


SITE_FEEDS = (Feed("All updates (RSS)", "history.rss", RSS), Feed("All updates (Atom)", "history.atom", ATOM))
"""Advertised on every page."""
TECHNICAL_FEEDS = (Feed("Technical updates for security teams (RSS)", "technical.rss", RSS),
                   Feed("Technical updates for security teams (Atom)", "technical.atom", ATOM))
"""Advertised on technical pages."""


def component_feeds(component_id: str, name: str) -> tuple[Feed, ...]:
    """The feeds of one component."""
    return (Feed(f"{name}: updates (RSS)", f"components/{component_id}/history.rss", RSS),
            Feed(f"{name}: updates (Atom)", f"components/{component_id}/history.atom", ATOM))


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

    def meta(self, *, escaped: bool = False) -> dict:
        """Front matter for the page (Material understands ``hide`` and ``search``).

        ``escaped``: title and description as HTML text, for themes that print them unescaped
        (MkDocs templates do not autoescape: Material prints ``page.meta.title`` as it is)."""
        e = html.escape if escaped else (lambda text: text)
        out: dict = {"title": e(self.title), "hide": ["navigation", "toc"]}
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


@functools.lru_cache(maxsize=65536)
def time_html(dt: datetime) -> str:
    """A UTC time for readers, machine-readable in ``datetime``."""
    return (f'<time datetime="{dt.strftime("%Y-%m-%dT%H:%M:%SZ")}">'
            f'{dt.strftime("%d %b %Y, %H:%M").lstrip("0")} UTC</time>')


def range_html(start: datetime, end: datetime) -> str:
    """A span of time: the date once when both ends fall on the same UTC day."""
    if start.date() == end.date():
        return (f'<time datetime="{start.strftime("%Y-%m-%dT%H:%M:%SZ")}">'
                f'{start.strftime("%d %b %Y, %H:%M").lstrip("0")}</time> to '
                f'<time datetime="{end.strftime("%Y-%m-%dT%H:%M:%SZ")}">{end.strftime("%H:%M")}</time> UTC')
    return f"{time_html(start)} to {time_html(end)}"


def _rel(src_url: str, dst_url: str) -> str:
    """A relative link from page ``src_url`` to ``dst_url`` (both relative to the site root)."""
    return "../" * src_url.count("/") + dst_url or "./"


def _join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


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
IMPACT_LABELS = {"none": "No impact", "minor": "Minor impact", "major": "Major impact",
                 "critical": "Critical impact", "maintenance": "Planned maintenance"}


def status_pill(status: ComponentStatus) -> str:
    """A component status: icon + words + colour (the class)."""
    return (f'<span class="sk-status sk-st-{status.value}">{ICONS[_STATUS_ICON[status]]}'
            f'<span class="sk-status-text">{esc(status.label)}</span></span>')


def _update_status(status: str) -> str:
    return esc(STATUS_LABELS.get(status, status))


def _approved(release: Release, u: PublishedUpdate) -> str:
    names = [release.team_names.get(t, t) for t in release.team_names if t in u.approved_by]
    names += [t for t in u.approved_by if t not in release.team_names]
    return f"Approved by {_join_words([esc(n) for n in names])}" if names else ""


_HEADING_RE = re.compile(r"<(/?)h[1-3]>")


def _indicators(inc: PublishedIncident) -> tuple[Indicator, ...]:
    """Every indicator of every published report revision of the incident."""
    seen: dict[tuple[str, str], Indicator] = {}
    for u in inc.updates:
        if u.update.report is not None:
            for ind in u.update.report.indicators:
                seen.setdefault((ind.type, ind.value), ind)
    return tuple(seen.values())


def _markdown_for(inc: PublishedIncident) -> Callable[[str | None], str]:
    """Markdown -> safe HTML for one incident's pages: indicators defanged, headings below h4."""
    indicators = _indicators(inc)

    def md(text: str | None) -> str:
        if not text:
            return ""
        out = render_markdown(defang_text(text, indicators) if indicators else text)
        return _HEADING_RE.sub(r"<\1h4>", out) if "<h" in out else out

    return md


def _inline(fragment: str) -> str:
    """A one-paragraph fragment without its <p> (for table cells)."""
    if fragment.startswith("<p>") and fragment.endswith("</p>") and fragment.count("<p>") == 1:
        return fragment[3:-4]
    return fragment


def attack_url(technique: str) -> str:
    """MITRE ATT&CK page of a technique id (T1566.001 -> .../techniques/T1566/001/)."""
    return "https://attack.mitre.org/techniques/" + technique.replace(".", "/") + "/"


def cve_url(cve: str) -> str:
    """The NVD page of a CVE id."""
    return "https://nvd.nist.gov/vuln/detail/" + cve


def _ext_link(href: str, text: str) -> str:
    return f'<a href="{esc(href)}" rel="nofollow noopener">{esc(text)}</a>'


# --- the pages ----------------------------------------------------------------------------------

def render_pages(release: Release, site: SiteInfo) -> list[Page]:
    """Every page of the site, in a stable order: home, history, components, then per incident
    (newest first) its public page and, when it exists, its technical page."""
    ctx = _Context(release, site)
    pages = [_home(ctx), _history(ctx)]
    pages += [_component(ctx, cv) for cv in release.components]
    for inc in release.incidents:
        md = _markdown_for(inc)
        pages.append(_incident(ctx, inc, md))
        if inc.has_technical:
            pages.append(_technical(ctx, inc, md))
    return pages


@dataclass
class _Context:
    release: Release
    site: SiteInfo
    names: dict[str, str] = field(default_factory=dict)
    by_component: dict[str, list[PublishedIncident]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.names = {cv.id: cv.component.name for cv in self.release.components}
        self.by_component = {cv.id: [] for cv in self.release.components}
        for inc in self.release.incidents:  # one pass, newest first
            for cid in inc.components:
                self.by_component.setdefault(cid, []).append(inc)

    def component_name(self, cid: str) -> str:
        return self.names.get(cid, cid)


def incident_url(iid: str) -> str:
    return f"incidents/{iid}/"


def technical_url(iid: str) -> str:
    return f"incidents/{iid}/technical/"


def component_url(cid: str) -> str:
    return f"components/{cid}/"


def _crumbs(here: str, items: Iterable[tuple[str, str]]) -> str:
    lis = "".join(f'<li><a href="{esc(_rel(here, url))}">{esc(text)}</a></li>' for text, url in items)
    return f'<nav class="sk-crumbs" aria-label="Breadcrumb" data-search-exclude><ol>{lis}</ol></nav>'


def _latest_public(inc: PublishedIncident) -> PublishedUpdate | None:
    for u in reversed(inc.updates):
        if u.public and not u.retracted:
            return u
    return None


def _kind_label(inc: PublishedIncident) -> str:
    return "Maintenance" if inc.kind is Kind.MAINTENANCE else "Incident"


def _window(inc: PublishedIncident) -> str:
    w = inc.state.scheduled
    return range_html(w.start, w.end) if w else ""


def _component_links(ctx: _Context, here: str, cids: Iterable[str]) -> str:
    return ", ".join(f'<a href="{esc(_rel(here, component_url(c)))}">{esc(ctx.component_name(c))}</a>' for c in cids)


def _summary_line(ctx: _Context, inc: PublishedIncident) -> str:
    """Kind, impact and status in words (for lists)."""
    bits = [_kind_label(inc)]
    if inc.kind is Kind.INCIDENT:
        bits.append(IMPACT_LABELS.get(inc.state.impact, inc.state.impact))
    bits.append(STATUS_LABELS.get(inc.state.status, inc.state.status))
    return " · ".join(esc(b) for b in bits)


def _list_item(ctx: _Context, here: str, inc: PublishedIncident) -> str:
    when = time_html(inc.started_at)
    if inc.kind is Kind.MAINTENANCE and inc.state.scheduled:
        when = _window(inc)
    elif inc.resolved_at is not None:
        when = range_html(inc.started_at, inc.resolved_at)
    return (f'<li class="sk-list-item sk-impact-{esc(inc.state.impact)}">'
            f'<a class="sk-list-title" href="{esc(_rel(here, incident_url(inc.id)))}">{esc(inc.title)}</a>'
            f'<span class="sk-list-meta">{_summary_line(ctx, inc)} · {when}</span></li>')


# home ---------------------------------------------------------------------------------------------

RECENT = 5
"""How many past incidents the home page lists."""


def _home(ctx: _Context) -> Page:
    r, here = ctx.release, ""
    overall = r.overall
    maint_now = overall.description == "Service Under Maintenance"
    icon = ICONS["maintenance" if maint_now else _INDICATOR_ICON[overall.indicator]]
    kind = "maintenance" if maint_now else overall.indicator
    out = [
        '<div class="statuskit sk-home">',
        f'<section class="sk-banner sk-ind-{esc(kind)}" id="overall">{icon}'
        f'<div><h1><span class="sk-sr">Current status: </span>{esc(overall.description)}</h1>'
        f'<p class="sk-asof">As of {time_html(r.at)}</p></div></section>',
    ]
    active = [i for i in r.incidents if i.active and i.kind is Kind.INCIDENT]
    maint = [i for i in r.incidents if i.kind is Kind.MAINTENANCE and (i.active or i.upcoming)]
    if active:
        out.append('<section class="sk-active" id="active-incidents">'
                   '<h2>Active incidents</h2>')
        out += [_card(ctx, here, inc) for inc in active]
        out.append("</section>")
    if maint:
        maint.sort(key=lambda i: (not i.active, i.state.scheduled.start if i.state.scheduled else i.started_at, i.id))
        out.append('<section class="sk-maintenance" id="maintenance">'
                   '<h2>Maintenance</h2>')
        out += [_card(ctx, here, inc) for inc in maint]
        out.append("</section>")
    out.append(_components_section(ctx, here))
    recent = []
    for inc in r.incidents:  # newest first: stop after RECENT
        if not inc.active and not inc.upcoming:
            recent.append(inc)
            if len(recent) == RECENT:
                break
    out.append('<section class="sk-recent" id="recent"><h2>Recent history</h2>')
    if recent:
        out.append('<ul class="sk-list">' + "".join(_list_item(ctx, here, i) for i in recent) + "</ul>")
    else:
        out.append("<p>No past incidents.</p>")
    out.append(f'<p><a href="{_rel(here, "history/")}">Full history</a></p></section>')
    out.append(_subscribe_home(ctx, here))
    out.append("</div>")
    return Page("index.md", "", "Current status", "\n".join(out),
                description=f"{ctx.site.name}: {overall.description}", in_nav=True, searchable=False)


def _card(ctx: _Context, here: str, inc: PublishedIncident) -> str:
    parts = [f'<article class="sk-card sk-impact-{esc(inc.state.impact)}">',
             f'<h3><a href="{esc(_rel(here, incident_url(inc.id)))}">{esc(inc.title)}</a></h3>']
    meta = [f'<span class="sk-pill">{_update_status(inc.state.status)}</span>']
    if inc.kind is Kind.INCIDENT:
        meta.append(esc(IMPACT_LABELS.get(inc.state.impact, inc.state.impact)))
    else:
        meta.append(("In progress: " if inc.active else "Scheduled: ") + _window(inc))
    if inc.components:
        meta.append("Affects " + _component_links(ctx, here, inc.components))
    parts.append('<p class="sk-card-meta">' + " · ".join(meta) + "</p>")
    latest = _latest_public(inc)
    if latest is not None:
        parts.append(f'<div class="sk-latest"><p class="sk-when">Latest update, {time_html(latest.at)}:</p>'
                     f'{_markdown_for(inc)(latest.public)}</div>')
    if inc.state.next_update_at is not None and not inc.closed:
        parts.append(f'<p class="sk-next">Next update expected by {time_html(inc.state.next_update_at)}.</p>')
    parts.append(f'<p class="sk-more"><a href="{esc(_rel(here, incident_url(inc.id)))}">'
                 f'All updates<span class="sk-sr"> on {esc(inc.title)}</span></a></p></article>')
    return "\n".join(parts)


def _components_section(ctx: _Context, here: str) -> str:
    groups: dict[str | None, list[str]] = {}
    for cv in ctx.release.components:
        li = (f'<li class="sk-component sk-st-{cv.status.value}"><span class="sk-component-name">'
              f'<a href="{esc(_rel(here, component_url(cv.id)))}">{esc(cv.component.name)}</a>'
              + (f'<span class="sk-desc">{esc(cv.component.description)}</span>' if cv.component.description else "")
              + f"</span>{status_pill(cv.status)}</li>")
        groups.setdefault(cv.component.group, []).append(li)
    out = ['<section class="sk-components-section" id="components"><h2>Components</h2>']
    for group, items in groups.items():
        if group is not None:
            out.append(f'<h3>{esc(group)}</h3>')
        out.append('<ul class="sk-components">' + "".join(items) + "</ul>")
    if not groups:
        out.append("<p>No components are listed.</p>")
    out.append("</section>")
    return "\n".join(out)


def _subscribe_home(ctx: _Context, here: str) -> str:
    def a(href: str, text: str) -> str:
        return f'<a href="{esc(_rel(here, href))}">{esc(text)}</a>'

    return "\n".join([
        '<section class="sk-subscribe" id="subscribe" data-search-exclude>',
        '<h2>Subscribe and integrate</h2>',
        '<ul>',
        f'<li>Every update: {a("history.rss", "RSS")} or {a("history.atom", "Atom")} feed</li>',
        f'<li>Technical updates for security teams: {a("technical.rss", "RSS")} or {a("technical.atom", "Atom")} feed</li>',
        f'<li>Status API (Statuspage v2 format): {a("api/v2/summary.json", "summary.json")}, '
        f'{a("api/v2/status.json", "status.json")}, {a("api/v2/components.json", "components.json")}, '
        f'{a("api/v2/incidents.json", "incidents.json")}</li>',
        f'<li>Status badge: <img class="sk-badge" src="{esc(_rel(here, "badge.svg"))}" '
        f'alt="Badge showing the overall status" height="20"> at {a("badge.svg", "badge.svg")}; '
        f'each component has its own on its page</li>',
        f'<li>Approval record (the teams that approved each update): {a("approvals.json", "approvals.json")}</li>',
        '</ul>',
        '</section>',
    ])


# history ------------------------------------------------------------------------------------------

def _history(ctx: _Context) -> Page:
    here = "history/"
    out = ['<div class="statuskit sk-history-page">', _crumbs(here, [("Current status", "")]),
           '<h1>History</h1>',
           '<p class="sk-lead">Every published incident and maintenance, newest first. Times are UTC. '
           f'Follow updates by <a href="{_rel(here, "history.rss")}">RSS</a> or '
           f'<a href="{_rel(here, "history.atom")}">Atom</a>.</p>']
    month = None
    for inc in ctx.release.incidents:  # newest first
        key = inc.started_at.strftime("%Y-%m")
        if key != month:
            if month is not None:
                out.append("</ul></section>")
            month = key
            out.append(f'<section id="m-{key}"><h2>{inc.started_at.strftime("%B %Y")}</h2>'
                       '<ul class="sk-list">')
        out.append(_list_item(ctx, here, inc))
    if month is not None:
        out.append("</ul></section>")
    else:
        out.append("<p>Nothing has been published yet.</p>")
    out.append("</div>")
    return Page("history.md", here, "History", "\n".join(out),
                description=f"{ctx.site.name}: every published incident and maintenance",
                in_nav=True, searchable=False)


# component ----------------------------------------------------------------------------------------

def _component(ctx: _Context, cv) -> Page:
    c = cv.component
    here = component_url(c.id)
    incs = ctx.by_component.get(c.id, [])
    out = ['<div class="statuskit sk-component-page">', _crumbs(here, [("Current status", ""), ("History", "history/")]),
           f'<h1>{esc(c.name)}</h1>',
           f'<p class="sk-status-line">Current status: {status_pill(cv.status)}</p>']
    if c.description:
        out.append(f'<p class="sk-lead">{esc(c.description)}</p>')
    if c.group:
        out.append(f'<p class="sk-group">Part of: {esc(c.group)}</p>')
    now = [i for i in incs if i.active or i.upcoming]
    if now:
        out.append('<section id="now" data-search-exclude><h2>Active and upcoming</h2>')
        out += [_card(ctx, here, i) for i in now]
        out.append("</section>")
    out.append(f'<section id="component-history" data-search-exclude>'
               f'<h2>History</h2>')
    if incs:
        out.append('<ul class="sk-list">' + "".join(_list_item(ctx, here, i) for i in incs) + "</ul>")
    else:
        out.append(f"<p>No incidents or maintenance have involved {esc(c.name)}.</p>")
    out.append("</section>")
    out.append(
        '<section class="sk-subscribe" id="subscribe" data-search-exclude>'
        '<h2>Subscribe</h2><ul>'
        f'<li>Updates about {esc(c.name)}: <a href="history.rss">RSS</a> or <a href="history.atom">Atom</a> feed</li>'
        f'<li>Status badge: <img class="sk-badge" src="badge.svg" alt="Badge showing the status of {esc(c.name)}" '
        f'height="20"> at <a href="badge.svg">badge.svg</a></li></ul></section>')
    out.append("</div>")
    return Page(f"components/{c.id}.md", here, c.name, "\n".join(out),
                description=f"{c.name}: {cv.status.label}", feeds=component_feeds(c.id, c.name))


# incident (public) --------------------------------------------------------------------------------

def _incident_header(ctx: _Context, here: str, inc: PublishedIncident, *, kicker: str) -> list[str]:
    rows = [f'<dt>Status</dt><dd><span class="sk-pill">{_update_status(inc.state.status)}</span></dd>']
    if inc.kind is Kind.INCIDENT:
        rows.append(f'<dt>Impact</dt><dd>{esc(IMPACT_LABELS.get(inc.state.impact, inc.state.impact))}</dd>')
    if inc.state.scheduled is not None:
        rows.append(f"<dt>Scheduled</dt><dd>{_window(inc)}</dd>")
    rows.append(f"<dt>First posted</dt><dd>{time_html(inc.started_at)}</dd>")
    if inc.resolved_at is not None:
        word = "Completed" if inc.kind is Kind.MAINTENANCE else "Resolved"
        rows.append(f"<dt>{word}</dt><dd>{time_html(inc.resolved_at)}</dd>")
    if inc.components:
        items = "".join(
            f'<li><a href="{esc(_rel(here, component_url(cid)))}">{esc(ctx.component_name(cid))}</a> '
            f"{status_pill(st) if inc.active else ''}</li>"
            for cid, st in inc.state.components.items())
        label = "Components" if inc.kind is Kind.MAINTENANCE else "Affected"
        rows.append(f'<dt>{label}</dt><dd><ul class="sk-inline">{items}</ul></dd>')
    return [f'<header class="sk-page-head"><p class="sk-kicker">{esc(kicker)}</p>',
            f'<h1>{esc(inc.title)}</h1>',
            '<dl class="sk-summary" data-search-exclude>' + "".join(rows) + "</dl></header>"]


def _incident(ctx: _Context, inc: PublishedIncident, md) -> Page:
    here = incident_url(inc.id)
    kicker = "Scheduled maintenance" if inc.kind is Kind.MAINTENANCE else "Incident"
    out = ['<div class="statuskit sk-incident-page">',
           _crumbs(here, [("Current status", ""), ("History", "history/")])]
    out += _incident_header(ctx, here, inc, kicker=kicker)
    if inc.has_technical:
        note = 'Technical details for security teams are on the <a href="technical/">technical page</a>.'
        if inc.technical_pending:
            note += " A further technical report will follow."
        out.append(f'<p class="sk-technical-note" data-search-exclude>{note}</p>')
    elif inc.technical_pending:
        out.append('<p class="sk-technical-note" data-search-exclude>A technical report for security teams will follow.</p>')
    facts = render_facts(inc.state.facts, md)
    if facts:
        out.append(facts)
    out.append('<section class="sk-updates" id="updates"><h2>Updates</h2>')
    if not inc.closed and inc.state.next_update_at is not None:
        out.append(f'<p class="sk-next">Next update expected by {time_html(inc.state.next_update_at)}.</p>')
    out.append('<div class="sk-timeline">')
    for u in reversed(inc.updates):
        out.append(_public_update(ctx, inc, u, md))
    out.append("</div></section></div>")
    latest = _latest_public(inc)
    return Page(f"incidents/{inc.id}.md", here, inc.title, "\n".join(out),
                description=f"{kicker}: {inc.title} ({STATUS_LABELS.get(inc.state.status, inc.state.status)})"
                + (f", last update {latest.at.strftime('%d %b %Y %H:%M').lstrip('0')} UTC" if latest else ""))


_RETRACTED = ' <span class="sk-pill sk-pill-retracted">Withdrawn</span>'
_CORRECTED = ' <span class="sk-pill sk-pill-corrected">Corrected</span>'


def _update_head(u: PublishedUpdate, extra: str = "") -> str:
    return f'<h3 id="update-{u.id}">{_update_status(u.status)}{extra} {time_html(u.at)}</h3>'


def _ref(inc: PublishedIncident, n: int, page_anchor: str) -> str:
    """A link to update ``n``: by its time, or by its number once it is withdrawn (it has no time of its own)."""
    c = inc.update(n)
    what = f"update {c.id}" if c.retracted else f"the update of {time_html(c.at)}"
    return f'<a href="{page_anchor}#update-{c.id}">{what}</a>'


def _relations(inc: PublishedIncident, u: PublishedUpdate, page_anchor: str = "") -> list[str]:
    rel = []
    if u.corrects is not None:
        rel.append(f"Corrects {_ref(inc, u.corrects, page_anchor)}.")
    if u.retracts is not None:
        rel.append(f"Withdraws {_ref(inc, u.retracts, page_anchor)}.")
    for n in u.corrected_by:
        rel.append(f"Corrected by {_ref(inc, n, page_anchor)}.")
    return [f'<p class="sk-rel">{r}</p>' for r in rel]


def _changes(ctx: _Context, u: PublishedUpdate) -> str:
    if not u.changes:
        return ""
    items = "".join(
        f"<li>{esc(ctx.component_name(ch.component))}: "
        + (f"{esc(ch.old.label)} → {esc(ch.new.label)}" if ch.old != ch.new else esc(ch.new.label)) + "</li>"
        for ch in u.changes)
    return f'<ul class="sk-changes" aria-label="Component status changes">{items}</ul>'


def _footer(ctx: _Context, u: PublishedUpdate) -> str:
    approved = _approved(ctx.release, u)
    return f'<p class="sk-approved" data-search-exclude>{approved}.</p>' if approved else ""


def _withdrawn(ctx: _Context, inc: PublishedIncident, u: PublishedUpdate, md, page_anchor: str = "") -> str:
    """The marker where a withdrawn update stood: dated and approved by its retraction, nothing of its own."""
    by = inc.update(u.retracted_by)
    out = ['<article class="sk-update sk-retracted">',
           f'<h3 id="update-{u.id}">Update {u.id}{_RETRACTED}</h3>',
           f'<p class="sk-retracted-note">Update {u.id} was withdrawn on {time_html(by.at)}. '
           f'<a href="{page_anchor}#update-{by.id}">The retraction</a> says:</p>']
    if by.public:
        out.append(f'<blockquote class="sk-retraction-text">{md(by.public)}</blockquote>')
    out.append(_footer(ctx, by))
    out.append("</article>")
    return "\n".join(p for p in out if p)


def _public_update(ctx: _Context, inc: PublishedIncident, u: PublishedUpdate, md) -> str:
    if u.retracted:
        return _withdrawn(ctx, inc, u, md)
    out = ['<article class="sk-update">', _update_head(u, _CORRECTED if u.corrected_by else "")]
    if u.public:
        out.append(f'<div class="sk-text">{md(u.public)}</div>')
    elif u.technical:
        out.append('<p>A technical update for security teams: see the <a href="technical/#update-'
                   f'{u.id}">technical page</a>.</p>')
    elif u.technical_pending:
        out.append("<p>A technical report for security teams will follow.</p>")
    out += _relations(inc, u)
    out.append(_changes(ctx, u))
    out.append(_footer(ctx, u))
    out.append("</article>")
    return "\n".join(p for p in out if p)


# technical ----------------------------------------------------------------------------------------

def _technical(ctx: _Context, inc: PublishedIncident, md) -> Page:
    here = technical_url(inc.id)
    out = ['<div class="statuskit sk-technical-page">',
           _crumbs(here, [("Current status", ""), ("History", "history/"), (inc.title, incident_url(inc.id))])]
    out += _incident_header(ctx, here, inc, kicker="Technical details for security teams")
    out.append('<p class="sk-lead" data-search-exclude>For security teams and industry peers. Times are UTC; '
               'indicators are defanged (<code>hxxp</code>, <code>[.]</code>). '
               f'The customer-facing updates are on the <a href="../">public incident page</a>.</p>')
    if inc.technical_pending:
        out.append('<p class="sk-technical-note" data-search-exclude>Further technical details will follow.</p>')
    facts = render_facts(inc.state.facts, md)
    if facts:
        out.append(facts)
    state = inc.state
    revisions = [u for u in inc.updates if u.update.report is not None]
    rev_no = {u.id: n for n, u in enumerate(revisions, start=1)}
    indicators = _indicators(inc)
    if state.report is not None and state.report_update is not None:
        ru = inc.update(state.report_update)
        out.append('<section class="sk-report" id="report"><h2>Technical report</h2>')
        out.append(f'<p class="sk-report-rev" data-search-exclude>Revision {len(revisions)}, published with '
                   f'<a href="#update-{ru.id}">the update of {time_html(ru.at)}</a>.</p>')
        out.append(_report_html(state.report, md, indicators, prefix="", level=3))
        out.append("</section>")
    if revisions:
        out.append('<section class="sk-revisions" id="revisions" data-search-exclude>'
                   '<h2>Report revision history</h2><ol>')
        for n, ru in enumerate(revisions, start=1):
            current = ru.id == state.report_update
            item = (f'<li>Revision {n}{" (current)" if current else ""}: published with '
                    f'<a href="#update-{ru.id}">the update of {time_html(ru.at)}</a>')
            if not current:
                item += (f'<details><summary>Show revision {n}</summary>'
                         f'{_report_html(ru.update.report, md, indicators, prefix=None, level=4)}</details>')
            out.append(item + "</li>")
        out.append("</ol></section>")
    out.append('<section class="sk-updates" id="technical-updates">'
               '<h2>Technical updates</h2><div class="sk-timeline">')
    for u in reversed(inc.updates):
        if u.retracted:
            out.append(_withdrawn(ctx, inc, u, md, page_anchor="../"))
        elif u.technical or u.update.report is not None:
            parts = ['<article class="sk-update">', _update_head(u)]
            if u.technical:
                parts.append(f'<div class="sk-text">{md(u.technical)}</div>')
            if u.id in rev_no:
                parts.append('<p class="sk-rel" data-search-exclude>'
                             f'Published <a href="#revisions">report revision {rev_no[u.id]}</a>.</p>')
            parts += _relations(inc, u, page_anchor="../")
            parts.append(f'<p class="sk-rel" data-search-exclude><a href="../#update-{u.id}">'
                         "The public update</a>.</p>" if u.public else "")
            parts.append(_footer(ctx, u))
            parts.append("</article>")
            out.append("\n".join(p for p in parts if p))
    out.append("</div></section>")
    out.append(f'<p class="sk-back" data-search-exclude><a href="../">Back to the public incident page</a></p></div>')
    return Page(f"incidents/{inc.id}/technical.md", here, f"Technical details: {inc.title}", "\n".join(out),
                description=f"Technical details for security teams: {inc.title}", feeds=TECHNICAL_FEEDS)


def _report_html(report: Report, md, indicators: tuple[Indicator, ...], *, prefix: str | None, level: int) -> str:
    """A report's sections; headings get ids (``prefix`` + key) unless ``prefix`` is None."""
    h = f"h{level}"
    out: list[str] = []

    def section(key: str, title: str, body: str) -> None:
        if body:
            hid = f' id="{prefix}{key}"' if prefix is not None else ""
            out.append(f'<{h}{hid}>{esc(title)}</{h}>\n{body}')

    section("summary", "Summary", md(report.summary))
    section("root-cause", "Root cause", md(report.root_cause))
    if report.timeline:
        rows = "".join(f"<tr><td>{time_html(t.at)}</td><td>{_inline(md(t.event))}</td></tr>" for t in report.timeline)
        section("timeline", "Timeline (UTC)",
                '<div class="sk-table"><table><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Event</th>'
                f"</tr></thead><tbody>{rows}</tbody></table></div>")
    if report.indicators:
        rows = "".join(
            f"<tr><td>{esc(i.type)}</td><td><code>{esc(defang(i.type, i.value))}</code></td>"
            f"<td>{esc(defang_text(i.context, indicators) or '')}</td></tr>"
            for i in report.indicators)
        section("indicators", "Indicators of compromise (defanged)",
                '<div class="sk-table sk-indicators"><table><thead><tr><th scope="col">Type</th>'
                f'<th scope="col">Value</th><th scope="col">Context</th></tr></thead><tbody>{rows}</tbody></table></div>')
    if report.attack_techniques:
        section("attack", "MITRE ATT&CK techniques",
                '<ul class="sk-inline">' + "".join(f"<li>{_ext_link(attack_url(t), t)}</li>"
                                                   for t in report.attack_techniques) + "</ul>")
    if report.cves:
        section("cves", "Vulnerabilities (CVE)",
                '<ul class="sk-inline">' + "".join(f"<li>{_ext_link(cve_url(c), c)}</li>" for c in report.cves) + "</ul>")
    section("detection", "Detection", md(report.detection))
    section("remediation", "Remediation", md(report.remediation))
    if report.references:
        section("references", "References",
                "<ul>" + "".join(f"<li>{_reference(r, indicators)}</li>" for r in report.references) + "</ul>")

    return "\n".join(out)


def _reference(url: str, indicators: tuple[Indicator, ...]) -> str:
    """A reference URL as a link, unless it points at an indicator (then defanged text)."""
    safe = defang_text(url, indicators)
    return _ext_link(url, url) if safe == url else f"<code>{esc(safe)}</code>"
