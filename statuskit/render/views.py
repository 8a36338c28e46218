"""View objects: what the templates see, built by pure functions of the release.

>>> v = update_view(lang, release, inc, inc.updates[-1], markdown_for(inc), public_href="", technical_href="technical/")
>>> v.status, v.at.text, v.approved
('Resolved', '24 Nov 2026, 09:05 UTC', 'Communications and Security')

Everything a template prints is prepared here: times in the site's language
(:class:`TimeView`), links (relative on pages, absolute in feeds), statuskit's
words translated, Markdown rendered and sanitised with indicators defanged
(:class:`markupsafe.Markup`); plain strings (titles, names) are escaped by the
template. The views are the template API: reference/templates.md lists every field.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from babel.lists import format_list
from babel.numbers import format_decimal
from markupsafe import Markup

from ..gate.release import PublishedIncident, PublishedUpdate, Release
from ..model.records import STATUS_LABELS, ComponentStatus, Indicator, Kind, Report
from .defang import defang, defang_prose, defang_text, url_host
from .i18n import Language, N_
from .markdown import render_markdown
from .uptime import UPTIME_DAYS, ComponentUptime


__all__ = ["TimeView", "RefView", "RelationView", "ChangeView", "WithdrawnView", "UpdateView", "ReportView",
           "ReportSection", "TimelineRow", "IndicatorRow", "LinkView", "StatusView", "ComponentView", "IncidentPageView",
           "ComponentGroupView", "HomePageView", "MonthView", "HistoryPageView", "ComponentPageView", "RevisionView",
           "TechnicalPageView", "IncidentMarkdown", "Markdown", "ExportView",
           "time_view", "update_view", "report_view", "status_view", "markdown_for", "indicators_of", "reference_hosts",
           "attack_url", "cve_url"]


@dataclass(frozen=True)
class TimeView:
    """A time: ``iso`` for ``<time datetime>`` (UTC), ``text`` for readers."""

    iso: str
    """``2026-11-24T07:30:00Z``."""
    text: str
    """In the site's language, UTC: ``24 Nov 2026, 07:30 UTC``."""
    local: str
    """The same time in the site's display time zone (``24 Nov 2026, 08:30 CET``), or ""."""
    long: str
    """With the month in full, UTC (feeds): ``24 November 2026, 07:30 UTC``."""
    html: Markup = Markup("")
    """``<time datetime="{iso}">{text}</time>``, and the local time after it when there is one."""


@functools.lru_cache(maxsize=65536)
def time_view(lang: Language, dt: datetime) -> TimeView:
    """``dt`` for readers in ``lang`` (kept: a site repeats the same times on several pages)."""
    iso, text, local = dt.strftime("%Y-%m-%dT%H:%M:%SZ"), lang.time_text(dt), lang.local_text(dt)
    html = Markup('<time datetime="{}">{}</time>').format(iso, text)
    if local:
        html += Markup(' <span class="sk-local">({})</span>').format(local)
    return TimeView(iso, text, local, lang.long_text(dt), html)


@dataclass(frozen=True)
class StatusView:
    """A component status: icon + words + colour class (never colour alone)."""

    value: str
    """``operational``, ``degraded_performance``, ... (CSS class ``sk-st-<value>``)."""
    label: str
    """Translated words."""
    icon: Markup
    """Inline SVG."""


def status_view(lang: Language, status: ComponentStatus, icons: dict[str, str], icon: str) -> StatusView:
    return StatusView(status.value, lang.gettext(status.label), Markup(icons[icon]))


@dataclass(frozen=True)
class RefView:
    """A link to another update of the incident."""

    id: int
    href: str
    time: TimeView | None
    """The update's time; None once it is withdrawn (it has no time of its own)."""


@dataclass(frozen=True)
class RelationView:
    kind: str
    """``corrects``, ``withdraws`` or ``corrected_by``."""
    ref: RefView


@dataclass(frozen=True)
class ChangeView:
    """A component status change with an update."""

    component: str
    old: str
    new: str
    changed: bool
    """Whether ``old`` differs from ``new``."""


