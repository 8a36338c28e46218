"""The MkDocs adapter: ``plugins: [search, statuskit]`` in mkdocs.yml.

```yaml
plugins:
  - search
  - statuskit:
      content: content                # the content folder, relative to mkdocs.yml
      page_id: abc123def456           # optional Statuspage page id (default: derived from site_url)
      display_time_zone: Europe/Berlin  # optional: pages also show times in this IANA time zone
      fast: true                      # the speed-ups into MkDocs/Material internals (default: true)
      csaf: {publisher: Example, namespace: https://example.org/}   # CSAF advisories' publisher (optional)
      security_txt: {contact: [mailto:security@example.org]}       # /.well-known/security.txt (optional)
```

``csaf`` and ``security_txt`` are described in reference/advisories.md.

statuskit's words and dates follow ``theme.language`` (a catalogue per language; English, with a
warning, where there is none), and its templates are looked up in ``theme.custom_dir`` first
(``<custom_dir>/statuskit/partials/update.html`` overrides the update partial; reference/templates.md).

``fast`` switches, together, the speed-ups that reach into MkDocs and Material internals: the
theme shells (:mod:`statuskit.mkdocs_adapter.shell`), the search entries statuskit writes into
Material's index itself, and the browser-side request patch in ``statuskit/theme/statuskit/base.html``
(search index and sitemap held back). They are pinned to the Material versions the tests cover
(:data:`FAST_MATERIAL`); outside that range they switch off, with a log line, and the site is
built the plain way. ``fast: false`` builds the same pages without them.

T is ``statuskit build --at``, else ``$STATUSKIT_AT``, else ``$SOURCE_DATE_EPOCH``, else now
(:func:`statuskit.gate.clock.resolve_time`): the operator's choice, never the repository's
(the option ``at`` is refused). ``statuskit build`` hands T over as a value through
:meth:`StatuskitPlugin.configure`; a plain ``mkdocs build`` or ``mkdocs serve`` resolves it here.

A build publishes only the site files both teams approved (:mod:`statuskit.gate.site_chain`),
refuses settings that move the gate or call a third party (:func:`statuskit.publish.build.config_refusals`),
and, in ``statuskit build``, scans the output for third-party loads before it is swapped in. A
preview (``statuskit build --preview``, ``statuskit serve``) skips the site approval, and every
page says so: a "PREVIEW — NOT PUBLISHED" banner and ``<meta name="robots" content="noindex">``.

The adapter stays thin; every hook hands off to the core:

- ``on_config``: reads and gates the content and renders every page
  (:func:`statuskit.publish.build.prepare`); invalid content stops the build with a
  ``PluginError`` that lists every problem with its file, line and field. It
  also puts the statuskit theme templates (``statuskit/theme``) after the
  site's ``custom_dir`` and before Material's own, so a site needs no copy.
- ``on_files``: adds the pages as generated files; incident, technical and
  component pages are ``not_in_nav`` (only home and history are navigation) and
  get a :class:`GeneratedPage`, which reads and renders no Markdown at all. Without a
  ``docs/robots.txt`` it adds one whose ``Sitemap:`` line follows ``site_url`` (a preview's
  asks not to be crawled).
- ``on_page_markdown`` / ``on_page_content``: the same for home and history (MkDocs
  makes their page objects, for the navigation): Markdown is skipped and the
  finished body handed to the theme as it is.
- ``on_page_context``: with Material's search plugin, statuskit indexes its own
  pages (:func:`statuskit.render.search.search_sections`, the same entries
  Material's HTML parser would make, several times faster) and tells Material
  to skip them.
- ``on_pre_page`` / ``on_env`` / ``on_page_context``: the sitemap (which MkDocs writes in between,
  before any page) has as each page's ``lastmod`` the date of the latest published update the page
  shows (:attr:`statuskit.render.pages.Page.updated`; none for a page that shows none, T's date on
  a site with nothing published); while a
  page's template renders, its date is T's (the same on every page, so theme shells still apply).
  Never the wall clock.
- ``on_env``: generated pages go through :mod:`statuskit.mkdocs_adapter.shell`, which renders
  the theme once per kind of page and fills in each page (byte-identical output).
- ``on_post_page``: a generated page lets go of its body once written.
- ``on_post_build``: writes the feeds, JSON API, badges, approvals.json, the CSAF files and security.txt.
- ``on_post_page`` / ``on_post_template``: in a preview, the banner and noindex on every page.
- ``on_serve``: ``mkdocs serve`` also watches the content folder and the theme's ``custom_dir``.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import pass_context
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import get_toc

from ..errors import StatuskitError
from ..gate.clock import resolve_time
from ..gate.release import refuse_assumed
from ..publish.build import (BuildOptions, Prepared, advisory_settings, config_refusals, prepare, render_outputs,
                             site_info)
from ..publish.output import check_replaceable, write_files, write_marker
from ..render.outputs import robots_txt
from ..render.i18n import catalogue_warnings, check_time_zone
from ..render.pages import Page
from ..render.site import PUBLISHER_CATEGORIES
from ..render.search import search_sections
from .shell import TEMPLATE as SHELL_TEMPLATE
from .shell import Shells
from .shell import enabled as shells_enabled

log = get_plugin_logger(__name__)

FAST_MATERIAL = ((9, 7), (9, 9))
"""mkdocs-material versions ``fast`` is tested with: at least the first, below the second."""


def _material_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mkdocs-material")
    except PackageNotFoundError:  # pragma: no cover - Material is a dependency
        return "0"


def fast_supported(material_version: str) -> bool:
    """Whether the speed-ups are tested with this mkdocs-material version (:data:`FAST_MATERIAL`)."""
    try:
        v = tuple(int(x) for x in material_version.split(".")[:2])
    except ValueError:
        return False
    return FAST_MATERIAL[0] <= v < FAST_MATERIAL[1]

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"
"""Templates and assets that extend Material for MkDocs (main.html, statuskit.css)."""


class CsafOptions(base.Config):
    """``csaf:``: the publisher of the CSAF advisories (reference/advisories.md)."""

    enabled = c.Type(bool, default=True)
    publisher = c.Optional(c.Type(str))
    namespace = c.Optional(c.Type(str))
    category = c.Choice(PUBLISHER_CATEGORIES, default="vendor")
    contact_details = c.Optional(c.Type(str))
    issuing_authority = c.Optional(c.Type(str))


class SecurityTxtOptions(base.Config):
    """``security_txt:``: /.well-known/security.txt (RFC 9116), written when ``contact`` is given."""

    contact = c.ListOfItems(c.Type(str), default=[])
    policy = c.Optional(c.Type(str))
    encryption = c.Optional(c.Type(str))
    acknowledgments = c.Optional(c.Type(str))
    hiring = c.Optional(c.Type(str))


class StatuskitConfig(base.Config):
    content = c.Type(str, default="content")
    """The content folder, relative to mkdocs.yml (``$STATUSKIT_CONTENT`` overrides it)."""
    at = c.Optional(c.Type((str, datetime)))
    """Refused: the build time comes from ``--at``, ``$STATUSKIT_AT``, ``$SOURCE_DATE_EPOCH`` or now
    (kept so that the refusal is a clear message)."""
    page_id = c.Optional(c.Type(str))
    """Statuspage-style page id for the JSON API; default derived from ``site_url``."""
    display_time_zone = c.Optional(c.Type(str))
    """An IANA time zone (``Europe/Berlin``) pages show next to UTC; data stays UTC."""
    drafts = c.Optional(c.Type(bool))
    """Refused: a drafts preview comes only from the command line (``build --drafts``, ``serve --drafts``)."""
    csaf = c.SubConfig(CsafOptions)
    """The CSAF advisories' publisher (``enabled: false`` turns the CSAF export off)."""
    security_txt = c.SubConfig(SecurityTxtOptions)
    """``/.well-known/security.txt`` settings; no file without a ``contact``."""
    fast = c.Type(bool, default=True)
    """The speed-ups into MkDocs and Material internals (theme shells, search entries, the request
    patch in base.html); on only with a tested Material version (:data:`FAST_MATERIAL`)."""


