"""Tests for statuskit.render.feeds: every feed parsed back with feedparser.

The demo content (as of DEMO_AT, and after its technical embargo lifts) and tiny
sites from ``make_site`` are gated for real (real SSH signatures), then rendered.
"""

from __future__ import annotations

import calendar
import re
import shutil
import textwrap
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from conftest import DEMO_AT, NAMESPACE, REPO

from statuskit.gate.digest import digest, statement
from statuskit.gate.release import gate
from statuskit.ssh.sshsig import sign
from statuskit.model.content import load_content
from statuskit.render import feeds
from statuskit.render.feeds import FEED_LIMIT, render_feeds
from statuskit.render.site import SiteInfo

SITE = SiteInfo("Northbridge Health status", "https://status.example.org/")
FEEDS = ("history", "technical")
AFTER_EMBARGO = datetime(2026, 12, 9, tzinfo=timezone.utc)
"""The demo's technical embargo (2026-12-08) has lifted."""


def approve_fast(site, skip=()) -> None:
    """Sign every update as alice (comms) and bob (security), loading the content once."""
    content = site.load()
    for inc in content.incidents:
        for u in inc.updates:
            if (inc.id, u.id) in skip:
                continue
            for team, member in (("comms", "alice"), ("security", "bob")):
                path = site.root / "approvals" / inc.id / str(u.id) / f"{team}--{member}.sig"
                path.parent.mkdir(parents=True, exist_ok=True)
                msg = statement(inc.id, u.id, digest(u), team, member)
                path.write_text(sign(site.keys[member].private, NAMESPACE, msg))


def parse(data: bytes):
    d = feedparser.parse(data)
    assert not d.bozo, d.get("bozo_exception")
    return d


def utc(struct) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(struct), timezone.utc)


def updated(entry) -> datetime:
    """An entry's updated time (Atom ``updated``; RSS has only ``pubDate``)."""
    return utc(entry["updated_parsed"] if "updated" in entry.keys() else entry["published_parsed"])


def all_feed_paths(release) -> list[str]:
    paths = [f"{name}.{ext}" for name in FEEDS for ext in ("rss", "atom")]
    paths += [f"components/{v.id}/history.{ext}" for v in release.components for ext in ("rss", "atom")]
    return paths


@pytest.fixture(scope="module")
def demo():
    content = load_content(REPO / "content")
    release, _ = gate(content, DEMO_AT)
    return content, release, render_feeds(release, SITE)


@pytest.fixture(scope="module")
def demo_later():
    release, _ = gate(load_content(REPO / "content"), AFTER_EMBARGO)
    return release, render_feeds(release, SITE)


# --- every feed parses, with the right ids, times and order ---------------------------------

def test_every_listed_feed_is_rendered_and_parses(demo):
    _, release, files = demo
    assert sorted(files) == sorted(all_feed_paths(release))
    for path, data in files.items():
        d = parse(data)
        assert d.version == ("rss20" if path.endswith(".rss") else "atom10"), path


def expected_public(release, component=None) -> list[tuple[str, int, datetime]]:
    """(incident, update, at) of every public entry, newest first."""
    out = [(inc.id, u.id, u.at) for inc in release.incidents
           if component is None or component in inc.components
           for u in inc.updates if u.public or u.retracted]
    return sorted(out, key=lambda t: (t[2], t[0], t[1]), reverse=True)[:FEED_LIMIT]


@pytest.mark.parametrize("ext", ["rss", "atom"])
def test_history_has_one_entry_per_public_update_newest_first(demo, ext):
    _, release, files = demo
    d = parse(files[f"history.{ext}"])
    want = expected_public(release)
    assert [e.id for e in d.entries] == [f"{SITE.url}incidents/{i}/#update-{n}" for i, n, _ in want]
    assert [utc(e.published_parsed) for e in d.entries] == [at for _, _, at in want]
    assert len(d.entries) == 30  # the demo's public updates, maintenance included
    assert any("maintenance" in e.id for e in d.entries)
    times = [utc(e.published_parsed) for e in d.entries]
    assert times == sorted(times, reverse=True)
    for e in d.entries:
        assert e.link == e.id