@dataclass(frozen=True)
class WithdrawnView:
    """What stands where a withdrawn update stood: the retraction's time, link and approvals (its text
    shows once, as the retraction update itself)."""

    at: TimeView
    href: str
    """The retraction update."""
    approved: str
    """Who approved the retraction, as words (``Communications and Security``)."""


@dataclass(frozen=True)
class UpdateView:
    """One update, as the public or the technical track shows it."""

    id: int
    track: str
    """``public`` or ``technical``."""
    status: str
    """Translated update status."""
    at: TimeView
    corrected: bool
    """Later updates correct it."""
    text: Markup
    """The track's text, rendered ("" when the track has none)."""
    technical_href: str
    """Public track without text: the technical page's entry for it; else ""."""
    technical_pending: bool
    relations: tuple[RelationView, ...]
    changes: tuple[ChangeView, ...]
    approved: str
    """Team names as words ("" when none)."""
    withdrawn: WithdrawnView | None
    """Set when the update is withdrawn: then nothing of its own is shown."""
    report_revision: int | None
    """Technical track: the report revision published with it."""
    revisions_href: str
    public_href: str
    """Technical track: its public update ("" when it has no public text)."""
    window: tuple[TimeView, TimeView] | None = None
    """Public track of maintenance: the planned window this update set (start, end), or None."""
    report: "ReportView | None" = None
    """Technical track in feeds: the report revision published with it (pages show it in their own section)."""
    assumed: bool = False
    """Drafts preview only: not approved yet, shown as if it were (``build --drafts``)."""


def _names(lang: Language, release: Release, team_ids: tuple[str, ...]) -> str:
    names = [release.team_names.get(t, t) for t in release.team_names if t in team_ids]
    names += [t for t in team_ids if t not in release.team_names]
    return _words(lang, tuple(names)) if names else ""


@functools.lru_cache(maxsize=1024)
def _words(lang: Language, names: tuple[str, ...]) -> str:
    """``A and B`` in ``lang`` (Babel's list patterns)."""
    return format_list(list(names), locale=lang.locale)


_HEADING_RE = re.compile(r"<(/?)h[1-3]>")


def indicators_of(inc: PublishedIncident) -> tuple[Indicator, ...]:
    """Every indicator of every published report revision of the incident."""
    seen: dict[tuple[str, str], Indicator] = {}
    for u in inc.updates:
        if u.update.report is not None:
            for ind in u.update.report.indicators:
                seen.setdefault((ind.type, ind.value), ind)
    return tuple(seen.values())


def reference_hosts(inc: PublishedIncident, site_url: str | None = None) -> frozenset[str]:
    """Hosts whose URLs technical prose keeps live: the incident's report references, the ATT&CK and
    CVE pages statuskit links, and the site itself (``site_url``)."""
    hosts = {"attack.mitre.org", "nvd.nist.gov", "www.cve.org", "cve.mitre.org"}
    for u in inc.updates:
        for r in (u.update.report.references if u.update.report is not None else ()):
            h = url_host(r)
            if h:
                hosts.add(h)
    h = url_host(site_url) if site_url else None
    if h:
        hosts.add(h)
    listed = {i.value.lower() for i in indicators_of(inc)} | {url_host(i.value) for i in indicators_of(inc)
                                                              if i.type == "url"}
    return frozenset(hosts - listed)  # a listed indicator is never kept live, even as a reference


class IncidentMarkdown:
    """Markdown -> safe HTML for one incident (``md(text)``): indicators defanged, headings below h4.

    With ``keep_hosts`` (the technical track: :func:`reference_hosts`), indicators found in the
    prose are defanged too (:func:`statuskit.render.defang.defang_prose`)."""

    def __init__(self, inc: PublishedIncident, keep_hosts: frozenset[str] | None = None) -> None:
        self.indicators = indicators_of(inc)
        self.keep_hosts = keep_hosts

    def defanged(self, text: str | None) -> str:
        """``text`` with its indicators defanged, not rendered ("" for none)."""
        if not text:
            return ""
        if self.keep_hosts is not None:
            return defang_prose(text, self.indicators, self.keep_hosts) or ""
        return (defang_text(text, self.indicators) if self.indicators else text) or ""

    def __call__(self, text: str | None) -> Markup:
        if not text:
            return Markup("")
        out = render_markdown(self.defanged(text))
        return Markup(_HEADING_RE.sub(r"<\1h4>", out) if "<h" in out else out)


