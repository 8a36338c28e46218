"""STIX 2.1 bundles of the technical track: one per incident whose technical page exists.

>>> files = render_stix(release, site)
>>> sorted(files)
['incidents/2026-11-24-ransomware-scheduling/technical/stix.json', ...]

Built with the ``stix2`` library (every object validated as it is made) from the release,
so only what the technical page shows is in it: technical text and reports under a
technical embargo, unapproved updates and withdrawn updates are not in the release and
cannot appear (not even as a count). A bundle holds

- the ``incident`` (title, the current report's summary, links to both pages);
- a ``report`` (``report_types: [threat-report]``) whose ``object_refs`` name every other
  object, with the report's sections as its description and its references as external
  references;
- one ``indicator`` per indicator of any published report revision, with its real value
  (never defanged) in a STIX pattern; one that a later revision no longer lists is
  ``revoked``, dated by that revision, so peers can stop blocking it;
- one ``attack-pattern`` per ATT&CK technique and one ``vulnerability`` per CVE;
- one ``note`` per published technical update, its text as written (the pages defang it, the
  bundle does not);
- the publishing ``identity`` (the site), named by every object as ``created_by_ref``.

Ids and times come from the content, so builds stay byte-reproducible: an object's id is a
UUIDv5 of the incident's URL and the object's key (``indicator|ipv4|203.0.113.47``), its
``created`` the first publication it belongs to and its ``modified`` the last change to it.
``indicator`` types without a STIX pattern (``other``) are left out of the bundle (they stay
on the page).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import stix2

from ..infra.parallel import pmap
from ..gate.release import PublishedIncident, PublishedUpdate, Release
from ..model.records import STATUS_LABELS, Indicator, Report
from ..model.validate import format_time
from .site import SiteInfo

__all__ = ["render_stix", "stix_path", "has_bundle", "stix_bundle", "indicator_pattern", "NAMESPACE"]

NAMESPACE = uuid.UUID("6f0c6b1e-8f4a-5b0e-9d0a-2f7a3c1b5e11")
"""The UUIDv5 namespace of statuskit's STIX ids (fixed forever: changing it changes every id)."""

MEDIA_TYPE = "application/stix+json;version=2.1"

_HASHES = {"sha256": "SHA-256", "sha1": "SHA-1", "md5": "MD5"}
_OBSERVABLE = {"ipv4": "ipv4-addr:value", "ipv6": "ipv6-addr:value", "domain": "domain-name:value",
               "url": "url:value", "email": "email-addr:value", "filename": "file:name"}


def stix_path(incident_id: str) -> str:
    """Where the bundle of an incident is published (next to its technical page)."""
    return f"incidents/{incident_id}/technical/stix.json"


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def indicator_pattern(ind: Indicator) -> str | None:
    """The STIX pattern matching ``ind``'s real value, or None for a type without one (``other``).

    >>> indicator_pattern(Indicator("ipv4", "203.0.113.47"))
    "[ipv4-addr:value = '203.0.113.47']"
    """
    if ind.type in _HASHES:
        return f"[file:hashes.'{_HASHES[ind.type]}' = {_quote(ind.value.lower())}]"
    path = _OBSERVABLE.get(ind.type)
    return f"[{path} = {_quote(ind.value)}]" if path else None


class _Ids:
    def __init__(self, scope: str) -> None:
        self.scope = scope

    def __call__(self, kind: str, *key: str) -> str:
        """``kind--<uuid>``: a UUID of version 4's form (the spec asks for v4 ids), its random bits
        taken from the SHA-1 of NAMESPACE, the scope and the key (as UUIDv5 does), so ids never vary."""
        digest = uuid.uuid5(NAMESPACE, "|".join((self.scope, kind, *key))).bytes
        return f"{kind}--{uuid.UUID(bytes=digest, version=4)}"


def _report_text(report: Report) -> str:
    parts: list[str] = []
    for heading, text in (("Summary", report.summary), ("Root cause", report.root_cause),
                          ("Detection", report.detection), ("Remediation", report.remediation)):
        if text:
            parts.append(f"{heading}:\n{text.strip()}")
    if report.timeline:
        parts.append("Timeline (UTC):\n" + "\n".join(f"- {format_time(t.at)} {t.event.strip()}"
                                                     for t in report.timeline))
    return "\n\n".join(parts)