@pytest.mark.parametrize("ext", ["rss", "atom"])
def test_feed_updated_is_the_newest_entry_time(demo, demo_later, ext):
    for files in (demo[2], demo_later[1]):
        for name in ("history", "technical", "components/scheduling/history"):
            d = parse(files[f"{name}.{ext}"])
            newest = max(updated(e) for e in d.entries)
            assert utc(d.feed.updated_parsed) == newest, name


def test_times_come_from_the_content_never_the_wall_clock(demo, monkeypatch):
    """feedgen stamps now() on feeds and entries unless told otherwise: a clock in 2099 must not show."""
    import feedgen.entry
    import feedgen.feed

    class IsDatetime(type):
        def __instancecheck__(cls, obj):
            return isinstance(obj, datetime)

    class Clock(metaclass=IsDatetime):
        """Stands in for feedgen's ``datetime``: now() is in 2099."""

        @staticmethod
        def now(tz=None):
            return datetime(2099, 1, 2, 3, 4, 5, tzinfo=tz)

    monkeypatch.setattr(feedgen.feed, "datetime", Clock)
    monkeypatch.setattr(feedgen.entry, "datetime", Clock)
    _, release, before = demo
    files = render_feeds(release, SITE)
    assert files == before
    content_times = {u.at for inc in release.incidents for u in inc.updates}
    for path, data in files.items():
        assert b"2099" not in data, path
        text = data.decode()
        stamps = [datetime.fromisoformat(s) for s in re.findall(r"<(?:updated|published)>([^<]+)<", text)]
        stamps += [parsedate_to_datetime(s) for s in re.findall(r"<(?:pubDate|lastBuildDate)>([^<]+)<", text)]
        assert stamps, path
        for stamp in stamps:
            assert stamp in content_times, (path, stamp)
        assert "<generator" in text and "python-feedgen" not in text


def test_rebuild_gives_the_same_bytes_and_ids(demo):
    content, release, files = demo
    again = render_feeds(gate(load_content(REPO / "content"), DEMO_AT)[0], SITE)
    assert again == files


def test_entry_ids_stay_the_same_when_time_moves_on(demo, demo_later):
    """A later build adds entries; every earlier id is still there, same time."""
    before = {e.id: e.published_parsed for e in parse(demo[2]["history.atom"]).entries}
    after = {e.id: e.published_parsed for e in parse(demo_later[1]["history.atom"]).entries}
    assert before.items() <= after.items()


# --- a new approved update, the limit of 50 ------------------------------------------------

def test_a_new_approved_update_is_exactly_one_new_entry(make_site):
    site = make_site({"2024-07-31-outage": None})
    approve_fast(site, skip={("2024-07-31-outage", 2)})
    at = datetime(2024, 8, 1, tzinfo=timezone.utc)
    before = render_feeds(gate(site.load(), at)[0], SITE)
    approve_fast(site)
    after = render_feeds(gate(site.load(), at)[0], SITE)
    for path in ("history.atom", "history.rss", "components/scheduling/history.atom"):
        old, new = parse(before[path]), parse(after[path])
        old_ids, new_ids = [e.id for e in old.entries], [e.id for e in new.entries]
        assert new_ids == [f"{SITE.url}incidents/2024-07-31-outage/#update-2", *old_ids]
        assert new.entries[1].published_parsed == old.entries[0].published_parsed
        assert utc(new.feed.updated_parsed) == datetime(2024, 7, 31, 10, tzinfo=timezone.utc)
    # the incident does not touch the website
    assert parse(after["components/website/history.atom"]).entries == []