Markdown = IncidentMarkdown
"""What renders an incident's Markdown (:func:`markdown_for`)."""


def markdown_for(inc: PublishedIncident, keep_hosts: frozenset[str] | None = None) -> IncidentMarkdown:
    """The :class:`IncidentMarkdown` of ``inc``; ``keep_hosts`` for the technical track."""
    return IncidentMarkdown(inc, keep_hosts)


def _ref(lang: Language, inc: PublishedIncident, n: int, page: str) -> RefView:
    c = inc.update(n)
    return RefView(c.id, f"{page}#update-{c.id}", None if c.retracted else time_view(lang, c.at))


def update_view(lang: Language, release: Release, inc: PublishedIncident, u: PublishedUpdate, md: Markdown, *,
                names: dict[str, str], track: str = "public", public_href: str = "", technical_href: str = "technical/",
                report_revision: int | None = None, with_report: bool = False) -> UpdateView:
    """The view of update ``u`` on its ``track``; hrefs are relative to where it is shown
    (``public_href``: the public incident page, ``technical_href``: the technical page)."""
    withdrawn = None
    if u.retracted:
        by = inc.retraction(u)
        withdrawn = WithdrawnView(time_view(lang, by.at), f"{public_href}#update-{by.id}",
                                  _names(lang, release, by.approved_by))
    page = public_href
    rel = []
    if not u.retracted:
        if u.corrects is not None:
            rel.append(RelationView("corrects", _ref(lang, inc, u.corrects, page)))
        if u.retracts is not None:
            rel.append(RelationView("withdraws", _ref(lang, inc, u.retracts, page)))
        rel += [RelationView("corrected_by", _ref(lang, inc, n, page)) for n in u.corrected_by]
    changes = tuple(
        ChangeView(names.get(ch.component, ch.component), lang.gettext(ch.old.label), lang.gettext(ch.new.label),
                   ch.old != ch.new)
        for ch in u.changes) if track == "public" else ()
    text = md(u.public if track == "public" else u.technical) if not u.retracted else Markup("")
    w = u.update.scheduled
    window = ((time_view(lang, w.start), time_view(lang, w.end))
              if track == "public" and w is not None and inc.kind is Kind.MAINTENANCE and not u.retracted else None)
    report = (report_view(lang, u.update.report, md, indicators_of(inc))
              if with_report and track == "technical" and u.update.report is not None else None)
    return UpdateView(
        id=u.id, track=track, status=lang.gettext(STATUS_LABELS.get(u.status, u.status)), at=time_view(lang, u.at),
        corrected=bool(u.corrected_by), text=text,
        technical_href=f"{technical_href}#update-{u.id}" if track == "public" and u.technical else "",
        technical_pending=u.technical_pending, relations=tuple(rel), changes=changes,
        approved=_names(lang, release, u.approved_by), withdrawn=withdrawn,
        report_revision=report_revision, revisions_href=f"{technical_href}#revisions",
        public_href=f"{public_href}#update-{u.id}" if track == "technical" and u.public else "",
        window=window, report=report, assumed=u.assumed,
    )


# --- the technical report -------------------------------------------------------------------------

def attack_url(technique: str) -> str:
    """MITRE ATT&CK page of a technique id (T1566.001 -> .../techniques/T1566/001/)."""
    return "https://attack.mitre.org/techniques/" + technique.replace(".", "/") + "/"


def cve_url(cve: str) -> str:
    """The NVD page of a CVE id."""
    return "https://nvd.nist.gov/vuln/detail/" + cve


