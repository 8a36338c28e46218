"""The plugin's ``fast`` option: the speed-ups into MkDocs/Material internals, on together or off together.

Off (``fast: false``, or a Material version outside :data:`FAST_MATERIAL`), the site is built the
plain way: Material indexes the pages itself, pages are rendered by the theme without shells, and
base.html carries no request patch. The pages are the same.
"""

from __future__ import annotations

import json
import logging
import re
import shutil

import pytest
from sitetools import FIXTURE_AT, site_files

from statuskit.mkdocs_adapter import plugin as plugin_module
from statuskit.mkdocs_adapter.plugin import fast_supported
from statuskit.publish.build import build_site

PATCH = "__statuskit"  # the request patch's marker in base.html's script


@pytest.fixture
def project(tmp_path, fixture_project):
    dst = tmp_path / "project"
    shutil.copytree(fixture_project, dst, ignore=shutil.ignore_patterns("site"))
    return dst


def _build(project, name: str):
    out = project.parent / name
    build_site(project / "mkdocs.yml", site_dir=out, at=FIXTURE_AT)
    return out


def _pages(site) -> dict[str, bytes]:
    return {rel: data for rel, data in site_files(site) if rel.endswith(".html")}


def _search_locations(site) -> set[str]:
    return {d["location"] for d in json.loads((site / "search/search_index.json").read_text())["docs"]}


def _without_patch(data: bytes) -> bytes:
    """The page without the request patch, whitespace runs as one space (the template's if leaves some)."""
    data = re.sub(rb"<script>\n\(function \(\) \{\n  var xhr = .*?\}\)\(\);\n  </script>", b"", data, flags=re.S)
    return re.sub(rb"\s+", b" ", data)


def _assert_plain(fast_site, plain_site):
    fast, plain = _pages(fast_site), _pages(plain_site)
    assert sorted(fast) == sorted(plain)
    assert all(PATCH.encode() in data for data in fast.values())
    assert not [rel for rel, data in plain.items() if PATCH.encode() in data]
    # the same pages, but for the patch
    assert [rel for rel in fast if _without_patch(fast[rel]) != _without_patch(plain[rel])] == []
    # Material indexes the pages itself: the same incident sections are found
    incident_locations = {loc for loc in _search_locations(fast_site) if loc.startswith("incidents/")}
    assert incident_locations and incident_locations <= _search_locations(plain_site)


def _set_fast(project, value: str, site_signer) -> None:
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("  - statuskit\n", f"  - statuskit:\n      fast: {value}\n"))
    site_signer(project / "content")  # mkdocs.yml is a site file: approve the change


def test_fast_false_builds_the_same_site_without_the_speed_ups(project, site_signer):
    fast_site = _build(project, "fast")
    _set_fast(project, "false", site_signer)
    _assert_plain(fast_site, _build(project, "plain"))


def test_fast_true_is_the_default(project, site_signer):
    default_site = _build(project, "default")
    _set_fast(project, "true", site_signer)
    assert _pages(_build(project, "fast")) == _pages(default_site)


@pytest.mark.parametrize("version, supported", [
    ("9.7.0", True), ("9.8.2", True), ("9.8.99", True), ("9.9.0", False), ("9.6.5", False), ("10.0.0", False),
    ("9.x", False),
])
def test_the_tested_material_range(version, supported):
    assert fast_supported(version) is supported


def test_a_material_outside_the_range_switches_the_speed_ups_off(project, monkeypatch, caplog):
    fast_site = _build(project, "fast")
    monkeypatch.setattr(plugin_module, "_material_version", lambda: "9.9.0")
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.statuskit"):
        plain_site = _build(project, "plain")
    assert "fast: off: mkdocs-material 9.9.0 is outside the range the speed-ups are tested with (>=9.7,<9.9)" \
        in caplog.text
    _assert_plain(fast_site, plain_site)