def many_updates(n: int) -> str:
    start = datetime(2024, 7, 1, tzinfo=timezone.utc)
    lines = ["id: long-outage", "kind: incident", "updates:"]
    for i in range(1, n + 1):
        at = (start + timedelta(minutes=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines += [f"  - id: {i}", f"    at: {at}", "    status: investigating", f"    public: Update number {i}."]
        if i == 1:
            lines += ["    title: A long outage", "    impact: minor", "    components: {website: partial_outage}"]
    return "\n".join(lines) + "\n"


def test_feeds_keep_the_newest_50(make_site):
    site = make_site({"long-outage": many_updates(FEED_LIMIT + 5)})
    approve_fast(site)
    release, _ = gate(site.load(), datetime(2024, 8, 1, tzinfo=timezone.utc))
    files = render_feeds(release, SITE)
    for path in ("history.rss", "history.atom", "components/website/history.atom"):
        ids = [e.id for e in parse(files[path]).entries]
        assert ids == [f"{SITE.url}incidents/long-outage/#update-{n}" for n in range(FEED_LIMIT + 5, 5, -1)]


# --- component feeds ------------------------------------------------------------------------

@pytest.mark.parametrize("component, incidents", [
    ("scheduling", {"2026-04-18-portal-database-upgrade", "2026-11-24-ransomware-scheduling",
                    "2026-12-05-scheduling-network-maintenance"}),
    ("pharmacy-refills", {"2026-10-14-pharmacy-refill-delays", "2026-11-27-pharmacy-refills-degraded"}),
    ("website", {"2026-08-21-ddos-website-partner-api"}),
    ("telehealth", {"2026-06-09-telehealth-video-provider"}),
])
def test_component_feed_lists_incidents_touching_it(demo, component, incidents):
    _, release, files = demo
    for ext in ("rss", "atom"):
        d = parse(files[f"components/{component}/history.{ext}"])
        want = expected_public(release, component)
        assert [e.id for e in d.entries] == [f"{SITE.url}incidents/{i}/#update-{n}" for i, n, _ in want]
        assert {e.id.split("/")[-2] for e in d.entries} == incidents


def test_an_empty_feed_takes_the_sites_newest_time(make_site):
    site = make_site({"2024-07-31-outage": None})
    approve_fast(site)
    files = render_feeds(gate(site.load(), datetime(2024, 8, 1, tzinfo=timezone.utc))[0], SITE)
    d = parse(files["components/website/history.rss"])
    assert d.entries == []
    assert utc(d.feed.updated_parsed) == datetime(2024, 7, 31, 10, tzinfo=timezone.utc)
    (site.root / "incidents" / "2024-07-31-outage.yml").unlink()
    shutil.rmtree(site.root / "approvals")
    empty = render_feeds(gate(site.load(), datetime(2024, 8, 1, tzinfo=timezone.utc))[0], SITE)
    assert utc(parse(empty["history.atom"]).feed.updated_parsed) == feeds.EPOCH


# --- technical feed -------------------------------------------------------------------------

def test_technical_feed_has_one_entry_per_technical_text_or_report(demo, demo_later):
    for release, files in ((demo[1], demo[2]), demo_later):
        want = sorted(((inc.id, u.id, u.at) for inc in release.incidents for u in inc.updates
                       if not u.retracted and (u.technical or u.update.report)),
                      key=lambda t: (t[2], t[0], t[1]), reverse=True)
        for ext in ("rss", "atom"):
            d = parse(files[f"technical.{ext}"])
            assert [e.id for e in d.entries] == [f"{SITE.url}incidents/{i}/technical/#update-{n}" for i, n, _ in want]
            assert [utc(e.published_parsed) for e in d.entries] == [at for _, _, at in want]


def test_technically_embargoed_tracks_are_not_in_the_technical_feed(demo, demo_later):
    ids_now = [e.id for e in parse(demo[2]["technical.atom"]).entries]
    ids_later = [e.id for e in parse(demo_later[1]["technical.atom"]).entries]
    ransomware = f"{SITE.url}incidents/2026-11-24-ransomware-scheduling/technical/#update-"
    assert ransomware + "5" not in ids_now and ransomware + "6" not in ids_now
    assert ransomware + "5" in ids_later and ransomware + "6" in ids_later
    assert b"Encryptor" not in demo[2]["technical.atom"]
    assert b"Encryptor" in demo_later[1]["technical.atom"]


@pytest.mark.parametrize("ext", ["rss", "atom"])
def test_indicators_are_defanged_in_the_technical_feed(demo_later, ext):
    data = demo_later[1][f"technical.{ext}"]
    release = demo_later[0]
    raw = {i.value for inc in release.incidents for u in inc.updates if u.update.report
           for i in u.update.report.indicators if i.type in ("ipv4", "domain", "url")}
    assert "203.0.113.47" in raw and "update-cdn-sync.example" in raw
    for value in raw:
        assert value.encode() not in data, value
    text = parse(data).entries[0].content[0].value if ext == "atom" else parse(data).entries[0].description
    assert "203[.]0[.]113[.]47" in text
    assert "hxxps://portal-docs-share[.]example/inv/NBH-2026-1187.docm" in text
    assert "203[.]0[.]113[.]88" in text  # in a timeline event, not only in the list


# --- retractions, corrections, safe HTML ----------------------------------------------------

def test_a_retracted_update_keeps_its_entry_without_its_text(demo):
    _, _, files = demo
    for ext in ("rss", "atom"):
        data = files[f"history.{ext}"]
        assert b"Appointment scheduling is also affected" not in data
        d = parse(data)
        e = next(e for e in d.entries if e.id.endswith("2026-03-03-portal-sign-in-failures/#update-2"))
        body = e.content[0].value if ext == "atom" else e.description
        # the incident page's withdrawn marker (the same partial), its time as the page shows it
        assert "Update 2 was withdrawn on 3 Mar 2026, 09:05 UTC." in re.sub(r"<[^>]+>", "", body)
        # a link to the retraction, whose own entry carries its text (once)
        assert "See the retraction." in re.sub(r"<[^>]+>", "", body) and "/#update-3" in body
        assert "We have withdrawn our 08:45 UTC update" not in body
        r = next(e for e in d.entries if e.id.endswith("2026-03-03-portal-sign-in-failures/#update-3"))
        assert "We have withdrawn our 08:45 UTC update" in (r.content[0].value if ext == "atom" else r.description)
        assert e.title == "Some patients cannot sign in to the patient portal: update 2 withdrawn"
        # dated by the retraction: nothing of update 2's own, not its time either
        assert utc(e.published_parsed) == datetime(2026, 3, 3, 9, 5, tzinfo=timezone.utc)
        assert b"2026-03-03T08:45" not in data and b"08:45:00" not in data
        if ext == "atom":
            assert updated(e) == datetime(2026, 3, 3, 9, 5, tzinfo=timezone.utc)


def test_a_correction_links_to_the_corrected_update(demo):
    d = parse(demo[2]["history.atom"])
    e = next(e for e in d.entries if e.id.endswith("2026-10-14-pharmacy-refill-delays/#update-4"))
    # the incident page's words (the same partial), linking to the page's absolute address
    assert "Corrects <a href=\"https://status.example.org/incidents/2026-10-14-pharmacy-refill-delays/#update-" \
        in e.content[0].value


TEXT_YML = textwrap.dedent("""\
    id: html-check
    kind: incident
    updates:
      - id: 1
        at: 2024-07-31T09:05:00Z
        status: investigating
        title: Check <b>titles</b> & text
        impact: minor
        components: {website: degraded_performance}
        public: |
          **Bold** text. <script>alert(1)</script> <img src=x onerror=alert(2)>
          [bad](javascript:alert(3)) and [good](https://example.org/help).
        technical: |
          See <https://c2.evil.example/gate.php> and 203.0.113.9.
        report:
          summary: Beacons to c2.evil.example.
          indicators:
            - {type: url, value: "https://c2.evil.example/gate.php", context: Gate}
            - {type: ipv4, value: 203.0.113.9, context: "C2 <address>"}
    """)


def test_entry_content_is_sanitised_markdown(make_site):
    site = make_site({"html-check": TEXT_YML})
    approve_fast(site)
    release, _ = gate(site.load(), datetime(2024, 8, 1, tzinfo=timezone.utc))
    [entry] = feeds.public_entries(release, SITE)
    assert "<strong>Bold</strong>" in entry.html
    assert "&lt;script&gt;" in entry.html and "<script" not in entry.html
    assert "<img" not in entry.html and "javascript:" not in entry.html
    assert '<a href="https://example.org/help" rel="nofollow noopener">good</a>' in entry.html
    d = parse(render_feeds(release, SITE)["history.atom"])
    assert d.entries[0].title == "Check <b>titles</b> & text: Investigating"
    [tech] = feeds.technical_entries(release, SITE)
    assert "hxxps://c2[.]evil[.]example/gate.php" in tech.html and "203[.]0[.]113[.]9" in tech.html
    assert "c2.evil.example" not in tech.html and "203.0.113.9" not in tech.html
    assert "C2 &lt;address&gt;" in tech.html