@dataclass(frozen=True)
class TimelineRow:
    at: TimeView
    event: Markup
    """One paragraph, without its ``<p>``."""


@dataclass(frozen=True)
class IndicatorRow:
    type: str
    value: str
    """Defanged."""
    context: str
    """Defanged ("" when none)."""


@dataclass(frozen=True)
class LinkView:
    href: str
    text: str
    live: bool = True
    """False for a reference that points at an indicator: shown defanged, as text."""


@dataclass(frozen=True)
class ExportView:
    """A machine-readable document of an incident's technical track, for peers' tools."""

    href: str
    """Relative to the page."""
    label: str
    """Translated, e.g. "STIX 2.1 bundle (JSON)"."""
    media_type: str
    """Its media type (the link's ``type``)."""


@dataclass(frozen=True)
class ReportSection:
    """One section of a report, in the report's order."""

    key: str
    """``summary``, ``root-cause``, ``timeline``, ``indicators``, ``attack``, ``cves``, ``detection``,
    ``remediation`` or ``references`` (heading ids are ``<prefix><key>``)."""
    title: str
    """Translated heading."""
    html: Markup = Markup("")
    """Text sections: the rendered Markdown."""
    timeline: tuple[TimelineRow, ...] = ()
    indicators: tuple[IndicatorRow, ...] = ()
    links: tuple[LinkView, ...] = ()
    """ATT&CK techniques, CVEs and references."""


@dataclass(frozen=True)
class ReportView:
    sections: tuple[ReportSection, ...]


_SECTION_TITLES = {
    "summary": N_("Summary"), "root-cause": N_("Root cause"), "timeline": N_("Timeline (UTC)"),
    "indicators": N_("Indicators of compromise (defanged)"), "attack": N_("MITRE ATT&CK techniques"),
    "cves": N_("Vulnerabilities (CVE)"), "detection": N_("Detection"), "remediation": N_("Remediation"),
    "references": N_("References"),
}


def _base_score(vector: str) -> str:
    """The CVSS v3 base score of a vector, by the ``cvss`` library (``10.0``)."""
    from cvss import CVSS3

    return f"{CVSS3(vector).base_score:.1f}"


def _inline(fragment: str) -> Markup:
    if fragment.startswith("<p>") and fragment.endswith("</p>") and fragment.count("<p>") == 1:
        return Markup(fragment[3:-4])
    return Markup(fragment)


def report_view(lang: Language, report: Report, md: Markdown, indicators: tuple[Indicator, ...]) -> ReportView:
    """A report's non-empty sections, indicators defanged (on the technical track also those found in
    its prose: :func:`markdown_for`)."""
    out: list[ReportSection] = []

    def add(key: str, **kw: Any) -> None:
        out.append(ReportSection(key, lang.gettext(_SECTION_TITLES[key]), **kw))

    for key, text in (("summary", report.summary), ("root-cause", report.root_cause)):
        html = md(text)
        if html:
            add(key, html=html)
    if report.timeline:
        add("timeline", timeline=tuple(TimelineRow(time_view(lang, t.at), _inline(md(t.event))) for t in report.timeline))
    if report.indicators:
        add("indicators", indicators=tuple(
            IndicatorRow(i.type, defang(i.type, i.value), md.defanged(i.context))
            for i in report.indicators))
    if report.attack_techniques:
        add("attack", links=tuple(LinkView(attack_url(t), t) for t in report.attack_techniques))
    if report.cves:
        scores = {s.cve: s for s in report.cvss}  # the base score the CSAF advisory publishes
        add("cves", links=tuple(LinkView(cve_url(c), f"{c} (CVSS {_base_score(scores[c].vector)})" if c in scores else c)
                                for c in report.cves))
    for key, text in (("detection", report.detection), ("remediation", report.remediation)):
        html = md(text)
        if html:
            add(key, html=html)
    if report.references:
        links = []
        for r in report.references:
            safe = defang_text(r, indicators) or ""  # a reference is kept live unless it is a listed indicator
            links.append(LinkView(r, r) if safe == r else LinkView("", safe, live=False))
        add("references", links=tuple(links))
    return ReportView(tuple(out))


