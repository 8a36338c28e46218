"""Commands registered on the statuskit CLI group (imported at the end of cli.py):
``build``, ``serve`` and ``export``."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click
from click.core import ParameterSource

from .common import at_option, build_time, content_option, handle_errors

_config_option = click.option(
    "--config-file", "-f", "config_file", type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"), show_default=True, help="The MkDocs configuration.")


def _explicit_content(content_dir: Path) -> Path | None:
    """--content (or $STATUSKIT_CONTENT) when given; None leaves it to mkdocs.yml."""
    source = click.get_current_context().get_parameter_source("content_dir")
    return content_dir if source is not ParameterSource.DEFAULT else None


@click.command()
@content_option
@at_option
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: site_dir in mkdocs.yml, usually site/).")
@_config_option
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The live site's approvals.json (default: approvals.json in the site folder): the build "
                   "refuses to unpublish or change anything it lists.")
@click.option("--allow-unpublish", metavar="REASON",
              help="Emergencies only: build even if that unpublishes or changes published updates; each one "
                   "is logged as a warning with REASON.")
@click.option("--preview", is_flag=True,
              help="Build a preview that is not published: it needs no approval of the site files, every page says "
                   "PREVIEW — NOT PUBLISHED and asks search engines not to index it; give --site-dir (never site_dir).")
@click.option("--drafts", is_flag=True,
              help="A preview (implies --preview) as if every pending update were approved by every team; its "
                   "home page and incident pages list each pending update with the approvals missing and the "
                   "statuses before -> after. Times and embargoes still apply at T (--at moves T).")
@handle_errors
def build(content_dir, at, site_dir, config_file, previous, allow_unpublish, preview, drafts):
    """Build the status site with MkDocs, atomically: the site is built into a new folder
    next to the target and swapped in, so a failed build leaves the previous site.

    It publishes only site files (mkdocs.yml, docs/, the theme, components.yml, the
    workflows) that both teams approved (`statuskit approve-site`), and refuses settings and
    output that would load anything from another host.

    T is --at, else $STATUSKIT_AT, $SOURCE_DATE_EPOCH, or now.

    The build refuses to unpublish or change an update the previous site published
    (approvals.json in the site folder, or --previous FILE for a fresh folder); an
    update at most becomes retracted, through an approved retracting update.

    Example: statuskit build --at 2026-11-27T18:00:00Z

    Example: statuskit build --drafts --site-dir /tmp/drafts
    """
    from ..model.content import display_path
    from ..model.validate import format_time
    from ..publish.build import build_site

    preview = preview or drafts
    if preview and site_dir is None:
        raise click.UsageError("a preview needs --site-dir DIR, a folder other than the one the site is published from")
    if preview and (previous is not None or allow_unpublish is not None):
        raise click.UsageError("--previous and --allow-unpublish are for publishing builds; a preview is compared "
                               "with no previous site")
    result = build_site(config_file, site_dir=site_dir, at=build_time(at), content_dir=_explicit_content(content_dir),
                        on_warning=lambda msg: click.echo(f"warning: {msg}", err=True),
                        previous=previous, allow_unpublish=allow_unpublish, preview=preview, drafts=drafts)
    what = "a DRAFTS PREVIEW (as if every pending update were approved; not for publishing) in " if drafts else \
        "a PREVIEW (not for publishing) in " if preview else ""
    click.echo(f"built {what}{display_path(result.site_dir)}: "
               f"{result.pages} pages, {result.files} files, as of {format_time(result.at)}")


@click.command()
@content_option
@at_option
@_config_option
@click.option("--dev-addr", metavar="IP:PORT", default="127.0.0.1:8000", show_default=True,
              help="Address to serve the preview on.")
@click.option("--drafts", is_flag=True,
              help="Serve the drafts preview (as `build --drafts`): as if every pending update were approved, with "
                   "the pending changes listed on the home page and incident pages; a new approval drops its update "
                   "from the list at the next rebuild.")
@handle_errors
def serve(content_dir, at, config_file, dev_addr, drafts):
    """Live preview of the site (MkDocs serve); rebuilds when content/, docs/, the theme's
    custom_dir (theme/) or mkdocs.yml change.
    Every page says PREVIEW — NOT PUBLISHED; the site files need no approval for it. It builds
    into a temporary folder, never into the site folder.

    Example: statuskit serve --at 2026-11-27T18:00:00Z

    Example: statuskit serve --drafts
    """
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    from ..errors import StatuskitError
    from ..model.validate import format_time

    # MkDocs serve re-reads mkdocs.yml and makes a fresh plugin for every rebuild, with no way to hand
    # it options before its on_config: the options go over the environment (reference/cli.md)
    os.environ["STATUSKIT_PREVIEW"] = "1"  # not published: no site approval needed, marked on every page
    os.environ["STATUSKIT_DRAFTS"] = "1" if drafts else "0"  # read by the plugin only together with the line above
    T = build_time(at)  # the one rule, checked now rather than at the first rebuild
    if at is not None or os.environ.get("STATUSKIT_AT"):
        os.environ["STATUSKIT_AT"] = format_time(T)  # every rebuild uses this T; without either, each its now
    if _explicit_content(content_dir) is not None:
        os.environ["STATUSKIT_CONTENT"] = str(Path(content_dir).resolve())
    if not Path(config_file).is_file():
        raise StatuskitError(f"{config_file}: file not found (use --config-file)")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    click.echo(f"serving a {'drafts ' if drafts else ''}preview on http://{dev_addr}/ (rebuilds when the content changes; Ctrl+C to stop)")
    try:
        mkdocs_serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)
    except MkDocsException as exc:
        raise StatuskitError(exc.format_message()) from None


@click.command()
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@content_option
@at_option
@_config_option
@click.option("--site-name", help="Site name (default: site_name in mkdocs.yml).")
@click.option("--site-url", help="Absolute site URL for feeds and the API (default: site_url in mkdocs.yml).")
@click.option("--page-id", help="Statuspage page id (default: derived from the site URL).")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True,
              help="Page files as Markdown (.md) or HTML (.html); both are front matter + an HTML body.")
@handle_errors
def export(out_dir, content_dir, at, config_file, site_name, site_url, page_id, fmt):
    """Write the generated pages, feeds, JSON API and badges to DIR, for any other site
    generator. DIR is replaced as a whole (atomically); pages.json lists the pages.

    With an mkdocs.yml, its theme.language, theme.custom_dir (template overrides: the
    site files must then be approved, as for a build) and display_time_zone apply.

    Example: statuskit export out/ --at 2026-11-27T18:00:00Z --site-url https://status.example.org/
    """
    from ..model.content import display_path
    from ..model.validate import format_time
    from ..publish.build import export_site, export_site_info, site_from_mkdocs_yml, site_info

    yml_name, yml_url = site_from_mkdocs_yml(config_file)
    name = site_name or yml_name
    url = site_url or yml_url
    if not name or not url:
        raise click.UsageError("give --site-name and --site-url (or run where mkdocs.yml sets site_name and site_url)")
    T = build_time(at)
    site = export_site_info(site_info(name, url, page_id), config_file)
    if site.template_dirs:  # the site's templates shape the exported pages: they must be the approved ones
        _require_export_site_approval(config_file, content_dir)
    prepared = export_site(content_dir, out_dir, T, site, fmt)
    click.echo(f"exported {display_path(out_dir)}: {len(prepared.pages)} pages, as of {format_time(T)}")


def _require_export_site_approval(config_file: Path, content_dir: Path) -> None:
    from ..errors import StatuskitError
    from ..gate.site_chain import require_site_approval, site_status
    from ..model.content import load_site_files

    teams = load_site_files(content_dir)[1] if Path(content_dir).is_dir() else None
    if teams is None:
        raise StatuskitError(f"{content_dir}: the content's teams.yml does not load, so the site files (the "
                             f"templates of theme.custom_dir) cannot be checked; run `statuskit check`")
    root = Path(config_file).resolve().parent
    require_site_approval(site_status(root, Path(content_dir), teams, config_name=Path(config_file).name),
                          Path(content_dir))


@click.command()
@content_option
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="The folder of the site that was just deployed (never a preview).")
@_config_option
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path), default=Path("notify-state.json"),
              show_default=True, metavar="FILE",
              help="The delivery ledger, kept between runs (the workflow caches it; never commit it).")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The previous deploy's approvals.json: on the first run (no state file) what it lists counts "
                   "as already announced; without it the first run announces nothing.")
@handle_errors
def notify(content_dir, site_dir, config_file, state, previous):
    """Announce each newly published update once: the public track on the channels of
    $STATUSKIT_NOTIFY_PUBLIC, the technical track on those of $STATUSKIT_NOTIFY_TECHNICAL
    (Apprise URLs separated by spaces; $STATUSKIT_NOTIFY_PUBLIC__<COMPONENT> for one component).

    Run it after the deploy, in the commit that was built. It sends only what the site
    folder publishes (recomputed through the gate at the site's time), never for a preview;
    a rerun sends nothing twice. Exit 3: some channels failed (the others were sent, the
    site is published); the next run retries just those.

    Example: statuskit notify --site-dir site --state notify-state.json
    """
    from ..publish.notify import notify as run

    result = run(site_dir, content_dir, config_file, state, previous=previous,
                 on_sent=lambda d: click.echo(f"sent {d.notice.key} on {d.channel.label}"))
    if not result.channels:
        click.echo("no notification channels are configured ($STATUSKIT_NOTIFY_PUBLIC, $STATUSKIT_NOTIFY_TECHNICAL): "
                   "nothing sent")
        return
    if result.first_run and previous is None:
        click.echo(f"first run: {result.recorded} message(s) of published updates recorded as already announced; nothing "
                   "sent (give --previous FILE to announce what this deploy added)")
    for note in result.dropped:
        click.echo(f"dropped: {note}")
    for d in result.failed:
        click.echo(f"error: {d.channel.label}: {d.notice.key} not sent: {d.error}", err=True)
    click.echo(f"{len(result.sent)} message(s) sent on {len(result.channels)} channel(s), as of {result.at}"
               + (f"; {len(result.failed)} channel(s) failed and are retried on the next run" if result.failed else ""))
    if result.failed:
        sys.exit(3)


COMMANDS = [build, serve, export, notify]
