"""The backstop against third-party requests: scan a built site before it is swapped in.

Every ``.html``, ``.svg`` and ``.css`` file is read for resources the reader's browser would load from
another origin than the site's: ``<script src>``, ``<link href>`` (stylesheets, icons,
preloads -- every ``rel`` but plain navigation), ``<img>``/``<source>``/``<video>``/``<audio>``/
``<track>``/``<iframe>``/``<embed>``/``<object>``/``<input type=image>`` sources, ``srcset``,
``poster``, SVG ``<image>``/``<use>``, ``<base href>``, ``<meta http-equiv=refresh>``, CSS
``url()`` and ``@import`` (in .css files, ``<style>`` and ``style=""``), and absolute URLs in
inline ``<script>`` code. Plain ``<a href>`` links are navigation, not requests, and pass.

>>> scan_site(Path("site.tmp"), "https://status.example.org/")
[]          # or [("incidents/x/index.html", "https://evil.example/x.js", "<script src>")]
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from ..infra.parallel import pmap

__all__ = ["scan_site", "scan_html", "scan_css"]

# these run on the page's bytes, lower-cased (ASCII only: fast; tags and schemes are case-insensitive)
_TAG = re.compile(rb"<(script|link|img|iframe|frame|source|video|audio|track|embed|object|input|image|use|base|meta"
                  rb"|style|body|table|td|th|feimage)\b([^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)>")
_STYLE_ATTR = re.compile(rb"""style\s*=\s*("[^"]*"|'[^']*')""")
_SUSPECT = re.compile(rb"//|\\|&|[\t\n\r]/|/[\t\n\r]|\(|@import")
"""What a value must hold to name another origin: ``//``, a backslash (``https:\\host``), an entity,
a tab or newline that browsers strip (``/\t/``), or CSS ``url(``/``@import``."""
_SCRIPT_BODY = re.compile(rb"<script\b[^>]*>(.*?)</script\s*>", re.DOTALL)
_STYLE_BODY = re.compile(rb"<style\b[^>]*>(.*?)</style\s*>", re.DOTALL)
_JS_URL = re.compile(rb"""["'`]\s*((?:https?:)?//[^"'`\s]+)""")
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
                      re.IGNORECASE)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")
_NAVIGATION_RELS = {"canonical", "alternate", "next", "prev", "author", "license", "help", "me", "bookmark",
                    "search", "external", "nofollow", "noopener", "noreferrer", "tag"}
_SOURCE_ATTRS = ("src", "srcset", "poster", "data", "background", "imagesrcset", "xlink:href")


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an absolute or protocol-relative URL; None for a relative one or a
    ``data:``/``blob:``/``about:`` URL (nothing leaves the page)."""
    url = url.strip().replace("\\", "/")
    if url.startswith("//"):
        url = "https:" + url
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    if not m:
        return None
    scheme = m.group(1).lower()
    if scheme in ("data", "blob", "about", "javascript", "mailto", "tel"):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return (scheme, url, None)
    return (scheme, (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(scheme))


class _Scanner:
    def __init__(self, site_url: str) -> None:
        self.own = _origin(site_url)
        self.found: list[tuple[str, str]] = []

    def url(self, value: str | None, what: str) -> None:
        if not value:
            return
        o = _origin(value)
        if o is not None and o != self.own:
            self.found.append((value.strip(), what))

    def srcset(self, value: str, what: str) -> None:
        for candidate in value.split(","):
            if candidate.strip():
                self.url(candidate.split()[0], what)

    def css(self, text: str, what: str) -> None:
        if "\\" in text:  # CSS escapes: u\72l( is url(
            text = _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), text)
        low = text.lower()
        if "url" not in low and "@import" not in low:
            return
        for m in _CSS_URL.finditer(text):
            self.url(next(g for g in m.groups() if g is not None), what)


def _attrs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(text):
        value = m.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        out.setdefault(m.group(1).lower(), html.unescape(value))
    return out


def _text(b: bytes) -> str:
    return b.decode("utf-8", "replace")


def scan_html(page: str | bytes, site_url: str) -> list[tuple[str, str]]:
    """(url, what) for each resource the page loads from another origin (URLs shown lower-cased)."""
    s = _Scanner(site_url)
    data = (page.encode("utf-8") if isinstance(page, str) else page).lower()
    for m in _TAG.finditer(data):
        if not _SUSPECT.search(m.group(2)):
            continue  # relative URLs only: nothing here can name another origin
        tag = _text(m.group(1))
        a = _attrs(_text(m.group(2)))
        if tag == "link":
            rels = set((a.get("rel") or "").lower().split())
            if not rels or not rels <= _NAVIGATION_RELS:
                s.url(a.get("href"), f"<link rel={a.get('rel')!r} href>")
            s.srcset(a.get("imagesrcset", ""), "<link imagesrcset>")
        elif tag == "meta":
            if (a.get("http-equiv") or "").lower() == "refresh":
                target = re.split(r"url\s*=\s*", a.get("content") or "", maxsplit=1, flags=re.IGNORECASE)
                if len(target) == 2:
                    s.url(target[1].strip("'\" "), "<meta http-equiv=refresh>")
        elif tag in ("base", "use", "image", "feimage"):
            s.url(a.get("href"), f"<{tag} href>")
        for name in _SOURCE_ATTRS:
            if name in a:
                if "srcset" in name:
                    s.srcset(a[name], f"<{tag} {name}>")
                else:
                    s.url(a[name], f"<{tag} {name}>")
        if "style" in a:
            s.css(a["style"], f"<{tag} style>")
    for m in _STYLE_ATTR.finditer(data):  # style="" on tags the pattern above does not name
        s.css(html.unescape(_text(m.group(1)[1:-1])), "style attribute")
    for m in _STYLE_BODY.finditer(data):
        s.css(_text(m.group(1)), "<style>")
    for m in _SCRIPT_BODY.finditer(data):
        for u in _JS_URL.finditer(m.group(1)):
            s.url(_text(u.group(1)), "URL in an inline <script>")
    return sorted(set(s.found))


def scan_css(text: str, site_url: str) -> list[tuple[str, str]]:
    """(url, what) for each ``url()`` and ``@import`` of another origin."""
    s = _Scanner(site_url)
    s.css(text, "CSS url()/@import")
    return sorted(set(s.found))


def _scan_file(shared: tuple[str, str], path: str) -> list[tuple[str, str, str]]:
    root, site_url = shared
    with open(path, "rb") as fh:
        data = fh.read()
    found = scan_css(_text(data), site_url) if path.endswith(".css") else scan_html(data, site_url)
    rel = Path(path).relative_to(root).as_posix()
    return [(rel, url, what) for url, what in found]


def scan_site(root: Path, site_url: str) -> list[tuple[str, str, str]]:
    """(relative path, url, what) for every third-party load in the .html, .svg and .css files under ``root``
    (over several processes for a large site)."""
    paths = [os.path.join(d, n) for d, _dirs, names in os.walk(root) for n in names
             if n.endswith((".html", ".htm", ".svg", ".css"))]
    return sorted(f for part in pmap(_scan_file, paths, (str(root), site_url)) for f in part)