class GeneratedPage(MkDocsPage):
    """A page statuskit generated: its body is finished HTML, so there is no Markdown to read,
    parse or convert (MkDocs would build a Markdown converter for every page). Once MkDocs has
    written the page, :meth:`release` lets go of the body: a site of 10,000 incidents would
    otherwise hold 20,000 bodies to the end of the build."""

    def __init__(self, file: File, config, generated: Page, meta: dict, shell: bool = True) -> None:
        super().__init__(None, file, config)
        self.generated: Page | None = generated
        self.searchable = generated.searchable
        self._meta = meta
        if shell and shells_enabled():  # rendered through statuskit.mkdocs_adapter.shell, same output
            self._meta["template"] = SHELL_TEMPLATE

    def _set_canonical_url(self, base: str | None) -> None:
        # MkDocs' urljoin + urlsplit, for the plain relative URLs of generated pages
        if not base:
            self.canonical_url = self.abs_url = None
            return
        base = base if base.endswith("/") else base + "/"
        self.canonical_url = base + self.url
        self.abs_url = _url_path(base) + self.url

    def read_source(self, config) -> None:
        self.markdown = ""
        self.meta = dict(self._meta)

    def render(self, config, files) -> None:
        if self.generated is None:  # released: MkDocs renders each page once per build
            raise PluginError(f"statuskit: page {self.file.src_uri} rendered again after it was written")
        self.content = self.generated.body
        self.toc = get_toc([])

    def release(self) -> None:
        """Drop the body (the page is written)."""
        self.generated = None
        self.content = ""
        self.file.content_string = ""


