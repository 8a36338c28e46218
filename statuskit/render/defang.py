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

Technical prose is also searched for indicators nobody listed
(:func:`prose_indicators`, with the maintained extractor ioc-finder): every URL,
domain, IPv4/IPv6 address and email address it finds is defanged as if it were
listed, except those on hosts the incident cites as references (its report's
``references``, the ATT&CK and CVE pages statuskit links, the site itself). The
machine-readable exports keep the text as written, values fanged.

>>> defang_prose("C2 at 198.51.100.23, see https://www.cisa.gov/x", (), {"www.cisa.gov"})
'C2 at 198[.]51[.]100[.]23, see https://www.cisa.gov/x'
"""

from __future__ import annotations

import functools
import re
from typing import AbstractSet, Iterable

from ..model.records import Indicator
from ..model.validate import HIDDEN_RE

__all__ = ["defang", "defang_text", "defang_prose", "prose_indicators", "url_host", "NETWORK_TYPES"]

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


_HOST_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:\[\]]+)")

_FOUND = (("urls", "url"), ("domains", "domain"), ("ipv4s", "ipv4"), ("ipv6s", "ipv6"), ("email_addresses", "email"))
"""ioc-finder's result keys for network indicators, and statuskit's indicator type for each."""

_MAY_HOLD = re.compile(r"[.:@]\w")
"""Text without a dot, colon or at sign followed by a word character holds no network indicator."""


def url_host(url: str) -> str | None:
    """The host of an absolute URL, lower-cased (``https://a.example/x`` -> ``a.example``), else None."""
    m = _HOST_RE.match(url.strip())
    return m.group(1).lower() if m else None


@functools.lru_cache(maxsize=8192)
def _found(text: str) -> tuple[tuple[str, str], ...]:
    from ioc_finder import find_iocs  # imported on first use: loading its grammar takes a moment

    found = find_iocs(text, included_ioc_types=[key for key, _ in _FOUND])
    out: list[tuple[str, str]] = []
    for key, typ in _FOUND:
        for value in found.get(key) or ():
            if isinstance(value, str) and value in text:  # only what is literally there can be rewritten
                out.append((typ, value))
    return tuple(out)


def prose_indicators(text: str | None, keep_hosts: AbstractSet[str] = frozenset()) -> tuple[Indicator, ...]:
    """Network indicators found in free ``text`` by ioc-finder (URLs, domains, IPv4/IPv6 and email
    addresses), except those on a host in ``keep_hosts`` (lower-case host names)."""
    if not text or not _MAY_HOLD.search(text):
        return ()
    out = []
    for typ, value in _found(text):
        host = url_host(value) if typ == "url" else value.rpartition("@")[2] if typ == "email" else value
        if host is not None and host.lower().rstrip(".") in keep_hosts:
            continue
        out.append(Indicator(typ, value))
    return tuple(out)


def defang_prose(text: str | None, indicators: Iterable[Indicator], keep_hosts: AbstractSet[str]) -> str | None:
    """:func:`defang_text` for technical prose: the listed ``indicators`` and every indicator
    :func:`prose_indicators` finds in ``text`` outside ``keep_hosts``."""
    if not text:
        return text
    return defang_text(text, [*indicators, *prose_indicators(text, keep_hosts)])