def stix_bundle(inc: PublishedIncident, site: SiteInfo) -> dict[str, Any]:
    """The STIX 2.1 bundle of ``inc`` as a JSON object (``inc.has_technical`` must be true)."""
    public_url = f"{site.url}incidents/{inc.id}/"
    technical_url = f"{public_url}technical/"
    ids = _Ids(public_url)
    technical: list[PublishedUpdate] = [u for u in inc.live if u.technical or u.update.report is not None]
    if not technical:
        raise ValueError(f"{inc.id} has no published technical track")
    first, last = technical[0].at, technical[-1].at
    revisions = [u for u in technical if u.update.report is not None]
    current = revisions[-1].update.report if revisions else None

    identity = stix2.v21.Identity(id=ids("identity"), created=first, modified=first, name=site.name,
                                  identity_class="organization",
                                  contact_information=site.url)
    by = identity.id
    common: dict[str, Any] = {"created_by_ref": by, "allow_custom": False}
    objects: list[Any] = [identity]

    # indicators, techniques and CVEs: from every published revision, in the order first met
    seen_ind: dict[tuple[str, str], tuple[Indicator, datetime]] = {}
    seen_att: dict[str, datetime] = {}
    seen_cve: dict[str, datetime] = {}
    for ru in revisions:
        rep = ru.update.report
        assert rep is not None
        for ind in rep.indicators:
            seen_ind.setdefault((ind.type, ind.value), (ind, ru.at))
        for t in rep.attack_techniques:
            seen_att.setdefault(t, ru.at)
        for c in rep.cves:
            seen_cve.setdefault(c, ru.at)

    def dropped_at(present: Any) -> datetime | None:
        """The first revision after which ``present(report)`` stays false, or None if the current has it."""
        if current is not None and present(current):
            return None
        when = None
        for ru in reversed(revisions):
            assert ru.update.report is not None
            if present(ru.update.report):
                break
            when = ru.at
        return when

    refs: list[str] = []
    incident_id = ids("incident")
    for (typ, value), (ind, at) in seen_ind.items():
        pattern = indicator_pattern(ind)
        if pattern is None:
            continue
        gone = dropped_at(lambda r, k=(typ, value): any((i.type, i.value) == k for i in r.indicators))
        description = ind.context if ind.context else f"Indicator of compromise ({typ}) in {inc.title}"
        obj = stix2.v21.Indicator(
            id=ids("indicator", typ, value), created=at, modified=gone or at, name=value,
            indicator_types=["malicious-activity"], pattern=pattern, pattern_type="stix", valid_from=at,
            revoked=gone is not None, description=description, **common)
        objects.append(obj)
        refs.append(obj.id)
    named = ((stix2.v21.AttackPattern, "attack-pattern", "mitre-attack", seen_att, lambda r: r.attack_techniques),
             (stix2.v21.Vulnerability, "vulnerability", "cve", seen_cve, lambda r: r.cves))
    for cls, kind, source, seen, listed in named:  # an ATT&CK technique or a CVE, named by its id
        for key, at in seen.items():
            gone = dropped_at(lambda r, key=key, listed=listed: key in listed(r))
            obj = cls(id=ids(kind, key), created=at, modified=gone or at, name=key, revoked=gone is not None,
                      external_references=[{"source_name": source, "external_id": key}], **common)
            objects.append(obj)
            refs.append(obj.id)

    for u in technical:
        if not u.technical:
            continue
        status = STATUS_LABELS.get(u.status, u.status)
        obj = stix2.v21.Note(
            id=ids("note", str(u.id)), created=u.at, modified=u.at,
            abstract=f"Update {u.id}, {format_time(u.at)}: {status}", content=u.technical,
            object_refs=[incident_id],
            external_references=[{"source_name": site.name, "external_id": f"{inc.id}#update-{u.id}"}], **common)
        objects.append(obj)
        refs.append(obj.id)

    # external references name the incident by its id: `stix2-validator --strict` wants a hash with
    # every URL (best practice for files), which a web page cannot have; the URLs are in the text
    pages = [{"source_name": site.name, "external_id": inc.id}]
    links = f"Technical page: {technical_url}\nPublic incident page: {public_url}"
    incident = stix2.v21.Incident(
        id=incident_id, created=inc.started_at, modified=max(last, inc.updated_at), name=inc.title,
        description="\n\n".join(p for p in (current.summary.strip() if current is not None and current.summary
                                             else "", links) if p),
        external_references=pages, **common)
    objects.insert(1, incident)
    parts = [_report_text(current)] if current is not None else []
    if current is not None and current.references:
        parts.append("References:\n" + "\n".join(f"- {r}" for r in current.references))
    parts.append(links)
    report = stix2.v21.Report(
        id=ids("report"), created=first, modified=last, published=revisions[-1].at if revisions else last,
        name=f"{inc.title}: technical report", report_types=["threat-report"],
        object_refs=[incident_id, *refs], external_references=pages,
        description="\n\n".join(p for p in parts if p), **common)
    objects.insert(2, report)
    bundle = stix2.v21.Bundle(id=ids("bundle", format_time(last), str(len(objects))), objects=objects,
                              allow_custom=False)
    doc: dict[str, Any] = json.loads(bundle.serialize())
    return doc


def has_bundle(inc: PublishedIncident) -> bool:
    """Whether ``inc`` has a bundle: its technical page exists with published technical text or a report."""
    return inc.has_technical and any(u.technical or u.update.report is not None for u in inc.live)


def _bundle_bytes(shared: tuple[Release, SiteInfo], index: int) -> bytes:
    release, site = shared
    doc = stix_bundle(release.incidents[index], site)
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_stix(release: Release, site: SiteInfo) -> dict[str, bytes]:
    """The bundle of every incident with a technical page: relative path -> bytes.

    ``stix2`` validates every object as it is made (about 0.2 ms each), so large sites make their
    bundles on every core (:func:`statuskit.infra.parallel.pmap`)."""
    todo = [i for i, inc in enumerate(release.incidents) if has_bundle(inc)]
    data = pmap(_bundle_bytes, todo, (release, site))
    return {stix_path(release.incidents[i].id): b for i, b in zip(todo, data, strict=True)}
