"""The build pipeline: load, validate, gate, render, write -- top to bottom.

>>> build_site(Path("mkdocs.yml"), at=parse_time("2026-11-27T18:00:00Z"))   # MkDocs, atomic
>>> export_site(Path("content"), Path("out"), at, site_info("Status", "https://status.example.org/"))

:func:`prepare` is the part every front end shares (the MkDocs plugin, ``build``
and ``export``): content in, release and finished pages out. Nothing is written
until everything is gathered, and every write goes through :mod:`statuskit.publish.output`.

The build time T has one rule, :func:`statuskit.gate.clock.resolve_time`, applied once at the edge (the CLI,
:func:`build_site`, or the plugin under a plain ``mkdocs build``/``mkdocs serve``): ``--at``,
else ``$STATUSKIT_AT``, else ``$SOURCE_DATE_EPOCH``, else now (whole seconds). It is then
passed down as a value: :func:`build_site` hands the plugin a :class:`BuildOptions` through
``StatuskitPlugin.configure`` before MkDocs runs. T is the operator's choice: a plugin
option ``at`` in mkdocs.yml is refused (:func:`config_refusals`), as are the other settings
that move the gate or make readers' browsers call a third party.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import yaml

from ..gate.site_chain import TolerantLoader
from ..errors import BuildError, StatuskitError
from ..gate.clock import resolve_time
from ..gate.release import GateReport, Release, gate, refuse_assumed
from ..model.content import display_path, load_content
from ..model.validate import format_time
from ..render.pages import Page, render_pages
from ..render.site import SiteInfo
from .output import replacing, write_files
from .output_scan import scan_site

if TYPE_CHECKING:
    from ..gate.drafts import Drafts

__all__ = ["BuildOptions", "site_info", "advisory_settings", "prepare", "Prepared", "render_outputs", "export_site", "build_site",
           "site_from_mkdocs_yml", "settings_from_mkdocs_yml", "MkDocsSettings", "export_site_info", "BuildResult"]


# --- inputs ------------------------------------------------------------------------------------

def site_info(name: str, url: str, page_id: str | None = None) -> SiteInfo:
    """Site settings; ``page_id`` defaults to 12 characters derived from the site URL (stable)."""
    if not url or not url.startswith(("http://", "https://")):
        raise StatuskitError(f"site_url must be an absolute http(s) URL such as https://status.example.org/, "
                             f"got {url!r} (feeds and the JSON API need absolute links)")
    if page_id is None:
        digest = hashlib.sha256(url.rstrip("/").encode("utf-8")).digest()
        page_id = base64.b32encode(digest).decode("ascii").lower()[:12]
    return SiteInfo(name=name, url=url, page_id=page_id)


_CONTACT_SCHEMES = ("mailto:", "https://", "tel:")


def _plugin_option_line(path: Path | None, keys: tuple[str | int, ...]) -> int | None:
    """The 1-based line of ``plugins: - statuskit: <keys>`` in mkdocs.yml, or None."""
    if path is None:
        return None
    try:
        node = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=TolerantLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None

    def child(n, key):
        if isinstance(n, yaml.MappingNode) and isinstance(key, str):
            return next((v for k, v in n.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
        if isinstance(n, yaml.SequenceNode) and isinstance(key, int) and key < len(n.value):
            return n.value[key]
        return None

    plugins = child(node, "plugins")
    if isinstance(plugins, yaml.SequenceNode):
        plugins = next((item for item in plugins.value if child(item, "statuskit") is not None), None)
    node = child(plugins, "statuskit")
    last = node
    for key in keys:
        node = child(node, key)
        if node is None:
            break
        last = node
    return None if last is None else last.start_mark.line + 1


def advisory_settings(site: SiteInfo, csaf: dict, security_txt: dict, config_file: Path | None) -> SiteInfo:
    """``site`` with the plugin options ``csaf`` and ``security_txt`` (reference/advisories.md), checked:
    every problem as ``mkdocs.yml:line: plugins.statuskit.<key>: message``."""
    import dataclasses

    from ..render.site import CsafSettings, SecurityTxt

    name = display_path(Path(config_file)) if config_file is not None else "mkdocs.yml"
    problems: list[str] = []

    def problem(keys: tuple[str | int, ...], message: str) -> None:
        line = _plugin_option_line(config_file, keys)
        field = "plugins.statuskit." + ".".join(f"[{k}]" if isinstance(k, int) else k for k in keys).replace(".[", "[")
        problems.append(f"{name}:{line}: {field}: {message}" if line else f"{name}: {field}: {message}")

    namespace = csaf.get("namespace")
    if namespace is not None and not str(namespace).startswith("https://"):
        problem(("csaf", "namespace"), f"{namespace!r} is not an https URL; CSAF's publisher namespace is the "
                                       "publisher's web address, such as https://www.example.org/")
    contacts = tuple(security_txt.get("contact") or ())
    for i, contact in enumerate(contacts):
        if not str(contact).startswith(_CONTACT_SCHEMES) or any(ch.isspace() for ch in str(contact)):
            problem(("security_txt", "contact", i), f"{contact!r} is not a contact URI; write mailto:security@example.org, "
                                                    "https://example.org/security or tel:+1-201-555-0123 (RFC 9116)")
    for key in ("policy", "encryption", "acknowledgments", "hiring"):
        value = security_txt.get(key)
        if value is not None and not str(value).startswith("https://"):
            problem(("security_txt", key), f"{value!r} is not an https URL (RFC 9116 requires https for {key})")
    if not contacts and any(security_txt.get(k) for k in ("policy", "encryption", "acknowledgments", "hiring")):
        problem(("security_txt", "contact"), "security.txt needs at least one contact (RFC 9116); add "
                                             "contact: [mailto:security@example.org]")
    if problems:
        raise StatuskitError("\n".join(problems))
    settings = None if not csaf.get("enabled", True) else CsafSettings(
        publisher=csaf.get("publisher"), namespace=namespace, category=csaf.get("category") or "vendor",
        contact_details=csaf.get("contact_details"), issuing_authority=csaf.get("issuing_authority"))
    text = SecurityTxt(contacts, *(security_txt.get(k) for k in ("policy", "encryption", "acknowledgments", "hiring"))) \
        if contacts else None
    return dataclasses.replace(site, csaf=settings, security_txt=text)


def read_raw_config(path: Path) -> dict:
    """mkdocs.yml as written, tags read as None ({} when it is not a mapping)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=TolerantLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise StatuskitError(f"{display_path(path)}: not valid YAML: {exc}") from None
    return data if isinstance(data, dict) else {}