PREVIEW_BANNER = ('<div class="sk-preview-banner" role="alert" style="background:#b00020;color:#fff;'
                  'font-weight:bold;text-align:center;padding:.5em;font-size:1rem">PREVIEW — NOT PUBLISHED</div>')
PREVIEW_META = '<meta name="robots" content="noindex">'


DRAFTS_NOTICE = ('<div class="sk-drafts-notice" role="note" style="background:#fde7ea;color:#000;text-align:center;'
                 'padding:.4em;font-size:.8rem">{}</div>')


def _mark_preview(output: str, notice: str = "", panel: str = "") -> str:
    """A preview page: noindex in the head, the banner (and a drafts preview's notice) at the top of the body;
    ``panel`` (a drafts preview's pending changes) at the top of the page's content."""
    output = re.sub(r"<head\b[^>]*>", lambda m: m.group(0) + PREVIEW_META, output, count=1, flags=re.IGNORECASE)
    top = PREVIEW_BANNER + (DRAFTS_NOTICE.format(notice) if notice else "")
    if panel:
        output, n = re.subn(r'<article\b[^>]*class="md-content__inner[^"]*"[^>]*>', lambda m: m.group(0) + panel,
                            output, count=1, flags=re.IGNORECASE)
        if not n:
            top += panel
    return re.sub(r"<body\b[^>]*>", lambda m: m.group(0) + top, output, count=1, flags=re.IGNORECASE)


def _raw_config(path) -> dict:
    """mkdocs.yml as written (tags read as None), for what MkDocs' own config does not keep."""
    from ..publish.build import read_raw_config

    try:
        return read_raw_config(Path(path)) if path else {}
    except StatuskitError:  # MkDocs has read it already: it reports its own errors
        return {}


def _site_dir(raw: dict) -> str:
    value = raw.get("site_dir")
    return value if isinstance(value, str) else "site"


def _mermaid(mdx_configs) -> bool:
    fences = ((mdx_configs or {}).get("pymdownx.superfences") or {}).get("custom_fences") or []
    return any(isinstance(f, dict) and f.get("name") == "mermaid" for f in fences)


@functools.lru_cache(maxsize=8)
def _url_path(base: str) -> str:
    return urlsplit(base).path


