"""Defanging indicators of compromise, so that none is ever a live link.

>>> defang("url", "https://evil.example/x.docm")
'hxxps://evil[.]example/x.docm'
>>> defang("ipv4", "203.0.113.47")
'203[.]0[.]113[.]47'
>>> defang_text("Beacons to evil.example every minute", [Indicator("domain", "evil.example")])
'Beacons to evil[.]example every minute'

Network indicators (``url``, ``domain``, ``ipv4``, ``ipv6``, ``email``) are
rewritten in the usual way: ``http`` becomes ``hxxp``, dots in host names
``[.]``, ``@`` ``[@]`` and IPv6 colons ``[:]``. Hashes and file names are left
as they are (they are never links); an ``other`` value only has its URLs
defanged. :func:`defang_text` applies the same rewriting to every place an
indicator value appears in free text (technical updates, report fields) before
it is rendered, so a Markdown link to an indicator loses its scheme and the
sanitiser drops it.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..model.records import Indicator
from ..model.validate import HIDDEN_RE

__all__ = ["defang", "defang_text", "NETWORK_TYPES"]

NETWORK_TYPES = frozenset({"url", "domain", "ipv4", "ipv6", "email"})
"""Indicator types that could become links or be resolved."""

_URL_RE = re.compile(r"\b(h)(tt)(ps?)(://)([^/\s?#\"'<>]*)", re.IGNORECASE)
_SCHEME_RE = re.compile(r"\b(?:ftp|sftp|wss?)://", re.IGNORECASE)


def _dots(host: str) -> str:
    return host.replace("[.]", ".").replace(".", "[.]")


def _defang_url(match: re.Match[str]) -> str:
    scheme = ("hxxp" if match.group(1).islower() else "HXXP") + match.group(3)[1:]
    return f"{scheme}{match.group(4)}{_dots(match.group(5))}"


def _urls(text: str) -> str:
    text = _URL_RE.sub(_defang_url, text)
    return _SCHEME_RE.sub(lambda m: m.group(0).replace("://", "[://]"), text)


def defang(type: str, value: str) -> str:
    """The defanged form of an indicator ``value`` of ``type`` (an indicator type); control
    and bidi characters in it are shown as ``<U+XXXX>``, never obeyed."""
    value = HIDDEN_RE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", value)
    if type == "url":
        out = _urls(value)
        if out == value:  # no scheme: treat the part before the first "/" as the host
            host, sep, rest = value.partition("/")
            out = _dots(host) + sep + rest
        return out
    if type in ("domain", "ipv4"):
        return _dots(value)
    if type == "ipv6":
        return value.replace(":", "[:]")
    if type == "email":
        local, _, domain = value.rpartition("@")
        return f"{local}[@]{_dots(domain)}" if local else _dots(value)
    if type == "other":
        return _urls(value)
    return value


def defang_text(text: str | None, indicators: Iterable[Indicator]) -> str | None:
    """``text`` with every occurrence of a network indicator's value defanged (longer values
    first, so a URL is rewritten before the domain inside it), and every remaining
    http(s) URL whose host is one of the indicators' hosts."""
    if not text:
        return text
    indicators = list(indicators)
    hosts = {(m.group(1), "domain") for i in indicators if i.type == "url"  # a URL's host alone, too
             for m in [re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:\[\]]+)", i.value)] if m}
    todo = sorted({(i.value, i.type) for i in indicators if i.type in NETWORK_TYPES and i.value} | hosts,
                  key=lambda vt: (-len(vt[0]), vt))
    for value, typ in todo:
        if value in text:
            text = text.replace(value, defang(typ, value))
    # a URL whose host now holds a defanged indicator loses its scheme too
    return _URL_RE.sub(lambda m: _defang_url(m) if "[" in m.group(5) else m.group(0), text)
