"""Real builds of the templates and languages: a site's custom_dir overrides a statuskit partial,
and the demo builds in German, French and Spanish (site files signed, as a publishing build needs)."""

from __future__ import annotations

import logging
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import Site, teams_yml
from sitetools import DEMO_AT, FIXTURE_AT, FIXTURE_MKDOCS_YML, REPO, build_content_site

from statuskit.publish.build import build_site
from statuskit.errors import StatuskitError
from statuskit.render.i18n import LOCALE_DIR, _read

OVERRIDE = """\
{#- the site's own update partial -#}
<article class="nb-update" data-update="{{ update.id }}">
<p class="nb-head">{{ update.status }} / {{ update.at.text }}</p>
{% if update.text %}{{ update.text }}{% endif %}
</article>
"""


# --- overriding a partial from custom_dir -------------------------------------------------------

def test_a_site_overrides_the_update_partial_from_its_custom_dir(make_site, tmp_path):
    site = make_site({"2024-07-30-outage": None})
    site.approve_all()
    project = site.root.parent
    partial = project / "theme" / "statuskit" / "partials" / "update.html"
    partial.parent.mkdir(parents=True)
    partial.write_text(OVERRIDE, encoding="utf-8")
    mkdocs_yml = project / "mkdocs.yml"

    def sign() -> None:  # the fixture's mkdocs.yml with the custom_dir, then the site files approved
        text = mkdocs_yml.read_text(encoding="utf-8")
        mkdocs_yml.write_text(text.replace("  font: false\n", "  font: false\n  custom_dir: theme\n"),
                              encoding="utf-8")
        site.sign_site()

    out = build_content_site(project, FIXTURE_AT, sign)
    page = (out / "incidents/2024-07-30-outage/index.html").read_text(encoding="utf-8")
    assert '<article class="nb-update" data-update="2">' in page
    assert '<p class="nb-head">Resolved / 31 Jul 2024, 10:00 UTC</p>' in page
    assert "<p>Scheduling is working again.</p>" in page
    assert 'class="sk-update"' not in page  # the package's partial is not used
    # the override is a site file: without a new approval the publishing build refuses
    partial.write_text(OVERRIDE.replace("nb-update", "nb-changed"), encoding="utf-8")
    with pytest.raises(StatuskitError, match="theme/statuskit/partials/update.html"):
        build_site(mkdocs_yml, site_dir=tmp_path / "refused", at=FIXTURE_AT)


HOME_OVERRIDE = """\
{#- the site's own home page: its own structure around statuskit's pieces -#}
<div class="statuskit nb-home">
<h1 class="nb-overall">{{ page.description }}</h1>
<p class="nb-asof">{{ page.at.text }}</p>
{% for group in page.groups %}{% for component in group.components %}
<p class="nb-component" data-status="{{ component.status.value }}">{{ component.name }}</p>
{% endfor %}{% endfor %}
<ul class="nb-recent">{% for item in page.recent %}{{ item }}{% endfor %}</ul>
</div>
"""


def test_a_site_overrides_the_home_page_template_from_its_custom_dir(make_site, tmp_path):
    site = make_site({"2024-07-30-outage": None})
    site.approve_all()
    project = site.root.parent
    template = project / "theme" / "statuskit" / "pages" / "home.html"
    template.parent.mkdir(parents=True)
    template.write_text(HOME_OVERRIDE, encoding="utf-8")
    mkdocs_yml = project / "mkdocs.yml"

    def sign() -> None:
        text = mkdocs_yml.read_text(encoding="utf-8")
        mkdocs_yml.write_text(text.replace("  font: false\n", "  font: false\n  custom_dir: theme\n"),
                              encoding="utf-8")
        site.sign_site()

    out = build_content_site(project, FIXTURE_AT, sign)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<div class="statuskit nb-home">' in home
    assert '<h1 class="nb-overall">All Systems Operational</h1>' in home
    assert re.search(r'<p class="nb-component" data-status="operational">[^<]+</p>', home)
    assert 'href="incidents/2024-07-30-outage/"' in home  # the recent list, from the view
    assert 'id="overall"' not in home and "sk-subscribe" not in home  # the package's home page is not used
    # the other pages keep the package's templates
    history = (out / "history/index.html").read_text(encoding="utf-8")
    assert '<div class="statuskit sk-history-page">' in history
    # the override is a site file: changed after the approval, the publishing build refuses
    template.write_text(HOME_OVERRIDE.replace("nb-home", "nb-changed"), encoding="utf-8")
    with pytest.raises(StatuskitError, match="theme/statuskit/pages/home.html"):
        build_site(mkdocs_yml, site_dir=tmp_path / "refused", at=FIXTURE_AT)


# --- export follows the theme settings of mkdocs.yml ----------------------------------------------

