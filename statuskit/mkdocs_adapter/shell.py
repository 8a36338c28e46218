"""Theme output for thousands of generated pages without rendering the theme thousands of times.

Every incident, technical and component page of a status site wears the same theme
"shell" (head, header, tabs, navigation, footer, scripts) around its body; between two
incident pages only the title, the description, the canonical URL and the body differ.
Rendering Material for MkDocs' templates costs milliseconds per page, a quarter of a
large build. So, for those pages, :class:`Shells` renders the theme's ``main.html`` once
per kind of page with unmistakable placeholders in place of those four values
(``\\ue000title\\ue001``, ...), keeps the result as a list of literal pieces, and fills
in each page's values. The output is the same, byte for byte, as a real render.

Safety, in layers:

- A page uses a shell only when nothing else about it can change the output: it is
  outside the navigation (no previous/next page, not active in the menu), its
  title, description and canonical URL are inert (no ``& < > " '``, no surrounding or
  doubled whitespace: every escaping or tag-stripping filter leaves them as they are),
  its body has an ``<h1`` (as the placeholder body does: Material adds one otherwise).
- The key of a shell holds everything else the template can see: the template, the
  page's depth (``base_url``), its other front matter, and every other variable of the
  template context (objects by identity). A plugin or a template that puts per-page
  data anywhere else gets no shell hit, only a real render.
- The template sees a stand-in page: the four values are placeholders, the URL is a
  placeholder path of the same depth (relative links to the theme's files come out
  the same), and every other per-page attribute (``file``, ``abs_url``, ...) is a
  placeholder too. A shell that holds a placeholder it cannot fill, or whose
  rendering fails, is never used.
- The first page of each shell is also rendered for real and compared; on any
  difference that shell is dropped and its pages are rendered for real.

``STATUSKIT_SHELLS=0`` turns it off (every page rendered for real).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from markupsafe import Markup

__all__ = ["Shells", "TEMPLATE", "enabled"]

TEMPLATE = "statuskit/shell.html"
"""The template name generated pages ask for; it calls back into :meth:`Shells.render`."""

_OPEN, _CLOSE = "\ue000", "\ue001"
_HOLES = ("title", "description", "canonical")
_CONTENT = f"{_OPEN}content{_CLOSE}<h1>\ue002"
"""The stand-in body: it has an <h1> like every statuskit body (Material checks for one)."""
_SPLIT = re.compile(f"{_OPEN}(title|description|canonical){_CLOSE}|({re.escape(_CONTENT)})")
_INERT = re.compile(r"(?:[^&<>\"'\s\ue000-\ue002]+(?: [^&<>\"'\s\ue000-\ue002]+)*)?")
"""Text that every escaping and tag-stripping filter leaves as it is."""

_PRIMITIVES = (str, int, float, bool, type(None))


def enabled() -> bool:
    return os.environ.get("STATUSKIT_SHELLS", "1") != "0"


def _hole(name: str) -> str:
    return f"{_OPEN}{name}{_CLOSE}"


class _Opaque:
    """A per-page value the template must not print or test: it shows up as a placeholder the
    shell cannot fill (so that shell is never used)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> _Opaque:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Opaque(f"{self._name}.{attr}")

    def __str__(self) -> str:
        return _hole(self._name.replace(".", "_"))

    __html__ = __str__

    def __bool__(self) -> bool:
        raise TypeError("per-page value")

    def __iter__(self):
        raise TypeError("per-page value")


class _StandIn:
    """The page as the template sees it while a shell is rendered."""

    def __init__(self, page, meta: dict) -> None:
        self.meta = meta
        self.title = _hole("title")
        self.content = _CONTENT
        self.canonical_url = _hole("canonical")
        depth = page.url.count("/")
        self.url = "".join(f"{_OPEN}u{i}{_CLOSE}/" for i in range(depth))
        # the same for every page of a shell (part of the key, or required)
        self.edit_url = page.edit_url
        self.update_date = page.update_date
        self.toc = page.toc
        self.is_index, self.is_top_level = page.is_index, page.is_top_level
        self.previous_page = self.next_page = self.parent = self.children = None
        self.ancestors: list = []
        self.is_homepage = self.is_section = self.is_link = False
        self.is_page = self.active = True
        self.markdown = ""

    def __getattr__(self, attr: str) -> Any:  # anything else: file, abs_url, ...
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Opaque(f"page.{attr}")