@dataclass(frozen=True)
class ComponentView:
    """A component row: name, description, link and current status."""

    id: str
    name: str
    description: str
    group: str | None
    href: str
    """Its page, relative to the page shown."""
    status: StatusView


@dataclass(frozen=True)
class IncidentPageView:
    """The public incident page (template ``statuskit/pages/incident.html``)."""

    id: str
    title: str
    kicker: str
    """``Incident`` or ``Scheduled maintenance``, translated."""
    crumbs: tuple[LinkView, ...]
    header: Markup
    """The page head: kicker, title and the summary list (status, impact, times, components)."""
    technical_note: Markup
    """Where the technical details are, or that they will follow ("" when neither)."""
    facts: Markup
    """The shared facts section ("" when none; the same on the technical page)."""
    next_update: TimeView | None
    """When the next update is expected (open incidents that said so)."""
    updates: tuple[UpdateView, ...]
    """Newest first."""
    calendars: tuple[LinkView, ...] = ()
    """A maintenance: its calendars (``maintenance.ics``: the site's, then each component's); else empty."""


# --- the other page bodies (templates ``statuskit/pages/<name>.html``) -------------------------------

@dataclass(frozen=True)
class ComponentGroupView:
    """Components of one group on the home page, in the order of components.yml."""

    name: str | None
    """The group's name; None for components without a group."""
    components: tuple[ComponentView, ...]


@dataclass(frozen=True)
class HomePageView:
    """The home page (template ``statuskit/pages/home.html``); it is the site root, so links are plain."""

    indicator: str
    """``none``, ``minor``, ``major``, ``critical`` or ``maintenance`` (CSS class ``sk-ind-<indicator>``)."""
    icon: Markup
    """The banner's inline SVG."""
    description: str
    """The overall status in words, translated (``All Systems Operational``)."""
    at: TimeView
    """The time the site shows (the release's time)."""
    active: tuple[Markup, ...]
    """Cards of the active incidents (``<article class="sk-card">``), newest first."""
    maintenance: tuple[Markup, ...]
    """Cards of maintenance in progress, then upcoming, by start."""
    groups: tuple[ComponentGroupView, ...]
    """The components by group (render each with ``statuskit/partials/component.html``)."""
    recent: tuple[Markup, ...]
    """List items (``<li class="sk-list-item">``) of the latest past incidents."""
    footer: tuple[LinkView, ...] = ()
    """The footer's links: the CSAF provider metadata and security.txt, when the site writes them."""
    uptime: "tuple[UptimeView, ...]" = ()
    """Components with an uptime record (``start_date``), in display order (``statuskit/partials/uptime.html``)."""
    badge_width: int = 0
    """Width in pixels of ``badge.svg`` (its height is 20), for the ``<img>``."""


@dataclass(frozen=True)
class MonthView:
    """One month of the history page."""

    key: str
    """``2026-11`` (section id ``m-<key>``)."""
    title: str
    """The month in the site's language (``November 2026``)."""
    items: tuple[Markup, ...]
    """List items, newest first."""


@dataclass(frozen=True)
class HistoryPageView:
    """The history page (template ``statuskit/pages/history.html``)."""

    crumbs: tuple[LinkView, ...]
    months: tuple[MonthView, ...]
    """Newest first; empty when nothing is published."""


@dataclass(frozen=True)
class ComponentPageView:
    """A component's page (template ``statuskit/pages/component.html``); feeds and badge are next to it."""

    id: str
    name: str
    description: str
    group: str | None
    status: StatusView
    crumbs: tuple[LinkView, ...]
    now: tuple[Markup, ...]
    """Cards of its active and upcoming incidents and maintenance."""
    history: tuple[Markup, ...]
    """List items of every incident that involved it, newest first."""
    uptime: "UptimeView | None" = None
    """Its uptime record, or None without ``start_date`` (``statuskit/partials/uptime.html``)."""
    badge_width: int = 0
    """Width in pixels of its ``badge.svg`` (its height is 20), for the ``<img>``."""


