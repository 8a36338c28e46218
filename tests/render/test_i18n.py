"""Tests for statuskit.render.i18n, templates and views: catalogues, Babel dates, the feeds'
language, and pages and feeds rendering the shared pieces from the same partials."""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone

import feedparser
import pytest
from conftest import DEMO_AT, REPO

from statuskit.errors import StatuskitError
from statuskit.gate.release import gate
from statuskit.model.content import load_content
from statuskit.render import i18n
from statuskit.render.feeds import render_feeds, technical_entries
from statuskit.render.i18n import catalogue_languages, catalogue_warnings, check_time_zone, extract_messages, language
from statuskit.render.pages import render_pages
from statuskit.render.site import SiteInfo

SITE = SiteInfo("Northbridge Health status", "https://status.example.org/")
T = datetime(2026, 11, 24, 7, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def release():
    return gate(load_content(REPO / "content"), DEMO_AT)[0]


@pytest.fixture(scope="module")
def later():
    """The demo once every embargo has lifted (the ransomware report with its CVE is published)."""
    return gate(load_content(REPO / "content"), datetime(2027, 6, 1, tzinfo=timezone.utc))[0]


# --- catalogues -------------------------------------------------------------------------------------

def test_the_english_catalogue_lists_exactly_the_messages_in_the_code_and_templates():
    english = {(m.id, m.context) for m in i18n._read("en") if m.id}
    assert english == set(extract_messages())


@pytest.mark.parametrize("code", ["de", "fr", "es"])
def test_every_catalogue_translates_every_message(code):
    assert code in catalogue_languages()
    assert catalogue_warnings(code) == []
    for m in i18n._read(code):
        if m.id:
            assert m.string and not m.fuzzy, m.id
            # the same placeholders as the English (a translator cannot drop or invent a value)
            assert sorted(re.findall(r"%\(\w+\)s", m.string)) == sorted(re.findall(r"%\(\w+\)s", m.id)), m.id


def test_a_language_without_a_catalogue_warns_and_stays_english():
    assert catalogue_warnings("it") == [
        "theme.language 'it' has no statuskit catalogue; statuskit's words stay English (catalogues: de, en, es, fr)"]
    it = language("it")
    assert it.gettext("Active incidents") == "Active incidents"
    assert it.time_text(T) == "24 Nov 2026, 07:30 UTC"  # English dates too, not half Italian


def test_a_catalogue_missing_a_message_warns(tmp_path, monkeypatch):
    for code in ("en", "de"):
        shutil.copytree(i18n.LOCALE_DIR / code, tmp_path / code)
    po = tmp_path / "de" / "LC_MESSAGES" / "statuskit.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Aktuelle Störungen"', 'msgstr ""'),
                  encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._read.cache_clear()
    i18n.language.cache_clear()
    try:
        assert catalogue_warnings("de") == [
            "statuskit catalogue 'de' lacks 1 message(s), shown in English: 'Active incidents'"]
        assert language("de").gettext("Active incidents") == "Active incidents"  # falls back, never empty
    finally:
        i18n._read.cache_clear()
        i18n.language.cache_clear()


def test_a_regional_variant_uses_its_languages_catalogue():
    assert catalogue_warnings("de-CH") == []
    assert language("de-CH").gettext("Active incidents") == "Aktuelle Störungen"
    assert language("pt-BR").feed_language == "pt-BR"


# --- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, text, long", [
    ("en", "24 Nov 2026, 07:30 UTC", "24 November 2026, 07:30 UTC"),
    ("de", "24. Nov. 2026, 07:30 UTC", "24. November 2026, 07:30 UTC"),
    ("fr", "24 nov. 2026 à 07:30 UTC", "24 novembre 2026 à 07:30 UTC"),
    ("es", "24 nov 2026, 07:30 UTC", "24 de noviembre de 2026, 07:30 UTC"),
])
def test_dates_are_babel_formatted_per_language(code, text, long):
    lang = language(code)
    assert lang.time_text(T) == text
    assert lang.long_text(T) == long


def test_the_display_time_zone_is_shown_next_to_utc_and_checked():
    assert language("de", "Europe/Berlin").local_text(T) == "24. Nov. 2026, 08:30 MEZ"
    assert language("en").local_text(T) == ""
    assert check_time_zone("America/New_York") == "America/New_York"
    with pytest.raises(StatuskitError, match=r"^mkdocs\.yml: x: 'Europe/Berln' is not an IANA time zone name such as "
                                             r"Europe/Berlin or America/New_York"):
        check_time_zone("Europe/Berln", "mkdocs.yml: x")


# --- pages and feeds in the site's language -------------------------------------------------------

def test_pages_and_feeds_follow_the_site_language(release):
    site = SiteInfo(SITE.name, SITE.url, language="de")
    home = render_pages(release, site)[0]
    assert home.title == "Aktueller Status"
    assert "<h2>Aktuelle Störungen</h2>" in home.body and "Active incidents" not in home.body
    feeds = render_feeds(release, site)
    for path in ("history.rss", "technical.rss", "components/scheduling/history.rss"):
        assert b"<language>de</language>" in feeds[path]
    d = feedparser.parse(feeds["history.atom"])
    assert d.feed.title == "Northbridge Health status: Verlauf"
    assert any("Freigegeben von" in e.content[0].value for e in d.entries)


def test_the_report_is_the_same_on_the_technical_page_and_in_the_technical_feed(later):
    """Pages and feeds render the report from one partial: the same CVE links, headings and timeline."""
    inc = next(i for i in later.incidents if i.id == "2026-11-24-ransomware-scheduling")
    page = next(p for p in render_pages(later, SITE) if p.url == f"incidents/{inc.id}/technical/")
    entries = [e for e in technical_entries(later, SITE) if "ransomware-scheduling" in e.id and "report" in e.title]
    html = entries[0].html  # the newest revision, the page's current report
    assert re.findall(r"CVE-\d{4}-\d+", page.body)
    for cve in re.findall(r"CVE-\d{4}-\d+", page.body):
        assert f"https://nvd.nist.gov/vuln/detail/{cve}" in html  # not another site than the page's
    assert "cve.org" not in html
    assert "<th scope=\"col\">Time (UTC)</th>" in html and "<th scope=\"col\">Time (UTC)</th>" in page.body
    for heading in ("Indicators of compromise (defanged)", "Vulnerabilities (CVE)", "MITRE ATT&amp;CK techniques"):
        assert heading in html and heading in page.body


def test_an_update_reads_the_same_on_its_page_and_in_the_feed(release):
    inc = next(i for i in release.incidents if i.id == "2026-10-14-pharmacy-refill-delays")
    page = next(p for p in render_pages(release, SITE) if p.url == f"incidents/{inc.id}/")
    d = feedparser.parse(render_feeds(release, SITE)["history.atom"])
    entry = next(e for e in d.entries if e.id.endswith(f"{inc.id}/#update-4"))
    start = page.body.index('<h3 id="update-4">')
    on_page = page.body[start:page.body.index("</article>", start)]
    words = lambda html: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()  # noqa: E731
    assert words(on_page) in words(entry.content[0].value)