def test_export_uses_theme_language_custom_dir_and_display_time_zone(make_site, tmp_path):
    from click.testing import CliRunner

    from statuskit.cli.main import cli

    site = make_site({"2024-07-30-outage": None})
    site.approve_all()
    project = site.root.parent
    partial = project / "theme" / "statuskit" / "partials" / "update.html"
    partial.parent.mkdir(parents=True)
    partial.write_text(OVERRIDE, encoding="utf-8")
    (project / "docs").mkdir()
    mkdocs_yml = project / "mkdocs.yml"
    mkdocs_yml.write_text(
        FIXTURE_MKDOCS_YML.replace("  font: false\n", "  font: false\n  custom_dir: theme\n  language: de\n")
        .replace("  - statuskit\n", "  - statuskit:\n      display_time_zone: Europe/Berlin\n"), encoding="utf-8")
    site.sign_site()

    def export(out):
        return CliRunner().invoke(cli, ["export", str(out), "--at", "2024-08-01T00:00:00Z", "--content",
                                        str(site.root), "--config-file", str(mkdocs_yml)])

    result = export(tmp_path / "out")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "incidents/2024-07-30-outage.md").read_text(encoding="utf-8")
    assert '<article class="nb-update" data-update="2">' in page  # custom_dir's partial
    assert '<p class="nb-head">Behoben / 31. Juli 2024, 10:00 UTC</p>' in page  # theme.language: de
    assert ('<time datetime="2024-07-31T10:00:00Z">31. Juli 2024, 10:00 UTC</time> '
            '<span class="sk-local">(31. Juli 2024, 12:00 MESZ)</span>') in page  # display_time_zone
    home = (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    assert "Aktueller Status" in home and "Current status" not in home
    # the override is a site file: changed after the approval, export refuses (its bytes would be in the pages)
    partial.write_text(OVERRIDE.replace("nb-update", "nb-changed"), encoding="utf-8")
    result = export(tmp_path / "refused")
    assert result.exit_code == 1, result.output
    assert "refusing to publish" in result.output and "theme/statuskit/partials/update.html" in result.output
    assert not (tmp_path / "refused").exists()


# --- the demo in other languages -----------------------------------------------------------------

def _demo_project(tmp_path: Path, keys, language: str) -> Path:
    """A copy of the demo project with ``theme.language: <language>``, its updates and site files
    approved by the test keys."""
    project = tmp_path / f"demo-{language}"
    project.mkdir()
    for name in ("mkdocs.yml",):
        shutil.copy(REPO / name, project / name)
    for name in ("docs", "theme"):
        shutil.copytree(REPO / name, project / name)
    shutil.copytree(REPO / "content", project / "content", ignore=shutil.ignore_patterns("approvals"))
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    nav = NAV[language]
    text = text.replace("  language: en\n", f"  language: {language}\n")
    text = text.replace("  - Current status: index.md\n  - History: history.md\n",
                        f"  - {nav[0]}: index.md\n  - {nav[1]}: history.md\n")  # the site's own nav words
    (project / "mkdocs.yml").write_text(text, encoding="utf-8")
    demo = Site(project / "content", keys)
    demo.write("teams.yml", teams_yml(keys))
    demo.approve_all()
    demo.sign_site()
    return project


NAV = {"de": ("Aktueller Status", "Verlauf"), "fr": ("État actuel", "Historique"), "es": ("Estado actual", "Historial")}


@pytest.fixture
def demo_in(tmp_path, keys):
    """Factory: the demo built as of DEMO_AT in ``language``; returns the site folder."""

    def build(language: str) -> Path:
        project = _demo_project(tmp_path, keys, language)
        out = project / "site"
        build_site(project / "mkdocs.yml", site_dir=out, at=DEMO_AT)
        return out

    return build


class _Text(HTMLParser):
    """Visible text of a page: text nodes outside script/style, and alt / aria-label / title attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg"):
            self._skip += 1
        for k, v in attrs:
            if k in ("alt", "aria-label", "title") and v:
                self.nodes.append(v)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.nodes.append(data)


def _content_words(project: Path) -> str:
    """Every string the site's own files give (incident text, names, mkdocs.yml): not statuskit's words."""
    out: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            out.append(" ".join(value.split()))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for path in sorted((project / "content").rglob("*.yml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    raw = (project / "mkdocs.yml").read_text(encoding="utf-8")
    out += [line.split(":", 1)[1].strip() for line in raw.splitlines() if ":" in line]
    return "\n".join(out)


def _english_fragments(language: str) -> list[tuple[str, str]]:
    """(msgid, English fragment) for each catalogue message whose translation differs: the words
    between placeholders and tags, of which the translation has none."""
    out = []
    for msg in _read(language):
        if not msg.id or msg.context == "date pattern" or msg.string == msg.id:
            continue
        for frag in re.split(r"%\([a-z]+\)s|<[^>]+>", msg.id):
            frag = frag.strip(" .,:;()")
            if len(frag) >= 3 and re.search("[A-Za-z]{3}", frag) and frag not in msg.string:
                out.append((msg.id, frag))
    return out


def test_the_demo_in_german_has_no_english_statuskit_words(demo_in, tmp_path):
    out = demo_in("de")
    project = out.parent
    content = _content_words(project)
    fragments = _english_fragments("de")
    assert len(fragments) > 100
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 15
    found = []
    for page in pages:
        parser = _Text()
        parser.feed(page.read_text(encoding="utf-8"))
        for node in parser.nodes:
            node = " ".join(node.split())
            if node in content:  # the site's own words (incident text, names), English in the demo
                continue
            for msgid, frag in fragments:
                if re.search(rf"(?<![A-Za-z]){re.escape(frag)}(?![A-Za-z])", node):
                    found.append((page.relative_to(out).as_posix(), frag, node[:80]))
    assert not found, found[:20]
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'Stand: <time datetime="2026-11-27T18:00:00Z">27. Nov. 2026, 18:00 UTC</time>' in home
    assert "<h2>Aktuelle Störungen</h2>" in home
    history = (out / "history/index.html").read_text(encoding="utf-8")
    assert '<section id="m-2026-11"><h2>November 2026</h2>' in history and "<h2>März 2026</h2>" in history
    rss = (out / "history.rss").read_text(encoding="utf-8")
    assert "<language>de</language>" in rss and "Freigegeben von" in rss
    assert 'xml:lang="de"' in (out / "history.atom").read_text(encoding="utf-8")


@pytest.mark.parametrize("language, as_of, month, words", [
    ("fr", "Au <time datetime=\"2026-11-27T18:00:00Z\">27 nov. 2026 à 18:00 UTC</time>", "<h2>mars 2026</h2>",
     "<h2>Incidents en cours</h2>"),
    ("es", "A fecha de <time datetime=\"2026-11-27T18:00:00Z\">27 nov 2026, 18:00 UTC</time>",
     "<h2>marzo de 2026</h2>", "<h2>Incidencias activas</h2>"),
])
def test_the_demo_builds_in_french_and_spanish(demo_in, language, as_of, month, words):
    out = demo_in(language)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert as_of in home and words in home
    assert month in (out / "history/index.html").read_text(encoding="utf-8")
    assert f"<language>{language}</language>" in (out / "history.rss").read_text(encoding="utf-8")
    assert f"<language>{language}</language>" in (out / "technical.rss").read_text(encoding="utf-8")
    assert (LOCALE_DIR / language / "LC_MESSAGES" / "statuskit.po").is_file()


def test_an_unknown_display_time_zone_stops_the_build(make_site, tmp_path):
    site = make_site({"2024-07-30-outage": None})
    site.approve_all()
    project = site.root.parent

    def sign() -> None:
        text = (project / "mkdocs.yml").read_text(encoding="utf-8")
        (project / "mkdocs.yml").write_text(text.replace("  - statuskit\n", "  - statuskit:\n"
                                                         "      display_time_zone: Europe/Berln\n"), encoding="utf-8")
        site.sign_site()

    with pytest.raises(StatuskitError, match=r"mkdocs\.yml: plugins\.statuskit\.display_time_zone: 'Europe/Berln' is "
                                             r"not an IANA time zone name"):
        build_content_site(project, FIXTURE_AT, sign)


def test_a_display_time_zone_shows_next_to_utc(make_site):
    site = make_site({"2024-07-30-outage": None})
    site.approve_all()
    project = site.root.parent

    def sign() -> None:
        text = (project / "mkdocs.yml").read_text(encoding="utf-8")
        (project / "mkdocs.yml").write_text(text.replace("  - statuskit\n", "  - statuskit:\n"
                                                         "      display_time_zone: Europe/Berlin\n"), encoding="utf-8")
        site.sign_site()

    out = build_content_site(project, FIXTURE_AT, sign)
    page = (out / "incidents/2024-07-30-outage/index.html").read_text(encoding="utf-8")
    assert ('<time datetime="2024-07-31T10:00:00Z">31 Jul 2024, 10:00 UTC</time> '
            '<span class="sk-local">(31 Jul 2024, 12:00 +0200)</span>') in page
    # data stays UTC
    assert "2024-07-31T10:00:00+00:00" in (out / "history.atom").read_text(encoding="utf-8")


def test_a_language_without_a_catalogue_builds_in_english_with_a_warning(make_site, caplog):
    site = make_site({"2024-07-30-outage": None})
    site.approve_all()
    project = site.root.parent

    def sign() -> None:
        text = (project / "mkdocs.yml").read_text(encoding="utf-8")
        (project / "mkdocs.yml").write_text(text.replace("  font: false\n", "  font: false\n  language: it\n"),
                                            encoding="utf-8")
        site.sign_site()

    with caplog.at_level(logging.WARNING):
        out = build_content_site(project, FIXTURE_AT, sign)
    assert "theme.language 'it' has no statuskit catalogue; statuskit's words stay English" in caplog.text
    page = (out / "incidents/2024-07-30-outage/index.html").read_text(encoding="utf-8")
    assert '<h3 id="update-2">Resolved <time datetime="2024-07-31T10:00:00Z">31 Jul 2024, 10:00 UTC</time></h3>' in page
    assert "<language>it</language>" in (out / "history.rss").read_text(encoding="utf-8")  # the site's language