@dataclass(frozen=True)
class RevisionView:
    """One technical report revision, in the technical page's revision history."""

    n: int
    """Revision number, from 1."""
    current: bool
    update_id: int
    """The update that published it (anchor ``#update-<id>``)."""
    at: TimeView
    """That update's time."""
    report: ReportView
    """The revision's report (earlier revisions are shown folded)."""


@dataclass(frozen=True)
class TechnicalPageView:
    """The technical page (template ``statuskit/pages/technical.html``)."""

    id: str
    title: str
    crumbs: tuple[LinkView, ...]
    header: Markup
    """The page head, as on the incident page, with the kicker ``Technical details for security teams``."""
    pending: bool
    """Further technical details are still under embargo."""
    facts: Markup
    """The shared facts section ("" when none)."""
    report: RevisionView | None
    """The current report revision, or None when no report is published."""
    revisions: tuple[RevisionView, ...]
    """Every revision, oldest first (empty when none)."""
    updates: tuple[UpdateView, ...]
    """Technical track, newest first: updates with technical text or a report, and withdrawn ones."""
    exports: tuple[ExportView, ...] = ()
    """The machine-readable exports of the technical track, hrefs relative to the page
    (:func:`statuskit.render.csaf.exports_of`: the CSAF advisory and the STIX bundle)."""


# --- uptime bars (statuskit/partials/uptime.html) ----------------------------------------------------

__all__ += ["UptimeDayView", "UptimeView", "uptime_view"]


@dataclass(frozen=True)
class UptimeDayView:
    """One day's bar."""

    day: str
    """``2026-11-20`` (UTC day)."""
    value: str
    """The day's worst status (``operational``, ``partial_outage``, ...) or ``none`` for no data
    (CSS class ``sk-up-<value>``: a colour and a pattern)."""
    text: str
    """The day in words, its text alternative: ``2026-11-20: Partial outage 45 min``."""


@dataclass(frozen=True)
class UptimeView:
    """A component's 90-day record (render with ``statuskit/partials/uptime.html``)."""

    id: str
    name: str
    href: str
    """The component's page, relative to the page shown ("" on that page itself)."""
    percent: str
    """``99.95 %`` in the site's language; "" when nothing is on record yet."""
    summary: str
    """``99.95 % uptime over the last 90 days`` (or that there is no record yet)."""
    days: tuple[UptimeDayView, ...]
    """Oldest first."""
    start: str
    """The record's first day (``start_date``), ``2026-01-05``."""


def uptime_view(lang: Language, record: ComponentUptime, name: str, href: str) -> UptimeView:
    """The bars and the summary of ``record``, in ``lang``."""
    _ = lang.gettext
    days = []
    for d in record.days:
        worst = d.worst
        if worst is None:
            words = _("No data")
        else:
            bad = [s for s in d.seconds if s is not ComponentStatus.OPERATIONAL]
            words = ", ".join(_("%(status)s %(minutes)s min") % {"status": _(s.label), "minutes": d.minutes(s)}
                              for s in reversed(bad)) or _(worst.label)
        days.append(UptimeDayView(d.day.isoformat(), worst.value if worst else "none",
                                  _("%(day)s: %(status)s") % {"day": d.day.isoformat(), "status": words}))
    h = record.hundredths
    percent = "" if h is None else format_decimal(Decimal(h) / 100, format="0.00", locale=lang.locale) + "\u00a0%"
    if not percent:
        summary = _("No uptime record yet: it starts on %(day)s.") % {"day": record.start_date.isoformat()}
    elif record.start_date > record.days[0].day:
        summary = _("%(percent)s uptime since %(day)s") % {"percent": percent, "day": record.start_date.isoformat()}
    else:
        summary = _("%(percent)s uptime over the last %(days)s days") % {"percent": percent, "days": UPTIME_DAYS}
    return UptimeView(record.component, name, href, percent, summary, tuple(days), record.start_date.isoformat())
