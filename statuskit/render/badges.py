"""Status badges (SVG, shields style), readable without colour.

>>> files = render_badges(release, site)     # {"badge.svg": b"<svg ...", "components/<id>/badge.svg": ...}
>>> badge_svg("status", "All Systems Operational", "#1a7f37")

The words carry the status; the colour only repeats it. Each badge has
``role="img"``, an ``aria-label`` and a ``<title>`` with the same words, and
its colours keep white text at a contrast of at least 4.5:1 (WCAG AA). Text
widths come from a fixed table (no font is read), so the bytes depend only on
the words.
"""

from __future__ import annotations

from html import escape

from ..gate.release import Release
from ..model.records import ComponentStatus
from .site import SiteInfo

__all__ = ["badge_svg", "badge_width", "site_badge_text", "render_badges", "COMPONENT_COLOURS", "INDICATOR_COLOURS"]

_GREEN, _AMBER, _ORANGE, _RED, _BLUE, _GREY = "#1a7f37", "#9a6700", "#bc4c00", "#cf222e", "#0969da", "#555555"

COMPONENT_COLOURS = {
    ComponentStatus.OPERATIONAL: _GREEN,
    ComponentStatus.UNDER_MAINTENANCE: _BLUE,
    ComponentStatus.DEGRADED_PERFORMANCE: _AMBER,
    ComponentStatus.PARTIAL_OUTAGE: _ORANGE,
    ComponentStatus.MAJOR_OUTAGE: _RED,
}
INDICATOR_COLOURS = {"none": _GREEN, "minor": _AMBER, "major": _ORANGE, "critical": _RED}

# approximate advance widths of Verdana 11px, in tenths of a pixel
_NARROW = dict.fromkeys("iljI.,:;'|!", 33) | dict.fromkeys("frt()[]{}- /", 45)
_WIDE = dict.fromkeys("mwMW@%", 100)


def _text_width(text: str) -> int:
    tenths = 0
    for ch in text:
        if ch in _NARROW:
            tenths += _NARROW[ch]
        elif ch in _WIDE:
            tenths += _WIDE[ch]
        elif ch.isupper() or ch.isdigit():
            tenths += 72
        else:
            tenths += 65
    return (tenths + 9) // 10


def badge_width(label: str, message: str) -> int:
    """The width in pixels of :func:`badge_svg`'s badge (its height is always 20): the pages give
    their ``<img>`` both, so nothing moves as it loads."""
    return _text_width(label) + 12 + _text_width(message) + 12


def site_badge_text(release: Release) -> tuple[str, str]:
    """``badge.svg``'s label and message."""
    return "status", release.overall.description


def badge_svg(label: str, message: str, colour: str) -> bytes:
    """A two-part badge: ``label`` on grey, ``message`` on ``colour``."""
    lw, mw = _text_width(label) + 12, _text_width(message) + 12
    width = lw + mw
    words = escape(f"{label}: {message}", quote=True)
    lab, msg = escape(label, quote=False), escape(message, quote=False)
    lx, mx = lw * 5, lw * 10 + mw * 5  # centres, in tenths (text is drawn at scale .1)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" viewBox="0 0 {width} 20" '
        f'role="img" aria-label="{words}">'
        f"<title>{words}</title>"
        f'<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        f'<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{lw}" height="20" fill="{_GREY}"/>'
        f'<rect x="{lw}" width="{mw}" height="20" fill="{colour}"/>'
        f'<rect width="{width}" height="20" fill="url(#s)"/></g>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
        f'font-size="110" text-rendering="geometricPrecision" aria-hidden="true">'
        f'<text x="{lx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)">{lab}</text>'
        f'<text x="{lx}" y="140" transform="scale(.1)">{lab}</text>'
        f'<text x="{mx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)">{msg}</text>'
        f'<text x="{mx}" y="140" transform="scale(.1)">{msg}</text></g></svg>\n'
    )
    return svg.encode("utf-8")


def render_badges(release: Release, site: SiteInfo) -> dict[str, bytes]:
    """``badge.svg`` (the page's overall status) and one badge per component."""
    overall = release.overall
    colour = _BLUE if overall.description == "Service Under Maintenance" else INDICATOR_COLOURS[overall.indicator]
    out = {"badge.svg": badge_svg(*site_badge_text(release), colour)}
    for view in release.components:
        out[f"components/{view.id}/badge.svg"] = badge_svg(
            view.component.name, view.status.label, COMPONENT_COLOURS[view.status])
    return out