def site_from_mkdocs_yml(path: Path) -> tuple[str | None, str | None]:
    """(site_name, site_url) from an mkdocs.yml, or (None, None) when it does not exist."""
    settings = settings_from_mkdocs_yml(path)
    return settings.site_name, settings.site_url


@dataclass(frozen=True)
class MkDocsSettings:
    """The plain settings of an mkdocs.yml that statuskit reads outside a MkDocs build (``export``, ``check``)."""

    site_name: str | None = None
    site_url: str | None = None
    language: str | None = None
    """``theme.language`` as written (None when not set)."""
    language_line: int | None = None
    """The line of ``theme.language`` in the file (for messages)."""
    custom_dir: str | None = None
    """``theme.custom_dir`` as written, relative to the folder of mkdocs.yml."""
    display_time_zone: str | None = None
    """``plugins.statuskit.display_time_zone`` as written."""


def settings_from_mkdocs_yml(path: Path) -> MkDocsSettings:
    """What :class:`MkDocsSettings` lists, tolerantly (Python tags read as None; values of the wrong
    type as not set); empty when the file does not exist."""
    if not path.is_file():
        return MkDocsSettings()
    data = read_raw_config(path)

    def text(value: object) -> str | None:
        return value if isinstance(value, str) else None

    theme = data.get("theme")
    theme = theme if isinstance(theme, dict) else {}
    language = theme.get("language")
    plugins = data.get("plugins")
    options: object = None
    if isinstance(plugins, dict):
        options = plugins.get("statuskit")
    elif isinstance(plugins, list):
        options = next((p["statuskit"] for p in plugins if isinstance(p, dict) and "statuskit" in p), None)
    zone = options.get("display_time_zone") if isinstance(options, dict) else None
    return MkDocsSettings(text(data.get("site_name")), text(data.get("site_url")),
                          None if language is None or isinstance(language, (dict, list)) else str(language),
                          _line_of(path, ("theme", "language")), text(theme.get("custom_dir")), text(zone))


