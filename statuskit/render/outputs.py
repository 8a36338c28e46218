"""Every non-page output of a build: feeds, maintenance calendars, the JSON API, badges, approvals.json,
STIX bundles, the CSAF advisories with their distribution files (:mod:`statuskit.render.csaf`), security.txt
and ``_headers``.

>>> files = render_outputs(release, site)
>>> sorted(files)[:3]
['api/v2/components.json', 'api/v2/incidents.json', 'api/v2/incidents/unresolved.json']

A pure function of the release: the same release and site give the same bytes.
The caller (the MkDocs plugin or ``statuskit export``) writes the files.

``approvals.json`` lists, per published update, the digest of the update as it is
in the repository and the teams whose approvals published it, so anyone can check
the site against the repository (``statuskit check``, or ssh-keygen with
``statuskit teams allowed-signers``). No digest is published while anything it covers
is withheld, because a digest lets anyone confirm a guess of the text (a CVE id, an
ATT&CK id): ``digest`` is then null and ``digest_withheld`` says why --
``"technical-embargo"`` (its technical text or report is still embargoed; the digest
appears once they publish) or ``"withdrawn"`` (a published retraction withdrew it);
otherwise ``digest_withheld`` is null. A withdrawn update shows ``retracted: true``,
its retraction, ``at`` its retraction's time and no approvals of its own
(``approved_by: []``, ``approved_through_retraction: true``): the retraction's
approvals publish its marker.

A drafts preview (``statuskit build --drafts``) says so: ``"preview": true`` first, and
``assumed_approved`` lists the updates it shows without their approvals; ``statuskit build
--previous`` refuses such a file.

``at`` is the build time T and each update's ``published_at`` the time it became
public (the later of its ``at`` and ``embargo_until``): the next build compares
itself with them, so published history cannot roll back (:mod:`statuskit.publish.previous`).

``_headers`` asks hosts that read such a file (Netlify, Cloudflare Pages) to send
``Access-Control-Allow-Origin: *`` with everything under ``/api/``, so that browser clients on
other origins can read the JSON API, as they can a Statuspage-hosted page's. GitHub Pages
sends that header with every file already and has no header file; other hosts need it in
their own configuration (reference/outputs.md).
"""

from __future__ import annotations

import json
from typing import Any

from ..gate.release import Release
from ..model.validate import format_time
from .api import render_api
from .badges import render_badges
from .calendar import render_calendars
from .csaf import render_csaf
from .feeds import render_feeds
from .site import SiteInfo
from .stix import render_stix

__all__ = ["render_outputs", "approvals_json", "robots_txt", "HEADERS"]

PROTOCOL = "statuskit-approval v1"


HEADERS = b"""\
# Response headers for hosts that read this file (Netlify, Cloudflare Pages), written by statuskit.
# The JSON API may be read by browser clients on any origin, as a Statuspage-hosted page's can.
# (GitHub Pages sends Access-Control-Allow-Origin: * with every file by itself.)
/api/*
  Access-Control-Allow-Origin: *
"""
"""``_headers``: the same on every site (paths are from the root of the host's site)."""


def approvals_json(release: Release, site: SiteInfo) -> bytes:
    """``approvals.json``: incidents by id, their published updates oldest first."""
    incidents: list[dict[str, Any]] = []
    for inc in sorted(release.incidents, key=lambda i: i.id):
        updates = []
        for u in inc.updates:
            withheld = "withdrawn" if u.retracted else "technical-embargo" if u.technical_pending else None
            updates.append({
                "update": u.id,
                "at": format_time(u.at),
                "digest": None if withheld else u.digest,
                "digest_withheld": withheld,
                "approved_by": sorted(u.approved_by),
                "retracted": u.retracted,
                "retracted_by": u.retracted_by,
                "approved_through_retraction": u.retracted,
                "published_at": format_time(u.published_at),
            })
        incidents.append({"id": inc.id, "kind": inc.kind.value, "url": f"{site.url}incidents/{inc.id}/",
                          "updates": updates})
    doc: dict[str, Any] = {
        "protocol": PROTOCOL,
        "site": site.url,
        "required_teams": dict(sorted(release.team_names.items())),
        "incidents": incidents,
        "at": format_time(release.at),
    }
    if release.assumed:  # a drafts preview: not the record of a published site
        doc = {"preview": True, **doc, "assumed_approved": [{"incident": i, "update": u} for i, u in release.assumed]}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def robots_txt(site: SiteInfo, preview: bool = False) -> str:
    """``robots.txt`` for a site without its own ``docs/robots.txt``: everything may be crawled, and the
    sitemap is at ``site_url`` (mkdocs.yml is the one place the site's address is written). A preview
    (not published) asks not to be crawled at all."""
    if preview:
        return "User-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\nSitemap: {site.url}sitemap.xml\n"


def render_outputs(release: Release, site: SiteInfo) -> dict[str, bytes]:
    """Feeds, calendars, ``api/v2/*.json``, badges, ``approvals.json``, STIX bundles, CSAF, security.txt and
    ``_headers``: relative path -> bytes, sorted by path."""
    out: dict[str, bytes] = {}
    out.update(render_feeds(release, site))
    out.update(render_calendars(release, site))
    out.update(render_api(release, site))
    out.update(render_badges(release, site))
    out.update(render_stix(release, site))
    out["approvals.json"] = approvals_json(release, site)
    out.update(render_csaf(release, site))
    out["_headers"] = HEADERS
    return dict(sorted(out.items()))