def _material_search_index(config):
    """The index of Material's search plugin when statuskit can add its pages' entries itself."""
    try:
        from material.plugins.search import plugin as material_search
    except ImportError:  # pragma: no cover - Material is a dependency
        return None
    for plugin in config.plugins.values():
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
        self.options: BuildOptions | None = None
        """What ``statuskit build`` decided (:meth:`configure`); None under a plain ``mkdocs build``."""
        self.error: StatuskitError | None = None
        """The error that stopped the build (for ``statuskit build`` to report as it is)."""
        self.prepared: Prepared | None = None
        """The release and, until ``on_files`` hands them to MkDocs, the pages."""
        self.pages: dict[str, Page] = {}
        """The navigation pages (home, history), by source path; the others are GeneratedPage objects."""
        self.page_count = 0
        self.content_dir: Path | None = None
        self._search_index = None
        """Material's search index, when statuskit indexes its own pages (see on_page_context)."""
        self.shells: Shells | None = None
        self.fast = False
        """The ``fast`` option, when the installed Material is one it is tested with (set in on_config)."""
        self.preview: bool = os.environ.get("STATUSKIT_PREVIEW") == "1"
        """A preview (``statuskit build --preview``, ``statuskit serve``): site approval is not required,
        and every page carries the PREVIEW banner and noindex."""
        self.drafts: bool = self.preview and os.environ.get("STATUSKIT_DRAFTS") == "1"
        """A drafts preview (``statuskit build --drafts``, ``statuskit serve --drafts``): the release as if
        every pending update were approved; only ever a preview."""
        self.drafts_refused = os.environ.get("STATUSKIT_DRAFTS") not in (None, "", "0") and not self.drafts
        """$STATUSKIT_DRAFTS without ``statuskit serve`` (a plain ``mkdocs build``): refused in on_config."""

    def configure(self, options: BuildOptions) -> None:
        """The one way a caller hands the plugin T, the content folder and preview mode: before
        MkDocs runs (``build_site`` does, after ``load_config``)."""
        self.options = options
        self.preview = options.preview
        self.drafts = options.preview and options.drafts  # never from the environment: the caller decided
        self.drafts_refused = False

    @property
    def at(self) -> datetime | None:
        return self.prepared.at if self.prepared else None

    def _fail(self, exc: StatuskitError) -> PluginError:
        self.error = exc
        return PluginError(f"statuskit: {exc}")

    @property
    def _kind(self) -> str:
        """What this build writes (its output folder's marker, :mod:`statuskit.publish.output`)."""
        return "preview" if self.preview else "site"

    def on_config(self, config):
        theme = config.theme
        root = Path(config.config_file_path or ".").resolve().parent
        config_name = Path(config.config_file_path or "mkdocs.yml").name
        raw = _raw_config(config.config_file_path)
        given = (self.options.content_dir if self.options else None) or os.environ.get("STATUSKIT_CONTENT")
        # 6. no third-party requests, and nothing in mkdocs.yml that moves the gate
        from ..model.content import display_path

        problems = config_refusals(
            display_path(Path(config.config_file_path)) if config.config_file_path else config_name, plugin_at=self.config.at, content=self.config.content, content_given=bool(given),
            content_default=(root / self.config.content).resolve() == (root / "content").resolve(),
            hooks=list(config.hooks or ()), inherit=isinstance(raw, dict) and "INHERIT" in raw,
            repo_url=config.repo_url, extra_javascript=list(config.extra_javascript), extra_css=list(config.extra_css),
            extra=dict(config.extra or {}), theme={k: theme.get(k) for k in ("logo", "favicon")},
            mermaid=_mermaid(config.mdx_configs), plugin_drafts=self.config.drafts)
        if self.drafts_refused:
            problems.append("$STATUSKIT_DRAFTS: a drafts preview shows updates that are not approved and is built only "
                            "by `statuskit build --drafts --site-dir DIR` or `statuskit serve --drafts`; unset it")
        if theme.name == "material" and theme.get("font") is not False:
            problems.insert(0, "theme.font must be false: a status page makes no third-party requests (Material would "
                               "load Google Fonts); add `font: false` under `theme:` in mkdocs.yml")
        if problems:
            raise self._fail(StatuskitError("\n".join(problems)))
        if not config.use_directory_urls:
            raise self._fail(StatuskitError("use_directory_urls must be true: statuskit pages live at /incidents/<id>/"))
        if self.preview and os.environ.get("STATUSKIT_PREVIEW") == "1" and \
                Path(config.site_dir).resolve() == (root / _site_dir(raw)).resolve():
            raise self._fail(StatuskitError(f"refusing to write a preview into {_site_dir(raw)}/, the folder the site is "
                                            "published from; give another folder (statuskit build --preview --site-dir DIR)"))
        # the speed-ups into Material's internals only with a Material version they are tested with
        self.fast = self.config.fast and fast_supported(_material_version())
        if self.config.fast and not self.fast:
            log.info(f"fast: off: mkdocs-material {_material_version()} is outside the range the speed-ups are "
                     f"tested with (>={'.'.join(map(str, FAST_MATERIAL[0]))},<{'.'.join(map(str, FAST_MATERIAL[1]))})"
                     "; building without theme shells, statuskit's search entries and the request patch")
        # the package's templates come after the site's custom_dir and before the theme's own
        if str(THEME_DIR) not in theme.dirs:
            theme.dirs.insert(1 if theme.custom_dir else 0, str(THEME_DIR))
        content = given or self.config.content
        self.content_dir = (root / content) if not Path(content).is_absolute() else Path(content)
        if self.options is None:
            # a plain `mkdocs build` empties site_dir itself, right after this hook: only a folder
            # statuskit may replace (empty, or its own output, and never an input)
            inputs = [Path(config.config_file_path or root / "mkdocs.yml"), Path(config.docs_dir), self.content_dir]
            if theme.custom_dir:
                inputs.append(Path(theme.custom_dir))
            try:
                check_replaceable(Path(config.site_dir), kind=self._kind, inputs=inputs)
            except StatuskitError as exc:
                raise self._fail(exc) from None
        try:
            at = self.options.at if self.options else resolve_time()
            site = site_info(config.site_name, config.site_url or "", self.config.page_id)
            # statuskit's words, dates and templates: theme.language, display_time_zone, custom_dir
            code = str(theme.get("language") or "en")
            site = dataclasses.replace(
                site, language=code, template_dirs=(theme.custom_dir,) if theme.custom_dir else (),
                display_time_zone=check_time_zone(self.config.display_time_zone,
                                                  f"{config_name}: plugins.statuskit.display_time_zone"))
            site = advisory_settings(site, dict(self.config.csaf), dict(self.config.security_txt),
                                     Path(config.config_file_path) if config.config_file_path else None)
            for warning in catalogue_warnings(code):
                log.warning(warning)
            self.prepared = prepare(self.content_dir, at, site, drafts=self.drafts)
            # the site's own files are the ones both teams approved (a preview is not published)
            if not self.preview:
                refuse_assumed(self.prepared.release)  # a drafts release is never published
                self._require_site_approval(config, root, config_name)
        except StatuskitError as exc:
            raise self._fail(exc) from None
        self.page_count = len(self.prepared.pages)
        return config

    def _require_site_approval(self, config, root: Path, config_name: str) -> None:
        from ..gate.site_chain import require_site_approval, site_status
        from ..model.content import load_site_files

        def rel(path: str) -> str:
            return Path(os.path.relpath(Path(path).resolve(), root)).as_posix()

        content_dir = self.content_dir
        teams = load_site_files(content_dir)[1] if content_dir is not None else None
        if content_dir is None or teams is None:  # (not reached: on_config set it, prepare() read teams.yml)
            raise StatuskitError("the content's teams.yml does not load, so the site files cannot be checked")
        custom_dir = config.theme.custom_dir
        st = site_status(root, content_dir, teams, config_name=config_name,
                         folders=(rel(config.docs_dir), None if custom_dir is None else rel(custom_dir)))
        require_site_approval(st, content_dir)

    def _meta(self, page: Page) -> dict:
        meta = page.meta(escaped=True)  # Material prints page.meta.title without escaping
        if self._search_index is not None and page.searchable:
            meta["search"] = {"exclude": True}  # Material skips the page: on_page_context indexes it
        return meta

    def _ready(self) -> Prepared:
        """What on_config prepared (MkDocs calls on_config before every other hook of a build)."""
        if self.prepared is None:
            raise PluginError("statuskit: the plugin's on_config did not run before this build step")
        return self.prepared

    def on_files(self, files, *, config):
        self._search_index = _material_search_index(config) if self.fast else None
        for page in self._ready().pages:
            existing = files.get_file_from_path(page.src)
            if existing is not None and existing.generated_by is None:
                raise self._fail(StatuskitError(
                    f"{config.docs_dir}/{page.src}: statuskit generates this page; remove or rename the file"))
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, page.src, content=page.body, inclusion=inclusion)
            files.append(file)
            if page.in_nav:  # navigation pages get their page object from MkDocs, with the nav's title
                self.pages[page.src] = page
            else:
                GeneratedPage(file, config, page, self._meta(page), shell=self.fast)
        if files.get_file_from_path("robots.txt") is None:  # its Sitemap line follows site_url
            files.append(File.generated(config, "robots.txt", content=robots_txt(self._ready().site, self.preview)))
        # from here on MkDocs holds the pages: the plugin keeps no second reference to their bodies
        self.prepared = dataclasses.replace(self._ready(), pages=())
        return files

    def on_pre_page(self, page, *, config, files):
        page.update_date = self._ready().at.strftime("%Y-%m-%d")
        return page

    def on_page_markdown(self, markdown, *, page, config, files):
        if isinstance(page, GeneratedPage):
            return ""
        gen = self.pages.get(page.file.src_uri)
        if gen is None or page.file.generated_by is None:
            return markdown
        page.meta = self._meta(gen)
        return ""

    def on_page_content(self, html, *, page, config, files):
        if isinstance(page, GeneratedPage):
            return page.content  # its body, set by GeneratedPage.render just before
        gen = self.pages.get(page.file.src_uri)
        if gen is None or page.file.generated_by is None:
            return html
        return gen.body

    def on_page_context(self, context, *, page, config, nav):
        page.update_date = self._ready().at.strftime("%Y-%m-%d")  # on_env gave the sitemap its own
        if isinstance(page, GeneratedPage):
            searchable = page.searchable
        else:
            gen = self.pages.get(page.file.src_uri)
            searchable = gen is not None and gen.searchable and page.file.generated_by is not None
        if searchable and self._search_index is not None:
            title = str(page.meta.get("title", page.title))
            self._search_index.entries.extend(
                {"location": page.url + (f"#{anchor}" if anchor else ""), "title": head, "text": text}
                for anchor, head, text in search_sections(page.content, title))
        return context

    @event_priority(-100)  # after every other plugin has seen the output
    def on_post_page(self, output, *, page, config):
        if isinstance(page, GeneratedPage):
            page.release()
        if not self.preview:
            return output
        return _mark_preview(output, *self._drafts_parts(page.file.src_uri))

    def _drafts_parts(self, src: str | None) -> tuple[str, str]:
        """A drafts preview's notice for every page, and its pending-changes panel for the home page (every
        pending update) and an incident page (that incident's); ("", "") otherwise."""
        prepared = self._ready()
        d = prepared.drafts
        if not self.drafts or d is None:
            return "", ""
        from ..render.drafts import drafts_notice, pending_panel

        panel = ""
        if src == "index.md":
            panel = pending_panel(d, prepared.site, here="")
        elif src and src.startswith("incidents/") and src.count("/") == 1 and src.endswith(".md"):
            panel = pending_panel(d, prepared.site, incident=src[len("incidents/"):-len(".md")])
        return drafts_notice(d, prepared.site), panel

    @event_priority(-100)
    def on_post_template(self, output_content, *, template_name, config):
        if self.preview and template_name.endswith(".html"):
            return _mark_preview(output_content, *self._drafts_parts(None))
        return output_content

    def on_env(self, env, *, config, files):
        # sitemap lastmod (MkDocs writes sitemap.xml next, before the pages): the content's date; on a
        # site with nothing published, T's date stays (MkDocs dates sitemap.xml.gz by the latest)
        dates = {}
        for file in files.documentation_pages():
            page = file.page
            if page is None:
                continue
            gen = page.generated if isinstance(page, GeneratedPage) else self.pages.get(file.src_uri)
            updated = gen.updated if gen is not None and file.generated_by is not None else None
            dates[file.src_uri] = (page, updated.strftime("%Y-%m-%d") if updated is not None else "")
        if any(date for _, date in dates.values()):
            for page, date in dates.values():
                page.update_date = date
        env.globals["statuskit_fast"] = self.fast  # base.html: the request patch only when fast
        if not self.fast:
            return env
        self.shells = Shells(env)
        shells = self.shells
        env.globals["statuskit_shell"] = pass_context(lambda context: shells.render(context))
        return env

    def on_post_build(self, *, config):
        if self.shells is not None:
            log.debug(f"{self.shells.used} pages filled in from {len(self.shells.shells)} theme shells, "
                      f"{self.shells.real} theme renders")
        try:
            prepared = self._ready()
            if not self.preview:
                refuse_assumed(prepared.release)  # again right before the feeds, API and approvals.json
            write_files(Path(config.site_dir), render_outputs(prepared.release, prepared.site))
            if self.options is None:  # `statuskit build` marks its temporary folder itself
                write_marker(Path(config.site_dir), self._kind)
        except StatuskitError as exc:
            raise self._fail(exc) from None

    def on_serve(self, server, *, config, builder):
        if self.content_dir is not None:
            server.watch(str(self.content_dir))
        if config.theme.custom_dir:  # the site's theme overrides (MkDocs watches them only with --watch-theme)
            server.watch(str(config.theme.custom_dir))
        return server