def _line_of(path: Path, keys: tuple[str, ...]) -> int | None:
    """The 1-based line of the value at ``keys`` in a YAML file, or None."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=TolerantLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    return None if node is None else node.start_mark.line + 1


def export_site_info(site: SiteInfo, config_file: Path) -> SiteInfo:
    """``site`` with the theme settings of ``config_file`` (when it exists): ``theme.language``,
    ``theme.custom_dir`` and the plugin's ``display_time_zone``, as a MkDocs build uses them."""
    import dataclasses

    from ..render.i18n import check_time_zone

    settings = settings_from_mkdocs_yml(config_file)
    name = display_path(config_file)
    dirs: tuple[str, ...] = ()
    if settings.custom_dir:
        folder = config_file.parent / settings.custom_dir
        if not folder.is_dir():
            raise StatuskitError(f"{name}: theme.custom_dir: {settings.custom_dir!r} is not a folder next to "
                                 f"{config_file.name} (the site's template overrides are read from it)")
        dirs = (str(folder.resolve()),)
    return dataclasses.replace(
        site, language=settings.language or "en", template_dirs=dirs,
        display_time_zone=check_time_zone(settings.display_time_zone, f"{name}: plugins.statuskit.display_time_zone"))


# --- what a publishing build refuses in mkdocs.yml ----------------------------------------------

@dataclass(frozen=True)
class BuildOptions:
    """What ``statuskit build`` decides for the plugin, handed over by ``StatuskitPlugin.configure``
    before MkDocs runs (a plain ``mkdocs build`` has none: T then comes from :func:`resolve_time`)."""

    at: datetime
    """T, resolved once (:func:`resolve_time`)."""
    content_dir: Path | None = None
    """``--content`` (absolute), which wins over $STATUSKIT_CONTENT and the plugin's ``content``."""
    preview: bool = False
    """``--preview``: no site approval needed; every page says PREVIEW -- NOT PUBLISHED."""
    drafts: bool = False
    """``--drafts``: a preview of the release as if every pending update were approved
    (:mod:`statuskit.gate.drafts`); only with ``preview``."""

    def __post_init__(self) -> None:
        if self.drafts and not self.preview:
            raise ValueError("drafts mode is a preview: BuildOptions(drafts=True) needs preview=True")


_SCHEME = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|[\\/]{2})")


def _remote(url: object) -> bool:
    """Whether ``url`` names another resource than a file of the site (a scheme, or ``//host``)."""
    return isinstance(url, str) and bool(_SCHEME.match(url))


def config_refusals(config_name: str, *, plugin_at: object, content: str, content_given: bool,
                    content_default: bool, hooks: list, inherit: bool, repo_url: object, extra_javascript: list,
                    extra_css: list, extra: dict, theme: dict, mermaid: bool, plugin_drafts: object = None
                    ) -> list[str]:
    """Settings of mkdocs.yml that move the gate or make the reader's browser call a third party:
    ``config_name: key: message`` for each (a publishing build and a preview refuse them all)."""
    out = []
    if plugin_drafts is not None:
        out.append(f"{config_name}: plugins.statuskit.drafts: a drafts preview is asked for on the command line "
                   "only (`statuskit build --drafts --site-dir DIR`, `statuskit serve --drafts`), never by the "
                   "repository: it shows updates that are not approved; remove `drafts:`")
    if plugin_at is not None:
        out.append(f"{config_name}: plugins.statuskit.at: the build time comes only from the operator (`statuskit "
                   "build --at`, $STATUSKIT_AT, $SOURCE_DATE_EPOCH or the clock), never from the repository: a "
                   "build time in the future would lift every embargo; remove `at:`")
    if not content_default and not content_given:
        out.append(f"{config_name}: plugins.statuskit.content: {content!r}: the content is read from the folder "
                   "`content` next to mkdocs.yml (another folder would bring its own teams.yml and approvals); "
                   "remove `content:`, or give the folder on the command line (--content or $STATUSKIT_CONTENT)")
    if hooks:
        out.append(f"{config_name}: hooks: runs Python code from the repository during the build; remove `hooks:`")
    if inherit:
        out.append(f"{config_name}: INHERIT: reads settings from another file, outside the approved site files; "
                   "copy those settings into mkdocs.yml")
    if repo_url:
        out.append(f"{config_name}: repo_url: Material fetches repository facts from the forge's API in every "
                   "reader's browser, a third-party request; remove `repo_url:` (link the repository from a page)")
    for key, items in (("extra_javascript", extra_javascript), ("extra_css", extra_css)):
        for i, item in enumerate(items):
            url = getattr(item, "path", item)
            if _remote(url):
                out.append(f"{config_name}: {key}[{i}]: {url!r} is loaded from another host; a status page makes no "
                           "third-party requests: copy the file into the theme folder and name it by its path")
    if isinstance(extra, dict) and extra.get("analytics"):
        out.append(f"{config_name}: extra.analytics: sends every reader's visit to an analytics service; remove it")
    for key in ("logo", "favicon"):
        if _remote(theme.get(key)):
            out.append(f"{config_name}: theme.{key}: {theme.get(key)!r} is loaded from another host; put the image "
                       "in the theme folder and name it by its path")
    if mermaid:
        out.append(f"{config_name}: markdown_extensions: pymdownx.superfences: a `mermaid` fence makes Material load "
                   "Mermaid from unpkg.com in the reader's browser; remove the custom fence")
    return out