class _Same:
    """An object in a key, compared by identity (and kept alive, so its id is never reused)."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj

    def __hash__(self) -> int:
        return id(self.obj)


def _sig(value: Any) -> Any:
    if isinstance(value, _PRIMITIVES):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, _PRIMITIVES) for v in value):
        return tuple(value)
    return _Same(value)


class Shells:
    """The shells of one build. ``render`` is called from the ``statuskit/shell.html`` template."""

    def __init__(self, env) -> None:
        self.env = env
        self.shells: dict[Any, list[str] | None] = {}
        """key -> literal pieces with the hole names between them (None: not usable)."""
        self.used = self.real = 0

    # --- eligibility and key -----------------------------------------------------------------

    @staticmethod
    def _values(page) -> dict[str, str] | None:
        meta = page.meta
        values = {"title": str(meta.get("title", "")), "description": str(meta.get("description", "")),
                  "canonical": page.canonical_url or ""}
        if not values["title"] or str(page.title) != values["title"]:
            return None
        if not all(_INERT.fullmatch(v) for v in values.values()):
            return None
        if "<h1" not in (page.content or ""):
            return None
        return values

    @staticmethod
    def _eligible(page) -> bool:
        return (page.previous_page is None and page.next_page is None and page.parent is None
                and not page.is_homepage and not page.toc and page.url.endswith("/"))

    @staticmethod
    def _page_meta(meta: dict, title: str, description: str, url: Any) -> dict:
        """The front matter with the per-page values replaced (statuskit's own ``statuskit.url`` too)."""
        meta = dict(meta, title=title)
        if "description" in meta:
            meta["description"] = description
        if isinstance(meta.get("statuskit"), dict) and "url" in meta["statuskit"]:
            meta["statuskit"] = dict(meta["statuskit"], url=url)
        return meta

    def _key(self, context) -> Any:
        page = context["page"]
        meta = self._page_meta(page.meta, "", "", "")
        try:
            meta_sig = json.dumps(meta, sort_keys=True, ensure_ascii=False)
        except (TypeError, ValueError):
            return None
        if _OPEN in meta_sig or _CLOSE in meta_sig:
            return None
        # every other variable the template sees; not the wall-clock build_date_utc (a new value
        # for every page; no statuskit or Material template prints it, and a status site's pages
        # carry the build time T instead)
        others = tuple(sorted((k, _sig(v)) for k, v in context.get_all().items()
                              if k not in ("page", "build_date_utc")))
        return (page.url.count("/"), "description" in page.meta, meta_sig, page.edit_url, page.update_date,
                page.is_index, page.is_top_level, others)

    # --- rendering ---------------------------------------------------------------------------

    def _real(self, context) -> str:
        self.real += 1
        return self.env.get_template("main.html").render(context.get_all())

    def _shell(self, context) -> list[str] | None:
        page = context["page"]
        meta = self._page_meta(page.meta, _hole("title"), _hole("description"), _Opaque("page.meta.statuskit.url"))
        variables = dict(context.get_all())
        variables["page"] = _StandIn(page, meta)
        try:
            out = self.env.get_template("main.html").render(variables)
        except Exception:  # a template that needs the real page: no shell
            return None
        pieces: list[str] = []
        pos = 0
        for m in _SPLIT.finditer(out):
            pieces += [out[pos:m.start()], m.group(1) or "content"]
            pos = m.end()
        pieces.append(out[pos:])
        if any(_OPEN in p or _CLOSE in p or "\ue002" in p for p in pieces[::2]):
            return None  # a per-page value the shell cannot fill
        return pieces

    @staticmethod
    def _fill(pieces: list[str], values: dict[str, str], content: str) -> str:
        out = list(pieces)
        for i in range(1, len(out), 2):
            out[i] = content if out[i] == "content" else values[out[i]]
        return "".join(out)

    def render(self, context) -> Markup:
        page = context["page"]
        values = self._values(page) if self._eligible(page) else None
        key = self._key(context) if values is not None else None
        if key is None or values is None:
            return Markup(self._real(context))
        if key not in self.shells:
            pieces = self._shell(context)
            real = self._real(context)
            if pieces is not None and self._fill(pieces, values, page.content) != real:
                pieces = None
            self.shells[key] = pieces
            return Markup(real)
        pieces = self.shells[key]
        if pieces is None:
            return Markup(self._real(context))
        self.used += 1
        return Markup(self._fill(pieces, values, page.content))
