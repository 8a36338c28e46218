"""The MkDocs adapter: ``plugins: [search, statuskit]`` in mkdocs.yml.

```yaml
plugins:
  - search
  - statuskit:
      content: content                # the content folder, relative to mkdocs.yml
      at: 2026-11-27T18:00:00Z         # optional build time T
      page_id: abc123def456           # optional Statuspage page id (default: derived from site_url)
```

T is the option ``at``, else ``$STATUSKIT_AT``, else ``$SOURCE_DATE_EPOCH``, else now.

The adapter stays thin; every hook hands off to the core:

- ``on_config``: reads and gates the content and renders every page
  (:func:`statuskit.build.prepare`); invalid content stops the build with a
  ``PluginError`` that lists every problem with its file, line and field. It
  also puts the statuskit theme templates (``statuskit/theme``) after the
  site's ``custom_dir`` and before Material's own, so a site needs no copy.
- ``on_files``: adds the pages as generated files; incident, technical and
  component pages are ``not_in_nav`` (only home and history are navigation) and
  get a :class:`GeneratedPage`, which reads and renders no Markdown at all.
- ``on_page_markdown`` / ``on_page_content``: the same for home and history (MkDocs
  makes their page objects, for the navigation): Markdown is skipped and the
  finished body handed to the theme as it is.
- ``on_page_context``: with Material's search plugin, statuskit indexes its own
  pages (:func:`statuskit.render.search.search_sections`, the same entries
  Material's HTML parser would make, several times faster) and tells Material
  to skip them.
- ``on_pre_page``: every page's date (sitemap ``lastmod``) is T's date, never the wall clock.
- ``on_post_build``: writes the feeds, JSON API, badges and approvals.json.
- ``on_serve``: ``mkdocs serve`` also watches the content folder.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import get_toc

from .build import Prepared, prepare, render_outputs, resolve_time, site_info
from .errors import StatuskitError
from .output import write_files
from .render.pages import Page
from .render.search import search_sections

log = get_plugin_logger(__name__)

THEME_DIR = Path(__file__).resolve().parent / "theme"
"""Templates and assets that extend Material for MkDocs (main.html, statuskit.css)."""


class StatuskitConfig(base.Config):
    content = c.Type(str, default="content")
    """The content folder, relative to mkdocs.yml (``$STATUSKIT_CONTENT`` overrides it)."""
    at = c.Optional(c.Type((str, datetime)))
    """Build time T (ISO 8601 with offset); default ``$STATUSKIT_AT``, ``$SOURCE_DATE_EPOCH`` or now."""
    page_id = c.Optional(c.Type(str))
    """Statuspage-style page id for the JSON API; default derived from ``site_url``."""


class GeneratedPage(MkDocsPage):
    """A page statuskit generated: its body is finished HTML, so there is no Markdown to read,
    parse or convert (MkDocs would build a Markdown converter for every page)."""

    def __init__(self, file: File, config, generated: Page, meta: dict) -> None:
        super().__init__(None, file, config)
        self.generated = generated
        self._meta = meta

    def read_source(self, config) -> None:
        self.markdown = ""
        self.meta = dict(self._meta)

    def render(self, config, files) -> None:
        self.content = self.generated.body
        self.toc = get_toc([])


def _material_search_index(config):
    """The index of Material's search plugin when statuskit can add its pages' entries itself."""
    try:
        from material.plugins.search import plugin as material_search
    except ImportError:  # pragma: no cover - Material is a dependency
        return None
    for name, plugin in config.plugins.items():
        if isinstance(plugin, material_search.SearchPlugin):
            index = getattr(plugin, "search_index", None)
            if (plugin.config.enabled and material_search.jieba is None
                    and isinstance(getattr(index, "entries", None), list)):
                return index
            return None
    return None


class StatuskitPlugin(BasePlugin[StatuskitConfig]):
    """Generates the status site's pages and files from the content folder."""

    def __init__(self) -> None:
        self.at_override: datetime | None = None
        """Set by ``statuskit build --at``: wins over every other source of T."""
        self.content_override: Path | None = None
        """Set by ``statuskit build --content``."""
        self.error: StatuskitError | None = None
        """The error that stopped the build (for ``statuskit build`` to report as it is)."""
        self.prepared: Prepared | None = None
        self.pages: dict[str, Page] = {}
        self.content_dir: Path | None = None
        self._search_index = None
        """Material's search index, when statuskit indexes its own pages (see on_page_context)."""

    @property
    def at(self) -> datetime | None:
        return self.prepared.at if self.prepared else None

    def _fail(self, exc: StatuskitError) -> PluginError:
        self.error = exc
        return PluginError(f"statuskit: {exc}")

    def on_config(self, config):
        theme = config.theme
        # 6. no third-party requests: Material loads Google Fonts unless told not to
        if theme.name == "material" and theme.get("font") is not False:
            raise self._fail(StatuskitError(
                "theme.font must be false: a status page makes no third-party requests (Material would load "
                "Google Fonts); add `font: false` under `theme:` in mkdocs.yml"))
        if theme.name == "material" and config.repo_url:
            log.warning("repo_url makes Material fetch repository facts from the forge's API in the reader's "
                        "browser, a third-party request; a status page should not set it")
        if not config.use_directory_urls:
            raise self._fail(StatuskitError("use_directory_urls must be true: statuskit pages live at /incidents/<id>/"))
        # the package's templates come after the site's custom_dir and before the theme's own
        if str(THEME_DIR) not in theme.dirs:
            theme.dirs.insert(1 if theme.custom_dir else 0, str(THEME_DIR))
        root = Path(config.config_file_path or ".").resolve().parent
        content = self.content_override or os.environ.get("STATUSKIT_CONTENT") or self.config.content
        self.content_dir = (root / content) if not Path(content).is_absolute() else Path(content)
        try:
            at = self.at_override or resolve_time(self.config.at)
            site = site_info(config.site_name, config.site_url or "", self.config.page_id)
            self.prepared = prepare(self.content_dir, at, site)
        except StatuskitError as exc:
            raise self._fail(exc) from None
        self.pages = {p.src: p for p in self.prepared.pages}
        return config

    def _meta(self, page: Page) -> dict:
        meta = page.meta(escaped=True)  # Material prints page.meta.title without escaping
        if self._search_index is not None and page.searchable:
            meta["search"] = {"exclude": True}  # Material skips the page: on_page_context indexes it
        return meta

    def on_files(self, files, *, config):
        self._search_index = _material_search_index(config)
        for page in self.prepared.pages:
            existing = files.get_file_from_path(page.src)
            if existing is not None and existing.generated_by is None:
                raise self._fail(StatuskitError(
                    f"{config.docs_dir}/{page.src}: statuskit generates this page; remove or rename the file"))
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, page.src, content=page.body, inclusion=inclusion)
            files.append(file)
            if not page.in_nav:  # navigation pages get their page object from MkDocs, with the nav's title
                GeneratedPage(file, config, page, self._meta(page))
        return files

    def on_pre_page(self, page, *, config, files):
        page.update_date = self.prepared.at.strftime("%Y-%m-%d")
        return page

    def on_page_markdown(self, markdown, *, page, config, files):
        gen = self.pages.get(page.file.src_uri)
        if gen is None or page.file.generated_by is None:
            return markdown
        if not isinstance(page, GeneratedPage):
            page.meta = self._meta(gen)
        return ""

    def on_page_content(self, html, *, page, config, files):
        gen = self.pages.get(page.file.src_uri)
        if gen is None or page.file.generated_by is None:
            return html
        return gen.body

    def on_page_context(self, context, *, page, config, nav):
        gen = self.pages.get(page.file.src_uri)
        if (gen is not None and gen.searchable and self._search_index is not None
                and page.file.generated_by is not None):
            title = str(page.meta.get("title", page.title))
            self._search_index.entries.extend(
                {"location": page.url + (f"#{anchor}" if anchor else ""), "title": head, "text": text}
                for anchor, head, text in search_sections(page.content, title))
        return context

    def on_post_build(self, *, config):
        try:
            write_files(Path(config.site_dir), render_outputs(self.prepared.release, self.prepared.site))
        except StatuskitError as exc:
            raise self._fail(exc) from None

    def on_serve(self, server, *, config, builder):
        if self.content_dir is not None:
            server.watch(str(self.content_dir))
        return server