# --- the shared pipeline -------------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    """Everything a front end needs: the release and its pages."""

    at: datetime
    release: Release
    report: GateReport
    site: SiteInfo
    pages: tuple[Page, ...]
    drafts: Drafts | None = None
    """A drafts preview: the release without assumptions and each pending update's changes."""


DRAFTS_NAME = "[PREVIEW] "
"""Put before the site name in a drafts preview: feed titles and authors, the API's page name."""


def prepare(content_dir: Path, at: datetime, site: SiteInfo, drafts: bool = False) -> Prepared:
    """Load, validate, gate and render the pages (raises ContentError listing every problem).
    ``drafts``: as if every pending update were approved (a preview; never published)."""
    import dataclasses

    # load and validate content/ (every problem at once)
    content = load_content(Path(content_dir))
    # gate: only what is approved and not embargoed at T (a drafts preview: as if approved)
    preview = None
    if drafts:
        from ..gate.drafts import drafts as drafts_of

        preview = drafts_of(content, at)
        release, report = preview.release, preview.report
        site = dataclasses.replace(site, name=DRAFTS_NAME + site.name)
    else:
        release, report = gate(content, at)
    # render the pages (pure)
    pages = tuple(render_pages(release, site))
    return Prepared(at, release, report, site, pages, preview)


def render_outputs(release: Release, site: SiteInfo) -> dict[str, bytes]:
    """Feeds, JSON API, badges and approvals.json (relative path -> bytes); {} if that renderer
    is not installed."""
    try:
        from ..render.outputs import render_outputs as render
    except ImportError as exc:  # the renderer module is optional while it is being written
        if exc.name and exc.name.startswith("statuskit.render.outputs"):
            return {}
        raise
    return render(release, site)


# --- export: for any other static site generator ----------------------------------------------

