"""CSAF 2.0 advisories of the technical track, their distribution files and security.txt.

>>> files = render_csaf(release, site)
>>> sorted(files)[:2]
['.well-known/csaf/provider-metadata.json', '.well-known/csaf/white/2026/2026-11-24-ransomware-scheduling.json']

One document per incident whose technical page exists (profile ``csaf_security_incident_response``),
made only from the release: a technical update still under embargo is not in the release, so it is
not in the document, its revision history, the index files or the provider metadata -- not even as a
count (reference/advisories.md). A pure function: times come from the content, never the clock.

- ``tracking.id`` is the incident id; the file name follows CSAF 2.0 section 5.1 (lower case,
  ``[^+\\-a-z0-9]+`` -> ``_``, ``.json``) and its folder is the year of ``initial_release_date``
  (section 7.1.11), under the TLP folder ``white``.
- ``revision_history`` has one entry per published revision of the technical track, in the
  order they became public: an update with technical text or a report (corrections included) and
  a withdrawn update's marker. A revision's date is when it became public: the latest of the
  update's ``at``, ``embargo_until`` and ``technical_embargo_until`` (a withdrawn update: its
  retraction's time, its own time is withdrawn with it). Version numbers are integer strings.
- ``tracking.status`` is ``interim`` while the incident is open and ``final`` once it is closed.
- TLP: only TLP:CLEAR is published, which CSAF 2.0 (written for TLP 1.0) calls ``WHITE``.
- ``vulnerabilities``: the current report's CVEs, each with its CVSS v3 score when the report
  gives a vector (``report.cvss``); the score is computed by the ``cvss`` library, and the
  product it scores is in ``product_tree``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..gate.release import PublishedIncident, PublishedUpdate, Release
from ..model.records import STATUS_LABELS, Report
from ..model.validate import format_time
from .defang import defang, defang_prose, defang_text
from .i18n import Language
from .site import CsafSettings, SiteInfo
from .views import _SECTION_TITLES, attack_url, cve_url, indicators_of, reference_hosts

__all__ = ["render_csaf", "csaf_document", "csaf_path", "csaf_file_name", "Export", "exports_of",
           "PROVIDER_METADATA", "SECURITY_TXT", "TLP_FOLDER", "security_txt"]

WELL_KNOWN = ".well-known/csaf/"
PROVIDER_METADATA = WELL_KNOWN + "provider-metadata.json"
"""Where CSAF 2.0 (section 7.1.9, requirement 9) expects the provider metadata."""
TLP_FOLDER = WELL_KNOWN + "white/"
"""The distribution directory of TLP:WHITE (TLP 2.0's CLEAR) documents (section 7.1.11)."""
SECURITY_TXT = ".well-known/security.txt"
SECURITY_TXT_DAYS = 180
"""``Expires`` of security.txt: T plus this many days (RFC 9116 recommends less than a year)."""
TLP_URL = "https://www.first.org/tlp/"


def csaf_file_name(tracking_id: str) -> str:
    """CSAF 2.0 section 5.1: ``tracking.id`` in lower case, runs of other characters than ``+``,
    ``-``, ``a-z`` and ``0-9`` replaced by ``_``, then ``.json``."""
    return re.sub(r"[^+\-a-z0-9]+", "_", tracking_id.lower()) + ".json"


@dataclass(frozen=True)
class _Revision:
    update: PublishedUpdate
    date: datetime


def _revisions(inc: PublishedIncident) -> list[_Revision]:
    """The published revisions of the technical track, in the order they became public."""
    out = []
    for u in inc.updates:
        if u.retracted:
            out.append(_Revision(u, u.at))  # the stub's time is its retraction's
        elif u.technical or u.update.report is not None:
            out.append(_Revision(u, u.technical_published_at))
    return sorted(out, key=lambda r: (r.date, r.update.id))


def csaf_path(inc: PublishedIncident) -> str | None:
    """The document's path relative to the site root, or None when the incident has none."""
    revisions = _revisions(inc) if inc.has_technical else []
    if not revisions:
        return None
    return f"{TLP_FOLDER}{revisions[0].date.year:04d}/{csaf_file_name(inc.id)}"


@dataclass(frozen=True)
class Export:
    """A machine-readable export of an incident's technical track, linked from its technical page."""

    title: str
    """What it is, e.g. "CSAF 2.0 advisory (JSON)" (translated)."""
    path: str
    """Path relative to the site root."""
    type: str
    """MIME type."""


def exports_of(inc: PublishedIncident, site: SiteInfo) -> tuple[Export, ...]:
    """Every machine-readable export of the incident, in the order the technical page lists them:
    the CSAF advisory and the STIX 2.1 bundle (:mod:`statuskit.render.stix`)."""
    from .stix import MEDIA_TYPE, has_bundle, stix_path

    out: list[Export] = []
    path = csaf_path(inc) if site.csaf is not None else None
    if path is not None:
        out.append(Export(site.lang.gettext("CSAF 2.0 advisory (JSON)"), path, "application/json"))
    if has_bundle(inc):
        out.append(Export(site.lang.gettext("STIX 2.1 bundle (JSON)"), stix_path(inc.id), MEDIA_TYPE))
    return tuple(out)


def _publisher(settings: CsafSettings, site: SiteInfo) -> dict[str, Any]:
    out: dict[str, Any] = {"category": settings.category, "name": settings.publisher or site.name,
                           "namespace": settings.namespace or site.url}
    if settings.contact_details:
        out["contact_details"] = settings.contact_details
    if settings.issuing_authority:
        out["issuing_authority"] = settings.issuing_authority
    return out


def _when(lang: Language, dt: datetime) -> str:
    return lang.gettext("%(time)s UTC") % {"time": lang.format(dt, "d MMM yyyy HH:mm")}


def _report_notes(lang: Language, report: Report, indicators: Any, keep: frozenset[str]) -> list[dict[str, str]]:
    """The current report as notes: plain text (Markdown as written), indicators defanged, those the prose
    names without listing them too (as on the technical page: only the STIX bundle carries real values)."""
    _ = lang.gettext
    notes: list[dict[str, str]] = []

    def note(category: str, key: str, text: str | None) -> None:
        if text and text.strip():
            notes.append({"category": category, "title": _(_SECTION_TITLES[key]),
                          "text": (defang_prose(text, indicators, keep) or "").strip()})

    note("summary", "summary", report.summary)
    note("details", "root-cause", report.root_cause)
    note("details", "timeline", "\n".join(f"- {format_time(t.at)}: {t.event}" for t in report.timeline))
    note("details", "indicators", "\n".join(
        f"- {i.type}: {defang(i.type, i.value)}" + (f" ({i.context})" if i.context else "") for i in report.indicators))
    note("details", "attack", "\n".join(f"- {t}: {attack_url(t)}" for t in report.attack_techniques))
    note("details", "detection", report.detection)
    note("general", "remediation", report.remediation)
    return notes


def csaf_document(inc: PublishedIncident, release: Release, site: SiteInfo) -> dict[str, Any] | None:
    """The CSAF 2.0 document of an incident as published at T, or None when it has no technical page."""
    path = csaf_path(inc)
    if path is None or site.csaf is None:
        return None
    lang = site.lang
    _ = lang.gettext
    revisions = _revisions(inc)
    indicators = indicators_of(inc)
    keep = reference_hosts(inc, site.url)
    history = []
    for n, r in enumerate(revisions, start=1):
        u = r.update
        if u.retracted:
            summary = _("Update %(n)s was withdrawn on %(time)s.") % {"n": u.id, "time": _when(lang, u.at)}
        else:
            bits = [_("Update %(n)s") % {"n": u.id}]
            if u.corrects is not None:
                bits.append(_("corrects update %(n)s") % {"n": u.corrects})
            if u.update.report is not None:
                bits.append(_("technical report revision %(n)s") % {
                    "n": 1 + sum(1 for p in inc.updates if p.update.report is not None and p.id < u.id)})
            summary = "; ".join(bits)
        history.append({"date": format_time(r.date), "number": str(n), "summary": summary})
    notes = [{"category": "general", "title": _("Technical details for security teams"),
              "text": _("Technical details for security teams: %(title)s") % {"title": inc.title}
              + f" ({_(STATUS_LABELS.get(inc.state.status, inc.state.status))})"}]
    for r in revisions:  # the technical updates, oldest first
        if r.update.technical:
            notes.append({"category": "details", "title": _("Update %(n)s") % {"n": r.update.id} + ", "
                          + _when(lang, r.date), "text": (defang_prose(r.update.technical, indicators, keep) or "").strip()})
    report = inc.state.report
    if report is not None:
        notes += _report_notes(lang, report, indicators, keep)
    references = [
        {"category": "self", "summary": _("This CSAF document"), "url": site.url + path},
        {"category": "external", "summary": _("Public incident page"), "url": f"{site.url}incidents/{inc.id}/"},
        {"category": "external", "summary": _("Technical page"), "url": f"{site.url}incidents/{inc.id}/technical/"},
    ]
    if report is not None:
        references += [{"category": "external", "summary": ref, "url": ref} for ref in report.references
                       if defang_text(ref, indicators) == ref]  # an indicator is never a link
    doc: dict[str, Any] = {"document": {
        "category": "csaf_security_incident_response",
        "csaf_version": "2.0",
        "distribution": {"tlp": {"label": "WHITE", "url": TLP_URL}},
        "lang": lang.feed_language,
        "notes": notes,
        "publisher": _publisher(site.csaf, site),
        "references": references,
        "title": inc.title,
        "tracking": {
            "current_release_date": history[-1]["date"],
            "id": inc.id,
            "initial_release_date": history[0]["date"],
            "revision_history": history,
            "status": "final" if inc.closed else "interim",
            "version": str(len(history)),
        },
    }}
    if report is not None and report.cves:
        products: dict[str, str] = {}
        cpes: dict[str, str] = {}
        for s in report.cvss:
            products.setdefault(s.product, f"CSAFPID-{len(products) + 1:04d}")
            if s.cpe:
                cpes.setdefault(s.product, s.cpe)
        if products:
            doc["product_tree"] = {"full_product_names": [
                {"name": name, "product_id": pid,
                 **({"product_identification_helper": {"cpe": cpes[name]}} if name in cpes else {})}
                for name, pid in products.items()]}
        vulns = []
        for cve in report.cves:
            v: dict[str, Any] = {"cve": cve, "references": [
                {"category": "external", "summary": cve, "url": cve_url(cve)}]}
            scores = [{"cvss_v3": _cvss_v3(s.vector), "products": [products[s.product]]}
                      for s in report.cvss if s.cve == cve]
            if scores:
                v["scores"] = scores
            vulns.append(v)
        doc["vulnerabilities"] = vulns
    return doc


def _cvss_v3(vector: str) -> dict[str, Any]:
    """CSAF's ``cvss_v3`` object (FIRST's CVSS v3 JSON) of a vector, scored by the ``cvss`` library."""
    from cvss import CVSS3

    out: dict[str, Any] = CVSS3(vector).as_json(sort=True, minimal=True)
    return out


def _json(data: Any) -> bytes:
    # keys sorted: the CSAF validators' test 6.2.13 ("sorting") warns about unsorted keys
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def security_txt(release: Release, site: SiteInfo) -> bytes | None:
    """``/.well-known/security.txt`` (RFC 9116), or None when no contact is configured."""
    s = site.security_txt
    if s is None or not s.contact:
        return None
    lines = [f"Contact: {c}" for c in s.contact]
    lines.append(f"Expires: {format_time(release.at + timedelta(days=SECURITY_TXT_DAYS))}")
    for key, value in (("Encryption", s.encryption), ("Acknowledgments", s.acknowledgments),
                       ("Policy", s.policy), ("Hiring", s.hiring)):
        if value:
            lines.append(f"{key}: {value}")
    lines.append(f"Preferred-Languages: {site.lang.code}")
    lines.append(f"Canonical: {site.url}{SECURITY_TXT}")
    if site.csaf is not None:
        lines.append(f"CSAF: {site.url}{PROVIDER_METADATA}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_csaf(release: Release, site: SiteInfo) -> dict[str, bytes]:
    """The CSAF documents, ``index.txt``, ``changes.csv``, ``provider-metadata.json`` and
    ``security.txt``: relative path -> bytes."""
    out: dict[str, bytes] = {}
    text = security_txt(release, site)
    if text is not None:
        out[SECURITY_TXT] = text
    if site.csaf is None:
        return out
    changes: list[tuple[str, str]] = []
    for inc in sorted(release.incidents, key=lambda i: i.id):
        doc = csaf_document(inc, release, site)
        path = csaf_path(inc)
        if doc is None or path is None:
            continue
        out[path] = _json(doc)
        changes.append((path[len(TLP_FOLDER):], doc["document"]["tracking"]["current_release_date"]))
    # section 7.1.12/13: every document, relative to the TLP folder; changes.csv newest first
    out[TLP_FOLDER + "index.txt"] = "".join(f"{p}\n" for p, _ in sorted(changes)).encode("utf-8")
    out[TLP_FOLDER + "changes.csv"] = "".join(
        f'"{p}","{d}"\n' for p, d in sorted(changes, key=lambda c: (c[1], c[0]), reverse=True)).encode("utf-8")
    # section 7.1.8: the provider metadata; last_updated is the newest document's release (T without one)
    meta = {
        "canonical_url": site.url + PROVIDER_METADATA,
        "distributions": [{"directory_url": site.url + TLP_FOLDER}],
        "last_updated": max((d for _, d in changes), default=format_time(release.at)),
        "list_on_CSAF_aggregators": True,
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": True,
        "publisher": _publisher(site.csaf, site),
        "role": "csaf_publisher",
    }
    out[PROVIDER_METADATA] = _json(meta)
    return dict(sorted(out.items()))
