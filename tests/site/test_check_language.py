"""`statuskit check` in a project warns when statuskit's words would not all be in theme.language
(the catalogue warning a build gives, and that stops a `strict: true` build), through the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sitetools import FIXTURE_MKDOCS_YML

from statuskit.cli.main import cli
from statuskit.render import i18n


def _project(make_site, language: str | None):
    site = make_site({"2024-07-30-outage": None})
    site.approve_all()
    text = FIXTURE_MKDOCS_YML
    if language is not None:
        text = text.replace("  font: false\n", f"  font: false\n  language: {language}\n")
    (site.root.parent / "mkdocs.yml").write_text(text, encoding="utf-8")
    return site


def _check(site, *args: str):
    return CliRunner().invoke(cli, ["check", "--content", str(site.root), "--at", "2024-08-01T00:00:00Z", *args])


def test_check_warns_about_a_language_without_a_catalogue(make_site):
    site = _project(make_site, "it")
    result = _check(site)
    assert result.exit_code == 0, result.output  # a warning: check passes
    assert (f"{site.root.parent / 'mkdocs.yml'}:7: warning: theme.language 'it' has no statuskit catalogue; "
            "statuskit's words stay English (catalogues: de, en, es, fr)") in result.output
    data = json.loads(_check(site, "--format", "json").output)
    found = [p for p in data["problems"] if p.get("rule") == "language-catalogue"]
    assert len(found) == 1 and found[0]["severity"] == "warning" and found[0]["line"] == 7


def test_check_warns_about_a_catalogue_missing_a_message(make_site, monkeypatch):
    site = _project(make_site, "de")
    real = i18n._read

    def without_one(code):  # the German catalogue without "Active incidents"
        catalog = real(code)
        if code == "de":
            catalog = type(catalog)(locale=catalog.locale)
            for msg in real(code):
                if msg.id and msg.id != "Active incidents":
                    catalog.add(msg.id, msg.string, context=msg.context)
        return catalog

    monkeypatch.setattr(i18n, "_read", without_one)
    result = _check(site)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "[language-catalogue]" in x)
    assert line.startswith(f"{site.root.parent / 'mkdocs.yml'}:7: ")
    assert "theme.language: " in line
    assert line.endswith("statuskit catalogue 'de' lacks 1 message(s), shown in English: 'Active incidents' "
                         "[language-catalogue]")


@pytest.mark.parametrize("language", [None, "en", "de", "fr-CA"])
def test_check_is_quiet_about_languages_with_a_full_catalogue(make_site, language):
    result = _check(_project(make_site, language))
    assert "language-catalogue" not in result.output and "catalogue" not in result.output, result.output
