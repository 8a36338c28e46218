"""Markdown text fields -> safe HTML fragments (the one Markdown renderer).

>>> render_markdown("**Please** see <https://example.org/>")
'<p><strong>Please</strong> see <a href="https://example.org/" rel="nofollow noopener">https://example.org/</a></p>'

Raw HTML written in the content is shown as text, never passed through. The
result is then sanitised with nh3: a short list of tags, links only to
http, https, mailto or relative URLs, no images (a status page makes no
third-party requests), and ``rel="nofollow noopener"`` on external links.
"""

from __future__ import annotations

import functools
import re
import threading
from html.parser import HTMLParser

import markdown as _markdown
import nh3

__all__ = ["render_markdown", "render_plain", "html_text"]

_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
_SCHEMES = {"http", "https", "mailto"}
_EXTERNAL = re.compile(r'<a href="((?:https?:|mailto:)[^"]*)"')


def _converter() -> _markdown.Markdown:
    md = _markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists"], output_format="html")
    # raw HTML in the content is text: without these two, it is escaped, not passed through
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


_local = threading.local()

# Plain prose (no character Markdown gives a meaning to, no line that could open a list, a
# heading or a code block) renders as escaped paragraphs without running Python-Markdown, which
# costs about half a millisecond per call (10,000 incidents render ~100,000 texts). A test checks
# that both paths give the same HTML.
_SPECIAL_CHAR = re.compile(r"[\\`*_{}\[\]<>#|~&=\t\r]|\n\n\n")
_SPECIAL_LINE = re.compile(r"^(?:[^\S\n]|[-+]|\d+[.)])|[^\S\n]$", re.MULTILINE)


def _fast_path(text: str) -> str | None:
    """Paragraphs of plain prose, as Python-Markdown would render them; None if not plain."""
    text = text.strip("\n")
    if _SPECIAL_CHAR.search(text) or _SPECIAL_LINE.search(text):
        return None
    return "\n".join(f"<p>{para}</p>" for para in text.split("\n\n"))


def _slow_path(text: str) -> str:
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _converter()
    md.reset()
    return md.convert(text)


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str | None) -> str:
    """The Markdown ``text`` as a sanitised HTML fragment ("" for None or blank)."""
    if not text or not text.strip():
        return ""
    html = _fast_path(text)
    if html is None:
        html = _slow_path(text)
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES, link_rel=None,
                      strip_comments=True)
    return _EXTERNAL.sub(r'<a href="\1" rel="nofollow noopener"', clean)


class _Text(HTMLParser):
    """Sanitised HTML (of :func:`render_markdown`) -> plain text, for :func:`render_plain`."""

    _BLOCKS = frozenset({"p", "pre", "blockquote", "table", "ul", "ol", "hr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []  # finished blocks, joined by blank lines
        self.line: list[str] = []  # the block being read
        self.lists: list[list[int]] = []  # per open list: [next number] (0 for a bulleted list)
        self.links: list[str | None] = []
        self.pre = 0
        self.cells = 0  # cells so far in the table row

    def _flush(self) -> None:
        text = "".join(self.line)
        lines = [ln.rstrip() for ln in text.split("\n")] if self.pre else [
            " ".join(ln.split()) for ln in text.split("\n")]
        block = "\n".join(ln for ln in lines if ln.strip()) if not self.pre else "\n".join(lines).strip("\n")
        if block:
            self.blocks.append(block)
        self.line = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            if not self.lists:
                self._flush()
            start = dict(attrs).get("start") or "1"
            self.lists.append([int(start) if tag == "ol" and start.isdigit() else 0 if tag == "ul" else 1])
        elif tag == "li":
            mark = self.lists[-1] if self.lists else [0]
            bullet = f"{mark[0]}. " if mark[0] else "- "
            if mark[0]:
                mark[0] += 1
            self.line.append("\n" + "\x01" * 2 * (len(self.lists) - 1) + bullet)
        elif tag in self._BLOCKS and not self.lists:
            self._flush()
            self.pre += tag == "pre"
        elif tag == "br":
            self.line.append("\n")
        elif tag == "tr":
            self.line.append("\n")
            self.cells = 0
        elif tag in ("td", "th"):
            self.line.append(" | " if self.cells else "")
            self.cells += 1
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
            self.line.append("\x00")  # where the link's text starts

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self.lists.pop()
            if not self.lists:
                self._flush()
        elif tag == "a" and self.links:
            href = self.links.pop()
            start = max(i for i, part in enumerate(self.line) if part == "\x00")
            text = "".join(self.line[start + 1:])
            shown = text.strip()
            if href and href not in (shown, f"mailto:{shown}"):
                text += f" ({href})"
            self.line[start:] = [text]
        elif tag in self._BLOCKS and not self.lists:
            self._flush()
            self.pre -= tag == "pre"

    def handle_data(self, data: str) -> None:
        self.line.append(data if self.pre else data.replace("\n", " "))  # a soft line break is a space

    def text(self) -> str:
        self._flush()
        return "\n\n".join(self.blocks).replace("\x01", " ")  # (an indent split() keeps)


@functools.lru_cache(maxsize=4096)
def render_plain(text: str | None) -> str:
    """The Markdown ``text`` as plain text, as Statuspage sends an update's ``body``: soft line
    breaks joined, paragraphs apart by a blank line, list items on their own lines (``- `` or
    ``1. ``), no emphasis marks, links as ``text (url)`` ("" for None or blank).

    >>> render_plain("We are **still**\\ninvestigating.\\n\\n- see [status](https://example.org/)")
    'We are still investigating.\\n\\n- see status (https://example.org/)'
    """
    return html_text(render_markdown(text))


def html_text(html: str) -> str:
    """Sanitised HTML (of :func:`render_markdown`) as plain text, as :func:`render_plain` gives it (the
    notifications turn the pages' defanged HTML into text with it)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.text()
