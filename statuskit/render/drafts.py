"""What a drafts preview adds to its pages: the line under the PREVIEW banner and the "Pending changes"
panel (a pure function of :class:`statuskit.gate.drafts.Drafts`; never part of a published site).

>>> drafts_notice(d, site)                       # "Drafts: 2 pending updates shown as if approved ..."
>>> pending_panel(d, site, incident=None)        # the home page's panel (every pending update)
>>> pending_panel(d, site, incident="2024-07-30-unapproved", here="incidents/2024-07-30-unapproved/")
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..gate.drafts import Drafts, PendingChange
from ..gate.release import Held, team_name
from ..model.validate import format_time
from .site import SiteInfo
from .templates import render

__all__ = ["drafts_notice", "pending_panel"]


def _held_text(site: SiteInfo, h: Held) -> str:
    _ = site.lang.gettext
    until = site.lang.time_text(h.until) if h.until is not None else ""
    if h.reason == "scheduled":
        return _("its time is %(time)s") % {"time": until}
    if h.reason == "embargoed":
        return _("embargoed until %(time)s") % {"time": until} if until else _("embargoed")
    if h.reason == "technical-embargo":
        return _("technical text and report embargoed until %(time)s") % {"time": until}
    return _("waits for an earlier update that is still held")


def drafts_notice(d: Drafts, site: SiteInfo) -> str:
    """HTML for under the banner: what the preview assumes, and what it still holds back at T."""
    lang = site.lang
    _ = lang.gettext
    n = len(d.pending)
    parts = [_("Drafts: updates waiting for approval are shown as if every team had approved them "
               "(%(n)s pending).") % {"n": n}
             if n else _("Drafts: no update is waiting for approval; this is the site as it publishes.")]
    parts.append(_("As of %(time)s.") % {"time": lang.time_text(d.release.at)})
    if d.held:
        held = "; ".join(f"{h.incident} #{h.update}: {_held_text(site, h)}" for h in d.held)
        parts.append(_("Still held at this time: %(held)s.") % {"held": held})
    if d.show_at is not None:
        parts.append(_("To see more, build at a later time: statuskit build --drafts --at %(at)s") % {
            "at": format_time(d.show_at)})
    return html.escape(" ".join(parts))


@dataclass(frozen=True)
class _Row:
    change: PendingChange
    href: str | None
    missing: str
    held: str | None
    before: str
    after: str
    components: tuple[tuple[str, str, str], ...]
    """(name, before, after) in words."""


def pending_panel(d: Drafts, site: SiteInfo, incident: str | None = None, here: str | None = None) -> str:
    """The "Pending changes" panel: every pending update (``incident``: only that incident's), each with
    the teams whose approvals are missing and the home page's status and component statuses before and
    after. ``here``: the page's path from the site root, for links to the incidents ('' for home, None: no
    links)."""
    _ = site.lang.gettext
    rows = []
    for p in d.pending:
        if incident is not None and p.incident != incident:
            continue
        href = None
        if here is not None and p.incident != incident:
            href = "../" * here.count("/") + f"incidents/{p.incident}/"
        rows.append(_Row(p, href, ", ".join(team_name(t) for t in p.missing),
                         _held_text(site, p.held) if p.held is not None else None,
                         _(p.overall_before.description), _(p.overall_after.description),
                         tuple((c.name, _(c.before.label), _(c.after.label)) for c in p.components)))
    if not rows and incident is not None:
        return ""
    return render(site.env, "partials/pending.html", rows=rows)
