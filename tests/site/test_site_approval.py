"""`statuskit build` publishes only approved site files, refuses what moves the gate or calls a third
party, and scans its output; `--preview` is marked and never written into site_dir (real MkDocs builds)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sitetools import site_files

from statuskit.cli.main import cli
from statuskit.publish.output_scan import scan_html

AT = "2024-08-01T12:00:00Z"


@pytest.fixture
def project(tmp_path, fixture_project) -> Path:
    """A copy of the fixture project (mkdocs.yml, docs/, content/ with _site/1), as cwd."""
    dst = tmp_path / "project"
    shutil.copytree(fixture_project, dst, ignore=shutil.ignore_patterns("site"))
    return dst


def build(project: Path, *args: str):
    return CliRunner().invoke(cli, ["build", "--config-file", str(project / "mkdocs.yml"), "--at", AT, *args],
                              catch_exceptions=False)


def edit_yml(project: Path, old: str, new: str) -> None:
    yml = project / "mkdocs.yml"
    assert old in yml.read_text()
    yml.write_text(yml.read_text().replace(old, new))


def test_the_approved_fixture_builds(project):
    result = build(project)
    assert result.exit_code == 0, result.output
    assert (project / "site" / "index.html").is_file()


def test_a_site_never_approved_cannot_publish(project):
    shutil.rmtree(project / "content/approvals/_site")
    result = build(project)
    assert result.exit_code == 1
    assert "refusing to publish: the site files have never been approved (" in result.output
    assert "statuskit approve-site --team TEAM --member MEMBER" in result.output
    assert not (project / "site").exists()


def test_a_docs_file_changed_after_approval_is_named(project, site_signer):
    (project / "docs" / "extra.md").write_text("# Extra\n")
    site_signer(project / "content")
    assert build(project).exit_code == 0
    (project / "docs" / "extra.md").write_text("# Extra, edited after approval\n")
    result = build(project)
    assert result.exit_code == 1
    assert "the site files differ from the approved" in result.output and "_site/2: ~ docs/extra.md" in result.output
    site_signer(project / "content")
    result = build(project)
    assert result.exit_code == 0, result.output
    assert "edited after approval" in (project / "site/extra/index.html").read_text()


def test_an_approval_under_a_team_member_removed_since_does_not_count(project):
    teams = project / "content/teams.yml"
    teams.write_text(teams.read_text().replace("  security: [bob]", "  security: []"))
    result = build(project)
    assert result.exit_code == 1
    assert "is not approved under the current teams.yml" in result.output


REFUSED = {
    "plugin at": (("  - statuskit\n", "  - statuskit:\n      at: 2099-01-01T00:00:00Z\n"),
                  "mkdocs.yml: plugins.statuskit.at: the build time comes only from the operator"),
    "content": (("  - statuskit\n", "  - statuskit:\n      content: other\n"),
                "mkdocs.yml: plugins.statuskit.content: 'other': the content is read from the folder `content`"),
    "hooks": (("plugins:\n", "hooks:\n  - hook.py\nplugins:\n"),
              "mkdocs.yml: hooks: runs Python code from the repository during the build; remove `hooks:`"),
    "repo_url": (("plugins:\n", "repo_url: https://github.com/example/status\nplugins:\n"),
                 "mkdocs.yml: repo_url: Material fetches repository facts from the forge's API"),
    "extra_javascript": (("plugins:\n", "extra_javascript:\n  - https://cdn.example/x.js\nplugins:\n"),
                         "mkdocs.yml: extra_javascript[0]: 'https://cdn.example/x.js' is loaded from another host"),
    "extra_css": (("plugins:\n", "extra_css:\n  - //cdn.example/x.css\nplugins:\n"),
                  "mkdocs.yml: extra_css[0]: '//cdn.example/x.css' is loaded from another host"),
    "analytics": (("plugins:\n", "extra:\n  analytics:\n    provider: google\n    property: G-X\nplugins:\n"),
                  "mkdocs.yml: extra.analytics: sends every reader's visit to an analytics service"),
    "favicon": (("  font: false\n", "  font: false\n  favicon: https://cdn.example/f.png\n"),
                "mkdocs.yml: theme.favicon: 'https://cdn.example/f.png' is loaded from another host"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_settings_that_move_the_gate_or_call_a_third_party_are_refused_even_when_approved(project, site_signer, case):
    (old, new), message = REFUSED[case]
    (project / "hook.py").write_text("raise SystemExit('the hook ran')\n")
    (project / "other").mkdir()
    edit_yml(project, old, new)
    site_signer(project / "content")  # both teams approved it: still refused
    result = build(project)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "the hook ran" not in result.output
    assert not (project / "site").exists()


def test_the_operator_may_name_another_content_folder(project, site_signer):
    edit_yml(project, "  - statuskit\n", "  - statuskit:\n      content: content\n")
    site_signer(project / "content")
    assert build(project, "--content", str(project / "content")).exit_code == 0


def test_a_theme_override_loading_a_third_party_script_is_caught_by_the_output_scan(project, site_signer):
    (project / "overrides").mkdir()
    (project / "overrides" / "main.html").write_text(
        '{% extends "statuskit/base.html" %}\n'
        '{% block scripts %}{{ super() }}<script src="https://evil.example/x.js"></script>{% endblock %}\n')
    edit_yml(project, "  font: false\n", "  font: false\n  custom_dir: overrides\n")
    site_signer(project / "content")
    (project / "site").mkdir()
    (project / "site" / ".statuskit-output").write_text("statuskit site v1\n")  # a site statuskit wrote
    (project / "site" / "sentinel").write_text("old site")
    result = build(project, "--site-dir", str(project / "site"))
    assert result.exit_code == 1
    assert "the built site loads resources from other hosts" in result.output
    assert "  index.html: <script src> https://evil.example/x.js" in result.output
    assert (project / "site" / "sentinel").read_text() == "old site"


def test_a_docs_page_loading_a_third_party_image_is_caught(project, site_signer):
    (project / "docs" / "about.md").write_text('# About\n\n<img src="//tracker.example/p.gif">\n')
    site_signer(project / "content")
    result = build(project)
    assert result.exit_code == 1
    assert "about/index.html: <img src> //tracker.example/p.gif" in result.output


def test_the_scanner_knows_every_kind_of_load_and_lets_links_pass():
    own = "https://status.example.org/"
    page = ('<html><head><link rel="stylesheet" href="https://cdn.example/a.css">'
            '<link rel="canonical" href="https://other.example/"><link rel="icon" href="//cdn.example/i.png">'
            '<link rel="preload" href="https://cdn.example/f.woff2"><base href="https://evil.example/">'
            '<meta http-equiv="refresh" content="0; url=https://evil.example/go">'
            '<style>@import "https://cdn.example/b.css"; body{background:url(\'https://cdn.example/c.png\')}</style>'
            '<script>fetch("https://evil.example/beacon")</script></head><body>'
            '<a href="https://anywhere.example/">a link</a><img src="/own.png"><img src="https://status.example.org/x.png">'
            '<img srcset="x.png 1x, https://cdn.example/2x.png 2x"><iframe src="https://evil.example/f"></iframe>'
            '<video poster="https://cdn.example/p.jpg"><source src="https://cdn.example/v.mp4"></video>'
            '<audio src="&#104;ttps://cdn.example/a.mp3"></audio><div style="background:url(//cdn.example/d.png)"></div>'
            '<img src="data:image/png;base64,AA"></body></html>')
    assert [u for u, _ in scan_html(page, own)] == sorted([
        "//cdn.example/d.png", "//cdn.example/i.png", "https://cdn.example/2x.png", "https://cdn.example/a.css",
        "https://cdn.example/a.mp3", "https://cdn.example/b.css", "https://cdn.example/c.png",
        "https://cdn.example/f.woff2", "https://cdn.example/p.jpg", "https://cdn.example/v.mp4",
        "https://evil.example/", "https://evil.example/beacon", "https://evil.example/f", "https://evil.example/go",
    ])


def test_a_preview_needs_no_site_approval_and_is_marked_on_every_page(project):
    (project / "docs" / "extra.md").write_text("# Not approved yet\n")
    result = build(project)
    assert result.exit_code == 1 and "+ docs/extra.md" in result.output
    result = build(project, "--preview", "--site-dir", str(project / "preview"))
    assert result.exit_code == 0, result.output
    assert "built a PREVIEW (not for publishing) in" in result.output
    pages = [rel for rel, _ in site_files(project / "preview") if rel.endswith(".html")]
    assert "404.html" in pages and "extra/index.html" in pages and len(pages) > 10
    for rel, data in site_files(project / "preview"):
        if rel.endswith(".html"):
            html = data.decode()
            assert html.count("PREVIEW — NOT PUBLISHED") == 1, rel
            head = html.split("</head>", 1)[0]
            assert '<meta name="robots" content="noindex">' in head, rel
    assert not (project / "site").exists()


def test_a_preview_is_refused_into_the_site_dir(project):
    result = build(project, "--preview", "--site-dir", str(project / "site"))
    assert result.exit_code == 1
    assert "refusing to write a preview into" in result.output and "the folder the site is published from" in result.output
    result = build(project, "--preview")
    assert result.exit_code == 2 and "a preview needs --site-dir DIR" in result.output
    assert not (project / "site").exists()


def test_the_scanner_reads_html_svg_and_css_files(tmp_path):
    from statuskit.publish.output_scan import scan_site

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "logo.svg").write_text('<svg><image href="https://evil.example/i.png"/></svg>')
    (tmp_path / "b.css").write_text('a{background:u\\72l(https://cdn.example/x.png)}')
    (tmp_path / "c.html").write_text('<P><IMG SRC="HTTPS://Cdn.Example/Y.png"></P><a href="https://ok.example/">ok</a>')
    (tmp_path / "d.js").write_text('fetch("https://evil.example/not-scanned")')
    assert scan_site(tmp_path, "https://status.example.org/") == [
        ("a/logo.svg", "https://evil.example/i.png", "<image href>"),
        ("b.css", "https://cdn.example/x.png", "CSS url()/@import"),
        ("c.html", "https://cdn.example/y.png", "<img src>"),
    ]