def export_site(content_dir: Path, out_dir: Path, at: datetime, site: SiteInfo, fmt: str = "md") -> Prepared:
    """Write the pages (front matter + HTML body, as ``.md`` or ``.html``), a ``pages.json``
    manifest, and the feeds, JSON API and badges into ``out_dir``, replacing it atomically."""
    import json

    # load, validate, gate, render pages
    prepared = prepare(content_dir, at, site)
    # render feeds, JSON and badges
    files: dict[str, bytes | str] = dict(render_outputs(prepared.release, site))
    for page in prepared.pages:
        src = page.src if fmt == "md" else page.src[:-3] + ".html"
        files[src] = page.markdown()
    files["pages.json"] = json.dumps(
        {"generator": "statuskit", "at": format_time(at), "site": {"name": site.name, "url": site.url},
         "pages": [{"src": p.src if fmt == "md" else p.src[:-3] + ".html", **p.meta(),
                    "in_nav": p.in_nav} for p in prepared.pages]},
        indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    # write: everything into a fresh folder, then swap
    with replacing(out_dir, kind="export", inputs=[content_dir]) as tmp:
        write_files(tmp, files)
    return prepared


# --- build: MkDocs into a fresh folder, then swap ---------------------------------------------

@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    at: datetime
    pages: int
    """Pages statuskit generated."""
    files: int
    """Files in the built site."""


log = logging.getLogger("statuskit")


class _Collect(logging.Handler):
    def __init__(self, on_warning: Callable[[str], None] | None) -> None:
        super().__init__(logging.WARNING)
        self.errors: list[str] = []
        self.on_warning = on_warning

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if record.levelno >= logging.ERROR:
            self.errors.append(msg)
        elif self.on_warning is not None:
            self.on_warning(msg)


def build_site(config_file: Path, *, site_dir: Path | None = None, at: datetime | None = None,
               content_dir: Path | None = None, on_warning: Callable[[str], None] | None = None,
               previous: Path | None = None, allow_unpublish: str | None = None,
               preview: bool = False, drafts: bool = False) -> BuildResult:
    """Build the MkDocs site of ``config_file`` into ``site_dir`` (default: its ``site_dir``),
    atomically: a failed build leaves the previous site untouched. T is ``at``, else
    :func:`resolve_time`'s rule; ``content_dir`` overrides the plugin's option. The build is
    refused when it would unpublish or change an update the previous site published (``previous``: its approvals.json, default the one in
    the target folder), unless ``allow_unpublish`` gives the reason (see :mod:`statuskit.publish.previous`).
    A ``preview`` needs no site approval, is marked on every page, is compared with no previous
    site and is never written into the configured ``site_dir``. ``drafts`` (implies ``preview``) builds the
    release as if every pending update were approved (:mod:`statuskit.gate.drafts`)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .previous import read_previous, refuse_or_log

    config_file = Path(config_file)
    if not config_file.is_file():
        raise StatuskitError(f"{display_path(config_file)}: file not found (use --config-file)")
    handler = _Collect(on_warning)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        # hooks run (and INHERIT reads another file) while MkDocs loads the config: refuse them first
        raw = read_raw_config(config_file)
        early = [m for m in config_refusals(
            display_path(config_file), plugin_at=None, content="content", content_given=True, content_default=True,
            hooks=list(raw.get("hooks") or ()), inherit="INHERIT" in raw, repo_url=None, extra_javascript=[],
            extra_css=[], extra={}, theme={}, mermaid=False)]
        if early:
            raise StatuskitError("\n".join(early))
        # read mkdocs.yml and find the statuskit plugin
        try:
            config = load_config(config_file=str(config_file))
        except MkDocsException as exc:
            detail = "\n".join(handler.errors) or exc.format_message()
            raise StatuskitError(f"{display_path(config_file)}: {detail}") from None
        plugin = config.plugins.get("statuskit")
        if plugin is None:
            raise StatuskitError(f"{display_path(config_file)}: the statuskit plugin is not enabled; "
                                 "add it: plugins: [search, statuskit]")
        # T, --content (relative to the working directory, not to mkdocs.yml) and --preview, as values
        preview = preview or drafts
        options = BuildOptions(resolve_time(at), Path(content_dir).resolve() if content_dir is not None else None,
                               preview, drafts)
        plugin.configure(options)
        target = Path(site_dir) if site_dir is not None else Path(config.site_dir)
        if preview and target.resolve() == Path(config.site_dir).resolve():
            raise StatuskitError(f"refusing to write a preview into {display_path(target)}, the folder the site is "
                                 "published from (site_dir in mkdocs.yml); give another folder: "
                                 "statuskit build --preview --site-dir DIR")
        # what the build reads: the site folder may not be, hold or be inside any of it
        content = options.content_dir or os.environ.get("STATUSKIT_CONTENT") or plugin.config.content
        inputs = [config_file, Path(config.docs_dir), config_file.resolve().parent / content]
        if config.theme.custom_dir:
            inputs.append(Path(config.theme.custom_dir))
        # what the previous site published: this build may not take it back
        if previous is not None and not Path(previous).is_file():
            raise StatuskitError(f"--previous {display_path(Path(previous))}: file not found")
        before = None if preview else read_previous(Path(previous) if previous is not None else target / "approvals.json")
        # build everything into a fresh folder next to the target, then swap it in
        with replacing(target, kind="preview" if preview else "site", inputs=inputs) as tmp:
            config["site_dir"] = str(tmp)
            try:
                mkdocs_build(config)
            except MkDocsException as exc:
                if plugin.error is not None:
                    raise plugin.error from None
                detail = "\n".join(handler.errors) or exc.format_message()
                raise BuildError(f"the site could not be built; {display_path(target)} was left as it was\n{detail}") from None
            # 6. the backstop: nothing in the output loads from another origin
            found = scan_site(tmp, config.site_url or "")
            if found:
                shown = "\n".join(f"  {rel}: {what} {url}" for rel, url, what in found[:20])
                more = f"\n  ... and {len(found) - 20} more" if len(found) > 20 else ""
                raise BuildError(f"the built site loads resources from other hosts, a third-party request in every "
                                 f"reader's browser; {display_path(target)} was left as it was:\n{shown}{more}",
                                 hint="Remove the load from the file that produced it (a theme override, a docs page "
                                      "or mkdocs.yml), or copy the resource into the theme folder.")
            if not preview:  # the backstop: a release decided with assumptions is never published
                refuse_assumed(plugin.prepared.release)
            if before is not None:
                refuse_or_log(before, plugin.prepared.release, allow_unpublish, on_warning or log.warning)
            files = sum(len(f) for _, _, f in os.walk(tmp))
    finally:
        logger.removeHandler(handler)
    return BuildResult(target, plugin.at, plugin.page_count, files)
