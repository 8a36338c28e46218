"""Search entries of a finished page body, without an HTML parser: a pure function.

>>> search_sections('<h1>Outage</h1><p>Text</p><h3 id="update-1">Resolved</h3><p>Fixed.</p>', "Outage")
[('', 'Outage', 'Outage<p>Text</p>'), ('update-1', 'Resolved', '<p>Fixed.</p>')]

Material for MkDocs' search plugin reads every page back with Python's ``HTMLParser``
to split it into sections; on a large status site that is the single largest cost of
the build. A statuskit body is HTML that statuskit wrote itself (its own markup and
nh3-sanitised fragments), so it can be walked with one regular expression instead, by
the same rules Material applies:

- a heading (h1-h6) with an ``id`` starts a section, found at ``#id``; the section ends
  with the element that contains the heading, and its text goes back to the enclosing
  section; text before the first such heading belongs to the page (titled ``title``);
- an element marked ``data-search-exclude`` is skipped with everything inside it, and
  so is a section whose heading carries the mark;
- ``p``, ``code``, ``pre``, ``li``, ``ol``, ``ul``, ``sub`` and ``sup`` are kept as bare
  tags (dropped again when nothing but whitespace is inside); every other tag is
  dropped and its text kept; text is HTML-escaped (``&``, ``<``, ``>``); line breaks
  become spaces outside ``pre``.

The input is HTML as statuskit writes it: lower-case names, every element closed (nh3's
output and statuskit's own markup are). A test compares the result with Material's own
parser on every page of the demo and of the hostile fixture site.
"""

from __future__ import annotations

import html
import re

__all__ = ["search_sections"]

_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9]*)"                                         # tag name
    r"((?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)"  # attributes
    r"\s*(/?)>"
    r"|([^<]+)"                                                            # text
    r"|(<)")                                                               # a lone "<"
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")

_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_KEEP = frozenset("p code pre li ol ul sub sup".split())
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_SKIP = frozenset(("script", "style", "object"))


class _Section:
    __slots__ = ("anchor", "tag", "depth", "excluded", "title", "text")

    def __init__(self, anchor: str, tag: str | None, depth: float, excluded: bool = False) -> None:
        self.anchor, self.tag, self.depth, self.excluded = anchor, tag, depth, excluded
        self.title: list[str] = []
        self.text: list[str] = []


def _attrs(attrs: str) -> dict[str, str]:
    """Attribute names (lower case) and values (unescaped); a repeated name: the last one (as HTMLParser)."""
    out: dict[str, str] = {}
    for name, dq, sq, bare in _ATTR.findall(attrs):
        value = dq or sq or bare
        out[name.lower()] = html.unescape(value) if "&" in value else value
    return out


def search_sections(body: str, title: str) -> list[tuple[str, str, str]]:
    """``(anchor, title, text)`` for each searchable section of ``body``, in order; the page's
    own section (text before the first heading with an id) has the anchor "" and ``title``."""
    stack: list[str] = []       # the open elements' tags
    skip = 0                    # > 0: inside an excluded element opened at this depth
    pre = 0                     # open <pre> elements
    sections: list[_Section] = []
    cur: _Section | None = None
    escape, unescape = html.escape, html.unescape
    for closing, tag, attrs, selfclosing, data, lt in _TOKEN.findall(body):
        if not tag:  # text
            if skip:
                continue
            data = data or lt
            if "&" in data:
                data = unescape(data)
            if not pre:
                data = " " if data.isspace() else data.replace("\n", " ")
            if cur is None:
                cur = _Section("", None, 0)
                sections.append(cur)
            if cur.tag is not None and cur.tag in stack:
                cur.title.append(escape(data, quote=False))
            elif data.isspace():
                text = cur.text
                if pre or not text or not text[-1].isspace():
                    text.append(data)
            else:
                cur.text.append(escape(data, quote=False))
            continue
        tag = tag.lower()
        if not closing:
            if tag in _VOID:
                continue
            stack.append(tag)
            if skip:
                if selfclosing:
                    stack.pop()
                continue
            named = _attrs(attrs) if attrs and (tag in _HEADINGS or "data-search-exclude" in attrs) else {}
            excluded = tag in _SKIP or "data-search-exclude" in named
            if tag in _HEADINGS and (anchor := named.get("id")) is not None:
                if tag != "h1" and not sections:
                    sections.append(_Section("", None, len(stack)))
                cur = _Section(anchor if sections else "", tag, len(stack), excluded)
                sections.append(cur)
            elif cur is None:
                cur = _Section("", None, 0)
                sections.append(cur)
            if excluded:
                skip = len(stack)
            elif tag in _KEEP:
                if tag == "pre":
                    pre += 1
                (cur.title if cur.tag is not None and cur.tag in stack else cur.text).append(f"<{tag}>")
            if not selfclosing:  # <path/>: HTMLParser reports a start tag and an end tag
                continue
        # an end tag counts only when it closes the innermost open element
        if not stack or stack[-1] != tag or cur is None:  # (a start tag has set cur)
            continue
        if skip:
            stack.pop()
            if len(stack) < skip:
                skip = 0
            continue
        if cur.depth > len(stack):
            # leaving the element that holds the section's heading: back to the enclosing section
            for section in reversed(sections):
                if section.depth <= len(stack):
                    cur.depth = float("inf")
                    cur = section
                    break
        stack.pop()
        if tag in _KEEP:
            if tag == "pre":
                pre -= 1
            out = cur.title if cur.tag is not None and cur.tag in stack else cur.text
            opening = f"<{tag}>"
            if opening in out:
                index = out.index(opening)
                if all(piece.isspace() for piece in out[index + 1:]):
                    del out[index:]
                else:
                    out.append(f"</{tag}>")
    return [(s.anchor, "".join(s.title or [title]).strip(), "".join(s.text).strip())
            for s in sections if not s.excluded]
