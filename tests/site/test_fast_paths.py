"""The build's shortcuts change nothing in the output.

- Search: statuskit indexes its own pages (statuskit.render.search) instead of Material's
  HTML parser; the entries must be the ones Material would make, on every page of the demo
  and of the hostile fixture site.
- Theme shells (statuskit.mkdocs_adapter.shell): a site built with them is byte-identical to one
  where every page went through the theme templates; a template that prints per-page
  values the shells do not know still gets each page's own.
"""

from __future__ import annotations

import json
import shutil
import types

import pytest
from material.plugins.search.plugin import SearchIndex
from sitetools import DEMO_AT, FIXTURE_AT, FIXTURE_URL, REPO, tree

from statuskit.publish.build import build_site, prepare, site_info
from statuskit.render.search import search_sections


def _material_entries(page) -> list[tuple[str, str, str]]:
    index = SearchIndex()
    stand_in = types.SimpleNamespace(meta=page.meta(escaped=True), content=page.body, toc=[], url=page.url,
                                     title=page.title)
    index.add_entry_from_context(stand_in)
    return [(e["location"], e["title"], e["text"]) for e in index.entries]


def _statuskit_entries(page) -> list[tuple[str, str, str]]:
    if not page.searchable:
        return []
    title = page.meta(escaped=True)["title"]
    return [(page.url + (f"#{a}" if a else ""), t, x) for a, t, x in search_sections(page.body, title)]


@pytest.mark.parametrize("which", ["demo", "fixture"])
def test_search_entries_are_materials(which, fixture_project):
    if which == "demo":
        prepared = prepare(REPO / "content", DEMO_AT, site_info("Demo", "https://status.example/"))
    else:
        prepared = prepare(fixture_project / "content", FIXTURE_AT, site_info("Fixture", FIXTURE_URL))
    compared = 0
    for page in prepared.pages:
        assert _statuskit_entries(page) == _material_entries(page), page.src
        compared += bool(page.searchable)
    assert compared >= 8


def test_search_sections_follow_materials_rules():
    body = ('<div class="statuskit">\n<nav data-search-exclude><a href="x">Crumb</a></nav>\n'
            '<h1>Title &amp; more</h1>\n<p>Intro</p><p class="x" data-search-exclude>Approved</p>\n'
            '<article><h3 id="update-2">Resolved <time datetime="t">1 Jan</time></h3>\n'
            '<div><p>Fixed\nit <a href="y">now</a>.</p><p> </p><svg><path d="M1"/></svg></div></article>\n'
            '<p>After the article</p><pre>a\n  b</pre></div>')
    page = types.SimpleNamespace(body=body, url="incidents/x/", title="Page", searchable=True,
                                 meta=lambda escaped: {"title": "Page"})
    assert _statuskit_entries(page) == _material_entries(page) == [
        ("incidents/x/", "Page", "Title &amp; more <p>Intro</p> <p>After the article</p><pre>a\n  b</pre>"),
        ("incidents/x/#update-2", "Resolved 1 Jan", "<p>Fixed it now.</p><p> </p>"),  # sic: Material keeps it
    ]


def test_the_search_index_has_the_incident_and_technical_text(demo_site):
    docs = json.loads((demo_site / "search/search_index.json").read_text())["docs"]
    by_location = {d["location"]: d for d in docs}
    prepared = prepare(REPO / "content", DEMO_AT, site_info("Demo", "https://status.example/"))
    technical = [inc for inc in prepared.release.incidents if inc.has_technical]
    assert technical
    for inc in prepared.release.incidents:
        for u in inc.updates:
            if u.public and not u.retracted:
                assert by_location[f"incidents/{inc.id}/#update-{u.id}"]["text"], (inc.id, u.id)
            if u.technical and not u.retracted:
                assert by_location[f"incidents/{inc.id}/technical/#update-{u.id}"]["text"], (inc.id, u.id)
    assert not {"", "history/"} & set(by_location)  # the listings are not indexed


def test_shells_change_no_byte(demo_site, tmp_path, monkeypatch):
    monkeypatch.setenv("STATUSKIT_SHELLS", "0")
    out = tmp_path / "site"
    build_site(REPO / "mkdocs.yml", site_dir=out, at=DEMO_AT)
    a, b = tree(demo_site), tree(out)
    assert sorted(a) == sorted(b)
    assert [rel for rel in sorted(a) if a[rel] != b[rel]] == []


def test_a_template_printing_other_page_values_gets_each_pages_own(fixture_project, tmp_path, site_signer):
    project = tmp_path / "project"
    shutil.copytree(fixture_project, project, ignore=shutil.ignore_patterns("site"))
    (project / "overrides").mkdir()
    (project / "overrides" / "main.html").write_text(
        '{% extends "statuskit/base.html" %}\n'
        '{% block extrahead %}{{ super() }}{% if page %}<meta name="x-page" content="{{ page.abs_url }}|'
        '{{ page.file.src_uri }}">{% endif %}{% endblock %}\n')
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"))
    site_signer(project / "content")
    out = tmp_path / "site"
    build_site(yml, site_dir=out, at=FIXTURE_AT)
    pages = sorted(out.glob("incidents/*/index.html"))
    assert len(pages) >= 3
    for path in pages:
        iid = path.parent.name
        assert f'<meta name="x-page" content="/incidents/{iid}/|incidents/{iid}.md">' in path.read_text()
